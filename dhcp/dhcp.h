/* dnsmasq for a network: its config text (pure), and the process (acting,
 * in dnsmasq_sys.c). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct np_net;
struct np_err;

/* Where generated files live; written verbatim into the config (a '"', ',',
 * newline or control character is refused). NULL members leave the matching
 * line out, which is how libvirt's own conformance data is produced (no
 * pid-file line). dnsmasq opens pid and lease files as root, but reads the
 * hosts files only after dropping to user=, at start and on SIGHUP: their
 * directory must be searchable and the files readable by that user, or
 * dnsmasq silently serves no static hosts. */
struct np_dhcp_paths {
	const char *hostsfile;  /* dhcp-hostsfile= */
	const char *addnhosts;  /* addn-hosts= */
	const char *pidfile;    /* pid-file= */
	const char *leasefile;  /* dhcp-leasefile= */
	const char *user;       /* user= (dnsmasq drops root to it) */
};

/* True when the network needs a dnsmasq at all (networkStartDhcpDaemon): a
 * virtual network (nat/route/open/isolated) with an <ip>, unless DNS is
 * disabled and no <ip> has DHCP ranges/hosts or TFTP. (So with DNS off, an
 * IPv6 <ip> without DHCP gets no router advertisements either, as in
 * libvirt.) */
bool np_dhcp_needed(const struct np_net *net);
/* The dnsmasq config libvirt would generate (networkDnsmasqConfContents),
 * with netplumb's own '##' header. Every user string that reaches it (name,
 * bridge, domain, forwarders, txt/srv, tftp/bootp, dnsmasq:option) is
 * checked first: -EINVAL and a message naming the element and value for a
 * newline or control character, or for a character dnsmasq would split or
 * unquote there. Also -EINVAL for what libvirt refuses at this point: a
 * second DHCP <ip> per family, ranges it cannot count, localPtr on a prefix
 * off the octet/nibble boundary. */
int np_dhcp_conf_render(const struct np_net *net, const struct np_dhcp_paths *paths, char **ret,
			struct np_err *err);
/* DIR/NAME.SUFFIX the way libvirt names its per-network files
 * (dnsmasqContextNew): NAME is XML-escaped, so "a\"b" gives a&quot;b
 * (libvirt's nat-network-name-with-quotes case; it also keeps '"', which
 * dnsmasq would strip, out of the config). -EINVAL for an empty name or one
 * holding '/'. */
int np_dhcp_path_build(const char *dir, const char *name, const char *suffix, char **ret);
/* The dhcp-hostsfile contents ("" when there are no hosts): hosts with an ip
 * of the first DHCP <ip> per family, IPv4 first, "mac,ip,name[,lease]" /
 * "id:ID,name,[ip6][,lease]" as libvirt writes them. Names dnsmasq would read
 * as another field ("ignore", "45m", an address, "set:x") are refused. */
int np_dhcp_hosts_render(const struct np_net *net, char **ret, struct np_err *err);
/* The addn-hosts contents from <dns><host>: one "IP\tname\t...\t" line per
 * distinct address (libvirt's trailing tab kept). */
int np_dhcp_addnhosts_render(const struct np_net *net, char **ret, struct np_err *err);

/* Starts dnsmasq (binary NULL: /usr/sbin/dnsmasq) with --conf-file=conf as a
 * daemon, returns once it is ready (its first process exited 0 and the pid
 * file names our dnsmasq). conf must hold a "pid-file=PIDFILE" line. The
 * child gets argv {"dnsmasq", "--conf-file=CONF"}, an empty environment,
 * default signals and only fds 0-2. On failure err holds dnsmasq's first
 * stderr line. -EALREADY when it already runs. */
int np_dnsmasq_start(const char *binary, const char *conf, const char *pidfile, pid_t *ret_pid,
		     struct np_err *err);
/* Stops the dnsmasq named by pidfile, but only if /proc/PID/cmdline shows a
 * dnsmasq running conf: SIGTERM through a pidfd, 2 s, SIGKILL, 2 s more, then
 * removes pidfile. Returns 0 also when nothing was running; a pid file naming
 * another program (stale) is removed without signalling anything, one naming
 * another config's dnsmasq is left alone. */
int np_dnsmasq_stop(const char *pidfile, const char *conf, struct np_err *err);
/* The unprivileged user dnsmasq should drop to: "dnsmasq" when that user
 * exists (Debian's package creates it), else "nobody". */
const char *np_dnsmasq_default_user(void);
/* 1 when the pidfile names a live dnsmasq running conf, 0 otherwise. */
int np_dnsmasq_running(const char *pidfile, const char *conf);
/* SIGHUP to the dnsmasq named by pidfile, only if /proc/PID/cmdline shows a
 * dnsmasq running conf (checked through a pidfd, as np_dnsmasq_stop does).
 * dnsmasq then re-reads its dhcp-hostsfile and addn-hosts (not its config
 * file) and keeps its leases. -ESRCH with err set when no such dnsmasq
 * runs; nothing is signalled then. */
int np_dnsmasq_reload(const char *pidfile, const char *conf, struct np_err *err);
