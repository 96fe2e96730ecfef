/* Parsers for the elements netplumb keeps only to format them back:
 * <bandwidth>, <vlan>, <virtualport>, <portgroup>, <metadata>, PCI
 * <address>. Checks follow libvirt's netdev_*_conf.c and device_conf.c. */
#include "xml/net.h"
#include "xml/xml_priv.h"

#include "common/util.h"

#include <errno.h>
#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

#define perr np_xml_err_node

const char *const np_vport_type_names[NP_VPORT__MAX] = {
	[NP_VPORT_NONE] = "none",
	[NP_VPORT_8021QBG] = "802.1Qbg",
	[NP_VPORT_8021QBH] = "802.1Qbh",
	[NP_VPORT_OPENVSWITCH] = "openvswitch",
	[NP_VPORT_MIDONET] = "midonet",
};

const char *const np_hostdev_driver_names[NP_HOSTDEV_DRIVER__MAX] = {
	[NP_HOSTDEV_DRIVER_DEFAULT] = "default",
	[NP_HOSTDEV_DRIVER_KVM] = "kvm",
	[NP_HOSTDEV_DRIVER_VFIO] = "vfio",
	[NP_HOSTDEV_DRIVER_XEN] = "xen",
};

static int parse_rate(struct np_xml_pctx *c, xmlNode *n, bool allow_floor,
		      struct np_bw_rate *rate)
{
	int ra, rp, rb, rf;

	if ((ra = np_xml_prop_uint(c, n, "average", 10, ULLONG_MAX, &rate->average)) < 0 ||
	    (rp = np_xml_prop_uint(c, n, "peak", 10, ULLONG_MAX, &rate->peak)) < 0 ||
	    (rb = np_xml_prop_uint(c, n, "burst", 10, ULLONG_MAX, &rate->burst)) < 0 ||
	    (rf = np_xml_prop_uint(c, n, "floor", 10, ULLONG_MAX, &rate->floor)) < 0)
		return -EINVAL;
	if (!ra && !rf)
		return perr(c, n, NULL, "missing 'average' or 'floor' attribute");
	if ((rp || rb) && !ra)
		return perr(c, n, NULL, "'peak' and 'burst' require 'average'");
	if (rf && !allow_floor)
		return perr(c, n, "floor", "floor is not supported here");
	rate->present = true;
	return 0;
}

/* virNetDevBandwidthParse(..., class_id=NULL, allowFloor=false) */
int np_xml_parse_bandwidth(struct np_xml_pctx *c, xmlNode *n, struct np_bandwidth *ret)
{
	xmlNode *in = np_xml_child(n, "inbound"), *out = np_xml_child(n, "outbound");
	int r;

	if (xmlHasProp(n, (const xmlChar *)"classID"))
		return perr(c, n, "classID", "classID is not supported here");
	if (in && (r = parse_rate(c, in, false, &ret->in)) < 0)
		return r;
	if (out && (r = parse_rate(c, out, false, &ret->out)) < 0)
		return r;
	/* an empty <bandwidth/> is dropped, as libvirt does */
	ret->present = ret->in.present || ret->out.present;
	return 0;
}

