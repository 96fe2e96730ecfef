/* The one narrow table through which the engine reaches the system. Every
 * entry is one synchronous kernel or process action, none may be NULL, and
 * none starts a process but dnsmasq itself. The real table (ops_sys.c)
 * forwards to netlink/, firewall/, dhcp/ and the file system; decorators
 * (ops_fault.c, timing) wrap it; unit tests hand in a recording fake.
 * Changes return 0 or a negative errno and fill err; lookups return 1
 * (present), 0 (absent) or a negative errno. */
#pragma once

#include "common/addr.h"

#include <stdbool.h>
#include <stdint.h>

struct np_err;
struct np_bridge_spec;
struct np_port;
struct np_tc_spec;
struct np_vxlan_spec;
struct np_fw_foreign;

/* What netplumb records of a link it created, to prove it is still the same
 * link before it deletes it: the kernel's ifindex and the link's MAC. */
struct np_link_id {
	int ifindex; /* 0: unknown (a record from before the link was made) */
	uint8_t mac[NP_MAC_LEN];
};

struct np_ops {
	/* lookups */
	int (*link_get)(void *ctx, const char *ifname, struct np_link_id *ret);
	int (*route_find)(void *ctx, const struct np_addr *dst, unsigned prefix, char ret_dev[16]);
	/* 1: the bridge's chains are there, 2: only partly, 0: none */
	int (*fw_present)(void *ctx, const char *bridge);
	int (*dnsmasq_running)(void *ctx, const char *conf, const char *pidfile);
	/* 1: the chains of script hold its rules as applied, 0: not (a rule
	 * flushed, deleted or changed by hand). */
	int (*fw_check)(void *ctx, const char *script);
	/* Other tools' base chains that drop by policy (firewall/foreign.h). */
	int (*fw_foreign)(void *ctx, struct np_fw_foreign *ret);
	/* 1: iptables' TABLE CHAIN holds the rule SPEC, 0: it does not. */
	int (*ipt_check)(void *ctx, const char *table, const char *chain, const char *spec);
	/* 1 with ifname's MTU and first address of family (family 0: none),
	 * 0 when there is no such link: a VXLAN's underlay (issue 18). */
	int (*link_addr_get)(void *ctx, const char *ifname, int family, unsigned *ret_mtu,
			     struct np_addr *ret_addr);

	/* links and addresses */
	int (*bridge_add)(void *ctx, const struct np_bridge_spec *spec, struct np_link_id *ret,
			  struct np_err *err);
	/* Deletes the link with id->ifindex if it still has id->mac; -ENODEV
	 * when there is none, -EPERM (nothing done) when it is another link. */
	int (*link_del)(void *ctx, const struct np_link_id *id, struct np_err *err);
	int (*link_up)(void *ctx, const char *ifname, struct np_err *err);
	int (*addr_add)(void *ctx, const char *ifname, const struct np_addr *a, unsigned prefix,
			struct np_err *err);
	int (*route_add)(void *ctx, const char *ifname, const struct np_addr *dst, unsigned prefix,
			 const struct np_addr *gw, unsigned metric, struct np_err *err);
	int (*sysctl_set)(void *ctx, const char *key, const char *value, struct np_err *err);
	/* A guest port created and enslaved to bridge; -EEXIST (nothing done)
	 * when its name is taken. */
	int (*port_add)(void *ctx, const struct np_port *port, const char *bridge,
			struct np_link_id *ret, struct np_err *err);
	/* Traffic control on a link (netlink/nl.h): create or replace, so a
	 * re-apply converges; it goes when the link goes. */
	int (*qdisc_add)(void *ctx, const char *ifname, const struct np_tc_spec *spec,
			 struct np_err *err);
	int (*class_add)(void *ctx, const char *ifname, const struct np_tc_spec *spec,
			 struct np_err *err);
	/* Sets the isolated flag of bridge port ifname. */
	int (*port_isolate)(void *ctx, const char *ifname, struct np_err *err);
	/* A VXLAN link enslaved to its bridge (down); -EEXIST (nothing done)
	 * when its name is taken. */
	int (*vxlan_add)(void *ctx, const struct np_vxlan_spec *spec, struct np_link_id *ret,
			 struct np_err *err);
	/* Appends (add) or deletes the all-zero FDB entry of VXLAN link
	 * ifname that floods to the VTEP dst. */
	int (*fdb_change)(void *ctx, bool add, const char *ifname, const struct np_addr *dst,
			  struct np_err *err);

	/* nftables: one transaction; fw_prune deletes netplumb's table once it
	 * holds nothing. */
	int (*fw_apply)(void *ctx, const char *script, struct np_err *err);
	int (*fw_prune)(void *ctx, struct np_err *err);
	/* iptables-nft -I (insert) or -D (delete) of one rule in another
	 * tool's chain; -ENOENT when a rule to delete is gone. */
	int (*ipt_change)(void *ctx, bool insert, const char *table, const char *chain,
			  const char *spec, struct np_err *err);

	/* files (atomic writes) */
	int (*file_write)(void *ctx, const char *path, const char *data, unsigned mode,
			  struct np_err *err);
	int (*file_remove)(void *ctx, const char *path, struct np_err *err);

	/* dnsmasq: start returns once it serves (*ret_new_leases, may be NULL:
	 * it created the lease file); stop once it has exited;
	 * reload is SIGHUP (it re-reads its hosts and servers files). */
	int (*dnsmasq_start)(void *ctx, const char *conf, const char *pidfile, bool *ret_new_leases,
			     struct np_err *err);
	int (*dnsmasq_stop)(void *ctx, const char *conf, const char *pidfile, struct np_err *err);
	int (*dnsmasq_reload)(void *ctx, const char *conf, const char *pidfile, struct np_err *err);
	/* Takes that dnsmasq out of rtnetlink's multicast groups
	 * (np_dnsmasq_mute): 0 also where that cannot be done; -ESRCH when it
	 * does not run. */
	int (*dnsmasq_mute)(void *ctx, const char *conf, const char *pidfile, struct np_err *err);

	/* libvirt-style network hook DIR/network (engine/hook_sys.h); a missing
	 * hook is 0. */
	int (*hook)(void *ctx, const char *dir, const char *name, const char *op, const char *subop,
		    const char *xml, struct np_err *err);
	/* firewall-cmd or resolvectl with an argv given one word a line
	 * (engine/tool_sys.h); any other program is refused. */
	int (*tool_run)(void *ctx, const char *argv_lines, struct np_err *err);
	/* One line added to or removed from netplumb's qemu-bridge-helper ACL
	 * at path (engine/qemu_acl_sys.h); removing what is not there is 0. */
	int (*qemu_acl)(void *ctx, const char *path, const char *line, bool add,
			struct np_err *err);
};

/* The real system. ctx comes from np_sys_new() and holds one netlink socket
 * and one nft context for the whole command. */
struct np_sys;
extern const struct np_ops np_sys_ops;
int np_sys_new(struct np_sys **ret);
void np_sys_free(struct np_sys *sys);
