/* Formatters for the elements kept in struct np_xml_extra, as libvirt's
 * virNetDevBandwidthFormat, virNetDevVlanFormat, virNetDevVPortProfileFormat
 * and virPortGroupDefFormat print them. */
#include "xml/net.h"
#include "xml/xml_priv.h"

#include "common/buf.h"

#include <stdbool.h>

static bool rate_shown(const struct np_bw_rate *r)
{
	return r->present && (r->average || r->floor);
}

static void rate(struct np_buf *b, int n, const char *elem, const struct np_bw_rate *r)
{
	if (!rate_shown(r))
		return;
	np_xml_indent(b, n);
	np_buf_addf(b, "<%s", elem);
	if (r->average)
		np_buf_addf(b, " average='%llu'", r->average);
	if (r->peak)
		np_buf_addf(b, " peak='%llu'", r->peak);
	if (r->floor)
		np_buf_addf(b, " floor='%llu'", r->floor);
	if (r->burst)
		np_buf_addf(b, " burst='%llu'", r->burst);
	np_buf_add(b, "/>\n");
}

void np_xml_format_bandwidth(struct np_buf *b, int n, const struct np_bandwidth *bw)
{
	/* libvirt prints an empty <bandwidth></bandwidth> when every rate is
	 * 0 (average='0'), which its parser then drops: leaving it out keeps
	 * format(parse(x)) a fixed point, as libvirt shows it after a restart. */
	if (!bw->present || !(rate_shown(&bw->in) || rate_shown(&bw->out)))
		return;
	np_xml_indent(b, n);
	np_buf_add(b, "<bandwidth>\n");
	rate(b, n + 2, "inbound", &bw->in);
	rate(b, n + 2, "outbound", &bw->out);
	np_xml_indent(b, n);
	np_buf_add(b, "</bandwidth>\n");
}

void np_xml_format_vlan(struct np_buf *b, int n, const struct np_vlan *v)
{
	bool native_done = false;

	if (!v->n_tags)
		return;
	np_xml_indent(b, n);
	np_buf_addf(b, "<vlan%s>\n", v->trunk ? " trunk='yes'" : "");
	for (size_t i = 0; i < v->n_tags; i++) {
		np_xml_indent(b, n + 2);
		/* libvirt matches the native tag by value, not position, and
		 * would mark every copy of a repeated id, which its parser then
		 * refuses ("duplicate native vlan setting"): mark only the first. */
		if (v->native_mode != NP_VLAN_NATIVE_DEFAULT && v->native_tag == v->tags[i] &&
		    !native_done) {
			np_buf_addf(b, "<tag id='%u' nativeMode='%s'/>\n", v->tags[i],
				    v->native_mode == NP_VLAN_NATIVE_TAGGED ? "tagged" : "untagged");
			native_done = true;
		} else {
			np_buf_addf(b, "<tag id='%u'/>\n", v->tags[i]);
		}
	}
	np_xml_indent(b, n);
	np_buf_add(b, "</vlan>\n");
}

void np_xml_format_vport(struct np_buf *b, int n, const struct np_vport *v)
{
	enum np_vport_type t = v->type;
	bool qbg = t == NP_VPORT_8021QBG || t == NP_VPORT_NONE;
	bool no_params;
	char uuid[37];

	if (!v->present)
		return;
	no_params = !(v->has_managerid || v->has_typeid || v->has_typeidversion ||
		      v->has_instanceid || v->profileid || v->has_interfaceid);
	if (t == NP_VPORT_NONE && no_params)
		return;
	np_xml_indent(b, n);
	if (t == NP_VPORT_NONE) {
		np_buf_add(b, "<virtualport>\n");
	} else if (no_params) {
		np_buf_addf(b, "<virtualport type='%s'/>\n", np_vport_type_names[t]);
		return;
	} else {
		np_buf_addf(b, "<virtualport type='%s'>\n", np_vport_type_names[t]);
	}
	np_xml_indent(b, n + 2);
	np_buf_add(b, "<parameters");
	if (v->has_managerid && qbg)
		np_buf_addf(b, " managerid='%u'", v->managerid);
	if (v->has_typeid && qbg)
		np_buf_addf(b, " typeid='%u'", v->type_id);
	if (v->has_typeidversion && qbg)
		np_buf_addf(b, " typeidversion='%u'", v->typeidversion);
	if (v->has_instanceid && qbg) {
		np_uuid_str(v->instanceid, uuid);
		np_buf_addf(b, " instanceid='%s'", uuid);
	}
	if (v->has_interfaceid &&
	    (t == NP_VPORT_MIDONET || t == NP_VPORT_OPENVSWITCH || t == NP_VPORT_NONE)) {
		np_uuid_str(v->interfaceid, uuid);
		np_buf_addf(b, " interfaceid='%s'", uuid);
	}
	if (v->profileid &&
	    (t == NP_VPORT_OPENVSWITCH || t == NP_VPORT_8021QBH || t == NP_VPORT_NONE)) {
		np_buf_add(b, " profileid='");
		np_xml_escape_attr(b, v->profileid);
		np_buf_add(b, "'");
	}
	np_buf_add(b, "/>\n");
	np_xml_indent(b, n);
	np_buf_add(b, "</virtualport>\n");
}

void np_xml_format_portgroup(struct np_buf *b, int n, const struct np_portgroup *pg)
{
	np_xml_indent(b, n);
	np_buf_add(b, "<portgroup name='");
	np_xml_escape_attr(b, pg->name);
	np_buf_add(b, "'");
	if (pg->is_default)
		np_buf_add(b, " default='yes'");
	if (pg->trust_guest_rx_filters != NP_TRI_ABSENT)
		np_buf_addf(b, " trustGuestRxFilters='%s'",
			    pg->trust_guest_rx_filters == NP_TRI_YES ? "yes" : "no");
	np_buf_add(b, ">\n");
	np_xml_format_vlan(b, n + 2, &pg->vlan);
	np_xml_format_vport(b, n + 2, &pg->vport);
	np_xml_format_bandwidth(b, n + 2, &pg->bandwidth);
	np_xml_indent(b, n);
	np_buf_add(b, "</portgroup>\n");
}
