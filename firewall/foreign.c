/* Reading other tools' base chains, and the accepts a network needs in
 * iptables' filter table (foreign.h). */
#include "firewall/foreign.h"

#include "engine/plan_vxlan.h"

#include "common/addr.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "firewall/fw.h"
#include "xml/net.h"

#include <errno.h>
#include <linux/netfilter.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static void record_drop(struct np_fw_foreign *f, const char *family, const char *table,
			const char *chain, const char *hook)
{
	struct np_fw_drop *d;

	/* iptables-nft keeps its filter table in "table ip filter" with the
	 * chains named after the hooks, ip6tables-nft in "table ip6 filter". */
	if (!strcmp(family, "ip") && !strcmp(table, "filter")) {
		if (!strcmp(chain, "FORWARD") && !strcmp(hook, "forward")) {
			f->ipt_forward_drop = true;
			return;
		}
		if (!strcmp(chain, "INPUT") && !strcmp(hook, "input")) {
			f->ipt_input_drop = true;
			return;
		}
	}
	if (!strcmp(family, "ip6") && !strcmp(table, "filter")) {
		if (!strcmp(chain, "FORWARD") && !strcmp(hook, "forward"))
			f->ip6t_forward_drop = true;
		if (!strcmp(chain, "INPUT") && !strcmp(hook, "input"))
			f->ip6t_input_drop = true;
		return;
	}
	/* other tools' native ip6 tables: IPv4 is what start warns about */
	if (!strcmp(family, "ip6"))
		return;
	if (f->n_other >= NP_FW_FOREIGN_MAX)
		return;
	d = &f->other[f->n_other++];
	snprintf(d->family, sizeof(d->family), "%s", family);
	snprintf(d->table, sizeof(d->table), "%s", table);
	snprintf(d->chain, sizeof(d->chain), "%s", chain);
	snprintf(d->hook, sizeof(d->hook), "%s", hook);
}

const char *np_fw_family_name(uint32_t family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_NETDEV:
		return "netdev";
	}
	return "unknown";
}

const char *np_fw_hook_name(uint32_t hook)
{
	static const char *const names[] = { "prerouting", "input", "forward", "output",
					     "postrouting" };

	return hook < NP_ARRAY_SIZE(names) ? names[hook] : "other";
}

void np_fw_foreign_chain(struct np_fw_foreign *f, const char *family, const char *table,
			 const char *chain, const char *hook, bool drops)
{
	if (!strcmp(family, "ip") && !strcmp(table, "filter") && !strcmp(chain, "DOCKER-USER"))
		f->ipt_docker_user = true;
	if (!strcmp(family, "ip6") && !strcmp(table, "filter") && !strcmp(chain, "DOCKER-USER"))
		f->ip6t_docker_user = true;
	if (!strcmp(family, "ip") && !strcmp(table, "filter") && !strcmp(chain, "ufw-user-forward"))
		f->ipt_ufw = true;
	if (!hook || !drops || !strcmp(table, NP_FW_TABLE))
		return;
	/* Only the hooks a network's forwarded, DHCP and DNS traffic passes,
	 * for the families that carry IPv4. */
	if ((strcmp(hook, "forward") && strcmp(hook, "input")) || !strcmp(family, "bridge") ||
	    !strcmp(family, "arp") || !strcmp(family, "netdev"))
		return;
	record_drop(f, family, table, chain, hook);
}

static const struct np_ip *ipv4(const struct np_net *net)
{
	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].address.family == AF_INET)
			return &net->ips[i];
	return NULL;
}

/* What one family's filter table (iptables' or ip6tables') drops. */
struct fam {
	bool v6;
	bool fwd_drop, in_drop, docker_user;
};

