/* struct np_net -> libvirt's canonical network XML (virNetworkDefFormatBuf):
 * element order, attribute order, defaults and escaping as libvirt prints
 * them, so networkxml2xmlout/ compares byte for byte. */
#include "xml/xml.h"
#include "xml/net.h"
#include "xml/xml_priv.h"
#include "xml/ext_portfwd.h"
#include "xml/ext_vxlan.h"
#include "xml/ext_qemu.h"

#include "common/addr.h"
#include "common/buf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void escape(struct np_buf *b, const char *s, bool in_attr)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		/* Unlike libvirt, keep whitespace a reader would normalize away:
		 * in attributes every \t \n \r, in text \r. libvirt writes them
		 * raw and so cannot read its own output back the same. */
		if (ch == '\r' || (in_attr && (ch == '\n' || ch == '\t'))) {
			np_buf_addf(b, "&#%d;", ch);
			continue;
		}
		switch (ch) {
		case '<':
			np_buf_add(b, "&lt;");
			break;
		case '>':
			np_buf_add(b, "&gt;");
			break;
		case '&':
			np_buf_add(b, "&amp;");
			break;
		case '"':
			np_buf_add(b, "&quot;");
			break;
		case '\'':
			np_buf_add(b, "&apos;");
			break;
		default:
			/* virBufferEscapeString drops other control characters */
			if (ch >= 0x20 || ch == '\n' || ch == '\t' || ch == '\r')
				np_buf_addc(b, (char)ch);
		}
	}
}

void np_xml_escape(struct np_buf *b, const char *s)
{
	escape(b, s, false);
}

void np_xml_escape_attr(struct np_buf *b, const char *s)
{
	escape(b, s, true);
}

/* " name='escaped value'" when value is set */
static void attr(struct np_buf *b, const char *name, const char *value)
{
	if (!value)
		return;
	np_buf_addf(b, " %s='", name);
	np_xml_escape_attr(b, value);
	np_buf_addc(b, '\'');
}

static void attr_addr(struct np_buf *b, const char *name, const struct np_addr *a)
{
	char s[NP_ADDR_STRLEN];

	if (np_addr_is_set(a))
		np_buf_addf(b, " %s='%s'", name, np_addr_str(a, s));
}

static void attr_tri(struct np_buf *b, const char *name, enum np_tristate t)
{
	if (t != NP_TRI_ABSENT)
		np_buf_addf(b, " %s='%s'", name, t == NP_TRI_YES ? "yes" : "no");
}

static void text_elem(struct np_buf *b, int n, const char *name, const char *value)
{
	if (!value)
		return;
	np_xml_indent(b, n);
	np_buf_addf(b, "<%s>", name);
	np_xml_escape(b, value);
	np_buf_addf(b, "</%s>\n", name);
}

static const char *const lease_units[] = {
	[NP_LEASE_SECONDS] = "seconds",
	[NP_LEASE_MINUTES] = "minutes",
	[NP_LEASE_HOURS] = "hours",
};

/* Closes the element opened by the caller: "/>" or a <lease> child. */
static void lease_close(struct np_buf *b, int n, const char *elem, const struct np_lease *l)
{
	if (!l->set) {
		np_buf_add(b, "/>\n");
		return;
	}
	np_buf_add(b, ">\n");
	np_xml_indent(b, n + 2);
	if (!l->expiry)
		np_buf_add(b, "<lease expiry='0'/>\n");
	else
		np_buf_addf(b, "<lease expiry='%lu' unit='%s'/>\n", l->expiry, lease_units[l->unit]);
	np_xml_indent(b, n);
	np_buf_addf(b, "</%s>\n", elem);
}

