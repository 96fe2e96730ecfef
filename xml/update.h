/* net-update: one change to one section of a network definition, with
 * libvirt's rules (virNetworkDefUpdateSection in network_conf.c). Pure: it
 * edits a struct np_net in memory and touches nothing else. */
#pragma once

#include <stddef.h>

struct np_net;
struct np_err;

/* libvirt's virNetworkUpdateCommand values. */
enum np_update_cmd {
	NP_UPDATE_NONE,
	NP_UPDATE_MODIFY,
	NP_UPDATE_DELETE,
	NP_UPDATE_ADD_LAST,
	NP_UPDATE_ADD_FIRST,
	NP_UPDATE__MAX,
};
/* virsh's names: "modify", "delete", "add-last", "add-first" ([NONE] "none"). */
extern const char *const np_update_cmd_names[NP_UPDATE__MAX];

/* libvirt's virNetworkUpdateSection values, in its order. */
enum np_update_section {
	NP_SECTION_NONE,
	NP_SECTION_BRIDGE,
	NP_SECTION_DOMAIN,
	NP_SECTION_IP,
	NP_SECTION_IP_DHCP_HOST,
	NP_SECTION_IP_DHCP_RANGE,
	NP_SECTION_FORWARD,
	NP_SECTION_FORWARD_INTERFACE,
	NP_SECTION_FORWARD_PF,
	NP_SECTION_PORTGROUP,
	NP_SECTION_DNS_HOST,
	NP_SECTION_DNS_TXT,
	NP_SECTION_DNS_SRV,
	NP_SECTION_PORT_FORWARD, /* netplumb's own: <netplumb:portForward> */
	NP_SECTION_VXLAN_REMOTE, /* netplumb's own: <netplumb:remote> of the vxlan */
	NP_SECTION__MAX,
};
/* virsh's names: "bridge", "domain", "ip", "ip-dhcp-host", ... */
extern const char *const np_update_section_names[NP_SECTION__MAX];

/* virsh's parsing: "add" is "add-last"; "none" and unknown names are
 * -EINVAL with "unrecognized command name 'x'" / "unrecognized section name
 * 'x'" in err. */
int np_update_cmd_parse(const char *s, enum np_update_cmd *ret, struct np_err *err);
int np_update_section_parse(const char *s, enum np_update_section *ret, struct np_err *err);

/* Applies one update: xml (len bytes, not necessarily NUL-terminated) is the
 * single element of the section (<host>, <range>, <interface>, <portgroup>,
 * <host> of <dns>, <txt>, <srv>). parent_index picks the <ip> (counting all
 * families) for the ip-dhcp-* sections; a negative one means libvirt's
 * "auto": the first <ip> with DHCP ranges or hosts, else the first IPv4,
 * else the first IPv6 one. On failure net is unchanged and err holds one
 * line naming the section and the offending value: -EINVAL for bad XML or
 * a request that does not fit (duplicate, no match, ambiguous match),
 * -EOPNOTSUPP for a section or command libvirt cannot update (bridge,
 * domain, ip, forward, forward-pf; modify of a range, interface, SRV
 * record), -E2BIG past a count limit of xml/net.h. The result is not
 * re-validated here: callers that keep it run it through a format/parse
 * cycle, as libvirt's virNetworkObjUpdate does. */
int np_xml_net_update(struct np_net *net, enum np_update_cmd cmd, enum np_update_section section,
		      int parent_index, const char *xml, size_t len, struct np_err *err);
