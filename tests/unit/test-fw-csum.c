/* The DHCP checksum rule (firewall/csum_*.c, issue #4).
 *
 * Pure part: the rule's expressions as libnftnl prints them (the shape
 * iptables-nft 1.8.9 gives `-o BR -p udp --dport 68 -j CHECKSUM
 * --checksum-fill`), the transactions, recognising our tag, the plan text,
 * libvirt's condition against its firewall test data, hostile bridge names.
 *
 * Namespace part (root; otherwise the test exits 77 after the pure part):
 * in a forked child with its own network namespace, add is idempotent,
 * iptables-nft lists the rule as its own, foreign rules survive del, del is
 * idempotent, an existing chain keeps its policy; and the effect: a UDP
 * datagram to port 68 sent from the bridge's address and read on a veth
 * peer with PACKET_AUXDATA has its checksum left for offload without the
 * rule and filled with it. */
#include "check.h"

#include "common/err.h"
#include "common/util.h"
#include "firewall/csum.h"
#include "firewall/fw.h"
#include "netlink/nl.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <nftables/libnftables.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../udp-csum.h"

#define BR "npcs0"
#define PORT_IF "npcs0p" /* the bridge's port */
#define PEER_IF "npcs0q" /* its veth peer: not a port, where we listen */
#define BR_ADDR "192.0.2.1"
#define GUEST_ADDR "192.0.2.2"

static const uint8_t PEER_MAC[6] = { 0x52, 0x54, 0x00, 0x0c, 0x5a, 0x02 };

/* ---- pure part ---------------------------------------------------------- */

static char *rule_text(const struct nftnl_rule *r)
{
	static char buf[4096];

	nftnl_rule_snprintf(buf, sizeof(buf), r, NFTNL_OUTPUT_DEFAULT, 0);
	return buf;
}

static void test_rule_shape(void)
{
	struct nftnl_rule *r = NULL;

	CHECK(np_fw_csum_rule_build("virbr0", &r) == 0);
	if (!r)
		return;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* What `nft --debug=netlink list ruleset` shows for the rule
	 * `iptables-nft -t mangle -A POSTROUTING -o virbr0 -p udp --dport 68
	 * -j CHECKSUM --checksum-fill` makes (the same libnftnl printer), plus
	 * our comment. cmp data is printed as host-order words. */
	CHECK_STR(rule_text(r), "ip mangle POSTROUTING\n"
				"  [ meta load oifname => reg 1 ]\n"
				"  [ cmp eq reg 1 0x62726976 0x00003072 ]\n"
				"  [ meta load l4proto => reg 1 ]\n"
				"  [ cmp eq reg 1 0x00000011 ]\n"
				"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
				"  [ cmp eq reg 1 0x00004400 ]\n"
				"  [ counter pkts 0 bytes 0 ]\n"
				"  [ target name CHECKSUM rev 0 ]\n"
				"  userdata = { \\x00\\x10netplumb:virbr0\\x00 }");
#endif
	CHECK(nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY) == NFPROTO_IPV4);
	CHECK(nftnl_rule_get_u32(r, NFTNL_RULE_COMPAT_PROTO) == IPPROTO_UDP);
	CHECK(!nftnl_rule_is_set(r, NFTNL_RULE_HANDLE));

	/* The interface compare includes the NUL: "virbr0" must not match
	 * "virbr01" (iptables' '+' wildcard is the only prefix form). */
	{
		struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
		struct nftnl_expr *e;
		int i = 0;
		uint32_t len = 0;

		while (it && (e = nftnl_expr_iter_next(it))) {
			if (i == 1)
				CHECK(nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len) && len == 7);
			if (i == 7) {
				const uint8_t *info = nftnl_expr_get(e, NFTNL_EXPR_TG_INFO, &len);

				/* xt_CHECKSUM_info, padded like iptables */
				CHECK(info && len == 8 && info[0] == 1);
			}
			i++;
		}
		CHECK(i == 8);
		nftnl_expr_iter_destroy(it);
	}
	nftnl_rule_free(r);
}

