/* <netplumb:qemu bridgeHelper='allow|deny'/> (issue 17): whether unprivileged
 * QEMU may attach guests to the network's bridge through qemu-bridge-helper.
 * Read as libvirt reads an enum attribute (virXMLPropEnum with
 * VIR_XML_PROP_REQUIRED): the value is one of the names, anything else,
 * or no value, is refused with one line. 'deny' is kept and formatted back
 * (an explicit default, as libvirt keeps <port isolated='no'/>). */
#include "xml/ext_qemu.h"
#include "xml/ext_portfwd.h"
#include "xml/net.h"
#include "xml/xml_priv.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <string.h>

#define perr np_xml_err_node

int np_xml_qemu_parse(struct np_xml_pctx *c, xmlNode *root, struct np_net *net)
{
	xmlNode *found = NULL;
	_np_free_ char *v = NULL;

	for (xmlNode *n = root->children; n; n = n->next) {
		if (!np_xml_pf_is(n, "qemu"))
			continue;
		if (found)
			return perr(c, n, NULL, "more than one <netplumb:qemu> element");
		found = n;
	}
	if (!found)
		return 0;
	v = np_xml_prop(found, "bridgeHelper");
	if (!v)
		return perr(c, found, NULL, "missing 'bridgeHelper' attribute");
	if (!strcmp(v, "allow"))
		net->qemu_bridge_helper = NP_TRI_YES;
	else if (!strcmp(v, "deny"))
		net->qemu_bridge_helper = NP_TRI_NO;
	else
		return perr(c, found, "bridgeHelper", "expected 'allow' or 'deny'");
	return 0;
}

void np_xml_qemu_format(struct np_buf *b, int indent, const struct np_net *net)
{
	if (net->qemu_bridge_helper == NP_TRI_ABSENT)
		return;
	np_xml_indent(b, indent);
	np_buf_addf(b, "<netplumb:qemu bridgeHelper='%s'/>\n",
		    net->qemu_bridge_helper == NP_TRI_YES ? "allow" : "deny");
}

int np_xml_qemu_validate(const struct np_net *net, const char *file, struct np_err *err)
{
	if (net->qemu_bridge_helper != NP_TRI_YES)
		return 0;
	/* With a host bridge (mode='bridge') or none at all (macvtap, hostdev)
	 * the bridge is not netplumb's to open to every local user. */
	if (!np_net_is_virtual(net))
		return np_err_set(err, -EINVAL,
				  "%s: <netplumb:qemu bridgeHelper='allow'>: needs a bridge netplumb "
				  "creates (forward mode nat, route, open or none), not '%s'",
				  file, np_fwd_mode_names[net->forward.mode]);
	/* qemu-bridge-helper reads "allow all" as every bridge of the host. */
	if (net->bridge.name && !strcmp(net->bridge.name, "all"))
		return np_err_set(err, -EINVAL,
				  "%s: <netplumb:qemu bridgeHelper='allow'>: a bridge named 'all' "
				  "would read as 'allow all' (every bridge) in qemu-bridge-helper's "
				  "ACL",
				  file);
	return 0;
}
