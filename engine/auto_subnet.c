#include "engine/auto_subnet.h"

#include "common/addr.h"
#include "common/err.h"
#include "engine/lifecycle.h"
#include "engine/ops.h"
#include "engine/query.h"
#include "xml/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static struct np_ip *ipv4(const struct np_net *net)
{
	for (size_t i = 0; i < net->n_ips; i++)
		if (net->ips[i].address.family == AF_INET)
			return &net->ips[i];
	return NULL;
}

static bool overlap(const struct np_addr *a, unsigned pa, const struct np_addr *b, unsigned pb)
{
	unsigned p = pa < pb ? pa : pb;

	return np_addr_in_subnet(a, b, p);
}

/* 1 when sub/prefix is taken: a route to it or to a prefix holding it on
 * another link than bridge, or another network's IPv4 subnet. */
static int taken(struct np_engine *eng, const struct np_net *net, const struct np_addr *sub,
		 unsigned prefix, char **names, size_t n)
{
	char dev[16];

	for (unsigned p = prefix; p >= 1; p--) {
		struct np_addr s = np_addr_network(sub, p);
		int r = eng->ops->route_find(eng->ctx, &s, p, dev);

		if (r < 0)
			return r;
		if (r > 0 && (!net->bridge.name || strcmp(dev, net->bridge.name)))
			return 1;
	}
	for (size_t i = 0; i < n; i++) {
		_np_net_free_ struct np_net *other = NULL;
		struct np_err ignored = { { 0 } };
		const struct np_ip *oip;

		if (!strcmp(names[i], net->name) ||
		    np_engine_lookup(eng, names[i], false, &other, &ignored) < 0)
			continue;
		oip = ipv4(other);
		if (oip && overlap(sub, prefix, &oip->address, oip->prefix))
			return 1;
	}
	return 0;
}

/* a's host part under base's /24. */
static void rebase(struct np_addr *a, const struct np_addr *base)
{
	if (a->family != AF_INET)
		return;
	a->v4.s_addr = htonl((ntohl(base->v4.s_addr) & 0xffffff00u) | (ntohl(a->v4.s_addr) & 0xffu));
}

int np_engine_subnet_pick(struct np_engine *eng, struct np_net *net, bool *ret_moved,
			  char ret_subnet[64], struct np_err *err)
{
	struct np_ip *ip = ipv4(net);
	char **names = NULL, a[NP_ADDR_STRLEN];
	size_t n = 0;
	int r;

	*ret_moved = false;
	ret_subnet[0] = '\0';
	if (!ip)
		return 0;
	r = np_engine_list(eng, &names, &n, err);
	if (r < 0)
		return r;
	struct np_addr sub = np_addr_network(&ip->address, ip->prefix);

	r = taken(eng, net, &sub, ip->prefix, names, n);
	if (r > 0 && ip->prefix != 24)
		r = np_err_set(err, -EINVAL,
			       "network '%s': %s/%u is taken and --auto-subnet moves only /24 "
			       "subnets",
			       net->name, np_addr_str(&sub, a), ip->prefix);
	for (unsigned third = 122; r > 0 && third <= 255; third++) {
		struct np_addr cand = { .family = AF_INET };

		cand.v4.s_addr = htonl(0xc0a80000u | third << 8); /* 192.168.third.0 */
		r = taken(eng, net, &cand, 24, names, n);
		if (r < 0)
			break;
		if (r > 0) {
			if (third == 255)
				r = np_err_set(err, -EADDRNOTAVAIL,
					       "network '%s': no free /24 in 192.168.122.0-192.168.255.0",
					       net->name);
			continue;
		}
		rebase(&ip->address, &cand);
		for (size_t i = 0; i < ip->n_ranges; i++) {
			rebase(&ip->ranges[i].start, &cand);
			rebase(&ip->ranges[i].end, &cand);
		}
		for (size_t i = 0; i < ip->n_hosts; i++)
			rebase(&ip->hosts[i].ip, &cand);
		*ret_moved = true;
		sub = cand;
		r = 0;
	}
	np_engine_names_free(names, n);
	if (r < 0)
		return r;
	snprintf(ret_subnet, 64, "%s/%u", np_addr_str(&sub, a), ip->prefix);
	return 0;
}
