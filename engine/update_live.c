/* net-update: the definitions and the running network. What libvirt's
 * networkUpdate does per section (restart dnsmasq for ip-dhcp-range, dns-txt,
 * dns-srv; SIGHUP for ip-dhcp-host and dns-host; new firewall rules for
 * forward-interface) falls out of one rule here: build the plan of the old
 * and of the new live definition and act only on what differs. A changed
 * dnsmasq config file needs a restart, since dnsmasq has dropped root and
 * only re-reads its hosts files on SIGHUP; changed hosts files need a
 * rewrite and a SIGHUP, which keeps dnsmasq's pid and its leases. */
#include "engine/update_live.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "engine/lifecycle.h"
#include "engine/ops.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "engine/store.h"
#include "engine/update_vxlan.h"
#include "firewall/pf_render.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A generated file is never near this; a bigger one is not ours. */
#define GENERATED_MAX (16 * 1024 * 1024)

/* One file of the new plan that differs from what is on disk. */
struct change {
	const struct np_step *step;
	char *before; /* the content on disk, NULL when there was no file */
	bool written;
};

struct live {
	struct np_engine *eng;
	struct np_plan *oplan, *nplan;
	const struct np_step *ofw, *nfw, *odm;
	struct np_step *ndm;
	struct change *ch;
	size_t n_ch;
	bool fw_done;
	char *fw_old; /* what brings the old rules back */
	bool old_stopped; /* the old dnsmasq was stopped and should come back on failure */
	/* ports whose limit (a portgroup's <outbound>) changed: old, new
	 * (either NULL); the first n_lim_done of them were applied */
	struct lim {
		const struct np_step *o, *n;
	} *lim;
	size_t n_lim, n_lim_done;
};

/* text, plus the removal of the port forward chains when net has no
 * forward: the rendered rules never mention chains they do not want, and
 * a live update may delete the last forward. */
static int fw_script(const char *text, const struct np_net *net, char **ret)
{
	struct np_buf b = { 0 };

	np_buf_add(&b, text);
	if (!net->n_portfwds && net->bridge.name && *text)
		np_fw_pf_render_drop(&b, net->bridge.name);
	*ret = np_buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

/* Sysctls the new plan sets and the old one did not (a first port forward
 * needs route_localnet on the bridge). Nothing to undo: they only widen
 * what the bridge netplumb created accepts, and go with it. */
static int new_sysctls(struct np_engine *eng, const struct np_plan *oplan,
		       const struct np_plan *nplan, struct np_err *err)
{
	for (size_t i = 0; i < nplan->n_steps; i++) {
		const struct np_step *s = &nplan->steps[i];
		bool had = false;
		int r;

		if (s->kind != NP_STEP_SYSCTL)
			continue;
		for (size_t j = 0; j < oplan->n_steps && !had; j++)
			had = oplan->steps[j].kind == NP_STEP_SYSCTL &&
			      !strcmp(oplan->steps[j].key, s->key);
		if (had)
			continue;
		r = eng->ops->sysctl_set(eng->ctx, s->key, s->value, err);
		if (r < 0 && !(s->optional && r == -ENOENT))
			return r;
	}
	return 0;
}

static const struct np_step *port_limit(const struct np_plan *plan, const char *ifname)
{
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].kind == NP_STEP_PORT_LIMIT &&
		    !strcmp(plan->steps[i].ifname, ifname))
			return &plan->steps[i];
	return NULL;
}

/* A portgroup's <outbound> changed: the ports in it get the new limit, or
 * lose theirs, so that the record (rewritten from the new plan) holds what
 * the kernel has and destroy removes exactly that. */
static int update_port_limits(struct live *l, const struct np_plan *oplan,
			      const struct np_plan *nplan, struct np_update_live_report *rep,
			      struct np_err *err)
{
	const struct np_ops *ops = l->eng->ops;

