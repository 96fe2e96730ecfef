#include "engine/hook_sys.h"

#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOOK_TIMEOUT_MAX 86400

/* NETPLUMB_HOOK_TIMEOUT in seconds (1..HOOK_TIMEOUT_MAX). */
static int hook_timeout(int *ret, struct np_err *err)
{
	const char *e = getenv("NETPLUMB_HOOK_TIMEOUT");
	char *end;
	long v;

	if (!e || !*e) {
		*ret = NP_HOOK_TIMEOUT_DEFAULT;
		return 0;
	}
	errno = 0;
	v = strtol(e, &end, 10);
	if (errno || *end || end == e || v < 1 || v > HOOK_TIMEOUT_MAX)
		return np_err_set(err, -EINVAL,
				  "NETPLUMB_HOOK_TIMEOUT='%s': not a number of seconds from 1 to %d", e,
				  HOOK_TIMEOUT_MAX);
	*ret = (int)v;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child between fork and exec: only async-signal-safe calls. */
static _Noreturn void child_exec(char *const argv[], int infd)
{
	static char env_path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char *const envp[] = { env_path, NULL };
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* a group of its own, so that a timeout kills what the hook started */
	setpgid(0, 0);
	/* ignored signals and the mask survive exec (netplumb ignores SIGPIPE) */
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(infd, 0) < 0)
		_exit(127);
	/* nothing of netplumb's (lock, netlink and nft sockets) reaches it */
	if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
		for (long fd = 3, max = sysconf(_SC_OPEN_MAX); fd < max && fd < 65536; fd++)
			close((int)fd);
	execve(argv[0], argv, envp);
	_exit(127);
}

int np_hook_run(const char *hooks_dir, const char *name, const char *op, const char *subop,
		const char *xml, struct np_err *err)
{
	static char dash[] = "-";
	char path[4096];
	char *const argv[] = { path, (char *)name, (char *)op, (char *)subop, dash, NULL };
	_np_close_ int pidfd = -1, wfd = -1;
	size_t len = strlen(xml);
	long long deadline;
	int pipefd[2], status, timeout = 0, r;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/network", hooks_dir);
	if (access(path, X_OK) < 0)
		return 0;
	r = hook_timeout(&timeout, err);
	if (r < 0)
		return r;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return np_err_set(err, -errno, "hook %s: %m", path);
	/* A hook that does not read its stdin must not make us die of SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return np_err_set(err, -errno, "hook %s: %m", path);
	}
	if (pid == 0)
		child_exec(argv, pipefd[0]);
	close(pipefd[0]);
	wfd = pipefd[1];
	/* also here, so the group exists whichever of us runs first (fails
	 * harmlessly once the child has exec'd) */
	setpgid(pid, pid);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 || fcntl(wfd, F_SETFL, O_NONBLOCK) < 0) {
		r = -errno;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return np_err_set(err, r, "hook %s: %s", path, strerror(-r));
	}

	/* The XML goes in as the hook reads it; the deadline covers both. */
	deadline = now_ms() + (long long)timeout * 1000;
	for (;;) {
		struct pollfd fds[2] = { { .fd = pidfd, .events = POLLIN },
					 { .fd = wfd, .events = POLLOUT } };
		long long left = deadline - now_ms();

		if (left <= 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			return np_err_set(err, -ETIMEDOUT,
					  "hook %s %s %s %s did not finish within %d s "
					  "(NETPLUMB_HOOK_TIMEOUT): killed",
					  path, name, op, subop, timeout);
		}
		if (poll(fds, wfd >= 0 ? 2 : 1, (int)left) < 0 && errno != EINTR)
			return np_err_set(err, -errno, "hook %s: poll: %m", path);
		if (fds[0].revents)
			break;
		if (wfd >= 0 && fds[1].revents) {
			ssize_t n = write(wfd, xml, len);

			if (n > 0) {
				xml += n;
				len -= (size_t)n;
			}
			/* done, or the hook closed its stdin (EPIPE) */
			if (len == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				close(wfd);
				wfd = -1;
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return np_err_set(err, -errno, "hook %s: %m", path);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return np_err_set(err, -ECANCELED, "hook %s %s %s %s failed (status %d)", path, name,
				  op, subop, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
