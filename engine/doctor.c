/* The checks of `netplumb doctor` (doctor.h). */
#include "engine/frr_sys.h"
#include "engine/doctor.h"

#include "common/addr.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "engine/health.h"
#include "engine/lifecycle.h"
#include "engine/ops.h"
#include "engine/plan.h"
#include "engine/proc_sys.h"
#include "engine/proc_text.h"
#include "engine/qemu_acl.h"
#include "engine/query.h"
#include "engine/record.h"
#include "engine/store.h"
#include "firewall/foreign.h"
#include "firewall/fw.h"
#include "firewall/probe_sys.h"
#include "xml/bandwidth.h"
#include "xml/net.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FINDINGS 256
#define MAX_SOCKS 16
#define MAX_ROUTES 16

struct doc {
	struct np_engine *eng;
	struct np_finding *f;
	size_t n;
	struct np_fw_foreign foreign;
	bool foreign_ok;
};

static struct np_finding *add(struct doc *d, const char *net, const char *check, bool blocking,
			      const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static struct np_finding *add(struct doc *d, const char *net, const char *check, bool blocking,
			      const char *fix, const char *fmt, ...)
{
	struct np_finding *f;
	va_list ap;

	if (d->n >= MAX_FINDINGS)
		return NULL;
	f = &d->f[d->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->network, sizeof(f->network), "%s", net);
	f->check = check;
	f->blocking = blocking;
	snprintf(f->fix, sizeof(f->fix), "%s", fix);
	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
	return f;
}

/* The first line of a /proc file, or "" when it cannot be read. */
static void proc_read(const char *path, char *out, size_t len)
{
	_np_free_ char *text = NULL;

	out[0] = '\0';
	if (np_file_read(path, 4096, &text, NULL) < 0 || !text)
		return;
	text[strcspn(text, "\n")] = '\0';
	snprintf(out, len, "%s", text);
}

static const struct np_ip *ipv4(const struct np_net *net)
{
	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].address.family == AF_INET)
			return &net->ips[i];
	return NULL;
}

static bool net_has_v6(const struct np_net *net)
{
	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].address.family == AF_INET6)
			return true;
	return false;
}

static void check_forwarding(struct doc *d, const struct np_net *net, bool active)
{
	char v[16];

	if (!active || !ipv4(net) ||
	    (net->forward.mode != NP_FWD_NAT && net->forward.mode != NP_FWD_ROUTE))
		return;
	proc_read("/proc/sys/net/ipv4/ip_forward", v, sizeof(v));
	if (v[0] && strcmp(v, "1"))
		add(d, net->name, "forwarding", true, "sysctl -w net.ipv4.ip_forward=1",
		    "net.ipv4.ip_forward = %s: guests' traffic is not routed", v);
}

/* The iptables accepts start recorded for name; -1 when there is no record. */
static int recorded_accepts(struct doc *d, const char *name, bool *ret_all_there)
{
	_np_free_ char *text = NULL, *path = NULL;
	_np_plan_free_ struct np_plan *rec = NULL;
	struct np_err ignored = { { 0 } };
	int n = 0;

	*ret_all_there = true;
	if (np_store_record_read(d->eng->store, name, &text, &path) < 0 ||
	    np_record_parse(text, path, &rec, &ignored) < 0)
		return -1;
	for (size_t i = 0; i < rec->n_steps; i++) {
		const struct np_step *s = &rec->steps[i];

		if (s->kind != NP_STEP_IPT_RULE)
			continue;
		n++;
		if (d->eng->ops->ipt_check(d->eng->ctx, s->key, s->value, s->text) != 1)
			*ret_all_there = false;
	}
	return n;
}

