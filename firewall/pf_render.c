/* nft rules for <netplumb:portForward> (issue 16), part of the network's one
 * transaction (fw_render.c calls in). Three chains of the network's own:
 *   pfd-BRIDGE  nat prerouting: DNAT of connections from outside and from
 *               guests (hairpin) to the host's address;
 *   pfo-BRIDGE  nat output: the same for connections the host makes itself;
 *   pfs-BRIDGE  nat postrouting: masquerade where the guest could not answer
 *               the real source (hairpin, and the host's loopback address);
 * and, in fwd-BRIDGE before its catch-all reject, an accept for exactly the
 * DNATed connections to the forwarded guest ports ("ct status dnat": a
 * packet sent straight to the guest's private address stays refused).
 * On route and open networks the guest is reachable as it is: only the
 * forward path opens (route; open has no rules at all). */
#include "firewall/pf_render.h"
#include "firewall/fw.h"

#include "common/addr.h"
#include "common/buf.h"
#include "common/err.h"
#include "xml/net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define TABLE "inet " NP_FW_TABLE

struct out {
	struct np_buf *b;
	bool create;
	const char *chain;
};

static void rule_begin(struct out *o)
{
	if (o->create)
		np_buf_add(o->b, " ");
	else
		np_buf_addf(o->b, "add rule " TABLE " %s ", o->chain);
}

static void rule_end(struct out *o)
{
	np_buf_add(o->b, o->create ? ";" : "\n");
}

static void chain_begin(struct out *o, const char *chain, const char *spec)
{
	o->chain = chain;
	if (o->create) {
		np_buf_addf(o->b, "add chain " TABLE " %s { %s; policy accept;", chain, spec);
		return;
	}
	np_buf_addf(o->b, "add chain " TABLE " %s { %s; policy accept; }\n", chain, spec);
	np_buf_addf(o->b, "flush chain " TABLE " %s\n", chain);
}

static void chain_end(struct out *o)
{
	if (o->create)
		np_buf_add(o->b, " }\n");
}

/* A forwarded stretch of ports: start..end go to to..to+(end-start). */
struct seg {
	unsigned lo, hi, to;
};

/* The first port >= p of lo..hi not excluded by pf, or 0. */
static unsigned next_kept(const struct np_portfwd *pf, unsigned p, unsigned hi)
{
	bool moved = true;

	while (moved && p <= hi) {
		moved = false;
		for (size_t i = 0; i < pf->n_ranges; i++) {
			const struct np_pf_range *x = &pf->ranges[i];

			if (x->exclude && p >= x->start && p <= x->end) {
				p = x->end + 1;
				moved = true;
			}
		}
	}
	return p <= hi ? p : 0;
}

/* The end of the kept stretch that starts at p (before the next exclusion). */
static unsigned kept_end(const struct np_portfwd *pf, unsigned p, unsigned hi)
{
	for (size_t i = 0; i < pf->n_ranges; i++) {
		const struct np_pf_range *x = &pf->ranges[i];

		if (x->exclude && x->start > p && x->start <= hi)
			hi = x->start - 1;
	}
	return hi;
}

typedef void (*seg_fn)(struct out *o, const struct np_net *net, const char *br,
		       const struct np_portfwd *pf, const struct seg *s);

static void each_seg(struct out *o, const struct np_net *net, const char *br,
		     const struct np_portfwd *pf, seg_fn fn)
{
	for (size_t i = 0; i < pf->n_ranges; i++) {
		const struct np_pf_range *r = &pf->ranges[i];
		unsigned p = r->start;

		if (r->exclude)
			continue;
		while (p && p <= r->end && (p = next_kept(pf, p, r->end))) {
			struct seg s = { .lo = p, .hi = kept_end(pf, p, r->end) };

			s.to = r->to + (s.lo - r->start);
			fn(o, net, br, pf, &s);
			p = s.hi + 1;
		}
	}
}

static const char *fam(const struct np_portfwd *pf)
{
	return pf->guest.family == AF_INET ? "ip" : "ip6";
}

static void ports(struct np_buf *b, unsigned lo, unsigned hi)
{
	if (lo == hi)
		np_buf_addf(b, "%u", lo);
	else
		np_buf_addf(b, "%u-%u", lo, hi);
}

/* Which connections a forward takes: to its address, or else to any
 * address of the host ("fib daddr type local"; without it, guests' own
 * connections to that port elsewhere would be caught too). */
static void dst_match(struct out *o, const struct np_portfwd *pf, const struct seg *s)
{
	char a[NP_ADDR_STRLEN];

	if (pf->address.family)
		np_buf_addf(o->b, "%s daddr %s ", fam(pf), np_addr_str(&pf->address, a));
	else
		np_buf_addf(o->b, "meta nfproto %s fib daddr type local ",
			    pf->guest.family == AF_INET ? "ipv4" : "ipv6");
	np_buf_addf(o->b, "%s dport ", np_pf_proto_names[pf->proto]);
	ports(o->b, s->lo, s->hi);
}

