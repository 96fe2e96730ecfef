/* <forward> and the checks that tie the forward mode to the rest of the
 * network (virNetworkForwardDefParseXML and the end of virNetworkDefParseXML). */
#include "xml/ext_vxlan.h"
#include "xml/net.h"
#include "xml/xml_priv.h"

#include "common/addr.h"
#include "common/util.h"

#include <errno.h>
#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

#define perr np_xml_err_node

static int parse_nat(struct np_xml_pctx *c, xmlNode *n, struct np_forward *fwd)
{
	xmlNode *a, *p;
	unsigned long long v;
	int r;

	if (fwd->mode != NP_FWD_NAT)
		return perr(c, n, NULL, "<nat> is only allowed with forward mode 'nat'");
	fwd->nat.present = true;
	if ((r = np_xml_prop_yesno(c, n, "ipv6", &fwd->nat.ipv6)) < 0)
		return r;
	if (np_xml_children(n, "address") > 1)
		return perr(c, n, NULL, "only one <address> is allowed in <nat>");
	if ((a = np_xml_child(n, "address"))) {
		_np_free_ char *s = np_xml_prop(a, "start"), *e = np_xml_prop(a, "end");

		if (!s)
			return perr(c, a, NULL, "missing 'start' attribute");
		if (!e)
			return perr(c, a, NULL, "missing 'end' attribute");
		if (np_xml_addr_parse(s, AF_INET, &fwd->nat.addr_start) < 0)
			return perr(c, a, "start", "not an IPv4 address");
		if (np_xml_addr_parse(e, AF_INET, &fwd->nat.addr_end) < 0)
			return perr(c, a, "end", "not an IPv4 address");
		if ((r = np_xml_check_range(c, a, &fwd->nat.addr_start, &fwd->nat.addr_end, NULL)) < 0)
			return r;
	}
	if (np_xml_children(n, "port") > 1)
		return perr(c, n, NULL, "only one <port> is allowed in <nat>");
	if ((p = np_xml_child(n, "port"))) {
		if ((r = np_xml_prop_uint(c, p, "start", 10, 65535, &v)) <= 0)
			return r < 0 ? r : perr(c, p, NULL, "missing 'start' attribute");
		fwd->nat.port_start = (unsigned)v;
		if ((r = np_xml_prop_uint(c, p, "end", 10, 65535, &v)) <= 0)
			return r < 0 ? r : perr(c, p, NULL, "missing 'end' attribute");
		if (v < fwd->nat.port_start)
			return perr(c, p, "end", "port range end is before its start");
		fwd->nat.port_end = (unsigned)v;
	}
	return 0;
}

static int parse_driver(struct np_xml_pctx *c, xmlNode *n, struct np_xml_extra *x)
{
	_np_free_ char *name = np_xml_prop(n, "name");

	if (name) {
		int found = -1;

		for (int i = 1; i < NP_HOSTDEV_DRIVER__MAX; i++)
			if (!strcmp(name, np_hostdev_driver_names[i]))
				found = i;
		if (found < 0)
			return perr(c, n, "name", "unknown driver name");
		x->driver_name = (enum np_hostdev_driver)found;
	}
	x->driver_model = np_xml_prop(n, "model");
	return 0;
}

