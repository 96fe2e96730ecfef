#include "engine/port_api.h"

#include "common/err.h"
#include "common/name.h"
#include "common/util.h"
#include "engine/lifecycle.h"
#include "engine/ops.h"
#include "engine/plan.h"
#include "engine/port.h"
#include "engine/store.h"
#include "xml/bandwidth.h"
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

static bool name_taken(struct np_engine *eng, const struct np_port *ports, size_t n,
		       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ports[i].ifname, name))
			return true;
	struct np_link_id id;

	return eng->ops->link_get(eng->ctx, name, &id) > 0;
}

/* A uid, or a user name looked up (s passed np_name_check). */
static int parse_owner(const char *s, long *ret, struct np_err *err)
{
	struct passwd *pw;

	if (!s[strspn(s, "0123456789")]) {
		*ret = strtol(s, NULL, 10);
		return 0;
	}
	pw = getpwnam(s);
	if (!pw)
		return np_err_set(err, -ENOENT, "port-add: --owner '%s': no such user", s);
	*ret = (long)pw->pw_uid;
	return 0;
}

/* Every name of the request, before the lock is taken or anything read. */
static int check_names(const char *name, const struct np_port_add_req *req, struct np_err *err)
{
	int r;

	r = np_name_check(NP_NAME_NETWORK, "port-add: network", name, err);
	if (r == 0 && req->tap)
		r = np_name_check(NP_NAME_IFNAME, "port-add: --tap", req->tap, err);
	if (r == 0 && req->veth)
		r = np_name_check(NP_NAME_NETNS, "port-add: --veth", req->veth, err);
	if (r == 0 && req->ifname)
		r = np_name_check(NP_NAME_IFNAME, "port-add: --ifname", req->ifname, err);
	if (r == 0 && req->peer)
		r = np_name_check(NP_NAME_IFNAME, "port-add: --peer", req->peer, err);
	if (r == 0 && req->owner)
		r = np_name_check(NP_NAME_USER, "port-add: --owner", req->owner, err);
	return r;
}

/* Attaches (or detaches) one port of an active network now, with the step
 * the network's plan holds for it. */
static int apply_one(struct np_engine *eng, const struct np_net *net, const struct np_port *port,
		     bool add, struct np_err *err)
{
	_np_plan_free_ struct np_plan *plan = NULL;
	int r;

	r = np_plan_port_build(net, port, &plan, err);
	if (r < 0)
		return r;
	/* the port and its settings (isolation, limits), added and rolled
	 * back together; removed in reverse (its nft limit, then the link) */
	r = add ? np_plan_apply(plan, eng->ops, eng->ctx, eng->warn, err)
		: np_plan_undo(plan, eng->ops, eng->ctx, eng->warn, err);
	if (r < 0 || !add)
		return r;
	/* destroy undoes the record: it must hold the new port */
	r = np_engine_record_update(eng, net->name, &plan->steps[0], err);
	if (r < 0)
		np_plan_undo(plan, eng->ops, eng->ctx, eng->warn, &(struct np_err){ { 0 } });
	return r;
}

/* The kind and the names of the new port; ifname stays empty for the
 * caller to pick. */
static int port_kind(const struct np_port_add_req *req, struct np_port *port, struct np_err *err)
{
	const char *peer = req->peer ? req->peer : "eth0";

	if (req->tap) {
		port->type = NP_PORT_TAP;
		return req->owner ? parse_owner(req->owner, &port->owner, err) : 0;
	}
	port->type = NP_PORT_VETH;
	memcpy(port->netns, req->veth, strlen(req->veth) + 1);
	memcpy(port->peer, peer, strlen(peer) + 1);
	return 0;
}

/* The host side's name: a tap's own, --ifname, or the first free npportN
 * (not libvirt's vnetN: those are the names of VMs' taps on the same host). */
static int port_ifname(struct np_engine *eng, const struct np_port_add_req *req,
		       const struct np_port *ports, size_t n, struct np_port *port,
		       struct np_err *err)
{
	const char *ifname = req->tap ? req->tap : req->ifname;
	char auto_name[sizeof(port->ifname)];

	for (int i = 0; !ifname && i < 10000; i++) {
		snprintf(auto_name, sizeof(auto_name), "npport%d", i);
		if (!name_taken(eng, ports, n, auto_name))
			ifname = auto_name;
	}
	if (!ifname)
		return np_err_set(err, -ENOSPC, "port-add: no free interface name npport0..npport9999");
	if (name_taken(eng, ports, n, ifname))
		return np_err_set(err, -EEXIST, "port-add: interface %s already exists", ifname);
	memcpy(port->ifname, ifname, strlen(ifname) + 1);
	return 0;
}

static int port_mac(const char *name, const struct np_net *net, const struct np_port_add_req *req,
		    const struct np_port *ports, size_t n, struct np_port *port, struct np_err *err)
{
	if (!req->mac) {
		if (pick_mac(net, ports, n, port->mac) < 0)
			return np_err_set(err, -ENOSPC, "port-add: cannot pick a free MAC");
		return 0;
	}
	if (np_mac_parse(req->mac, port->mac) < 0 || np_mac_is_multicast(port->mac) ||
	    np_mac_is_zero(port->mac))
		return np_err_set(err, -EINVAL, "port-add: --mac '%s': not a unicast MAC address",
				  req->mac);
	if (mac_in_use(net, ports, n, port->mac))
		return np_err_set(err, -EEXIST, "port-add: MAC %s is already used on network '%s'",
				  req->mac, name);
	return 0;
}

