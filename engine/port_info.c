#include "engine/port_info.h"

#include "common/addr.h"
#include "common/err.h"
#include "common/util.h"
#include "dhcp/leases.h"
#include "engine/port.h"
#include "engine/query.h"
#include "netlink/link_stats.h"
#include "netlink/nl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int np_engine_port_info(struct np_engine *eng, const char *name, const struct np_port *ports,
			size_t n, struct np_port_info **ret, struct np_err *err)
{
	_np_free_ struct np_dhcp_lease *leases = NULL;
	_np_free_ struct np_port_info *info = NULL;
	struct np_nl *nl = NULL;
	size_t nl_n = 0;
	int r;

	info = calloc(n ? n : 1, sizeof(*info));
	if (!info)
		return -ENOMEM;
	r = np_engine_leases(eng, name, time(NULL), &leases, &nl_n, err);
	if (r < 0)
		return r;
	r = np_nl_open(&nl);
	if (r < 0)
		return np_err_set(err, r, "netlink: %s", strerror(-r));
	for (size_t i = 0; i < n; i++) {
		struct np_link_stats st;
		char mac[NP_MAC_STRLEN];

		np_mac_str(ports[i].mac, mac);
		/* A guest that changed address holds a lease per address until
		 * the old one expires: the one that lasts longest is the current. */
		long long best = -1;
		for (size_t k = 0; k < nl_n; k++) {
			long long e = leases[k].expiry ? leases[k].expiry : LLONG_MAX;

			if (!strcasecmp(leases[k].mac, mac) && e > best) {
				best = e;
				snprintf(info[i].ip, sizeof(info[i].ip), "%s", leases[k].ip);
			}
		}
		r = np_nl_link_stats(nl, ports[i].ifname, &st);
		if (r == -ENODEV) {
			snprintf(info[i].state, sizeof(info[i].state), "absent");
			continue;
		}
		if (r < 0) {
			r = np_err_set(err, r, "cannot read the counters of %s: %s", ports[i].ifname,
				       strerror(-r));
			goto out;
		}
		info[i].present = true;
		snprintf(info[i].state, sizeof(info[i].state), "%s",
			 np_nl_operstate_name(st.operstate));
		info[i].rx_bytes = st.rx_bytes;
		info[i].rx_packets = st.rx_packets;
		info[i].tx_bytes = st.tx_bytes;
		info[i].tx_packets = st.tx_packets;
	}
	*ret = np_steal(&info);
	r = 0;
out:
	np_nl_close(nl);
	return r;
}
