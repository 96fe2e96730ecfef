/* Helpers shared by the parse files: child lookup, attribute reading as
 * libvirt reads them, and the "FILE:LINE: <element attr='value'>: what"
 * error form. */
#include "xml/net.h"
#include "xml/xml_priv.h"

#include "common/addr.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <libxml/globals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define perr np_xml_err_node

bool np_xml_is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !n->ns && !strcmp((const char *)n->name, name);
}

xmlNode *np_xml_child(xmlNode *n, const char *name)
{
	for (xmlNode *ch = n ? n->children : NULL; ch; ch = ch->next)
		if (np_xml_is_elem(ch, name))
			return ch;
	return NULL;
}

size_t np_xml_children(xmlNode *n, const char *name)
{
	size_t k = 0;

	for (xmlNode *ch = n ? n->children : NULL; ch; ch = ch->next)
		if (np_xml_is_elem(ch, name))
			k++;
	return k;
}

static char *xdup(xmlChar *x)
{
	char *s;

	if (!x)
		return NULL;
	s = strdup((const char *)x);
	xmlFree(x);
	return s;
}

char *np_xml_content(xmlNode *n)
{
	return xdup(xmlNodeGetContent(n));
}

/* Like libvirt's virXMLPropString: "" stays "". NULL when absent (or OOM,
 * which callers that need to tell apart check with xmlHasNsProp). */
char *np_xml_prop(xmlNode *n, const char *name)
{
	return n ? xdup(xmlGetNoNsProp(n, (const xmlChar *)name)) : NULL;
}

/* Like libvirt's virXPathString("string(./@name)"): "" counts as absent. */
char *np_xml_prop_nonempty(xmlNode *n, const char *name)
{
	char *s = np_xml_prop(n, name);

	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* Decimal (base 10) or C-style (base 0) unsigned number, whole string. */
int np_xml_parse_uint(const char *s, int base, unsigned long long max, unsigned long long *ret)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static void append_trunc(char *out, size_t size, const char *s)
{
	size_t len = strlen(out), n = strlen(s);

	if (n > 64) {
		snprintf(out + len, size - len, "%.61s...", s);
		return;
	}
	snprintf(out + len, size - len, "%s", s);
}

/* "FILE:LINE: <elem attr='value'>: what". attr "#text" shows the element's
 * text instead; an attribute that is absent shows just "<elem>". */
static int err_vnode(struct np_xml_pctx *c, xmlNode *n, const char *attr, const char *fmt,
		     va_list ap) __attribute__((format(printf, 4, 0)));
static int err_vnode(struct np_xml_pctx *c, xmlNode *n, const char *attr, const char *fmt,
		     va_list ap)
{
	char where[256] = "";
	char what[512];
	long line = n ? xmlGetLineNo(n) : -1;

	if (n) {
		_np_free_ char *val = NULL;
		const char *prefix = n->ns && n->ns->prefix ? (const char *)n->ns->prefix : NULL;

		snprintf(where, sizeof(where), "<%s%s%s", prefix ? prefix : "", prefix ? ":" : "",
			 (const char *)n->name);
		if (attr && !strcmp(attr, "#text")) {
			val = np_xml_content(n);
			append_trunc(where, sizeof(where), ">");
			append_trunc(where, sizeof(where), val ? val : "");
			snprintf(where + strlen(where), sizeof(where) - strlen(where), "</%s>",
				 (const char *)n->name);
		} else {
			if (attr && (val = np_xml_prop(n, attr))) {
				snprintf(where + strlen(where), sizeof(where) - strlen(where),
					 " %s='", attr);
				append_trunc(where, sizeof(where), val);
				append_trunc(where, sizeof(where), "'");
			}
			append_trunc(where, sizeof(where), ">");
		}
	}
	vsnprintf(what, sizeof(what), fmt, ap);
	if (line > 0)
		return np_err_set(c->err, -EINVAL, "%s:%ld: %s: %s", c->file, line, where, what);
	if (n)
		return np_err_set(c->err, -EINVAL, "%s: %s: %s", c->file, where, what);
	return np_err_set(c->err, -EINVAL, "%s: %s", c->file, what);
}

int np_xml_err_node(struct np_xml_pctx *c, xmlNode *n, const char *attr, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = err_vnode(c, n, attr, fmt, ap);
	va_end(ap);
	return r;
}

/* yes/no attribute into a tristate (virXMLPropTristateBool). */
int np_xml_prop_yesno(struct np_xml_pctx *c, xmlNode *n, const char *name,
		      enum np_tristate *ret)
{
	_np_free_ char *v = np_xml_prop(n, name);

	*ret = NP_TRI_ABSENT;
	if (!v)
		return 0;
	if (!strcmp(v, "yes"))
		*ret = NP_TRI_YES;
	else if (!strcmp(v, "no"))
		*ret = NP_TRI_NO;
	else
		return perr(c, n, name, "expected 'yes' or 'no'");
	return 0;
}

/* Unsigned decimal attribute: 0 absent, 1 present, -EINVAL bad. */
int np_xml_prop_uint(struct np_xml_pctx *c, xmlNode *n, const char *name, int base,
		     unsigned long long max, unsigned long long *ret)
{
	_np_free_ char *v = np_xml_prop(n, name);

	if (!v)
		return 0;
	if (np_xml_parse_uint(v, base, max, ret) < 0)
		return perr(c, n, name, "not a number in the range 0-%llu", max);
	return 1;
}

int np_xml_prop_addr(struct np_xml_pctx *c, xmlNode *n, const char *name, int family,
		     struct np_addr *ret)
{
	_np_free_ char *v = np_xml_prop(n, name);

	if (!v)
		return 0;
	if (np_xml_addr_parse(v, family, ret) < 0)
		return perr(c, n, name, "%s",
			    family == AF_INET	 ? "not an IPv4 address" :
			    family == AF_INET6 ? "not an IPv6 address" :
						   "not an IP address");
	return 1;
}

static int too_many(struct np_xml_pctx *c, xmlNode *n, const char *what, size_t max)
{
	return perr(c, n, NULL, "more than %zu <%s> elements", max, what);
}

/* Collects the element children called name into a new array. */
int np_xml_children_get(struct np_xml_pctx *c, xmlNode *n, const char *name, size_t max,
		    xmlNode ***ret, size_t *ret_n)
{
	size_t k = np_xml_children(n, name), i = 0;
	xmlNode **v;

	*ret = NULL;
	*ret_n = 0;
	if (!k)
		return 0;
	if (k > max)
		return too_many(c, n, name, max);
	v = calloc(k, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (xmlNode *ch = n->children; ch; ch = ch->next)
		if (np_xml_is_elem(ch, name))
			v[i++] = ch;
	*ret = v;
	*ret_n = k;
	return 0;
}

static void quiet(void *ctx, const char *msg, ...)
{
}

void np_xml_quiet_begin(struct np_xml_quiet *q)
{
	q->func = xmlGenericError;
	q->ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, quiet);
}

void np_xml_quiet_end(const struct np_xml_quiet *q)
{
	xmlSetGenericErrorFunc(q->ctx, q->func);
}
