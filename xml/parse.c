/* <network> XML -> struct np_net, with libvirt's parse-time checks
 * (virNetworkDefParseXML). Elements are read in libvirt's order so the first
 * error reported is the one libvirt would report. This file holds the
 * document-level guards and the top-level elements; parse_*.c the rest. */
#include "xml/xml.h"
#include "xml/net.h"
#include "xml/xml_priv.h"
#include "xml/ext_portfwd.h"
#include "xml/ext_vxlan.h"
#include "xml/ext_qemu.h"

#include "common/addr.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#define DNSMASQ_NS "http://libvirt.org/schemas/network/dnsmasq/1.0"

#define perr np_xml_err_node

static char *content_nonempty(xmlNode *n)
{
	char *s = n ? np_xml_content(n) : NULL;

	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

static int parse_bridge(struct np_xml_pctx *c, xmlNode *n, struct np_bridge *b)
{
	_np_free_ char *stp = NULL, *delay = NULL;

	b->present = true;
	b->name = np_xml_prop_nonempty(n, "name");
	b->zone = np_xml_prop_nonempty(n, "zone");
	stp = np_xml_prop_nonempty(n, "stp");
	/* libvirt: anything but "off" means on */
	if (stp)
		b->stp = !strcmp(stp, "off") ? NP_TRI_NO : NP_TRI_YES;
	delay = np_xml_prop_nonempty(n, "delay");
	if (delay) {
		unsigned long long v;

		if (np_xml_parse_uint(delay, 10, ULONG_MAX, &v) < 0)
			return perr(c, n, "delay", "not a number");
		b->has_delay = true;
		b->delay = (unsigned long)v;
	}
	b->mac_table_manager = np_xml_prop_nonempty(n, "macTableManager");
	if (b->mac_table_manager && strcmp(b->mac_table_manager, "kernel") &&
	    strcmp(b->mac_table_manager, "libvirt"))
		return perr(c, n, "macTableManager", "expected 'kernel' or 'libvirt'");
	return 0;
}

static bool is_dnsmasq(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       !strcmp((const char *)n->ns->href, DNSMASQ_NS) &&
	       !strcmp((const char *)n->name, name);
}

/* libvirt's namespace hook reads ./dnsmasq:options/dnsmasq:option by
 * namespace URI, whatever prefix the document uses. */
static int parse_dnsmasq_options(struct np_xml_pctx *c, xmlNode *root, struct np_net *net)
{
	size_t k = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (xmlNode *o = root->children; o; o = o->next) {
			if (!is_dnsmasq(o, "options"))
				continue;
			for (xmlNode *e = o->children; e; e = e->next) {
				struct np_dnsmasq_option *opt;

				if (!is_dnsmasq(e, "option"))
					continue;
				if (pass == 0) {
					k++;
					continue;
				}
				opt = &net->dnsmasq_options[net->n_dnsmasq_options++];
				opt->value = np_xml_prop_nonempty(e, "value");
				if (!opt->value)
					return perr(c, e, NULL, "missing 'value' attribute");
			}
		}
		if (!k)
			return 0;
		if (k > NP_MAX_DNSMASQ_OPTIONS)
			return perr(c, root, NULL, "more than %d dnsmasq options",
				    NP_MAX_DNSMASQ_OPTIONS);
		if (pass == 0 && !(net->dnsmasq_options = calloc(k, sizeof(*net->dnsmasq_options))))
			return -ENOMEM;
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

	ipv6 = np_xml_prop_nonempty(root, "ipv6");
	if (ipv6) {
		if (!strcmp(ipv6, "yes"))
			net->ipv6 = NP_TRI_YES;
		else if (!strcmp(ipv6, "no"))
			net->ipv6 = NP_TRI_NO;
		else
			return perr(c, root, "ipv6", "expected 'yes' or 'no'");
	}
	if ((r = np_xml_prop_yesno(c, root, "trustGuestRxFilters", &net->trust_guest_rx_filters)) < 0)
		return r;

	if ((n = np_xml_child(root, "domain"))) {
		net->domain.name = np_xml_prop(n, "name");
		if ((r = np_xml_prop_yesno(c, n, "localOnly", &net->domain.local_only)) < 0 ||
		    (r = np_xml_prop_yesno(c, n, "register", &net->domain.reg)) < 0)
			return r;
	}
	if ((n = np_xml_child(root, "bandwidth")) &&
	    (r = np_xml_parse_bandwidth(c, n, &x->bandwidth)) < 0)
		return r;
	if ((n = np_xml_child(root, "vlan")) && (r = np_xml_parse_vlan(c, n, &x->vlan)) < 0)
		return r;
	if ((r = np_xml_prop_yesno(c, np_xml_child(root, "port"), "isolated", &net->isolated_port)) < 0)
		return r;

	if ((n = np_xml_child(root, "bridge")) && (r = parse_bridge(c, n, &net->bridge)) < 0)
		return r;

	if ((n = np_xml_child(root, "mac"))) {
		_np_free_ char *mac = np_xml_prop_nonempty(n, "address");

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
		_np_free_ char *mtu = np_xml_prop_nonempty(n, "size");
		unsigned long long v;

		if (mtu) {
			if (np_xml_parse_uint(mtu, 10, UINT_MAX, &v) < 0)
				return perr(c, n, "size", "not a number");
			/* libvirt treats mtu size 0 as unset */
			net->has_mtu = v > 0;
			net->mtu = (unsigned)v;
		}
	}

	if ((n = np_xml_child(root, "dns")) && (r = np_xml_parse_dns(c, n, &net->dns)) < 0)
		return r;

	if ((n = np_xml_child(root, "virtualport")) &&
	    (r = np_xml_parse_vport(c, n, true, &x->vport)) < 0)
		return r;

	if ((r = np_xml_children_get(c, root, "portgroup", NP_MAX_PORTGROUPS, &pg_nodes, &npgs)) < 0)
		return r;
	if (npgs && !(x->portgroups = calloc(npgs, sizeof(*x->portgroups))))
		return -ENOMEM;
	for (size_t i = 0; i < npgs; i++) {
		x->n_portgroups++;
		if ((r = np_xml_parse_portgroup(c, pg_nodes[i], &x->portgroups[i])) < 0)
			return r;
	}

	if ((r = np_xml_children_get(c, root, "ip", NP_MAX_IPS, &ip_nodes, &nips)) < 0)
		return r;
	if (nips && !(net->ips = calloc(nips, sizeof(*net->ips))))
		return -ENOMEM;
	for (size_t i = 0; i < nips; i++) {
		net->n_ips++;
		if ((r = np_xml_parse_ip(c, ip_nodes[i], &net->ips[i])) < 0)
			return r;
	}

	if ((r = np_xml_children_get(c, root, "route", NP_MAX_ROUTES, &route_nodes, &nroutes)) < 0)
		return r;
	if (nroutes && !(net->routes = calloc(nroutes, sizeof(*net->routes))))
		return -ENOMEM;
	for (size_t i = 0; i < nroutes; i++) {
		net->n_routes++;
		if ((r = np_xml_parse_route(c, route_nodes[i], &net->routes[i])) < 0)
			return r;
	}
	if ((r = np_xml_check_route_gateways(c, route_nodes, net)) < 0)
		return r;

	if ((n = np_xml_child(root, "forward")) && (r = np_xml_parse_forward(c, n, net)) < 0)
		return r;
	if ((r = np_xml_check_mode(c, root, net)) < 0)
		return r;

	if ((n = np_xml_child(root, "metadata")) &&
	    (r = np_xml_parse_metadata(c, n, &x->metadata)) < 0)
		return r;
	if ((r = parse_dnsmasq_options(c, root, net)) < 0)
		return r;
	if ((r = np_xml_pf_parse(c, root, net)) < 0)
		return r;
	if ((r = np_xml_vx_parse(c, root, net)) < 0)
		return r;
	return np_xml_qemu_parse(c, root, net);
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
	struct np_xml_quiet quiet;
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
	np_xml_quiet_begin(&quiet);
	doc = xmlCtxtReadMemory(p, data, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
					XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES |
					XML_PARSE_NOCDATA);
	np_xml_quiet_end(&quiet);
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
	if (!root || !np_xml_is_elem(root, "network"))
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
