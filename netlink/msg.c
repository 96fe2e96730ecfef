/* Pure rtnetlink message builders and reply parsers: no socket here, so the
 * unit tests can check every attribute without root. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <string.h>

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static bool family_ok(const struct np_addr *a, unsigned prefix)
{
	return a && addr_len(a->family) && prefix <= np_addr_max_prefix(a->family);
}

int np_nl_msg_new(int type, int flags, const void *hdr, size_t len, struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = nlmsg_alloc_simple(type, flags);

	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, (void *)hdr, len, NLMSG_ALIGNTO) < 0)
		return -EMSGSIZE;
	*ret = np_steal(&m);
	return 0;
}

/* An ifinfomsg request addressed by name (the kernel resolves IFLA_IFNAME
 * when ifi_index is 0) or by index. */
static int link_msg(int type, int flags, int ifindex, const char *ifname,
		    const struct ifinfomsg *tmpl, struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct ifinfomsg ifi = tmpl ? *tmpl : (struct ifinfomsg){ 0 };
	int r;

	if (ifindex <= 0 && !np_ifname_valid(ifname))
		return -EINVAL;
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = ifindex > 0 ? ifindex : 0;
	r = np_nl_msg_new(type, flags, &ifi, sizeof(ifi), &m);
	if (r < 0)
		return r;
	if (ifindex <= 0 && nla_put_string(m, IFLA_IFNAME, ifname) < 0)
		return -EMSGSIZE;
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_bridge_add(const struct np_bridge_spec *spec, struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct nlattr *info, *data;
	int r;

	if (!spec || spec->stp < -1 || spec->stp > 1 || spec->delay_cs < -1 ||
	    spec->delay_cs > (long)UINT32_MAX)
		return -EINVAL;
	r = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, spec->ifname, NULL, &m);
	if (r < 0)
		return r;
	if (spec->mac && nla_put(m, IFLA_ADDRESS, NP_MAC_LEN, spec->mac) < 0)
		return -EMSGSIZE;
	info = nla_nest_start(m, IFLA_LINKINFO);
	if (!info || nla_put_string(m, IFLA_INFO_KIND, "bridge") < 0)
		return -EMSGSIZE;
	if (spec->stp >= 0 || spec->delay_cs >= 0) {
		/* The kernel applies IFLA_BR_FORWARD_DELAY before
		 * IFLA_BR_STP_STATE whatever their order here, i.e. with STP
		 * still off, so any delay is accepted and STP start then
		 * clamps it to 2..30 s, the same as libvirt's sysfs writes. */
		data = nla_nest_start(m, IFLA_INFO_DATA);
		if (!data)
			return -EMSGSIZE;
		if (spec->delay_cs >= 0 &&
		    nla_put_u32(m, IFLA_BR_FORWARD_DELAY, (uint32_t)spec->delay_cs) < 0)
			return -EMSGSIZE;
		if (spec->stp >= 0 && nla_put_u32(m, IFLA_BR_STP_STATE, (uint32_t)spec->stp) < 0)
			return -EMSGSIZE;
		nla_nest_end(m, data);
	}
	nla_nest_end(m, info);
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_link_set_mtu(const char *ifname, unsigned mtu, struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	if (mtu == 0)
		return -EINVAL;
	r = link_msg(RTM_NEWLINK, 0, 0, ifname, NULL, &m);
	if (r < 0)
		return r;
	if (nla_put_u32(m, IFLA_MTU, mtu) < 0)
		return -EMSGSIZE;
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_link_set_up(const char *ifname, struct nl_msg **ret)
{
	const struct ifinfomsg up = { .ifi_flags = IFF_UP, .ifi_change = IFF_UP };

	return link_msg(RTM_NEWLINK, 0, 0, ifname, &up, ret);
}

int np_nl_msg_link_del(const char *ifname, struct nl_msg **ret)
{
	return link_msg(RTM_DELLINK, 0, 0, ifname, NULL, ret);
}

int np_nl_msg_link_get(int ifindex, const char *ifname, struct nl_msg **ret)
{
	return link_msg(RTM_GETLINK, 0, ifindex, ifname, NULL, ret);
}

int np_nl_msg_addr_add(int ifindex, const struct np_addr *a, unsigned prefix,
		       struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct ifaddrmsg ifa = { 0 };
	size_t len;

	if (ifindex <= 0 || !family_ok(a, prefix))
		return -EINVAL;
	len = addr_len(a->family);
	ifa.ifa_family = (uint8_t)a->family;
	ifa.ifa_prefixlen = (uint8_t)prefix;
	ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	ifa.ifa_index = (uint32_t)ifindex;
	m = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
	    nla_put(m, IFA_LOCAL, (int)len, a->bytes) < 0 ||
	    nla_put(m, IFA_ADDRESS, (int)len, a->bytes) < 0)
		return -EMSGSIZE;
	if (a->family == AF_INET) {
		/* libvirt (virNetDevIPAddrAdd) always sends the all-ones
		 * broadcast for IPv4, for /31 and /32 too, unlike `brd +`. */
		struct np_addr brd = np_addr_broadcast(a, prefix);

		if (nla_put(m, IFA_BROADCAST, 4, brd.bytes) < 0)
			return -EMSGSIZE;
	}
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_route_add(int ifindex, const struct np_addr *dst, unsigned prefix,
			const struct np_addr *gw, unsigned metric, struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct rtmsg rtm = { 0 };
	bool has_gw = gw && np_addr_is_set(gw);
	size_t len;

	if (ifindex <= 0 || !family_ok(dst, prefix))
		return -EINVAL;
	if (has_gw && gw->family != dst->family)
		return -EINVAL;
	len = addr_len(dst->family);
	/* As virNetDevIPRouteAdd: main table, proto boot, unicast. Without a
	 * gateway an IPv4 route is on-link, scope link like `ip route add`. */
	rtm.rtm_family = (uint8_t)dst->family;
	rtm.rtm_dst_len = (uint8_t)prefix;
	rtm.rtm_table = RT_TABLE_MAIN;
	rtm.rtm_protocol = RTPROT_BOOT;
	rtm.rtm_type = RTN_UNICAST;
	rtm.rtm_scope = (!has_gw && dst->family == AF_INET) ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	m = nlmsg_alloc_simple(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0)
		return -EMSGSIZE;
	if (prefix > 0 && nla_put(m, RTA_DST, (int)len, dst->bytes) < 0)
		return -EMSGSIZE;
	if (has_gw && nla_put(m, RTA_GATEWAY, (int)len, gw->bytes) < 0)
		return -EMSGSIZE;
	if (nla_put_u32(m, RTA_OIF, (uint32_t)ifindex) < 0)
		return -EMSGSIZE;
	if (metric > 0 && nla_put_u32(m, RTA_PRIORITY, metric) < 0)
		return -EMSGSIZE;
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_route_dump(int family, struct nl_msg **ret)
{
	struct rtmsg rtm = { .rtm_family = (uint8_t)family };

	if (!addr_len(family))
		return -EAFNOSUPPORT;
	return np_nl_msg_new(RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm), ret);
}

int np_nl_link_parse(const struct nlmsghdr *h, struct np_link_info *ret)
{
	struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	struct np_link_info info = { 0 };
	struct nlmsghdr *hh = (struct nlmsghdr *)h;

	if (h->nlmsg_type != RTM_NEWLINK || !nlmsg_valid_hdr(hh, sizeof(*ifi)))
		return -EBADMSG;
	if (nlmsg_parse(hh, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return -EBADMSG;
	ifi = nlmsg_data(hh);
	if (ifi->ifi_index <= 0 || !tb[IFLA_IFNAME])
		return -EBADMSG;
	info.ifindex = ifi->ifi_index;
	info.up = ifi->ifi_flags & IFF_UP;
	if (nla_strlcpy(info.ifname, tb[IFLA_IFNAME], sizeof(info.ifname)) >= sizeof(info.ifname))
		return -EBADMSG;
	if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == NP_MAC_LEN) {
		memcpy(info.mac, nla_data(tb[IFLA_ADDRESS]), NP_MAC_LEN);
		info.has_mac = true;
	}
	if (tb[IFLA_MTU] && nla_len(tb[IFLA_MTU]) >= 4)
		info.mtu = nla_get_u32(tb[IFLA_MTU]);
	*ret = info;
	return 0;
}

/* The device of a route: RTA_OIF, or the first hop of RTA_MULTIPATH (what
 * /proc/net/route, libvirt's source, shows for multipath routes). */
static int route_ifindex(struct nlattr **tb)
{
	if (tb[RTA_OIF] && nla_len(tb[RTA_OIF]) >= 4)
		return (int)nla_get_u32(tb[RTA_OIF]);
	if (tb[RTA_MULTIPATH] && nla_len(tb[RTA_MULTIPATH]) >= (int)sizeof(struct rtnexthop)) {
		const struct rtnexthop *nh = nla_data(tb[RTA_MULTIPATH]);

		return nh->rtnh_ifindex;
	}
	return 0;
}

int np_nl_route_match(const struct nlmsghdr *h, const struct np_addr *dst, unsigned prefix,
		      int *ret_ifindex)
{
	struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	struct nlmsghdr *hh = (struct nlmsghdr *)h;
	struct np_addr got = { 0 }, want;
	uint32_t table;
	size_t len;

	if (!family_ok(dst, prefix))
		return -EINVAL;
	if (h->nlmsg_type != RTM_NEWROUTE || !nlmsg_valid_hdr(hh, sizeof(*rtm)))
		return -EBADMSG;
	if (nlmsg_parse(hh, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return -EBADMSG;
	rtm = nlmsg_data(hh);
	if (rtm->rtm_family != dst->family || rtm->rtm_dst_len != prefix ||
	    (rtm->rtm_flags & RTM_F_CLONED))
		return 0;
	table = rtm->rtm_table;
	if (tb[RTA_TABLE] && nla_len(tb[RTA_TABLE]) >= 4)
		table = nla_get_u32(tb[RTA_TABLE]);
	if (table != RT_TABLE_MAIN)
		return 0;
	len = addr_len(dst->family);
	got.family = dst->family;
	if (tb[RTA_DST]) {
		if ((size_t)nla_len(tb[RTA_DST]) != len)
			return -EBADMSG;
		memcpy(got.bytes, nla_data(tb[RTA_DST]), len);
	}
	/* libvirt compares dest & mask with the network's address & mask. */
	got = np_addr_network(&got, prefix);
	want = np_addr_network(dst, prefix);
	if (!np_addr_equal(&got, &want))
		return 0;
	*ret_ifindex = route_ifindex(tb);
	return 1;
}

int np_nl_msg_route_get_fib(const struct np_addr *dst, struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct rtmsg rtm = { 0 };
	int r;

	if (!family_ok(dst, 0))
		return -EINVAL;
	rtm.rtm_family = (uint8_t)dst->family;
	rtm.rtm_dst_len = (uint8_t)np_addr_max_prefix(dst->family);
	/* The FIB entry a lookup of dst hits (`ip route get fibmatch`), and the
	 * table it really is in: without LOOKUP_TABLE IPv4 says "main". */
	rtm.rtm_flags = RTM_F_FIB_MATCH | RTM_F_LOOKUP_TABLE;
	r = np_nl_msg_new(RTM_GETROUTE, 0, &rtm, sizeof(rtm), &m);
	if (r < 0)
		return r;
	if (nla_put(m, RTA_DST, (int)addr_len(dst->family), dst->bytes) < 0)
		return -EMSGSIZE;
	*ret = np_steal(&m);
	return 0;
}

int np_nl_route_fib_rules_out(const struct nlmsghdr *h, const struct np_addr *dst,
			      unsigned prefix)
{
	struct nlattr *tb[RTA_MAX + 1];
	struct nlmsghdr *hh = (struct nlmsghdr *)h;
	const struct rtmsg *rtm;
	uint32_t table;

	if (!family_ok(dst, prefix))
		return -EINVAL;
	if (h->nlmsg_type != RTM_NEWROUTE || !nlmsg_valid_hdr(hh, sizeof(*rtm)))
		return -EBADMSG;
	if (nlmsg_parse(hh, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return -EBADMSG;
	rtm = nlmsg_data(hh);
	table = rtm->rtm_table;
	if (tb[RTA_TABLE] && nla_len(tb[RTA_TABLE]) >= 4)
		table = nla_get_u32(tb[RTA_TABLE]);
	/* The longest prefix holding dst in main is shorter than prefix: main
	 * has no dst/prefix, which would have been the longer match. While
	 * no policy rule was ever added, local and main share one trie and
	 * the kernel says "main" for both: the longest match of the two then,
	 * which proves it as well. */
	return rtm->rtm_family == dst->family && table == RT_TABLE_MAIN &&
	       rtm->rtm_dst_len < prefix;
}

int np_nl_msg_route_dump_type(int family, uint32_t table, uint8_t type, struct nl_msg **ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct rtmsg rtm = { .rtm_family = (uint8_t)family, .rtm_type = type };
	int r;

	if (!addr_len(family))
		return -EAFNOSUPPORT;
	rtm.rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	r = np_nl_msg_new(RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm), &m);
	if (r < 0)
		return r;
	if (nla_put_u32(m, RTA_TABLE, table) < 0)
		return -EMSGSIZE;
	*ret = np_steal(&m);
	return 0;
}

int np_nl_msg_rule_dump(int family, struct nl_msg **ret)
{
	struct fib_rule_hdr frh = { .family = (uint8_t)family };

	if (!addr_len(family))
		return -EAFNOSUPPORT;
	return np_nl_msg_new(RTM_GETRULE, NLM_F_DUMP, &frh, sizeof(frh), ret);
}

int np_nl_rule_is_plain(const struct nlmsghdr *h)
{
	struct nlattr *tb[FRA_MAX + 1];
	struct nlmsghdr *hh = (struct nlmsghdr *)h;
	const struct fib_rule_hdr *frh;
	uint32_t table;

	if (h->nlmsg_type != RTM_NEWRULE || !nlmsg_valid_hdr(hh, sizeof(*frh)))
		return -EBADMSG;
	if (nlmsg_parse(hh, sizeof(*frh), tb, FRA_MAX, NULL) < 0)
		return -EBADMSG;
	frh = nlmsg_data(hh);
	if (frh->action != FR_ACT_TO_TBL || frh->dst_len || frh->src_len || frh->tos ||
	    (frh->flags & FIB_RULE_INVERT))
		return 0;
	table = frh->table;
	if (tb[FRA_TABLE] && nla_len(tb[FRA_TABLE]) >= 4)
		table = nla_get_u32(tb[FRA_TABLE]);
	if (table != RT_TABLE_LOCAL && table != RT_TABLE_MAIN && table != RT_TABLE_DEFAULT)
		return 0;
	/* Anything that selects packets (iif, oif, fwmark, uid, ports, l3mdev,
	 * suppress_*) makes it another rule than the kernel's own three. */
	for (int a = 1; a <= FRA_MAX; a++) {
		if (!tb[a] || a == FRA_TABLE || a == FRA_PRIORITY || a == FRA_PROTOCOL)
			continue;
		if ((a == FRA_SUPPRESS_PREFIXLEN || a == FRA_SUPPRESS_IFGROUP) &&
		    nla_len(tb[a]) >= 4 && nla_get_u32(tb[a]) == UINT32_MAX)
			continue;
		return 0;
	}
	return 1;
}
