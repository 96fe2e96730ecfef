/* netlink/ without a socket: NLE_* conversion, every request builder
 * (attributes read back), the reply parsers, and sysctl paths. No root. */
#include "netlink/internal.h"
#include "netlink/sysctl.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <limits.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <stdio.h>
#include <string.h>

static int failures, checks;

#define CHECK(cond)                                                                 \
	do {                                                                        \
		checks++;                                                           \
		if (!(cond)) {                                                      \
			failures++;                                                 \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,      \
				__LINE__, #cond);                                   \
		}                                                                   \
	} while (0)

static struct np_addr addr(const char *s)
{
	struct np_addr a = { 0 };

	if (np_addr_parse(s, 0, &a) < 0) {
		fprintf(stderr, "bad test address %s\n", s);
		exit(2);
	}
	return a;
}

static bool attr_is_addr(struct nlattr *a, const char *s)
{
	struct np_addr want = addr(s);
	size_t len = want.family == AF_INET ? 4 : 16;

	return a && (size_t)nla_len(a) == len && memcmp(nla_data(a), want.bytes, len) == 0;
}

static void test_errno(void)
{
	CHECK(np_nl_errno(0) == 0);
	CHECK(np_nl_errno(-NLE_EXIST) == -EEXIST);
	CHECK(np_nl_errno(NLE_EXIST) == -EEXIST);
	CHECK(np_nl_errno(-NLE_OBJ_NOTFOUND) == -ENODEV);
	CHECK(np_nl_errno(-NLE_NODEV) == -ENODEV);
	CHECK(np_nl_errno(-NLE_PERM) == -EPERM);
	CHECK(np_nl_errno(-NLE_NOACCESS) == -EACCES);
	CHECK(np_nl_errno(-NLE_NOMEM) == -ENOMEM);
	CHECK(np_nl_errno(-NLE_INVAL) == -EINVAL);
	CHECK(np_nl_errno(-NLE_BUSY) == -EBUSY);
	CHECK(np_nl_errno(-NLE_AGAIN) == -EAGAIN);
	CHECK(np_nl_errno(-NLE_NOADDR) == -EADDRNOTAVAIL);
	CHECK(np_nl_errno(-NLE_RANGE) == -ERANGE);
	CHECK(np_nl_errno(-NLE_OPNOTSUPP) == -EOPNOTSUPP);
	CHECK(np_nl_errno(-NLE_FAILURE) == -EIO);
	CHECK(np_nl_errno(-(NLE_MAX + 1)) == -EIO);
	CHECK(np_nl_errno(INT_MIN) == -EIO);
	/* Every code libnl knows maps to some negative errno. */
	for (int i = 1; i <= NLE_MAX; i++)
		CHECK(np_nl_errno(-i) < 0);
}

/* Parses m as an ifinfomsg request into tb; returns the header. */
static struct nlmsghdr *parse_link(struct nl_msg *m, struct nlattr **tb)
{
	struct nlmsghdr *h = nlmsg_hdr(m);

	if (nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return NULL;
	return h;
}

static void test_bridge(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct np_bridge_spec spec = {
		.ifname = "virbr9", .mac = mac, .mtu = 9000, .stp = 1, .delay_cs = 0
	};
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1], *br[IFLA_BR_MAX + 1];
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct ifinfomsg *ifi;

	CHECK(np_nl_msg_bridge_add(&spec, &m) == 0);
	h = parse_link(m, tb);
	CHECK(h);
	if (!h)
		goto out;
	ifi = nlmsg_data(h);
	CHECK(h->nlmsg_type == RTM_NEWLINK);
	CHECK((h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) == (NLM_F_CREATE | NLM_F_EXCL));
	CHECK(ifi->ifi_index == 0);
	CHECK(tb[IFLA_IFNAME] && strcmp(nla_get_string(tb[IFLA_IFNAME]), "virbr9") == 0);
	CHECK(tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6 &&
	      memcmp(nla_data(tb[IFLA_ADDRESS]), mac, 6) == 0);
	/* MTU is a separate request (see nl.h). */
	CHECK(!tb[IFLA_MTU]);
	CHECK(tb[IFLA_LINKINFO] && nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0);
	CHECK(li[IFLA_INFO_KIND] && strcmp(nla_get_string(li[IFLA_INFO_KIND]), "bridge") == 0);
	CHECK(li[IFLA_INFO_DATA] && nla_parse_nested(br, IFLA_BR_MAX, li[IFLA_INFO_DATA], NULL) == 0);
	CHECK(br[IFLA_BR_STP_STATE] && nla_get_u32(br[IFLA_BR_STP_STATE]) == 1);
	CHECK(br[IFLA_BR_FORWARD_DELAY] && nla_get_u32(br[IFLA_BR_FORWARD_DELAY]) == 0);
	nlmsg_free(m);
	m = NULL;

