/* Links: lookup, bridge creation, up, delete. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int send_simple(struct np_nl *nl, int (*build)(const char *, struct nl_msg **),
		       const char *ifname)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	r = build(ifname, &m);
	if (r < 0)
		return r;
	return np_nl_transact(nl, m, NULL, NULL);
}

int np_nl_link_get(struct np_nl *nl, const char *ifname, struct np_link_info *ret)
{
	if (!np_ifname_valid(ifname))
		return -EINVAL;
	return np_nl_link_query(nl, 0, ifname, ret);
}

int np_nl_link_exists(struct np_nl *nl, const char *ifname)
{
	struct np_link_info info;
	int r;

	r = np_nl_link_get(nl, ifname, &info);
	if (r == -ENODEV)
		return 0;
	return r < 0 ? r : 1;
}

static int set_mtu(struct np_nl *nl, const char *ifname, unsigned mtu)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	r = np_nl_msg_link_set_mtu(ifname, mtu, &m);
	if (r < 0)
		return r;
	return np_nl_transact(nl, m, NULL, NULL);
}

int np_nl_bridge_add(struct np_nl *nl, const struct np_bridge_spec *spec)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	r = np_nl_msg_bridge_add(spec, &m);
	if (r < 0)
		return r;
	r = np_nl_transact(nl, m, NULL, NULL);
	if (r < 0 || spec->mtu == 0)
		return r;
	/* A second request on purpose, see nl.h: an MTU changed after
	 * creation is pinned by the bridge (as libvirt's virNetDevSetMTU). */
	r = set_mtu(nl, spec->ifname, spec->mtu);
	if (r < 0)
		(void)np_nl_link_del(nl, spec->ifname);
	return r;
}

int np_nl_link_del(struct np_nl *nl, const char *ifname)
{
	return send_simple(nl, np_nl_msg_link_del, ifname);
}

int np_nl_link_set_up(struct np_nl *nl, const char *ifname)
{
	return send_simple(nl, np_nl_msg_link_set_up, ifname);
}

static int send_idx(struct np_nl *nl, int (*build)(int, struct nl_msg **), int ifindex)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	r = build(ifindex, &m);
	if (r < 0)
		return r;
	return np_nl_transact(nl, m, NULL, NULL);
}

static int rename_idx(struct np_nl *nl, int ifindex, const char *ifname)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r;

	r = np_nl_msg_link_rename_idx(ifindex, ifname, &m);
	if (r < 0)
		return r;
	return np_nl_transact(nl, m, NULL, NULL);
}

struct retired {
	int ifindex[64];
	int n;
};

static int on_retired(const struct nlmsghdr *h, void *arg)
{
	struct retired *rt = arg;
	struct np_link_info info;

	if (h->nlmsg_type != RTM_NEWLINK || np_nl_link_parse(h, &info) < 0)
		return 0;
	if (!strncmp(info.ifname, NP_NL_RETIRED_PREFIX, strlen(NP_NL_RETIRED_PREFIX)) && !info.up &&
	    rt->n < (int)NP_ARRAY_SIZE(rt->ifindex))
		rt->ifindex[rt->n++] = info.ifindex;
	return 0;
}

/* The detached process of np_nl_link_retire(): deletes the link, then any
 * other retired link still there (its deleter was killed, or never ran). */
static _Noreturn void retire_child(int ifindex)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	struct retired rt = { .n = 0 };
	struct np_nl *nl = NULL;
	int nullfd;

	prctl(PR_SET_NAME, "np-linkdel", 0, 0, 0);
	/* Keep nothing of the caller's open: not its stdout (a shell's $(...)
	 * waits for it), not the store's lock. */
	nullfd = open("/dev/null", O_RDWR);
	if (nullfd >= 0) {
		dup2(nullfd, 0);
		dup2(nullfd, 1);
		dup2(nullfd, 2);
	}
	syscall(SYS_close_range, 3U, ~0U, 0);
	if (np_nl_open(&nl) < 0)
		_exit(1);
	send_idx(nl, np_nl_msg_link_del_idx, ifindex);
	if (np_nl_msg_link_dump(&m) == 0 && np_nl_transact(nl, m, on_retired, &rt) == 0)
		for (int i = 0; i < rt.n; i++)
			send_idx(nl, np_nl_msg_link_del_idx, rt.ifindex[i]);
	_exit(0);
}

int np_nl_link_retire(struct np_nl *nl, const char *ifname)
{
	struct np_link_info info;
	char gone[16];
	pid_t pid;
	int r;

	r = np_nl_link_get(nl, ifname, &info);
	if (r < 0)
		return r;
	/* A link that is up cannot be renamed. Down, its routes are gone. */
	r = send_idx(nl, np_nl_msg_link_set_down_idx, info.ifindex);
	if (r < 0)
		return r == -ENODEV ? r : np_nl_link_del(nl, ifname);
	np_nl_retired_name(info.ifindex, gone);
	r = rename_idx(nl, info.ifindex, gone);
	if (r < 0)
		return r == -ENODEV ? r : np_nl_link_del(nl, ifname);
	/* One fork, not waited for: the deleter gets its own session and
	 * outlives us; once we exit it is reaped by init (or a subreaper). A
	 * middle process would cost another fork and a wait. */
	pid = fork();
	if (pid < 0)
		return np_nl_link_del(nl, gone);
	if (pid == 0) {
		setsid();
		retire_child(info.ifindex);
	}
	return 0;
}
