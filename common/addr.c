#include "common/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int np_addr_parse(const char *s, int family, struct np_addr *ret)
{
	struct np_addr a = { 0 };

	if (!s)
		return -EINVAL;
	if ((family == 0 || family == AF_INET) && inet_pton(AF_INET, s, &a.v4) == 1)
		a.family = AF_INET;
	else if ((family == 0 || family == AF_INET6) && inet_pton(AF_INET6, s, &a.v6) == 1)
		a.family = AF_INET6;
	else
		return -EINVAL;
	*ret = a;
	return 0;
}

const char *np_addr_str(const struct np_addr *a, char out[NP_ADDR_STRLEN])
{
	out[0] = '\0';
	if (a->family && !inet_ntop(a->family, a->bytes, out, NP_ADDR_STRLEN))
		out[0] = '\0';
	return out;
}

bool np_addr_is_set(const struct np_addr *a)
{
	return a->family != 0;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

bool np_addr_equal(const struct np_addr *a, const struct np_addr *b)
{
	return a->family == b->family && !memcmp(a->bytes, b->bytes, addr_len(a->family));
}

int np_addr_cmp(const struct np_addr *a, const struct np_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, addr_len(a->family));
}

unsigned np_addr_max_prefix(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

static struct np_addr mask_bits(const struct np_addr *a, unsigned prefix, bool set_host)
{
	struct np_addr r = *a;
	size_t n = addr_len(a->family);

	for (size_t i = 0; i < n; i++) {
		unsigned bit0 = (unsigned)i * 8;
		uint8_t m;

		if (prefix >= bit0 + 8)
			m = 0xff;
		else if (prefix <= bit0)
			m = 0;
		else
			m = (uint8_t)(0xff << (8 - (prefix - bit0)));
		r.bytes[i] = set_host ? (uint8_t)(r.bytes[i] | ~m) : (uint8_t)(r.bytes[i] & m);
	}
	return r;
}

struct np_addr np_addr_network(const struct np_addr *a, unsigned prefix)
{
	return mask_bits(a, prefix, false);
}

struct np_addr np_addr_broadcast(const struct np_addr *a, unsigned prefix)
{
	return mask_bits(a, prefix, true);
}

bool np_addr_in_subnet(const struct np_addr *a, const struct np_addr *net, unsigned prefix)
{
	struct np_addr x, y;

	if (a->family != net->family)
		return false;
	x = np_addr_network(a, prefix);
	y = np_addr_network(net, prefix);
	return np_addr_equal(&x, &y);
}

int np_addr_netmask_to_prefix(const struct np_addr *mask)
{
	size_t n = addr_len(mask->family);
	int prefix = 0;
	bool zero = false;

	for (size_t i = 0; i < n; i++)
		for (int b = 7; b >= 0; b--) {
			bool one = mask->bytes[i] & (1u << b);

			if (one && zero)
				return -EINVAL;
			if (one)
				prefix++;
			else
				zero = true;
		}
	return n ? prefix : -EINVAL;
}

struct np_addr np_addr_prefix_to_netmask(unsigned prefix)
{
	struct np_addr m = { .family = AF_INET };

	memset(m.bytes, 0xff, 4);
	return np_addr_network(&m, prefix);
}

int np_addr_default_prefix(const struct np_addr *a)
{
	uint8_t first;

	if (a->family != AF_INET)
		return a->family == AF_INET6 ? 64 : -EINVAL;
	first = a->bytes[0];
	if (first < 128)
		return 8;
	if (first < 192)
		return 16;
	if (first < 224)
		return 24;
	return -EINVAL;
}

long long np_addr_range_size(const struct np_addr *start, const struct np_addr *end)
{
	size_t n = addr_len(start->family);
	unsigned long long s = 0, e = 0;

	if (start->family != end->family || np_addr_cmp(start, end) > 0)
		return -1;
	/* Only the low 64 bits can differ in any range we accept for counting;
	 * saturate if the high bits differ. */
	if (n == 16 && memcmp(start->bytes, end->bytes, 8))
		return (long long)(~0ULL >> 1);
	for (size_t i = n > 8 ? n - 8 : 0; i < n; i++) {
		s = (s << 8) | start->bytes[i];
		e = (e << 8) | end->bytes[i];
	}
	if (e - s >= (~0ULL >> 1))
		return (long long)(~0ULL >> 1);
	return (long long)(e - s + 1);
}

int np_mac_parse(const char *s, uint8_t ret[NP_MAC_LEN])
{
	unsigned v[NP_MAC_LEN];
	char tail;

	if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
			 &v[5], &tail) != 6)
		return -EINVAL;
	/* sscanf's %2x accepts a leading sign or blank; insist on hex digits. */
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		      (*p >= 'A' && *p <= 'F') || *p == ':'))
			return -EINVAL;
	for (int i = 0; i < NP_MAC_LEN; i++)
		ret[i] = (uint8_t)v[i];
	return 0;
}

const char *np_mac_str(const uint8_t mac[NP_MAC_LEN], char out[NP_MAC_STRLEN])
{
	snprintf(out, NP_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return out;
}

bool np_mac_is_multicast(const uint8_t mac[NP_MAC_LEN])
{
	return mac[0] & 1;
}

bool np_mac_is_zero(const uint8_t mac[NP_MAC_LEN])
{
	static const uint8_t z[NP_MAC_LEN];

	return !memcmp(mac, z, NP_MAC_LEN);
}
