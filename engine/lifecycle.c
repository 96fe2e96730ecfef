#include "engine/lifecycle.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/name.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "engine/auto_subnet.h"
#include "engine/default_net.h"
#include "engine/ops.h"
#include "engine/plan.h"
#include "engine/port.h"
#include "engine/plan_vxlan.h"
#include "engine/record.h"
#include "engine/record_accepts.h"
#include "engine/store.h"
#include "engine/timing.h"
#include "firewall/foreign.h"
#include "firewall/fw.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

static int random_bytes(void *buf, size_t len)
{
	ssize_t n = getrandom(buf, len, 0);

	return n == (ssize_t)len ? 0 : -EIO;
}

/* The plan's inputs besides the definition: the store's layout and the
 * network's recorded guest ports. Free with plan_paths_clear(). */
static int plan_paths(struct np_engine *eng, const char *name, struct np_plan_paths *ret)
{
	struct np_port *ports = NULL;
	size_t n = 0;
	int r;

	r = np_store_ports_load(eng->store, name, &ports, &n);
	if (r < 0)
		return r;
	*ret = (struct np_plan_paths){
		.state_dir = np_store_state_dir(eng->store),
		.run_dir = np_store_run_dir(eng->store),
		.dnsmasq_user = eng->dnsmasq_user,
		.ports = ports,
		.n_ports = n,
	};
	return 0;
}

static void plan_paths_clear(struct np_plan_paths *p)
{
	free((struct np_port *)p->ports);
	p->ports = NULL;
	p->n_ports = 0;
}

static bool uses_bridge(const struct np_net *other, const void *br)
{
	return other->bridge.name && !strcmp(other->bridge.name, br);
}

static bool has_uuid(const struct np_net *other, const void *uuid)
{
	return other->has_uuid && !memcmp(other->uuid, uuid, 16);
}

/* The first other network whose definition match() accepts (the live one
 * of an active network, else the persistent one), or NULL. Only the
 * networks the store's index names for key are read, so a define costs
 * the same with 10 or 1000 networks; the index may name too many, never
 * too few, and an entry that no definition of its network backs any more
 * is dropped here. */
static int find_other(struct np_engine *eng, const char *self, enum np_store_claim kind,
		      const char *key, bool (*match)(const struct np_net *other, const void *arg),
		      const void *arg, struct np_net **ret)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	*ret = NULL;
	r = np_store_claimants(eng->store, kind, key, &names, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && !*ret; i++) {
		_np_net_free_ struct np_net *live = NULL, *def = NULL;
		struct np_err ignored = { { 0 } };

		if (!strcmp(names[i], self))
			continue;
		if (np_store_live_load(eng->store, names[i], &live, &ignored) < 0)
			np_store_def_load(eng->store, names[i], &def, &ignored);
		if (live ? match(live, arg) : def && match(def, arg)) {
			*ret = live ? np_steal(&live) : np_steal(&def);
			break;
		}
		/* An active network's persistent definition may still name it. */
		if (live)
			np_store_def_load(eng->store, names[i], &def, &ignored);
		if (!(def && match(def, arg)))
			np_store_unclaim(eng->store, kind, key, names[i]);
	}
	np_store_names_free(names, n);
	return 0;
}

static int fill_bridge(struct np_engine *eng, struct np_net *net, struct np_err *err)
{
	const char *tmpl = net->bridge.name && strstr(net->bridge.name, "%d") ? net->bridge.name
									     : "virbr%d";
	char name[32];
	int r;

	if (net->bridge.name && !strstr(net->bridge.name, "%d"))
		return 0;
	/* libvirt's networkBridgeNameValidate/virNetworkAllocateBridge: the
	 * first virbrN used by no other network and by no existing link. */
	const char *hole = strstr(tmpl, "%d");

	for (int i = 0; i < 256; i++) {
		_np_net_free_ struct np_net *user = NULL;

		/* The template is user input: substitute by hand, never as a
		 * printf format. */
		if (snprintf(name, sizeof(name), "%.*s%d%s", (int)(hole - tmpl), tmpl, i,
			     hole + 2) >= 16)
			break;
		r = find_other(eng, net->name, NP_STORE_CLAIM_BRIDGE, name, uses_bridge, name, &user);
		if (r < 0)
			return r;
		if (user)
			continue;
		struct np_link_id id;

		r = eng->ops->link_get(eng->ctx, name, &id);
		if (r < 0)
			return np_err_set(err, r, "cannot check interface %s: %s", name, strerror(-r));
		if (r > 0)
			continue;
		free(net->bridge.name);
		net->bridge.name = strdup(name);
		net->bridge.present = true;
		return net->bridge.name ? 0 : -ENOMEM;
	}
	return np_err_set(err, -ENOSPC, "network '%s': no free bridge name for '%s'", net->name,
			  tmpl);
}

