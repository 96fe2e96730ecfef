/* The real ops table: forwards each call to netlink/, firewall/, dhcp/ and
 * the file system. One netlink socket and one nft context per command,
 * opened on first use. */
#include "engine/ops.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "engine/hook_sys.h"
#include "engine/qemu_acl_sys.h"
#include "engine/tool_sys.h"
#include "engine/port.h"
#include "firewall/foreign.h"
#include "firewall/fw.h"
#include "firewall/ipt_sys.h"
#include "netlink/nl.h"
#include "netlink/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct np_sys {
	struct np_nl *nl;
	struct np_fw *fw;
	const char *dnsmasq;
};

int np_sys_new(struct np_sys **ret)
{
	struct np_sys *sys = calloc(1, sizeof(*sys));

	if (!sys)
		return -ENOMEM;
	/* the one binary np_dnsmasq_stop/running/reload recognise as ours */
	sys->dnsmasq = np_dnsmasq_binary();
	*ret = sys;
	return 0;
}

void np_sys_free(struct np_sys *sys)
{
	if (!sys)
		return;
	if (sys->nl)
		np_nl_close(sys->nl);
	if (sys->fw)
		np_fw_close(sys->fw);
	free(sys);
}

static int nl_get(struct np_sys *sys, struct np_nl **ret)
{
	int r;

	if (!sys->nl) {
		r = np_nl_open(&sys->nl);
		if (r < 0)
			return r;
	}
	*ret = sys->nl;
	return 0;
}

static int fw_get(struct np_sys *sys, struct np_fw **ret, struct np_err *err)
{
	int r;

	if (!sys->fw) {
		r = np_fw_open(&sys->fw);
		if (r < 0)
			return np_err_set(err, r, "cannot open nftables context");
	}
	*ret = sys->fw;
	return 0;
}

static int id_of(struct np_nl *nl, const char *ifname, struct np_link_id *ret)
{
	struct np_link_info info;
	int r = np_nl_link_get(nl, ifname, &info);

	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return r;
	*ret = (struct np_link_id){ .ifindex = info.ifindex };
	if (info.has_mac)
		memcpy(ret->mac, info.mac, NP_MAC_LEN);
	return 1;
}

static int sys_link_get(void *ctx, const char *ifname, struct np_link_id *ret)
{
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : id_of(nl, ifname, ret);
}

static int sys_route_find(void *ctx, const struct np_addr *dst, unsigned prefix, char ret_dev[16])
{
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_route_find(nl, dst, prefix, ret_dev);
}

static int sys_fw_present(void *ctx, const char *bridge)
{
	struct np_err ignored = { { 0 } };
	struct np_fw *fw = NULL;
	int r = fw_get(ctx, &fw, &ignored);

	return r < 0 ? r : np_fw_present(fw, bridge);
}

static int sys_fw_check(void *ctx, const char *script)
{
	struct np_err ignored = { { 0 } };
	struct np_fw *fw = NULL;
	int r = fw_get(ctx, &fw, &ignored);

	return r < 0 ? r : np_fw_check(fw, script);
}

static int sys_fw_foreign(void *ctx, struct np_fw_foreign *ret)
{
	struct np_err ignored = { { 0 } };
	struct np_fw *fw = NULL;
	int r = fw_get(ctx, &fw, &ignored);

	return r < 0 ? r : np_fw_foreign_walk(fw, ret);
}

static int sys_ipt_check(void *ctx, const char *table, const char *chain, const char *spec)
{
	struct np_err ignored = { { 0 } };
	int r = np_ipt_run('C', table, chain, spec, &ignored);

	return r < 0 ? r : !r;
}

static int sys_ipt_change(void *ctx, bool insert, const char *table, const char *chain,
			  const char *spec, struct np_err *err)
{
	return np_ipt_run(insert ? 'I' : 'D', table, chain, spec, err);
}

static int sys_dnsmasq_running(void *ctx, const char *conf, const char *pidfile)
{
	return np_dnsmasq_running(pidfile, conf);
}

static int sys_bridge_add(void *ctx, const struct np_bridge_spec *spec, struct np_link_id *ret,
			  struct np_err *err)
{
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	if (r < 0)
		return r;
	r = np_nl_bridge_add(nl, spec);
	if (r < 0)
		return r;
	/* what undo will delete: this ifindex, as long as it has this MAC */
	r = id_of(nl, spec->ifname, ret);
	if (r == 0)
		r = -ENODEV;
	return r < 0 ? np_err_set(err, r, "bridge %s vanished after its creation", spec->ifname)
		     : 0;
}

