/* The dnsmasq config for a network, line for line what libvirt's
 * networkDnsmasqConfContents() writes (dnsmasq >= 2.67 assumed, so
 * bind-dynamic and ra-param always), except for the '##' header. */
#include "dhcp/dhcp.h"
#include "dhcp/dhcp_priv.h"

#include "common/addr.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/util.h"
#include "xml/net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* libvirt counts leases as an int and rejects ranges over 65535 addresses, so
 * this bound is never reached by a network libvirt accepts. */
#define MAX_LEASES (1 << 30)

static bool net_isolated(const struct np_net *net)
{
	return !net->forward.present || net->forward.mode == NP_FWD_NONE;
}

static bool want_dns(const struct np_net *net)
{
	return net->dns.enable != NP_TRI_NO;
}

bool np_dhcp_needed(const struct np_net *net)
{
	bool services = false;

	/* networkStartDhcpDaemon(): only virtual networks, only with an <ip>,
	 * and not when DNS is off and no <ip> has DHCP or TFTP. */
	if (!np_net_is_virtual(net) || net->n_ips == 0)
		return false;
	for (size_t i = 0; i < net->n_ips; i++) {
		const struct np_ip *ip = &net->ips[i];

		if (ip->n_ranges || ip->n_hosts || ip->tftp_root)
			services = true;
	}
	return services || want_dns(net);
}

/* A <forwarder> with an address and no domain takes every otherwise
 * unclaimed name: libvirt writes no-resolv then. */
static bool forwarders_take_all(const struct np_dns *dns)
{
	for (size_t i = 0; i < dns->n_forwarders; i++)
		if (np_addr_is_set(&dns->forwarders[i].addr) && !dns->forwarders[i].domain)
			return true;
	return false;
}

/* A <dnsmasq:option> line setting KEY ("KEY", "KEY=...", blanks around). */
static bool option_sets(const char *value, const char *key)
{
	size_t n = strlen(key);

	while (*value == ' ' || *value == '\t')
		value++;
	if (strncmp(value, key, n))
		return false;
	value += n;
	return !*value || *value == '=' || *value == ' ' || *value == '\t';
}

bool np_dhcp_uses_servers_file(const struct np_net *net)
{
	if (!np_dhcp_needed(net) || !want_dns(net) || net_isolated(net) ||
	    forwarders_take_all(&net->dns))
		return false;
	/* The user's own choice of upstream source stays theirs. */
	for (size_t i = 0; i < net->n_dnsmasq_options; i++) {
		const char *v = net->dnsmasq_options[i].value;

		if (v && (option_sets(v, "no-resolv") || option_sets(v, "resolv-file") ||
			  option_sets(v, "servers-file")))
			return false;
	}
	return true;
}

static bool user_option_sets(const struct np_net *net, const char *key)
{
	for (size_t i = 0; i < net->n_dnsmasq_options; i++)
		if (net->dnsmasq_options[i].value && option_sets(net->dnsmasq_options[i].value, key))
			return true;
	return false;
}

bool np_dhcp_needs_inotify(const struct np_net *net)
{
	if (!np_dhcp_needed(net))
		return false;
	if (user_option_sets(net, "dhcp-hostsdir") || user_option_sets(net, "dhcp-optsdir") ||
	    user_option_sets(net, "hostsdir"))
		return true;
	if (!want_dns(net) || net_isolated(net) || forwarders_take_all(&net->dns) ||
	    np_dhcp_uses_servers_file(net))
		return false;
	return !user_option_sets(net, "no-resolv");
}

bool np_dhcp_binds_statically(const struct np_net *net)
{
	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].address.family == AF_INET6)
			return false;
	for (size_t i = 0; i < net->n_dnsmasq_options; i++) {
		const char *v = net->dnsmasq_options[i].value;

		if (v && (option_sets(v, "bind-dynamic") || option_sets(v, "bind-interfaces")))
			return false;
	}
	return true;
}

