/* The plan for the default network, and apply/rollback/undo through a fake
 * ops table that records what exists and can fail at any step. */
#include "check.h"

#include "common/err.h"
#include "engine/default_net.h"
#include "engine/ops.h"
#include "engine/plan.h"
#include "netlink/nl.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
#include <stdbool.h>

#include "fake-ops.h"

static const struct np_plan_paths paths = {
	.state_dir = "/var/lib/netplumb",
	.run_dir = "/run/netplumb",
	.dnsmasq_user = "dnsmasq",
	.resolv_text = "search lan\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\n",
	.resolv_path = "/etc/resolv.conf",
};

static struct np_net *default_net(void)
{
	struct np_err err = { { 0 } };
	struct np_net *net = NULL;

	if (np_xml_net_parse(np_default_net_xml, strlen(np_default_net_xml), "default.xml", &net,
			     &err) < 0) {
		fprintf(stderr, "parse: %s\n", err.msg);
		return NULL;
	}
	/* What define adds: a fixed MAC keeps the golden stable. */
	net->has_mac = true;
	memcpy(net->mac, (uint8_t[]){ 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 6);
	return net;
}

static void test_shape(const struct np_plan *plan)
{
	const struct np_step *br = np_plan_find(plan, NP_STEP_BRIDGE_ADD);
	const struct np_step *fw = np_plan_find(plan, NP_STEP_FW_APPLY);
	const struct np_step *addr = np_plan_find(plan, NP_STEP_ADDR_ADD);
	const struct np_step *up = np_plan_find(plan, NP_STEP_LINK_UP);
	const struct np_step *dm = np_plan_find(plan, NP_STEP_DNSMASQ_START);
	const struct np_step *ready = np_plan_find(plan, NP_STEP_DNSMASQ_READY);
	const struct np_step *cs = np_plan_find(plan, NP_STEP_FW_CSUM);
	char a[NP_ADDR_STRLEN];

	CHECK(plan->n_steps > 5);
	CHECK(plan->steps[0].kind == NP_STEP_CHECK_LINK_FREE);
	/* the last: dnsmasq serves, then leaves the rtnetlink groups */
	CHECK(plan->n_steps > 2 && plan->steps[plan->n_steps - 2].kind == NP_STEP_DNSMASQ_READY);
	CHECK(plan->steps[plan->n_steps - 1].kind == NP_STEP_DNSMASQ_MUTE);
	CHECK(plan->steps[plan->n_steps - 1].optional && dm && dm->mute);
	CHECK(br && !strcmp(br->ifname, "virbr0") && br->has_mac && br->stp == 1 &&
	      br->delay_cs == 0);
	CHECK(addr && addr->prefix == 24);
	CHECK_STR(addr ? np_addr_str(&addr->addr, a) : NULL, "192.168.122.1");
	CHECK(fw && strstr(fw->text, "masquerade") && strstr(fw->undo_text, "delete"));
	CHECK(fw && strstr(fw->text, "virbr0"));
	/* the bridge exists before its address, rules and dnsmasq */
	CHECK(br < addr && addr < fw);
	/* dnsmasq is spawned once the bridge is up with its address, and
	 * waited for only after the rules are in */
	CHECK(up && dm && ready && addr < up && up < dm && dm < fw && fw < ready);
	CHECK(dm && ready && !strcmp(dm->path, ready->path) && !strcmp(dm->pid_path, ready->pid_path));
	/* the create-only script goes with the idempotent one */
	CHECK(fw && fw->create_text && !strstr(fw->create_text, "flush chain") &&
	      strstr(fw->create_text, "masquerade") && strstr(fw->text, "flush chain"));
	CHECK(fw && fw->ifname && !strcmp(fw->ifname, "virbr0"));
	/* libvirt's DHCP checksum rule: after the nft rules, before dnsmasq
	 * serves; optional; one per plan */
	CHECK(cs && cs->optional && !strcmp(cs->ifname, "virbr0") && fw < cs && cs < ready);
	CHECK(cs && strstr(cs->text, "-I POSTROUTING -o virbr0 ") &&
	      strstr(cs->text, "--comment netplumb:virbr0") && strstr(cs->text, "CHECKSUM"));
	CHECK(cs && strstr(cs->undo_text, "-D POSTROUTING -o virbr0 "));
	for (size_t i = 0; i < plan->n_steps; i++)
		if (&plan->steps[i] != cs)
			CHECK(plan->steps[i].kind != NP_STEP_FW_CSUM);
}

/* Only a network libvirt gives the rule (DHCP on IPv4 in a firewalled
 * mode) gets the step. */
static void test_checksum_wanted(void)
{
	static const struct {
		const char *xml;
		bool want;
	} cases[] = {
		{ "<network><name>nodhcp</name><forward mode='nat'/><bridge name='vbc0'/>"
		  "<ip address='10.8.0.1' prefix='24'/></network>",
		  false },
		{ "<network><name>route</name><forward mode='route'/><bridge name='vbc1'/>"
		  "<ip address='10.8.1.1' prefix='24'><dhcp><range start='10.8.1.2' "
		  "end='10.8.1.9'/></dhcp></ip></network>",
		  true },
		{ "<network><name>iso</name><bridge name='vbc2'/>"
		  "<ip address='10.8.2.1' prefix='24'><dhcp><host mac='52:54:00:00:00:01' "
		  "ip='10.8.2.5'/></dhcp></ip></network>",
		  true },
		{ "<network><name>open</name><forward mode='open'/><bridge name='vbc3'/>"
		  "<ip address='10.8.3.1' prefix='24'><dhcp><range start='10.8.3.2' "
		  "end='10.8.3.9'/></dhcp></ip></network>",
		  false },
		{ "<network><name>v6</name><forward mode='nat'/><bridge name='vbc4'/>"
		  "<ip family='ipv6' address='fd00:8::1' prefix='64'><dhcp><range "
		  "start='fd00:8::10' end='fd00:8::20'/></dhcp></ip></network>",
		  false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct np_err err = { { 0 } };
		struct np_net *net = NULL;
		struct np_plan *plan = NULL;

		CHECK(np_xml_net_parse(cases[i].xml, strlen(cases[i].xml), "t.xml", &net, &err) == 0);
		if (!net)
			continue;
		CHECK(np_plan_build(net, &paths, &plan, &err) == 0);
		CHECK(plan && (np_plan_find(plan, NP_STEP_FW_CSUM) != NULL) == cases[i].want);
		if (plan && (np_plan_find(plan, NP_STEP_FW_CSUM) != NULL) != cases[i].want)
			fprintf(stderr, "  case %s\n", net->name);
		np_plan_free(plan);
		np_net_free(net);
	}
}

/* Start sends the create-only script when the chains are absent and the
 * idempotent one over leftover chains; a single step (repair) always the
 * idempotent one. Over leftovers the rules end up there once. */
static void test_create_form(const struct np_plan *plan)
{
	const struct np_step *fw = np_plan_find(plan, NP_STEP_FW_APPLY);
	struct fake f = { 0 }, left = { .fw = 1 };
	struct np_err err = { { 0 } };

	CHECK(np_plan_apply(plan, &fake_ops, &f, &err) == 0);
	CHECK(f.fw == 1 && f.fw_creates == 1 && f.csum == 1);
	/* chains just created: the checksum rule is added without a search */
	CHECK(f.csum_adds == 1 && f.csum_inserts == 1);
	CHECK(!np_err_isset(&err));
	CHECK(np_plan_undo(plan, &fake_ops, &f, &err) == 0 && clean(&f));

	/* chains left behind (a crash between their creation and the record) */
	CHECK(np_plan_apply(plan, &fake_ops, &left, &err) == 0);
	CHECK(left.fw == 1 && left.fw_creates == 0);
	/* ... so the rule may be there too: searched for first */
	CHECK(left.csum_adds == 1 && left.csum_inserts == 0);
	CHECK(np_plan_undo(plan, &fake_ops, &left, &err) == 0 && clean(&left));

	/* a repair: the chains are absent, still the idempotent script */
	f = (struct fake){ 0 };
	CHECK(fw && np_step_apply(fw, false, &fake_ops, &f, &err) == 0);
	CHECK(f.fw == 1 && f.fw_creates == 0);
}

/* libvirt ignores a failing checksum rule: the plan goes on, the failure
 * comes back as a warning in err with 0, and a later error is not masked
 * by it. */
static void test_checksum_optional(const struct np_plan *plan)
{
	const struct np_step *cs = np_plan_find(plan, NP_STEP_FW_CSUM);
	struct fake f = { .csum_fail = 1 };
	struct np_err err = { { 0 } };
	int total;

	CHECK(np_plan_apply(plan, &fake_ops, &f, &err) == 0);
	CHECK(f.csum == 0 && f.links == 1 && f.fw == 1 && f.dnsmasq == 1);
	CHECK(strstr(err.msg, "add DHCP checksum rule for virbr0: no CHECKSUM target") != NULL);
	CHECK(np_plan_undo(plan, &fake_ops, &f, &err) == 0 && clean(&f));

	/* fails, then a later step fails: that step's error, all undone */
	f = (struct fake){ 0 };
	memset(&err, 0, sizeof(err));
	CHECK(np_plan_apply(plan, &fake_ops, &f, &err) == 0);
	total = f.calls;
	f = (struct fake){ .csum_fail = 1, .fail_at = total };
	memset(&err, 0, sizeof(err));
	CHECK(np_plan_apply(plan, &fake_ops, &f, &err) == -EIO);
	CHECK(clean(&f));
	CHECK(strstr(err.msg, "dnsmasq") && !strstr(err.msg, "CHECKSUM"));

	/* on its own (repair) the same: 0 and a warning */
	f = (struct fake){ .csum_fail = 1 };
	memset(&err, 0, sizeof(err));
	CHECK(cs && np_step_apply(cs, false, &fake_ops, &f, &err) == 0);
	CHECK(np_err_isset(&err) && f.csum == 0);
	memset(&err, 0, sizeof(err));
	CHECK(cs && np_step_apply(cs, false, &fake_ops, &f, &err) == 0);
	CHECK(!np_err_isset(&err) && f.csum == 1);
	CHECK(cs && np_step_apply(cs, true, &fake_ops, &f, &err) == 0 && f.csum == 0);
}

/* dnsmasq takes its upstream servers from a servers-file written from the
 * resolv.conf text it was given, never from resolv.conf itself (whose
 * inotify watch would cap the number of networks). */
static void test_servers_file(const struct np_plan *plan)
{
	const struct np_step *sv = np_plan_file_step(plan, NP_PLAN_SERVERS_SUFFIX);
	const struct np_step *conf = NULL, *dm = np_plan_find(plan, NP_STEP_DNSMASQ_START);

	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].kind == NP_STEP_FILE_WRITE &&
		    strstr(plan->steps[i].path, "default.conf"))
			conf = &plan->steps[i];
	CHECK(sv && !strcmp(sv->path, "/var/lib/netplumb/default.servers"));
	CHECK_STR(sv ? sv->data : NULL, "server=192.0.2.53\nserver=fe80::1%eth0\n");
	CHECK(sv && sv->why && strstr(sv->why, "/etc/resolv.conf"));
	CHECK(conf && strstr(conf->data, "\nno-resolv\nservers-file=/var/lib/netplumb/default.servers\n"));
	/* written before dnsmasq starts */
	CHECK(sv && dm && sv < dm);
}

