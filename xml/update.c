/* net-update on the model: libvirt's virNetworkDefUpdateSection and the
 * per-section functions it calls, rule for rule (which commands a section
 * takes, what counts as a duplicate, how modify and delete find their entry).
 * The snippet is parsed with the same guards as a whole network (no DTD, no
 * entities, size and depth limits), then net is changed only once every
 * check has passed, so a failure leaves it as it was. */
#include "xml/update.h"
#include "xml/update_priv.h"
#include "xml/net.h"

#include "common/addr.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <limits.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define perr np_xml_err_node

const char *const np_update_cmd_names[NP_UPDATE__MAX] = {
	[NP_UPDATE_NONE] = "none",	     [NP_UPDATE_MODIFY] = "modify",
	[NP_UPDATE_DELETE] = "delete",	     [NP_UPDATE_ADD_LAST] = "add-last",
	[NP_UPDATE_ADD_FIRST] = "add-first",
};

const char *const np_update_section_names[NP_SECTION__MAX] = {
	[NP_SECTION_NONE] = "none",
	[NP_SECTION_BRIDGE] = "bridge",
	[NP_SECTION_DOMAIN] = "domain",
	[NP_SECTION_IP] = "ip",
	[NP_SECTION_IP_DHCP_HOST] = "ip-dhcp-host",
	[NP_SECTION_IP_DHCP_RANGE] = "ip-dhcp-range",
	[NP_SECTION_FORWARD] = "forward",
	[NP_SECTION_FORWARD_INTERFACE] = "forward-interface",
	[NP_SECTION_FORWARD_PF] = "forward-pf",
	[NP_SECTION_PORTGROUP] = "portgroup",
	[NP_SECTION_DNS_HOST] = "dns-host",
	[NP_SECTION_DNS_TXT] = "dns-txt",
	[NP_SECTION_DNS_SRV] = "dns-srv",
	[NP_SECTION_PORT_FORWARD] = "port-forward",
	[NP_SECTION_VXLAN_REMOTE] = "vxlan-remote",
};

int np_update_cmd_parse(const char *s, enum np_update_cmd *ret, struct np_err *err)
{
	/* virsh: "add" is a synonym for "add-last" */
	if (!strcmp(s, "add")) {
		*ret = NP_UPDATE_ADD_LAST;
		return 0;
	}
	for (int i = NP_UPDATE_NONE + 1; i < NP_UPDATE__MAX; i++)
		if (!strcmp(s, np_update_cmd_names[i])) {
			*ret = (enum np_update_cmd)i;
			return 0;
		}
	return np_err_set(err, -EINVAL, "unrecognized command name '%s'", s);
}

int np_update_section_parse(const char *s, enum np_update_section *ret, struct np_err *err)
{
	for (int i = NP_SECTION_NONE + 1; i < NP_SECTION__MAX; i++)
		if (!strcmp(s, np_update_section_names[i])) {
			*ret = (enum np_update_section)i;
			return 0;
		}
	return np_err_set(err, -EINVAL, "unrecognized section name '%s'", s);
}

bool np_upd_is_add(const struct upd *u)
{
	return u->cmd == NP_UPDATE_ADD_FIRST || u->cmd == NP_UPDATE_ADD_LAST;
}

/* "section: what" for errors that are not about one attribute. */
int np_upd_err(const struct upd *u, int r, const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return np_err_set(u->c.err, r, "%s: %s", u->section, what);
}

int np_upd_check_element(struct upd *u, const char *name)
{
	if (strcmp((const char *)u->node->name, name))
		return perr(&u->c, u->node, NULL,
			    "unexpected element <%s>, expecting <%s>, while updating network '%s'",
			    (const char *)u->node->name, name, u->net->name);
	return 0;
}

