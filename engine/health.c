#include "engine/health.h"

#include "common/err.h"
#include "common/util.h"
#include "engine/lifecycle.h"
#include "engine/ops.h"
#include "engine/plan.h"
#include "engine/store.h"
#include "xml/net.h"

#include <errno.h>
#include <stdio.h>
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

static int check(struct np_engine *eng, const struct np_plan *plan, bool deep,
		 struct np_health *h)
{
	const struct np_step *fw = np_plan_find(plan, NP_STEP_FW_APPLY);
	const struct np_step *dm = np_plan_find(plan, NP_STEP_DNSMASQ_START);
	const struct np_step *cs = np_plan_find(plan, NP_STEP_FW_CSUM);
	int r;

	*h = (struct np_health){ .firewall = true, .dnsmasq = true, .checksum = true };
	h->complete = np_store_is_started(eng->store, plan->net_name);
	h->starting = !h->complete && np_store_lock_busy(eng->store);
	r = eng->ops->link_exists(eng->ctx, plan->bridge);
	if (r < 0)
		return r;
	h->bridge = r > 0;
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
	}
	/* `nft flush ruleset` takes iptables-nft's tables with it */
	if (cs && deep && eng->ops->fw_csum_present) {
		r = eng->ops->fw_csum_present(eng->ctx, plan->bridge);
		if (r < 0)
			return r;
		h->checksum = r > 0;
		h->checked_fw = true;
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
	if (!h->firewall)
		snprintf(buf + strlen(buf), len - strlen(buf), "%sfirewall rules missing",
			 buf[0] ? ", " : "");
	if (!h->checksum)
		snprintf(buf + strlen(buf), len - strlen(buf), "%sDHCP checksum rule missing",
			 buf[0] ? ", " : "");
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
			  const struct np_step *dm, np_engine_reload_fn reload, char *ret_what,
			  unsigned len, struct np_err *err)
{
	const struct np_step *sv = np_plan_file_step(plan, NP_PLAN_SERVERS_SUFFIX);
	char what[64];
	unsigned n = 0;
	int r;

	if (!sv)
		return 0;
	r = np_step_apply(sv, false, eng->ops, eng->ctx, err);
	if (r < 0)
		return r;
	r = reload(dm->pid_path, dm->path, err);
	if (r < 0)
		return np_err_set(err, r, "cannot make dnsmasq re-read %s: %s", sv->path,
				  strerror(-r));
	for (const char *p = sv->data; (p = strchr(p, '\n')); p++)
		n++;
	snprintf(what, sizeof(what), "dnsmasq re-read its upstream DNS servers (%u)", n);
	append(ret_what, len, what);
	return 0;
}

/* np_step_apply() of step; a warning of an optional part (the checksum
 * rule, dnsmasq's unsubscription) is said, not failed, as at start.
 * Returns 1 after a warning, 0 when clean, or the error. */
static int apply_warned(struct np_engine *eng, const struct np_step *step, struct np_err *err)
{
	int r = np_step_apply(step, false, eng->ops, eng->ctx, err);

	if (r < 0 || !np_err_isset(err))
		return r;
	if (eng->warn)
		eng->warn(err->msg);
	err->msg[0] = '\0';
	return 1;
}

static int repair(struct np_engine *eng, const char *name, bool force_fw,
		  np_engine_reload_fn reload, char *ret_what, unsigned len, struct np_err *err)
{
	_np_plan_free_ struct np_plan *plan = NULL;
	const struct np_step *fw, *cs, *dm;
	struct np_health h;
	int r;

	ret_what[0] = '\0';
	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	r = live_plan(eng, name, &plan, err);
	if (r < 0)
		return r;
	r = check(eng, plan, true, &h);
	if (r < 0)
		return np_err_set(err, r, "cannot check network '%s': %s", name, strerror(-r));

	if (!h.bridge || !h.complete) {
		/* Addresses, routes and ports went with the bridge, or a killed
		 * start left an unknown subset done: start from scratch. */
		r = np_engine_restart_live(eng, name, err);
		if (r < 0)
			return r;
		append(ret_what, len,
		       h.bridge ? "restarted (its last start did not finish)"
				: "restarted (its bridge was gone)");
		return 0;
	}
	fw = np_plan_find(plan, NP_STEP_FW_APPLY);
	if (fw && (!h.firewall || force_fw)) {
		r = np_step_apply(fw, false, eng->ops, eng->ctx, err);
		if (r < 0)
			return r;
		append(ret_what, len, "firewall rules re-applied");
	}
	cs = np_plan_find(plan, NP_STEP_FW_CSUM);
	if (cs && !h.checksum) {
		r = apply_warned(eng, cs, err);
		if (r < 0)
			return r;
		if (r == 0)
			append(ret_what, len, "DHCP checksum rule re-added");
	}
	dm = np_plan_find(plan, NP_STEP_DNSMASQ_START);
	if (dm && !h.dnsmasq) {
		/* Its files first: they may have been removed with the process. */
		for (size_t i = 0; i < plan->n_steps; i++)
			if (plan->steps[i].kind == NP_STEP_FILE_WRITE) {
				r = np_step_apply(&plan->steps[i], false, eng->ops, eng->ctx, err);
				if (r < 0)
					return r;
			}
		r = apply_warned(eng, dm, err);
		if (r < 0)
			return r;
		append(ret_what, len, "dnsmasq restarted");
	} else if (dm && reload) {
		r = reread_servers(eng, plan, dm, reload, ret_what, len, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int np_engine_repair(struct np_engine *eng, const char *name, bool force_fw, char *ret_what,
		     unsigned len, struct np_err *err)
{
	return repair(eng, name, force_fw, NULL, ret_what, len, err);
}

int np_engine_reload(struct np_engine *eng, const char *name, np_engine_reload_fn reload,
		     char *ret_what, unsigned len, struct np_err *err)
{
	return repair(eng, name, true, reload, ret_what, len, err);
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
