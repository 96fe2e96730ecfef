/* Addresses as libvirt reads them: virSocketAddrParse hands the text to
 * getaddrinfo(AI_NUMERICHOST), which takes every IPv4 form inet_aton takes
 * (glibc's exact variant): one to four parts, each decimal, octal with a
 * leading 0 or hex with 0x, the last part filling the remaining bytes. So
 * "192.168.000.1" is 192.168.0.1, "10.1" is 10.0.0.1 and, as in libvirt,
 * "192.168.010.1" is 192.168.8.1 (octal). IPv6 is inet_pton's syntax. */
#include "xml/xml_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

/* One part: returns the byte after it, or NULL when it is not a number. */
static const char *part(const char *s, uint64_t *ret)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
	}
	s = p;
	for (;; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (d >= base)
			return NULL;
		v = v * base + d;
		if (v > UINT32_MAX)
			return NULL;
	}
	/* "0x" alone is 0 for inet_aton; an empty decimal part is not a number */
	if (p == s && base != 16)
		return NULL;
	*ret = v;
	return p;
}

static int parse_v4(const char *s, struct in_addr *ret)
{
	uint64_t parts[4];
	size_t n = 0;
	uint32_t v;

	for (;;) {
		if (n == 4 || !(s = part(s, &parts[n])))
			return -EINVAL;
		n++;
		if (*s == '\0')
			break;
		if (*s != '.')
			return -EINVAL;
		s++;
	}
	for (size_t i = 0; i + 1 < n; i++)
		if (parts[i] > 0xff)
			return -EINVAL;
	/* the last part covers the 4 - (n - 1) bytes left */
	if (n > 1 && parts[n - 1] >> (8 * (5 - n)))
		return -EINVAL;
	v = (uint32_t)parts[n - 1];
	for (size_t i = 0; i + 1 < n; i++)
		v |= (uint32_t)parts[i] << (24 - 8 * i);
	ret->s_addr = htonl(v);
	return 0;
}

int np_xml_addr_parse(const char *s, int family, struct np_addr *ret)
{
	struct np_addr a = { 0 };

	if (!s)
		return -EINVAL;
	if ((family == 0 || family == AF_INET) && parse_v4(s, &a.v4) == 0)
		a.family = AF_INET;
	else if ((family == 0 || family == AF_INET6) && inet_pton(AF_INET6, s, &a.v6) == 1)
		a.family = AF_INET6;
	else
		return -EINVAL;
	*ret = a;
	return 0;
}
