/* Running a plan through the ops table, and undoing it. */
#include "engine/ops.h"
#include "engine/plan.h"

#include "common/err.h"
#include "engine/timing.h"
#include "netlink/nl.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void np_step_describe(const struct np_step *s, char *out, size_t len)
{
	char a[NP_ADDR_STRLEN];

	switch (s->kind) {
	case NP_STEP_CHECK_LINK_FREE:
		snprintf(out, len, "check that no interface named %s exists", s->ifname);
		return;
	case NP_STEP_CHECK_ROUTE_FREE:
		snprintf(out, len, "check that %s/%u is not routed already",
			 np_addr_str(&s->addr, a), s->prefix);
		return;
	case NP_STEP_CHECK_LINK_PRESENT:
		snprintf(out, len, "check that the host bridge %s exists", s->ifname);
		return;
	case NP_STEP_FILE_WRITE:
		snprintf(out, len, "write %s", s->path);
		return;
	case NP_STEP_BRIDGE_ADD:
		snprintf(out, len, "create bridge %s", s->ifname);
		return;
	case NP_STEP_SYSCTL:
		snprintf(out, len, "set sysctl %s=%s", s->key, s->value);
		return;
	case NP_STEP_ADDR_ADD:
		snprintf(out, len, "add address %s/%u to %s", np_addr_str(&s->addr, a), s->prefix,
			 s->ifname);
		return;
	case NP_STEP_LINK_UP:
		snprintf(out, len, "bring %s up", s->ifname);
		return;
	case NP_STEP_ROUTE_ADD:
		snprintf(out, len, "add route %s/%u on %s", np_addr_str(&s->addr, a), s->prefix,
			 s->ifname);
		return;
	case NP_STEP_FW_APPLY:
		snprintf(out, len, "install firewall rules (nft transaction)");
		return;
	case NP_STEP_DNSMASQ_START:
		snprintf(out, len, "start dnsmasq");
		return;
	case NP_STEP_DNSMASQ_READY:
		snprintf(out, len, "start dnsmasq: wait until it is ready");
		return;
	case NP_STEP_PORT_ADD:
		snprintf(out, len, "attach port %s", s->ifname);
		return;
	case NP_STEP_FW_CSUM:
		snprintf(out, len, "add DHCP checksum rule for %s", s->ifname);
		return;
	case NP_STEP_DNSMASQ_MUTE:
		snprintf(out, len, "unsubscribe dnsmasq from rtnetlink events");
		return;
	}
	snprintf(out, len, "step %d", (int)s->kind);
}

static enum np_phase phase_of(enum np_step_kind kind)
{
	switch (kind) {
	case NP_STEP_CHECK_LINK_FREE:
	case NP_STEP_CHECK_ROUTE_FREE:
	case NP_STEP_CHECK_LINK_PRESENT:
		return NP_PHASE_CHECK;
	case NP_STEP_FILE_WRITE:
		return NP_PHASE_FILES;
	case NP_STEP_BRIDGE_ADD:
	case NP_STEP_ADDR_ADD:
	case NP_STEP_LINK_UP:
	case NP_STEP_ROUTE_ADD:
		return NP_PHASE_NETLINK;
	case NP_STEP_SYSCTL:
		return NP_PHASE_SYSCTL;
	case NP_STEP_FW_APPLY:
	case NP_STEP_FW_CSUM:
		return NP_PHASE_NFT;
	case NP_STEP_DNSMASQ_START:
	case NP_STEP_DNSMASQ_READY:
	case NP_STEP_DNSMASQ_MUTE:
		return NP_PHASE_DNSMASQ;
	case NP_STEP_PORT_ADD:
		return NP_PHASE_NETLINK;
	}
	return NP_PHASE_TOTAL;
}

/* fw_fresh: carried from a plan's NP_STEP_FW_APPLY to its NP_STEP_FW_CSUM;
 * true once the bridge's chains were found absent and created. */