static void check_foreign(struct doc *d, const struct np_net *net, bool active)
{
	struct np_ipt_rule rules[NP_IPT_RULES_MAX];
	char fix[1024] = "", ufw[256], v[16];
	bool all_there = true;
	int n, nrec = -1;

	if (!d->foreign_ok || !np_fw_firewalled(net))
		return;
	n = np_fw_foreign_rules(net, &d->foreign, rules);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(fix);

		const char *table, *tool = np_ipt_tool(rules[i].table, &table);

		snprintf(fix + l, sizeof(fix) - l, "%s%s -w -t %s -I %s %s", l ? "; " : "", tool,
			 table, rules[i].chain, rules[i].spec);
	}
	if (active)
		nrec = recorded_accepts(d, net->name, &all_there);
	if (n > 0) {
		bool handled = active ? nrec >= n && all_there : true;
		char what[1536], where[128] = "";
		const struct np_fw_foreign *f = &d->foreign;

		if (f->ipt_forward_drop || f->ipt_input_drop)
			snprintf(where, sizeof(where), "table ip filter:%s%s",
				 f->ipt_forward_drop ? " chain FORWARD" : "",
				 f->ipt_input_drop ? " chain INPUT" : "");
		if (net_has_v6(net) && (f->ip6t_forward_drop || f->ip6t_input_drop)) {
			size_t l = strlen(where);

			snprintf(where + l, sizeof(where) - l, "%stable ip6 filter:%s%s",
				 l ? ", " : "", f->ip6t_forward_drop ? " chain FORWARD" : "",
				 f->ip6t_input_drop ? " chain INPUT" : "");
		}

		np_fw_foreign_ufw_fix(net, &d->foreign, ufw, sizeof(ufw));
		snprintf(what, sizeof(what), "%s%s%s%s",
			 handled ? "none needed: netplumb inserts these at start and deletes them "
				   "at destroy: "
				 : "",
			 fix,
			 ufw[0] ? "; or, in UFW's own place (kept in /etc/ufw/user.rules, which "
				  "netplumb leaves to UFW): "
				: "",
			 ufw);
		add(d, net->name, "foreign-drop", !handled, what,
		    "%s drops by policy (walked from the kernel's base chains)%s%s", where,
		    d->foreign.ipt_forward_drop && d->foreign.ipt_docker_user
			    ? "; Docker's DOCKER-USER, which FORWARD jumps to first, takes the "
			      "forward accepts (Docker's place for the host's own rules)"
			    : "",
		    handled ? "" : "; netplumb's accepts for this network are not all there");
	}
	for (size_t i = 0; i < d->foreign.n_other; i++) {
		const struct np_fw_drop *o = &d->foreign.other[i];

		if (!strcmp(o->hook, "input") && !np_dhcp_needed(net))
			continue;
		np_fw_foreign_fix(net, o, fix, sizeof(fix));
		add(d, net->name, "foreign-drop", true, fix,
		    "chain %s of table %s %s (hook %s) drops by policy; netplumb does not write "
		    "into another tool's nft table",
		    o->chain, o->family, o->table, o->hook);
	}
	proc_read("/proc/sys/net/bridge/bridge-nf-call-iptables", v, sizeof(v));
	if (!strcmp(v, "1") && d->foreign.ipt_forward_drop)
		add(d, net->name, "br-netfilter", active && !all_there,
		    "none needed while netplumb's accept -i BRIDGE -o BRIDGE is in FORWARD "
		    "(DOCKER-USER beside Docker); or "
		    "sysctl -w net.bridge.bridge-nf-call-iptables=0",
		    "bridge-nf-call-iptables = 1: traffic between guests on %s passes iptables' "
		    "FORWARD, whose policy is drop",
		    net->bridge.name);
}

static void check_routes(struct doc *d, const struct np_net *net)
{
	const struct np_ip *ip = ipv4(net);
	char dev[16], a[NP_ADDR_STRLEN], own[NP_ADDR_STRLEN], fix[256];

	if (!ip || !np_net_is_virtual(net))
		return;
	/* The subnet itself, and every shorter prefix that holds it (a VPN's
	 * or LAN's 192.168.0.0/16 covers 192.168.122.0/24). */
	for (unsigned p = ip->prefix; p >= 1; p--) {
		struct np_addr sub = np_addr_network(&ip->address, p);
		int r = d->eng->ops->route_find(d->eng->ctx, &sub, p, dev);

		if (r <= 0 || (net->bridge.name && !strcmp(dev, net->bridge.name)))
			continue;
		np_addr_str(&sub, a);
		snprintf(fix, sizeof(fix),
			 "move the network to a free subnet (netplumb net-edit %s), or: ip route del "
			 "%s/%u dev %s",
			 net->name, a, p, dev);
		add(d, net->name, "route-overlap", true, fix,
		    "route %s/%u dev %s overlaps the network's %s/%u", a, p, dev,
		    np_addr_str(&ip->address, own), ip->prefix);
	}
}

