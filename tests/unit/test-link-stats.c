/* port-list's counters: IFLA_STATS64 and IFLA_OPERSTATE out of an
 * RTM_NEWLINK reply, including a kernel's shorter stats struct. */
#include "check.h"

#include "netlink/internal.h"
#include "netlink/link_stats.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

static struct nl_msg *reply(int type, const void *stats, int len, int oper)
{
	struct ifinfomsg ifi = { .ifi_index = 3 };
	struct nl_msg *m = nlmsg_alloc_simple(type, 0);

	nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	if (stats)
		nla_put(m, IFLA_STATS64, len, stats);
	if (oper >= 0)
		nla_put_u8(m, IFLA_OPERSTATE, (uint8_t)oper);
	return m;
}

int main(void)
{
	struct rtnl_link_stats64 st = { .rx_packets = 10, .tx_packets = 20, .rx_bytes = 1000,
					.tx_bytes = 2000, .rx_errors = 7 };
	struct np_link_stats s;
	struct nl_msg *m;

	m = reply(RTM_NEWLINK, &st, sizeof(st), IF_OPER_UP);
	CHECK(np_nl_link_stats_parse(nlmsg_hdr(m), &s) == 0);
	CHECK(s.rx_bytes == 1000 && s.rx_packets == 10 && s.tx_bytes == 2000 && s.tx_packets == 20);
	CHECK_STR(np_nl_operstate_name(s.operstate), "UP");
	nlmsg_free(m);

	/* Only the first two counters (rx_packets, tx_packets) sent. */
	m = reply(RTM_NEWLINK, &st, 16, IF_OPER_LOWERLAYERDOWN);
	CHECK(np_nl_link_stats_parse(nlmsg_hdr(m), &s) == 0);
	CHECK(s.rx_packets == 10 && s.tx_packets == 20 && s.rx_bytes == 0 && s.tx_bytes == 0);
	CHECK_STR(np_nl_operstate_name(s.operstate), "LOWERLAYERDOWN");
	nlmsg_free(m);

	m = reply(RTM_NEWLINK, NULL, 0, -1);
	CHECK(np_nl_link_stats_parse(nlmsg_hdr(m), &s) == 0);
	CHECK(s.rx_bytes == 0 && s.tx_packets == 0);
	CHECK_STR(np_nl_operstate_name(s.operstate), "UNKNOWN");
	nlmsg_free(m);

	m = reply(RTM_NEWADDR, &st, sizeof(st), IF_OPER_UP);
	CHECK(np_nl_link_stats_parse(nlmsg_hdr(m), &s) == -EBADMSG);
	nlmsg_free(m);
	CHECK_STR(np_nl_operstate_name(200), "UNKNOWN");
	return check_result("test-link-stats");
}
