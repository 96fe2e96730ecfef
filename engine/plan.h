/* A plan is plain data: every system change `net-start` makes, in order. It
 * is built purely from a definition, printed by `plan`/`--dry-run`, applied
 * by np_plan_apply() and undone (in reverse) on failure or by `net-destroy`.
 * The same plan drives all three, so what is printed is what is done. */
#pragma once

#include "common/addr.h"
#include "engine/ops.h"
#include "netlink/nl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct np_net;
struct np_err;
struct np_ops;
struct np_port;

enum np_step_kind {
	NP_STEP_CHECK_LINK_FREE,    /* ifname must not exist */
	NP_STEP_CHECK_ROUTE_FREE,   /* no route to addr/prefix may exist */
	NP_STEP_CHECK_LINK_PRESENT, /* ifname must exist (a host bridge) */
	NP_STEP_FILE_WRITE,         /* path <- data (mode); undo: remove */
	NP_STEP_HOOK,               /* the network hook: path = hooks dir, key = op, value
				     * = subop, data = the live XML; undo of "start" runs
				     * "stopped end";
				     * optional: a failure is a warning */
	NP_STEP_BRIDGE_ADD,         /* ifname, mac, mtu, stp, delay; link: what the kernel
				     * made (undo deletes exactly that link) */
	NP_STEP_SYSCTL,             /* key = value */
	NP_STEP_ADDR_ADD,           /* addr/prefix on ifname */
	NP_STEP_LINK_UP,            /* ifname */
	NP_STEP_ROUTE_ADD,          /* addr/prefix via gw on ifname */
	NP_STEP_PORT_ADD,           /* a guest port (tap or veth) onto the bridge; link */
	NP_STEP_FW_APPLY,           /* text (one nft transaction); undo_text, then the
				     * table goes when it is empty */
	NP_STEP_IPT_RULE,           /* key = iptables table ("ip6 filter": ip6tables'),
				     * value = chain, text = rule:
				     * an accept inserted into another tool's chain that
				     * drops by policy; undo deletes that rule */
	NP_STEP_DNSMASQ_START,      /* conf path, pid path: returns once dnsmasq serves */
	NP_STEP_DNSMASQ_MUTE,       /* conf path, pid path: that dnsmasq leaves the
				     * rtnetlink groups; nothing to undo (it goes
				     * with the process) */
	NP_STEP_QDISC_ADD,          /* tc on ifname (create or replace); goes with the link */
	NP_STEP_CLASS_ADD,          /* tc on ifname (create or replace); goes with the link */
	NP_STEP_PORT_ISOLATE,       /* bridge port ifname isolated; goes with the link */
	NP_STEP_TOOL,               /* text: firewall-cmd or resolvectl argv, one word a
				     * line; undo_text: the undo's argv or NULL;
				     * optional: a failure is a warning */
	NP_STEP_VXLAN_ADD,          /* ifname onto master: vx, addr = local, key = the
				     * underlay dev, mac, mtu; link (issue 18) */
	NP_STEP_FDB_ADD,            /* ifname floods to the VTEP addr; undo deletes it */
	NP_STEP_QEMU_ACL,           /* "allow ifname" in qemu-bridge-helper's ACL file
				     * path (engine/qemu_acl.h); undo removes it */
	NP_STEP_PORT_LIMIT,         /* text: one nft transaction limiting what the
				     * guest sends on port ifname (netdev ingress);
				     * undo_text removes it, then the table goes when
				     * it is empty */
	NP_STEP_RECORD,             /* path <- the record of the steps before it, with
				     * what the kernel returned (np_record_render) */
};
#define NP_STEP_KIND_COUNT (NP_STEP_RECORD + 1)
/* "bridge-add", ... as `plan --json` and the record name them. */
extern const char *const np_step_kind_names[NP_STEP_KIND_COUNT];