/* Routes inside the subnet (a VPN's /32, a LAN's /25) through another
 * device take those guests' addresses away from the bridge, active or not. */
static void check_routes_inside(struct doc *d, const struct np_net *net)
{
	const struct np_ip *ip = ipv4(net);
	struct np_proc_route routes[MAX_ROUTES];
	char a[NP_ADDR_STRLEN], own[NP_ADDR_STRLEN], fix[256];
	_np_free_ char *text = NULL;
	struct np_addr sub;
	int n;

	if (!ip || !np_net_is_virtual(net) ||
	    np_file_read("/proc/net/route", 1 << 22, &text, NULL) < 0)
		return;
	sub = np_addr_network(&ip->address, ip->prefix);
	n = np_proc_routes_inside(text, &sub, ip->prefix, net->bridge.name, routes, MAX_ROUTES);
	for (int i = 0; i < n && i < MAX_ROUTES; i++) {
		const struct np_proc_route *r = &routes[i];

		np_addr_str(&r->dst, a);
		snprintf(fix, sizeof(fix),
			 "ip route del %s/%u dev %s, or move the network to a free subnet "
			 "(netplumb net-edit %s)",
			 a, r->prefix, r->dev, net->name);
		add(d, net->name, "route-overlap", true, fix,
		    "route %s/%u dev %s lies inside the network's %s/%u: guests there are "
		    "unreachable through %s",
		    a, r->prefix, r->dev, np_addr_str(&ip->address, own), ip->prefix,
		    net->bridge.name ? net->bridge.name : "the bridge");
	}
}

/* The sockets of /proc/net/NAME on port that keep dnsmasq from serving
 * net's addresses; their count added to *n. */
static void blocking_socks(const struct np_net *net, const char *name, int family, bool tcp,
			   unsigned port, struct np_proc_sock *socks, size_t *n)
{
	struct np_proc_sock found[MAX_SOCKS];
	_np_free_ char *text = NULL;
	char path[64];
	int m;

	snprintf(path, sizeof(path), "/proc/net/%s", name);
	if (np_file_read(path, 1 << 22, &text, NULL) < 0)
		return;
	m = np_proc_sockets(text, family, tcp, port, found, MAX_SOCKS);
	for (int i = 0; i < m && i < MAX_SOCKS && *n < MAX_SOCKS; i++) {
		bool blocks = false;

		for (size_t k = 0; k < net->n_ips && !blocks; k++)
			blocks = np_proc_sock_blocks(&found[i], &net->ips[k].address);
		if (blocks)
			socks[(*n)++] = found[i];
	}
}

/* Before start: a process already bound to DHCP's UDP 67 or DNS's 53 on
 * the wildcard or the bridge's address (a host dnsmasq or resolver
 * without bind-interfaces) makes netplumb's dnsmasq fail to bind. */
