/* <bandwidth><outbound> as an nftables limit (fw_bw.h). */
#include "firewall/fw_bw.h"

#include "common/buf.h"
#include "common/err.h"
#include "firewall/fw.h"
#include "xml/bandwidth.h"
#include "xml/net.h"

#include <errno.h>
#include <stdint.h>

#define TABLE "inet " NP_FW_TABLE

bool np_fw_bw_wanted(const struct np_net *net)
{
	struct np_net_bw bw;

	return np_net_bandwidth(net, &bw) && bw.out.present;
}

int np_fw_bw_render(const struct np_net *net, const char *br, bool create, struct np_buf *b,
		    struct np_err *err)
{
	struct np_net_bw bw;
	unsigned long long rate, burst;

	if (!np_net_bandwidth(net, &bw) || !bw.out.present)
		return 0;
	/* libvirt's police: "rate AVERAGEkbps" (1000 bytes/s) and "burst
	 * BURSTkb" (1024 bytes), the burst defaulting to the average. */
	if (bw.out.average > UINT64_MAX / 1000 || bw.out.burst > UINT32_MAX / 1024)
		return np_err_set(err, -ERANGE,
				  "network '%s': <bandwidth> <outbound>: a rate or burst too large "
				  "to limit",
				  net->name);
	rate = bw.out.average * 1000;
	burst = (bw.out.burst ? bw.out.burst : bw.out.average) * 1024;
	if (burst > UINT32_MAX)
		burst = UINT32_MAX / 1024 * 1024;
	/* The kernel's byte limit holds one second of its rate on top of its
	 * burst (tokens_max = unit * (rate + burst) / rate): give it what is
	 * left of libvirt's bucket after that second. */
	burst = burst > rate ? burst - rate : 0;
	/* Prerouting sees what the guests send to the host and to the world
	 * alike, before either; one limit for both, as libvirt's one police. */
	np_buf_addf(b, "add chain " TABLE " bw-%s { type filter hook prerouting priority 0; "
		       "policy accept;",
		    br);
	if (!create)
		np_buf_addf(b, " }\nflush chain " TABLE " bw-%s\nadd rule " TABLE " bw-%s", br, br);
	np_buf_addf(b, " iifname \"%s\" limit rate over %llu bytes/second", br, rate);
	if (burst)
		np_buf_addf(b, " burst %llu bytes", burst);
	np_buf_add(b, " drop");
	np_buf_add(b, create ? "; }\n" : "\n");
	return 0;
}

void np_fw_bw_remove_render(const char *br, struct np_buf *b)
{
	np_buf_addf(b, "add chain " TABLE " bw-%s\n", br);
	np_buf_addf(b, "delete chain " TABLE " bw-%s\n", br);
}
