/* net-update of the <dns> sections (dns-host, dns-txt, dns-srv): libvirt's
 * virNetworkDefUpdateDNSHost/DNSTxt/DNSSrv. */
#include "xml/update_priv.h"
#include "xml/net.h"

#include "common/addr.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define perr np_xml_err_node

static void dns_host_clear(struct np_dns_host *h)
{
	for (size_t i = 0; i < h->n_hostnames; i++)
		free(h->hostnames[i]);
	free(h->hostnames);
	memset(h, 0, sizeof(*h));
}

/* virNetworkDNSHostDefParseXML; partial (delete, modify) allows a missing
 * ip or missing hostnames, but not both. */
static int parse_dns_host(struct upd *u, bool partial, struct np_dns_host *h)
{
	_np_free_ xmlNode **names = NULL;
	size_t k;
	int r;

	if ((r = np_xml_children_get(&u->c, u->node, "hostname", NP_MAX_DNS_RECORDS, &names, &k)) <
	    0)
		return r;
	if (k && !(h->hostnames = calloc(k, sizeof(*h->hostnames))))
		return -ENOMEM;
	for (size_t i = 0; i < k; i++) {
		if (!(h->hostnames[i] = np_xml_content(names[i])))
			return -ENOMEM;
		h->n_hostnames++;
		if (!*h->hostnames[i])
			return perr(&u->c, names[i], NULL, "empty host name");
	}
	if (!k && !partial)
		return perr(&u->c, u->node, NULL, "missing <hostname>");
	if ((r = np_xml_prop_addr(&u->c, u->node, "ip", 0, &h->ip)) < 0)
		return r;
	if (!r && !partial)
		return perr(&u->c, u->node, NULL, "missing 'ip' attribute");
	if (!r && !k)
		return perr(&u->c, u->node, NULL, "missing 'ip' attribute and <hostname>");
	return 0;
}

static const char *dns_host_str(const struct np_dns_host *h, char *buf, size_t len)
{
	char a[NP_ADDR_STRLEN];
	size_t off;

	off = (size_t)snprintf(buf, len, "<host ip='%s'>",
			       np_addr_is_set(&h->ip) ? np_addr_str(&h->ip, a) : "");
	for (size_t i = 0; i < h->n_hostnames && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "<hostname>%s</hostname>",
					h->hostnames[i]);
	return buf;
}

int np_upd_dns_host(struct upd *u)
{
	struct np_dns *dns = &u->net->dns;
	struct np_dns_host host = { 0 };
	long found = -1, found_modify = -1;
	size_t count = 0;
	char s[512];
	int r;

	if ((r = np_upd_check_element(u, "host")) < 0)
		return r;
	if ((r = parse_dns_host(u, !np_upd_is_add(u), &host)) < 0)
		goto out;
	for (size_t i = 0; i < dns->n_hosts; i++) {
		const struct np_dns_host *h = &dns->hosts[i];
		bool hit = np_upd_ip_eq(&host.ip, &h->ip);

		if (hit)
			found_modify = (long)i;
		/* Adding only refuses a second entry for the same address: the
		 * same name on several addresses is a legitimate configuration.
		 * Delete also finds an entry by any of its names. */
		for (size_t j = 0; u->cmd == NP_UPDATE_DELETE && !hit && j < host.n_hostnames; j++)
			for (size_t k = 0; !hit && k < h->n_hostnames; k++)
				hit = !strcmp(host.hostnames[j], h->hostnames[k]);
		if (hit) {
			count++;
			found = (long)i;
		}
	}
	dns_host_str(&host, s, sizeof(s));
	switch (u->cmd) {
	case NP_UPDATE_ADD_FIRST:
	case NP_UPDATE_ADD_LAST:
		if (count) {
			r = np_upd_err(u, -EINVAL,
				       "%s: there is already at least one DNS HOST record with "
				       "a matching field in network '%s'",
				       s, u->net->name);
			goto out;
		}
		if (dns->n_hosts >= NP_MAX_DNS_RECORDS) {
			r = np_upd_err(u, -E2BIG, "network '%s' already has %d DNS host records",
				       u->net->name, NP_MAX_DNS_RECORDS);
			goto out;
		}
		r = np_upd_insert(&dns->hosts, &dns->n_hosts, sizeof(host),
				  np_upd_add_pos(u, dns->n_hosts), &host);
		if (r < 0)
			goto out;
		memset(&host, 0, sizeof(host));
		dns->present = true;
		break;
	case NP_UPDATE_DELETE:
	case NP_UPDATE_MODIFY:
		if (!count) {
			r = np_upd_err(u, -EINVAL,
				       "%s: couldn't locate a matching DNS HOST record in "
				       "network '%s'",
				       s, u->net->name);
			goto out;
		}
		if (count > 1) {
			r = np_upd_err(u, -EINVAL,
				       "%s: multiple matching DNS HOST records were found in "
				       "network '%s'",
				       s, u->net->name);
			goto out;
		}
		if (u->cmd == NP_UPDATE_DELETE) {
			dns_host_clear(&dns->hosts[found]);
			np_upd_remove(dns->hosts, &dns->n_hosts, sizeof(*dns->hosts),
				      (size_t)found);
		} else {
			dns_host_clear(&dns->hosts[found_modify]);
			dns->hosts[found_modify] = host;
			memset(&host, 0, sizeof(host));
		}
		r = 0;
		break;
	case NP_UPDATE_NONE:
	case NP_UPDATE__MAX:
		r = np_upd_err(u, -EINVAL, "unrecognized network update command code %d",
			       (int)u->cmd);
		break;
	}
out:
	dns_host_clear(&host);
	return r;
}