/* What libvirt's define adds to a definition: a uuid (or the existing one of
 * the same-named network), a bridge name and a 52:54:00 MAC. */
static int complete_def(struct np_engine *eng, struct np_net *net, const struct np_net *old,
			const char *file, struct np_err *err)
{
	char a[37], b[37];
	int r;

	if (old && old->has_uuid) {
		if (net->has_uuid && !net->uuid_generated && memcmp(net->uuid, old->uuid, 16))
			return np_err_set(err, -EEXIST,
					  "%s: network '%s' already exists with uuid %s, not %s", file,
					  net->name, (np_uuid_str(old->uuid, a), a),
					  (np_uuid_str(net->uuid, b), b));
		memcpy(net->uuid, old->uuid, 16);
		net->has_uuid = true;
		net->uuid_generated = false;
	}
	if (!net->has_uuid) {
		r = random_bytes(net->uuid, 16);
		if (r < 0)
			return np_err_set(err, r, "cannot generate a uuid");
		net->uuid[6] = (uint8_t)((net->uuid[6] & 0x0f) | 0x40);
		net->uuid[8] = (uint8_t)((net->uuid[8] & 0x3f) | 0x80);
		net->has_uuid = true;
	}
	if (!np_net_is_virtual(net))
		return 0;
	if (net->bridge.name) {
		_np_net_free_ struct np_net *user = NULL;

		/* libvirt refuses two networks on one bridge name at define. */
		r = find_other(eng, net->name, NP_STORE_CLAIM_BRIDGE, net->bridge.name, uses_bridge,
			       net->bridge.name, &user);
		if (r < 0)
			return r;
		if (user)
			return np_err_set(err, -EEXIST,
					  "%s: <bridge name='%s'>: already used by network '%s'", file,
					  net->bridge.name, user->name);
	}
	r = fill_bridge(eng, net, err);
	if (r < 0)
		return r;
	if (!net->has_mac) {
		/* Keep the MAC of an earlier definition so guests' view of the
		 * gateway does not change on redefine. */
		if (old && old->has_mac) {
			memcpy(net->mac, old->mac, NP_MAC_LEN);
		} else {
			net->mac[0] = 0x52;
			net->mac[1] = 0x54;
			net->mac[2] = 0x00;
			r = random_bytes(net->mac + 3, 3);
			if (r < 0)
				return np_err_set(err, r, "cannot generate a MAC address");
		}
		net->has_mac = true;
	}
	return 0;
}

static int load_checked(const char *file, struct np_net **ret, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	long long t0 = np_time_ns();
	int r;

	r = np_xml_net_parse_file(file, &net, err);
	if (r < 0)
		return r;
	r = np_net_validate(net, file, err);
	np_timing_add(NP_PHASE_LOAD, np_time_ns() - t0);
	if (r < 0)
		return r;
	*ret = np_steal(&net);
	return 0;
}

/* Another network with the same uuid but a different name is a conflict. */
static int check_uuid_unique(struct np_engine *eng, const struct np_net *net, const char *file,
			     struct np_err *err)
{
	_np_net_free_ struct np_net *other = NULL;
	char u[37];
	int r;

