/* netlink/ traffic control and bridge port builders without a socket: the
 * qdisc, class and port-isolation requests, attributes read back. No root. */
#include "netlink/internal.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

/* The request's tcmsg and its TCA_* attributes. */
static struct tcmsg *parse_tc(struct nl_msg *m, int type, struct nlattr **tb)
{
	struct nlmsghdr *h = nlmsg_hdr(m);

	if (h->nlmsg_type != type || nlmsg_parse(h, sizeof(struct tcmsg), tb, TCA_MAX, NULL) < 0)
		return NULL;
	return nlmsg_data(h);
}

static void test_qdisc(void)
{
	struct np_tc_spec htb = { .kind = NP_TC_HTB, .handle = TC_H_MAKE(1U << 16, 0),
				  .parent = TC_H_ROOT, .defcls = 2 };
	struct np_tc_spec fifo = { .kind = NP_TC_PFIFO, .handle = TC_H_MAKE(2U << 16, 0),
				   .parent = TC_H_MAKE(1U << 16, 2), .limit = 1000 };
	struct nlattr *tb[TCA_MAX + 1], *opt[TCA_HTB_MAX + 1];
	struct nl_msg *m = NULL;
	struct tcmsg *t;

	CHECK(np_nl_msg_qdisc_add(7, &htb, &m) == 0 && m);
	t = m ? parse_tc(m, RTM_NEWQDISC, tb) : NULL;
	CHECK(t && t->tcm_ifindex == 7 && t->tcm_handle == 0x10000 && t->tcm_parent == TC_H_ROOT);
	/* create or replace: a re-apply converges instead of failing */
	CHECK(m && (nlmsg_hdr(m)->nlmsg_flags & (NLM_F_CREATE | NLM_F_REPLACE)) ==
			   (NLM_F_CREATE | NLM_F_REPLACE));
	CHECK(m && !(nlmsg_hdr(m)->nlmsg_flags & NLM_F_EXCL));
	CHECK(t && tb[TCA_KIND] && !strcmp(nla_get_string(tb[TCA_KIND]), "htb"));
	if (t && tb[TCA_OPTIONS] &&
	    nla_parse_nested(opt, TCA_HTB_MAX, tb[TCA_OPTIONS], NULL) == 0 && opt[TCA_HTB_INIT]) {
		const struct tc_htb_glob *g = nla_data(opt[TCA_HTB_INIT]);

		CHECK(g->defcls == 2);
	} else {
		CHECK(!"htb options missing");
	}
	nlmsg_free(m);
	m = NULL;

	CHECK(np_nl_msg_qdisc_add(7, &fifo, &m) == 0 && m);
	t = m ? parse_tc(m, RTM_NEWQDISC, tb) : NULL;
	CHECK(t && t->tcm_handle == 0x20000 && t->tcm_parent == 0x10002);
	CHECK(t && tb[TCA_KIND] && !strcmp(nla_get_string(tb[TCA_KIND]), "pfifo"));
	CHECK(t && tb[TCA_OPTIONS] && nla_len(tb[TCA_OPTIONS]) >= (int)sizeof(struct tc_fifo_qopt) &&
	      ((const struct tc_fifo_qopt *)nla_data(tb[TCA_OPTIONS]))->limit == 1000);
	nlmsg_free(m);
	m = NULL;

	/* keep: replace only (never create), the kind and no options */
	CHECK(np_nl_msg_qdisc_keep(7, &htb, &m) == 0 && m);
	t = m ? parse_tc(m, RTM_NEWQDISC, tb) : NULL;
	CHECK(t && t->tcm_handle == 0x10000 && t->tcm_parent == TC_H_ROOT && !tb[TCA_OPTIONS]);
	CHECK(t && tb[TCA_KIND] && !strcmp(nla_get_string(tb[TCA_KIND]), "htb"));
	CHECK(m && (nlmsg_hdr(m)->nlmsg_flags & (NLM_F_CREATE | NLM_F_REPLACE)) == NLM_F_REPLACE);
	nlmsg_free(m);
	m = NULL;

	/* refused before anything is built */
	CHECK(np_nl_msg_qdisc_keep(0, &htb, &m) == -EINVAL && !m);
	CHECK(np_nl_msg_qdisc_add(0, &htb, &m) == -EINVAL && !m);
	CHECK(np_nl_msg_qdisc_add(7, NULL, &m) == -EINVAL && !m);
	fifo.limit = 0;
	CHECK(np_nl_msg_qdisc_add(7, &fifo, &m) == -EINVAL && !m);
	htb.handle = 0;
	CHECK(np_nl_msg_qdisc_add(7, &htb, &m) == -EINVAL && !m);
}

