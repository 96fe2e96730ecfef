#include "engine/health.h"

#include "common/err.h"
#include "common/util.h"
#include "engine/lifecycle.h"
#include "engine/ops.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "engine/record_accepts.h"
#include "engine/store.h"
#include "firewall/foreign.h"
#include "xml/net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int live_plan(struct np_engine *eng, const char *name, struct np_plan **ret,
		     struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	int r;

	r = np_store_live_load(eng->store, name, &net, err);
	if (r == -ENOENT)
		return np_err_set(err, r, "network '%s' is not active", name);
	if (r < 0)
		return r;
	return np_engine_plan(eng, net, ret, err);
}

/* The bridge is the one start made: same ifindex (when the record has it)
 * and the MAC it was given; a bridge of that name made by someone else after
 * ours went is not ours. */
static int bridge_ours(struct np_engine *eng, const struct np_plan *plan, const char *name)
{
	_np_plan_free_ struct np_plan *rec = NULL;
	_np_free_ char *text = NULL, *path = NULL;
	const struct np_step *want = np_plan_find(plan, NP_STEP_BRIDGE_ADD);
	struct np_err ignored = { { 0 } };
	struct np_link_id cur;
	int r;

	r = eng->ops->link_get(eng->ctx, plan->bridge, &cur);
	if (r <= 0 || !want)
		return r;
	if (np_store_record_read(eng->store, name, &text, &path) == 0 &&
	    np_record_parse(text, path, &rec, &ignored) == 0) {
		const struct np_step *got = np_plan_find(rec, NP_STEP_BRIDGE_ADD);

		if (got && got->link.ifindex)
			return got->link.ifindex == cur.ifindex &&
			       !memcmp(got->link.mac, cur.mac, NP_MAC_LEN);
	}
	return !want->has_mac || !memcmp(want->mac, cur.mac, NP_MAC_LEN);
}

/* The record of what start applied; NULL when there is none (yet). */
static struct np_plan *applied(struct np_engine *eng, const char *name)
{
	_np_free_ char *text = NULL, *path = NULL;
	struct np_err ignored = { { 0 } };
	struct np_plan *rec = NULL;

	if (np_store_record_read(eng->store, name, &text, &path) < 0 ||
	    np_record_parse(text, path, &rec, &ignored) < 0)
		return NULL;
	return rec;
}

/* Whether the accept s is still needed: its chain still drops by policy.
 * When the other tool's ruleset went (nft flush ruleset, the tool
 * stopped), its accept is not put back: that would make iptables create
 * its table again. */
static bool still_dropping(struct np_engine *eng, const struct np_step *s)
{
	struct np_fw_foreign f;

	if (eng->ops->fw_foreign(eng->ctx, &f) < 0)
		return true;
	bool v6 = !strcmp(s->key, NP_IPT6_FILTER);

	if (!strcmp(s->value, "FORWARD") || !strcmp(s->value, "DOCKER-USER"))
		return v6 ? f.ip6t_forward_drop : f.ipt_forward_drop;
	if (!strcmp(s->value, "INPUT"))
		return v6 ? f.ip6t_input_drop : f.ipt_input_drop;
	return true;
}

/* Each iptables accept of the record still in its chain, and each one the
 * plan of now wants that the record lacks (a foreign drop that appeared
 * after the start: Docker started later) in place; 1, 0 or -errno. */
static int foreign_present(struct np_engine *eng, const struct np_plan *plan,
			   const struct np_plan *rec)
{
	for (size_t i = 0; rec && i < rec->n_steps; i++) {
		const struct np_step *s = &rec->steps[i];
		int r;

		if (s->kind != NP_STEP_IPT_RULE || !still_dropping(eng, s))
			continue;
		r = eng->ops->ipt_check(eng->ctx, s->key, s->value, s->text);
		if (r <= 0)
			return r;
	}
	for (size_t i = 0; rec && i < plan->n_steps; i++) {
		const struct np_step *s = &plan->steps[i];
		int r;

		if (s->kind != NP_STEP_IPT_RULE || np_record_has_accept(rec, s))
			continue;
		r = eng->ops->ipt_check(eng->ctx, s->key, s->value, s->text);
		if (r <= 0)
			return r;
	}
	return 1;
}

static int check(struct np_engine *eng, const struct np_plan *plan, bool deep,
		 struct np_health *h)
{
	const struct np_step *fw = np_plan_find(plan, NP_STEP_FW_APPLY);
	const struct np_step *dm = np_plan_find(plan, NP_STEP_DNSMASQ_START);
	const struct np_step *vx;
	struct np_link_id id;
	int r;

