/* netlink/ against a real kernel, inside a private network namespace (and a
 * private mount namespace with its own /sys, so /sys/class/net shows our
 * links): bridge, addresses, routes, the collision check, sysctls.
 * Needs root; exits 77 (skipped) otherwise. Never touches the host netns. */
#include "netlink/internal.h"
#include "netlink/sysctl.h"

#include <errno.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

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

#define BR "np-t.br0" /* a dot, as np_sysctl_set_if() must handle */
#define BR2 "np-t-br1"
#define BR3 "np-t-br2"

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static struct np_addr addr(const char *s)
{
	struct np_addr a = { 0 };

	if (np_addr_parse(s, 0, &a) < 0)
		exit(2);
	return a;
}

/* First line of a file without its newline; "" when unreadable. */
static const char *slurp(const char *path)
{
	static char buf[256];
	FILE *f;

	buf[0] = 0;
	f = fopen(path, "re");
	if (!f)
		return buf;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static const char *sysnet(const char *ifname, const char *leaf)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, leaf);
	return slurp(path);
}

static const char *procconf(int family, const char *ifname, const char *leaf)
{
	char path[256];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv%d/conf/%s/%s", family, ifname, leaf);
	return slurp(path);
}

static int enter_sandbox(void)
{
	if (geteuid() != 0) {
		printf("skipped: needs root for a private network namespace\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
		printf("skipped: unshare(CLONE_NEWNET|CLONE_NEWNS): %s\n", strerror(errno));
		return 77;
	}
	/* Our own /sys, reflecting the new netns; private so nothing leaks
	 * to the host's mount table. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL) < 0) {
		printf("skipped: cannot mount a private sysfs: %s\n", strerror(errno));
		return 77;
	}
	return 0;
}

/* IPv4 address of BR as the kernel holds it, via a libnl address dump. */
static bool has_addr(struct np_nl *nl, int ifindex, const char *local, unsigned prefix,
		     const char *brd)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	struct np_addr want = addr(local), wbrd = { 0 };
	bool found = false;

	if (brd)
		wbrd = addr(brd);
	if (rtnl_addr_alloc_cache(nl->sk, &cache) < 0)
		return false;
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *l = rtnl_addr_get_local(a), *b = rtnl_addr_get_broadcast(a);

		if (rtnl_addr_get_ifindex(a) != ifindex || !l ||
		    nl_addr_get_family(l) != want.family ||
		    memcmp(nl_addr_get_binary_addr(l), want.bytes, nl_addr_get_len(l)) != 0)
			continue;
		found = (unsigned)rtnl_addr_get_prefixlen(a) == prefix;
		if (brd)
			found = found && b && memcmp(nl_addr_get_binary_addr(b), wbrd.bytes, 4) == 0;
		else if (want.family == AF_INET)
			found = found && !b;
	}
	nl_cache_free(cache);
	return found;
}

/* The /proc/net/route line (libvirt's source) for dest/mask in hex. */
static bool proc_route(const char *iface, uint32_t dest, uint32_t gw, unsigned metric, uint32_t mask)
{
	FILE *f = fopen("/proc/net/route", "re");
	char line[512], ifn[32];
	unsigned d, g, flags, refcnt, use, met, msk;
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %x %x %x %u %u %u %x", ifn, &d, &g, &flags, &refcnt, &use,
			   &met, &msk) == 8 &&
		    strcmp(ifn, iface) == 0 && d == dest && msk == mask)
			found = g == gw && met == metric;
	fclose(f);
	return found;
}

