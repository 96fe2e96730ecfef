/* Small hand-made networks for the firewall tests (test-fw-render,
 * test-fw-apply, test-fw-create): a bridge, a forward mode, addresses; and
 * the private network namespace of the ones that talk to the kernel. */
#pragma once

#include "common/addr.h"
#include "xml/net.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline char *xstrdup(const char *s)
{
	char *r = strdup(s);

	if (!r)
		abort();
	return r;
}

/* Network and bridge both named bridge, no addresses yet. */
static inline struct np_net *net_new(const char *bridge, enum np_fwd_mode mode)
{
	struct np_net *net = calloc(1, sizeof(*net));

	if (!net)
		abort();
	net->name = xstrdup(bridge);
	net->bridge.present = true;
	net->bridge.name = xstrdup(bridge);
	net->forward.present = mode != NP_FWD_NONE;
	net->forward.mode = mode;
	net->ips = calloc(NP_MAX_IPS, sizeof(*net->ips));
	if (!net->ips)
		abort();
	return net;
}

static inline void net_add_ip(struct np_net *net, const char *addr, unsigned prefix)
{
	struct np_ip *ip = &net->ips[net->n_ips++];

	if (np_addr_parse(addr, 0, &ip->address) < 0)
		abort();
	ip->has_prefix = true;
	ip->prefix = prefix;
}

static inline void net_set_dev(struct np_net *net, const char *dev)
{
	free(net->forward.dev);
	net->forward.dev = xstrdup(dev);
}

/* 0 inside a private network namespace, or 77 (ctest's skip) with the
 * reason printed when this test cannot have one. */
static inline int fw_net_private(void)
{
	if (geteuid() != 0) {
		printf("SKIP: needs root (a private network namespace and nftables)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 77;
	}
	return 0;
}
