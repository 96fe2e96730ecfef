/* Building a plan from a definition: pure, no system access. */
#include "engine/plan.h"

#include "common/err.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "engine/port.h"
#include "firewall/fw.h"
#include "xml/net.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static void step_clear(struct np_step *s)
{
	free(s->ifname);
	free(s->key);
	free(s->value);
	free(s->path);
	free(s->data);
	free(s->text);
	free(s->undo_text);
	free(s->create_text);
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

static int add_file(struct np_plan *plan, const char *path, char *data, const char *why)
{
	struct np_step *s = add_step(plan, NP_STEP_FILE_WRITE);

	if (!s) {
		free(data);
		return -ENOMEM;
	}
	s->data = data;
	s->mode = 0644;
	if (dup_into(&s->path, path) < 0 || dup_into(&s->why, why) < 0)
		return -ENOMEM;
	return 0;
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
	r = add_file(plan, conf_path, conf, "dnsmasq configuration");
	if (r < 0)
		return r;
	r = np_dhcp_hosts_render(net, &hosts, err);
	if (r < 0)
		return r;
	r = add_file(plan, hosts_path, hosts, "static DHCP hosts (dhcp-hostsfile)");
	if (r < 0)
		return r;
	r = np_dhcp_addnhosts_render(net, &addn, err);
	if (r < 0)
		return r;
	r = add_file(plan, addn_path, addn, "DNS hosts (addn-hosts)");
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
	return add_file(plan, servers_path, servers, why);
}

/* One of dnsmasq's steps, all naming its config and pid file. */
static struct np_step *dnsmasq_step(struct np_plan *plan, enum np_step_kind kind,
				    const struct np_plan_paths *paths, const char *fname,
				    const char *why)
{
	struct np_step *s = add_step(plan, kind);

	if (!s || fmt_into(&s->path, "%s/%s.conf", paths->state_dir, fname) < 0 ||
	    fmt_into(&s->pid_path, "%s/%s.pid", paths->run_dir, fname) < 0 ||
	    dup_into(&s->why, why) < 0)
		return NULL;
	return s;
}

/* mute: a NP_STEP_DNSMASQ_MUTE will follow its readiness (plan_dnsmasq_ready). */
static int plan_dnsmasq_start(struct np_plan *plan, const struct np_plan_paths *paths,
			      const char *fname, bool mute)
{
	struct np_step *s = dnsmasq_step(plan, NP_STEP_DNSMASQ_START, paths, fname,
					 "DHCP and DNS for the network");

	if (!s)
		return -ENOMEM;
	s->mute = mute;
	return 0;
}

/* dnsmasq is spawned once its bridge is up with its addresses, and waited
 * for at the very end, so its start-up (milliseconds of dynamic linking and
 * daemonizing) overlaps ports, sysctls and the nft transaction.
 *
 * Every dnsmasq 2.90 joins rtnetlink's address and route groups, so each
 * address or route a start adds would wake every other network's dnsmasq:
 * O(N) wake-ups per start, O(N²) for N networks. One that binds once and
 * does no IPv6 ignores those events anyway (mute); it leaves the groups
 * once it serves. */
static int plan_dnsmasq_ready(struct np_plan *plan, const struct np_plan_paths *paths,
			      const char *fname, bool mute)
{
	struct np_step *s;

	if (!dnsmasq_step(plan, NP_STEP_DNSMASQ_READY, paths, fname,
			  "dnsmasq answers DHCP and DNS before net-start returns"))
		return -ENOMEM;
	if (!mute)
		return 0;
	s = dnsmasq_step(plan, NP_STEP_DNSMASQ_MUTE, paths, fname,
			 "bind-interfaces and no IPv6: dnsmasq has no use for the host's "
			 "address and route events, and each one would wake it");
	if (!s)
		return -ENOMEM;
	s->optional = true;
	return 0;
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
	_np_free_ char *add = NULL, *del = NULL, *create = NULL;
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
	r = np_fw_ruleset_create_render(net, &create, err);
	if (r < 0)
		return r;
	s = add_step(plan, NP_STEP_FW_APPLY);
	if (!s)
		return -ENOMEM;
	s->text = np_steal(&add);
	s->undo_text = np_steal(&del);
	s->create_text = np_steal(&create);
	if (dup_into(&s->ifname, net->bridge.name) < 0)
		return -ENOMEM;
	return dup_into(&s->why, "the network's own chains in table inet " NP_FW_TABLE
				 ", one transaction");
}

/* libvirt 9.0 (networkAddChecksumFirewallRules) adds this rule in a
 * transaction whose errors it ignores, after its other rules and before
 * dnsmasq serves. */
static int plan_checksum(struct np_plan *plan, const struct np_net *net, struct np_err *err)
{
	_np_free_ char *add = NULL, *del = NULL;
	struct np_step *s;
	int r;

	if (!np_fw_csum_wanted(net))
		return 0;
	r = np_fw_csum_render(net->bridge.name, &add, err);
	if (r < 0)
		return r;
	r = np_fw_csum_remove_render(net->bridge.name, &del, err);
	if (r < 0)
		return r;
	s = add_step(plan, NP_STEP_FW_CSUM);
	if (!s)
		return -ENOMEM;
	s->text = np_steal(&add);
	s->undo_text = np_steal(&del);
	s->optional = true;
	if (dup_into(&s->ifname, net->bridge.name) < 0)
		return -ENOMEM;
	return dup_into(&s->why, "libvirt's DHCP checksum fix (CHECKSUM --checksum-fill) in "
				 "iptables-nft's table ip mangle: nft cannot express the CHECKSUM "
				 "target");
}

int np_plan_build(const struct np_net *net, const struct np_plan_paths *paths,
		  struct np_plan **ret, struct np_err *err)
{
	struct np_plan *plan = NULL;
	_np_free_ char *fname = NULL;
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
	if (host_bridge) {
		/* libvirt only records such a network as active: the host's
		 * bridge is someone else's, and guests are plugged into it. */
		struct np_step *s = add_step(plan, NP_STEP_CHECK_LINK_PRESENT);

		if (!s || dup_into(&s->ifname, net->bridge.name) < 0)
			goto fail;
		/* Guests' ports still go onto that bridge. */
		r = plan_ports(plan, net, paths);
		if (r < 0)
			goto fail;
		*ret = plan;
		return 0;
	}
	r = np_plan_file_name(net->name, &fname);
	if (r < 0)
		goto fail;

	dnsmasq = np_dhcp_needed(net);
	r = plan_bridge(plan, net);
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
	if (dnsmasq) {
		r = plan_dnsmasq_start(plan, paths, fname, np_dhcp_ignores_addr_events(net));
		if (r < 0)
			goto fail;
	}
	r = plan_ports(plan, net, paths);
	if (r < 0)
		goto fail;
	r = plan_forwarding(plan, net);
	if (r < 0)
		goto fail;
	r = plan_firewall(plan, net, err);
	if (r < 0)
		goto fail;
	r = plan_checksum(plan, net, err);
	if (r < 0)
		goto fail;
	if (dnsmasq) {
		r = plan_dnsmasq_ready(plan, paths, fname, np_dhcp_ignores_addr_events(net));
		if (r < 0)
			goto fail;
	}
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