static void check_ports(struct doc *d, const struct np_net *net)
{
	struct np_proc_sock socks[MAX_SOCKS];
	unsigned long inodes[MAX_SOCKS];
	pid_t pids[MAX_SOCKS];
	bool dhcp = false;
	size_t n = 0;

	if (!np_dhcp_needed(net))
		return;
	for (size_t i = 0; i < net->n_ips; i++)
		dhcp |= net->ips[i].address.family == AF_INET &&
			(net->ips[i].n_ranges || net->ips[i].n_hosts);
	if (dhcp) {
		blocking_socks(net, "udp", AF_INET, false, 67, socks, &n);
		blocking_socks(net, "udp6", AF_INET6, false, 67, socks, &n);
	}
	if (net->dns.enable != NP_TRI_NO) {
		blocking_socks(net, "udp", AF_INET, false, 53, socks, &n);
		blocking_socks(net, "udp6", AF_INET6, false, 53, socks, &n);
		blocking_socks(net, "tcp", AF_INET, true, 53, socks, &n);
		blocking_socks(net, "tcp6", AF_INET6, true, 53, socks, &n);
	}
	for (size_t i = 0; i < n; i++)
		inodes[i] = socks[i].inode;
	if (np_proc_socket_owners(inodes, n, pids) < 0)
		memset(pids, 0, sizeof(pids));
	for (size_t i = 0; i < n; i++) {
		const struct np_proc_sock *s = &socks[i];
		const char *br = net->bridge.name ? net->bridge.name : "BRIDGE";
		const char *own = "have it listen only on its own interfaces (a dnsmasq: "
				  "bind-interfaces plus except-interface=";
		bool v6 = s->addr.family == AF_INET6;
		char a[NP_ADDR_STRLEN], comm[16] = "", unit[128] = "", who[256], fix[768];

		np_addr_str(&s->addr, a);
		if (pids[i]) {
			np_proc_describe(pids[i], comm, unit, sizeof(unit));
			snprintf(who, sizeof(who), "pid %ld (%s%s%s)", (long)pids[i], comm,
				 unit[0] ? ", unit " : "", unit);
			if (unit[0])
				snprintf(fix, sizeof(fix), "systemctl stop %s; or %s%s)", unit, own,
					 br);
			else
				snprintf(fix, sizeof(fix), "kill %ld; or %s%s)", (long)pids[i], own,
					 br);
		} else {
			snprintf(who, sizeof(who),
				 "a process netplumb cannot see (socket inode %lu)", s->inode);
			snprintf(fix, sizeof(fix),
				 "ss -%cnlp 'sport = :%u' names it; stop it or %s%s)",
				 s->tcp ? 't' : 'u', s->port, own, br);
		}
		add(d, net->name, "port-owner", true, fix,
		    "%s %s%s%s:%u is bound by %s: netplumb's dnsmasq cannot serve %s on %s",
		    s->tcp ? "tcp" : "udp", v6 ? "[" : "", a, v6 ? "]" : "", s->port, who,
		    s->port == 67 ? "DHCP" : "DNS", br);
	}
}

/* What a NAT network's nft rules need: a nat chain and masquerade in an
 * inet table, checked by the kernel in a transaction it aborts. */
static const char nat_probe[] =
	"add table inet netplumb-probe\n"
	"add chain inet netplumb-probe nat { type nat hook postrouting priority 100; }\n"
	"add rule inet netplumb-probe nat masquerade\n";

static void check_kernel(struct doc *d, const struct np_net *net)
{
	struct np_net_bw bw;
	char msg[256];

	if (net->forward.mode == NP_FWD_NAT && np_fw_probe(nat_probe, msg, sizeof(msg)) == 0)
		add(d, net->name, "kernel-feature", true,
		    "modprobe nft_nat nft_masq (a kernel built with CONFIG_NFT_NAT and "
		    "CONFIG_NFT_MASQ)",
		    "the kernel refuses an nft nat chain with masquerade: %s", msg);
	if (np_net_bandwidth(net, &bw) && (bw.in.present || bw.out.present)) {
		enum np_kmod_state k = np_proc_kmod("sch_htb");

		if (k == NP_KMOD_ABSENT)
			add(d, net->name, "kernel-feature", true,
			    "install the kernel's modules (sch_htb, CONFIG_NET_SCH_HTB)",
			    "<bandwidth> needs the HTB qdisc: sch_htb is neither loaded, built in "
			    "nor in modules.dep");
	}
	if (net->vxlan && np_proc_kmod("vxlan") == NP_KMOD_ABSENT)
		add(d, net->name, "kernel-feature", true,
		    "install the kernel's modules (vxlan, CONFIG_VXLAN)",
		    "<netplumb:vxlan> needs the kernel's VXLAN driver: vxlan is neither loaded, "
		    "built in nor in modules.dep");
}

/* A dnsmasq that watches a resolv file or hosts directory takes an inotify
 * instance and exits at start when fs.inotify.max_user_instances is
 * reached; netplumb's own config (no-resolv, servers-file) takes none. */
