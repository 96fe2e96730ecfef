/* Starting and stopping dnsmasq (acting). No shell anywhere: an explicit
 * argv, an empty environment, and a pid file that is trusted only once the
 * process it names, pinned by a pidfd, is our dnsmasq binary in our network
 * namespace running our config (np_dnsmasq_match). */
#include "dhcp/dhcp.h"
#include "dhcp/dnsmasq_priv.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* dnsmasq's first process exits once the daemon is ready; a start that takes
 * longer than this is hung. */
#define START_TIMEOUT_MS 30000
/* SIGTERM, then this long before SIGKILL, then this long again. */
#define STOP_TIMEOUT_MS 2000
#define STDERR_MAX 4096

static int sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int sys_pidfd_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

const char *np_dnsmasq_default_user(void)
{
	return getpwnam("dnsmasq") ? "dnsmasq" : "nobody";
}

static int np_steal_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until pidfd reports the process gone; 1 when it did within ms. */
static int wait_exit(int pidfd, int ms)
{
	long long end = now_ms() + ms;

	for (;;) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		long long left = end - now_ms();
		int r;

		r = poll(&p, 1, left > 0 ? (int)left : 0);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

static int read_pidfile(const char *pidfile, pid_t *ret)
{
	_np_free_ char *text = NULL;
	char *end;
	long v;
	int r;

	r = np_file_read_nofollow(pidfile, 64, &text, NULL);
	if (r < 0)
		return r == -EFBIG ? -EINVAL : r;
	errno = 0;
	v = strtol(text, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || end == text || *end || v <= 1 || v > (1 << 22))
		return -EINVAL;
	*ret = (pid_t)v;
	return 0;
}

static bool is_our_dnsmasq(pid_t pid, const char *conf, const char *binary)
{
	return np_dnsmasq_match(pid, conf, binary) == NP_DNSMASQ_OURS;
}

/* Whether pidfd's process has exited (so what was read about its pid may
 * be a newcomer's). */
static bool exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

int np_dnsmasq_running(const char *pidfile, const char *conf)
{
	_np_close_ int pidfd = -1;
	pid_t pid;

	if (read_pidfile(pidfile, &pid) < 0)
		return 0;
	pidfd = sys_pidfd_open(pid);
	if (pidfd < 0 || !is_our_dnsmasq(pid, conf, NULL) || exited(pidfd))
		return 0;
	return 1;
}

/* What the child checks before it execs dnsmasq: that dnsmasq's user can
 * read the files dnsmasq reads after dropping root. */
struct read_check {
	bool on;
	uid_t uid;
	gid_t gid;
	char *const *paths;
	size_t n;
};

/* What the child reports on its exec pipe, if anything: errno of a failed
 * exec (file -1), or of the unreadable file at index file. */
struct child_report {
	int err;
	int file;
};

/* Moves fd to 3 or above (keeping close-on-exec), so the child's dup2 onto
 * 0..2 never clobbers it. */
static int fd_above_stdio(int fd)
{
	int nfd;

	if (fd < 0 || fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return nfd;
}

static void close_from(int lowfd)
{
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0)
		return;
	for (long fd = lowfd, max = sysconf(_SC_OPEN_MAX); fd < max && fd < 65536; fd++)
		close((int)fd);
}

/* In the child: opens each file as dnsmasq's user will (fsuid/fsgid, no
 * supplementary groups: dnsmasq drops them too), then goes back to root.
 * Index of the first file that user may not read, or -1. */
static int child_check_reads(const struct read_check *c, int *ret_errno)
{
	long old_uid, old_gid;
	int bad = -1;

	if (!c->on || syscall(SYS_setgroups, 0, NULL) < 0)
		return -1;
	old_gid = syscall(SYS_setfsgid, c->gid);
	old_uid = syscall(SYS_setfsuid, c->uid);
	/* setfsuid() cannot fail visibly: ask what it is now */
	if (syscall(SYS_setfsuid, -1) == (long)c->uid && syscall(SYS_setfsgid, -1) == (long)c->gid)
		for (size_t i = 0; i < c->n && bad < 0; i++) {
			int fd = open(c->paths[i], O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

			if (fd >= 0)
				close(fd);
			else if (errno == EACCES) {
				*ret_errno = errno;
				bad = (int)i;
			}
		}
	syscall(SYS_setfsuid, old_uid);
	syscall(SYS_setfsgid, old_gid);
	return bad;
}

/* In the child between vfork and exec: only async-signal-safe calls. */
static _Noreturn void child_exec(const char *binary, char *const argv[], int nullfd, int errfd,
				 int execfd, const struct read_check *check)
{
	static char *const envp[] = { NULL };
	struct sigaction sa = { .sa_handler = SIG_DFL };
	struct child_report rep = { .file = -1 };
	sigset_t all;

	/* ignored signals and the mask survive exec; dnsmasq expects defaults */
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (dup2(nullfd, 0) < 0 || dup2(nullfd, 1) < 0 || dup2(errfd, 2) < 0 ||
	    dup2(execfd, 3) < 0)
		goto fail;
	/* fd 3 reports an exec failure: it must survive until exec, then close */
	if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0)
		goto fail;
	close_from(4);
	rep.file = child_check_reads(check, &rep.err);
	if (rep.file >= 0) {
		(void)!write(3, &rep, sizeof(rep));
		_exit(126);
	}
	execve(binary, argv, envp);
fail:
	rep.err = errno;
	rep.file = -1;
	(void)!write(3, &rep, sizeof(rep));
	_exit(127);
}

/* vfork: the child borrows netplumb's memory until it execs dnsmasq, so no
 * copy of our page tables is made and torn down again on every start (fork
 * did that, a few ms of the start). Signals stay blocked until the child
 * has reset every handler; child_exec only makes raw, per-task calls. */
static __attribute__((noinline)) pid_t spawn_child(const char *binary, char *const argv[],
						    int nullfd, int errfd, int execfd,
						    const struct read_check *check)
{
	sigset_t all, old;
	pid_t pid;
	int e;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = vfork();
	if (pid == 0)
		child_exec(binary, argv, nullfd, errfd, execfd, check);
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return pid;
}

/* Reads what is there without blocking, keeping at most STDERR_MAX bytes;
 * false once every writer has closed the pipe. */
static bool drain(int fd, char *buf, size_t *len)
{
	for (;;) {
		char tmp[512];
		ssize_t n = read(fd, tmp, sizeof(tmp));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0;
		for (ssize_t i = 0; i < n && *len < STDERR_MAX - 1; i++)
			buf[(*len)++] = tmp[i];
		buf[*len] = '\0';
	}
}

/* The first non-empty line of dnsmasq's stderr, without its "dnsmasq: ". */
static const char *first_line(char *buf)
{
	char *line = buf;

	while (*line == '\n')
		line++;
	line[strcspn(line, "\n")] = '\0';
	if (!strncmp(line, "dnsmasq: ", 9))
		line += 9;
	return line;
}

static int start_failed(const int status, char *errbuf, struct np_err *err)
{
	const char *msg = first_line(errbuf);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	/* dnsmasq exits 1 for a bad config, 2 for a network problem (address
	 * in use), 3 for a file, 4 for memory, 5 for anything else */
	int r = code == 1 ? -EINVAL : code == 2 ? -EADDRINUSE : code == 4 ? -ENOMEM : -EIO;

	if (*msg)
		return np_err_set(err, r, "dnsmasq: %s", msg);
	return np_err_set(err, r, "dnsmasq exited with status %d", code);
}

/* A spawned dnsmasq whose first process has not been waited for yet. */
struct np_dnsmasq_starting {
	char *binary, *conf, *pidfile;
	struct np_dnsmasq_files files; /* what conf names */
	pid_t child;
	int child_fd; /* pidfd of the first process */
	int errr;     /* its stderr */
	int execr;    /* errno of a failed exec, or EOF once exec'd */
	bool lease_created; /* the lease file is new: a failed start removes it */
};

void np_dnsmasq_starting_free(struct np_dnsmasq_starting *s)
{
	if (!s)
		return;
	free(s->binary);
	free(s->conf);
	free(s->pidfile);
	np_dnsmasq_files_clear(&s->files);
	if (s->child_fd >= 0)
		close(s->child_fd);
	if (s->errr >= 0)
		close(s->errr);
	if (s->execr >= 0)
		close(s->execr);
	free(s);
}

static void starting_freep(struct np_dnsmasq_starting **s)
{
	np_dnsmasq_starting_free(*s);
}

int np_dnsmasq_spawn(const char *binary, const char *conf, const char *pidfile,
		     struct np_dnsmasq_starting **ret, struct np_err *err)
{
	_np_free_ char *conf_arg = NULL;
	_np_close_ int nullfd = -1, errw = -1, execw = -1;
	np_cleanup(starting_freep) struct np_dnsmasq_starting *s = NULL;
	struct read_check check = { 0 };
	int p[2], r;

	if (!binary)
		binary = np_dnsmasq_binary();
	if (!conf || !pidfile)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->child_fd = s->errr = s->execr = -1;
	r = np_dnsmasq_files_parse(conf, &s->files, err);
	if (r < 0)
		return r;
	/* The pid file is how stop finds the daemon, so the config must name it. */
	if (!s->files.pidfile || strcmp(s->files.pidfile, pidfile))
		return np_err_set(err, -EINVAL, "%s: no 'pid-file=%s' line", conf, pidfile);
	if (np_dnsmasq_running(pidfile, conf))
		return np_err_set(err, -EALREADY, "dnsmasq for %s is already running", conf);
	/* a leftover pid file would be mistaken for the new daemon's */
	r = np_file_remove(pidfile);
	if (r < 0)
		return np_err_set(err, r, "cannot remove stale %s: %s", pidfile, strerror(-r));
	if (s->files.leasefile) {
		r = np_dnsmasq_lease_prepare(s->files.leasefile, err);
		if (r < 0)
			return r;
		s->lease_created = r == 1;
	}
	check.on = np_dnsmasq_drop_ids(&s->files, &check.uid, &check.gid);
	check.paths = s->files.unprivileged;
	check.n = s->files.n_unprivileged;
	s->binary = strdup(binary);
	s->conf = strdup(conf);
	s->pidfile = strdup(pidfile);
	if (!s->binary || !s->conf || !s->pidfile || asprintf(&conf_arg, "--conf-file=%s", conf) < 0) {
		conf_arg = NULL;
		return -ENOMEM;
	}

	nullfd = fd_above_stdio(open("/dev/null", O_RDWR | O_CLOEXEC));
	if (nullfd < 0 || pipe2(p, O_CLOEXEC) < 0)
		return np_err_set(err, -errno, "dnsmasq: cannot set up pipes: %s", strerror(errno));
	s->errr = fd_above_stdio(p[0]);
	errw = fd_above_stdio(p[1]);
	if (s->errr < 0 || errw < 0 || pipe2(p, O_CLOEXEC) < 0)
		return np_err_set(err, -errno, "dnsmasq: cannot set up pipes: %s", strerror(errno));
	s->execr = fd_above_stdio(p[0]);
	execw = fd_above_stdio(p[1]);
	if (s->execr < 0 || execw < 0 || fcntl(s->errr, F_SETFL, O_NONBLOCK) < 0)
		return np_err_set(err, -errno, "dnsmasq: cannot set up pipes: %s", strerror(errno));

	{
		char *const argv[] = { (char *)"dnsmasq", conf_arg, NULL };

		s->child = spawn_child(binary, argv, nullfd, errw, execw, &check);
		if (s->child < 0)
			return np_err_set(err, -errno, "dnsmasq: vfork: %s", strerror(errno));
	}
	/* dnsmasq's first process exits when the daemon is ready or failed */
	s->child_fd = sys_pidfd_open(s->child);
	if (s->child_fd < 0) {
		r = -errno;
		kill(s->child, SIGKILL);
		waitpid(s->child, NULL, 0);
		return np_err_set(err, r, "pidfd_open: %s", strerror(-r));
	}
	*ret = np_steal(&s);
	return 0;
}

int np_dnsmasq_wait_ready(struct np_dnsmasq_starting *s, pid_t *ret_pid, struct np_err *err)
{
	char errbuf[STDERR_MAX] = "";
	size_t errlen = 0;
	bool err_open = true;
	int status = 0;
	struct child_report rep;
	long long deadline;
	pid_t pid;
	int r;

	/* exec failure: the child wrote a report before closing the pipe */
	while ((r = (int)read(s->execr, &rep, sizeof(rep))) < 0 && errno == EINTR)
		;
	if (r == (int)sizeof(rep)) {
		waitpid(s->child, NULL, 0);
		if (rep.file >= 0 && (size_t)rep.file < s->files.n_unprivileged)
			return np_err_set(err, -EACCES,
					  "dnsmasq drops root to user '%s', who cannot read %s: %s "
					  "(each directory above it must be searchable by that user)",
					  s->files.user ? s->files.user : "nobody",
					  s->files.unprivileged[rep.file], strerror(rep.err));
		return np_err_set(err, -rep.err, "cannot execute %s: %s", s->binary,
				  strerror(rep.err));
	}

	deadline = now_ms() + START_TIMEOUT_MS;
	for (;;) {
		/* a negative fd is skipped by poll: stderr already at EOF */
		struct pollfd fds[2] = { { .fd = s->child_fd, .events = POLLIN },
					 { .fd = err_open ? s->errr : -1, .events = POLLIN } };
		long long left = deadline - now_ms();

		if (left <= 0) {
			sys_pidfd_signal(s->child_fd, SIGKILL);
			waitpid(s->child, NULL, 0);
			/* the daemon may be up even though its parent hung */
			np_dnsmasq_stop(s->pidfile, s->conf, NULL);
			return np_err_set(err, -ETIMEDOUT, "dnsmasq did not start within %d s",
					  START_TIMEOUT_MS / 1000);
		}
		if (poll(fds, 2, (int)left) < 0 && errno != EINTR)
			return np_err_set(err, -errno, "poll: %s", strerror(errno));
		if (fds[1].revents)
			err_open = drain(s->errr, errbuf, &errlen);
		if (fds[0].revents)
			break;
	}
	while (waitpid(s->child, &status, 0) < 0)
		if (errno != EINTR)
			return np_err_set(err, -errno, "waitpid: %s", strerror(errno));
	drain(s->errr, errbuf, &errlen);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return start_failed(status, errbuf, err);

	/* dnsmasq gave it to its user: take it back before trusting it */
	r = np_dnsmasq_pidfile_own(s->pidfile, err);
	if (r < 0)
		return r;
	r = read_pidfile(s->pidfile, &pid);
	if (r < 0)
		return np_err_set(err, r, "dnsmasq started but %s names no process: %s", s->pidfile,
				  strerror(-r));
	if (!is_our_dnsmasq(pid, s->conf, s->binary))
		return np_err_set(err, -ESRCH, "dnsmasq (pid %d) exited right after starting",
				  (int)pid);
	if (ret_pid)
		*ret_pid = pid;
	return 0;
}

int np_dnsmasq_abort(struct np_dnsmasq_starting *s, struct np_err *err)
{
	struct np_err ignored = { { 0 } };

	/* The first process must be done before the pid file can be trusted
	 * (or its absence): killing it would not stop a daemon it has already
	 * forked. wait_ready() kills a start that hangs. */
	np_dnsmasq_wait_ready(s, NULL, &ignored);
	return np_dnsmasq_stop(s->pidfile, s->conf, err);
}

int np_dnsmasq_start(const char *binary, const char *conf, const char *pidfile, pid_t *ret_pid,
		     bool *ret_new_leases, struct np_err *err)
{
	np_cleanup(starting_freep) struct np_dnsmasq_starting *s = NULL;
	int r;

	r = np_dnsmasq_spawn(binary, conf, pidfile, &s, err);
	if (r < 0)
		return r;
	r = np_dnsmasq_wait_ready(s, ret_pid, err);
	/* a failed start leaves nothing behind, a new empty lease file neither */
	if (r < 0 && s->lease_created)
		(void)np_file_remove(s->files.leasefile);
	if (r >= 0 && ret_new_leases)
		*ret_new_leases = s->lease_created;
	return r;
}

/* A dnsmasq told to stop whose exit has not been waited for yet. */
struct np_dnsmasq_stopping {
	char *pidfile;
	pid_t pid;
	int pidfd;
};

static void stopping_free(struct np_dnsmasq_stopping *s)
{
	if (!s)
		return;
	if (s->pidfd >= 0)
		close(s->pidfd);
	free(s->pidfile);
	free(s);
}

static int remove_pidfile(const char *pidfile, struct np_err *err)
{
	int r = np_file_remove(pidfile);

	return r < 0 ? np_err_set(err, r, "cannot remove %s: %s", pidfile, strerror(-r)) : 0;
}

/* Terminates pidfd's process: SIGTERM, STOP_TIMEOUT_MS, SIGKILL, as long
 * again. 0 once it is gone. */
static int terminate(int pidfd, bool signalled)
{
	int r;

	if (!signalled && sys_pidfd_signal(pidfd, SIGTERM) < 0 && errno != ESRCH)
		return -errno;
	r = wait_exit(pidfd, STOP_TIMEOUT_MS);
	if (r == 0) {
		sys_pidfd_signal(pidfd, SIGKILL);
		r = wait_exit(pidfd, STOP_TIMEOUT_MS);
	}
	return r < 0 ? r : r == 0 ? -ETIMEDOUT : 0;
}

/* With no pid file naming it, a dnsmasq of ours can still be on its way up:
 * netplumb killed between spawning it and its readiness. Every process of
 * this network namespace whose cmdline is dnsmasq with our config is one of
 * its three (first, middle, daemon); stopping them in rounds catches a
 * daemon forked while the first round ran. Pids are pinned by a pidfd before
 * the second look at cmdline, as in np_dnsmasq_stop(). */
static void stop_strays(const char *conf)
{
	for (int round = 0; round < 4; round++) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		int found = 0;

		if (!d)
			return;
		while ((de = readdir(d))) {
			char *end;
			long v = strtol(de->d_name, &end, 10);
			_np_close_ int pidfd = -1;

			if (*end || v <= 1 || v == getpid() || !is_our_dnsmasq((pid_t)v, conf, NULL))
				continue;
			pidfd = sys_pidfd_open((pid_t)v);
			if (pidfd < 0 || !is_our_dnsmasq((pid_t)v, conf, NULL) || exited(pidfd))
				continue;
			found++;
			terminate(pidfd, false);
		}
		closedir(d);
		if (!found)
			return;
	}
}

