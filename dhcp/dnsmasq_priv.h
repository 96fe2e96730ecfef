/* Process-identity and file helpers of the dnsmasq_*_sys.c files, shared
 * among them only (no other module uses them). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct np_err;

/* The pid in pidfile (never through a symlink): -ENOENT when there is no
 * file, -EINVAL when it holds no plausible pid. */
int np_dnsmasq_pidfile_read(const char *pidfile, pid_t *ret);

enum np_dnsmasq_match {
	NP_DNSMASQ_NONE,  /* gone, or not a dnsmasq of ours */
	NP_DNSMASQ_OTHER, /* our dnsmasq binary here, but running another config */
	NP_DNSMASQ_OURS,  /* our dnsmasq binary here with --conf-file=conf */
};
/* What pid is (dnsmasq_ident_sys.c): its /proc/PID/exe is binary (NULL:
 * np_dnsmasq_binary()), it is in our network namespace, and its cmdline is
 * dnsmasq with --conf-file=conf. The caller pins pid with a pidfd first and
 * checks it has not exited after, or the answer may be a newcomer's. */
enum np_dnsmasq_match np_dnsmasq_match(pid_t pid, const char *conf, const char *binary);
/* np_dnsmasq_match(pid, conf, NULL) == NP_DNSMASQ_OURS. */
bool np_dnsmasq_is_ours(pid_t pid, const char *conf);
bool np_dnsmasq_same_netns(pid_t pid);
/* A pidfd pinning the dnsmasq pidfile names, once np_dnsmasq_is_ours() and
 * it has not exited meanwhile (so the pid was not recycled under us);
 * *ret_pid is its pid. -ESRCH with err set when no such dnsmasq runs. */
int np_dnsmasq_pin(const char *pidfile, const char *conf, pid_t *ret_pid, struct np_err *err);

/* What a dnsmasq config (conf_files.c) tells about the files
 * dnsmasq will use: the last pid-file=, dhcp-leasefile=, user= and group=
 * lines (NULL when absent), and the files dnsmasq reads only after it
 * dropped root (dhcp-hostsfile=, dhcp-optsfile=, addn-hosts=,
 * servers-file=, resolv-file=). */
struct np_dnsmasq_files {
	char *pidfile, *leasefile, *user, *group;
	char **unprivileged;
	size_t n_unprivileged;
};
/* Parses config text (changed in place: lines are cut at their ends). */
int np_dnsmasq_files_parse_text(char *text, struct np_dnsmasq_files *ret);
/* Reads the config file conf (no symlink) and parses it. */
int np_dnsmasq_files_parse(const char *conf, struct np_dnsmasq_files *ret, struct np_err *err);
void np_dnsmasq_files_clear(struct np_dnsmasq_files *f);
/* The uid and gid dnsmasq runs as once it dropped root, as dnsmasq picks
 * them: user= (else "nobody"), group= (else "dip" when it exists, else the
 * user's group). false when dnsmasq will not drop root (we are not root,
 * the user is root or unknown). */
bool np_dnsmasq_drop_ids(const struct np_dnsmasq_files *f, uid_t *ret_uid, gid_t *ret_gid);
/* Creates dnsmasq's lease file before dnsmasq opens it (as root, following
 * symlinks): O_EXCL|O_NOFOLLOW, root's, 0644. An existing one must be a
 * regular file with one link, root's or ours: a symlink or hard link there
 * is refused, not written through. */
/* 1 when it made the file, 0 when a fit one was there. */
int np_dnsmasq_lease_prepare(const char *path, struct np_err *err);
/* Gives the pid file dnsmasq wrote (and chowned to its user) back to root,
 * so that no process of dnsmasq's user, which every dnsmasq on the host
 * shares, can point it at another process. */
int np_dnsmasq_pidfile_own(const char *pidfile, struct np_err *err);