static int sys_link_addr_get(void *ctx, const char *ifname, int family, unsigned *ret_mtu,
			     struct np_addr *ret_addr)
{
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	if (r < 0)
		return r;
	r = np_nl_link_addr_get(nl, ifname, family, ret_mtu, ret_addr);
	if (r == -ENODEV)
		return 0;
	return r < 0 ? r : 1;
}

static int sys_vxlan_add(void *ctx, const struct np_vxlan_spec *spec, struct np_link_id *ret,
			 struct np_err *err)
{
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	if (r < 0)
		return r;
	r = id_of(nl, spec->dev, ret);
	if (r == 0)
		return np_err_set(err, -ENODEV, "the underlay %s does not exist", spec->dev);
	if (r < 0)
		return r;
	r = np_nl_vxlan_add(nl, spec);
	if (r == -ENODEV)
		return np_err_set(err, r, "bridge %s does not exist", spec->master);
	if (r < 0)
		return r;
	r = id_of(nl, spec->ifname, ret);
	if (r == 0)
		r = -ENODEV;
	return r < 0 ? np_err_set(err, r, "%s vanished after its creation", spec->ifname) : 0;
}

static int sys_fdb_change(void *ctx, bool add, const char *ifname, const struct np_addr *dst,
			  struct np_err *err)
{
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_fdb_change(nl, add, ifname, dst);
}

static int sys_link_del(void *ctx, const struct np_link_id *id, struct np_err *err)
{
	char mac[NP_MAC_STRLEN];
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	if (r < 0)
		return r;
	r = np_nl_link_del_owned(nl, id->ifindex, id->mac);
	if (r == -EPERM)
		return np_err_set(err, r,
				  "link %d no longer has MAC %s: it is not the one netplumb made, "
				  "left alone",
				  id->ifindex, np_mac_str(id->mac, mac));
	return r;
}

static int sys_link_up(void *ctx, const char *ifname, struct np_err *err)
{
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_link_set_up(nl, ifname);
}

static int sys_addr_add(void *ctx, const char *ifname, const struct np_addr *a, unsigned prefix,
			struct np_err *err)
{
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_addr_add(nl, ifname, a, prefix);
}

static int sys_route_add(void *ctx, const char *ifname, const struct np_addr *dst, unsigned prefix,
			 const struct np_addr *gw, unsigned metric, struct np_err *err)
{
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_route_add(nl, ifname, dst, prefix, gw, metric);
}

static int sys_sysctl_set(void *ctx, const char *key, const char *value, struct np_err *err)
{
	return np_sysctl_set(key, value);
}

/* Creates the port's link: -EEXIST when the name is taken, never reusing a
 * link that is there. */
static int port_create(struct np_nl *nl, const struct np_port *port, const uint8_t *host_mac,
		       struct np_err *err)
{
	char path[300];
	int fd, r;

	if (port->type == NP_PORT_TAP) {
		r = np_tap_add(port->ifname, port->owner);
		if (r < 0 && r != -EEXIST)
			return np_err_set(err, r, "cannot create tap %s: %s", port->ifname,
					  strerror(-r));
		return r;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", port->netns);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return np_err_set(err, -errno, "guest namespace '%s': %m", port->netns);
	r = np_nl_veth_add(nl, &(struct np_veth_spec){
				       .ifname = port->ifname,
				       .mac = host_mac,
				       .peer_ifname = port->peer,
				       .peer_mac = port->mac,
				       .peer_netns_fd = fd,
			       });
	close(fd);
	if (r < 0 && r != -EEXIST)
		return np_err_set(err, r, "cannot create veth %s into '%s': %s", port->ifname,
				  port->netns, strerror(-r));
	return r;
}

static int sys_qdisc_add(void *ctx, const char *ifname, const struct np_tc_spec *spec,
			 struct np_err *err)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_qdisc_add(nl, ifname, spec);
}

static int sys_class_add(void *ctx, const char *ifname, const struct np_tc_spec *spec,
			 struct np_err *err)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_class_add(nl, ifname, spec);
}

static int sys_port_isolate(void *ctx, const char *ifname, struct np_err *err)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_port_isolate(nl, ifname, true);
}

static int sys_port_add(void *ctx, const struct np_port *port, const char *bridge,
			struct np_link_id *ret, struct np_err *err)
{
	uint8_t host_mac[NP_MAC_LEN];
	struct np_link_id id;
	struct np_nl *nl = NULL;
	int r = nl_get(ctx, &nl);

