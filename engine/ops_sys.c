/* The real ops table: forwards each step to netlink/, firewall/, dhcp/ and
 * the file system. One netlink socket and one nft context per command,
 * opened on first use. */
#include "engine/ops.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "engine/hook_sys.h"
#include "engine/reaper_sys.h"
#include "engine/port.h"
#include "firewall/fw.h"
#include "netlink/nl.h"
#include "netlink/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

struct np_sys {
	struct np_nl *nl;
	struct np_fw *fw;
	const char *dnsmasq;
	/* A dnsmasq spawned but not waited for, and one signalled but not
	 * waited for, each with its pid file. One network per plan, so one
	 * of each is enough. */
	struct np_dnsmasq_starting *starting;
	char *starting_pidfile;
	struct np_dnsmasq_stopping *stopping;
	char *stopping_pidfile;
	int fw_pending; /* report of a started nft removal, or -1 */
	int csum_pending; /* report of a started checksum-rule removal, or -1 */
};

int np_sys_new(struct np_sys **ret)
{
	struct np_sys *sys = calloc(1, sizeof(*sys));
	const char *bin = getenv("NETPLUMB_DNSMASQ");

	if (!sys)
		return -ENOMEM;
	sys->dnsmasq = bin && *bin ? bin : "/usr/sbin/dnsmasq";
	sys->fw_pending = -1;
	sys->csum_pending = -1;
	*ret = sys;
	return 0;
}

void np_sys_free(struct np_sys *sys)
{
	if (!sys)
		return;
	/* Both are finished by the plan; this is only for a path that
	 * returned early. A spawned dnsmasq goes on starting. */
	np_dnsmasq_starting_free(sys->starting);
	free(sys->starting_pidfile);
	if (sys->stopping)
		np_dnsmasq_stop_finish(sys->stopping, sys->stopping_pidfile, NULL, NULL);
	free(sys->stopping_pidfile);
	if (sys->fw_pending >= 0)
		close(sys->fw_pending);
	if (sys->csum_pending >= 0)
		close(sys->csum_pending);
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

static int sys_link_exists(void *ctx, const char *ifname)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_link_exists(nl, ifname);
}

static int sys_route_find(void *ctx, const struct np_addr *dst, unsigned prefix, char ret_dev[16])
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_route_find(nl, dst, prefix, ret_dev);
}

static int sys_bridge_add(void *ctx, const struct np_bridge_spec *spec, struct np_err *err)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_bridge_add(nl, spec);
}

static int sys_link_del(void *ctx, const char *ifname, struct np_err *err)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_link_del(nl, ifname);
}

static int sys_link_up(void *ctx, const char *ifname, struct np_err *err)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_link_set_up(nl, ifname);
}

static int sys_addr_add(void *ctx, const char *ifname, const struct np_addr *a, unsigned prefix,
			struct np_err *err)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_addr_add(nl, ifname, a, prefix);
}

static int sys_route_add(void *ctx, const char *ifname, const struct np_addr *dst, unsigned prefix,
			 const struct np_addr *gw, unsigned metric, struct np_err *err)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_route_add(nl, ifname, dst, prefix, gw, metric);
}

static int sys_sysctl_set(void *ctx, const char *key, const char *value, struct np_err *err)
{
	return np_sysctl_set(key, value);
}

static int sys_fw_apply(void *ctx, const char *script, struct np_err *err)
{
	struct np_sys *sys = ctx;
	int r;

	if (!sys->fw) {
		r = np_fw_open(&sys->fw);
		if (r < 0)
			return np_err_set(err, r, "cannot open nftables context");
	}
	return np_fw_apply(sys->fw, script, err);
}

/* The report of a removal started in a helper, read once. */
static int pending_end(int *pending, struct np_err *err)
{
	int fd = *pending;

	*pending = -1;
	return np_fw_apply_detached_end(fd, err);
}

/* One removal of a kind at a time: an earlier one not waited for is
 * finished first. */
static void pending_drop(int *pending)
{
	struct np_err ignored = { { 0 } };

	pending_end(pending, &ignored);
}

static int sys_fw_remove_wait(void *ctx, struct np_err *err)
{
	return pending_end(&((struct np_sys *)ctx)->fw_pending, err);
}

static int sys_fw_remove(void *ctx, const char *script, struct np_err *err)
{
	struct np_sys *sys = ctx;

	pending_drop(&sys->fw_pending);
	return np_fw_apply_detached_begin(script, &sys->fw_pending, err);
}

