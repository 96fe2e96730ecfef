/* Per-phase wall-clock totals for one command, printed by the CLI to stderr
 * when NETPLUMB_TIMING is set (the benchmark reads them). */
#pragma once

#include <stdio.h>

enum np_phase {
	NP_PHASE_LOAD,    /* read + parse + validate the definition */
	NP_PHASE_PLAN,    /* build the plan (render nft text, dnsmasq config) */
	NP_PHASE_CHECK,   /* link and route collision checks */
	NP_PHASE_FILES,   /* generated files and state store writes */
	NP_PHASE_NETLINK, /* bridge, addresses, link up, routes */
	NP_PHASE_SYSCTL,
	NP_PHASE_NFT,     /* the nft transaction */
	NP_PHASE_DNSMASQ, /* start until ready to answer DHCP (or stop) */
	NP_PHASE_HOOK,    /* the network hook */
	NP_PHASE_TOTAL,
	NP_PHASE__MAX,
};

/* A monotonic timestamp in nanoseconds. */
long long np_time_ns(void);
void np_timing_add(enum np_phase phase, long long ns);
/* Prints "netplumb-timing: PHASE MICROSECONDS" lines for non-zero phases. */
void np_timing_print(FILE *out);