	/* Leave everything to the kernel: no MAC, no bridge data. */
	spec = (struct np_bridge_spec){ .ifname = "br-x.1", .stp = -1, .delay_cs = -1 };
	CHECK(np_nl_msg_bridge_add(&spec, &m) == 0);
	h = parse_link(m, tb);
	CHECK(h && !tb[IFLA_ADDRESS] && tb[IFLA_LINKINFO]);
	if (h && tb[IFLA_LINKINFO]) {
		CHECK(nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0);
		CHECK(!li[IFLA_INFO_DATA]);
	}
	nlmsg_free(m);
	m = NULL;

	spec = (struct np_bridge_spec){ .ifname = "br0", .stp = 0, .delay_cs = 1500 };
	CHECK(np_nl_msg_bridge_add(&spec, &m) == 0);
	h = parse_link(m, tb);
	if (h && tb[IFLA_LINKINFO] &&
	    nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0 && li[IFLA_INFO_DATA] &&
	    nla_parse_nested(br, IFLA_BR_MAX, li[IFLA_INFO_DATA], NULL) == 0) {
		CHECK(br[IFLA_BR_STP_STATE] && nla_get_u32(br[IFLA_BR_STP_STATE]) == 0);
		CHECK(br[IFLA_BR_FORWARD_DELAY] && nla_get_u32(br[IFLA_BR_FORWARD_DELAY]) == 1500);
	} else {
		CHECK(!"bridge data missing");
	}
	nlmsg_free(m);
	m = NULL;

	/* Refused before anything is built; ret stays untouched. */
	const char *bad[] = { NULL, "", "0123456789abcdef", "a/b", "a b", "a:b", ".", "..", "a\nb" };
	for (size_t i = 0; i < NP_ARRAY_SIZE(bad); i++) {
		spec = (struct np_bridge_spec){ .ifname = bad[i], .stp = -1, .delay_cs = -1 };
		CHECK(np_nl_msg_bridge_add(&spec, &m) == -EINVAL && !m);
	}
	spec = (struct np_bridge_spec){ .ifname = "br0", .stp = 2, .delay_cs = -1 };
	CHECK(np_nl_msg_bridge_add(&spec, &m) == -EINVAL && !m);
	spec = (struct np_bridge_spec){ .ifname = "br0", .stp = -1, .delay_cs = -2 };
	CHECK(np_nl_msg_bridge_add(&spec, &m) == -EINVAL && !m);
	CHECK(np_nl_msg_bridge_add(NULL, &m) == -EINVAL && !m);
out:
	if (m)
		nlmsg_free(m);
}

static void test_link_msgs(void)
{
	struct nlattr *tb[IFLA_MAX + 1];
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct ifinfomsg *ifi;

	CHECK(np_nl_msg_link_set_mtu("virbr9", 9000, &m) == 0);
	h = parse_link(m, tb);
	CHECK(h && h->nlmsg_type == RTM_NEWLINK && !(h->nlmsg_flags & NLM_F_CREATE));
	CHECK(tb[IFLA_MTU] && nla_get_u32(tb[IFLA_MTU]) == 9000);
	nlmsg_free(m);
	m = NULL;
	CHECK(np_nl_msg_link_set_mtu("virbr9", 0, &m) == -EINVAL && !m);

	CHECK(np_nl_msg_link_set_up("virbr9", &m) == 0);
	h = parse_link(m, tb);
	ifi = nlmsg_data(h);
	CHECK(h->nlmsg_type == RTM_NEWLINK && !(h->nlmsg_flags & NLM_F_CREATE));
	CHECK(ifi->ifi_flags == IFF_UP && ifi->ifi_change == IFF_UP);
	CHECK(tb[IFLA_IFNAME] && strcmp(nla_get_string(tb[IFLA_IFNAME]), "virbr9") == 0);
	nlmsg_free(m);
	m = NULL;

	CHECK(np_nl_msg_link_del("virbr9", &m) == 0);
	h = parse_link(m, tb);
	CHECK(h->nlmsg_type == RTM_DELLINK && tb[IFLA_IFNAME]);
	nlmsg_free(m);
	m = NULL;
	CHECK(np_nl_msg_link_del("", &m) == -EINVAL && !m);

	CHECK(np_nl_msg_link_get(42, NULL, &m) == 0);
	h = parse_link(m, tb);
	ifi = nlmsg_data(h);
	CHECK(h->nlmsg_type == RTM_GETLINK && ifi->ifi_index == 42 && !tb[IFLA_IFNAME]);
	nlmsg_free(m);
	m = NULL;
	CHECK(np_nl_msg_link_get(0, NULL, &m) == -EINVAL && !m);
}

