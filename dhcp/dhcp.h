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
	/* no-resolv + servers-file= in place of dnsmasq reading resolv.conf,
	 * where it would (np_dhcp_uses_servers_file). dnsmasq watches
	 * resolv.conf with inotify, one instance per process, and
	 * fs.inotify.max_user_instances (128 per uid) would cap the number of
	 * networks; a servers-file is only re-read on SIGHUP. NULL keeps
	 * libvirt's text. */
	const char *serversfile;
	/* bind-interfaces in place of libvirt's bind-dynamic where that is
	 * safe (np_dhcp_binds_statically): the engine adds every address
	 * before dnsmasq starts and never changes them while it runs. With
	 * bind-dynamic every dnsmasq re-reads every interface of the host on
	 * each address event, so each network start costs O(N) in each of N
	 * dnsmasqs. false keeps libvirt's text. */
	bool bind_static;
};

/* True when the network needs a dnsmasq at all (networkStartDhcpDaemon): a
 * virtual network (nat/route/open/isolated) with an <ip>, unless DNS is
 * disabled and no <ip> has DHCP ranges/hosts or TFTP. (So with DNS off, an
 * IPv6 <ip> without DHCP gets no router advertisements either, as in
 * libvirt.) */
bool np_dhcp_needed(const struct np_net *net);
/* True when net's dnsmasq would read resolv.conf, so a paths->serversfile
 * replaces that: DNS on, not isolated, no <forwarder> with an address and no
 * domain (libvirt writes no-resolv then), and no <dnsmasq:option> of its own
 * about no-resolv, resolv-file or servers-file. */
bool np_dhcp_uses_servers_file(const struct np_net *net);
/* True when net's dnsmasq (with a paths->serversfile) takes an inotify
 * instance: dnsmasq makes one when its DNS reads a resolv file (no
 * no-resolv) or a <dnsmasq:option> names a *-hostsdir/optsdir to watch. */
bool np_dhcp_needs_inotify(const struct np_net *net);
/* True when a paths->bind_static dnsmasq may bind its addresses once at
 * start: no IPv6 <ip> (a new IPv6 address is tentative until DAD ends, and
 * bind-interfaces cannot bind it then; libvirt moved to bind-dynamic for
 * that) and no <dnsmasq:option> choosing a bind mode itself. */
bool np_dhcp_binds_statically(const struct np_net *net);
/* True when a bind-interfaces dnsmasq for net (np_dhcp_binds_statically)
 * has no use for rtnetlink address and route events either: no
 * <dnsmasq:option> that makes it look at interfaces again (local-service,
 * localise-queries, alias, enable-ra, dhcp-relay, auth-server,
 * interface-name). Such a dnsmasq may be muted (np_dnsmasq_mute). */
bool np_dhcp_ignores_addr_events(const struct np_net *net);
/* The servers-file contents from resolv.conf text (NULL or "" gives ""):
 * one "server=ADDR" line per "nameserver ADDR" line, in order, duplicates
 * dropped, at most 64. ADDR is an IPv4 or IPv6 address, or IPv6%IFNAME
 * (IFNAME a valid interface name of [A-Za-z0-9_.+-]); it is parsed and
 * written in canonical form, and anything else is skipped, so nothing of the
 * input reaches dnsmasq as text. Returns the number of servers or -ENOMEM. */
int np_dhcp_servers_render(const char *resolv_text, char **ret);
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

/* The dnsmasq binary netplumb runs and trusts: $NETPLUMB_DNSMASQ, else
 * /usr/sbin/dnsmasq. A process is taken for netplumb's dnsmasq only when
 * its /proc/PID/exe is this file (or, after a package upgrade replaced it,
 * the root-owned file that was at this path), it runs in netplumb's network
 * namespace, and its command line names the network's config. */
const char *np_dnsmasq_binary(void);
/* Starts dnsmasq (binary NULL: np_dnsmasq_binary()) with --conf-file=conf
 * as a daemon, returns once it is ready (its first process exited 0 and the
 * pid file names our dnsmasq). conf's last pid-file= line must be pidfile.
 * Before dnsmasq runs, its dhcp-leasefile is created (a symlink or hard
 * link there is refused: dnsmasq would write through it as root), and the
 * files dnsmasq reads only after dropping root (dhcp-hostsfile, addn-hosts,
 * servers-file, ...) are opened with its user's uid and gid: -EACCES with
 * one line naming the file when that user cannot read one (dnsmasq would
 * only log it and serve without them). Once dnsmasq is up, its pid file,
 * which dnsmasq gives to its user, is given back to root. The child gets
 * argv {"dnsmasq", "--conf-file=CONF"}, an empty environment, default
 * signals and only fds 0-2. On failure err holds dnsmasq's first stderr
 * line. -EALREADY when it already runs. *ret_new_leases (may be NULL): the
 * lease file was created by this start, for a rollback to remove. */
