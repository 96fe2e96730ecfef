/* The one narrow table through which the engine changes the system. The real
 * table (ops_sys.c) forwards to netlink/, firewall/, dhcp/ and the state
 * store; tests hand in a recording fake that can fail at step N. Every call
 * returns 0 or a negative errno and may put detail into err. */
#pragma once

#include "common/addr.h"

struct np_err;
struct np_bridge_spec;
struct np_port;

struct np_ops {
	int (*link_exists)(void *ctx, const char *ifname);
	int (*route_find)(void *ctx, const struct np_addr *dst, unsigned prefix, char ret_dev[16]);
	int (*bridge_add)(void *ctx, const struct np_bridge_spec *spec, struct np_err *err);
	int (*link_del)(void *ctx, const char *ifname, struct np_err *err);
	int (*link_up)(void *ctx, const char *ifname, struct np_err *err);
	int (*addr_add)(void *ctx, const char *ifname, const struct np_addr *a, unsigned prefix,
			struct np_err *err);
	int (*route_add)(void *ctx, const char *ifname, const struct np_addr *dst, unsigned prefix,
			 const struct np_addr *gw, unsigned metric, struct np_err *err);
	int (*sysctl_set)(void *ctx, const char *key, const char *value, struct np_err *err);
	int (*fw_apply)(void *ctx, const char *script, struct np_err *err);
	int (*file_write)(void *ctx, const char *path, const char *data, unsigned mode,
			  struct np_err *err);
	int (*file_remove)(void *ctx, const char *path, struct np_err *err);
	int (*dnsmasq_start)(void *ctx, const char *conf, const char *pidfile, struct np_err *err);
	int (*dnsmasq_stop)(void *ctx, const char *conf, const char *pidfile, struct np_err *err);
	int (*port_add)(void *ctx, const struct np_port *port, const char *bridge,
			struct np_err *err);
	int (*port_del)(void *ctx, const struct np_port *port, struct np_err *err);
	/* libvirt-style network hook (engine/hook_sys.h); NULL: none. */
	int (*hook)(void *ctx, const char *name, const char *op, const char *subop, const char *xml,
		    struct np_err *err);
	/* Faster halves of the calls above, for plans; each may be NULL, and
	 * the plan then uses the whole call. link_retire: the link is out of
	 * service (down, renamed, its routes gone) on return and deleted in
	 * the background. fw_remove: fw_apply of a removal that does not wait
	 * for the nft socket's release; with fw_remove_wait set, it only
	 * starts, and fw_remove_wait (not a system change of its own) returns
	 * its outcome. dnsmasq_spawn + dnsmasq_ready:
	 * dnsmasq_start in two halves, with other steps in between;
	 * dnsmasq_stop of a spawned one that was not waited for waits for it
	 * first, then stops it. dnsmasq_signal: the SIGTERM half of
	 * dnsmasq_stop, which then only waits. */
	int (*link_retire)(void *ctx, const char *ifname, struct np_err *err);
	int (*fw_remove)(void *ctx, const char *script, struct np_err *err);
	int (*fw_remove_wait)(void *ctx, struct np_err *err);
	int (*dnsmasq_spawn)(void *ctx, const char *conf, const char *pidfile, struct np_err *err);
	int (*dnsmasq_ready)(void *ctx, const char *conf, const char *pidfile, struct np_err *err);
	int (*dnsmasq_signal)(void *ctx, const char *conf, const char *pidfile, struct np_err *err);
	/* np_dnsmasq_mute on the ready dnsmasq; NULL: nothing is done. */
	int (*dnsmasq_mute)(void *ctx, const char *conf, const char *pidfile, struct np_err *err);
	/* Health checks for a live network: 1 present, 0 gone, or -errno. */
	int (*dnsmasq_running)(void *ctx, const char *conf, const char *pidfile);
	/* fw_present: 1 rules there, 2 only partly (nat chain without the
	 * forward chain), 0 none (np_fw_present). */
	int (*fw_present)(void *ctx, const char *bridge);
	/* libvirt's DHCP checksum rule for bridge (firewall/fw.h np_fw_csum_*):
	 * add does nothing when it is there, del succeeds when it is gone,
	 * present is 1 / 0 / -errno like the health checks above. NULL: a
	 * system without the rule (the step does nothing, health does not
	 * look). */
	int (*fw_csum_add)(void *ctx, const char *bridge, struct np_err *err);
	int (*fw_csum_del)(void *ctx, const char *bridge, struct np_err *err);
	int (*fw_csum_present)(void *ctx, const char *bridge);
	/* fw_csum_add for a bridge whose chains fw_present just found absent
	 * (np_fw_csum_insert); NULL: fw_csum_add. */
	int (*fw_csum_insert)(void *ctx, const char *bridge, struct np_err *err);
	/* With it set, fw_csum_del only starts the removal (in a helper, as
	 * fw_remove does) and this returns its outcome; NULL: fw_csum_del is
	 * whole. */
	int (*fw_csum_del_wait)(void *ctx, struct np_err *err);
};

/* The real system. ctx comes from np_sys_new() and holds one netlink socket
 * and one nft context for the whole command. */
struct np_sys;
extern const struct np_ops np_sys_ops;
int np_sys_new(struct np_sys **ret);
void np_sys_free(struct np_sys *sys);
