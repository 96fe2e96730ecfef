/* net-update of the DHCP sections (ip-dhcp-host, ip-dhcp-range), of
 * forward-interface and of portgroup: libvirt's
 * virNetworkDefUpdateIPDHCPHost/IPDHCPRange/ForwardInterface/PortGroup. */
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

/* virNetworkIPDefByIndex */
static struct np_ip *ip_by_index(const struct upd *u)
{
	struct np_net *net = u->net;

	if (u->parent_index >= 0) {
		if ((size_t)u->parent_index < net->n_ips)
			return &net->ips[u->parent_index];
		np_upd_err(u, -EINVAL, "no <ip> element found at index %d in network '%s'",
			   u->parent_index, net->name);
		return NULL;
	}
	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].n_ranges || net->ips[i].n_hosts)
			return &net->ips[i];
	for (int fam = AF_INET;; fam = AF_INET6) {
		for (size_t i = 0; i < net->n_ips; i++)
			if (net->ips[i].address.family == fam)
				return &net->ips[i];
		if (fam == AF_INET6)
			break;
	}
	np_upd_err(u, -EINVAL, "no <ip> element found in network '%s'", net->name);
	return NULL;
}

/* virNetworkDefUpdateCheckMultiDHCP: adding to one <ip> must not make it a
 * second DHCP <ip> of its family. */
static int check_multi_dhcp(const struct upd *u, const struct np_ip *ipdef)
{
	int fam = ipdef->address.family;

	for (size_t i = 0; i < u->net->n_ips; i++) {
		const struct np_ip *ip = &u->net->ips[i];

		if (ip != ipdef && ip->address.family == fam && (ip->n_ranges || ip->n_hosts))
			return np_upd_err(
				u, -EINVAL,
				"dhcp is supported only for a single %s address on each network",
				fam == AF_INET ? "IPv4" : "IPv6");
	}
	return 0;
}

/* A <lease> child as the network parser reads it (virNetworkDHCPLeaseTimeDefParseXML). */
static int parse_lease(struct np_xml_pctx *c, xmlNode *parent, struct np_lease *ret)
{
	_np_free_ char *unit = NULL;
	unsigned long long expiry;
	xmlNode *n = np_xml_child(parent, "lease");
	int r;

	if (!n)
		return 0;
	r = np_xml_prop_uint(c, n, "expiry", 10, ULONG_MAX, &expiry);
	if (r <= 0)
		return r;
	ret->unit = NP_LEASE_MINUTES;
	unit = np_xml_prop(n, "unit");
	if (unit && !strcmp(unit, "seconds"))
		ret->unit = NP_LEASE_SECONDS;
	else if (unit && !strcmp(unit, "hours"))
		ret->unit = NP_LEASE_HOURS;
	else if (unit && strcmp(unit, "minutes"))
		return perr(c, n, "unit", "expected 'seconds', 'minutes' or 'hours'");
	if (expiry > 0 && ((ret->unit == NP_LEASE_SECONDS && expiry < 120) ||
			   (ret->unit == NP_LEASE_MINUTES && expiry < 2)))
		return perr(c, n, "expiry", "the minimum lease time is 2 minutes");
	ret->set = true;
	ret->expiry = (unsigned long)expiry;
	return 0;
}

static void host_clear(struct np_dhcp_host *h)
{
	free(h->mac_str);
	free(h->id);
	free(h->name);
	memset(h, 0, sizeof(*h));
}

/* virNetworkDHCPHostDefParseXML; partial (delete) needs only one of mac,
 * name and ip, as a search key. */
