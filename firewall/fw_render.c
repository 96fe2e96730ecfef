/* The nft text for one network (pure). libvirt's nftables backend
 * (network_nftables.c) keeps every network's rules in shared chains of its own
 * ip/ip6 tables; netplumb gives each network two base chains in one inet
 * table instead, so starting or stopping one network never rewrites another's
 * rules. Inside fwd-BRIDGE the rules keep libvirt's evaluation order:
 * guest_cross, then guest_input (ending in the "oifname B reject" catch-all),
 * then guest_output (ending in "iifname B reject"); nat-BRIDGE holds what
 * libvirt puts in guest_nat. libvirt inserts at the head of its chains, so its
 * final order is the reverse of the order of its commands; ours is written
 * top-down. */
#include "firewall/fw.h"
#include "firewall/fw_bw.h"
#include "firewall/pf_render.h"
#include "firewall/vx_render.h"

#include "common/addr.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/util.h"
#include "xml/net.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define TABLE "inet " NP_FW_TABLE

/* Names reach nft text; allowing only these characters leaves no way to
 * close a quoted string, start a comment or a new command, or use nft's '*'
 * interface wildcard. "fwd-"/"nat-" + such a name is also one unquoted nft
 * identifier (nft 1.0.6 does not accept quoted chain names). */
static bool name_valid(const char *s)
{
	size_t n;

	if (!s)
		return false;
	for (n = 0; s[n]; n++) {
		char c = s[n];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';

		if (!ok || n >= NP_IFNAMSIZ - 1)
			return false;
	}
	return n > 0;
}

int np_fw_chain_names(const char *bridge, char ret_fwd[NP_FW_CHAIN_MAX],
		      char ret_nat[NP_FW_CHAIN_MAX])
{
	if (!name_valid(bridge))
		return -EINVAL;
	if (ret_fwd)
		snprintf(ret_fwd, NP_FW_CHAIN_MAX, "fwd-%s", bridge);
	if (ret_nat)
		snprintf(ret_nat, NP_FW_CHAIN_MAX, "nat-%s", bridge);
	return 0;
}

struct render {
	struct np_buf b;
	const struct np_net *net;
	const char *br;
	const char *dev; /* <forward dev=...>, or NULL */
	char fwd[NP_FW_CHAIN_MAX];
	char nat[NP_FW_CHAIN_MAX];
	/* np_fw_ruleset_create_render(): each chain in one "add chain" block
	 * with its rules, instead of add + flush + "add rule"s. */
	bool create;
	const char *chain; /* the chain being written */
};

/* One <ip> as a match: "ip"/"ip6" and "NETWORK/PREFIX". */
struct subnet {
	int family;
	const char *fam;
	char cidr[NP_ADDR_STRLEN + 5];
};

static void render_done(struct render *r)
{
	np_buf_free(&r->b);
}

/* The interface that <forward dev='...'> restricts the rules to; libvirt's
 * virNetworkDefForwardIf() takes the first <interface> (the parser puts dev
 * there too). */
static const char *forward_dev(const struct np_net *net)
{
	if (net->forward.dev)
		return net->forward.dev;
	if (net->forward.n_ifs > 0)
		return net->forward.ifs[0].dev;
	return NULL;
}

static int render_init(struct render *r, const struct np_net *net, struct np_err *err)
{
	*r = (struct render){ .net = net };
	r->br = net->bridge.name;
	if (!r->br)
		return np_err_set(err, -EINVAL, "network '%s': no bridge name for the firewall rules",
				  net->name ? net->name : "");
	if (np_fw_chain_names(r->br, r->fwd, r->nat) < 0)
		return np_err_set(err, -EINVAL,
				  "bridge name '%s': refused in firewall rules "
				  "(only 1-15 of A-Z a-z 0-9 _ . -)",
				  r->br);
	r->dev = forward_dev(net);
	if (r->dev && !name_valid(r->dev))
		return np_err_set(err, -EINVAL,
				  "<forward dev='%s'>: refused in firewall rules "
				  "(only 1-15 of A-Z a-z 0-9 _ . -)",
				  r->dev);
	if (net->n_ips > NP_MAX_IPS)
		return np_err_set(err, -E2BIG, "network '%s': more than %d <ip> elements",
				  net->name ? net->name : "", NP_MAX_IPS);
	return 0;
}