static void test_class(void)
{
	struct np_tc_spec c = { .kind = NP_TC_HTB, .handle = TC_H_MAKE(1U << 16, 2),
				.parent = TC_H_MAKE(1U << 16, 1), .rate = 1000000,
				.ceil = 2000000, .burst = 65536 };
	struct nlattr *tb[TCA_MAX + 1], *opt[TCA_HTB_MAX + 1];
	struct nl_msg *m = NULL;
	struct tcmsg *t;

	CHECK(np_nl_msg_class_add(3, &c, &m) == 0 && m);
	t = m ? parse_tc(m, RTM_NEWTCLASS, tb) : NULL;
	CHECK(t && t->tcm_ifindex == 3 && t->tcm_handle == 0x10002 && t->tcm_parent == 0x10001);
	CHECK(t && tb[TCA_KIND] && !strcmp(nla_get_string(tb[TCA_KIND]), "htb"));
	if (t && tb[TCA_OPTIONS] &&
	    nla_parse_nested(opt, TCA_HTB_MAX, tb[TCA_OPTIONS], NULL) == 0 && opt[TCA_HTB_PARMS]) {
		const struct tc_htb_opt *o = nla_data(opt[TCA_HTB_PARMS]);

		CHECK(o->rate.rate == 1000000 && o->ceil.rate == 2000000);
		/* the burst is HTB's buffer, in scheduler ticks: non-zero */
		CHECK(o->buffer > 0);
		/* the kernel needs the rate tables libnl computes */
		CHECK(opt[TCA_HTB_RTAB] && opt[TCA_HTB_CTAB]);
	} else {
		CHECK(!"htb class options missing");
	}
	nlmsg_free(m);
	m = NULL;

	/* no ceil: the rate */
	c.ceil = 0;
	CHECK(np_nl_msg_class_add(3, &c, &m) == 0 && m);
	t = m ? parse_tc(m, RTM_NEWTCLASS, tb) : NULL;
	if (t && tb[TCA_OPTIONS] &&
	    nla_parse_nested(opt, TCA_HTB_MAX, tb[TCA_OPTIONS], NULL) == 0 && opt[TCA_HTB_PARMS])
		CHECK(((const struct tc_htb_opt *)nla_data(opt[TCA_HTB_PARMS]))->ceil.rate == 1000000);
	else
		CHECK(!"htb class options missing");
	nlmsg_free(m);
	m = NULL;

	/* a rate over 32 bits goes in the 64-bit attribute */
	c.rate = 8ULL << 32;
	CHECK(np_nl_msg_class_add(3, &c, &m) == 0 && m);
	t = m ? parse_tc(m, RTM_NEWTCLASS, tb) : NULL;
	CHECK(t && tb[TCA_OPTIONS] &&
	      nla_parse_nested(opt, TCA_HTB_MAX, tb[TCA_OPTIONS], NULL) == 0 &&
	      opt[TCA_HTB_RATE64] && nla_get_u64(opt[TCA_HTB_RATE64]) == 8ULL << 32);
	nlmsg_free(m);
	m = NULL;

	c.rate = 0;
	CHECK(np_nl_msg_class_add(3, &c, &m) == -EINVAL && !m);
	c.rate = 1000;
	c.ceil = 999;
	CHECK(np_nl_msg_class_add(3, &c, &m) == -EINVAL && !m);
	c.ceil = 0;
	c.kind = NP_TC_PFIFO;
	CHECK(np_nl_msg_class_add(3, &c, &m) == -EINVAL && !m);
}

static void test_isolate(void)
{
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1], *pd[IFLA_BRPORT_MAX + 1];
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;

	CHECK(np_nl_msg_port_isolate("npport0", true, &m) == 0 && m);
	h = m ? nlmsg_hdr(m) : NULL;
	CHECK(h && h->nlmsg_type == RTM_NEWLINK && !(h->nlmsg_flags & NLM_F_CREATE));
	if (h && nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) == 0 &&
	    tb[IFLA_LINKINFO] && nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0 &&
	    li[IFLA_INFO_SLAVE_DATA] &&
	    nla_parse_nested(pd, IFLA_BRPORT_MAX, li[IFLA_INFO_SLAVE_DATA], NULL) == 0) {
		CHECK(tb[IFLA_IFNAME] && !strcmp(nla_get_string(tb[IFLA_IFNAME]), "npport0"));
		CHECK(!tb[IFLA_MASTER]);
		CHECK(li[IFLA_INFO_SLAVE_KIND] &&
		      !strcmp(nla_get_string(li[IFLA_INFO_SLAVE_KIND]), "bridge"));
		CHECK(pd[IFLA_BRPORT_ISOLATED] && nla_get_u8(pd[IFLA_BRPORT_ISOLATED]) == 1);
	} else {
		CHECK(!"slave data missing");
	}
	nlmsg_free(m);
	m = NULL;
	CHECK(np_nl_msg_port_isolate("a/b", true, &m) == -EINVAL && !m);
	CHECK(np_nl_msg_port_isolate("", true, &m) == -EINVAL && !m);
}

int main(void)
{
	test_qdisc();
	test_class();
	test_isolate();
	return check_result("test-nl-tc");
}
