/* <netplumb:vxlan id dev port local control> with <netplumb:remote
 * address/> children (issue 18): parse, format, validate, free. Found by
 * namespace URI like <netplumb:portForward>. */
#include "xml/ext_vxlan.h"
#include "xml/ext_portfwd.h"
#include "xml/net.h"
#include "xml/xml_priv.h"

#include "common/addr.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define perr np_xml_err_node
#define VNI_MAX 16777215

bool np_xml_vx_in(const xmlNode *root)
{
	for (const xmlNode *n = root->children; n; n = n->next)
		if (np_xml_pf_is(n, "vxlan"))
			return true;
	return false;
}

int np_xml_vx_remote_parse(struct np_xml_pctx *c, xmlNode *n, struct np_addr *ret)
{
	int r = np_xml_prop_addr(c, n, "address", 0, ret);

	if (r < 0)
		return r;
	if (r == 0)
		return perr(c, n, NULL, "missing 'address' attribute");
	return 0;
}

static int parse_one(struct np_xml_pctx *c, xmlNode *n, struct np_vxlan *vx)
{
	_np_free_ char *ctl = np_xml_prop(n, "control");
	unsigned long long v;
	size_t k = 0;
	int r;

	r = np_xml_prop_uint(c, n, "id", 10, VNI_MAX, &v);
	if (r < 0)
		return r;
	if (r == 0)
		return perr(c, n, NULL, "missing 'id' attribute (the VNI, 1-%d)", VNI_MAX);
	if (v == 0)
		return perr(c, n, "id", "not a VNI (1-%d)", VNI_MAX);
	vx->id = (unsigned)v;
	vx->dev = np_xml_prop(n, "dev");
	if (!vx->dev)
		return perr(c, n, NULL, "missing 'dev' attribute (the underlay interface)");
	r = np_xml_prop_uint(c, n, "port", 10, 65535, &v);
	if (r < 0)
		return r;
	if (r > 0 && v == 0)
		return perr(c, n, "port", "not a port number (1-65535)");
	vx->has_port = r > 0;
	vx->port = r > 0 ? (unsigned)v : NP_VX_PORT_DEFAULT;
	if ((r = np_xml_prop_addr(c, n, "local", 0, &vx->local)) < 0)
		return r;
	if (ctl) {
		if (strcmp(ctl, "evpn"))
			return perr(c, n, "control", "expected 'evpn' (static peers need no "
						     "control attribute)");
		vx->evpn = true;
	}
	for (xmlNode *e = n->children; e; e = e->next)
		if (np_xml_pf_is(e, "remote"))
			k++;
	if (k > NP_MAX_VX_REMOTES)
		return perr(c, n, NULL, "more than %d <netplumb:remote> elements",
			    NP_MAX_VX_REMOTES);
	if (k && !(vx->remotes = calloc(k, sizeof(*vx->remotes))))
		return -ENOMEM;
	for (xmlNode *e = n->children; e; e = e->next) {
		if (!np_xml_pf_is(e, "remote"))
			continue;
		if ((r = np_xml_vx_remote_parse(c, e, &vx->remotes[vx->n_remotes++])) < 0)
			return r;
	}
	return 0;
}

void np_xml_vx_free(struct np_vxlan *vx)
{
	if (!vx)
		return;
	free(vx->dev);
	free(vx->remotes);
	free(vx);
}

int np_xml_vx_parse(struct np_xml_pctx *c, xmlNode *root, struct np_net *net)
{
	xmlNode *first = NULL;

	for (xmlNode *n = root->children; n; n = n->next) {
		if (!np_xml_pf_is(n, "vxlan"))
			continue;
		if (first)
			return perr(c, n, NULL, "only one <netplumb:vxlan> is allowed");
		first = n;
	}
	if (!first)
		return 0;
	net->vxlan = calloc(1, sizeof(*net->vxlan));
	if (!net->vxlan)
		return -ENOMEM;
	return parse_one(c, first, net->vxlan);
}

