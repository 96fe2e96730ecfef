#include "engine/ops_fault.h"

#include "common/err.h"
#include "engine/ops.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>

int np_fault_from_env(struct np_fault *f, const struct np_ops *base, void *base_ctx)
{
	const char *fail = getenv("NETPLUMB_FAULT_AT");
	const char *kill = getenv("NETPLUMB_KILL_AT");

	*f = (struct np_fault){ .base = base, .base_ctx = base_ctx };
	f->fail_at = fail ? atoi(fail) : 0;
	f->kill_at = kill ? atoi(kill) : 0;
	return f->fail_at > 0 || f->kill_at > 0;
}

/* Counts one system change; kills or fails it when its number comes up. */
static int hit(struct np_fault *f, struct np_err *err)
{
	f->n++;
	if (f->n == f->kill_at)
		raise(SIGKILL);
	if (f->n == f->fail_at)
		return np_err_set(err, -EIO, "injected fault at system change %d", f->n);
	return 0;
}

#define F(ctx) ((struct np_fault *)(ctx))

static int w_link_exists(void *ctx, const char *ifname)
{
	return F(ctx)->base->link_exists(F(ctx)->base_ctx, ifname);
}

static int w_route_find(void *ctx, const struct np_addr *dst, unsigned prefix, char dev[16])
{
	return F(ctx)->base->route_find(F(ctx)->base_ctx, dst, prefix, dev);
}

static int w_bridge_add(void *ctx, const struct np_bridge_spec *spec, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->bridge_add(F(ctx)->base_ctx, spec, err);
}

static int w_link_del(void *ctx, const char *ifname, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->link_del(F(ctx)->base_ctx, ifname, err);
}

static int w_link_up(void *ctx, const char *ifname, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->link_up(F(ctx)->base_ctx, ifname, err);
}

static int w_addr_add(void *ctx, const char *ifname, const struct np_addr *a, unsigned prefix,
		      struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->addr_add(F(ctx)->base_ctx, ifname, a, prefix, err);
}

static int w_route_add(void *ctx, const char *ifname, const struct np_addr *dst, unsigned prefix,
		       const struct np_addr *gw, unsigned metric, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r
		     : F(ctx)->base->route_add(F(ctx)->base_ctx, ifname, dst, prefix, gw, metric,
					       err);
}

static int w_sysctl_set(void *ctx, const char *key, const char *value, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->sysctl_set(F(ctx)->base_ctx, key, value, err);
}

static int w_fw_apply(void *ctx, const char *script, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->fw_apply(F(ctx)->base_ctx, script, err);
}

static int w_file_write(void *ctx, const char *path, const char *data, unsigned mode,
			struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->file_write(F(ctx)->base_ctx, path, data, mode, err);
}

static int w_file_remove(void *ctx, const char *path, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->file_remove(F(ctx)->base_ctx, path, err);
}

static int w_dnsmasq_start(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->dnsmasq_start(F(ctx)->base_ctx, conf, pidfile, err);
}

static int w_dnsmasq_stop(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->dnsmasq_stop(F(ctx)->base_ctx, conf, pidfile, err);
}

static int w_link_retire(void *ctx, const char *ifname, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->link_retire(F(ctx)->base_ctx, ifname, err);
}

static int w_fw_remove(void *ctx, const char *script, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->fw_remove(F(ctx)->base_ctx, script, err);
}

/* Not a change of its own: the outcome of the fw_remove before it. */
static int w_fw_remove_wait(void *ctx, struct np_err *err)
{
	return F(ctx)->base->fw_remove_wait(F(ctx)->base_ctx, err);
}

static int w_dnsmasq_spawn(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->dnsmasq_spawn(F(ctx)->base_ctx, conf, pidfile, err);
}

static int w_dnsmasq_ready(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->dnsmasq_ready(F(ctx)->base_ctx, conf, pidfile, err);
}

static int w_dnsmasq_signal(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->dnsmasq_signal(F(ctx)->base_ctx, conf, pidfile, err);
}

static int w_dnsmasq_mute(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->dnsmasq_mute(F(ctx)->base_ctx, conf, pidfile, err);
}

static int w_port_add(void *ctx, const struct np_port *port, const char *bridge,
		      struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->port_add(F(ctx)->base_ctx, port, bridge, err);
}

static int w_port_del(void *ctx, const struct np_port *port, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->port_del(F(ctx)->base_ctx, port, err);
}

static int w_hook(void *ctx, const char *name, const char *op, const char *subop,
		  const char *xml, struct np_err *err)
{
	if (!F(ctx)->base->hook)
		return 0;
	return F(ctx)->base->hook(F(ctx)->base_ctx, name, op, subop, xml, err);
}

static int w_dnsmasq_running(void *ctx, const char *conf, const char *pidfile)
{
	return F(ctx)->base->dnsmasq_running(F(ctx)->base_ctx, conf, pidfile);
}

static int w_fw_present(void *ctx, const char *bridge)
{
	return F(ctx)->base->fw_present(F(ctx)->base_ctx, bridge);
}

static int w_fw_csum_add(void *ctx, const char *bridge, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->fw_csum_add(F(ctx)->base_ctx, bridge, err);
}

static int w_fw_csum_insert(void *ctx, const char *bridge, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->fw_csum_insert(F(ctx)->base_ctx, bridge, err);
}

/* Not a change of its own: the outcome of the fw_csum_del before it. */
static int w_fw_csum_del_wait(void *ctx, struct np_err *err)
{
	return F(ctx)->base->fw_csum_del_wait(F(ctx)->base_ctx, err);
}

static int w_fw_csum_del(void *ctx, const char *bridge, struct np_err *err)
{
	int r = hit(ctx, err);

	return r < 0 ? r : F(ctx)->base->fw_csum_del(F(ctx)->base_ctx, bridge, err);
}

static int w_fw_csum_present(void *ctx, const char *bridge)
{
	return F(ctx)->base->fw_csum_present(F(ctx)->base_ctx, bridge);
}

const struct np_ops np_fault_ops = {
	.link_exists = w_link_exists,
	.route_find = w_route_find,
	.bridge_add = w_bridge_add,
	.link_del = w_link_del,
	.link_up = w_link_up,
	.addr_add = w_addr_add,
	.route_add = w_route_add,
	.sysctl_set = w_sysctl_set,
	.fw_apply = w_fw_apply,
	.file_write = w_file_write,
	.file_remove = w_file_remove,
	.dnsmasq_start = w_dnsmasq_start,
	.dnsmasq_stop = w_dnsmasq_stop,
	.hook = w_hook,
	.port_add = w_port_add,
	.port_del = w_port_del,
	.link_retire = w_link_retire,
	.fw_remove = w_fw_remove,
	.fw_remove_wait = w_fw_remove_wait,
	.dnsmasq_spawn = w_dnsmasq_spawn,
	.dnsmasq_ready = w_dnsmasq_ready,
	.dnsmasq_signal = w_dnsmasq_signal,
	.dnsmasq_mute = w_dnsmasq_mute,
	.dnsmasq_running = w_dnsmasq_running,
	.fw_present = w_fw_present,
	.fw_csum_add = w_fw_csum_add,
	.fw_csum_insert = w_fw_csum_insert,
	.fw_csum_del = w_fw_csum_del,
	.fw_csum_del_wait = w_fw_csum_del_wait,
	.fw_csum_present = w_fw_csum_present,
};
