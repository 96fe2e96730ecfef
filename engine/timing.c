#include "engine/timing.h"

#include <stdio.h>
#include <time.h>

static long long totals[NP_PHASE__MAX];

static const char *const names[NP_PHASE__MAX] = {
	[NP_PHASE_LOAD] = "load",       [NP_PHASE_PLAN] = "plan",       [NP_PHASE_CHECK] = "check",
	[NP_PHASE_FILES] = "files",     [NP_PHASE_NETLINK] = "netlink", [NP_PHASE_SYSCTL] = "sysctl",
	[NP_PHASE_NFT] = "nft",         [NP_PHASE_DNSMASQ] = "dnsmasq", [NP_PHASE_HOOK] = "hook",
	[NP_PHASE_TOTAL] = "total",
};

long long np_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void np_timing_add(enum np_phase phase, long long ns)
{
	/* np_plan_undo_destroy times a link deletion on its own thread */
	__atomic_add_fetch(&totals[phase], ns, __ATOMIC_RELAXED);
}

void np_timing_print(FILE *out)
{
	for (int i = 0; i < NP_PHASE__MAX; i++)
		if (totals[i])
			fprintf(out, "netplumb-timing: %s %.1f\n", names[i], totals[i] / 1000.0);
}
