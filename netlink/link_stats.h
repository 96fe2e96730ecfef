/* A link's traffic counters and operational state, for port-list. */
#pragma once

#include <stdint.h>

struct np_nl;
struct nlmsghdr;

struct np_link_stats {
	uint64_t rx_bytes, rx_packets, tx_bytes, tx_packets; /* IFLA_STATS64 */
	uint8_t operstate;                                   /* IF_OPER_* */
};

/* IF_OPER_* as ip-link prints it ("UP", "DOWN", "LOWERLAYERDOWN", ...). */
const char *np_nl_operstate_name(uint8_t operstate);
/* Parses an RTM_NEWLINK reply (pure). */
int np_nl_link_stats_parse(const struct nlmsghdr *h, struct np_link_stats *ret);
/* Asks the kernel for ifname's counters; -ENODEV when there is no such link. */
int np_nl_link_stats(struct np_nl *nl, const char *ifname, struct np_link_stats *ret);