static int subnet_of(const struct np_ip *ip, struct subnet *ret, struct np_err *err)
{
	char a[NP_ADDR_STRLEN];
	struct np_addr n;
	int family = ip->address.family;

	if (family != AF_INET && family != AF_INET6)
		return np_err_set(err, -EINVAL, "<ip>: no address for the firewall rules");
	if (ip->prefix > np_addr_max_prefix(family))
		return np_err_set(err, -EINVAL, "<ip address='%s'>: prefix %u is too long",
				  np_addr_str(&ip->address, a), ip->prefix);
	n = np_addr_network(&ip->address, ip->prefix);
	ret->family = family;
	ret->fam = family == AF_INET ? "ip" : "ip6";
	snprintf(ret->cidr, sizeof(ret->cidr), "%s/%u", np_addr_str(&n, a), ip->prefix);
	return 0;
}

static bool has_family(const struct np_net *net, int family)
{
	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].address.family == family)
			return true;
	return false;
}

/* Creates the chain or keeps the existing one, and empties it: the whole
 * script is one transaction, so re-applying after any partial loss (a
 * flushed ruleset, a deleted chain) converges on the same rules.
 * In create mode the chain does not exist yet and its rules go inside its
 * one "add chain" block: nft 1.0.6 dumps every chain of the ruleset before
 * an "add rule" (with 1000 networks, 2000 chains: 4 of its 5 ms) and does
 * not for a block; and a script that only creates leaves the kernel
 * nothing to free after an RCU grace period, which closing the nft socket
 * would wait for (~10 ms here; a "flush chain" of rules or a second "add
 * chain" for an existing chain leaves such work). Not "create chain": nft
 * 1.0.6 drops the rules of a "create chain" block without a word. */
static void chain_begin(struct render *r, const char *chain, const char *spec)
{
	r->chain = chain;
	if (r->create) {
		np_buf_addf(&r->b, "add chain " TABLE " %s { %s; policy accept;", chain, spec);
		return;
	}
	np_buf_addf(&r->b, "add chain " TABLE " %s { %s; policy accept; }\n", chain, spec);
	np_buf_addf(&r->b, "flush chain " TABLE " %s\n", chain);
}

static void chain_end(struct render *r)
{
	if (r->create)
		np_buf_add(&r->b, " }\n");
	r->chain = NULL;
}

/* Deletes a chain whether or not it exists: "add chain" without a hook spec
 * creates a missing chain and is accepted for an existing base chain, and
 * "delete chain" also drops the chain's rules. */
static void chain_drop(struct render *r, const char *chain)
{
	np_buf_addf(&r->b, "add chain " TABLE " %s\n", chain);
	np_buf_addf(&r->b, "delete chain " TABLE " %s\n", chain);
}

/* One rule of the chain chain_begin() opened. In create mode the rule sits
 * in the chain's block, ended by ';': rules are built from checked names
 * and formatted addresses only, so they hold no ';' or '}' of their own. */
static void rule_begin(struct render *r)
{
	if (r->create)
		np_buf_add(&r->b, " ");
	else
		np_buf_addf(&r->b, "add rule " TABLE " %s ", r->chain);
}

static void rule_end(struct render *r)
{
	np_buf_add(&r->b, r->create ? ";" : "\n");
}

/* libvirt routes IPv6 even in nat mode unless <nat ipv6='yes'>. */
static bool masquerades(const struct np_net *net, int family)
{
	return net->forward.mode == NP_FWD_NAT &&
	       (family == AF_INET || net->forward.nat.ipv6 == NP_TRI_YES);
}

