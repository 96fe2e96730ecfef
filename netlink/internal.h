/* Private to netlink/ (and its unit tests): the socket wrapper, libnl error
 * conversion, and pure message builders/parsers. Builders allocate a
 * struct nl_msg the caller frees with nlmsg_free(); nothing here but
 * nl_sys.c touches a socket. */
#pragma once

#include "common/addr.h"
#include "common/util.h"
#include "netlink/nl.h"

#include <netlink/msg.h>
#include <netlink/netlink.h>

struct np_nl {
	struct nl_sock *sk;
};

static inline void np_nlmsg_freep(struct nl_msg **m)
{
	if (*m)
		nlmsg_free(*m);
}
#define _np_nlmsg_free_ np_cleanup(np_nlmsg_freep)

/* nlerr.c: libnl's NLE_* (either sign) -> negative errno; 0 stays 0. */
int np_nl_errno(int nle);

/* msg.c: requests. Names are checked with np_ifname_valid (-EINVAL). */
int np_nl_msg_bridge_add(const struct np_bridge_spec *spec, struct nl_msg **ret);
int np_nl_msg_link_set_mtu(const char *ifname, unsigned mtu, struct nl_msg **ret);
int np_nl_msg_link_set_up(const char *ifname, struct nl_msg **ret);
int np_nl_msg_link_del(const char *ifname, struct nl_msg **ret);
/* By index when ifindex > 0, else by name. */
int np_nl_msg_link_get(int ifindex, const char *ifname, struct nl_msg **ret);
int np_nl_msg_addr_add(int ifindex, const struct np_addr *a, unsigned prefix,
		       struct nl_msg **ret);
int np_nl_msg_route_add(int ifindex, const struct np_addr *dst, unsigned prefix,
			const struct np_addr *gw, unsigned metric, struct nl_msg **ret);
int np_nl_msg_route_dump(int family, struct nl_msg **ret);
/* RTM_GETROUTE with RTM_F_FIB_MATCH: the FIB entry a lookup of dst hits. */
int np_nl_msg_route_get_fib(const struct np_addr *dst, struct nl_msg **ret);
int np_nl_msg_rule_dump(int family, struct nl_msg **ret);
/* A dump of table's routes of one type; the kernel filters only on a socket
 * with NETLINK_GET_STRICT_CHK. */
int np_nl_msg_route_dump_type(int family, uint32_t table, uint8_t type, struct nl_msg **ret);
int np_nl_msg_veth_add(const struct np_veth_spec *spec, struct nl_msg **ret);
int np_nl_msg_link_enslave(const char *ifname, int master_ifindex, const uint8_t *mac,
			   struct nl_msg **ret);
/* tc_msg.c: RTM_NEWQDISC / RTM_NEWTCLASS (create or replace) through
 * libnl-route-3's qdisc and class objects. */
int np_nl_msg_qdisc_add(int ifindex, const struct np_tc_spec *spec, struct nl_msg **ret);
int np_nl_msg_class_add(int ifindex, const struct np_tc_spec *spec, struct nl_msg **ret);
/* RTM_NEWQDISC with NLM_F_REPLACE alone and no options: succeeds only when
 * a qdisc of spec's kind and handle is already in place, and leaves it as it
 * is (HTB qdiscs take no change of options). */
int np_nl_msg_qdisc_keep(int ifindex, const struct np_tc_spec *spec, struct nl_msg **ret);
/* port_msg.c: a bridge port's isolated flag (IFLA_INFO_SLAVE_DATA). */
int np_nl_msg_port_isolate(const char *ifname, bool on, struct nl_msg **ret);

/* vxlan_msg.c (issue 18): the VXLAN link with its underlay and master
 * given by ifindex; one all-zero FDB entry to dst; an address dump. */
int np_nl_msg_vxlan_add(const struct np_vxlan_spec *spec, int dev_ifindex, int master_ifindex,
			struct nl_msg **ret);
int np_nl_msg_fdb(bool add, int ifindex, const struct np_addr *dst, struct nl_msg **ret);
int np_nl_msg_addr_dump(int family, struct nl_msg **ret);
/* 1 and *ret when h is an address of ifindex, 0 when another's. */
int np_nl_addr_parse(const struct nlmsghdr *h, int ifindex, struct np_addr *ret);

/* A request of one type with its fixed header (rtmsg, ifinfomsg, ...)
 * copied in; attributes are left to the caller. */
int np_nl_msg_new(int type, int flags, const void *hdr, size_t len, struct nl_msg **ret);
/* link_idx_msg.c: by ifindex. */
int np_nl_msg_link_del_idx(int ifindex, struct nl_msg **ret);
int np_nl_msg_link_dump(struct nl_msg **ret);

/* msg.c: replies. */
int np_nl_link_parse(const struct nlmsghdr *h, struct np_link_info *ret);
/* 1 when h is a main-table route to exactly dst/prefix (ret_ifindex: its
 * device, or of the first nexthop; 0 for none), 0 when it is another route,
 * -EBADMSG when malformed. */
int np_nl_route_match(const struct nlmsghdr *h, const struct np_addr *dst, unsigned prefix,
		      int *ret_ifindex);
/* The answer to np_nl_msg_route_get_fib(dst): 1 when it proves that no
 * table has a route to exactly dst/prefix (the longest match is shorter),
 * 0 when it cannot tell, -EBADMSG when malformed. */
int np_nl_route_fib_rules_out(const struct nlmsghdr *h, const struct np_addr *dst,
			      unsigned prefix);
/* 1 when h is one of the kernel's own policy rules: "lookup" local, main or
 * default for every packet, no selector; 0 for any other rule; -EBADMSG. */
int np_nl_rule_is_plain(const struct nlmsghdr *h);

/* nl_sys.c: sends msg (completing seq/ACK) and reads until the ACK or the
 * end of a dump. fn, when set, sees every reply message; its first error is
 * returned after the reply has been drained so the socket stays in step.
 * Kernel errors come back as the kernel's own errno. */
typedef int (*np_nl_reply_fn)(const struct nlmsghdr *h, void *arg);
int np_nl_transact(struct np_nl *nl, struct nl_msg *msg, np_nl_reply_fn fn, void *arg);
/* Asks for one link (by ifindex, else name) and hands its RTM_NEWLINK to
 * parse(h, ret); -ENODEV when the kernel sent none. */
int np_nl_link_get_one(struct np_nl *nl, int ifindex, const char *ifname, np_nl_reply_fn parse,
		       void *ret);
int np_nl_link_query(struct np_nl *nl, int ifindex, const char *ifname,
		     struct np_link_info *ret);
/* The index of link ifname (> 0), or -errno: -EINVAL for a name
 * np_ifname_valid() refuses, -ENODEV when there is no such link. */
int np_nl_ifindex(struct np_nl *nl, const char *ifname);
/* route_sys.c: np_nl_route_find()'s fast path: 1 when one route lookup
 * (and at most two small dumps: policy rules, main's throw routes) proves
 * that main has no route to exactly dst/prefix, 0 when only a dump of every
 * route can tell. */
int np_nl_route_ruled_out(struct np_nl *nl, const struct np_addr *dst, unsigned prefix);
