/* The plan for the default network and the golden networks: its shape, that
 * what `plan` prints is exactly what apply executes (through the recording
 * fake), rollback at every step, and that undo is apply's reverse. */
#include "check.h"
#include "foreign-text.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "engine/default_net.h"
#include "engine/ops.h"
#include "engine/plan.h"
#include "engine/port.h"
#include "engine/record.h"
#include "firewall/foreign.h"
#include "netlink/nl.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <dirent.h>
#include <errno.h>
#include <linux/pkt_sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake-ops.h"

#define MODES_DIR NP_TEST_DATA "/../../e2e/data/modes"

static const struct np_plan_paths paths = {
	.state_dir = "/var/lib/netplumb",
	.run_dir = "/run/netplumb",
	.dnsmasq_user = "dnsmasq",
	.resolv_text = "search lan\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\n",
	.resolv_path = "/etc/resolv.conf",
	.netns = "net:[4026531840]",
};

/* Plans that are applied (the fake writes files) use a private dir. */
static char tmp[] = "/tmp/np-test-plan-XXXXXX";
static struct np_plan_paths tmp_paths;

static struct np_net *parse(const char *xml, const char *label)
{
	struct np_err err = { { 0 } };
	struct np_net *net = NULL;

	if (np_xml_net_parse(xml, strlen(xml), label, &net, &err) < 0) {
		fprintf(stderr, "parse %s: %s\n", label, err.msg);
		return NULL;
	}
	/* What define adds: a fixed uuid and MAC keep the golden stable. */
	memcpy(net->uuid, (uint8_t[]){ 0xde, 0xc3, 0x78, 0x11, 0x45, 0x16, 0x4f, 0x47, 0x99, 0x69,
				       0xfe, 0xaa, 0x0a, 0x72, 0xf1, 0x85 },
	       16);
	net->has_uuid = true;
	net->uuid_generated = false;
	if (!net->has_mac) {
		net->has_mac = true;
		memcpy(net->mac, (uint8_t[]){ 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 6);
	}
	return net;
}

static struct np_plan *build(const struct np_net *net, const struct np_plan_paths *p)
{
	struct np_err err = { { 0 } };
	struct np_plan *plan = NULL;

	if (np_plan_build(net, p, &plan, &err) < 0)
		fprintf(stderr, "plan %s: %s\n", net->name, err.msg);
	return plan;
}

static char warned[512];
static int n_warned;

static void collect_warning(const char *msg)
{
	snprintf(warned, sizeof(warned), "%s", msg);
	n_warned++;
}

/* <domain register='yes'> from another network namespace than PID 1's
 * (--netns): no resolvectl step, one warning when applied, one line in
 * `plan`; the rest of the plan is the same. */
static void test_register_away(void)
{
	static const char xml[] = "<network><name>rg</name><forward mode='nat'/>"
				  "<bridge name='nprg0'/>"
				  "<domain name='rg.test' register='yes'/>"
				  "<ip address='192.168.83.1' prefix='24'><dhcp>"
				  "<range start='192.168.83.2' end='192.168.83.9'/></dhcp></ip>"
				  "</network>";
	struct np_net *net = parse(xml, "rg.xml");
	struct np_plan_paths away = tmp_paths;
	_np_plan_free_ struct np_plan *here = NULL, *plan = NULL;
	struct np_err err = { { 0 } };
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	struct fake fk;

	away.bus_away = true;
	if (!net) {
		CHECK(false);
		return;
	}
	here = build(net, &tmp_paths);
	plan = build(net, &away);
	CHECK(here && !here->skipped);
	CHECK(plan && plan->skipped &&
	      strstr(plan->skipped, "<domain register='yes'>: not registered with "
				    "systemd-resolved: bridge nprg0 is not in the network "
				    "namespace of PID 1"));
	/* the two resolvectl steps are left out, and the firewalld zone a
	 * bridge without <bridge zone> gets: the bus's firewalld is not this
	 * namespace's either */
	CHECK(here && plan && plan->n_steps + 3 == here->n_steps);
	CHECK(here && np_plan_find(here, NP_STEP_TOOL) &&
	      np_plan_find(here, NP_STEP_TOOL)->if_firewalld);
	CHECK(plan && !np_plan_find(plan, NP_STEP_TOOL));
	if (!plan || !plan->skipped) {
		np_net_free(net);
		return;
	}
	f = open_memstream(&out, &len);
	CHECK(f != NULL);
	if (f) {
		np_plan_print(plan, f);
		fclose(f);
		CHECK(strstr(out, "\n# skipped: <domain register='yes'>: not registered") != NULL);
		CHECK(!strstr(out, "resolvectl"));
		free(out);
	}
	{
		/* <bridge zone> there: the bus's firewalld is not this
		 * namespace's, refused before anything is done */
		static const char zxml[] = "<network><name>zn</name><forward mode='nat'/>"
					   "<bridge name='npzn0' zone='trusted'/>"
					   "<ip address='192.168.84.1' prefix='24'/></network>";
		struct np_net *zn = parse(zxml, "zn.xml");
		struct np_plan *zp = NULL;
		struct np_err ze = { { 0 } };

		CHECK(zn && np_plan_build(zn, &away, &zp, &ze) == -EHOSTDOWN && !zp);
		CHECK(strstr(ze.msg, "network 'zn': <bridge zone='trusted'>: no firewalld serves the "
				     "network namespace of bridge npzn0") != NULL);
		np_plan_free(zp);
		np_net_free(zn);
	}
	fake_init(&fk);
	n_warned = 0;
	CHECK(np_plan_apply(plan, &fake_ops, &fk, collect_warning, &err) == 0);
	CHECK(n_warned == 1 && !strcmp(warned, plan->skipped));
	CHECK(!strstr(np_buf_str(&fk.log), "resolvectl"));
	CHECK(strstr(np_buf_str(&fk.log), "dnsmasq_start") != NULL);
	CHECK(np_plan_undo(plan, &fake_ops, &fk, NULL, &err) == 0);
	fake_free(&fk);
	np_net_free(net);
}

static void test_shape(const struct np_plan *plan)
{
	const struct np_step *br = np_plan_find(plan, NP_STEP_BRIDGE_ADD);
	const struct np_step *fw = np_plan_find(plan, NP_STEP_FW_APPLY);
	const struct np_step *addr = np_plan_find(plan, NP_STEP_ADDR_ADD);
	const struct np_step *up = np_plan_find(plan, NP_STEP_LINK_UP);
	const struct np_step *dm = np_plan_find(plan, NP_STEP_DNSMASQ_START);
	const struct np_step *rec = np_plan_find(plan, NP_STEP_RECORD);
	const struct np_step *hook = np_plan_find(plan, NP_STEP_HOOK);
	const struct np_step *live = np_plan_file_step(plan, "/default.xml");
	char a[NP_ADDR_STRLEN];

	CHECK(plan->n_steps > 5);
	CHECK(plan->steps[0].kind == NP_STEP_CHECK_LINK_FREE);
	CHECK(br && !strcmp(br->ifname, "virbr0") && br->has_mac && br->stp == 1 &&
	      br->delay_cs == 0);
	CHECK(addr && addr->prefix == 24);
	CHECK_STR(addr ? np_addr_str(&addr->addr, a) : NULL, "192.168.122.1");
	CHECK(fw && strstr(fw->text, "masquerade") && strstr(fw->undo_text, "delete"));
	/* the live record and the hook first, then the bridge, its address,
	 * the rules and dnsmasq, then the record of it all and the marker */
	CHECK(live && hook && !strcmp(hook->key, "start") && live < hook && hook < br);
	CHECK(br < addr && addr < up && up < fw && fw < dm && dm < rec);
	CHECK(rec && !strcmp(rec->path, "/run/netplumb/default.applied"));
	CHECK(plan->steps[plan->n_steps - 2].kind == NP_STEP_HOOK &&
	      plan->steps[plan->n_steps - 2].optional);
	CHECK(plan->steps[plan->n_steps - 1].kind == NP_STEP_FILE_WRITE &&
	      strstr(plan->steps[plan->n_steps - 1].path, "default.started"));
	/* no DHCP checksum rule outside our table */
	for (size_t i = 0; i < plan->n_steps; i++)
		CHECK(!plan->steps[i].text || !strstr(plan->steps[i].text, "mangle"));
}

/* A dnsmasq that binds once and does no IPv6 leaves the rtnetlink groups
 * right after it serves; one that uses address events (IPv6, a bind mode
 * of its own, an option that re-reads interfaces) keeps them. */
static void test_mute(void)
{
	static const struct {
		const char *opt;
		bool v6, want;
	} cases[] = {
		{ NULL, false, true },
		{ "no-ping", false, true },
		{ NULL, true, false },
		{ "local-service", false, false },
		{ "  bind-dynamic", false, false },
		{ "alias=10.8.9.0,10.9.9.0", false, false },
		{ "enable-ra", false, false },
		{ "localise-queries", false, false },
		{ "local-service-x", false, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char xml[1024];
		struct np_net *net;
		struct np_plan *plan;
		const struct np_step *mute, *dm;
		struct fake f = { 0 };
		struct np_err err = { { 0 } };

		snprintf(xml, sizeof(xml),
			 "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>"
			 "<name>m</name><forward mode='nat'/><bridge name='vbm0'/>"
			 "<ip address='10.8.9.1' prefix='24'><dhcp><range start='10.8.9.2' "
			 "end='10.8.9.9'/></dhcp></ip>%s%s%s%s</network>",
			 cases[i].v6 ? "<ip family='ipv6' address='fd00:9::1' prefix='64'/>" : "",
			 cases[i].opt ? "<dnsmasq:options><dnsmasq:option value='" : "",
			 cases[i].opt ? cases[i].opt : "", cases[i].opt ? "'/></dnsmasq:options>" : "");
		fake_init(&f);
		net = parse(xml, "mute.xml");
		plan = net ? build(net, &tmp_paths) : NULL;
		mute = plan ? np_plan_find(plan, NP_STEP_DNSMASQ_MUTE) : NULL;
		dm = plan ? np_plan_find(plan, NP_STEP_DNSMASQ_START) : NULL;
		CHECK(plan && dm && (mute != NULL) == cases[i].want);
		if (plan && (mute != NULL) != cases[i].want)
			fprintf(stderr, "  case %zu (%s)\n", i, cases[i].opt ? cases[i].opt : "-");
		if (mute) {
			/* right after it serves; nothing of it to undo */
			CHECK(mute == dm + 1 && !strcmp(mute->pid_path, dm->pid_path));
			CHECK(np_plan_apply(plan, &fake_ops, &f, NULL, &err) == 0 && f.mutes == 1);
			CHECK(np_plan_undo(plan, &fake_ops, &f, NULL, &err) == 0 && fake_clean(&f));
			CHECK(strstr(np_buf_str(&f.log), "dnsmasq_mute ") >
			      strstr(np_buf_str(&f.log), "dnsmasq_start "));
		}
		fake_free(&f);
		np_plan_free(plan);
		np_net_free(net);
	}
}

static void test_servers_file(const struct np_plan *plan)
{
	const struct np_step *sv = np_plan_file_step(plan, NP_PLAN_SERVERS_SUFFIX);
	const struct np_step *conf = np_plan_file_step(plan, "default.conf");
	const struct np_step *dm = np_plan_find(plan, NP_STEP_DNSMASQ_START);

	CHECK(sv && !strcmp(sv->path, "/var/lib/netplumb/default.servers") && sv->generated);
	CHECK_STR(sv ? sv->data : NULL, "server=192.0.2.53\nserver=fe80::1%eth0\n");
	CHECK(conf && strstr(conf->data, "\nno-resolv\nservers-file=/var/lib/netplumb/default.servers\n"));
	CHECK(sv && dm && sv < dm);
}

/* The command lines of a printed plan, one canonical line per system change,
 * in the form the fake logs its calls: the printout and the execution must
 * agree call for call. */
/* Splits a printed command line into the words bash would pass (bare,
 * '...' and $'...' with \xHH, as np_shell_quote writes them), into buf (as
 * long as the line). Stops at a comment or at a here-document, whose end word
 * goes to *end_word. Returns the number of words. */
static int shell_words(const char *line, char *buf, char **w, int max, char **end_word)
{
	int n = 0;
	bool heredoc = false;

	for (const char *p = line; *p && n < max;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '#')
			break;
		if (!strncmp(p, "<<", 2)) {
			heredoc = true;
			p += 2;
		}
		w[n] = buf;
		while (*p && *p != ' ') {
			if (*p == '\'') {
				for (p++; *p && *p != '\''; )
					*buf++ = *p++;
				p += *p == '\'';
			} else if (p[0] == '$' && p[1] == '\'') {
				for (p += 2; *p && *p != '\'';) {
					unsigned v;

					if (p[0] == '\\' && p[1] == 'x' && sscanf(p + 2, "%2x", &v) == 1) {
						*buf++ = (char)v;
						p += 4;
					} else if (p[0] == '\\' && p[1]) {
						*buf++ = p[1] == 'n' ? '\n' : p[1] == 't' ? '\t' : p[1];
						p += 2;
					} else {
						*buf++ = *p++;
					}
				}
				p += *p == '\'';
			} else if (*p == '\\' && p[1]) {
				*buf++ = p[1];
				p += 2;
			} else {
				*buf++ = *p++;
			}
		}
		*buf++ = '\0';
		if (heredoc) {
			*end_word = strdup(w[n]);
			break;
		}
		n++;
	}
	return n;
}

static bool words_are(char **w, int n, int count, ...)
{
	va_list ap;
	bool ok = n >= count;

	va_start(ap, count);
	for (int i = 0; i < count; i++) {
		const char *want = va_arg(ap, const char *);

		if (ok && want && strcmp(w[i], want))
			ok = false;
	}
	va_end(ap);
	return ok;
}

static int word_index(char **w, int n, const char *want)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(w[i], want))
			return i;
	return -1;
}

