/* Firewall rendering: golden nft scripts for networks built in C, the remove
 * script, names that must never reach nft, and invalid NAT port ranges. */
#include "check.h"
#include "fw-net.h"

#include "common/err.h"
#include "common/util.h"
#include "firewall/fw.h"
#include "firewall/fw_bw.h"
#include "xml/bandwidth.h"
#include "xml/net.h"

#include <errno.h>
#include <sys/socket.h>

#define GOLDEN_DIR NP_TEST_DATA "/fw/"

static char *render(const struct np_net *net, int *ret_code, struct np_err *err)
{
	char *s = NULL;

	*ret_code = np_fw_ruleset_render(net, &s, err);
	return s;
}

/* Renders net, compares with GOLDEN_DIR/name.nft and returns the text. */
static char *golden(const char *name, const struct np_net *net)
{
	struct np_err err = { { 0 } };
	char path[512];
	char *s;
	int r;

	s = render(net, &r, &err);
	CHECK(r == 0);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", name, err.msg);
		return NULL;
	}
	snprintf(path, sizeof(path), GOLDEN_DIR "%s.nft", name);
	CHECK(check_golden(path, s));
	CHECK(!strncmp(s, "add table inet netplumb\n", 24));
	CHECK(!err.msg[0]);
	return s;
}

static void test_nat_default(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	_np_free_ char *s = NULL;

	net_add_ip(net, "192.168.122.1", 24);
	s = golden("nat-default", net);
	if (!s)
		return;
	/* facts the golden must keep, so a careless regeneration shows */
	CHECK(strstr(s, "add chain inet netplumb fwd-virbr0 { type filter hook forward priority 0;"));
	CHECK(strstr(s, "add chain inet netplumb nat-virbr0 { type nat hook postrouting priority 100;"));
	CHECK(strstr(s, "flush chain inet netplumb fwd-virbr0\n"));
	CHECK(strstr(s, "oifname \"virbr0\" ip daddr 192.168.122.0/24 ct state related,established"));
	CHECK(strstr(s, "meta l4proto tcp ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 "
			"counter masquerade to :1024-65535\n"));
	CHECK(strstr(s, "ip saddr 192.168.122.0/24 ip daddr 255.255.255.255 counter return"));
	CHECK(!strstr(s, "ip6"));
	/* no IPv6 on the network: libvirt leaves IPv6 alone */
	CHECK(strstr(s, "meta nfproto ipv4 iifname \"virbr0\" counter reject\n"));
	/* the catch-alls come after the accepts */
	CHECK(strstr(s, "ip daddr 192.168.122.0/24") < strstr(s, "oifname \"virbr0\" counter reject"));
	CHECK(strstr(s, "ip saddr 192.168.122.0/24 counter accept") <
	      strstr(s, "iifname \"virbr0\" counter reject"));
}

/* The create-only script: one "add chain" block per chain with the same
 * rules in the same order, no flush, no "add rule", no delete. */
static void test_create(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	_np_net_free_ struct np_net *iso = net_new("virbr1", NP_FWD_NONE);
	struct np_err err = { { 0 } };
	_np_free_ char *s = NULL, *i = NULL;

	net_add_ip(net, "192.168.122.1", 24);
	CHECK(np_fw_ruleset_create_render(net, &s, &err) == 0);
	CHECK(s && check_golden(GOLDEN_DIR "create-nat-default.nft", s));
	CHECK(s && !strstr(s, "add rule") && !strstr(s, "flush") && !strstr(s, "delete"));
	CHECK(s && !strncmp(s, "add table inet netplumb\nadd chain inet netplumb fwd-virbr0 { "
			      "type filter hook forward priority 0; policy accept; meta nfproto "
			      "ipv4 iifname \"virbr0\" oifname \"virbr0\" counter accept; ",
			   140));
	CHECK(s && strstr(s, "; ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 counter "
			     "masquerade; }\n"));
	/* no nat chain to drop for a network that never had one */
	net_add_ip(iso, "10.1.0.1", 16);
	CHECK(np_fw_ruleset_create_render(iso, &i, &err) == 0);
	CHECK(i && !strstr(i, "nat-virbr1") && strstr(i, "counter reject; }\n"));
	/* names are checked the same way */
	free(iso->bridge.name);
	iso->bridge.name = xstrdup("bad\"name");
	free(i);
	i = NULL;
	CHECK(np_fw_ruleset_create_render(iso, &i, &err) == -EINVAL && !i);
}