static void test_servers_file_absent(void)
{
	static const char *const xml[] = {
		/* isolated: libvirt already writes no-resolv */
		"<network><name>iso</name><bridge name='vbi0'/>"
		"<ip address='10.7.0.1' prefix='24'><dhcp><range start='10.7.0.2' end='10.7.0.9'/>"
		"</dhcp></ip></network>",
		/* DNS off: dnsmasq runs for DHCP only and reads no resolv.conf */
		"<network><name>nodns</name><forward mode='nat'/><bridge name='vbd0'/>"
		"<dns enable='no'/><ip address='10.7.1.1' prefix='24'><dhcp>"
		"<range start='10.7.1.2' end='10.7.1.9'/></dhcp></ip></network>",
		/* a forwarder for every name: libvirt writes no-resolv */
		"<network><name>fwd</name><forward mode='nat'/><bridge name='vbf0'/>"
		"<dns><forwarder addr='192.0.2.1'/></dns><ip address='10.7.2.1' prefix='24'/>"
		"</network>",
	};

	for (size_t i = 0; i < sizeof(xml) / sizeof(xml[0]); i++) {
		struct np_err err = { { 0 } };
		struct np_net *net = NULL;
		struct np_plan *plan = NULL;

		CHECK(np_xml_net_parse(xml[i], strlen(xml[i]), "t.xml", &net, &err) == 0);
		if (!net)
			continue;
		CHECK(np_plan_build(net, &paths, &plan, &err) == 0);
		CHECK(plan && !np_plan_file_step(plan, NP_PLAN_SERVERS_SUFFIX));
		for (size_t j = 0; plan && j < plan->n_steps; j++)
			if (plan->steps[j].kind == NP_STEP_FILE_WRITE)
				CHECK(!strstr(plan->steps[j].data, "servers-file"));
		np_plan_free(plan);
		np_net_free(net);
	}
}

