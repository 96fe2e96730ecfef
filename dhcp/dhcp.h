/* dnsmasq for a network: its config text (pure), and the process (acting,
 * in dnsmasq_sys.c). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct np_net;
struct np_err;

/* Where generated files live. NULL members leave the matching line out, which
 * is how libvirt's own conformance data is produced (no pid-file line). */
struct np_dhcp_paths {
	const char *hostsfile;  /* dhcp-hostsfile= */
	const char *addnhosts;  /* addn-hosts= */
	const char *pidfile;    /* pid-file= */
	const char *leasefile;  /* dhcp-leasefile= */
	const char *user;       /* user= (dnsmasq drops root to it) */
};

/* True when the network needs a dnsmasq at all (libvirt starts one unless DNS
 * is disabled and there is no DHCP and no IPv6 RA). */
bool np_dhcp_needed(const struct np_net *net);
/* The dnsmasq config libvirt would generate (networkDnsmasqConfContents). */
int np_dhcp_conf_render(const struct np_net *net, const struct np_dhcp_paths *paths, char **ret,
			struct np_err *err);
/* DIR/NAME.SUFFIX the way libvirt names its per-network files
 * (dnsmasqContextNew): NAME is XML-escaped, so "a\"b" gives a&quot;b. */
int np_dhcp_path_build(const char *dir, const char *name, const char *suffix, char **ret);
/* The dhcp-hostsfile contents ("" when there are no hosts). */
int np_dhcp_hosts_render(const struct np_net *net, char **ret, struct np_err *err);
/* The addn-hosts contents from <dns><host>. */
int np_dhcp_addnhosts_render(const struct np_net *net, char **ret, struct np_err *err);

/* Starts dnsmasq with --conf-file=conf as a daemon, returns once it is ready
 * (its parent exited 0 and the pid file names a live process). The child gets
 * an explicit argv and an empty environment. */
int np_dnsmasq_start(const char *binary, const char *conf, const char *pidfile, pid_t *ret_pid,
		     struct np_err *err);
/* Stops the dnsmasq named by pidfile, but only if that process really is a
 * dnsmasq running conf; waits for it (pidfd, bounded) and removes pidfile.
 * 0 when nothing was running. */
int np_dnsmasq_stop(const char *pidfile, const char *conf, struct np_err *err);
/* The unprivileged user dnsmasq should drop to: "dnsmasq" when that user
 * exists (Debian's package creates it), else "nobody". */
const char *np_dnsmasq_default_user(void);
/* 1 when the pidfile names a live dnsmasq running conf, 0 otherwise. */
int np_dnsmasq_running(const char *pidfile, const char *conf);
