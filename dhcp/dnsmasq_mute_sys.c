/* Taking a running dnsmasq out of rtnetlink's multicast groups (acting).
 *
 * dnsmasq joins the address and route groups whatever its config, so every
 * address or route change of the host wakes every dnsmasq: with N networks,
 * each start wakes N processes and the N-th start grows with N. A dnsmasq
 * that binds its addresses once and does no IPv6 (np_dhcp_ignores_addr_events)
 * has no use for those events. Group membership belongs to the socket, so a
 * duplicate of its rtnetlink socket can leave the groups for it. */
#include "dhcp/dhcp.h"
#include "dhcp/dnsmasq_priv.h"

#include "common/err.h"
#include "common/fileio.h"
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
#define PROC_NETLINK_MAX (16u << 20)

static int pidfd_getfd_(int pidfd, int fd)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

/* Leaves every group the socket fd is in; the number it left, or -errno. */
static int leave_groups(int fd)
{
	uint32_t groups[8] = { 0 };
	socklen_t len = sizeof(groups);
	int n = 0;

	if (getsockopt(fd, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, groups, &len) < 0)
		return -errno;
	if (len > sizeof(groups))
		len = sizeof(groups);
	for (unsigned i = 0; i < len * 8; i++) {
		int group = (int)i + 1;

		if (!(groups[i / 32] & (1u << (i % 32))))
			continue;
		if (setsockopt(fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &group, sizeof(group)) < 0)
			return -errno;
		n++;
	}
	return n;
}

static bool listed(unsigned long inode, const unsigned long *inodes, int n)
{
	for (int i = 0; i < n; i++)
		if (inodes[i] == inode)
			return true;
	return false;
}

/* The fd of pid whose socket is one of inodes; -ENOENT when none is. */
static int find_fd(pid_t pid, const unsigned long *inodes, int n)
{
	char dir[64];
	struct dirent *e;
	DIR *d;
	int r = -ENOENT;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return -errno;
	while (r < 0 && (e = readdir(d))) {
		char link[320], target[64];
		unsigned long inode;
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		ssize_t len;

		if (*end || end == e->d_name || fd < 0 || fd > INT32_MAX)
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (sscanf(target, "socket:[%lu]", &inode) == 1 && listed(inode, inodes, n))
			r = (int)fd;
	}
	closedir(d);
	return r;
}

/* The groups left by the pinned dnsmasq pid: 0 when nothing could be done. */
static int mute_pinned(int pidfd, pid_t pid)
{
	_np_free_ unsigned long *inodes = NULL;
	_np_free_ char *table = NULL;
	_np_close_ int dup = -1;
	size_t rows = 1;
	char path[64];
	int n, fd;

	/* the namespace's every netlink socket, one row each */
	snprintf(path, sizeof(path), "/proc/%d/net/netlink", (int)pid);
	if (np_file_read(path, PROC_NETLINK_MAX, &table, NULL) < 0)
		return 0;
	for (const char *c = table; *c; c++)
		rows += *c == '\n';
	inodes = calloc(rows, sizeof(*inodes));
	if (!inodes)
		return 0;
	n = np_rtnl_socket_inodes(table, inodes, rows);
	fd = n > 0 ? find_fd(pid, inodes, n) : -ENOENT;
	if (fd < 0)
		return 0;
	dup = pidfd_getfd_(pidfd, fd);
	n = dup < 0 ? 0 : leave_groups(dup);
	return n < 0 ? 0 : n;
}

int np_dnsmasq_mute(const char *pidfile, const char *conf, int *ret_left, struct np_err *err)
{
	_np_close_ int pidfd = -1;
	pid_t pid;
	int left;

	pidfd = np_dnsmasq_pin(pidfile, conf, &pid, err);
	if (pidfd < 0)
		return pidfd;
	/* what cannot be done leaves dnsmasq as it was: still serving */
	left = mute_pinned(pidfd, pid);
	if (ret_left)
		*ret_left = left;
	return 0;
}