/* A step printed as a comment "PREFIX... PATH: ...": true when line is
 * one, with "CALL PATH" (PATH its word k) added to b. */
static bool comment_call(struct np_buf *b, const char *line, char *buf, char **w, char **end_word,
			 const char *prefix, int k, const char *call)
{
	int n;

	if (strncmp(line, prefix, strlen(prefix)))
		return false;
	n = shell_words(line + 2, buf, w, 64, end_word);
	if (n > k && w[k][0] && w[k][strlen(w[k]) - 1] == ':') {
		w[k][strlen(w[k]) - 1] = '\0';
		np_buf_addf(b, "%s %s\n", call, w[k]);
	}
	return true;
}

static char *printed_calls(const struct np_plan *plan)
{
	struct np_buf b = { 0 };
	char *text = NULL, *save = NULL, *end_word = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	np_plan_print(plan, out);
	fclose(out);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *w[64], *buf = malloc(strlen(line) + 1);
		int n, d;

		if (end_word) {
			if (!strcmp(line, end_word)) {
				free(end_word);
				end_word = NULL;
			}
			free(buf);
			continue;
		}
		if (!buf)
			break;
		/* two steps are comments naming a path: the mute step's
		 * "# dnsmasq-mute PIDFILE: ..." and the record step's
		 * "# install -m MODE /dev/stdin PATH: ..." */
		if (comment_call(&b, line, buf, w, &end_word, "# dnsmasq-mute ", 1, "dnsmasq_mute") ||
		    comment_call(&b, line, buf, w, &end_word, "# install -m ", 4, "file_write")) {
			free(buf);
			continue;
		}
		n = shell_words(line, buf, w, 64, &end_word);
		d = word_index(w, n, "dev");
		if (n > 0 && (!strcmp(w[0], "firewall-cmd") || !strcmp(w[0], "resolvectl"))) {
			np_buf_add(&b, "tool");
			for (int k = 0; k < n; k++)
				np_buf_addf(&b, " %s", w[k]);
			np_buf_addc(&b, '\n');
			free(buf);
			continue;
		}
		if (n > 6 && (words_are(w, n, 6, "iptables-nft", "-w", "-t", NULL, "-I", NULL) ||
			      words_are(w, n, 6, "ip6tables-nft", "-w", "-t", NULL, "-I", NULL))) {
			np_buf_addf(&b, "ipt_insert %s%s %s", w[0][2] == '6' ? "ip6 " : "", w[3], w[5]);
			for (int k = 6; k < n; k++)
				np_buf_addf(&b, " %s", w[k]);
			np_buf_addc(&b, '\n');
			free(buf);
			continue;
		}
		if (words_are(w, n, 5, "ip", "link", "add", "name", NULL) &&
		    word_index(w, n, "vxlan") == word_index(w, n, "type") + 1 &&
		    word_index(w, n, "type") > 0)
			np_buf_addf(&b, "vxlan_add %s\n", w[4]);
		else if (n >= 8 && words_are(w, n, 8, "bridge", "fdb", "append",
					     "00:00:00:00:00:00", "dev", NULL, "dst", NULL))
			np_buf_addf(&b, "fdb_add %s %s\n", w[5], w[7]);
		else if (words_are(w, n, 5, "install", "-m", NULL, "/dev/stdin", NULL))
			np_buf_addf(&b, "file_write %s\n", w[4]);
		else if (words_are(w, n, 5, "ip", "link", "add", "name", NULL) &&
			 word_index(w, n, "bridge") == word_index(w, n, "type") + 1 &&
			 word_index(w, n, "type") > 0)
			np_buf_addf(&b, "bridge_add %s\n", w[4]);
		else if (words_are(w, n, 3, "sysctl", "-w", NULL))
			np_buf_addf(&b, "sysctl %s\n", w[2]);
		else if (words_are(w, n, 4, "ip", "addr", "add", NULL) && d > 0 && d + 1 < n)
			np_buf_addf(&b, "addr_add %s dev %s\n", w[3], w[d + 1]);
		else if (n == 6 && words_are(w, n, 6, "ip", "link", "set", "dev", NULL, "up"))
			np_buf_addf(&b, "link_up %s\n", w[4]);
		else if (words_are(w, n, 4, "ip", "route", "add", NULL) && d > 0 && d + 1 < n)
			np_buf_addf(&b, "route_add %s dev %s\n", w[3], w[d + 1]);
		else if (n == 8 && words_are(w, n, 4, "flock", NULL, "sh", "-c") &&
			 strstr(w[4], "||") && !strcmp(w[5], "sh"))
			np_buf_addf(&b, "qemu-acl add %s %s\n", w[7], w[6]);
		else if (words_are(w, n, 3, "nft", "-f", "-"))
			np_buf_add(&b, "fw_apply add\n");
		else if (n == 2 && !strcmp(w[0], "dnsmasq") && !strncmp(w[1], "--conf-file=", 12))
			np_buf_addf(&b, "dnsmasq_start %s\n", w[1] + 12);
		else if (n == 11 && words_are(w, n, 6, "[", "!", "-x", NULL, "]", "||") &&
			 !strcmp(w[3], w[6]) && !strcmp(w[10], "-"))
			np_buf_addf(&b, "hook %s %s %s\n", w[7], w[8], w[9]);
		else if (words_are(w, n, 9, "ip", "link", "set", "dev", NULL, "address", NULL,
				   "master", NULL))
			np_buf_addf(&b, "port_add %s %s\n", w[4], w[8]);
		else if (n == 9 && words_are(w, n, 9, "ip", "link", "set", "dev", NULL, "type",
					     "bridge_slave", "isolated", "on"))
			np_buf_addf(&b, "port_isolate %s\n", w[4]);
		else if (n >= 9 && words_are(w, n, 5, "tc", NULL, "replace", "dev", NULL)) {
			/* tc qdisc|class replace dev IF root|parent P handle|classid H KIND ... */
			bool root = !strcmp(w[5], "root");

			if (root || n >= 10)
				np_buf_addf(&b, "%s_add %s %s %s dev %s\n", w[1], root ? "root" : w[6],
					    w[root ? 7 : 8], w[root ? 8 : 9], w[4]);
		}
		free(buf);
	}
	free(end_word);
	free(text);
	return np_buf_steal(&b);
}

