/* Running a plan through the ops table, and undoing it. */
#include "engine/ops.h"
#include "engine/plan.h"

#include "common/err.h"
#include "common/util.h"
#include "engine/port.h"
#include "engine/record.h"
#include "netlink/nl.h"

#include <errno.h>
#include <pthread.h>
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
	case NP_STEP_PORT_LIMIT:
		snprintf(out, len, "limit what the guest sends on port %s (nft transaction)",
			 s->ifname);
		return;
	case NP_STEP_IPT_RULE:
		snprintf(out, len, "insert iptables rule '%s' into %s %s", s->text, s->key, s->value);
		return;
	case NP_STEP_DNSMASQ_START:
		snprintf(out, len, "start dnsmasq");
		return;
	case NP_STEP_DNSMASQ_MUTE:
		snprintf(out, len, "take dnsmasq out of the rtnetlink groups");
		return;
	case NP_STEP_PORT_ADD:
		snprintf(out, len, "attach port %s", s->ifname);
		return;
	case NP_STEP_HOOK:
		snprintf(out, len, "run the network hook (%s %s)", s->key, s->value);
		return;
	case NP_STEP_RECORD:
		snprintf(out, len, "record what was applied in %s", s->path);
		return;
	case NP_STEP_QEMU_ACL:
		snprintf(out, len, "allow bridge %s in %s", s->ifname, s->path);
		return;
	case NP_STEP_QDISC_ADD:
		snprintf(out, len, "add a %s qdisc to %s", s->tc.kind == NP_TC_HTB ? "htb" : "pfifo",
			 s->ifname);
		return;
	case NP_STEP_CLASS_ADD:
		snprintf(out, len, "add an htb class to %s", s->ifname);
		return;
	case NP_STEP_PORT_ISOLATE:
		snprintf(out, len, "isolate bridge port %s", s->ifname);
		return;
	case NP_STEP_VXLAN_ADD:
		snprintf(out, len, "create VXLAN %s (VNI %u) on %s", s->ifname, s->vx.vni, s->key);
		return;
	case NP_STEP_FDB_ADD:
		snprintf(out, len, "flood %s to VTEP %s", s->ifname, np_addr_str(&s->addr, a));
		return;
	case NP_STEP_TOOL: {
		const char *t = s->text ? s->text : s->undo_text ? s->undo_text : "";
		size_t i;

		snprintf(out, len, "run %s", t);
		for (i = 0; out[i]; i++)
			if (out[i] == '\n')
				out[i] = ' ';
		return;
	}
	}
	snprintf(out, len, "step %d", (int)s->kind);
}

/* The record of the plan, written by its step i: the steps before it with
 * the links they made, itself and the steps after it, so that undoing the
 * record undoes the whole plan. */
static int write_record(const struct np_plan *plan, size_t i, const struct np_ops *ops,
			void *ctx, struct np_err *err)
{
	_np_free_ char *text = NULL;
	int r = np_record_render(plan, plan->n_steps, &text);

	if (r < 0)
		return r;
	return ops->file_write(ctx, plan->steps[i].path, text, plan->steps[i].mode, err);
}

/* The ACL line of a QEMU_ACL step: the bridge name is an interface name
 * (validated), so it is one word of the helper's syntax. */
static int qemu_acl(const struct np_step *s, bool add, const struct np_ops *ops, void *ctx,
		    struct np_err *err)
{
	char line[64];

	snprintf(line, sizeof(line), "allow %s", s->ifname);
	return ops->qemu_acl(ctx, s->path, line, add, err);
}