/* The netlink messages of a batch, as "type flags" in order. */
struct msg_list {
	uint16_t type[16];
	uint16_t flags[16];
	const struct nlmsghdr *nlh[16];
	int n;
};

static void batch_messages(struct nftnl_batch *b, struct msg_list *out, struct iovec *iov,
			   int iovmax)
{
	int iovlen = nftnl_batch_iovec_len(b);

	memset(out, 0, sizeof(*out));
	if (iovlen > iovmax)
		return;
	nftnl_batch_iovec(b, iov, (uint32_t)iovlen);
	for (int i = 0; i < iovlen; i++) {
		const struct nlmsghdr *nlh = iov[i].iov_base;
		int len = (int)iov[i].iov_len;

		for (; mnl_nlmsg_ok(nlh, len) && out->n < 16; nlh = mnl_nlmsg_next(nlh, &len)) {
			out->type[out->n] = nlh->nlmsg_type;
			out->flags[out->n] = nlh->nlmsg_flags;
			out->nlh[out->n] = nlh;
			out->n++;
		}
	}
}

#define NFT(t) ((NFNL_SUBSYS_NFTABLES << 8) | (t))

static void test_batches(void)
{
	struct nftnl_batch *b = NULL;
	struct msg_list m;
	struct iovec iov[8];

	CHECK(np_fw_csum_add_batch_build("virbr0", true, 100, &b) == 0);
	if (b) {
		batch_messages(b, &m, iov, 8);
		CHECK(m.n == 5);
		CHECK(m.type[0] == NFNL_MSG_BATCH_BEGIN);
		CHECK(m.type[1] == NFT(NFT_MSG_NEWTABLE));
		CHECK(m.type[2] == NFT(NFT_MSG_NEWCHAIN));
		CHECK(m.type[3] == NFT(NFT_MSG_NEWRULE));
		CHECK(m.type[4] == NFNL_MSG_BATCH_END);
		for (int i = 1; i < 4; i++) {
			CHECK(m.flags[i] & NLM_F_ACK);
			CHECK(m.flags[i] & NLM_F_CREATE);
			CHECK(!(m.flags[i] & NLM_F_EXCL)); /* an existing table/chain is fine */
		}
		/* inserted at the head, like libvirt's -I */
		CHECK(!(m.flags[3] & NLM_F_APPEND));
		if (m.n == 5) {
			struct nftnl_chain *c = nftnl_chain_alloc();

			/* iptables-nft's built-in mangle POSTROUTING */
			CHECK(nftnl_chain_nlmsg_parse(m.nlh[2], c) == 0);
			CHECK_STR(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), "mangle");
			CHECK_STR(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME), "POSTROUTING");
			CHECK_STR(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE), "filter");
			CHECK(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) == NF_INET_POST_ROUTING);
			CHECK(nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO) == -150);
			CHECK(nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_ACCEPT);
			CHECK(nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY) == NFPROTO_IPV4);
			nftnl_chain_free(c);
		}
		nftnl_batch_free(b);
		b = NULL;
	}

	CHECK(np_fw_csum_add_batch_build("virbr0", false, 100, &b) == 0);
	if (b) {
		batch_messages(b, &m, iov, 8);
		CHECK(m.n == 3);
		CHECK(m.type[1] == NFT(NFT_MSG_NEWRULE));
		nftnl_batch_free(b);
		b = NULL;
	}

	{
		uint64_t h[2] = { 7, 9 };

		CHECK(np_fw_csum_del_batch_build(h, 2, 1, &b) == 0);
		if (b) {
			batch_messages(b, &m, iov, 8);
			CHECK(m.n == 4);
			CHECK(m.type[1] == NFT(NFT_MSG_DELRULE));
			CHECK(m.type[2] == NFT(NFT_MSG_DELRULE));
			for (int i = 1; i <= 2 && m.n == 4; i++) {
				struct nftnl_rule *r = nftnl_rule_alloc();

				CHECK(nftnl_rule_nlmsg_parse(m.nlh[i], r) == 0);
				CHECK(nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE) == h[i - 1]);
				CHECK_STR(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), "mangle");
				CHECK_STR(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), "POSTROUTING");
				nftnl_rule_free(r);
			}
			nftnl_batch_free(b);
			b = NULL;
		}
		CHECK(np_fw_csum_del_batch_build(h, NP_FW_CSUM_DEL_MAX + 1, 1, &b) == -E2BIG);
	}
}

