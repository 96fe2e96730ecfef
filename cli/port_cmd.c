/* port-add / port-list / port-delete: guests attached without libvirtd, like
 * libvirt's network ports. */
#include "cli/cli.h"

#include "cli/args.h"
#include "cli/attach.h"
#include "cli/table.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/escape.h"
#include "common/json.h"
#include "common/util.h"
#include "engine/port.h"
#include "engine/port_api.h"
#include "engine/port_info.h"

#include <stdio.h>

/* The port's own rates (--inbound/--outbound), libvirt's units. */
static void json_rates(struct np_buf *b, const struct np_port *p)
{
	const struct np_net_rate *r[] = { &p->bw.in, &p->bw.out };
	static const char *const key[] = { "inbound", "outbound" };

	for (int k = 0; k < 2; k++) {
		if (!r[k]->present)
			continue;
		np_buf_addf(b, ", \"%s\": {", key[k]);
		np_json_kn(b, true, "average", (long long)r[k]->average);
		np_json_kn(b, false, "peak", (long long)r[k]->peak);
		np_json_kn(b, false, "burst", (long long)r[k]->burst);
		np_buf_addc(b, '}');
	}
}

static void print_added_json(const char *name, const struct np_port *p, const char *mac)
{
	struct np_buf b = { 0 };

	np_buf_addc(&b, '{');
	np_json_kv(&b, true, "network", name);
	np_json_kv(&b, false, "port", p->ifname);
	np_json_kv(&b, false, "type", p->type == NP_PORT_TAP ? "tap" : "veth");
	np_json_kv(&b, false, "mac", mac);
	if (p->type == NP_PORT_TAP) {
		np_json_kn(&b, false, "owner", p->owner);
		for (int k = 0; k < NP_ATTACH_N; k++) {
			struct np_buf line = { 0 };

			np_attach_render(k, p->ifname, mac, &line);
			if (k == NP_ATTACH_FIRECRACKER) {
				np_buf_addf(&b, ", \"%s\": %s", np_attach_names[k], np_buf_str(&line));
			} else {
				np_json_kv(&b, false, np_attach_names[k], np_buf_str(&line));
			}
			np_buf_free(&line);
		}
	} else {
		np_json_kv(&b, false, "netns", p->netns);
		np_json_kv(&b, false, "peer", p->peer);
	}
	json_rates(&b, p);
	np_buf_add(&b, "}\n");
	fputs(np_buf_str(&b), stdout);
	np_buf_free(&b);
}

static void print_added(const char *name, const struct np_port *p, const char *mac)
{
	char esc[NP_TERM_MAX];

	printf("Port %s added to network %s, guest MAC %s\n", p->ifname,
	       np_term_str(name, esc, sizeof(esc)), mac);
	if (p->type == NP_PORT_TAP) {
		for (int k = 0; k < NP_ATTACH_N; k++) {
			struct np_buf line = { 0 };

			np_attach_render(k, p->ifname, mac, &line);
			printf(k == NP_ATTACH_FIRECRACKER ? "%s: \"network-interfaces\": [%s]\n" : "%s: %s\n",
			       np_attach_names[k], np_buf_str(&line));
			np_buf_free(&line);
		}
	} else {
		printf("guest: interface %s in namespace %s\n", p->peer,
		       np_term_str(p->netns, esc, sizeof(esc)));
	}
	printf("\n");
}

int np_cmd_port_add(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = {
		{ .name = "--tap", .takes_value = true },    { .name = "--veth", .takes_value = true },
		{ .name = "--owner", .takes_value = true },  { .name = "--mac", .takes_value = true },
		{ .name = "--ifname", .takes_value = true }, { .name = "--peer", .takes_value = true },
		{ .name = "--portgroup", .takes_value = true },
		{ .name = "--isolated", .takes_value = true },
		{ .name = "--inbound", .takes_value = true },
		{ .name = "--outbound", .takes_value = true },
		{ .name = "--json" },
	};
	const size_t na = NP_ARRAY_SIZE(args);
	struct np_port_add_req req;
	struct np_port port;
	char macs[NP_MAC_STRLEN];
	const char *name;
	int r;

	r = np_args_parse(argc, argv, args, na, &name, 1, 1, err);
	if (r < 0)
		return r;
	req = (struct np_port_add_req){
		.tap = np_args_value(args, na, "--tap"),
		.veth = np_args_value(args, na, "--veth"),
		.owner = np_args_value(args, na, "--owner"),
		.peer = np_args_value(args, na, "--peer"),
		.ifname = np_args_value(args, na, "--ifname"),
		.mac = np_args_value(args, na, "--mac"),
		.portgroup = np_args_value(args, na, "--portgroup"),
		.isolated = np_args_value(args, na, "--isolated"),
		.inbound = np_args_value(args, na, "--inbound"),
		.outbound = np_args_value(args, na, "--outbound"),
	};
	r = np_engine_port_add(c->eng, name, &req, &port, err);
	if (r < 0)
		return r;
	np_mac_str(port.mac, macs);
	if (np_args_has(args, na, "--json"))
		print_added_json(name, &port, macs);
	else
		print_added(name, &port, macs);
	return 0;
}