	l->lim = calloc(oplan->n_steps + nplan->n_steps, sizeof(*l->lim));
	if (!l->lim)
		return -ENOMEM;
	for (size_t i = 0; i < nplan->n_steps; i++) {
		const struct np_step *n = &nplan->steps[i], *o;

		if (n->kind != NP_STEP_PORT_LIMIT)
			continue;
		o = port_limit(oplan, n->ifname);
		if (!o || strcmp(o->text, n->text))
			l->lim[l->n_lim++] = (struct lim){ .o = o, .n = n };
	}
	for (size_t i = 0; i < oplan->n_steps; i++) {
		const struct np_step *o = &oplan->steps[i];

		if (o->kind == NP_STEP_PORT_LIMIT && !port_limit(nplan, o->ifname))
			l->lim[l->n_lim++] = (struct lim){ .o = o };
	}
	for (; l->n_lim_done < l->n_lim; l->n_lim_done++) {
		const struct lim *c = &l->lim[l->n_lim_done];
		int r = ops->fw_apply(l->eng->ctx, c->n ? c->n->text : c->o->undo_text, err);

		if (r < 0) {
			np_err_prefix(err, "cannot change the limit of port %s",
				      (c->n ? c->n : c->o)->ifname);
			return r;
		}
		rep->firewall = true;
	}
	return l->n_lim ? ops->fw_prune(l->eng->ctx, err) : 0;
}

static void changes_free(struct live *l)
{
	free(l->lim);
	free(l->fw_old);
	for (size_t i = 0; i < l->n_ch; i++)
		free(l->ch[i].before);
	free(l->ch);
}

/* The new plan's files whose content differs from the file on disk. */
static int diff_files(struct live *l, const struct np_plan *plan, bool *ret_conf, bool *ret_hosts,
		      struct np_err *err)
{
	*ret_conf = *ret_hosts = false;
	l->ch = calloc(plan->n_steps, sizeof(*l->ch));
	if (!l->ch)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct np_step *s = &plan->steps[i];
		char *now = NULL;
		int r;

		if (!s->generated)
			continue;
		r = np_file_read(s->path, GENERATED_MAX, &now, NULL);
		if (r < 0 && r != -ENOENT)
			return np_err_set(err, r, "cannot read %s: %s", s->path, strerror(-r));
		if (now && !strcmp(now, s->data)) {
			free(now);
			continue;
		}
		l->ch[l->n_ch++] = (struct change){ .step = s, .before = now };
		if (l->ndm && !strcmp(s->path, l->ndm->path))
			*ret_conf = true;
		else
			*ret_hosts = true;
	}
	return 0;
}

/* Puts back what was changed, best effort: the first error stays in err. */
static void roll_back(struct live *l)
{
	const struct np_ops *ops = l->eng->ops;
	void *ctx = l->eng->ctx;
	struct np_err scratch = { { 0 } };

	for (size_t i = l->n_ch; i-- > 0;) {
		const struct change *c = &l->ch[i];

		if (!c->written)
			continue;
		if (c->before)
			ops->file_write(ctx, c->step->path, c->before, c->step->mode, &scratch);
		else
			ops->file_remove(ctx, c->step->path, &scratch);
	}
	if (l->old_stopped)
		np_plan_dnsmasq_apply(l->oplan, ops, ctx, NULL, &scratch);
	if (l->fw_done)
		ops->fw_apply(ctx, l->fw_old, &scratch);
	for (size_t i = l->n_lim_done; i-- > 0;)
		ops->fw_apply(ctx, l->lim[i].o ? l->lim[i].o->text : l->lim[i].n->undo_text,
			      &scratch);
}

static int write_changes(struct live *l, struct np_update_live_report *rep, struct np_err *err)
{
	for (size_t i = 0; i < l->n_ch; i++) {
		const struct np_step *s = l->ch[i].step;
		int r = l->eng->ops->file_write(l->eng->ctx, s->path, s->data, s->mode, err);

		if (r < 0)
			return np_err_set(err, r, "cannot write %s: %s", s->path, strerror(-r));
		l->ch[i].written = true;
		rep->files++;
	}
	return 0;
}

static int dnsmasq_start(struct live *l, struct np_err *err)
{
	int r = np_plan_dnsmasq_apply(l->nplan, l->eng->ops, l->eng->ctx, l->eng->warn, err);

	return r < 0 ? np_err_set(err, r, "cannot start dnsmasq: %s", strerror(-r)) : 0;
}

