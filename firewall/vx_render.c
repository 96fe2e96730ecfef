/* nft for <netplumb:vxlan> (issue 18): the VXLAN UDP port accepted on the
 * underlay, so that an input policy of netplumb's table never stands
 * between peers. Names are checked by validation (dev) and render_init
 * (the bridge). */
#include "firewall/vx_render.h"
#include "firewall/fw.h"

#include "common/buf.h"
#include "xml/net.h"

#include <stdio.h>

#define TABLE "inet " NP_FW_TABLE

static void chain_name(const char *br, char ret[NP_FW_CHAIN_MAX])
{
	snprintf(ret, NP_FW_CHAIN_MAX, "vxi-%s", br);
}

void np_fw_vx_render(struct np_buf *b, bool create, const struct np_net *net, const char *br)
{
	const struct np_vxlan *vx = net->vxlan;
	char chain[NP_FW_CHAIN_MAX];

	if (!vx)
		return;
	chain_name(br, chain);
	if (create) {
		np_buf_addf(b,
			    "add chain " TABLE " %s { type filter hook input priority 0; policy "
			    "accept; iifname \"%s\" udp dport %u counter accept; }\n",
			    chain, vx->dev, vx->port);
		return;
	}
	np_buf_addf(b, "add chain " TABLE " %s { type filter hook input priority 0; policy accept; }\n",
		    chain);
	np_buf_addf(b, "flush chain " TABLE " %s\n", chain);
	np_buf_addf(b, "add rule " TABLE " %s iifname \"%s\" udp dport %u counter accept\n", chain,
		    vx->dev, vx->port);
}

void np_fw_vx_render_drop(struct np_buf *b, const char *br)
{
	char chain[NP_FW_CHAIN_MAX];

	chain_name(br, chain);
	np_buf_addf(b, "add chain " TABLE " %s\n", chain);
	np_buf_addf(b, "delete chain " TABLE " %s\n", chain);
}