static void test_addr(void)
{
	struct nlattr *tb[IFA_MAX + 1];
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct ifaddrmsg *ifa;
	struct np_addr a = addr("192.168.122.1"), a6 = addr("2001:db8:ca2:2::1");

	CHECK(np_nl_msg_addr_add(7, &a, 24, &m) == 0);
	h = nlmsg_hdr(m);
	CHECK(nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) == 0);
	ifa = nlmsg_data(h);
	CHECK(h->nlmsg_type == RTM_NEWADDR);
	CHECK((h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) == (NLM_F_CREATE | NLM_F_EXCL));
	CHECK(ifa->ifa_family == AF_INET && ifa->ifa_prefixlen == 24 && ifa->ifa_index == 7);
	CHECK(attr_is_addr(tb[IFA_LOCAL], "192.168.122.1"));
	CHECK(attr_is_addr(tb[IFA_ADDRESS], "192.168.122.1"));
	CHECK(attr_is_addr(tb[IFA_BROADCAST], "192.168.122.255"));
	nlmsg_free(m);
	m = NULL;

	a = addr("10.1.2.3");
	CHECK(np_nl_msg_addr_add(7, &a, 12, &m) == 0);
	CHECK(nlmsg_parse(nlmsg_hdr(m), sizeof(*ifa), tb, IFA_MAX, NULL) == 0);
	CHECK(attr_is_addr(tb[IFA_BROADCAST], "10.15.255.255"));
	nlmsg_free(m);
	m = NULL;

	CHECK(np_nl_msg_addr_add(3, &a6, 64, &m) == 0);
	h = nlmsg_hdr(m);
	CHECK(nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) == 0);
	ifa = nlmsg_data(h);
	CHECK(ifa->ifa_family == AF_INET6 && ifa->ifa_prefixlen == 64 && ifa->ifa_index == 3);
	CHECK(attr_is_addr(tb[IFA_LOCAL], "2001:db8:ca2:2::1"));
	CHECK(!tb[IFA_BROADCAST]);
	nlmsg_free(m);
	m = NULL;

	struct np_addr none = { 0 };
	CHECK(np_nl_msg_addr_add(7, &a, 33, &m) == -EINVAL && !m);
	CHECK(np_nl_msg_addr_add(7, &a6, 129, &m) == -EINVAL && !m);
	CHECK(np_nl_msg_addr_add(7, &none, 8, &m) == -EINVAL && !m);
	CHECK(np_nl_msg_addr_add(0, &a, 24, &m) == -EINVAL && !m);
	CHECK(np_nl_msg_addr_add(7, NULL, 24, &m) == -EINVAL && !m);
}