bool np_dhcp_ignores_addr_events(const struct np_net *net)
{
	/* dnsmasq acts on an address or route event only for these (its
	 * newaddress(): bind-dynamic, local-service and IPv6 re-enumerate
	 * interfaces; alias= and localise-queries read interface addresses;
	 * a relay caches its interface index). IPv6 and the bind modes are
	 * np_dhcp_binds_statically()'s. */
	static const char *const uses[] = { "local-service", "localise-queries", "alias",
					    "enable-ra",     "dhcp-relay",       "auth-server",
					    "interface-name" };

	if (!np_dhcp_binds_statically(net))
		return false;
	for (size_t i = 0; i < net->n_dnsmasq_options; i++) {
		const char *v = net->dnsmasq_options[i].value;

		for (size_t k = 0; v && k < sizeof(uses) / sizeof(uses[0]); k++)
			if (option_sets(v, uses[k]))
				return false;
	}
	return true;
}

/* Path of a per-network file as libvirt names it (dnsmasqContextNew):
 * DIR/NAME.SUFFIX with NAME XML-escaped. libvirt's escaping is a quirk
 * (nat-network-name-with-quotes expects "default&quot;with&quot;quotes&quot;"),
 * but keeping it also keeps '"' out of the config, where dnsmasq would strip
 * it as a quote. */
