/* Parsing /proc and /sys text for the doctor (proc_text.h). */
#include "engine/proc_text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define TCP_LISTEN 0x0A
#define UDP_UNCONNECTED 0x07 /* TCP_CLOSE: bound, not connected */
#define RTF_UP_FLAG 0x1

/* The next line of *p into line (truncated to len); false at the end. */
static bool next_line(const char **p, char *line, size_t len)
{
	const char *end;
	size_t n;

	if (!*p || !**p)
		return false;
	end = strchrnul(*p, '\n');
	n = (size_t)(end - *p);
	if (n >= len)
		n = len - 1;
	memcpy(line, *p, n);
	line[n] = '\0';
	*p = *end ? end + 1 : end;
	return true;
}

/* The kernel prints each 32-bit word of an address as the hex of its
 * in-memory value read as a host integer. */
static int hex_addr(const char *hex, int family, struct np_addr *ret)
{
	size_t words = family == AF_INET ? 1 : 4;
	char w[9];

	if (strlen(hex) != words * 8)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	ret->family = family;
	for (size_t i = 0; i < words; i++) {
		char *end;
		uint32_t v;

		memcpy(w, hex + 8 * i, 8);
		w[8] = '\0';
		v = (uint32_t)strtoul(w, &end, 16);
		if (*end)
			return -EINVAL;
		memcpy(ret->bytes + 4 * i, &v, 4);
	}
	return 0;
}

int np_proc_sockets(const char *text, int family, bool tcp, unsigned port,
		    struct np_proc_sock *ret, size_t max)
{
	const char *p = text;
	char line[512];
	int n = 0;

	if (!next_line(&p, line, sizeof(line)) || strncmp(line + strspn(line, " "), "sl", 2))
		return -EINVAL;
	while (next_line(&p, line, sizeof(line))) {
		char local[33];
		unsigned lport, st;
		unsigned long inode;
		struct np_addr a;

		if (sscanf(line, " %*u: %32[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*u %*u %lu", local,
			   &lport, &st, &inode) != 4 ||
		    hex_addr(local, family, &a) < 0)
			return -EINVAL;
		if (lport != port || st != (tcp ? TCP_LISTEN : UDP_UNCONNECTED))
			continue;
		if ((size_t)n < max)
			ret[n] = (struct np_proc_sock){ .tcp = tcp, .addr = a, .port = lport,
							.inode = inode };
		n++;
	}
	return n;
}

bool np_proc_sock_blocks(const struct np_proc_sock *s, const struct np_addr *addr)
{
	/* :: without IPV6_V6ONLY takes IPv4 too; /proc does not say whether
	 * it was set, so it counts. */
	for (size_t i = 0; i < sizeof(s->addr.bytes); i++)
		if (s->addr.bytes[i])
			return np_addr_equal(&s->addr, addr);
	return true;
}

int np_proc_routes_inside(const char *text, const struct np_addr *net, unsigned prefix,
			  const char *bridge, struct np_proc_route *ret, size_t max)
{
	const char *p = text;
	char line[512];
	int n = 0;

	if (net->family != AF_INET || !next_line(&p, line, sizeof(line)) ||
	    strncmp(line, "Iface", 5))
		return -EINVAL;
	while (next_line(&p, line, sizeof(line))) {
		char dev[16], dst[9], mask[9];
		struct np_addr d, m;
		unsigned flags;
		int plen;

		if (!line[0])
			continue;
		if (sscanf(line, "%15s %8s %*s %x %*d %*d %*d %8s", dev, dst, &flags, mask) != 4 ||
		    hex_addr(dst, AF_INET, &d) < 0 || hex_addr(mask, AF_INET, &m) < 0)
			return -EINVAL;
		plen = np_addr_netmask_to_prefix(&m);
		if (plen < 0 || !(flags & RTF_UP_FLAG) || (unsigned)plen <= prefix ||
		    !np_addr_in_subnet(&d, net, prefix) || (bridge && !strcmp(dev, bridge)))
			continue;
		if ((size_t)n < max) {
			ret[n] = (struct np_proc_route){ .dst = d, .prefix = (unsigned)plen };
			snprintf(ret[n].dev, sizeof(ret[n].dev), "%s", dev);
		}
		n++;
	}
	return n;
}

/* Module names treat '-' and '_' alike ("nf-nat" is nf_nat). */
static bool same_name(const char *a, size_t alen, const char *b)
{
	if (alen != strlen(b))
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return true;
}

/* Whether a line of text (modules.builtin, modules.dep) names the file
 * .../NAME.ko (possibly compressed) before any ':'. */
static bool lists_module(const char *text, const char *name)
{
	const char *p = text;
	char line[1024];

	while (next_line(&p, line, sizeof(line))) {
		char *path = line, *base, *ko;

		path[strcspn(path, ":")] = '\0';
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		ko = strstr(base, ".ko");
		if (ko && (!ko[3] || ko[3] == '.') && same_name(base, (size_t)(ko - base), name))
			return true;
	}
	return false;
}

enum np_kmod_state np_proc_kmod_state(const char *name, bool in_sys_module,
				      const char *proc_modules, const char *builtin,
				      const char *dep)
{
	const char *p = proc_modules;
	char line[512];

	if (in_sys_module)
		return NP_KMOD_PRESENT;
	while (p && next_line(&p, line, sizeof(line)))
		if (same_name(line, strcspn(line, " "), name))
			return NP_KMOD_PRESENT;
	if (builtin && lists_module(builtin, name))
		return NP_KMOD_PRESENT;
	if (!builtin || !dep)
		return NP_KMOD_UNKNOWN;
	return proc_modules && lists_module(dep, name) ? NP_KMOD_LOADABLE : NP_KMOD_ABSENT;
}

void np_proc_cgroup_unit(const char *text, char *out, size_t len)
{
	const char *p = text;
	char line[1024];

	out[0] = '\0';
	while (p && next_line(&p, line, sizeof(line))) {
		char *path = strchr(line, '/'), *save = NULL;

		for (char *c = path ? strtok_r(path, "/", &save) : NULL; c;
		     c = strtok_r(NULL, "/", &save)) {
			size_t n = strlen(c);

			if (n > 8 && !strcmp(c + n - 8, ".service"))
				snprintf(out, len, "%s", c);
		}
	}
}

bool np_proc_inotify_short(unsigned used, unsigned max, unsigned need, unsigned *ret_suggest)
{
	unsigned want = used + need;

	*ret_suggest = max;
	if (want <= max)
		return false;
	/* room for as many again, and never below the kernel's default */
	*ret_suggest = 2 * want > 128 ? 2 * want : 128;
	return true;
}
