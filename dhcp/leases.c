/* dnsmasq's lease file (lease.c lease_update_file):
 *   EXPIRY HWADDR IPv4 HOSTNAME|* CLIENTID|*
 *   duid SERVER-DUID
 *   EXPIRY [T]IAID IPv6 HOSTNAME|* DUID|*
 * EXPIRY is unix time, 0 for an infinite lease. HWADDR is "aa:bb:..." for
 * Ethernet, else prefixed with the ARP hardware type ("20-..."). */
#include "dhcp/leases.h"

#include "common/addr.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 5

/* Splits line (modified in place) at blanks; returns the field count, or
 * MAX_FIELDS + 1 when there are more. */
static size_t split(char *line, char *f[MAX_FIELDS])
{
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (n == MAX_FIELDS)
			return MAX_FIELDS + 1;
		f[n++] = t;
	}
	return n;
}

static bool copy_field(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

static bool parse_expiry(const char *s, long long *ret)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

static bool valid_iaid(const char *s)
{
	if (*s == 'T')
		s++;
	if (!*s || strlen(s) > 10)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* One lease line into *l; false for lines that are not leases. */
static bool parse_line(char *line, struct np_dhcp_lease *l)
{
	char *f[MAX_FIELDS];
	struct np_addr addr;
	uint8_t mac[NP_MAC_LEN];

	if (split(line, f) != MAX_FIELDS)
		return false;
	memset(l, 0, sizeof(*l));
	if (!parse_expiry(f[0], &l->expiry) || np_addr_parse(f[2], 0, &addr) < 0)
		return false;
	l->family = addr.family;
	np_addr_str(&addr, l->ip);
	if (addr.family == AF_INET) {
		/* a non-Ethernet hardware address is not shown, as libvirt */
		if (np_mac_parse(f[1], mac) == 0)
			np_mac_str(mac, l->mac);
	} else {
		if (!valid_iaid(f[1]))
			return false;
		copy_field(l->iaid, sizeof(l->iaid), f[1]);
	}
	/* "*" is dnsmasq's "none"; overlong values are left out rather than cut */
	if (strcmp(f[3], "*") != 0)
		copy_field(l->hostname, sizeof(l->hostname), f[3]);
	if (strcmp(f[4], "*") != 0)
		copy_field(l->clientid, sizeof(l->clientid), f[4]);
	return true;
}

int np_dhcp_leases_parse(const char *text, time_t now, struct np_dhcp_lease **ret, size_t *ret_n)
{
	_np_free_ struct np_dhcp_lease *rows = NULL;
	_np_free_ char *copy = strdup(text);
	size_t n = 0, cap = 0;
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct np_dhcp_lease l;

		/* the "duid" line and anything malformed are skipped */
		if (!parse_line(line, &l))
			continue;
		if (l.expiry != 0 && l.expiry < (long long)now)
			continue;
		if (n == NP_DHCP_MAX_LEASES)
			return -EFBIG;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct np_dhcp_lease *p = realloc(rows, ncap * sizeof(*p));

			if (!p)
				return -ENOMEM;
			rows = p;
			cap = ncap;
		}
		rows[n++] = l;
	}
	*ret = np_steal(&rows);
	*ret_n = n;
	return 0;
}
