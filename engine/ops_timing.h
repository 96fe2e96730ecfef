/* A decorator over the ops table that adds each call's wall time to its
 * phase (engine/timing.h), for NETPLUMB_TIMING. */
#pragma once

struct np_ops;

struct np_timing_ops {
	const struct np_ops *base;
	void *base_ctx;
};

extern const struct np_ops np_timing_ops;
