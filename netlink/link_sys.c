/* Links: lookup, bridge creation, up, delete, retire. */
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

/* At most this many per dump; the rest is counted and left for the next. */
#define RETIRED_MAX 256

struct retired {
	int ifindex[RETIRED_MAX];
	int n;
	int found;
};

static int on_retired(const struct nlmsghdr *h, void *arg)
{
	struct retired *rt = arg;
	struct np_link_info info;

	if (h->nlmsg_type != RTM_NEWLINK || np_nl_link_parse(h, &info) < 0)
		return 0;
	/* A link of ours is down: an npgone* that is up is not ours. */
	if (strncmp(info.ifname, NP_NL_RETIRED_PREFIX, strlen(NP_NL_RETIRED_PREFIX)) || info.up)
		return 0;
	rt->found++;
	if (rt->n < RETIRED_MAX)
		rt->ifindex[rt->n++] = info.ifindex;
	return 0;
}

int np_nl_retired_delete_all(struct np_nl *nl, bool (*go_on)(void *arg), void *arg)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	_np_free_ struct retired *rt = calloc(1, sizeof(*rt));
	int deleted = 0, r;

	if (!rt)
		return -ENOMEM;
	r = np_nl_msg_link_dump(&m);
	if (r < 0)
		return r;
	r = np_nl_transact(nl, m, on_retired, rt);
	if (r < 0)
		return r;
	for (int i = 0; i < rt->n; i++) {
		struct nl_msg *d = NULL;

		if (go_on && !go_on(arg))
			break;
		r = np_nl_msg_link_del_idx(rt->ifindex[i], &d);
		r = send_built(nl, r, d);
		/* -ENODEV: someone else deleted it meanwhile, as good. */
		if (r < 0 && r != -ENODEV)
			return r;
		deleted++;
	}
	return rt->found - deleted;
}

int np_nl_link_retire(struct np_nl *nl, const char *ifname)
{
	struct nl_msg *m;
	struct np_link_info info;
	char gone[16];
	int r;

	r = np_nl_link_get(nl, ifname, &info);
	if (r < 0)
		return r;
	/* A link that is up cannot be renamed. Down, its routes are gone. */
	m = NULL;
	r = np_nl_msg_link_set_down_idx(info.ifindex, &m);
	r = send_built(nl, r, m);
	if (r < 0)
		return r == -ENODEV ? r : np_nl_link_del(nl, ifname);
	np_nl_retired_name(info.ifindex, gone);
	m = NULL;
	r = np_nl_msg_link_rename_idx(info.ifindex, gone, &m);
	r = send_built(nl, r, m);
	if (r < 0)
		return r == -ENODEV ? r : np_nl_link_del(nl, ifname);
	return 0;
}