static void test_route(void)
{
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct rtmsg *rtm;
	struct np_addr dst = addr("10.20.0.0"), gw = addr("192.168.122.254");
	struct np_addr dst6 = addr("2001:db8:99::"), none = { 0 };

	CHECK(np_nl_msg_route_add(5, &dst, 16, &gw, 7, &m) == 0);
	h = nlmsg_hdr(m);
	CHECK(nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL) == 0);
	rtm = nlmsg_data(h);
	CHECK(h->nlmsg_type == RTM_NEWROUTE);
	CHECK((h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) == (NLM_F_CREATE | NLM_F_EXCL));
	CHECK(rtm->rtm_family == AF_INET && rtm->rtm_dst_len == 16);
	CHECK(rtm->rtm_table == RT_TABLE_MAIN && rtm->rtm_protocol == RTPROT_BOOT);
	CHECK(rtm->rtm_type == RTN_UNICAST && rtm->rtm_scope == RT_SCOPE_UNIVERSE);
	CHECK(attr_is_addr(tb[RTA_DST], "10.20.0.0"));
	CHECK(attr_is_addr(tb[RTA_GATEWAY], "192.168.122.254"));
	CHECK(tb[RTA_OIF] && nla_get_u32(tb[RTA_OIF]) == 5);
	CHECK(tb[RTA_PRIORITY] && nla_get_u32(tb[RTA_PRIORITY]) == 7);
	nlmsg_free(m);
	m = NULL;

	/* On-link, default metric. */
	CHECK(np_nl_msg_route_add(5, &dst, 16, &none, 0, &m) == 0);
	h = nlmsg_hdr(m);
	CHECK(nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL) == 0);
	rtm = nlmsg_data(h);
	CHECK(rtm->rtm_scope == RT_SCOPE_LINK && !tb[RTA_GATEWAY] && !tb[RTA_PRIORITY]);
	nlmsg_free(m);
	m = NULL;

	CHECK(np_nl_msg_route_add(5, &dst6, 48, NULL, 0, &m) == 0);
	h = nlmsg_hdr(m);
	CHECK(nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL) == 0);
	rtm = nlmsg_data(h);
	CHECK(rtm->rtm_family == AF_INET6 && rtm->rtm_scope == RT_SCOPE_UNIVERSE);
	CHECK(attr_is_addr(tb[RTA_DST], "2001:db8:99::"));
	nlmsg_free(m);
	m = NULL;

	/* A default route carries no RTA_DST (as virNetDevIPRouteAdd). */
	struct np_addr any = addr("0.0.0.0");
	CHECK(np_nl_msg_route_add(5, &any, 0, &gw, 0, &m) == 0);
	CHECK(nlmsg_parse(nlmsg_hdr(m), sizeof(*rtm), tb, RTA_MAX, NULL) == 0);
	CHECK(!tb[RTA_DST] && tb[RTA_GATEWAY]);
	nlmsg_free(m);
	m = NULL;

	struct np_addr gw6 = addr("fe80::1");
	CHECK(np_nl_msg_route_add(5, &dst, 16, &gw6, 0, &m) == -EINVAL && !m);
	CHECK(np_nl_msg_route_add(5, &dst, 40, NULL, 0, &m) == -EINVAL && !m);
	CHECK(np_nl_msg_route_add(0, &dst, 16, NULL, 0, &m) == -EINVAL && !m);

	CHECK(np_nl_msg_route_dump(AF_INET6, &m) == 0);
	h = nlmsg_hdr(m);
	CHECK(h->nlmsg_type == RTM_GETROUTE && (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP);
	CHECK(((struct rtmsg *)nlmsg_data(h))->rtm_family == AF_INET6);
	nlmsg_free(m);
	m = NULL;
	CHECK(np_nl_msg_route_dump(AF_UNSPEC, &m) == -EAFNOSUPPORT && !m);
}

/* A route as the kernel would dump it. table_attr 0: none. */
static struct nl_msg *fake_route(const char *dst, unsigned len, int table, uint32_t table_attr,
				 int oif, unsigned flags)
{
	struct np_addr a = addr(dst);
	struct rtmsg rtm = { .rtm_family = (uint8_t)a.family,
			     .rtm_dst_len = (uint8_t)len,
			     .rtm_table = (uint8_t)table,
			     .rtm_type = RTN_UNICAST,
			     .rtm_flags = flags };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWROUTE, NLM_F_MULTI);

	if (!m || nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0)
		exit(2);
	if (len > 0)
		nla_put(m, RTA_DST, a.family == AF_INET ? 4 : 16, a.bytes);
	if (table_attr)
		nla_put_u32(m, RTA_TABLE, table_attr);
	if (oif)
		nla_put_u32(m, RTA_OIF, (uint32_t)oif);
	return m;
}

static int match(struct nl_msg *m, const char *dst, unsigned prefix, int *ifindex)
{
	struct np_addr a = addr(dst);
	int r = np_nl_route_match(nlmsg_hdr(m), &a, prefix, ifindex);

	nlmsg_free(m);
	return r;
}

