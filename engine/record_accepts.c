/* Merging the iptables accepts of a record (record_accepts.h). */
#include "engine/record_accepts.h"

#include "engine/plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static bool same_accept(const struct np_step *a, const struct np_step *b)
{
	return a->kind == NP_STEP_IPT_RULE && b->kind == NP_STEP_IPT_RULE &&
	       same(a->key, b->key) && same(a->value, b->value) && same(a->text, b->text);
}

bool np_record_has_accept(const struct np_plan *rec, const struct np_step *s)
{
	for (size_t i = 0; rec && i < rec->n_steps; i++)
		if (same_accept(&rec->steps[i], s))
			return true;
	return false;
}

static int dup_field(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

/* A copy of the recorded accept o: the fields its undo and print read. */
static int copy_accept(struct np_step *s, const struct np_step *o)
{
	memset(s, 0, sizeof(*s));
	s->kind = NP_STEP_IPT_RULE;
	s->stp = -1;
	s->delay_cs = -1;
	if (dup_field(&s->ifname, o->ifname) < 0 || dup_field(&s->key, o->key) < 0 ||
	    dup_field(&s->value, o->value) < 0 || dup_field(&s->text, o->text) < 0) {
		np_step_clear(s);
		return -ENOMEM;
	}
	return 0;
}

/* After plan's last accept, where start inserts them; else before its
 * record step (the record renders every step, but the steps after it run
 * later). */
static size_t insert_at(const struct np_plan *plan)
{
	size_t at = plan->n_steps;

	for (size_t i = plan->n_steps; i-- > 0;) {
		if (plan->steps[i].kind == NP_STEP_IPT_RULE)
			return i + 1;
		if (plan->steps[i].kind == NP_STEP_RECORD)
			at = i;
	}
	return at;
}

int np_record_merge_accepts(struct np_plan *plan, const struct np_plan *old,
			    const bool *inserted)
{
	size_t w = 0, add = 0, at;
	struct np_step *steps;

	for (size_t i = 0; i < plan->n_steps; i++) {
		struct np_step *s = &plan->steps[i];

		if (s->kind == NP_STEP_IPT_RULE && inserted && !inserted[i] &&
		    !np_record_has_accept(old, s)) {
			np_step_clear(s);
			continue;
		}
		plan->steps[w++] = *s;
	}
	plan->n_steps = w;
	for (size_t j = 0; old && j < old->n_steps; j++)
		add += old->steps[j].kind == NP_STEP_IPT_RULE &&
		       !np_record_has_accept(plan, &old->steps[j]);
	if (!add)
		return 0;
	steps = realloc(plan->steps, (plan->n_steps + add) * sizeof(*steps));
	if (!steps)
		return -ENOMEM;
	plan->steps = steps;
	at = insert_at(plan);
	for (size_t j = 0; j < old->n_steps; j++) {
		const struct np_step *o = &old->steps[j];
		struct np_step copy;

		if (o->kind != NP_STEP_IPT_RULE || np_record_has_accept(plan, o))
			continue;
		if (copy_accept(&copy, o) < 0)
			return -ENOMEM;
		memmove(&plan->steps[at + 1], &plan->steps[at],
			(plan->n_steps - at) * sizeof(*steps));
		plan->steps[at++] = copy;
		plan->n_steps++;
	}
	return 0;
}
