/* netplumb-bench: shared declarations. The benchmark drives the netplumb
 * CLI as a user would (one process per command) inside private pid, net and
 * mount namespaces, and reads the per-phase lines NETPLUMB_TIMING prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define BENCH_MAX_N 16 /* network counts in one run */
#define BENCH_MAX_RUNS 10 /* --scale-runs */

/* The phases netplumb prints ("netplumb-timing: PHASE MICROSECONDS"), plus
 * "proc": wall time minus netplumb's own total, i.e. exec, dynamic linking,
 * argument parsing and exit. */
enum bench_phase {
	PH_LOAD,
	PH_PLAN,
	PH_CHECK,
	PH_FILES,
	PH_NETLINK,
	PH_SYSCTL,
	PH_NFT,
	PH_DNSMASQ,
	PH_TOTAL,
	PH_PROC,
	PH__MAX,
};

extern const char *const bench_phase_names[PH__MAX];

/* One netplumb command. */
struct bench_run {
	double wall_ms;
	double phase_ms[PH__MAX];
	double cpu_ms; /* user + system of the CLI and the children it waited for */
	long maxrss_kb;
	int status; /* exit code, or 128 + signal */
	char msg[256]; /* first stderr line that is not a timing line */
};

struct bench_series {
	struct bench_run *v;
	size_t n, cap;
};

struct bench_stat {
	double median, min, max, mean;
	size_t n;
};

/* ---- options ---- */
struct bench_opts {
	const char *netplumb;
	const char *dnsmasq; /* NULL: netplumb's default */
	const char *busybox;
	const char *peer_script;
	const char *disk_dir; /* state on a real file system instead of tmpfs */
	const char *raw_file; /* every sample as TSV */
	unsigned reps;
	unsigned ns[BENCH_MAX_N];
	size_t n_ns;
	unsigned lease_reps;
	unsigned peer_reps; /* bench-startstop repetitions in the peer run */
	unsigned peer_ns[4];
	size_t n_peer_ns;
	unsigned peer_n_reps; /* repetitions of each bench-start N */
	bool json, quick, do_cycle, do_scale, do_lease, do_peer, peer_only;
	bool force_n; /* run every N even past the host's inotify budget */
	unsigned labs; /* namespaces of the lab run (0: none) */
	unsigned scale_runs, scale_samples; /* at the 10th and Nth network */
};

/* opts.c: 0, or -EINVAL after printing what is wrong. */
int bench_opts_parse(int argc, char **argv, struct bench_opts *o);
void bench_usage(FILE *f);

/* ---- results ---- */
struct bench_scale {
	unsigned n;
	unsigned started; /* how many started before the first failure */
	int fail_at;      /* 1-based index of the network that failed, 0 if none */
	char fail_msg[256];
	struct bench_series define, start, destroy, undefine;
	double define_s, start_s, destroy_s, undefine_s;
	/* with all N running */
	unsigned dnsmasq_procs, dns_listeners, inotify_instances;
	long dnsmasq_rss_kb, dnsmasq_pss_kb;
	double dnsmasq_cpu_ms; /* CPU the N daemons burned while the others started */
	unsigned max_fds; /* largest fd count of one dnsmasq */
	long nft_chains;
	bool skipped; /* not run: it would have exhausted a host-wide limit */
	char skip_msg[256];
	/* runs x samples of net-start then net-destroy of the 10th network
	 * (with 9 running) and of the Nth (with N-1 running) */
	struct bench_series at_start[2][BENCH_MAX_RUNS], at_destroy[2][BENCH_MAX_RUNS];
	unsigned at_index[2], at_runs;
	struct bench_series floor_destroy_n; /* ip link del of a bridge beside N-1 */
};

/* issue 19's labs: one namespace each, net-start default in all of them,
 * then net-destroy in all */
struct bench_labs {
	unsigned n, started, destroyed;
	unsigned dnsmasq_up, dnsmasq_left; /* after the starts / the destroys */
	double start_s, destroy_s;
	struct bench_series start, destroy;
	char error[256];
};