static int step_do_raw(const struct np_step *s, const struct np_ops *ops, void *ctx,
		       bool *fw_fresh, struct np_err *err)
{
	char dev[16] = "", a[NP_ADDR_STRLEN];
	struct np_bridge_spec spec;
	int r;

	switch (s->kind) {
	case NP_STEP_CHECK_LINK_FREE:
		r = ops->link_exists(ctx, s->ifname);
		if (r > 0)
			return np_err_set(err, -EEXIST, "interface %s already exists", s->ifname);
		return r;
	case NP_STEP_CHECK_ROUTE_FREE:
		r = ops->route_find(ctx, &s->addr, s->prefix, dev);
		if (r > 0)
			return np_err_set(err, -EADDRINUSE,
					  "network %s/%u is already in use by interface %s",
					  np_addr_str(&s->addr, a), s->prefix, dev);
		return r;
	case NP_STEP_CHECK_LINK_PRESENT:
		r = ops->link_exists(ctx, s->ifname);
		if (r == 0)
			return np_err_set(err, -ENODEV, "bridge %s does not exist", s->ifname);
		return r < 0 ? r : 0;
	case NP_STEP_FILE_WRITE:
		return ops->file_write(ctx, s->path, s->data, s->mode, err);
	case NP_STEP_BRIDGE_ADD:
		spec = (struct np_bridge_spec){
			.ifname = s->ifname,
			.mac = s->has_mac ? s->mac : NULL,
			.mtu = s->mtu,
			.stp = s->stp,
			.delay_cs = s->delay_cs,
		};
		return ops->bridge_add(ctx, &spec, err);
	case NP_STEP_SYSCTL:
		r = ops->sysctl_set(ctx, s->key, s->value, err);
		if (r == -ENOENT && s->optional)
			return 0;
		return r;
	case NP_STEP_ADDR_ADD:
		return ops->addr_add(ctx, s->ifname, &s->addr, s->prefix, err);
	case NP_STEP_LINK_UP:
		return ops->link_up(ctx, s->ifname, err);
	case NP_STEP_ROUTE_ADD:
		return ops->route_add(ctx, s->ifname, &s->addr, s->prefix, &s->gw, s->metric, err);
	case NP_STEP_FW_APPLY:
		/* Chains that do not exist yet take the create-only script,
		 * which spares nft a dump of every chain; any that exist (a
		 * start after a crash) take the idempotent one, since the
		 * other would add their rules a second time. */
		if (s->create_text && s->ifname && ops->fw_present) {
			r = ops->fw_present(ctx, s->ifname);
			if (r < 0)
				return np_err_set(err, r, "cannot look up the chains of %s: %s",
						  s->ifname, strerror(-r));
			if (r == 0) {
				r = ops->fw_apply(ctx, s->create_text, err);
				*fw_fresh = r == 0;
				return r;
			}
		}
		return ops->fw_apply(ctx, s->text, err);
	case NP_STEP_FW_CSUM:
		/* Chains absent means no checksum rule either (destroy removes
		 * the rule before its chains): skip the search of the chain
		 * every network's rule shares. */
		if (*fw_fresh && ops->fw_csum_insert)
			return ops->fw_csum_insert(ctx, s->ifname, err);
		return ops->fw_csum_add ? ops->fw_csum_add(ctx, s->ifname, err) : 0;
	case NP_STEP_DNSMASQ_START:
		if (!ops->dnsmasq_spawn)
			return ops->dnsmasq_start(ctx, s->path, s->pid_path, err);
		return ops->dnsmasq_spawn(ctx, s->path, s->pid_path, err);
	case NP_STEP_DNSMASQ_READY:
		return ops->dnsmasq_ready ? ops->dnsmasq_ready(ctx, s->path, s->pid_path, err) : 0;
	case NP_STEP_DNSMASQ_MUTE:
		return ops->dnsmasq_mute ? ops->dnsmasq_mute(ctx, s->path, s->pid_path, err) : 0;
	case NP_STEP_PORT_ADD:
		return ops->port_add(ctx, s->port, s->master, err);
	}
	return -EINVAL;
}

