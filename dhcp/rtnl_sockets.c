/* Which sockets /proc/net/netlink lists as rtnetlink ones (pure). */
#include "dhcp/dhcp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int np_rtnl_socket_inodes(const char *text, unsigned long *ret, size_t max)
{
	const char *l = text;
	size_t n = 0;

	while (l && *l) {
		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		unsigned long skip, inode;
		unsigned proto;
		char groups[16];
		int pid;

		if (sscanf(l, "%lx %u %d %15s %lu %lu %lu %lu %lu %lu", &skip, &proto, &pid, groups,
			   &skip, &skip, &skip, &skip, &skip, &inode) == 10 &&
		    proto == 0 && inode) {
			if (n == max)
				return -E2BIG;
			ret[n++] = inode;
		}
		/* the header and lines of another shape are skipped */
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return (int)n;
}