struct bench_lease {
	const char *label;
	unsigned runs, ok_runs; /* times below: medians over the runs that got a lease */
	bool ok;
	char ip[64];
	char msg[256];
	double start_ms;    /* net-start's own wall time */
	double lease_ms;    /* net-start begins -> udhcpc holds a lease */
	double attach_fwd_ms; /* port enslaved -> bridge port forwarding */
	double attach_lease_ms; /* port enslaved -> lease */
};

struct bench_peer_engine {
	bool ok;
	bool host_changed; /* the script's host check saw a change (other users) */
	char host_diff[128];
	char err[256];
	struct bench_stat noop, define, start, start_first, destroy;
	long cli_maxrss_kb;
	struct {
		unsigned n, reps;
		struct bench_stat total_start_s, start_ms, first_ms, last_ms, destroy_ms, total_destroy_s;
	} scale[4];
	size_t n_scale;
};

struct bench_peer {
	bool ran;
	char script[512];
	struct bench_peer_engine lv, np;
};

struct bench_info {
	char netplumb[512], netplumb_version[128], dnsmasq_version[128], busybox_version[128];
	char kernel[128], cpu[128], date[64], libvirt_version[128];
	long nproc, mem_kb;
	int inotify_max_user_instances;
	int host_inotify_root; /* inotify instances held by root processes on the host */
	bool tmpfs;
};

struct bench_results {
	struct bench_info info;
	/* the machine's floors, interleaved with the default cycle: dnsmasq
	 * alone with netplumb's config (exec until its first process exits),
	 * ip link del of the bridge */
	struct bench_series floor_start, floor_destroy;
	/* exec alone: `ip -V`, `dnsmasq --version`, `netplumb --version` */
	struct bench_series exec_ip, exec_dnsmasq, exec_netplumb;
	char floor_error[256];
	struct bench_labs labs;
	struct bench_series noop, define, start, destroy, undefine;
	struct bench_stat ready_lag_ms; /* net-start returned -> DNS/DHCP sockets seen */
	bool ready_checked;
	unsigned ready_missing; /* starts whose sockets never appeared */
	struct bench_scale scale[BENCH_MAX_N];
	size_t n_scale;
	struct bench_lease lease[2];
	size_t n_lease;
	struct bench_peer peer;
	long cli_maxrss_kb;
	char cli_maxrss_cmd[64];
	double elapsed_s;
	char error[256];
};

/* ---- run.c: one netplumb command ---- */
struct bench_ctx {
	const struct bench_opts *opts;
	char base[256]; /* temp dir: etc/, lib/, run/, hooks/, xml/ */
	char **envp;
	FILE *raw;
	struct bench_results *res;
};

int bench_ctx_init(struct bench_ctx *ctx, const struct bench_opts *opts, const char *base,
		   struct bench_results *res);
void bench_ctx_fini(struct bench_ctx *ctx);
/* Runs "netplumb VERB [ARG]"; out gets the figures. Returns the exit status
 * (0 on success) or -errno when it could not run at all. */
int bench_cmd(struct bench_ctx *ctx, const char *tag, struct bench_run *out, const char *verb,
	      const char *arg);
/* The same with any arguments (NULL-terminated, at most 6), e.g.
 * { "--netns", "lab1", "net-start", "default", NULL }. */
int bench_cmdv(struct bench_ctx *ctx, const char *tag, struct bench_run *out,
	       const char *const args[]);
/* Runs argv (a harness tool such as ip), optionally inside netns fd nsfd
 * (-1: here); stdout and stderr go to /dev/null unless out is given.
 * Returns the exit status or -errno. */
int bench_exec(int nsfd, char *const argv[], char *out, size_t outlen);
/* Reaps exited children we no longer track (dnsmasq is ours as pid 1). */
void bench_reap(void);
double bench_now_ms(void);

/* ---- stats.c ---- */
int bench_series_add(struct bench_series *s, const struct bench_run *r);
void bench_series_free(struct bench_series *s);
struct bench_stat bench_stat_of(const double *v, size_t n);
/* Over runs [from, to) of s, field selected by phase (PH__MAX: wall). */
struct bench_stat bench_series_stat(const struct bench_series *s, size_t from, size_t to, int phase);
long bench_series_maxrss(const struct bench_series *s);