static void test_route(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr1", NP_FWD_ROUTE);
	_np_free_ char *s = NULL;

	net_add_ip(net, "192.168.123.1", 24);
	net_add_ip(net, "2001:db8:ca2:3::1", 64);
	s = golden("route", net);
	if (!s)
		return;
	CHECK(!strstr(s, "ct state"));
	CHECK(!strstr(s, "masquerade"));
	/* a nat chain left by an earlier nat definition goes */
	CHECK(strstr(s, "add chain inet netplumb nat-virbr1\ndelete chain inet netplumb nat-virbr1\n"));
	CHECK(strstr(s, "oifname \"virbr1\" ip6 daddr 2001:db8:ca2:3::/64 counter accept"));
	CHECK(!strstr(s, "nfproto"));
}

static void test_isolated(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr2", NP_FWD_NONE);
	_np_free_ char *s = NULL;

	net_add_ip(net, "192.168.124.1", 24);
	net_add_ip(net, "2001:db8:ca2:4::1", 64);
	s = golden("isolated", net);
	if (!s)
		return;
	CHECK(!strstr(s, "saddr"));
	CHECK(!strstr(s, "daddr"));
	CHECK(!strstr(s, "accept\n") || strstr(s, "iifname \"virbr2\" oifname \"virbr2\" counter accept"));
}

static void test_forward_dev(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	_np_free_ char *s = NULL;

	net_add_ip(net, "192.168.122.1", 24);
	net_set_dev(net, "enp0s7");
	s = golden("nat-forward-dev", net);
	if (!s)
		return;
	/* libvirt's forward-dev case: the device on both directions and on
	 * every nat rule */
	CHECK(strstr(s, "iifname \"enp0s7\" oifname \"virbr0\" ip daddr 192.168.122.0/24 ct state"));
	CHECK(strstr(s, "iifname \"virbr0\" ip saddr 192.168.122.0/24 oifname \"enp0s7\" counter accept"));
	CHECK(strstr(s, "oifname \"enp0s7\" ip saddr 192.168.122.0/24 ip daddr 224.0.0.0/24 counter return"));
	CHECK(strstr(s, "ip daddr != 192.168.122.0/24 oifname \"enp0s7\" counter masquerade\n"));
}

static void test_forward_interface(void)
{
	/* <forward mode='route'><interface dev='eth1'/></forward> */
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_ROUTE);
	_np_free_ char *s = NULL;
	struct np_err err = { { 0 } };
	int r;

	net_add_ip(net, "10.0.0.1", 8);
	net->forward.ifs = calloc(1, sizeof(*net->forward.ifs));
	if (!net->forward.ifs)
		abort();
	net->forward.ifs[0].dev = xstrdup("eth1");
	net->forward.n_ifs = 1;
	s = render(net, &r, &err);
	CHECK(r == 0);
	CHECK(s && strstr(s, "iifname \"eth1\" oifname \"virbr0\" ip daddr 10.0.0.0/8 counter accept\n"));
	CHECK(s && strstr(s, "iifname \"virbr0\" ip saddr 10.0.0.0/8 oifname \"eth1\" counter accept\n"));
}

static void test_address_range(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	_np_free_ char *s = NULL;
	struct np_forward_nat *nat = &net->forward.nat;

	net_add_ip(net, "192.168.122.1", 24);
	net_add_ip(net, "2001:db8:ca2:2::1", 64);
	nat->present = true;
	nat->ipv6 = NP_TRI_YES;
	CHECK(np_addr_parse("203.0.113.10", AF_INET, &nat->addr_start) == 0);
	CHECK(np_addr_parse("203.0.113.20", AF_INET, &nat->addr_end) == 0);
	s = golden("nat-address-range", net);
	if (!s)
		return;
	CHECK(strstr(s, "meta l4proto udp ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 "
			"counter snat ip to 203.0.113.10-203.0.113.20:1024-65535\n"));
	CHECK(strstr(s, "ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 "
			"counter snat ip to 203.0.113.10-203.0.113.20\n"));
	/* an IPv4 range means nothing for IPv6: masquerade there (libvirt) */
	CHECK(strstr(s, "ip6 daddr != 2001:db8:ca2:2::/64 counter masquerade\n"));
}