static int check_line_breaks(struct upd *u, const char *attr, const char *value)
{
	if (value && strpbrk(value, "\r\n"))
		return perr(&u->c, u->node, attr, "invalid line break in the %s attribute", attr);
	return 0;
}

/* virNetworkDNSTxtDefParseXML: the name is always needed (it is the key),
 * the value only when adding. */
int np_upd_dns_txt(struct upd *u)
{
	struct np_dns *dns = &u->net->dns;
	_np_free_ char *name = NULL, *value = NULL;
	size_t i;
	int r;

	if ((r = np_upd_check_element(u, "txt")) < 0)
		return r;
	name = np_xml_prop(u->node, "name");
	if (!name)
		return perr(&u->c, u->node, NULL, "missing 'name' attribute");
	if (strpbrk(name, " ,"))
		return perr(&u->c, u->node, "name", "space or comma in a TXT record name");
	value = np_xml_prop(u->node, "value");
	if (!value && np_upd_is_add(u))
		return perr(&u->c, u->node, NULL, "missing 'value' attribute");
	if ((r = check_line_breaks(u, "value", value)) < 0)
		return r;

	for (i = 0; i < dns->n_txts; i++)
		if (!strcmp(name, dns->txts[i].name))
			break;
	switch (u->cmd) {
	case NP_UPDATE_ADD_FIRST:
	case NP_UPDATE_ADD_LAST: {
		struct np_dns_txt t = { .name = name, .value = value };

		if (i < dns->n_txts)
			return np_upd_err(u, -EINVAL,
					  "there is already a DNS TXT record with name '%s' in "
					  "network '%s'",
					  name, u->net->name);
		if (dns->n_txts >= NP_MAX_DNS_RECORDS)
			return np_upd_err(u, -E2BIG, "network '%s' already has %d DNS TXT records",
					  u->net->name, NP_MAX_DNS_RECORDS);
		r = np_upd_insert(&dns->txts, &dns->n_txts, sizeof(t),
				  np_upd_add_pos(u, dns->n_txts), &t);
		if (r < 0)
			return r;
		name = value = NULL;
		dns->present = true;
		return 0;
	}
	case NP_UPDATE_DELETE:
	case NP_UPDATE_MODIFY:
		if (i == dns->n_txts)
			return np_upd_err(u, -EINVAL,
					  "couldn't locate a DNS TXT record with name '%s' in "
					  "network '%s'",
					  name, u->net->name);
		if (u->cmd == NP_UPDATE_DELETE) {
			free(dns->txts[i].name);
			free(dns->txts[i].value);
			np_upd_remove(dns->txts, &dns->n_txts, sizeof(*dns->txts), i);
			return 0;
		}
		if (!value)
			return np_upd_err(u, -EINVAL,
					  "<txt name='%s'>: missing value of the modified DNS "
					  "TXT record in network '%s'",
					  name, u->net->name);
		/* modify replaces the value only */
		free(dns->txts[i].value);
		dns->txts[i].value = np_steal(&value);
		return 0;
	case NP_UPDATE_NONE:
	case NP_UPDATE__MAX:
		break;
	}
	return np_upd_err(u, -EINVAL, "unrecognized network update command code %d", (int)u->cmd);
}

static void srv_clear(struct np_dns_srv *s)
{
	free(s->service);
	free(s->protocol);
	free(s->domain);
	free(s->target);
	memset(s, 0, sizeof(*s));
}

#define DNS_SRV_MAX_LEN (512 - 30) /* libvirt's DNS_RECORD_LENGTH_SRV */
#define SRV_PROTOCOL_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+/"
#define SRV_SERVICE_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/*"

static int parse_srv_num(struct upd *u, const char *name, const struct np_dns_srv *s, unsigned min,
			 bool *has, unsigned *val)
{
	unsigned long long v;
	int r = np_xml_prop_uint(&u->c, u->node, name, 10, UINT_MAX, &v);

	if (r <= 0)
		return r;
	if (!s->target)
		return perr(&u->c, u->node, name, "not permitted without a target");
	if (v < min || v > 65535)
		return perr(&u->c, u->node, name, "out of range %u-65535", min);
	*has = true;
	*val = (unsigned)v;
	return 0;
}

/* virNetworkDNSSrvDefParseXML; partial (delete) makes service and protocol
 * optional: every attribute given is then a search key. */
