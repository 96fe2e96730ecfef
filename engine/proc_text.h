/* The text of /proc and /sys files `netplumb doctor` reads, parsed and
 * judged: sockets, routes, kernel modules, a process's systemd unit. Pure:
 * engine/proc_sys.c and the doctor read the files. */
#pragma once

#include "common/addr.h"

#include <stdbool.h>
#include <stddef.h>

/* A socket of /proc/net/{udp,tcp,udp6,tcp6}. */
struct np_proc_sock {
	bool tcp;
	struct np_addr addr; /* local address */
	unsigned port;
	unsigned long inode;
};

/* The sockets of text (a /proc/net/udp, tcp, udp6 or tcp6 table: family
 * AF_INET or AF_INET6, tcp or not) bound to port: TCP ones listening, UDP
 * ones unconnected. Fills at most max; returns how many matched, or
 * -EINVAL when text is not such a table. */
int np_proc_sockets(const char *text, int family, bool tcp, unsigned port,
		    struct np_proc_sock *ret, size_t max);
/* Whether s keeps a server for addr from binding s's port: s is bound to
 * the wildcard (0.0.0.0, or :: which takes IPv4 too) or to addr itself. */
bool np_proc_sock_blocks(const struct np_proc_sock *s, const struct np_addr *addr);

/* An IPv4 route of /proc/net/route. */
struct np_proc_route {
	char dev[16];
	struct np_addr dst;
	unsigned prefix;
};

/* The routes of text (/proc/net/route: the main table) that lie strictly
 * inside net/prefix (a longer prefix) on another device than bridge (NULL:
 * any device). Fills at most max; returns how many matched, or -EINVAL. */
int np_proc_routes_inside(const char *text, const struct np_addr *net, unsigned prefix,
			  const char *bridge, struct np_proc_route *ret, size_t max);

enum np_kmod_state {
	NP_KMOD_PRESENT,  /* loaded, or built into the kernel */
	NP_KMOD_LOADABLE, /* a module the kernel loads on first use */
	NP_KMOD_ABSENT,   /* neither: the feature is missing */
	NP_KMOD_UNKNOWN,  /* the module lists could not be read */
};

/* Whether kernel module name ("sch_htb") is there. in_sys_module:
 * /sys/module/NAME exists (loaded, or built in with parameters);
 * proc_modules: /proc/modules' text, NULL when the kernel has no module
 * support; builtin, dep: modules.builtin and modules.dep of
 * /lib/modules/RELEASE, NULL when unreadable. */
enum np_kmod_state np_proc_kmod_state(const char *name, bool in_sys_module,
				      const char *proc_modules, const char *builtin,
				      const char *dep);

/* The systemd unit ("dnsmasq.service") of a process from its
 * /proc/PID/cgroup text; "" when it runs in none. */
void np_proc_cgroup_unit(const char *text, char *out, size_t len);

/* Whether a user holding used inotify instances of max
 * (fs.inotify.max_user_instances) has no room for need more; then
 * *ret_suggest is a limit with room for them and as many again. */
bool np_proc_inotify_short(unsigned used, unsigned max, unsigned need, unsigned *ret_suggest);