static int parse_dhcp_host(struct upd *u, const struct np_ip *ip, bool partial,
			   struct np_dhcp_host *h)
{
	struct np_xml_pctx *c = &u->c;
	xmlNode *n = u->node;
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
	if (h->name &&
	    !((h->name[0] >= 'a' && h->name[0] <= 'z') ||
	      (h->name[0] >= 'A' && h->name[0] <= 'Z') || (h->name[0] >= '0' && h->name[0] <= '9')))
		return perr(c, n, "name", "host name must start with a letter or digit");
	if ((k = np_xml_prop_addr(c, n, "ip", 0, &h->ip)) < 0)
		return k;
	if (partial) {
		if (!h->mac_str && !h->name && !k)
			return perr(c, n, NULL, "at least one of name, mac or ip is needed");
	} else {
		if (v6 && !h->id && !h->name)
			return perr(c, n, NULL,
				    "a static host in an IPv6 network needs id or name");
		if (!v6 && !h->mac_str && !h->name)
			return perr(c, n, NULL,
				    "a static host in an IPv4 network needs mac or name");
		if (!k)
			return perr(c, n, NULL, "missing 'ip' attribute");
	}
	return parse_lease(c, n, &h->lease);
}

static bool mac_eq(const struct np_dhcp_host *a, const struct np_dhcp_host *b)
{
	return a->has_mac && b->has_mac && !memcmp(a->mac, b->mac, NP_MAC_LEN);
}

static bool name_eq(const char *key, const char *have)
{
	return key && have && !strcmp(key, have);
}

/* The element as the user gave it, for messages: only its attributes. */
static const char *host_str(const struct np_dhcp_host *h, char *buf, size_t len)
{
	char a[NP_ADDR_STRLEN];

	snprintf(buf, len, "<host");
	np_upd_attr(buf, len, "mac", h->mac_str);
	np_upd_attr(buf, len, "id", h->id);
	np_upd_attr(buf, len, "name", h->name);
	np_upd_attr(buf, len, "ip", np_addr_is_set(&h->ip) ? np_addr_str(&h->ip, a) : NULL);
	if (strlen(buf) + 3 <= len)
		strcat(buf, "/>");
	return buf;
}

