/* The UDP checksum of an IPv4 datagram, as the guest sees it: shared by the
 * checksum unit test and the e2e capture tool. */
#pragma once

#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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