static void test_route_match(void)
{
	int ifx = -1;

	CHECK(match(fake_route("192.168.122.0", 24, RT_TABLE_MAIN, RT_TABLE_MAIN, 7, 0),
		    "192.168.122.1", 24, &ifx) == 1 && ifx == 7);
	ifx = -1;
	CHECK(match(fake_route("192.168.122.0", 24, RT_TABLE_MAIN, 0, 7, 0), "192.168.122.0", 24,
		    &ifx) == 1 && ifx == 7);
	/* Other prefix, other network, other table, cached clone: no. */
	ifx = -1;
	CHECK(match(fake_route("192.168.122.0", 24, RT_TABLE_MAIN, 0, 7, 0), "192.168.122.0", 25,
		    &ifx) == 0 && ifx == -1);
	CHECK(match(fake_route("192.168.0.0", 16, RT_TABLE_MAIN, 0, 7, 0), "192.168.122.0", 24,
		    &ifx) == 0);
	CHECK(match(fake_route("192.168.123.0", 24, RT_TABLE_MAIN, 0, 7, 0), "192.168.122.0", 24,
		    &ifx) == 0);
	CHECK(match(fake_route("192.168.122.0", 24, RT_TABLE_LOCAL, RT_TABLE_LOCAL, 7, 0),
		    "192.168.122.0", 24, &ifx) == 0);
	CHECK(match(fake_route("192.168.122.0", 24, RT_TABLE_COMPAT, 1000, 7, 0), "192.168.122.0",
		    24, &ifx) == 0);
	CHECK(match(fake_route("2001:db8::", 64, RT_TABLE_MAIN, 0, 7, RTM_F_CLONED), "2001:db8::", 64,
		    &ifx) == 0);
	/* Family is part of the question. */
	CHECK(match(fake_route("2001:db8::", 64, RT_TABLE_MAIN, 0, 7, 0), "10.0.0.0", 8, &ifx) == 0);
	ifx = -1;
	CHECK(match(fake_route("2001:db8:1::", 48, RT_TABLE_MAIN, 0, 9, 0), "2001:db8:1::1", 48,
		    &ifx) == 1 && ifx == 9);
	/* No device (blackhole/unreachable): still a collision, ifindex 0. */
	ifx = -1;
	CHECK(match(fake_route("10.9.0.0", 16, RT_TABLE_MAIN, 0, 0, 0), "10.9.0.0", 16, &ifx) == 1 &&
	      ifx == 0);
	/* Default route only matches prefix 0. */
	CHECK(match(fake_route("0.0.0.0", 0, RT_TABLE_MAIN, 0, 3, 0), "10.9.0.0", 16, &ifx) == 0);
	CHECK(match(fake_route("0.0.0.0", 0, RT_TABLE_MAIN, 0, 3, 0), "0.0.0.0", 0, &ifx) == 1 &&
	      ifx == 3);

	/* Multipath: the first hop's device, as /proc/net/route shows. */
	struct nl_msg *m = fake_route("10.50.0.0", 16, RT_TABLE_MAIN, 0, 0, 0);
	struct rtnexthop nh[2] = { { .rtnh_len = sizeof(nh[0]), .rtnh_ifindex = 11 },
				   { .rtnh_len = sizeof(nh[0]), .rtnh_ifindex = 12 } };
	nla_put(m, RTA_MULTIPATH, sizeof(nh), nh);
	ifx = -1;
	CHECK(match(m, "10.50.0.0", 16, &ifx) == 1 && ifx == 11);

	/* Not a route message. */
	m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	struct ifinfomsg ifi = { 0 };
	nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	CHECK(match(m, "10.0.0.0", 8, &ifx) == -EBADMSG);
	/* Malformed RTA_DST length. */
	struct np_addr a6 = addr("2001:db8::");
	struct nl_msg *bad = nlmsg_alloc_simple(RTM_NEWROUTE, 0);
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_dst_len = 32, .rtm_table = RT_TABLE_MAIN };
	nlmsg_append(bad, &rtm, sizeof(rtm), NLMSG_ALIGNTO);
	nla_put(bad, RTA_DST, 4, a6.bytes);
	CHECK(match(bad, "2001:db8::", 32, &ifx) == -EBADMSG);
}

static void test_link_parse(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };
	struct ifinfomsg ifi = { .ifi_index = 4, .ifi_flags = IFF_UP | IFF_BROADCAST };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	struct np_link_info info = { 0 };

	nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	nla_put_string(m, IFLA_IFNAME, "virbr0.5");
	nla_put(m, IFLA_ADDRESS, 6, mac);
	nla_put_u32(m, IFLA_MTU, 9000);
	CHECK(np_nl_link_parse(nlmsg_hdr(m), &info) == 0);
	CHECK(info.ifindex == 4 && strcmp(info.ifname, "virbr0.5") == 0);
	CHECK(info.has_mac && memcmp(info.mac, mac, 6) == 0 && info.mtu == 9000 && info.up);
	nlmsg_free(m);

	/* No name: malformed, info untouched. */
	m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	info.ifindex = -5;
	CHECK(np_nl_link_parse(nlmsg_hdr(m), &info) == -EBADMSG && info.ifindex == -5);
	nlmsg_free(m);
}

