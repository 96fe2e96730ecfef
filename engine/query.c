#include "engine/query.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "dhcp/leases.h"
#include "engine/lifecycle.h"
#include "engine/store.h"

#include <errno.h>
#include <string.h>

/* A lease file is a few hundred bytes per guest. */
#define LEASES_MAX (64u << 20)

int np_engine_list(struct np_engine *eng, char ***ret, size_t *ret_n, struct np_err *err)
{
	if (np_store_list(eng->store, ret, ret_n) < 0)
		return np_err_set(err, -EIO, "cannot list networks in %s",
				  np_store_config_dir(eng->store));
	return 0;
}

void np_engine_names_free(char **names, size_t n)
{
	np_store_names_free(names, n);
}

void np_engine_status(struct np_engine *eng, const char *name, struct np_net_status *ret)
{
	*ret = (struct np_net_status){
		.active = np_store_is_active(eng->store, name),
		.persistent = np_store_is_persistent(eng->store, name),
		.autostart = np_store_is_autostart(eng->store, name),
	};
}

int np_engine_def_load(struct np_engine *eng, const char *name, struct np_net **ret,
		       struct np_err *err)
{
	int r = np_store_def_load(eng->store, name, ret, err);

	/* A transient network's live record is no definition to edit. */
	if (r < 0 && (!np_err_isset(err) || np_store_is_active(eng->store, name)))
		return np_err_set(err, -ENOENT, "network '%s' has no persistent definition", name);
	return r;
}

int np_engine_leases(struct np_engine *eng, const char *name, time_t now,
		     struct np_dhcp_lease **ret, size_t *ret_n, struct np_err *err)
{
	_np_free_ char *path = NULL, *text = NULL;
	int r;

	*ret = NULL;
	*ret_n = 0;
	r = np_store_path(np_store_state_dir(eng->store), name, ".leases", &path);
	if (r < 0)
		return r;
	r = np_file_read(path, LEASES_MAX, &text, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return np_err_set(err, r, "cannot read %s: %s", path, strerror(-r));
	if (np_dhcp_leases_parse(text, now, ret, ret_n) < 0)
		return np_err_set(err, -EINVAL, "cannot parse %s", path);
	return 0;
}
