/* `netplumb doctor`: what on this host would break a network, each finding
 * with its evidence and the command that fixes it. Reads the system through
 * struct np_ops and /proc; changes nothing unless asked to fix drift. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct np_engine;
struct np_err;

struct np_finding {
	char network[64];
	const char *check;   /* "forwarding", "foreign-drop", "br-netfilter",
			      * "route-overlap", "rp-filter", "dnsmasq", "drift",
			      * "port-owner", "kernel-feature", "inotify", "evpn",
			      * "qemu-helper" */
	bool blocking;       /* the network's traffic does not pass (exit 1) */
	bool fixed;          /* --fix repaired it */
	char evidence[512];  /* what was seen */
	char fix[1536];      /* the exact command(s) that fix it */
};

/* Checks names (n of them), or every active network and 'default' when n
 * is 0; with fix, drift of active networks is repaired (np_engine_repair)
 * and checked again. *ret (free()) holds *ret_n findings. */
int np_engine_doctor(struct np_engine *eng, const char *const *names, size_t n, bool fix,
		     struct np_finding **ret, size_t *ret_n, struct np_err *err);