/* --portgroup and --isolated, as a libvirt network port's. */
static int port_options(const char *name, const struct np_net *net,
			const struct np_port_add_req *req, struct np_port *port, struct np_err *err)
{
	if (req->portgroup) {
		if (!np_port_portgroup_valid(req->portgroup) ||
		    !np_net_has_portgroup(net, req->portgroup))
			return np_err_set(err, -ENOENT,
					  "port-add: --portgroup '%s': network '%s' has no such "
					  "portgroup",
					  req->portgroup, name);
		memcpy(port->portgroup, req->portgroup, strlen(req->portgroup) + 1);
	}
	if (req->isolated) {
		if (strcmp(req->isolated, "yes") && strcmp(req->isolated, "no"))
			return np_err_set(err, -EINVAL,
					  "port-add: --isolated '%s': give yes or no", req->isolated);
		port->isolated = !strcmp(req->isolated, "yes") ? NP_TRI_YES : NP_TRI_NO;
	}
	return 0;
}

/* --inbound and --outbound, as virsh attach-interface's: checked with the
 * names, before anything is read. */
static int port_rates(const struct np_port_add_req *req, struct np_port *port, struct np_err *err)
{
	int r = 0;

	if (req->inbound)
		r = np_port_rate_parse("port-add: --inbound", req->inbound, &port->bw.in, err);
	if (r == 0 && req->outbound)
		r = np_port_rate_parse("port-add: --outbound", req->outbound, &port->bw.out, err);
	return r;
}

/* The network, locked, and its recorded ports. */
static int load(struct np_engine *eng, const char *name, struct np_net **ret_net,
		struct np_port **ret_ports, size_t *ret_n, struct np_err *err)
{
	int r;

	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	r = np_engine_lookup(eng, name, false, ret_net, err);
	if (r < 0)
		return r;
	if (np_store_ports_load(eng->store, name, ret_ports, ret_n) < 0)
		return np_err_set(err, -EIO, "cannot read the ports of '%s'", name);
	return 0;
}

int np_engine_port_add(struct np_engine *eng, const char *name, const struct np_port_add_req *req,
		       struct np_port *ret, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ struct np_port *ports = NULL;
	struct np_port port = { .owner = -1 };
	size_t n = 0;
	int r;

	if (!req->tap == !req->veth)
		return np_err_set(err, -EINVAL,
				  "port-add: give exactly one of --tap TAP or --veth NETNS");
	r = check_names(name, req, err);
	if (r == 0)
		r = port_rates(req, &port, err);
	if (r < 0)
		return r;
	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	r = np_engine_lookup(eng, name, false, &net, err);
	if (r < 0)
		return r;
	if (!np_net_is_virtual(net) && !(net->forward.mode == NP_FWD_BRIDGE && net->bridge.name))
		return np_err_set(err, -EOPNOTSUPP,
				  "network '%s' has no bridge to attach guests to (forward mode %s)",
				  name, np_fwd_mode_names[net->forward.mode]);
	if (np_store_ports_load(eng->store, name, &ports, &n) < 0)
		return np_err_set(err, -EIO, "cannot read the ports of '%s'", name);
	if (n >= NP_MAX_PORTS)
		return np_err_set(err, -E2BIG, "network '%s' has %d ports already", name,
				  NP_MAX_PORTS);
	r = port_kind(req, &port, err);
	if (r < 0)
		return r;
	r = port_ifname(eng, req, ports, n, &port, err);
	if (r < 0)
		return r;
	r = port_mac(name, net, req, ports, n, &port, err);
	if (r < 0)
		return r;
	r = port_options(name, net, req, &port, err);
	if (r < 0)
		return r;
	/* what the port's plan refuses (a rate too large) is refused
	 * before anything is recorded */
	{
		_np_plan_free_ struct np_plan *check = NULL;

		r = np_plan_port_build(net, &port, &check, err);
		if (r < 0)
			return r;
	}

	r = np_store_port_save(eng->store, name, &port);
	if (r < 0)
		return np_err_set(err, r, "cannot record port %s: %s", port.ifname, strerror(-r));
	if (np_store_is_active(eng->store, name)) {
		r = apply_one(eng, net, &port, true, err);
		if (r < 0) {
			np_store_port_remove(eng->store, name, port.ifname);
			return r;
		}
	}
	*ret = port;
	return 0;
}

int np_engine_port_del(struct np_engine *eng, const char *name, const char *ifname,
		       struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ struct np_port *ports = NULL;
	size_t n = 0, i;
	int r;

	r = np_name_check(NP_NAME_NETWORK, "port-delete: network", name, err);
	if (r == 0)
		r = np_name_check(NP_NAME_IFNAME, "port-delete: port", ifname, err);
	if (r < 0)
		return r;
	r = load(eng, name, &net, &ports, &n, err);
	if (r < 0)
		return r;
	for (i = 0; i < n && strcmp(ports[i].ifname, ifname); i++)
		;
	if (i == n)
		return np_err_set(err, -ENOENT, "network '%s' has no port '%s'", name, ifname);
	if (np_store_is_active(eng->store, name)) {
		r = apply_one(eng, net, &ports[i], false, err);
		if (r < 0)
			return r;
	}
	if (np_store_port_remove(eng->store, name, ifname) < 0)
		return np_err_set(err, -EIO, "cannot remove the record of port %s", ifname);
	return np_store_is_active(eng->store, name) ? np_engine_record_update(eng, name, NULL, err)
						     : 0;
}

int np_engine_port_list(struct np_engine *eng, const char *name, struct np_port **ret,
			size_t *ret_n, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	int r;

	r = np_name_check(NP_NAME_NETWORK, "port-list: network", name, err);
	if (r < 0)
		return r;
	r = np_engine_lookup(eng, name, false, &net, err);
	if (r < 0)
		return r;
	if (np_store_ports_load(eng->store, name, ret, ret_n) < 0)
		return np_err_set(err, -EIO, "cannot read the ports of '%s'", name);
	return 0;
}
