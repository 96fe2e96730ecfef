/* net-update's port-forward section (netplumb's own, issue 16): add, delete
 * or modify one <netplumb:portForward>. A forward is found by its key:
 * proto, address, dev and the start of its first forwarded range. */
#include "xml/ext_portfwd.h"
#include "xml/net.h"
#include "xml/update_priv.h"

#include "common/addr.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static unsigned first_start(const struct np_portfwd *pf)
{
	for (size_t i = 0; i < pf->n_ranges; i++)
		if (!pf->ranges[i].exclude)
			return pf->ranges[i].start;
	return 0;
}

static bool same_key(const struct np_portfwd *a, const struct np_portfwd *b)
{
	if (a->proto != b->proto || a->address.family != b->address.family ||
	    (a->address.family && !np_addr_equal(&a->address, &b->address)))
		return false;
	if (!a->dev != !b->dev || (a->dev && strcmp(a->dev, b->dev)))
		return false;
	return first_start(a) == first_start(b);
}

int np_upd_portfwd(struct upd *u)
{
	np_cleanup(np_xml_pf_clear) struct np_portfwd pf = { 0 };
	struct np_net *net = u->net;
	size_t at = net->n_portfwds;
	char a[NP_ADDR_STRLEN];
	int r;

	if (!np_xml_pf_is(u->node, "portForward"))
		return np_upd_err(u, -EINVAL,
				  "unexpected element <%s>, expecting <netplumb:portForward>, while "
				  "updating network '%s'",
				  (const char *)u->node->name, net->name);
	r = np_xml_pf_parse_one(&u->c, u->node, &pf);
	if (r < 0)
		return r;
	for (size_t i = 0; i < net->n_portfwds; i++)
		if (same_key(&net->portfwds[i], &pf)) {
			at = i;
			break;
		}
	np_addr_str(&pf.guest, a);
	if (np_upd_is_add(u)) {
		if (at < net->n_portfwds)
			return np_upd_err(u, -EINVAL,
					  "there is already a %s forward of port %u in network '%s'",
					  np_pf_proto_names[pf.proto], first_start(&pf), net->name);
		if (net->n_portfwds >= NP_MAX_PORTFWDS)
			return np_upd_err(u, -E2BIG, "more than %d port forwards",
					  NP_MAX_PORTFWDS);
		r = np_upd_insert(&net->portfwds, &net->n_portfwds, sizeof(pf),
				  np_upd_add_pos(u, net->n_portfwds), &pf);
		if (r < 0)
			return r;
		pf = (struct np_portfwd){ 0 };
		return 0;
	}
	if (at == net->n_portfwds)
		return np_upd_err(u, -EINVAL, "no %s forward of port %u to '%s' in network '%s'",
				  np_pf_proto_names[pf.proto], first_start(&pf), a, net->name);
	if (u->cmd == NP_UPDATE_DELETE) {
		np_xml_pf_clear(&net->portfwds[at]);
		np_upd_remove(net->portfwds, &net->n_portfwds, sizeof(pf), at);
		return 0;
	}
	/* modify */
	np_xml_pf_clear(&net->portfwds[at]);
	net->portfwds[at] = pf;
	pf = (struct np_portfwd){ 0 };
	return 0;
}