static int step_do(const struct np_step *s, const struct np_ops *ops, void *ctx,
		   bool *fw_fresh, struct np_err *err)
{
	long long t0 = np_time_ns();
	int r = step_do_raw(s, ops, ctx, fw_fresh, err);

	np_timing_add(phase_of(s->kind), np_time_ns() - t0);
	return r;
}

/* Already gone is what undo wants. */
static int already_gone(int r)
{
	return r == -ENOENT || r == -ENODEV || r == -ESRCH ? 0 : r;
}

/* An undo's outcome as undo sees it. */
static int undo_result(const struct np_step *s, int r)
{
	/* no nf_tables at all: no checksum rule of ours can be there */
	if (s->kind == NP_STEP_FW_CSUM && (r == -EPROTONOSUPPORT || r == -EAFNOSUPPORT))
		return 0;
	return already_gone(r);
}

/* Addresses, routes, link state and per-bridge sysctls vanish with the
 * bridge, and libvirt leaves ip_forward on, so only a few kinds of step have
 * anything to undo. In reverse order, dnsmasq's readiness comes first: it is
 * told to stop (SIGTERM) then, and its exit overlaps the nft removal until
 * the undo of its start waits for it. The bridge is only taken out of
 * service; the kernel's slow part of deleting it happens in the background.
 * defer: an nft or checksum-rule removal is only started (see
 * np_plan_undo()). */
static int step_undo_raw(const struct np_step *s, const struct np_ops *ops, void *ctx,
			 bool defer, struct np_err *err)
{
	int r = 0;

	switch (s->kind) {
	case NP_STEP_CHECK_LINK_FREE:
	case NP_STEP_CHECK_ROUTE_FREE:
	case NP_STEP_CHECK_LINK_PRESENT:
	case NP_STEP_SYSCTL:
	case NP_STEP_ADDR_ADD:
	case NP_STEP_LINK_UP:
	case NP_STEP_ROUTE_ADD:
	case NP_STEP_DNSMASQ_MUTE:
		return 0;
	case NP_STEP_FILE_WRITE:
		r = ops->file_remove(ctx, s->path, err);
		break;
	case NP_STEP_BRIDGE_ADD:
		r = ops->link_retire ? ops->link_retire(ctx, s->ifname, err)
				     : ops->link_del(ctx, s->ifname, err);
		break;
	case NP_STEP_FW_APPLY:
		if (!ops->fw_remove) {
			r = ops->fw_apply(ctx, s->undo_text, err);
			break;
		}
		r = ops->fw_remove(ctx, s->undo_text, err);
		/* deferred: np_plan_undo() collects the outcome at the end */
		if (r >= 0 && ops->fw_remove_wait && !defer)
			r = ops->fw_remove_wait(ctx, err);
		break;
	case NP_STEP_DNSMASQ_START:
		r = ops->dnsmasq_stop(ctx, s->path, s->pid_path, err);
		break;
	case NP_STEP_DNSMASQ_READY:
		if (ops->dnsmasq_signal)
			r = ops->dnsmasq_signal(ctx, s->path, s->pid_path, err);
		break;
	case NP_STEP_PORT_ADD:
		r = ops->port_del(ctx, s->port, err);
		break;
	case NP_STEP_FW_CSUM:
		if (ops->fw_csum_del)
			r = ops->fw_csum_del(ctx, s->ifname, err);
		if (r >= 0 && ops->fw_csum_del && ops->fw_csum_del_wait && !defer)
			r = ops->fw_csum_del_wait(ctx, err);
		break;
	}
	return undo_result(s, r);
}

