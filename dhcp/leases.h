/* dnsmasq's lease file ("EXPIRY MAC IP HOSTNAME CLIENTID" per line; IPv6
 * entries follow a "duid ..." line) parsed into rows for net-dhcp-leases. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct np_dhcp_lease {
	long long expiry; /* unix time, 0 = infinite */
	char mac[18];     /* "" for IPv6 leases without one */
	int family;       /* AF_INET / AF_INET6 */
	char ip[46];
	unsigned prefix;  /* filled by the caller from the network's <ip> */
	char hostname[256]; /* "" when unknown ("*" in the file) */
	char clientid[256]; /* "" when unknown */
	char iaid[16];
};

/* At most this many rows; a longer file gives -EFBIG. */
#define NP_DHCP_MAX_LEASES 65536

/* Parses the file text; expired leases (expiry != 0 && expiry < now) are
 * dropped, and so are lines that are no lease (the "duid" line, malformed
 * ones). *ret is a malloc'd array (free(); NULL when *ret_n is 0). */
int np_dhcp_leases_parse(const char *text, time_t now, struct np_dhcp_lease **ret, size_t *ret_n);
