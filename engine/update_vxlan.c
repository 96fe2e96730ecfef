/* A live change of a VXLAN network's static peers: only the all-zero FDB
 * entries that differ between the old and the new plan change; the link,
 * the bridge and the guests stay as they are. */
#include "engine/update_vxlan.h"

#include "common/err.h"
#include "engine/ops.h"
#include "engine/plan.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static bool has_fdb(const struct np_plan *plan, const struct np_step *s)
{
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct np_step *o = &plan->steps[i];

		if (o->kind == NP_STEP_FDB_ADD && !strcmp(o->ifname, s->ifname) &&
		    np_addr_equal(&o->addr, &s->addr))
			return true;
	}
	return false;
}

/* Appends (add) or deletes each entry of `from` that `other` lacks; the
 * number done goes to *ret_done, also on failure. */
static int apply_diff(const struct np_ops *ops, void *ctx, const struct np_plan *from,
		      const struct np_plan *other, bool add, size_t *ret_done, struct np_err *err)
{
	*ret_done = 0;
	for (size_t i = 0; i < from->n_steps; i++) {
		const struct np_step *s = &from->steps[i];
		char what[256];
		int r;

		if (s->kind != NP_STEP_FDB_ADD || has_fdb(other, s))
			continue;
		r = ops->fdb_change(ctx, add, s->ifname, &s->addr, err);
		/* already as wanted is fine */
		if (r < 0 && r != (add ? -EEXIST : -ENOENT)) {
			np_step_describe(s, what, sizeof(what));
			if (!np_err_isset(err))
				np_err_set(err, r, "%s", strerror(-r));
			np_err_prefix(err, "%s%s", add ? "" : "undo ", what);
			return r;
		}
		(*ret_done)++;
	}
	return 0;
}

/* Reverts the first n changes apply_diff made. */
static void revert_diff(const struct np_ops *ops, void *ctx, const struct np_plan *from,
			const struct np_plan *other, bool add, size_t n)
{
	for (size_t i = 0; i < from->n_steps && n; i++) {
		const struct np_step *s = &from->steps[i];
		struct np_err ignored = { { 0 } };

		if (s->kind != NP_STEP_FDB_ADD || has_fdb(other, s))
			continue;
		(void)ops->fdb_change(ctx, !add, s->ifname, &s->addr, &ignored);
		n--;
	}
}

int np_update_vx_fdb(const struct np_ops *ops, void *ctx, const struct np_plan *oplan,
		     const struct np_plan *nplan, struct np_err *err)
{
	size_t del = 0, add = 0;
	int r;

	r = apply_diff(ops, ctx, oplan, nplan, false, &del, err);
	if (r == 0)
		r = apply_diff(ops, ctx, nplan, oplan, true, &add, err);
	if (r < 0) {
		revert_diff(ops, ctx, nplan, oplan, true, add);
		revert_diff(ops, ctx, oplan, nplan, false, del);
	}
	return r;
}
