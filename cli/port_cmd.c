/* port-add / port-list / port-delete: guests attached without libvirtd, like
 * libvirt's network ports. */
#include "cli/cli.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"
#include "cli/args.h"
#include "engine/lifecycle.h"
#include "engine/ops.h"
#include "engine/plan.h"
#include "engine/port.h"
#include "engine/store.h"
#include "cli/table.h"
#include "xml/net.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static bool mac_in_use(const struct np_net *net, const struct np_port *ports, size_t n,
		       const uint8_t mac[NP_MAC_LEN])
{
	if (net->has_mac && !memcmp(net->mac, mac, NP_MAC_LEN))
		return true;
	for (size_t i = 0; i < n; i++)
		if (!memcmp(ports[i].mac, mac, NP_MAC_LEN))
			return true;
	for (size_t i = 0; i < net->n_ips; i++)
		for (size_t h = 0; h < net->ips[i].n_hosts; h++)
			if (net->ips[i].hosts[h].has_mac &&
			    !memcmp(net->ips[i].hosts[h].mac, mac, NP_MAC_LEN))
				return true;
	return false;
}

static int pick_mac(const struct np_net *net, const struct np_port *ports, size_t n,
		    uint8_t ret[NP_MAC_LEN])
{
	for (int tries = 0; tries < 64; tries++) {
		ret[0] = 0x52;
		ret[1] = 0x54;
		ret[2] = 0x00;
		if (getrandom(ret + 3, 3, 0) != 3)
			return -EIO;
		if (!mac_in_use(net, ports, n, ret))
			return 0;
	}
	return -ENOSPC;
}

static bool name_taken(struct np_cli *c, const struct np_port *ports, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ports[i].ifname, name))
			return true;
	return c->eng->ops->link_exists(c->eng->ctx, name) > 0;
}

static int parse_owner(const char *s, long *ret)
{
	struct passwd *pw;
	char *end;
	long v = strtol(s, &end, 10);

	if (*s && !*end && v >= 0) {
		*ret = v;
		return 0;
	}
	pw = getpwnam(s);
	if (!pw)
		return -ENOENT;
	*ret = (long)pw->pw_uid;
	return 0;
}

/* Attaches (or detaches) one port of an active network now, as the plan's
 * port step would. */
static int apply_one(struct np_cli *c, const struct np_net *net, const struct np_port *port,
		     bool add, struct np_err *err)
{
	struct np_port copy = *port;
	struct np_step step = {
		.kind = NP_STEP_PORT_ADD,
		.ifname = copy.ifname,
		.master = net->bridge.name,
		.port = &copy,
		.has_mac = true,
		.stp = -1,
		.delay_cs = -1,
	};

	memcpy(step.mac, port->mac, NP_MAC_LEN);
	return np_step_apply(&step, !add, c->eng->ops, c->eng->ctx, err);
}

