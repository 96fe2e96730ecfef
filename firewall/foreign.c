/* Reading other tools' base chains, and the accepts a network needs in
 * iptables' filter table (foreign.h). */
#include "firewall/foreign.h"

#include "common/addr.h"
#include "dhcp/dhcp.h"
#include "firewall/fw.h"
#include "xml/net.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* The word after key in line ("hook forward" -> "forward"), or "". */
static void word_after(const char *line, const char *key, char *out, size_t len)
{
	const char *p = strstr(line, key);
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	n = strcspn(p, " ;\t\n");
	if (n >= len)
		return;
	memcpy(out, p, n);
	out[n] = '\0';
}

static void record_drop(struct np_fw_foreign *f, const char *family, const char *table,
			const char *chain, const char *hook)
{
	struct np_fw_drop *d;

	/* iptables-nft keeps its filter table in "table ip filter" with the
	 * chains named after the hooks. */
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
	if (f->n_other >= NP_FW_FOREIGN_MAX)
		return;
	d = &f->other[f->n_other++];
	snprintf(d->family, sizeof(d->family), "%s", family);
	snprintf(d->table, sizeof(d->table), "%s", table);
	snprintf(d->chain, sizeof(d->chain), "%s", chain);
	snprintf(d->hook, sizeof(d->hook), "%s", hook);
}

void np_fw_foreign_parse(const char *text, struct np_fw_foreign *ret)
{
	char family[8] = "", table[64] = "", chain[64] = "", hook[16], policy[16];
	const char *p = text;

	memset(ret, 0, sizeof(*ret));
	while (p && *p) {
		const char *end = strchrnul(p, '\n');
		char line[512];
		size_t n = (size_t)(end - p);

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = *end ? end + 1 : end;

		const char *l = line + strspn(line, " \t");

		if (sscanf(l, "table %7s %63s {", family, table) == 2) {
			chain[0] = '\0';
			continue;
		}
		if (sscanf(l, "chain %63s {", chain) == 1) {
			if (!strcmp(family, "ip") && !strcmp(table, "filter") &&
			    !strcmp(chain, "DOCKER-USER"))
				ret->ipt_docker_user = true;
			continue;
		}
		if (strncmp(l, "type ", 5) || !chain[0] || !strcmp(table, NP_FW_TABLE))
			continue;
		word_after(l, " hook ", hook, sizeof(hook));
		word_after(l, " policy ", policy, sizeof(policy));
		if (strcmp(policy, "drop"))
			continue;
		/* Only the hooks a network's forwarded, DHCP and DNS traffic
		 * passes, for the families that carry IPv4. */
		if ((strcmp(hook, "forward") && strcmp(hook, "input")) || !strcmp(family, "ip6") ||
		    !strcmp(family, "bridge") || !strcmp(family, "arp") || !strcmp(family, "netdev"))
			continue;
		record_drop(ret, family, table, chain, hook);
	}
}

static const struct np_ip *ipv4(const struct np_net *net)
{
	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].address.family == AF_INET)
			return &net->ips[i];
	return NULL;
}

static int add(struct np_ipt_rule *r, int n, const struct np_fw_foreign *f, const char *chain,
	       const char *why, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int add(struct np_ipt_rule *r, int n, const struct np_fw_foreign *f, const char *chain,
	       const char *why, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (n < 0 || n >= NP_IPT_RULES_MAX)
		return -EINVAL;
	/* Docker's docs: rules of the host's own belong in DOCKER-USER, which
	 * FORWARD jumps to before Docker's own. */
	r[n] = (struct np_ipt_rule){ .table = "filter", .chain = chain, .why = why,
				     .dropping = chain };
	if (!strcmp(chain, "FORWARD") && f->ipt_docker_user)
		r[n].chain = "DOCKER-USER";
	va_start(ap, fmt);
	len = vsnprintf(r[n].spec, sizeof(r[n].spec), fmt, ap);
	va_end(ap);
	return len < 0 || (size_t)len >= sizeof(r[n].spec) ? -EINVAL : n + 1;
}

/* libvirt 9.0's iptables backend: LIBVIRT_FWX (between guests), LIBVIRT_FWI
 * (replies, or everything for a routed network) and LIBVIRT_FWO (from the
 * subnet), and LIBVIRT_INP's DHCP and DNS accepts (networkAddGeneralIPv4
 * FirewallRules), here inserted straight into the foreign chain. */
int np_fw_foreign_rules(const struct np_net *net, const struct np_fw_foreign *f,
			struct np_ipt_rule ret[NP_IPT_RULES_MAX])
{
	const char *br = net->bridge.name;
	const struct np_ip *ip = ipv4(net);
	char sub[NP_ADDR_STRLEN];
	struct np_addr a;
	int n = 0;

	if (!br || !np_fw_firewalled(net))
		return 0;
	if (strspn(br, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
	    strlen(br))
		return -EINVAL;
	if (f->ipt_forward_drop) {
		n = add(ret, n, f, "FORWARD", "guests on the bridge reach each other", "-i %s -o %s -j ACCEPT",
			br, br);
		if (ip && net->forward.mode != NP_FWD_NONE) {
			a = np_addr_network(&ip->address, ip->prefix);
			np_addr_str(&a, sub);
			if (net->forward.mode == NP_FWD_NAT)
				n = add(ret, n, f, "FORWARD", "replies to the guests' connections",
					"-d %s/%u -o %s -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
					sub, ip->prefix, br);
			else
				n = add(ret, n, f, "FORWARD", "the routed subnet is reachable",
					"-d %s/%u -o %s -j ACCEPT", sub, ip->prefix, br);
			n = add(ret, n, f, "FORWARD", "the guests' own traffic goes out",
				"-s %s/%u -i %s -j ACCEPT", sub, ip->prefix, br);
		}
	}
	if (f->ipt_input_drop && ip && np_dhcp_needed(net)) {
		n = add(ret, n, f, "INPUT", "DHCP requests to dnsmasq",
			"-i %s -p udp -m udp --dport 67 -j ACCEPT", br);
		n = add(ret, n, f, "INPUT", "DNS queries to dnsmasq",
			"-i %s -p udp -m udp --dport 53 -j ACCEPT", br);
		n = add(ret, n, f, "INPUT", "DNS queries to dnsmasq",
			"-i %s -p tcp -m tcp --dport 53 -j ACCEPT", br);
	}
	return n;
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
