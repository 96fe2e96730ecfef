/* np_net_validate: libvirt's define-time checks (networkValidate in
 * bridge_driver.c, minus the ones that look at the host) plus netplumb's own
 * rules for every string that later reaches a kernel interface name, an nft
 * rule or a dnsmasq configuration line. */
#include "xml/xml.h"
#include "xml/net.h"
#include "xml/xml_priv.h"
#include "xml/ext_portfwd.h"
#include "xml/ext_qemu.h"
#include "xml/unplumbed.h"
#include "xml/ext_vxlan.h"

#include "common/addr.h"
#include "common/err.h"
#include "common/name.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct vctx {
	const char *file;
	struct np_err *err;
};

/* "FILE: <elem attr='value'>: what" (no line: the struct has none) */
static int verr(struct vctx *c, const char *elem, const char *attr, const char *value,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int verr(struct vctx *c, const char *elem, const char *attr, const char *value,
		const char *fmt, ...)
{
	char what[512], where[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (attr && !strcmp(attr, "#text"))
		snprintf(where, sizeof(where), "<%s>%.64s</%s>", elem, value ? value : "", elem);
	else if (attr && value)
		snprintf(where, sizeof(where), "<%s %s='%.64s'>", elem, attr, value);
	else
		snprintf(where, sizeof(where), "<%s>", elem);
	if (!c->file)
		return np_err_set(c->err, -EINVAL, "%s: %s", where, what);
	return np_err_set(c->err, -EINVAL, "%s: %s: %s", c->file, where, what);
}

/* C0, DEL, or a C1 control in UTF-8 (U+0080..U+009F: U+009B is CSI): no
 * user string may carry one to a config line or a terminal. */
static bool has_ctrl(const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f ||
		    ((unsigned char)p[0] == 0xc2 && (unsigned char)p[1] >= 0x80 &&
		     (unsigned char)p[1] <= 0x9f))
			return true;
	return false;
}

/* Strings that end up in a dnsmasq config or hosts file line. */
static bool dnsmasq_safe(const char *s, const char *also_bad)
{
	return !has_ctrl(s) && !strchr(s, ',') && !(also_bad && strpbrk(s, also_bad));
}

/* A kernel interface name that is also harmless inside nft rules: the
 * command line's rule (np_name_problem, NP_NAME_IFNAME). */
static int check_ifname(struct vctx *c, const char *elem, const char *attr, const char *s)
{
	const char *why;

	if (!s)
		return 0;
	if (strchr(s, '%'))
		return verr(c, elem, attr, s, "bridge name templates (%%d) are not supported");
	why = np_name_problem(NP_NAME_IFNAME, s);
	return why ? verr(c, elem, attr, s, "interface name %s", why) : 0;
}

/* The command line's rule for network names (np_name_problem). */
static int check_name(struct vctx *c, const char *name)
{
	const char *why;

	if (!name || !*name)
		return verr(c, "name", NULL, NULL, "network name is empty");
	why = np_name_problem(NP_NAME_NETWORK, name);
	return why ? verr(c, "name", "#text", name, "network name %s", why) : 0;
}

static int check_ip(struct vctx *c, const struct np_ip *ip)
{
	char a[NP_ADDR_STRLEN], b[NP_ADDR_STRLEN];
	const char *as = np_addr_str(&ip->address, a);
	int fam = ip->address.family;

	if (fam != AF_INET && fam != AF_INET6)
		return verr(c, "ip", NULL, NULL, "missing or invalid address");
	if (ip->family_attr && strcmp(ip->family_attr, fam == AF_INET ? "ipv4" : "ipv6"))
		return verr(c, "ip", "address", as, "not an %s address",
			    fam == AF_INET6 ? "IPv4" : "IPv6");
	if (ip->has_netmask) {
		if (fam != AF_INET || ip->netmask.family != AF_INET)
			return verr(c, "ip", "address", as, "a netmask is only valid for IPv4");
		if (np_addr_netmask_to_prefix(&ip->netmask) < 0)
			return verr(c, "ip", "netmask", np_addr_str(&ip->netmask, b),
				    "netmask is not contiguous");
	}
	if (ip->prefix > np_addr_max_prefix(fam))
		return verr(c, "ip", "address", as,
			    ip->has_prefix ? "prefix out of range 0-%u" :
					     "no netmask or prefix, and not a class A/B/C address (max %u)",
			    np_addr_max_prefix(fam));
	if (ip->n_ranges > NP_MAX_RANGES || ip->n_hosts > NP_MAX_HOSTS)
		return verr(c, "dhcp", NULL, NULL, "too many ranges or hosts");
	for (size_t i = 0; i < ip->n_ranges; i++) {
		const struct np_dhcp_range *r = &ip->ranges[i];
		const char *ss = np_addr_str(&r->start, a);

		if (r->start.family != fam || r->end.family != fam)
			return verr(c, "range", "start", ss,
				    "range address family differs from the <ip> address");
		if (!np_addr_in_subnet(&r->start, &ip->address, ip->prefix))
			return verr(c, "range", "start", ss, "range start is outside the network");
		if (!np_addr_in_subnet(&r->end, &ip->address, ip->prefix))
			return verr(c, "range", "end", np_addr_str(&r->end, b),
				    "range end is outside the network");
		if (np_addr_cmp(&r->start, &r->end) > 0)
			return verr(c, "range", "end", np_addr_str(&r->end, b),
				    "range end is before its start");
	}
	for (size_t i = 0; i < ip->n_hosts; i++) {
		const struct np_dhcp_host *h = &ip->hosts[i];
		const char *hs = np_addr_str(&h->ip, a);

		if (h->has_mac && np_mac_is_multicast(h->mac))
			return verr(c, "host", "mac", h->mac_str,
				    "expected a unicast MAC address, not multicast");
		if (h->ip.family != fam)
			return verr(c, "host", "ip", hs,
				    "host address family differs from the <ip> address");
		if (!np_addr_in_subnet(&h->ip, &ip->address, ip->prefix))
			return verr(c, "host", "ip", hs, "host address is outside the network");
		if (h->name && (!*h->name || !dnsmasq_safe(h->name, " \t#/\\\"'")))
			return verr(c, "host", "name", h->name,
				    "host name must not be empty or contain a comma, space, quote or control character");
		if (h->mac_str && !dnsmasq_safe(h->mac_str, " "))
			return verr(c, "host", "mac", h->mac_str, "not a MAC address");
		if (h->id && !dnsmasq_safe(h->id, " "))
			return verr(c, "host", "id", h->id, "invalid character in id");
	}
	if (ip->tftp_root && !dnsmasq_safe(ip->tftp_root, NULL))
		return verr(c, "tftp", "root", ip->tftp_root,
			    "path contains a comma or control character");
	if (ip->bootp_file && !dnsmasq_safe(ip->bootp_file, NULL))
		return verr(c, "bootp", "file", ip->bootp_file,
			    "file contains a comma or control character");
	if (ip->bootp_server && !dnsmasq_safe(ip->bootp_server, " "))
		return verr(c, "bootp", "server", ip->bootp_server, "not an IP address");
	return 0;
}

/* Domain and host names for dnsmasq (server=/domain/addr, addn-hosts). */
#define NAME_BAD " \t/#\\\"'"

static int check_dns(struct vctx *c, const struct np_dns *d)
{
	char a[NP_ADDR_STRLEN];

	if (d->n_forwarders > NP_MAX_DNS_RECORDS || d->n_txts > NP_MAX_DNS_RECORDS ||
	    d->n_srvs > NP_MAX_DNS_RECORDS || d->n_hosts > NP_MAX_DNS_RECORDS)
		return verr(c, "dns", NULL, NULL, "more than %d records of one kind",
			    NP_MAX_DNS_RECORDS);
	for (size_t i = 0; i < d->n_forwarders; i++) {
		const char *dom = d->forwarders[i].domain;

		if (dom && (!*dom || !dnsmasq_safe(dom, NAME_BAD)))
			return verr(c, "forwarder", "domain", dom,
				    "domain must not be empty or contain a comma, space, '/', quote or control character");
	}
	for (size_t i = 0; i < d->n_txts; i++) {
		const struct np_dns_txt *t = &d->txts[i];

		if (!t->name || !*t->name || !dnsmasq_safe(t->name, NAME_BAD))
			return verr(c, "txt", "name", t->name,
				    "TXT name must not be empty or contain a comma, space or control character");
		if (!t->value || !dnsmasq_safe(t->value, "\"\\"))
			return verr(c, "txt", "value", t->value,
				    "TXT value must not contain a comma, quote, backslash or control character");
	}
	for (size_t i = 0; i < d->n_srvs; i++) {
		const struct np_dns_srv *s = &d->srvs[i];

		if (!s->service || !s->protocol)
			return verr(c, "srv", NULL, NULL, "service and protocol are required");
		if (!dnsmasq_safe(s->service, NAME_BAD "."))
			return verr(c, "srv", "service", s->service, "invalid character in service");
		if (!dnsmasq_safe(s->protocol, NAME_BAD "."))
			return verr(c, "srv", "protocol", s->protocol,
				    "invalid character in protocol");
		if (s->domain && !dnsmasq_safe(s->domain, NAME_BAD))
			return verr(c, "srv", "domain", s->domain,
				    "domain contains a comma, space, quote or control character");
		if (s->target && !dnsmasq_safe(s->target, NAME_BAD))
			return verr(c, "srv", "target", s->target,
				    "target contains a comma, space, quote or control character");
		if ((s->has_port && s->port > 65535) || (s->has_priority && s->priority > 65535) ||
		    (s->has_weight && s->weight > 65535))
			return verr(c, "srv", "service", s->service,
				    "port, priority and weight must be at most 65535");
	}
	for (size_t i = 0; i < d->n_hosts; i++) {
		const struct np_dns_host *h = &d->hosts[i];

		if (!np_addr_is_set(&h->ip))
			return verr(c, "host", NULL, NULL, "missing 'ip' attribute");
		if (!h->n_hostnames)
			return verr(c, "host", "ip", np_addr_str(&h->ip, a), "missing <hostname>");
		for (size_t j = 0; j < h->n_hostnames; j++) {
			const char *n = h->hostnames[j];

			if (!*n || !dnsmasq_safe(n, NAME_BAD))
				return verr(c, "hostname", "#text", n,
					    "host name must not be empty or contain a comma, space, quote or control character");
		}
	}
	return 0;
}

/* networkValidate's per-mode and pool checks. */
static int check_libvirt_define(struct vctx *c, const struct np_net *net)
{
	const struct np_xml_extra *x = net->extra;
	const char *mode = np_fwd_mode_names[net->forward.mode];
	bool bw_allowed = false, v4 = false, v6 = false;
	bool vlan_allowed, vlan_used, bad_vlan = false;
	const struct np_portgroup *defpg = NULL;
	size_t n_pci = x ? x->n_pci_addrs : 0;

	switch (net->forward.mode) {
	case NP_FWD_NONE:
	case NP_FWD_NAT:
	case NP_FWD_ROUTE:
	case NP_FWD_OPEN:
		bw_allowed = true;
		break;
	case NP_FWD_BRIDGE:
		bw_allowed = net->bridge.name != NULL;
		/* fall through */
	case NP_FWD_PRIVATE:
	case NP_FWD_VEPA:
	case NP_FWD_PASSTHROUGH:
	case NP_FWD_HOSTDEV:
	case NP_FWD__MAX:
		if (net->has_mac)
			return verr(c, "mac", NULL, NULL, "not supported with forward mode '%s'",
				    mode);
		if (net->n_ips)
			return verr(c, "ip", NULL, NULL, "not supported with forward mode '%s'",
				    mode);
		if (net->dns.n_txts || net->dns.n_hosts || net->dns.n_srvs)
			return verr(c, "dns", NULL, NULL, "not supported with forward mode '%s'",
				    mode);
		if (net->domain.name)
			return verr(c, "domain", "name", net->domain.name,
				    "not supported with forward mode '%s'", mode);
		break;
	}
	if (x && x->bandwidth.present && !bw_allowed)
		return verr(c, "bandwidth", NULL, NULL, "not supported with forward mode '%s'",
			    mode);
	if (net->forward.n_ifs && net->forward.mode == NP_FWD_HOSTDEV)
		return verr(c, "interface", "dev", net->forward.ifs[0].dev,
			    "hostdev networks list their devices by PCI address");
	if (n_pci && net->forward.mode != NP_FWD_HOSTDEV)
		return verr(c, "address", NULL, NULL,
			    "PCI addresses are only supported with forward mode 'hostdev'");
	if ((x && x->pf_dev) + (net->forward.n_ifs > 0) + (n_pci > 0) > 1)
		return verr(c, "forward", NULL, NULL,
			    "<address>, <interface> and <pf> are mutually exclusive");

	for (size_t i = 0; i < net->n_ips; i++) {
		const struct np_ip *ip = &net->ips[i];
		bool *seen = ip->address.family == AF_INET ? &v4 : &v6;

		if (!ip->n_ranges && !ip->n_hosts)
			continue;
		if (*seen)
			return verr(c, "dhcp", NULL, NULL,
				    "dhcp is supported only for a single %s address on each network",
				    ip->address.family == AF_INET ? "IPv4" : "IPv6");
		*seen = true;
	}

	if (!x)
		return 0;
	vlan_allowed = net->forward.mode == NP_FWD_HOSTDEV ||
		       net->forward.mode == NP_FWD_PASSTHROUGH ||
		       (net->forward.mode == NP_FWD_BRIDGE && x->vport.present &&
			x->vport.type == NP_VPORT_OPENVSWITCH);
	vlan_used = x->vlan.n_tags > 0;
	for (size_t i = 0; i < x->n_portgroups; i++) {
		const struct np_portgroup *pg = &x->portgroups[i];

		/* it reaches net-dumpxml's output and error messages */
		if (has_ctrl(pg->name))
			return verr(c, "portgroup", "name", pg->name,
				    "portgroup name contains a newline or control character");
		if (vlan_used || pg->vlan.n_tags) {
			if (pg->vport.present) {
				if (net->forward.mode != NP_FWD_BRIDGE ||
				    pg->vport.type != NP_VPORT_OPENVSWITCH)
					bad_vlan = true;
			} else if (!vlan_allowed) {
				bad_vlan = true;
			}
		}
		if (pg->is_default) {
			if (defpg)
				return verr(c, "portgroup", "name", pg->name,
					    "only one default <portgroup> is allowed");
			defpg = pg;
		}
		for (size_t j = i + 1; j < x->n_portgroups; j++)
			if (!strcmp(pg->name, x->portgroups[j].name))
				return verr(c, "portgroup", "name", pg->name,
					    "more than one <portgroup> with this name");
		if (pg->bandwidth.present && (!bw_allowed || net->forward.mode == NP_FWD_HOSTDEV))
			return verr(c, "portgroup", "name", pg->name,
				    "<bandwidth> not supported with forward mode '%s'", mode);
	}
	if (bad_vlan || (vlan_used && !vlan_allowed && !defpg))
		return verr(c, "vlan", NULL, NULL, "not supported by forward mode '%s'", mode);
	return 0;
}

/* libvirtd's network driver refuses at define (networkValidate) some
 * settings of modes netplumb does not plumb, which libvirt's XML layer (its
 * xml2xml tests, net-dumpxml) keeps. netplumb keeps them as that layer does
 * and refuses to start the network, naming libvirtd's reason
 * (np_net_unplumbed); in a network netplumb starts, they are refused here. */
static bool start_refused(const struct np_net *net)
{
	struct np_unplumbed u;

	np_net_unplumbed(net, &u);
	return np_unplumbed_refusal(&u) != NULL;
}

int np_net_validate(const struct np_net *net, const char *filename, struct np_err *err)
{
	struct vctx c = { .file = filename ? filename : "(network)", .err = err };
	struct np_err define_err = { 0 };
	char m[NP_MAC_STRLEN];
	int r;

	if ((r = check_name(&c, net->name)) < 0)
		return r;
	if (net->title && has_ctrl(net->title))
		return verr(&c, "title", NULL, NULL, "title contains a control character");
	if ((unsigned)net->forward.mode >= NP_FWD__MAX)
		return verr(&c, "forward", NULL, NULL, "invalid forward mode");
	if ((r = check_ifname(&c, "bridge", "name", net->bridge.name)) < 0)
		return r;
	if (net->bridge.zone && (!*net->bridge.zone ||
				 net->bridge.zone[strspn(net->bridge.zone,
							 "abcdefghijklmnopqrstuvwxyz"
							 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")]))
		return verr(&c, "bridge", "zone", net->bridge.zone,
			    "zone names may only contain A-Z a-z 0-9 _ -");
	if (net->forward.n_ifs > NP_MAX_FORWARD_IFS)
		return verr(&c, "forward", NULL, NULL, "too many interfaces");
	if ((r = check_ifname(&c, "forward", "dev", net->forward.dev)) < 0)
		return r;
	for (size_t i = 0; i < net->forward.n_ifs; i++)
		if ((r = check_ifname(&c, "interface", "dev", net->forward.ifs[i].dev)) < 0)
			return r;
	if (net->extra && (r = check_ifname(&c, "pf", "dev", net->extra->pf_dev)) < 0)
		return r;
	if (net->forward.nat.port_start > 65535 || net->forward.nat.port_end > 65535 ||
	    (net->forward.nat.port_end && net->forward.nat.port_end < net->forward.nat.port_start))
		return verr(&c, "port", NULL, NULL, "invalid NAT port range");
	if (net->has_mac && np_mac_is_multicast(net->mac))
		return verr(&c, "mac", "address", np_mac_str(net->mac, m),
			    "expected a unicast MAC address, not multicast");
	if (net->has_mtu && net->mtu > 65535)
		return verr(&c, "mtu", NULL, NULL, "mtu size larger than 65535");
	if (net->domain.name && (!*net->domain.name || !dnsmasq_safe(net->domain.name, NAME_BAD)))
		return verr(&c, "domain", "name", net->domain.name,
			    "domain must not be empty or contain a comma, space, '/', quote or control character");
	if ((r = check_dns(&c, &net->dns)) < 0)
		return r;
	if (net->n_ips > NP_MAX_IPS || net->n_routes > NP_MAX_ROUTES)
		return verr(&c, "network", NULL, NULL, "too many <ip> or <route> elements");
	for (size_t i = 0; i < net->n_ips; i++)
		if ((r = check_ip(&c, &net->ips[i])) < 0)
			return r;
	for (size_t i = 0; i < net->n_routes; i++) {
		const struct np_route *rt = &net->routes[i];
		char a[NP_ADDR_STRLEN];

		if (rt->address.family != rt->gateway.family || !np_addr_is_set(&rt->address))
			return verr(&c, "route", "address", np_addr_str(&rt->address, a),
				    "address and gateway must be of one family");
		if (rt->prefix > np_addr_max_prefix(rt->address.family))
			return verr(&c, "route", "address", np_addr_str(&rt->address, a),
				    "prefix out of range");
	}
	if (net->n_dnsmasq_options > NP_MAX_DNSMASQ_OPTIONS)
		return verr(&c, "dnsmasq:options", NULL, NULL, "too many options");
	for (size_t i = 0; i < net->n_dnsmasq_options; i++) {
		const char *v = net->dnsmasq_options[i].value;

		if (!v || has_ctrl(v))
			return verr(&c, "dnsmasq:option", "value", v,
				    "option contains a newline or control character");
	}
	if ((r = np_xml_pf_validate(net, c.file, c.err)) < 0)
		return r;
	if ((r = np_xml_vx_validate(net, c.file, c.err)) < 0)
		return r;
	if ((r = np_xml_qemu_validate(net, c.file, c.err)) < 0)
		return r;
	r = check_libvirt_define(&(struct vctx){ .file = c.file, .err = &define_err }, net);
	if (r < 0 && !start_refused(net))
		return np_err_set(err, r, "%s", define_err.msg);
	return 0;
}

int np_xml_libvirt_define_check(const struct np_net *net, struct np_err *err)
{
	struct vctx c = { .file = NULL, .err = err };

	return check_libvirt_define(&c, net);
}