int np_cmd_port_add(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = {
		{ .name = "--tap", .takes_value = true },    { .name = "--veth", .takes_value = true },
		{ .name = "--owner", .takes_value = true },  { .name = "--mac", .takes_value = true },
		{ .name = "--ifname", .takes_value = true }, { .name = "--peer", .takes_value = true },
	};
	const size_t na = NP_ARRAY_SIZE(args);
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ struct np_port *ports = NULL;
	const char *name, *tap, *veth, *owner, *mac, *ifname, *peer;
	struct np_port port = { .owner = -1 };
	char macs[NP_MAC_STRLEN];
	size_t n = 0;
	int r;

	if (np_args_parse(argc, argv, args, na, &name, 1, 1, err) < 0)
		return 1;
	tap = np_args_value(args, na, "--tap");
	veth = np_args_value(args, na, "--veth");
	owner = np_args_value(args, na, "--owner");
	mac = np_args_value(args, na, "--mac");
	ifname = np_args_value(args, na, "--ifname");
	peer = np_args_value(args, na, "--peer");
	if (!tap == !veth)
		return np_err_set(err, -EINVAL, "port-add: give exactly one of --tap TAP or --veth NETNS"), 1;
	if (np_store_lock(c->eng->store, err) < 0 ||
	    np_engine_lookup(c->eng, name, false, &net, err) < 0)
		return 1;
	if (!np_net_is_virtual(net) && !(net->forward.mode == NP_FWD_BRIDGE && net->bridge.name))
		return np_err_set(err, -EOPNOTSUPP, "network '%s' has no bridge to attach guests to (forward mode %s)", name, np_fwd_mode_names[net->forward.mode]), 1;
	if (np_store_ports_load(c->eng->store, name, &ports, &n) < 0)
		return np_err_set(err, -EIO, "cannot read the ports of '%s'", name), 1;
	if (n >= NP_MAX_PORTS)
		return np_err_set(err, -E2BIG, "network '%s' has %d ports already", name, NP_MAX_PORTS), 1;

	if (tap) {
		port.type = NP_PORT_TAP;
		ifname = tap;
		if (owner && parse_owner(owner, &port.owner) < 0)
			return np_err_set(err, -ENOENT, "port-add: --owner '%s': no such user", owner), 1;
	} else {
		port.type = NP_PORT_VETH;
		if (strlen(veth) >= sizeof(port.netns) || strchr(veth, '/') || !*veth)
			return np_err_set(err, -EINVAL, "port-add: --veth '%s': not a namespace name", veth), 1;
		memcpy(port.netns, veth, strlen(veth) + 1);
		peer = peer ? peer : "eth0";
		if (!np_port_name_valid(peer))
			return np_err_set(err, -EINVAL, "port-add: --peer '%s': not an interface name", peer), 1;
		memcpy(port.peer, peer, strlen(peer) + 1);
	}
	if (!ifname) {
		/* libvirt names guest interfaces vnetN: the first free one. */
		static char auto_name[16];

		for (int i = 0; i < 10000 && !ifname; i++) {
			snprintf(auto_name, sizeof(auto_name), "vnet%d", i);
			if (!name_taken(c, ports, n, auto_name))
				ifname = auto_name;
		}
	}
	if (!ifname || !np_port_name_valid(ifname))
		return np_err_set(err, -EINVAL, "port-add: '%s': not an interface name", ifname ? ifname : ""), 1;
	if (name_taken(c, ports, n, ifname))
		return np_err_set(err, -EEXIST, "port-add: interface %s already exists", ifname), 1;
	memcpy(port.ifname, ifname, strlen(ifname) + 1);

	if (mac) {
		if (np_mac_parse(mac, port.mac) < 0 || np_mac_is_multicast(port.mac) ||
		    np_mac_is_zero(port.mac))
			return np_err_set(err, -EINVAL, "port-add: --mac '%s': not a unicast MAC address", mac), 1;
		if (mac_in_use(net, ports, n, port.mac))
			return np_err_set(err, -EEXIST, "port-add: MAC %s is already used on network '%s'", mac, name), 1;
	} else if (pick_mac(net, ports, n, port.mac) < 0) {
		return np_err_set(err, -ENOSPC, "port-add: cannot pick a free MAC"), 1;
	}

	r = np_store_port_save(c->eng->store, name, &port);
	if (r < 0)
		return np_err_set(err, r, "cannot record port %s: %s", port.ifname, strerror(-r)), 1;
	if (np_store_is_active(c->eng->store, name) && apply_one(c, net, &port, true, err) < 0) {
		np_store_port_remove(c->eng->store, name, port.ifname);
		return 1;
	}
	np_mac_str(port.mac, macs);
	printf("Port %s added to network %s, guest MAC %s\n", port.ifname, name, macs);
	if (port.type == NP_PORT_TAP)
		printf("qemu: -netdev tap,id=net0,ifname=%s,script=no,downscript=no "
		       "-device virtio-net-pci,netdev=net0,mac=%s\n",
		       port.ifname, macs);
	else
		printf("guest: interface %s in namespace %s\n", port.peer, port.netns);
	printf("\n");
	return 0;
}

