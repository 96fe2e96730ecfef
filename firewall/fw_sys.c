/* Talks to the kernel through libnftables. One libnftables run sends the
 * whole script as one netlink batch, which the kernel commits or rejects as a
 * whole: that is the "one script = one transaction" promise. */
#include "firewall/fw.h"
#include "firewall/foreign.h"
#include "firewall/fw_compare.h"
#include "common/buf.h"

#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <nftables/libnftables.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Bounds the wait for the kernel's answer to np_fw_table_prune(): it
 * answers before sendmsg() returns, so this only guards against none. */
#define PRUNE_TIMEOUT_S 5

struct np_fw {
	struct nft_ctx *nft;
	/* nfnetlink socket for what libnftables cannot ask (np_fw_table_prune),
	 * opened on first use. */
	struct mnl_socket *nl;
	uint32_t seq;
};

void np_fw_close(struct np_fw *fw)
{
	if (!fw)
		return;
	if (fw->nft)
		nft_ctx_free(fw->nft);
	if (fw->nl)
		mnl_socket_close(fw->nl);
	free(fw);
}

int np_fw_open(struct np_fw **ret)
{
	struct np_fw *fw = calloc(1, sizeof(*fw));

	if (!fw)
		return -ENOMEM;
	fw->nft = nft_ctx_new(NFT_CTX_DEFAULT);
	/* Buffered, so nothing is printed from library code. */
	if (!fw->nft || nft_ctx_buffer_output(fw->nft) != 0 || nft_ctx_buffer_error(fw->nft) != 0) {
		np_fw_close(fw);
		return -ENOMEM;
	}
	*ret = fw;
	return 0;
}

/* libnftables reports failures as text only; the kernel's reason is the
 * strerror() text in it (same locale as ours, nft calls strerror too). */
static int errno_of(const char *msg)
{
	static const int known[] = { EPERM, ENOENT, EEXIST, EBUSY, ENOMEM, ENOBUFS,
				     EOPNOTSUPP, EAFNOSUPPORT, EINVAL, ERANGE, ENOSPC };

	for (size_t i = 0; i < NP_ARRAY_SIZE(known); i++)
		if (strstr(msg, strerror(known[i])))
			return -known[i];
	if (strstr(msg, "syntax error"))
		return -EINVAL;
	return -EIO;
}

static bool only_marks(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '^' && s[i] != '~' && s[i] != '\t')
			return false;
	return true;
}

/* Location prefix "FILE:LINE:COLS: " that nft puts before "Error: ". */
static const char *skip_location(const char *l, const char *end)
{
	const char *e = strstr(l, "Error: ");

	return e && e < end ? e + strlen("Error: ") : l;
}

/* nft writes "[location: ]Error: reason\n<the command>\n   ^^^^\n" per error;
 * the first error's reason and command make one line. */