static int step_undo_deferred(const struct np_step *s, const struct np_ops *ops, void *ctx,
			      bool defer, struct np_err *err)
{
	long long t0 = np_time_ns();
	int r = step_undo_raw(s, ops, ctx, defer, err);

	np_timing_add(phase_of(s->kind), np_time_ns() - t0);
	return r;
}

static int step_undo(const struct np_step *s, const struct np_ops *ops, void *ctx,
		     struct np_err *err)
{
	long long t0 = np_time_ns();
	int r = step_undo_raw(s, ops, ctx, false, err);

	np_timing_add(phase_of(s->kind), np_time_ns() - t0);
	return r;
}

/* libvirt ignores a failure of the checksum rule (its transaction is
 * VIR_FIREWALL_TRANSACTION_IGNORE_ERRORS): only old DHCP clients need it. A
 * dnsmasq left in the rtnetlink groups serves the same; it only wakes more. */
static bool ignorable(const struct np_step *s)
{
	return (s->kind == NP_STEP_FW_CSUM || s->kind == NP_STEP_DNSMASQ_MUTE) && s->optional;
}

int np_plan_apply(const struct np_plan *plan, const struct np_ops *ops, void *ctx,
		  struct np_err *err)
{
	struct np_err warning = { { 0 } };
	bool fw_fresh = false;
	char what[256];
	size_t i;
	int r = 0;

	for (i = 0; i < plan->n_steps; i++) {
		struct np_err e = { { 0 } };

		r = step_do(&plan->steps[i], ops, ctx, &fw_fresh, &e);
		if (r < 0 && ignorable(&plan->steps[i])) {
			np_step_describe(&plan->steps[i], what, sizeof(what));
			if (!np_err_isset(&e))
				np_err_set(&e, r, "%s", strerror(-r));
			/* kept apart: a later error must not be masked by it */
			np_err_set(&warning, r, "%s: %s; %s", what, e.msg,
				   plan->steps[i].kind == NP_STEP_DNSMASQ_MUTE
					   ? "dnsmasq serves all the same, woken by the host's address "
					     "events as libvirt's is"
					   : "the network runs without it, as libvirt's would");
			r = 0;
			continue;
		}
		if (r < 0) {
			if (np_err_isset(&e))
				np_err_set(err, r, "%s", e.msg);
			break;
		}
	}
	if (r >= 0) {
		if (np_err_isset(&warning))
			np_err_set(err, 0, "%s", warning.msg);
		return 0;
	}

	np_step_describe(&plan->steps[i], what, sizeof(what));
	if (!np_err_isset(err))
		np_err_set(err, r, "%s", strerror(-r));
	/* A failed check already says what is wrong; name any other step. */
	if (plan->steps[i].kind != NP_STEP_CHECK_LINK_FREE &&
	    plan->steps[i].kind != NP_STEP_CHECK_ROUTE_FREE &&
	    plan->steps[i].kind != NP_STEP_CHECK_LINK_PRESENT)
		np_err_prefix(err, "%s", what);
	/* Roll back what was done; the error reported stays the first one. */
	while (i-- > 0) {
		struct np_err ignored = { { 0 } };

		step_undo(&plan->steps[i], ops, ctx, &ignored);
	}
	return r;
}

/* Records the error of step i when it comes first in undo order. */
static void undo_error(const struct np_plan *plan, size_t i, int r, struct np_err *e,
		       size_t *first_i, int *first, struct np_err *err)
{
	char what[256];

	if (*first != 0 && *first_i > i)
		return;
	*first = r;
	*first_i = i;
	np_step_describe(&plan->steps[i], what, sizeof(what));
	if (!np_err_isset(e))
		np_err_set(e, r, "%s", strerror(-r));
	np_err_prefix(e, "undo %s", what);
	if (err)
		err->msg[0] = '\0';
	np_err_set(err, r, "%s", e->msg);
}

