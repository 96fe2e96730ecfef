/* The network definition as plain C data: what xml/ parses and formats and
 * what the planner, firewall and dhcp renderers read. Every array is owned by
 * its parent and freed by np_net_free(). Fields mirror libvirt's network XML
 * (network.rng); "has_" flags and NULL strings mean "absent in the XML", so the
 * formatter can reproduce libvirt's canonical output. */
#pragma once

#include "common/addr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on what a user controls; the parser refuses more. */
#define NP_MAX_NAME 256
#define NP_IFNAMSIZ 16
#define NP_MAX_IPS 16
#define NP_MAX_RANGES 64
#define NP_MAX_HOSTS 4096
#define NP_MAX_ROUTES 256
#define NP_MAX_DNS_RECORDS 1024
/* Limits on the XML document itself (checked by xml/ before any field). */
#define NP_MAX_XML_SIZE (1024 * 1024) /* bytes */
#define NP_MAX_XML_DEPTH 32           /* element nesting */
#define NP_MAX_XML_NODES 65536        /* elements, attributes and text nodes */
#define NP_MAX_FORWARD_IFS 256        /* <interface>/<address> in <forward> */
#define NP_MAX_PORTGROUPS 256
#define NP_MAX_DNSMASQ_OPTIONS 256

enum np_fwd_mode {
	NP_FWD_NONE, /* no <forward>: isolated */
	NP_FWD_NAT,
	NP_FWD_ROUTE,
	NP_FWD_OPEN,
	NP_FWD_BRIDGE,
	NP_FWD_PRIVATE,
	NP_FWD_VEPA,
	NP_FWD_PASSTHROUGH,
	NP_FWD_HOSTDEV,
	NP_FWD__MAX,
};
/* XML names ("nat", "route", ...); [NP_FWD_NONE] is "none". */
extern const char *const np_fwd_mode_names[NP_FWD__MAX];

/* Tri-state for yes/no (and on/off) attributes. */
enum np_tristate {
	NP_TRI_ABSENT,
	NP_TRI_YES,
	NP_TRI_NO,
};

enum np_lease_unit {
	NP_LEASE_SECONDS,
	NP_LEASE_MINUTES,
	NP_LEASE_HOURS,
};

struct np_lease {
	bool set;
	unsigned long expiry; /* 0 = infinite */
	enum np_lease_unit unit;
};

struct np_dhcp_range {
	struct np_addr start;
	struct np_addr end;
	struct np_lease lease;
};

struct np_dhcp_host {
	bool has_mac;
	uint8_t mac[NP_MAC_LEN];
	char *mac_str; /* the mac attribute as written (libvirt formats it back verbatim) */
	char *id;   /* IPv6 DUID/client id, or NULL */
	char *name; /* or NULL */
	struct np_addr ip; /* family 0 when absent */
	struct np_lease lease;
};

struct np_ip {
	char *family_attr;   /* "ipv4"/"ipv6" as written, or NULL when absent */
	struct np_addr address;
	bool has_netmask;
	struct np_addr netmask; /* when has_netmask */
	bool has_prefix;
	/* effective prefix, always set after parse: prefix, netmask or the
	 * classful default (IPv6: 64); max+1 for a class D/E address given
	 * without either, which np_net_validate refuses */
	unsigned prefix;
	enum np_tristate local_ptr;
	char *tftp_root;
	struct np_dhcp_range *ranges;
	size_t n_ranges;
	struct np_dhcp_host *hosts;
	size_t n_hosts;
	bool has_dhcp;          /* a <dhcp> element was present */
	char *bootp_file;
	char *bootp_server;
};

struct np_route {
	char *family_attr;
	struct np_addr address;
	bool has_netmask;
	struct np_addr netmask;
	bool has_prefix;
	unsigned prefix;        /* effective: prefix, netmask, or 0 (default route) */
	struct np_addr gateway;
	bool has_metric;
	unsigned metric;
};

struct np_dns_forwarder {
	char *domain; /* or NULL */
	struct np_addr addr; /* family 0 when absent */
	unsigned port;       /* libvirt 12.0 port=, needs addr; 0 when absent */
};

struct np_dns_txt {
	char *name;
	char *value;
};

struct np_dns_srv {
	char *service;
	char *protocol;
	char *domain;
	char *target;
	bool has_port, has_priority, has_weight;
	unsigned port, priority, weight;
};

struct np_dns_host {
	struct np_addr ip;
	char **hostnames;
	size_t n_hostnames;
};

struct np_dns {
	bool present;
	enum np_tristate enable;
	enum np_tristate forward_plain_names;
	struct np_dns_forwarder *forwarders;
	size_t n_forwarders;
	struct np_dns_txt *txts;
	size_t n_txts;
	struct np_dns_srv *srvs;
	size_t n_srvs;
	struct np_dns_host *hosts;
	size_t n_hosts;
};

struct np_forward_nat {
	bool present;
	enum np_tristate ipv6;
	struct np_addr addr_start, addr_end; /* family 0 when absent */
	unsigned port_start, port_end;       /* 0 when absent */
};

