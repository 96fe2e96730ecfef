/* <dns>: forwarders, TXT, SRV and host records (virNetworkDNSDefParseXML). */
#include "xml/net.h"
#include "xml/xml_priv.h"

#include "common/addr.h"
#include "common/util.h"

#include <errno.h>
#include <libxml/tree.h>
#include <string.h>

/* libvirt's DNS_RECORD_LENGTH_SRV: 512 minus the overhead RFC 2782 names. */
#define DNS_SRV_MAX_LEN (512 - 30)

#define perr np_xml_err_node

static int parse_srv_num(struct np_xml_pctx *c, xmlNode *n, const char *name,
			 const struct np_dns_srv *s, unsigned min, bool *has, unsigned *val)
{
	unsigned long long v;
	int r = np_xml_prop_uint(c, n, name, 10, UINT_MAX, &v);

	if (r < 0)
		return r;
	if (!r)
		return 0;
	if (!s->target)
		return perr(c, n, name, "not permitted without a target");
	if (v < min || v > 65535)
		return perr(c, n, name, "out of range %u-65535", min);
	*has = true;
	*val = (unsigned)v;
	return 0;
}

#define SRV_PROTOCOL_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+/"
#define SRV_SERVICE_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/*"

static int parse_srv(struct np_xml_pctx *c, xmlNode *n, struct np_dns_srv *s)
{
	int r;

	s->service = np_xml_prop(n, "service");
	if (!s->service)
		return perr(c, n, NULL, "missing 'service' attribute");
	if (strlen(s->service) > DNS_SRV_MAX_LEN)
		return perr(c, n, "service", "longer than %d bytes", DNS_SRV_MAX_LEN);
	if (s->service[strspn(s->service, SRV_SERVICE_CHARS)])
		return perr(c, n, "service", "invalid character in service");
	s->protocol = np_xml_prop(n, "protocol");
	if (!s->protocol)
		return perr(c, n, NULL, "missing 'protocol' attribute");
	if (s->protocol[strspn(s->protocol, SRV_PROTOCOL_CHARS)])
		return perr(c, n, "protocol", "invalid character in protocol");
	s->domain = np_xml_prop(n, "domain");
	s->target = np_xml_prop(n, "target");
	if ((r = parse_srv_num(c, n, "port", s, 1, &s->has_port, &s->port)) < 0)
		return r;
	if ((r = parse_srv_num(c, n, "priority", s, 0, &s->has_priority, &s->priority)) < 0)
		return r;
	return parse_srv_num(c, n, "weight", s, 0, &s->has_weight, &s->weight);
}

static int parse_txt(struct np_xml_pctx *c, xmlNode *n, struct np_dns_txt *t)
{
	t->name = np_xml_prop(n, "name");
	if (!t->name)
		return perr(c, n, NULL, "missing 'name' attribute");
	if (strpbrk(t->name, " ,"))
		return perr(c, n, "name", "space or comma in a TXT record name");
	t->value = np_xml_prop(n, "value");
	if (!t->value)
		return perr(c, n, NULL, "missing 'value' attribute");
	return 0;
}

static int parse_dns_host(struct np_xml_pctx *c, xmlNode *n, struct np_dns_host *h)
{
	_np_free_ xmlNode **names = NULL;
	size_t k;
	int r;

	if ((r = np_xml_children_get(c, n, "hostname", NP_MAX_DNS_RECORDS, &names, &k)) < 0)
		return r;
	if (!k)
		return perr(c, n, NULL, "missing <hostname>");
	if (!(h->hostnames = calloc(k, sizeof(*h->hostnames))))
		return -ENOMEM;
	for (size_t i = 0; i < k; i++) {
		h->hostnames[i] = np_xml_content(names[i]);
		if (!h->hostnames[i])
			return -ENOMEM;
		h->n_hostnames++;
		if (!*h->hostnames[i])
			return perr(c, names[i], NULL, "empty host name");
	}
	if ((r = np_xml_prop_addr(c, n, "ip", 0, &h->ip)) < 0)
		return r;
	if (!r)
		return perr(c, n, NULL, "missing 'ip' attribute");
	return 0;
}