/* The fake's log of an apply, sysctl values and addresses as printed. */
static char *executed_calls(struct np_plan *plan, struct np_err *err)
{
	struct fake f;
	struct np_buf b = { 0 };
	char *log, *save = NULL;

	fake_init(&f);
	if (np_plan_apply(plan, &fake_ops, &f, NULL, err) < 0) {
		fake_free(&f);
		return NULL;
	}
	log = strdup(np_buf_str(&f.log));
	for (char *line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char a[256], dev[64];

		if (sscanf(line, "sysctl %255s", a) == 1 && strstr(line, "= "))
			/* "sysctl key= value" */
			np_buf_addf(&b, "sysctl %.*s=%s\n", (int)(strchr(line, '=') - line - 7),
				    line + 7, strchr(line, '=') + 2);
		else if (sscanf(line, "addr_add %255s dev %63s", a, dev) == 2)
			np_buf_addf(&b, "addr_add %s dev %s\n", a, dev);
		else
			np_buf_addf(&b, "%s\n", line);
	}
	free(log);
	np_plan_undo(plan, &fake_ops, &f, NULL, err);
	fake_free(&f);
	return np_buf_steal(&b);
}

static void check_printed_is_executed_paths(struct np_net *net, const struct np_plan_paths *p)
{
	_np_plan_free_ struct np_plan *plan = build(net, p);
	struct np_err err = { { 0 } };
	char *printed, *executed;

	CHECK(plan != NULL);
	if (!plan)
		return;
	printed = printed_calls(plan);
	executed = executed_calls(plan, &err);
	CHECK(executed != NULL);
	CHECK(printed && executed && printed[0] && !strcmp(printed, executed));
	if (printed && executed && strcmp(printed, executed))
		fprintf(stderr, "network %s:\n--- printed\n%s--- executed\n%s", net->name, printed,
			executed);
	free(printed);
	free(executed);
}

static void check_printed_is_executed(struct np_net *net)
{
	check_printed_is_executed_paths(net, &tmp_paths);
}

/* Every golden network (the built-in default, a port on it, and the
 * networks the e2e tests start) prints exactly the calls it executes. */