int np_dnsmasq_stop_begin(const char *pidfile, const char *conf,
			  struct np_dnsmasq_stopping **ret, struct np_err *err)
{
	_np_close_ int pidfd = -1;
	struct np_dnsmasq_stopping *s;
	pid_t pid;
	int r;

	*ret = NULL;
	r = read_pidfile(pidfile, &pid);
	if (r == -ENOENT || r == -EINVAL)
		/* nothing of ours runs under it: stop_finish() looks further */
		return 0;
	if (r < 0)
		return np_err_set(err, r, "cannot read %s: %s", pidfile, strerror(-r));

	/* The pidfd pins the process: once it is open, the pid cannot be
	 * reused for another process while we check and signal. */
	pidfd = sys_pidfd_open(pid);
	if (pidfd < 0) {
		if (errno == ESRCH)
			return 0;
		return np_err_set(err, -errno, "pidfd_open(%d): %s", (int)pid, strerror(errno));
	}
	/* A stale pid file may name any process by now: never signal one that
	 * is not our dnsmasq. If the pidfd's process died before cmdline was
	 * read, the cmdline may be a newcomer's, hence the poll after. */
	if (!is_our_dnsmasq(pid, conf, NULL) || exited(pidfd))
		return 0;
	if (sys_pidfd_signal(pidfd, SIGTERM) < 0 && errno != ESRCH)
		return np_err_set(err, -errno, "cannot stop dnsmasq (pid %d): %s", (int)pid,
				  strerror(errno));
	s = calloc(1, sizeof(*s));
	if (!s || !(s->pidfile = strdup(pidfile))) {
		free(s);
		/* signalled already: the plain stop waits for it */
		return 0;
	}
	s->pid = pid;
	s->pidfd = np_steal_fd(&pidfd);
	*ret = s;
	return 0;
}