	/* A uuid the parser just generated is random and cannot clash. */
	if (!net->has_uuid || net->uuid_generated)
		return 0;
	np_uuid_str(net->uuid, u);
	r = find_other(eng, net->name, NP_STORE_CLAIM_UUID, u, has_uuid, net->uuid, &other);
	if (r < 0 || !other)
		return r;
	return np_err_set(err, -EEXIST, "%s: uuid %s is already used by network '%s'", file, u,
			  other->name);
}

static int define_net(struct np_engine *eng, struct np_net *net, const char *file,
		      struct np_err *err)
{
	_np_net_free_ struct np_net *old = NULL;
	struct np_err ignored = { { 0 } };
	int r;

	r = np_store_def_load(eng->store, net->name, &old, &ignored);
	if (r < 0 && r != -ENOENT)
		return np_err_set(err, r, "cannot read the stored definition of '%s'", net->name);
	if (!old)
		np_store_live_load(eng->store, net->name, &old, &ignored);
	r = check_uuid_unique(eng, net, file, err);
	if (r < 0)
		return r;
	r = complete_def(eng, net, old, file, err);
	if (r < 0)
		return r;
	return np_store_def_save(eng->store, net, err);
}

int np_engine_seed(struct np_engine *eng, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	int r;

	if (!np_store_needs_seed(eng->store))
		return 0;
	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	if (!np_store_needs_seed(eng->store))
		return 0;
	r = np_xml_net_parse(np_default_net_xml, strlen(np_default_net_xml), "default.xml", &net,
			     err);
	if (r < 0)
		return r;
	/* A user who undefined 'default' and later defines their own keeps it. */
	if (!np_store_is_persistent(eng->store, "default")) {
		r = define_net(eng, net, "default.xml", err);
		if (r < 0)
			return r;
		/* Debian's libvirt-daemon-config-network marks it autostart. */
		r = np_store_set_autostart(eng->store, "default", true);
		if (r < 0)
			return np_err_set(err, r, "cannot mark 'default' autostart");
	}
	return np_store_mark_seeded(eng->store, err);
}

int np_engine_define(struct np_engine *eng, const char *file, char **ret_name, struct np_err *err)
{
	return np_engine_define_auto(eng, file, NULL, ret_name, err);
}

int np_engine_define_auto(struct np_engine *eng, const char *file, char ret_subnet[64],
			  char **ret_name, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	bool moved;
	int r;

	r = load_checked(file, &net, err);
	if (r < 0)
		return r;
	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	if (ret_subnet) {
		r = np_engine_subnet_pick(eng, net, &moved, ret_subnet, err);
		if (r < 0)
			return r;
		if (!moved)
			ret_subnet[0] = '\0';
	}
	r = define_net(eng, net, file, err);
	if (r < 0)
		return r;
	*ret_name = strdup(net->name);
	return *ret_name ? 0 : -ENOMEM;
}

/* Drops in other tools' nft tables that netplumb does not write into: one
 * warning each, naming the chain and the commands that let the network
 * through. */
static void warn_foreign(struct np_engine *eng, const struct np_net *net,
			 const struct np_fw_foreign *f)
{
	char fix[512], msg[768];

	if (!eng->warn || !np_fw_firewalled(net))
		return;
	for (size_t i = 0; i < f->n_other; i++) {
		const struct np_fw_drop *d = &f->other[i];

		if (!strcmp(d->hook, "input") && !np_dhcp_needed(net))
			continue;
		np_fw_foreign_fix(net, d, fix, sizeof(fix));
		snprintf(msg, sizeof(msg),
			 "network '%s': chain %s of table %s %s drops %s traffic by policy; to let "
			 "it through: %s",
			 net->name, d->chain, d->family, d->table,
			 strcmp(d->hook, "input") ? "its forwarded" : "its DHCP and DNS", fix);
		eng->warn(msg);
	}
}

static int plan_seeing(struct np_engine *eng, const struct np_net *net, struct np_plan **ret,
		       struct np_fw_foreign *foreign, bool *ret_seen, struct np_err *err);