int np_cmd_port_delete(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ struct np_port *ports = NULL;
	const char *pos[2];
	size_t n = 0, i;

	if (np_args_parse(argc, argv, NULL, 0, pos, 2, 2, err) < 0)
		return 1;
	if (np_store_lock(c->eng->store, err) < 0 ||
	    np_engine_lookup(c->eng, pos[0], false, &net, err) < 0)
		return 1;
	if (np_store_ports_load(c->eng->store, pos[0], &ports, &n) < 0)
		return np_err_set(err, -EIO, "cannot read the ports of '%s'", pos[0]), 1;
	for (i = 0; i < n && strcmp(ports[i].ifname, pos[1]); i++)
		;
	if (i == n)
		return np_err_set(err, -ENOENT, "network '%s' has no port '%s'", pos[0], pos[1]), 1;
	if (np_store_is_active(c->eng->store, pos[0]) && apply_one(c, net, &ports[i], false, err) < 0)
		return 1;
	if (np_store_port_remove(c->eng->store, pos[0], pos[1]) < 0)
		return np_err_set(err, -EIO, "cannot remove the record of port %s", pos[1]), 1;
	printf("Port %s deleted from network %s\n\n", pos[1], pos[0]);
	return 0;
}

int np_cmd_port_list(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	static const char *const hdr[] = { "Port", "Type", "Guest MAC", "Attached to" };
	struct np_arg args[] = { { .name = "--json" } };
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ struct np_port *ports = NULL;
	struct np_table *t = NULL;
	struct np_buf b = { 0 };
	const char *name;
	size_t n = 0;
	bool json;

	if (np_args_parse(argc, argv, args, 1, &name, 1, 1, err) < 0)
		return 1;
	json = np_args_has(args, 1, "--json");
	if (np_engine_lookup(c->eng, name, false, &net, err) < 0)
		return 1;
	if (np_store_ports_load(c->eng->store, name, &ports, &n) < 0)
		return np_err_set(err, -EIO, "cannot read the ports of '%s'", name), 1;
	if (!json && np_table_new(4, hdr, &t) < 0)
		return 1;
	np_buf_addc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		const struct np_port *p = &ports[i];
		char mac[NP_MAC_STRLEN], where[300];

		np_mac_str(p->mac, mac);
		if (p->type == NP_PORT_TAP)
			snprintf(where, sizeof(where), p->owner >= 0 ? "qemu (uid %ld)" : "qemu (root)",
				 p->owner);
		else
			snprintf(where, sizeof(where), "%s in netns %s", p->peer, p->netns);
		if (json) {
			np_buf_add(&b, i ? ",\n  {" : "\n  {");
			np_json_kv(&b, true, "port", p->ifname);
			np_json_kv(&b, false, "type", p->type == NP_PORT_TAP ? "tap" : "veth");
			np_json_kv(&b, false, "mac", mac);
			if (p->type == NP_PORT_TAP)
				np_json_kn(&b, false, "owner", p->owner);
			else {
				np_json_kv(&b, false, "netns", p->netns);
				np_json_kv(&b, false, "peer", p->peer);
			}
			np_buf_addc(&b, '}');
		} else {
			const char *row[] = { p->ifname, p->type == NP_PORT_TAP ? "tap" : "veth", mac,
					      where };

			np_table_add(t, row);
		}
	}
	if (json) {
		np_buf_add(&b, n ? "\n]\n" : "]\n");
		fputs(np_buf_str(&b), stdout);
	} else {
		np_table_print(t, stdout);
		printf("\n");
	}
	np_buf_free(&b);
	np_table_free(t);
	return 0;
}