/* Grows *arr by one element of size at index at, filled from elem. */
int np_upd_insert(void *arrp, size_t *n, size_t size, size_t at, const void *elem)
{
	char **arr = arrp;
	char *p = realloc(*arr, (*n + 1) * size);

	if (!p)
		return -ENOMEM;
	memmove(p + (at + 1) * size, p + at * size, (*n - at) * size);
	memcpy(p + at * size, elem, size);
	*arr = p;
	(*n)++;
	return 0;
}

void np_upd_remove(void *arr, size_t *n, size_t size, size_t at)
{
	char *p = arr;

	memmove(p + at * size, p + (at + 1) * size, (*n - at - 1) * size);
	(*n)--;
}

size_t np_upd_add_pos(const struct upd *u, size_t n)
{
	return u->cmd == NP_UPDATE_ADD_FIRST ? 0 : n;
}

bool np_upd_ip_eq(const struct np_addr *key, const struct np_addr *have)
{
	return np_addr_is_set(key) && np_addr_equal(key, have);
}

/* " name='value'" appended when value is set. */
void np_upd_attr(char *buf, size_t len, const char *name, const char *value)
{
	size_t off = strlen(buf);

	if (value && off < len)
		snprintf(buf + off, len - off, " %s='%s'", name, value);
}

static int no_support(const struct upd *u)
{
	return np_upd_err(u, -EOPNOTSUPP, "can't update '%s' section of network '%s'", u->section,
			  u->net->name);
}

/* ---- the snippet document ------------------------------------------------- */

struct guard {
	bool dtd;
	int line;
	char msg[256];
};

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
	on_error(((xmlParserCtxt *)user)->_private, e);
}

/* A DTD is where entities come from; a snippet never needs one. */
static void on_subset(void *ctx, const xmlChar *name, const xmlChar *eid, const xmlChar *sid)
{
	xmlParserCtxt *p = ctx;

	((struct guard *)p->_private)->dtd = true;
	xmlStopParser(p);
}

static void on_entity(void *ctx, const xmlChar *name, int type, const xmlChar *pid,
		      const xmlChar *sid, xmlChar *content)
{
	on_subset(ctx, NULL, NULL, NULL);
}

static int check_tree(struct np_xml_pctx *c, xmlNode *n, int depth, size_t *count)
{
	for (; n; n = n->next) {
		int r;

		(*count)++;
		for (xmlAttr *a = n->type == XML_ELEMENT_NODE ? n->properties : NULL; a;
		     a = a->next)
			(*count)++;
		if (*count > NP_MAX_XML_NODES)
			return perr(c, n, NULL, "snippet has more than %d nodes", NP_MAX_XML_NODES);
		if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_NODE ||
		    n->type == XML_DTD_NODE || n->type == XML_ENTITY_DECL)
			return perr(c, n->parent, NULL, "entities are not allowed");
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (depth >= NP_MAX_XML_DEPTH)
			return perr(c, n, NULL, "elements nested deeper than %d", NP_MAX_XML_DEPTH);
		if ((r = check_tree(c, n->children, depth + 1, count)) < 0)
			return r;
	}
	return 0;
}

static void freectxt(xmlParserCtxt **p)
{
	if (*p)
		xmlFreeParserCtxt(*p);
}

