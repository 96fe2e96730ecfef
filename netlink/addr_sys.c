/* Addresses on a link. */
#include "netlink/internal.h"

#include <errno.h>

int np_nl_addr_add(struct np_nl *nl, const char *ifname, const struct np_addr *a, unsigned prefix)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r = np_nl_ifindex(nl, ifname);

	if (r < 0)
		return r;
	r = np_nl_msg_addr_add(r, a, prefix, &m);
	return r < 0 ? r : np_nl_transact(nl, m, NULL, NULL);
}
