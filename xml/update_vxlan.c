/* net-update's vxlan-remote section (netplumb's own, issue 18): add or
 * delete one static peer of the network's <netplumb:vxlan>. */
#include "xml/ext_portfwd.h"
#include "xml/ext_vxlan.h"
#include "xml/net.h"
#include "xml/update_priv.h"

#include "common/addr.h"

#include <errno.h>

int np_upd_vxlan_remote(struct upd *u)
{
	struct np_net *net = u->net;
	struct np_vxlan *vx = net->vxlan;
	struct np_addr peer = { 0 };
	char a[NP_ADDR_STRLEN];
	size_t at;
	int r;

	if (!np_xml_pf_is(u->node, "remote"))
		return np_upd_err(u, -EINVAL,
				  "unexpected element <%s>, expecting <netplumb:remote>, while "
				  "updating network '%s'",
				  (const char *)u->node->name, net->name);
	if (!vx)
		return np_upd_err(u, -EINVAL, "network '%s' has no <netplumb:vxlan>", net->name);
	if (vx->evpn)
		return np_upd_err(u, -EINVAL,
				  "network '%s' learns its VXLAN peers from BGP (control='evpn')",
				  net->name);
	r = np_xml_vx_remote_parse(&u->c, u->node, &peer);
	if (r < 0)
		return r;
	np_addr_str(&peer, a);
	for (at = 0; at < vx->n_remotes; at++)
		if (np_addr_equal(&vx->remotes[at], &peer))
			break;
	if (np_upd_is_add(u)) {
		if (at < vx->n_remotes)
			return np_upd_err(u, -EINVAL, "%s is already a VXLAN peer of network '%s'",
					  a, net->name);
		if (vx->n_remotes >= NP_MAX_VX_REMOTES)
			return np_upd_err(u, -E2BIG, "more than %d VXLAN peers", NP_MAX_VX_REMOTES);
		return np_upd_insert(&vx->remotes, &vx->n_remotes, sizeof(peer),
				     np_upd_add_pos(u, vx->n_remotes), &peer);
	}
	if (u->cmd != NP_UPDATE_DELETE)
		return np_upd_err(u, -EOPNOTSUPP,
				  "a VXLAN peer is only added or deleted, not modified");
	if (at == vx->n_remotes)
		return np_upd_err(u, -EINVAL, "%s is not a VXLAN peer of network '%s'", a,
				  net->name);
	np_upd_remove(vx->remotes, &vx->n_remotes, sizeof(peer), at);
	return 0;
}