static int sys_link_retire(void *ctx, const char *ifname, struct np_err *err)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	if (r < 0)
		return r;
	r = np_nl_link_retire(nl, ifname);
	if (r == 0)
		np_engine_reap_spawn(); /* deletes it once netplumb is idle */
	return r;
}

static int sys_file_write(void *ctx, const char *path, const char *data, unsigned mode,
			  struct np_err *err)
{
	return np_file_write_atomic(path, data, strlen(data), (mode_t)mode);
}

static int sys_file_remove(void *ctx, const char *path, struct np_err *err)
{
	return np_file_remove(path);
}

static int sys_dnsmasq_start(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	struct np_sys *sys = ctx;
	pid_t pid;

	return np_dnsmasq_start(sys->dnsmasq, conf, pidfile, &pid, err);
}

static bool is_pending(const char *key, const char *pidfile)
{
	return key && !strcmp(key, pidfile);
}

static int sys_dnsmasq_spawn(void *ctx, const char *conf, const char *pidfile,
			     struct np_err *err)
{
	struct np_sys *sys = ctx;
	char *key;
	int r;

	if (sys->starting) {
		/* not expected: a second spawn before the first's readiness */
		struct np_err ignored = { { 0 } };

		np_dnsmasq_wait_ready(sys->starting, NULL, &ignored);
		np_dnsmasq_starting_free(np_steal(&sys->starting));
		free(np_steal(&sys->starting_pidfile));
	}
	key = strdup(pidfile);
	if (!key)
		return -ENOMEM;
	r = np_dnsmasq_spawn(sys->dnsmasq, conf, pidfile, &sys->starting, err);
	if (r < 0) {
		free(key);
		return r;
	}
	sys->starting_pidfile = key;
	return 0;
}

static int sys_dnsmasq_ready(void *ctx, const char *conf, const char *pidfile,
			     struct np_err *err)
{
	struct np_sys *sys = ctx;
	int r;

	if (!is_pending(sys->starting_pidfile, pidfile))
		return np_dnsmasq_running(pidfile, conf)
			       ? 0
			       : np_err_set(err, -ESRCH, "dnsmasq for %s is not running", conf);
	r = np_dnsmasq_wait_ready(sys->starting, NULL, err);
	np_dnsmasq_starting_free(np_steal(&sys->starting));
	free(np_steal(&sys->starting_pidfile));
	return r;
}

static int sys_dnsmasq_mute(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	return np_dnsmasq_mute(pidfile, conf, NULL, err);
}

static int sys_dnsmasq_signal(void *ctx, const char *conf, const char *pidfile,
			      struct np_err *err)
{
	struct np_sys *sys = ctx;
	int r;

	/* still starting: dnsmasq_stop waits for it before stopping it */
	if (is_pending(sys->starting_pidfile, pidfile))
		return 0;
	if (sys->stopping) {
		r = np_dnsmasq_stop_finish(np_steal(&sys->stopping), sys->stopping_pidfile, NULL,
					   err);
		free(np_steal(&sys->stopping_pidfile));
		if (r < 0)
			return r;
	}
	sys->stopping_pidfile = strdup(pidfile);
	if (!sys->stopping_pidfile)
		return -ENOMEM;
	r = np_dnsmasq_stop_begin(pidfile, conf, &sys->stopping, err);
	if (r < 0 || !sys->stopping)
		free(np_steal(&sys->stopping_pidfile));
	return r;
}

static int sys_dnsmasq_stop(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	struct np_sys *sys = ctx;
	int r;

	if (is_pending(sys->starting_pidfile, pidfile)) {
		r = np_dnsmasq_abort(sys->starting, err);
		np_dnsmasq_starting_free(np_steal(&sys->starting));
		free(np_steal(&sys->starting_pidfile));
		return r;
	}
	if (is_pending(sys->stopping_pidfile, pidfile)) {
		r = np_dnsmasq_stop_finish(np_steal(&sys->stopping), pidfile, conf, err);
		free(np_steal(&sys->stopping_pidfile));
		return r;
	}
	return np_dnsmasq_stop(pidfile, conf, err);
}