struct np_step {
	enum np_step_kind kind;
	char *ifname;
	struct np_addr addr;
	unsigned prefix;
	struct np_addr gw;
	unsigned metric;
	bool has_mac;
	uint8_t mac[NP_MAC_LEN]; /* the bridge's; a port's guest MAC */
	unsigned mtu;
	int stp;        /* -1 leave, 0, 1 */
	long delay_cs;  /* -1 leave */
	char *key;      /* sysctl key; hook op */
	char *value;    /* sysctl value; hook subop */
	char *path;     /* file to write; dnsmasq conf */
	char *data;     /* file contents; the hook's XML */
	unsigned mode;
	char *text;     /* nft script */
	char *undo_text;
	char *pid_path; /* dnsmasq pid file */
	char *lease_path; /* DNSMASQ_START: its lease file */
	bool new_leases;  /* DNSMASQ_START: this apply created the lease file,
			   * so its rollback removes it */
	bool optional;  /* sysctl: a missing key is skipped; hook, route: a failure warns */
	bool generated; /* FILE_WRITE of a dnsmasq file: repair and net-update rewrite it */
	bool if_firewalld; /* TOOL: done only when firewalld runs (libvirt's
			    * implicit zone 'libvirt'); else no undo is left */
	bool state;     /* FILE_WRITE/RECORD of the run dir's record of the network:
			 * kept by an undo that failed, for the next one to finish */
	char *why;      /* one short reason shown by `plan` (libvirt parity notes) */
	struct np_port *port; /* NP_STEP_PORT_ADD: an owned copy */
	char *master;         /* NP_STEP_PORT_ADD: the bridge */
	/* BRIDGE_ADD, PORT_ADD: the link as created, filled in by apply (and
	 * read back from the record); ifindex 0 when unknown. */
	struct np_link_id link;
	struct np_tc_spec tc; /* QDISC_ADD, CLASS_ADD */
	struct {
		unsigned vni, port;
		bool learning;
	} vx; /* VXLAN_ADD */
};

struct np_plan {
	char *net_name;
	char *bridge;
	struct np_step *steps;
	size_t n_steps;
	char *skipped; /* what the plan leaves out, and why: one line that
			* np_plan_apply warns and `plan` prints; NULL: nothing */
};

/* Paths the plan writes to, taken from the state store's layout. */
struct np_plan_paths {
	const char *state_dir; /* dnsmasq conf, hostsfile, leases */
	const char *run_dir;   /* pid files */
	const char *dnsmasq_user;
	const struct np_port *ports; /* recorded guest ports to put back */
	size_t n_ports;
	/* The host's resolv.conf, read by the caller (the planner reads no
	 * files): its nameservers become dnsmasq's servers-file when the
	 * network uses one (np_dhcp_uses_servers_file). NULL: no servers. */
	const char *resolv_text;
	const char *resolv_path; /* where it came from, named by `plan` */
	/* The network namespace the network lives in ("net:[INODE]", and the
	 * `ip netns` name when there is one), recorded in RUN/NAME.netns. */
	const char *netns;
	const char *hooks_dir; /* where the network hook is looked for */
	/* The system bus's services (systemd-resolved, firewalld) do not
	 * serve this network namespace: --netns, or another one than PID
	 * 1's (ip netns exec), and no DBUS_SYSTEM_BUS_ADDRESS names a bus.
	 * <domain register> is skipped, <bridge zone> refused. */
	bool bus_away;
	/* Other tools' chains that drop by policy, walked by the caller
	 * (firewall/foreign.h); NULL: none. */
	const struct np_fw_foreign *foreign;
	/* A <netplumb:vxlan>'s underlay as the caller found it (the planner
	 * reads nothing): MTU 0 when it does not exist; address family 0
	 * when it has none of the VTEPs' family. */
	unsigned underlay_mtu;
	struct np_addr underlay_addr;
};

int np_plan_build(const struct np_net *net, const struct np_plan_paths *paths,
		  struct np_plan **ret, struct np_err *err);
/* A plan of one step: the NP_STEP_PORT_ADD that np_plan_build makes for a
 * recorded port, for attaching (or, undone, detaching) one port of a
 * running network. */
int np_plan_port_build(const struct np_net *net, const struct np_port *port, struct np_plan **ret,
		       struct np_err *err);
void np_plan_free(struct np_plan *plan);
/* Frees what one step owns (a step taken out of a plan). */
void np_step_clear(struct np_step *s);
static inline void np_plan_freep(struct np_plan **p)
{
	np_plan_free(*p);
}
#define _np_plan_free_ __attribute__((cleanup(np_plan_freep)))

/* Told about what does not fail a command (an optional step that failed). */
typedef void (*np_warn_fn)(const char *msg);

/* Applies every step in order, filling in the links the kernel made. On the
 * first failure, undoes the finished steps in reverse and returns the
 * failing step's error; err names the step. An optional step that fails is
 * handed to warn (may be NULL) and the plan goes on. */