static void test_rollback_every_step(const struct np_plan *plan)
{
	struct fake probe = { 0 };
	struct np_err err = { { 0 } };
	int total;

	CHECK(np_plan_apply(plan, &fake_ops, &probe, &err) == 0);
	total = probe.calls;
	CHECK(total >= 6);
	for (int n = 1; n <= total; n++) {
		struct fake f = { .fail_at = n };
		struct np_err e = { { 0 } };
		int r = np_plan_apply(plan, &fake_ops, &f, &e);

		/* the optional checksum rule: a warning, the rest is there */
		if (r == 0) {
			CHECK(strstr(e.msg, "add DHCP checksum rule for virbr0: ") != NULL);
			CHECK(f.csum == 0 && f.links == 1 && f.fw == 1 && f.dnsmasq == 1);
			CHECK(np_plan_undo(plan, &fake_ops, &f, &e) == 0 && clean(&f));
			continue;
		}
		CHECK(r == -EIO);
		CHECK(clean(&f));
		CHECK(e.msg[0] != '\0');
		if (!clean(&f) || r != -EIO)
			fprintf(stderr, "  failing at mutating call %d: %s\n", n, e.msg);
	}
	/* a full apply followed by undo leaves nothing */
	CHECK(!clean(&probe));
	CHECK(np_plan_undo(plan, &fake_ops, &probe, &err) == 0);
	CHECK(clean(&probe));
	/* undo again: everything already gone is fine */
	CHECK(np_plan_undo(plan, &fake_ops, &probe, &err) == 0);
}

