/* Private to xml/: the elements netplumb keeps only to format them back
 * (struct np_xml_extra, opaque to every other layer), and helpers shared by
 * the parser, the formatter and the validator. */
#pragma once

#include "xml/net.h"

#include "common/buf.h"

#include <libxml/tree.h>
#include <stdbool.h>
#include <stdint.h>

struct np_buf;
struct np_err;

/* libvirt's virNetDevVPortProfile types; [NONE] has no XML name. */
enum np_vport_type {
	NP_VPORT_NONE,
	NP_VPORT_8021QBG,
	NP_VPORT_8021QBH,
	NP_VPORT_OPENVSWITCH,
	NP_VPORT_MIDONET,
	NP_VPORT__MAX,
};
extern const char *const np_vport_type_names[NP_VPORT__MAX];

struct np_vport {
	bool present;
	enum np_vport_type type;
	bool has_managerid, has_typeid, has_typeidversion, has_instanceid, has_interfaceid;
	unsigned managerid, type_id, typeidversion;
	uint8_t instanceid[16], interfaceid[16];
	char *profileid; /* NULL or non-empty, at most 39 bytes */
};

struct np_bw_rate {
	bool present;
	unsigned long long average, peak, floor, burst; /* 0 = absent */
};

struct np_bandwidth {
	bool present;
	struct np_bw_rate in, out;
};

enum np_vlan_native {
	NP_VLAN_NATIVE_DEFAULT,
	NP_VLAN_NATIVE_TAGGED,
	NP_VLAN_NATIVE_UNTAGGED,
};

struct np_vlan {
	unsigned *tags;
	size_t n_tags;
	bool trunk;
	enum np_vlan_native native_mode;
	unsigned native_tag;
};

struct np_portgroup {
	char *name;
	bool is_default;
	enum np_tristate trust_guest_rx_filters;
	struct np_vport vport;
	struct np_bandwidth bandwidth;
	struct np_vlan vlan;
};

struct np_pci_addr {
	unsigned domain, bus, slot, function;
};

enum np_hostdev_driver {
	NP_HOSTDEV_DRIVER_DEFAULT,
	NP_HOSTDEV_DRIVER_KVM,
	NP_HOSTDEV_DRIVER_VFIO,
	NP_HOSTDEV_DRIVER_XEN,
	NP_HOSTDEV_DRIVER__MAX,
};
extern const char *const np_hostdev_driver_names[NP_HOSTDEV_DRIVER__MAX];

struct np_xml_extra {
	/* <metadata> already rendered the way libvirt's virXMLFormatMetadata
	 * prints it one level deep (no leading indent, no trailing newline). */
	char *metadata;
	struct np_bandwidth bandwidth;
	struct np_vlan vlan;
	struct np_vport vport;
	struct np_portgroup *portgroups;
	size_t n_portgroups;
	/* <forward> children that only hostdev/passthrough networks use. */
	char *pf_dev;
	struct np_pci_addr *pci_addrs;
	size_t n_pci_addrs;
	enum np_hostdev_driver driver_name;
	char *driver_model;
};

void np_xml_extra_free(struct np_xml_extra *extra);

/* Appends s the way libvirt's virBufferEscapeString does: < > & " ' become
 * entities, other control characters than \t \n \r are dropped. */
void np_xml_escape(struct np_buf *b, const char *s);
/* The same for attribute values, where \t \n \r also become &#N; so that a
 * reader gets them back (libvirt writes them raw). */
void np_xml_escape_attr(struct np_buf *b, const char *s);

/* The parse context: where errors go and how the file is labelled. */
struct np_xml_pctx {
	const char *file;
	struct np_err *err;
};

/* parse_util.c: helpers reading the tree as libvirt does. Children match by
 * local name without namespace (libvirt's unprefixed XPath). */
bool np_xml_is_elem(const xmlNode *n, const char *name);
xmlNode *np_xml_child(xmlNode *n, const char *name); /* the first one */
size_t np_xml_children(xmlNode *n, const char *name);
/* All children called name in a new array; more than max is an error. */
int np_xml_children_get(struct np_xml_pctx *c, xmlNode *n, const char *name, size_t max,
			xmlNode ***ret, size_t *ret_n);