static int render_filter(struct render *r, struct np_err *err)
{
	const struct np_net *net = r->net;
	bool forwarding = net->forward.mode == NP_FWD_NAT || net->forward.mode == NP_FWD_ROUTE;
	/* libvirt always installs its IPv4 catch-alls but the IPv6 ones only
	 * when the network has IPv6 (an address or ipv6='yes'): see libvirt's
	 * nat-default vs nat-ipv6 test cases. */
	bool v6 = has_family(net, AF_INET6) || net->ipv6 == NP_TRI_YES;
	const char *only4 = v6 ? "" : "meta nfproto ipv4 ";
	struct subnet s;
	int ret;

	chain_begin(r, r->fwd, "type filter hook forward priority 0");

	/* guest_cross: between guests of this network */
	rule_begin(r);
	np_buf_addf(&r->b, "%siifname \"%s\" oifname \"%s\" counter accept", only4, r->br, r->br);
	rule_end(r);

	/* guest_input: towards the guests */
	for (size_t i = 0; forwarding && i < net->n_ips; i++) {
		ret = subnet_of(&net->ips[i], &s, err);
		if (ret < 0)
			return ret;
		rule_begin(r);
		if (r->dev)
			np_buf_addf(&r->b, "iifname \"%s\" ", r->dev);
		np_buf_addf(&r->b, "oifname \"%s\" %s daddr %s ", r->br, s.fam, s.cidr);
		if (masquerades(net, s.family))
			np_buf_add(&r->b, "ct state related,established ");
		np_buf_add(&r->b, "counter accept");
		rule_end(r);
	}
	np_fw_pf_render_accept(&r->b, r->create, r->chain, net, r->br);
	rule_begin(r);
	np_buf_addf(&r->b, "%soifname \"%s\" counter reject", only4, r->br);
	rule_end(r);

	/* guest_output: from the guests */
	for (size_t i = 0; forwarding && i < net->n_ips; i++) {
		ret = subnet_of(&net->ips[i], &s, err);
		if (ret < 0)
			return ret;
		rule_begin(r);
		np_buf_addf(&r->b, "iifname \"%s\" %s saddr %s ", r->br, s.fam, s.cidr);
		if (r->dev)
			np_buf_addf(&r->b, "oifname \"%s\" ", r->dev);
		np_buf_add(&r->b, "counter accept");
		rule_end(r);
	}
	rule_begin(r);
	np_buf_addf(&r->b, "%siifname \"%s\" counter reject", only4, r->br);
	rule_end(r);
	chain_end(r);
	return 0;
}

/* snat to <nat><address> of the subnet's family, else masquerade; ports only
 * on the tcp/udp rules (libvirt's nftablesAddForwardMasquerade). */
static void nat_target(struct render *r, const struct subnet *s, const unsigned *ports)
{
	const struct np_forward_nat *nat = &r->net->forward.nat;
	bool v6 = s->family == AF_INET6;
	char a[NP_ADDR_STRLEN];

	if (nat->addr_start.family != s->family) {
		np_buf_add(&r->b, "masquerade");
		if (ports)
			np_buf_addf(&r->b, " to :%u-%u", ports[0], ports[1]);
		rule_end(r);
		return;
	}
	/* nft needs brackets around an IPv6 address followed by a port */
	np_buf_addf(&r->b, "snat %s to %s%s%s", s->fam, v6 ? "[" : "",
		    np_addr_str(&nat->addr_start, a), v6 ? "]" : "");
	if (nat->addr_end.family == s->family)
		np_buf_addf(&r->b, "-%s%s%s", v6 ? "[" : "", np_addr_str(&nat->addr_end, a),
			    v6 ? "]" : "");
	if (ports)
		np_buf_addf(&r->b, ":%u-%u", ports[0], ports[1]);
	rule_end(r);
}

static int render_nat(struct render *r, struct np_err *err)
{
	const struct np_net *net = r->net;
	const struct np_forward_nat *nat = &net->forward.nat;
	unsigned ports[2] = { nat->port_start, nat->port_end };
	static const char *const protos[] = { "tcp", "udp" };
	bool any = false;
	struct subnet s;
	int ret;

	for (size_t i = 0; i < net->n_ips; i++)
		any = any || masquerades(net, net->ips[i].address.family);
	if (!any) {
		/* Deleting needs nft's chain dump; chains that do not exist
		 * need no dropping. */
		if (!r->create)
			chain_drop(r, r->nat);
		return 0;
	}

	/* Guests must not get source ports below 1024 (NFS trusts those). */
	if (!ports[0] && !ports[1]) {
		ports[0] = 1024;
		ports[1] = 65535;
	}
	/* libvirt refuses start == end here too, though its parser allows it. */
	if (!(ports[0] < ports[1] && ports[1] <= 65535))
		return np_err_set(err, -EINVAL, "<nat><port start='%u' end='%u'>: invalid port range",
				  nat->port_start, nat->port_end);

	chain_begin(r, r->nat, "type nat hook postrouting priority 100");
	for (size_t i = 0; i < net->n_ips; i++) {
		if (!masquerades(net, net->ips[i].address.family))
			continue;
		ret = subnet_of(&net->ips[i], &s, err);
		if (ret < 0)
			return ret;

		/* Link-local multicast, and for IPv4 the local broadcast (strict
		 * DHCP clients refuse replies with a changed source port), leave
		 * unchanged. */
		rule_begin(r);
		if (r->dev)
			np_buf_addf(&r->b, "oifname \"%s\" ", r->dev);
		np_buf_addf(&r->b, "%s saddr %s %s daddr %s counter return", s.fam, s.cidr, s.fam,
			    s.family == AF_INET ? "224.0.0.0/24" : "ff02::/16");
		rule_end(r);
		if (s.family == AF_INET) {
			rule_begin(r);
			if (r->dev)
				np_buf_addf(&r->b, "oifname \"%s\" ", r->dev);
			np_buf_addf(&r->b, "ip saddr %s ip daddr 255.255.255.255 counter return",
				    s.cidr);
			rule_end(r);
		}
		for (size_t p = 0; p <= NP_ARRAY_SIZE(protos); p++) {
			rule_begin(r);
			if (p < NP_ARRAY_SIZE(protos))
				np_buf_addf(&r->b, "meta l4proto %s ", protos[p]);
			np_buf_addf(&r->b, "%s saddr %s %s daddr != %s ", s.fam, s.cidr, s.fam, s.cidr);
			if (r->dev)
				np_buf_addf(&r->b, "oifname \"%s\" ", r->dev);
			np_buf_add(&r->b, "counter ");
			nat_target(r, &s, p < NP_ARRAY_SIZE(protos) ? ports : NULL);
		}
	}
	chain_end(r);
	return 0;
}

