#include "cli/cli.h"

#include "common/err.h"
#include "engine/open.h"
#include "engine/timing.h"

#include <errno.h>
#include <sys/stat.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(struct np_cli *c, int argc, char **argv, struct np_err *err);
	const char *usage;
	const char *help;
	unsigned flags;
};

enum {
	CMD_NO_STORE = 1 << 0, /* works on a file alone: opens, creates and seeds nothing */
};

static const struct command commands[] = {
	{ "net-define", np_cmd_define, "net-define FILE [--auto-subnet]",
	  "define a persistent network from an XML file (uuid, bridge and MAC are filled in); "
	  "--auto-subnet: an IPv4 /24 that overlaps a route or another network is moved to the "
	  "first free one from 192.168.122.0/24 up", 0 },
	{ "net-create", np_cmd_create, "net-create FILE",
	  "create and start a transient network from an XML file", 0 },
	{ "net-edit", np_cmd_edit, "net-edit NAME",
	  "edit a definition in $EDITOR; it is validated and redefined (a running network "
	  "keeps running, the change applies at its next start)", 0 },
	{ "net-undefine", np_cmd_undefine, "net-undefine NAME",
	  "remove a persistent definition (an active network keeps running, transient)", 0 },
	{ "net-start", np_cmd_start, "net-start NAME",
	  "start a defined network: bridge, addresses, nft rules, dnsmasq (repairs a degraded "
	  "active one)", 0 },
	{ "net-reload", np_cmd_reload, "net-reload (NAME | --all)",
	  "re-apply an active network's firewall rules, restart its dnsmasq if it died or "
	  "else make it re-read the upstream DNS servers of resolv.conf (NETPLUMB_RESOLV_CONF, "
	  "/etc/resolv.conf), without touching the bridge", 0 },
	{ "net-destroy", np_cmd_destroy, "net-destroy (NAME... | --all)",
	  "stop active networks and remove everything their start created; returns once it is "
	  "all gone", 0 },
	{ "net-autostart", np_cmd_autostart, "net-autostart NAME [--disable]",
	  "mark (or unmark) a persistent network to start at boot", 0 },
	{ "autostart", np_cmd_boot, "autostart [--force]",
	  "start every autostart network, once per boot (--force: again)", 0 },
	{ "net-list", np_cmd_list,
	  "net-list [--all] [--inactive] [--persistent] [--transient] [--autostart] "
	  "[--no-autostart] [--name] [--uuid] [--table] [--json]",
	  "list networks (active ones by default)", 0 },
	{ "doctor", np_cmd_doctor, "doctor [NAME...] [--json] [--fix]",
	  "check the host for what would break the networks (default: the active ones and "
	  "'default'): each finding with its evidence and the command that fixes it; exit 1 "
	  "when something blocks; --fix repairs drift of active networks; --json: see "
	  "docs/doctor.md", 0 },
	{ "net-info", np_cmd_info, "net-info NAME [--json]",
	  "print basic facts about a network, and whether it is degraded", 0 },
	{ "net-dumpxml", np_cmd_dumpxml, "net-dumpxml NAME [--inactive]",
	  "print a network's XML (live when active)", 0 },
	{ "net-update", np_cmd_update,
	  "net-update NAME COMMAND SECTION XML [--live] [--config] [--current] "
	  "[--parent-index N]",
	  "add-first|add-last|add|delete|modify an ip-dhcp-host, ip-dhcp-range, dns-host, "
	  "dns-txt, dns-srv, forward-interface, portgroup, port-forward or vxlan-remote (XML: the element, or "
	  "a file holding it); --live changes the running network, --config the persistent definition",
	  0 },
	{ "net-desc", np_cmd_desc,
	  "net-desc NAME [--title] [--live] [--config] [--current] [TEXT | --new-desc TEXT]",
	  "print a network's description (--title: its title), or set it to TEXT (\"\" "
	  "removes it); live when active, --config the persistent definition",
	  0 },
	{ "net-dhcp-leases", np_cmd_leases,
	  "net-dhcp-leases NAME [--mac MAC | --wait MAC [--timeout SECONDS]] [--json]",
	  "print the DHCP leases of an active network; --wait: wait until that MAC holds one "
	  "(inotify on the lease file; default timeout 60 s, then exit 1)", 0 },
	{ "net-uuid", np_cmd_uuid, "net-uuid NAME", "print a network's uuid", 0 },
	{ "net-name", np_cmd_name, "net-name UUID", "print the name of the network with a uuid",
	  0 },
	{ "port-add", np_cmd_port_add,
	  "port-add NAME (--tap TAP [--owner USER] | --veth NETNS [--peer IF]) [--ifname IF] "
	  "[--mac MAC] [--portgroup PG] [--isolated yes|no] [--inbound AVERAGE[,PEAK[,BURST]]] "
	  "[--outbound AVERAGE[,PEAK[,BURST]]] [--json]",
	  "attach a guest: a persistent tap for a hypervisor, or a veth into a namespace; prints "
	  "the guest MAC and, for a tap, how QEMU, cloud-hypervisor and Firecracker attach to it "
	  "(ports come back whenever the network starts); --inbound/--outbound: its own rates as "
	  "virsh attach-interface's (KiB/s, KiB), instead of its portgroup's <bandwidth>", 0 },
	{ "port-list", np_cmd_port_list, "port-list NAME [--json]", "list a network's guest ports",
	  0 },
	{ "port-delete", np_cmd_port_delete, "port-delete NAME PORT", "detach and forget a port",
	  0 },
	{ "plan", np_cmd_plan, "plan NAME|FILE [--json] [--show nft|dnsmasq-conf|dnsmasq-hosts]",
	  "print every change net-start would make, without making any", 0 },
	{ "validate", np_cmd_validate, "validate FILE",
	  "check a network XML file and print it in libvirt's canonical form", CMD_NO_STORE },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netplumb [OPTIONS] COMMAND [ARGS...]\n"
		"libvirt's virtual networks without libvirtd.\n\n"
		"Options:\n"
		"  --config-dir DIR  persistent definitions (NETPLUMB_CONFIG_DIR, /etc/netplumb/networks)\n"
		"  --state-dir DIR   generated files and leases (NETPLUMB_STATE_DIR, /var/lib/netplumb)\n"
		"  --run-dir DIR     live state, pid files, lock (NETPLUMB_RUN_DIR, /run/netplumb)\n"
		"  --netns NAME      work inside the named network namespace (NETPLUMB_NETNS),\n"
		"                    with a store of its own under .../netns/NAME\n"
		"  -h, --help        this help; 'netplumb help COMMAND' for one command\n"
		"  -V, --version     print the version\n\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-66s\n      %s\n", commands[i].usage, commands[i].help);
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_warning(const char *msg)
{
	fprintf(stderr, "netplumb: warning: %s\n", msg);
}

