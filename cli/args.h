/* A small argument parser for one command: boolean flags, flags with a
 * value, and positionals. Unknown options and wrong counts are errors. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct np_err;

struct np_arg {
	const char *name;   /* "--all" */
	bool takes_value;
	bool set;
	const char *value;
};

/* argv[0] is the command. Fills args[] and pos[] (up to max_pos). */
int np_args_parse(int argc, char **argv, struct np_arg *args, size_t n_args, const char **pos,
		  size_t min_pos, size_t max_pos, struct np_err *err);
/* np_args_parse() with exactly one positional, a network name, checked
 * (np_name_check) and named "COMMAND: network" in the error. */
int np_args_network(int argc, char **argv, struct np_arg *args, size_t n_args, const char **ret,
		    struct np_err *err);
bool np_args_has(const struct np_arg *args, size_t n, const char *name);
const char *np_args_value(const struct np_arg *args, size_t n, const char *name);