bool np_fw_firewalled(const struct np_net *net)
{
	switch (net->forward.mode) {
	case NP_FWD_NONE:
	case NP_FWD_NAT:
	case NP_FWD_ROUTE:
		return true;
	case NP_FWD_OPEN:
	case NP_FWD_BRIDGE:
	case NP_FWD_PRIVATE:
	case NP_FWD_VEPA:
	case NP_FWD_PASSTHROUGH:
	case NP_FWD_HOSTDEV:
	case NP_FWD__MAX:
		break;
	}
	return false;
}

static int empty_script(char **ret)
{
	char *s = strdup("");

	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

static int finish(struct render *r, char **ret)
{
	char *s = np_buf_steal(&r->b);

	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

static int ruleset_render(const struct np_net *net, bool create, char **ret, struct np_err *err)
{
	np_cleanup(render_done) struct render r = { 0 };
	int rc;

	if (!np_fw_firewalled(net) && !np_fw_bw_wanted(net) && !net->vxlan)
		return empty_script(ret);
	rc = render_init(&r, net, err);
	if (rc < 0)
		return rc;
	rc = np_fw_pf_check(net, err);
	if (rc < 0)
		return rc;
	r.create = create;

	np_buf_add(&r.b, "add table " TABLE "\n");
	if (np_fw_firewalled(net)) {
		rc = render_filter(&r, err);
		if (rc < 0)
			return rc;
		/* Also drops a nat chain left by an earlier nat definition. */
		rc = render_nat(&r, err);
		if (rc < 0)
			return rc;
		np_fw_pf_render_nat(&r.b, create, net, r.br);
	}
	if (np_fw_bw_wanted(net)) {
		rc = np_fw_bw_render(net, r.br, create, &r.b, err);
		if (rc < 0)
			return rc;
	}
	np_fw_vx_render(&r.b, create, net, r.br);
	return finish(&r, ret);
}

int np_fw_ruleset_render(const struct np_net *net, char **ret, struct np_err *err)
{
	return ruleset_render(net, false, ret, err);
}

int np_fw_ruleset_create_render(const struct np_net *net, char **ret, struct np_err *err)
{
	return ruleset_render(net, true, ret, err);
}

int np_fw_ruleset_remove_render(const struct np_net *net, char **ret, struct np_err *err)
{
	np_cleanup(render_done) struct render r = { 0 };
	int rc;

	if (!np_fw_firewalled(net) && !np_fw_bw_wanted(net) && !net->vxlan)
		return empty_script(ret);
	rc = render_init(&r, net, err);
	if (rc < 0)
		return rc;

	/* The table stays: other networks' chains may live in it, and an empty
	 * table costs nothing. */
	np_buf_add(&r.b, "add table " TABLE "\n");
	chain_drop(&r, r.fwd);
	chain_drop(&r, r.nat);
	np_fw_pf_render_drop(&r.b, r.br);
	if (np_fw_bw_wanted(net))
		np_fw_bw_remove_render(r.br, &r.b);
	if (net->vxlan)
		np_fw_vx_render_drop(&r.b, r.br);
	return finish(&r, ret);
}