int np_plan_apply(struct np_plan *plan, const struct np_ops *ops, void *ctx, np_warn_fn warn,
		  struct np_err *err);
/* Undoes every step in strict reverse order, tolerating what is already
 * gone, and deleting only links that are still the ones recorded. Returns
 * the error of the step latest in the plan but tries every step, except
 * that after a failure the run dir's record (state steps) is kept, so the
 * network stays known and the next undo can finish. */
int np_plan_undo(const struct np_plan *plan, const struct np_ops *ops, void *ctx, np_warn_fn warn,
		 struct np_err *err);

/* The plan's DNSMASQ_START step on its own, with the DNSMASQ_MUTE step
 * that follows it when there is one (a dnsmasq restarted by a repair or
 * an update), rolled back as a plan: a mute that fails stops that dnsmasq
 * again. 0 when the plan has no dnsmasq. */
int np_plan_dnsmasq_apply(struct np_plan *plan, const struct np_ops *ops, void *ctx,
			  np_warn_fn warn, struct np_err *err);
/* np_plan_apply for net-start, with one exception to its order: dnsmasq's
 * start (spawn, then wait until it serves) runs on a thread of its own
 * beside the firewall steps right before it (np_plan_dnsmasq_beside): the
 * nft transaction then costs no time of its own. Both are done on return;
 * a firewall step that fails has dnsmasq stopped first, then the usual
 * rollback. */
int np_plan_apply_start(struct np_plan *plan, const struct np_ops *ops, void *ctx,
			np_warn_fn warn, struct np_err *err);
/* The first of the firewall steps (FW_APPLY, IPT_RULE) right before the
 * DNSMASQ_START step, whose index goes to *ret_dnsmasq; plan->n_steps when
 * there are none. */
size_t np_plan_dnsmasq_beside(const struct np_plan *plan, size_t *ret_dnsmasq);
/* np_plan_undo for net-destroy, with one exception to its strict reverse
 * order: the network's bridge (np_plan_beside) is deleted on a thread of its
 * own, started first and joined at the bridge's place in the order, while
 * the steps after it, none of which touches a link (dnsmasq, nft, iptables,
 * files, firewall-cmd), are undone beside it. The kernel spends most of a
 * bridge's deletion waiting for RCU grace periods after it released RTNL,
 * and that wait is most of a destroy. Everything is done on return, errors
 * as np_plan_undo reports them; plans np_plan_beside refuses are undone by
 * np_plan_undo itself. */
int np_plan_undo_destroy(const struct np_plan *plan, const struct np_ops *ops, void *ctx,
			 np_warn_fn warn, struct np_err *err);
/* The index of the BRIDGE_ADD step that np_plan_undo_destroy may delete
 * beside the steps after it, or plan->n_steps when it may not: no bridge
 * of ours, or a link step after it (a port, a VXLAN link, an FDB entry:
 * they share the netlink socket and come before the bridge's deletion). */
size_t np_plan_beside(const struct np_plan *plan);

/* One step on its own (an update to a running network, a repair, a port),
 * with the same error naming and undo semantics as a whole plan. */
int np_step_apply(struct np_step *step, bool undo, const struct np_ops *ops, void *ctx,
		  np_warn_fn warn, struct np_err *err);

/* A person-readable, paste-able rendering (`ip ...`, `sysctl -w`, `nft -f`). */
void np_plan_print(const struct np_plan *plan, FILE *out);
void np_plan_print_json(const struct np_plan *plan, FILE *out);
/* One line naming a step, for error messages ("add address 192.168.122.1/24 to virbr0"). */
void np_step_describe(const struct np_step *step, char *out, size_t len);
/* The file-name form of a network name: bytes outside [A-Za-z0-9_.-] are
 * percent-encoded, so generated paths are safe in dnsmasq's config. */
int np_plan_file_name(const char *name, char **ret);
/* The plan's first step of a kind, or NULL. */
const struct np_step *np_plan_find(const struct np_plan *plan, enum np_step_kind kind);
#define NP_PLAN_SERVERS_SUFFIX ".servers"
/* The FILE_WRITE step of the generated file ending in suffix (".conf",
 * ".hostsfile", NP_PLAN_SERVERS_SUFFIX, ...), or NULL when the plan writes
 * none. */
const struct np_step *np_plan_file_step(const struct np_plan *plan, const char *suffix);
