/* Links: lookup, bridge creation, up, delete. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

/* Sends the request a builder just made (r: the builder's result) and frees
 * it. */
static int send_built(struct np_nl *nl, int r, struct nl_msg *m)
{
	_np_nlmsg_free_ struct nl_msg *owned = m;

	return r < 0 ? r : np_nl_transact(nl, owned, NULL, NULL);
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

int np_nl_bridge_add(struct np_nl *nl, const struct np_bridge_spec *spec)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct nl_msg *mtu = NULL;
	int r;

	r = np_nl_msg_bridge_add(spec, &m);
	if (r < 0)
		return r;
	r = np_nl_transact(nl, m, NULL, NULL);
	if (r < 0 || spec->mtu == 0)
		return r;
	/* A second request on purpose, see nl.h: an MTU changed after
	 * creation is pinned by the bridge (as libvirt's virNetDevSetMTU). */
	r = np_nl_msg_link_set_mtu(spec->ifname, spec->mtu, &mtu);
	r = send_built(nl, r, mtu);
	if (r < 0)
		(void)np_nl_link_del(nl, spec->ifname);
	return r;
}

int np_nl_link_del(struct np_nl *nl, const char *ifname)
{
	struct nl_msg *m = NULL;
	int r = np_nl_msg_link_del(ifname, &m);

	return send_built(nl, r, m);
}

int np_nl_link_set_up(struct np_nl *nl, const char *ifname)
{
	struct nl_msg *m = NULL;
	int r = np_nl_msg_link_set_up(ifname, &m);

	return send_built(nl, r, m);
}

int np_nl_link_del_owned(struct np_nl *nl, int ifindex, const uint8_t mac[NP_MAC_LEN])
{
	struct np_link_info info;
	struct nl_msg *m = NULL;
	int r;

	/* The kernel reuses no ifindex while a link holds it, so ifindex +
	 * MAC is the link netplumb made, whatever its name is now. */
	r = np_nl_link_query(nl, ifindex, NULL, &info);
	if (r < 0)
		return r;
	if (!info.has_mac || memcmp(info.mac, mac, NP_MAC_LEN))
		return -EPERM;
	r = np_nl_msg_link_del_idx(ifindex, &m);
	return send_built(nl, r, m);
}