static int step_do(const struct np_plan *plan, struct np_step *s, const struct np_ops *ops,
		   void *ctx, struct np_err *err)
{
	char dev[16] = "", a[NP_ADDR_STRLEN];
	struct np_bridge_spec spec;
	struct np_vxlan_spec vx;
	struct np_link_id id;
	int r;

	switch (s->kind) {
	case NP_STEP_CHECK_LINK_FREE:
		r = ops->link_get(ctx, s->ifname, &id);
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
		r = ops->link_get(ctx, s->ifname, &id);
		if (r == 0)
			return np_err_set(err, -ENODEV, "bridge %s does not exist", s->ifname);
		return r < 0 ? r : 0;
	case NP_STEP_FILE_WRITE:
		return ops->file_write(ctx, s->path, s->data, s->mode, err);
	case NP_STEP_HOOK:
		return ops->hook(ctx, s->path, plan->net_name, s->key, s->value, s->data, err);
	case NP_STEP_BRIDGE_ADD:
		spec = (struct np_bridge_spec){
			.ifname = s->ifname,
			.mac = s->has_mac ? s->mac : NULL,
			.mtu = s->mtu,
			.stp = s->stp,
			.delay_cs = s->delay_cs,
		};
		return ops->bridge_add(ctx, &spec, &s->link, err);
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
	case NP_STEP_PORT_ADD:
		r = ops->port_add(ctx, s->port, s->master, &s->link, err);
		if (r == -EEXIST && !np_err_isset(err))
			np_err_set(err, r, "interface %s already exists and is not netplumb's",
				   s->ifname);
		return r;
	case NP_STEP_FW_APPLY:
	case NP_STEP_PORT_LIMIT:
		return ops->fw_apply(ctx, s->text, err);
	case NP_STEP_IPT_RULE:
		return ops->ipt_change(ctx, true, s->key, s->value, s->text, err);
	case NP_STEP_DNSMASQ_START:
		return ops->dnsmasq_start(ctx, s->path, s->pid_path, &s->new_leases, err);
	case NP_STEP_DNSMASQ_MUTE:
		return ops->dnsmasq_mute(ctx, s->path, s->pid_path, err);
	case NP_STEP_RECORD:
		return write_record(plan, (size_t)(s - plan->steps), ops, ctx, err);
	case NP_STEP_QDISC_ADD:
		return ops->qdisc_add(ctx, s->ifname, &s->tc, err);
	case NP_STEP_CLASS_ADD:
		return ops->class_add(ctx, s->ifname, &s->tc, err);
	case NP_STEP_PORT_ISOLATE:
		return ops->port_isolate(ctx, s->ifname, err);
	case NP_STEP_TOOL:
		r = ops->tool_run(ctx, s->text, err);
		if (!s->if_firewalld || r >= 0)
			return r;
		if (r == -EHOSTDOWN || r == -ENOENT) {
			/* no firewalld: nothing to do, nor to undo */
			err->msg[0] = '\0';
			free(s->undo_text);
			s->undo_text = NULL;
			return 0;
		}
		np_err_prefix(err, "libvirt puts a bridge without <bridge zone> in firewalld's "
				   "zone 'libvirt'");
		return r;
	case NP_STEP_VXLAN_ADD:
		if (!s->addr.family)
			return np_err_set(err, -EADDRNOTAVAIL,
					  "the underlay %s does not exist, or has no address of the "
					  "peers' family to be the local VTEP (<netplumb:vxlan "
					  "local='...'> names one)",
					  s->key);
		vx = (struct np_vxlan_spec){
			.ifname = s->ifname,
			.master = s->master,
			.dev = s->key,
			.mac = s->has_mac ? s->mac : NULL,
			.vni = s->vx.vni,
			.port = s->vx.port,
			.mtu = s->mtu,
			.local = s->addr,
			.learning = s->vx.learning,
		};
		r = ops->vxlan_add(ctx, &vx, &s->link, err);
		if (r == -EEXIST && !np_err_isset(err))
			np_err_set(err, r, "interface %s or VNI %u on port %u exists already",
				   s->ifname, s->vx.vni, s->vx.port);
		return r;
	case NP_STEP_FDB_ADD:
		return ops->fdb_change(ctx, true, s->ifname, &s->addr, err);
	case NP_STEP_QEMU_ACL:
		return qemu_acl(s, true, ops, ctx, err);
	}
	return -EINVAL;
}