static int add(struct np_ipt_rule *r, int n, const struct fam *fm, const char *chain,
	       const char *why, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int add(struct np_ipt_rule *r, int n, const struct fam *fm, const char *chain,
	       const char *why, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (n < 0 || n >= NP_IPT_RULES_MAX)
		return -EINVAL;
	/* Docker's docs: rules of the host's own belong in DOCKER-USER, which
	 * FORWARD jumps to before Docker's own. */
	r[n] = (struct np_ipt_rule){ .table = fm->v6 ? NP_IPT6_FILTER : "filter", .chain = chain,
				     .why = why, .dropping = chain };
	if (!strcmp(chain, "FORWARD") && fm->docker_user)
		r[n].chain = "DOCKER-USER";
	va_start(ap, fmt);
	len = vsnprintf(r[n].spec, sizeof(r[n].spec), fmt, ap);
	va_end(ap);
	return len < 0 || (size_t)len >= sizeof(r[n].spec) ? -EINVAL : n + 1;
}

/* The forward accepts of one <ip>: libvirt's LIBVIRT_FWI (replies, or
 * everything for a routed subnet; IPv6 is routed even in nat mode unless
 * <nat ipv6='yes'>) and LIBVIRT_FWO (from the subnet). */
static int ip_forward(struct np_ipt_rule *ret, int n, const struct fam *fm,
		      const struct np_net *net, const struct np_ip *ip)
{
	const char *br = net->bridge.name;
	bool nat = net->forward.mode == NP_FWD_NAT &&
		   (!fm->v6 || net->forward.nat.ipv6 == NP_TRI_YES);
	char sub[NP_ADDR_STRLEN];
	struct np_addr a = np_addr_network(&ip->address, ip->prefix);

	np_addr_str(&a, sub);
	if (nat)
		n = add(ret, n, fm, "FORWARD", "replies to the guests' connections",
			"-d %s/%u -o %s -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", sub,
			ip->prefix, br);
	else
		n = add(ret, n, fm, "FORWARD", "the routed subnet is reachable",
			"-d %s/%u -o %s -j ACCEPT", sub, ip->prefix, br);
	return add(ret, n, fm, "FORWARD", "the guests' own traffic goes out",
		   "-s %s/%u -i %s -j ACCEPT", sub, ip->prefix, br);
}

/* libvirt 9.0's iptables backend: LIBVIRT_FWX (between guests), the
 * forward accepts of each <ip> of the family, and LIBVIRT_INP's DHCP and
 * DNS accepts (networkAddGeneralIPv4/IPv6FirewallRules), here inserted
 * straight into the foreign chain. */
static int family_rules(const struct np_net *net, const struct fam *fm,
			struct np_ipt_rule ret[NP_IPT_RULES_MAX], int n)
{
	const char *br = net->bridge.name;
	int family = fm->v6 ? AF_INET6 : AF_INET;
	bool has_ip = false, dhcp = false;

	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].address.family == family) {
			has_ip = true;
			dhcp |= net->ips[i].n_ranges || net->ips[i].n_hosts;
		}
	/* IPv4's catch-all between guests is always there (as libvirt's);
	 * IPv6's only with an IPv6 subnet */
	if (!has_ip && fm->v6)
		return n;
	if (fm->fwd_drop) {
		n = add(ret, n, fm, "FORWARD", "guests on the bridge reach each other",
			"-i %s -o %s -j ACCEPT", br, br);
		for (size_t i = 0; i < net->n_ips && net->forward.mode != NP_FWD_NONE; i++) {
			if (net->ips[i].address.family != family)
				continue;
			n = ip_forward(ret, n, fm, net, &net->ips[i]);
			/* IPv4: the first subnet, as before */
			if (!fm->v6)
				break;
		}
	}
	if (!fm->in_drop || !has_ip || !np_dhcp_needed(net))
		return n;
	if (!fm->v6)
		n = add(ret, n, fm, "INPUT", "DHCP requests to dnsmasq",
			"-i %s -p udp -m udp --dport 67 -j ACCEPT", br);
	else if (dhcp)
		n = add(ret, n, fm, "INPUT", "DHCPv6 requests to dnsmasq",
			"-i %s -p udp -m udp --dport 547 -j ACCEPT", br);
	n = add(ret, n, fm, "INPUT", "DNS queries to dnsmasq",
		"-i %s -p udp -m udp --dport 53 -j ACCEPT", br);
	n = add(ret, n, fm, "INPUT", "DNS queries to dnsmasq",
		"-i %s -p tcp -m tcp --dport 53 -j ACCEPT", br);
	if (!fm->v6)
		return n;
	/* Unlike ARP, neighbour discovery passes ip6tables: without these the
	 * guests cannot find their router's address on the bridge. */
	n = add(ret, n, fm, "INPUT", "guests resolve the bridge's address (neighbour discovery)",
		"-i %s -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation -j ACCEPT", br);
	n = add(ret, n, fm, "INPUT", "guests resolve the bridge's address (neighbour discovery)",
		"-i %s -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-advertisement -j ACCEPT", br);
	return add(ret, n, fm, "INPUT", "guests ask for router advertisements",
		   "-i %s -p ipv6-icmp -m icmp6 --icmpv6-type router-solicitation -j ACCEPT", br);
}

