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

/* Counts one system change; kills or fails it when its number comes up.
 * Lookups are not changes and are passed through uncounted. */
static int hit(struct np_fault *f, struct np_err *err)
{
	/* one change may run on another thread (np_plan_undo_destroy) */
	int n = __atomic_add_fetch(&f->n, 1, __ATOMIC_SEQ_CST);

	if (n == f->kill_at)
		raise(SIGKILL);
	if (n == f->fail_at)
		return np_err_set(err, -EIO, "injected fault at system change %d", n);
	return 0;
}

#define F(ctx) ((struct np_fault *)(ctx))
#define BASE(ctx) F(ctx)->base
#define BCTX(ctx) F(ctx)->base_ctx
/* A change: counted, then passed on unless it was failed. */
#define CHANGE(ctx, err, call)                                                 \
	do {                                                                   \
		int r_ = hit(F(ctx), err);                                     \
		return r_ < 0 ? r_ : BASE(ctx)->call;                          \
	} while (0)

static int w_link_get(void *ctx, const char *ifname, struct np_link_id *ret)
{
	return BASE(ctx)->link_get(BCTX(ctx), ifname, ret);
}

static int w_route_find(void *ctx, const struct np_addr *dst, unsigned prefix, char dev[16])
{
	return BASE(ctx)->route_find(BCTX(ctx), dst, prefix, dev);
}

static int w_fw_present(void *ctx, const char *bridge)
{
	return BASE(ctx)->fw_present(BCTX(ctx), bridge);
}

static int w_fw_check(void *ctx, const char *script)
{
	return BASE(ctx)->fw_check(BCTX(ctx), script);
}

static int w_fw_foreign(void *ctx, struct np_fw_foreign *ret)
{
	return BASE(ctx)->fw_foreign(BCTX(ctx), ret);
}

static int w_ipt_check(void *ctx, const char *table, const char *chain, const char *spec)
{
	return BASE(ctx)->ipt_check(BCTX(ctx), table, chain, spec);
}

static int w_ipt_change(void *ctx, bool insert, const char *table, const char *chain,
			const char *spec, struct np_err *err)
{
	CHANGE(ctx, err, ipt_change(BCTX(ctx), insert, table, chain, spec, err));
}

static int w_dnsmasq_running(void *ctx, const char *conf, const char *pidfile)
{
	return BASE(ctx)->dnsmasq_running(BCTX(ctx), conf, pidfile);
}

static int w_bridge_add(void *ctx, const struct np_bridge_spec *spec, struct np_link_id *ret,
			struct np_err *err)
{
	CHANGE(ctx, err, bridge_add(BCTX(ctx), spec, ret, err));
}

static int w_link_addr_get(void *ctx, const char *ifname, int family, unsigned *ret_mtu,
			   struct np_addr *ret_addr)
{
	return BASE(ctx)->link_addr_get(BCTX(ctx), ifname, family, ret_mtu, ret_addr);
}

static int w_vxlan_add(void *ctx, const struct np_vxlan_spec *spec, struct np_link_id *ret,
		       struct np_err *err)
{
	CHANGE(ctx, err, vxlan_add(BCTX(ctx), spec, ret, err));
}

static int w_fdb_change(void *ctx, bool add, const char *ifname, const struct np_addr *dst,
			struct np_err *err)
{
	CHANGE(ctx, err, fdb_change(BCTX(ctx), add, ifname, dst, err));
}

static int w_link_del(void *ctx, const struct np_link_id *id, struct np_err *err)
{
	CHANGE(ctx, err, link_del(BCTX(ctx), id, err));
}

static int w_link_up(void *ctx, const char *ifname, struct np_err *err)
{
	CHANGE(ctx, err, link_up(BCTX(ctx), ifname, err));
}

static int w_addr_add(void *ctx, const char *ifname, const struct np_addr *a, unsigned prefix,
		      struct np_err *err)
{
	CHANGE(ctx, err, addr_add(BCTX(ctx), ifname, a, prefix, err));
}

static int w_route_add(void *ctx, const char *ifname, const struct np_addr *dst, unsigned prefix,
		       const struct np_addr *gw, unsigned metric, struct np_err *err)
{
	CHANGE(ctx, err, route_add(BCTX(ctx), ifname, dst, prefix, gw, metric, err));
}

static int w_sysctl_set(void *ctx, const char *key, const char *value, struct np_err *err)
{
	CHANGE(ctx, err, sysctl_set(BCTX(ctx), key, value, err));
}

