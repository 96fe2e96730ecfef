#include "netlink/link_stats.h"

#include "netlink/internal.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>

const char *np_nl_operstate_name(uint8_t operstate)
{
	static const char *const names[] = {
		[IF_OPER_UNKNOWN] = "UNKNOWN", [IF_OPER_NOTPRESENT] = "NOTPRESENT",
		[IF_OPER_DOWN] = "DOWN",       [IF_OPER_LOWERLAYERDOWN] = "LOWERLAYERDOWN",
		[IF_OPER_TESTING] = "TESTING", [IF_OPER_DORMANT] = "DORMANT",
		[IF_OPER_UP] = "UP",
	};

	return operstate < NP_ARRAY_SIZE(names) && names[operstate] ? names[operstate] : "UNKNOWN";
}

int np_nl_link_stats_parse(const struct nlmsghdr *h, struct np_link_stats *ret)
{
	struct nlmsghdr *hh = (struct nlmsghdr *)h;
	struct nlattr *tb[IFLA_MAX + 1];
	struct np_link_stats s = { 0 };
	struct rtnl_link_stats64 st;

	if (h->nlmsg_type != RTM_NEWLINK || !nlmsg_valid_hdr(hh, sizeof(struct ifinfomsg)))
		return -EBADMSG;
	if (nlmsg_parse(hh, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return -EBADMSG;
	/* Older kernels send a shorter struct; what is missing stays 0. */
	if (tb[IFLA_STATS64]) {
		memset(&st, 0, sizeof(st));
		memcpy(&st, nla_data(tb[IFLA_STATS64]),
		       (size_t)nla_len(tb[IFLA_STATS64]) < sizeof(st) ? (size_t)nla_len(tb[IFLA_STATS64])
								      : sizeof(st));
		s.rx_bytes = st.rx_bytes;
		s.rx_packets = st.rx_packets;
		s.tx_bytes = st.tx_bytes;
		s.tx_packets = st.tx_packets;
	}
	if (tb[IFLA_OPERSTATE] && nla_len(tb[IFLA_OPERSTATE]) >= 1)
		s.operstate = nla_get_u8(tb[IFLA_OPERSTATE]);
	*ret = s;
	return 0;
}

static int stats_parse(const struct nlmsghdr *h, void *ret)
{
	return np_nl_link_stats_parse(h, ret);
}

int np_nl_link_stats(struct np_nl *nl, const char *ifname, struct np_link_stats *ret)
{
	return np_nl_link_get_one(nl, 0, ifname, stats_parse, ret);
}
