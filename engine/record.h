/* The record of an applied plan (RUN/NAME.applied): its steps, with the
 * fields their undo reads and the links the kernel made (ifindex and MAC).
 * net-destroy undoes exactly this record, in reverse, instead of planning
 * again from today's definition, ports and resolv.conf. Pure text in, text
 * out: one "step KIND key=value ..." line per step, values percent-encoded. */
#pragma once

#include <stddef.h>

struct np_plan;
struct np_err;

/* The record of the first n steps of plan (all of them, normally: the
 * links of steps not applied yet are 0). */
int np_record_render(const struct np_plan *plan, size_t n, char **ret);
/* A plan holding the recorded steps (only what undo reads). path names the
 * file in errors. */
int np_record_parse(const char *text, const char *path, struct np_plan **ret,
		    struct np_err *err);
