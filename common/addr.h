/* IP addresses and MACs as plain values, with parsing and formatting that
 * never touch the system. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct np_addr {
	int family; /* AF_INET, AF_INET6, or 0 when unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	};
};

#define NP_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */
#define NP_MAC_LEN 6
#define NP_MAC_STRLEN 18

/* family 0 accepts either. Returns 0 or -EINVAL. */
int np_addr_parse(const char *s, int family, struct np_addr *ret);
/* Writes the canonical text form (inet_ntop) into out[NP_ADDR_STRLEN]. */
const char *np_addr_str(const struct np_addr *a, char out[NP_ADDR_STRLEN]);
bool np_addr_is_set(const struct np_addr *a);
bool np_addr_equal(const struct np_addr *a, const struct np_addr *b);
/* memcmp-like ordering within one family. */
int np_addr_cmp(const struct np_addr *a, const struct np_addr *b);
unsigned np_addr_max_prefix(int family);
/* The network address of a/prefix. */
struct np_addr np_addr_network(const struct np_addr *a, unsigned prefix);
/* The broadcast (all host bits set) address of a/prefix; IPv4 only in use. */
struct np_addr np_addr_broadcast(const struct np_addr *a, unsigned prefix);
bool np_addr_in_subnet(const struct np_addr *a, const struct np_addr *net, unsigned prefix);
/* A netmask with contiguous ones -> prefix length; -EINVAL otherwise. */
int np_addr_netmask_to_prefix(const struct np_addr *mask);
struct np_addr np_addr_prefix_to_netmask(unsigned prefix);
/* Classful default prefix libvirt assumes for an IPv4 address without
 * netmask/prefix (A=8, B=16, C=24); -EINVAL for class D/E. */
int np_addr_default_prefix(const struct np_addr *a);
/* Number of addresses from start to end inclusive, saturating; -1 when end < start. */
long long np_addr_range_size(const struct np_addr *start, const struct np_addr *end);

int np_mac_parse(const char *s, uint8_t ret[NP_MAC_LEN]);
const char *np_mac_str(const uint8_t mac[NP_MAC_LEN], char out[NP_MAC_STRLEN]);
bool np_mac_is_multicast(const uint8_t mac[NP_MAC_LEN]);
bool np_mac_is_zero(const uint8_t mac[NP_MAC_LEN]);