/* A dumped rule: r with a handle, as the kernel sends it. */
static const struct nlmsghdr *as_dump(struct nftnl_rule *r, uint64_t handle, char *buf)
{
	struct nlmsghdr *nlh = nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4,
							  NLM_F_MULTI, 1);

	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	return nlh;
}

static struct nftnl_rule *plain_rule(const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "mangle");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_add_expr(r, nftnl_expr_alloc("counter"));
	return r;
}

static void add_comment_match(struct nftnl_rule *r, const char *text)
{
	struct nftnl_expr *e = nftnl_expr_alloc("match");
	struct xt_comment_info *info = calloc(1, sizeof(*info));

	snprintf(info->comment, sizeof(info->comment), "%s", text);
	nftnl_expr_set_str(e, NFTNL_EXPR_MT_NAME, "comment");
	nftnl_expr_set_u32(e, NFTNL_EXPR_MT_REV, 0);
	nftnl_expr_set(e, NFTNL_EXPR_MT_INFO, info, sizeof(*info)); /* takes info */
	nftnl_rule_add_expr(r, e);
}

static void test_recognise(void)
{
	char buf[8192];
	struct nftnl_rule *r = NULL;
	uint64_t h = 0;

	CHECK(np_fw_csum_rule_build("virbr0", &r) == 0);
	if (r) {
		const struct nlmsghdr *nlh = as_dump(r, 42, buf);

		CHECK(np_fw_csum_rule_is_ours(nlh, "netplumb:virbr0", &h) == 1 && h == 42);
		CHECK(np_fw_csum_rule_is_ours(nlh, "netplumb:virbr", NULL) == 0);
		CHECK(np_fw_csum_rule_is_ours(nlh, "netplumb:virbr00", NULL) == 0);
		CHECK(np_fw_csum_rule_is_ours(nlh, "netplumb:virbr1", NULL) == 0);
		nftnl_rule_free(r);
	}
	/* The same tag in another chain is not ours to touch. */
	r = plain_rule("PREROUTING");
	add_comment_match(r, "netplumb:virbr0");
	CHECK(np_fw_csum_rule_is_ours(as_dump(r, 5, buf), "netplumb:virbr0", NULL) == 0);
	nftnl_rule_free(r);
	/* A pasted `netplumb plan` line: iptables-nft stores the comment as an
	 * xt match. */
	r = plain_rule("POSTROUTING");
	add_comment_match(r, "netplumb:virbr0");
	h = 0;
	CHECK(np_fw_csum_rule_is_ours(as_dump(r, 6, buf), "netplumb:virbr0", &h) == 1 && h == 6);
	CHECK(np_fw_csum_rule_is_ours(as_dump(r, 6, buf), "netplumb:virbr", NULL) == 0);
	nftnl_rule_free(r);
	r = plain_rule("POSTROUTING");
	add_comment_match(r, "netplumb:virbr0 and more");
	CHECK(np_fw_csum_rule_is_ours(as_dump(r, 7, buf), "netplumb:virbr0", NULL) == 0);
	nftnl_rule_free(r);
	/* No comment at all: a user's rule. */
	r = plain_rule("POSTROUTING");
	CHECK(np_fw_csum_rule_is_ours(as_dump(r, 8, buf), "netplumb:virbr0", NULL) == 0);
	nftnl_rule_free(r);
}

