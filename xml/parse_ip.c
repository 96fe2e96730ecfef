/* <ip> (with <dhcp>) and <route>, as virNetworkIPDefParseXML and
 * virNetDevIPRouteParseXML check them. */
#include "xml/net.h"
#include "xml/xml_priv.h"

#include "common/addr.h"
#include "common/util.h"

#include <errno.h>
#include <libxml/tree.h>
#include <string.h>

#define perr np_xml_err_node

static int parse_lease(struct np_xml_pctx *c, xmlNode *parent, struct np_lease *ret)
{
	xmlNode *n = np_xml_child(parent, "lease");
	unsigned long long expiry;
	_np_free_ char *unit = NULL;
	int r;

	if (!n)
		return 0;
	r = np_xml_prop_uint(c, n, "expiry", 10, ULLONG_MAX, &expiry);
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
 * the IPv4 network/broadcast address, start <= end, all but the last 16
 * bits equal. */
int np_xml_check_range(struct np_xml_pctx *c, xmlNode *n, const struct np_addr *start,
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
	/* libvirt's legacy size check: all but the last two bytes equal, so
	 * no range holds more than 65536 addresses */
	if (memcmp(start->bytes, end->bytes, start->family == AF_INET ? 2 : 14)) {
		char a[NP_ADDR_STRLEN], b[NP_ADDR_STRLEN];

		return perr(c, n, "end", "range %s - %s is too large (> 65535)",
			    np_addr_str(start, a), np_addr_str(end, b));
	}
	if (np_addr_cmp(start, end) > 0)
		return perr(c, n, "end", "range end is before its start");
	return 0;
}

static int parse_dhcp_range(struct np_xml_pctx *c, xmlNode *n, const struct np_ip *ip,
			    struct np_dhcp_range *r)
{
	int k;

	if ((k = np_xml_prop_addr(c, n, "start", 0, &r->start)) < 0)
		return k;
	if (!k)
		return perr(c, n, NULL, "missing 'start' attribute");
	if ((k = np_xml_prop_addr(c, n, "end", 0, &r->end)) < 0)
		return k;
	if (!k)
		return perr(c, n, NULL, "missing 'end' attribute");
	if ((k = np_xml_check_range(c, n, &r->start, &r->end, ip)) < 0)
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
	if ((k = np_xml_prop_addr(c, n, "ip", 0, &h->ip)) < 0)
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
	if ((r = np_xml_children_get(c, dhcp, "range", NP_MAX_RANGES, &ranges, &nr)) < 0)
		return r;
	if ((r = np_xml_children_get(c, dhcp, "host", NP_MAX_HOSTS, &hosts, &nh)) < 0)
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
		if ((r = np_xml_prop_addr(c, bootp, "server", 0, &server)) < 0)
			return r;
		if (r && !(ip->bootp_server = strdup(np_addr_str(&server, buf))))
			return -ENOMEM;
	}
	return 0;
}

int np_xml_parse_ip(struct np_xml_pctx *c, xmlNode *n, struct np_ip *ip)
{
	_np_free_ char *address = NULL, *netmask = NULL;
	unsigned long long prefix = 0;
	xmlNode *ch;
	int r;

	ip->family_attr = np_xml_prop_nonempty(n, "family");
	address = np_xml_prop_nonempty(n, "address");
	if (!address)
		return perr(c, n, NULL, "missing 'address' attribute");
	if (np_xml_addr_parse(address, 0, &ip->address) < 0)
		return perr(c, n, "address", "not an %s address",
			    ip->family_attr && !strcmp(ip->family_attr, "ipv6") ? "IPv6" : "IPv4");
	netmask = np_xml_prop_nonempty(n, "netmask");
	if (netmask && np_xml_addr_parse(netmask, 0, &ip->netmask) < 0)
		return perr(c, n, "netmask", "not a netmask");
	if ((r = np_xml_prop_uint(c, n, "prefix", 10, UINT_MAX, &prefix)) < 0)
		return r;
	if ((r = np_xml_prop_yesno(c, n, "localPtr", &ip->local_ptr)) < 0)
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
		ip->tftp_root = np_xml_prop_nonempty(ch, "root");
	}
	return 0;
}

/* ---- <route> ----------------------------------------------------------- */

int np_xml_parse_route(struct np_xml_pctx *c, xmlNode *n, struct np_route *rt)
{
	_np_free_ char *netmask = NULL;
	unsigned long long prefix = 0, metric = 0;
	struct np_addr test;
	bool v6;
	int r;

	rt->family_attr = np_xml_prop(n, "family");
	if ((r = np_xml_prop_uint(c, n, "prefix", 10, UINT_MAX, &prefix)) < 0)
		return r;
	rt->has_prefix = r == 1;
	if ((r = np_xml_prop_uint(c, n, "metric", 10, UINT_MAX, &metric)) < 0)
		return r;
	if (r == 1 && metric == 0)
		return perr(c, n, "metric", "metric must be greater than 0");
	rt->has_metric = r == 1;
	rt->metric = (unsigned)metric;

	if ((r = np_xml_prop_addr(c, n, "address", 0, &rt->address)) < 0)
		return r;
	if (!r)
		return perr(c, n, NULL, "missing 'address' attribute");
	if ((r = np_xml_prop_addr(c, n, "gateway", 0, &rt->gateway)) < 0)
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
			if (np_xml_addr_parse(netmask, AF_INET, &rt->netmask) < 0)
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
int np_xml_check_route_gateways(struct np_xml_pctx *c, xmlNode **nodes, struct np_net *net)
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
