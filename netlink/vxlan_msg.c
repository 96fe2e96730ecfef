/* VXLAN requests (issue 18): the link, its flood entries, and the address
 * dump that finds the local VTEP address. Pure builders and parsers. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <string.h>
#include <sys/socket.h>

static size_t alen(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int np_nl_msg_vxlan_add(const struct np_vxlan_spec *spec, int dev_ifindex, int master_ifindex,
			struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data;
	int r;

	if (!spec || !np_ifname_valid(spec->ifname) || !spec->vni || spec->vni > 0xffffff ||
	    !spec->port || spec->port > 65535 || dev_ifindex <= 0 || master_ifindex <= 0 ||
	    !alen(spec->local.family))
		return -EINVAL;
	r = np_nl_msg_new(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi), &m);
	if (r < 0)
		return r;
	if (nla_put_string(m, IFLA_IFNAME, spec->ifname) < 0 ||
	    (spec->mac && nla_put(m, IFLA_ADDRESS, NP_MAC_LEN, spec->mac) < 0) ||
	    (spec->mtu && nla_put_u32(m, IFLA_MTU, spec->mtu) < 0) ||
	    nla_put_u32(m, IFLA_MASTER, (uint32_t)master_ifindex) < 0)
		return -EMSGSIZE;
	info = nla_nest_start(m, IFLA_LINKINFO);
	if (!info || nla_put_string(m, IFLA_INFO_KIND, "vxlan") < 0)
		return -EMSGSIZE;
	data = nla_nest_start(m, IFLA_INFO_DATA);
	if (!data || nla_put_u32(m, IFLA_VXLAN_ID, spec->vni) < 0 ||
	    nla_put_u32(m, IFLA_VXLAN_LINK, (uint32_t)dev_ifindex) < 0 ||
	    nla_put(m, spec->local.family == AF_INET ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6,
		    (int)alen(spec->local.family), spec->local.bytes) < 0 ||
	    nla_put_u16(m, IFLA_VXLAN_PORT, htons((uint16_t)spec->port)) < 0 ||
	    nla_put_u8(m, IFLA_VXLAN_LEARNING, spec->learning ? 1 : 0) < 0)
		return -EMSGSIZE;
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_fdb(bool add, int ifindex, const struct np_addr *dst, struct nl_msg **ret)
{
	static const uint8_t zero[NP_MAC_LEN];
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct ndmsg nd = {
		.ndm_family = AF_BRIDGE,
		.ndm_ifindex = ifindex,
		.ndm_state = NUD_NOARP | NUD_PERMANENT,
		.ndm_flags = NTF_SELF,
	};
	int r;

	if (ifindex <= 0 || !dst || !alen(dst->family))
		return -EINVAL;
	/* append: the all-zero MAC holds one entry per peer */
	r = np_nl_msg_new(add ? RTM_NEWNEIGH : RTM_DELNEIGH,
			  add ? NLM_F_CREATE | NLM_F_APPEND : 0, &nd, sizeof(nd), &m);
	if (r < 0)
		return r;
	if (nla_put(m, NDA_LLADDR, NP_MAC_LEN, zero) < 0 ||
	    nla_put(m, NDA_DST, (int)alen(dst->family), dst->bytes) < 0)
		return -EMSGSIZE;
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_addr_dump(int family, struct nl_msg **ret)
{
	struct ifaddrmsg ifa = { .ifa_family = (uint8_t)family };

	return np_nl_msg_new(RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa), ret);
}

int np_nl_addr_parse(const struct nlmsghdr *h, int ifindex, struct np_addr *ret)
{
	struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	struct nlattr *a;
	size_t n;

	if (h->nlmsg_type != RTM_NEWADDR)
		return 0;
	if (nlmsg_parse((struct nlmsghdr *)h, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
		return -EBADMSG;
	ifa = nlmsg_data(h);
	if ((int)ifa->ifa_index != ifindex || ifa->ifa_scope == RT_SCOPE_HOST ||
	    ifa->ifa_scope == RT_SCOPE_LINK)
		return 0;
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	n = alen(ifa->ifa_family);
	if (!a || !n || (size_t)nla_len(a) != n)
		return 0;
	*ret = (struct np_addr){ .family = ifa->ifa_family };
	memcpy(ret->bytes, nla_data(a), n);
	return 1;
}