static int update_dnsmasq(struct live *l, const struct np_plan *oplan, bool conf_changed,
			  bool hosts_changed, struct np_update_live_report *rep, struct np_err *err)
{
	const struct np_ops *ops = l->eng->ops;
	void *ctx = l->eng->ctx;
	int r;

	if (l->odm && !l->ndm) {
		/* e.g. the last DHCP range of a network with DNS disabled went */
		r = ops->dnsmasq_stop(ctx, l->odm->path, l->odm->pid_path, err);
		if (r < 0)
			return np_err_set(err, r, "cannot stop dnsmasq: %s", strerror(-r));
		rep->stopped = true;
		for (size_t i = 0; i < oplan->n_steps; i++)
			if (oplan->steps[i].generated)
				ops->file_remove(ctx, oplan->steps[i].path, NULL);
		return 0;
	}
	if (!l->ndm)
		return 0;
	r = write_changes(l, rep, err);
	if (r < 0)
		return r;
	if (!l->odm) {
		r = dnsmasq_start(l, err);
		rep->started = r == 0;
		return r;
	}
	if (conf_changed) {
		r = ops->dnsmasq_stop(ctx, l->odm->path, l->odm->pid_path, err);
		if (r < 0)
			return np_err_set(err, r, "cannot stop dnsmasq: %s", strerror(-r));
		l->old_stopped = true;
		r = dnsmasq_start(l, err);
		if (r < 0)
			return r;
		l->old_stopped = false;
		rep->restarted = true;
		return 0;
	}
	if (!hosts_changed)
		return 0;
	r = ops->dnsmasq_reload(ctx, l->ndm->path, l->ndm->pid_path, NULL);
	if (r == -ESRCH) {
		/* it had died: the network was degraded; start it with the new files */
		r = dnsmasq_start(l, err);
		rep->started = r == 0;
		return r;
	}
	if (r < 0)
		return np_err_set(err, r, "cannot make dnsmasq re-read its hosts files: %s",
				  strerror(-r));
	rep->reloaded = true;
	return 0;
}

int np_update_live_apply(struct np_engine *eng, const struct np_net *old, const struct np_net *new,
			 struct np_update_live_report *ret, struct np_err *err)
{
	_np_plan_free_ struct np_plan *oplan = NULL, *nplan = NULL;
	struct np_update_live_report rep = { 0 };
	struct live l = { .eng = eng };
	bool conf_changed = false, hosts_changed = false;
	int r;

	/* Both plans first: a new definition the renderers refuse changes
	 * nothing. */
	r = np_engine_plan(eng, old, &oplan, err);
	if (r < 0)
		return r;
	r = np_engine_plan(eng, new, &nplan, err);
	if (r < 0)
		return r;
	l.ofw = np_plan_find(oplan, NP_STEP_FW_APPLY);
	l.nfw = np_plan_find(nplan, NP_STEP_FW_APPLY);
	l.odm = np_plan_find(oplan, NP_STEP_DNSMASQ_START);
	l.ndm = (struct np_step *)np_plan_find(nplan, NP_STEP_DNSMASQ_START);
	l.oplan = oplan;
	l.nplan = nplan;
	r = l.ndm ? diff_files(&l, nplan, &conf_changed, &hosts_changed, err) : 0;
	if (r < 0)
		goto out;

	if (strcmp(l.ofw ? l.ofw->text : "", l.nfw ? l.nfw->text : "")) {
		/* the texts add and flush the network's own chains: applying
		 * the new one replaces the old rules in one transaction */
		_np_free_ char *fw_new = NULL;

		r = new_sysctls(eng, oplan, nplan, err);
		if (r < 0)
			goto out;
		r = fw_script(l.nfw ? l.nfw->text : l.ofw->undo_text, new, &fw_new);
		if (r == 0)
			r = fw_script(l.ofw ? l.ofw->text : l.nfw->undo_text, old, &l.fw_old);
		if (r < 0)
			goto out;
		r = eng->ops->fw_apply(eng->ctx, fw_new, err);
		if (r < 0) {
			np_err_prefix(err, "cannot replace the firewall rules of '%s'", new->name);
			goto out;
		}
		l.fw_done = true;
		rep.firewall = true;
	}
	r = update_dnsmasq(&l, oplan, conf_changed, hosts_changed, &rep, err);
	if (r == 0)
		r = np_update_vx_fdb(eng->ops, eng->ctx, oplan, nplan, err);
	if (r < 0) {
		roll_back(&l);
		goto out;
	}
	r = update_port_limits(&l, oplan, nplan, &rep, err);
	if (r < 0) {
		roll_back(&l);
		goto out;
	}
	r = np_engine_record_refresh(eng, nplan, NULL, err);
	if (r < 0) {
		roll_back(&l);
		goto out;
	}
	if (ret)
		*ret = rep;
out:
	changes_free(&l);
	return r;
}

