/* Building a plan from a definition: pure, no system access. */
#include "engine/plan.h"
#include "xml/unplumbed.h"

#include "common/err.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "engine/plan_vxlan.h"
#include "engine/port.h"
#include "engine/qemu_acl.h"
#include "firewall/foreign.h"
#include "firewall/fw.h"
#include "firewall/fw_bw.h"
#include "xml/bandwidth.h"
#include "firewall/pf_render.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

const char *const np_step_kind_names[NP_STEP_KIND_COUNT] = {
	[NP_STEP_CHECK_LINK_FREE] = "check-link-free",
	[NP_STEP_CHECK_ROUTE_FREE] = "check-route-free",
	[NP_STEP_CHECK_LINK_PRESENT] = "check-link-present",
	[NP_STEP_FILE_WRITE] = "file-write",
	[NP_STEP_HOOK] = "hook",
	[NP_STEP_BRIDGE_ADD] = "bridge-add",
	[NP_STEP_SYSCTL] = "sysctl",
	[NP_STEP_ADDR_ADD] = "addr-add",
	[NP_STEP_LINK_UP] = "link-up",
	[NP_STEP_ROUTE_ADD] = "route-add",
	[NP_STEP_PORT_ADD] = "port-add",
	[NP_STEP_FW_APPLY] = "nft-transaction",
	[NP_STEP_IPT_RULE] = "iptables-rule",
	[NP_STEP_DNSMASQ_START] = "dnsmasq-start",
	[NP_STEP_DNSMASQ_MUTE] = "dnsmasq-mute",
	[NP_STEP_QDISC_ADD] = "qdisc-add",
	[NP_STEP_CLASS_ADD] = "class-add",
	[NP_STEP_PORT_ISOLATE] = "port-isolate",
	[NP_STEP_TOOL] = "tool",
	[NP_STEP_VXLAN_ADD] = "vxlan-add",
	[NP_STEP_FDB_ADD] = "fdb-add",
	[NP_STEP_QEMU_ACL] = "qemu-acl",
	[NP_STEP_PORT_LIMIT] = "port-limit",
	[NP_STEP_RECORD] = "record",
};

static void step_clear(struct np_step *s)
{
	free(s->ifname);
	free(s->key);
	free(s->value);
	free(s->path);
	free(s->data);
	free(s->text);
	free(s->undo_text);
	free(s->pid_path);
	free(s->lease_path);
	free(s->why);
	free(s->port);
	free(s->master);
}

void np_step_clear(struct np_step *s)
{
	step_clear(s);
}

void np_plan_free(struct np_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n_steps; i++)
		step_clear(&plan->steps[i]);
	free(plan->steps);
	free(plan->net_name);
	free(plan->bridge);
	free(plan->skipped);
	free(plan);
}

/* Appends a zeroed step; NULL on allocation failure. */
static struct np_step *add_step(struct np_plan *plan, enum np_step_kind kind)
{
	struct np_step *steps, *s;

