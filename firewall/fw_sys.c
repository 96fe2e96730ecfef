/* Talks to the kernel through libnftables. One libnftables run sends the
 * whole script as one netlink batch, which the kernel commits or rejects as a
 * whole: that is the "one script = one transaction" promise. */
#include "firewall/fw.h"

#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <stdbool.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct np_fw {
	struct nft_ctx *nft;
};

void np_fw_close(struct np_fw *fw)
{
	if (!fw)
		return;
	if (fw->nft)
		nft_ctx_free(fw->nft);
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

int np_fw_table_prune(struct np_fw *fw, struct np_err *err)
{
	_np_free_ char *text = NULL;
	int r;

	r = np_fw_list(fw, &text, err);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (strstr(text, "\tchain ") || strstr(text, "\tset ") || strstr(text, "\tmap ") ||
	    strstr(text, "\tflowtable "))
		return 0;
	r = np_fw_apply(fw, "delete table inet " NP_FW_TABLE "\n", err);
	return r == -ENOENT ? 0 : r;
}
