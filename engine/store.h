/* The state store: where definitions, generated files and live state live,
 * and the lock that serialises every change.
 *   config_dir/NAME.xml            persistent definition
 *   config_dir/autostart/NAME.xml  autostart marker (symlink, as libvirt)
 *   state_dir/NAME.{conf,hostsfile,addnhosts,leases,servers}  dnsmasq's files
 *   run_dir/NAME.xml               live definition of an active network
 *   run_dir/NAME.pid, run_dir/lock
 *   run_dir/claims/{bridge,uuid}/KEY/NAME  index of who names a bridge/uuid
 * NAME is the percent-encoded file form (np_plan_file_name). Every write is
 * atomic (temp file, fsync, rename, fsync dir). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct np_net;
struct np_err;
struct np_store;

struct np_store_dirs {
	const char *config_dir;
	const char *state_dir;
	const char *run_dir;
	/* With a named network namespace, the defaults move to a per-namespace
	 * subdirectory (.../netns/NAME) so each namespace has its own store. */
	const char *netns;
	/* Create nothing: for commands that only read (plan FILE). */
	bool readonly;
};

/* Resolves the three directories (options, then NETPLUMB_*_DIR, then the
 * defaults) and creates them. */
int np_store_open(const struct np_store_dirs *dirs, struct np_store **ret, struct np_err *err);
/* True until np_store_mark_seeded(): the caller then defines the built-in
 * 'default' network, as a libvirt install does on a new host. */
bool np_store_needs_seed(struct np_store *st);
int np_store_mark_seeded(struct np_store *st, struct np_err *err);
void np_store_free(struct np_store *st);

/* Takes the store-wide exclusive lock; held until np_store_free(). */
int np_store_lock(struct np_store *st, struct np_err *err);

const char *np_store_config_dir(const struct np_store *st);
const char *np_store_state_dir(const struct np_store *st);
const char *np_store_run_dir(const struct np_store *st);

/* Persistent definition: -ENOENT when there is none. */
int np_store_def_load(struct np_store *st, const char *name, struct np_net **ret,
		      struct np_err *err);
int np_store_def_save(struct np_store *st, const struct np_net *net, struct np_err *err);
int np_store_def_remove(struct np_store *st, const char *name);
/* Live definition of an active network: -ENOENT when inactive. */
int np_store_live_load(struct np_store *st, const char *name, struct np_net **ret,
		       struct np_err *err);
int np_store_live_save(struct np_store *st, const struct np_net *net, struct np_err *err);
/* The live record and everything start wrote beside it in the run dir. */
int np_store_live_remove(struct np_store *st, const char *name);
/* Indexes net's bridge and uuid as live (the plan writes the record). */
int np_store_live_claim(struct np_store *st, const struct np_net *net, struct np_err *err);
/* RUN/NAME.applied (np_record_render) and its path; -ENOENT when absent. */
int np_store_record_read(struct np_store *st, const char *name, char **ret, char **ret_path);
/* RUN/NAME.netns: the namespace the network lives in; -ENOENT when absent. */
int np_store_netns_read(struct np_store *st, const char *name, char **ret);
/* Removes state_dir's files of a network (dnsmasq config, hosts, leases). */
void np_store_generated_remove(struct np_store *st, const char *name);
bool np_store_is_active(struct np_store *st, const char *name);
/* A start writes the live record before its first change and this marker
 * after its last: live without the marker is a start that is running or was
 * killed half way. */
int np_store_started_mark(struct np_store *st, const char *name, bool on);
bool np_store_is_started(struct np_store *st, const char *name);
/* True when another process holds the store lock right now. */
bool np_store_lock_busy(struct np_store *st);
bool np_store_is_persistent(struct np_store *st, const char *name);
bool np_store_is_autostart(struct np_store *st, const char *name);
int np_store_set_autostart(struct np_store *st, const char *name, bool on);

/* Whether `netplumb autostart` already ran since boot (marker in run_dir). */
bool np_store_autostarted(struct np_store *st);
int np_store_mark_autostarted(struct np_store *st);

/* Guest ports of a network: config_dir/ports/NAME/IFNAME.port. */
struct np_port;
int np_store_ports_load(struct np_store *st, const char *name, struct np_port **ret,
			size_t *ret_n);
int np_store_port_save(struct np_store *st, const char *name, const struct np_port *port);
int np_store_port_remove(struct np_store *st, const char *name, const char *ifname);
void np_store_ports_remove_all(struct np_store *st, const char *name);

/* Every known network (persistent or active), sorted by name. Free with
 * np_store_names_free(). */
int np_store_list(struct np_store *st, char ***ret, size_t *ret_n);
void np_store_names_free(char **names, size_t n);

/* Path of a per-network file: dir is one of the store's directories. */
int np_store_path(const char *dir, const char *name, const char *suffix, char **ret);

/* The index of bridge names and uuids that definitions (persistent or live)
 * name, kept by np_store_def_save/np_store_live_save, so that uniqueness
 * checks parse a few definitions instead of all (run_dir/claims/...). */
enum np_store_claim {
	NP_STORE_CLAIM_BRIDGE,
	NP_STORE_CLAIM_UUID, /* key: np_uuid_str() form */
};
/* Every network whose persistent or live definition may name key: a
 * superset that the caller checks against each definition. With the store
 * locked the index is rebuilt when missing or stale (one scan); without the
 * lock, or read-only, it is every network (np_store_list). Free with
 * np_store_names_free(). */
int np_store_claimants(struct np_store *st, enum np_store_claim kind, const char *key,
		       char ***ret, size_t *ret_n);
/* Drops name's entry for key once neither of its definitions names key
 * (only with the lock held; otherwise does nothing). */
void np_store_unclaim(struct np_store *st, enum np_store_claim kind, const char *key,
		      const char *name);
