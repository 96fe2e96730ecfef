/* Building a plan from a definition: pure, no system access. */
#include "engine/plan.h"

#include "common/err.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "engine/port.h"
#include "firewall/foreign.h"
#include "firewall/fw.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
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
	free(s->why);
	free(s->port);
	free(s->master);
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

static int add_file_step(struct np_plan *plan, const char *path, char *data, const char *why,
			 bool generated)
{
	struct np_step *s = add_step(plan, NP_STEP_FILE_WRITE);

	if (!s) {
		free(data);
		return -ENOMEM;
	}
	s->data = data;
	s->mode = 0644;
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
	int r = add_file_step(plan, path, data, why, false);

	if (r == 0)
		plan->steps[plan->n_steps - 1].state = true;
	return r;
}

static int add_generated(struct np_plan *plan, const char *path, char *data, const char *why)
{
	return add_file_step(plan, path, data, why, true);
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
	r = add_generated(plan, conf_path, conf, "dnsmasq configuration");
	if (r < 0)
		return r;
	r = np_dhcp_hosts_render(net, &hosts, err);
	if (r < 0)
		return r;
	r = add_generated(plan, hosts_path, hosts, "static DHCP hosts (dhcp-hostsfile)");
	if (r < 0)
		return r;
	r = np_dhcp_addnhosts_render(net, &addn, err);
	if (r < 0)
		return r;
	r = add_generated(plan, addn_path, addn, "DNS hosts (addn-hosts)");
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
	return add_generated(plan, servers_path, servers, why);
}

/* dnsmasq starts last, as in libvirt: once the bridge, its ports and its
 * rules are there, and net-start returns once it serves. */
static int plan_dnsmasq_start(struct np_plan *plan, const struct np_plan_paths *paths,
			      const char *fname)
{
	struct np_step *s = add_step(plan, NP_STEP_DNSMASQ_START);

	if (!s || fmt_into(&s->path, "%s/%s.conf", paths->state_dir, fname) < 0 ||
	    fmt_into(&s->pid_path, "%s/%s.pid", paths->run_dir, fname) < 0 ||
	    dup_into(&s->why, "DHCP and DNS for the network; net-start returns once it serves") < 0)
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
	}
	return 0;
}

static int plan_ports(struct np_plan *plan, const struct np_net *net,
		      const struct np_plan_paths *paths)
{
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
	s = add_step(plan, NP_STEP_FW_APPLY);
	if (!s)
		return -ENOMEM;
	s->text = np_steal(&add);
	s->undo_text = np_steal(&del);
	if (dup_into(&s->ifname, net->bridge.name) < 0)
		return -ENOMEM;
	return dup_into(&s->why, "the network's own chains in table inet " NP_FW_TABLE
				 ", one transaction");
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
		    fmt_into(&s->why, "%s: iptables' %s chain drops by policy", rules[i].why,
			     rules[i].chain) < 0)
			return -ENOMEM;
	}
	return 0;
}

int np_plan_build(const struct np_net *net, const struct np_plan_paths *paths,
		  struct np_plan **ret, struct np_err *err)
{
	struct np_plan *plan = NULL;
	_np_free_ char *fname = NULL, *xml = NULL;
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
		r = plan_ports(plan, net, paths);
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
	r = plan_ports(plan, net, paths);
	if (r < 0)
		goto fail;
	r = plan_forwarding(plan, net);
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
		if (r < 0)
			goto fail;
	}
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
	plan = calloc(1, sizeof(*plan));
	if (!plan || dup_into(&plan->net_name, net->name) < 0 ||
	    dup_into(&plan->bridge, net->bridge.name) < 0 || plan_ports(plan, net, &paths) < 0) {
		np_plan_free(plan);
		return np_err_set(err, -ENOMEM, "out of memory");
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

const struct np_step *np_plan_find(const struct np_plan *plan, enum np_step_kind kind)
{
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].kind == kind)
			return &plan->steps[i];
	return NULL;
}