	*h = (struct np_health){ .firewall = true, .foreign = true, .dnsmasq = true };
	h->complete = np_store_is_started(eng->store, plan->net_name);
	h->starting = !h->complete && np_store_lock_busy(eng->store);
	if (np_plan_find(plan, NP_STEP_BRIDGE_ADD))
		r = bridge_ours(eng, plan, plan->net_name);
	else
		r = eng->ops->link_get(eng->ctx, plan->bridge, &id);
	if (r < 0)
		return r;
	h->bridge = r > 0;
	if ((vx = np_plan_find(plan, NP_STEP_VXLAN_ADD))) {
		r = eng->ops->link_get(eng->ctx, vx->ifname, &id);
		if (r < 0)
			return r;
		h->vxlan_missing = r == 0;
	}
	if (dm) {
		r = eng->ops->dnsmasq_running(eng->ctx, dm->path, dm->pid_path);
		if (r < 0)
			return r;
		h->dnsmasq = r > 0;
	}
	if (fw && deep) {
		r = eng->ops->fw_present(eng->ctx, plan->bridge);
		if (r < 0)
			return r;
		h->firewall = r == 1;
		h->checked_fw = true;
		if (h->firewall) {
			r = eng->ops->fw_check(eng->ctx, fw->text);
			if (r < 0)
				return r;
			h->firewall = r == 1;
		}
	}
	if (deep) {
		_np_plan_free_ struct np_plan *rec = applied(eng, plan->net_name);

		r = foreign_present(eng, plan, rec);
		if (r < 0)
			return r;
		h->foreign = r == 1;
	}
	return 0;
}

int np_engine_health(struct np_engine *eng, const char *name, bool deep, struct np_health *ret,
		     struct np_err *err)
{
	_np_plan_free_ struct np_plan *plan = NULL;
	int r;

	r = live_plan(eng, name, &plan, err);
	if (r < 0)
		return r;
	r = check(eng, plan, deep, ret);
	return r < 0 ? np_err_set(err, r, "cannot check network '%s': %s", name, strerror(-r)) : 0;
}

void np_health_describe(const struct np_health *h, char *buf, unsigned len)
{
	buf[0] = '\0';
	if (!h->complete)
		snprintf(buf, len, "%s", h->starting ? "being started" : "its start did not finish");
	if (!h->bridge)
		snprintf(buf + strlen(buf), len - strlen(buf), "%sbridge missing", buf[0] ? ", " : "");
	if (h->vxlan_missing)
		snprintf(buf + strlen(buf), len - strlen(buf), "%sVXLAN port missing",
			 buf[0] ? ", " : "");
	if (!h->firewall)
		snprintf(buf + strlen(buf), len - strlen(buf), "%sfirewall rules missing",
			 buf[0] ? ", " : "");
	if (!h->foreign)
		snprintf(buf + strlen(buf), len - strlen(buf),
			 "%siptables accepts missing from another tool's chain", buf[0] ? ", " : "");
	if (!h->dnsmasq)
		snprintf(buf + strlen(buf), len - strlen(buf), "%sdnsmasq not running",
			 buf[0] ? ", " : "");
}

static void append(char *buf, unsigned len, const char *what)
{
	snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? ", " : "", what);
}

/* A running dnsmasq's servers-file rewritten from the plan (built from the
 * resolv.conf of now), then SIGHUP: dnsmasq re-reads it, with its hosts
 * files, and keeps its pid and leases. */
static int reread_servers(struct np_engine *eng, const struct np_plan *plan,
			  const struct np_step *dm, char *ret_what, unsigned len, struct np_err *err)
{
	struct np_step *sv = (struct np_step *)np_plan_file_step(plan, NP_PLAN_SERVERS_SUFFIX);
	char what[64];
	unsigned n = 0;
	int r;

	if (!sv)
		return 0;
	r = np_step_apply(sv, false, eng->ops, eng->ctx, eng->warn, err);
	if (r < 0)
		return r;
	r = eng->ops->dnsmasq_reload(eng->ctx, dm->path, dm->pid_path, err);
	if (r < 0)
		return np_err_set(err, r, "cannot make dnsmasq re-read %s: %s", sv->path,
				  strerror(-r));
	for (const char *p = sv->data; (p = strchr(p, '\n')); p++)
		n++;
	snprintf(what, sizeof(what), "dnsmasq re-read its upstream DNS servers (%u)", n);
	append(ret_what, len, what);
	return 0;
}

/* Traffic control, port flags and port limits are "create or replace"
 * steps: applying them again puts back what someone removed. A port that
 * is gone (it goes with its guest's link) has nothing to set. */
