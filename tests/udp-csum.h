/* The UDP checksum of an IPv4 datagram, as the guest sees it: shared by the
 * checksum unit test and the e2e capture tool. */
#pragma once

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

static inline uint32_t np_test_sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

/* True when it verifies; a datagram sent without one (0) does not. */
static inline bool np_test_udp_csum_ok(const struct iphdr *ip, const uint8_t *udp, size_t udp_len)
{
	uint8_t pseudo[12];
	uint32_t sum;

	if (udp[6] == 0 && udp[7] == 0)
		return false;
	memcpy(pseudo, &ip->saddr, 4);
	memcpy(pseudo + 4, &ip->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	pseudo[10] = (uint8_t)(udp_len >> 8);
	pseudo[11] = (uint8_t)udp_len;
	sum = np_test_sum16(udp, udp_len, np_test_sum16(pseudo, sizeof(pseudo), 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* One IPv4/UDP frame as a packet socket with PACKET_AUXDATA sees it. */
struct np_test_udp {
	uint8_t frame[2048];
	struct iphdr ip;    /* copied: the frame leaves it unaligned */
	const uint8_t *udp; /* into frame; udp_len bytes of it were captured */
	size_t udp_len;
	bool not_ready;     /* TP_STATUS_CSUMNOTREADY: checksum left to offload */
};

/* Reads one frame from ps: 1 with *u filled for an IPv4/UDP one, 0 for any
 * other frame, -errno (-EAGAIN when none came in time). */
static inline int np_test_udp_recv(int ps, int flags, struct np_test_udp *u)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctl;
	struct iovec iov = { .iov_base = u->frame, .iov_len = sizeof(u->frame) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	const struct tpacket_auxdata *aux = NULL;
	size_t ihl, off = sizeof(struct ether_header);
	ssize_t n = recvmsg(ps, &msg, flags);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
			aux = (const struct tpacket_auxdata *)CMSG_DATA(c);
	if (!aux || n < (ssize_t)(off + sizeof(u->ip) + 8))
		return 0;
	memcpy(&u->ip, u->frame + off, sizeof(u->ip));
	ihl = u->ip.ihl * 4u;
	if (u->ip.version != 4 || u->ip.protocol != IPPROTO_UDP || n < (ssize_t)(off + ihl + 8))
		return 0;
	u->udp = u->frame + off + ihl;
	u->udp_len = (size_t)(u->udp[4] << 8 | u->udp[5]);
	if (u->udp_len < 8 || n < (ssize_t)(off + ihl + u->udp_len))
		return 0;
	u->not_ready = aux->tp_status & TP_STATUS_CSUMNOTREADY;
	return 1;
}