static void test_bridge(struct np_nl *nl)
{
	struct np_bridge_spec spec = {
		.ifname = BR, .mac = MAC, .mtu = 9000, .stp = 1, .delay_cs = 0
	};
	struct np_link_info info = { 0 };

	CHECK(np_nl_link_exists(nl, BR) == 0);
	CHECK(np_nl_bridge_add(nl, &spec) == 0);
	CHECK(np_nl_link_exists(nl, BR) == 1);
	CHECK(strcmp(sysnet(BR, "address"), "52:54:00:12:34:56") == 0);
	CHECK(strcmp(sysnet(BR, "mtu"), "9000") == 0);
	CHECK(strcmp(sysnet(BR, "bridge/stp_state"), "1") == 0);
	/* Asked for 0 with STP on: the kernel's STP start raises it to 2 s
	 * (200 cs), as for libvirt's default network (stp='on' delay='0'). */
	printf("forward_delay with stp on, delay 0: %s cs\n", sysnet(BR, "bridge/forward_delay"));
	CHECK(strcmp(sysnet(BR, "bridge/forward_delay"), "200") == 0);

	CHECK(np_nl_link_get(nl, BR, &info) == 0);
	CHECK(info.ifindex > 0 && strcmp(info.ifname, BR) == 0 && info.has_mac &&
	      memcmp(info.mac, MAC, 6) == 0 && info.mtu == 9000 && !info.up);

	/* Taken name: -EEXIST, and the existing bridge is left alone. */
	spec.mtu = 1500;
	CHECK(np_nl_bridge_add(nl, &spec) == -EEXIST);
	CHECK(np_nl_link_exists(nl, BR) == 1 && strcmp(sysnet(BR, "mtu"), "9000") == 0);

	/* STP off keeps delay 0; STP on with 15 s keeps 15 s. */
	spec = (struct np_bridge_spec){ .ifname = BR2, .stp = 0, .delay_cs = 0 };
	CHECK(np_nl_bridge_add(nl, &spec) == 0);
	CHECK(strcmp(sysnet(BR2, "bridge/stp_state"), "0") == 0);
	CHECK(strcmp(sysnet(BR2, "bridge/forward_delay"), "0") == 0);
	CHECK(strcmp(sysnet(BR2, "mtu"), "1500") == 0);
	CHECK(np_nl_link_del(nl, BR2) == 0);
	spec = (struct np_bridge_spec){ .ifname = BR2, .stp = 1, .delay_cs = 1500 };
	CHECK(np_nl_bridge_add(nl, &spec) == 0);
	CHECK(strcmp(sysnet(BR2, "bridge/forward_delay"), "1500") == 0);
	CHECK(np_nl_link_del(nl, BR2) == 0);

	/* An MTU the kernel refuses: the half-made bridge is removed again. */
	spec = (struct np_bridge_spec){ .ifname = BR3, .mtu = 70000, .stp = -1, .delay_cs = -1 };
	CHECK(np_nl_bridge_add(nl, &spec) == -EINVAL);
	CHECK(np_nl_link_exists(nl, BR3) == 0);
}

/* libvirt sets the MTU after creation, which the bridge then keeps when a
 * port with a smaller MTU joins; ours must behave the same. */
static void test_mtu_pinned(struct np_nl *nl)
{
	struct np_link_info br, v0;

	CHECK(rtnl_link_veth_add(nl->sk, "np-t-v0", "np-t-v1", getpid()) == 0);
	CHECK(np_nl_link_get(nl, BR, &br) == 0 && np_nl_link_get(nl, "np-t-v0", &v0) == 0);
	CHECK(v0.mtu == 1500);
	CHECK(rtnl_link_enslave_ifindex(nl->sk, br.ifindex, v0.ifindex) == 0);
	CHECK(strcmp(sysnet("np-t-v0", "master/ifindex"), sysnet(BR, "ifindex")) == 0);
	CHECK(strcmp(sysnet(BR, "mtu"), "9000") == 0);
	CHECK(np_nl_link_del(nl, "np-t-v0") == 0);
	CHECK(np_nl_link_exists(nl, "np-t-v1") == 0);
}

