/* <netplumb:portForward> (issue 16): parse, format, validate, free. The
 * element lives in netplumb's own namespace, found by URI whatever prefix
 * the document uses (as libvirt finds dnsmasq:options). Ranges follow
 * libvirt's passt <portForward><range start end to exclude>. */
#include "xml/ext_portfwd.h"
#include "xml/net.h"
#include "xml/xml_priv.h"

#include "common/addr.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define perr np_xml_err_node

const char *const np_pf_proto_names[NP_PF__MAX] = {
	[NP_PF_TCP] = "tcp",
	[NP_PF_UDP] = "udp",
};

/* A net-update snippet may use the prefix without declaring it; libxml2
 * then keeps "netplumb:NAME" as the element's name, with no namespace. */
bool np_xml_pf_is(const xmlNode *n, const char *local)
{
	const char *name;

	if (n->type != XML_ELEMENT_NODE)
		return false;
	name = (const char *)n->name;
	if (n->ns && n->ns->href)
		return !strcmp((const char *)n->ns->href, NP_XML_NS) && !strcmp(name, local);
	return !strncmp(name, "netplumb:", 9) && !strcmp(name + 9, local);
}

static int parse_port(struct np_xml_pctx *c, xmlNode *n, const char *name, bool *has,
		      unsigned *ret)
{
	_np_free_ char *v = np_xml_prop(n, name);
	unsigned long long p;

	*has = v != NULL;
	if (!v)
		return 0;
	if (np_xml_parse_uint(v, 10, 65535, &p) < 0 || p == 0)
		return perr(c, n, name, "not a port number (1-65535)");
	*ret = (unsigned)p;
	return 0;
}

static int parse_range(struct np_xml_pctx *c, xmlNode *n, struct np_pf_range *r)
{
	_np_free_ char *ex = np_xml_prop(n, "exclude");
	bool has_start;
	int rc;

	if ((rc = parse_port(c, n, "start", &has_start, &r->start)) < 0)
		return rc;
	if (!has_start)
		return perr(c, n, NULL, "missing 'start' attribute");
	if ((rc = parse_port(c, n, "end", &r->has_end, &r->end)) < 0 ||
	    (rc = parse_port(c, n, "to", &r->has_to, &r->to)) < 0)
		return rc;
	if (!r->has_end)
		r->end = r->start;
	if (!r->has_to)
		r->to = r->start;
	if (r->end < r->start)
		return perr(c, n, "end", "end is below start");
	if (r->to + (r->end - r->start) > 65535)
		return perr(c, n, "to", "the range maps past port 65535");
	if (ex) {
		if (strcmp(ex, "yes") && strcmp(ex, "no"))
			return perr(c, n, "exclude", "expected 'yes' or 'no'");
		/* only 'yes' is kept: 'no' is the default and formats away */
		r->exclude = !strcmp(ex, "yes");
		if (r->exclude && r->has_to)
			return perr(c, n, "to", "an excluded range maps to no guest port");
	}
	return 0;
}

int np_xml_pf_parse_one(struct np_xml_pctx *c, xmlNode *n, struct np_portfwd *pf)
{
	_np_free_ char *proto = np_xml_prop(n, "proto");
	size_t k = 0;
	int r;

	if (!proto)
		return perr(c, n, NULL, "missing 'proto' attribute");
	if (!strcmp(proto, "tcp"))
		pf->proto = NP_PF_TCP;
	else if (!strcmp(proto, "udp"))
		pf->proto = NP_PF_UDP;
	else
		return perr(c, n, "proto", "expected 'tcp' or 'udp'");
	r = np_xml_prop_addr(c, n, "guest", 0, &pf->guest);
	if (r < 0)
		return r;
	if (r == 0)
		return perr(c, n, NULL, "missing 'guest' attribute");
	if ((r = np_xml_prop_addr(c, n, "address", 0, &pf->address)) < 0)
		return r;
	pf->dev = np_xml_prop(n, "dev");
	for (xmlNode *e = n->children; e; e = e->next)
		if (np_xml_pf_is(e, "range"))
			k++;
	if (!k)
		return perr(c, n, NULL, "no <netplumb:range> element");
	if (k > NP_MAX_PF_RANGES)
		return perr(c, n, NULL, "more than %d <netplumb:range> elements", NP_MAX_PF_RANGES);
	pf->ranges = calloc(k, sizeof(*pf->ranges));
	if (!pf->ranges)
		return -ENOMEM;
	for (xmlNode *e = n->children; e; e = e->next) {
		if (!np_xml_pf_is(e, "range"))
			continue;
		if ((r = parse_range(c, e, &pf->ranges[pf->n_ranges++])) < 0)
			return r;
	}
	return 0;
}