int np_dnsmasq_stop_finish(struct np_dnsmasq_stopping *s, const char *pidfile, const char *conf,
			   struct np_err *err)
{
	int r;

	if (s) {
		r = terminate(s->pidfd, true);
		if (r < 0) {
			np_err_set(err, r, "dnsmasq (pid %d) did not exit after SIGKILL", (int)s->pid);
			stopping_free(s);
			return r;
		}
		stopping_free(s);
		/* it was the daemon the pid file named, fully started */
		return remove_pidfile(pidfile, err);
	}
	return np_dnsmasq_stop(pidfile, conf, err);
}

int np_dnsmasq_stop(const char *pidfile, const char *conf, struct np_err *err)
{
	_np_close_ int pidfd = -1;
	pid_t pid;
	int r;

	r = read_pidfile(pidfile, &pid);
	if (r == -ENOENT) {
		stop_strays(conf);
		return 0;
	}
	if (r == -EINVAL)
		/* not a pid: nothing of ours can be running under it */
		goto gone;
	if (r < 0)
		return np_err_set(err, r, "cannot read %s: %s", pidfile, strerror(-r));

	pidfd = sys_pidfd_open(pid);
	if (pidfd < 0) {
		if (errno == ESRCH)
			goto gone;
		return np_err_set(err, -errno, "pidfd_open(%d): %s", (int)pid, strerror(errno));
	}
	/* See np_dnsmasq_stop_begin(). Another network's dnsmasq keeps the
	 * file: removing it could orphan that daemon, and start() clears it
	 * anyway. */
	switch (np_dnsmasq_match(pid, conf, NULL)) {
	case NP_DNSMASQ_NONE:
		goto gone;
	case NP_DNSMASQ_OTHER:
		return 0;
	case NP_DNSMASQ_OURS:
		break;
	}
	if (exited(pidfd))
		goto gone;

	r = terminate(pidfd, false);
	if (r < 0)
		return np_err_set(err, r, "cannot stop dnsmasq (pid %d): %s", (int)pid,
				  r == -ETIMEDOUT ? "it did not exit after SIGKILL" : strerror(-r));
	return remove_pidfile(pidfile, err);
gone:
	stop_strays(conf);
	return remove_pidfile(pidfile, err);
}

/* For dnsmasq_reload_sys.c, through dnsmasq_priv.h. */
int np_dnsmasq_pidfile_read(const char *pidfile, pid_t *ret)
{
	return read_pidfile(pidfile, ret);
}