static void test_addr_route(struct np_nl *nl)
{
	struct np_addr a4 = addr("192.168.150.1"), a6 = addr("2001:db8:150::1");
	struct np_addr net4 = addr("192.168.150.0"), net6 = addr("2001:db8:150::");
	struct np_addr r4 = addr("10.99.0.0"), gw4 = addr("192.168.150.254");
	struct np_addr r6 = addr("2001:db8:99::"), free4 = addr("10.200.0.0");
	struct np_link_info info;
	char dev[16];
	unsigned long flags;

	CHECK(np_nl_addr_add(nl, BR, &a4, 24) == 0);
	CHECK(np_nl_addr_add(nl, BR, &a6, 64) == 0);
	CHECK(np_nl_addr_add(nl, BR, &a4, 24) == -EEXIST);
	CHECK(np_nl_addr_add(nl, "np-t-none", &a4, 24) == -ENODEV);
	CHECK(np_nl_link_get(nl, BR, &info) == 0);
	CHECK(has_addr(nl, info.ifindex, "192.168.150.1", 24, "192.168.150.255"));
	CHECK(has_addr(nl, info.ifindex, "2001:db8:150::1", 64, NULL));

	CHECK(np_nl_link_set_up(nl, BR) == 0);
	flags = strtoul(sysnet(BR, "flags"), NULL, 16);
	CHECK(flags & 1); /* IFF_UP */
	CHECK(np_nl_link_set_up(nl, "np-t-none") == -ENODEV);

	/* The connected routes collide with the network's own subnet. */
	memset(dev, 0, sizeof(dev));
	CHECK(np_nl_route_find(nl, &net4, 24, dev) == 1 && strcmp(dev, BR) == 0);
	memset(dev, 0, sizeof(dev));
	CHECK(np_nl_route_find(nl, &a4, 24, dev) == 1 && strcmp(dev, BR) == 0);
	memset(dev, 0, sizeof(dev));
	CHECK(np_nl_route_find(nl, &net6, 64, dev) == 1 && strcmp(dev, BR) == 0);
	strcpy(dev, "unchanged");
	CHECK(np_nl_route_find(nl, &net4, 25, dev) == 0 && strcmp(dev, "unchanged") == 0);
	CHECK(np_nl_route_find(nl, &free4, 24, dev) == 0);
	CHECK(np_nl_route_find(nl, &net6, 48, dev) == 0);
	/* The address's own /32 and /128 live in the local table: no. */
	CHECK(np_nl_route_find(nl, &a4, 32, dev) == 0);
	CHECK(np_nl_route_find(nl, &a6, 128, dev) == 0);

	CHECK(np_nl_route_find(nl, &r4, 16, dev) == 0);
	CHECK(np_nl_route_add(nl, BR, &r4, 16, &gw4, 5) == 0);
	memset(dev, 0, sizeof(dev));
	CHECK(np_nl_route_find(nl, &r4, 16, dev) == 1 && strcmp(dev, BR) == 0);
	/* 10.99.0.0/16 via 192.168.150.254 metric 5, little-endian hex. */
	CHECK(proc_route(BR, 0x0000630a, 0xfe96a8c0, 5, 0x0000ffff));
	CHECK(np_nl_route_add(nl, BR, &r4, 16, &gw4, 5) == -EEXIST);
	CHECK(np_nl_route_add(nl, "np-t-none", &r4, 16, &gw4, 5) == -ENODEV);

	CHECK(np_nl_route_add(nl, BR, &r6, 48, NULL, 0) == 0);
	memset(dev, 0, sizeof(dev));
	CHECK(np_nl_route_find(nl, &r6, 48, dev) == 1 && strcmp(dev, BR) == 0);
	CHECK(np_nl_route_find(nl, &r6, 64, dev) == 0);

	/* A dump spanning many datagrams, then more requests on the same
	 * socket: the reply loop must stay in step. */
	int bad = 0;
	struct np_addr many = addr("10.100.0.0");
	for (int i = 0; i < 600; i++) {
		many.bytes[1] = (uint8_t)(100 + i / 256);
		many.bytes[2] = (uint8_t)(i % 256);
		bad += np_nl_route_add(nl, BR, &many, 24, NULL, 0) != 0;
	}
	CHECK(bad == 0);
	memset(dev, 0, sizeof(dev));
	CHECK(np_nl_route_find(nl, &many, 24, dev) == 1 && strcmp(dev, BR) == 0);
	CHECK(np_nl_route_find(nl, &free4, 24, dev) == 0);
	CHECK(np_nl_link_exists(nl, BR) == 1);
}