void np_xml_pf_clear(struct np_portfwd *pf)
{
	free(pf->dev);
	free(pf->ranges);
	*pf = (struct np_portfwd){ 0 };
}

void np_xml_pf_free(struct np_net *net)
{
	for (size_t i = 0; i < net->n_portfwds; i++)
		np_xml_pf_clear(&net->portfwds[i]);
	free(net->portfwds);
	net->portfwds = NULL;
	net->n_portfwds = 0;
}

int np_xml_pf_parse(struct np_xml_pctx *c, xmlNode *root, struct np_net *net)
{
	size_t k = 0;
	int r;

	for (xmlNode *n = root->children; n; n = n->next)
		if (np_xml_pf_is(n, "portForward"))
			k++;
	if (!k)
		return 0;
	if (k > NP_MAX_PORTFWDS)
		return perr(c, root, NULL, "more than %d <netplumb:portForward> elements",
			    NP_MAX_PORTFWDS);
	net->portfwds = calloc(k, sizeof(*net->portfwds));
	if (!net->portfwds)
		return -ENOMEM;
	for (xmlNode *n = root->children; n; n = n->next) {
		if (!np_xml_pf_is(n, "portForward"))
			continue;
		r = np_xml_pf_parse_one(c, n, &net->portfwds[net->n_portfwds++]);
		if (r < 0)
			return r;
	}
	return 0;
}

void np_xml_pf_format_one(struct np_buf *b, int indent, const struct np_portfwd *pf)
{
	char a[NP_ADDR_STRLEN];

	np_xml_indent(b, indent);
	np_buf_addf(b, "<netplumb:portForward proto='%s' guest='%s'", np_pf_proto_names[pf->proto],
		    np_addr_str(&pf->guest, a));
	if (pf->address.family)
		np_buf_addf(b, " address='%s'", np_addr_str(&pf->address, a));
	if (pf->dev) {
		np_buf_add(b, " dev='");
		np_xml_escape_attr(b, pf->dev);
		np_buf_add(b, "'");
	}
	np_buf_add(b, ">\n");
	for (size_t i = 0; i < pf->n_ranges; i++) {
		const struct np_pf_range *r = &pf->ranges[i];

		np_xml_indent(b, indent + 2);
		np_buf_addf(b, "<netplumb:range start='%u'", r->start);
		if (r->has_end)
			np_buf_addf(b, " end='%u'", r->end);
		if (r->has_to)
			np_buf_addf(b, " to='%u'", r->to);
		if (r->exclude)
			np_buf_add(b, " exclude='yes'");
		np_buf_add(b, "/>\n");
	}
	np_xml_indent(b, indent);
	np_buf_add(b, "</netplumb:portForward>\n");
}

void np_xml_pf_format(struct np_buf *b, int indent, const struct np_net *net)
{
	for (size_t i = 0; i < net->n_portfwds; i++)
		np_xml_pf_format_one(b, indent, &net->portfwds[i]);
}

/* ---- validation -------------------------------------------------------- */

static int verr(const char *file, struct np_err *err, const char *attr, const char *value,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int verr(const char *file, struct np_err *err, const char *attr, const char *value,
		const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (attr)
		return np_err_set(err, -EINVAL, "%s: <netplumb:portForward %s='%.64s'>: %s", file,
				  attr, value ? value : "", what);
	return np_err_set(err, -EINVAL, "%s: <netplumb:portForward>: %s", file, what);
}

static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < NP_IFNAMSIZ && s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
						     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] ==
							   '\0';
}

