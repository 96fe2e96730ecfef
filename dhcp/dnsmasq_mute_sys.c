/* Unsubscribing a running dnsmasq from rtnetlink's multicast groups (acting).
 *
 * dnsmasq 2.90 joins the IPv4 and IPv6 address and route groups whatever its
 * configuration. The kernel then queues every address and route change of
 * the host to every dnsmasq and wakes each one, so with N networks running,
 * starting one more wakes N processes four times (address, local, broadcast
 * and prefix routes): on a 2-CPU host that made the 1000th start four times
 * slower than the 10th. A dnsmasq that binds its addresses once
 * (bind-interfaces) and does no IPv6 router advertisements or DHCPv6 has no
 * use for those events: they only make it re-read interfaces it never
 * re-binds. Group membership belongs to the socket, not to the process, so
 * a duplicate of dnsmasq's netlink socket taken through its pidfd can leave
 * the groups for it. Its own requests (address dumps) are unicast replies
 * and keep working. */
#include "dhcp/dhcp.h"
#include "dhcp/dnsmasq_priv.h"

#include "common/err.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int pidfd_getfd_(int pidfd, int fd)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

static bool is_rtnetlink(int fd)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) < 0 || v != AF_NETLINK)
		return false;
	l = sizeof(v);
	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) == 0 && v == NETLINK_ROUTE;
}

/* Leaves every group fd's socket is in; returns how many it left. */
static int leave_groups(int fd)
{
	uint32_t groups[4] = { 0 };
	socklen_t l = sizeof(groups);
	int n = 0;

	if (getsockopt(fd, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, groups, &l) < 0)
		return -errno;
	if (l > sizeof(groups))
		l = sizeof(groups);
	for (unsigned i = 0; i < l * 8; i++) {
		int group = (int)i + 1;

		if (!(groups[i / 32] & (1u << (i % 32))))
			continue;
		if (setsockopt(fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &group, sizeof(group)) < 0)
			return -errno;
		n++;
	}
	return n;
}

int np_dnsmasq_mute(const char *pidfile, const char *conf, int *ret_left, struct np_err *err)
{
	_np_close_ int pidfd = -1;
	char dir[64];
	DIR *d;
	struct dirent *e;
	pid_t pid;
	int r = 0, left = 0, found = 0;

	pidfd = np_dnsmasq_pin(pidfile, conf, &pid, err);
	if (pidfd < 0)
		return pidfd;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return np_err_set(err, -errno, "cannot list %s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		char link[320], target[32];
		ssize_t n;
		int fd, k;
		char *end;
		long v = strtol(e->d_name, &end, 10);

		if (*end || end == e->d_name || v < 0 || v > 1 << 20)
			continue;
		/* only sockets are worth a duplicate */
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 7 || strncmp(target, "socket:", 7))
			continue;
		fd = pidfd_getfd_(pidfd, (int)v);
		if (fd < 0)
			continue; /* closed meanwhile */
		if (is_rtnetlink(fd)) {
			found++;
			k = leave_groups(fd);
			if (k < 0 && r == 0)
				r = k;
			else if (k > 0)
				left += k;
		}
		close(fd);
	}
	closedir(d);
	if (r < 0)
		return np_err_set(err, r, "cannot unsubscribe dnsmasq (pid %d) from rtnetlink events: %s",
				  (int)pid, strerror(-r));
	if (!found)
		return np_err_set(err, -ENOENT, "dnsmasq (pid %d) has no rtnetlink socket", (int)pid);
	if (ret_left)
		*ret_left = left;
	return 0;
}