static void test_sysctl(void)
{
	CHECK(np_sysctl_set("net.ipv4.ip_forward", "1") == 0);
	CHECK(strcmp(slurp("/proc/sys/net/ipv4/ip_forward"), "1") == 0);
	CHECK(np_sysctl_set("net.ipv4.ip_forward", "0") == 0);
	CHECK(strcmp(slurp("/proc/sys/net/ipv4/ip_forward"), "0") == 0);
	CHECK(np_sysctl_set_if(6, BR, "disable_ipv6", "1") == 0);
	CHECK(strcmp(procconf(6, BR, "disable_ipv6"), "1") == 0);
	/* The engine's keys embed the bridge name, dot included. */
	CHECK(np_sysctl_set("net.ipv6.conf." BR ".disable_ipv6", "0") == 0);
	CHECK(strcmp(procconf(6, BR, "disable_ipv6"), "0") == 0);
	CHECK(np_sysctl_set("net.ipv6.conf." BR ".accept_ra", "0") == 0);
	CHECK(strcmp(procconf(6, BR, "accept_ra"), "0") == 0);
	CHECK(np_sysctl_set_if(4, BR, "rp_filter", "2") == 0);
	CHECK(strcmp(procconf(4, BR, "rp_filter"), "2") == 0);
	CHECK(np_sysctl_set("net.ipv4.np_no_such_key", "1") == -ENOENT);
	CHECK(np_sysctl_set_if(6, "np-t-none", "disable_ipv6", "1") == -ENOENT);
	CHECK(np_sysctl_set("net.ipv4.ip_forward", "x") == -EINVAL);
}

static int sh(const char *cmd)
{
	int r = system(cmd);

	if (r != 0)
		fprintf(stderr, "'%s' failed\n", cmd);
	return r;
}

/* The collision check's one-lookup answer ("ruled out": no such route in
 * main) and the dump it falls back to, with and without a default route,
 * throw routes, other tables and policy rules. Runs after test_addr_route():
 * BR has 192.168.150.1/24, and 10.100.0.0/24 .. 10.102.87.0/24 exist. */
static void test_route_lookup(struct np_nl *nl)
{
	struct np_addr free4 = addr("10.200.0.0"), net4 = addr("192.168.150.0");
	struct np_addr many = addr("10.100.0.0"), thr = addr("10.201.0.0");
	struct np_addr t100 = addr("10.202.0.0"), unr = addr("10.203.0.0");
	struct np_addr free6 = addr("2001:db8:300::"), r6 = addr("2001:db8:99::");
	char dev[16];

	/* no default route: the lookup finds nothing, which proves it */
	CHECK(np_nl_route_ruled_out(nl, &free4, 24) == 1);
	CHECK(np_nl_route_find(nl, &free4, 24, dev) == 0);
	CHECK(np_nl_route_ruled_out(nl, &free6, 48) == 1);
	CHECK(np_nl_route_find(nl, &free6, 48, dev) == 0);
	/* the route itself, or routes inside the prefix: the dump decides */
	CHECK(np_nl_route_ruled_out(nl, &net4, 24) == 0);
	CHECK(np_nl_route_ruled_out(nl, &r6, 48) == 0);
	CHECK(np_nl_route_ruled_out(nl, &many, 24) == 0);
	CHECK(np_nl_route_ruled_out(nl, &many, 16) == 0);
	CHECK(np_nl_route_find(nl, &many, 16, dev) == 0);
	/* a shorter route holds the address: proven free */
	CHECK(np_nl_route_ruled_out(nl, &net4, 25) == 1);
	CHECK(np_nl_route_find(nl, &net4, 25, dev) == 0);

	/* a throw route ends a lookup as "unreachable" too */
	CHECK(sh("ip route add throw 10.201.0.0/16") == 0);
	CHECK(np_nl_route_ruled_out(nl, &thr, 16) == 0);
	CHECK(np_nl_route_ruled_out(nl, &free4, 24) == 0);
	memset(dev, 0, sizeof(dev));
	CHECK(np_nl_route_find(nl, &thr, 16, dev) == 1 && strcmp(dev, "*") == 0);
	CHECK(np_nl_route_find(nl, &free4, 24, dev) == 0);

	/* with a default route (the usual host) */
	CHECK(sh("ip route add default via 192.168.150.254") == 0);
	CHECK(np_nl_route_ruled_out(nl, &free4, 24) == 1);
	CHECK(np_nl_route_ruled_out(nl, &thr, 16) == 0);
	CHECK(np_nl_route_find(nl, &thr, 16, dev) == 1);
	CHECK(np_nl_route_ruled_out(nl, &net4, 24) == 0);
	memset(dev, 0, sizeof(dev));
	CHECK(np_nl_route_find(nl, &net4, 24, dev) == 1 && strcmp(dev, BR) == 0);

	/* libvirt looks at main only */
	CHECK(sh("ip route add 10.202.0.0/16 dev " BR " table 100") == 0);
	CHECK(np_nl_route_ruled_out(nl, &t100, 16) == 1);
	CHECK(np_nl_route_find(nl, &t100, 16, dev) == 0);
	/* a policy rule sends the lookup to table 100 first: its answer is
	 * not main's, so the dump decides */
	CHECK(sh("ip rule add pref 100 lookup 100") == 0);
	CHECK(np_nl_route_ruled_out(nl, &t100, 16) == 0);
	CHECK(np_nl_route_find(nl, &t100, 16, dev) == 0);
	CHECK(np_nl_route_ruled_out(nl, &free4, 24) == 1);
	/* without a default route, "nothing found" no longer proves it */
	CHECK(sh("ip route del default") == 0);
	CHECK(np_nl_route_ruled_out(nl, &free4, 24) == 0);
	CHECK(np_nl_route_find(nl, &free4, 24, dev) == 0);
	/* an unreachable rule hides main's route from any lookup */
	CHECK(sh("ip route add 10.203.0.0/16 dev " BR) == 0);
	CHECK(sh("ip rule add pref 50 to 10.203.0.0/16 unreachable") == 0);
	CHECK(np_nl_route_ruled_out(nl, &unr, 16) == 0);
	memset(dev, 0, sizeof(dev));
	CHECK(np_nl_route_find(nl, &unr, 16, dev) == 1 && strcmp(dev, BR) == 0);
	CHECK(sh("ip rule del pref 50 && ip rule del pref 100") == 0);
	CHECK(sh("ip route del throw 10.201.0.0/16") == 0);
	/* the kernel's own rules again (the tables stay unmerged now) */
	CHECK(np_nl_route_ruled_out(nl, &free4, 24) == 1);
	CHECK(np_nl_route_ruled_out(nl, &unr, 16) == 0);
	CHECK(np_nl_route_find(nl, &unr, 16, dev) == 1);
}