struct np_forward_if {
	char *dev;
	unsigned connections; /* live status only, 0 when absent */
};

struct np_forward {
	bool present;            /* <forward> element present */
	bool has_mode;           /* mode attribute given */
	enum np_fwd_mode mode;   /* NP_FWD_NAT when present without mode */
	/* The effective forward device: the dev attribute, or else the first
	 * <interface dev> (libvirt's virNetworkDefForwardIf(def, 0)); NULL when
	 * neither is given. When set, ifs[0].dev is the same name. */
	char *dev;
	enum np_tristate managed;
	struct np_forward_nat nat;
	struct np_forward_if *ifs;
	size_t n_ifs;
};

struct np_bridge {
	bool present;
	char *name;
	enum np_tristate stp;      /* on/off; absent means on (libvirt's default) */
	bool has_delay;
	unsigned long delay;
	char *mac_table_manager;   /* "kernel"/"libvirt" or NULL */
	char *zone;
};

struct np_domain {
	char *name;
	enum np_tristate local_only;
	enum np_tristate reg;      /* register= */
};

struct np_dnsmasq_option {
	char *value;
};

/* <netplumb:portForward> (issue 16): xml/ext_portfwd.c parses, formats and
 * validates it, firewall/pf_render.c turns it into DNAT rules. */
#define NP_MAX_PORTFWDS 256
#define NP_MAX_PF_RANGES 64
/* Guest ports a shifted range maps one by one (nft 1.0.6 has no port
 * offset), summed over the network. */
#define NP_MAX_PF_MAPPED 4096
enum np_pf_proto {
	NP_PF_TCP,
	NP_PF_UDP,
	NP_PF__MAX,
};
extern const char *const np_pf_proto_names[NP_PF__MAX];
struct np_pf_range {
	unsigned start, end, to; /* end and to are start when absent */
	bool has_end, has_to, exclude;
};
struct np_portfwd {
	enum np_pf_proto proto;
	struct np_addr guest;
	struct np_addr address; /* family 0 when absent */
	char *dev;              /* or NULL */
	struct np_pf_range *ranges;
	size_t n_ranges;
};

/* <netplumb:vxlan> (issue 18): xml/ext_vxlan.c parses, formats and
 * validates it, engine/plan_vxlan.c plans the link, its flood entries and
 * the underlay's accept rule. */
#define NP_MAX_VX_REMOTES 64
#define NP_VX_PORT_DEFAULT 4789
struct np_vxlan {
	unsigned id;            /* the VNI */
	char *dev;              /* the underlay interface */
	unsigned port;          /* NP_VX_PORT_DEFAULT when absent */
	bool has_port;
	struct np_addr local;   /* family 0: the dev's first address */
	bool evpn;              /* control='evpn': FRR fills the FDB */
	struct np_addr *remotes; /* static peers, flooded to */
	size_t n_remotes;
};

/* Opaque to every layer but xml/: elements netplumb keeps only to format them
 * back (metadata, bandwidth, vlan, portgroups, virtualport, ...). */
struct np_xml_extra;

struct np_net {
	char *name;
	bool has_uuid;             /* always true after parse ... */
	bool uuid_generated;       /* ... but random when <uuid> was absent (as libvirt) */
	uint8_t uuid[16];
	char *title;
	char *description;
	enum np_tristate ipv6;             /* <network ipv6='yes'> */
	enum np_tristate trust_guest_rx_filters;
	bool has_connections;
	unsigned connections;
	struct np_forward forward;
	struct np_bridge bridge;
	bool has_mac;
	uint8_t mac[NP_MAC_LEN];
	bool has_mtu;
	unsigned mtu;
	struct np_domain domain;
	struct np_dns dns;
	enum np_tristate isolated_port;    /* <port isolated='yes|no'/> */
	struct np_ip *ips;
	size_t n_ips;
	struct np_route *routes;
	size_t n_routes;
	struct np_dnsmasq_option *dnsmasq_options;
	size_t n_dnsmasq_options;
	struct np_xml_extra *extra;
	/* netplumb:portForward, in document order */
	struct np_portfwd *portfwds;
	size_t n_portfwds;
	struct np_vxlan *vxlan; /* netplumb:vxlan, or NULL */
	/* <netplumb:qemu bridgeHelper> (issue 17, xml/ext_qemu.c): YES allow,
	 * NO deny, ABSENT no element */
	enum np_tristate qemu_bridge_helper;
};

void np_net_free(struct np_net *net);
static inline void np_net_freep(struct np_net **p)
{
	np_net_free(*p);
}
#define _np_net_free_ __attribute__((cleanup(np_net_freep)))

/* Convenience queries used by several layers. */
/* The first <ip> of a family with a <dhcp> element, or NULL. */
const struct np_ip *np_net_dhcp_ip(const struct np_net *net, int family);
/* True for modes where netplumb owns the bridge (nat, route, open, none). */
bool np_net_is_virtual(const struct np_net *net);
/* uuid <-> "8-4-4-4-12" text. */
void np_uuid_str(const uint8_t uuid[16], char out[37]);
int np_uuid_parse(const char *s, uint8_t ret[16]);
