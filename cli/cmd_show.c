/* Commands that only read: listing, XML, leases, plan, validate. */
#include "cli/cli.h"

#include "cli/args.h"
#include "cli/pf_info.h"
#include "cli/table.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/escape.h"
#include "common/json.h"
#include "common/name.h"
#include "common/util.h"
#include "dhcp/leases.h"
#include "common/addr.h"
#include "engine/health.h"
#include "engine/lease_wait.h"
#include "engine/lifecycle.h"
#include "engine/plan.h"
#include "engine/query.h"
#include "xml/net.h"
#include "xml/xml.h"
#include "xml/unplumbed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

/* net-list's State column. Live state is checked, not trusted. */
static const char *list_state(struct np_cli *c, const char *name, bool active)
{
	struct np_err ignored = { { 0 } };
	struct np_health h;

	if (!active)
		return "inactive";
	if (np_engine_health(c->eng, name, false, &h, &ignored) < 0 || np_health_ok(&h))
		return "active";
	return h.starting ? "starting" : "degraded";
}

int np_cmd_list(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = {
		{ .name = "--all" },	    { .name = "--inactive" },	  { .name = "--name" },
		{ .name = "--uuid" },	    { .name = "--table" },	  { .name = "--persistent" },
		{ .name = "--transient" },  { .name = "--autostart" },	  { .name = "--no-autostart" },
		{ .name = "--json" },
	};
	struct np_buf json = { 0 };
	bool opt_json;
	const size_t n_args = NP_ARRAY_SIZE(args);
	struct np_table *t = NULL;
	char **names = NULL;
	size_t n = 0;
	bool all, inactive, opt_name, opt_uuid, pers, trans, auto_on, auto_off;
	int r;

	r = np_args_parse(argc, argv, args, n_args, NULL, 0, 0, err);
	if (r < 0)
		return r;
	all = np_args_has(args, n_args, "--all");
	inactive = np_args_has(args, n_args, "--inactive");
	opt_name = np_args_has(args, n_args, "--name");
	opt_uuid = np_args_has(args, n_args, "--uuid");
	pers = np_args_has(args, n_args, "--persistent");
	trans = np_args_has(args, n_args, "--transient");
	auto_on = np_args_has(args, n_args, "--autostart");
	auto_off = np_args_has(args, n_args, "--no-autostart");
	opt_json = np_args_has(args, n_args, "--json");
	if (opt_name + opt_uuid + np_args_has(args, n_args, "--table") + opt_json > 1)
		return np_err_set(err, -EINVAL,
				  "net-list: only one of --table, --name, --uuid and --json may be given");
	if (opt_json)
		opt_uuid = true;
	r = np_engine_list(c->eng, &names, &n, err);
	if (r < 0)
		return r;
	if (!opt_name && !opt_uuid) {
		static const char *const hdr[] = { "Name", "State", "Autostart", "Persistent" };

		r = np_table_new(4, hdr, &t);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		_np_net_free_ struct np_net *net = NULL;
		struct np_err ignored = { { 0 } };
		struct np_net_status st;
		char uuid[37] = "";
		bool active, persistent, autostart;

		np_engine_status(c->eng, names[i], &st);
		active = st.active;
		persistent = st.persistent;
		autostart = st.autostart;

		if (!all && (inactive ? active : !active))
			continue;
		if ((pers && !trans && !persistent) || (trans && !pers && persistent))
			continue;
		if ((auto_on && !auto_off && !autostart) || (auto_off && !auto_on && autostart))
			continue;
		if (opt_uuid) {
			if (np_engine_lookup(c->eng, names[i], false, &net, &ignored) < 0)
				continue;
			np_uuid_str(net->uuid, uuid);
		}
		if (opt_json) {
			const char *state = list_state(c, names[i], active);
			np_buf_add(&json, json.len ? ",\n  {" : "[\n  {");
			np_json_kv(&json, true, "name", names[i]);
			np_json_kv(&json, false, "uuid", uuid);
			np_json_kv(&json, false, "state", state);
			np_json_kb(&json, false, "active", active);
			np_json_kb(&json, false, "autostart", autostart);
			np_json_kb(&json, false, "persistent", persistent);
			np_json_kv(&json, false, "bridge", net ? net->bridge.name : NULL);
			np_buf_addc(&json, '}');
		} else if (t) {
			const char *state = list_state(c, names[i], active);
			const char *row[] = {
				names[i],
				state,
				autostart ? "yes" : "no",
				persistent ? "yes" : "no",
			};

			r = np_table_add(t, row);
			if (r < 0)
				goto out;
		} else if (opt_uuid) {
			printf("%s\n", uuid);
		} else {
			char esc[NP_TERM_MAX];

			printf("%s\n", np_term_str(names[i], esc, sizeof(esc)));
		}
	}
	if (opt_json) {
		fputs(json.len ? np_buf_str(&json) : "[", stdout);
		fputs(json.len ? "\n]\n" : "]\n", stdout);
		goto out;
	}
	if (t)
		np_table_print(t, stdout);
	printf("\n");
out:
	np_buf_free(&json);
	np_table_free(t);
	np_engine_names_free(names, n);
	return r < 0 ? r : 0;
}

