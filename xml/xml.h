/* Network XML in and out. Parsing never touches the network or the file
 * system beyond the one file named, expands no entities and loads no DTD. */
#pragma once

#include <stddef.h>

struct np_net;
struct np_err;

/* Parses a <network> document from memory. filename only labels errors
 * ("net.xml:7: <ip address='300.1.1.1'>: not an IPv4 address"). Applies
 * libvirt's parse-time checks (virNetworkDefParseXML). */
int np_xml_net_parse(const char *data, size_t len, const char *filename, struct np_net **ret,
		     struct np_err *err);
/* Reads (size-limited) and parses a file. */
int np_xml_net_parse_file(const char *path, struct np_net **ret, struct np_err *err);

/* libvirt's define-time validation on top of the parse checks: addresses in
 * their subnet, DHCP ranges inside and ordered, one DHCP <ip> per family, safe
 * bridge and network names, unicast MAC, ... */
int np_net_validate(const struct np_net *net, const char *filename, struct np_err *err);

enum {
	NP_XML_FORMAT_INACTIVE = 1 << 0, /* what virsh net-dumpxml --inactive shows */
};
/* libvirt's canonical formatting (virNetworkDefFormat), 2-space indent,
 * single-quoted attributes, trailing newline. */
int np_xml_net_format(const struct np_net *net, unsigned flags, char **ret);
