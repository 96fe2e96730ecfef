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
	char a[NP_ADDR_STRLEN];

	CHECK(plan->n_steps > 5);
	CHECK(plan->steps[0].kind == NP_STEP_CHECK_LINK_FREE);
	CHECK(plan->steps[plan->n_steps - 1].kind == NP_STEP_DNSMASQ_START);
	CHECK(br && !strcmp(br->ifname, "virbr0") && br->has_mac && br->stp == 1 &&
	      br->delay_cs == 0);
	CHECK(addr && addr->prefix == 24);
	CHECK_STR(addr ? np_addr_str(&addr->addr, a) : NULL, "192.168.122.1");
	CHECK(fw && strstr(fw->text, "masquerade") && strstr(fw->undo_text, "delete"));
	CHECK(fw && strstr(fw->text, "virbr0"));
	/* the bridge exists before its address, rules and dnsmasq */
	CHECK(br < addr && addr < fw);
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
	test_rollback_every_step(plan);
	test_bridge_taken(plan);
	test_golden(plan);
	np_plan_free(plan);
	np_net_free(net);
	return check_result("test-plan");
}
