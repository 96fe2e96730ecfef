/* Links: lookup, bridge creation, up, delete, retire. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

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

static int send_idx(struct np_nl *nl, int (*build)(int, struct nl_msg **), int ifindex)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	r = build(ifindex, &m);
	if (r < 0)
		return r;
	return np_nl_transact(nl, m, NULL, NULL);
}

static int rename_idx(struct np_nl *nl, int ifindex, const char *ifname)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	r = np_nl_msg_link_rename_idx(ifindex, ifname, &m);
	if (r < 0)
		return r;
	return np_nl_transact(nl, m, NULL, NULL);
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
		if (go_on && !go_on(arg))
			break;
		r = send_idx(nl, np_nl_msg_link_del_idx, rt->ifindex[i]);
		/* -ENODEV: someone else deleted it meanwhile, as good. */
		if (r < 0 && r != -ENODEV)
			return r;
		deleted++;
	}
	return rt->found - deleted;
}

int np_nl_link_retire(struct np_nl *nl, const char *ifname)
{
	struct np_link_info info;
	char gone[16];
	int r;

	r = np_nl_link_get(nl, ifname, &info);
	if (r < 0)
		return r;
	/* A link that is up cannot be renamed. Down, its routes are gone. */
	r = send_idx(nl, np_nl_msg_link_set_down_idx, info.ifindex);
	if (r < 0)
		return r == -ENODEV ? r : np_nl_link_del(nl, ifname);
	np_nl_retired_name(info.ifindex, gone);
	r = rename_idx(nl, info.ifindex, gone);
	if (r < 0)
		return r == -ENODEV ? r : np_nl_link_del(nl, ifname);
	return 0;
}
