/* A plan is plain data: every system change `net-start` makes, in order. It
 * is built purely from a definition, printed by `plan`/`--dry-run`, applied
 * by np_plan_apply() and undone (in reverse) on failure or by `net-destroy`.
 * The same plan drives all three, so what is printed is what is done. */
#pragma once

#include "common/addr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct np_net;
struct np_err;
struct np_ops;
struct np_port;

enum np_step_kind {
	NP_STEP_CHECK_LINK_FREE,  /* ifname must not exist */
	NP_STEP_CHECK_ROUTE_FREE, /* no route to addr/prefix may exist */
	NP_STEP_CHECK_LINK_PRESENT, /* ifname must exist (a host bridge) */
	NP_STEP_FILE_WRITE,       /* path <- data (mode) */
	NP_STEP_BRIDGE_ADD,       /* ifname, mac, mtu, stp, delay */
	NP_STEP_SYSCTL,           /* key = value */
	NP_STEP_ADDR_ADD,         /* addr/prefix on ifname */
	NP_STEP_LINK_UP,          /* ifname */
	NP_STEP_ROUTE_ADD,        /* addr/prefix via gw on ifname */
	NP_STEP_FW_APPLY,         /* text (one nft transaction); undo_text */
	NP_STEP_DNSMASQ_START,    /* conf path, pid path: spawn, do not wait */
	NP_STEP_PORT_ADD,         /* a guest port (tap or veth) onto the bridge */
	NP_STEP_DNSMASQ_READY,    /* conf path, pid path: wait until it serves */
	NP_STEP_FW_CSUM,          /* the DHCP checksum rule for ifname (iptables-nft
				   * table ip mangle); text/undo_text: the iptables
				   * command lines `plan` prints. optional: a failure
				   * is a warning, as libvirt ignores it */
	NP_STEP_DNSMASQ_MUTE,     /* conf path, pid path: take the ready dnsmasq out
				   * of rtnetlink's multicast groups (np_dnsmasq_mute);
				   * optional: a failure is a warning */
};

struct np_step {
	enum np_step_kind kind;
	char *ifname;
	struct np_addr addr;
	unsigned prefix;
	struct np_addr gw;
	unsigned metric;
	bool has_mac;
	uint8_t mac[NP_MAC_LEN];
	unsigned mtu;
	int stp;        /* -1 leave, 0, 1 */
	long delay_cs;  /* -1 leave */
	char *key;      /* sysctl key */
	char *value;    /* sysctl value */
	char *path;     /* file to write; dnsmasq conf */
	char *data;     /* file contents */
	unsigned mode;
	char *text;     /* nft script */
	char *undo_text;
	/* NP_STEP_FW_APPLY: the same rules as text for chains that do not
	 * exist yet (np_fw_ruleset_create_render), cheaper for nft; a plan
	 * applied whole sends it when ops->fw_present says ifname's chains are
	 * absent. NULL: always text. */
	char *create_text;
	char *pid_path; /* dnsmasq pid file */
	bool optional;  /* a missing target (e.g. no IPv6 in the kernel) is not an error */
	bool mute;      /* NP_STEP_DNSMASQ_START: a NP_STEP_DNSMASQ_MUTE follows its readiness */
	char *why;      /* one short reason shown by `plan` (libvirt parity notes) */
	struct np_port *port; /* NP_STEP_PORT_ADD: an owned copy */
	char *master;         /* NP_STEP_PORT_ADD: the bridge */
};

struct np_plan {
	char *net_name;
	char *bridge;
	struct np_step *steps;
	size_t n_steps;
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
};

int np_plan_build(const struct np_net *net, const struct np_plan_paths *paths,
		  struct np_plan **ret, struct np_err *err);
/* A plan of one step: the NP_STEP_PORT_ADD that np_plan_build makes for a
 * recorded port, for attaching (or, undone, detaching) one port of a
 * running network. */
int np_plan_port_build(const struct np_net *net, const struct np_port *port, struct np_plan **ret,
		       struct np_err *err);
void np_plan_free(struct np_plan *plan);
static inline void np_plan_freep(struct np_plan **p)
{
	np_plan_free(*p);
}
#define _np_plan_free_ __attribute__((cleanup(np_plan_freep)))

/* Applies every step in order. On the first failure, undoes the finished
 * steps in reverse and returns the failing step's error; err names the step.
 * An optional NP_STEP_FW_CSUM or NP_STEP_DNSMASQ_MUTE that fails does not fail the plan: it returns 0
 * with the warning in err (err is empty on a clean success). */
int np_plan_apply(const struct np_plan *plan, const struct np_ops *ops, void *ctx,
		  struct np_err *err);
/* Undoes every undoable step in reverse, tolerating what is already gone.
 * Used by destroy and crash recovery. Returns the real error of the step
 * latest in the plan, but still tries every step. Two departures from strict
 * reverse order, for speed: the bridge is retired first when no guest port
 * hangs on it, and the nft removal and the checksum rule's run in helper
 * processes (side by side) while the steps before them in the plan are
 * undone. */
int np_plan_undo(const struct np_plan *plan, const struct np_ops *ops, void *ctx,
		 struct np_err *err);

/* One step on its own (an update to a running network, a repair), with the
 * same error naming, timing and undo semantics as a whole plan (warnings
 * included). An NP_STEP_FW_APPLY on its own always sends the idempotent text:
 * a repair or re-apply may meet some of the chains. */
int np_step_apply(const struct np_step *step, bool undo, const struct np_ops *ops, void *ctx,
		  struct np_err *err);

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
