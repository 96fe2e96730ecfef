/* define / create / start / destroy / undefine, each under the store lock.
 * Messages for the user go into err; nothing here prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct np_net;
struct np_err;
struct np_store;
struct np_ops;
struct np_plan;

struct np_engine {
	struct np_store *store;
	const struct np_ops *ops;
	void *ctx;
	const char *dnsmasq_user;
	/* How a running dnsmasq is told to re-read its files (np_dnsmasq_reload),
	 * for the front end to hand to np_engine_reload()/np_engine_update(). */
	int (*dnsmasq_reload)(const char *pidfile, const char *conf, struct np_err *err);
	/* Optional: told about problems that do not fail the command (a hook
	 * that failed after the fact), for the CLI to print. */
	void (*warn)(const char *msg);
	/* The network namespace commands act in ("net:[INODE]" and its `ip
	 * netns` name), recorded with each network started; NULL: unchecked. */
	const char *netns;
	bool bus_away; /* np_plan_paths.bus_away */
	const char *hooks_dir; /* the network hook's dir; NULL: /etc/netplumb/hooks */
	/* net-start and net-destroy may run one op on a second thread
	 * (np_plan_apply_start, np_plan_undo_destroy): true only for ops made
	 * for that, the system's and its decorators (each op there has its
	 * own socket or process); false keeps every plan in one thread. */
	bool overlap;
};

/* Told about each network `autostart` tried: err is NULL when it started. */
typedef void (*np_autostart_report_fn)(const char *name, const struct np_err *err);

/* Defines the built-in 'default' network on a config dir's first use. */
int np_engine_seed(struct np_engine *eng, struct np_err *err);

/* Parses, validates, completes (uuid, bridge, MAC, as libvirt's define does)
 * and stores FILE. *ret_name gets the network's name. */
int np_engine_define(struct np_engine *eng, const char *file, char **ret_name, struct np_err *err);
/* Same, but starts it as a transient network without storing a definition. */
/* The same; with ret_subnet, a taken IPv4 /24 is first moved to a free one
 * (auto_subnet.h), and ret_subnet says which ("" when it was free). */
int np_engine_define_auto(struct np_engine *eng, const char *file, char ret_subnet[64],
			  char **ret_name, struct np_err *err);
int np_engine_create(struct np_engine *eng, const char *file, char **ret_name, struct np_err *err);
int np_engine_undefine(struct np_engine *eng, const char *name, struct np_err *err);
int np_engine_start(struct np_engine *eng, const char *name, struct np_err *err);
int np_engine_destroy(struct np_engine *eng, const char *name, struct np_err *err);
/* The names of the active networks, sorted as net-list sorts them. */
int np_engine_active_list(struct np_engine *eng, char ***ret, size_t *ret_n, struct np_err *err);
/* Undoes what was applied for an active network and applies its live plan
 * again (its bridge was lost, or its start did not finish). */
int np_engine_restart_live(struct np_engine *eng, const char *name, struct np_err *err);

/* -EXDEV with err set when NAME is active in another network namespace
 * than eng->netns; 0 otherwise. */
int np_engine_check_netns(struct np_engine *eng, const char *name, struct np_err *err);

/* A network for `plan`: FILE (parsed, validated and completed as define
 * would, without storing anything) when arg names a file, else NAME's
 * definition. */
int np_engine_load_for_plan(struct np_engine *eng, const char *arg, struct np_net **ret,
			    struct np_err *err);
/* The plan start would apply for net. Reads the host's resolv.conf
 * (np_engine_resolv_path) for the network's dnsmasq servers-file. */
int np_engine_plan(struct np_engine *eng, const struct np_net *net, struct np_plan **ret,
		   struct np_err *err);
/* The resolv.conf whose nameservers become dnsmasq's upstream servers:
 * $NETPLUMB_RESOLV_CONF when set and not empty, else /etc/resolv.conf. */
const char *np_engine_resolv_path(void);

/* Rewrites the record of what was applied for an active network (RUN/
 * NAME.applied) after a change to it while it runs: plan is its new live
 * plan; the links come from the old record, and from applied (a step just
 * applied on its own, such as a new port) when given. Nothing is done when
 * there is no record. */
struct np_step;
int np_engine_record_refresh(struct np_engine *eng, struct np_plan *plan,
			     const struct np_step *applied, struct np_err *err);
/* np_engine_record_refresh() with the live plan of NAME. */
int np_engine_record_update(struct np_engine *eng, const char *name,
			    const struct np_step *applied, struct np_err *err);

int np_engine_set_autostart(struct np_engine *eng, const char *name, bool on,
			    struct np_err *err);
/* Starts every inactive autostart network, once per boot: a marker in the
 * run dir (a tmpfs, emptied by a reboot) records that it ran, as libvirt's
 * driver does. force ignores the marker. */
int np_engine_autostart(struct np_engine *eng, bool force, np_autostart_report_fn report,
			int *ret_started, int *ret_failed, struct np_err *err);

/* The definition a command about NAME should show: live when active (unless
 * inactive is set), else the persistent one. -ENOENT with err set when the
 * network is unknown. */
int np_engine_lookup(struct np_engine *eng, const char *name, bool inactive, struct np_net **ret,
		     struct np_err *err);
