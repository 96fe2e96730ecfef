/* The doctor's /proc parsing: sockets by port and state, routes inside a
 * subnet, kernel module lists, a process's unit, inotify headroom. */
#include "check.h"
#include "engine/proc_text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

static struct np_addr addr(const char *s)
{
	struct np_addr a;

	np_addr_parse(s, 0, &a);
	return a;
}

static void test_sockets(void)
{
	/* 0.0.0.0:67 unconnected (st 07), 192.168.122.1:53, a connected socket
	 * from port 53 (st 01: not a server), 127.0.0.53:53 (resolved) */
	static const char udp[] =
		"   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   "
		"uid  timeout inode ref pointer drops\n"
		"  100: 00000000:0043 00000000:0000 07 00000000:00000000 00:00000000 00000000     "
		"0        0 4711 2 0000000000000000 0\n"
		"  101: 017AA8C0:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     "
		"0        0 4712 2 0000000000000000 0\n"
		"  102: 017AA8C0:0035 08080808:0035 01 00000000:00000000 00:00000000 00000000     "
		"0        0 4713 2 0000000000000000 0\n"
		"  103: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   "
		"991        0 4714 2 0000000000000000 0\n";
	static const char tcp6[] =
		"  sl  local_address                         remote_address                        "
		"st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
		"   0: 00000000000000000000000000000000:0035 00000000000000000000000000000000:0000 "
		"0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0000000000000000 100 "
		"0 0 10 0\n"
		"   1: 000080FE00000000FF005452C18F0200:0035 00000000000000000000000000000000:0000 "
		"0A 00000000:00000000 00:00000000 00000000     0        0 98 1 0000000000000000 100 "
		"0 0 10 0\n";
	struct np_proc_sock s[8];
	struct np_addr br = addr("192.168.122.1"), other = addr("10.0.0.1");

	CHECK(np_proc_sockets(udp, AF_INET, false, 67, s, 8) == 1);
	CHECK(s[0].inode == 4711 && s[0].port == 67 && !s[0].tcp);
	CHECK(np_proc_sock_blocks(&s[0], &br) && np_proc_sock_blocks(&s[0], &other));
	CHECK(np_proc_sockets(udp, AF_INET, false, 53, s, 8) == 2);
	CHECK(s[0].inode == 4712 && np_addr_equal(&s[0].addr, &br));
	CHECK(np_proc_sock_blocks(&s[0], &br) && !np_proc_sock_blocks(&s[0], &other));
	/* systemd-resolved's 127.0.0.53 is in nobody's way */
	CHECK(s[1].inode == 4714 && !np_proc_sock_blocks(&s[1], &br));
	/* only listening TCP sockets; :: takes IPv4 too, fe80::... does not */
	CHECK(np_proc_sockets(tcp6, AF_INET6, true, 53, s, 8) == 2);
	CHECK(s[0].inode == 99 && np_proc_sock_blocks(&s[0], &br));
	CHECK(s[1].inode == 98 && !np_proc_sock_blocks(&s[1], &br));
	CHECK(np_addr_equal(&s[1].addr, &(struct np_addr){ 0 }) == false);
	CHECK(np_proc_sockets(tcp6, AF_INET6, false, 53, s, 8) == 0);
	/* more matches than room: counted, not written past max */
	CHECK(np_proc_sockets(udp, AF_INET, false, 53, s, 1) == 2);
	CHECK(np_proc_sockets("garbage\n", AF_INET, false, 53, s, 8) == -EINVAL);
	CHECK(np_proc_sockets(udp, AF_INET6, false, 53, s, 8) == -EINVAL);
}