static void test_sysctl_paths(void)
{
	char buf[128];

	CHECK(np_sysctl_path("net.ipv4.ip_forward", buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "/proc/sys/net/ipv4/ip_forward") == 0);
	CHECK(np_sysctl_path("net.ipv6.conf.all.forwarding", buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "/proc/sys/net/ipv6/conf/all/forwarding") == 0);
	CHECK(np_sysctl_path_if(6, "virbr0", "disable_ipv6", buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "/proc/sys/net/ipv6/conf/virbr0/disable_ipv6") == 0);
	CHECK(np_sysctl_path_if(4, "eth0.10", "rp_filter", buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "/proc/sys/net/ipv4/conf/eth0.10/rp_filter") == 0);

	/* conf keys: the interface is one directory even with dots. */
	CHECK(np_sysctl_path("net.ipv6.conf.virbr0.10.disable_ipv6", buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "/proc/sys/net/ipv6/conf/virbr0.10/disable_ipv6") == 0);
	CHECK(np_sysctl_path("net.ipv4.conf.a.b.c.rp_filter", buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "/proc/sys/net/ipv4/conf/a.b.c/rp_filter") == 0);
	CHECK(np_sysctl_path("net.ipv4.conf.all", buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "/proc/sys/net/ipv4/conf/all") == 0);
	CHECK(np_sysctl_path("net.ipv4.conf.0123456789abcdef.rp_filter", buf, sizeof(buf)) ==
	      -EINVAL);

	const char *bad_keys[] = { NULL, "", ".", "net..ipv4", ".net.ipv4", "net.ipv4.",
				   "net/ipv4", "net.ipv4.ip forward", "net.ipv4.ip_forward\n",
				   "net.*.x", "../../etc/passwd" };
	for (size_t i = 0; i < NP_ARRAY_SIZE(bad_keys); i++)
		CHECK(np_sysctl_path(bad_keys[i], buf, sizeof(buf)) == -EINVAL);
	CHECK(np_sysctl_path_if(5, "virbr0", "forwarding", buf, sizeof(buf)) == -EINVAL);
	CHECK(np_sysctl_path_if(6, "..", "forwarding", buf, sizeof(buf)) == -EINVAL);
	CHECK(np_sysctl_path_if(6, "a/b", "forwarding", buf, sizeof(buf)) == -EINVAL);
	CHECK(np_sysctl_path_if(6, "virbr0", "a.b", buf, sizeof(buf)) == -EINVAL);
	CHECK(np_sysctl_path_if(6, "virbr0", "", buf, sizeof(buf)) == -EINVAL);
	CHECK(np_sysctl_path("net.ipv4.ip_forward", buf, 10) == -ENAMETOOLONG);
	CHECK(np_sysctl_path_if(6, "virbr0", "disable_ipv6", buf, 20) == -ENAMETOOLONG);

	/* Rejected before any file is opened, so safe without root. */
	CHECK(np_sysctl_set("net..x", "1") == -EINVAL);
	CHECK(np_sysctl_set("net.ipv4.ip_forward", "1\n0") == -EINVAL);
	CHECK(np_sysctl_set("net.ipv4.ip_forward", "") == -EINVAL);
	CHECK(np_sysctl_set("net.ipv4.ip_forward", NULL) == -EINVAL);
	CHECK(np_sysctl_set_if(6, "a/b", "disable_ipv6", "1") == -EINVAL);
}

static int rules_out(struct nl_msg *m, const char *dst, unsigned prefix)
{
	struct np_addr a = addr(dst);
	int r = np_nl_route_fib_rules_out(nlmsg_hdr(m), &a, prefix);

	nlmsg_free(m);
	return r;
}

static struct nl_msg *fake_rule(uint8_t action, uint32_t table, int extra_attr, uint32_t extra)
{
	struct fib_rule_hdr frh = { .family = AF_INET, .action = action,
				    .table = table < 256 ? (uint8_t)table : 0 };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWRULE, NLM_F_MULTI);

	if (!m || nlmsg_append(m, &frh, sizeof(frh), NLMSG_ALIGNTO) < 0)
		exit(2);
	nla_put_u32(m, FRA_TABLE, table);
	nla_put_u32(m, FRA_PRIORITY, 32766);
	if (extra_attr)
		nla_put_u32(m, extra_attr, extra);
	return m;
}

static int plain(struct nl_msg *m)
{
	int r = np_nl_rule_is_plain(nlmsg_hdr(m));

	nlmsg_free(m);
	return r;
}