static void test_printed_is_executed(struct np_net *def)
{
	struct np_port port = { .type = NP_PORT_VETH, .ifname = "npp0", .peer = "eth0",
				.netns = "guest1", .owner = -1,
				.mac = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc } };
	struct np_plan_paths with_port = tmp_paths;
	struct dirent *e;
	DIR *d;
	int n = 0;

	check_printed_is_executed(def);
	{
		/* a name with shell syntax and a newline-free control: every
		 * value it reaches (hook, paths) prints quoted and reads back */
		struct np_net *q = parse("<network><name>it's; $(x) `y` \\ net\xc3\xa9</name>"
					 "<bridge name='npq0'/><ip address='192.168.251.1' "
					 "prefix='24'><dhcp><range start='192.168.251.2' "
					 "end='192.168.251.9'/></dhcp></ip></network>",
					 "quoted.xml");

		CHECK(q != NULL);
		if (q)
			check_printed_is_executed(q);
		np_net_free(q);
	}
	with_port.ports = &port;
	with_port.n_ports = 1;
	{
		_np_plan_free_ struct np_plan *plan = build(def, &with_port);
		char *printed = plan ? printed_calls(plan) : NULL;

		CHECK(printed && strstr(printed, "port_add npp0 virbr0\n"));
		free(printed);
	}
	{
		/* firewalld zone and resolved registration (issue 14) */
		static const char xml[] =
			"<network><name>tools</name><forward mode='nat'/>"
			"<bridge name='nptool0' zone='trusted'/>"
			"<domain name='tools.test' register='yes'/>"
			"<ip address='192.168.79.1' prefix='24'><dhcp>"
			"<range start='192.168.79.2' end='192.168.79.9'/></dhcp></ip>"
			"<route address='10.79.0.0' prefix='16' gateway='192.168.79.2'/></network>";
		struct np_net *net = parse(xml, "tools.xml");
		_np_plan_free_ struct np_plan *plan = net ? build(net, &tmp_paths) : NULL;
		char *printed = plan ? printed_calls(plan) : NULL;

		CHECK(printed && strstr(printed, "tool firewall-cmd --zone=trusted "
						 "--change-interface=nptool0\n"));
		CHECK(printed && strstr(printed, "tool resolvectl dns nptool0 192.168.79.1\n"
						 "tool resolvectl domain nptool0 ~tools.test\n"));
		if (net)
			check_printed_is_executed(net);
		/* the zone step survives the record: destroy takes the bridge
		 * out of the zone again; resolved's steps leave no undo */
		if (plan) {
			_np_plan_free_ struct np_plan *rec = NULL;
			_np_free_ char *text = NULL;
			struct np_err re = { { 0 } };
			struct fake f;

			fake_init(&f);
			CHECK(np_record_render(plan, plan->n_steps, &text) == 0);
			CHECK(text && np_record_parse(text, "tools.applied", &rec, &re) == 0);
			CHECK(rec && np_plan_undo(rec, &fake_ops, &f, NULL, &re) == 0);
			CHECK(strstr(np_buf_str(&f.log), "tool firewall-cmd --zone=trusted "
							 "--remove-interface=nptool0\n"));
			CHECK(!strstr(np_buf_str(&f.log), "resolvectl"));
			fake_free(&f);
		}
		free(printed);
		np_net_free(net);
	}
	test_register_away();
	d = opendir(MODES_DIR);
	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		char path[512], *xml = NULL;
		struct np_net *net;

		if (!strstr(e->d_name, ".xml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", MODES_DIR, e->d_name);
		if (np_file_read(path, 1 << 20, &xml, NULL) < 0)
			continue;
		net = parse(xml, e->d_name);
		free(xml);
		if (!net)
			continue;
		/* the host bridge is someone else's: its check passes in the fake */
		if (net->forward.mode != NP_FWD_BRIDGE) {
			check_printed_is_executed(net);
			n++;
		}
		np_net_free(net);
	}
	if (d)
		closedir(d);
	CHECK(n >= 10);

	/* a port of a network with <port isolated='yes'/> is isolated right
	 * after it is attached */
	{
		static const char iso[] = "<network><name>iso</name><bridge name='npi0'/>"
					  "<port isolated='yes'/></network>";
		struct np_net *in = parse(iso, "iso.xml");
		_np_plan_free_ struct np_plan *plan = in ? build(in, &with_port) : NULL;
		char *printed = plan ? printed_calls(plan) : NULL;

		CHECK(printed && strstr(printed, "port_add npp0 npi0\nport_isolate npp0\n"));
		if (in) {
			struct np_plan_paths p = tmp_paths;

			p.ports = &port;
			p.n_ports = 1;
			check_printed_is_executed_paths(in, &p);
		}
		free(printed);
		np_net_free(in);
	}

	/* the default portgroup's <bandwidth>: HTB on the port; its outbound
	 * rate an nft limit at the port's ingress, removed with the port */
	{
		static const char pg[] =
			"<network><name>pg</name><bridge name='nppg0'/>"
			"<portgroup name='g' default='yes'><bandwidth>"
			"<inbound average='500' peak='800'/></bandwidth></portgroup></network>";
		static const char pg_out[] =
			"<network><name>pg</name><bridge name='nppg0'/>"
			"<portgroup name='g' default='yes'><bandwidth>"
			"<outbound average='1000' burst='3000'/></bandwidth></portgroup></network>";
		struct np_net *in = parse(pg, "pg.xml"), *out = parse(pg_out, "pg-out.xml");
		struct np_plan_paths p = tmp_paths;
		struct np_plan *plan = NULL;
		struct np_err err = { { 0 } };
		char *printed;

		p.ports = &port;
		p.n_ports = 1;
		plan = in ? build(in, &p) : NULL;
		printed = plan ? printed_calls(plan) : NULL;
		CHECK(printed && strstr(printed, "port_add npp0 nppg0\n"
						 "qdisc_add root 1: htb dev npp0\n"
						 "class_add 1: 1:1 htb dev npp0\n"
						 "qdisc_add 1:1 2: pfifo dev npp0\n"));
		CHECK(printed && !strstr(printed, "dev nppg0\n"));
		if (in)
			check_printed_is_executed_paths(in, &p);
		free(printed);
		np_plan_free(plan);
		plan = NULL;
		CHECK(out && np_plan_build(out, &p, &plan, &err) == 0 && plan);
		printed = plan ? printed_calls(plan) : NULL;
		CHECK(printed && strstr(printed, "port_add npp0 nppg0\nfw_apply add\n"));
		if (plan) {
			const struct np_step *lim = np_plan_find(plan, NP_STEP_PORT_LIMIT);
			struct fake f;

			/* libvirt's police: 1000 KiB/s is 1000000 bytes/s, a 3000
			 * KiB burst 3072000 bytes, less the second nft adds */
			CHECK(lim && !strcmp(lim->ifname, "npp0") &&
			      !strcmp(lim->text,
				      "add table netdev netplumb\n"
				      "add chain netdev netplumb port-npp0 { type filter hook "
				      "ingress device \"npp0\" priority 0; policy accept; }\n"
				      "flush chain netdev netplumb port-npp0\n"
				      "add rule netdev netplumb port-npp0 limit rate over 1000000 "
				      "bytes/second burst 2072000 bytes drop\n") &&
			      !strcmp(lim->undo_text, "add table netdev netplumb\n"
						      "add chain netdev netplumb port-npp0\n"
						      "delete chain netdev netplumb port-npp0\n"));
			/* it is recorded, so destroy removes it: limit, then port */
			fake_init(&f);
			CHECK(np_plan_apply(plan, &fake_ops, &f, NULL, &err) == 0);
			{
				_np_free_ char *rec = NULL;
				_np_plan_free_ struct np_plan *back = NULL;

				CHECK(np_record_render(plan, plan->n_steps, &rec) == 0 &&
				      np_record_parse(rec, "rec", &back, &err) == 0);
				f.log.len = 0;
				if (f.log.data)
					f.log.data[0] = '\0';
				CHECK(back && np_plan_undo(back, &fake_ops, &f, NULL, &err) == 0);
				CHECK(strstr(np_buf_str(&f.log),
					     "fw_apply remove\nfw_prune\nlink_del "));
			}
			fake_free(&f);
			check_printed_is_executed_paths(out, &p);
		}
		free(printed);
		np_plan_free(plan);
		plan = NULL;
		/* the port's own plan (port-add) holds it too, after the port */
		CHECK(out && np_plan_port_build(out, &port, &plan, &err) == 0 && plan &&
		      plan->steps[0].kind == NP_STEP_PORT_ADD &&
		      plan->steps[plan->n_steps - 1].kind == NP_STEP_PORT_LIMIT);
		np_plan_free(plan);
		plan = NULL;
		/* a rate nft cannot hold is refused with one line */
		{
			struct np_net *big = parse("<network><name>pg</name><bridge name='nppg0'/>"
						   "<portgroup name='g' default='yes'><bandwidth>"
						   "<outbound average='1' burst='9999999999'/>"
						   "</bandwidth></portgroup></network>",
						   "pg-big.xml");

			CHECK(big && np_plan_build(big, &p, &plan, &err) == -ERANGE && !plan &&
			      strstr(err.msg, "<outbound>"));
			np_net_free(big);
		}
		np_net_free(in);
		np_net_free(out);
	}
}

static void test_rollback_every_step(struct np_plan *plan)
{
	struct fake probe;
	struct np_err err = { { 0 } };
	int total;

	fake_init(&probe);
	CHECK(np_plan_apply(plan, &fake_ops, &probe, NULL, &err) == 0);
	total = probe.calls;
	CHECK(total >= 10);
	for (int n = 1; n <= total; n++) {
		struct fake f;
		struct np_err e = { { 0 } };
		int r;

		fake_init(&f);
		f.fail_at = n;
		r = np_plan_apply(plan, &fake_ops, &f, NULL, &e);
		/* the "started" hook, next to last, only warns */
		if (n == total - 1) {
			CHECK(r == 0 && !fake_clean(&f));
			f.fail_at = 0;
			CHECK(np_plan_undo(plan, &fake_ops, &f, NULL, &e) == 0 && fake_clean(&f));
		} else {
			CHECK(r == -EIO && fake_clean(&f) && e.msg[0]);
			if (r != -EIO || !fake_clean(&f))
				fprintf(stderr, "  failing at change %d: %s\n", n, e.msg);
		}
		fake_free(&f);
	}
	CHECK(!fake_clean(&probe));
	CHECK(np_plan_undo(plan, &fake_ops, &probe, NULL, &err) == 0 && fake_clean(&probe));
	/* undo again: everything already gone is fine */
	CHECK(np_plan_undo(plan, &fake_ops, &probe, NULL, &err) == 0);
	fake_free(&probe);
}

/* <netplumb:qemu bridgeHelper='allow'/> (issue 17): the ACL line is printed
 * as it is executed, is added once the network is up and removed first,
 * from the record too, and every failure rolls it back. */
static void test_qemu_acl(void)
{
	static const char xml[] =
		"<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
		"<name>qh</name><forward mode='nat'/><bridge name='npqh0'/>"
		"<ip address='192.168.78.1' prefix='24'><dhcp>"
		"<range start='192.168.78.2' end='192.168.78.9'/></dhcp></ip>"
		"<netplumb:qemu bridgeHelper='allow'/></network>";
	struct np_net *net = parse(xml, "qh.xml");
	_np_plan_free_ struct np_plan *plan = net ? build(net, &tmp_paths) : NULL;
	_np_plan_free_ struct np_plan *rec = NULL;
	_np_free_ char *printed = plan ? printed_calls(plan) : NULL, *text = NULL;
	struct np_err err = { { 0 } };
	struct fake f;
	const char *log;

	CHECK(printed && strstr(printed, "dnsmasq_start ") &&
	      strstr(printed, "qemu-acl add /etc/qemu/netplumb.conf allow npqh0\n") >
		      strstr(printed, "dnsmasq_start "));
	if (!plan) {
		np_net_free(net);
		return;
	}
	check_printed_is_executed(net);
	test_rollback_every_step(plan);
	fake_init(&f);
	CHECK(np_plan_apply(plan, &fake_ops, &f, NULL, &err) == 0 && f.qemu_acls == 1);
	CHECK(np_record_render(plan, plan->n_steps, &text) == 0);
	CHECK(text && np_record_parse(text, "qh.applied", &rec, &err) == 0);
	fake_log_reset(&f);
	CHECK(rec && np_plan_undo(rec, &fake_ops, &f, NULL, &err) == 0 && fake_clean(&f));
	log = np_buf_str(&f.log);
	CHECK(strstr(log, "qemu-acl del /etc/qemu/netplumb.conf allow npqh0\n") &&
	      strstr(log, "qemu-acl del ") < strstr(log, "dnsmasq_stop "));
	fake_free(&f);
	np_net_free(net);
}