static int w_port_add(void *ctx, const struct np_port *port, const char *bridge,
		      struct np_link_id *ret, struct np_err *err)
{
	CHANGE(ctx, err, port_add(BCTX(ctx), port, bridge, ret, err));
}

static int w_qdisc_add(void *ctx, const char *ifname, const struct np_tc_spec *spec,
		       struct np_err *err)
{
	CHANGE(ctx, err, qdisc_add(BCTX(ctx), ifname, spec, err));
}

static int w_class_add(void *ctx, const char *ifname, const struct np_tc_spec *spec,
		       struct np_err *err)
{
	CHANGE(ctx, err, class_add(BCTX(ctx), ifname, spec, err));
}

static int w_port_isolate(void *ctx, const char *ifname, struct np_err *err)
{
	CHANGE(ctx, err, port_isolate(BCTX(ctx), ifname, err));
}

static int w_fw_apply(void *ctx, const char *script, struct np_err *err)
{
	CHANGE(ctx, err, fw_apply(BCTX(ctx), script, err));
}

static int w_fw_prune(void *ctx, struct np_err *err)
{
	CHANGE(ctx, err, fw_prune(BCTX(ctx), err));
}

static int w_file_write(void *ctx, const char *path, const char *data, unsigned mode,
			struct np_err *err)
{
	CHANGE(ctx, err, file_write(BCTX(ctx), path, data, mode, err));
}

static int w_file_remove(void *ctx, const char *path, struct np_err *err)
{
	CHANGE(ctx, err, file_remove(BCTX(ctx), path, err));
}

static int w_dnsmasq_start(void *ctx, const char *conf, const char *pidfile, bool *ret_new_leases,
			   struct np_err *err)
{
	CHANGE(ctx, err, dnsmasq_start(BCTX(ctx), conf, pidfile, ret_new_leases, err));
}

static int w_dnsmasq_stop(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	CHANGE(ctx, err, dnsmasq_stop(BCTX(ctx), conf, pidfile, err));
}

static int w_dnsmasq_reload(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	CHANGE(ctx, err, dnsmasq_reload(BCTX(ctx), conf, pidfile, err));
}

static int w_dnsmasq_mute(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	CHANGE(ctx, err, dnsmasq_mute(BCTX(ctx), conf, pidfile, err));
}

static int w_hook(void *ctx, const char *dir, const char *name, const char *op, const char *subop,
		  const char *xml, struct np_err *err)
{
	CHANGE(ctx, err, hook(BCTX(ctx), dir, name, op, subop, xml, err));
}

static int w_tool_run(void *ctx, const char *argv_lines, struct np_err *err)
{
	CHANGE(ctx, err, tool_run(BCTX(ctx), argv_lines, err));
}

static int w_qemu_acl(void *ctx, const char *path, const char *line, bool add,
		      struct np_err *err)
{
	CHANGE(ctx, err, qemu_acl(BCTX(ctx), path, line, add, err));
}

const struct np_ops np_fault_ops = {
	.link_get = w_link_get,
	.route_find = w_route_find,
	.fw_present = w_fw_present,
	.fw_check = w_fw_check,
	.fw_foreign = w_fw_foreign,
	.ipt_check = w_ipt_check,
	.ipt_change = w_ipt_change,
	.dnsmasq_running = w_dnsmasq_running,
	.bridge_add = w_bridge_add,
	.link_del = w_link_del,
	.link_up = w_link_up,
	.addr_add = w_addr_add,
	.route_add = w_route_add,
	.sysctl_set = w_sysctl_set,
	.port_add = w_port_add,
	.qdisc_add = w_qdisc_add,
	.class_add = w_class_add,
	.port_isolate = w_port_isolate,
	.link_addr_get = w_link_addr_get,
	.vxlan_add = w_vxlan_add,
	.fdb_change = w_fdb_change,
	.fw_apply = w_fw_apply,
	.fw_prune = w_fw_prune,
	.file_write = w_file_write,
	.file_remove = w_file_remove,
	.dnsmasq_start = w_dnsmasq_start,
	.dnsmasq_stop = w_dnsmasq_stop,
	.dnsmasq_reload = w_dnsmasq_reload,
	.dnsmasq_mute = w_dnsmasq_mute,
	.hook = w_hook,
	.tool_run = w_tool_run,
	.qemu_acl = w_qemu_acl,
};
