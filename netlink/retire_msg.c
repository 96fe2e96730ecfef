/* Requests for retiring a link (pure builders; link_sys.c sends them). */
#include "netlink/internal.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>

static int setlink(int ifindex, unsigned flags, unsigned change, const char *ifname,
		   struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex,
				 .ifi_flags = flags, .ifi_change = change };
	int r;

	if (ifindex <= 0)
		return -EINVAL;
	r = np_nl_msg_new(RTM_NEWLINK, 0, &ifi, sizeof(ifi), &m);
	if (r < 0)
		return r;
	if (ifname && nla_put_string(m, IFLA_IFNAME, ifname) < 0)
		return -EMSGSIZE;
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_link_set_down_idx(int ifindex, struct nl_msg **ret)
{
	return setlink(ifindex, 0, IFF_UP, NULL, ret);
}

int np_nl_msg_link_rename_idx(int ifindex, const char *ifname, struct nl_msg **ret)
{
	return setlink(ifindex, 0, 0, ifname, ret);
}

int np_nl_msg_link_del_idx(int ifindex, struct nl_msg **ret)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };

	if (ifindex <= 0)
		return -EINVAL;
	return np_nl_msg_new(RTM_DELLINK, 0, &ifi, sizeof(ifi), ret);
}

void np_nl_retired_name(int ifindex, char ret[16])
{
	snprintf(ret, 16, NP_NL_RETIRED_PREFIX "%d", ifindex);
}

int np_nl_msg_link_dump(struct nl_msg **ret)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };

	return np_nl_msg_new(RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof(ifi), ret);
}
