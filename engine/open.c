#include "engine/open.h"

#include "common/err.h"
#include "dhcp/dhcp.h"
#include "engine/lifecycle.h"
#include "engine/ops.h"
#include "engine/ops_fault.h"
#include "engine/ops_timing.h"
#include "engine/store.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The engine and what it borrows, freed together. */
struct opened {
	struct np_engine eng;
	struct np_sys *sys;
	struct np_fault fault;
	struct np_timing_ops timed;
	char netns[300];
};

/* "net:[INODE]" of the namespace we act in, and its `ip netns` name. */
static void netns_id(const char *name, char *buf, size_t len)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		snprintf(buf, len, "net:[unknown]");
	else
		snprintf(buf, len, "net:[%llu]", (unsigned long long)st.st_ino);
	if (name)
		snprintf(buf + strlen(buf), len - strlen(buf), " %s", name);
}

/* Whether we act in another network namespace than PID 1's (besides
 * --netns); when that cannot be read (not root, or PID 1 beyond ptrace's
 * reach, as in some containers), as if not. */
static bool netns_away(void)
{
	struct stat self, init;

	if (stat("/proc/self/ns/net", &self) < 0 || stat("/proc/1/ns/net", &init) < 0)
		return false;
	return self.st_dev != init.st_dev || self.st_ino != init.st_ino;
}

static bool bus_given(void)
{
	const char *bus = getenv("DBUS_SYSTEM_BUS_ADDRESS");

	return bus && *bus;
}

int np_engine_open(const struct np_engine_dirs *dirs, void (*warn)(const char *msg),
		   struct np_engine **ret, struct np_err *err)
{
	const struct np_store_dirs sd = {
		.config_dir = dirs->config_dir,
		.state_dir = dirs->state_dir,
		.run_dir = dirs->run_dir,
		.netns = dirs->netns,
		.readonly = dirs->readonly,
	};
	struct np_store *store = NULL;
	struct opened *o;
	int r;

	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	r = np_store_open(&sd, &store, err);
	if (r < 0) {
		free(o);
		return r;
	}
	r = np_sys_new(&o->sys);
	if (r < 0) {
		np_store_free(store);
		free(o);
		return r;
	}
	netns_id(dirs->netns, o->netns, sizeof(o->netns));
	o->eng = (struct np_engine){
		.store = store,
		.ops = &np_sys_ops,
		.ctx = o->sys,
		.dnsmasq_user = np_dnsmasq_default_user(),
		.warn = warn,
		.netns = o->netns,
		.bus_away = (dirs->netns || netns_away()) && !bus_given(),
		.hooks_dir = getenv("NETPLUMB_HOOKS_DIR"),
		.overlap = true,
	};
	if (o->eng.hooks_dir && !*o->eng.hooks_dir)
		o->eng.hooks_dir = NULL;
	/* decorators: fault injection over the system, timing over both */
	if (np_fault_from_env(&o->fault, &np_sys_ops, o->sys)) {
		o->eng.ops = &np_fault_ops;
		o->eng.ctx = &o->fault;
	}
	if (getenv("NETPLUMB_TIMING")) {
		o->timed = (struct np_timing_ops){ .base = o->eng.ops, .base_ctx = o->eng.ctx };
		o->eng.ops = &np_timing_ops;
		o->eng.ctx = &o->timed;
	}
	r = dirs->readonly ? 0 : np_engine_seed(&o->eng, err);
	if (r < 0) {
		np_engine_close(&o->eng);
		return r;
	}
	*ret = &o->eng;
	return 0;
}

void np_engine_close(struct np_engine *eng)
{
	struct opened *o;

	if (!eng)
		return;
	o = (struct opened *)((char *)eng - offsetof(struct opened, eng));
	np_sys_free(o->sys);
	np_store_free(o->eng.store);
	free(o);
}
