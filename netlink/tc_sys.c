/* Traffic control: the link's index, then the request tc_msg.c builds. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>

static int send_tc(struct np_nl *nl, const char *ifname, const struct np_tc_spec *spec,
		   int (*build)(int, const struct np_tc_spec *, struct nl_msg **))
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct np_link_info info;
	int r;

	if (!np_ifname_valid(ifname))
		return -EINVAL;
	r = np_nl_link_query(nl, 0, ifname, &info);
	if (r < 0)
		return r;
	r = build(info.ifindex, spec, &m);
	return r < 0 ? r : np_nl_transact(nl, m, NULL, NULL);
}

int np_nl_qdisc_add(struct np_nl *nl, const char *ifname, const struct np_tc_spec *spec)
{
	int r = send_tc(nl, ifname, spec, np_nl_msg_qdisc_add);

	/* Replacing an HTB qdisc by one of the same handle changes its
	 * options, which HTB refuses: when it is there already, keep it. */
	if (r == -EINVAL && send_tc(nl, ifname, spec, np_nl_msg_qdisc_keep) == 0)
		return 0;
	return r;
}

int np_nl_class_add(struct np_nl *nl, const char *ifname, const struct np_tc_spec *spec)
{
	return send_tc(nl, ifname, spec, np_nl_msg_class_add);
}
