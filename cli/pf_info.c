/* net-info's view of <netplumb:portForward>: what reaches which guest port. */
#include "cli/pf_info.h"

#include "common/addr.h"
#include "common/buf.h"
#include "common/json.h"
#include "xml/net.h"

#include <stdio.h>
#include <sys/socket.h>

static void ports(struct np_buf *b, unsigned lo, unsigned hi)
{
	if (lo == hi)
		np_buf_addf(b, "%u", lo);
	else
		np_buf_addf(b, "%u-%u", lo, hi);
}

void np_cli_pf_print(FILE *out, const struct np_net *net)
{
	char a[NP_ADDR_STRLEN];

	for (size_t i = 0; i < net->n_portfwds; i++) {
		const struct np_portfwd *pf = &net->portfwds[i];
		struct np_buf b = { 0 };
		bool first = true;

		np_buf_addf(&b, "%s ", np_pf_proto_names[pf->proto]);
		if (pf->address.family)
			np_buf_addf(&b, "%s ", np_addr_str(&pf->address, a));
		if (pf->dev)
			np_buf_addf(&b, "dev %s ", pf->dev);
		for (size_t k = 0; k < pf->n_ranges; k++) {
			const struct np_pf_range *r = &pf->ranges[k];
			bool v6 = pf->guest.family == AF_INET6;

			if (r->exclude)
				continue;
			np_buf_add(&b, first ? "" : ", ");
			first = false;
			ports(&b, r->start, r->end);
			np_buf_addf(&b, " -> %s%s%s:", v6 ? "[" : "", np_addr_str(&pf->guest, a),
				    v6 ? "]" : "");
			ports(&b, r->to, r->to + (r->end - r->start));
		}
		first = true;
		for (size_t k = 0; k < pf->n_ranges; k++) {
			const struct np_pf_range *r = &pf->ranges[k];

			if (!r->exclude)
				continue;
			np_buf_add(&b, first ? " (not " : ", ");
			first = false;
			ports(&b, r->start, r->end);
		}
		if (!first)
			np_buf_addc(&b, ')');
		fprintf(out, "%-15s %s\n", "Port forward:", np_buf_str(&b));
		np_buf_free(&b);
	}
}

void np_cli_pf_json(struct np_buf *b, const struct np_net *net)
{
	char a[NP_ADDR_STRLEN];

	np_buf_add(b, ", \"port_forwards\": [");
	for (size_t i = 0; i < net->n_portfwds; i++) {
		const struct np_portfwd *pf = &net->portfwds[i];

		np_buf_add(b, i ? ", {" : "{");
		np_json_kv(b, true, "proto", np_pf_proto_names[pf->proto]);
		np_json_kv(b, false, "guest", np_addr_str(&pf->guest, a));
		np_json_kv(b, false, "address",
			   pf->address.family ? np_addr_str(&pf->address, a) : NULL);
		np_json_kv(b, false, "dev", pf->dev);
		np_buf_add(b, ", \"ranges\": [");
		for (size_t k = 0; k < pf->n_ranges; k++) {
			const struct np_pf_range *r = &pf->ranges[k];

			np_buf_add(b, k ? ", {" : "{");
			np_json_kn(b, true, "start", r->start);
			np_json_kn(b, false, "end", r->end);
			if (!r->exclude)
				np_json_kn(b, false, "to", r->to);
			np_json_kb(b, false, "exclude", r->exclude);
			np_buf_addc(b, '}');
		}
		np_buf_add(b, "]}");
	}
	np_buf_addc(b, ']');
}