static int sys_port_add(void *ctx, const struct np_port *port, const char *bridge,
			struct np_err *err)
{
	uint8_t host_mac[NP_MAC_LEN];
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	if (r < 0)
		return r;
	np_port_host_mac(port, host_mac);
	if (port->type == NP_PORT_TAP) {
		r = np_tap_add(port->ifname, port->owner);
		if (r < 0)
			return np_err_set(err, r, "cannot create tap %s: %s", port->ifname,
					  strerror(-r));
	} else {
		char path[300];
		int fd;

		snprintf(path, sizeof(path), "/run/netns/%s", port->netns);
		fd = open(path, O_RDONLY | O_CLOEXEC);
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
		/* A guest namespace keeps its end if the host end survived a
		 * crash; an existing port of ours is simply re-enslaved. */
		if (r < 0 && r != -EEXIST)
			return np_err_set(err, r, "cannot create veth %s into '%s': %s", port->ifname,
					  port->netns, strerror(-r));
	}
	r = np_nl_link_enslave(nl, port->ifname, bridge, host_mac);
	return r < 0 ? np_err_set(err, r, "cannot attach %s to %s: %s", port->ifname, bridge,
				  strerror(-r))
		     : 0;
}

static int sys_port_del(void *ctx, const struct np_port *port, struct np_err *err)
{
	struct np_nl *nl;
	int r = nl_get(ctx, &nl);

	return r < 0 ? r : np_nl_link_del(nl, port->ifname);
}

static int sys_hook(void *ctx, const char *name, const char *op, const char *subop,
		    const char *xml, struct np_err *err)
{
	const char *dir = getenv("NETPLUMB_HOOKS_DIR");

	return np_hook_run(dir && *dir ? dir : "/etc/netplumb/hooks", name, op, subop, xml, err);
}

static int sys_dnsmasq_running(void *ctx, const char *conf, const char *pidfile)
{
	return np_dnsmasq_running(pidfile, conf);
}

static int sys_fw_present(void *ctx, const char *bridge)
{
	struct np_sys *sys = ctx;
	int r;

	if (!sys->fw) {
		r = np_fw_open(&sys->fw);
		if (r < 0)
			return r;
	}
	return np_fw_present(sys->fw, bridge);
}

static int sys_fw_csum_add(void *ctx, const char *bridge, struct np_err *err)
{
	return np_fw_csum_add(bridge, err);
}

static int sys_fw_csum_insert(void *ctx, const char *bridge, struct np_err *err)
{
	return np_fw_csum_insert(bridge, err);
}

static int sys_fw_csum_del_wait(void *ctx, struct np_err *err)
{
	return pending_end(&((struct np_sys *)ctx)->csum_pending, err);
}

static int sys_fw_csum_del(void *ctx, const char *bridge, struct np_err *err)
{
	struct np_sys *sys = ctx;

	pending_drop(&sys->csum_pending);
	return np_fw_csum_del_detached_begin(bridge, &sys->csum_pending, err);
}

static int sys_fw_csum_present(void *ctx, const char *bridge)
{
	struct np_err ignored = { { 0 } };
	int r = np_fw_csum_count(bridge, &ignored);

	return r < 0 ? r : r > 0;
}

const struct np_ops np_sys_ops = {
	.link_exists = sys_link_exists,
	.route_find = sys_route_find,
	.bridge_add = sys_bridge_add,
	.link_del = sys_link_del,
	.link_up = sys_link_up,
	.addr_add = sys_addr_add,
	.route_add = sys_route_add,
	.sysctl_set = sys_sysctl_set,
	.fw_apply = sys_fw_apply,
	.file_write = sys_file_write,
	.file_remove = sys_file_remove,
	.dnsmasq_start = sys_dnsmasq_start,
	.dnsmasq_stop = sys_dnsmasq_stop,
	.hook = sys_hook,
	.port_add = sys_port_add,
	.port_del = sys_port_del,
	.link_retire = sys_link_retire,
	.fw_remove = sys_fw_remove,
	.fw_remove_wait = sys_fw_remove_wait,
	.dnsmasq_spawn = sys_dnsmasq_spawn,
	.dnsmasq_ready = sys_dnsmasq_ready,
	.dnsmasq_signal = sys_dnsmasq_signal,
	.dnsmasq_mute = sys_dnsmasq_mute,
	.dnsmasq_running = sys_dnsmasq_running,
	.fw_present = sys_fw_present,
	.fw_csum_add = sys_fw_csum_add,
	.fw_csum_insert = sys_fw_csum_insert,
	.fw_csum_del = sys_fw_csum_del,
	.fw_csum_del_wait = sys_fw_csum_del_wait,
	.fw_csum_present = sys_fw_csum_present,
};
