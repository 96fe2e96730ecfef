/* Read access to the <bandwidth> elements kept in struct np_xml_extra. */
#include "xml/bandwidth.h"

#include "xml/net.h"
#include "xml/xml_priv.h"

#include <string.h>

static void rate_copy(const struct np_bw_rate *from, struct np_net_rate *to)
{
	/* a rate with only floor= shapes nothing on the network's bridge */
	to->present = from->present && from->average;
	to->average = from->average;
	to->peak = from->peak;
	to->burst = from->burst;
}

static bool bw_copy(const struct np_bandwidth *bw, struct np_net_bw *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!bw->present)
		return false;
	rate_copy(&bw->in, &ret->in);
	rate_copy(&bw->out, &ret->out);
	return ret->in.present || ret->out.present;
}

bool np_net_bandwidth(const struct np_net *net, struct np_net_bw *ret)
{
	memset(ret, 0, sizeof(*ret));
	return net->extra && bw_copy(&net->extra->bandwidth, ret);
}

bool np_net_has_portgroup(const struct np_net *net, const char *name)
{
	for (size_t i = 0; net->extra && i < net->extra->n_portgroups; i++)
		if (net->extra->portgroups[i].name && !strcmp(net->extra->portgroups[i].name, name))
			return true;
	return false;
}

bool np_net_portgroup_bandwidth(const struct np_net *net, const char *name,
				struct np_net_bw *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!net->extra)
		return false;
	for (size_t i = 0; i < net->extra->n_portgroups; i++) {
		const struct np_portgroup *pg = &net->extra->portgroups[i];

		if (name ? (pg->name && !strcmp(pg->name, name)) : pg->is_default)
			return bw_copy(&pg->bandwidth, ret);
	}
	return false;
}
