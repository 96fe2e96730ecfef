/* Routes: adding one, and libvirt's collision check. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>
#include <string.h>

int np_nl_route_add(struct np_nl *nl, const char *ifname, const struct np_addr *dst, unsigned prefix,
		    const struct np_addr *gw, unsigned metric)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct np_link_info link;
	int r;

	if (!np_ifname_valid(ifname))
		return -EINVAL;
	r = np_nl_link_query(nl, 0, ifname, &link);
	if (r < 0)
		return r;
	r = np_nl_msg_route_add(link.ifindex, dst, prefix, gw, metric, &m);
	if (r < 0)
		return r;
	return np_nl_transact(nl, m, NULL, NULL);
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

/* libvirt reads /proc/net/route (IPv4, main table) and compares each
 * route's destination and mask with the network's; this asks the kernel
 * the same question for either family in one dump. */
int np_nl_route_find(struct np_nl *nl, const struct np_addr *dst, unsigned prefix,
		     char ret_dev[16])
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct route_search s = { .dst = dst, .prefix = prefix };
	struct np_link_info link = { 0 };
	int r;

	if (!dst || !np_addr_is_set(dst) || prefix > np_addr_max_prefix(dst->family))
		return -EINVAL;
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
