/* The <bandwidth> of a network or of one of its portgroups, for the layers
 * that apply it (the XML keeps it in its private extras). libvirt's units:
 * average and peak in KiB/s ("kilobytes per second"), burst in KiB. */
#pragma once

#include <stdbool.h>

struct np_net;

struct np_net_rate {
	bool present;
	unsigned long long average, peak, burst; /* 0: absent */
};

struct np_net_bw {
	struct np_net_rate in;  /* towards the guests */
	struct np_net_rate out; /* from the guests */
};

/* The network's own <bandwidth>; false (ret zeroed) when it has none. */
bool np_net_bandwidth(const struct np_net *net, struct np_net_bw *ret);
/* The <bandwidth> of portgroup name, or of the default portgroup when name
 * is NULL (libvirt's choice for a port that names none); false when there
 * is no such portgroup or it has no <bandwidth>. */
/* True when net has a portgroup of that name. */
bool np_net_has_portgroup(const struct np_net *net, const char *name);
bool np_net_portgroup_bandwidth(const struct np_net *net, const char *name,
				struct np_net_bw *ret);
