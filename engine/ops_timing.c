#include "engine/ops_timing.h"

#include "engine/ops.h"
#include "engine/timing.h"

#define T(ctx) ((struct np_timing_ops *)(ctx))
/* The call on the wrapped table, its time added to phase. */
#define TIMED(ctx, phase, call)                                                \
	do {                                                                   \
		long long t0_ = np_time_ns();                                  \
		int r_ = T(ctx)->base->call;                                   \
		np_timing_add(phase, np_time_ns() - t0_);                      \
		return r_;                                                     \
	} while (0)
#define B(ctx) T(ctx)->base_ctx

static int t_link_get(void *ctx, const char *ifname, struct np_link_id *ret)
{
	TIMED(ctx, NP_PHASE_CHECK, link_get(B(ctx), ifname, ret));
}

static int t_route_find(void *ctx, const struct np_addr *dst, unsigned prefix, char dev[16])
{
	TIMED(ctx, NP_PHASE_CHECK, route_find(B(ctx), dst, prefix, dev));
}

static int t_fw_present(void *ctx, const char *bridge)
{
	TIMED(ctx, NP_PHASE_NFT, fw_present(B(ctx), bridge));
}

static int t_fw_check(void *ctx, const char *script)
{
	TIMED(ctx, NP_PHASE_NFT, fw_check(B(ctx), script));
}

static int t_fw_foreign(void *ctx, struct np_fw_foreign *ret)
{
	TIMED(ctx, NP_PHASE_NFT, fw_foreign(B(ctx), ret));
}

static int t_ipt_check(void *ctx, const char *table, const char *chain, const char *spec)
{
	TIMED(ctx, NP_PHASE_NFT, ipt_check(B(ctx), table, chain, spec));
}

static int t_ipt_change(void *ctx, bool insert, const char *table, const char *chain,
			const char *spec, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NFT, ipt_change(B(ctx), insert, table, chain, spec, err));
}

static int t_dnsmasq_running(void *ctx, const char *conf, const char *pidfile)
{
	TIMED(ctx, NP_PHASE_DNSMASQ, dnsmasq_running(B(ctx), conf, pidfile));
}

static int t_bridge_add(void *ctx, const struct np_bridge_spec *spec, struct np_link_id *ret,
			struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, bridge_add(B(ctx), spec, ret, err));
}

static int t_link_addr_get(void *ctx, const char *ifname, int family, unsigned *ret_mtu,
			   struct np_addr *ret_addr)
{
	TIMED(ctx, NP_PHASE_CHECK, link_addr_get(B(ctx), ifname, family, ret_mtu, ret_addr));
}

static int t_vxlan_add(void *ctx, const struct np_vxlan_spec *spec, struct np_link_id *ret,
		       struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, vxlan_add(B(ctx), spec, ret, err));
}

static int t_fdb_change(void *ctx, bool add, const char *ifname, const struct np_addr *dst,
			struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, fdb_change(B(ctx), add, ifname, dst, err));
}

static int t_link_del(void *ctx, const struct np_link_id *id, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, link_del(B(ctx), id, err));
}

static int t_link_up(void *ctx, const char *ifname, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, link_up(B(ctx), ifname, err));
}

static int t_addr_add(void *ctx, const char *ifname, const struct np_addr *a, unsigned prefix,
		      struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, addr_add(B(ctx), ifname, a, prefix, err));
}

static int t_route_add(void *ctx, const char *ifname, const struct np_addr *dst, unsigned prefix,
		       const struct np_addr *gw, unsigned metric, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, route_add(B(ctx), ifname, dst, prefix, gw, metric, err));
}

static int t_sysctl_set(void *ctx, const char *key, const char *value, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_SYSCTL, sysctl_set(B(ctx), key, value, err));
}

static int t_port_add(void *ctx, const struct np_port *port, const char *bridge,
		      struct np_link_id *ret, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, port_add(B(ctx), port, bridge, ret, err));
}

static int t_qdisc_add(void *ctx, const char *ifname, const struct np_tc_spec *spec,
		       struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, qdisc_add(B(ctx), ifname, spec, err));
}

static int t_class_add(void *ctx, const char *ifname, const struct np_tc_spec *spec,
		       struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, class_add(B(ctx), ifname, spec, err));
}

static int t_port_isolate(void *ctx, const char *ifname, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NETLINK, port_isolate(B(ctx), ifname, err));
}

static int t_fw_apply(void *ctx, const char *script, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NFT, fw_apply(B(ctx), script, err));
}

static int t_fw_prune(void *ctx, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_NFT, fw_prune(B(ctx), err));
}

static int t_file_write(void *ctx, const char *path, const char *data, unsigned mode,
			struct np_err *err)
{
	TIMED(ctx, NP_PHASE_FILES, file_write(B(ctx), path, data, mode, err));
}

static int t_file_remove(void *ctx, const char *path, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_FILES, file_remove(B(ctx), path, err));
}

static int t_dnsmasq_start(void *ctx, const char *conf, const char *pidfile, bool *ret_new_leases,
			   struct np_err *err)
{
	TIMED(ctx, NP_PHASE_DNSMASQ, dnsmasq_start(B(ctx), conf, pidfile, ret_new_leases, err));
}

static int t_dnsmasq_stop(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_DNSMASQ, dnsmasq_stop(B(ctx), conf, pidfile, err));
}

static int t_dnsmasq_reload(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_DNSMASQ, dnsmasq_reload(B(ctx), conf, pidfile, err));
}

static int t_dnsmasq_mute(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_DNSMASQ, dnsmasq_mute(B(ctx), conf, pidfile, err));
}

static int t_hook(void *ctx, const char *dir, const char *name, const char *op, const char *subop,
		  const char *xml, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_HOOK, hook(B(ctx), dir, name, op, subop, xml, err));
}

static int t_tool_run(void *ctx, const char *argv_lines, struct np_err *err)
{
	TIMED(ctx, NP_PHASE_HOOK, tool_run(B(ctx), argv_lines, err));
}

static int t_qemu_acl(void *ctx, const char *path, const char *line, bool add,
		      struct np_err *err)
{
	TIMED(ctx, NP_PHASE_FILES, qemu_acl(B(ctx), path, line, add, err));
}

const struct np_ops np_timing_ops = {
	.link_get = t_link_get,
	.route_find = t_route_find,
	.fw_present = t_fw_present,
	.fw_check = t_fw_check,
	.fw_foreign = t_fw_foreign,
	.ipt_check = t_ipt_check,
	.ipt_change = t_ipt_change,
	.dnsmasq_running = t_dnsmasq_running,
	.bridge_add = t_bridge_add,
	.link_del = t_link_del,
	.link_up = t_link_up,
	.addr_add = t_addr_add,
	.route_add = t_route_add,
	.sysctl_set = t_sysctl_set,
	.port_add = t_port_add,
	.qdisc_add = t_qdisc_add,
	.class_add = t_class_add,
	.port_isolate = t_port_isolate,
	.link_addr_get = t_link_addr_get,
	.vxlan_add = t_vxlan_add,
	.fdb_change = t_fdb_change,
	.fw_apply = t_fw_apply,
	.fw_prune = t_fw_prune,
	.file_write = t_file_write,
	.file_remove = t_file_remove,
	.dnsmasq_start = t_dnsmasq_start,
	.dnsmasq_stop = t_dnsmasq_stop,
	.dnsmasq_reload = t_dnsmasq_reload,
	.dnsmasq_mute = t_dnsmasq_mute,
	.hook = t_hook,
	.tool_run = t_tool_run,
	.qemu_acl = t_qemu_acl,
};