int np_cmd_info(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	const char *name;
	char uuid[37];

	struct np_arg args[] = { { .name = "--json" } };
	struct np_health h = { .bridge = true, .firewall = true, .foreign = true, .dnsmasq = true };
	struct np_net_status st;
	bool active;
	char what[128] = "", esc[NP_TERM_MAX];
	int r;

	r = np_args_network(argc, argv, args, 1, &name, err);
	if (r < 0)
		return r;
	r = np_engine_lookup(c->eng, name, false, &net, err);
	if (r < 0)
		return r;
	np_uuid_str(net->uuid, uuid);
	np_engine_status(c->eng, name, &st);
	active = st.active;
	if (active) {
		r = np_engine_health(c->eng, name, true, &h, err);
		if (r < 0)
			return r;
		np_health_describe(&h, what, sizeof(what));
	}
	if (np_args_has(args, 1, "--json")) {
		struct np_buf b = { 0 };

		np_buf_addc(&b, '{');
		np_json_kv(&b, true, "name", net->name);
		np_json_kv(&b, false, "uuid", uuid);
		np_json_kb(&b, false, "active", active);
		np_json_kv(&b, false, "state",
			   !active ? "inactive" : np_health_ok(&h) ? "active" : "degraded");
		np_json_kv(&b, false, "problems", what);
		np_json_kb(&b, false, "persistent", st.persistent);
		np_json_kb(&b, false, "autostart", st.autostart);
		np_json_kv(&b, false, "bridge", net->bridge.name);
		np_json_kv(&b, false, "forward", np_fwd_mode_names[net->forward.mode]);
		np_cli_pf_json(&b, net);
		np_buf_add(&b, "}\n");
		fputs(np_buf_str(&b), stdout);
		np_buf_free(&b);
		return 0;
	}
	printf("%-15s %s\n", "Name:", np_term_str(net->name, esc, sizeof(esc)));
	printf("%-15s %s\n", "UUID:", uuid);
	if (active) {
		if (np_health_ok(&h))
			printf("%-15s %s\n", "Active:", "yes");
		else
			printf("%-15s yes (degraded: %s)\n", "Active:", what);
	} else {
		printf("%-15s %s\n", "Active:", "no");
	}
	printf("%-15s %s\n", "Persistent:", st.persistent ? "yes" : "no");
	printf("%-15s %s\n", "Autostart:", st.autostart ? "yes" : "no");
	if (net->bridge.name)
		printf("%-15s %s\n", "Bridge:", np_term_str(net->bridge.name, esc, sizeof(esc)));
	np_cli_pf_print(stdout, net);
	printf("\n");
	return 0;
}

int np_cmd_dumpxml(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--inactive" } };
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ char *xml = NULL;
	const char *name;
	bool inactive;
	int r;

	r = np_args_network(argc, argv, args, 1, &name, err);
	if (r < 0)
		return r;
	inactive = np_args_has(args, 1, "--inactive");
	r = np_engine_lookup(c->eng, name, inactive, &net, err);
	if (r < 0)
		return r;
	if (np_xml_net_format(net, inactive ? NP_XML_FORMAT_INACTIVE : 0, &xml) < 0)
		return np_err_set(err, -ENOMEM, "cannot format network '%s'", name);
	/* virsh follows the document with an empty line. */
	printf("%s\n", xml);
	return 0;
}

static unsigned lease_prefix(const struct np_net *net, const struct np_dhcp_lease *l)
{
	struct np_addr a;

	if (np_addr_parse(l->ip, l->family, &a) < 0)
		return 0;
	for (size_t i = 0; i < net->n_ips; i++)
		if (np_addr_in_subnet(&a, &net->ips[i].address, net->ips[i].prefix))
			return net->ips[i].prefix;
	return l->family == AF_INET6 ? 64 : 24;
}