static void test_routes(void)
{
	static const char route[] =
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
		"eth0\t00000000\t0102A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
		"virbr0\t007AA8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
		"tun0\t807AA8C0\t00000000\t0001\t0\t0\t0\t80FFFFFF\t0\t0\t0\n"
		"wg0\t057AA8C0\t00000000\t0005\t0\t0\t0\tFFFFFFFF\t0\t0\t0\n"
		"lan0\t0000A8C0\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
		"down0\t407AA8C0\t00000000\t0000\t0\t0\t0\tC0FFFFFF\t0\t0\t0\n"
		"eth1\t0064A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
	struct np_proc_route r[8];
	struct np_addr net = addr("192.168.122.0");
	char a[NP_ADDR_STRLEN];

	/* the /25 and the /32, not the bridge's own /24, not the /16 holding
	 * it (route-overlap's other half), not a route that is down, not
	 * another subnet */
	CHECK(np_proc_routes_inside(route, &net, 24, "virbr0", r, 8) == 2);
	CHECK_STR(r[0].dev, "tun0");
	CHECK_STR(np_addr_str(&r[0].dst, a), "192.168.122.128");
	CHECK(r[0].prefix == 25);
	CHECK_STR(r[1].dev, "wg0");
	CHECK_STR(np_addr_str(&r[1].dst, a), "192.168.122.5");
	CHECK(r[1].prefix == 32);
	/* without a bridge name the bridge's /24 is not inside itself either */
	CHECK(np_proc_routes_inside(route, &net, 24, NULL, r, 8) == 2);
	/* in a /23 the bridge's /24 lies inside too */
	CHECK(np_proc_routes_inside(route, &net, 23, NULL, r, 8) == 3);
	CHECK(np_proc_routes_inside("Iface\tDestination\n", &net, 24, NULL, r, 8) == 0);
	CHECK(np_proc_routes_inside("nonsense\n", &net, 24, NULL, r, 8) == -EINVAL);
}

static void test_kmod(void)
{
	static const char mods[] = "sch_htb 36864 1 - Live 0x0\nnf_nat 49152 3 nft_chain_nat, Live 0\n";
	static const char builtin[] = "kernel/net/netfilter/nft-masq.ko\n";
	static const char dep[] = "kernel/drivers/net/vxlan/vxlan.ko.zst: kernel/net/ipv4/udp_tunnel.ko\n"
				  "kernel/net/sched/sch_hfsc.ko.xz:\n";

	CHECK(np_proc_kmod_state("vxlan", true, NULL, NULL, NULL) == NP_KMOD_PRESENT);
	CHECK(np_proc_kmod_state("sch_htb", false, mods, builtin, dep) == NP_KMOD_PRESENT);
	CHECK(np_proc_kmod_state("nft_masq", false, mods, builtin, dep) == NP_KMOD_PRESENT);
	CHECK(np_proc_kmod_state("vxlan", false, mods, builtin, dep) == NP_KMOD_LOADABLE);
	/* udp_tunnel is only a dependency: listed after the ':' */
	CHECK(np_proc_kmod_state("udp_tunnel", false, mods, builtin, dep) == NP_KMOD_ABSENT);
	CHECK(np_proc_kmod_state("sch_hfs", false, mods, builtin, dep) == NP_KMOD_ABSENT);
	/* no module support: nothing can be loaded */
	CHECK(np_proc_kmod_state("vxlan", false, NULL, builtin, dep) == NP_KMOD_ABSENT);
	CHECK(np_proc_kmod_state("vxlan", false, mods, NULL, dep) == NP_KMOD_UNKNOWN);
	CHECK(np_proc_kmod_state("vxlan", false, NULL, NULL, NULL) == NP_KMOD_UNKNOWN);
}

static void test_cgroup_unit(void)
{
	char u[64];

	np_proc_cgroup_unit("0::/system.slice/dnsmasq.service\n", u, sizeof(u));
	CHECK_STR(u, "dnsmasq.service");
	np_proc_cgroup_unit("12:pids:/\n1:name=systemd:/system.slice/systemd-resolved.service\n0::/\n",
			    u, sizeof(u));
	CHECK_STR(u, "systemd-resolved.service");
	np_proc_cgroup_unit("0::/user.slice/user-0.slice/session-3.scope\n", u, sizeof(u));
	CHECK_STR(u, "");
	np_proc_cgroup_unit("0::/\n", u, sizeof(u));
	CHECK_STR(u, "");
}

static void test_inotify(void)
{
	unsigned s;

	CHECK(!np_proc_inotify_short(10, 128, 1, &s) && s == 128);
	CHECK(!np_proc_inotify_short(127, 128, 1, &s));
	CHECK(np_proc_inotify_short(128, 128, 1, &s) && s > 129);
	CHECK(np_proc_inotify_short(3, 3, 1, &s) && s == 128);
}

int main(void)
{
	test_sockets();
	test_routes();
	test_kmod();
	test_cgroup_unit();
	test_inotify();
	return check_result("test-proc-text");
}