static void test_render(void)
{
	struct np_err err = { { 0 } };
	char *s = NULL;

	CHECK(np_fw_csum_render("virbr0", &s, &err) == 0);
	CHECK_STR(s, "iptables-nft -t mangle -I POSTROUTING -o virbr0 -p udp -m udp --dport 68"
		     " -m comment --comment netplumb:virbr0 -j CHECKSUM --checksum-fill");
	free(s);
	s = NULL;
	CHECK(np_fw_csum_remove_render("virbr0", &s, &err) == 0);
	CHECK_STR(s, "iptables-nft -t mangle -D POSTROUTING -o virbr0 -p udp -m udp --dport 68"
		     " -m comment --comment netplumb:virbr0 -j CHECKSUM --checksum-fill");
	free(s);
}

static void test_hostile(void)
{
	static const char *const bad[] = {
		"", "br 0", "br\n0", "br\t0", "br\x01", "br\x7f", "br0+", "br*", "br;id",
		"$(id)", "br\"0", "br'0", "br/0", "br:0", "0123456789abcdef", /* 16 > IFNAMSIZ-1 */
		"\xc3\xa9t\xc3\xa9",
	};
	char tag[NP_FW_CSUM_TAG_MAX];

	for (size_t i = 0; i < NP_ARRAY_SIZE(bad); i++) {
		struct np_err err = { { 0 } };
		struct nftnl_rule *r = NULL;
		struct nftnl_batch *b = NULL;
		char *s = NULL;

		CHECK(np_fw_csum_tag(bad[i], tag) == -EINVAL);
		CHECK(np_fw_csum_rule_build(bad[i], &r) == -EINVAL && !r);
		CHECK(np_fw_csum_add_batch_build(bad[i], true, 1, &b) == -EINVAL && !b);
		CHECK(np_fw_csum_render(bad[i], &s, &err) == -EINVAL && !s);
		/* the message stays on one line */
		CHECK(np_err_isset(&err) && !strpbrk(err.msg, "\n\r"));
		CHECK(np_fw_csum_remove_render(bad[i], &s, NULL) == -EINVAL && !s);
		/* refused before any socket is opened: safe without root */
		CHECK(np_fw_csum_add(bad[i], NULL) == -EINVAL);
		CHECK(np_fw_csum_del(bad[i], NULL) == -EINVAL);
		CHECK(np_fw_csum_count(bad[i], NULL) == -EINVAL);
	}
	CHECK(np_fw_csum_tag(NULL, tag) == -EINVAL);
	CHECK(np_fw_csum_add(NULL, NULL) == -EINVAL);
	/* the longest name still fits the tag */
	CHECK(np_fw_csum_tag("0123456789abcde", tag) == 0);
	CHECK_STR(tag, "netplumb:0123456789abcde");
	CHECK(np_fw_csum_tag("a.b-c_D", tag) == 0);
}

/* libvirt's condition, against its own firewall test data: the rule is in
 * NAME-linux.iptables exactly when np_fw_csum_wanted() says so. */