static int set_nft_error(struct np_err *err, const char *text)
{
	const char *l1 = text ? text : "", *e1, *l2, *e2;
	int ret;

	while (*l1 == '\n')
		l1++;
	e1 = strchrnul(l1, '\n');
	l1 = skip_location(l1, e1);
	ret = errno_of(l1);
	if (e1 == l1)
		return np_err_set(err, ret, "nft: %s", strerror(-ret));
	l2 = *e1 ? e1 + 1 : e1;
	e2 = strchrnul(l2, '\n');
	while (l2 < e2 && (*l2 == ' ' || *l2 == '\t'))
		l2++;
	if (l2 == e2 || only_marks(l2, (size_t)(e2 - l2)))
		return np_err_set(err, ret, "nft: %.*s", (int)(e1 - l1), l1);
	return np_err_set(err, ret, "nft: %.*s: in '%.*s'", (int)(e1 - l1), l1, (int)(e2 - l2),
			  l2);
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* nft 1.0.6 shows the wrong command (the script's first line) for errors the
 * kernel reports on a script given as a buffer; given as a file, it shows the
 * right one. So the script goes through a memfd when /proc allows, else
 * through the buffer. Either way it is one batch. */
static int run_script(struct np_fw *fw, const char *cmd)
{
	_np_close_ int fd = memfd_create("netplumb-nft", MFD_CLOEXEC);
	char path[64];

	if (fd >= 0 && write_all(fd, cmd, strlen(cmd)) == 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (access(path, R_OK) == 0)
			return nft_run_cmd_from_filename(fw->nft, path);
	}
	return nft_run_cmd_from_buffer(fw->nft, cmd);
}

/* Runs cmd; on success *ret_out (when non-NULL) gets nft's output. */
static int run(struct np_fw *fw, const char *cmd, char **ret_out, struct np_err *err)
{
	const char *out;

	/* Reading a buffer empties it: drop what an earlier call left. */
	nft_ctx_get_output_buffer(fw->nft);
	nft_ctx_get_error_buffer(fw->nft);

	if (run_script(fw, cmd) != 0)
		return set_nft_error(err, nft_ctx_get_error_buffer(fw->nft));
	out = nft_ctx_get_output_buffer(fw->nft);
	if (ret_out) {
		char *s = strdup(out ? out : "");

		if (!s)
			return -ENOMEM;
		*ret_out = s;
	}
	return 0;
}

int np_fw_apply(struct np_fw *fw, const char *script, struct np_err *err)
{
	if (!script[0])
		return 0;
	return run(fw, script, NULL, err);
}

int np_fw_list(struct np_fw *fw, char **ret, struct np_err *err)
{
	return run(fw, "list table inet " NP_FW_TABLE, ret, err);
}

static int chain_listed(struct np_fw *fw, const char *chain)
{
	struct np_err ignored = { { 0 } };
	char cmd[96];
	int r;

	/* Listing one chain asks the kernel for that chain only. */
	snprintf(cmd, sizeof(cmd), "list chain inet " NP_FW_TABLE " %s", chain);
	r = run(fw, cmd, NULL, &ignored);
	if (r == -ENOENT)
		return 0;
	return r < 0 ? r : 1;
}

int np_fw_present(struct np_fw *fw, const char *bridge)
{
	char fwd[NP_FW_CHAIN_MAX], nat[NP_FW_CHAIN_MAX];
	int r;

	r = np_fw_chain_names(bridge, fwd, nat);
	if (r < 0)
		return r;
	r = chain_listed(fw, fwd);
	if (r != 0)
		return r;
	/* A network without NAT has no nat chain: one more lookup, only
	 * when the forward chain is gone. */
	r = chain_listed(fw, nat);
	return r > 0 ? 2 : r;
}

static int nl_open(struct np_fw *fw)
{
	struct timeval tv = { .tv_sec = PRUNE_TIMEOUT_S };
	struct mnl_socket *nl;
	int r;

	if (fw->nl)
		return 0;
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		r = -errno;
		mnl_socket_close(nl);
		return r;
	}
	fw->nl = nl;
	fw->seq = (uint32_t)time(NULL);
	return 0;
}

/* One batch: begin, DELTABLE with NLM_F_NONREC, end. The kernel refuses
 * (EBUSY) to delete a table that still holds a chain, set, map, object or
 * flowtable when NLM_F_NONREC is set, and it checks and deletes under its
 * nf_tables mutex: a chain added by another netplumb at the same time is
 * either in first (the table stays) or comes after (and recreates the
 * table). A list-then-delete would lose that chain. */
static int table_delete_nonrec(struct np_fw *fw, uint16_t family)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_nlmsg_batch *b;
	struct nlmsghdr *nlh;
	uint32_t portid = mnl_socket_get_portid(fw->nl);
	ssize_t n;
	int r;

	b = mnl_nlmsg_batch_start(buf, sizeof(buf));
	if (!b)
		return -ENOMEM;
	nftnl_batch_begin(mnl_nlmsg_batch_current(b), fw->seq++);
	mnl_nlmsg_batch_next(b);
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_DELTABLE, family,
				    NLM_F_ACK | NLM_F_NONREC, fw->seq++);
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, NP_FW_TABLE);
	mnl_nlmsg_batch_next(b);
	nftnl_batch_end(mnl_nlmsg_batch_current(b), fw->seq++);
	mnl_nlmsg_batch_next(b);
	r = mnl_socket_sendto(fw->nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) < 0
		    ? -errno
		    : 0;
	mnl_nlmsg_batch_stop(b);
	if (r < 0)
		return r;
	/* Only the DELTABLE asks for an ACK; an error on any message of
	 * the batch comes back too. The socket is ours alone, so any
	 * answer is to this batch. */
	do {
		n = mnl_socket_recvfrom(fw->nl, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		r = mnl_cb_run(buf, (size_t)n, 0, portid, NULL, NULL);
	} while (r == MNL_CB_OK);
	return r < 0 ? -errno : 0;
}