	if (r < 0)
		return r;
	np_port_host_mac(port, host_mac);
	r = port_create(nl, port, host_mac, err);
	if (r < 0)
		return r;
	r = id_of(nl, port->ifname, &id);
	if (r <= 0)
		return np_err_set(err, r < 0 ? r : -ENODEV, "port %s vanished after its creation",
				  port->ifname);
	r = np_nl_link_enslave(nl, port->ifname, bridge, host_mac);
	if (r < 0) {
		/* the new link, and only it, goes again */
		(void)np_nl_link_del_owned(nl, id.ifindex, id.mac);
		return np_err_set(err, r, "cannot attach %s to %s: %s", port->ifname, bridge,
				  strerror(-r));
	}
	/* the MAC set by enslave is the one recorded */
	*ret = (struct np_link_id){ .ifindex = id.ifindex };
	memcpy(ret->mac, host_mac, NP_MAC_LEN);
	return 0;
}

static int sys_fw_apply(void *ctx, const char *script, struct np_err *err)
{
	struct np_fw *fw = NULL;
	int r = fw_get(ctx, &fw, err);

	return r < 0 ? r : np_fw_apply(fw, script, err);
}

static int sys_fw_prune(void *ctx, struct np_err *err)
{
	struct np_fw *fw = NULL;
	int r = fw_get(ctx, &fw, err);

	return r < 0 ? r : np_fw_table_prune(fw, err);
}

static int sys_file_write(void *ctx, const char *path, const char *data, unsigned mode,
			  struct np_err *err)
{
	int r = np_file_write_atomic(path, data, strlen(data), (mode_t)mode);

	/* a symlink where netplumb keeps a file was not made by netplumb */
	if (r == -ELOOP)
		return np_err_set(err, r, "%s is a symlink: netplumb does not write through it",
				  path);
	return r;
}

static int sys_file_remove(void *ctx, const char *path, struct np_err *err)
{
	return np_file_remove(path);
}

static int sys_dnsmasq_start(void *ctx, const char *conf, const char *pidfile, bool *ret_new_leases,
			     struct np_err *err)
{
	struct np_sys *sys = ctx;
	pid_t pid;

	return np_dnsmasq_start(sys->dnsmasq, conf, pidfile, &pid, ret_new_leases, err);
}

static int sys_dnsmasq_stop(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	return np_dnsmasq_stop(pidfile, conf, err);
}

static int sys_dnsmasq_reload(void *ctx, const char *conf, const char *pidfile,
			      struct np_err *err)
{
	return np_dnsmasq_reload(pidfile, conf, err);
}

static int sys_dnsmasq_mute(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	return np_dnsmasq_mute(pidfile, conf, NULL, err);
}

static int sys_hook(void *ctx, const char *dir, const char *name, const char *op,
		    const char *subop, const char *xml, struct np_err *err)
{
	return np_hook_run(dir, name, op, subop, xml, err);
}

static int sys_tool_run(void *ctx, const char *argv_lines, struct np_err *err)
{
	(void)ctx;
	return np_tool_run(argv_lines, err);
}

static int sys_qemu_acl(void *ctx, const char *path, const char *line, bool add,
			struct np_err *err)
{
	(void)ctx;
	return np_qemu_acl_change(path, line, add, err);
}

const struct np_ops np_sys_ops = {
	.link_get = sys_link_get,
	.route_find = sys_route_find,
	.fw_present = sys_fw_present,
	.dnsmasq_running = sys_dnsmasq_running,
	.fw_check = sys_fw_check,
	.fw_foreign = sys_fw_foreign,
	.ipt_check = sys_ipt_check,
	.bridge_add = sys_bridge_add,
	.link_del = sys_link_del,
	.link_up = sys_link_up,
	.addr_add = sys_addr_add,
	.route_add = sys_route_add,
	.sysctl_set = sys_sysctl_set,
	.port_add = sys_port_add,
	.qdisc_add = sys_qdisc_add,
	.class_add = sys_class_add,
	.port_isolate = sys_port_isolate,
	.link_addr_get = sys_link_addr_get,
	.vxlan_add = sys_vxlan_add,
	.fdb_change = sys_fdb_change,
	.fw_apply = sys_fw_apply,
	.fw_prune = sys_fw_prune,
	.ipt_change = sys_ipt_change,
	.file_write = sys_file_write,
	.file_remove = sys_file_remove,
	.dnsmasq_start = sys_dnsmasq_start,
	.dnsmasq_stop = sys_dnsmasq_stop,
	.dnsmasq_reload = sys_dnsmasq_reload,
	.dnsmasq_mute = sys_dnsmasq_mute,
	.hook = sys_hook,
	.tool_run = sys_tool_run,
	.qemu_acl = sys_qemu_acl,
};