int np_upd_dhcp_host(struct upd *u)
{
	struct np_dhcp_host host = { 0 };
	bool partial = u->cmd == NP_UPDATE_DELETE;
	struct np_ip *ip;
	char s[512];
	size_t i;
	int r;

	if ((r = np_upd_check_element(u, "host")) < 0)
		return r;
	if (!(ip = ip_by_index(u)))
		return -EINVAL;
	if ((r = parse_dhcp_host(u, ip, partial, &host)) < 0)
		goto out;
	if (!partial && ip->address.family != host.ip.family) {
		r = np_upd_err(
			u, -EINVAL,
			"%s: the address family of a host entry IP must match the address family "
			"of the dhcp element's parent",
			host_str(&host, s, sizeof(s)));
		goto out;
	}

	switch (u->cmd) {
	case NP_UPDATE_MODIFY:
		/* the first entry with this mac, ip or name gets replaced */
		for (i = 0; i < ip->n_hosts; i++)
			if (mac_eq(&host, &ip->hosts[i]) ||
			    np_upd_ip_eq(&host.ip, &ip->hosts[i].ip) ||
			    name_eq(host.name, ip->hosts[i].name))
				break;
		if (i == ip->n_hosts) {
			r = np_upd_err(u, -EINVAL,
				       "couldn't locate an existing dhcp host entry matching %s "
				       "in network '%s'",
				       host_str(&host, s, sizeof(s)), u->net->name);
			goto out;
		}
		host_clear(&ip->hosts[i]);
		ip->hosts[i] = host;
		memset(&host, 0, sizeof(host));
		r = 0;
		break;
	case NP_UPDATE_ADD_FIRST:
	case NP_UPDATE_ADD_LAST:
		if ((r = check_multi_dhcp(u, ip)) < 0)
			goto out;
		for (i = 0; i < ip->n_hosts; i++)
			if (mac_eq(&host, &ip->hosts[i]) || name_eq(host.name, ip->hosts[i].name) ||
			    np_upd_ip_eq(&host.ip, &ip->hosts[i].ip)) {
				r = np_upd_err(u, -EINVAL,
					       "there is an existing dhcp host entry in network "
					       "'%s' that matches %s",
					       u->net->name, host_str(&host, s, sizeof(s)));
				goto out;
			}
		if (ip->n_hosts >= NP_MAX_HOSTS) {
			r = np_upd_err(u, -E2BIG, "network '%s' already has %d dhcp hosts",
				       u->net->name, NP_MAX_HOSTS);
			goto out;
		}
		r = np_upd_insert(&ip->hosts, &ip->n_hosts, sizeof(host),
				  np_upd_add_pos(u, ip->n_hosts), &host);
		if (r < 0)
			goto out;
		memset(&host, 0, sizeof(host));
		ip->has_dhcp = true;
		break;
	case NP_UPDATE_DELETE:
		/* every attribute given must match; a stored host without a mac
		 * matches any mac, as in libvirt */
		for (i = 0; i < ip->n_hosts; i++) {
			const struct np_dhcp_host *h = &ip->hosts[i];

			if ((!host.has_mac || !h->has_mac || mac_eq(&host, h)) &&
			    (!host.name || name_eq(host.name, h->name)) &&
			    (!np_addr_is_set(&host.ip) || np_upd_ip_eq(&host.ip, &h->ip)))
				break;
		}
		if (i == ip->n_hosts) {
			r = np_upd_err(u, -EINVAL,
				       "couldn't locate a dhcp host entry matching %s in network "
				       "'%s'",
				       host_str(&host, s, sizeof(s)), u->net->name);
			goto out;
		}
		host_clear(&ip->hosts[i]);
		np_upd_remove(ip->hosts, &ip->n_hosts, sizeof(*ip->hosts), i);
		r = 0;
		break;
	case NP_UPDATE_NONE:
	case NP_UPDATE__MAX:
		r = np_upd_err(u, -EINVAL, "unrecognized network update command code %d",
			       (int)u->cmd);
		break;
	}
out:
	host_clear(&host);
	return r;
}

int np_upd_dhcp_range(struct upd *u)
{
	struct np_dhcp_range range = { 0 };
	char a[NP_ADDR_STRLEN], b[NP_ADDR_STRLEN];
	struct np_ip *ip;
	size_t i;
	int r;

	if ((r = np_upd_check_element(u, "range")) < 0)
		return r;
	if (!(ip = ip_by_index(u)))
		return -EINVAL;
	if (u->cmd == NP_UPDATE_MODIFY)
		return np_upd_err(u, -EOPNOTSUPP,
				  "dhcp ranges cannot be modified, only added or deleted");

	if ((r = np_xml_prop_addr(&u->c, u->node, "start", 0, &range.start)) <= 0)
		return r < 0 ? r : perr(&u->c, u->node, NULL, "missing 'start' attribute");
	if ((r = np_xml_prop_addr(&u->c, u->node, "end", 0, &range.end)) <= 0)
		return r < 0 ? r : perr(&u->c, u->node, NULL, "missing 'end' attribute");
	if ((r = np_xml_check_range(&u->c, u->node, &range.start, &range.end, ip)) < 0)
		return r;
	if ((r = parse_lease(&u->c, u->node, &range.lease)) < 0)
		return r;

	for (i = 0; i < ip->n_ranges; i++)
		if (np_addr_equal(&range.start, &ip->ranges[i].start) &&
		    np_addr_equal(&range.end, &ip->ranges[i].end))
			break;
	np_addr_str(&range.start, a);
	np_addr_str(&range.end, b);
	switch (u->cmd) {
	case NP_UPDATE_ADD_FIRST:
	case NP_UPDATE_ADD_LAST:
		if ((r = check_multi_dhcp(u, ip)) < 0)
			return r;
		if (i < ip->n_ranges)
			return np_upd_err(u, -EINVAL,
					  "there is an existing dhcp range entry in network "
					  "'%s' that matches <range start='%s' end='%s'/>",
					  u->net->name, a, b);
		if (ip->n_ranges >= NP_MAX_RANGES)
			return np_upd_err(u, -E2BIG, "network '%s' already has %d dhcp ranges",
					  u->net->name, NP_MAX_RANGES);
		r = np_upd_insert(&ip->ranges, &ip->n_ranges, sizeof(range),
				  np_upd_add_pos(u, ip->n_ranges), &range);
		if (r == 0)
			ip->has_dhcp = true;
		return r;
	case NP_UPDATE_DELETE:
		if (i == ip->n_ranges)
			return np_upd_err(u, -EINVAL,
					  "couldn't locate a dhcp range entry matching "
					  "<range start='%s' end='%s'/> in network '%s'",
					  a, b, u->net->name);
		np_upd_remove(ip->ranges, &ip->n_ranges, sizeof(*ip->ranges), i);
		return 0;
	case NP_UPDATE_MODIFY:
	case NP_UPDATE_NONE:
	case NP_UPDATE__MAX:
		break;
	}
	return np_upd_err(u, -EINVAL, "unrecognized network update command code %d", (int)u->cmd);
}