/* A bridge without <bridge zone> goes into libvirt's zone 'libvirt' when
 * firewalld runs: without firewalld the step does nothing and leaves no
 * undo in the record; any other failure fails the start, naming the zone. */
static void test_implicit_zone(struct np_plan *built)
{
	_np_plan_free_ struct np_plan *rec = NULL;
	struct np_err err = { { 0 } };
	char *text = NULL;
	struct fake f;

	fake_init(&f);
	f.tool_error = -EIO;
	CHECK(np_plan_apply(built, &fake_ops, &f, NULL, &err) == -EIO);
	CHECK(strstr(err.msg, "run firewall-cmd --zone=libvirt --change-interface=virbr0: libvirt "
			      "puts a bridge without <bridge zone> in firewalld's zone 'libvirt': "
			      "tool failed") != NULL);
	CHECK(fake_clean(&f));
	fake_free(&f);

	fake_init(&f);
	f.tool_error = -EHOSTDOWN;
	err.msg[0] = '\0';
	CHECK(np_plan_apply(built, &fake_ops, &f, NULL, &err) == 0 && !err.msg[0]);
	CHECK(strstr(np_buf_str(&f.log), "tool firewall-cmd --zone=libvirt --change-interface=virbr0\n"));
	CHECK(np_file_read(np_plan_find(built, NP_STEP_RECORD)->path, 1 << 20, &text, NULL) == 0);
	CHECK(text && np_record_parse(text, "rec", &rec, &err) == 0);
	fake_log_reset(&f);
	CHECK(rec && np_plan_undo(rec, &fake_ops, &f, NULL, &err) == 0 && fake_clean(&f));
	CHECK(!strstr(np_buf_str(&f.log), "firewall-cmd"));
	free(text);
	fake_free(&f);
}

/* Undo is the exact reverse of apply: each undone step's call comes in the
 * reverse order of the steps, and from the record just as from the plan. */
static void test_undo_order(struct np_plan *plan)
{
	static const char *const want[] = {
		"file_remove %s/default.started", "file_remove %s/default.applied",
		"dnsmasq_stop %s/default.conf", "fw_apply remove", "fw_prune",
		"tool firewall-cmd --zone=libvirt --remove-interface=virbr0", "link_del 10",
		"file_remove %s/default.servers", "file_remove %s/default.addnhosts",
		"file_remove %s/default.hostsfile", "file_remove %s/default.conf",
		"hook default stopped end", "file_remove %s/default.netns",
		"file_remove %s/default.xml",
	};
	struct np_buf exp = { 0 };
	struct np_err err = { { 0 } };
	struct np_plan *rec = NULL;
	char *text = NULL;
	struct fake f;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *hole = strstr(want[i], "%s");

		if (hole)
			np_buf_addf(&exp, "%.*s%s%s\n", (int)(hole - want[i]), want[i], tmp, hole + 2);
		else
			np_buf_addf(&exp, "%s\n", want[i]);
	}
	fake_init(&f);
	CHECK(np_plan_apply(plan, &fake_ops, &f, NULL, &err) == 0);
	fake_log_reset(&f);
	CHECK(np_plan_undo(plan, &fake_ops, &f, NULL, &err) == 0 && fake_clean(&f));
	CHECK_STR(np_buf_str(&f.log), np_buf_str(&exp));

	/* the same from the record the apply wrote */
	fake_log_reset(&f);
	f.next_ifindex = 10;
	CHECK(np_plan_apply(plan, &fake_ops, &f, NULL, &err) == 0);
	CHECK(np_file_read(np_plan_find(plan, NP_STEP_RECORD)->path, 1 << 20, &text, NULL) == 0);
	CHECK(text && np_record_parse(text, "rec", &rec, &err) == 0);
	fake_log_reset(&f);
	CHECK(rec && np_plan_undo(rec, &fake_ops, &f, NULL, &err) == 0 && fake_clean(&f));
	CHECK_STR(np_buf_str(&f.log), np_buf_str(&exp));
	np_plan_free(rec);
	free(text);
	fake_free(&f);
	np_buf_free(&exp);
}

/* A link that took the place of ours (same name, another MAC) is never
 * deleted, and one that is in place when the plan starts fails it. */
static void test_foreign_links(struct np_plan *plan)
{
	struct np_err err = { { 0 } };
	struct fake f;

	fake_init(&f);
	fake_foreign_link(&f, "virbr0", NULL);
	CHECK(np_plan_apply(plan, &fake_ops, &f, NULL, &err) == -EEXIST);
	CHECK(f.calls == 0 && f.n_links == 1 && strstr(err.msg, "virbr0"));
	fake_free(&f);

	/* a start killed before its record: destroy replans and finds a
	 * bridge of that name with another MAC */
	fake_init(&f);
	memset(&err, 0, sizeof(err));
	for (size_t i = 0; i < plan->n_steps; i++)
		plan->steps[i].link = (struct np_link_id){ 0 };
	fake_foreign_link(&f, "virbr0", "02:00:00:00:00:99");
	CHECK(np_plan_undo(plan, &fake_ops, &f, NULL, &err) == 0);
	CHECK(f.n_links == 1 && !strstr(np_buf_str(&f.log), "link_del"));
	fake_free(&f);
}

static void test_golden(const struct np_plan *plan)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	np_plan_print(plan, out);
	fclose(out);
	CHECK(check_golden(NP_TEST_DATA "/plan/default.txt", text));
	free(text);
	out = open_memstream(&text, &len);
	np_plan_print_json(plan, out);
	fclose(out);
	CHECK(text[0] == '{' && strstr(text, "\"step\": \"bridge-add\""));
	CHECK(strstr(text, "\"step\": \"record\"") && strstr(text, "\"step\": \"hook\""));
	CHECK(!strstr(text, "iptables") && !strstr(text, "nft_create"));
	free(text);
}

/* <bandwidth>: HTB on the bridge in libvirt's units (average and peak in
 * 1000 bytes/s, burst in KiB), after the link is up; the outbound limit in
 * the network's nft transaction; rates beyond 64 bits refused. */
static void test_bandwidth(void)
{
	static const char xml[] =
		"<network><name>bw</name><bridge name='npbw9'/>"
		"<bandwidth><inbound average='1000' peak='3000' burst='64'/>"
		"<outbound average='2000'/></bandwidth>"
		"<ip address='192.168.170.1' prefix='24'/></network>";
	static const char huge[] =
		"<network><name>bw</name><bridge name='npbw9'/>"
		"<bandwidth><inbound average='18446744073709552'/></bandwidth></network>";
	struct np_net *net = parse(xml, "bw.xml"), *big = parse(huge, "huge.xml");
	_np_plan_free_ struct np_plan *plan = net ? build(net, &paths) : NULL;
	struct np_plan *none = NULL;
	const struct np_step *q, *up, *fw;
	struct np_err err = { { 0 } };
	size_t i;

	CHECK(plan != NULL);
	if (!plan)
		goto out;
	q = np_plan_find(plan, NP_STEP_QDISC_ADD);
	up = np_plan_find(plan, NP_STEP_LINK_UP);
	fw = np_plan_find(plan, NP_STEP_FW_APPLY);
	CHECK(q && up && fw && up < q && q < fw);
	i = q ? (size_t)(q - plan->steps) : 0;
	CHECK(q && i + 3 < plan->n_steps);
	if (!q || i + 3 >= plan->n_steps)
		goto out;
	CHECK(q[0].tc.kind == NP_TC_HTB && q[0].tc.parent == TC_H_ROOT &&
	      q[0].tc.handle == 0x10000 && q[0].tc.defcls == 2 && !strcmp(q[0].ifname, "npbw9"));
	CHECK(q[1].kind == NP_STEP_CLASS_ADD && q[1].tc.handle == 0x10001 &&
	      q[1].tc.rate == 1000000 && q[1].tc.ceil == 3000000);
	CHECK(q[2].kind == NP_STEP_CLASS_ADD && q[2].tc.handle == 0x10002 &&
	      q[2].tc.parent == 0x10001 && q[2].tc.rate == 1000000 && q[2].tc.ceil == 3000000 &&
	      q[2].tc.burst == 65536);
	CHECK(q[3].kind == NP_STEP_QDISC_ADD && q[3].tc.kind == NP_TC_PFIFO &&
	      q[3].tc.parent == 0x10002 && q[3].tc.limit > 0 && q[3].why &&
	      strstr(q[3].why, "sfq"));
	/* libvirt's default burst (the average, in KiB) less the second of
	 * rate nft's byte limit holds anyway */
	CHECK(strstr(fw->text, "add chain inet netplumb bw-npbw9 { type filter hook prerouting "
			       "priority 0; policy accept; }\n"));
	CHECK(strstr(fw->text, "add rule inet netplumb bw-npbw9 iifname \"npbw9\" limit rate over "
			       "2000000 bytes/second burst 48000 bytes drop\n"));
	CHECK(strstr(fw->undo_text, "delete chain inet netplumb bw-npbw9\n"));
	CHECK(big && np_plan_build(big, &paths, &none, &err) == -ERANGE && !none &&
	      strstr(err.msg, "bandwidth"));
out:
	np_net_free(net);
	np_net_free(big);
}

