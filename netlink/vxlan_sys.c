/* VXLAN (issue 18): sending the requests of vxlan_msg.c. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>
#include <string.h>

int np_nl_vxlan_add(struct np_nl *nl, const struct np_vxlan_spec *spec)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int dev = np_nl_ifindex(nl, spec->dev), master = np_nl_ifindex(nl, spec->master), r;

	if (dev < 0 || master < 0)
		return dev < 0 ? dev : master;
	r = np_nl_msg_vxlan_add(spec, dev, master, &m);
	return r < 0 ? r : np_nl_transact(nl, m, NULL, NULL);
}

int np_nl_fdb_change(struct np_nl *nl, bool add, const char *ifname, const struct np_addr *dst)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r = np_nl_ifindex(nl, ifname);

	if (r < 0)
		return r;
	r = np_nl_msg_fdb(add, r, dst, &m);
	return r < 0 ? r : np_nl_transact(nl, m, NULL, NULL);
}

struct first_addr {
	int ifindex;
	bool found;
	struct np_addr addr;
};

static int on_addr(const struct nlmsghdr *h, void *arg)
{
	struct first_addr *q = arg;
	struct np_addr a;
	int r;

	if (q->found)
		return 0;
	r = np_nl_addr_parse(h, q->ifindex, &a);
	if (r > 0) {
		q->addr = a;
		q->found = true;
	}
	return r < 0 ? r : 0;
}

int np_nl_link_addr_get(struct np_nl *nl, const char *ifname, int family, unsigned *ret_mtu,
			struct np_addr *ret_addr)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct np_link_info info;
	struct first_addr q = { 0 };
	int r;

	if (!np_ifname_valid(ifname))
		return -EINVAL;
	r = np_nl_link_query(nl, 0, ifname, &info);
	if (r < 0)
		return r;
	q.ifindex = info.ifindex;
	r = np_nl_msg_addr_dump(family, &m);
	if (r < 0)
		return r;
	r = np_nl_transact(nl, m, on_addr, &q);
	if (r < 0)
		return r;
	*ret_mtu = info.mtu;
	*ret_addr = q.found ? q.addr : (struct np_addr){ 0 };
	return 0;
}