static void test_route_lookup(void)
{
	struct np_addr a = addr("10.1.2.0"), a6 = addr("2001:db8::");
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct rtmsg *rtm;
	struct nlattr *tb[RTA_MAX + 1];

	CHECK(np_nl_msg_route_get_fib(&a, &m) == 0 && m);
	h = nlmsg_hdr(m);
	rtm = nlmsg_data(h);
	CHECK(h->nlmsg_type == RTM_GETROUTE && !(h->nlmsg_flags & NLM_F_DUMP));
	CHECK(rtm->rtm_family == AF_INET && rtm->rtm_dst_len == 32);
	CHECK(rtm->rtm_flags == (RTM_F_FIB_MATCH | RTM_F_LOOKUP_TABLE));
	CHECK(nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL) == 0 && tb[RTA_DST] &&
	      nla_len(tb[RTA_DST]) == 4 && !memcmp(nla_data(tb[RTA_DST]), a.bytes, 4));
	nlmsg_free(m);
	m = NULL;
	CHECK(np_nl_msg_route_get_fib(&a6, &m) == 0 && m);
	CHECK(((struct rtmsg *)nlmsg_data(nlmsg_hdr(m)))->rtm_dst_len == 128);
	nlmsg_free(m);
	m = NULL;

	/* main's longest match is shorter: proven free */
	CHECK(rules_out(fake_route("0.0.0.0", 0, RT_TABLE_MAIN, RT_TABLE_MAIN, 3, 0), "10.1.2.0",
			24) == 1);
	CHECK(rules_out(fake_route("10.0.0.0", 8, RT_TABLE_MAIN, 0, 3, 0), "10.1.2.0", 24) == 1);
	CHECK(rules_out(fake_route("::", 0, RT_TABLE_MAIN, RT_TABLE_MAIN, 3, 0), "2001:db8::", 48) ==
	      1);
	/* the route itself, one inside, another table, another family: open */
	CHECK(rules_out(fake_route("10.1.2.0", 24, RT_TABLE_MAIN, 0, 3, 0), "10.1.2.0", 24) == 0);
	CHECK(rules_out(fake_route("10.1.2.0", 25, RT_TABLE_MAIN, 0, 3, 0), "10.1.2.0", 24) == 0);
	CHECK(rules_out(fake_route("0.0.0.0", 0, RT_TABLE_COMPAT, 100, 3, 0), "10.1.2.0", 24) == 0);
	CHECK(rules_out(fake_route("0.0.0.0", 0, RT_TABLE_DEFAULT, 0, 3, 0), "10.1.2.0", 24) == 0);
	CHECK(rules_out(fake_route("::", 0, RT_TABLE_MAIN, 0, 3, 0), "10.1.2.0", 24) == 0);

	CHECK(np_nl_msg_rule_dump(AF_INET6, &m) == 0 && m);
	CHECK(nlmsg_hdr(m)->nlmsg_type == RTM_GETRULE &&
	      (nlmsg_hdr(m)->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP);
	nlmsg_free(m);
	m = NULL;
	CHECK(np_nl_msg_route_dump_type(AF_INET, RT_TABLE_MAIN, RTN_THROW, &m) == 0 && m);
	rtm = nlmsg_data(nlmsg_hdr(m));
	CHECK(rtm->rtm_type == RTN_THROW && rtm->rtm_table == RT_TABLE_MAIN && !rtm->rtm_dst_len);
	nlmsg_free(m);

	CHECK(plain(fake_rule(FR_ACT_TO_TBL, RT_TABLE_MAIN, 0, 0)) == 1);
	CHECK(plain(fake_rule(FR_ACT_TO_TBL, RT_TABLE_LOCAL, FRA_SUPPRESS_PREFIXLEN, UINT32_MAX)) ==
	      1);
	CHECK(plain(fake_rule(FR_ACT_TO_TBL, RT_TABLE_MAIN, FRA_SUPPRESS_PREFIXLEN, 0)) == 0);
	CHECK(plain(fake_rule(FR_ACT_TO_TBL, 100, 0, 0)) == 0);
	CHECK(plain(fake_rule(FR_ACT_UNREACHABLE, 0, 0, 0)) == 0);
	CHECK(plain(fake_rule(FR_ACT_TO_TBL, RT_TABLE_MAIN, FRA_FWMARK, 1)) == 0);
	CHECK(plain(fake_route("10.0.0.0", 8, RT_TABLE_MAIN, 0, 3, 0)) == -EBADMSG);
}