/* ---- <forward><interface> ------------------------------------------------- */

int np_upd_forward_if(struct upd *u)
{
	struct np_forward *fwd = &u->net->forward;
	_np_free_ char *dev = NULL, *first = NULL;
	size_t i;
	int r;

	if ((r = np_upd_check_element(u, "interface")) < 0)
		return r;
	if (u->cmd == NP_UPDATE_MODIFY)
		return np_upd_err(
			u, -EOPNOTSUPP,
			"forward interface entries cannot be modified, only added or deleted");
	dev = np_xml_prop_nonempty(u->node, "dev");
	if (!dev)
		return perr(&u->c, u->node, NULL, "missing 'dev' attribute");
	for (i = 0; i < fwd->n_ifs; i++)
		if (!strcmp(dev, fwd->ifs[i].dev))
			break;

	switch (u->cmd) {
	case NP_UPDATE_ADD_FIRST:
	case NP_UPDATE_ADD_LAST: {
		struct np_forward_if nif = { .dev = dev };

		if (i < fwd->n_ifs)
			return np_upd_err(u, -EINVAL,
					  "there is an existing interface entry in network "
					  "'%s' that matches <interface dev='%s'>",
					  u->net->name, dev);
		if (fwd->n_ifs >= NP_MAX_FORWARD_IFS)
			return np_upd_err(u, -E2BIG,
					  "network '%s' already has %d forward interfaces",
					  u->net->name, NP_MAX_FORWARD_IFS);
		/* the effective forward device may change below: copy it first */
		if (!(first = strdup(u->cmd == NP_UPDATE_ADD_FIRST || !fwd->n_ifs
					     ? dev
					     : fwd->ifs[0].dev)))
			return -ENOMEM;
		r = np_upd_insert(&fwd->ifs, &fwd->n_ifs, sizeof(nif),
				  np_upd_add_pos(u, fwd->n_ifs), &nif);
		if (r < 0)
			return r;
		dev = NULL; /* owned by fwd->ifs now */
		break;
	}
	case NP_UPDATE_DELETE:
		if (i == fwd->n_ifs)
			return np_upd_err(u, -EINVAL,
					  "couldn't find an interface entry in network '%s' "
					  "matching <interface dev='%s'>",
					  u->net->name, dev);
		if (fwd->ifs[i].connections > 0)
			return np_upd_err(u, -EBUSY,
					  "unable to delete interface '%s' in network '%s': it "
					  "is currently being used by %u domains",
					  dev, u->net->name, fwd->ifs[i].connections);
		if (fwd->n_ifs > 1 && !(first = strdup(fwd->ifs[i == 0 ? 1 : 0].dev)))
			return -ENOMEM;
		free(fwd->ifs[i].dev);
		np_upd_remove(fwd->ifs, &fwd->n_ifs, sizeof(*fwd->ifs), i);
		break;
	case NP_UPDATE_MODIFY:
	case NP_UPDATE_NONE:
	case NP_UPDATE__MAX:
		return np_upd_err(u, -EINVAL, "unrecognized network update command code %d",
				  (int)u->cmd);
	}
	/* libvirt's forward dev is always the first <interface> */
	free(fwd->dev);
	fwd->dev = np_steal(&first);
	return 0;
}

