/* The thin rtnetlink layer (libnl-route-3). The only place that includes
 * libnl headers. All calls return 0 (or a count / boolean as documented) or
 * a negative errno; libnl's NLE_* codes are converted at this boundary. */
#pragma once

#include "common/addr.h"

#include <stdbool.h>
#include <stdint.h>

struct np_nl;
struct np_err;

int np_nl_open(struct np_nl **ret);
void np_nl_close(struct np_nl *nl);

struct np_bridge_spec {
	const char *ifname;
	const uint8_t *mac; /* NULL: kernel's choice */
	unsigned mtu;       /* 0: default */
	int stp;            /* -1 leave default, 0 off, 1 on */
	long delay_cs;      /* forward delay in centiseconds (USER_HZ); -1 leave */
};

/* What np_nl_link_get() reports about one link. */
struct np_link_info {
	int ifindex;
	char ifname[16];
	uint8_t mac[NP_MAC_LEN];
	bool has_mac; /* false for links without a hardware address */
	unsigned mtu;
	bool up;      /* IFF_UP (administratively up) */
};

/* Looks a link up by name; -ENODEV when there is none. */
int np_nl_link_get(struct np_nl *nl, const char *ifname, struct np_link_info *ret);
/* 1 when a link of that name exists, 0 when not. */
int np_nl_link_exists(struct np_nl *nl, const char *ifname);
/* Creates the bridge with MAC, STP and forward delay in one request;
 * -EEXIST when the name is taken. The MTU follows in a second request, as
 * libvirt does it, because only a changed MTU makes the kernel pin it (an
 * MTU given at creation drops to the smallest port's when a port joins); if
 * that step fails the new bridge is deleted again. With STP on, the kernel
 * raises a forward delay below 2 s to 2 s (libvirt's stp='on' delay='0'). */
int np_nl_bridge_add(struct np_nl *nl, const struct np_bridge_spec *spec);
/* Deletes a link; -ENODEV when it does not exist. */
int np_nl_link_del(struct np_nl *nl, const char *ifname);
/* Deletes the link with ifindex only while it still has mac: -ENODEV when
 * there is no such link, -EPERM (nothing done) when it has another MAC. */
int np_nl_link_del_owned(struct np_nl *nl, int ifindex, const uint8_t mac[NP_MAC_LEN]);
int np_nl_link_set_up(struct np_nl *nl, const char *ifname);
int np_nl_addr_add(struct np_nl *nl, const char *ifname, const struct np_addr *a, unsigned prefix);
/* gw may be NULL or unset (family 0) for an on-link route; metric 0 = default. */
int np_nl_route_add(struct np_nl *nl, const char *ifname, const struct np_addr *dst, unsigned prefix,
		    const struct np_addr *gw, unsigned metric);
/* A veth pair: ifname stays here, peer_ifname moves into the namespace
 * peer_netns_fd (-1: stays here) with peer_mac. */
struct np_veth_spec {
	const char *ifname;
	const uint8_t *mac;
	const char *peer_ifname;
	const uint8_t *peer_mac;
	int peer_netns_fd;
};
int np_nl_veth_add(struct np_nl *nl, const struct np_veth_spec *spec);
/* Enslaves ifname to the bridge master, optionally sets its MAC, and
 * brings it up, in one request. */
int np_nl_link_enslave(struct np_nl *nl, const char *ifname, const char *master,
		       const uint8_t *mac);
/* A new persistent tap (/dev/net/tun), owned by uid owner when >= 0;
 * -EEXIST when a link of that name exists. */
int np_tap_add(const char *ifname, long owner);

/* Traffic control as libvirt's virNetDevBandwidthSet builds it: an HTB root
 * qdisc, HTB classes and a leaf qdisc under a class. Handles are the kernel's
 * 32-bit major:minor (TC_H_MAKE); requests create or replace, so applying a
 * spec again converges on it. */
enum np_tc_kind {
	NP_TC_HTB,   /* qdisc: defcls; class: rate, ceil, burst */
	NP_TC_PFIFO, /* leaf qdisc: limit */
};
struct np_tc_spec {
	enum np_tc_kind kind;
	uint32_t handle; /* the qdisc's handle, or the class's id */
	uint32_t parent; /* TC_H_ROOT or a class id */
	uint32_t defcls; /* HTB qdisc: minor of the class unclassified traffic takes */
	uint32_t limit;  /* PFIFO: packets */
	uint64_t rate;   /* HTB class: bytes per second */
	uint64_t ceil;   /* HTB class: bytes per second, 0: rate */
	uint32_t burst;  /* HTB class: bytes, 0: libnl's default (rate / HZ + MTU) */
};
int np_nl_qdisc_add(struct np_nl *nl, const char *ifname, const struct np_tc_spec *spec);
int np_nl_class_add(struct np_nl *nl, const char *ifname, const struct np_tc_spec *spec);
/* Sets or clears the bridge port flag "isolated" (IFLA_BRPORT_ISOLATED) of
 * ifname, which must be a bridge port. */
int np_nl_port_isolate(struct np_nl *nl, const char *ifname, bool on);

/* A VXLAN link (issue 18) enslaved to master, down: VNI, UDP port, the
 * underlay dev and the local VTEP address; learning off when a control
 * plane (EVPN) fills the FDB. */
struct np_vxlan_spec {
	const char *ifname;
	const char *master;
	const char *dev;
	const uint8_t *mac; /* NULL: kernel's choice */
	unsigned vni, port, mtu;
	struct np_addr local;
	bool learning;
};
int np_nl_vxlan_add(struct np_nl *nl, const struct np_vxlan_spec *spec);
/* Appends (add) or deletes the all-zero FDB entry of ifname (a VXLAN link)
 * that floods to the VTEP dst ("bridge fdb append 00:00:00:00:00:00 dev
 * IF dst DST self permanent"). */
int np_nl_fdb_change(struct np_nl *nl, bool add, const char *ifname, const struct np_addr *dst);
/* ifname's MTU and its first address of family (family 0 when it has
 * none); -ENODEV when there is no such link. */
int np_nl_link_addr_get(struct np_nl *nl, const char *ifname, int family, unsigned *ret_mtu,
			struct np_addr *ret_addr);

/* libvirt's route-collision check (networkCheckRouteCollision): 1 and the
 * device name in ret_dev when a main-table route to exactly dst's network
 * with this prefix exists already ("*" when it has no device), 0 when the
 * subnet is free. libvirt checks IPv4 only (/proc/net/route); this answers
 * for dst's family, IPv6 too. */
int np_nl_route_find(struct np_nl *nl, const struct np_addr *dst, unsigned prefix,
		     char ret_dev[16]);
