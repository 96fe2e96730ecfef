/* What netplumb reads, keeps and formats but does not put into the system:
 * `validate` notes each on stderr, and np_plan_build refuses to start a
 * network that depends on one (nothing of a definition is dropped silently). */
#include "xml/unplumbed.h"
#include "common/err.h"
#include "xml/net.h"
#include "xml/xml_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void add(struct np_unplumbed *u, bool refuse, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add(struct np_unplumbed *u, bool refuse, const char *fmt, ...)
{
	va_list ap;

	if (u->n >= NP_MAX_UNPLUMBED)
		return;
	va_start(ap, fmt);
	vsnprintf(u->items[u->n].what, sizeof(u->items[u->n].what), fmt, ap);
	va_end(ap);
	u->items[u->n].refuse_start = refuse;
	u->n++;
}

static void extra_unplumbed(const struct np_xml_extra *x, struct np_unplumbed *ret)
{
	/* libvirt tags guest ports on Open vSwitch and SR-IOV networks;
	 * netplumb's ports carry no tags */
	if (x->vlan.n_tags)
		add(ret, true, "<vlan>: VLAN tagging of guest ports is not plumbed by netplumb");
	if (x->vport.present)
		add(ret, true, "<virtualport type='%s'>: not plumbed by netplumb",
		    x->vport.type == NP_VPORT_NONE ? "" : np_vport_type_names[x->vport.type]);
	for (size_t i = 0; i < x->n_portgroups; i++) {
		const struct np_portgroup *pg = &x->portgroups[i];

		if (pg->vlan.n_tags)
			add(ret, true,
			    "<portgroup name='%s'><vlan>: VLAN tagging of guest ports is not plumbed by netplumb",
			    pg->name);
		if (pg->vport.present)
			add(ret, true, "<portgroup name='%s'><virtualport>: not plumbed by netplumb",
			    pg->name);
	}
	if (x->metadata)
		add(ret, false, "<metadata>: kept and formatted, not interpreted");
}

void np_net_unplumbed(const struct np_net *net, struct np_unplumbed *ret)
{
	struct np_err e = { 0 };

	ret->n = 0;
	/* macvtap, SR-IOV and passthrough modes: guests attach to host
	 * devices through libvirt's domain side, which netplumb is not */
	if (!np_net_is_virtual(net) && !(net->forward.mode == NP_FWD_BRIDGE && net->bridge.name))
		add(ret, true, "<forward mode='%s'>%s: not plumbed by netplumb",
		    np_fwd_mode_names[net->forward.mode],
		    net->forward.mode == NP_FWD_BRIDGE ? " without a bridge name" : "");
	if (net->extra)
		extra_unplumbed(net->extra, ret);
	/* libvirt then turns off learning and flooding on guest ports and
	 * programs their MACs itself */
	if (net->bridge.mac_table_manager && !strcmp(net->bridge.mac_table_manager, "libvirt"))
		add(ret, true, "<bridge macTableManager='libvirt'>: not plumbed by netplumb");
	if (net->trust_guest_rx_filters != NP_TRI_ABSENT)
		add(ret, false,
		    "<network trustGuestRxFilters>: only for macvtap guest interfaces, kept and formatted");
	if (np_unplumbed_refusal(ret) && np_xml_libvirt_define_check(net, &e) < 0)
		add(ret, true, "libvirtd 9.0 refuses it at net-define too: %s", e.msg);
}

const char *np_unplumbed_refusal(const struct np_unplumbed *u)
{
	for (size_t i = 0; i < u->n; i++)
		if (u->items[i].refuse_start)
			return u->items[i].what;
	return NULL;
}