int np_xml_parse_vlan(struct np_xml_pctx *c, xmlNode *n, struct np_vlan *ret)
{
	_np_free_ char *trunk = NULL;
	size_t k = np_xml_children(n, "tag");

	if (!k)
		return perr(c, n, NULL, "each <vlan> needs at least one <tag id='n'/>");
	if (k > 4096)
		return perr(c, n, NULL, "too many <tag> elements");
	if (!(ret->tags = calloc(k, sizeof(*ret->tags))))
		return -ENOMEM;
	for (xmlNode *t = n->children; t; t = t->next) {
		_np_free_ char *mode = NULL;
		unsigned long long id;
		int r;

		if (t->type != XML_ELEMENT_NODE || t->ns || strcmp((const char *)t->name, "tag"))
			continue;
		if ((r = np_xml_prop_uint(c, t, "id", 10, UINT_MAX, &id)) < 0)
			return r;
		if (!r)
			return perr(c, t, NULL, "missing 'id' attribute");
		if (id > 4095)
			return perr(c, t, "id", "vlan tag id too large (maximum 4095)");
		ret->tags[ret->n_tags++] = (unsigned)id;
		mode = np_xml_prop(t, "nativeMode");
		if (mode) {
			enum np_vlan_native m;

			if (!strcmp(mode, "tagged"))
				m = NP_VLAN_NATIVE_TAGGED;
			else if (!strcmp(mode, "untagged"))
				m = NP_VLAN_NATIVE_UNTAGGED;
			else
				return perr(c, t, "nativeMode", "expected 'tagged' or 'untagged'");
			if (ret->native_mode != NP_VLAN_NATIVE_DEFAULT)
				return perr(c, t, "nativeMode", "duplicate native vlan setting");
			ret->native_mode = m;
			ret->native_tag = (unsigned)id;
		}
	}
	ret->trunk = ret->n_tags > 1;
	trunk = np_xml_prop(n, "trunk");
	if (trunk && *trunk) {
		ret->trunk = !strcasecmp(trunk, "yes");
		if (!ret->trunk) {
			if (ret->n_tags > 1)
				return perr(c, n, "trunk",
					    "trunk='yes' is required for more than one vlan tag");
			if (ret->native_mode != NP_VLAN_NATIVE_DEFAULT)
				return perr(c, n, "trunk",
					    "trunk='no' is not allowed with a native vlan id");
			if (strcasecmp(trunk, "no"))
				return perr(c, n, "trunk", "expected 'yes' or 'no'");
		}
	}
	return 0;
}

static int vport_uint(struct np_xml_pctx *c, xmlNode *p, const char *name, unsigned max,
		      bool *has, unsigned *val)
{
	_np_free_ char *v = np_xml_prop(p, name);
	unsigned long long x;

	if (!v)
		return 0;
	if (np_xml_parse_uint(v, 0, UINT_MAX, &x) < 0)
		return perr(c, p, name, "cannot parse the value");
	if (x > max)
		return perr(c, p, name, "value out of range");
	*has = true;
	*val = (unsigned)x;
	return 0;
}

static int vport_uuid(struct np_xml_pctx *c, xmlNode *p, const char *name, bool *has,
		      uint8_t out[16])
{
	_np_free_ char *v = np_xml_prop(p, name);

	if (!v)
		return 0;
	if (np_uuid_parse(v, out) < 0)
		return perr(c, p, name, "not a uuid");
	*has = true;
	return 0;
}

/* virNetDevVPortProfileCheckNoExtras: parameters another type doesn't use. */
static int vport_extras(struct np_xml_pctx *c, xmlNode *n, const struct np_vport *v)
{
	const char *extra = NULL;

	switch (v->type) {
	case NP_VPORT_NONE:
	case NP_VPORT__MAX:
		break;
	case NP_VPORT_8021QBG:
		if (v->profileid)
			extra = "profileid";
		else if (v->has_interfaceid)
			extra = "interfaceid";
		break;
	case NP_VPORT_8021QBH:
		if (v->has_managerid)
			extra = "managerid";
		else if (v->has_typeid)
			extra = "typeid";
		else if (v->has_typeidversion)
			extra = "typeidversion";
		else if (v->has_instanceid)
			extra = "instanceid";
		else if (v->has_interfaceid)
			extra = "interfaceid";
		break;
	case NP_VPORT_OPENVSWITCH:
		if (v->has_managerid)
			extra = "managerid";
		else if (v->has_typeid)
			extra = "typeid";
		else if (v->has_typeidversion)
			extra = "typeidversion";
		else if (v->has_instanceid)
			extra = "instanceid";
		break;
	case NP_VPORT_MIDONET:
		if (v->has_managerid)
			extra = "managerid";
		else if (v->has_typeid)
			extra = "typeid";
		else if (v->has_typeidversion)
			extra = "typeidversion";
		else if (v->has_instanceid)
			extra = "instanceid";
		else if (v->profileid)
			extra = "profileid";
		break;
	}
	if (extra)
		return perr(c, n, "type", "parameter '%s' is not used by this virtualport type",
			    extra);
	return 0;
}

