/* Small hand-made networks for the firewall tests that talk to the kernel
 * (test-fw-apply, test-fw-create): a bridge, a forward mode, addresses. */
#pragma once

#include "common/addr.h"
#include "xml/net.h"

#include <stdlib.h>
#include <string.h>

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
	ip->prefix = prefix;
}