static int start_net(struct np_engine *eng, struct np_net *net, struct np_err *err)
{
	_np_plan_free_ struct np_plan *plan = NULL;
	struct np_fw_foreign foreign;
	bool seen;
	int r;

	/* libvirt's live XML of a NAT network shows the source port range its
	 * rules use; the firewall renders the same rules either way. */
	if (net->forward.mode == NP_FWD_NAT && !net->forward.nat.port_start &&
	    !net->forward.nat.port_end) {
		net->forward.nat.port_start = 1024;
		net->forward.nat.port_end = 65535;
	}
	long long t0 = np_time_ns();

	r = plan_seeing(eng, net, &plan, &foreign, &seen, err);
	np_timing_add(NP_PHASE_PLAN, np_time_ns() - t0);
	if (r < 0)
		return r;
	r = np_store_live_claim(eng->store, net, err);
	if (r < 0)
		return r;
	if (seen)
		warn_foreign(eng, net, &foreign);
	/* The plan writes the live record first (a start killed half way is
	 * found and undone) and the record of what it applied last. */
	return eng->overlap ? np_plan_apply_start(plan, eng->ops, eng->ctx, eng->warn, err)
			    : np_plan_apply(plan, eng->ops, eng->ctx, eng->warn, err);
}

int np_engine_create(struct np_engine *eng, const char *file, char **ret_name, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL, *old = NULL;
	struct np_err ignored = { { 0 } };
	int r;

	r = load_checked(file, &net, err);
	if (r < 0)
		return r;
	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	if (np_store_is_active(eng->store, net->name))
		return np_err_set(err, -EEXIST, "network '%s' is already active", net->name);
	np_store_def_load(eng->store, net->name, &old, &ignored);
	r = check_uuid_unique(eng, net, file, err);
	if (r < 0)
		return r;
	r = complete_def(eng, net, old, file, err);
	if (r < 0)
		return r;
	r = start_net(eng, net, err);
	if (r < 0)
		return r;
	*ret_name = strdup(net->name);
	return *ret_name ? 0 : -ENOMEM;
}

static int not_found(const char *name, struct np_err *err)
{
	return np_err_set(err, -ENOENT, "network '%s' not found", name);
}

int np_engine_start(struct np_engine *eng, const char *name, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	int r;

	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	if (np_store_is_active(eng->store, name)) {
		r = np_engine_check_netns(eng, name, err);
		if (r < 0)
			return r;
		return np_err_set(err, -EEXIST, "network '%s' is already active", name);
	}
	r = np_store_def_load(eng->store, name, &net, err);
	if (r == -ENOENT)
		return not_found(name, err);
	if (r < 0)
		return r;
	r = start_net(eng, net, err);
	if (r < 0)
		np_err_prefix(err, "failed to start network '%s'", name);
	return r;
}

/* A command about an active network runs in the namespace it lives in. */
int np_engine_check_netns(struct np_engine *eng, const char *name, struct np_err *err)
{
	_np_free_ char *there = NULL;
	size_t n;
	int r;

	r = np_store_netns_read(eng->store, name, &there);
	if (r == -ENOENT || !eng->netns)
		return 0;
	if (r < 0)
		return np_err_set(err, r, "cannot read the namespace of network '%s': %s", name,
				  strerror(-r));
	n = strlen(there);
	if (n && there[n - 1] == '\n')
		there[--n] = '\0';
	if (!strcmp(there, eng->netns))
		return 0;
	return np_err_set(err, -EXDEV,
			  "network '%s' is active in another network namespace (%s), not in this "
			  "one (%s)",
			  name, there, eng->netns);
}

/* What destroy undoes: the record start wrote, or (a start killed before
 * its end) the plan of the live definition. */
static int applied_plan(struct np_engine *eng, const char *name, struct np_plan **ret,
			struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ char *text = NULL, *path = NULL;
	int r;

	r = np_store_record_read(eng->store, name, &text, &path);
	if (r == 0)
		return np_record_parse(text, path, ret, err);
	if (r != -ENOENT)
		return np_err_set(err, r, "cannot read what was applied for '%s': %s", name,
				  strerror(-r));
	r = np_store_live_load(eng->store, name, &net, err);
	if (r < 0)
		return r;
	return np_engine_plan(eng, net, ret, err);
}

