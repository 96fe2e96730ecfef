#include "engine/open.h"

#include "common/err.h"
#include "dhcp/dhcp.h"
#include "engine/lifecycle.h"
#include "engine/ops.h"
#include "engine/ops_fault.h"
#include "engine/reaper_sys.h"
#include "engine/store.h"
#include "firewall/fw.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

/* The engine and what it borrows, freed together. */
struct opened {
	struct np_engine eng;
	struct np_sys *sys;
	struct np_fault fault;
};

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
	np_engine_reap_setup(np_store_run_dir(store));
	np_fw_set_linger(np_engine_idle_hold);
	r = np_sys_new(&o->sys);
	if (r < 0) {
		np_store_free(store);
		free(o);
		return r;
	}
	o->eng = (struct np_engine){
		.store = store,
		.ops = &np_sys_ops,
		.ctx = o->sys,
		.dnsmasq_user = np_dnsmasq_default_user(),
		.dnsmasq_reload = np_dnsmasq_reload,
		.warn = warn,
	};
	if (np_fault_from_env(&o->fault, &np_sys_ops, o->sys)) {
		o->eng.ops = &np_fault_ops;
		o->eng.ctx = &o->fault;
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
