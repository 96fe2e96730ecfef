/* Requests about a link by ifindex (pure builders; link_sys.c sends them). */
#include "netlink/internal.h"

#include <errno.h>
#include <linux/rtnetlink.h>

int np_nl_msg_link_del_idx(int ifindex, struct nl_msg **ret)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };

	if (ifindex <= 0)
		return -EINVAL;
	return np_nl_msg_new(RTM_DELLINK, 0, &ifi, sizeof(ifi), ret);
}

int np_nl_msg_link_dump(struct nl_msg **ret)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };

	return np_nl_msg_new(RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof(ifi), ret);
}
