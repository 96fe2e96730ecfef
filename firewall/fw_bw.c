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
#define PORT_TABLE "netdev " NP_FW_TABLE

bool np_fw_bw_wanted(const struct np_net *net)
{
	struct np_net_bw bw;

	return np_net_bandwidth(net, &bw) && bw.out.present;
}

/* libvirt's police: "rate AVERAGEkbps" (1000 bytes/s) and "burst BURSTkb"
 * (1024 bytes), the burst defaulting to the average. The kernel's byte
 * limit holds one second of its rate on top of its burst (tokens_max = unit
 * * (rate + burst) / rate): *ret_burst is what is left of libvirt's bucket
 * after that second, 0 for none. */
static int limit_of(const struct np_net_rate *out, unsigned long long *ret_rate,
		    unsigned long long *ret_burst)
{
	unsigned long long rate, burst;

	if (out->average > UINT64_MAX / 1000 || out->burst > UINT32_MAX / 1024)
		return -ERANGE;
	rate = out->average * 1000;
	burst = (out->burst ? out->burst : out->average) * 1024;
	if (burst > UINT32_MAX)
		burst = UINT32_MAX / 1024 * 1024;
	*ret_rate = rate;
	*ret_burst = burst > rate ? burst - rate : 0;
	return 0;
}

static void add_limit(struct np_buf *b, unsigned long long rate, unsigned long long burst)
{
	np_buf_addf(b, " limit rate over %llu bytes/second", rate);
	if (burst)
		np_buf_addf(b, " burst %llu bytes", burst);
	np_buf_add(b, " drop");
}

int np_fw_bw_render(const struct np_net *net, const char *br, bool create, struct np_buf *b,
		    struct np_err *err)
{
	struct np_net_bw bw;
	unsigned long long rate, burst;

	if (!np_net_bandwidth(net, &bw) || !bw.out.present)
		return 0;
	if (limit_of(&bw.out, &rate, &burst) < 0)
		return np_err_set(err, -ERANGE,
				  "network '%s': <bandwidth> <outbound>: a rate or burst too large "
				  "to limit",
				  net->name);
	/* Prerouting sees what the guests send to the host and to the world
	 * alike, before either; one limit for both, as libvirt's one police. */
	np_buf_addf(b, "add chain " TABLE " bw-%s { type filter hook prerouting priority 0; "
		       "policy accept;",
		    br);
	if (!create)
		np_buf_addf(b, " }\nflush chain " TABLE " bw-%s\nadd rule " TABLE " bw-%s", br, br);
	np_buf_addf(b, " iifname \"%s\"", br);
	add_limit(b, rate, burst);
	np_buf_add(b, create ? "; }\n" : "\n");
	return 0;
}

void np_fw_bw_remove_render(const char *br, struct np_buf *b)
{
	np_buf_addf(b, "add chain " TABLE " bw-%s\n", br);
	np_buf_addf(b, "delete chain " TABLE " bw-%s\n", br);
}

/* The port's name is checked by port-add (A-Z a-z 0-9 _ . -, at most 15
 * bytes): "port-NAME" is an nft identifier as it is. */
int np_fw_bw_port_render(const char *net_name, const char *ifname, const struct np_net_rate *out,
			 char **ret_add, char **ret_del, struct np_err *err)
{
	struct np_buf add = { 0 }, del = { 0 };
	unsigned long long rate, burst;

	if (limit_of(out, &rate, &burst) < 0)
		return np_err_set(err, -ERANGE,
				  "network '%s': <portgroup> <bandwidth><outbound>: a rate or burst "
				  "too large to limit",
				  net_name);
	/* add and flush: applying it again (a repair) replaces the rule */
	np_buf_add(&add, "add table " PORT_TABLE "\n");
	np_buf_addf(&add,
		    "add chain " PORT_TABLE " port-%s { type filter hook ingress device \"%s\" "
		    "priority 0; policy accept; }\n",
		    ifname, ifname);
	np_buf_addf(&add, "flush chain " PORT_TABLE " port-%s\n", ifname);
	np_buf_addf(&add, "add rule " PORT_TABLE " port-%s", ifname);
	add_limit(&add, rate, burst);
	np_buf_addc(&add, '\n');
	/* the kernel may have dropped the chain with its device already */
	np_buf_add(&del, "add table " PORT_TABLE "\n");
	np_buf_addf(&del, "add chain " PORT_TABLE " port-%s\n", ifname);
	np_buf_addf(&del, "delete chain " PORT_TABLE " port-%s\n", ifname);
	if (add.oom || del.oom) {
		np_buf_free(&add);
		np_buf_free(&del);
		return np_err_set(err, -ENOMEM, "out of memory");
	}
	*ret_add = np_buf_steal(&add);
	*ret_del = np_buf_steal(&del);
	return 0;
}