static int snippet_parse(struct np_xml_pctx *c, const char *data, size_t len, xmlDoc **ret)
{
	np_cleanup(freectxt) xmlParserCtxt *p = NULL;
	struct guard g = { 0 };
	size_t count = 0;
	xmlDoc *doc;
	int r;

	if (len > NP_MAX_XML_SIZE)
		return np_err_set(c->err, -EFBIG, "%s: larger than %d bytes", c->file,
				  NP_MAX_XML_SIZE);
	struct np_xml_quiet quiet;

	p = xmlNewParserCtxt();
	if (!p || !p->sax)
		return -ENOMEM;
	p->_private = &g;
	p->sax->internalSubset = on_subset;
	p->sax->externalSubset = on_subset;
	p->sax->entityDecl = on_entity;
	p->sax->serror = on_error_sax;
	/* libxml2 prints some encoding errors itself: keep stderr to our one line. */
	np_xml_quiet_begin(&quiet);
	doc = xmlCtxtReadMemory(p, data, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
					XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	np_xml_quiet_end(&quiet);
	if (g.dtd || (doc && (doc->intSubset || doc->extSubset))) {
		r = np_err_set(c->err, -EINVAL, "%s: DTDs and entity declarations are not allowed",
			       c->file);
		goto fail;
	}
	if (!doc || !p->wellFormed || !xmlDocGetRootElement(doc)) {
		if (!g.msg[0])
			on_error(&g, xmlCtxtGetLastError(p));
		if (!g.msg[0])
			snprintf(g.msg, sizeof(g.msg), "not well-formed XML");
		r = g.line > 0 ? np_err_set(c->err, -EINVAL, "%s:%d: %s", c->file, g.line, g.msg)
			       : np_err_set(c->err, -EINVAL, "%s: %s", c->file, g.msg);
		goto fail;
	}
	if ((r = check_tree(c, xmlDocGetRootElement(doc), 0, &count)) < 0)
		goto fail;
	*ret = doc;
	return 0;
fail:
	if (doc)
		xmlFreeDoc(doc);
	return r;
}

int np_xml_net_update(struct np_net *net, enum np_update_cmd cmd, enum np_update_section section,
		      int parent_index, const char *xml, size_t len, struct np_err *err)
{
	const char *sname = section < NP_SECTION__MAX ? np_update_section_names[section] : "?";
	struct upd u = {
		.c = { .file = sname, .err = err },
		.net = net,
		.cmd = cmd,
		.parent_index = parent_index,
		.section = sname,
	};
	xmlDoc *doc = NULL;
	int r;

	if (section <= NP_SECTION_NONE || section >= NP_SECTION__MAX)
		return np_err_set(err, -EINVAL, "unrecognized network update section code %d",
				  (int)section);
	if (cmd <= NP_UPDATE_NONE || cmd >= NP_UPDATE__MAX)
		return np_upd_err(&u, -EINVAL, "unrecognized network update command code %d",
				  (int)cmd);
	if (len > INT_MAX)
		return -EFBIG;
	r = snippet_parse(&u.c, xml, len, &doc);
	if (r < 0)
		return r == -ENOMEM ? np_err_set(err, r, "%s: out of memory", sname) : r;
	u.node = xmlDocGetRootElement(doc);

	switch (section) {
	case NP_SECTION_IP_DHCP_HOST:
		r = np_upd_dhcp_host(&u);
		break;
	case NP_SECTION_IP_DHCP_RANGE:
		r = np_upd_dhcp_range(&u);
		break;
	case NP_SECTION_FORWARD_INTERFACE:
		r = np_upd_forward_if(&u);
		break;
	case NP_SECTION_PORTGROUP:
		r = np_upd_portgroup(&u);
		break;
	case NP_SECTION_DNS_HOST:
		r = np_upd_dns_host(&u);
		break;
	case NP_SECTION_DNS_TXT:
		r = np_upd_dns_txt(&u);
		break;
	case NP_SECTION_DNS_SRV:
		r = np_upd_dns_srv(&u);
		break;
	case NP_SECTION_PORT_FORWARD:
		r = np_upd_portfwd(&u);
		break;
	case NP_SECTION_VXLAN_REMOTE:
		r = np_upd_vxlan_remote(&u);
		break;
	case NP_SECTION_BRIDGE:
	case NP_SECTION_DOMAIN:
	case NP_SECTION_IP:
	case NP_SECTION_FORWARD:
	case NP_SECTION_FORWARD_PF:
		r = no_support(&u);
		break;
	case NP_SECTION_NONE:
	case NP_SECTION__MAX:
		r = -EINVAL; /* refused above */
		break;
	}
	xmlFreeDoc(doc);
	if (r == -ENOMEM)
		return np_err_set(err, r, "%s: out of memory", sname);
	return r;
}