#define IFNAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

/* <netplumb:vxlan>: the other hosts' VXLAN packets arrive on the underlay
 * for the host itself, so an INPUT that drops by policy drops the network's
 * whole link to them (netplumb's own chain vxi-BR accepts them in nft). */
static int vxlan_rule(const struct np_net *net, const struct fam *fm,
		      struct np_ipt_rule ret[NP_IPT_RULES_MAX], int n)
{
	const struct np_vxlan *vx = net->vxlan;

	if (!vx || !fm->in_drop || (np_plan_vx_family(vx) == AF_INET6) != fm->v6)
		return n;
	/* iptables reads a trailing '+' in -i as a wildcard */
	if (strspn(vx->dev, IFNAME_CHARS) != strlen(vx->dev))
		return -EINVAL;
	return add(ret, n, fm, "INPUT", "VXLAN from the other hosts on the underlay",
		   "-i %s -p udp -m udp --dport %u -j ACCEPT", vx->dev, vx->port);
}

int np_fw_foreign_rules(const struct np_net *net, const struct np_fw_foreign *f,
			struct np_ipt_rule ret[NP_IPT_RULES_MAX])
{
	const char *br = net->bridge.name;
	const struct fam v4 = { .fwd_drop = f->ipt_forward_drop, .in_drop = f->ipt_input_drop,
				.docker_user = f->ipt_docker_user };
	const struct fam v6 = { .v6 = true, .fwd_drop = f->ip6t_forward_drop,
				.in_drop = f->ip6t_input_drop, .docker_user = f->ip6t_docker_user };

	if (!br || !np_fw_firewalled(net))
		return 0;
	if (strspn(br, IFNAME_CHARS) != strlen(br))
		return -EINVAL;
	return vxlan_rule(net, &v6, ret,
			  vxlan_rule(net, &v4, ret,
				     family_rules(net, &v6, ret, family_rules(net, &v4, ret, 0))));
}

const char *np_ipt_tool(const char *table, const char **ret_table)
{
	size_t l = strlen(NP_IPT6_FILTER) - strlen("filter");

	if (!strncmp(table, NP_IPT6_FILTER, l)) {
		*ret_table = table + l;
		return "ip6tables-nft";
	}
	*ret_table = table;
	return "iptables-nft";
}

void np_fw_foreign_fix(const struct np_net *net, const struct np_fw_drop *d, char *out, size_t len)
{
	const char *br = net->bridge.name ? net->bridge.name : "";
	const char *t = d->table, *c = d->chain, *fam = d->family;

	if (!strcmp(d->hook, "forward"))
		snprintf(out, len,
			 "nft insert rule %s %s %s iifname %s accept; nft insert rule %s %s %s "
			 "oifname %s ct state established,related accept",
			 fam, t, c, br, fam, t, c, br);
	else
		snprintf(out, len,
			 "nft insert rule %s %s %s iifname %s udp dport { 53, 67 } accept; nft "
			 "insert rule %s %s %s iifname %s tcp dport 53 accept",
			 fam, t, c, br, fam, t, c, br);
}

/* UFW's ufw-before-forward already accepts replies (RELATED,ESTABLISHED),
 * so a NAT network needs only what its guests start; a routed one is
 * reached from outside too. */
void np_fw_foreign_ufw_fix(const struct np_net *net, const struct np_fw_foreign *f, char *out,
			   size_t len)
{
	const char *br = net->bridge.name;
	size_t l;

	out[0] = '\0';
	if (!f->ipt_ufw || !br || !np_fw_firewalled(net))
		return;
	if (f->ipt_forward_drop && net->forward.mode == NP_FWD_NONE) {
		snprintf(out, len, "ufw route allow in on %s out on %s", br, br);
	} else if (f->ipt_forward_drop) {
		snprintf(out, len, "ufw route allow in on %s", br);
		if (net->forward.mode == NP_FWD_ROUTE) {
			l = strlen(out);
			snprintf(out + l, len - l, "; ufw route allow out on %s", br);
		}
	}
	if (f->ipt_input_drop && ipv4(net) && np_dhcp_needed(net)) {
		l = strlen(out);
		snprintf(out + l, len - l,
			 "%sufw allow in on %s to any port 67 proto udp; ufw allow in on %s to any "
			 "port 53",
			 l ? "; " : "", br, br);
	}
}
