/* port-list's live facts about each port: the kernel's counters and state of
 * its host-side link, and the address its guest leased. Nothing here prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct np_engine;
struct np_err;
struct np_port;

struct np_port_info {
	bool present;     /* the host-side link exists (the network runs) */
	char state[16];   /* its operstate as ip-link names it; "absent" */
	uint64_t rx_bytes, rx_packets, tx_bytes, tx_packets; /* host side's view */
	char ip[46];      /* an unexpired lease of the port's MAC; "" none */
};

/* One np_port_info per port of NAME (ports[0..n)); free *ret. */
int np_engine_port_info(struct np_engine *eng, const char *name, const struct np_port *ports,
			size_t n, struct np_port_info **ret, struct np_err *err);
