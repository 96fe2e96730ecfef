/* The reaper process: see reaper_sys.h. */
#include "engine/reaper_sys.h"

#include "common/util.h"
#include "engine/reaper.h"
#include "engine/timing.h"
#include "netlink/nl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS 5

/* The store's run dir, from np_engine_reap_setup(); NULL: no store. */
static const char *reap_run_dir;

void np_engine_reap_setup(const char *run_dir)
{
	reap_run_dir = run_dir;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int lock_ex(int fd)
{
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int delete_now(void)
{
	struct np_nl *nl = NULL;
	int r = np_nl_open(&nl);

	if (r < 0)
		return r;
	r = np_nl_retired_delete_all(nl, NULL, NULL);
	np_nl_close(nl);
	return r < 0 ? r : 0;
}

struct reaper {
	struct np_nl *nl;
	int lock_fd; /* the store lock, an open file of our own */
	bool held;
	bool first;
	struct np_reap_window w;
};

/* Takes the store lock once the idle window says so. */
static int take_lock(struct reaper *rp)
{
	int r;

	for (;;) {
		bool got = flock(rp->lock_fd, LOCK_EX | LOCK_NB) == 0;

		if (!got && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		switch (np_reap_window_step(&rp->w, got, np_time_ns())) {
		case NP_REAP_KEEP:
			rp->held = true;
			return 0;
		case NP_REAP_RELEASE:
			flock(rp->lock_fd, LOCK_UN);
			sleep_ms(POLL_MS);
			break;
		case NP_REAP_WAIT:
			sleep_ms(POLL_MS);
			break;
		case NP_REAP_BLOCK:
			r = lock_ex(rp->lock_fd);
			if (r < 0)
				return r;
			rp->held = true;
			return 0;
		}
	}
}

/* Between two deletions: a command blocked on the store lock gets it (the
 * pause lets it run before we try again) and we go back to waiting. */
static bool between(void *arg)
{
	struct reaper *rp = arg;

	if (rp->first) {
		rp->first = false;
		return true;
	}
	flock(rp->lock_fd, LOCK_UN);
	rp->held = false;
	sleep_ms(1);
	if (flock(rp->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		np_reap_window_busy(&rp->w);
		return false;
	}
	rp->held = true;
	return true;
}

static bool never(void *arg)
{
	return false;
}

/* Deletes retired links until none is left. */
static int reap(struct reaper *rp, long idle_ms, long max_ms)
{
	int left, r;

	np_reap_window_start(&rp->w, idle_ms, max_ms, np_time_ns());
	do {
		r = take_lock(rp);
		if (r < 0)
			return r;
		rp->first = true;
		left = np_nl_retired_delete_all(rp->nl, between, rp);
		if (rp->held)
			flock(rp->lock_fd, LOCK_UN);
		rp->held = false;
	} while (left > 0);
	return left;
}

/* Without a store lock to wait for (NETPLUMB_REAP_MAX_MS=0, or the run
 * dir is gone): deletes at once. */
static int reap_now(struct np_nl *nl)
{
	int left;

	do
		left = np_nl_retired_delete_all(nl, NULL, NULL);
	while (left > 0);
	return left;
}

void np_engine_idle_hold(void)
{
	_np_free_ char *lock_path = NULL;
	struct reaper rp = { .lock_fd = -1 };
	long idle_ms, max_ms;
	int fd;

	idle_ms = np_reap_ms_parse(getenv("NETPLUMB_REAP_IDLE_MS"), NP_REAP_IDLE_MS_DEFAULT);
	max_ms = np_reap_ms_parse(getenv("NETPLUMB_REAP_MAX_MS"), NP_REAP_MAX_MS_DEFAULT);
	if (!reap_run_dir || max_ms == 0 || asprintf(&lock_path, "%s/lock", reap_run_dir) < 0)
		return;
	fd = open(lock_path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	/* high, so that a close_range() over the caller's fds lets it go last */
	rp.lock_fd = fcntl(fd, F_DUPFD_CLOEXEC, 900);
	close(fd);
	if (rp.lock_fd < 0)
		return;
	np_reap_window_start(&rp.w, idle_ms, max_ms, np_time_ns());
	if (take_lock(&rp) < 0) {
		close(rp.lock_fd);
		return;
	}
	/* kept locked until the process exits */
}

static _Noreturn void reaper_main(const char *run_dir, int reaper_fd)
{
	_np_free_ char *lock_path = NULL, *reaper_path = NULL;
	struct reaper rp = { .lock_fd = -1 };
	long idle_ms, max_ms;
	int fd, r;

	setsid();
	prctl(PR_SET_NAME, "np-reaper", 0, 0, 0);
	/* Keep nothing of the caller's: not its stdout or stderr (a shell's
	 * $(...) and a benchmark wait for their end), not the store lock's
	 * open file (it would stay locked), not its directory. reaper_fd
	 * moves out of the way first: it is 0..2 when the caller had no
	 * stdin. */
	reaper_fd = fcntl(reaper_fd, F_DUPFD, 64);
	if (reaper_fd < 0)
		_exit(1);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (dup2(reaper_fd, 3) < 0)
		_exit(1);
	syscall(SYS_close_range, 4U, ~0U, 0);
	reaper_fd = 3;
	if (chdir("/") < 0 || asprintf(&lock_path, "%s/lock", run_dir) < 0 ||
	    asprintf(&reaper_path, "%s/reaper.lock", run_dir) < 0)
		_exit(1);
	idle_ms = np_reap_ms_parse(getenv("NETPLUMB_REAP_IDLE_MS"), NP_REAP_IDLE_MS_DEFAULT);
	max_ms = np_reap_ms_parse(getenv("NETPLUMB_REAP_MAX_MS"), NP_REAP_MAX_MS_DEFAULT);
	if (np_nl_open(&rp.nl) < 0)
		_exit(1);
	if (max_ms > 0)
		rp.lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	for (;;) {
		/* Errors end the reaper quietly: its namespace or run dir
		 * may be gone; the next reaper finds what is left. */
		r = rp.lock_fd < 0 ? reap_now(rp.nl) : reap(&rp, idle_ms, max_ms);
		if (r < 0)
			_exit(1);
		/* A link retired after our last dump, by a command that found
		 * reaper.lock taken, was left to us: look once more with
		 * reaper.lock released, so that any later one starts a
		 * reaper of its own. */
		close(reaper_fd);
		if (np_nl_retired_delete_all(rp.nl, never, NULL) <= 0)
			_exit(0);
		reaper_fd = open(reaper_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (reaper_fd < 0 || flock(reaper_fd, LOCK_EX | LOCK_NB) < 0)
			_exit(0);
	}
}

int np_engine_reap_spawn(void)
{
	_np_free_ char *path = NULL;
	_np_close_ int fd = -1;
	pid_t pid;

	if (!reap_run_dir)
		return delete_now();
	if (asprintf(&path, "%s/reaper.lock", reap_run_dir) < 0)
		return -ENOMEM;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return delete_now();
	/* Held by a running reaper: it looks for retired links once more
	 * after letting go of it, and then sees ours. */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? 0 : delete_now();
	/* One fork, not waited for: the child has its own session and is
	 * reaped by init (or a subreaper) once we exit. The child's copy of
	 * fd keeps reaper.lock locked after ours is closed. */
	pid = fork();
	if (pid < 0)
		return delete_now();
	if (pid == 0)
		reaper_main(reap_run_dir, fd);
	return 0;
}
