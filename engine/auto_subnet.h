/* `net-define --auto-subnet`: a definition whose IPv4 subnet is taken (a
 * route, another network) is moved to the first free /24 from
 * 192.168.122.0/24 upward. */
#pragma once

#include <stdbool.h>

struct np_engine;
struct np_net;
struct np_err;

/* Moves net's first IPv4 subnet (address, DHCP ranges, static hosts alike)
 * when it overlaps a route not on its own bridge or the IPv4 subnet of
 * another defined or active network. *ret_moved says whether it did;
 * ret_subnet gets the subnet it has now ("192.168.123.0/24"). -EINVAL for a
 * taken subnet that is not a /24, -EADDRNOTAVAIL when no /24 is free. */
int np_engine_subnet_pick(struct np_engine *eng, struct np_net *net, bool *ret_moved,
			  char ret_subnet[64], struct np_err *err);
