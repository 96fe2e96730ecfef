/* Addresses on a link. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>

int np_nl_addr_add(struct np_nl *nl, const char *ifname, const struct np_addr *a, unsigned prefix)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct np_link_info link;
	int r;

	if (!np_ifname_valid(ifname))
		return -EINVAL;
	r = np_nl_link_query(nl, 0, ifname, &link);
	if (r < 0)
		return r;
	r = np_nl_msg_addr_add(link.ifindex, a, prefix, &m);
	if (r < 0)
		return r;
	return np_nl_transact(nl, m, NULL, NULL);
}
