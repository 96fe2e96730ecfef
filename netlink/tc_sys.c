/* Traffic control: the link's index, then the request tc_msg.c builds. */
#include "netlink/internal.h"

#include <errno.h>

static int send_tc(struct np_nl *nl, const char *ifname, const struct np_tc_spec *spec,
		   int (*build)(int, const struct np_tc_spec *, struct nl_msg **))
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r = np_nl_ifindex(nl, ifname);

	if (r < 0)
		return r;
	r = build(r, spec, &m);
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