static int parse_srv(struct upd *u, bool partial, struct np_dns_srv *s)
{
	struct np_xml_pctx *c = &u->c;
	xmlNode *n = u->node;
	int r;

	s->service = np_xml_prop(n, "service");
	if (!s->service && !partial)
		return perr(c, n, NULL, "missing 'service' attribute");
	if (s->service && strlen(s->service) > DNS_SRV_MAX_LEN)
		return perr(c, n, "service", "longer than %d bytes", DNS_SRV_MAX_LEN);
	if (s->service && s->service[strspn(s->service, SRV_SERVICE_CHARS)])
		return perr(c, n, "service", "invalid character in service");
	s->protocol = np_xml_prop(n, "protocol");
	if (!s->protocol && !partial)
		return perr(c, n, NULL, "missing 'protocol' attribute");
	if (s->protocol && s->protocol[strspn(s->protocol, SRV_PROTOCOL_CHARS)])
		return perr(c, n, "protocol", "invalid character in protocol");
	s->domain = np_xml_prop(n, "domain");
	s->target = np_xml_prop(n, "target");
	if ((r = check_line_breaks(u, "domain", s->domain)) < 0 ||
	    (r = check_line_breaks(u, "target", s->target)) < 0)
		return r;
	if ((r = parse_srv_num(u, "port", s, 1, &s->has_port, &s->port)) < 0 ||
	    (r = parse_srv_num(u, "priority", s, 0, &s->has_priority, &s->priority)) < 0)
		return r;
	return parse_srv_num(u, "weight", s, 0, &s->has_weight, &s->weight);
}

static bool key_eq(const char *key, const char *have)
{
	return !key || (have && !strcmp(key, have));
}

int np_upd_dns_srv(struct upd *u)
{
	struct np_dns *dns = &u->net->dns;
	struct np_dns_srv srv = { 0 };
	size_t count = 0, found = 0;
	char s[600];
	int r;

	if (u->cmd == NP_UPDATE_MODIFY)
		return np_upd_err(u, -EOPNOTSUPP,
				  "DNS SRV records cannot be modified, only added or "
				  "deleted");
	if ((r = np_upd_check_element(u, "srv")) < 0)
		return r;
	if ((r = parse_srv(u, !np_upd_is_add(u), &srv)) < 0)
		goto out;
	for (size_t i = 0; i < dns->n_srvs; i++) {
		const struct np_dns_srv *h = &dns->srvs[i];

		if (key_eq(srv.domain, h->domain) && key_eq(srv.service, h->service) &&
		    key_eq(srv.protocol, h->protocol) && key_eq(srv.target, h->target)) {
			count++;
			found = i;
		}
	}
	snprintf(s, sizeof(s), "<srv");
	np_upd_attr(s, sizeof(s), "service", srv.service);
	np_upd_attr(s, sizeof(s), "protocol", srv.protocol);
	np_upd_attr(s, sizeof(s), "domain", srv.domain);
	np_upd_attr(s, sizeof(s), "target", srv.target);
	if (strlen(s) + 3 <= sizeof(s))
		strcat(s, "/>");
	switch (u->cmd) {
	case NP_UPDATE_ADD_FIRST:
	case NP_UPDATE_ADD_LAST:
		if (count) {
			r = np_upd_err(u, -EINVAL,
				       "%s: there is already at least one DNS SRV record "
				       "matching all specified fields in network '%s'",
				       s, u->net->name);
			goto out;
		}
		if (dns->n_srvs >= NP_MAX_DNS_RECORDS) {
			r = np_upd_err(u, -E2BIG, "network '%s' already has %d DNS SRV records",
				       u->net->name, NP_MAX_DNS_RECORDS);
			goto out;
		}
		r = np_upd_insert(&dns->srvs, &dns->n_srvs, sizeof(srv),
				  np_upd_add_pos(u, dns->n_srvs), &srv);
		if (r < 0)
			goto out;
		memset(&srv, 0, sizeof(srv));
		dns->present = true;
		break;
	case NP_UPDATE_DELETE:
		if (!count) {
			r = np_upd_err(u, -EINVAL,
				       "%s: couldn't locate a matching DNS SRV record in "
				       "network '%s'",
				       s, u->net->name);
			goto out;
		}
		if (count > 1) {
			r = np_upd_err(u, -EINVAL,
				       "%s: multiple DNS SRV records matching all specified "
				       "fields were found in network '%s'",
				       s, u->net->name);
			goto out;
		}
		srv_clear(&dns->srvs[found]);
		np_upd_remove(dns->srvs, &dns->n_srvs, sizeof(*dns->srvs), found);
		r = 0;
		break;
	case NP_UPDATE_MODIFY:
	case NP_UPDATE_NONE:
	case NP_UPDATE__MAX:
		r = np_upd_err(u, -EINVAL, "unrecognized network update command code %d",
			       (int)u->cmd);
		break;
	}
out:
	srv_clear(&srv);
	return r;
}
