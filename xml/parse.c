/* <network> XML -> struct np_net, with libvirt's parse-time checks
 * (virNetworkDefParseXML). Elements are read in libvirt's order so the first
 * error reported is the one libvirt would report. */
#include "xml/xml.h"
#include "xml/net.h"
#include "xml/xml_priv.h"

#include "common/addr.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#define DNSMASQ_NS "http://libvirt.org/schemas/network/dnsmasq/1.0"
/* libvirt's DNS_RECORD_LENGTH_SRV: 512 minus the overhead RFC 2782 names. */
#define DNS_SRV_MAX_LEN (512 - 30)

struct np_xml_pctx {
	const char *file;
	struct np_err *err;
};

/* ---- small helpers ---------------------------------------------------- */

static bool is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !n->ns && !strcmp((const char *)n->name, name);
}

xmlNode *np_xml_child(xmlNode *n, const char *name)
{
	for (xmlNode *ch = n ? n->children : NULL; ch; ch = ch->next)
		if (is_elem(ch, name))
			return ch;
	return NULL;
}

size_t np_xml_children(xmlNode *n, const char *name)
{
	size_t k = 0;

	for (xmlNode *ch = n ? n->children : NULL; ch; ch = ch->next)
		if (is_elem(ch, name))
			k++;
	return k;
}

static char *xdup(xmlChar *x)
{
	char *s;

	if (!x)
		return NULL;
	s = strdup((const char *)x);
	xmlFree(x);
	return s;
}

/* Like libvirt's virXMLPropString: "" stays "". NULL when absent (or OOM,
 * which callers that need to tell apart check with xmlHasNsProp). */
char *np_xml_prop(xmlNode *n, const char *name)
{
	return n ? xdup(xmlGetNoNsProp(n, (const xmlChar *)name)) : NULL;
}

