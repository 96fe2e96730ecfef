/* np-csum-check IFACE SECONDS -- CMD [ARG...]
 *
 * For tests/e2e/test-checksum.sh: listens on IFACE (AF_PACKET with
 * PACKET_AUXDATA) for IPv4 UDP frames from port 67 (DHCP replies), runs CMD
 * (a DHCP client) and prints one line per reply frame seen until CMD exits:
 *   valid     the UDP checksum verifies and no checksum is pending
 *   unfilled  the kernel still marks it CHECKSUM_PARTIAL
 *             (TP_STATUS_CSUMNOTREADY): the sender left it for offload,
 *             which a guest's old DHCP client would drop
 *   bad       no pending flag, but the checksum does not verify (or is 0)
 * Exit: CMD's status; 3 when no reply was seen; 2 on a usage or socket
 * error; CMD is killed after SECONDS. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../../udp-csum.h"

/* One frame: 1 and its verdict printed when it is a DHCP reply, 0 for
 * another frame, -EAGAIN when none came. */
static int look(int ps, int flags)
{
	struct np_test_udp u;
	int r = np_test_udp_recv(ps, flags, &u);

	if (r <= 0)
		return r;
	if ((u.udp[0] << 8 | u.udp[1]) != 67)
		return 0;
	if (u.not_ready)
		puts("unfilled");
	else
		puts(np_test_udp_csum_ok(&u.ip, u.udp, u.udp_len) ? "valid" : "bad");
	fflush(stdout);
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	struct timeval tv = { .tv_usec = 100000 };
	int one = 1, ps, status = 0, seen = 0, r;
	bool done = false;
	time_t end;
	pid_t pid;

	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: np-csum-check IFACE SECONDS -- CMD [ARG...]\n");
		return 2;
	}
	ll.sll_ifindex = (int)if_nametoindex(argv[1]);
	ps = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IP));
	if (!ll.sll_ifindex || ps < 0 || bind(ps, (struct sockaddr *)&ll, sizeof(ll)) < 0 ||
	    setsockopt(ps, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0 ||
	    setsockopt(ps, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		fprintf(stderr, "np-csum-check: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	end = time(NULL) + atoi(argv[2]);
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	/* Until the client is done, then what was queued by then. */
	for (;;) {
		if (!done && waitpid(pid, &status, WNOHANG) == pid)
			done = true;
		if (!done && time(NULL) >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			done = true;
		}
		r = look(ps, done ? MSG_DONTWAIT : 0);
		if (r > 0)
			seen++;
		else if (r < 0 && r != -EINTR && (done || r != -EAGAIN))
			break;
	}
	close(ps);
	if (!seen)
		return 3;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