void np_xml_vx_format(struct np_buf *b, int indent, const struct np_net *net)
{
	const struct np_vxlan *vx = net->vxlan;
	char a[NP_ADDR_STRLEN];

	if (!vx)
		return;
	np_xml_indent(b, indent);
	np_buf_addf(b, "<netplumb:vxlan id='%u' dev='", vx->id);
	np_xml_escape_attr(b, vx->dev);
	np_buf_add(b, "'");
	if (vx->has_port)
		np_buf_addf(b, " port='%u'", vx->port);
	if (vx->local.family)
		np_buf_addf(b, " local='%s'", np_addr_str(&vx->local, a));
	if (vx->evpn)
		np_buf_add(b, " control='evpn'");
	if (!vx->n_remotes) {
		np_buf_add(b, "/>\n");
		return;
	}
	np_buf_add(b, ">\n");
	for (size_t i = 0; i < vx->n_remotes; i++) {
		np_xml_indent(b, indent + 2);
		np_buf_addf(b, "<netplumb:remote address='%s'/>\n",
			    np_addr_str(&vx->remotes[i], a));
	}
	np_xml_indent(b, indent);
	np_buf_add(b, "</netplumb:vxlan>\n");
}

/* ---- validation -------------------------------------------------------- */

static int verr(const char *file, struct np_err *err, const char *elem, const char *attr,
		const char *value, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int verr(const char *file, struct np_err *err, const char *elem, const char *attr,
		const char *value, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return np_err_set(err, -EINVAL, "%s: <netplumb:%s %s='%.64s'>: %s", file, elem, attr,
			  value ? value : "", what);
}

static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < NP_IFNAMSIZ && s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
						     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] ==
							   '\0';
}

/* A peer or local address a VTEP can use: unicast, not any/loopback. */
static bool unicast(const struct np_addr *a)
{
	static const uint8_t any6[16], lo6[16] = { [15] = 1 };

	if (a->family == AF_INET) {
		uint8_t b0 = a->bytes[0];

		return b0 != 0 && b0 != 127 && b0 < 224;
	}
	return a->family == AF_INET6 && a->bytes[0] != 0xff && memcmp(a->bytes, any6, 16) &&
	       memcmp(a->bytes, lo6, 16);
}

int np_xml_vx_validate(const struct np_net *net, const char *file, struct np_err *err)
{
	const struct np_vxlan *vx = net->vxlan;
	char id[16], a[NP_ADDR_STRLEN];
	int family;

	if (!vx)
		return 0;
	snprintf(id, sizeof(id), "%u", vx->id);
	if (!np_net_is_virtual(net))
		return verr(file, err, "vxlan", "id", id,
			    "a VXLAN needs a bridge netplumb creates (nat, route, open or "
			    "isolated network), not forward mode '%s'",
			    np_fwd_mode_names[net->forward.mode]);
	if (!vx->id || vx->id > VNI_MAX)
		return verr(file, err, "vxlan", "id", id, "not a VNI (1-%d)", VNI_MAX);
	if (!vx->dev)
		return verr(file, err, "vxlan", "id", id,
			    "missing 'dev' attribute (the underlay interface)");
	if (!ifname_ok(vx->dev))
		return verr(file, err, "vxlan", "dev", vx->dev,
			    "not an interface name (1-15 of A-Z a-z 0-9 _ . -)");
	if (!vx->port || vx->port > 65535)
		return verr(file, err, "vxlan", "id", id, "port must be 1-65535");
	if (vx->local.family && !unicast(&vx->local))
		return verr(file, err, "vxlan", "local", np_addr_str(&vx->local, a),
			    "not a unicast address");
	if (vx->n_remotes > NP_MAX_VX_REMOTES)
		return verr(file, err, "vxlan", "id", id, "more than %d <netplumb:remote> elements",
			    NP_MAX_VX_REMOTES);
	if (vx->evpn && vx->n_remotes)
		return verr(file, err, "remote", "address", np_addr_str(&vx->remotes[0], a),
			    "control='evpn' learns the peers from BGP: no <netplumb:remote>");
	family = vx->local.family;
	for (size_t i = 0; i < vx->n_remotes; i++) {
		const struct np_addr *p = &vx->remotes[i];

		np_addr_str(p, a);
		if (!unicast(p))
			return verr(file, err, "remote", "address", a, "not a unicast address");
		if (family && p->family != family)
			return verr(file, err, "remote", "address", a,
				    "every peer and the local address must be of one family");
		family = p->family;
		if (vx->local.family && np_addr_equal(p, &vx->local))
			return verr(file, err, "remote", "address", a,
				    "is the local VTEP address: list the other hosts only");
		for (size_t k = 0; k < i; k++)
			if (np_addr_equal(p, &vx->remotes[k]))
				return verr(file, err, "remote", "address", a,
					    "listed more than once");
	}
	return 0;
}