/* The outcome of step i's removal, started in a helper by its undo. */
static void collect(const struct np_plan *plan, size_t i, int (*wait)(void *, struct np_err *),
		    void *ctx, size_t *first_i, int *first, struct np_err *err)
{
	struct np_err e = { { 0 } };
	long long t0 = np_time_ns();
	int r = undo_result(&plan->steps[i], wait(ctx, &e));

	np_timing_add(NP_PHASE_NFT, np_time_ns() - t0);
	if (r < 0)
		undo_error(plan, i, r, &e, first_i, first, err);
}

int np_plan_undo(const struct np_plan *plan, const struct np_ops *ops, void *ctx,
		 struct np_err *err)
{
	size_t first_i = 0, fw_i = SIZE_MAX, cs_i = SIZE_MAX, br_i = SIZE_MAX;
	int first = 0;

	/* The bridge goes first unless a guest port hangs on it (ports are
	 * deleted before it): deleting a bridge holds the kernel's RTNL lock
	 * for an RCU barrier (br_multicast_dev_del) in the background, and the
	 * sooner that starts, the less of it the next command meets. */
	for (size_t i = 0; i < plan->n_steps; i++) {
		if (plan->steps[i].kind == NP_STEP_PORT_ADD) {
			br_i = SIZE_MAX;
			break;
		}
		if (plan->steps[i].kind == NP_STEP_BRIDGE_ADD && ops->link_retire)
			br_i = i;
	}
	if (br_i != SIZE_MAX) {
		struct np_err e = { { 0 } };
		int r = step_undo(&plan->steps[br_i], ops, ctx, &e);

		if (r < 0)
			undo_error(plan, br_i, r, &e, &first_i, &first, err);
	}
	for (size_t i = plan->n_steps; i-- > 0;) {
		struct np_err e = { { 0 } };
		const struct np_step *s = &plan->steps[i];

		if (i == br_i)
			continue;
		/* The nft removal and the checksum rule's run in helpers while
		 * the rest is undone (the two at once); their outcomes are
		 * collected below. */
		bool fw_defer = s->kind == NP_STEP_FW_APPLY && ops->fw_remove && ops->fw_remove_wait &&
				fw_i == SIZE_MAX;
		bool cs_defer = s->kind == NP_STEP_FW_CSUM && ops->fw_csum_del &&
				ops->fw_csum_del_wait && cs_i == SIZE_MAX;
		int r = step_undo_deferred(s, ops, ctx, fw_defer || cs_defer, &e);

		if (r < 0)
			undo_error(plan, i, r, &e, &first_i, &first, err);
		else if (fw_defer)
			fw_i = i;
		else if (cs_defer)
			cs_i = i;
	}
	if (cs_i != SIZE_MAX)
		collect(plan, cs_i, ops->fw_csum_del_wait, ctx, &first_i, &first, err);
	if (fw_i != SIZE_MAX)
		collect(plan, fw_i, ops->fw_remove_wait, ctx, &first_i, &first, err);
	return first;
}

int np_step_apply(const struct np_step *step, bool undo, const struct np_ops *ops, void *ctx,
		  struct np_err *err)
{
	struct np_step copy = *step;
	const struct np_plan one = { .steps = &copy, .n_steps = 1 };
	struct np_step both[3];

	/* Some of the chains may exist: the idempotent script only. */
	copy.create_text = NULL;

	/* A spawn alone would not be waited for: pair it with its readiness. */
	if (!undo && step->kind == NP_STEP_DNSMASQ_START) {
		both[0] = *step;
		both[1] = *step;
		both[1].kind = NP_STEP_DNSMASQ_READY;
		both[2] = *step;
		both[2].kind = NP_STEP_DNSMASQ_MUTE;
		both[2].optional = true;
		return np_plan_apply(&(const struct np_plan){ .steps = both,
							      .n_steps = step->mute ? 3 : 2 },
				     ops, ctx, err);
	}
	return undo ? np_plan_undo(&one, ops, ctx, err) : np_plan_apply(&one, ops, ctx, err);
}