static void check_inotify(struct doc *d, const struct np_net *net)
{
	unsigned used = 0, max, suggest;
	char v[32], fix[128];

	if (!np_dhcp_needs_inotify(net))
		return;
	proc_read("/proc/sys/fs/inotify/max_user_instances", v, sizeof(v));
	if (!v[0] || sscanf(v, "%u", &max) != 1 || np_proc_inotify_count(geteuid(), &used) < 0)
		return;
	if (!np_proc_inotify_short(used, max, 1, &suggest))
		return;
	snprintf(fix, sizeof(fix), "sysctl -w fs.inotify.max_user_instances=%u", suggest);
	add(d, net->name, "inotify", true, fix,
	    "uid %u holds %u inotify instances of fs.inotify.max_user_instances = %u: the "
	    "network's dnsmasq cannot make its own",
	    (unsigned)geteuid(), used, max);
}

static void check_rp_filter(struct doc *d, const struct np_net *net)
{
	char v[16];

	if (net->forward.mode != NP_FWD_ROUTE)
		return;
	proc_read("/proc/sys/net/ipv4/conf/all/rp_filter", v, sizeof(v));
	if (!strcmp(v, "1"))
		add(d, net->name, "rp-filter", false, "sysctl -w net.ipv4.conf.all.rp_filter=2",
		    "net.ipv4.conf.all.rp_filter = 1 (strict): replies to a routed network that "
		    "come in on another interface than the route back are dropped");
}

static void check_dnsmasq(struct doc *d, const struct np_net *net)
{
	const char *bin = getenv("NETPLUMB_DNSMASQ");

	if (!bin || !*bin)
		bin = "/usr/sbin/dnsmasq";
	if (np_dhcp_needed(net) && access(bin, X_OK) < 0)
		add(d, net->name, "dnsmasq", true, "apt-get install dnsmasq-base",
		    "%s: %s; the network's DHCP and DNS cannot start", bin, strerror(errno));
}

/* <netplumb:qemu bridgeHelper='allow'/>: netplumb's ACL is read by the
 * helper only through bridge.conf's include, which is the admin's line. */
static void check_qemu(struct doc *d, const struct np_net *net, bool active)
{
	static const char helper[] = "/usr/lib/qemu/qemu-bridge-helper";
	_np_free_ char *text = NULL, *acl = NULL, *edited = NULL;
	char line[64], fix[256];
	struct stat st;
	int r;

	if (net->qemu_bridge_helper != NP_TRI_YES)
		return;
	r = np_file_read(NP_QEMU_BRIDGE_CONF, 1 << 20, &text, NULL);
	if (r < 0 || !np_qemu_acl_includes(text, NP_QEMU_ACL_PATH))
		add(d, net->name, "qemu-helper", false,
		    "mkdir -p " NP_QEMU_ACL_DIR " && echo 'include " NP_QEMU_ACL_PATH
		    "' >>" NP_QEMU_BRIDGE_CONF,
		    "%s %s 'include %s': qemu-bridge-helper refuses bridge %s", NP_QEMU_BRIDGE_CONF,
		    r < 0 ? "is missing, so nothing holds" : "has no line", NP_QEMU_ACL_PATH,
		    net->bridge.name);
	if (stat(helper, &st) == 0 && (st.st_uid != 0 || !(st.st_mode & S_ISUID)))
		add(d, net->name, "qemu-helper", false,
		    "dpkg-statoverride --update --add root root 4755 /usr/lib/qemu/qemu-bridge-helper",
		    "%s is not setuid root: only root's QEMU can use it", helper);
	if (!active)
		return;
	/* start wrote the line; someone took it out since (repair does not
	 * put it back) */
	snprintf(line, sizeof(line), "allow %s", net->bridge.name);
	r = np_file_read(NP_QEMU_ACL_PATH, 1 << 20, &acl, NULL);
	if (r == -ENOENT || (r >= 0 && np_qemu_acl_edit(acl, line, true, &edited) == 1)) {
		snprintf(fix, sizeof(fix), "netplumb net-destroy %s && netplumb net-start %s",
			 net->name, net->name);
		add(d, net->name, "qemu-helper", false, fix,
		    "%s lacks the line '%s' the start wrote: qemu-bridge-helper refuses bridge %s",
		    NP_QEMU_ACL_PATH, line, net->bridge.name);
	}
}

