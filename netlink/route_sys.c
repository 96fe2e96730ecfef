/* Routes: adding one, and libvirt's collision check. */
#include "netlink/internal.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/socket.h>
#include <string.h>
#include <sys/socket.h>

int np_nl_route_add(struct np_nl *nl, const char *ifname, const struct np_addr *dst, unsigned prefix,
		    const struct np_addr *gw, unsigned metric)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r = np_nl_ifindex(nl, ifname);

	if (r < 0)
		return r;
	r = np_nl_msg_route_add(r, dst, prefix, gw, metric, &m);
	return r < 0 ? r : np_nl_transact(nl, m, NULL, NULL);
}

struct route_search {
	const struct np_addr *dst;
	unsigned prefix;
	bool found;
	int ifindex;
};

static int on_route(const struct nlmsghdr *h, void *arg)
{
	struct route_search *s = arg;
	int ifindex = 0, r;

	if (s->found)
		return 0;
	r = np_nl_route_match(h, s->dst, s->prefix, &ifindex);
	if (r <= 0)
		return r;
	s->found = true;
	s->ifindex = ifindex;
	return 0;
}

static int on_rule(const struct nlmsghdr *h, void *arg)
{
	bool *plain = arg;
	int r = np_nl_rule_is_plain(h);

	if (r < 0)
		return r;
	if (!r)
		*plain = false;
	return 0;
}

/* 1 when family's policy rules are the kernel's own (local, main, default
 * for every packet): a lookup that found nothing then looked in main too. */
static int rules_plain(struct np_nl *nl, int family)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	bool plain = true;
	int r;

	r = np_nl_msg_rule_dump(family, &m);
	if (r < 0)
		return r;
	r = np_nl_transact(nl, m, on_rule, &plain);
	return r < 0 ? r : plain;
}

static int on_throw(const struct nlmsghdr *h, void *arg)
{
	bool *any = arg;

	if (h->nlmsg_type == RTM_NEWROUTE)
		*any = true;
	return 0;
}

/* 1 when main has no "throw" route (kernel-side filter: the kernel walks its
 * table but sends nothing), 0 when it has or the kernel cannot filter. */
static int no_main_throw(struct np_nl *nl, int family)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int fd = nl_socket_get_fd(nl->sk), on = 1, off = 0;
	bool any = false;
	int r;

	if (setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &on, sizeof(on)) < 0)
		return 0;
	r = np_nl_msg_route_dump_type(family, RT_TABLE_MAIN, RTN_THROW, &m);
	if (r >= 0)
		r = np_nl_transact(nl, m, on_throw, &any);
	setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &off, sizeof(off));
	return r < 0 || any ? 0 : 1;
}

struct fib_answer {
	const struct np_addr *dst;
	unsigned prefix;
	bool free;
};

static int on_fib(const struct nlmsghdr *h, void *arg)
{
	struct fib_answer *a = arg;

	if (h->nlmsg_type == RTM_NEWROUTE)
		a->free = np_nl_route_fib_rules_out(h, a->dst, a->prefix) == 1;
	return 0;
}

/* One route lookup proves that main has no route to exactly dst/prefix,
 * or leaves it to the dump. The usual answer is the main route a lookup of
 * the network address ends on (the default route, or none at all): shorter
 * than prefix, so main has no dst/prefix (it would
 * have been the longer match). When no table has a route, that proves it
 * too, unless a policy rule kept the lookup from main or main has a "throw"
 * route (a throw route to dst/prefix also ends the lookup there). A route
 * inside the prefix, an answer from another table or any other error leave
 * it to the dump, and so does a route to dst/prefix itself: the collision
 * is then reported from the dump, as before. What a lookup passes over is
 * missed: a main route that only matches one TOS ("ip route add ... tos
 * N"), one whose link is down while ignore_routes_with_linkdown is set, and
 * an IPv6 route via a gateway known unreachable while IPv6 forwarding is
 * off (the kernel then prefers a shorter route with a reachable one). */
int np_nl_route_ruled_out(struct np_nl *nl, const struct np_addr *dst, unsigned prefix)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct np_addr net = np_addr_network(dst, prefix);
	struct fib_answer a = { .dst = dst, .prefix = prefix };
	int r;

	/* A lookup of 0.0.0.0 or :: is not a route lookup. */
	if (prefix == 0 || np_nl_msg_route_get_fib(&net, &m) < 0)
		return 0;
	r = np_nl_transact(nl, m, on_fib, &a);
	if (r == -ENETUNREACH)
		return rules_plain(nl, dst->family) > 0 && no_main_throw(nl, dst->family) > 0;
	return r == 0 && a.free;
}

/* libvirt reads /proc/net/route (IPv4, main table) and compares each
 * route's destination and mask with the network's; this asks the kernel
 * the same question for either family: "no" by one route lookup when that
 * proves it (the usual case, whatever the number of routes), else from one
 * dump of every route. */
int np_nl_route_find(struct np_nl *nl, const struct np_addr *dst, unsigned prefix,
		     char ret_dev[16])
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct route_search s = { .dst = dst, .prefix = prefix };
	struct np_link_info link = { 0 };
	int r;

	if (!dst || !np_addr_is_set(dst) || prefix > np_addr_max_prefix(dst->family))
		return -EINVAL;
	if (np_nl_route_ruled_out(nl, dst, prefix))
		return 0;
	r = np_nl_msg_route_dump(dst->family, &m);
	if (r < 0)
		return r;
	r = np_nl_transact(nl, m, on_route, &s);
	if (r < 0)
		return r;
	if (!s.found)
		return 0;
	/* Looked up after the dump: one request at a time on the socket.
	 * "*" is what /proc/net/route prints for a route without a device. */
	if (s.ifindex <= 0 || np_nl_link_query(nl, s.ifindex, NULL, &link) < 0)
		strcpy(link.ifname, "*");
	memcpy(ret_dev, link.ifname, sizeof(link.ifname));
	return 1;
}
