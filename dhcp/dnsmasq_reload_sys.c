/* Telling a running dnsmasq to re-read its hosts files (acting). The pid file
 * is trusted only once a pidfd pins the process and it is our dnsmasq with
 * our config (np_dnsmasq_match: executable, namespace, command line): a
 * stale pid file must never get a signal sent to whatever process now has
 * that pid. */
#include "dhcp/dhcp.h"
#include "dhcp/dnsmasq_priv.h"

#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal_(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static int not_running(const char *conf, struct np_err *err)
{
	return np_err_set(err, -ESRCH, "dnsmasq for %s is not running", conf);
}

int np_dnsmasq_pin(const char *pidfile, const char *conf, pid_t *ret_pid, struct np_err *err)
{
	_np_close_ int pidfd = -1;
	struct pollfd p;
	pid_t pid;
	int r;

	if (!pidfile || !conf)
		return -EINVAL;
	r = np_dnsmasq_pidfile_read(pidfile, &pid);
	if (r == -ENOENT || r == -EINVAL)
		return not_running(conf, err);
	if (r < 0)
		return np_err_set(err, r, "cannot read %s: %s", pidfile, strerror(-r));
	pidfd = pidfd_open_(pid);
	if (pidfd < 0) {
		if (errno == ESRCH)
			return not_running(conf, err);
		return np_err_set(err, -errno, "pidfd_open(%d): %s", (int)pid, strerror(errno));
	}
	if (!np_dnsmasq_is_ours(pid, conf))
		return not_running(conf, err);
	/* Exited before its cmdline was read: that cmdline may have been a
	 * newcomer's with the recycled pid. */
	p = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	if (poll(&p, 1, 0) > 0)
		return not_running(conf, err);
	*ret_pid = pid;
	r = pidfd;
	pidfd = -1;
	return r;
}

int np_dnsmasq_reload(const char *pidfile, const char *conf, struct np_err *err)
{
	_np_close_ int pidfd = -1;
	pid_t pid;

	pidfd = np_dnsmasq_pin(pidfile, conf, &pid, err);
	if (pidfd < 0)
		return pidfd;
	if (pidfd_signal_(pidfd, SIGHUP) < 0) {
		if (errno == ESRCH)
			return not_running(conf, err);
		return np_err_set(err, -errno, "cannot signal dnsmasq (pid %d): %s", (int)pid,
				  strerror(errno));
	}
	return 0;
}