static void test_bridge_taken(const struct np_plan *plan)
{
	struct fake f = { .link_taken = true };
	struct np_err err = { { 0 } };

	CHECK(np_plan_apply(plan, &fake_ops, &f, &err) == -EEXIST);
	CHECK(f.calls == 0 && clean(&f));
	CHECK(strstr(err.msg, "virbr0") != NULL);
}

/* A dnsmasq that binds once and does no IPv6 leaves the rtnetlink groups
 * once it serves; one that uses address events (IPv6, bind-dynamic, an
 * option that re-reads interfaces) keeps them. */
static void test_mute_wanted(void)
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
		struct np_err err = { { 0 } };
		struct np_net *net = NULL;
		struct np_plan *plan = NULL;
		const struct np_step *mute, *dm;
		char xml[1024];

		snprintf(xml, sizeof(xml),
			 "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>"
			 "<name>m</name><forward mode='nat'/><bridge name='vbm0'/>"
			 "<ip address='10.8.9.1' prefix='24'><dhcp><range start='10.8.9.2' "
			 "end='10.8.9.9'/></dhcp></ip>%s%s%s%s</network>",
			 cases[i].v6 ? "<ip family='ipv6' address='fd00:9::1' prefix='64'/>" : "",
			 cases[i].opt ? "<dnsmasq:options><dnsmasq:option value='" : "",
			 cases[i].opt ? cases[i].opt : "", cases[i].opt ? "'/></dnsmasq:options>" : "");
		CHECK(np_xml_net_parse(xml, strlen(xml), "t.xml", &net, &err) == 0);
		if (!net) {
			fprintf(stderr, "  case %zu: %s\n", i, err.msg);
			continue;
		}
		CHECK(np_plan_build(net, &paths, &plan, &err) == 0);
		mute = plan ? np_plan_find(plan, NP_STEP_DNSMASQ_MUTE) : NULL;
		dm = plan ? np_plan_find(plan, NP_STEP_DNSMASQ_START) : NULL;
		CHECK((mute != NULL) == cases[i].want && dm && dm->mute == cases[i].want);
		if ((mute != NULL) != cases[i].want)
			fprintf(stderr, "  case %zu (%s)\n", i, cases[i].opt ? cases[i].opt : "-");
		np_plan_free(plan);
		np_net_free(net);
	}
}

