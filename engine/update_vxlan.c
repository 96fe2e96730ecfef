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

/* The entries of `from` missing in `other`: added (add) or deleted; the
 * first n_done of them are undone again when undo is set. */
static int change(const struct np_ops *ops, void *ctx, const struct np_plan *from,
		  const struct np_plan *other, bool add, size_t undo_n, size_t *ret_done,
		  struct np_err *err)
{
	size_t done = 0;

	for (size_t i = 0; i < from->n_steps; i++) {
		const struct np_step *s = &from->steps[i];
		int r;

		if (s->kind != NP_STEP_FDB_ADD || has_fdb(other, s))
			continue;
		if (undo_n != (size_t)-1) {
			if (done++ >= undo_n)
				return 0;
			struct np_err ignored = { { 0 } };

			(void)ops->fdb_change(ctx, !add, s->ifname, &s->addr, &ignored);
			continue;
		}
		r = ops->fdb_change(ctx, add, s->ifname, &s->addr, err);
		/* already in the wanted state is what a retry wants */
		if (r < 0 && !(add ? r == -EEXIST : r == -ENOENT)) {
			char what[256];

			np_step_describe(s, what, sizeof(what));
			if (!np_err_isset(err))
				np_err_set(err, r, "%s", strerror(-r));
			np_err_prefix(err, "%s%s", add ? "" : "undo ", what);
			*ret_done = done;
			return r;
		}
		done++;
	}
	*ret_done = done;
	return 0;
}

int np_update_vx_fdb(const struct np_ops *ops, void *ctx, const struct np_plan *oplan,
		     const struct np_plan *nplan, struct np_err *err)
{
	size_t del = 0, add = 0, ignored;
	int r;

	r = change(ops, ctx, oplan, nplan, false, (size_t)-1, &del, err);
	if (r == 0)
		r = change(ops, ctx, nplan, oplan, true, (size_t)-1, &add, err);
	if (r < 0) {
		change(ops, ctx, nplan, oplan, true, add, &ignored, err);
		change(ops, ctx, oplan, nplan, false, del, &ignored, err);
	}
	return r;
}