/* Already gone is what undo wants. */
static int already_gone(int r)
{
	return r == -ENOENT || r == -ENODEV || r == -ESRCH ? 0 : r;
}

static void warn_step(const struct np_step *s, const char *verb, struct np_err *e, int r,
		      np_warn_fn warn)
{
	char what[256], msg[sizeof(what) + sizeof(e->msg) + 16];

	if (!warn)
		return;
	np_step_describe(s, what, sizeof(what));
	snprintf(msg, sizeof(msg), "%s%s: %s", verb, what, np_err_isset(e) ? e->msg : strerror(-r));
	warn(msg);
}

/* The link a BRIDGE_ADD or PORT_ADD step made: as recorded, or (a start that
 * was killed before its record) the link of that name, if it has the MAC
 * netplumb gave it. 0 and *ret set, 1 when there is nothing of ours to
 * delete, or -errno. */
static int owned_link(const struct np_step *s, const struct np_ops *ops, void *ctx,
		      struct np_link_id *ret)
{
	uint8_t want[NP_MAC_LEN];
	struct np_link_id cur;
	int r;

	if (s->link.ifindex > 0) {
		*ret = s->link;
		return 0;
	}
	if (s->kind == NP_STEP_PORT_ADD && s->port)
		np_port_host_mac(s->port, want);
	else if ((s->kind == NP_STEP_BRIDGE_ADD || s->kind == NP_STEP_VXLAN_ADD) && s->has_mac)
		memcpy(want, s->mac, NP_MAC_LEN);
	else
		return 1;
	r = ops->link_get(ctx, s->ifname, &cur);
	if (r <= 0)
		return r < 0 ? r : 1;
	if (memcmp(cur.mac, want, NP_MAC_LEN))
		return 1;
	*ret = cur;
	return 0;
}

/* What deleting a link step's link returned, as undo takes it: someone
 * else's link in its place now is left alone, with a warning. */
static int link_deleted(const struct np_step *s, int r, struct np_err *err, np_warn_fn warn)
{
	if (r == -EPERM) {
		warn_step(s, "undo ", err, r, warn);
		err->msg[0] = '\0';
		r = 0;
	}
	return r;
}

/* Addresses, routes, link state and per-bridge sysctls vanish with the
 * bridge (tc and port flags with their link), and libvirt leaves ip_forward
 * on, so only a few kinds of step have
 * anything to undo. */
static int step_undo(const struct np_plan *plan, const struct np_step *s, const struct np_ops *ops,
		     void *ctx, np_warn_fn warn, struct np_err *err)
{
	struct np_link_id id;
	int r = 0;

	switch (s->kind) {
	case NP_STEP_CHECK_LINK_FREE:
	case NP_STEP_CHECK_ROUTE_FREE:
	case NP_STEP_CHECK_LINK_PRESENT:
	case NP_STEP_SYSCTL:
	case NP_STEP_ADDR_ADD:
	case NP_STEP_LINK_UP:
	case NP_STEP_ROUTE_ADD:
	case NP_STEP_QDISC_ADD:
	case NP_STEP_CLASS_ADD:
	case NP_STEP_PORT_ISOLATE:
	case NP_STEP_DNSMASQ_MUTE:
		return 0;
	case NP_STEP_FILE_WRITE:
	case NP_STEP_RECORD:
		r = ops->file_remove(ctx, s->path, err);
		break;
	case NP_STEP_HOOK:
		/* libvirt runs "stopped end" once a network is down, also after
		 * a start that failed; its failure changes nothing. */
		if (s->key && !strcmp(s->key, "start")) {
			struct np_err e = { { 0 } };

			r = ops->hook(ctx, s->path, plan->net_name, "stopped", "end", s->data, &e);
			if (r < 0)
				warn_step(s, "undo ", &e, r, warn);
		}
		return 0;
	case NP_STEP_FDB_ADD:
		r = ops->fdb_change(ctx, false, s->ifname, &s->addr, err);
		break;
	case NP_STEP_BRIDGE_ADD:
	case NP_STEP_VXLAN_ADD:
	case NP_STEP_PORT_ADD:
		r = owned_link(s, ops, ctx, &id);
		if (r == 0)
			r = link_deleted(s, ops->link_del(ctx, &id, err), err, warn);
		else if (r == 1)
			r = 0;
		break;
	case NP_STEP_FW_APPLY:
	case NP_STEP_PORT_LIMIT:
		r = ops->fw_apply(ctx, s->undo_text, err);
		if (r >= 0 || already_gone(r) == 0)
			r = ops->fw_prune(ctx, err);
		break;
	case NP_STEP_IPT_RULE:
		/* A rule someone flushed is already what undo wants. */
		r = ops->ipt_change(ctx, false, s->key, s->value, s->text, err);
		break;
	case NP_STEP_DNSMASQ_START:
		r = ops->dnsmasq_stop(ctx, s->path, s->pid_path, err);
		/* a start rolled back leaves no new lease file either */
		if (r >= 0 && s->new_leases && s->lease_path)
			r = ops->file_remove(ctx, s->lease_path, err);
		break;
	case NP_STEP_QEMU_ACL:
		r = qemu_acl(s, false, ops, ctx, err);
		break;
	case NP_STEP_TOOL:
		/* firewalld may have gone since: the interface left its zone */
		if (s->undo_text) {
			struct np_err e = { { 0 } };

			r = ops->tool_run(ctx, s->undo_text, &e);
			if (r < 0 && already_gone(r) && r != -EHOSTDOWN)
				warn_step(s, "undo ", &e, r, warn);
		}
		return 0;
	}
	return already_gone(r);
}

