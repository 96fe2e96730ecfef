/* Pure traffic-control builders: libnl-route-3's qdisc and class objects
 * turned into one request each, no socket. */
#include "netlink/internal.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/route/class.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/fifo.h>
#include <netlink/route/qdisc/htb.h>
#include <netlink/route/tc.h>

static void qdisc_freep(struct rtnl_qdisc **q)
{
	if (*q)
		rtnl_qdisc_put(*q);
}

static void class_freep(struct rtnl_class **c)
{
	if (*c)
		rtnl_class_put(*c);
}

/* Create, or replace what has this handle: a re-apply converges. */
#define TC_FLAGS (NLM_F_CREATE | NLM_F_REPLACE)

int np_nl_msg_qdisc_add(int ifindex, const struct np_tc_spec *spec, struct nl_msg **ret)
{
	np_cleanup(qdisc_freep) struct rtnl_qdisc *q = NULL;
	struct nl_msg *m = NULL;
	int r;

	if (ifindex <= 0 || !spec || !spec->handle || !spec->parent)
		return -EINVAL;
	if (spec->kind == NP_TC_PFIFO && !spec->limit)
		return -EINVAL;
	q = rtnl_qdisc_alloc();
	if (!q)
		return -ENOMEM;
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_handle(TC_CAST(q), spec->handle);
	rtnl_tc_set_parent(TC_CAST(q), spec->parent);
	switch (spec->kind) {
	case NP_TC_HTB:
		r = rtnl_tc_set_kind(TC_CAST(q), "htb");
		if (r == 0)
			r = rtnl_htb_set_defcls(q, spec->defcls);
		break;
	case NP_TC_PFIFO:
		r = rtnl_tc_set_kind(TC_CAST(q), "pfifo");
		if (r == 0)
			r = rtnl_qdisc_fifo_set_limit(q, (int)spec->limit);
		break;
	default:
		return -EINVAL;
	}
	if (r < 0)
		return np_nl_errno(r);
	r = rtnl_qdisc_build_add_request(q, TC_FLAGS, &m);
	if (r < 0)
		return np_nl_errno(r);
	*ret = m;
	return 0;
}

int np_nl_msg_qdisc_keep(int ifindex, const struct np_tc_spec *spec, struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct tcmsg t = { .tcm_family = AF_UNSPEC };
	int r;

	if (ifindex <= 0 || !spec || !spec->handle || !spec->parent ||
	    (spec->kind != NP_TC_HTB && spec->kind != NP_TC_PFIFO))
		return -EINVAL;
	t.tcm_ifindex = ifindex;
	t.tcm_handle = spec->handle;
	t.tcm_parent = spec->parent;
	r = np_nl_msg_new(RTM_NEWQDISC, NLM_F_REPLACE, &t, sizeof(t), &m);
	if (r < 0)
		return r;
	if (nla_put_string(m, TCA_KIND, spec->kind == NP_TC_HTB ? "htb" : "pfifo") < 0)
		return -EMSGSIZE;
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_class_add(int ifindex, const struct np_tc_spec *spec, struct nl_msg **ret)
{
	np_cleanup(class_freep) struct rtnl_class *c = NULL;
	struct nl_msg *m = NULL;
	int r;

	if (ifindex <= 0 || !spec || spec->kind != NP_TC_HTB || !spec->handle || !spec->parent ||
	    !spec->rate || (spec->ceil && spec->ceil < spec->rate))
		return -EINVAL;
	c = rtnl_class_alloc();
	if (!c)
		return -ENOMEM;
	rtnl_tc_set_ifindex(TC_CAST(c), ifindex);
	rtnl_tc_set_handle(TC_CAST(c), spec->handle);
	rtnl_tc_set_parent(TC_CAST(c), spec->parent);
	r = rtnl_tc_set_kind(TC_CAST(c), "htb");
	if (r == 0)
		r = rtnl_htb_set_rate64(c, spec->rate);
	if (r == 0)
		r = rtnl_htb_set_ceil64(c, spec->ceil ? spec->ceil : spec->rate);
	/* tc's "burst" is HTB's rbuffer: bytes that may leave at link speed */
	if (r == 0 && spec->burst)
		r = rtnl_htb_set_rbuffer(c, spec->burst);
	if (r < 0)
		return np_nl_errno(r);
	r = rtnl_class_build_add_request(c, TC_FLAGS, &m);
	if (r < 0)
		return np_nl_errno(r);
	*ret = m;
	return 0;
}