static void format_dns(struct np_buf *b, int n, const struct np_dns *d)
{
	if (d->enable == NP_TRI_ABSENT && d->forward_plain_names == NP_TRI_ABSENT &&
	    !d->n_forwarders && !d->n_hosts && !d->n_srvs && !d->n_txts)
		return;
	np_xml_indent(b, n);
	np_buf_add(b, "<dns");
	attr_tri(b, "enable", d->enable);
	attr_tri(b, "forwardPlainNames", d->forward_plain_names);
	if (!d->n_forwarders && !d->n_hosts && !d->n_srvs && !d->n_txts) {
		np_buf_add(b, "/>\n");
		return;
	}
	np_buf_add(b, ">\n");
	for (size_t i = 0; i < d->n_forwarders; i++) {
		np_xml_indent(b, n + 2);
		np_buf_add(b, "<forwarder");
		attr(b, "domain", d->forwarders[i].domain);
		attr_addr(b, "addr", &d->forwarders[i].addr);
		if (d->forwarders[i].port)
			np_buf_addf(b, " port='%u'", d->forwarders[i].port);
		np_buf_add(b, "/>\n");
	}
	for (size_t i = 0; i < d->n_txts; i++) {
		np_xml_indent(b, n + 2);
		np_buf_add(b, "<txt");
		attr(b, "name", d->txts[i].name);
		attr(b, "value", d->txts[i].value);
		np_buf_add(b, "/>\n");
	}
	for (size_t i = 0; i < d->n_srvs; i++) {
		const struct np_dns_srv *s = &d->srvs[i];

		if (!s->service || !s->protocol)
			continue;
		np_xml_indent(b, n + 2);
		np_buf_add(b, "<srv");
		attr(b, "service", s->service);
		attr(b, "protocol", s->protocol);
		attr(b, "domain", s->domain);
		attr(b, "target", s->target);
		/* libvirt prints these only when non-zero */
		if (s->has_port && s->port)
			np_buf_addf(b, " port='%u'", s->port);
		if (s->has_priority && s->priority)
			np_buf_addf(b, " priority='%u'", s->priority);
		if (s->has_weight && s->weight)
			np_buf_addf(b, " weight='%u'", s->weight);
		np_buf_add(b, "/>\n");
	}
	for (size_t i = 0; i < d->n_hosts; i++) {
		char s[NP_ADDR_STRLEN];

		np_xml_indent(b, n + 2);
		np_buf_addf(b, "<host ip='%s'>\n", np_addr_str(&d->hosts[i].ip, s));
		for (size_t j = 0; j < d->hosts[i].n_hostnames; j++)
			text_elem(b, n + 4, "hostname", d->hosts[i].hostnames[j]);
		np_xml_indent(b, n + 2);
		np_buf_add(b, "</host>\n");
	}
	np_xml_indent(b, n);
	np_buf_add(b, "</dns>\n");
}

static void format_ip(struct np_buf *b, int n, const struct np_ip *ip)
{
	np_xml_indent(b, n);
	np_buf_add(b, "<ip");
	attr(b, "family", ip->family_attr);
	attr_addr(b, "address", &ip->address);
	if (ip->has_netmask)
		attr_addr(b, "netmask", &ip->netmask);
	if (ip->has_prefix && ip->prefix > 0)
		np_buf_addf(b, " prefix='%u'", ip->prefix);
	attr_tri(b, "localPtr", ip->local_ptr);
	np_buf_add(b, ">\n");
	if (ip->tftp_root) {
		np_xml_indent(b, n + 2);
		np_buf_add(b, "<tftp");
		attr(b, "root", ip->tftp_root);
		np_buf_add(b, "/>\n");
	}
	/* a <dhcp> with only <bootp> is dropped, as libvirt does */
	if (ip->n_ranges || ip->n_hosts) {
		np_xml_indent(b, n + 2);
		np_buf_add(b, "<dhcp>\n");
		for (size_t i = 0; i < ip->n_ranges; i++) {
			const struct np_dhcp_range *r = &ip->ranges[i];

			np_xml_indent(b, n + 4);
			np_buf_add(b, "<range");
			attr_addr(b, "start", &r->start);
			attr_addr(b, "end", &r->end);
			lease_close(b, n + 4, "range", &r->lease);
		}
		for (size_t i = 0; i < ip->n_hosts; i++) {
			const struct np_dhcp_host *h = &ip->hosts[i];
			char mac[NP_MAC_STRLEN];

			np_xml_indent(b, n + 4);
			np_buf_add(b, "<host");
			/* libvirt keeps the mac string as written */
			attr(b, "mac", h->mac_str ? h->mac_str :
				       h->has_mac ? np_mac_str(h->mac, mac) : NULL);
			attr(b, "id", h->id);
			attr(b, "name", h->name);
			attr_addr(b, "ip", &h->ip);
			lease_close(b, n + 4, "host", &h->lease);
		}
		if (ip->bootp_file) {
			np_xml_indent(b, n + 4);
			np_buf_add(b, "<bootp");
			attr(b, "file", ip->bootp_file);
			attr(b, "server", ip->bootp_server);
			np_buf_add(b, "/>\n");
		}
		np_xml_indent(b, n + 2);
		np_buf_add(b, "</dhcp>\n");
	}
	np_xml_indent(b, n);
	np_buf_add(b, "</ip>\n");
}