/* A step done on a thread of its own. */
struct beside {
	const struct np_plan *plan;
	struct np_step *step;
	const struct np_ops *ops;
	void *ctx;
	struct np_link_id id; /* undo of a link step: the link to delete */
	struct np_err err;
	int r;
};

static void *beside_do(void *arg)
{
	struct beside *b = arg;

	b->r = step_do(b->plan, b->step, b->ops, b->ctx, &b->err);
	return NULL;
}

static int apply(struct np_plan *plan, const struct np_ops *ops, void *ctx, np_warn_fn warn,
		 bool overlap, struct np_err *err)
{
	size_t dm = plan->n_steps, from = overlap ? np_plan_dnsmasq_beside(plan, &dm) : dm;
	struct beside b = { .plan = plan, .ops = ops, .ctx = ctx };
	bool running = false;
	pthread_t thread;
	char what[256];
	size_t i;
	int r = 0;

	if (plan->skipped && warn)
		warn(plan->skipped);
	if (dm < plan->n_steps)
		b.step = &plan->steps[dm];
	for (i = 0; i < plan->n_steps; i++) {
		struct np_err e = { { 0 } };
		struct np_step *s = &plan->steps[i];

		if (i == from)
			running = pthread_create(&thread, NULL, beside_do, &b) == 0;
		if (i == dm && running) {
			pthread_join(thread, NULL);
			running = false;
			e = b.err;
			r = b.r;
		} else {
			r = step_do(plan, s, ops, ctx, &e);
		}
		if (r < 0 && s->optional &&
		    (s->kind == NP_STEP_HOOK || s->kind == NP_STEP_ROUTE_ADD ||
		     s->kind == NP_STEP_TOOL)) {
			/* hook: too late to refuse; route: libvirt only logs it.
			 * Said, not failed (a route leaves with the bridge). */
			warn_step(s, "", &e, r, warn);
			r = 0;
			continue;
		}
		if (r < 0) {
			if (np_err_isset(&e))
				np_err_set(err, r, "%s", e.msg);
			break;
		}
	}
	if (running) {
		/* a firewall step failed beside dnsmasq's start: it goes first */
		struct np_err ignored = { { 0 } };

		pthread_join(thread, NULL);
		if (b.r >= 0)
			step_undo(plan, b.step, ops, ctx, warn, &ignored);
	}
	if (r >= 0)
		return 0;

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

		step_undo(plan, &plan->steps[i], ops, ctx, warn, &ignored);
	}
	return r;
}

