/* Fault injection for tests: wraps an ops table so that the Nth system
 * change fails (NETPLUMB_FAULT_AT=N) or the process is killed just before it
 * (NETPLUMB_KILL_AT=N). Read-only calls (link_exists, route_find) are not
 * counted. */
#pragma once

struct np_ops;

struct np_fault {
	const struct np_ops *base;
	void *base_ctx;
	int fail_at;
	int kill_at;
	int n;
};

extern const struct np_ops np_fault_ops;

/* Fills f from the environment; returns 1 when any injection is asked for. */
int np_fault_from_env(struct np_fault *f, const struct np_ops *base, void *base_ctx);