int np_xml_parse_vport(struct np_xml_pctx *c, xmlNode *n, bool require_type, struct np_vport *v)
{
	_np_free_ char *type = np_xml_prop(n, "type");
	xmlNode *p;
	int r;

	v->present = true;
	if (type) {
		int found = -1;

		for (int i = 1; i < NP_VPORT__MAX; i++)
			if (!strcmp(type, np_vport_type_names[i]))
				found = i;
		if (found < 0)
			return perr(c, n, "type", "unknown virtualport type");
		v->type = (enum np_vport_type)found;
	}
	if (v->type == NP_VPORT_NONE && require_type)
		return perr(c, n, NULL, "missing required virtualport type");
	if ((p = np_xml_child(n, "parameters"))) {
		_np_free_ char *profile = np_xml_prop(p, "profileid");

		if ((r = vport_uint(c, p, "managerid", 0xff, &v->has_managerid, &v->managerid)) < 0 ||
		    (r = vport_uint(c, p, "typeid", 0xffffff, &v->has_typeid, &v->type_id)) < 0 ||
		    (r = vport_uint(c, p, "typeidversion", 0xff, &v->has_typeidversion,
				    &v->typeidversion)) < 0 ||
		    (r = vport_uuid(c, p, "instanceid", &v->has_instanceid, v->instanceid)) < 0 ||
		    (r = vport_uuid(c, p, "interfaceid", &v->has_interfaceid, v->interfaceid)) < 0)
			return r;
		if (profile && strlen(profile) > 39)
			return perr(c, p, "profileid", "profileid too long (maximum 39 bytes)");
		/* libvirt keeps it in a fixed buffer where "" means unset */
		if (profile && *profile)
			v->profileid = np_steal(&profile);
	}
	return vport_extras(c, n, v);
}

int np_xml_parse_portgroup(struct np_xml_pctx *c, xmlNode *n, struct np_portgroup *pg)
{
	_np_free_ char *def = NULL;
	xmlNode *ch;
	int r;

	pg->name = np_xml_prop_nonempty(n, "name");
	if (!pg->name)
		return perr(c, n, NULL, "missing 'name' attribute");
	def = np_xml_prop(n, "default");
	pg->is_default = def && !strcasecmp(def, "yes");
	if ((r = np_xml_prop_yesno(c, n, "trustGuestRxFilters", &pg->trust_guest_rx_filters)) < 0)
		return r;
	if ((ch = np_xml_child(n, "virtualport")) &&
	    (r = np_xml_parse_vport(c, ch, false, &pg->vport)) < 0)
		return r;
	if ((ch = np_xml_child(n, "bandwidth")) &&
	    (r = np_xml_parse_bandwidth(c, ch, &pg->bandwidth)) < 0)
		return r;
	if ((ch = np_xml_child(n, "vlan")) && (r = np_xml_parse_vlan(c, ch, &pg->vlan)) < 0)
		return r;
	return 0;
}