char *np_xml_content(xmlNode *n);
/* virXMLPropString: "" stays "". */
char *np_xml_prop(xmlNode *n, const char *name);
/* virXPathString("string(./@name)"): "" counts as absent. */
char *np_xml_prop_nonempty(xmlNode *n, const char *name);
/* Decimal (base 10) or C-style (base 0) unsigned number, whole string. */
int np_xml_parse_uint(const char *s, int base, unsigned long long max, unsigned long long *ret);
/* Attribute readers: 0 absent, 1 present (uint, addr), -EINVAL with err set. */
int np_xml_prop_yesno(struct np_xml_pctx *c, xmlNode *n, const char *name,
		      enum np_tristate *ret);
int np_xml_prop_uint(struct np_xml_pctx *c, xmlNode *n, const char *name, int base,
		     unsigned long long max, unsigned long long *ret);
/* An address as libvirt reads it (getaddrinfo AI_NUMERICHOST: IPv4 parts may
 * be octal, hex or fewer than four); IPv6 as inet_pton. */
int np_xml_addr_parse(const char *s, int family, struct np_addr *ret);
int np_xml_prop_addr(struct np_xml_pctx *c, xmlNode *n, const char *name, int family,
		     struct np_addr *ret);
/* "FILE:LINE: <elem attr='value'>: what"; attr "#text" shows the text. */
int np_xml_err_node(struct np_xml_pctx *c, xmlNode *n, const char *attr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Per-element parsers, in parse_ip.c, parse_dns.c, parse_forward.c. */
int np_xml_parse_ip(struct np_xml_pctx *c, xmlNode *n, struct np_ip *ip);
int np_xml_parse_route(struct np_xml_pctx *c, xmlNode *n, struct np_route *rt);
int np_xml_check_route_gateways(struct np_xml_pctx *c, xmlNode **nodes, struct np_net *net);
/* start..end in order, same family, inside ip's subnet when ip is given. */
int np_xml_check_range(struct np_xml_pctx *c, xmlNode *n, const struct np_addr *start,
		       const struct np_addr *end, const struct np_ip *ip);
int np_xml_parse_dns(struct np_xml_pctx *c, xmlNode *n, struct np_dns *dns);
int np_xml_parse_forward(struct np_xml_pctx *c, xmlNode *n, struct np_net *net);
int np_xml_check_mode(struct np_xml_pctx *c, xmlNode *root, struct np_net *net);

/* parse_extra.c */
int np_xml_parse_bandwidth(struct np_xml_pctx *c, xmlNode *n, struct np_bandwidth *ret);
int np_xml_parse_vlan(struct np_xml_pctx *c, xmlNode *n, struct np_vlan *ret);
int np_xml_parse_vport(struct np_xml_pctx *c, xmlNode *n, bool require_type, struct np_vport *ret);
int np_xml_parse_portgroup(struct np_xml_pctx *c, xmlNode *n, struct np_portgroup *ret);
int np_xml_parse_metadata(struct np_xml_pctx *c, xmlNode *n, char **ret);
int np_xml_parse_pci_addr(struct np_xml_pctx *c, xmlNode *n, struct np_pci_addr *ret);

/* Formatters in format_extra.c; indent is the number of spaces. */
void np_xml_format_bandwidth(struct np_buf *b, int indent, const struct np_bandwidth *bw);
void np_xml_format_vlan(struct np_buf *b, int indent, const struct np_vlan *vlan);
void np_xml_format_vport(struct np_buf *b, int indent, const struct np_vport *vp);
void np_xml_format_portgroup(struct np_buf *b, int indent, const struct np_portgroup *pg);

static inline void np_xml_indent(struct np_buf *b, int n)
{
	np_buf_addf(b, "%*s", n, "");
}

/* libxml2 reports some errors (input encoding conversion, I/O) through its
 * global generic handler, which prints to stderr whatever the parse options
 * say; library code must not print (the one-line message comes from the
 * parser context). Wrap every xmlCtxtRead*() in begin/end: the handler in
 * place before comes back at the end. */
struct np_xml_quiet {
	xmlGenericErrorFunc func;
	void *ctx;
};
void np_xml_quiet_begin(struct np_xml_quiet *q);
void np_xml_quiet_end(const struct np_xml_quiet *q);

/* libvirtd's define-time checks of a network (networkValidate): 0, or
 * -EINVAL with err (when non-NULL) naming element and reason, no file. */
int np_xml_libvirt_define_check(const struct np_net *net, struct np_err *err);