/* libvirt's final format/parse cycle (virNetworkObjUpdate), plus the checks
 * a define would make: what is stored must load and start again. */
static int check_result(const struct np_net *net, const char *section, unsigned fmt_flags,
			struct np_net **ret, struct np_err *err)
{
	_np_free_ char *xml = NULL, *label = NULL;
	_np_net_free_ struct np_net *back = NULL;
	int r;

	r = np_xml_net_format(net, fmt_flags, &xml);
	if (r < 0)
		return np_err_set(err, r, "cannot format network '%s'", net->name);
	if (asprintf(&label, "%s: network '%s' after the update", section, net->name) < 0) {
		label = NULL;
		return -ENOMEM;
	}
	r = np_xml_net_parse(xml, strlen(xml), label, &back, err);
	if (r < 0)
		return r;
	r = np_net_validate(back, label, err);
	if (r < 0)
		return r;
	*ret = np_steal(&back);
	return 0;
}

/* Loads one definition, applies the update to it and checks the result. */
static int updated(struct np_engine *eng, const struct np_update_req *req, bool live,
		   struct np_net **ret_old, struct np_net **ret_new, struct np_err *err)
{
	_np_net_free_ struct np_net *old = NULL, *work = NULL;
	int r;

	r = live ? np_store_live_load(eng->store, req->name, &old, err)
		 : np_store_def_load(eng->store, req->name, &old, err);
	if (r < 0)
		return r;
	r = live ? np_store_live_load(eng->store, req->name, &work, err)
		 : np_store_def_load(eng->store, req->name, &work, err);
	if (r < 0)
		return r;
	r = np_xml_net_update(work, req->cmd, req->section, req->parent_index, req->xml, req->len,
			      err);
	if (r < 0)
		return r;
	r = check_result(work, np_update_section_names[req->section],
			 live ? 0 : NP_XML_FORMAT_INACTIVE, ret_new, err);
	if (r < 0)
		return r;
	if (ret_old)
		*ret_old = np_steal(&old);
	return 0;
}

int np_engine_update(struct np_engine *eng, const struct np_update_req *req, unsigned *ret_flags,
		     struct np_update_live_report *ret_report, struct np_err *err)
{
	_np_net_free_ struct np_net *old_live = NULL, *new_live = NULL, *new_def = NULL;
	struct np_update_live_report rep = { 0 };
	unsigned flags = req->flags;
	bool active, persistent;
	int r;

	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	active = np_store_is_active(eng->store, req->name);
	persistent = np_store_is_persistent(eng->store, req->name);
	if (!active && !persistent)
		return np_err_set(err, -ENOENT, "network '%s' not found", req->name);
	/* virNetworkObjUpdateModificationImpact */
	if (!(flags & (NP_UPDATE_AFFECT_LIVE | NP_UPDATE_AFFECT_CONFIG)))
		flags |= active ? NP_UPDATE_AFFECT_LIVE : NP_UPDATE_AFFECT_CONFIG;
	if ((flags & NP_UPDATE_AFFECT_LIVE) && !active)
		return np_err_set(err, -EINVAL, "network '%s' is not running", req->name);
	if (flags & NP_UPDATE_AFFECT_LIVE) {
		r = np_engine_check_netns(eng, req->name, err);
		if (r < 0)
			return r;
	}
	if ((flags & NP_UPDATE_AFFECT_CONFIG) && !persistent)
		return np_err_set(err, -EINVAL,
				  "cannot change persistent config of transient network '%s'",
				  req->name);

	/* Both definitions are updated and checked before anything changes. */
	if (flags & NP_UPDATE_AFFECT_LIVE) {
		r = updated(eng, req, true, &old_live, &new_live, err);
		if (r < 0)
			return r;
	}
	if (flags & NP_UPDATE_AFFECT_CONFIG) {
		r = updated(eng, req, false, NULL, &new_def, err);
		if (r < 0)
			return r;
	}
	if (new_live) {
		r = np_update_live_apply(eng, old_live, new_live, &rep, err);
		if (r < 0)
			return r;
		r = np_store_live_save(eng->store, new_live, err);
		if (r < 0)
			return r;
	}
	if (new_def) {
		r = np_store_def_save(eng->store, new_def, err);
		if (r < 0)
			return r;
	}
	if (ret_flags)
		*ret_flags = flags;
	if (ret_report)
		*ret_report = rep;
	return 0;
}