int np_dnsmasq_start(const char *binary, const char *conf, const char *pidfile, pid_t *ret_pid,
		     bool *ret_new_leases, struct np_err *err);
/* Stops the dnsmasq named by pidfile, but only if it is our dnsmasq running
 * conf (see np_dnsmasq_binary()): SIGTERM through a pidfd, 2 s, SIGKILL, 2 s
 * more, then removes pidfile. Returns 0 also when nothing was running; a pid file naming
 * another program (stale) is removed without signalling anything, one naming
 * another config's dnsmasq is left alone. */
int np_dnsmasq_stop(const char *pidfile, const char *conf, struct np_err *err);
/* The unprivileged user dnsmasq should drop to: "dnsmasq" when that user
 * exists (Debian's package creates it), else "nobody". */
const char *np_dnsmasq_default_user(void);
/* 1 when the pidfile names a live dnsmasq of ours running conf (pinned by a
 * pidfd while it is checked), 0 otherwise. */
int np_dnsmasq_running(const char *pidfile, const char *conf);
/* SIGHUP to the dnsmasq named by pidfile, only if it is our dnsmasq running
 * conf (checked through a pidfd, as np_dnsmasq_stop does).
 * dnsmasq then re-reads its dhcp-hostsfile and addn-hosts (not its config
 * file) and keeps its leases. -ESRCH with err set when no such dnsmasq
 * runs; nothing is signalled then. */
int np_dnsmasq_reload(const char *pidfile, const char *conf, struct np_err *err);

/* The inodes of the NETLINK_ROUTE sockets listed in text, the contents of
 * /proc/net/netlink (rows "sk Eth Pid Groups Rmem Wmem Dump Locks Drops
 * Inode"; other lines are skipped): their count, or -E2BIG past max. */
int np_rtnl_socket_inodes(const char *text, unsigned long *ret, size_t max);
/* Takes the dnsmasq pidfile names (our dnsmasq running conf, pinned by a
 * pidfd, as np_dnsmasq_reload checks) out of every rtnetlink multicast
 * group: its rtnetlink socket, found by inode in /proc/PID/net/netlink, is
 * duplicated with pidfd_getfd(2) and NETLINK_DROP_MEMBERSHIP set for each
 * group it is in. Its own requests are unicast replies and keep working.
 * Where the kernel or its policy does not allow that (no pidfd_getfd, no
 * ptrace right, no such socket), dnsmasq stays subscribed, as libvirt's
 * is, and this returns 0 all the same: *ret_left (may be NULL) is the
 * number of groups left. -ESRCH with err set when no such dnsmasq runs. */
int np_dnsmasq_mute(const char *pidfile, const char *conf, int *ret_left, struct np_err *err);

/* np_dnsmasq_start() in two halves, so that other work overlaps dnsmasq's
 * own start-up: spawn() forks and execs it and returns at once;
 * wait_ready() then applies np_dnsmasq_start()'s readiness rule (first
 * process exited 0, the pid file names our dnsmasq). abort() is for a spawn
 * that is no longer wanted: it waits for the first process (the pid file is
 * only trustworthy after it), then stops the daemon. The handle is freed
 * with np_dnsmasq_starting_free() in every case. */
struct np_dnsmasq_starting;
int np_dnsmasq_spawn(const char *binary, const char *conf, const char *pidfile,
		     struct np_dnsmasq_starting **ret, struct np_err *err);
int np_dnsmasq_wait_ready(struct np_dnsmasq_starting *s, pid_t *ret_pid, struct np_err *err);
int np_dnsmasq_abort(struct np_dnsmasq_starting *s, struct np_err *err);
void np_dnsmasq_starting_free(struct np_dnsmasq_starting *s);
/* np_dnsmasq_stop() in two halves: stop_begin() sends SIGTERM (same checks
 * as np_dnsmasq_stop()) and hands back the pinned process in *ret (NULL when
 * nothing of ours was signalled); stop_finish() waits for it (2 s, SIGKILL,
 * 2 s), removes the pid file, frees s, and with s NULL does a whole
 * np_dnsmasq_stop(). When no pid file names a live dnsmasq of ours, stop
 * also ends any dnsmasq of this network namespace still starting up with
 * conf (netplumb killed between spawn and readiness). */
struct np_dnsmasq_stopping;
int np_dnsmasq_stop_begin(const char *pidfile, const char *conf,
			  struct np_dnsmasq_stopping **ret, struct np_err *err);
int np_dnsmasq_stop_finish(struct np_dnsmasq_stopping *s, const char *pidfile, const char *conf,
			   struct np_err *err);