int np_fw_table_prune(struct np_fw *fw, struct np_err *err)
{
	/* inet: the networks' chains; netdev: the ports' limits */
	static const struct {
		uint16_t family;
		const char *name;
	} tables[] = { { NFPROTO_INET, "inet" }, { NFPROTO_NETDEV, "netdev" } };
	int r = nl_open(fw);

	if (r < 0)
		return np_err_set(err, r, "nft: netlink socket: %s", strerror(-r));
	for (size_t i = 0; i < NP_ARRAY_SIZE(tables); i++) {
		r = table_delete_nonrec(fw, tables[i].family);
		/* absent, or still holding something */
		if (r < 0 && r != -ENOENT && r != -EBUSY)
			return np_err_set(err, r, "nft: delete table %s " NP_FW_TABLE ": %s",
					  tables[i].name, strerror(-r));
	}
	return 0;
}

static int foreign_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	const char *table, *name;
	bool base;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return MNL_CB_OK;
	}
	table = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
	name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	base = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM);
	if (table && name)
		np_fw_foreign_chain(data, np_fw_family_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY)),
				    table, name,
				    base ? np_fw_hook_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM)) : NULL,
				    base && nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) &&
					    nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP);
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* Every chain of every table, by one netlink dump (no rules): libnftables'
 * `list chains` would build its cache of all of them and print them, and
 * with many networks netplumb's own table holds thousands. */
int np_fw_foreign_walk(struct np_fw *fw, struct np_fw_foreign *ret)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t seq, portid;
	ssize_t n;
	int r = nl_open(fw);

	if (r < 0)
		return r;
	memset(ret, 0, sizeof(*ret));
	seq = fw->seq++;
	portid = mnl_socket_get_portid(fw->nl);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, NLM_F_DUMP, seq);
	if (mnl_socket_sendto(fw->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(fw->nl, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		r = mnl_cb_run(buf, (size_t)n, seq, portid, foreign_chain_cb, ret);
	} while (r == MNL_CB_OK);
	return r < 0 ? -errno : 0;
}

int np_fw_check(struct np_fw *fw, const char *script)
{
	struct np_err ignored = { { 0 } };
	char chains[8][32], cmd[320];
	struct np_buf all = { 0 };
	int n = np_fw_script_chains(script, chains, 8), r = 0;

	for (int i = 0; i < n && r >= 0; i++) {
		_np_free_ char *out = NULL;

		snprintf(cmd, sizeof(cmd), "list chain inet " NP_FW_TABLE " %s", chains[i]);
		r = run(fw, cmd, &out, &ignored);
		if (r == -ENOENT) {
			np_buf_free(&all);
			return 0;
		}
		if (r >= 0)
			np_buf_add(&all, out);
	}
	if (r >= 0)
		r = all.oom ? -ENOMEM : np_fw_script_matches(script, np_buf_str(&all));
	np_buf_free(&all);
	return r;
}
