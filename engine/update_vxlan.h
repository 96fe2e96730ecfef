/* net-update of a running VXLAN network's peers (issue 18). */
#pragma once

struct np_err;
struct np_ops;
struct np_plan;

/* Deletes the flood entries oplan has and nplan not, appends those nplan
 * has and oplan not; on failure puts back what it changed. */
int np_update_vx_fdb(const struct np_ops *ops, void *ctx, const struct np_plan *oplan,
		     const struct np_plan *nplan, struct np_err *err);
