/* The DHCP checksum rule, acting part: one nfnetlink socket per call, the
 * messages come from csum_msg.c. */
#include "firewall/csum.h"
#include "firewall/fw.h"

#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <stdbool.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

/* Bounds one call: the kernel answers a request before sendmsg() returns,
 * so this only guards against a reply that never comes. */
#define REPLY_TIMEOUT_S 5
/* Rounds of dump + delete in np_fw_csum_del (a rule vanishing between the
 * two, or more tagged rules than one batch deletes). */
#define DEL_ROUNDS 4
/* Large enough for any dump datagram (libmnl's MNL_SOCKET_DUMP_SIZE). */
#define RECV_BUF 32768

struct conn {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char buf[RECV_BUF];
};

/* Set in a helper process that reports its result before it exits: the
 * sockets are then left to _exit(), since closing one after a rule delete
 * waits for nf_tables' deferred destruction. */
static bool keep_sockets;

void np_fw_csum_keep_sockets(void)
{
	keep_sockets = true;
}

static void conn_close(struct conn *c)
{
	if (c->nl && !keep_sockets)
		mnl_socket_close(c->nl);
	free(c);
}

NP_DEFINE_FREEP(conn_closep, struct conn, conn_close)

static int conn_open(struct conn **ret)
{
	np_cleanup(conn_closep) struct conn *c = calloc(1, sizeof(*c));
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT_S };

	if (!c)
		return -ENOMEM;
	c->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!c->nl)
		return -errno;
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	if (setsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	*ret = np_steal(&c);
	return 0;
}