/* --wait MAC [--timeout S]: blocks until that MAC holds a lease of an
 * active network; the listing that follows shows just that lease. */
static int wait_lease(struct np_cli *c, const char *name, const char *wait, const char *mac,
		      const char *timeout, struct np_err *err)
{
	struct np_net_status st;
	struct np_dhcp_lease lease;
	uint8_t bin[NP_MAC_LEN];
	long secs = 60;
	char *end;

	if (!wait)
		return np_err_set(err, -EINVAL, "net-dhcp-leases: --timeout needs --wait MAC");
	if (mac)
		return np_err_set(err, -EINVAL, "net-dhcp-leases: --mac and --wait exclude each other");
	if (np_mac_parse(wait, bin) < 0)
		return np_err_set(err, -EINVAL, "net-dhcp-leases: --wait '%s': not a MAC address",
				  wait);
	if (timeout) {
		errno = 0;
		secs = strtol(timeout, &end, 10);
		if (errno || end == timeout || *end || secs < 0 || secs > 86400)
			return np_err_set(err, -EINVAL,
					  "net-dhcp-leases: --timeout '%s': not a number of seconds "
					  "(0-86400)",
					  timeout);
	}
	np_engine_status(c->eng, name, &st);
	if (!st.active)
		return np_err_set(err, -EINVAL, "network '%s' is not active", name);
	return np_engine_lease_wait(c->eng, name, wait, (int)secs, &lease, err);
}

int np_cmd_leases(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	static const char *const hdr[] = { "Expiry Time", "MAC address",   "Protocol",
					   "IP address",  "Hostname",      "Client ID or DUID" };
	struct np_arg args[] = { { .name = "--mac", .takes_value = true },
				 { .name = "--json" },
				 { .name = "--wait", .takes_value = true },
				 { .name = "--timeout", .takes_value = true } };
	const size_t na = NP_ARRAY_SIZE(args);
	struct np_buf json = { 0 };
	bool opt_json;
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ struct np_dhcp_lease *leases = NULL;
	struct np_table *t = NULL;
	const char *name, *mac;
	size_t n = 0;
	int r;

	r = np_args_network(argc, argv, args, na, &name, err);
	if (r < 0)
		return r;
	mac = np_args_value(args, na, "--mac");
	opt_json = np_args_has(args, na, "--json");
	/* As with virsh, the leases of an inactive network are still shown
	 * until it is undefined (dnsmasq's lease file outlives it). */
	r = np_engine_lookup(c->eng, name, false, &net, err);
	if (r < 0)
		return r;
	if (np_args_value(args, na, "--wait") || np_args_value(args, na, "--timeout")) {
		r = wait_lease(c, name, np_args_value(args, na, "--wait"), mac,
			       np_args_value(args, na, "--timeout"), err);
		if (r < 0)
			return r;
		mac = np_args_value(args, na, "--wait");
	}
	r = np_engine_leases(c->eng, name, time(NULL), &leases, &n, err);
	if (r < 0)
		return r;
	r = np_table_new(6, hdr, &t);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct np_dhcp_lease *l = &leases[i];
		char expiry[32] = "", ip[64];
		time_t when = (time_t)l->expiry;
		struct tm tm;

		if (mac && strcasecmp(mac, l->mac))
			continue;
		if (l->expiry && localtime_r(&when, &tm))
			strftime(expiry, sizeof(expiry), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(ip, sizeof(ip), "%s/%u", l->ip, lease_prefix(net, l));
		if (opt_json) {
			np_buf_add(&json, json.len ? ",\n  {" : "[\n  {");
			np_json_kn(&json, true, "expirytime", l->expiry);
			np_json_kv(&json, false, "mac", l->mac[0] ? l->mac : NULL);
			np_json_kv(&json, false, "type", l->family == AF_INET6 ? "ipv6" : "ipv4");
			np_json_kv(&json, false, "ipaddr", l->ip);
			np_json_kn(&json, false, "prefix", lease_prefix(net, l));
			np_json_kv(&json, false, "hostname", l->hostname[0] ? l->hostname : NULL);
			np_json_kv(&json, false, "clientid", l->clientid[0] ? l->clientid : NULL);
			np_json_kv(&json, false, "iaid", l->iaid[0] ? l->iaid : NULL);
			np_buf_addc(&json, '}');
			continue;
		}
		const char *row[] = {
			l->expiry ? expiry : "infinite", l->mac[0] ? l->mac : "-",
			l->family == AF_INET6 ? "ipv6" : "ipv4", ip,
			l->hostname[0] ? l->hostname : "-", l->clientid[0] ? l->clientid : "-",
		};
		r = np_table_add(t, row);
		if (r < 0)
			goto out;
	}
	if (opt_json)
		printf("%s%s", json.len ? np_buf_str(&json) : "[", json.len ? "\n]\n" : "]\n");
	else
		np_table_print(t, stdout);
	if (!opt_json)
		printf("\n");
out:
	np_buf_free(&json);
	np_table_free(t);
	return r < 0 ? r : 0;
}