/* <forwarder port> (libvirt 12.0): dnsmasq's server=ADDR#PORT, so only with
 * an addr. */
static int parse_forwarder_port(struct np_xml_pctx *c, xmlNode *n, struct np_dns_forwarder *f)
{
	unsigned long long v;
	int r = np_xml_prop_uint(c, n, "port", 10, 65535, &v);

	if (r <= 0)
		return r;
	if (v == 0)
		return perr(c, n, "port", "out of range 1-65535");
	if (!np_addr_is_set(&f->addr))
		return perr(c, n, "port", "a port needs an addr");
	f->port = (unsigned)v;
	return 0;
}

int np_xml_parse_dns(struct np_xml_pctx *c, xmlNode *n, struct np_dns *dns)
{
	_np_free_ xmlNode **fwds = NULL, **hosts = NULL, **srvs = NULL, **txts = NULL;
	size_t nf, nh, ns, nt;
	int r;

	dns->present = true;
	if ((r = np_xml_prop_yesno(c, n, "enable", &dns->enable)) < 0)
		return r;
	if ((r = np_xml_prop_yesno(c, n, "forwardPlainNames", &dns->forward_plain_names)) < 0)
		return r;
	if ((r = np_xml_children_get(c, n, "forwarder", NP_MAX_DNS_RECORDS, &fwds, &nf)) < 0 ||
	    (r = np_xml_children_get(c, n, "host", NP_MAX_DNS_RECORDS, &hosts, &nh)) < 0 ||
	    (r = np_xml_children_get(c, n, "srv", NP_MAX_DNS_RECORDS, &srvs, &ns)) < 0 ||
	    (r = np_xml_children_get(c, n, "txt", NP_MAX_DNS_RECORDS, &txts, &nt)) < 0)
		return r;

	if (nf && !(dns->forwarders = calloc(nf, sizeof(*dns->forwarders))))
		return -ENOMEM;
	for (size_t i = 0; i < nf; i++) {
		struct np_dns_forwarder *f = &dns->forwarders[i];

		dns->n_forwarders++;
		if ((r = np_xml_prop_addr(c, fwds[i], "addr", 0, &f->addr)) < 0)
			return r;
		f->domain = np_xml_prop(fwds[i], "domain");
		if (!r && !f->domain)
			return perr(c, fwds[i], NULL, "needs at least one of addr or domain");
		if ((r = parse_forwarder_port(c, fwds[i], f)) < 0)
			return r;
	}
	if (nh && !(dns->hosts = calloc(nh, sizeof(*dns->hosts))))
		return -ENOMEM;
	for (size_t i = 0; i < nh; i++) {
		dns->n_hosts++;
		if ((r = parse_dns_host(c, hosts[i], &dns->hosts[i])) < 0)
			return r;
	}
	if (ns && !(dns->srvs = calloc(ns, sizeof(*dns->srvs))))
		return -ENOMEM;
	for (size_t i = 0; i < ns; i++) {
		dns->n_srvs++;
		if ((r = parse_srv(c, srvs[i], &dns->srvs[i])) < 0)
			return r;
	}
	if (nt && !(dns->txts = calloc(nt, sizeof(*dns->txts))))
		return -ENOMEM;
	for (size_t i = 0; i < nt; i++) {
		dns->n_txts++;
		if ((r = parse_txt(c, txts[i], &dns->txts[i])) < 0)
			return r;
	}
	/* libvirt test routed-network-no-dns-extra-elements */
	if (dns->enable == NP_TRI_NO && (nf || nh || ns || nt))
		return perr(c, n, "enable", "records in a disabled <dns>");
	return 0;
}