int np_cmd_port_delete(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	const char *pos[2];
	char esc[NP_TERM_MAX];
	int r;

	r = np_args_parse(argc, argv, NULL, 0, pos, 2, 2, err);
	if (r < 0)
		return r;
	r = np_engine_port_del(c->eng, pos[0], pos[1], err);
	if (r < 0)
		return r;
	printf("Port %s deleted from network %s\n\n", pos[1], np_term_str(pos[0], esc, sizeof(esc)));
	return 0;
}

static void print_json(const struct np_port *ports, const struct np_port_info *info, size_t n)
{
	struct np_buf b = { 0 };

	np_buf_addc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		const struct np_port *p = &ports[i];
		char mac[NP_MAC_STRLEN];

		np_buf_add(&b, i ? ",\n  {" : "\n  {");
		np_json_kv(&b, true, "port", p->ifname);
		np_json_kv(&b, false, "type", p->type == NP_PORT_TAP ? "tap" : "veth");
		np_json_kv(&b, false, "mac", np_mac_str(p->mac, mac));
		if (p->type == NP_PORT_TAP) {
			np_json_kn(&b, false, "owner", p->owner);
		} else {
			np_json_kv(&b, false, "netns", p->netns);
			np_json_kv(&b, false, "peer", p->peer);
		}
		json_rates(&b, p);
		np_json_kv(&b, false, "state", info[i].state);
		if (info[i].present) {
			np_json_kn(&b, false, "rx_bytes", (long long)info[i].rx_bytes);
			np_json_kn(&b, false, "rx_packets", (long long)info[i].rx_packets);
			np_json_kn(&b, false, "tx_bytes", (long long)info[i].tx_bytes);
			np_json_kn(&b, false, "tx_packets", (long long)info[i].tx_packets);
		}
		np_json_kv(&b, false, "ip", info[i].ip[0] ? info[i].ip : NULL);
		np_buf_addc(&b, '}');
	}
	np_buf_add(&b, n ? "\n]\n" : "]\n");
	fputs(np_buf_str(&b), stdout);
	np_buf_free(&b);
}

static int print_table(const struct np_port *ports, size_t n)
{
	static const char *const hdr[] = { "Port", "Type", "Guest MAC", "Attached to" };
	struct np_table *t = NULL;
	int r;

	r = np_table_new(4, hdr, &t);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct np_port *p = &ports[i];
		char mac[NP_MAC_STRLEN], where[300];
		const char *row[] = { p->ifname, p->type == NP_PORT_TAP ? "tap" : "veth",
				      np_mac_str(p->mac, mac), where };

		if (p->type == NP_PORT_TAP)
			snprintf(where, sizeof(where), p->owner >= 0 ? "qemu (uid %ld)" : "qemu (root)",
				 p->owner);
		else
			snprintf(where, sizeof(where), "%s in netns %s", p->peer, p->netns);
		np_table_add(t, row);
	}
	np_table_print(t, stdout);
	printf("\n");
	np_table_free(t);
	return 0;
}

int np_cmd_port_list(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--json" } };
	_np_free_ struct np_port *ports = NULL;
	const char *name;
	size_t n = 0;
	int r;

	r = np_args_parse(argc, argv, args, 1, &name, 1, 1, err);
	if (r < 0)
		return r;
	r = np_engine_port_list(c->eng, name, &ports, &n, err);
	if (r < 0)
		return r;
	if (np_args_has(args, 1, "--json")) {
		_np_free_ struct np_port_info *info = NULL;

		r = np_engine_port_info(c->eng, name, ports, n, &info, err);
		if (r < 0)
			return r;
		print_json(ports, info, n);
		return 0;
	}
	return print_table(ports, n);
}