int np_xml_parse_forward(struct np_xml_pctx *c, xmlNode *n, struct np_net *net)
{
	struct np_forward *fwd = &net->forward;
	struct np_xml_extra *x = net->extra;
	_np_free_ xmlNode **ifs = NULL, **addrs = NULL, **pfs = NULL;
	_np_free_ char *mode = NULL, *managed = NULL, *dev = NULL;
	size_t nifs, naddrs, npfs;
	xmlNode *ch;
	int r;

	fwd->present = true;
	fwd->mode = NP_FWD_NAT;
	mode = np_xml_prop_nonempty(n, "mode");
	if (mode) {
		int found = -1;

		for (int i = 0; i < NP_FWD__MAX; i++)
			if (!strcmp(mode, np_fwd_mode_names[i]))
				found = i;
		if (found < 0)
			return perr(c, n, "mode", "unknown forward mode");
		fwd->mode = (enum np_fwd_mode)found;
		fwd->has_mode = true;
	}
	managed = np_xml_prop_nonempty(n, "managed");
	if (managed)
		fwd->managed = !strcasecmp(managed, "yes") ? NP_TRI_YES : NP_TRI_NO;
	if ((ch = np_xml_child(n, "driver")) && (r = parse_driver(c, ch, x)) < 0)
		return r;

	if ((r = np_xml_children_get(c, n, "interface", NP_MAX_FORWARD_IFS, &ifs, &nifs)) < 0 ||
	    (r = np_xml_children_get(c, n, "address", NP_MAX_FORWARD_IFS, &addrs, &naddrs)) < 0 ||
	    (r = np_xml_children_get(c, n, "pf", NP_MAX_FORWARD_IFS, &pfs, &npfs)) < 0)
		return r;
	if (np_xml_children(n, "nat") > 1)
		return perr(c, n, NULL, "only one <nat> is allowed in <forward>");
	if ((ch = np_xml_child(n, "nat")) && (r = parse_nat(c, ch, fwd)) < 0)
		return r;

	dev = np_xml_prop_nonempty(n, "dev");
	if (dev && (naddrs || npfs))
		return perr(c, n, "dev", "'dev' cannot be used with <address> or <pf>");

	if (nifs || dev) {
		size_t max = nifs > 0 ? nifs : 1;

		if (!(fwd->ifs = calloc(max, sizeof(*fwd->ifs))))
			return -ENOMEM;
		if (dev) {
			fwd->ifs[0].dev = np_steal(&dev);
			fwd->n_ifs = 1;
		}
		for (size_t i = 0; i < nifs; i++) {
			_np_free_ char *d = np_xml_prop(ifs[i], "dev");

			if (!d)
				return perr(c, ifs[i], NULL, "missing 'dev' attribute");
			if (i == 0 && fwd->n_ifs == 1) {
				if (strcmp(d, fwd->ifs[0].dev))
					return perr(c, ifs[i], "dev",
						    "must match the <forward dev='%s'>",
						    fwd->ifs[0].dev);
				continue;
			}
			for (size_t j = 0; j < fwd->n_ifs; j++)
				if (!strcmp(fwd->ifs[j].dev, d))
					return perr(c, ifs[i], "dev",
						    "interface listed more than once");
			fwd->ifs[fwd->n_ifs++].dev = np_steal(&d);
		}
		if (!(fwd->dev = strdup(fwd->ifs[0].dev)))
			return -ENOMEM;
	} else if (naddrs) {
		if (!(x->pci_addrs = calloc(naddrs, sizeof(*x->pci_addrs))))
			return -ENOMEM;
		for (size_t i = 0; i < naddrs; i++) {
			_np_free_ char *type = np_xml_prop(addrs[i], "type");
			struct np_pci_addr *a = &x->pci_addrs[i];

			if (!type)
				return perr(c, addrs[i], NULL, "missing 'type' attribute");
			if (strcmp(type, "pci"))
				return perr(c, addrs[i], "type", "unsupported address type");
			if ((r = np_xml_parse_pci_addr(c, addrs[i], a)) < 0)
				return r;
			for (size_t j = 0; j < i; j++)
				if (!memcmp(a, &x->pci_addrs[j], sizeof(*a)))
					return perr(c, addrs[i], NULL,
						    "PCI device listed more than once");
			x->n_pci_addrs++;
		}
	} else if (npfs > 1) {
		return perr(c, n, NULL, "only one <pf> is allowed in <forward>");
	} else if (npfs == 1) {
		x->pf_dev = np_xml_prop(pfs[0], "dev");
		if (!x->pf_dev)
			return perr(c, pfs[0], NULL, "missing 'dev' attribute");
	}
	return 0;
}

/* virNetworkDefParseXML's checks that tie the forward mode to the rest. */
int np_xml_check_mode(struct np_xml_pctx *c, xmlNode *root, struct np_net *net)
{
	const char *mode = np_fwd_mode_names[net->forward.mode];
	xmlNode *fwd = np_xml_child(root, "forward");
	xmlNode *br = np_xml_child(root, "bridge");
	const struct np_bridge *b = &net->bridge;
	const struct np_xml_extra *x = net->extra;

	switch (net->forward.mode) {
	case NP_FWD_NONE:
		break;
	case NP_FWD_ROUTE:
	case NP_FWD_NAT:
	case NP_FWD_OPEN:
		/* libvirt 10.8 dropped the <ip> requirement of mode 'open';
		 * the hosts of a VXLAN network but its gateway have none (a
		 * plain L2 bridge, issue 18) */
		if (!net->n_ips && net->forward.mode != NP_FWD_OPEN && !np_xml_vx_in(root))
			return perr(c, fwd, "mode", "%s forwarding needs an <ip> address", mode);
		if (net->forward.n_ifs > 1)
			return perr(c, fwd, NULL, "only one forwarding interface is supported");
		/* libvirt test open-network-with-forward-dev */
		if (net->forward.mode == NP_FWD_OPEN && net->forward.n_ifs)
			return perr(c, fwd, "dev", "forward dev not allowed with mode 'open'");
		break;
	case NP_FWD_PRIVATE:
	case NP_FWD_VEPA:
	case NP_FWD_PASSTHROUGH:
	case NP_FWD_HOSTDEV:
		if (b->name)
			return perr(c, br, "name", "bridge name not allowed in %s mode", mode);
		if (b->zone)
			return perr(c, br, "zone", "bridge zone not allowed in %s mode", mode);
		if (b->mac_table_manager)
			return perr(c, br, "macTableManager", "not allowed in %s mode", mode);
		/* fall through */
	case NP_FWD_BRIDGE:
		if ((b->has_delay && b->delay) || b->stp != NP_TRI_ABSENT || b->zone)
			return perr(c, br, NULL,
				    "bridge delay/stp/zone only allowed in route, nat and isolated mode, not %s",
				    mode);
		if (b->name && (net->forward.n_ifs || x->pf_dev))
			return perr(c, br, "name",
				    "mode '%s' takes a bridge name or a forward dev, not both", mode);
		break;
	case NP_FWD__MAX:
		break;
	}
	if (net->has_mtu && !np_net_is_virtual(net))
		return perr(c, np_xml_child(root, "mtu"), "size",
			    "mtu only allowed in open, route, nat and isolated mode, not %s", mode);
	return 0;
}