/* The ports a forward takes, one bit each, whole words at a time: the
 * overlap checks stay cheap at the element limits. */
#define PORT_WORDS (65536 / 64)
struct ports {
	uint64_t w[PORT_WORDS];
};

/* Sets the bits lo..hi. */
static void bits_set(struct ports *dst, unsigned lo, unsigned hi)
{
	for (unsigned w = lo / 64; w <= hi / 64; w++) {
		unsigned from = w == lo / 64 ? lo % 64 : 0, to = w == hi / 64 ? hi % 64 : 63;

		dst->w[w] |= (to == 63 ? ~0ULL : ((1ULL << (to + 1)) - 1)) & ~((1ULL << from) - 1);
	}
}

/* The ports pf forwards; a port two of its own ranges share is an error. */
static int ports_of(const char *file, struct np_err *err, const struct np_portfwd *pf,
		    struct ports *ret)
{
	struct ports excl = { 0 }, one;
	char v[16];

	*ret = (struct ports){ 0 };
	for (size_t i = 0; i < pf->n_ranges; i++)
		if (pf->ranges[i].exclude)
			bits_set(&excl, pf->ranges[i].start, pf->ranges[i].end);
	for (size_t i = 0; i < pf->n_ranges; i++) {
		const struct np_pf_range *r = &pf->ranges[i];
		unsigned p;

		if (r->exclude)
			continue;
		one = (struct ports){ 0 };
		bits_set(&one, r->start, r->end);
		for (size_t k = 0; k < PORT_WORDS; k++)
			one.w[k] &= ~excl.w[k];
		for (size_t k = 0; k < PORT_WORDS; k++)
			if (one.w[k] & ret->w[k]) {
				p = (unsigned)(k * 64) + (unsigned)__builtin_ctzll(one.w[k] & ret->w[k]);
				snprintf(v, sizeof(v), "%u", r->start);
				return np_err_set(err, -EINVAL,
						  "%s: <netplumb:range start='%s'>: port %u is "
						  "already forwarded (overlapping ranges)",
						  file, v, p);
			}
		for (size_t k = 0; k < PORT_WORDS; k++)
			ret->w[k] |= one.w[k];
	}
	return 0;
}

/* Two forwards that can see the same packet: same protocol and family, the
 * same or no address, the same or no dev. */
static bool may_meet(const struct np_portfwd *a, const struct np_portfwd *b)
{
	if (a->proto != b->proto || a->guest.family != b->guest.family)
		return false;
	if (a->address.family && b->address.family && !np_addr_equal(&a->address, &b->address))
		return false;
	if (a->dev && b->dev && strcmp(a->dev, b->dev))
		return false;
	return true;
}