static void dnat_to(struct out *o, const struct np_portfwd *pf, const struct seg *s)
{
	bool v6 = pf->guest.family == AF_INET6;
	char a[NP_ADDR_STRLEN];

	np_buf_addf(o->b, " counter dnat %s to %s%s%s", fam(pf), v6 ? "[" : "",
		    np_addr_str(&pf->guest, a), v6 ? "]" : "");
	if (s->lo == s->hi) {
		np_buf_addf(o->b, ":%u", s->to);
		return;
	}
	if (s->to == s->lo)
		return; /* a range that keeps its ports */
	/* nft 1.0.6 has no port offset: one map element per port (the
	 * validator caps their number). */
	np_buf_addf(o->b, " : %s dport map { ", np_pf_proto_names[pf->proto]);
	for (unsigned p = s->lo; p <= s->hi; p++)
		np_buf_addf(o->b, "%s%u : %u", p == s->lo ? "" : ", ", p, s->to + (p - s->lo));
	np_buf_add(o->b, " }");
}

static void pre_rule(struct out *o, const struct np_net *net, const char *br,
		     const struct np_portfwd *pf, const struct seg *s)
{
	rule_begin(o);
	if (pf->dev)
		np_buf_addf(o->b, "iifname \"%s\" ", pf->dev);
	dst_match(o, pf, s);
	dnat_to(o, pf, s);
	rule_end(o);
}

/* A forward restricted to an incoming interface takes no connection the
 * host makes itself. */
static void out_rule(struct out *o, const struct np_net *net, const char *br,
		     const struct np_portfwd *pf, const struct seg *s)
{
	if (pf->dev)
		return;
	rule_begin(o);
	/* IPv6 has no route_localnet: the guest's answer, its destination
	 * restored to ::1, arrives on the bridge and the kernel finds no route
	 * for it (Ip6InNoRoutes). Rather than a connection that hangs, ::1
	 * is left alone: nothing listens there, so it is refused at once. */
	if (pf->guest.family == AF_INET6 && !pf->address.family)
		np_buf_add(o->b, "ip6 daddr != ::1 ");
	dst_match(o, pf, s);
	dnat_to(o, pf, s);
	rule_end(o);
}

static void accept_rule(struct out *o, const struct np_net *net, const char *br,
			const struct np_portfwd *pf, const struct seg *s)
{
	bool nat = net->forward.mode == NP_FWD_NAT;
	char a[NP_ADDR_STRLEN];

	rule_begin(o);
	if (pf->dev)
		np_buf_addf(o->b, "iifname \"%s\" ", pf->dev);
	np_buf_addf(o->b, "oifname \"%s\" %s daddr %s %s dport ", br, fam(pf),
		    np_addr_str(&pf->guest, a), np_pf_proto_names[pf->proto]);
	/* routed: the guest's ports as they are; nat: after DNAT */
	if (nat)
		ports(o->b, s->to, s->to + (s->hi - s->lo));
	else
		ports(o->b, s->lo, s->hi);
	np_buf_addf(o->b, "%s counter accept", nat ? " ct status dnat" : "");
	rule_end(o);
}

void np_fw_pf_render_accept(struct np_buf *b, bool create, const char *chain,
			    const struct np_net *net, const char *br)
{
	struct out o = { .b = b, .create = create, .chain = chain };

	if (net->forward.mode != NP_FWD_NAT && net->forward.mode != NP_FWD_ROUTE)
		return;
	for (size_t i = 0; i < net->n_portfwds; i++)
		each_seg(&o, net, br, &net->portfwds[i], accept_rule);
}

static bool has_v4(const struct np_net *net)
{
	for (size_t i = 0; i < net->n_portfwds; i++)
		if (net->portfwds[i].guest.family == AF_INET)
			return true;
	return false;
}

/* The validator's rules again, for what reaches nft text: the renderers
 * keep their promises for unvalidated input too (fuzz/fuzz-net.c). */
int np_fw_pf_check(const struct np_net *net, struct np_err *err)
{
	unsigned mapped = 0;

	if (net->n_portfwds > NP_MAX_PORTFWDS)
		return np_err_set(err, -E2BIG, "more than %d <netplumb:portForward> elements",
				  NP_MAX_PORTFWDS);
	for (size_t i = 0; i < net->n_portfwds; i++) {
		const struct np_portfwd *pf = &net->portfwds[i];

		if (pf->dev && np_fw_chain_names(pf->dev, NULL, NULL) < 0)
			return np_err_set(err, -EINVAL,
					  "<netplumb:portForward dev='%.64s'>: refused in firewall "
					  "rules (only 1-15 of A-Z a-z 0-9 _ . -)",
					  pf->dev);
		if ((pf->guest.family != AF_INET && pf->guest.family != AF_INET6) ||
		    (pf->address.family && pf->address.family != pf->guest.family))
			return np_err_set(err, -EINVAL,
					  "<netplumb:portForward>: guest and address must be of one "
					  "family");
		if (pf->n_ranges > NP_MAX_PF_RANGES)
			return np_err_set(err, -E2BIG, "more than %d <netplumb:range> elements",
					  NP_MAX_PF_RANGES);
		for (size_t k = 0; k < pf->n_ranges; k++) {
			const struct np_pf_range *r = &pf->ranges[k];

			if (!r->start || r->end < r->start || r->end > 65535 || !r->to ||
			    r->to + (r->end - r->start) > 65535)
				return np_err_set(err, -EINVAL,
						  "<netplumb:range start='%u'>: invalid port range",
						  r->start);
			if (!r->exclude && r->to != r->start)
				mapped += r->end - r->start + 1;
		}
	}
	if (mapped > NP_MAX_PF_MAPPED)
		return np_err_set(err, -E2BIG,
				  "more than %d ports in port forward ranges with a different "
				  "guest port",
				  NP_MAX_PF_MAPPED);
	return 0;
}