int np_cmd_uuid(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	const char *name;
	char uuid[37];
	int r;

	r = np_args_network(argc, argv, NULL, 0, &name, err);
	if (r < 0)
		return r;
	r = np_engine_lookup(c->eng, name, false, &net, err);
	if (r < 0)
		return r;
	np_uuid_str(net->uuid, uuid);
	printf("%s\n\n", uuid);
	return 0;
}

int np_cmd_name(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	const char *arg;
	uint8_t want[16];
	char **names = NULL;
	size_t n = 0;
	bool found = false;
	int r;

	r = np_args_parse(argc, argv, NULL, 0, &arg, 1, 1, err);
	if (r < 0)
		return r;
	if (np_uuid_parse(arg, want) < 0)
		return np_err_set(err, -EINVAL, "'%s' is not a uuid", arg);
	r = np_engine_list(c->eng, &names, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && !found; i++) {
		_np_net_free_ struct np_net *net = NULL;
		struct np_err ignored = { { 0 } };

		if (np_engine_lookup(c->eng, names[i], false, &net, &ignored) == 0 && net->has_uuid &&
		    !memcmp(net->uuid, want, 16)) {
			char esc[NP_TERM_MAX];

			printf("%s\n\n", np_term_str(net->name, esc, sizeof(esc)));
			found = true;
		}
	}
	np_engine_names_free(names, n);
	if (!found)
		return np_err_set(err, -ENOENT, "no network with uuid '%s'", arg);
	return 0;
}

int np_cmd_plan(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--json" }, { .name = "--show", .takes_value = true } };
	_np_net_free_ struct np_net *net = NULL;
	_np_plan_free_ struct np_plan *plan = NULL;
	const struct np_step *s;
	const char *arg, *show;
	int r;

	r = np_args_parse(argc, argv, args, 2, &arg, 1, 1, err);
	if (r < 0)
		return r;
	show = np_args_value(args, 2, "--show");
	r = np_engine_load_for_plan(c->eng, arg, &net, err);
	if (r < 0)
		return r;
	r = np_engine_plan(c->eng, net, &plan, err);
	if (r < 0)
		return r;
	if (!show) {
		if (np_args_has(args, 2, "--json"))
			np_plan_print_json(plan, stdout);
		else
			np_plan_print(plan, stdout);
		return 0;
	}
	if (!strcmp(show, "nft")) {
		s = np_plan_find(plan, NP_STEP_FW_APPLY);
		fputs(s ? s->text : "", stdout);
	} else if (!strcmp(show, "dnsmasq-conf")) {
		s = np_plan_file_step(plan, ".conf");
		fputs(s ? s->data : "", stdout);
	} else if (!strcmp(show, "dnsmasq-hosts")) {
		s = np_plan_file_step(plan, ".hostsfile");
		fputs(s ? s->data : "", stdout);
	} else {
		return np_err_set(err, -EINVAL,
				  "plan: unknown --show '%s' (nft, dnsmasq-conf, dnsmasq-hosts)", show);
	}
	return 0;
}

int np_cmd_validate(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	struct np_unplumbed notes;
	_np_free_ char *xml = NULL;
	const char *file;
	int r;

	r = np_args_parse(argc, argv, NULL, 0, &file, 1, 1, err);
	if (r < 0)
		return r;
	r = np_xml_net_parse_file(file, &net, err);
	if (r < 0)
		return r;
	r = np_net_validate(net, file, err);
	if (r < 0)
		return r;
	np_net_unplumbed(net, &notes);
	for (size_t i = 0; i < notes.n; i++)
		fprintf(stderr, "netplumb: note: %s: %s%s\n", file, notes.items[i].what,
			notes.items[i].refuse_start ? " (net-start refuses it)" : "");
	if (np_xml_net_format(net, NP_XML_FORMAT_INACTIVE, &xml) < 0)
		return np_err_set(err, -ENOMEM, "cannot format %s", file);
	fputs(xml, stdout);
	return 0;
}
