/* The DHCP checksum rule (issue #4), pure part: when libvirt installs it,
 * and its iptables rendering for `netplumb plan` (csum_msg.c builds its
 * netfilter messages). */
#include "firewall/csum.h"
#include "firewall/fw.h"

#include "common/err.h"
#include "xml/net.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#define DHCP_CLIENT_PORT 68

bool np_fw_csum_wanted(const struct np_net *net)
{
	/* libvirt adds it with the other rules of a firewalled network (none,
	 * nat, route; never open or a host bridge) when an IPv4 <ip> serves
	 * DHCP ranges or hosts (a tftp root alone does not count). Firewall
	 * test data: nat-default, isolated, route-default have it, nat-no-dhcp
	 * has not. */
	return np_fw_firewalled(net) && np_net_dhcp_ip(net, AF_INET) != NULL;
}

int np_fw_csum_tag(const char *bridge, char ret[NP_FW_CSUM_TAG_MAX])
{
	/* The same names the rest of the firewall accepts: no control
	 * characters, quotes, spaces or iptables' '+' wildcard, and short
	 * enough for IFNAMSIZ. */
	if (np_fw_chain_names(bridge, NULL, NULL) < 0)
		return -EINVAL;
	snprintf(ret, NP_FW_CSUM_TAG_MAX, NP_FW_CSUM_TAG "%s", bridge);
	return 0;
}

static int render(const char *bridge, char op, char **ret, struct np_err *err)
{
	char tag[NP_FW_CSUM_TAG_MAX];
	char *s;

	if (np_fw_csum_tag(bridge, tag) < 0)
		return np_err_set(err, -EINVAL, "bridge name '%s' not usable in a firewall rule",
				  bridge ? bridge : "");
	/* iptables-nft, not plain iptables: the rule goes into the nf_tables
	 * "ip mangle" table, also where plain iptables is the legacy one. */
	if (asprintf(&s,
		     "iptables-nft -t " NP_FW_CSUM_TABLE " -%c " NP_FW_CSUM_CHAIN
		     " -o %s -p udp -m udp --dport %d -m comment --comment %s"
		     " -j CHECKSUM --checksum-fill",
		     op, bridge, DHCP_CLIENT_PORT, tag) < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int np_fw_csum_render(const char *bridge, char **ret, struct np_err *err)
{
	return render(bridge, 'I', ret, err);
}

int np_fw_csum_remove_render(const char *bridge, char **ret, struct np_err *err)
{
	return render(bridge, 'D', ret, err);
}