bool np_fw_pf_needs_localnet(const struct np_net *net)
{
	return net->forward.mode == NP_FWD_NAT && has_v4(net);
}

static void names(const char *br, char pre[NP_FW_CHAIN_MAX], char out[NP_FW_CHAIN_MAX],
		  char post[NP_FW_CHAIN_MAX])
{
	snprintf(pre, NP_FW_CHAIN_MAX, "pfd-%s", br);
	snprintf(out, NP_FW_CHAIN_MAX, "pfo-%s", br);
	snprintf(post, NP_FW_CHAIN_MAX, "pfs-%s", br);
}

static void drop(struct np_buf *b, const char *chain)
{
	np_buf_addf(b, "add chain " TABLE " %s\n", chain);
	np_buf_addf(b, "delete chain " TABLE " %s\n", chain);
}

void np_fw_pf_render_drop(struct np_buf *b, const char *br)
{
	char pre[NP_FW_CHAIN_MAX], out[NP_FW_CHAIN_MAX], post[NP_FW_CHAIN_MAX];

	names(br, pre, out, post);
	drop(b, pre);
	drop(b, out);
	drop(b, post);
}

void np_fw_pf_render_nat(struct np_buf *b, bool create, const struct np_net *net, const char *br)
{
	char pre[NP_FW_CHAIN_MAX], out[NP_FW_CHAIN_MAX], post[NP_FW_CHAIN_MAX];
	struct out o = { .b = b, .create = create };
	bool v6 = false;

	/* Without forwards nothing (a live update that deletes the last one
	 * adds np_fw_pf_render_drop()). */
	if (net->forward.mode != NP_FWD_NAT || !net->n_portfwds)
		return;
	for (size_t i = 0; i < net->n_portfwds; i++)
		v6 = v6 || net->portfwds[i].guest.family == AF_INET6;
	names(br, pre, out, post);

	chain_begin(&o, pre, "type nat hook prerouting priority -100");
	if (has_v4(net)) {
		/* route_localnet on the bridge (for the host's own 127.0.0.1
		 * connections, below) would also let guests reach the host's
		 * loopback services: new connections from the bridge to
		 * 127.0.0.0/8 are dropped here, before routing. */
		rule_begin(&o);
		np_buf_addf(b, "iifname \"%s\" ip daddr 127.0.0.0/8 counter drop", br);
		rule_end(&o);
	}
	for (size_t i = 0; i < net->n_portfwds; i++)
		each_seg(&o, net, br, &net->portfwds[i], pre_rule);
	chain_end(&o);

	chain_begin(&o, out, "type nat hook output priority -100");
	for (size_t i = 0; i < net->n_portfwds; i++)
		each_seg(&o, net, br, &net->portfwds[i], out_rule);
	chain_end(&o);

	chain_begin(&o, post, "type nat hook postrouting priority 100");
	/* Hairpin: a guest's connection to the host's address that comes
	 * back to a guest of this bridge must be answered through the host.
	 * By source subnet: postrouting has no input interface. (Guests of
	 * other networks are masqueraded by their own nat chain.) */
	for (size_t i = 0; i < net->n_ips; i++) {
		const struct np_ip *ip = &net->ips[i];
		struct np_addr n = np_addr_network(&ip->address, ip->prefix);
		char a[NP_ADDR_STRLEN];

		if (ip->address.family != AF_INET && ip->address.family != AF_INET6)
			continue;
		if (!(ip->address.family == AF_INET ? has_v4(net) : v6))
			continue;
		rule_begin(&o);
		np_buf_addf(b, "oifname \"%s\" %s saddr %s/%u ct status dnat counter masquerade", br,
			    ip->address.family == AF_INET ? "ip" : "ip6", np_addr_str(&n, a),
			    ip->prefix);
		rule_end(&o);
	}
	/* The host's own connections to 127.0.0.1 keep that source
	 * after DNAT in output; a guest cannot answer it. Masquerade gives
	 * them the bridge's address; the kernel routes a 127.0.0.0/8 source
	 * out of the bridge, and the reply's restored 127.0.0.1 destination
	 * in, only with route_localnet=1 on the bridge (a plan step). */
	if (has_v4(net)) {
		rule_begin(&o);
		np_buf_addf(b, "oifname \"%s\" ip saddr 127.0.0.0/8 ct status dnat counter masquerade",
			    br);
		rule_end(&o);
	}
	chain_end(&o);
}
