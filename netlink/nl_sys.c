/* The one rtnetlink socket per struct np_nl, and the request/reply loop. */
#include "netlink/internal.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>
#include <stdbool.h>
#include <string.h>

int np_nl_open(struct np_nl **ret)
{
	_np_free_ struct np_nl *nl = NULL;
	struct nl_sock *sk;
	int r;

	nl = calloc(1, sizeof(*nl));
	sk = nl_socket_alloc();
	if (!nl || !sk) {
		if (sk)
			nl_socket_free(sk);
		return -ENOMEM;
	}
	/* libnl 3.7 opens the socket with SOCK_CLOEXEC, so dnsmasq spawned
	 * later does not inherit it. */
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(sk);
		return np_nl_errno(r);
	}
	/* Grow the receive buffer to the message instead of truncating
	 * large dump batches. */
	nl_socket_enable_msg_peek(sk);
	nl->sk = sk;
	*ret = np_steal(&nl);
	return 0;
}

void np_nl_close(struct np_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk); /* closes the fd too */
	free(nl);
}

struct reply {
	np_nl_reply_fn fn;
	void *arg;
	int fn_err;
	int kernel_err;
	bool done;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct reply *rp = arg;
	int r;

	if (!rp->fn || rp->fn_err < 0)
		return NL_OK;
	r = rp->fn(nlmsg_hdr(msg), rp->arg);
	if (r < 0)
		rp->fn_err = r;
	/* Keep reading: the rest of a dump must be drained anyway. */
	return NL_OK;
}

static int on_end(struct nl_msg *msg, void *arg)
{
	struct reply *rp = arg;

	rp->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct reply *rp = arg;

	/* The kernel's own errno, before libnl folds it into an NLE_*. */
	rp->kernel_err = e->error < 0 ? e->error : -EIO;
	rp->done = true;
	return NL_STOP;
}

int np_nl_transact(struct np_nl *nl, struct nl_msg *msg, np_nl_reply_fn fn, void *arg)
{
	struct reply rp = { .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int r;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &rp);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_end, &rp);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_end, &rp);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &rp);

	/* Completes pid, seq and NLM_F_REQUEST|NLM_F_ACK. A dump ends with
	 * NLMSG_DONE instead of an ACK; either ends the loop. */
	r = nl_send_auto(nl->sk, msg);
	while (r >= 0 && !rp.done)
		r = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);

	if (rp.kernel_err < 0)
		return rp.kernel_err;
	if (r < 0)
		return np_nl_errno(r);
	return rp.fn_err;
}

struct link_one {
	np_nl_reply_fn parse;
	void *ret;
	bool found;
};

static int on_link(const struct nlmsghdr *h, void *arg)
{
	struct link_one *q = arg;
	int r;

	if (h->nlmsg_type != RTM_NEWLINK || q->found)
		return 0;
	r = q->parse(h, q->ret);
	if (r < 0)
		return r;
	q->found = true;
	return 0;
}

int np_nl_link_get_one(struct np_nl *nl, int ifindex, const char *ifname, np_nl_reply_fn parse,
		       void *ret)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct link_one q = { .parse = parse, .ret = ret };
	int r;

	r = np_nl_msg_link_get(ifindex, ifname, &m);
	if (r < 0)
		return r;
	r = np_nl_transact(nl, m, on_link, &q);
	if (r < 0)
		return r;
	return q.found ? 0 : -ENODEV;
}

static int link_info_parse(const struct nlmsghdr *h, void *ret)
{
	return np_nl_link_parse(h, ret);
}

int np_nl_link_query(struct np_nl *nl, int ifindex, const char *ifname,
		     struct np_link_info *ret)
{
	return np_nl_link_get_one(nl, ifindex, ifname, link_info_parse, ret);
}

int np_nl_ifindex(struct np_nl *nl, const char *ifname)
{
	struct np_link_info info;
	int r = np_nl_link_query(nl, 0, ifname, &info);

	return r < 0 ? r : info.ifindex;
}