/* ---- sandbox.c ---- */
/* Forks the benchmark into fresh pid+net+mount namespaces with base mounted
 * as tmpfs (unless on_disk), runs fn there and returns its exit status.
 * The caller stays in the host namespaces; every process started inside
 * dies with the pid namespace, whatever happens. */
int bench_sandbox_run(const char *base, bool on_disk, int (*fn)(void *), void *arg);
/* Inside: a fresh network namespace held by a sleeping child; *ret_fd is an
 * fd on it. */
int bench_netns_new(pid_t *ret_pid, int *ret_fd);
void bench_netns_free(pid_t pid, int fd);

/* ---- probe.c: what is running inside the sandbox ---- */
struct bench_daemons {
	unsigned procs, inotify, max_fds;
	long rss_kb, pss_kb;
	double cpu_ms;
};
void bench_probe_dnsmasq(struct bench_daemons *d);
/* DNS listeners (UDP port 53) in this namespace; with addr (host order,
 * 0 = any) only those on that address. */
unsigned bench_probe_dns_listeners(unsigned addr);
bool bench_probe_dhcp_listener(void);
long bench_probe_nft_chains(void);
void bench_probe_info(struct bench_info *info, const struct bench_opts *o);
/* Outside the sandbox: inotify instances held by uid-0 processes. */
int bench_probe_host_inotify_root(void);

/* ---- guest.c ---- */
int bench_lease_run(struct bench_ctx *ctx, struct bench_lease *out, const char *xml_path,
		    const char *name, const char *bridge, const char *mac);

/* ---- floor.c: what the machine itself needs ---- */
/* Copies the config netplumb gave dnsmasq for the running network 'default'
 * (and the files it names) into BASE/floor, pointing at each other there. */
int bench_floor_prepare(struct bench_ctx *ctx, char *msg, size_t len);
/* One floor sample: the bridge set up as netplumb does (untimed), dnsmasq
 * exec'd with the copied config until its first process exits (start),
 * dnsmasq stopped (untimed), ip link del of the bridge (destroy). */
int bench_floor_once(struct bench_ctx *ctx, double *start_ms, double *destroy_ms, char *msg,
		     size_t len);
/* ip link del of a bridge like netplumb's, named ifname with address
 * cidr, created first (untimed). */
int bench_floor_link_del(const char *ifname, const char *cidr, double *ms);

/* Wall ms of prog [arg] (fork to exit): what exec and dynamic linking of
 * a tool cost here; -1 if it failed. */
double bench_floor_exec(const char *prog, const char *arg);

/* ---- labs.c ---- */
int bench_labs_run(struct bench_ctx *ctx, struct bench_labs *l, unsigned n);

/* ---- goals.c: issue 19's summary ---- */
#define GOAL19_START 1.5   /* net-start / floor_start */
#define GOAL19_DESTROY 1.2 /* net-destroy / floor_destroy */
#define GOAL19_LABS 1.5    /* labs / n x (floor_start + floor_destroy) */
#define GOAL19_GROWTH 1.5  /* 1000th start / 10th start */
#define GOAL19_DESTROY_ALL 1.5 /* destroy all / n x floor_destroy */
#define GOAL19_N 1000
#define GOAL19_RSS_KB 8192
struct bench_goals {
	double floor_start, floor_destroy, start, destroy; /* medians, ms */
	double start_ratio, destroy_ratio;
	double labs_s, labs_floor_s, labs_ratio;
	const struct bench_scale *sc; /* the largest N with samples */
	double at10, atn, growth, growth_worst; /* medians of the runs' medians */
	double destroy_all_s, destroy_all_floor_s, destroy_all_ratio, floor_destroy_n;
};
void bench_goals_compute(const struct bench_results *r, struct bench_goals *g);
void bench_goals_text(FILE *f, const struct bench_results *r);

/* ---- peer.c ---- */
void bench_peer_run(const struct bench_opts *o, struct bench_peer *p);

/* ---- report.c ---- */
void bench_report_text(FILE *f, const struct bench_opts *o, const struct bench_results *r);
void bench_report_json(FILE *f, const struct bench_opts *o, const struct bench_results *r);

/* ---- xml written by the benchmark ---- */
int bench_write_file(const char *path, const char *text);
