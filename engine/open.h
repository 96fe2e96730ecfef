/* One command's engine on the real system: its store, the system's table of
 * operations and dnsmasq's user, set up once by the front end. */
#pragma once

#include <stdbool.h>

struct np_engine;
struct np_err;

struct np_engine_dirs {
	/* NULL: NETPLUMB_CONFIG_DIR/_STATE_DIR/_RUN_DIR, then the defaults */
	const char *config_dir;
	const char *state_dir;
	const char *run_dir;
	/* The named network namespace the command works in (already entered
	 * with np_engine_netns_enter): the defaults move below .../netns/NAME. */
	const char *netns;
	bool readonly; /* create and seed nothing (plan FILE) */
};

/* Opens the store (creating it, and defining the built-in 'default'
 * network on a config dir's first use, unless readonly) and the system's
 * operations, wrapped by fault injection when NETPLUMB_FAULT_AT or
 * NETPLUMB_KILL_AT asks for it (ops_fault.h). warn is told about problems
 * that do not fail a command. Free with np_engine_close(). */
int np_engine_open(const struct np_engine_dirs *dirs, void (*warn)(const char *msg),
		   struct np_engine **ret, struct np_err *err);
void np_engine_close(struct np_engine *eng);

/* Joins /run/netns/NAME for the rest of the process, as `ip netns exec`
 * does. Called before np_engine_open(), so every socket and dnsmasq lives
 * there. name must pass np_name_check(NP_NAME_NETNS); what names where it
 * came from in the error ("--netns" or "NETPLUMB_NETNS"). */
int np_engine_netns_enter(const char *what, const char *name, struct np_err *err);
