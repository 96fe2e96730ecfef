/* np_fw_ruleset_create_render() against the kernel, in a private network
 * namespace: a new network's chains come out exactly as the idempotent
 * script makes them (rules included: nft 1.0.6 drops the rules of a
 * "create chain" block); with np_fw_present() choosing, a start over
 * existing chains converges too; other networks are left alone; and it
 * still applies among 2000 chains without what makes nft download them all.
 * Needs root; exits 77 otherwise. */
#include "check.h"
#include "fw-net.h"

#include "common/err.h"
#include "common/util.h"
#include "firewall/fw.h"
#include "xml/net.h"

#include <errno.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

static struct np_fw *fw;

/* The network a test needs: bridge, mode, an IPv4 /24 and an optional
 * IPv6 /64. */
static struct np_net *net_with(const char *bridge, enum np_fwd_mode mode, const char *ip,
			       const char *ip6)
{
	struct np_net *net = net_new(bridge, mode);

	net_add_ip(net, ip, 24);
	if (ip6)
		net_add_ip(net, ip6, 64);
	return net;
}

static int apply(const char *script)
{
	struct np_err err = { { 0 } };
	int r = np_fw_apply(fw, script, &err);

	if (r < 0 && r != -EEXIST)
		fprintf(stderr, "apply: %s\n", err.msg);
	return r;
}

static char *listing(void)
{
	struct np_err err = { { 0 } };
	char *s = NULL;

	if (np_fw_list(fw, &s, &err) < 0)
		return xstrdup("");
	return s;
}

