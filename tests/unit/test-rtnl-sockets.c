/* np_rtnl_socket_inodes: the rtnetlink rows of /proc/net/netlink. */
#include "check.h"
#include "dhcp/dhcp.h"

#include <errno.h>

int main(void)
{
	/* a dnsmasq's route socket in groups 0x550, an nf_tables one (12),
	 * a generic netlink one (16), an unsubscribed route socket, a line
	 * cut short */
	static const char table[] =
		"sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    "
		"Inode\n"
		"ffff8f0b4a1b6000 0   4123       00000550 0        0        0     2        0        "
		"71234\n"
		"ffff8f0b4a1b6800 12  0          00000000 0        0        0     2        0        "
		"71235\n"
		"ffff8f0b4a1b7000 16  -4100      00000000 0        0        0     2        0        "
		"71236\n"
		"ffff8f0b4a1b7800 0   -4200      00000000 0        0        0     2        0        "
		"71237\n"
		"ffff8f0b4a1b8000 0   4300       00000550 0\n";
	unsigned long ino[4] = { 0 };

	CHECK(np_rtnl_socket_inodes(table, ino, 4) == 2);
	CHECK(ino[0] == 71234 && ino[1] == 71237);
	CHECK(np_rtnl_socket_inodes(table, ino, 1) == -E2BIG);
	CHECK(np_rtnl_socket_inodes("", ino, 4) == 0);
	CHECK(np_rtnl_socket_inodes(NULL, ino, 4) == 0);
	CHECK(np_rtnl_socket_inodes("garbage\n0 0 0\n", ino, 4) == 0);
	return check_result("test-rtnl-sockets");
}
