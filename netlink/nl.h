/* The thin rtnetlink layer (libnl-route-3). The only place that includes
 * libnl headers. All calls return 0 (or a count / boolean as documented) or
 * a negative errno; libnl's NLE_* codes are converted at this boundary. */
#pragma once

#include "common/addr.h"

#include <stdint.h>

struct np_nl;
struct np_err;

int np_nl_open(struct np_nl **ret);
void np_nl_close(struct np_nl *nl);

struct np_bridge_spec {
	const char *ifname;
	const uint8_t *mac; /* NULL: kernel's choice */
	unsigned mtu;       /* 0: default */
	int stp;            /* -1 leave default, 0 off, 1 on */
	long delay_cs;      /* forward delay in centiseconds (USER_HZ); -1 leave */
};

/* 1 when a link of that name exists, 0 when not. */
int np_nl_link_exists(struct np_nl *nl, const char *ifname);
/* Creates the bridge with MAC, MTU, STP and forward delay in one request;
 * -EEXIST when the name is taken. */
int np_nl_bridge_add(struct np_nl *nl, const struct np_bridge_spec *spec);
/* Deletes a link; -ENODEV when it does not exist. */
int np_nl_link_del(struct np_nl *nl, const char *ifname);
int np_nl_link_set_up(struct np_nl *nl, const char *ifname);
int np_nl_addr_add(struct np_nl *nl, const char *ifname, const struct np_addr *a, unsigned prefix);
/* gw may be NULL or unset (family 0) for an on-link route; metric 0 = default. */
int np_nl_route_add(struct np_nl *nl, const char *ifname, const struct np_addr *dst, unsigned prefix,
		    const struct np_addr *gw, unsigned metric);
/* libvirt's route-collision check (networkCheckRouteCollision): 1 and the
 * device name in ret_dev when a route to exactly dst/prefix exists already,
 * 0 when the subnet is free. */
int np_nl_route_find(struct np_nl *nl, const struct np_addr *dst, unsigned prefix,
		     char ret_dev[16]);