static void test_wanted_libvirt(void)
{
	const char *dir = NP_SHARED_DIR "/conformance/libvirt/networkxml2firewalldata";
	DIR *d = opendir(dir);
	struct dirent *de;
	int seen = 0, with = 0;

	if (!d) {
		printf("note: %s missing, libvirt data not compared\n", dir);
		return;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char path[1024], ipt[1024];
		struct np_err err = { { 0 } };
		struct np_net *net = NULL;
		FILE *f;
		char line[512];
		bool has = false;

		if (n < 5 || strcmp(de->d_name + n - 4, ".xml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(ipt, sizeof(ipt), "%s/%.*s-linux.iptables", dir, (int)(n - 4), de->d_name);
		f = fopen(ipt, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (strstr(line, "--jump CHECKSUM"))
				has = true;
		fclose(f);
		if (np_xml_net_parse_file(path, &net, &err) < 0) {
			fprintf(stderr, "%s: %s\n", path, err.msg);
			CHECK(!"parse");
			continue;
		}
		if (np_fw_csum_wanted(net) != has)
			fprintf(stderr, "%s: libvirt %s the checksum rule\n", de->d_name,
				has ? "adds" : "does not add");
		CHECK(np_fw_csum_wanted(net) == has);
		np_net_free(net);
		seen++;
		with += has;
	}
	closedir(d);
	/* 11 networks, only nat-no-dhcp without */
	CHECK(seen >= 11 && with >= 10 && with < seen);
}

static void test_wanted_modes(void)
{
	struct np_ip ips[2];
	struct np_net net;

	memset(&net, 0, sizeof(net));
	memset(ips, 0, sizeof(ips));
	net.ips = ips;
	net.n_ips = 2;
	CHECK(np_addr_parse("192.168.122.1", 0, &ips[0].address) == 0);
	CHECK(np_addr_parse("2001:db8::1", 0, &ips[1].address) == 0);

	net.forward.mode = NP_FWD_NAT;
	CHECK(!np_fw_csum_wanted(&net)); /* no DHCP */
	ips[1].n_ranges = 1;
	CHECK(!np_fw_csum_wanted(&net)); /* DHCPv6 only */
	ips[0].tftp_root = (char *)"/srv/tftp";
	CHECK(!np_fw_csum_wanted(&net)); /* tftp alone does not count */
	ips[0].n_hosts = 1;
	CHECK(np_fw_csum_wanted(&net)); /* static hosts only */
	ips[0].n_hosts = 0;
	ips[0].n_ranges = 1;
	CHECK(np_fw_csum_wanted(&net));
	net.forward.mode = NP_FWD_ROUTE;
	CHECK(np_fw_csum_wanted(&net));
	net.forward.mode = NP_FWD_NONE;
	CHECK(np_fw_csum_wanted(&net));
	/* libvirt adds no firewall rules at all for these */
	net.forward.mode = NP_FWD_OPEN;
	CHECK(!np_fw_csum_wanted(&net));
	net.forward.mode = NP_FWD_BRIDGE;
	CHECK(!np_fw_csum_wanted(&net));
	net.forward.mode = NP_FWD_HOSTDEV;
	CHECK(!np_fw_csum_wanted(&net));
}

/* ---- namespace part ----------------------------------------------------- */

static int run_cmd(const char *const argv[], char *out, size_t outlen)
{
	int pipefd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		/* execvp() does not modify argv; its prototype predates const */
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	while (out && len + 1 < outlen && (n = read(pipefd[0], out + len, outlen - 1 - len)) > 0)
		len += (size_t)n;
	if (out)
		out[len] = 0;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool have_iptables_nft(void)
{
	char out[256];
	const char *const argv[] = { "iptables-nft", "--version", NULL };

	return run_cmd(argv, out, sizeof(out)) == 0 && strstr(out, "nf_tables");
}

/* `nft list chain ip mangle POSTROUTING` through libnftables: an observer
 * independent of the code under test. NULL when the chain is missing. */
static char *list_chain(void)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	char *s = NULL;

	if (!nft)
		return NULL;
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	if (nft_run_cmd_from_buffer(nft, "list chain ip mangle POSTROUTING") == 0)
		s = strdup(nft_ctx_get_output_buffer(nft));
	nft_ctx_free(nft);
	return s;
}

static int nft_run(const char *cmd)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	int rc;

	if (!nft)
		return -ENOMEM;
	nft_ctx_buffer_error(nft);
	rc = nft_run_cmd_from_buffer(nft, cmd);
	if (rc)
		fprintf(stderr, "nft '%s': %s\n", cmd, nft_ctx_get_error_buffer(nft));
	nft_ctx_free(nft);
	return rc;
}

static int count_of(const char *bridge)
{
	struct np_err err = { { 0 } };
	int n = np_fw_csum_count(bridge, &err);

	if (n < 0)
		fprintf(stderr, "count %s: %d %s\n", bridge, n, err.msg);
	return n;
}

static int csum_add(const char *bridge)
{
	struct np_err err = { { 0 } };
	int rc = np_fw_csum_add(bridge, &err);

	if (rc < 0)
		fprintf(stderr, "add %s: %d %s\n", bridge, rc, err.msg);
	return rc;
}

static int csum_del(const char *bridge)
{
	struct np_err err = { { 0 } };
	int rc = np_fw_csum_del(bridge, &err);

	if (rc < 0)
		fprintf(stderr, "del %s: %d %s\n", bridge, rc, err.msg);
	return rc;
}

static size_t occurrences(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; hay && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_rules(bool ipt)
{
	char out[8192];
	char *list;

	/* Nothing there yet: no table at all. */
	CHECK(count_of(BR) == 0);
	CHECK(csum_del(BR) == 0);
	CHECK(list_chain() == NULL);

	CHECK(csum_add(BR) == 0);
	CHECK(csum_add(BR) == 0);
	CHECK(count_of(BR) == 1);
	list = list_chain();
	CHECK(list && strstr(list, "type filter hook postrouting priority mangle; policy accept;"));
	CHECK(occurrences(list, "comment \"netplumb:" BR "\"") == 1);
	CHECK(occurrences(list, "oifname \"" BR "\" udp dport 68 counter packets 0 bytes 0"
				" xt target CHECKSUM comment \"netplumb:" BR "\"") == 1);
	free(list);

	if (ipt) {
		const char *const save[] = { "iptables-nft", "-t", "mangle", "-S", "POSTROUTING", NULL };
		const char *const check[] = { "iptables-nft", "-t", "mangle", "-C", "POSTROUTING",
					      "-o", BR, "-p", "udp", "-m", "udp", "--dport", "68",
					      "-m", "comment", "--comment", "netplumb:" BR,
					      "-j", "CHECKSUM", "--checksum-fill", NULL };

		/* iptables-nft reads the table as its own: a normal rule, no
		 * "incompatible" complaint, and -C finds it. */
		CHECK(run_cmd(save, out, sizeof(out)) == 0);
		CHECK_STR(out, "-P POSTROUTING ACCEPT\n"
			       "-A POSTROUTING -o " BR " -p udp -m udp --dport 68 -m comment"
			       " --comment \"netplumb:" BR "\" -j CHECKSUM --checksum-fill\n");
		CHECK(run_cmd(check, out, sizeof(out)) == 0);
	}

	/* Foreign rules in the same chain: untagged, a longer bridge's tag,
	 * another bridge's tag, a comment merely containing ours. */
	CHECK(nft_run("add rule ip mangle POSTROUTING oifname \"" BR "\" udp dport 68 counter") == 0);
	CHECK(nft_run("add rule ip mangle POSTROUTING oifname \"" BR "0\" udp dport 68 counter"
		      " comment \"netplumb:" BR "0\"") == 0);
	CHECK(nft_run("add rule ip mangle POSTROUTING oifname \"npcs1\" udp dport 68 counter"
		      " comment \"netplumb:npcs1\"") == 0);
	CHECK(nft_run("add rule ip mangle POSTROUTING meta mark 7 counter"
		      " comment \"user rule, not netplumb:" BR "\"") == 0);
	if (ipt) {
		const char *const user[] = { "iptables-nft", "-t", "mangle", "-A", "POSTROUTING",
					     "-o", BR, "-p", "udp", "--dport", "68", "-j",
					     "CHECKSUM", "--checksum-fill", NULL };

		CHECK(run_cmd(user, out, sizeof(out)) == 0);
	}
	CHECK(count_of(BR) == 1);
	CHECK(count_of("npcs1") == 1);
	CHECK(count_of(BR "0") == 1);
	CHECK(csum_add(BR) == 0); /* still just one */
	CHECK(count_of(BR) == 1);

	CHECK(csum_del(BR) == 0);
	CHECK(count_of(BR) == 0);
	CHECK(csum_del(BR) == 0);
	list = list_chain();
	/* the chain stays, with every foreign rule */
	CHECK(list && strstr(list, "policy accept;"));
	CHECK(occurrences(list, "comment \"netplumb:" BR "\"") == 0);
	CHECK(occurrences(list, "comment \"netplumb:" BR "0\"") == 1);
	CHECK(occurrences(list, "comment \"netplumb:npcs1\"") == 1);
	CHECK(occurrences(list, "comment \"user rule, not netplumb:" BR "\"") == 1);
	CHECK(occurrences(list, "counter packets") == (ipt ? 5u : 4u));
	CHECK(occurrences(list, "xt target CHECKSUM") == (ipt ? 1u : 0u));
	free(list);
	CHECK(count_of("npcs1") == 1);

	if (ipt) {
		/* A person pasting `netplumb plan`'s line: iptables-nft keeps the
		 * comment as an xt match; still ours, still only one. */
		char *line = NULL;
		struct np_err err = { { 0 } };

		CHECK(np_fw_csum_render(BR, &line, &err) == 0);
		if (line) {
			const char *const sh[] = { "sh", "-c", line, NULL };

			CHECK(run_cmd(sh, out, sizeof(out)) == 0);
			CHECK(count_of(BR) == 1);
			CHECK(csum_add(BR) == 0);
			CHECK(count_of(BR) == 1);
			CHECK(csum_del(BR) == 0);
			CHECK(count_of(BR) == 0);
			free(line);
		}
	}

	/* An existing chain is left as it is: its policy survives our add. */
	CHECK(nft_run("add chain ip mangle POSTROUTING { type filter hook postrouting"
		      " priority -150; policy drop; }") == 0);
	CHECK(csum_add(BR) == 0);
	list = list_chain();
	CHECK(list && strstr(list, "policy drop;"));
	CHECK(occurrences(list, "comment \"netplumb:" BR "\"") == 1);
	free(list);
	CHECK(csum_del(BR) == 0);
	CHECK(nft_run("flush chain ip mangle POSTROUTING") == 0);
	CHECK(nft_run("add chain ip mangle POSTROUTING { type filter hook postrouting"
		      " priority -150; policy accept; }") == 0);
}

/* A permanent neighbour entry, so the datagram leaves without ARP. */
static int neigh_add(int ifindex, const char *ip, const uint8_t mac[6])
{
	char buf[512];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	struct nlmsghdr *nlh;
	struct ndmsg *nd;
	struct in_addr a;
	int rc = 0;

	if (!nl || inet_pton(AF_INET, ip, &a) != 1)
		return -EINVAL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		return -errno;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, sizeof(a), &a);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
	} else {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (n < 0 || mnl_cb_run(buf, (size_t)n, 1, mnl_socket_get_portid(nl), NULL, NULL) < 0)
			rc = -errno;
	}
	mnl_socket_close(nl);
	return rc;
}

static int topology(int *ret_peer_ifindex)
{
	struct np_nl *nl = NULL;
	struct np_bridge_spec br = { .ifname = BR, .stp = 0, .delay_cs = 0 };
	struct np_veth_spec veth = { .ifname = PORT_IF, .peer_ifname = PEER_IF,
				     .peer_mac = PEER_MAC, .peer_netns_fd = -1 };
	struct np_link_info bri, peer;
	struct np_addr a;
	int rc;

	if (np_nl_open(&nl) < 0)
		return -EIO;
	np_addr_parse(BR_ADDR, 0, &a);
	if ((rc = np_nl_bridge_add(nl, &br)) < 0 || (rc = np_nl_veth_add(nl, &veth)) < 0 ||
	    (rc = np_nl_link_enslave(nl, PORT_IF, BR, NULL)) < 0 ||
	    (rc = np_nl_link_set_up(nl, PEER_IF)) < 0 || (rc = np_nl_link_set_up(nl, BR)) < 0 ||
	    (rc = np_nl_addr_add(nl, BR, &a, 24)) < 0 ||
	    (rc = np_nl_link_get(nl, BR, &bri)) < 0 || (rc = np_nl_link_get(nl, PEER_IF, &peer)) < 0)
		goto out;
	rc = neigh_add(bri.ifindex, GUEST_ADDR, PEER_MAC);
	*ret_peer_ifindex = peer.ifindex;
out:
	np_nl_close(nl);
	return rc;
}

struct seen {
	bool got;
	bool csum_ok;
	bool not_ready; /* TP_STATUS_CSUMNOTREADY */
};

/* Sends one datagram to GUEST_ADDR:68 from the bridge's address and reads
 * it back on the veth peer. */
static struct seen send_and_capture(int peer_ifindex, const char *marker)
{
	struct seen s = { 0 };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = peer_ifindex };
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = htons(67) };
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(68) };
	struct timeval tv = { .tv_sec = 1 };
	char payload[300];
	int one = 1, ps, us;
	time_t end;

	inet_pton(AF_INET, BR_ADDR, &src.sin_addr);
	inet_pton(AF_INET, GUEST_ADDR, &dst.sin_addr);
	memset(payload, 'x', sizeof(payload));
	memcpy(payload, marker, strlen(marker));

	ps = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IP));
	us = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ps < 0 || us < 0 || bind(ps, (struct sockaddr *)&ll, sizeof(ll)) < 0 ||
	    setsockopt(ps, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0 ||
	    setsockopt(ps, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(us, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(us, (struct sockaddr *)&src, sizeof(src)) < 0 ||
	    sendto(us, payload, sizeof(payload), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		fprintf(stderr, "capture setup: %s\n", strerror(errno));
		goto out;
	}
	end = time(NULL) + 3;
	while (!s.got && time(NULL) < end) {
		struct np_test_udp u;
		int r = np_test_udp_recv(ps, 0, &u);

		if (r < 0)
			break;
		if (r == 0 || u.ip.saddr != src.sin_addr.s_addr)
			continue;
		if ((u.udp[2] << 8 | u.udp[3]) != 68 || u.udp_len != 8 + sizeof(payload) ||
		    memcmp(u.udp + 8, marker, strlen(marker)) != 0)
			continue;
		s.got = true;
		s.not_ready = u.not_ready;
		s.csum_ok = np_test_udp_csum_ok(&u.ip, u.udp, u.udp_len);
	}
out:
	if (ps >= 0)
		close(ps);
	if (us >= 0)
		close(us);
	return s;
}

static void test_effect(void)
{
	int peer = 0;
	struct seen s;

	CHECK(topology(&peer) == 0);
	if (!peer)
		return;

	/* Without the rule: the bridge offers checksum offload, so the local
	 * UDP datagram leaves with CHECKSUM_PARTIAL and no valid checksum. */
	s = send_and_capture(peer, "np-csum-without");
	CHECK(s.got);
	CHECK(s.not_ready);
	CHECK(!s.csum_ok);

	CHECK(csum_add(BR) == 0);
	s = send_and_capture(peer, "np-csum-with");
	CHECK(s.got);
	CHECK(!s.not_ready);
	CHECK(s.csum_ok);

	/* and gone again with the rule */
	CHECK(csum_del(BR) == 0);
	s = send_and_capture(peer, "np-csum-after");
	CHECK(s.got);
	CHECK(s.not_ready);
	CHECK(!s.csum_ok);
}

static int namespace_part(void)
{
	bool ipt;

	if (unshare(CLONE_NEWNET) < 0) {
		printf("skipped: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 77;
	}
	ipt = have_iptables_nft();
	if (!ipt)
		printf("note: iptables-nft not installed, its view is not checked\n");
	test_rules(ipt);
	test_effect();
	return check_result("test-fw-csum (namespace)");
}

int main(void)
{
	int status;
	pid_t pid;

	test_rule_shape();
	test_batches();
	test_recognise();
	test_render();
	test_hostile();
	test_wanted_libvirt();
	test_wanted_modes();
	if (check_result("test-fw-csum (pure)"))
		return 1;

	if (geteuid() != 0) {
		printf("skipped: the namespace part needs root\n");
		return 77;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		/* count the namespace part on its own */
		check_count = check_failures = 0;
		/* exit(), not _exit(): flushes stdout and lets the sanitizer's
		 * leak check run over the acting code too */
		exit(namespace_part());
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}
