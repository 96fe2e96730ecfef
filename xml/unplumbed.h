/* The settings of a network netplumb keeps and formats but does not apply. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct np_net;

#define NP_MAX_UNPLUMBED 32

struct np_unplumbed {
	size_t n;
	struct {
		char what[200];    /* "<vlan>: ..." one line */
		bool refuse_start; /* net-start refuses the network */
	} items[NP_MAX_UNPLUMBED];
};

/* Fills ret (n = 0 when netplumb applies everything). */
void np_net_unplumbed(const struct np_net *net, struct np_unplumbed *ret);
/* The first note that makes net-start refuse the network, or NULL. */
const char *np_unplumbed_refusal(const struct np_unplumbed *u);