static void format_route(struct np_buf *b, int n, const struct np_route *r)
{
	np_xml_indent(b, n);
	np_buf_add(b, "<route");
	attr(b, "family", r->family_attr);
	attr_addr(b, "address", &r->address);
	if (r->has_netmask)
		attr_addr(b, "netmask", &r->netmask);
	if (r->has_prefix)
		np_buf_addf(b, " prefix='%u'", r->prefix);
	attr_addr(b, "gateway", &r->gateway);
	if (r->has_metric && r->metric > 0)
		np_buf_addf(b, " metric='%u'", r->metric);
	np_buf_add(b, "/>\n");
}

static void format_nat(struct np_buf *b, int n, const struct np_forward_nat *nat)
{
	bool addr = np_addr_is_set(&nat->addr_start) || np_addr_is_set(&nat->addr_end);
	bool port = nat->port_start || nat->port_end;

	if (!addr && !port && nat->ipv6 == NP_TRI_ABSENT)
		return;
	np_xml_indent(b, n);
	np_buf_add(b, "<nat");
	attr_tri(b, "ipv6", nat->ipv6);
	if (!addr && !port) {
		np_buf_add(b, "/>\n");
		return;
	}
	np_buf_add(b, ">\n");
	if (np_addr_is_set(&nat->addr_start)) {
		np_xml_indent(b, n + 2);
		np_buf_add(b, "<address");
		attr_addr(b, "start", &nat->addr_start);
		attr_addr(b, "end", &nat->addr_end);
		np_buf_add(b, "/>\n");
	}
	if (port) {
		np_xml_indent(b, n + 2);
		np_buf_addf(b, "<port start='%u'", nat->port_start);
		if (nat->port_end)
			np_buf_addf(b, " end='%u'", nat->port_end);
		np_buf_add(b, "/>\n");
	}
	np_xml_indent(b, n);
	np_buf_add(b, "</nat>\n");
}

static void format_forward(struct np_buf *b, int n, const struct np_net *net, unsigned flags)
{
	const struct np_forward *f = &net->forward;
	const struct np_xml_extra *x = net->extra;
	bool inactive = flags & NP_XML_FORMAT_INACTIVE;
	const char *pf = x ? x->pf_dev : NULL;
	size_t n_pci = x ? x->n_pci_addrs : 0;
	bool driver = x && (x->driver_name != NP_HOSTDEV_DRIVER_DEFAULT || x->driver_model);
	bool nat = np_addr_is_set(&f->nat.addr_start) || np_addr_is_set(&f->nat.addr_end) ||
		   f->nat.port_start || f->nat.port_end || f->nat.ipv6 != NP_TRI_ABSENT;
	bool ifs = f->n_ifs && (!pf || !inactive);
	bool pci = n_pci && (!pf || !inactive);
	bool short_form;

	if (f->mode == NP_FWD_NONE)
		return;
	np_xml_indent(b, n);
	np_buf_add(b, "<forward");
	/* libvirt prints the first interface as dev, unless there is a <pf> */
	if (!pf && f->n_ifs)
		attr(b, "dev", f->ifs[0].dev);
	np_buf_addf(b, " mode='%s'", np_fwd_mode_names[f->mode]);
	if (f->mode == NP_FWD_HOSTDEV)
		np_buf_addf(b, " managed='%s'", f->managed == NP_TRI_YES ? "yes" : "no");
	short_form = !(f->n_ifs || n_pci || pf || nat || driver);
	np_buf_add(b, short_form ? "/>\n" : ">\n");
	if (driver) {
		np_xml_indent(b, n + 2);
		np_buf_add(b, "<driver");
		if (x->driver_name != NP_HOSTDEV_DRIVER_DEFAULT)
			np_buf_addf(b, " name='%s'", np_hostdev_driver_names[x->driver_name]);
		attr(b, "model", x->driver_model);
		np_buf_add(b, "/>\n");
	}
	if (f->mode == NP_FWD_NAT)
		format_nat(b, n + 2, &f->nat);
	if (pf) {
		np_xml_indent(b, n + 2);
		np_buf_add(b, "<pf");
		attr(b, "dev", pf);
		np_buf_add(b, "/>\n");
	}
	for (size_t i = 0; ifs && i < f->n_ifs; i++) {
		np_xml_indent(b, n + 2);
		np_buf_add(b, "<interface");
		attr(b, "dev", f->ifs[i].dev);
		if (!inactive && f->ifs[i].connections > 0)
			np_buf_addf(b, " connections='%u'", f->ifs[i].connections);
		np_buf_add(b, "/>\n");
	}
	for (size_t i = 0; pci && i < n_pci; i++) {
		const struct np_pci_addr *a = &x->pci_addrs[i];

		np_xml_indent(b, n + 2);
		np_buf_addf(b,
			    "<address type='pci' domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n",
			    a->domain, a->bus, a->slot, a->function);
	}
	if (!short_form) {
		np_xml_indent(b, n);
		np_buf_add(b, "</forward>\n");
	}
}