/* ---- <portgroup> ------------------------------------------------------------ */

static void portgroup_clear(struct np_portgroup *pg)
{
	free(pg->name);
	free(pg->vport.profileid);
	free(pg->vlan.tags);
	memset(pg, 0, sizeof(*pg));
}

int np_upd_portgroup(struct upd *u)
{
	struct np_xml_extra *x = u->net->extra;
	struct np_portgroup pg = { 0 };
	long found = -1, found_default = -1;
	int r;

	if ((r = np_upd_check_element(u, "portgroup")) < 0)
		return r;
	if ((r = np_xml_parse_portgroup(&u->c, u->node, &pg)) < 0)
		goto out;
	if (!x && !(x = u->net->extra = calloc(1, sizeof(*x)))) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < x->n_portgroups; i++) {
		if (!strcmp(pg.name, x->portgroups[i].name))
			found = (long)i;
		if (x->portgroups[i].is_default)
			found_default = (long)i;
	}
	if (found < 0 && (u->cmd == NP_UPDATE_MODIFY || u->cmd == NP_UPDATE_DELETE)) {
		r = np_upd_err(u, -EINVAL,
			       "couldn't find a portgroup entry in network '%s' matching "
			       "<portgroup name='%s'>",
			       u->net->name, pg.name);
		goto out;
	}
	if (found >= 0 && np_upd_is_add(u)) {
		r = np_upd_err(u, -EINVAL,
			       "there is an existing portgroup entry in network '%s' that "
			       "matches <portgroup name='%s'>",
			       u->net->name, pg.name);
		goto out;
	}
	if (u->cmd != NP_UPDATE_DELETE && pg.is_default && found_default >= 0 &&
	    found_default != found) {
		r = np_upd_err(u, -EINVAL,
			       "<portgroup name='%s' default='yes'>: a different portgroup "
			       "entry in network '%s' is already the default",
			       pg.name, u->net->name);
		goto out;
	}
	switch (u->cmd) {
	case NP_UPDATE_MODIFY:
		portgroup_clear(&x->portgroups[found]);
		x->portgroups[found] = pg;
		memset(&pg, 0, sizeof(pg));
		r = 0;
		break;
	case NP_UPDATE_ADD_FIRST:
	case NP_UPDATE_ADD_LAST:
		if (x->n_portgroups >= NP_MAX_PORTGROUPS) {
			r = np_upd_err(u, -E2BIG, "network '%s' already has %d portgroups",
				       u->net->name, NP_MAX_PORTGROUPS);
			goto out;
		}
		r = np_upd_insert(&x->portgroups, &x->n_portgroups, sizeof(pg),
				  np_upd_add_pos(u, x->n_portgroups), &pg);
		if (r == 0)
			memset(&pg, 0, sizeof(pg));
		break;
	case NP_UPDATE_DELETE:
		portgroup_clear(&x->portgroups[found]);
		np_upd_remove(x->portgroups, &x->n_portgroups, sizeof(*x->portgroups),
			      (size_t)found);
		r = 0;
		break;
	case NP_UPDATE_NONE:
	case NP_UPDATE__MAX:
		r = np_upd_err(u, -EINVAL, "unrecognized network update command code %d",
			       (int)u->cmd);
		break;
	}
out:
	portgroup_clear(&pg);
	return r;
}