/* A port's own <port isolated> and portgroup (port-add --isolated,
 * --portgroup): kept in its record, and they win over the network's. */
static void test_port_options(void)
{
	static const char xml[] =
		"<network><name>po</name><bridge name='nppo0'/><port isolated='yes'/>"
		"<portgroup name='slow'><bandwidth><inbound average='100'/></bandwidth></portgroup>"
		"<portgroup name='dflt' default='yes'><bandwidth><inbound average='900'/>"
		"</bandwidth></portgroup></network>";
	struct np_port port = { .type = NP_PORT_TAP, .ifname = "nptap0", .owner = -1,
				.mac = { 0x52, 0x54, 0x00, 0x01, 0x02, 0x03 },
				.portgroup = "slow", .isolated = NP_TRI_NO };
	struct np_net *net = parse(xml, "po.xml");
	struct np_port back;
	struct np_plan_paths p = paths;
	_np_plan_free_ struct np_plan *plan = NULL;
	const struct np_step *c;
	char *text = NULL;

	CHECK(np_port_format(&port, &text) == 0 && text &&
	      strstr(text, "portgroup=slow\nisolated=no\n"));
	CHECK(text && np_port_parse(text, &back) == 0 && !strcmp(back.portgroup, "slow") &&
	      back.isolated == NP_TRI_NO);
	free(text);
	CHECK(np_port_parse("type=tap\nifname=t0\nmac=52:54:00:00:00:01\nisolated=maybe\n",
			    &back) == -EINVAL);
	CHECK(np_port_parse("type=tap\nifname=t0\nmac=52:54:00:00:00:01\nportgroup=a\tb\n",
			    &back) == -EINVAL);
	CHECK(np_port_parse("type=tap\nifname=t0\nmac=52:54:00:00:00:01\n", &back) == 0 &&
	      !back.portgroup[0] && back.isolated == 0);

	p.ports = &port;
	p.n_ports = 1;
	plan = net ? build(net, &p) : NULL;
	CHECK(plan && !np_plan_find(plan, NP_STEP_PORT_ISOLATE));
	c = plan ? np_plan_find(plan, NP_STEP_CLASS_ADD) : NULL;
	CHECK(c && !strcmp(c->ifname, "nptap0") && c->tc.rate == 100000);
	np_plan_free(plan);
	/* no portgroup named: the default one; the network's isolation */
	port.portgroup[0] = '\0';
	port.isolated = 0;
	plan = net ? build(net, &p) : NULL;
	CHECK(plan && np_plan_find(plan, NP_STEP_PORT_ISOLATE));
	c = plan ? np_plan_find(plan, NP_STEP_CLASS_ADD) : NULL;
	CHECK(c && c->tc.rate == 900000);
	np_net_free(net);
}

/* A port's own rates (port-add --inbound/--outbound, virsh attach-
 * interface's syntax): in its record, and they replace its portgroup's
 * <bandwidth> as a whole, as libvirt's networkAllocatePort. */
static void test_port_rates(void)
{
	static const char xml[] =
		"<network><name>pr</name><bridge name='nppr0'/>"
		"<portgroup name='dflt' default='yes'><bandwidth><inbound average='900'/>"
		"<outbound average='700'/></bandwidth></portgroup></network>";
	static const char *const bad[] = { "",	    "0",	 "0,100",	 "abc",	  "-1",
					   "+5",    " 5",	 "1000,x",	 "1000,,x", "1,2,3,4",
					   "1,2,3,", "5e3",	 "1.5",
					   "18446744073709552", "99999999999999999999999",
					   "1,18446744073709552", "1,,4194304" };
	struct np_port port = { .type = NP_PORT_VETH, .ifname = "npv0", .peer = "eth0",
				.netns = "g1", .mac = { 0x52, 0x54, 0x00, 0x01, 0x02, 0x04 } };
	struct np_net *net = parse(xml, "pr.xml");
	struct np_plan_paths p = tmp_paths;
	struct np_net_rate r;
	struct np_port back;
	struct np_err err;
	const struct np_step *c, *lim;
	struct np_plan *plan;
	char *text = NULL;

	/* the syntax */
	CHECK(np_port_rate_parse("x", "1000", &r, NULL) == 0 && r.present && r.average == 1000 &&
	      !r.peak && !r.burst);
	CHECK(np_port_rate_parse("x", "1000,2000,64", &r, NULL) == 0 && r.average == 1000 &&
	      r.peak == 2000 && r.burst == 64);
	CHECK(np_port_rate_parse("x", "1000,,64", &r, NULL) == 0 && !r.peak && r.burst == 64);
	CHECK(np_port_rate_parse("x", "1,18446744073709551,4194303", &r, NULL) == 0);
	for (size_t i = 0; i < NP_ARRAY_SIZE(bad); i++) {
		err = (struct np_err){ { 0 } };
		r = (struct np_net_rate){ 0 };
		CHECK(np_port_rate_parse("port-add: --outbound", bad[i], &r, &err) < 0 &&
		      !r.present && strstr(err.msg, "port-add: --outbound '") &&
		      strstr(err.msg, bad[i]) && !strchr(err.msg, '\n'));
	}
	err = (struct np_err){ { 0 } };
	CHECK(np_port_rate_parse("port-add: --inbound", "1,2,3,4", &r, &err) == -EINVAL &&
	      strstr(err.msg, "floor"));

	/* the record: round trip; old records without the keys still parse */
	port.bw.in = (struct np_net_rate){ .present = true, .average = 1000, .peak = 2000,
					   .burst = 64 };
	port.bw.out = (struct np_net_rate){ .present = true, .average = 300 };
	CHECK(np_port_format(&port, &text) == 0 && text &&
	      strstr(text, "inbound=1000,2000,64\noutbound=300,0,0\n"));
	CHECK(text && np_port_parse(text, &back) == 0 &&
	      !memcmp(&back.bw, &port.bw, sizeof(port.bw)));
	free(text);
	CHECK(np_port_parse("type=tap\nifname=t0\nmac=52:54:00:00:00:01\n", &back) == 0 &&
	      !back.bw.in.present && !back.bw.out.present);
	CHECK(np_port_parse("type=tap\nifname=t0\nmac=52:54:00:00:00:01\ninbound=0\n", &back) ==
	      -EINVAL);
	CHECK(np_port_parse("type=tap\nifname=t0\nmac=52:54:00:00:00:01\noutbound=1,2,3,4\n",
			    &back) == -EINVAL);
	CHECK(np_port_parse("type=tap\nifname=t0\nmac=52:54:00:00:00:01\ninbound=5\ninbound=6\n",
			    &back) == -EINVAL);
	{
		struct np_port zero = port;

		zero.bw.out.average = 0;
		text = NULL;
		CHECK(np_port_format(&zero, &text) == -EINVAL && !text);
	}

	/* the plan: its own rates, not the portgroup's */
	p.ports = &port;
	p.n_ports = 1;
	plan = net ? build(net, &p) : NULL;
	c = plan ? np_plan_find(plan, NP_STEP_CLASS_ADD) : NULL;
	lim = plan ? np_plan_find(plan, NP_STEP_PORT_LIMIT) : NULL;
	CHECK(c && !strcmp(c->ifname, "npv0") && c->tc.rate == 1000000 && c->tc.ceil == 2000000 &&
	      c->tc.burst == 64 * 1024);
	CHECK(lim && !strcmp(lim->ifname, "npv0") &&
	      strstr(lim->text, "limit rate over 300000 bytes/second burst 7200 bytes drop") &&
	      strstr(lim->why, "port-add --outbound"));
	if (net)
		check_printed_is_executed_paths(net, &p);
	np_plan_free(plan);

	/* only --outbound: the portgroup's inbound is not taken either */
	port.bw.in = (struct np_net_rate){ 0 };
	plan = net ? build(net, &p) : NULL;
	CHECK(plan && !np_plan_find(plan, NP_STEP_CLASS_ADD) &&
	      np_plan_find(plan, NP_STEP_PORT_LIMIT));
	if (net)
		check_printed_is_executed_paths(net, &p);
	np_plan_free(plan);

	/* none of its own: the portgroup's, both ways */
	port.bw.out = (struct np_net_rate){ 0 };
	plan = net ? build(net, &p) : NULL;
	c = plan ? np_plan_find(plan, NP_STEP_CLASS_ADD) : NULL;
	lim = plan ? np_plan_find(plan, NP_STEP_PORT_LIMIT) : NULL;
	CHECK(c && c->tc.rate == 900000 && lim &&
	      strstr(lim->text, "limit rate over 700000 bytes/second") &&
	      strstr(lim->why, "portgroup's"));
	np_plan_free(plan);
	np_net_free(net);
}