/* The mute is best effort: a failure is a warning and the network runs; a
 * repair's dnsmasq restart (the start step on its own) mutes it too. */
static void test_mute_apply(const struct np_plan *plan)
{
	const struct np_step *dm = np_plan_find(plan, NP_STEP_DNSMASQ_START);
	struct fake f = { 0 };
	struct np_err err = { { 0 } };

	CHECK(np_plan_apply(plan, &fake_ops, &f, &err) == 0 && f.mutes == 1 && !np_err_isset(&err));
	CHECK(np_plan_undo(plan, &fake_ops, &f, &err) == 0 && clean(&f));

	f = (struct fake){ .mute_fail = true };
	CHECK(np_plan_apply(plan, &fake_ops, &f, &err) == 0);
	CHECK(f.mutes == 0 && f.dnsmasq == 1 && f.links == 1);
	CHECK(strstr(err.msg, "unsubscribe dnsmasq from rtnetlink events: pidfd_getfd") != NULL);
	CHECK(np_plan_undo(plan, &fake_ops, &f, &err) == 0 && clean(&f));

	f = (struct fake){ 0 };
	memset(&err, 0, sizeof(err));
	CHECK(dm && np_step_apply(dm, false, &fake_ops, &f, &err) == 0);
	CHECK(f.dnsmasq == 1 && f.mutes == 1);
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
	CHECK(strstr(text, "{\"step\": \"dhcp-checksum\", \"ifname\": \"virbr0\", \"iptables\": "
			   "\"iptables-nft -t mangle -I POSTROUTING ") != NULL);
	CHECK(strstr(text, "\"iptables_undo\": \"iptables-nft -t mangle -D POSTROUTING ") != NULL);
	CHECK(strstr(text, "\"optional\": true, \"why\": \"libvirt's DHCP checksum fix") != NULL);
	CHECK(strstr(text, "\"nft_create\": \"") != NULL);
	free(text);
}

int main(void)
{
	struct np_net *net = default_net();
	struct np_plan *plan = NULL;
	struct np_err err = { { 0 } };

	CHECK(net != NULL);
	if (!net)
		return check_result("test-plan");
	CHECK(np_plan_build(net, &paths, &plan, &err) == 0);
	if (!plan) {
		fprintf(stderr, "plan: %s\n", err.msg);
		return check_result("test-plan");
	}
	test_shape(plan);
	test_servers_file(plan);
	test_servers_file_absent();
	test_rollback_every_step(plan);
	test_checksum_wanted();
	test_create_form(plan);
	test_checksum_optional(plan);
	test_mute_wanted();
	test_mute_apply(plan);
	test_bridge_taken(plan);
	test_golden(plan);
	np_plan_free(plan);
	np_net_free(net);
	return check_result("test-plan");
}
