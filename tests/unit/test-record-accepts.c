/* The record a reload writes once a foreign drop appeared after the start
 * (Docker started later): it names the accepts netplumb inserted, keeps
 * the ones recorded before, and never one it did not insert. */
#include "check.h"

#include "common/err.h"
#include "engine/default_net.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "engine/record_accepts.h"
#include "firewall/foreign.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <stdlib.h>
#include <string.h>

static struct np_net *net;

static const struct np_fw_foreign docker = { .ipt_forward_drop = true, .ipt_docker_user = true };
static const struct np_fw_foreign hand_drop = { .ipt_forward_drop = true, .ipt_input_drop = true };

static struct np_plan *build(const struct np_fw_foreign *f)
{
	struct np_plan_paths paths = { .state_dir = "/var/lib/netplumb",
				       .run_dir = "/run/netplumb",
				       .dnsmasq_user = "dnsmasq",
				       .netns = "net:[1]",
				       .foreign = f };
	struct np_err err = { { 0 } };
	struct np_plan *plan = NULL;

	if (np_plan_build(net, &paths, &plan, &err) < 0)
		fprintf(stderr, "plan: %s\n", err.msg);
	return plan;
}

/* plan as np_record_render writes it and destroy reads it back. */
static struct np_plan *recorded(const struct np_plan *plan)
{
	struct np_err err = { { 0 } };
	struct np_plan *rec = NULL;
	char *text = NULL;

	if (np_record_render(plan, plan->n_steps, &text) < 0 ||
	    np_record_parse(text, "test.applied", &rec, &err) < 0)
		fprintf(stderr, "record: %s\n", err.msg);
	free(text);
	return rec;
}

static size_t count(const struct np_plan *p, const char *chain)
{
	size_t n = 0;

	for (size_t i = 0; p && i < p->n_steps; i++)
		n += p->steps[i].kind == NP_STEP_IPT_RULE &&
		     (!chain || !strcmp(p->steps[i].value, chain));
	return n;
}

static size_t index_of(const struct np_plan *p, enum np_step_kind kind, bool last)
{
	size_t at = p->n_steps;

	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == kind && (last || at == p->n_steps))
			at = i;
	return at;
}

static bool *all_accepts(const struct np_plan *p)
{
	bool *in = calloc(p->n_steps, sizeof(*in));

	for (size_t i = 0; in && i < p->n_steps; i++)
		in[i] = p->steps[i].kind == NP_STEP_IPT_RULE;
	return in;
}

/* Started with no foreign drop, Docker came: every accept inserted is
 * recorded, into DOCKER-USER, before the record step. */
static void test_new_drop(void)
{
	_np_plan_free_ struct np_plan *clean = build(NULL), *plan = build(&docker);
	_np_plan_free_ struct np_plan *old = recorded(clean), *back = NULL;
	bool *in = all_accepts(plan);
	size_t want = count(plan, NULL);

	CHECK(count(old, NULL) == 0 && want > 0 && count(plan, "DOCKER-USER") == want);
	CHECK(np_record_merge_accepts(plan, old, in) == 0);
	back = recorded(plan);
	CHECK(count(back, "DOCKER-USER") == want);
	CHECK(index_of(back, NP_STEP_IPT_RULE, true) < index_of(back, NP_STEP_RECORD, false));
	CHECK(np_record_has_accept(back, &plan->steps[index_of(plan, NP_STEP_IPT_RULE, false)]));
	free(in);
}

/* An accept the plan wants that was already in its chain (an admin's
 * identical rule) was not inserted: it is not recorded, so destroy leaves
 * it. Only the one inserted is. */
static void test_not_ours(void)
{
	_np_plan_free_ struct np_plan *clean = build(NULL), *plan = build(&docker);
	_np_plan_free_ struct np_plan *old = recorded(clean);
	bool *in = calloc(plan->n_steps, sizeof(*in));
	size_t first = index_of(plan, NP_STEP_IPT_RULE, false);
	char *rule = strdup(plan->steps[first].text);

	in[first] = true;
	CHECK(np_record_merge_accepts(plan, old, in) == 0);
	CHECK(count(plan, NULL) == 1);
	CHECK_STR(plan->steps[index_of(plan, NP_STEP_IPT_RULE, false)].text, rule);
	free(in);
	free(rule);
}

/* The drop went (Docker stopped): the recorded accepts stay recorded, so
 * destroy still removes any left in place; merging again adds nothing. */
static void test_drop_gone(void)
{
	_np_plan_free_ struct np_plan *started = build(&docker), *plan = build(NULL);
	_np_plan_free_ struct np_plan *old = recorded(started);
	size_t want = count(started, NULL);

	CHECK(np_record_merge_accepts(plan, old, NULL) == 0);
	CHECK(count(plan, "DOCKER-USER") == want);
	CHECK(np_record_merge_accepts(plan, old, NULL) == 0);
	CHECK(count(plan, NULL) == want);
	/* kept right before the record step: there is no accept of plan */
	CHECK(index_of(plan, NP_STEP_RECORD, false) == index_of(plan, NP_STEP_IPT_RULE, true) + 1);
}

/* Started under a hand-set FORWARD/INPUT drop, then Docker came: the old
 * accepts in FORWARD and INPUT stay, the new ones in DOCKER-USER join them,
 * none twice. */
static void test_both(void)
{
	_np_plan_free_ struct np_plan *started = build(&hand_drop), *plan = build(&docker);
	_np_plan_free_ struct np_plan *old = recorded(started), *back = NULL;
	bool *in = all_accepts(plan);
	size_t forward = count(started, "FORWARD"), input = count(started, "INPUT");
	size_t user = count(plan, "DOCKER-USER");

	CHECK(forward > 0 && input > 0 && user > 0);
	CHECK(np_record_merge_accepts(plan, old, in) == 0);
	back = recorded(plan);
	CHECK(count(back, "FORWARD") == forward && count(back, "INPUT") == input);
	CHECK(count(back, "DOCKER-USER") == user);
	CHECK(count(back, NULL) == forward + input + user);
	free(in);
}

int main(void)
{
	struct np_err err = { { 0 } };

	if (np_xml_net_parse(np_default_net_xml, strlen(np_default_net_xml), "default", &net,
			     &err) < 0) {
		fprintf(stderr, "default: %s\n", err.msg);
		return 1;
	}
	test_new_drop();
	test_not_ours();
	test_drop_gone();
	test_both();
	np_net_free(net);
	return check_result("test-record-accepts");
}