static void rm_tmp(void)
{
	char cmd[400];
	DIR *d = opendir(tmp);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(cmd, sizeof(cmd), "%s/%s", tmp, e->d_name);
		unlink(cmd);
	}
	if (d)
		closedir(d);
	rmdir(tmp);
}

/* ip6tables' FORWARD and INPUT drop by policy: a network with an IPv6
 * subnet gets ip6tables-nft accepts, printed as executed. */
static void test_ip6tables_foreign(const struct np_plan_paths *base)
{
	_np_free_ char *xml = NULL;
	struct np_fw_foreign f = { .ipt_forward_drop = true, .ip6t_forward_drop = true,
				   .ip6t_input_drop = true };
	struct np_plan_paths p = *base;
	struct np_net *net6;
	struct np_plan *plan;
	struct np_err err = { { 0 } };
	char *printed, *executed;
	size_t n6 = 0;

	CHECK(np_file_read(MODES_DIR "/nat6.xml", 1 << 16, &xml, NULL) == 0);
	net6 = xml ? parse(xml, "nat6.xml") : NULL;
	CHECK(net6 != NULL);
	if (!net6)
		return;
	p.foreign = &f;
	plan = build(net6, &p);
	CHECK(plan != NULL);
	for (size_t i = 0; plan && i < plan->n_steps; i++)
		if (plan->steps[i].kind == NP_STEP_IPT_RULE &&
		    !strcmp(plan->steps[i].key, NP_IPT6_FILTER))
			n6++;
	/* FORWARD: between guests, replies (<nat ipv6='yes'>), out; INPUT: DNS
	 * udp and tcp, neighbour solicitation and advertisement, router
	 * solicitation (no DHCPv6 range, no 547) */
	CHECK(n6 == 8);
	printed = plan ? printed_calls(plan) : NULL;
	executed = plan ? executed_calls(plan, &err) : NULL;
	CHECK(printed && executed && !strcmp(printed, executed));
	CHECK(printed && strstr(printed, "ipt_insert ip6 filter FORWARD -d fd00:156::/64 -o npnat6 "
					 "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"));
	CHECK(printed && strstr(printed, "ipt_insert ip6 filter INPUT -i npnat6 -p ipv6-icmp -m "
					 "icmp6 --icmpv6-type neighbour-solicitation -j ACCEPT\n"));
	CHECK(printed && strstr(printed, "ipt_insert filter FORWARD -i npnat6 -o npnat6 -j ACCEPT\n"));
	CHECK(printed && !strstr(printed, "--dport 547"));
	free(printed);
	free(executed);
	np_plan_free(plan);
	np_net_free(net6);
}

/* Another tool's iptables chains drop by policy: accepts go into them as
 * steps, printed as executed, undone in reverse from the record too. */
static void test_iptables_foreign(struct np_net *net)
{
	static const char docker[] =
		"table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; "
		"policy accept;\n\t}\n\tchain FORWARD {\n\t\ttype filter hook forward priority "
		"filter; policy drop;\n\t}\n\tchain DOCKER-USER {\n\t}\n}\ntable inet fw {\n\t"
		"chain fwd {\n\t\ttype filter hook forward priority 0; policy drop;\n\t}\n\tchain "
		"out {\n\t\ttype filter hook output priority 0; policy drop;\n\t}\n}\n"
		"table inet netplumb {\n\tchain fwd-virbr0 {\n\t\ttype filter hook forward "
		"priority filter; policy drop;\n\t}\n}\n";
	struct np_fw_foreign f;
	struct np_ipt_rule rules[NP_IPT_RULES_MAX];
	struct np_plan_paths p = tmp_paths;
	struct np_plan *plan, *rec = NULL;
	struct np_err err = { { 0 } };
	char *printed, *executed, *text = NULL;
	struct fake fk;
	size_t n = 0;

	np_fw_foreign_parse(docker, &f);
	CHECK(f.ipt_forward_drop && !f.ipt_input_drop && f.n_other == 1 && f.ipt_docker_user);
	CHECK(f.n_other == 1 && !strcmp(f.other[0].family, "inet") &&
	      !strcmp(f.other[0].table, "fw") && !strcmp(f.other[0].chain, "fwd") &&
	      !strcmp(f.other[0].hook, "forward"));
	f.ipt_input_drop = true;
	p.foreign = &f;
	plan = build(net, &p);
	CHECK(plan != NULL);
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].kind == NP_STEP_IPT_RULE)
			n++;
	CHECK(n == 6);
	printed = printed_calls(plan);
	executed = executed_calls(plan, &err);
	/* Docker's DOCKER-USER holds the forward accepts, FORWARD none */
	CHECK(printed && executed && strstr(printed, "ipt_insert filter DOCKER-USER -i virbr0 -o "
						     "virbr0 -j ACCEPT\n"));
	CHECK(printed && !strstr(printed, "ipt_insert filter FORWARD"));
	CHECK(printed && executed && !strcmp(printed, executed));
	CHECK(printed && strstr(printed, "ipt_insert filter INPUT -i virbr0 -p udp -m udp --dport "
					 "67 -j ACCEPT\n"));
	free(printed);
	free(executed);
	test_rollback_every_step(plan);

	fake_init(&fk);
	CHECK(np_plan_apply(plan, &fake_ops, &fk, NULL, &err) == 0 && fk.ipt == 6);
	CHECK(np_file_read(np_plan_find(plan, NP_STEP_RECORD)->path, 1 << 20, &text, NULL) == 0);
	CHECK(text && np_record_parse(text, "rec", &rec, &err) == 0);
	fake_log_reset(&fk);
	CHECK(rec && np_plan_undo(rec, &fake_ops, &fk, NULL, &err) == 0 && fake_clean(&fk));
	/* the last inserted is the first deleted */
	CHECK(strstr(np_buf_str(&fk.log), "ipt_delete filter INPUT -i virbr0 -p tcp -m tcp --dport "
					  "53 -j ACCEPT\n") != NULL);
	CHECK(strstr(np_buf_str(&fk.log), "ipt_delete filter INPUT -i virbr0 -p tcp") <
	      strstr(np_buf_str(&fk.log), "ipt_delete filter DOCKER-USER -i virbr0 -o virbr0"));
	np_plan_free(rec);
	free(text);
	fake_free(&fk);
	np_plan_free(plan);
	/* without Docker's chain (UFW, a hand-set policy): FORWARD itself */
	f.ipt_docker_user = false;
	CHECK(np_fw_foreign_rules(net, &f, rules) == 6 && !strcmp(rules[0].chain, "FORWARD") &&
	      !strcmp(rules[3].chain, "INPUT"));
	test_ip6tables_foreign(&p);
}

/* <netplumb:vxlan> (issue 18): printed is executed, the MTU the underlay
 * leaves reaches the bridge and DHCP, every failure rolls back, destroy
 * undoes the flood entries before the link, from the record too; the
 * underlay must exist and the peers must not include this host. */
/* net-destroy deletes the bridge beside the steps after it only when none
 * of them touches a link. */