static int check_one(const struct np_net *net, const char *file, struct np_err *err,
		     const struct np_portfwd *pf, unsigned *mapped)
{
	char a[NP_ADDR_STRLEN];
	bool in = false;
	size_t used = 0;

	np_addr_str(&pf->guest, a);
	if (net->forward.mode != NP_FWD_NAT && net->forward.mode != NP_FWD_ROUTE &&
	    net->forward.mode != NP_FWD_OPEN)
		return verr(file, err, "guest", a,
			    "port forwarding needs a nat, route or open network, not '%s'",
			    np_fwd_mode_names[net->forward.mode]);
	if (pf->guest.family != AF_INET && pf->guest.family != AF_INET6)
		return verr(file, err, NULL, NULL, "missing 'guest' attribute");
	for (size_t i = 0; i < net->n_ips; i++) {
		const struct np_ip *ip = &net->ips[i];

		if (ip->address.family != pf->guest.family)
			continue;
		if (np_addr_equal(&ip->address, &pf->guest))
			return verr(file, err, "guest", a, "is the bridge's own address");
		if (np_addr_in_subnet(&pf->guest, &ip->address, ip->prefix)) {
			struct np_addr n = np_addr_network(&ip->address, ip->prefix);
			struct np_addr bc = np_addr_broadcast(&ip->address, ip->prefix);

			if (np_addr_equal(&n, &pf->guest) ||
			    (pf->guest.family == AF_INET && np_addr_equal(&bc, &pf->guest)))
				return verr(file, err, "guest", a,
					    "is the subnet's network or broadcast address");
			in = true;
		}
	}
	if (!in)
		return verr(file, err, "guest", a, "not inside any <ip> subnet of the network");
	if (pf->address.family && pf->address.family != pf->guest.family)
		return verr(file, err, "address", np_addr_str(&pf->address, a),
			    "not of the guest address's family");
	if (pf->dev && !ifname_ok(pf->dev))
		return verr(file, err, "dev", pf->dev,
			    "not an interface name (1-15 of A-Z a-z 0-9 _ . -)");
	if (!pf->n_ranges || pf->n_ranges > NP_MAX_PF_RANGES)
		return verr(file, err, NULL, NULL, "needs 1 to %d <netplumb:range> elements",
			    NP_MAX_PF_RANGES);
	for (size_t i = 0; i < pf->n_ranges; i++) {
		const struct np_pf_range *r = &pf->ranges[i];
		char v[16];

		snprintf(v, sizeof(v), "%u", r->start);
		if (!r->start || r->end < r->start || r->end > 65535 || !r->to ||
		    r->to + (r->end - r->start) > 65535)
			return np_err_set(err, -EINVAL,
					  "%s: <netplumb:range start='%s'>: ports must be 1-65535, "
					  "end not below start",
					  file, v);
		if (r->exclude && r->has_to)
			return np_err_set(err, -EINVAL,
					  "%s: <netplumb:range start='%s'>: an excluded range maps "
					  "to no guest port",
					  file, v);
		if (!r->exclude)
			used++;
		if (!r->exclude && r->to != r->start && r->end > r->start)
			*mapped += r->end - r->start + 1;
	}
	if (!used)
		return verr(file, err, "guest", a, "every range is excluded");
	if (*mapped > NP_MAX_PF_MAPPED)
		return verr(file, err, "guest", a,
			    "more than %d ports in ranges with a different guest port ('to')",
			    NP_MAX_PF_MAPPED);
	return 0;
}

int np_xml_pf_validate(const struct np_net *net, const char *file, struct np_err *err)
{
	_np_free_ struct ports *ports = NULL;
	char a[NP_ADDR_STRLEN];
	unsigned mapped = 0;
	int r;

	if (net->n_portfwds > NP_MAX_PORTFWDS)
		return np_err_set(err, -E2BIG, "%s: more than %d <netplumb:portForward> elements",
				  file, NP_MAX_PORTFWDS);
	for (size_t i = 0; i < net->n_portfwds; i++)
		if ((r = check_one(net, file, err, &net->portfwds[i], &mapped)) < 0)
			return r;
	if (!net->n_portfwds)
		return 0;
	ports = calloc(net->n_portfwds, sizeof(*ports));
	if (!ports)
		return -ENOMEM;
	for (size_t i = 0; i < net->n_portfwds; i++)
		if ((r = ports_of(file, err, &net->portfwds[i], &ports[i])) < 0)
			return r;
	/* Two forwards that can see the same packet share no port. */
	for (size_t i = 0; i < net->n_portfwds; i++) {
		for (size_t j = i + 1; j < net->n_portfwds; j++) {
			if (!may_meet(&net->portfwds[i], &net->portfwds[j]))
				continue;
			for (size_t k = 0; k < PORT_WORDS; k++) {
				uint64_t both = ports[i].w[k] & ports[j].w[k];

				if (both)
					return verr(file, err, "guest",
						    np_addr_str(&net->portfwds[j].guest, a),
						    "port %u is already forwarded by another "
						    "portForward (overlapping ranges)",
						    (unsigned)(k * 64) +
							    (unsigned)__builtin_ctzll(both));
			}
		}
	}
	return 0;
}