	steps = realloc(plan->steps, (plan->n_steps + 1) * sizeof(*steps));
	if (!steps)
		return NULL;
	plan->steps = steps;
	s = &steps[plan->n_steps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->stp = -1;
	s->delay_cs = -1;
	return s;
}

struct np_step *np_plan_step_add(struct np_plan *plan, enum np_step_kind kind)
{
	return add_step(plan, kind);
}

static int dup_into(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static int fmt_into(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fmt_into(char **dst, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(dst, fmt, ap);
	va_end(ap);
	if (n < 0) {
		*dst = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Generated files are named after the network, with every byte outside a
 * safe set percent-encoded: network names may hold quotes or spaces
 * (libvirt's nat-network-name-with-quotes case), and these paths are written
 * into dnsmasq's config, which must not see them raw. */
int np_plan_file_name(const char *name, char **ret)
{
	char *out = malloc(strlen(name) * 3 + 1);
	char *w = out;

	if (!out)
		return -ENOMEM;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '_' || *c == '-' || (*c == '.' && c != (const unsigned char *)name))
			*w++ = (char)*c;
		else
			w += sprintf(w, "%%%02X", *c);
	}
	*w = '\0';
	*ret = out;
	return 0;
}

static bool has_family(const struct np_net *net, int family)
{
	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].address.family == family)
			return true;
	return false;
}

/* mode: 0600 for what only root reads (dnsmasq's config, read before it
 * drops root, as libvirt writes it, and the run dir's records), 0644 for the
 * files dnsmasq reads as its own user. */
static int add_file_step(struct np_plan *plan, const char *path, char *data, unsigned mode,
			 const char *why, bool generated)
{
	struct np_step *s = add_step(plan, NP_STEP_FILE_WRITE);

	if (!s) {
		free(data);
		return -ENOMEM;
	}
	s->data = data;
	s->mode = mode;
	s->generated = generated;
	if (dup_into(&s->path, path) < 0 || dup_into(&s->why, why) < 0)
		return -ENOMEM;
	return 0;
}

static int add_sysctl(struct np_plan *plan, const char *key, const char *value, bool optional,
		      const char *why)
{
	struct np_step *s = add_step(plan, NP_STEP_SYSCTL);

	if (!s)
		return -ENOMEM;
	s->optional = optional;
	if (dup_into(&s->key, key) < 0 || dup_into(&s->value, value) < 0 || dup_into(&s->why, why) < 0)
		return -ENOMEM;
	return 0;
}

/* A file of the run dir's record of the network. */
static int add_state(struct np_plan *plan, const char *path, char *data, const char *why)
{
	int r = add_file_step(plan, path, data, 0644, why, false);

	if (r == 0)
		plan->steps[plan->n_steps - 1].state = true;
	return r;
}

static int add_generated(struct np_plan *plan, const char *path, char *data, unsigned mode,
			 const char *why)
{
	return add_file_step(plan, path, data, mode, why, true);
}

static int plan_dnsmasq_files(struct np_plan *plan, const struct np_net *net,
			      const struct np_plan_paths *paths, const char *fname,
			      struct np_err *err)
{
	_np_free_ char *conf_path = NULL, *hosts_path = NULL, *addn_path = NULL,
		       *lease_path = NULL, *pid_path = NULL, *servers_path = NULL, *why = NULL;
	char *conf = NULL, *hosts = NULL, *addn = NULL, *servers = NULL;
	struct np_dhcp_paths dp;
	int r;

	if (fmt_into(&conf_path, "%s/%s.conf", paths->state_dir, fname) < 0 ||
	    fmt_into(&hosts_path, "%s/%s.hostsfile", paths->state_dir, fname) < 0 ||
	    fmt_into(&addn_path, "%s/%s.addnhosts", paths->state_dir, fname) < 0 ||
	    fmt_into(&lease_path, "%s/%s.leases", paths->state_dir, fname) < 0 ||
	    fmt_into(&pid_path, "%s/%s.pid", paths->run_dir, fname) < 0)
		return -ENOMEM;
	if (np_dhcp_uses_servers_file(net) &&
	    fmt_into(&servers_path, "%s/%s" NP_PLAN_SERVERS_SUFFIX, paths->state_dir, fname) < 0)
		return -ENOMEM;
	dp = (struct np_dhcp_paths){
		.hostsfile = hosts_path,
		.addnhosts = addn_path,
		.pidfile = pid_path,
		.leasefile = lease_path,
		.user = paths->dnsmasq_user,
		.serversfile = servers_path,
		.bind_static = true,
	};
	r = np_dhcp_conf_render(net, &dp, &conf, err);
	if (r < 0)
		return r;
	r = add_generated(plan, conf_path, conf, 0600, "dnsmasq configuration");
	if (r < 0)
		return r;
	r = np_dhcp_hosts_render(net, &hosts, err);
	if (r < 0)
		return r;
	r = add_generated(plan, hosts_path, hosts, 0644, "static DHCP hosts (dhcp-hostsfile)");
	if (r < 0)
		return r;
	r = np_dhcp_addnhosts_render(net, &addn, err);
	if (r < 0)
		return r;
	r = add_generated(plan, addn_path, addn, 0644, "DNS hosts (addn-hosts)");
	if (r < 0 || !servers_path)
		return r;
	r = np_dhcp_servers_render(paths->resolv_text, &servers);
	if (r < 0)
		return r;
	if (fmt_into(&why,
		     "upstream DNS servers from %s (a servers-file, not watched by dnsmasq: "
		     "net-reload rewrites it and dnsmasq re-reads it on SIGHUP)",
		     paths->resolv_path ? paths->resolv_path : "resolv.conf") < 0) {
		free(servers);
		return -ENOMEM;
	}
	return add_generated(plan, servers_path, servers, 0644, why);
}

/* dnsmasq starts last, as in libvirt: once the bridge, its ports and its
 * rules are there, and net-start returns once it serves. */
static int plan_dnsmasq_start(struct np_plan *plan, const struct np_plan_paths *paths,
			      const char *fname)
{
	struct np_step *s = add_step(plan, NP_STEP_DNSMASQ_START);

	if (!s || fmt_into(&s->path, "%s/%s.conf", paths->state_dir, fname) < 0 ||
	    fmt_into(&s->pid_path, "%s/%s.pid", paths->run_dir, fname) < 0 ||
	    fmt_into(&s->lease_path, "%s/%s.leases", paths->state_dir, fname) < 0 ||
	    dup_into(&s->why, "DHCP and DNS for the network; net-start returns once it serves") < 0)
		return -ENOMEM;
	return 0;
}

/* dnsmasq joins rtnetlink's address and route groups whatever its config,
 * so each address or route a start adds wakes every other network's
 * dnsmasq: O(N) wake-ups per start. One that binds once and does no IPv6
 * ignores those events anyway; it leaves the groups once it serves. */
static int plan_dnsmasq_mute(struct np_plan *plan, const struct np_plan_paths *paths,
			     const char *fname)
{
	struct np_step *s = add_step(plan, NP_STEP_DNSMASQ_MUTE);

	if (!s || fmt_into(&s->path, "%s/%s.conf", paths->state_dir, fname) < 0 ||
	    fmt_into(&s->pid_path, "%s/%s.pid", paths->run_dir, fname) < 0 ||
	    dup_into(&s->why, "IPv4 only, bind-interfaces: dnsmasq has no use for the host's "
			      "address and route events, and each one would wake it") < 0)
		return -ENOMEM;
	return 0;
}

static int add_hook(struct np_plan *plan, const struct np_plan_paths *paths, const char *xml,
		    const char *op, const char *subop, bool optional, const char *why)
{
	struct np_step *s = add_step(plan, NP_STEP_HOOK);

	if (!s || dup_into(&s->key, op) < 0 || dup_into(&s->value, subop) < 0 ||
	    dup_into(&s->path, paths->hooks_dir ? paths->hooks_dir : "/etc/netplumb/hooks") < 0 ||
	    dup_into(&s->data, xml) < 0 || dup_into(&s->why, why) < 0)
		return -ENOMEM;
	s->optional = optional;
	return 0;
}

/* The run dir's record of an active network: its live definition and the
 * namespace it lives in come first, so that a start killed half way is
 * found and undone; the hook may veto the start. */
static int plan_live_begin(struct np_plan *plan, const struct np_net *net,
			   const struct np_plan_paths *paths, const char *fname, const char *xml)
{
	_np_free_ char *live = NULL, *ns = NULL, *ns_data = NULL;
	char *data;
	int r;

	if (fmt_into(&live, "%s/%s.xml", paths->run_dir, fname) < 0 ||
	    fmt_into(&ns, "%s/%s.netns", paths->run_dir, fname) < 0 ||
	    fmt_into(&ns_data, "%s\n", paths->netns ? paths->netns : "") < 0)
		return -ENOMEM;
	data = strdup(xml);
	if (!data)
		return -ENOMEM;
	r = add_state(plan, live, data, "the live definition: the network is active");
	if (r < 0)
		return r;
	r = add_state(plan, ns, np_steal(&ns_data), "the network namespace it lives in");
	if (r < 0)
		return r;
	(void)net;
	return add_hook(plan, paths, xml, "start", "begin", false,
			"the network hook may refuse the start (undone by 'stopped end')");
}

static int plan_live_end(struct np_plan *plan, const struct np_plan_paths *paths,
			 const char *fname, const char *xml)
{
	struct np_step *s = add_step(plan, NP_STEP_RECORD);
	_np_free_ char *started = NULL;
	char *empty;
	int r;

	if (!s || fmt_into(&s->path, "%s/%s.applied", paths->run_dir, fname) < 0 ||
	    dup_into(&s->why, "what was applied, with the links' ifindex and MAC: "
			      "net-destroy undoes exactly this") < 0)
		return -ENOMEM;
	s->mode = 0600;
	s->state = true;
	r = add_hook(plan, paths, xml, "started", "begin", true,
		     "the network hook is told; too late to refuse");
	if (r < 0)
		return r;
	/* Last: a start killed before it is found unfinished and repaired. */
	if (fmt_into(&started, "%s/%s.started", paths->run_dir, fname) < 0)
		return -ENOMEM;
	empty = strdup("");
	if (!empty)
		return -ENOMEM;
	return add_state(plan, started, empty, "the start finished");
}

static int plan_bridge(struct np_plan *plan, const struct np_net *net)
{
	const char *br = net->bridge.name;
	struct np_step *s;

	/* libvirt refuses to take over an existing device, and to start a
	 * network whose subnet is already routed (networkCheckRouteCollision). */
	s = add_step(plan, NP_STEP_CHECK_LINK_FREE);
	if (!s || dup_into(&s->ifname, br) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < net->n_ips; i++) {
		const struct np_ip *ip = &net->ips[i];

		s = add_step(plan, NP_STEP_CHECK_ROUTE_FREE);
		if (!s)
			return -ENOMEM;
		s->addr = np_addr_network(&ip->address, ip->prefix);
		s->prefix = ip->prefix;
	}
	return 0;
}

static int plan_link(struct np_plan *plan, const struct np_net *net)
{
	const char *br = net->bridge.name;
	struct np_step *s;
	char key[128];
	int r;

	s = add_step(plan, NP_STEP_BRIDGE_ADD);
	if (!s || dup_into(&s->ifname, br) < 0)
		return -ENOMEM;
	s->has_mac = net->has_mac;
	memcpy(s->mac, net->mac, NP_MAC_LEN);
	s->mtu = net->has_mtu ? net->mtu : 0;
	/* libvirt's default is stp='on' delay='0'; the kernel raises the delay
	 * to its 2 s minimum while STP is on. */
	s->stp = net->bridge.stp == NP_TRI_NO ? 0 : 1;
	s->delay_cs = (long)(net->bridge.has_delay ? net->bridge.delay : 0) * 100;

	/* libvirt (networkSetIPv6Sysctls): a bridge without IPv6 addresses gets
	 * IPv6 disabled; one with them must not autoconfigure from guests' RAs. */
	snprintf(key, sizeof(key), "net.ipv6.conf.%s.disable_ipv6", br);
	if (!has_family(net, AF_INET6)) {
		r = add_sysctl(plan, key, "1", true, "no IPv6 address on this network");
		if (r < 0)
			return r;
	} else {
		r = add_sysctl(plan, key, "0", false, "IPv6 addresses on this network");
		if (r < 0)
			return r;
		snprintf(key, sizeof(key), "net.ipv6.conf.%s.accept_ra", br);
		r = add_sysctl(plan, key, "0", false, "the host is the router here");
		if (r < 0)
			return r;
		snprintf(key, sizeof(key), "net.ipv6.conf.%s.autoconf", br);
		r = add_sysctl(plan, key, "0", false, "the host is the router here");
		if (r < 0)
			return r;
	}

	for (size_t i = 0; i < net->n_ips; i++) {
		s = add_step(plan, NP_STEP_ADDR_ADD);
		if (!s || dup_into(&s->ifname, br) < 0)
			return -ENOMEM;
		s->addr = net->ips[i].address;
		s->prefix = net->ips[i].prefix;
	}
	s = add_step(plan, NP_STEP_LINK_UP);
	if (!s || dup_into(&s->ifname, br) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < net->n_routes; i++) {
		const struct np_route *rt = &net->routes[i];

		s = add_step(plan, NP_STEP_ROUTE_ADD);
		if (!s || dup_into(&s->ifname, br) < 0)
			return -ENOMEM;
		s->addr = np_addr_network(&rt->address, rt->prefix);
		s->prefix = rt->prefix;
		s->gw = rt->gateway;
		s->metric = rt->has_metric ? rt->metric : 0;
		/* libvirt logs a route the kernel refuses and starts the network */
		s->optional = true;
	}
	return 0;
}

/* The leaf queue under the guests' class, in packets. */
#define TC_LEAF_LIMIT 1000

static struct np_step *add_tc(struct np_plan *plan, enum np_step_kind kind, const char *ifname,
			      const struct np_tc_spec *spec, const char *why)
{
	struct np_step *s = add_step(plan, kind);

	if (!s || dup_into(&s->ifname, ifname) < 0 || dup_into(&s->why, why) < 0)
		return NULL;
	s->tc = *spec;
	return s;
}

/* libvirt's units become tc's as libvirt writes them: "%llukbps" (1000
 * bytes per second) for average and peak, "%llukb" (1024 bytes) for burst. */
static int tc_rates(const struct np_net *net, const struct np_net_rate *r, struct np_tc_spec *ret,
		    struct np_err *err)
{
	if (r->average > UINT64_MAX / 1000 || r->peak > UINT64_MAX / 1000 ||
	    r->burst > UINT32_MAX / 1024)
		return np_err_set(err, -ERANGE,
				  "network '%s': <bandwidth> <inbound>: a rate or burst too large "
				  "to shape",
				  net->name);
	ret->rate = r->average * 1000;
	ret->ceil = r->peak * 1000;
	ret->burst = (uint32_t)(r->burst * 1024);
	if (ret->ceil && ret->ceil < ret->rate)
		ret->ceil = ret->rate;
	return 0;
}

/* <bandwidth><inbound> as libvirt's virNetDevBandwidthSet(bridge, bw,
 * hierarchical_class=true, swapped=true): traffic towards the guests leaves
 * through the bridge device, so it is shaped by an HTB root qdisc there. The
 * outbound half (the bridge's ingress) is an nftables limit in the network's
 * chains (firewall/fw_bw.c), since libvirt's police action may be missing. */
static int plan_bandwidth(struct np_plan *plan, const struct np_net *net, struct np_err *err)
{
	const char *br = net->bridge.name;
	struct np_net_bw bw;
	struct np_tc_spec rates = { 0 }, sp;
	int r;

	if (!np_net_bandwidth(net, &bw) || !bw.in.present)
		return 0;
	r = tc_rates(net, &bw.in, &rates, err);
	if (r < 0)
		return r;
	sp = (struct np_tc_spec){ .kind = NP_TC_HTB, .handle = TC_H_MAKE(1U << 16, 0),
				  .parent = TC_H_ROOT, .defcls = 2 };
	if (!add_tc(plan, NP_STEP_QDISC_ADD, br, &sp,
		    "<bandwidth><inbound>: traffic towards the guests leaves through the bridge; "
		    "HTB as libvirt's virNetDevBandwidthSet, unclassified traffic to 1:2"))
		return -ENOMEM;
	sp = (struct np_tc_spec){ .kind = NP_TC_HTB, .handle = TC_H_MAKE(1U << 16, 1),
				  .parent = TC_H_MAKE(1U << 16, 0), .rate = rates.rate,
				  .ceil = rates.ceil ? rates.ceil : rates.rate };
	if (!add_tc(plan, NP_STEP_CLASS_ADD, br, &sp,
		    "the network's limit: average, up to peak (libvirt's class 1:1)"))
		return -ENOMEM;
	sp = (struct np_tc_spec){ .kind = NP_TC_HTB, .handle = TC_H_MAKE(1U << 16, 2),
				  .parent = TC_H_MAKE(1U << 16, 1), .rate = rates.rate,
				  .ceil = rates.ceil, .burst = rates.burst };
	if (!add_tc(plan, NP_STEP_CLASS_ADD, br, &sp,
		    "the guests' traffic (libvirt's class 1:2, HTB's default class here)"))
		return -ENOMEM;
	sp = (struct np_tc_spec){ .kind = NP_TC_PFIFO, .handle = TC_H_MAKE(2U << 16, 0),
				  .parent = TC_H_MAKE(1U << 16, 2), .limit = TC_LEAF_LIMIT };
	if (!add_tc(plan, NP_STEP_QDISC_ADD, br, &sp,
		    "leaf queue: a FIFO where libvirt puts 'sfq perturb 10' (sch_sfq is not in "
		    "every kernel); libvirt's 'fw' filter is left out too, since unmarked "
		    "traffic takes the default class 1:2 anyway"))
		return -ENOMEM;
	return 0;
}

/* A port's <bandwidth>: its own (port-add --inbound/--outbound) when it has
 * one, else its portgroup's (the default one when it names none), as
 * libvirt's networkAllocatePort: the port's element replaces the
 * portgroup's as a whole, not direction by direction. */
static bool port_bw(const struct np_net *net, const struct np_port *port, struct np_net_bw *ret,
		    bool *own)
{
	*own = port->bw.in.present || port->bw.out.present;
	if (*own) {
		*ret = port->bw;
		return true;
	}
	return np_net_portgroup_bandwidth(net, port->portgroup[0] ? port->portgroup : NULL, ret);
}

/* A port's inbound rate as libvirt's virNetDevBandwidthSet(port, bw,
 * hierarchical_class=false, swapped=true): the port's egress carries the
 * traffic towards the guest. */
static int plan_port_bandwidth(struct np_plan *plan, const struct np_net *net,
			       const struct np_port *port, struct np_err *err)
{
	struct np_net_bw bw;
	struct np_tc_spec rates = { 0 }, sp;
	bool own;
	int r;

	if (!port_bw(net, port, &bw, &own) || !bw.in.present)
		return 0;
	r = tc_rates(net, &bw.in, &rates, err);
	if (r < 0)
		return r;
	sp = (struct np_tc_spec){ .kind = NP_TC_HTB, .handle = TC_H_MAKE(1U << 16, 0),
				  .parent = TC_H_ROOT, .defcls = 1 };
	if (!add_tc(plan, NP_STEP_QDISC_ADD, port->ifname, &sp,
		    own ? "its own <bandwidth><inbound> (port-add --inbound, which replaces its "
			  "portgroup's): traffic towards this guest leaves through its port"
			: "its portgroup's <bandwidth><inbound>: traffic towards this guest leaves "
			  "through its port"))
		return -ENOMEM;
	sp = (struct np_tc_spec){ .kind = NP_TC_HTB, .handle = TC_H_MAKE(1U << 16, 1),
				  .parent = TC_H_MAKE(1U << 16, 0), .rate = rates.rate,
				  .ceil = rates.ceil, .burst = rates.burst };
	if (!add_tc(plan, NP_STEP_CLASS_ADD, port->ifname, &sp,
		    "the port's limit: average, up to peak"))
		return -ENOMEM;
	sp = (struct np_tc_spec){ .kind = NP_TC_PFIFO, .handle = TC_H_MAKE(2U << 16, 0),
				  .parent = TC_H_MAKE(1U << 16, 1), .limit = TC_LEAF_LIMIT };
	if (!add_tc(plan, NP_STEP_QDISC_ADD, port->ifname, &sp,
		    "leaf queue: a FIFO where libvirt puts sfq (not in every kernel)"))
		return -ENOMEM;
	return 0;
}

/* A port's outbound rate: libvirt polices the port's ingress with tc's
 * police action, which not every kernel has; an nft limit hooked at the
 * port's ingress (netdev family) sees the same frames. */
static int plan_port_limit(struct np_plan *plan, const struct np_net *net,
			   const struct np_port *port, struct np_err *err)
{
	struct np_net_bw bw;
	struct np_step *s;
	bool own;

	if (!port_bw(net, port, &bw, &own) || !bw.out.present)
		return 0;
	s = add_step(plan, NP_STEP_PORT_LIMIT);
	if (!s || dup_into(&s->ifname, port->ifname) < 0 ||
	    fmt_into(&s->why,
		     "%s: what this guest sends, limited at its port's ingress in table netdev "
		     NP_FW_TABLE " where libvirt uses tc's police action (not in every kernel); "
		     "nft's byte limit holds one second of its rate besides its burst, so its "
		     "burst is libvirt's less that",
		     own ? "its own <bandwidth><outbound> (port-add --outbound, which replaces "
			   "its portgroup's)"
			 : "its portgroup's <bandwidth><outbound>") < 0)
		return -ENOMEM;
	return np_fw_bw_port_render(net->name, port->ifname, &bw.out, &s->text, &s->undo_text, err);
}

static int plan_ports(struct np_plan *plan, const struct np_net *net,
		      const struct np_plan_paths *paths, struct np_err *err)
{
	int r;

	for (size_t i = 0; i < paths->n_ports; i++) {
		struct np_step *s = add_step(plan, NP_STEP_PORT_ADD);

		if (!s)
			return -ENOMEM;
		s->port = malloc(sizeof(*s->port));
		if (!s->port || dup_into(&s->ifname, paths->ports[i].ifname) < 0 ||
		    dup_into(&s->master, net->bridge.name) < 0)
			return -ENOMEM;
		*s->port = paths->ports[i];
		s->has_mac = true;
		memcpy(s->mac, paths->ports[i].mac, NP_MAC_LEN);
		if (paths->ports[i].isolated ? paths->ports[i].isolated == NP_TRI_YES
					     : net->isolated_port == NP_TRI_YES) {
			s = add_step(plan, NP_STEP_PORT_ISOLATE);
			if (!s || dup_into(&s->ifname, paths->ports[i].ifname) < 0 ||
			    dup_into(&s->why, "<port isolated='yes'/> (the network's, or port-add "
					      "--isolated yes): guests reach the host and non-isolated "
					      "ports, not each other") < 0)
				return -ENOMEM;
		}
		r = plan_port_bandwidth(plan, net, &paths->ports[i], err);
		if (r < 0)
			return r;
		r = plan_port_limit(plan, net, &paths->ports[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int plan_forwarding(struct np_plan *plan, const struct np_net *net)
{
	int r;

	/* libvirt turns forwarding on for every mode with a <forward>
	 * (networkStartNetworkVirtual), open included. */
	if (net->forward.mode != NP_FWD_NAT && net->forward.mode != NP_FWD_ROUTE &&
	    net->forward.mode != NP_FWD_OPEN)
		return 0;
	if (has_family(net, AF_INET)) {
		r = add_sysctl(plan, "net.ipv4.ip_forward", "1", false,
			       "guests' traffic is routed through the host");
		if (r < 0)
			return r;
	}
	if (has_family(net, AF_INET6)) {
		r = add_sysctl(plan, "net.ipv6.conf.all.forwarding", "1", false,
			       "guests' IPv6 traffic is routed through the host");
		if (r < 0)
			return r;
	}
	return 0;
}

static int plan_firewall(struct np_plan *plan, const struct np_net *net, struct np_err *err)
{
	_np_free_ char *add = NULL, *del = NULL;
	struct np_step *s;
	int r;

	r = np_fw_ruleset_render(net, &add, err);
	if (r < 0)
		return r;
	if (!add[0])
		return 0;
	r = np_fw_ruleset_remove_render(net, &del, err);
	if (r < 0)
		return r;
	if (np_fw_pf_needs_localnet(net)) {
		_np_free_ char *key = NULL;

		if (asprintf(&key, "net.ipv4.conf.%s.route_localnet", net->bridge.name) < 0)
			return -ENOMEM;
		r = add_sysctl(plan, key, "1", false,
			       "port forwards: the host's own 127.0.0.1 connections, DNATed to a "
			       "guest, leave and come back through the bridge");
		if (r < 0)
			return r;
	}
	s = add_step(plan, NP_STEP_FW_APPLY);
	if (!s)
		return -ENOMEM;
	s->text = np_steal(&add);
	s->undo_text = np_steal(&del);
	if (dup_into(&s->ifname, net->bridge.name) < 0)
		return -ENOMEM;
	if (np_fw_bw_wanted(net))
		return fmt_into(&s->why,
				"the network's own chains in table inet " NP_FW_TABLE
				", one transaction; <bandwidth><outbound> is the limit in chain "
				"bw-%s, where libvirt uses tc's police action on the bridge's "
				"ingress (not in every kernel); nft's byte limit holds one second "
				"of its rate besides its burst, so its burst is libvirt's less that",
				net->bridge.name);
	return dup_into(&s->why, "the network's own chains in table inet " NP_FW_TABLE
				 ", one transaction");
}

static int add_tool(struct np_plan *plan, const char *argv, const char *undo, bool optional,
		    const char *why)
{
	struct np_step *s = add_step(plan, NP_STEP_TOOL);

	if (!s || dup_into(&s->text, argv) < 0 || dup_into(&s->undo_text, undo) < 0 ||
	    dup_into(&s->why, why) < 0)
		return -ENOMEM;
	s->optional = optional;
	return 0;
}

/* <bridge zone>: libvirt puts the bridge in that firewalld zone, and refuses
 * to start without firewalld. Without one, libvirt puts it in its zone
 * 'libvirt' when firewalld runs (refusing when that zone is missing and
 * firewalld uses nftables, as Debian's does); it uses 'libvirt-routed' for
 * route networks where that zone and its policies exist, netplumb never. */
static int plan_zone(struct np_plan *plan, const struct np_net *net,
		     const struct np_plan_paths *paths, struct np_err *err)
{
	const char *zone = net->bridge.zone ? net->bridge.zone : "libvirt";
	char argv[256], undo[256];

	if (paths->bus_away) {
		if (!net->bridge.zone)
			return 0;
		return np_err_set(err, -EHOSTDOWN,
				  "network '%s': <bridge zone='%s'>: no firewalld serves the network "
				  "namespace of bridge %s (netplumb runs in another than PID 1's and "
				  "DBUS_SYSTEM_BUS_ADDRESS names no system bus)",
				  net->name, net->bridge.zone, net->bridge.name);
	}
	snprintf(argv, sizeof(argv), "firewall-cmd\n--zone=%s\n--change-interface=%s", zone,
		 net->bridge.name);
	snprintf(undo, sizeof(undo), "firewall-cmd\n--zone=%s\n--remove-interface=%s", zone,
		 net->bridge.name);
	if (net->bridge.zone)
		return add_tool(plan, argv, undo, false,
				"firewalld zone of the bridge (<bridge zone>); needs firewalld running");
	/* libvirt sets no zone where it writes no rules */
	if (net->forward.mode == NP_FWD_OPEN)
		return 0;
	if (add_tool(plan, argv, undo, false,
		     "libvirt's firewalld zone for a bridge without <bridge zone>") < 0)
		return -ENOMEM;
	plan->steps[plan->n_steps - 1].if_firewalld = true;
	return 0;
}

/* <domain register='yes'> (libvirt 10.1): systemd-resolved sends queries
 * for the domain to the network's dnsmasq. resolved forgets a link when it
 * goes, so there is nothing to undo. resolved names links in its own
 * namespace: from another one, resolvectl would configure whatever host
 * link has the bridge's name. */
static int plan_register(struct np_plan *plan, const struct np_net *net,
			 const struct np_plan_paths *paths)
{
	char argv[1024], dom[300];
	size_t n;

	if (net->domain.reg != NP_TRI_YES || !net->domain.name || !net->n_ips)
		return 0;
	if (paths->bus_away)
		return fmt_into(&plan->skipped,
				"<domain register='yes'>: not registered with systemd-resolved: "
				"bridge %s is not in the network namespace of PID 1, where resolved "
				"runs",
				net->bridge.name);
	n = (size_t)snprintf(argv, sizeof(argv), "resolvectl\ndns\n%s", net->bridge.name);
	for (size_t i = 0; i < net->n_ips && n < sizeof(argv); i++) {
		char a[NP_ADDR_STRLEN];

		n += (size_t)snprintf(argv + n, sizeof(argv) - n, "\n%s",
				      np_addr_str(&net->ips[i].address, a));
	}
	if (n >= sizeof(argv))
		return -E2BIG;
	if (add_tool(plan, argv, NULL, true,
		     "register the network's DNS with systemd-resolved (<domain register='yes'>)") < 0)
		return -ENOMEM;
	snprintf(dom, sizeof(dom), "resolvectl\ndomain\n%s\n~%s", net->bridge.name,
		 net->domain.name);
	return add_tool(plan, dom, NULL, true, NULL);
}

/* Accepts in iptables chains that another tool set to drop (Docker's,
 * UFW's FORWARD), where that tool's ruleset would drop what netplumb's own
 * table accepts: an nft accept in one table does not override a drop in
 * another. */
static int plan_foreign(struct np_plan *plan, const struct np_net *net,
			const struct np_plan_paths *paths, struct np_err *err)
{
	struct np_ipt_rule rules[NP_IPT_RULES_MAX];
	int n;

	if (!paths->foreign)
		return 0;
	n = np_fw_foreign_rules(net, paths->foreign, rules);
	if (n < 0)
		return np_err_set(err, n, "network '%s': cannot write iptables rules for bridge %s",
				  net->name, net->bridge.name);
	for (int i = 0; i < n; i++) {
		struct np_step *s = add_step(plan, NP_STEP_IPT_RULE);

		if (!s || dup_into(&s->ifname, net->bridge.name) < 0 ||
		    dup_into(&s->key, rules[i].table) < 0 || dup_into(&s->value, rules[i].chain) < 0 ||
		    dup_into(&s->text, rules[i].spec) < 0 ||
		    fmt_into(&s->why, "%s: %s' %s chain drops by policy%s", rules[i].why,
			     strcmp(rules[i].table, NP_IPT6_FILTER) ? "iptables" : "ip6tables",
			     rules[i].dropping,
			     strcmp(rules[i].chain, rules[i].dropping)
				     ? "; into Docker's DOCKER-USER, its place for the host's rules"
				     : "") < 0)
			return -ENOMEM;
	}
	return 0;
}

/* <netplumb:qemu bridgeHelper='allow'/>: the bridge is opened to
 * qemu-bridge-helper once everything on it is up, and closed first. */
static int plan_qemu_acl(struct np_plan *plan, const struct np_net *net)
{
	struct np_step *s;

	if (net->qemu_bridge_helper != NP_TRI_YES)
		return 0;
	s = add_step(plan, NP_STEP_QEMU_ACL);
	if (!s || dup_into(&s->ifname, net->bridge.name) < 0 ||
	    dup_into(&s->path, NP_QEMU_ACL_PATH) < 0 ||
	    dup_into(&s->why, "qemu-bridge-helper may attach unprivileged QEMU guests "
			      "(<netplumb:qemu bridgeHelper='allow'/>); " NP_QEMU_BRIDGE_CONF
			      " must hold 'include " NP_QEMU_ACL_PATH "'") < 0)
		return -ENOMEM;
	return 0;
}

int np_plan_build(const struct np_net *net, const struct np_plan_paths *paths,
		  struct np_plan **ret, struct np_err *err)
{
	struct np_plan *plan = NULL;
	_np_free_ char *fname = NULL, *xml = NULL;
	struct np_net eff;
	bool dnsmasq;
	int r;

	bool host_bridge = net->forward.mode == NP_FWD_BRIDGE && net->bridge.name;

	if (!np_net_is_virtual(net) && !host_bridge)
		return np_err_set(err, -EOPNOTSUPP,
				  "network '%s': forward mode '%s'%s is not supported by netplumb "
				  "(only nat, route, open, isolated and an existing host bridge)",
				  net->name, np_fwd_mode_names[net->forward.mode],
				  net->forward.mode == NP_FWD_BRIDGE ? " without a bridge name" : "");
	if (!net->bridge.name)
		return np_err_set(err, -EINVAL, "network '%s' has no bridge name", net->name);
	{
		struct np_unplumbed u;
		const char *why;

		np_net_unplumbed(net, &u);
		if ((why = np_unplumbed_refusal(&u)))
			return np_err_set(err, -EOPNOTSUPP, "network '%s': %s", net->name, why);
	}

	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return -ENOMEM;
	r = -ENOMEM;
	if (dup_into(&plan->net_name, net->name) < 0 || dup_into(&plan->bridge, net->bridge.name) < 0)
		goto fail;
	r = np_plan_file_name(net->name, &fname);
	if (r < 0)
		goto fail;
	r = np_xml_net_format(net, 0, &xml);
	if (r < 0)
		goto fail;
	/* the MTU the underlay leaves, for the bridge and for DHCP */
	if (net->vxlan) {
		r = np_plan_vx_net(net, paths, &eff, err);
		if (r < 0)
			goto fail;
		net = &eff;
	}
	if (host_bridge) {
		/* libvirt only records such a network as active: the host's
		 * bridge is someone else's, and guests are plugged into it. */
		struct np_step *s = add_step(plan, NP_STEP_CHECK_LINK_PRESENT);

		r = -ENOMEM;
		if (!s || dup_into(&s->ifname, net->bridge.name) < 0)
			goto fail;
		r = plan_live_begin(plan, net, paths, fname, xml);
		if (r < 0)
			goto fail;
		/* Guests' ports still go onto that bridge. */
		r = plan_ports(plan, net, paths, err);
		if (r < 0)
			goto fail;
		r = plan_live_end(plan, paths, fname, xml);
		if (r < 0)
			goto fail;
		*ret = plan;
		return 0;
	}

	dnsmasq = np_dhcp_needed(net);
	r = plan_bridge(plan, net);
	if (r < 0)
		goto fail;
	r = plan_live_begin(plan, net, paths, fname, xml);
	if (r < 0)
		goto fail;
	if (dnsmasq) {
		r = plan_dnsmasq_files(plan, net, paths, fname, err);
		if (r < 0)
			goto fail;
	}
	r = plan_link(plan, net);
	if (r < 0)
		goto fail;
	r = np_plan_vxlan(plan, net, paths, err);
	if (r < 0)
		goto fail;
	r = plan_bandwidth(plan, net, err);
	if (r < 0)
		goto fail;
	r = plan_ports(plan, net, paths, err);
	if (r < 0)
		goto fail;
	r = plan_forwarding(plan, net);
	if (r < 0)
		goto fail;
	r = plan_zone(plan, net, paths, err);
	if (r < 0)
		goto fail;
	r = plan_firewall(plan, net, err);
	if (r < 0)
		goto fail;
	r = plan_foreign(plan, net, paths, err);
	if (r < 0)
		goto fail;
	if (dnsmasq) {
		r = plan_dnsmasq_start(plan, paths, fname);
		if (r >= 0 && np_dhcp_ignores_addr_events(net))
			r = plan_dnsmasq_mute(plan, paths, fname);
		if (r < 0)
			goto fail;
		r = plan_register(plan, net, paths);
		if (r < 0)
			goto fail;
	}
	r = plan_qemu_acl(plan, net);
	if (r < 0)
		goto fail;
	r = plan_live_end(plan, paths, fname, xml);
	if (r < 0)
		goto fail;
	*ret = plan;
	return 0;
fail:
	np_plan_free(plan);
	return r == -ENOMEM ? np_err_set(err, r, "out of memory") : r;
}

int np_plan_port_build(const struct np_net *net, const struct np_port *port, struct np_plan **ret,
		       struct np_err *err)
{
	const struct np_plan_paths paths = { .ports = port, .n_ports = 1 };
	struct np_plan *plan;

	if (!net->bridge.name)
		return np_err_set(err, -EINVAL, "network '%s' has no bridge name", net->name);
	int r;

	plan = calloc(1, sizeof(*plan));
	if (!plan || dup_into(&plan->net_name, net->name) < 0 ||
	    dup_into(&plan->bridge, net->bridge.name) < 0) {
		np_plan_free(plan);
		return np_err_set(err, -ENOMEM, "out of memory");
	}
	r = plan_ports(plan, net, &paths, err);
	if (r < 0) {
		np_plan_free(plan);
		return r == -ENOMEM ? np_err_set(err, r, "out of memory") : r;
	}
	*ret = plan;
	return 0;
}

const struct np_step *np_plan_file_step(const struct np_plan *plan, const char *suffix)
{
	size_t sl = strlen(suffix);

	/* Every generated file is NAME.SUFFIX, so only one ends so. */
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct np_step *s = &plan->steps[i];
		size_t pl;

		if (s->kind != NP_STEP_FILE_WRITE)
			continue;
		pl = strlen(s->path);
		if (pl >= sl && !strcmp(s->path + pl - sl, suffix))
			return s;
	}
	return NULL;
}

size_t np_plan_dnsmasq_beside(const struct np_plan *plan, size_t *ret_dnsmasq)
{
	const struct np_step *dm = np_plan_find(plan, NP_STEP_DNSMASQ_START);
	size_t d = dm ? (size_t)(dm - plan->steps) : plan->n_steps, f = d;

	while (f > 0 && f < plan->n_steps && (plan->steps[f - 1].kind == NP_STEP_FW_APPLY ||
					      plan->steps[f - 1].kind == NP_STEP_IPT_RULE))
		f--;
	*ret_dnsmasq = d;
	return f < d ? f : plan->n_steps;
}

size_t np_plan_beside(const struct np_plan *plan)
{
	size_t bridge = plan->n_steps;

	for (size_t i = 0; i < plan->n_steps; i++) {
		enum np_step_kind k = plan->steps[i].kind;

		if (k == NP_STEP_BRIDGE_ADD)
			bridge = i;
		else if ((k == NP_STEP_PORT_ADD || k == NP_STEP_VXLAN_ADD || k == NP_STEP_FDB_ADD) &&
			 bridge < plan->n_steps)
			return plan->n_steps;
	}
	return bridge;
}

const struct np_step *np_plan_find(const struct np_plan *plan, enum np_step_kind kind)
{
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].kind == kind)
			return &plan->steps[i];
	return NULL;
}