/* np_nl_link_del_owned() deletes the link it is given only while it has the
 * MAC netplumb recorded: a link renamed to anything is still found by its
 * ifindex, and one with another MAC (someone else's) is left alone. */
static void test_del_owned(struct np_nl *nl)
{
	static const uint8_t mac[NP_MAC_LEN] = { 0x52, 0x54, 0x00, 0x0d, 0x0e, 0x0f };
	static const uint8_t other[NP_MAC_LEN] = { 0x52, 0x54, 0x00, 0x0d, 0x0e, 0x10 };
	struct np_bridge_spec spec = { .ifname = "np-t-own", .mac = mac, .stp = -1, .delay_cs = -1 };
	struct np_link_info info;

	CHECK(np_nl_bridge_add(nl, &spec) == 0);
	CHECK(np_nl_link_get(nl, "np-t-own", &info) == 0);
	CHECK(np_nl_link_del_owned(nl, info.ifindex, other) == -EPERM);
	CHECK(np_nl_link_exists(nl, "np-t-own") == 1);
	CHECK(np_nl_link_del_owned(nl, info.ifindex, mac) == 0);
	CHECK(np_nl_link_exists(nl, "np-t-own") == 0);
	CHECK(np_nl_link_del_owned(nl, info.ifindex, mac) == -ENODEV);
}

static void test_del(struct np_nl *nl)
{
	CHECK(np_nl_link_del(nl, BR) == 0);
	CHECK(np_nl_link_exists(nl, BR) == 0);
	CHECK(access("/sys/class/net/" BR, F_OK) < 0);
	CHECK(np_nl_link_del(nl, BR) == -ENODEV);
	CHECK(np_nl_link_exists(nl, "lo") == 1);
	CHECK(np_nl_link_exists(nl, "a/b") == -EINVAL);
}

int main(void)
{
	struct np_nl *nl = NULL;
	int r;

	r = enter_sandbox();
	if (r)
		return r;
	r = np_nl_open(&nl);
	if (r < 0) {
		fprintf(stderr, "np_nl_open: %s\n", strerror(-r));
		return 1;
	}
	test_bridge(nl);
	test_mtu_pinned(nl);
	test_addr_route(nl);
	test_route_lookup(nl);
	test_sysctl();
	test_del_owned(nl);
	test_del(nl);
	np_nl_close(nl);
	printf("test-nl-sys: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
