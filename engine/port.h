/* A guest port on a network, like libvirt's network ports: a tap for qemu or
 * a veth into a namespace. Ports are recorded in the state store and put back
 * on the bridge whenever the network starts. */
#pragma once

#include "common/addr.h"
#include "xml/bandwidth.h"

#include <stdbool.h>
#include <stddef.h>

struct np_err;

enum np_port_type {
	NP_PORT_TAP,
	NP_PORT_VETH,
};

struct np_port {
	enum np_port_type type;
	char ifname[16];  /* host side: the tap, or the veth end on the bridge */
	char peer[16];    /* veth: the interface name inside the guest namespace */
	char netns[256];  /* veth: the guest's named namespace (/run/netns/NAME) */
	long owner;       /* tap: owning uid, -1 for root only */
	uint8_t mac[NP_MAC_LEN]; /* the guest's MAC */
	/* As a libvirt network port's: the portgroup whose <bandwidth> it
	 * gets ("": the default portgroup), and <port isolated> (0: the
	 * network's, 1 yes, 2 no; enum np_tristate). */
	char portgroup[64];
	int isolated;
	/* Its own <bandwidth> (port-add --inbound/--outbound), which replaces
	 * its portgroup's as a whole when either half is present (libvirt's
	 * networkAllocatePort). */
	struct np_net_bw bw;
};

#define NP_MAX_PORTS 4096

/* The record is a few "key=value" lines. Both directions refuse (-EINVAL)
 * a name np_name_check would refuse (ifname, peer: NP_NAME_IFNAME; netns:
 * NP_NAME_NETNS), an owner that is not -1 or a uid; parse also refuses
 * unknown or repeated keys and the other type's keys. */
int np_port_parse(const char *text, struct np_port *ret);
int np_port_format(const struct np_port *p, char **ret);
/* The host side's MAC: the guest's with its first byte set to 0xfe, as
 * libvirt does, so the bridge never takes the guest's address as its own. */
void np_port_host_mac(const struct np_port *p, uint8_t ret[NP_MAC_LEN]);
/* A rate as virsh attach-interface --inbound/--outbound takes it:
 * AVERAGE[,PEAK[,BURST]] (KiB/s, KiB), decimal digits, a field may be empty
 * but average is required and > 0; a fourth field (libvirt's floor) is
 * refused, netplumb has no floor. Also refused: a value too large to shape
 * (tc and nft take bytes: average and peak * 1000 in 64 bits, burst * 1024
 * in 32). what ("port-add: --inbound") starts the error line. */
int np_port_rate_parse(const char *what, const char *s, struct np_net_rate *ret,
		       struct np_err *err);
/* A portgroup name a port record can hold: 1-63 bytes, no control bytes. */
bool np_port_portgroup_valid(const char *s);