static int check_drift(struct doc *d, const char *name, bool fix, struct np_err *err)
{
	struct np_health h;
	char what[256], fixcmd[128];
	struct np_finding *f;
	int r;

	r = np_engine_health(d->eng, name, true, &h, err);
	if (r < 0)
		return r;
	if (np_health_ok(&h))
		return 0;
	np_health_describe(&h, what, sizeof(what));
	snprintf(fixcmd, sizeof(fixcmd), "netplumb net-start %s (or netplumb doctor --fix %s)",
		 name, name);
	f = add(d, name, "drift", true, fixcmd, "the kernel differs from the record of what start "
						 "applied: %s", what);
	if (!fix || !f)
		return 0;
	r = np_engine_repair(d->eng, name, false, what, sizeof(what), err);
	if (r < 0)
		return r;
	r = np_engine_health(d->eng, name, true, &h, err);
	if (r < 0)
		return r;
	f->fixed = np_health_ok(&h);
	f->blocking = !f->fixed;
	return 0;
}

/* control='evpn': FRR's zebra must know the VNI, or no peer ever floods to
 * this host (issue 18). */
static void check_evpn(struct doc *d, const struct np_net *net, bool active)
{
	char said[256], fix[512];
	int r;

	if (!active || !net->vxlan || !net->vxlan->evpn)
		return;
	r = np_frr_vni_known(net->vxlan->id, said, sizeof(said));
	if (r == 1)
		return;
	snprintf(fix, sizeof(fix),
		 "apt-get install frr; enable zebra and bgpd, add the frr.conf of `netplumb plan "
		 "%s` (router bgp, l2vpn evpn, advertise-all-vni) with the other hosts as "
		 "neighbors",
		 net->name);
	if (r == -ENOENT)
		add(d, net->name, "evpn", true, fix,
		    "control='evpn' but vtysh is not installed: no BGP EVPN distributes VNI %u",
		    net->vxlan->id);
	else if (r == 0)
		add(d, net->name, "evpn", true, fix,
		    "FRR does not know VNI %u (vtysh -c 'show evpn vni %u json': %s)",
		    net->vxlan->id, net->vxlan->id, said);
	else
		add(d, net->name, "evpn", true, fix,
		    "cannot ask FRR about VNI %u (vtysh: %s)", net->vxlan->id,
		    said[0] ? said : strerror(-r));
}

static int check_one(struct doc *d, const char *name, bool fix, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	struct np_net_status st;
	int r;

	r = np_engine_lookup(d->eng, name, false, &net, err);
	if (r < 0)
		return r;
	np_engine_status(d->eng, name, &st);
	check_dnsmasq(d, net);
	check_forwarding(d, net, st.active);
	check_foreign(d, net, st.active);
	check_kernel(d, net);
	if (!st.active) {
		check_routes(d, net);
		check_ports(d, net);
		check_inotify(d, net);
	}
	check_routes_inside(d, net);
	check_rp_filter(d, net);
	check_evpn(d, net, st.active);
	check_qemu(d, net, st.active);
	return st.active ? check_drift(d, name, fix, err) : 0;
}

int np_engine_doctor(struct np_engine *eng, const char *const *names, size_t n, bool fix,
		     struct np_finding **ret, size_t *ret_n, struct np_err *err)
{
	struct doc d = { .eng = eng };
	char **active = NULL;
	size_t n_active = 0;
	int r = 0;

	d.f = calloc(MAX_FINDINGS, sizeof(*d.f));
	if (!d.f)
		return np_err_set(err, -ENOMEM, "out of memory");
	d.foreign_ok = eng->ops->fw_foreign(eng->ctx, &d.foreign) == 0;
	if (n) {
		for (size_t i = 0; i < n && r >= 0; i++)
			r = check_one(&d, names[i], fix, err);
	} else {
		bool has_default = false;

		r = np_engine_active_list(eng, &active, &n_active, err);
		for (size_t i = 0; r >= 0 && i < n_active; i++) {
			has_default |= !strcmp(active[i], "default");
			r = check_one(&d, active[i], fix, err);
		}
		if (r >= 0 && !has_default && np_store_is_persistent(eng->store, "default"))
			r = check_one(&d, "default", fix, err);
		np_engine_names_free(active, n_active);
	}
	if (r < 0) {
		free(d.f);
		return r;
	}
	*ret = d.f;
	*ret_n = d.n;
	return 0;
}
