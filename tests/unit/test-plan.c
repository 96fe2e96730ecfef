/* The plan for the default network and the golden networks: its shape, that
 * what `plan` prints is exactly what apply executes (through the recording
 * fake), rollback at every step, and that undo is apply's reverse. */
#include "check.h"

#include "common/err.h"
#include "common/fileio.h"
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
#include <stdbool.h>
#include <stdlib.h>
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
	/* no DHCP checksum rule outside our table, nothing left of the mute */
	for (size_t i = 0; i < plan->n_steps; i++)
		CHECK(!plan->steps[i].text || !strstr(plan->steps[i].text, "mangle"));
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
static char *printed_calls(const struct np_plan *plan)
{
	struct np_buf b = { 0 };
	char *text = NULL, *save = NULL, *end_word = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	char last_port[64] = "";

	np_plan_print(plan, out);
	fclose(out);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char w1[4096], w2[4096], w3[4096], w4[4096];

		if (end_word) {
			if (!strcmp(line, end_word)) {
				free(end_word);
				end_word = NULL;
			}
			continue;
		}
		char *hd = strstr(line, "<<'");

		if (hd) {
			end_word = strndup(hd + 3, strcspn(hd + 3, "'"));
		}
		if (sscanf(line, "install -m %4095s /dev/stdin %4095s", w1, w2) == 2 ||
		    sscanf(line, "# install -m %4095s /dev/stdin %4095[^:]", w1, w2) == 2)
			np_buf_addf(&b, "file_write %s\n", w2);
		else if (sscanf(line, "ip link add %4095s address %4095s", w1, w2) == 2 &&
			 strstr(line, "type bridge"))
			np_buf_addf(&b, "bridge_add %s\n", w1);
		else if (sscanf(line, "sysctl -w %4095s", w1) == 1)
			np_buf_addf(&b, "sysctl %s\n", w1);
		else if (sscanf(line, "ip addr add %4095s", w1) == 1)
			np_buf_addf(&b, "addr_add %s dev %s\n", w1, strrchr(line, ' ') + 1);
		else if (sscanf(line, "ip link set %4095s up", w1) == 1 && !strstr(line, "master"))
			np_buf_addf(&b, "link_up %s\n", w1);
		else if (sscanf(line, "ip route add %4095s", w1) == 1) {
			char *dev = strstr(line, " dev ");

			np_buf_addf(&b, "route_add %s dev %.*s\n", w1, (int)strcspn(dev + 5, " "),
				    dev + 5);
		} else if (sscanf(line, "iptables-nft -w -t %4095s -I %4095s", w1, w2) == 2) {
			np_buf_addf(&b, "ipt_insert %s %s %s\n", w1, w2,
				    strstr(line, " -I ") + 5 + strlen(w2));
		} else if (!strncmp(line, "nft -f -", 8))
			np_buf_add(&b, "fw_apply add\n");
		else if (sscanf(line, "dnsmasq --conf-file=%4095s", w1) == 1)
			np_buf_addf(&b, "dnsmasq_start %s\n", w1);
		else if (sscanf(line, "[ ! -x %4095s ] || %4095s %4095s %4095s", w1, w2, w3, w4) == 4) {
			char op[64] = "", subop[64] = "";

			sscanf(hd ? line : line, "[ ! -x %*s ] || %*s %*s %63s %63s", op, subop);
			np_buf_addf(&b, "hook %s %s %s\n", w3, op, subop);
		} else if (sscanf(line, "ip tuntap add dev %63s", last_port) == 1 ||
			   sscanf(line, "ip link add %63s type veth", last_port) == 1) {
			continue;
		} else if (sscanf(line, "ip link set %4095s address %4095s master %4095s", w1, w2,
				  w3) == 3)
			np_buf_addf(&b, "port_add %s %s\n", w1, w3);
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

static void check_printed_is_executed(struct np_net *net)
{
	_np_plan_free_ struct np_plan *plan = build(net, &tmp_paths);
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
	with_port.ports = &port;
	with_port.n_ports = 1;
	{
		_np_plan_free_ struct np_plan *plan = build(def, &with_port);
		char *printed = plan ? printed_calls(plan) : NULL;

		CHECK(printed && strstr(printed, "port_add npp0 virbr0\n"));
		free(printed);
	}
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

/* Undo is the exact reverse of apply: each undone step's call comes in the
 * reverse order of the steps, and from the record just as from the plan. */
static void test_undo_order(struct np_plan *plan)
{
	static const char *const want[] = {
		"file_remove %s/default.started", "file_remove %s/default.applied",
		"dnsmasq_stop %s/default.conf", "fw_apply remove", "fw_prune", "link_del 10",
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
	struct np_plan_paths p = tmp_paths;
	struct np_plan *plan, *rec = NULL;
	struct np_err err = { { 0 } };
	char *printed, *executed, *text = NULL;
	struct fake fk;
	size_t n = 0;

	np_fw_foreign_parse(docker, &f);
	CHECK(f.ipt_forward_drop && !f.ipt_input_drop && f.n_other == 1);
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
	CHECK(printed && executed && strstr(printed, "ipt_insert filter FORWARD -i virbr0 -o "
						     "virbr0 -j ACCEPT\n"));
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
	      strstr(np_buf_str(&fk.log), "ipt_delete filter FORWARD -i virbr0 -o virbr0"));
	np_plan_free(rec);
	free(text);
	fake_free(&fk);
	np_plan_free(plan);
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
		test_golden(plan);
		test_rollback_every_step(applied);
		test_undo_order(applied);
		test_foreign_links(applied);
		test_printed_is_executed(net);
		test_iptables_foreign(net);
	}
	np_plan_free(plan);
	np_plan_free(applied);
	np_net_free(net);
	rm_tmp();
	return check_result("test-plan");
}