int np_engine_destroy(struct np_engine *eng, const char *name, struct np_err *err)
{
	_np_plan_free_ struct np_plan *plan = NULL;
	int r;

	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	if (!np_store_is_active(eng->store, name)) {
		if (np_store_is_persistent(eng->store, name))
			return np_err_set(err, -EINVAL, "network '%s' is not active", name);
		return not_found(name, err);
	}
	r = np_engine_check_netns(eng, name, err);
	if (r < 0)
		return r;
	r = applied_plan(eng, name, &plan, err);
	if (r < 0)
		return r;
	r = eng->overlap ? np_plan_undo_destroy(plan, eng->ops, eng->ctx, eng->warn, err)
			 : np_plan_undo(plan, eng->ops, eng->ctx, eng->warn, err);
	if (r < 0) {
		np_err_prefix(err, "failed to destroy network '%s'", name);
		return r;
	}
	/* Left by an older netplumb whose plan did not hold them. */
	np_store_live_remove(eng->store, name);
	/* A transient network is gone for good, its ports and files with it. */
	if (!np_store_is_persistent(eng->store, name)) {
		np_store_ports_remove_all(eng->store, name);
		np_store_generated_remove(eng->store, name);
	}
	return 0;
}

int np_engine_undefine(struct np_engine *eng, const char *name, struct np_err *err)
{
	int r;

	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	if (!np_store_is_persistent(eng->store, name)) {
		if (np_store_is_active(eng->store, name))
			return np_err_set(err, -EINVAL, "cannot undefine transient network '%s'", name);
		return not_found(name, err);
	}
	/* An active network stays up and becomes transient, as in libvirt;
	 * an inactive one loses its generated files and leases too. */
	if (!np_store_is_active(eng->store, name)) {
		np_store_generated_remove(eng->store, name);
		np_store_ports_remove_all(eng->store, name);
	}
	r = np_store_def_remove(eng->store, name);
	return r < 0 ? np_err_set(err, r, "cannot remove the definition of '%s': %s", name,
				  strerror(-r))
		     : 0;
}

int np_engine_lookup(struct np_engine *eng, const char *name, bool inactive, struct np_net **ret,
		     struct np_err *err)
{
	int r = -ENOENT;

	/* Every command's lookup: a name the XML could not hold is no
	 * network, and reaches no file name. */
	if (!np_name_valid(NP_NAME_NETWORK, name))
		return np_name_check(NP_NAME_NETWORK, "network", name, err);
	if (!inactive || !np_store_is_persistent(eng->store, name))
		r = np_store_live_load(eng->store, name, ret, err);
	if (r == -ENOENT)
		r = np_store_def_load(eng->store, name, ret, err);
	if (r == -ENOENT)
		return not_found(name, err);
	return r;
}

int np_engine_load_for_plan(struct np_engine *eng, const char *arg, struct np_net **ret,
			    struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL, *old = NULL;
	struct np_err ignored = { { 0 } };
	struct stat stbuf;
	int r;

	if (stat(arg, &stbuf) < 0 || !S_ISREG(stbuf.st_mode))
		return np_engine_lookup(eng, arg, true, ret, err);
	r = load_checked(arg, &net, err);
	if (r < 0)
		return r;
	np_store_def_load(eng->store, net->name, &old, &ignored);
	r = complete_def(eng, net, old, arg, err);
	if (r < 0)
		return r;
	*ret = np_steal(&net);
	return 0;
}

/* resolv.conf is written by root or systemd-resolved and is a few hundred
 * bytes; a bigger file is not one. */
#define RESOLV_MAX (1024 * 1024)

const char *np_engine_resolv_path(void)
{
	const char *p = getenv("NETPLUMB_RESOLV_CONF");

	return p && *p ? p : "/etc/resolv.conf";
}

/* The host's resolv.conf text for a network whose dnsmasq takes its upstream
 * servers from a servers-file, else NULL. A missing file (a dangling
 * systemd-resolved link) means no servers, as dnsmasq itself would have it;
 * an unreadable one too, with a warning, so that destroy and net-list still
 * work. */
