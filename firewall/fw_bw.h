/* <bandwidth><outbound> of a network in nftables (pure). libvirt polices the
 * bridge's ingress with tc's police action; netplumb puts the same limit in
 * the network's own chain "bw-BRIDGE" (filter, prerouting) of its table,
 * written in the network's one nft transaction by fw_render.c. */
#pragma once

#include <stdbool.h>

struct np_buf;
struct np_err;
struct np_net;
struct np_net_rate;

/* True when net has an outbound average to enforce. */
bool np_fw_bw_wanted(const struct np_net *net);
/* Appends the chain with its rule (create: one "add chain" block holding
 * the rule; else add, flush and "add rule"); nothing when not wanted. br is
 * the bridge's name, already checked for nft. */
int np_fw_bw_render(const struct np_net *net, const char *br, bool create, struct np_buf *b,
		    struct np_err *err);
/* Appends the deletion of the chain, whether or not it exists. */
void np_fw_bw_remove_render(const char *br, struct np_buf *b);

/* A portgroup's <outbound> on a port netplumb adds (libvirt polices the
 * port's ingress with tc): an nft limit in chain "port-IFNAME" of table
 * netdev netplumb, hooked at the port's ingress, which sees every frame the
 * guest sends, bridged or routed. *ret_add installs (or replaces) it, in one
 * transaction; *ret_del removes it, whether or not it exists; the caller
 * frees both. ifname passed np_name_check(NP_NAME_IFNAME). */
int np_fw_bw_port_render(const char *net_name, const char *ifname, const struct np_net_rate *out,
			 char **ret_add, char **ret_del, struct np_err *err);
