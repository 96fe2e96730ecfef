/* Applies rendered scripts to the kernel inside a private network namespace:
 * idempotent re-apply, recovery after a flushed ruleset, removal that leaves
 * other networks alone and succeeds twice, one-transaction failures, and every
 * golden script accepted by this kernel. Needs root; exits 77 otherwise. */
#include "check.h"
#include "fw-net.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "firewall/fw.h"
#include "xml/net.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define GOLDEN_DIR NP_TEST_DATA "/fw"

static struct np_fw *fw;

/* Runs argv in this (private) namespace; returns the exit status. */
static int run_cmd(const char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* execvp() does not modify argv; its prototype predates const */
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int apply(const char *script)
{
	struct np_err err = { { 0 } };
	int r = np_fw_apply(fw, script, &err);

	if (r < 0)
		fprintf(stderr, "apply failed (%d): %s\n", r, err.msg);
	return r;
}

static char *render_add(const struct np_net *net)
{
	struct np_err err = { { 0 } };
	char *s = NULL;

	if (np_fw_ruleset_render(net, &s, &err) < 0) {
		fprintf(stderr, "render: %s\n", err.msg);
		abort();
	}
	return s;
}

static char *render_del(const struct np_net *net)
{
	struct np_err err = { { 0 } };
	char *s = NULL;

	if (np_fw_ruleset_remove_render(net, &s, &err) < 0) {
		fprintf(stderr, "render: %s\n", err.msg);
		abort();
	}
	return s;
}

/* `list table inet netplumb`, or NULL when the table is absent. */
static char *list(void)
{
	struct np_err err = { { 0 } };
	char *s = NULL;
	int r = np_fw_list(fw, &s, &err);

	if (r == -ENOENT)
		return NULL;
	CHECK(r == 0);
	return s;
}

/* The text of one chain in a listing, from "chain NAME {" to its "}". */
static char *chain_text(const char *listing, const char *chain)
{
	char head[64];
	const char *p, *e;
	char *r;

	if (!listing)
		return NULL;
	snprintf(head, sizeof(head), "\tchain %s {\n", chain);
	p = strstr(listing, head);
	if (!p)
		return NULL;
	e = strstr(p, "\n\t}\n");
	if (!e)
		return NULL;
	r = strndup(p, (size_t)(e - p));
	if (!r)
		abort();
	return r;
}

static bool has_chain(const char *chain)
{
	_np_free_ char *l = list();
	_np_free_ char *c = chain_text(l, chain);

	return c != NULL;
}

static void test_add_remove(void)
{
	_np_net_free_ struct np_net *a = net_new("virbr0", NP_FWD_NAT);
	_np_net_free_ struct np_net *b = net_new("virbr1", NP_FWD_ROUTE);
	_np_free_ char *add_a = NULL, *del_a = NULL, *add_b = NULL, *del_b = NULL;
	_np_free_ char *l1 = NULL, *l2 = NULL, *l3 = NULL, *l4 = NULL, *l5 = NULL;
	_np_free_ char *b_before = NULL, *b_after = NULL, *c = NULL;

	net_add_ip(a, "192.168.122.1", 24);
	net_add_ip(b, "192.168.123.1", 24);
	net_add_ip(b, "2001:db8:1::1", 64);
	add_a = render_add(a);
	del_a = render_del(a);
	add_b = render_add(b);
	del_b = render_del(b);

	CHECK(list() == NULL); /* fresh namespace: no table yet */
	CHECK(apply(add_a) == 0);
	l1 = list();
	CHECK(l1 && strstr(l1, "\tchain fwd-virbr0 {\n"));
	CHECK(l1 && strstr(l1, "\tchain nat-virbr0 {\n"));
	CHECK(l1 && strstr(l1, "type filter hook forward priority filter; policy accept;"));
	CHECK(l1 && strstr(l1, "type nat hook postrouting priority srcnat; policy accept;"));
	CHECK(l1 && strstr(l1, "masquerade to :1024-65535"));
	CHECK(l1 && strstr(l1, "ip daddr 192.168.122.0/24 ct state established,related"));
	CHECK(l1 && strstr(l1, "reject"));

	/* idempotent: the same script again gives the same table */
	CHECK(apply(add_a) == 0);
	l2 = list();
	CHECK_STR(l2, l1);

	/* a second network lives next to the first */
	CHECK(apply(add_b) == 0);
	l3 = list();
	b_before = chain_text(l3, "fwd-virbr1");
	CHECK(b_before != NULL);
	CHECK(chain_text(l3, "nat-virbr1") == NULL);
	c = chain_text(l3, "fwd-virbr0");
	CHECK(c && l1 && strstr(l1, c));

	/* removing the first leaves the second untouched */
	CHECK(apply(del_a) == 0);
	l4 = list();
	CHECK(l4 && !strstr(l4, "virbr0 {"));
	b_after = chain_text(l4, "fwd-virbr1");
	CHECK_STR(b_after, b_before);
	CHECK(apply(del_a) == 0); /* already gone: still fine */

	/* someone flushed everything: re-applying recovers */
	CHECK(apply("flush ruleset") == 0);
	CHECK(list() == NULL);
	CHECK(apply(add_a) == 0);
	l5 = list();
	CHECK_STR(l5, l1);

	/* removal with the whole table gone */
	CHECK(apply("delete table inet netplumb") == 0);
	CHECK(apply(del_b) == 0);
	CHECK(apply(del_b) == 0);
	CHECK(apply("flush ruleset") == 0);
}

/* Re-defining a network from nat to isolated drops its nat chain. */
static void test_mode_change(void)
{
	_np_net_free_ struct np_net *nat = net_new("virbr5", NP_FWD_NAT);
	_np_net_free_ struct np_net *iso = net_new("virbr5", NP_FWD_NONE);
	_np_free_ char *s1 = NULL, *s2 = NULL, *s3 = NULL;

	net_add_ip(nat, "10.5.0.1", 16);
	net_add_ip(iso, "10.5.0.1", 16);
	s1 = render_add(nat);
	s2 = render_add(iso);
	s3 = render_del(iso);
	CHECK(apply(s1) == 0);
	CHECK(has_chain("nat-virbr5"));
	CHECK(apply(s2) == 0);
	CHECK(!has_chain("nat-virbr5"));
	CHECK(has_chain("fwd-virbr5"));
	CHECK(apply(s3) == 0);
	CHECK(!has_chain("fwd-virbr5"));
	CHECK(apply("flush ruleset") == 0);
}

/* A failing script changes nothing: one transaction. */
static void test_atomic(void)
{
	struct np_err err = { { 0 } };
	int r;

	r = np_fw_apply(fw,
			"add table inet netplumb\n"
			"add chain inet netplumb fwd-t { type filter hook forward priority 0; policy accept; }\n"
			"add rule inet netplumb fwd-t iifname \"t\" counter accept\n"
			"add rule inet netplumb nosuchchain counter accept\n",
			&err);
	CHECK(r < 0);
	CHECK(err.msg[0] && !strchr(err.msg, '\n'));
	CHECK(strstr(err.msg, "No such file") && strstr(err.msg, "nosuchchain"));
	CHECK(r == -ENOENT);
	printf("expected nft error: %s\n", err.msg);
	CHECK(list() == NULL);

	memset(&err, 0, sizeof(err));
	r = np_fw_apply(fw, "add rule inet netplumb fwd-t iifname \"t\" bogus\n", &err);
	CHECK(r == -EINVAL);
	CHECK(err.msg[0] && !strchr(err.msg, '\n'));
	printf("expected nft error: %s\n", err.msg);

	CHECK(np_fw_apply(fw, "", &err) == 0);
}

/* Every golden script in dir must be accepted by this kernel and this nft;
 * returns how many there were. */
static int apply_goldens(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	CHECK(d != NULL);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char path[512];
		_np_free_ char *s = NULL;

		if (len < 5 || strcmp(de->d_name + len - 4, ".nft"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		CHECK(np_file_read(path, 1 << 20, &s, NULL) == 0);
		if (!s)
			continue;
		/* on an empty ruleset and on top of itself */
		if (apply(s) != 0 || apply(s) != 0) {
			fprintf(stderr, "golden %s refused by the kernel\n", path);
			CHECK(0);
		}
		n++;
		CHECK(apply("flush ruleset") == 0);
	}
	closedir(d);
	return n;
}

static void test_goldens(void)
{
	int n = apply_goldens(GOLDEN_DIR);
	int m = apply_goldens(GOLDEN_DIR "/libvirt");

	printf("%d + %d golden scripts accepted by the kernel\n", n, m);
	CHECK(n >= 9);
	CHECK(m == 11);
}

static bool make_links(void)
{
	static const char *const cmds[][11] = {
		{ "ip", "link", "add", "virbr0", "type", "bridge", NULL },
		{ "ip", "link", "add", "virbr1", "type", "bridge", NULL },
		/* no dummy driver in every kernel; a veth end does as well */
		{ "ip", "link", "add", "enp0s7", "type", "veth", "peer", "name", "enp0s7p", NULL },
	};

	for (size_t i = 0; i < NP_ARRAY_SIZE(cmds); i++)
		if (run_cmd(cmds[i]) != 0)
			return false;
	return true;
}

int main(void)
{
	int skip = fw_net_private();

	if (skip)
		return skip;
	/* Rules match interfaces by name, so links are not required; having
	 * the bridges present is the realistic case. */
	CHECK(make_links());
	if (np_fw_open(&fw) < 0) {
		fprintf(stderr, "np_fw_open failed\n");
		return 1;
	}
	test_atomic();
	test_add_remove();
	test_mode_change();
	test_goldens();
	np_fw_close(fw);
	return check_result("test-fw-apply");
}