/* One request and its replies (a dump or an ACK), cb per data message. */
static int talk(struct conn *c, const struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int rc;

	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(c->nl, c->buf, sizeof(c->buf));
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		rc = mnl_cb_run(c->buf, (size_t)n, seq, c->portid, cb, data);
		if (rc < 0)
			return np_negerr(errno);
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

/* The NLMSG_ERROR replies in one datagram: the first error, and which
 * request it answers. */
static void scan_acks(const void *buf, size_t n, int *first_err, uint16_t *failed_type)
{
	const struct nlmsghdr *nlh;
	int len = (int)n;

	for (nlh = buf; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct nlmsgerr *e;

		if (nlh->nlmsg_type != NLMSG_ERROR ||
		    mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
			continue;
		e = mnl_nlmsg_get_payload(nlh);
		if (e->error && !*first_err) {
			*first_err = e->error < 0 ? e->error : -e->error;
			*failed_type = NFNL_MSG_TYPE(e->msg.nlmsg_type);
		}
	}
}

/* Sends one transaction and collects every ACK. nfnetlink handles the whole
 * batch inside sendmsg(), so all replies are queued when it returns: read
 * the first (blocking, bounded) and then whatever else is there. */
static int send_batch(struct conn *c, struct nftnl_batch *b, uint16_t *failed_type)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int iovlen = nftnl_batch_iovec_len(b);
	_np_free_ struct iovec *iov = calloc((size_t)iovlen, sizeof(*iov));
	struct msghdr msg = { 0 };
	int first_err = 0, flags = 0;
	ssize_t n;

	if (!iov)
		return -ENOMEM;
	nftnl_batch_iovec(b, iov, (uint32_t)iovlen);
	msg.msg_name = &kernel;
	msg.msg_namelen = sizeof(kernel);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)iovlen;
	if (sendmsg(mnl_socket_get_fd(c->nl), &msg, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(mnl_socket_get_fd(c->nl), c->buf, sizeof(c->buf), flags);
		if (n < 0) {
			if (flags && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		scan_acks(c->buf, (size_t)n, &first_err, failed_type);
		flags = MSG_DONTWAIT;
	}
	return first_err;
}

/* 1 when table ip mangle has chain POSTROUTING, 0 when either is missing. */
static int chain_exists(struct conn *c)
{
	char buf[NP_FW_CSUM_REQ_MAX];
	int rc = talk(c, np_fw_csum_chain_get_build(buf, c->seq++), NULL, NULL);

	if (rc == -ENOENT)
		return 0;
	return rc < 0 ? rc : 1;
}

struct ours {
	const char *tag;
	uint64_t handles[NP_FW_CSUM_DEL_MAX];
	size_t n;     /* handles kept */
	size_t total; /* tagged rules seen */
	int err;
};

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ours *o = data;
	uint64_t handle;
	int rc = np_fw_csum_rule_is_ours(nlh, o->tag, &handle);

	if (rc < 0) {
		o->err = rc;
		return MNL_CB_ERROR;
	}
	if (rc > 0) {
		if (o->n < NP_FW_CSUM_DEL_MAX)
			o->handles[o->n++] = handle;
		o->total++;
	}
	return MNL_CB_OK;
}

/* The tagged rules of ip mangle POSTROUTING; none when it does not exist
 * (the kernel's filtered dump is then simply empty). */
static int find_ours(struct conn *c, const char *tag, struct ours *ret)
{
	char buf[NP_FW_CSUM_REQ_MAX];
	int rc;

	memset(ret, 0, sizeof(*ret));
	ret->tag = tag;
	rc = talk(c, np_fw_csum_rule_dump_build(buf, c->seq++), rule_cb, ret);
	if (ret->err)
		return ret->err;
	if (rc == -ENOENT)
		return 0;
	return rc;
}

static int fail(struct np_err *err, int rc, const char *what, const char *bridge)
{
	return np_err_set(err, rc, "DHCP checksum rule for %s (iptables-nft table ip mangle): %s: %s",
			  bridge, what, strerror(-rc));
}

/* The tag of bridge's rule and a socket to look for it: every entry point
 * starts so. */
static int open_for(const char *bridge, char tag[NP_FW_CSUM_TAG_MAX], struct conn **ret,
		    struct np_err *err)
{
	int rc;

	if (np_fw_csum_tag(bridge, tag) < 0)
		return np_err_set(err, -EINVAL, "bridge name '%s' not usable in a firewall rule",
				  bridge ? bridge : "");
	rc = conn_open(ret);
	return rc < 0 ? fail(err, rc, "netlink socket", bridge) : 0;
}

/* look: first list the chain (every rule in it, since the kernel can only
 * filter a dump by chain) and add nothing when bridge's rule is there. */
static int add(const char *bridge, bool look, struct np_err *err)
{
	np_cleanup(conn_closep) struct conn *c = NULL;
	struct nftnl_batch *b = NULL;
	char tag[NP_FW_CSUM_TAG_MAX];
	struct ours ours;
	uint16_t failed_type = 0;
	int rc, have_chain;

	rc = open_for(bridge, tag, &c, err);
	if (rc < 0)
		return rc;
	have_chain = chain_exists(c);
	if (have_chain < 0)
		return fail(err, have_chain, "look up chain POSTROUTING", bridge);
	if (have_chain && look) {
		rc = find_ours(c, tag, &ours);
		if (rc < 0)
			return fail(err, rc, "list chain POSTROUTING", bridge);
		if (ours.total)
			return 0;
	}
	rc = np_fw_csum_add_batch_build(bridge, !have_chain, c->seq, &b);
	if (rc < 0)
		return fail(err, rc, "build rule", bridge);
	c->seq += 8;
	rc = send_batch(c, b, &failed_type);
	nftnl_batch_free(b);
	if (rc == -ENOENT && failed_type == NFT_MSG_NEWRULE)
		return fail(err, rc,
			    "add rule (kernel without xt CHECKSUM target or nft_compat?)", bridge);
	if (rc < 0)
		return fail(err, rc, "add rule", bridge);
	return 0;
}

int np_fw_csum_add(const char *bridge, struct np_err *err)
{
	return add(bridge, true, err);
}

int np_fw_csum_insert(const char *bridge, struct np_err *err)
{
	return add(bridge, false, err);
}

int np_fw_csum_del(const char *bridge, struct np_err *err)
{
	np_cleanup(conn_closep) struct conn *c = NULL;
	char tag[NP_FW_CSUM_TAG_MAX];
	struct ours ours;
	uint16_t failed_type = 0;
	int rc = 0;

	rc = open_for(bridge, tag, &c, err);
	if (rc < 0)
		return rc;
	for (int round = 0; round < DEL_ROUNDS; round++) {
		struct nftnl_batch *b = NULL;

		rc = find_ours(c, tag, &ours);
		if (rc < 0)
			return fail(err, rc, "list chain POSTROUTING", bridge);
		if (!ours.n)
			return 0;
		rc = np_fw_csum_del_batch_build(ours.handles, ours.n, c->seq, &b);
		if (rc < 0)
			return fail(err, rc, "build delete", bridge);
		c->seq += (uint32_t)ours.n + 2;
		rc = send_batch(c, b, &failed_type);
		nftnl_batch_free(b);
		/* ENOENT: someone removed a rule (or the chain) meanwhile; the
		 * whole batch was refused, so look again. */
		if (rc < 0 && rc != -ENOENT)
			return fail(err, rc, "delete rule", bridge);
		if (rc == 0 && ours.total == ours.n)
			return 0;
	}
	return fail(err, rc < 0 ? rc : -EAGAIN, "delete rule", bridge);
}

int np_fw_csum_count(const char *bridge, struct np_err *err)
{
	np_cleanup(conn_closep) struct conn *c = NULL;
	char tag[NP_FW_CSUM_TAG_MAX];
	struct ours ours;
	int rc;

	rc = open_for(bridge, tag, &c, err);
	if (rc < 0)
		return rc;
	rc = find_ours(c, tag, &ours);
	if (rc < 0)
		return fail(err, rc, "list chain POSTROUTING", bridge);
	return ours.total > INT32_MAX ? INT32_MAX : (int)ours.total;
}
