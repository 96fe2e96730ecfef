/* The iptables accepts a running network's record holds once a foreign
 * firewall that appeared after its start (Docker's FORWARD policy DROP) made
 * a reload insert new ones: the record must name exactly the accepts
 * netplumb put into other tools' chains, so destroy removes those and no
 * rule an admin added. Pure: plans in, plan out. */
#pragma once

#include <stdbool.h>

struct np_plan;
struct np_step;

/* Whether rec (a parsed record; NULL: none) holds the accept s: an
 * NP_STEP_IPT_RULE of the same table, chain and rule. */
bool np_record_has_accept(const struct np_plan *rec, const struct np_step *s);

/* Turns plan (the network's plan of now) into what its record should say:
 * an accept of plan stays when old holds it or inserted[i] is set
 * (inserted is indexed like plan's steps; NULL keeps all of plan's), other
 * accepts of plan are dropped (not ours: not inserted by netplumb); the
 * accepts of old that plan lacks (their chain no longer drops, or drops
 * elsewhere) are kept, after plan's accepts, so destroy still removes
 * them. 0 or -ENOMEM (plan is then unchanged or holds fewer copies). */
int np_record_merge_accepts(struct np_plan *plan, const struct np_plan *old,
			    const bool *inserted);