static int fail(const struct np_err *err, int r)
{
	fprintf(stderr, "netplumb: error: %s\n", err->msg[0] ? err->msg : strerror(-r));
	return 1;
}

int np_cli_main(int argc, char **argv)
{
	struct np_engine_dirs dirs = { 0 };
	struct np_err err = { { 0 } };
	struct np_cli cli = { 0 };
	const struct command *cmd;
	bool netns_from_env = false;
	int i, r, rc;

	long long t0 = np_time_ns();

	setlocale(LC_CTYPE, "");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char **slot = NULL;

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("netplumb %s\n", NP_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "--config-dir"))
			slot = &dirs.config_dir;
		else if (!strcmp(argv[i], "--state-dir"))
			slot = &dirs.state_dir;
		else if (!strcmp(argv[i], "--run-dir"))
			slot = &dirs.run_dir;
		else if (!strcmp(argv[i], "--netns"))
			slot = &dirs.netns;
		if (!slot) {
			np_err_set(&err, -EINVAL, "unknown option '%s' (see netplumb --help)", argv[i]);
			return fail(&err, -EINVAL);
		}
		if (i + 1 >= argc) {
			np_err_set(&err, -EINVAL, "option '%s' needs a directory", argv[i]);
			return fail(&err, -EINVAL);
		}
		*slot = argv[++i];
	}
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[i], "help")) {
		cmd = i + 1 < argc ? find(argv[i + 1]) : NULL;
		if (!cmd) {
			usage(stdout);
			return 0;
		}
		printf("Usage: netplumb %s\n  %s\n", cmd->usage, cmd->help);
		return 0;
	}
	cmd = find(argv[i]);
	if (!cmd) {
		np_err_set(&err, -EINVAL, "unknown command '%s' (see netplumb --help)", argv[i]);
		return fail(&err, -EINVAL);
	}
	for (int k = i + 1; k < argc; k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			printf("Usage: netplumb %s\n  %s\n", cmd->usage, cmd->help);
			return 0;
		}

	if (!dirs.netns) {
		const char *e = getenv("NETPLUMB_NETNS");

		dirs.netns = e && *e ? e : NULL;
		netns_from_env = dirs.netns != NULL;
	}
	/* Before any socket is opened: everything from here on, dnsmasq
	 * included, lives in that namespace. */
	if (dirs.netns) {
		r = np_engine_netns_enter(netns_from_env ? "NETPLUMB_NETNS" : "--netns",
					  dirs.netns, &err);
		if (r < 0)
			return fail(&err, r);
	}
	if (cmd->flags & CMD_NO_STORE) {
		r = cmd->run(&cli, argc - i, argv + i, &err);
		return r < 0 ? fail(&err, r) : 0;
	}
	/* `plan FILE` explains a file: it must not create or seed a store. */
	if (!strcmp(cmd->name, "plan"))
		for (int k = i + 1; k < argc; k++) {
			struct stat stbuf;

			if (argv[k][0] != '-' && stat(argv[k], &stbuf) == 0 && S_ISREG(stbuf.st_mode))
				dirs.readonly = true;
		}
	r = np_engine_open(&dirs, print_warning, &cli.eng, &err);
	if (r < 0)
		return fail(&err, r);
	r = cmd->run(&cli, argc - i, argv + i, &err);
	rc = r < 0 ? fail(&err, r) : cli.exit_code;
	np_engine_close(cli.eng);
	np_timing_add(NP_PHASE_TOTAL, np_time_ns() - t0);
	if (getenv("NETPLUMB_TIMING"))
		np_timing_print(stderr);
	return rc;
}
