/* /proc/sys paths from sysctl keys: pure. */
#include "netlink/sysctl.h"
#include "netlink/ifname.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define KEY_MAX 256

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Components of name_char joined by single dots: no "..", no leading or
 * trailing dot, so the path cannot leave /proc/sys. */
static bool key_valid(const char *key, bool allow_dots)
{
	bool start = true;
	size_t n = 0;

	if (!key)
		return false;
	for (const char *p = key; *p; p++, n++) {
		if (*p == '.' && allow_dots && !start)
			start = true;
		else if (name_char(*p))
			start = false;
		else
			return false;
	}
	return n > 0 && n < KEY_MAX && !start;
}

/* net.ipv4.conf.IF.LEAF / net.ipv6.conf.IF.LEAF: everything between "conf."
 * and the last dot is the interface, so "eth0.10" stays one directory (a
 * leaf never has a dot). Returns the family, or 0 for other keys. */
static int conf_key(const char *key, const char **ifname, size_t *iflen, const char **leaf)
{
	static const char *const prefix[] = { "net.ipv4.conf.", "net.ipv6.conf." };
	const char *last = strrchr(key, '.');

	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(prefix[i]);

		if (strncmp(key, prefix[i], n) == 0 && last && last > key + n) {
			*ifname = key + n;
			*iflen = (size_t)(last - *ifname);
			*leaf = last + 1;
			return i == 0 ? 4 : 6;
		}
	}
	return 0;
}

int np_sysctl_path(const char *key, char *buf, size_t size)
{
	const char *ifname, *leaf;
	char ifbuf[KEY_MAX];
	size_t iflen;
	int family, n;

	if (!key_valid(key, true))
		return -EINVAL;
	family = conf_key(key, &ifname, &iflen, &leaf);
	if (family) {
		memcpy(ifbuf, ifname, iflen);
		ifbuf[iflen] = 0;
		return np_sysctl_path_if(family, ifbuf, leaf, buf, size);
	}
	n = snprintf(buf, size, "/proc/sys/%s", key);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	for (char *p = buf; *p; p++)
		if (*p == '.')
			*p = '/';
	return 0;
}

int np_sysctl_path_if(int family, const char *ifname, const char *leaf, char *buf, size_t size)
{
	int n;

	if ((family != 4 && family != 6) || !np_ifname_valid(ifname) || !key_valid(leaf, false))
		return -EINVAL;
	/* The interface name goes in verbatim: "eth0.10" is one directory. */
	n = snprintf(buf, size, "/proc/sys/net/ipv%d/conf/%s/%s", family, ifname, leaf);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}
