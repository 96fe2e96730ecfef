/* The underlay's accept rule of a <netplumb:vxlan> (issue 18), part of the
 * network's one nft transaction: chain vxi-BRIDGE at the input hook. */
#pragma once

#include <stdbool.h>

struct np_buf;
struct np_net;

/* Nothing without a vxlan element. */
void np_fw_vx_render(struct np_buf *b, bool create, const struct np_net *net, const char *br);
void np_fw_vx_render_drop(struct np_buf *b, const char *br);