int np_plan_apply(struct np_plan *plan, const struct np_ops *ops, void *ctx, np_warn_fn warn,
		  struct np_err *err)
{
	return apply(plan, ops, ctx, warn, false, err);
}

int np_plan_apply_start(struct np_plan *plan, const struct np_ops *ops, void *ctx,
			np_warn_fn warn, struct np_err *err)
{
	return apply(plan, ops, ctx, warn, true, err);
}

/* Keeps the outcome r of undoing step i (its message in e) when it is the
 * first failure: the one an undo reports. */
static void undo_outcome(const struct np_plan *plan, size_t i, int r, struct np_err *e, int *first,
			 struct np_err *err)
{
	char what[256];

	if (r >= 0 || *first)
		return;
	*first = r;
	np_step_describe(&plan->steps[i], what, sizeof(what));
	if (!np_err_isset(e))
		np_err_set(e, r, "%s", strerror(-r));
	np_err_prefix(e, "undo %s", what);
	np_err_set(err, r, "%s", e->msg);
}

static void *beside_link_del(void *arg)
{
	struct beside *b = arg;

	b->r = b->ops->link_del(b->ctx, &b->id, &b->err);
	return NULL;
}

static int undo(const struct np_plan *plan, const struct np_ops *ops, void *ctx, np_warn_fn warn,
		bool overlap, struct np_err *err)
{
	size_t at = overlap ? np_plan_beside(plan) : plan->n_steps;
	struct beside b = { .ops = ops, .ctx = ctx };
	bool running = false;
	pthread_t thread;
	int first = 0;

	/* ours by the record (or, after a killed start, by its MAC): looked
	 * up here, so that only link_del runs on the thread; otherwise the
	 * step is undone in its place */
	if (at < plan->n_steps && owned_link(&plan->steps[at], ops, ctx, &b.id) == 0)
		running = pthread_create(&thread, NULL, beside_link_del, &b) == 0;
	for (size_t i = plan->n_steps; i-- > 0;) {
		const struct np_step *s = &plan->steps[i];
		struct np_err e = { { 0 } };
		int r;

		if (i == at && running) {
			pthread_join(thread, NULL);
			e = b.err;
			r = already_gone(link_deleted(s, b.r, &e, warn));
		} else if (first && s->state) {
			continue;
		} else {
			r = step_undo(plan, s, ops, ctx, warn, &e);
		}
		undo_outcome(plan, i, r, &e, &first, err);
	}
	return first;
}

int np_plan_undo(const struct np_plan *plan, const struct np_ops *ops, void *ctx, np_warn_fn warn,
		 struct np_err *err)
{
	return undo(plan, ops, ctx, warn, false, err);
}

int np_plan_undo_destroy(const struct np_plan *plan, const struct np_ops *ops, void *ctx,
			 np_warn_fn warn, struct np_err *err)
{
	return undo(plan, ops, ctx, warn, true, err);
}

int np_plan_dnsmasq_apply(struct np_plan *plan, const struct np_ops *ops, void *ctx,
			  np_warn_fn warn, struct np_err *err)
{
	struct np_step *dm = (struct np_step *)np_plan_find(plan, NP_STEP_DNSMASQ_START);
	size_t i = dm ? (size_t)(dm - plan->steps) : 0;
	/* the mute step, when there is one, right after it (np_plan_build) */
	struct np_plan run = {
		.steps = dm,
		.n_steps = i + 1 < plan->n_steps && dm[1].kind == NP_STEP_DNSMASQ_MUTE ? 2 : 1,
	};

	return dm ? np_plan_apply(&run, ops, ctx, warn, err) : 0;
}

int np_step_apply(struct np_step *step, bool undo, const struct np_ops *ops, void *ctx,
		  np_warn_fn warn, struct np_err *err)
{
	struct np_plan one = { .steps = step, .n_steps = 1 };

	return undo ? np_plan_undo(&one, ops, ctx, warn, err)
		    : np_plan_apply(&one, ops, ctx, warn, err);
}