static char *read_resolv(struct np_engine *eng, const struct np_net *net)
{
	const char *path = np_engine_resolv_path();
	char *text = NULL;
	int r;

	if (!np_dhcp_uses_servers_file(net))
		return NULL;
	r = np_file_read(path, RESOLV_MAX, &text, NULL);
	if (r < 0 && r != -ENOENT && eng->warn) {
		char msg[600];

		snprintf(msg, sizeof(msg),
			 "cannot read %s: %s; network '%s' gets no upstream DNS servers", path,
			 strerror(-r), net->name);
		eng->warn(msg);
	}
	return r < 0 ? NULL : text;
}

int np_engine_plan(struct np_engine *eng, const struct np_net *net, struct np_plan **ret,
		   struct np_err *err)
{
	struct np_fw_foreign foreign;
	bool seen;

	return plan_seeing(eng, net, ret, &foreign, &seen, err);
}

/* np_engine_plan, also handing back the other tables' drops it planned
 * around (*ret_seen: they could be read), so a start lists them once. */
static int plan_seeing(struct np_engine *eng, const struct np_net *net, struct np_plan **ret,
		       struct np_fw_foreign *foreign, bool *ret_seen, struct np_err *err)
{
	struct np_plan_paths paths;
	_np_free_ char *resolv = NULL;
	int r;

	r = plan_paths(eng, net->name, &paths);
	if (r < 0)
		return np_err_set(err, r, "cannot read the ports of '%s': %s", net->name, strerror(-r));
	paths.netns = eng->netns;
	paths.bus_away = eng->bus_away;
	paths.hooks_dir = eng->hooks_dir;
	resolv = read_resolv(eng, net);
	paths.resolv_text = resolv;
	paths.resolv_path = np_engine_resolv_path();
	/* Not readable (not root: `plan`) is as if there were no other
	 * ruleset. */
	*ret_seen = eng->ops->fw_foreign(eng->ctx, foreign) == 0;
	if (*ret_seen)
		paths.foreign = foreign;
	if (net->vxlan) {
		r = eng->ops->link_addr_get(eng->ctx, net->vxlan->dev,
					    np_plan_vx_family(net->vxlan), &paths.underlay_mtu,
					    &paths.underlay_addr);
		if (r < 0) {
			plan_paths_clear(&paths);
			return np_err_set(err, r, "cannot read interface %s: %s", net->vxlan->dev,
					  strerror(-r));
		}
	}
	r = np_plan_build(net, &paths, ret, err);
	plan_paths_clear(&paths);
	return r;
}

int np_engine_set_autostart(struct np_engine *eng, const char *name, bool on,
			    struct np_err *err)
{
	int r = np_store_lock(eng->store, err);

	if (r < 0)
		return r;
	if (!np_store_is_persistent(eng->store, name)) {
		if (np_store_is_active(eng->store, name))
			return np_err_set(err, -EINVAL,
					  "cannot set autostart for transient network '%s'", name);
		return not_found(name, err);
	}
	r = np_store_set_autostart(eng->store, name, on);
	return r < 0 ? np_err_set(err, r, "cannot change autostart of '%s': %s", name,
				  strerror(-r))
		     : 0;
}

int np_engine_autostart(struct np_engine *eng, bool force, np_autostart_report_fn report,
			int *ret_started, int *ret_failed, struct np_err *err)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	*ret_started = *ret_failed = 0;
	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	if (!force && np_store_autostarted(eng->store))
		return 0;
	r = np_store_list(eng->store, &names, &n);
	if (r < 0)
		return np_err_set(err, r, "cannot list networks");
	for (size_t i = 0; i < n; i++) {
		struct np_err e = { { 0 } };

		if (!np_store_is_autostart(eng->store, names[i]) ||
		    np_store_is_active(eng->store, names[i]))
			continue;
		if (np_engine_start(eng, names[i], &e) < 0) {
			report(names[i], &e);
			(*ret_failed)++;
		} else {
			report(names[i], NULL);
			(*ret_started)++;
		}
	}
	np_store_names_free(names, n);
	r = np_store_mark_autostarted(eng->store);
	return r < 0 ? np_err_set(err, r, "cannot record that autostart ran") : 0;
}

