/* The two files dnsmasq rereads on SIGHUP: dhcp-hostsfile (static DHCP
 * hosts) and addn-hosts (<dns><host>), in libvirt's format
 * (virdnsmasq.c hostsfileAdd / addnhostsWrite). */
#include "dhcp/dhcp.h"
#include "dhcp/dhcp_priv.h"

#include "common/addr.h"
#include "common/buf.h"
#include "common/err.h"
#include "xml/net.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

/* dnsmasq reads each comma field of a dhcp-host line by its shape: "id:",
 * "set:"/"tag:", a MAC, an IPv4 address, "[v6]", a lease time ("45m",
 * "infinite"), "ignore"; only what is none of these is a hostname. A name of
 * one of those shapes would silently change the entry, so it is refused. */
static bool looks_like_field(const char *name)
{
	struct in_addr a;
	const char *p = name;

	if (!strcasecmp(name, "ignore") || !strcasecmp(name, "infinite"))
		return true;
	if (inet_pton(AF_INET, name, &a) == 1)
		return true;
	while (isdigit((unsigned char)*p))
		p++;
	return p != name && (!*p || (strchr("smhdwSMHDW", *p) && !p[1]));
}

static int check_host_name(const char *name, struct np_err *err)
{
	int r = np_dhcp_check("<dhcp><host name>", name, NP_DHCP_FORBID_NAME ":", err);

	if (r < 0)
		return r;
	if (looks_like_field(name))
		return np_err_set(err, -EINVAL,
				  "<dhcp><host name='%s'>: dnsmasq would not read this as a host "
				  "name",
				  name);
	return 0;
}

static int host_line(struct np_buf *b, const struct np_dhcp_host *h, bool v6, struct np_err *err)
{
	char ip[NP_ADDR_STRLEN], mac[NP_MAC_STRLEN], lease[32];
	const char *macs = NULL;
	uint8_t tmp[NP_MAC_LEN];
	int r = 0;

	np_addr_str(&h->ip, ip);
	if (h->name)
		r = check_host_name(h->name, err);
	if (r >= 0 && h->id)
		r = np_dhcp_check("<dhcp><host id>", h->id, NP_DHCP_FORBID_NAME, err);
	if (r < 0)
		return r;
	/* libvirt writes the mac attribute as the user wrote it */
	if (h->mac_str) {
		if (np_mac_parse(h->mac_str, tmp) < 0)
			return np_err_set(err, -EINVAL, "<dhcp><host mac='%s'>: not a MAC address",
					  h->mac_str);
		macs = h->mac_str;
	} else if (h->has_mac) {
		macs = np_mac_str(h->mac, mac);
	}

	if (v6) {
		if (h->name && h->id)
			np_buf_addf(b, "id:%s,%s", h->id, h->name);
		else if (h->name)
			np_buf_add(b, h->name);
		else if (h->id)
			np_buf_addf(b, "id:%s", h->id);
		else
			return np_err_set(err, -EINVAL,
					  "<dhcp><host ip='%s'>: an IPv6 host needs an id or a name",
					  ip);
		np_buf_addf(b, ",[%s]", ip);
	} else if (h->name && macs) {
		np_buf_addf(b, "%s,%s,%s", macs, ip, h->name);
	} else if (h->name) {
		np_buf_addf(b, "%s,%s", h->name, ip);
	} else if (macs) {
		np_buf_addf(b, "%s,%s", macs, ip);
	} else {
		return np_err_set(err, -EINVAL,
				  "<dhcp><host ip='%s'>: an IPv4 host needs a mac or a name", ip);
	}
	if (h->lease.set) {
		np_dhcp_lease_str(&h->lease, lease);
		np_buf_addf(b, ",%s", lease);
	}
	np_buf_addc(b, '\n');
	return 0;
}

int np_dhcp_hosts_render(const struct np_net *net, char **ret, struct np_err *err)
{
	/* Only the <ip> whose DHCP dnsmasq serves: the first per family, IPv4
	 * lines first (libvirt's order). */
	const struct np_ip *ips[2] = { np_net_dhcp_ip(net, AF_INET), np_net_dhcp_ip(net, AF_INET6) };
	struct np_buf b = { 0 };
	char *s;

	for (size_t i = 0; i < 2; i++) {
		if (!ips[i])
			continue;
		for (size_t j = 0; j < ips[i]->n_hosts; j++) {
			const struct np_dhcp_host *h = &ips[i]->hosts[j];
			int r;

			if (!np_addr_is_set(&h->ip))
				continue;
			r = host_line(&b, h, i == 1, err);
			if (r < 0) {
				np_buf_free(&b);
				return r;
			}
		}
	}
	s = np_buf_steal(&b);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int np_dhcp_addnhosts_render(const struct np_net *net, char **ret, struct np_err *err)
{
	const struct np_dns *dns = &net->dns;
	struct np_buf b = { 0 };
	char *s;

	for (size_t i = 0; i < dns->n_hosts; i++)
		for (size_t j = 0; j < dns->hosts[i].n_hostnames; j++) {
			int r = np_dhcp_check("<dns><host><hostname>", dns->hosts[i].hostnames[j],
					      NP_DHCP_FORBID_NAME, err);
			if (r < 0)
				return r;
		}

	/* One line per distinct address, names in order of appearance, every
	 * name followed by a tab (libvirt merges <host> elements sharing an
	 * ip into one line). */
	for (size_t i = 0; i < dns->n_hosts; i++) {
		const struct np_dns_host *h = &dns->hosts[i];
		char ip[NP_ADDR_STRLEN];
		bool seen = false;

		if (!np_addr_is_set(&h->ip))
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = np_addr_equal(&dns->hosts[k].ip, &h->ip);
		if (seen)
			continue;
		np_buf_addf(&b, "%s\t", np_addr_str(&h->ip, ip));
		for (size_t k = i; k < dns->n_hosts; k++) {
			if (!np_addr_equal(&dns->hosts[k].ip, &h->ip))
				continue;
			for (size_t j = 0; j < dns->hosts[k].n_hostnames; j++)
				np_buf_addf(&b, "%s\t", dns->hosts[k].hostnames[j]);
		}
		np_buf_addc(&b, '\n');
	}
	s = np_buf_steal(&b);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}