static void test_beside(struct np_net *def)
{
	struct np_port port = { .type = NP_PORT_TAP, .ifname = "npb0", .owner = -1,
				.mac = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcd } };
	struct np_plan_paths with_port = tmp_paths;
	struct np_net *host = parse("<network><name>hb</name><forward mode='bridge'/>"
				    "<bridge name='br0'/></network>",
				    "host-bridge.xml");
	_np_plan_free_ struct np_plan *plan = build(def, &tmp_paths);
	_np_plan_free_ struct np_plan *ported = NULL, *hplan = NULL;
	struct np_err err = { { 0 } };
	struct fake f;

	with_port.ports = &port;
	with_port.n_ports = 1;
	ported = build(def, &with_port);
	hplan = host ? build(host, &tmp_paths) : NULL;
	CHECK(plan && np_plan_beside(plan) < plan->n_steps &&
	      plan->steps[np_plan_beside(plan)].kind == NP_STEP_BRIDGE_ADD);
	CHECK(ported && np_plan_beside(ported) == ported->n_steps);
	/* net-start: dnsmasq starts beside the firewall steps right before it */
	{
		size_t dm = 0, from = plan ? np_plan_dnsmasq_beside(plan, &dm) : 0;

		CHECK(plan && from < dm && dm < plan->n_steps &&
		      plan->steps[from].kind == NP_STEP_FW_APPLY &&
		      plan->steps[dm].kind == NP_STEP_DNSMASQ_START);
		CHECK(hplan && np_plan_dnsmasq_beside(hplan, &dm) == hplan->n_steps);
	}
	CHECK(hplan && np_plan_beside(hplan) == hplan->n_steps);
	/* refused: the plain reverse order, port before bridge */
	fake_init(&f);
	CHECK(ported && np_plan_apply(ported, &fake_ops, &f, NULL, &err) == 0 && fake_links(&f) == 2);
	fake_log_reset(&f);
	CHECK(ported && np_plan_undo_destroy(ported, &fake_ops, &f, NULL, &err) == 0 &&
	      fake_clean(&f));
	CHECK(strstr(np_buf_str(&f.log), "dnsmasq_stop ") <
	      strstr(np_buf_str(&f.log), "link_del "));
	fake_free(&f);
	np_net_free(host);
}

static void test_vxlan(void)
{
	static const char xml[] =
		"<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
		"<name>lab</name><forward mode='nat'/><bridge name='npvx0' stp='off'/>"
		"<mac address='52:54:00:42:42:01'/>"
		"<ip address='10.42.0.1' netmask='255.255.255.0'><dhcp>"
		"<range start='10.42.0.100' end='10.42.0.199'/></dhcp></ip>"
		"<netplumb:vxlan id='4242' dev='ul0'>"
		"<netplumb:remote address='10.99.0.2'/><netplumb:remote address='10.99.0.3'/>"
		"</netplumb:vxlan></network>";
	struct np_plan_paths p = tmp_paths;
	struct np_net *net = parse(xml, "vxlan.xml");
	struct np_plan *plan = NULL, *rec = NULL;
	struct np_err err = { { 0 } };
	const struct np_step *vx, *conf;
	char *text = NULL;
	const char *log;
	struct fake f;

	CHECK(net != NULL);
	if (!net)
		return;
	/* a missing underlay (or address) plans, and fails at the VXLAN step */
	plan = build(net, &p);
	CHECK(plan && strstr(np_plan_find(plan, NP_STEP_VXLAN_ADD)->why, "ul0 does not exist"));
	fake_init(&f);
	CHECK(plan && np_plan_apply(plan, &fake_ops, &f, NULL, &err) == -EADDRNOTAVAIL &&
	      fake_clean(&f) && strstr(err.msg, "create VXLAN vx4242"));
	fake_free(&f);
	np_plan_free(plan);
	p.underlay_mtu = 1500;
	memset(&err, 0, sizeof(err));
	np_addr_parse("10.99.0.3", 0, &p.underlay_addr);
	memset(&err, 0, sizeof(err));
	CHECK(np_plan_build(net, &p, &plan, &err) == -EINVAL && strstr(err.msg, "10.99.0.3"));
	np_addr_parse("10.99.0.1", 0, &p.underlay_addr);
	plan = build(net, &p);
	CHECK(plan != NULL);
	if (!plan) {
		np_net_free(net);
		return;
	}
	check_printed_is_executed_paths(net, &p);
	vx = np_plan_find(plan, NP_STEP_VXLAN_ADD);
	conf = np_plan_file_step(plan, ".conf");
	CHECK(vx && vx->mtu == 1450 && vx->vx.vni == 4242 && vx->vx.port == 4789 &&
	      vx->vx.learning && !strcmp(vx->master, "npvx0") && !strcmp(vx->key, "ul0"));
	CHECK(np_plan_find(plan, NP_STEP_BRIDGE_ADD)->mtu == 1450);
	CHECK(conf && strstr(conf->data, "dhcp-option=option:mtu,1450\n"));
	CHECK(strstr(np_plan_find(plan, NP_STEP_FW_APPLY)->text,
		     "iifname \"ul0\" udp dport 4789 counter accept"));
	CHECK(strstr(np_plan_find(plan, NP_STEP_FW_APPLY)->undo_text,
		     "delete chain inet netplumb vxi-npvx0"));
	test_rollback_every_step(plan);

	fake_init(&f);
	CHECK(np_plan_apply(plan, &fake_ops, &f, NULL, &err) == 0);
	CHECK(np_file_read(np_plan_find(plan, NP_STEP_RECORD)->path, 1 << 20, &text, NULL) == 0);
	CHECK(text && strstr(text, "step fdb-add ifname=vx4242 dst=10.99.0.3\n"));
	CHECK(text && np_record_parse(text, "rec", &rec, &err) == 0);
	fake_log_reset(&f);
	CHECK(rec && np_plan_undo(rec, &fake_ops, &f, NULL, &err) == 0 && fake_clean(&f));
	log = np_buf_str(&f.log);
	/* bridge 10, vxlan 11 */
	CHECK(strstr(log, "fdb_del vx4242 10.99.0.3\nfdb_del vx4242 10.99.0.2\nlink_del 11\n"
			  "link_del 10\n"));
	if (!strstr(log, "link_del 11\nlink_del 10\n"))
		fprintf(stderr, "undo log:\n%s", log);
	np_plan_free(rec);
	free(text);
	fake_free(&f);
	np_plan_free(plan);
	np_net_free(net);

	/* the gateway-less hosts: no address, no dnsmasq, a plain L2 bridge */
	net = parse("<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
		    "<name>lab</name><forward mode='nat'/><bridge name='npvx0'/>"
		    "<netplumb:vxlan id='4242' dev='ul0' local='fd00::1'>"
		    "<netplumb:remote address='fd00::2'/></netplumb:vxlan></network>",
		    "vxlan-l2.xml");
	CHECK(net != NULL);
	plan = net ? build(net, &p) : NULL;
	CHECK(plan && !np_plan_find(plan, NP_STEP_ADDR_ADD) &&
	      !np_plan_find(plan, NP_STEP_DNSMASQ_START) &&
	      np_plan_find(plan, NP_STEP_VXLAN_ADD)->mtu == 1430 &&
	      !strstr(np_plan_find(plan, NP_STEP_FW_APPLY)->text, "masquerade"));
	if (plan)
		check_printed_is_executed_paths(net, &p);
	np_plan_free(plan);
	np_net_free(net);
}

int main(void)
{
	struct np_net *net = parse(np_default_net_xml, "default.xml");
	struct np_plan *plan = NULL, *applied = NULL;

	CHECK(net != NULL && mkdtemp(tmp) != NULL);
	if (!net)
		return check_result("test-plan");
	tmp_paths = paths;
	tmp_paths.state_dir = tmp;
	tmp_paths.run_dir = tmp;
	tmp_paths.hooks_dir = tmp;
	plan = build(net, &paths);
	applied = build(net, &tmp_paths);
	CHECK(plan && applied);
	if (plan && applied) {
		test_shape(plan);
		test_servers_file(plan);
		test_mute();
		test_golden(plan);
		test_rollback_every_step(applied);
		test_undo_order(applied);
		{
			/* it changes the plan it applies (a skipped undo) */
			_np_plan_free_ struct np_plan *z = build(net, &tmp_paths);

			if (z)
				test_implicit_zone(z);
		}
		test_foreign_links(applied);
		test_printed_is_executed(net);
		test_bandwidth();
		test_port_rates();
		test_port_options();
		test_iptables_foreign(net);
		test_vxlan();
		test_beside(net);
		test_qemu_acl();
	}
	np_plan_free(plan);
	np_plan_free(applied);
	np_net_free(net);
	rm_tmp();
	return check_result("test-plan");
}
