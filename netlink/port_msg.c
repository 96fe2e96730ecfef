/* Pure builders for guest ports: a veth pair whose peer lands in another
 * namespace, and enslaving a link to a bridge. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <netlink/attr.h>

int np_nl_msg_veth_add(const struct np_veth_spec *spec, struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data, *peer;

	if (!spec || !np_ifname_valid(spec->ifname) || !np_ifname_valid(spec->peer_ifname))
		return -EINVAL;
	m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(m, IFLA_IFNAME, spec->ifname) < 0)
		return -EMSGSIZE;
	if (spec->mac && nla_put(m, IFLA_ADDRESS, NP_MAC_LEN, spec->mac) < 0)
		return -EMSGSIZE;
	info = nla_nest_start(m, IFLA_LINKINFO);
	if (!info || nla_put_string(m, IFLA_INFO_KIND, "veth") < 0)
		return -EMSGSIZE;
	data = nla_nest_start(m, IFLA_INFO_DATA);
	peer = data ? nla_nest_start(m, VETH_INFO_PEER) : NULL;
	/* The peer's attributes follow an ifinfomsg of its own. */
	if (!peer || nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(m, IFLA_IFNAME, spec->peer_ifname) < 0)
		return -EMSGSIZE;
	if (spec->peer_mac && nla_put(m, IFLA_ADDRESS, NP_MAC_LEN, spec->peer_mac) < 0)
		return -EMSGSIZE;
	if (spec->peer_netns_fd >= 0 && nla_put_u32(m, IFLA_NET_NS_FD, (uint32_t)spec->peer_netns_fd) < 0)
		return -EMSGSIZE;
	nla_nest_end(m, peer);
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_link_enslave(const char *ifname, int master_ifindex, const uint8_t *mac,
			   struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };

	if (!np_ifname_valid(ifname) || master_ifindex <= 0)
		return -EINVAL;
	m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(m, IFLA_IFNAME, ifname) < 0 ||
	    nla_put_u32(m, IFLA_MASTER, (uint32_t)master_ifindex) < 0)
		return -EMSGSIZE;
	if (mac && nla_put(m, IFLA_ADDRESS, NP_MAC_LEN, mac) < 0)
		return -EMSGSIZE;
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_port_isolate(const char *ifname, bool on, struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data;

	if (!np_ifname_valid(ifname))
		return -EINVAL;
	m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(m, IFLA_IFNAME, ifname) < 0)
		return -EMSGSIZE;
	/* `ip link set IF type bridge_slave isolated on`: the port options
	 * of the link's current master, here its bridge. */
	info = nla_nest_start(m, IFLA_LINKINFO);
	if (!info || nla_put_string(m, IFLA_INFO_SLAVE_KIND, "bridge") < 0)
		return -EMSGSIZE;
	data = nla_nest_start(m, IFLA_INFO_SLAVE_DATA);
	if (!data || nla_put_u8(m, IFLA_BRPORT_ISOLATED, on ? 1 : 0) < 0)
		return -EMSGSIZE;
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	*ret = np_steal(&m);
	return 0;
}