int np_dhcp_path_build(const char *dir, const char *name, const char *suffix, char **ret)
{
	struct np_buf b = { 0 };
	char *s;

	if (!dir || !name || !suffix || !*name || strchr(name, '/'))
		return -EINVAL;
	np_buf_addf(&b, "%s/", dir);
	for (const char *p = name; *p; p++) {
		switch (*p) {
		case '<':
			np_buf_add(&b, "&lt;");
			break;
		case '>':
			np_buf_add(&b, "&gt;");
			break;
		case '&':
			np_buf_add(&b, "&amp;");
			break;
		case '"':
			np_buf_add(&b, "&quot;");
			break;
		case '\'':
			np_buf_add(&b, "&apos;");
			break;
		default:
			np_buf_addc(&b, *p);
		}
	}
	np_buf_addf(&b, ".%s", suffix);
	s = np_buf_steal(&b);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* Every user string that reaches the config, checked before anything is
 * written so a refused network leaves no half-rendered text behind. */
static int check_net(const struct np_net *net, const struct np_dhcp_paths *paths,
		     struct np_err *err)
{
	const struct np_dns *dns = &net->dns;
	const char *path_vals[] = { paths->hostsfile, paths->addnhosts, paths->pidfile,
				    paths->leasefile, paths->user, paths->serversfile };
	static const char *const path_names[] = { "dhcp-hostsfile path", "addn-hosts path",
						  "pid-file path", "dhcp-leasefile path",
						  "dnsmasq user", "servers-file path" };
	int r = 0;

	if (!net->name || !*net->name)
		return np_err_set(err, -EINVAL, "network has no <name>");
	if (!net->bridge.name || !*net->bridge.name)
		return np_err_set(err, -EINVAL, "network '%s' has no <bridge name>", net->name);
	/* The name only reaches a '##' comment line (the paths come from the
	 * caller), where quotes are harmless but a newline is not. */
	r = np_dhcp_check_line("<name>", net->name, err);
	if (r >= 0)
		r = np_dhcp_check("<bridge name>", net->bridge.name, NP_DHCP_FORBID_NAME, err);
	for (size_t i = 0; r >= 0 && i < NP_ARRAY_SIZE(path_vals); i++)
		if (path_vals[i])
			r = np_dhcp_check(path_names[i], path_vals[i], NP_DHCP_FORBID_FIELD, err);
	if (r >= 0 && net->domain.name)
		r = np_dhcp_check("<domain name>", net->domain.name, NP_DHCP_FORBID_NAME, err);
	for (size_t i = 0; r >= 0 && i < dns->n_forwarders; i++)
		if (dns->forwarders[i].domain)
			r = np_dhcp_check("<dns><forwarder domain>", dns->forwarders[i].domain,
					  NP_DHCP_FORBID_NAME, err);
	for (size_t i = 0; r >= 0 && i < dns->n_txts; i++) {
		if (!dns->txts[i].name || !dns->txts[i].value)
			return np_err_set(err, -EINVAL, "<dns><txt>: name and value are required");
		r = np_dhcp_check("<dns><txt name>", dns->txts[i].name, NP_DHCP_FORBID_NAME, err);
		if (r >= 0)
			r = np_dhcp_check("<dns><txt value>", dns->txts[i].value,
					  NP_DHCP_FORBID_NONE, err);
	}
	for (size_t i = 0; r >= 0 && i < dns->n_srvs; i++) {
		const struct np_dns_srv *srv = &dns->srvs[i];

		/* The parser requires both, as libvirt's does. */
		if (!srv->service || !srv->protocol)
			return np_err_set(err, -EINVAL,
					  "<dns><srv>: service and protocol are required");
		r = np_dhcp_check("<dns><srv service>", srv->service, NP_DHCP_FORBID_NAME, err);
		if (r >= 0)
			r = np_dhcp_check("<dns><srv protocol>", srv->protocol,
					  NP_DHCP_FORBID_NAME, err);
		if (r >= 0 && srv->domain)
			r = np_dhcp_check("<dns><srv domain>", srv->domain, NP_DHCP_FORBID_NAME,
					  err);
		if (r >= 0 && srv->target)
			r = np_dhcp_check("<dns><srv target>", srv->target, NP_DHCP_FORBID_NAME,
					  err);
	}
	for (size_t i = 0; r >= 0 && i < net->n_ips; i++) {
		const struct np_ip *ip = &net->ips[i];

		if (ip->tftp_root)
			r = np_dhcp_check("<tftp root>", ip->tftp_root, NP_DHCP_FORBID_FIELD, err);
		if (r >= 0 && ip->bootp_file)
			r = np_dhcp_check("<bootp file>", ip->bootp_file, NP_DHCP_FORBID_FIELD,
					  err);
	}
	for (size_t i = 0; r >= 0 && i < net->n_dnsmasq_options; i++) {
		if (!net->dnsmasq_options[i].value)
			return np_err_set(err, -EINVAL, "<dnsmasq:option> without value");
		r = np_dhcp_check_line("<dnsmasq:option value>", net->dnsmasq_options[i].value,
				       err);
	}
	return r;
}

static void add_addr(struct np_buf *b, const struct np_addr *a)
{
	char s[NP_ADDR_STRLEN];

	np_buf_add(b, np_addr_str(a, s));
}

static void conf_forwarders(struct np_buf *b, const struct np_dns *dns)
{
	for (size_t i = 0; i < dns->n_forwarders; i++) {
		const struct np_dns_forwarder *fwd = &dns->forwarders[i];

		np_buf_add(b, "server=");
		if (fwd->domain)
			np_buf_addf(b, "/%s/", fwd->domain);
		if (np_addr_is_set(&fwd->addr)) {
			add_addr(b, &fwd->addr);
			if (fwd->port)
				np_buf_addf(b, "#%u", fwd->port);
			np_buf_addc(b, '\n');
		} else {
			/* "#": resolve this domain locally only */
			np_buf_add(b, "#\n");
		}
	}
	if (forwarders_take_all(dns))
		np_buf_add(b, "no-resolv\n");
}

/* local=/PTR-DOMAIN/ for every <ip localPtr='yes'> (libvirt's
 * networkDnsmasqConfLocalPTRs, test case ptr-domains-auto). */
static int conf_local_ptrs(struct np_buf *b, const struct np_net *net, struct np_err *err)
{
	for (size_t i = 0; i < net->n_ips; i++) {
		const struct np_ip *ip = &net->ips[i];
		const uint8_t *by = ip->address.bytes;
		bool v4 = ip->address.family == AF_INET;
		unsigned step = v4 ? 8 : 4, max = v4 ? 32 : 128;

		if (ip->local_ptr != NP_TRI_YES)
			continue;
		if (ip->prefix == 0 || ip->prefix >= max || ip->prefix % step)
			return np_err_set(err, -EINVAL,
					  "PTR domain for %s network with prefix %u cannot be "
					  "automatically created",
					  v4 ? "IPv4" : "IPv6", ip->prefix);
		np_buf_add(b, "local=/");
		for (unsigned n = ip->prefix / step; n > 0; n--) {
			if (v4)
				np_buf_addf(b, "%u.", by[n - 1]);
			else
				np_buf_addf(b, "%x.",
					    (n - 1) % 2 ? by[(n - 1) / 2] & 0xf : by[(n - 1) / 2] >> 4);
		}
		np_buf_add(b, v4 ? "in-addr.arpa/\n" : "ip6.arpa/\n");
	}
	return 0;
}

static void conf_srv(struct np_buf *b, const struct np_dns_srv *srv)
{
	/* RFC 2782 names start with '_'; domain defaults to the network's. */
	np_buf_addf(b, "srv-host=_%s._%s", srv->service, srv->protocol);
	if (srv->domain)
		np_buf_addf(b, ".%s", srv->domain);
	/* An empty or "." target means "no such service": nothing follows. Port,
	 * priority and weight are positional, so a later one forces the earlier
	 * ones out (port 1 being dnsmasq's default, as libvirt writes it). A 0
	 * counts as absent, as in libvirt. */
	if (srv->target && strcmp(srv->target, ".") != 0) {
		np_buf_addf(b, ",%s", srv->target);
		if (srv->port || srv->priority || srv->weight)
			np_buf_addf(b, ",%u", srv->port ? srv->port : 1);
		if (srv->priority || srv->weight)
			np_buf_addf(b, ",%u", srv->priority);
		if (srv->weight)
			np_buf_addf(b, ",%u", srv->weight);
	}
	np_buf_addc(b, '\n');
}

/* libvirt's virSocketAddrGetRange(): the size of start..end, refusing what
 * libvirt refuses (outside the subnet, reversed, wider than the last 16
 * bits). */
static int range_size(const struct np_dhcp_range *r, const struct np_ip *ip, struct np_err *err)
{
	char s[NP_ADDR_STRLEN], e[NP_ADDR_STRLEN];
	size_t fixed = ip->address.family == AF_INET ? 2 : 14;
	long long n;

	np_addr_str(&r->start, s);
	np_addr_str(&r->end, e);
	if (r->start.family != ip->address.family || r->end.family != ip->address.family ||
	    !np_addr_in_subnet(&r->start, &ip->address, ip->prefix) ||
	    !np_addr_in_subnet(&r->end, &ip->address, ip->prefix))
		return np_err_set(err, -EINVAL,
				  "<range start='%s' end='%s'>: not entirely within network %s/%u", s,
				  e, np_addr_str(&ip->address, (char[NP_ADDR_STRLEN]){ 0 }),
				  ip->prefix);
	if (memcmp(r->start.bytes, r->end.bytes, fixed))
		return np_err_set(err, -EINVAL,
				  "<range start='%s' end='%s'>: range is too large (> 65535)", s, e);
	n = np_addr_range_size(&r->start, &r->end);
	if (n < 0)
		return np_err_set(err, -EINVAL, "<range start='%s' end='%s'>: range is reversed",
				  s, e);
	return (int)n;
}

/* networkDnsmasqConfDHCP() for the first DHCP <ip> of one family. */
static int conf_dhcp(struct np_buf *b, const struct np_ip *ip, long long *leases,
		     struct np_err *err)
{
	bool v6 = ip->address.family == AF_INET6;
	char lease[32];

	for (size_t i = 0; i < ip->n_ranges; i++) {
		const struct np_dhcp_range *r = &ip->ranges[i];
		int n = range_size(r, ip, err);

		if (n < 0)
			return n;
		np_buf_add(b, "dhcp-range=");
		add_addr(b, &r->start);
		np_buf_addc(b, ',');
		add_addr(b, &r->end);
		if (v6) {
			np_buf_addf(b, ",%u", ip->prefix);
		} else {
			/* dnsmasq wants a netmask, not a prefix, for IPv4 */
			struct np_addr mask = np_addr_prefix_to_netmask(ip->prefix);

			np_buf_addc(b, ',');
			add_addr(b, &mask);
		}
		if (r->lease.set) {
			np_dhcp_lease_str(&r->lease, lease);
			np_buf_addf(b, ",%s", lease);
		}
		np_buf_addc(b, '\n');
		*leases += n;
	}
	/* Hosts but no range: a "static" range switches DHCP on for them. */
	if (!ip->n_ranges && ip->n_hosts) {
		np_buf_add(b, "dhcp-range=");
		add_addr(b, &ip->address);
		np_buf_add(b, ",static");
		if (v6)
			np_buf_addf(b, ",%u", ip->prefix);
		np_buf_addc(b, '\n');
	}
	if (v6)
		return 0;
	np_buf_add(b, "dhcp-no-override\ndhcp-authoritative\n");
	if (ip->bootp_file) {
		np_buf_addf(b, "dhcp-boot=%s", ip->bootp_file);
		if (ip->bootp_server) {
			struct np_addr srv;

			if (np_addr_parse(ip->bootp_server, 0, &srv) < 0)
				return np_err_set(err, -EINVAL,
						  "<bootp server='%s'>: not an IP address",
						  ip->bootp_server);
			np_buf_add(b, ",,");
			add_addr(b, &srv);
		}
		np_buf_addc(b, '\n');
	}
	return 0;
}

/* The first <ip> of each family with DHCP ranges or hosts; libvirt refuses
 * a second one. Also writes the TFTP lines of every IPv4 <ip> on the way,
 * as libvirt does in the same loop. */
static int find_dhcp_ips(struct np_buf *b, const struct np_net *net, const struct np_ip **ret_v4,
			 const struct np_ip **ret_v6, struct np_err *err)
{
	const struct np_ip *v4 = NULL, *v6 = NULL;
	bool tftp = false;

	for (size_t i = 0; i < net->n_ips; i++) {
		const struct np_ip *ip = &net->ips[i];
		bool dhcp = ip->n_ranges || ip->n_hosts;

		if (ip->address.family == AF_INET) {
			if (dhcp && v4)
				return np_err_set(err, -EINVAL,
						  "For IPv4, multiple DHCP definitions cannot be "
						  "specified.");
			if (dhcp)
				v4 = ip;
			if (ip->tftp_root) {
				if (!tftp)
					np_buf_add(b, "enable-tftp\n");
				tftp = true;
				np_buf_addf(b, "tftp-root=%s\n", ip->tftp_root);
			}
		} else if (ip->address.family == AF_INET6 && dhcp) {
			if (v6)
				return np_err_set(err, -EINVAL,
						  "For IPv6, multiple DHCP definitions cannot be "
						  "specified.");
			v6 = ip;
		}
	}
	*ret_v4 = v4;
	*ret_v6 = v6;
	return 0;
}

int np_dhcp_conf_render(const struct np_net *net, const struct np_dhcp_paths *paths, char **ret,
			struct np_err *err)
{
	static const struct np_dhcp_paths no_paths;
	const struct np_ip *v4 = NULL, *v6 = NULL;
	const struct np_dns *dns = &net->dns;
	struct np_buf b = { 0 };
	long long leases = 0;
	char *s;
	int r;

	if (!paths)
		paths = &no_paths;
	r = check_net(net, paths, err);
	if (r < 0)
		return r;

	np_buf_addf(&b,
		    "##WARNING:  THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
		    "##OVERWRITTEN AND LOST.  Changes to this configuration should be made using:\n"
		    "##    netplumb net-edit %s\n"
		    "##\n"
		    "## dnsmasq conf file created by netplumb\n",
		    net->name);
	/* query upstream servers in resolv.conf order, as glibc does */
	np_buf_add(&b, "strict-order\n");
	/* <dns enable='no'>: port 0 turns dnsmasq's DNS off */
	if (!want_dns(net))
		np_buf_add(&b, "port=0\n");
	if (want_dns(net) && dns->n_forwarders)
		conf_forwarders(&b, dns);
	/* Upstream servers from a file dnsmasq re-reads on SIGHUP, instead of
	 * resolv.conf and the inotify instance its watch costs. */
	if (paths->serversfile && np_dhcp_uses_servers_file(net))
		np_buf_addf(&b, "no-resolv\nservers-file=%s\n", paths->serversfile);
	if (net->domain.name) {
		if (net->domain.local_only == NP_TRI_YES)
			np_buf_addf(&b, "local=/%s/\n", net->domain.name);
		np_buf_addf(&b, "domain=%s\nexpand-hosts\n", net->domain.name);
	}
	if (want_dns(net)) {
		r = conf_local_ptrs(&b, net, err);
		if (r < 0)
			goto fail;
	}
	if (want_dns(net) && dns->forward_plain_names == NP_TRI_NO)
		/* local=// keeps single-label names from going upstream */
		np_buf_add(&b, "domain-needed\nlocal=//\n");
	if (paths->pidfile)
		np_buf_addf(&b, "pid-file=%s\n", paths->pidfile);
	if (paths->leasefile)
		np_buf_addf(&b, "dhcp-leasefile=%s\n", paths->leasefile);
	if (paths->user)
		np_buf_addf(&b, "user=%s\n", paths->user);
	/* bind-dynamic with interface= only answers queries arriving on the
	 * bridge (libvirt's fix for CVE-2012-3411); dnsmasq would otherwise
	 * also listen on lo. */
	np_buf_addf(&b, "except-interface=lo\n%s\ninterface=%s\n",
		    paths->bind_static && np_dhcp_binds_statically(net) ? "bind-interfaces"
									: "bind-dynamic",
		    net->bridge.name);
	if (net_isolated(net))
		/* no default route to hand out, no upstream DNS to leak to, and
		 * RA's implicit default route gets lifetime 0 */
		np_buf_add(&b, "dhcp-option=3\nno-resolv\nra-param=*,0,0\n");
	if (want_dns(net)) {
		for (size_t i = 0; i < dns->n_txts; i++)
			np_buf_addf(&b, "txt-record=%s,%s\n", dns->txts[i].name,
				    dns->txts[i].value);
		for (size_t i = 0; i < dns->n_srvs; i++)
			conf_srv(&b, &dns->srvs[i]);
	}

	r = find_dhcp_ips(&b, net, &v4, &v6, err);
	if (r >= 0 && v4)
		r = conf_dhcp(&b, v4, &leases, err);
	if (r >= 0 && v6)
		r = conf_dhcp(&b, v6, &leases, err);
	if (r < 0)
		goto fail;
	if (leases > MAX_LEASES) {
		r = np_err_set(err, -EINVAL, "too many DHCP addresses (%lld)", leases);
		goto fail;
	}
	if (leases > 0)
		np_buf_addf(&b, "dhcp-lease-max=%lld\n", leases);
	/* Written even with no hosts yet, so hosts can be added at run time. */
	if ((v4 || v6) && paths->hostsfile)
		np_buf_addf(&b, "dhcp-hostsfile=%s\n", paths->hostsfile);
	if (want_dns(net) && paths->addnhosts)
		np_buf_addf(&b, "addn-hosts=%s\n", paths->addnhosts);
	if (net->has_mtu && net->mtu > 0)
		np_buf_addf(&b, "dhcp-option=option:mtu,%u\n", net->mtu);
	if (v6) {
		np_buf_add(&b, "enable-ra\n");
	} else {
		/* SLAAC: router advertisements only, on every IPv6 address */
		for (size_t i = 0; i < net->n_ips; i++) {
			if (net->ips[i].address.family != AF_INET6)
				continue;
			np_buf_add(&b, "dhcp-range=");
			add_addr(&b, &net->ips[i].address);
			np_buf_add(&b, ",ra-only\n");
		}
	}
	for (size_t i = 0; i < net->n_dnsmasq_options; i++)
		np_buf_addf(&b, "%s\n", net->dnsmasq_options[i].value);

	s = np_buf_steal(&b);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
fail:
	np_buf_free(&b);
	return r;
}