/* issue 18: the VXLAN link, its flood entries, the address dump. */
static void test_vxlan(void)
{
	static const uint8_t mac[6] = { 0x56, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct np_vxlan_spec spec = { .ifname = "vx4242", .master = "npvx0", .dev = "ul0",
				      .mac = mac, .vni = 4242, .port = 4789, .mtu = 1450,
				      .local = addr("10.99.0.1"), .learning = false };
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1], *vx[IFLA_VXLAN_MAX + 1];
	struct nlattr *nd[NDA_MAX + 1];
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct ndmsg *ndm;

	CHECK(np_nl_msg_vxlan_add(&spec, 3, 7, &m) == 0);
	h = m ? parse_link(m, tb) : NULL;
	CHECK(h && h->nlmsg_type == RTM_NEWLINK &&
	      (h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) == (NLM_F_CREATE | NLM_F_EXCL));
	if (h) {
		CHECK(tb[IFLA_IFNAME] && !strcmp(nla_get_string(tb[IFLA_IFNAME]), "vx4242"));
		CHECK(tb[IFLA_MASTER] && nla_get_u32(tb[IFLA_MASTER]) == 7);
		CHECK(tb[IFLA_MTU] && nla_get_u32(tb[IFLA_MTU]) == 1450);
		CHECK(tb[IFLA_ADDRESS] && !memcmp(nla_data(tb[IFLA_ADDRESS]), mac, 6));
		CHECK(tb[IFLA_LINKINFO] &&
		      nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0);
		CHECK(li[IFLA_INFO_KIND] && !strcmp(nla_get_string(li[IFLA_INFO_KIND]), "vxlan"));
		CHECK(li[IFLA_INFO_DATA] &&
		      nla_parse_nested(vx, IFLA_VXLAN_MAX, li[IFLA_INFO_DATA], NULL) == 0);
		CHECK(vx[IFLA_VXLAN_ID] && nla_get_u32(vx[IFLA_VXLAN_ID]) == 4242);
		CHECK(vx[IFLA_VXLAN_LINK] && nla_get_u32(vx[IFLA_VXLAN_LINK]) == 3);
		CHECK(attr_is_addr(vx[IFLA_VXLAN_LOCAL], "10.99.0.1") && !vx[IFLA_VXLAN_LOCAL6]);
		CHECK(vx[IFLA_VXLAN_PORT] && nla_get_u16(vx[IFLA_VXLAN_PORT]) == htons(4789));
		CHECK(vx[IFLA_VXLAN_LEARNING] && nla_get_u8(vx[IFLA_VXLAN_LEARNING]) == 0);
	}
	nlmsg_free(m);
	m = NULL;
	spec.local = addr("fd00::1");
	CHECK(np_nl_msg_vxlan_add(&spec, 3, 7, &m) == 0);
	h = m ? parse_link(m, tb) : NULL;
	if (h && tb[IFLA_LINKINFO] &&
	    nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0 &&
	    li[IFLA_INFO_DATA] && nla_parse_nested(vx, IFLA_VXLAN_MAX, li[IFLA_INFO_DATA], NULL) == 0)
		CHECK(attr_is_addr(vx[IFLA_VXLAN_LOCAL6], "fd00::1") && !vx[IFLA_VXLAN_LOCAL]);
	else
		CHECK(!"vxlan data missing");
	nlmsg_free(m);
	m = NULL;
	/* refused: VNI 0 or past 24 bits, no local address, no underlay */
	spec.vni = 0;
	CHECK(np_nl_msg_vxlan_add(&spec, 3, 7, &m) == -EINVAL);
	spec.vni = 1 << 24;
	CHECK(np_nl_msg_vxlan_add(&spec, 3, 7, &m) == -EINVAL);
	spec.vni = 1;
	spec.local = (struct np_addr){ 0 };
	CHECK(np_nl_msg_vxlan_add(&spec, 3, 7, &m) == -EINVAL);
	spec.local = addr("10.99.0.1");
	CHECK(np_nl_msg_vxlan_add(&spec, 0, 7, &m) == -EINVAL);

	CHECK(np_nl_msg_fdb(true, 9, &(struct np_addr){ 0 }, &m) == -EINVAL);
	CHECK(np_nl_msg_fdb(true, 9, &spec.local, &m) == 0);
	h = m ? nlmsg_hdr(m) : NULL;
	CHECK(h && h->nlmsg_type == RTM_NEWNEIGH &&
	      (h->nlmsg_flags & (NLM_F_CREATE | NLM_F_APPEND)) == (NLM_F_CREATE | NLM_F_APPEND) &&
	      nlmsg_parse(h, sizeof(*ndm), nd, NDA_MAX, NULL) == 0);
	if (h) {
		static const uint8_t zero[6];

		ndm = nlmsg_data(h);
		CHECK(ndm->ndm_family == AF_BRIDGE && ndm->ndm_ifindex == 9 &&
		      ndm->ndm_flags == NTF_SELF && (ndm->ndm_state & NUD_PERMANENT));
		CHECK(nd[NDA_LLADDR] && !memcmp(nla_data(nd[NDA_LLADDR]), zero, 6));
		CHECK(attr_is_addr(nd[NDA_DST], "10.99.0.1"));
	}
	nlmsg_free(m);
	m = NULL;
	CHECK(np_nl_msg_fdb(false, 9, &spec.local, &m) == 0);
	CHECK(m && nlmsg_hdr(m)->nlmsg_type == RTM_DELNEIGH);
	nlmsg_free(m);
}

int main(void)
{
	test_errno();
	test_bridge();
	test_link_msgs();
	test_addr();
	test_route();
	test_route_match();
	test_route_lookup();
	test_link_parse();
	test_sysctl_paths();
	test_vxlan();
	printf("test-nl-msg: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