/* Like libvirt's virXPathString("string(./@name)"): "" counts as absent. */
static char *prop_nonempty(xmlNode *n, const char *name)
{
	char *s = np_xml_prop(n, name);

	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

static char *content_nonempty(xmlNode *n)
{
	char *s = n ? xdup(xmlNodeGetContent(n)) : NULL;

	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* Decimal (base 10) or C-style (base 0) unsigned number, whole string. */
int np_xml_parse_uint(const char *s, int base, unsigned long long max, unsigned long long *ret)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static void append_trunc(char *out, size_t size, const char *s)
{
	size_t len = strlen(out), n = strlen(s);

	if (n > 64) {
		snprintf(out + len, size - len, "%.61s...", s);
		return;
	}
	snprintf(out + len, size - len, "%s", s);
}

/* "FILE:LINE: <elem attr='value'>: what". attr "#text" shows the element's
 * text instead; an attribute that is absent shows just "<elem>". */
static int err_vnode(struct np_xml_pctx *c, xmlNode *n, const char *attr, const char *fmt,
		     va_list ap)
{
	char where[256] = "";
	char what[512];
	long line = n ? xmlGetLineNo(n) : -1;

	if (n) {
		_np_free_ char *val = NULL;
		const char *prefix = n->ns && n->ns->prefix ? (const char *)n->ns->prefix : NULL;

		snprintf(where, sizeof(where), "<%s%s%s", prefix ? prefix : "", prefix ? ":" : "",
			 (const char *)n->name);
		if (attr && !strcmp(attr, "#text")) {
			val = xdup(xmlNodeGetContent(n));
			append_trunc(where, sizeof(where), ">");
			append_trunc(where, sizeof(where), val ? val : "");
			snprintf(where + strlen(where), sizeof(where) - strlen(where), "</%s>",
				 (const char *)n->name);
		} else {
			if (attr && (val = np_xml_prop(n, attr))) {
				snprintf(where + strlen(where), sizeof(where) - strlen(where),
					 " %s='", attr);
				append_trunc(where, sizeof(where), val);
				append_trunc(where, sizeof(where), "'");
			}
			append_trunc(where, sizeof(where), ">");
		}
	}
	vsnprintf(what, sizeof(what), fmt, ap);
	if (line > 0)
		return np_err_set(c->err, -EINVAL, "%s:%ld: %s: %s", c->file, line, where, what);
	if (n)
		return np_err_set(c->err, -EINVAL, "%s: %s: %s", c->file, where, what);
	return np_err_set(c->err, -EINVAL, "%s: %s", c->file, what);
}

int np_xml_err_node(struct np_xml_pctx *c, xmlNode *n, const char *attr, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = err_vnode(c, n, attr, fmt, ap);
	va_end(ap);
	return r;
}
#define perr np_xml_err_node

/* yes/no attribute into a tristate (virXMLPropTristateBool). */
static int prop_yesno(struct np_xml_pctx *c, xmlNode *n, const char *name,
		      enum np_tristate *ret)
{
	_np_free_ char *v = np_xml_prop(n, name);

	*ret = NP_TRI_ABSENT;
	if (!v)
		return 0;
	if (!strcmp(v, "yes"))
		*ret = NP_TRI_YES;
	else if (!strcmp(v, "no"))
		*ret = NP_TRI_NO;
	else
		return perr(c, n, name, "expected 'yes' or 'no'");
	return 0;
}

/* Unsigned decimal attribute: 0 absent, 1 present, -EINVAL bad. */
static int prop_uint(struct np_xml_pctx *c, xmlNode *n, const char *name, int base,
		     unsigned long long max, unsigned long long *ret)
{
	_np_free_ char *v = np_xml_prop(n, name);

	if (!v)
		return 0;
	if (np_xml_parse_uint(v, base, max, ret) < 0)
		return perr(c, n, name, "not a number in the range 0-%llu", max);
	return 1;
}

static int prop_addr(struct np_xml_pctx *c, xmlNode *n, const char *name, int family,
		     struct np_addr *ret)
{
	_np_free_ char *v = np_xml_prop(n, name);

	if (!v)
		return 0;
	if (np_addr_parse(v, family, ret) < 0)
		return perr(c, n, name, "%s",
			    family == AF_INET	 ? "not an IPv4 address" :
			    family == AF_INET6 ? "not an IPv6 address" :
						   "not an IP address");
	return 1;
}

static int too_many(struct np_xml_pctx *c, xmlNode *n, const char *what, size_t max)
{
	return perr(c, n, NULL, "more than %zu <%s> elements", max, what);
}

/* Collects the element children called name into a new array. */
static int children(struct np_xml_pctx *c, xmlNode *n, const char *name, size_t max,
		    xmlNode ***ret, size_t *ret_n)
{
	size_t k = np_xml_children(n, name), i = 0;
	xmlNode **v;

	*ret = NULL;
	*ret_n = 0;
	if (!k)
		return 0;
	if (k > max)
		return too_many(c, n, name, max);
	v = calloc(k, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (xmlNode *ch = n->children; ch; ch = ch->next)
		if (is_elem(ch, name))
			v[i++] = ch;
	*ret = v;
	*ret_n = k;
	return 0;
}

/* ---- <ip> -------------------------------------------------------------- */

static int parse_lease(struct np_xml_pctx *c, xmlNode *parent, struct np_lease *ret)
{
	xmlNode *n = np_xml_child(parent, "lease");
	unsigned long long expiry;
	_np_free_ char *unit = NULL;
	int r;

	if (!n)
		return 0;
	r = prop_uint(c, n, "expiry", 10, ULLONG_MAX, &expiry);
	if (r <= 0)
		return r; /* libvirt ignores a <lease> without expiry */
	ret->unit = NP_LEASE_MINUTES;
	unit = np_xml_prop(n, "unit");
	if (unit) {
		if (!strcmp(unit, "seconds"))
			ret->unit = NP_LEASE_SECONDS;
		else if (!strcmp(unit, "minutes"))
			ret->unit = NP_LEASE_MINUTES;
		else if (!strcmp(unit, "hours"))
			ret->unit = NP_LEASE_HOURS;
		else
			return perr(c, n, "unit", "expected 'seconds', 'minutes' or 'hours'");
	}
	/* dnsmasq's minimum lease time is two minutes */
	if (expiry > 0 && ((ret->unit == NP_LEASE_SECONDS && expiry < 120) ||
			   (ret->unit == NP_LEASE_MINUTES && expiry < 2)))
		return perr(c, n, "expiry", "the minimum lease time is 2 minutes");
	if (expiry > ULONG_MAX)
		return perr(c, n, "expiry", "too large");
	ret->set = true;
	ret->expiry = (unsigned long)expiry;
	return 0;
}

/* virSocketAddrGetRange with a network: same family, inside the subnet, not
 * the IPv4 network/broadcast address, start <= end, IPv6 ranges limited to
 * the low 32 bits. */
static int check_range(struct np_xml_pctx *c, xmlNode *n, const struct np_addr *start,
		       const struct np_addr *end, const struct np_ip *ip)
{
	if (start->family != end->family)
		return perr(c, n, "end", "start and end are of different address families");
	if (ip) {
		struct np_addr net, bcast;

		if (start->family != ip->address.family)
			return perr(c, n, "start", "address family differs from the <ip> address");
		if (ip->prefix > np_addr_max_prefix(ip->address.family))
			return perr(c, n, NULL, "the <ip> has no usable prefix");
		if (!np_addr_in_subnet(start, &ip->address, ip->prefix))
			return perr(c, n, "start", "range start is outside the network");
		if (!np_addr_in_subnet(end, &ip->address, ip->prefix))
			return perr(c, n, "end", "range end is outside the network");
		if (start->family == AF_INET) {
			net = np_addr_network(&ip->address, ip->prefix);
			bcast = np_addr_broadcast(&ip->address, ip->prefix);
			if (np_addr_equal(start, &net))
				return perr(c, n, "start", "range starts at the network address");
			if (np_addr_equal(end, &bcast))
				return perr(c, n, "end", "range ends at the broadcast address");
		}
	}
	if (start->family == AF_INET6 && memcmp(start->bytes, end->bytes, 12))
		return perr(c, n, "end", "IPv6 range too large");
	if (np_addr_cmp(start, end) > 0)
		return perr(c, n, "end", "range end is before its start");
	return 0;
}

static int parse_dhcp_range(struct np_xml_pctx *c, xmlNode *n, const struct np_ip *ip,
			    struct np_dhcp_range *r)
{
	int k;

	if ((k = prop_addr(c, n, "start", 0, &r->start)) < 0)
		return k;
	if (!k)
		return perr(c, n, NULL, "missing 'start' attribute");
	if ((k = prop_addr(c, n, "end", 0, &r->end)) < 0)
		return k;
	if (!k)
		return perr(c, n, NULL, "missing 'end' attribute");
	if ((k = check_range(c, n, &r->start, &r->end, ip)) < 0)
		return k;
	return parse_lease(c, n, &r->lease);
}

static int parse_dhcp_host(struct np_xml_pctx *c, xmlNode *n, const struct np_ip *ip,
			   struct np_dhcp_host *h)
{
	bool v6 = ip->address.family == AF_INET6;
	int k;

	h->mac_str = np_xml_prop(n, "mac");
	if (h->mac_str) {
		if (v6)
			return perr(c, n, "mac", "a MAC address is invalid in an IPv6 static host");
		if (np_mac_parse(h->mac_str, h->mac) < 0)
			return perr(c, n, "mac", "not a MAC address");
		if (np_mac_is_multicast(h->mac))
			return perr(c, n, "mac", "expected a unicast MAC address, not multicast");
		h->has_mac = true;
	}
	h->id = np_xml_prop(n, "id");
	if (h->id && h->id[strspn(h->id, "0123456789abcdefABCDEF:")])
		return perr(c, n, "id", "invalid character in id");
	h->name = np_xml_prop(n, "name");
	if (h->name && !((h->name[0] >= 'a' && h->name[0] <= 'z') ||
			 (h->name[0] >= 'A' && h->name[0] <= 'Z') ||
			 (h->name[0] >= '0' && h->name[0] <= '9')))
		return perr(c, n, "name", "host name must start with a letter or digit");
	if ((k = prop_addr(c, n, "ip", 0, &h->ip)) < 0)
		return k;
	if (v6 && !h->id && !h->name)
		return perr(c, n, NULL, "a static host in an IPv6 network needs id or name");
	if (!v6 && !h->mac_str && !h->name)
		return perr(c, n, NULL, "a static host in an IPv4 network needs mac or name");
	if (!k)
		return perr(c, n, NULL, "missing 'ip' attribute");
	return parse_lease(c, n, &h->lease);
}

static int parse_dhcp(struct np_xml_pctx *c, xmlNode *dhcp, struct np_ip *ip)
{
	_np_free_ xmlNode **ranges = NULL, **hosts = NULL;
	size_t nr, nh;
	xmlNode *bootp;
	int r;

	ip->has_dhcp = true;
	if ((r = children(c, dhcp, "range", NP_MAX_RANGES, &ranges, &nr)) < 0)
		return r;
	if ((r = children(c, dhcp, "host", NP_MAX_HOSTS, &hosts, &nh)) < 0)
		return r;
	if (nr && !(ip->ranges = calloc(nr, sizeof(*ip->ranges))))
		return -ENOMEM;
	for (size_t i = 0; i < nr; i++) {
		if ((r = parse_dhcp_range(c, ranges[i], ip, &ip->ranges[i])) < 0)
			return r;
		ip->n_ranges++;
	}
	if (nh && !(ip->hosts = calloc(nh, sizeof(*ip->hosts))))
		return -ENOMEM;
	for (size_t i = 0; i < nh; i++) {
		ip->n_hosts++; /* counted first so np_net_free sees partial strings */
		if ((r = parse_dhcp_host(c, hosts[i], ip, &ip->hosts[i])) < 0)
			return r;
	}
	/* libvirt only reads <bootp> for IPv4 and ignores it otherwise */
	bootp = np_xml_child(dhcp, "bootp");
	if (bootp && ip->address.family == AF_INET) {
		struct np_addr server;
		char buf[NP_ADDR_STRLEN];

		ip->bootp_file = np_xml_prop(bootp, "file");
		if (!ip->bootp_file)
			return perr(c, bootp, NULL, "missing 'file' attribute");
		if ((r = prop_addr(c, bootp, "server", 0, &server)) < 0)
			return r;
		if (r && !(ip->bootp_server = strdup(np_addr_str(&server, buf))))
			return -ENOMEM;
	}
	return 0;
}

static int parse_ip(struct np_xml_pctx *c, xmlNode *n, struct np_ip *ip)
{
	_np_free_ char *address = NULL, *netmask = NULL;
	unsigned long long prefix = 0;
	xmlNode *ch;
	int r;

	ip->family_attr = prop_nonempty(n, "family");
	address = prop_nonempty(n, "address");
	if (!address)
		return perr(c, n, NULL, "missing 'address' attribute");
	if (np_addr_parse(address, 0, &ip->address) < 0)
		return perr(c, n, "address", "not an %s address",
			    ip->family_attr && !strcmp(ip->family_attr, "ipv6") ? "IPv6" : "IPv4");
	netmask = prop_nonempty(n, "netmask");
	if (netmask && np_addr_parse(netmask, 0, &ip->netmask) < 0)
		return perr(c, n, "netmask", "not a netmask");
	if ((r = prop_uint(c, n, "prefix", 10, UINT_MAX, &prefix)) < 0)
		return r;
	if ((r = prop_yesno(c, n, "localPtr", &ip->local_ptr)) < 0)
		return r;

	if (!ip->family_attr || !strcmp(ip->family_attr, "ipv4")) {
		if (ip->address.family != AF_INET)
			return perr(c, n, "address", "not an IPv4 address");
		if (netmask) {
			if (ip->netmask.family != AF_INET)
				return perr(c, n, "netmask", "not an IPv4 netmask");
			if (prefix > 0)
				return perr(c, n, NULL, "both a prefix and a netmask");
		} else if (prefix > 32) {
			return perr(c, n, "prefix", "IPv4 prefix out of range 0-32");
		}
	} else if (!strcmp(ip->family_attr, "ipv6")) {
		if (ip->address.family != AF_INET6)
			return perr(c, n, "address", "not an IPv6 address");
		if (netmask)
			return perr(c, n, "netmask", "netmask not allowed for an IPv6 address");
		if (prefix > 128)
			return perr(c, n, "prefix", "IPv6 prefix out of range 0-128");
	} else {
		return perr(c, n, "family", "expected 'ipv4' or 'ipv6'");
	}
	ip->has_netmask = netmask != NULL;
	ip->has_prefix = prefix > 0;

	/* the effective prefix (virSocketAddrGetIPPrefix) */
	if (prefix > 0) {
		ip->prefix = (unsigned)prefix;
	} else if (ip->has_netmask) {
		int p = np_addr_netmask_to_prefix(&ip->netmask);

		if (p < 0)
			return perr(c, n, "netmask", "netmask is not contiguous");
		ip->prefix = (unsigned)p;
	} else {
		int p = np_addr_default_prefix(&ip->address);

		/* class D/E without a prefix: left invalid, np_net_validate refuses */
		ip->prefix = p < 0 ? np_addr_max_prefix(ip->address.family) + 1 : (unsigned)p;
	}

	if ((ch = np_xml_child(n, "dhcp")) && (r = parse_dhcp(c, ch, ip)) < 0)
		return r;
	if ((ch = np_xml_child(n, "tftp"))) {
		if (ip->address.family != AF_INET)
			return perr(c, ch, NULL, "<tftp> is only supported for IPv4");
		ip->tftp_root = prop_nonempty(ch, "root");
	}
	return 0;
}

/* ---- <route> ----------------------------------------------------------- */

static int parse_route(struct np_xml_pctx *c, xmlNode *n, struct np_route *rt)
{
	_np_free_ char *netmask = NULL;
	unsigned long long prefix = 0, metric = 0;
	struct np_addr test;
	bool v6;
	int r;

	rt->family_attr = np_xml_prop(n, "family");
	if ((r = prop_uint(c, n, "prefix", 10, UINT_MAX, &prefix)) < 0)
		return r;
	rt->has_prefix = r == 1;
	if ((r = prop_uint(c, n, "metric", 10, UINT_MAX, &metric)) < 0)
		return r;
	if (r == 1 && metric == 0)
		return perr(c, n, "metric", "metric must be greater than 0");
	rt->has_metric = r == 1;
	rt->metric = (unsigned)metric;

	if ((r = prop_addr(c, n, "address", 0, &rt->address)) < 0)
		return r;
	if (!r)
		return perr(c, n, NULL, "missing 'address' attribute");
	if ((r = prop_addr(c, n, "gateway", 0, &rt->gateway)) < 0)
		return r;
	if (!r)
		return perr(c, n, NULL, "missing 'gateway' attribute");
	netmask = np_xml_prop(n, "netmask");

	if (!rt->family_attr || !strcmp(rt->family_attr, "ipv4")) {
		v6 = false;
		if (rt->address.family != AF_INET)
			return perr(c, n, "address", "not an IPv4 address");
		if (rt->gateway.family != AF_INET)
			return perr(c, n, "gateway", "not an IPv4 address");
		if (netmask) {
			if (np_addr_parse(netmask, AF_INET, &rt->netmask) < 0)
				return perr(c, n, "netmask", "not an IPv4 netmask");
			if (rt->has_prefix)
				return perr(c, n, NULL, "both a prefix and a netmask");
		}
		if (prefix > 32)
			return perr(c, n, "prefix", "IPv4 prefix out of range 0-32");
	} else if (!strcmp(rt->family_attr, "ipv6")) {
		v6 = true;
		if (rt->address.family != AF_INET6)
			return perr(c, n, "address", "not an IPv6 address");
		if (netmask)
			return perr(c, n, "netmask", "netmask not allowed for an IPv6 route");
		if (rt->gateway.family != AF_INET6)
			return perr(c, n, "gateway", "not an IPv6 address");
		if (prefix > 128)
			return perr(c, n, "prefix", "IPv6 prefix out of range 0-128");
	} else {
		return perr(c, n, "family", "expected 'ipv4' or 'ipv6'");
	}
	(void)v6;
	rt->has_netmask = netmask != NULL;
	if (rt->has_netmask) {
		int p = np_addr_netmask_to_prefix(&rt->netmask);

		if (p < 0)
			return perr(c, n, "netmask", "netmask is not contiguous");
		rt->prefix = (unsigned)p;
	} else {
		rt->prefix = (unsigned)prefix;
	}
	/* libvirt: without prefix or netmask the prefix is 0 (a default route) */
	test = np_addr_network(&rt->address, rt->prefix);
	if (!np_addr_equal(&test, &rt->address))
		return perr(c, n, "address", "not a network address for the prefix");
	return 0;
}

/* The gateway of every route must be inside one of the network's subnets. */
static int check_route_gateways(struct np_xml_pctx *c, xmlNode **nodes, struct np_net *net)
{
	for (size_t i = 0; i < net->n_routes; i++) {
		const struct np_addr *gw = &net->routes[i].gateway;
		bool ok = false;

		for (size_t j = 0; j < net->n_ips && !ok; j++) {
			const struct np_ip *ip = &net->ips[j];

			if (ip->address.family == gw->family &&
			    ip->prefix <= np_addr_max_prefix(gw->family) &&
			    np_addr_in_subnet(gw, &ip->address, ip->prefix))
				ok = true;
		}
		if (!ok)
			return perr(c, nodes[i], "gateway",
				    "gateway is not reachable from any <ip> of the network");
	}
	return 0;
}

/* ---- <dns> ------------------------------------------------------------- */

static int parse_srv_num(struct np_xml_pctx *c, xmlNode *n, const char *name,
			 const struct np_dns_srv *s, unsigned min, bool *has, unsigned *val)
{
	unsigned long long v;
	int r = prop_uint(c, n, name, 10, UINT_MAX, &v);

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

	if ((r = children(c, n, "hostname", NP_MAX_DNS_RECORDS, &names, &k)) < 0)
		return r;
	if (!k)
		return perr(c, n, NULL, "missing <hostname>");
	if (!(h->hostnames = calloc(k, sizeof(*h->hostnames))))
		return -ENOMEM;
	for (size_t i = 0; i < k; i++) {
		h->hostnames[i] = xdup(xmlNodeGetContent(names[i]));
		if (!h->hostnames[i])
			return -ENOMEM;
		h->n_hostnames++;
		if (!*h->hostnames[i])
			return perr(c, names[i], NULL, "empty host name");
	}
	if ((r = prop_addr(c, n, "ip", 0, &h->ip)) < 0)
		return r;
	if (!r)
		return perr(c, n, NULL, "missing 'ip' attribute");
	return 0;
}

static int parse_dns(struct np_xml_pctx *c, xmlNode *n, struct np_dns *dns)
{
	_np_free_ xmlNode **fwds = NULL, **hosts = NULL, **srvs = NULL, **txts = NULL;
	size_t nf, nh, ns, nt;
	int r;

	dns->present = true;
	if ((r = prop_yesno(c, n, "enable", &dns->enable)) < 0)
		return r;
	if ((r = prop_yesno(c, n, "forwardPlainNames", &dns->forward_plain_names)) < 0)
		return r;
	if ((r = children(c, n, "forwarder", NP_MAX_DNS_RECORDS, &fwds, &nf)) < 0 ||
	    (r = children(c, n, "host", NP_MAX_DNS_RECORDS, &hosts, &nh)) < 0 ||
	    (r = children(c, n, "srv", NP_MAX_DNS_RECORDS, &srvs, &ns)) < 0 ||
	    (r = children(c, n, "txt", NP_MAX_DNS_RECORDS, &txts, &nt)) < 0)
		return r;

	if (nf && !(dns->forwarders = calloc(nf, sizeof(*dns->forwarders))))
		return -ENOMEM;
	for (size_t i = 0; i < nf; i++) {
		struct np_dns_forwarder *f = &dns->forwarders[i];

		dns->n_forwarders++;
		if ((r = prop_addr(c, fwds[i], "addr", 0, &f->addr)) < 0)
			return r;
		f->domain = np_xml_prop(fwds[i], "domain");
		if (!r && !f->domain)
			return perr(c, fwds[i], NULL, "needs at least one of addr or domain");
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

/* ---- <forward> --------------------------------------------------------- */

static int parse_nat(struct np_xml_pctx *c, xmlNode *n, struct np_forward *fwd)
{
	xmlNode *a, *p;
	unsigned long long v;
	int r;

	if (fwd->mode != NP_FWD_NAT)
		return perr(c, n, NULL, "<nat> is only allowed with forward mode 'nat'");
	fwd->nat.present = true;
	if ((r = prop_yesno(c, n, "ipv6", &fwd->nat.ipv6)) < 0)
		return r;
	if (np_xml_children(n, "address") > 1)
		return perr(c, n, NULL, "only one <address> is allowed in <nat>");
	if ((a = np_xml_child(n, "address"))) {
		_np_free_ char *s = np_xml_prop(a, "start"), *e = np_xml_prop(a, "end");

		if (!s)
			return perr(c, a, NULL, "missing 'start' attribute");
		if (!e)
			return perr(c, a, NULL, "missing 'end' attribute");
		if (np_addr_parse(s, AF_INET, &fwd->nat.addr_start) < 0)
			return perr(c, a, "start", "not an IPv4 address");
		if (np_addr_parse(e, AF_INET, &fwd->nat.addr_end) < 0)
			return perr(c, a, "end", "not an IPv4 address");
		if ((r = check_range(c, a, &fwd->nat.addr_start, &fwd->nat.addr_end, NULL)) < 0)
			return r;
	}
	if (np_xml_children(n, "port") > 1)
		return perr(c, n, NULL, "only one <port> is allowed in <nat>");
	if ((p = np_xml_child(n, "port"))) {
		if ((r = prop_uint(c, p, "start", 10, 65535, &v)) <= 0)
			return r < 0 ? r : perr(c, p, NULL, "missing 'start' attribute");
		fwd->nat.port_start = (unsigned)v;
		if ((r = prop_uint(c, p, "end", 10, 65535, &v)) <= 0)
			return r < 0 ? r : perr(c, p, NULL, "missing 'end' attribute");
		if (v < fwd->nat.port_start)
			return perr(c, p, "end", "port range end is before its start");
		fwd->nat.port_end = (unsigned)v;
	}
	return 0;
}

static int parse_driver(struct np_xml_pctx *c, xmlNode *n, struct np_xml_extra *x)
{
	_np_free_ char *name = np_xml_prop(n, "name");

	if (name) {
		int found = -1;

		for (int i = 1; i < NP_HOSTDEV_DRIVER__MAX; i++)
			if (!strcmp(name, np_hostdev_driver_names[i]))
				found = i;
		if (found < 0)
			return perr(c, n, "name", "unknown driver name");
		x->driver_name = (enum np_hostdev_driver)found;
	}
	x->driver_model = np_xml_prop(n, "model");
	return 0;
}

static int parse_forward(struct np_xml_pctx *c, xmlNode *n, struct np_net *net)
{
	struct np_forward *fwd = &net->forward;
	struct np_xml_extra *x = net->extra;
	_np_free_ xmlNode **ifs = NULL, **addrs = NULL, **pfs = NULL;
	_np_free_ char *mode = NULL, *managed = NULL, *dev = NULL;
	size_t nifs, naddrs, npfs;
	xmlNode *ch;
	int r;

	fwd->present = true;
	fwd->mode = NP_FWD_NAT;
	mode = prop_nonempty(n, "mode");
	if (mode) {
		int found = -1;

		for (int i = 0; i < NP_FWD__MAX; i++)
			if (!strcmp(mode, np_fwd_mode_names[i]))
				found = i;
		if (found < 0)
			return perr(c, n, "mode", "unknown forward mode");
		fwd->mode = (enum np_fwd_mode)found;
		fwd->has_mode = true;
	}
	managed = prop_nonempty(n, "managed");
	if (managed)
		fwd->managed = !strcasecmp(managed, "yes") ? NP_TRI_YES : NP_TRI_NO;
	if ((ch = np_xml_child(n, "driver")) && (r = parse_driver(c, ch, x)) < 0)
		return r;

	if ((r = children(c, n, "interface", NP_MAX_FORWARD_IFS, &ifs, &nifs)) < 0 ||
	    (r = children(c, n, "address", NP_MAX_FORWARD_IFS, &addrs, &naddrs)) < 0 ||
	    (r = children(c, n, "pf", NP_MAX_FORWARD_IFS, &pfs, &npfs)) < 0)
		return r;
	if (np_xml_children(n, "nat") > 1)
		return perr(c, n, NULL, "only one <nat> is allowed in <forward>");
	if ((ch = np_xml_child(n, "nat")) && (r = parse_nat(c, ch, fwd)) < 0)
		return r;

	dev = prop_nonempty(n, "dev");
	if (dev && (naddrs || npfs))
		return perr(c, n, "dev", "'dev' cannot be used with <address> or <pf>");

	if (nifs || dev) {
		size_t max = nifs > 0 ? nifs : 1;

		if (!(fwd->ifs = calloc(max, sizeof(*fwd->ifs))))
			return -ENOMEM;
		if (dev) {
			fwd->ifs[0].dev = np_steal(&dev);
			fwd->n_ifs = 1;
		}
		for (size_t i = 0; i < nifs; i++) {
			_np_free_ char *d = np_xml_prop(ifs[i], "dev");

			if (!d)
				return perr(c, ifs[i], NULL, "missing 'dev' attribute");
			if (i == 0 && fwd->n_ifs == 1) {
				if (strcmp(d, fwd->ifs[0].dev))
					return perr(c, ifs[i], "dev",
						    "must match the <forward dev='%s'>",
						    fwd->ifs[0].dev);
				continue;
			}
			for (size_t j = 0; j < fwd->n_ifs; j++)
				if (!strcmp(fwd->ifs[j].dev, d))
					return perr(c, ifs[i], "dev",
						    "interface listed more than once");
			fwd->ifs[fwd->n_ifs++].dev = np_steal(&d);
		}
		if (!(fwd->dev = strdup(fwd->ifs[0].dev)))
			return -ENOMEM;
	} else if (naddrs) {
		if (!(x->pci_addrs = calloc(naddrs, sizeof(*x->pci_addrs))))
			return -ENOMEM;
		for (size_t i = 0; i < naddrs; i++) {
			_np_free_ char *type = np_xml_prop(addrs[i], "type");
			struct np_pci_addr *a = &x->pci_addrs[i];

			if (!type)
				return perr(c, addrs[i], NULL, "missing 'type' attribute");
			if (strcmp(type, "pci"))
				return perr(c, addrs[i], "type", "unsupported address type");
			if ((r = np_xml_parse_pci_addr(c, addrs[i], a)) < 0)
				return r;
			for (size_t j = 0; j < i; j++)
				if (!memcmp(a, &x->pci_addrs[j], sizeof(*a)))
					return perr(c, addrs[i], NULL,
						    "PCI device listed more than once");
			x->n_pci_addrs++;
		}
	} else if (npfs > 1) {
		return perr(c, n, NULL, "only one <pf> is allowed in <forward>");
	} else if (npfs == 1) {
		x->pf_dev = np_xml_prop(pfs[0], "dev");
		if (!x->pf_dev)
			return perr(c, pfs[0], NULL, "missing 'dev' attribute");
	}
	return 0;
}

/* virNetworkDefParseXML's checks that tie the forward mode to the rest. */
static int check_mode(struct np_xml_pctx *c, xmlNode *root, struct np_net *net)
{
	const char *mode = np_fwd_mode_names[net->forward.mode];
	xmlNode *fwd = np_xml_child(root, "forward");
	xmlNode *br = np_xml_child(root, "bridge");
	const struct np_bridge *b = &net->bridge;
	const struct np_xml_extra *x = net->extra;

	switch (net->forward.mode) {
	case NP_FWD_NONE:
		break;
	case NP_FWD_ROUTE:
	case NP_FWD_NAT:
	case NP_FWD_OPEN:
		if (!net->n_ips)
			return perr(c, fwd, "mode", "%s forwarding needs an <ip> address", mode);
		if (net->forward.n_ifs > 1)
			return perr(c, fwd, NULL, "only one forwarding interface is supported");
		/* libvirt test open-network-with-forward-dev */
		if (net->forward.mode == NP_FWD_OPEN && net->forward.n_ifs)
			return perr(c, fwd, "dev", "forward dev not allowed with mode 'open'");
		break;
	case NP_FWD_PRIVATE:
	case NP_FWD_VEPA:
	case NP_FWD_PASSTHROUGH:
	case NP_FWD_HOSTDEV:
		if (b->name)
			return perr(c, br, "name", "bridge name not allowed in %s mode", mode);
		if (b->zone)
			return perr(c, br, "zone", "bridge zone not allowed in %s mode", mode);
		if (b->mac_table_manager)
			return perr(c, br, "macTableManager", "not allowed in %s mode", mode);
		/* fall through */
	case NP_FWD_BRIDGE:
		if ((b->has_delay && b->delay) || b->stp != NP_TRI_ABSENT || b->zone)
			return perr(c, br, NULL,
				    "bridge delay/stp/zone only allowed in route, nat and isolated mode, not %s",
				    mode);
		if (b->name && (net->forward.n_ifs || x->pf_dev))
			return perr(c, br, "name",
				    "mode '%s' takes a bridge name or a forward dev, not both", mode);
		break;
	case NP_FWD__MAX:
		break;
	}
	if (net->has_mtu) {
		switch (net->forward.mode) {
		case NP_FWD_NONE:
		case NP_FWD_NAT:
		case NP_FWD_ROUTE:
		case NP_FWD_OPEN:
			break;
		case NP_FWD_BRIDGE:
		case NP_FWD_PRIVATE:
		case NP_FWD_VEPA:
		case NP_FWD_PASSTHROUGH:
		case NP_FWD_HOSTDEV:
		case NP_FWD__MAX:
			return perr(c, np_xml_child(root, "mtu"), "size",
				    "mtu only allowed in open, route, nat and isolated mode, not %s",
				    mode);
		}
	}
	return 0;
}

/* ---- <network> --------------------------------------------------------- */

static int parse_bridge(struct np_xml_pctx *c, xmlNode *n, struct np_bridge *b)
{
	_np_free_ char *stp = NULL, *delay = NULL;

	b->present = true;
	b->name = prop_nonempty(n, "name");
	b->zone = prop_nonempty(n, "zone");
	stp = prop_nonempty(n, "stp");
	/* libvirt: anything but "off" means on */
	if (stp)
		b->stp = !strcmp(stp, "off") ? NP_TRI_NO : NP_TRI_YES;
	delay = prop_nonempty(n, "delay");
	if (delay) {
		unsigned long long v;

		if (np_xml_parse_uint(delay, 10, ULONG_MAX, &v) < 0)
			return perr(c, n, "delay", "not a number");
		b->has_delay = true;
		b->delay = (unsigned long)v;
	}
	b->mac_table_manager = prop_nonempty(n, "macTableManager");
	if (b->mac_table_manager && strcmp(b->mac_table_manager, "kernel") &&
	    strcmp(b->mac_table_manager, "libvirt"))
		return perr(c, n, "macTableManager", "expected 'kernel' or 'libvirt'");
	return 0;
}

static int parse_dnsmasq_options(struct np_xml_pctx *c, xmlNode *root, struct np_net *net)
{
	size_t k = 0, i = 0;

	for (xmlNode *o = root->children; o; o = o->next) {
		if (o->type != XML_ELEMENT_NODE || !o->ns || !o->ns->href ||
		    strcmp((const char *)o->ns->href, DNSMASQ_NS) ||
		    strcmp((const char *)o->name, "options"))
			continue;
		for (xmlNode *e = o->children; e; e = e->next)
			if (e->type == XML_ELEMENT_NODE && e->ns == o->ns &&
			    !strcmp((const char *)e->name, "option"))
				k++;
	}
	if (!k)
		return 0;
	if (k > NP_MAX_DNSMASQ_OPTIONS)
		return perr(c, root, NULL, "more than %d dnsmasq options", NP_MAX_DNSMASQ_OPTIONS);
	if (!(net->dnsmasq_options = calloc(k, sizeof(*net->dnsmasq_options))))
		return -ENOMEM;
	for (xmlNode *o = root->children; o; o = o->next) {
		if (o->type != XML_ELEMENT_NODE || !o->ns || !o->ns->href ||
		    strcmp((const char *)o->ns->href, DNSMASQ_NS) ||
		    strcmp((const char *)o->name, "options"))
			continue;
		for (xmlNode *e = o->children; e; e = e->next) {
			if (e->type != XML_ELEMENT_NODE || e->ns != o->ns ||
			    strcmp((const char *)e->name, "option"))
				continue;
			net->dnsmasq_options[i].value = prop_nonempty(e, "value");
			if (!net->dnsmasq_options[i].value)
				return perr(c, e, NULL, "missing 'value' attribute");
			net->n_dnsmasq_options = ++i;
		}
	}
	return 0;
}

static int gen_uuid(uint8_t u[16])
{
	if (getrandom(u, 16, 0) != 16)
		return -EIO;
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	return 0;
}

static int parse_network(struct np_xml_pctx *c, xmlNode *root, struct np_net *net)
{
	_np_free_ xmlNode **ip_nodes = NULL, **route_nodes = NULL, **pg_nodes = NULL;
	_np_free_ char *uuid = NULL, *ipv6 = NULL;
	struct np_xml_extra *x = net->extra;
	size_t nips, nroutes, npgs;
	xmlNode *n;
	int r;

	n = np_xml_child(root, "name");
	net->name = content_nonempty(n);
	if (!net->name)
		return perr(c, n ? n : root, NULL, "missing network <name>");
	if (strchr(net->name, '/'))
		return perr(c, n, "#text", "network name contains '/'");

	n = np_xml_child(root, "uuid");
	uuid = content_nonempty(n);
	if (uuid) {
		if (np_uuid_parse(uuid, net->uuid) < 0)
			return perr(c, n, "#text", "malformed uuid");
	} else {
		if ((r = gen_uuid(net->uuid)) < 0)
			return np_err_set(c->err, r, "%s: cannot generate a uuid", c->file);
		net->uuid_generated = true;
	}
	net->has_uuid = true;

	n = np_xml_child(root, "title");
	net->title = content_nonempty(n);
	if (net->title && strchr(net->title, '\n'))
		return perr(c, n, NULL, "network title can't contain newlines");
	net->description = content_nonempty(np_xml_child(root, "description"));

	ipv6 = prop_nonempty(root, "ipv6");
	if (ipv6) {
		if (!strcmp(ipv6, "yes"))
			net->ipv6 = NP_TRI_YES;
		else if (!strcmp(ipv6, "no"))
			net->ipv6 = NP_TRI_NO;
		else
			return perr(c, root, "ipv6", "expected 'yes' or 'no'");
	}
	if ((r = prop_yesno(c, root, "trustGuestRxFilters", &net->trust_guest_rx_filters)) < 0)
		return r;

	if ((n = np_xml_child(root, "domain"))) {
		net->domain.name = np_xml_prop(n, "name");
		if ((r = prop_yesno(c, n, "localOnly", &net->domain.local_only)) < 0 ||
		    (r = prop_yesno(c, n, "register", &net->domain.reg)) < 0)
			return r;
	}
	if ((n = np_xml_child(root, "bandwidth")) &&
	    (r = np_xml_parse_bandwidth(c, n, &x->bandwidth)) < 0)
		return r;
	if ((n = np_xml_child(root, "vlan")) && (r = np_xml_parse_vlan(c, n, &x->vlan)) < 0)
		return r;
	if ((r = prop_yesno(c, np_xml_child(root, "port"), "isolated", &net->isolated_port)) < 0)
		return r;

	if ((n = np_xml_child(root, "bridge")) && (r = parse_bridge(c, n, &net->bridge)) < 0)
		return r;

	if ((n = np_xml_child(root, "mac"))) {
		_np_free_ char *mac = prop_nonempty(n, "address");

		if (mac) {
			if (np_mac_parse(mac, net->mac) < 0)
				return perr(c, n, "address", "not a MAC address");
			if (np_mac_is_multicast(net->mac))
				return perr(c, n, "address",
					    "expected a unicast MAC address, not multicast");
			net->has_mac = true;
		}
	}
	if ((n = np_xml_child(root, "mtu"))) {
		_np_free_ char *mtu = prop_nonempty(n, "size");
		unsigned long long v;

		if (mtu) {
			if (np_xml_parse_uint(mtu, 10, UINT_MAX, &v) < 0)
				return perr(c, n, "size", "not a number");
			/* libvirt treats mtu size 0 as unset */
			net->has_mtu = v > 0;
			net->mtu = (unsigned)v;
		}
	}

	if ((n = np_xml_child(root, "dns")) && (r = parse_dns(c, n, &net->dns)) < 0)
		return r;

	if ((n = np_xml_child(root, "virtualport")) &&
	    (r = np_xml_parse_vport(c, n, true, &x->vport)) < 0)
		return r;

	if ((r = children(c, root, "portgroup", NP_MAX_PORTGROUPS, &pg_nodes, &npgs)) < 0)
		return r;
	if (npgs && !(x->portgroups = calloc(npgs, sizeof(*x->portgroups))))
		return -ENOMEM;
	for (size_t i = 0; i < npgs; i++) {
		x->n_portgroups++;
		if ((r = np_xml_parse_portgroup(c, pg_nodes[i], &x->portgroups[i])) < 0)
			return r;
	}

	if ((r = children(c, root, "ip", NP_MAX_IPS, &ip_nodes, &nips)) < 0)
		return r;
	if (nips && !(net->ips = calloc(nips, sizeof(*net->ips))))
		return -ENOMEM;
	for (size_t i = 0; i < nips; i++) {
		net->n_ips++;
		if ((r = parse_ip(c, ip_nodes[i], &net->ips[i])) < 0)
			return r;
	}

	if ((r = children(c, root, "route", NP_MAX_ROUTES, &route_nodes, &nroutes)) < 0)
		return r;
	if (nroutes && !(net->routes = calloc(nroutes, sizeof(*net->routes))))
		return -ENOMEM;
	for (size_t i = 0; i < nroutes; i++) {
		net->n_routes++;
		if ((r = parse_route(c, route_nodes[i], &net->routes[i])) < 0)
			return r;
	}
	if ((r = check_route_gateways(c, route_nodes, net)) < 0)
		return r;

	if ((n = np_xml_child(root, "forward")) && (r = parse_forward(c, n, net)) < 0)
		return r;
	if ((r = check_mode(c, root, net)) < 0)
		return r;

	if ((n = np_xml_child(root, "metadata")) &&
	    (r = np_xml_parse_metadata(c, n, &x->metadata)) < 0)
		return r;
	return parse_dnsmasq_options(c, root, net);
}

/* ---- document level ---------------------------------------------------- */

struct guard {
	bool dtd;
	int line;       /* of the first error libxml2 reported, 0 when none */
	char msg[256];
};

/* The first error is the one worth showing; libxml2's "last error" is often
 * a consequence ("Premature end of data") of an earlier one. */
static void on_error(void *ctx, const xmlError *e)
{
	struct guard *g = ctx;

	if (g->msg[0] || !e || !e->message)
		return;
	snprintf(g->msg, sizeof(g->msg), "%s", e->message);
	g->msg[strcspn(g->msg, "\n")] = '\0';
	g->line = e->line;
}

static void on_error_sax(void *user, xmlError *e)
{
	xmlParserCtxt *p = user;

	on_error(p->_private, e);
}

/* A DTD is where entities (billion laughs, external files) come from; a
 * network definition never needs one, so its mere presence ends the parse. */
static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *eid,
			       const xmlChar *sid)
{
	xmlParserCtxt *p = ctx;
	struct guard *g = p->_private;

	g->dtd = true;
	xmlStopParser(p);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pid,
			   const xmlChar *sid, xmlChar *content)
{
	on_internal_subset(ctx, NULL, NULL, NULL);
}

static int check_tree(struct np_xml_pctx *c, xmlNode *n, int depth, size_t *count)
{
	for (; n; n = n->next) {
		(*count)++;
		for (xmlAttr *a = n->type == XML_ELEMENT_NODE ? n->properties : NULL; a;
		     a = a->next)
			(*count)++;
		if (*count > NP_MAX_XML_NODES)
			return perr(c, n, NULL, "document has more than %d nodes",
				    NP_MAX_XML_NODES);
		if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_NODE ||
		    n->type == XML_DTD_NODE || n->type == XML_ENTITY_DECL)
			return perr(c, n->parent, NULL, "entities are not allowed");
		if (n->type == XML_ELEMENT_NODE) {
			int r;

			if (depth >= NP_MAX_XML_DEPTH)
				return perr(c, n, NULL, "elements nested deeper than %d",
					    NP_MAX_XML_DEPTH);
			if ((r = check_tree(c, n->children, depth + 1, count)) < 0)
				return r;
		}
	}
	return 0;
}

static void freedoc(xmlDoc **d)
{
	if (*d)
		xmlFreeDoc(*d);
}

static void freectxt(xmlParserCtxt **p)
{
	if (*p)
		xmlFreeParserCtxt(*p);
}

int np_xml_net_parse(const char *data, size_t len, const char *filename, struct np_net **ret,
		     struct np_err *err)
{
	np_cleanup(freectxt) xmlParserCtxt *p = NULL;
	np_cleanup(freedoc) xmlDoc *doc = NULL;
	_np_net_free_ struct np_net *net = NULL;
	struct np_xml_pctx c = { .file = filename ? filename : "(network)", .err = err };
	struct guard g = { 0 };
	size_t count = 0;
	xmlNode *root;
	int r;

	if (len > NP_MAX_XML_SIZE)
		return np_err_set(err, -EFBIG, "%s: larger than %d bytes", c.file, NP_MAX_XML_SIZE);
	if (len > INT_MAX)
		return -EFBIG;
	p = xmlNewParserCtxt();
	if (!p || !p->sax)
		return -ENOMEM;
	p->_private = &g;
	p->sax->internalSubset = on_internal_subset;
	p->sax->externalSubset = on_internal_subset;
	p->sax->entityDecl = on_entity_decl;
	p->sax->serror = on_error_sax;
	/* No XML_PARSE_NOENT (no entity substitution), no DTD loading; NOBLANKS
	 * as libvirt's xmlKeepBlanksDefault(0), which <metadata> output needs. */
	doc = xmlCtxtReadMemory(p, data, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
					XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES |
					XML_PARSE_NOCDATA);
	if (g.dtd || (doc && (doc->intSubset || doc->extSubset)))
		return np_err_set(err, -EINVAL, "%s: DTDs and entity declarations are not allowed",
				  c.file);
	if (!doc || !p->wellFormed) {
		if (!g.msg[0])
			on_error(&g, xmlCtxtGetLastError(p));
		if (!g.msg[0])
			snprintf(g.msg, sizeof(g.msg), "not well-formed XML");
		if (g.line > 0)
			return np_err_set(err, -EINVAL, "%s:%d: %s", c.file, g.line, g.msg);
		return np_err_set(err, -EINVAL, "%s: %s", c.file, g.msg);
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !is_elem(root, "network"))
		return perr(&c, root, NULL, "expected a <network> root element");
	if ((r = check_tree(&c, root, 0, &count)) < 0)
		return r;

	net = calloc(1, sizeof(*net));
	if (!net || !(net->extra = calloc(1, sizeof(*net->extra))))
		return -ENOMEM;
	r = parse_network(&c, root, net);
	if (r == -ENOMEM)
		return np_err_set(err, r, "%s: out of memory", c.file);
	if (r < 0)
		return r;
	*ret = np_steal(&net);
	return 0;
}

int np_xml_net_parse_file(const char *path, struct np_net **ret, struct np_err *err)
{
	_np_free_ char *data = NULL;
	const char *label = path; /* as the user named it, like a compiler does */
	size_t len;
	int r;

	r = np_file_read(path, NP_MAX_XML_SIZE, &data, &len);
	if (r == -EFBIG)
		return np_err_set(err, r, "%s: larger than %d bytes", label, NP_MAX_XML_SIZE);
	if (r < 0)
		return np_err_set(err, r, "%s: %s", path, strerror(-r));
	return np_xml_net_parse(data, len, label, ret, err);
}
