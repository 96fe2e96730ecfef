/* Port forwarding rules (issue 16) inside the network's nft script; called
 * by fw_render.c only. b gets nft commands (create: rules inside the open
 * "add chain" block, as fw_render.c writes them). */
#pragma once

#include <stdbool.h>

struct np_buf;
struct np_err;
struct np_net;

/* Accepts for the forwarded guest ports, in the forward chain `chain`
 * before its catch-all reject. */
void np_fw_pf_render_accept(struct np_buf *b, bool create, const char *chain,
			    const struct np_net *net, const char *br);
/* The pfd-/pfo-/pfs-BRIDGE chains, or (no forwards) their removal. */
void np_fw_pf_render_nat(struct np_buf *b, bool create, const struct np_net *net, const char *br);
/* Removes the three chains whether or not they exist. */
void np_fw_pf_render_drop(struct np_buf *b, const char *br);
/* Refuses what would make bad nft text (names, families, port numbers,
 * the number of map elements); the renderers above assume it passed. */
int np_fw_pf_check(const struct np_net *net, struct np_err *err);
/* The host's 127.0.0.1 connections need route_localnet=1 on the bridge. */
bool np_fw_pf_needs_localnet(const struct np_net *net);