int np_engine_restart_live(struct np_engine *eng, const char *name, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	_np_plan_free_ struct np_plan *old = NULL, *plan = NULL;
	int r;

	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	r = np_engine_check_netns(eng, name, err);
	if (r < 0)
		return r;
	r = np_store_live_load(eng->store, name, &net, err);
	if (r < 0)
		return r;
	r = applied_plan(eng, name, &old, err);
	if (r < 0)
		return r;
	r = np_engine_plan(eng, net, &plan, err);
	if (r < 0)
		return r;
	r = np_plan_undo(old, eng->ops, eng->ctx, eng->warn, err);
	if (r < 0)
		return r;
	r = np_plan_apply(plan, eng->ops, eng->ctx, eng->warn, err);
	if (r < 0) {
		np_err_prefix(err, "failed to restart network '%s'", name);
		return r;
	}
	return 0;
}

int np_engine_active_list(struct np_engine *eng, char ***ret, size_t *ret_n, struct np_err *err)
{
	char **names = NULL;
	size_t n = 0, w = 0;
	int r;

	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	r = np_store_list(eng->store, &names, &n);
	if (r < 0)
		return np_err_set(err, r, "cannot list networks: %s", strerror(-r));
	for (size_t i = 0; i < n; i++) {
		if (np_store_is_active(eng->store, names[i]))
			names[w++] = names[i];
		else
			free(names[i]);
	}
	*ret = names;
	*ret_n = w;
	return 0;
}

int np_engine_record_refresh(struct np_engine *eng, struct np_plan *plan,
			     const struct np_step *applied, struct np_err *err)
{
	_np_plan_free_ struct np_plan *old = NULL;
	_np_free_ char *text = NULL, *path = NULL, *out = NULL;
	const struct np_step *rec = np_plan_find(plan, NP_STEP_RECORD);
	int r;

	r = np_store_record_read(eng->store, plan->net_name, &text, &path);
	if (r == -ENOENT || !rec)
		return 0;
	if (r < 0)
		return np_err_set(err, r, "cannot read what was applied for '%s': %s",
				  plan->net_name, strerror(-r));
	r = np_record_parse(text, path, &old, err);
	if (r < 0)
		return r;
	/* Accepts inserted earlier stay recorded while they may be in place,
	 * even when plan no longer has them: destroy removes them. */
	r = np_record_merge_accepts(plan, old, NULL);
	if (r < 0)
		return r;
	rec = np_plan_find(plan, NP_STEP_RECORD); /* the steps may have moved */
	for (size_t i = 0; i < plan->n_steps; i++) {
		struct np_step *s = &plan->steps[i];

		if (s->kind != NP_STEP_BRIDGE_ADD && s->kind != NP_STEP_PORT_ADD &&
		    s->kind != NP_STEP_VXLAN_ADD)
			continue;
		for (size_t j = 0; j < old->n_steps; j++)
			if (old->steps[j].kind == s->kind && old->steps[j].ifname &&
			    !strcmp(old->steps[j].ifname, s->ifname))
				s->link = old->steps[j].link;
		if (applied && applied->kind == s->kind && !strcmp(applied->ifname, s->ifname))
			s->link = applied->link;
	}
	r = np_record_render(plan, plan->n_steps, &out);
	if (r < 0)
		return r;
	return eng->ops->file_write(eng->ctx, rec->path, out, rec->mode, err);
}

int np_engine_record_update(struct np_engine *eng, const char *name,
			    const struct np_step *applied, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	_np_plan_free_ struct np_plan *plan = NULL;
	int r;

	r = np_store_live_load(eng->store, name, &net, err);
	if (r < 0)
		return r;
	r = np_engine_plan(eng, net, &plan, err);
	return r < 0 ? r : np_engine_record_refresh(eng, plan, applied, err);
}
