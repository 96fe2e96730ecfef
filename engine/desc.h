/* net-desc: a network's <title> or <description> (virsh net-desc, libvirt
 * 9.7). Neither changes anything on the system, so the live definition is
 * rewritten without touching the running network. */
#pragma once

#include <stdbool.h>

struct np_engine;
struct np_err;

/* *ret: the text, "" when the element is absent. flags: NP_UPDATE_AFFECT_*
 * (update_live.h), 0 = live when active, else the persistent definition. */
int np_engine_desc_get(struct np_engine *eng, const char *name, bool title, unsigned flags,
		       char **ret, struct np_err *err);
/* Sets (text "" removes) the title or description, under the store lock,
 * of the live definition, the persistent one or both (flags as for
 * net-update: 0 = live when active, else config). A title is one line. */
int np_engine_desc_set(struct np_engine *eng, const char *name, bool title, unsigned flags,
		       const char *text, struct np_err *err);