static int reapply_links(struct np_engine *eng, struct np_plan *plan, char *ret_what,
			 unsigned len, struct np_err *err)
{
	bool any = false;

	for (size_t i = 0; i < plan->n_steps; i++) {
		struct np_step *s = &plan->steps[i];
		struct np_err e = { { 0 } };
		int r;

		if (s->kind != NP_STEP_QDISC_ADD && s->kind != NP_STEP_CLASS_ADD &&
		    s->kind != NP_STEP_PORT_ISOLATE && s->kind != NP_STEP_PORT_LIMIT)
			continue;
		r = np_step_apply(s, false, eng->ops, eng->ctx, eng->warn, &e);
		/* nft names a missing device ENOENT */
		if ((r == -ENODEV || (r == -ENOENT && s->kind == NP_STEP_PORT_LIMIT)) && s->ifname &&
		    strcmp(s->ifname, plan->bridge))
			continue;
		if (r < 0)
			return np_err_set(err, r, "%s", e.msg);
		any = true;
	}
	if (any)
		append(ret_what, len, "traffic control and port flags re-applied");
	return 0;
}

/* "FORWARD" for Docker's DOCKER-USER, where accepts for FORWARD's drop go. */
static const char *dropping_chain(const struct np_step *s)
{
	return strcmp(s->value, "DOCKER-USER") ? s->value : "FORWARD";
}

/* What the inserted accepts are for: "iptables' FORWARD and INPUT". */
static void say_added(const struct np_plan *plan, const bool *inserted, char *ret_what,
		      unsigned len)
{
	char what[256] = "iptables accepts added (a foreign firewall now drops";
	bool docker = false;
	unsigned n = 0;

	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct np_step *s = &plan->steps[i];
		char one[64];
		bool seen = false;

		if (!inserted[i])
			continue;
		docker |= !strcmp(s->value, "DOCKER-USER");
		for (size_t j = 0; j < i && !seen; j++)
			seen = inserted[j] && !strcmp(plan->steps[j].key, s->key) &&
			       !strcmp(dropping_chain(&plan->steps[j]), dropping_chain(s));
		if (seen)
			continue;
		snprintf(one, sizeof(one), "%s %s' %s", n++ ? " and" : "",
			 strcmp(s->key, NP_IPT6_FILTER) ? "iptables" : "ip6tables",
			 dropping_chain(s));
		snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s", one);
	}
	snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s)",
		 docker ? "; into Docker's DOCKER-USER" : "");
	append(ret_what, len, what);
}

/* The accepts the plan of now has and the record lacks: a foreign firewall
 * began to drop after the start (Docker started after the network, with
 * FORWARD's policy DROP). Each one absent from its chain is inserted, then
 * the record is rewritten to name them, so destroy removes exactly those; a
 * rule already there that the record lacks is someone else's and is left
 * out of it. Accepts whose chain stopped dropping stay until destroy:
 * taking them out would cut the guests off whenever the drop is seen only
 * for a moment (a tool's restart, a failed walk of the ruleset), and an
 * accept for netplumb's own bridge lets nothing else through. */
static int add_accepts(struct np_engine *eng, struct np_plan *plan, char *ret_what,
		       unsigned len, struct np_err *err)
{
	_np_plan_free_ struct np_plan *rec = applied(eng, plan->net_name);
	_np_free_ bool *inserted = NULL;
	unsigned n = 0;
	int r = 0, r2;

	if (!rec)
		return 0;
	inserted = calloc(plan->n_steps ? plan->n_steps : 1, sizeof(*inserted));
	if (!inserted)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n_steps; i++) {
		struct np_step *s = &plan->steps[i];

		if (s->kind != NP_STEP_IPT_RULE || np_record_has_accept(rec, s))
			continue;
		r = eng->ops->ipt_check(eng->ctx, s->key, s->value, s->text);
		if (r < 0) {
			np_err_set(err, r, "cannot check iptables: %s", strerror(-r));
			break;
		}
		if (r > 0) {
			r = 0;
			continue;
		}
		r = np_step_apply(s, false, eng->ops, eng->ctx, eng->warn, err);
		if (r < 0)
			break;
		inserted[i] = true;
		n++;
	}
	if (!n)
		return r;
	/* What was inserted is recorded even when a later one failed. */
	say_added(plan, inserted, ret_what, len);
	r2 = np_record_merge_accepts(plan, rec, inserted);
	if (r2 == 0)
		r2 = np_engine_record_refresh(eng, plan, NULL, err);
	if (r2 < 0 && r == 0)
		r = r2 == -ENOMEM ? np_err_set(err, r2, "out of memory") : r2;
	return r;
}