static void test_address_single(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	_np_free_ char *s = NULL;
	struct np_err err = { { 0 } };
	int r;

	net_add_ip(net, "192.168.122.1", 24);
	CHECK(np_addr_parse("203.0.113.10", AF_INET, &net->forward.nat.addr_start) == 0);
	net->forward.nat.port_start = 2000;
	net->forward.nat.port_end = 3000;
	s = render(net, &r, &err);
	CHECK(r == 0);
	CHECK(s && strstr(s, "counter snat ip to 203.0.113.10:2000-3000\n"));
	CHECK(s && strstr(s, "counter snat ip to 203.0.113.10\n"));
}

static void test_port_range(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	_np_free_ char *s = NULL;

	net_add_ip(net, "192.168.122.1", 24);
	net_add_ip(net, "192.168.128.1", 24);
	net_add_ip(net, "2001:db8:ca2:2::1", 64);
	net->forward.nat.present = true;
	net->forward.nat.port_start = 500;
	net->forward.nat.port_end = 1000;
	s = golden("nat-port-range", net);
	if (!s)
		return;
	CHECK(strstr(s, "meta l4proto tcp ip saddr 192.168.128.0/24 ip daddr != 192.168.128.0/24 "
			"counter masquerade to :500-1000\n"));
	CHECK(!strstr(s, "1024-65535"));
	/* no <nat ipv6='yes'>: IPv6 is routed, not masqueraded (libvirt's
	 * nat-port-range case) */
	CHECK(!strstr(s, "ip6 saddr 2001:db8:ca2:2::/64 ip6 daddr"));
	CHECK(strstr(s, "oifname \"virbr0\" ip6 daddr 2001:db8:ca2:2::/64 counter accept\n"));
}

static void test_ipv6_nat(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	_np_free_ char *s = NULL;

	net_add_ip(net, "192.168.122.1", 24);
	net_add_ip(net, "2001:db8:ca2:2::1", 64);
	net->forward.nat.present = true;
	net->forward.nat.ipv6 = NP_TRI_YES;
	s = golden("nat-ipv6", net);
	if (!s)
		return;
	CHECK(strstr(s, "ip6 saddr 2001:db8:ca2:2::/64 ip6 daddr ff02::/16 counter return\n"));
	CHECK(strstr(s, "oifname \"virbr0\" ip6 daddr 2001:db8:ca2:2::/64 ct state related,established"));
	CHECK(strstr(s, "meta l4proto udp ip6 saddr 2001:db8:ca2:2::/64 ip6 daddr != 2001:db8:ca2:2::/64 "
			"counter masquerade to :1024-65535\n"));
	/* no broadcast in IPv6 */
	CHECK(!strstr(s, "ip6 daddr 255"));
	CHECK(!strstr(s, "nfproto"));
}

static void test_many_ips(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	_np_free_ char *s = NULL;
	const char *p;
	int n = 0;

	net_add_ip(net, "192.168.122.1", 24);
	net_add_ip(net, "192.168.128.1", 24);
	net_add_ip(net, "192.168.150.1", 24);
	net_add_ip(net, "10.1.2.3", 16);
	s = golden("nat-many-ips", net);
	if (!s)
		return;
	for (p = s; (p = strstr(p, "masquerade")); p++)
		n++;
	CHECK(n == 12);
	/* the subnet, not the host address */
	CHECK(strstr(s, "ip saddr 10.1.0.0/16"));
	CHECK(!strstr(s, "10.1.2.3"));
}

static void test_ipv6_only_nat(void)
{
	/* nat mode with only IPv6 and no <nat ipv6='yes'>: nothing to
	 * masquerade, so no nat chain, but the filter still routes IPv6 */
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	_np_free_ char *s = NULL;
	struct np_err err = { { 0 } };
	int r;

	net_add_ip(net, "fd00::1", 64);
	s = render(net, &r, &err);
	CHECK(r == 0);
	CHECK(s && !strstr(s, "postrouting"));
	CHECK(s && strstr(s, "delete chain inet netplumb nat-virbr0\n"));
	CHECK(s && strstr(s, "oifname \"virbr0\" ip6 daddr fd00::/64 counter accept\n"));
}

