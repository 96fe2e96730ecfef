#include "xml/net.h"
#include "xml/ext_portfwd.h"
#include "xml/ext_vxlan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

const char *const np_fwd_mode_names[NP_FWD__MAX] = {
	[NP_FWD_NONE] = "none",
	[NP_FWD_NAT] = "nat",
	[NP_FWD_ROUTE] = "route",
	[NP_FWD_OPEN] = "open",
	[NP_FWD_BRIDGE] = "bridge",
	[NP_FWD_PRIVATE] = "private",
	[NP_FWD_VEPA] = "vepa",
	[NP_FWD_PASSTHROUGH] = "passthrough",
	[NP_FWD_HOSTDEV] = "hostdev",
};

void np_xml_extra_free(struct np_xml_extra *extra);

static void ip_free(struct np_ip *ip)
{
	free(ip->family_attr);
	free(ip->tftp_root);
	free(ip->ranges);
	for (size_t i = 0; i < ip->n_hosts; i++) {
		free(ip->hosts[i].mac_str);
		free(ip->hosts[i].id);
		free(ip->hosts[i].name);
	}
	free(ip->hosts);
	free(ip->bootp_file);
	free(ip->bootp_server);
}

static void dns_free(struct np_dns *dns)
{
	for (size_t i = 0; i < dns->n_forwarders; i++)
		free(dns->forwarders[i].domain);
	free(dns->forwarders);
	for (size_t i = 0; i < dns->n_txts; i++) {
		free(dns->txts[i].name);
		free(dns->txts[i].value);
	}
	free(dns->txts);
	for (size_t i = 0; i < dns->n_srvs; i++) {
		free(dns->srvs[i].service);
		free(dns->srvs[i].protocol);
		free(dns->srvs[i].domain);
		free(dns->srvs[i].target);
	}
	free(dns->srvs);
	for (size_t i = 0; i < dns->n_hosts; i++) {
		for (size_t j = 0; j < dns->hosts[i].n_hostnames; j++)
			free(dns->hosts[i].hostnames[j]);
		free(dns->hosts[i].hostnames);
	}
	free(dns->hosts);
}

void np_net_free(struct np_net *net)
{
	if (!net)
		return;
	free(net->name);
	free(net->title);
	free(net->description);
	free(net->forward.dev);
	for (size_t i = 0; i < net->forward.n_ifs; i++)
		free(net->forward.ifs[i].dev);
	free(net->forward.ifs);
	free(net->bridge.name);
	free(net->bridge.mac_table_manager);
	free(net->bridge.zone);
	free(net->domain.name);
	dns_free(&net->dns);
	for (size_t i = 0; i < net->n_ips; i++)
		ip_free(&net->ips[i]);
	free(net->ips);
	for (size_t i = 0; i < net->n_routes; i++)
		free(net->routes[i].family_attr);
	free(net->routes);
	for (size_t i = 0; i < net->n_dnsmasq_options; i++)
		free(net->dnsmasq_options[i].value);
	free(net->dnsmasq_options);
	np_xml_extra_free(net->extra);
	np_xml_pf_free(net);
	np_xml_vx_free(net->vxlan);
	free(net);
}

const struct np_ip *np_net_dhcp_ip(const struct np_net *net, int family)
{
	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].address.family == family &&
		    (net->ips[i].n_ranges || net->ips[i].n_hosts))
			return &net->ips[i];
	return NULL;
}

bool np_net_is_virtual(const struct np_net *net)
{
	switch (net->forward.mode) {
	case NP_FWD_NONE:
	case NP_FWD_NAT:
	case NP_FWD_ROUTE:
	case NP_FWD_OPEN:
		return true;
	case NP_FWD_BRIDGE:
		/* bridge mode with a <bridge name> is an existing host bridge */
		return false;
	case NP_FWD_PRIVATE:
	case NP_FWD_VEPA:
	case NP_FWD_PASSTHROUGH:
	case NP_FWD_HOSTDEV:
	case NP_FWD__MAX:
		return false;
	}
	return false;
}

void np_uuid_str(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
		 u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		 u[14], u[15]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* libvirt accepts hex digits with '-' and spaces anywhere between bytes. */
int np_uuid_parse(const char *s, uint8_t ret[16])
{
	uint8_t u[16];
	size_t n = 0;

	while (*s == ' ')
		s++;
	while (*s && n < 16) {
		int hi, lo;

		if (*s == '-' || *s == ' ') {
			s++;
			continue;
		}
		hi = hexval(s[0]);
		lo = hi >= 0 ? hexval(s[1]) : -1;
		if (hi < 0 || lo < 0)
			return -EINVAL;
		u[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	while (*s == ' ')
		s++;
	if (n != 16 || *s)
		return -EINVAL;
	for (size_t i = 0; i < 16; i++)
		ret[i] = u[i];
	return 0;
}