static void format_bridge(struct np_buf *b, int n, const struct np_net *net)
{
	const struct np_bridge *br = &net->bridge;
	bool l3 = np_net_is_virtual(net);

	if (!l3 && !br->name && !br->mac_table_manager)
		return;
	np_xml_indent(b, n);
	np_buf_add(b, "<bridge");
	attr(b, "name", br->name);
	attr(b, "zone", br->zone);
	/* libvirt spells out its defaults (stp on, delay 0) for the modes
	 * whose bridge it creates */
	if (l3)
		np_buf_addf(b, " stp='%s' delay='%lu'", br->stp == NP_TRI_NO ? "off" : "on",
			    br->has_delay ? br->delay : 0);
	attr(b, "macTableManager", br->mac_table_manager);
	np_buf_add(b, "/>\n");
}

int np_xml_net_format(const struct np_net *net, unsigned flags, char **ret)
{
	const struct np_xml_extra *x = net->extra;
	struct np_buf b = { 0 };
	char uuid[37], mac[NP_MAC_STRLEN];
	char *out;

	np_buf_add(&b, "<network");
	if (net->n_dnsmasq_options)
		np_buf_add(&b, " xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'");
	if (net->n_portfwds || net->vxlan ||
	    net->qemu_bridge_helper != NP_TRI_ABSENT)
		np_buf_add(&b, " xmlns:netplumb='" NP_XML_NS "'");
	if (!(flags & NP_XML_FORMAT_INACTIVE) && net->has_connections && net->connections > 0)
		np_buf_addf(&b, " connections='%u'", net->connections);
	if (net->ipv6 == NP_TRI_YES)
		np_buf_add(&b, " ipv6='yes'");
	attr_tri(&b, "trustGuestRxFilters", net->trust_guest_rx_filters);
	np_buf_add(&b, ">\n");
	text_elem(&b, 2, "name", net->name);
	if (net->has_uuid) {
		np_uuid_str(net->uuid, uuid);
		text_elem(&b, 2, "uuid", uuid);
	}
	text_elem(&b, 2, "title", net->title);
	text_elem(&b, 2, "description", net->description);
	if (x && x->metadata)
		np_buf_addf(&b, "  %s\n", x->metadata);
	format_forward(&b, 2, net, flags);
	format_bridge(&b, 2, net);
	if (net->has_mtu && net->mtu)
		np_buf_addf(&b, "  <mtu size='%u'/>\n", net->mtu);
	if (net->has_mac)
		np_buf_addf(&b, "  <mac address='%s'/>\n", np_mac_str(net->mac, mac));
	if (net->domain.name) {
		np_buf_add(&b, "  <domain");
		attr(&b, "name", net->domain.name);
		attr_tri(&b, "localOnly", net->domain.local_only);
		attr_tri(&b, "register", net->domain.reg);
		np_buf_add(&b, "/>\n");
	}
	format_dns(&b, 2, &net->dns);
	if (x) {
		np_xml_format_vlan(&b, 2, &x->vlan);
		np_xml_format_bandwidth(&b, 2, &x->bandwidth);
	}
	if (net->isolated_port != NP_TRI_ABSENT)
		np_buf_addf(&b, "  <port isolated='%s'/>\n",
			    net->isolated_port == NP_TRI_YES ? "yes" : "no");
	for (size_t i = 0; i < net->n_ips; i++)
		format_ip(&b, 2, &net->ips[i]);
	for (size_t i = 0; i < net->n_routes; i++)
		format_route(&b, 2, &net->routes[i]);
	if (x) {
		np_xml_format_vport(&b, 2, &x->vport);
		for (size_t i = 0; i < x->n_portgroups; i++)
			np_xml_format_portgroup(&b, 2, &x->portgroups[i]);
	}
	if (net->n_dnsmasq_options) {
		np_buf_add(&b, "  <dnsmasq:options>\n");
		for (size_t i = 0; i < net->n_dnsmasq_options; i++) {
			np_buf_add(&b, "    <dnsmasq:option");
			attr(&b, "value", net->dnsmasq_options[i].value);
			np_buf_add(&b, "/>\n");
		}
		np_buf_add(&b, "  </dnsmasq:options>\n");
	}
	np_xml_pf_format(&b, 2, net);
	np_xml_vx_format(&b, 2, net);
	np_xml_qemu_format(&b, 2, net);
	np_buf_add(&b, "</network>\n");
	out = np_buf_steal(&b);
	if (!out)
		return -ENOMEM;
	*ret = out;
	return 0;
}
