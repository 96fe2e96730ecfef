/* The checks of `netplumb doctor` (doctor.h). */
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
#include "engine/qemu_acl.h"
#include "engine/query.h"
#include "engine/record.h"
#include "engine/store.h"
#include "firewall/foreign.h"
#include "firewall/fw.h"
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
	char fix[768] = "", v[16];
	bool all_there = true;
	int n, nrec = -1;

	if (!d->foreign_ok || !np_fw_firewalled(net))
		return;
	n = np_fw_foreign_rules(net, &d->foreign, rules);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(fix);

		snprintf(fix + l, sizeof(fix) - l, "%siptables-nft -w -t %s -I %s %s",
			 l ? "; " : "", rules[i].table, rules[i].chain, rules[i].spec);
	}
	if (active)
		nrec = recorded_accepts(d, net->name, &all_there);
	if (n > 0) {
		bool handled = active ? nrec >= n && all_there : true;
		char what[1024];

		snprintf(what, sizeof(what), "%s%s",
			 handled ? "none needed: netplumb inserts these at start and deletes them "
				   "at destroy: "
				 : "",
			 fix);
		add(d, net->name, "foreign-drop", !handled, what,
		    "table ip filter:%s%s drops by policy (walked from the kernel's base chains)%s",
		    d->foreign.ipt_forward_drop ? " chain FORWARD" : "",
		    d->foreign.ipt_input_drop ? " chain INPUT" : "",
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
		    "none needed while netplumb's accept -i BRIDGE -o BRIDGE is in FORWARD; or "
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
static void check_qemu(struct doc *d, const struct np_net *net)
{
	static const char helper[] = "/usr/lib/qemu/qemu-bridge-helper";
	_np_free_ char *text = NULL;
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
	if (!st.active)
		check_routes(d, net);
	check_rp_filter(d, net);
	check_qemu(d, net);
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