/* virPCIDeviceAddressParseXML + virPCIDeviceAddressIsValid */
int np_xml_parse_pci_addr(struct np_xml_pctx *c, xmlNode *n, struct np_pci_addr *a)
{
	static const struct {
		const char *name;
		unsigned max;
		size_t off;
	} f[] = {
		{ "domain", 0xffff, offsetof(struct np_pci_addr, domain) },
		{ "bus", 0xff, offsetof(struct np_pci_addr, bus) },
		{ "slot", 0x1f, offsetof(struct np_pci_addr, slot) },
		{ "function", 7, offsetof(struct np_pci_addr, function) },
	};

	for (size_t i = 0; i < NP_ARRAY_SIZE(f); i++) {
		_np_free_ char *v = np_xml_prop(n, f[i].name);
		unsigned long long x = 0;

		if (v && np_xml_parse_uint(v, 0, UINT_MAX, &x) < 0)
			return perr(c, n, f[i].name, "cannot parse the PCI address");
		if (x > f[i].max)
			return perr(c, n, f[i].name, "must be <= 0x%x", f[i].max);
		*(unsigned *)((char *)a + f[i].off) = (unsigned)x;
	}
	if (!a->domain && !a->bus && !a->slot)
		return perr(c, n, NULL, "at least one of domain, bus or slot must be > 0");
	return 0;
}

/* libxml2 writes namespace URIs unescaped, so one holding a control
 * character would not read back the same. */
static bool ns_uris_plain(xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (xmlNs *ns = n->nsDef; ns; ns = ns->next)
			for (const xmlChar *p = ns->href; p && *p; p++)
				if (*p < 0x20)
					return false;
		if (!ns_uris_plain(n->children))
			return false;
	}
	return true;
}

/* libvirt keeps a copy of <metadata> and drops children without a namespace
 * and all but the first child of each namespace (virXMLNodeSanitizeNamespaces),
 * then prints it with libxml2's own indenting dump (virXMLFormatMetadata). */
int np_xml_parse_metadata(struct np_xml_pctx *c, xmlNode *n, char **ret)
{
	xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *copy, *ch, *next;
	xmlBuffer *buf = NULL;
	int old_indent, r = -ENOMEM;
	const char *s;

	if (!doc)
		return -ENOMEM;
	copy = xmlDocCopyNode(n, doc, 1);
	if (!copy)
		goto out;
	xmlDocSetRootElement(doc, copy);
	for (ch = copy->children; ch; ch = next) {
		next = ch->next;
		if (!ch->ns || !ch->ns->href) {
			xmlUnlinkNode(ch);
			xmlFreeNode(ch);
			continue;
		}
		for (xmlNode *d = ch->next, *dn; d; d = dn) {
			dn = d->next;
			if (d->ns && d->ns->href &&
			    !strcmp((const char *)d->ns->href, (const char *)ch->ns->href)) {
				if (d == next)
					next = dn;
				xmlUnlinkNode(d);
				xmlFreeNode(d);
			}
		}
	}
	if (!ns_uris_plain(copy)) {
		r = perr(c, n, NULL, "namespace URI with a control character");
		goto out;
	}
	if (!(buf = xmlBufferCreate()))
		goto out;
	old_indent = xmlIndentTreeOutput;
	xmlIndentTreeOutput = 1;
	r = xmlNodeDump(buf, doc, copy, 1, 1);
	xmlIndentTreeOutput = old_indent;
	if (r < 0) {
		r = perr(c, n, NULL, "cannot format <metadata>");
		goto out;
	}
	s = (const char *)xmlBufferContent(buf);
	while (*s == ' ')
		s++;
	r = (*ret = strdup(s)) ? 0 : -ENOMEM;
out:
	if (buf)
		xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return r;
}

static void vport_clear(struct np_vport *v)
{
	free(v->profileid);
}

void np_xml_extra_free(struct np_xml_extra *x)
{
	if (!x)
		return;
	free(x->metadata);
	free(x->vlan.tags);
	vport_clear(&x->vport);
	for (size_t i = 0; i < x->n_portgroups; i++) {
		free(x->portgroups[i].name);
		vport_clear(&x->portgroups[i].vport);
		free(x->portgroups[i].vlan.tags);
	}
	free(x->portgroups);
	free(x->pf_dev);
	free(x->pci_addrs);
	free(x->driver_model);
	free(x);
}