static int repair(struct np_engine *eng, const char *name, bool force_fw, bool reload,
		  char *ret_what, unsigned len, struct np_err *err)
{
	_np_plan_free_ struct np_plan *plan = NULL;
	struct np_step *fw, *dm;
	struct np_health h;
	int r;

	ret_what[0] = '\0';
	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	r = np_engine_check_netns(eng, name, err);
	if (r < 0)
		return r;
	r = live_plan(eng, name, &plan, err);
	if (r < 0)
		return r;
	r = check(eng, plan, true, &h);
	if (r < 0)
		return np_err_set(err, r, "cannot check network '%s': %s", name, strerror(-r));

	if (!h.bridge || !h.complete || h.vxlan_missing) {
		/* Addresses, routes and ports went with the bridge, or a killed
		 * start left an unknown subset done: start from scratch. */
		r = np_engine_restart_live(eng, name, err);
		if (r < 0)
			return r;
		append(ret_what, len,
		       !h.bridge	 ? "restarted (its bridge was gone)"
		       : h.vxlan_missing ? "restarted (its VXLAN port was gone)"
					 : "restarted (its last start did not finish)");
		return 0;
	}
	fw = (struct np_step *)np_plan_find(plan, NP_STEP_FW_APPLY);
	if (fw && (!h.firewall || force_fw)) {
		r = np_step_apply(fw, false, eng->ops, eng->ctx, eng->warn, err);
		if (r < 0)
			return r;
		append(ret_what, len, "firewall rules re-applied");
	}
	if (force_fw) {
		r = reapply_links(eng, plan, ret_what, len, err);
		if (r < 0)
			return r;
	}
	if (!h.foreign || force_fw) {
		_np_plan_free_ struct np_plan *rec = applied(eng, name);
		unsigned n = 0;

		/* Only the accepts of the record: destroy removes exactly those. */
		for (size_t i = 0; rec && i < rec->n_steps; i++) {
			struct np_step *s = &rec->steps[i];

			if (s->kind != NP_STEP_IPT_RULE || !still_dropping(eng, s))
				continue;
			r = eng->ops->ipt_check(eng->ctx, s->key, s->value, s->text);
			if (r < 0)
				return np_err_set(err, r, "cannot check iptables: %s", strerror(-r));
			if (r > 0)
				continue;
			r = np_step_apply(s, false, eng->ops, eng->ctx, eng->warn, err);
			if (r < 0)
				return r;
			n++;
		}
		if (n)
			append(ret_what, len, "iptables accepts re-inserted");
	}
	dm = (struct np_step *)np_plan_find(plan, NP_STEP_DNSMASQ_START);
	if (dm && !h.dnsmasq) {
		/* Its files first: they may have been removed with the process. */
		for (size_t i = 0; i < plan->n_steps; i++)
			if (plan->steps[i].generated) {
				r = np_step_apply(&plan->steps[i], false, eng->ops, eng->ctx, eng->warn,
						  err);
				if (r < 0)
					return r;
			}
		r = np_plan_dnsmasq_apply(plan, eng->ops, eng->ctx, eng->warn, err);
		if (r < 0)
			return r;
		append(ret_what, len, "dnsmasq restarted");
	} else if (dm && reload) {
		r = reread_servers(eng, plan, dm, ret_what, len, err);
		if (r < 0)
			return r;
	}
	/* Last: it rewrites the plan's steps into the record's. */
	return add_accepts(eng, plan, ret_what, len, err);
}

int np_engine_repair(struct np_engine *eng, const char *name, bool force_fw, char *ret_what,
		     unsigned len, struct np_err *err)
{
	return repair(eng, name, force_fw, false, ret_what, len, err);
}

int np_engine_reload(struct np_engine *eng, const char *name, char *ret_what, unsigned len,
		     struct np_err *err)
{
	return repair(eng, name, true, true, ret_what, len, err);
}

int np_engine_start_or_repair(struct np_engine *eng, const char *name, bool *ret_repaired,
			      char *ret_what, unsigned len, struct np_err *err)
{
	struct np_health h;
	int r;

	*ret_repaired = false;
	ret_what[0] = '\0';
	/* Decided under the lock, so a concurrent start or destroy is seen
	 * finished, never half done. */
	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	if (!np_store_is_active(eng->store, name))
		return np_engine_start(eng, name, err);
	r = np_engine_health(eng, name, true, &h, err);
	if (r < 0)
		return r;
	if (np_health_ok(&h))
		return np_err_set(err, -EEXIST, "network '%s' is already active", name);
	r = np_engine_repair(eng, name, false, ret_what, len, err);
	if (r < 0)
		return r;
	*ret_repaired = true;
	return 0;
}