static void test_ipv6_yes_no_address(void)
{
	/* <network ipv6='yes'> without IPv6 addresses: libvirt still installs
	 * the IPv6 catch-alls, so ours must not be limited to IPv4 */
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NONE);
	_np_free_ char *s = NULL;
	struct np_err err = { { 0 } };
	int r;

	net_add_ip(net, "192.168.122.1", 24);
	net->ipv6 = NP_TRI_YES;
	s = render(net, &r, &err);
	CHECK(r == 0);
	CHECK(s && !strstr(s, "nfproto"));
	CHECK(s && strstr(s, "add rule inet netplumb fwd-virbr0 iifname \"virbr0\" counter reject\n"));
}

static void test_no_rules(void)
{
	static const enum np_fwd_mode modes[] = { NP_FWD_OPEN,	 NP_FWD_BRIDGE,	     NP_FWD_PRIVATE,
						  NP_FWD_VEPA,	 NP_FWD_PASSTHROUGH, NP_FWD_HOSTDEV };

	for (size_t i = 0; i < NP_ARRAY_SIZE(modes); i++) {
		_np_net_free_ struct np_net *net = net_new("virbr0", modes[i]);
		struct np_err err = { { 0 } };
		char *add = NULL, *del = NULL;

		net_add_ip(net, "192.168.122.1", 24);
		CHECK(np_fw_ruleset_render(net, &add, &err) == 0);
		CHECK(np_fw_ruleset_remove_render(net, &del, &err) == 0);
		CHECK_STR(add, "");
		CHECK_STR(del, "");
		free(add);
		free(del);
	}
}

static void test_remove(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	_np_free_ char *s = NULL;
	struct np_err err = { { 0 } };
	char path[512];

	net_add_ip(net, "192.168.122.1", 24);
	CHECK(np_fw_ruleset_remove_render(net, &s, &err) == 0);
	if (!s)
		return;
	snprintf(path, sizeof(path), GOLDEN_DIR "remove-virbr0.nft");
	CHECK(check_golden(path, s));
	/* never the table itself: other networks' chains live there */
	CHECK(!strstr(s, "delete table"));
	CHECK(!strstr(s, "flush ruleset"));
	CHECK(strstr(s, "delete chain inet netplumb fwd-virbr0\n"));
	CHECK(strstr(s, "delete chain inet netplumb nat-virbr0\n"));
}

static void test_chain_names(void)
{
	char fwd[NP_FW_CHAIN_MAX], nat[NP_FW_CHAIN_MAX];

	CHECK(np_fw_chain_names("virbr0", fwd, nat) == 0);
	CHECK_STR(fwd, "fwd-virbr0");
	CHECK_STR(nat, "nat-virbr0");
	CHECK(np_fw_chain_names("abcdefghijklmno", fwd, NULL) == 0);
	CHECK_STR(fwd, "fwd-abcdefghijklmno");
	CHECK(np_fw_chain_names("abcdefghijklmnop", fwd, nat) == -EINVAL);
	CHECK(np_fw_chain_names("", fwd, nat) == -EINVAL);
	CHECK(np_fw_chain_names(NULL, fwd, nat) == -EINVAL);
}

/* Every name that reaches nft text must be refused unless it is
 * [A-Za-z0-9_.-]{1,15}. */
static const char *const bad_names[] = {
	"virbr0\"",
	"virbr0\" accept; flush ruleset #",
	"vir br0",
	"virbr0\nflush",
	"virbr0;",
	"eth*",
	"a\\b",
	"a{b}",
	"a$b",
	"a/b",
	"a#b",
	"abcdefghijklmnop",
	"",
	"\xc3\xa9t",
};

static void test_injection(void)
{
	for (size_t i = 0; i < NP_ARRAY_SIZE(bad_names); i++) {
		for (int which = 0; which < 2; which++) {
			_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
			struct np_err err = { { 0 } };
			char *add = NULL, *del = NULL;
			int r;

			net_add_ip(net, "192.168.122.1", 24);
			if (which == 0) {
				free(net->bridge.name);
				net->bridge.name = xstrdup(bad_names[i]);
			} else {
				net_set_dev(net, bad_names[i]);
			}
			r = np_fw_ruleset_render(net, &add, &err);
			CHECK(r == -EINVAL);
			CHECK(add == NULL);
			CHECK(err.msg[0] && !strchr(err.msg, '\n'));
			if (which == 0) {
				memset(&err, 0, sizeof(err));
				CHECK(np_fw_ruleset_remove_render(net, &del, &err) == -EINVAL);
				CHECK(del == NULL);
			}
			free(add);
			free(del);
		}
	}
	/* and names made of every allowed character pass */
	{
		_np_net_free_ struct np_net *net = net_new("A-z_0.9", NP_FWD_ROUTE);
		_np_free_ char *s = NULL;
		struct np_err err = { { 0 } };

		net_add_ip(net, "192.168.122.1", 24);
		net_set_dev(net, "eth0.100");
		CHECK(np_fw_ruleset_render(net, &s, &err) == 0);
		CHECK(s && strstr(s, "add chain inet netplumb fwd-A-z_0.9 {"));
	}
}