static char *render(const struct np_net *net, bool create)
{
	struct np_err err = { { 0 } };
	char *s = NULL;
	int r = create ? np_fw_ruleset_create_render(net, &s, &err)
		       : np_fw_ruleset_render(net, &s, &err);

	if (r < 0) {
		fprintf(stderr, "render: %s\n", err.msg);
		return xstrdup("");
	}
	return s;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* As a start would: the create script when the chains are not there. */
static int apply_for_start(const struct np_net *net)
{
	_np_free_ char *script = NULL;
	int r = np_fw_present(fw, net->bridge.name);

	if (r < 0)
		return r;
	script = render(net, r == 0);
	return apply(script);
}

static void test_same_as_idempotent(void)
{
	static const enum np_fwd_mode modes[] = { NP_FWD_NAT, NP_FWD_ROUTE, NP_FWD_NONE };

	for (size_t i = 0; i < NP_ARRAY_SIZE(modes); i++) {
		_np_net_free_ struct np_net *net =
			net_with("npc0", modes[i], "192.168.150.1", "2001:db8:150::1");
		_np_free_ char *create = render(net, true), *full = render(net, false);
		_np_free_ char *remove = NULL, *l_create = NULL, *l_full = NULL, *l_again = NULL;
		struct np_err err = { { 0 } };

		CHECK(np_fw_ruleset_remove_render(net, &remove, &err) == 0);
		CHECK(apply(create) == 0);
		l_create = listing();
		CHECK(strstr(l_create, "chain fwd-npc0 {"));
		CHECK((modes[i] == NP_FWD_NAT) == !!strstr(l_create, "chain nat-npc0 {"));
		CHECK(strstr(l_create, "counter packets 0 bytes 0 reject"));
		CHECK(np_fw_present(fw, "npc0") == 1);
		/* the next start chooses the idempotent script */
		CHECK(apply_for_start(net) == 0);
		l_again = listing();
		CHECK_STR(l_again, l_create);
		CHECK(apply(remove) == 0);
		CHECK(apply(full) == 0);
		l_full = listing();
		CHECK_STR(l_full, l_create);
		CHECK(apply(remove) == 0);
	}
}

static void test_existing_chains(void)
{
	_np_net_free_ struct np_net *a = net_with("npc1", NP_FWD_NAT, "10.61.0.1", NULL);
	_np_net_free_ struct np_net *b = net_with("npc2", NP_FWD_NAT, "10.62.0.1", NULL);
	_np_free_ char *full = render(a, false), *l_full = NULL, *l_start = NULL;
	_np_free_ char *l_b = NULL, *l_ab = NULL, *create_b = render(b, true), *rm = NULL;
	struct np_err err = { { 0 } };

	/* a killed start or a reload: the chains exist already */
	CHECK(apply(full) == 0);
	l_full = listing();
	CHECK(apply_for_start(a) == 0);
	l_start = listing();
	CHECK_STR(l_start, l_full);
	/* another network's create leaves a alone */
	CHECK(apply(create_b) == 0);
	l_ab = listing();
	CHECK(strstr(l_ab, "chain fwd-npc1 {") && strstr(l_ab, "chain fwd-npc2 {"));
	CHECK(strstr(l_ab, "chain nat-npc1 {") && strstr(l_ab, "chain nat-npc2 {"));
	/* fwd-npc2 flushed away with its rules (by hand): converges */
	CHECK(apply("flush chain inet netplumb fwd-npc2\n") == 0);
	CHECK(apply_for_start(b) == 0);
	l_b = listing();
	CHECK_STR(l_b, l_ab);
	/* fwd-npc2 deleted by hand, nat-npc2 left: partial, so the start takes
	 * the idempotent script and nat-npc2's rules stay single */
	CHECK(apply("delete chain inet netplumb fwd-npc2\n") == 0);
	CHECK(np_fw_present(fw, "npc2") == 2);
	CHECK(apply_for_start(b) == 0);
	free(l_b);
	l_b = listing();
	/* (the re-created chain lists last, so compare contents, not text) */
	CHECK(strstr(l_b, "chain fwd-npc2 {") && strstr(l_b, "chain nat-npc2 {"));
	CHECK(count(l_b, "ip daddr != 10.62.0.0/24 counter packets 0 bytes 0 masquerade\n") == 1);
	CHECK(count(l_b, "iifname \"npc2\" ip saddr 10.62.0.0/24 counter") == 1);
	CHECK(strlen(l_b) == strlen(l_ab));
	CHECK(np_fw_ruleset_remove_render(b, &rm, &err) == 0);
	CHECK(rm && apply(rm) == 0);
	CHECK(np_fw_present(fw, "npc2") == 0);
}

/* Among 2000 chains the create script still applies and removes cleanly,
 * and it holds nothing that makes nft download every chain first ("add
 * rule", "flush chain"). Its cost is measured by bench/, not here. */
static void test_among_many(void)
{
	char name[16];

	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "npm%d", i);
		_np_net_free_ struct np_net *n = net_with(name, NP_FWD_NAT, "10.70.0.1", NULL);
		_np_free_ char *s = render(n, true);

		if (apply(s) < 0) {
			CHECK(!"cannot create 1000 networks' chains");
			return;
		}
	}
	_np_net_free_ struct np_net *n = net_with("npx", NP_FWD_NAT, "10.71.0.1", NULL);
	_np_free_ char *create = render(n, true), *remove = NULL, *l = NULL;
	struct np_err err = { { 0 } };

	CHECK(!strstr(create, "add rule") && !strstr(create, "flush chain"));
	CHECK(np_fw_ruleset_remove_render(n, &remove, &err) == 0);
	CHECK(apply(create) == 0);
	CHECK(np_fw_present(fw, "npx") == 1);
	CHECK(apply(remove) == 0);
	CHECK(np_fw_present(fw, "npx") == 0);
	l = listing();
	CHECK(count(l, "chain fwd-npm") == 1000 && count(l, "chain nat-npm") == 1000);
}

int main(void)
{
	int skip = fw_net_private();

	if (skip)
		return skip;
	if (np_fw_open(&fw) < 0) {
		fprintf(stderr, "np_fw_open failed\n");
		return 1;
	}
	test_same_as_idempotent();
	test_existing_chains();
	test_among_many();
	np_fw_close(fw);
	return check_result("test-fw-create");
}
