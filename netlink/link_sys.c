/* Links: lookup, bridge creation, up, delete. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>

static int send_simple(struct np_nl *nl, int (*build)(const char *, struct nl_msg **),
		       const char *ifname)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	r = build(ifname, &m);
	if (r < 0)
		return r;
	return np_nl_transact(nl, m, NULL, NULL);
}

int np_nl_link_get(struct np_nl *nl, const char *ifname, struct np_link_info *ret)
{
	if (!np_ifname_valid(ifname))
		return -EINVAL;
	return np_nl_link_query(nl, 0, ifname, ret);
}

int np_nl_link_exists(struct np_nl *nl, const char *ifname)
{
	struct np_link_info info;
	int r;

	r = np_nl_link_get(nl, ifname, &info);
	if (r == -ENODEV)
		return 0;
	return r < 0 ? r : 1;
}

static int set_mtu(struct np_nl *nl, const char *ifname, unsigned mtu)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	r = np_nl_msg_link_set_mtu(ifname, mtu, &m);
	if (r < 0)
		return r;
	return np_nl_transact(nl, m, NULL, NULL);
}

int np_nl_bridge_add(struct np_nl *nl, const struct np_bridge_spec *spec)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	r = np_nl_msg_bridge_add(spec, &m);
	if (r < 0)
		return r;
	r = np_nl_transact(nl, m, NULL, NULL);
	if (r < 0 || spec->mtu == 0)
		return r;
	/* A second request on purpose, see nl.h: an MTU changed after
	 * creation is pinned by the bridge (as libvirt's virNetDevSetMTU). */
	r = set_mtu(nl, spec->ifname, spec->mtu);
	if (r < 0)
		(void)np_nl_link_del(nl, spec->ifname);
	return r;
}

int np_nl_link_del(struct np_nl *nl, const char *ifname)
{
	return send_simple(nl, np_nl_msg_link_del, ifname);
}

int np_nl_link_set_up(struct np_nl *nl, const char *ifname)
{
	return send_simple(nl, np_nl_msg_link_set_up, ifname);
}