static void test_missing_bridge(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	struct np_err err = { { 0 } };
	char *s = NULL;

	free(net->bridge.name);
	net->bridge.name = NULL;
	CHECK(np_fw_ruleset_render(net, &s, &err) == -EINVAL);
	CHECK(!s && err.msg[0]);
}

static void test_bad_ports(void)
{
	static const unsigned cases[][2] = { { 1000, 1000 }, { 1000, 500 }, { 1, 65536 } };

	for (size_t i = 0; i < NP_ARRAY_SIZE(cases); i++) {
		_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
		struct np_err err = { { 0 } };
		char *s = NULL;

		net_add_ip(net, "192.168.122.1", 24);
		net->forward.nat.port_start = cases[i][0];
		net->forward.nat.port_end = cases[i][1];
		CHECK(np_fw_ruleset_render(net, &s, &err) == -EINVAL);
		CHECK(!s && strstr(err.msg, "port"));
	}
}

static void test_bad_prefix(void)
{
	_np_net_free_ struct np_net *net = net_new("virbr0", NP_FWD_NAT);
	struct np_err err = { { 0 } };
	char *s = NULL;

	net_add_ip(net, "192.168.122.1", 33);
	CHECK(np_fw_ruleset_render(net, &s, &err) == -EINVAL);
	CHECK(!s && err.msg[0]);
}

/* A portgroup's <outbound> on a port: libvirt's police arithmetic in a
 * netdev ingress chain of the port's own. */
static void test_port_limit(void)
{
	struct np_net_rate dflt = { .present = true, .average = 1000 },
			   small = { .present = true, .average = 1000, .burst = 500 },
			   huge = { .present = true, .average = UINT64_MAX / 100 };
	struct np_err err = { { 0 } };
	char *add = NULL, *del = NULL;

	/* the burst defaults to the average: 1024000 bytes, less one second */
	CHECK(np_fw_bw_port_render("n", "vnet-1.a", &dflt, &add, &del, &err) == 0);
	CHECK(add && !strcmp(add, "add table netdev netplumb\n"
				  "add chain netdev netplumb port-vnet-1.a { type filter hook "
				  "ingress device \"vnet-1.a\" priority 0; policy accept; }\n"
				  "flush chain netdev netplumb port-vnet-1.a\n"
				  "add rule netdev netplumb port-vnet-1.a limit rate over 1000000 "
				  "bytes/second burst 24000 bytes drop\n"));
	CHECK(del && !strcmp(del, "add table netdev netplumb\n"
				  "add chain netdev netplumb port-vnet-1.a\n"
				  "delete chain netdev netplumb port-vnet-1.a\n"));
	free(add);
	free(del);
	add = del = NULL;
	/* a burst below one second of the rate: nft's own second only */
	CHECK(np_fw_bw_port_render("n", "p0", &small, &add, &del, &err) == 0);
	CHECK(add && strstr(add, " limit rate over 1000000 bytes/second drop\n"));
	free(add);
	free(del);
	add = del = NULL;
	CHECK(np_fw_bw_port_render("n", "p0", &huge, &add, &del, &err) == -ERANGE && !add &&
	      !del && strstr(err.msg, "network 'n'") && strstr(err.msg, "<outbound>"));
}

int main(void)
{
	test_port_limit();
	test_nat_default();
	test_create();
	test_route();
	test_isolated();
	test_forward_dev();
	test_forward_interface();
	test_address_range();
	test_address_single();
	test_port_range();
	test_ipv6_nat();
	test_many_ips();
	test_ipv6_only_nat();
	test_ipv6_yes_no_address();
	test_no_rules();
	test_remove();
	test_chain_names();
	test_injection();
	test_missing_bridge();
	test_bad_ports();
	test_bad_prefix();
	return check_result("test-fw-render");
}
