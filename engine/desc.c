#include "engine/desc.h"

#include "common/err.h"
#include "common/util.h"
#include "engine/lifecycle.h"
#include "engine/store.h"
#include "engine/update_live.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Which definitions a command means: virNetworkObjUpdateModificationImpact. */
static int affected(struct np_engine *eng, const char *name, unsigned flags, unsigned *ret,
		    struct np_err *err)
{
	bool active = np_store_is_active(eng->store, name);
	bool persistent = np_store_is_persistent(eng->store, name);

	if (!active && !persistent)
		return np_err_set(err, -ENOENT, "network '%s' not found", name);
	if (!(flags & (NP_UPDATE_AFFECT_LIVE | NP_UPDATE_AFFECT_CONFIG)))
		flags |= active ? NP_UPDATE_AFFECT_LIVE : NP_UPDATE_AFFECT_CONFIG;
	if ((flags & NP_UPDATE_AFFECT_LIVE) && !active)
		return np_err_set(err, -EINVAL, "network '%s' is not running", name);
	if ((flags & NP_UPDATE_AFFECT_CONFIG) && !persistent)
		return np_err_set(err, -EINVAL,
				  "cannot change persistent config of transient network '%s'", name);
	*ret = flags;
	return 0;
}

int np_engine_desc_get(struct np_engine *eng, const char *name, bool title, unsigned flags,
		       char **ret, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	const char *v;
	char *out;
	int r;

	r = affected(eng, name, flags, &flags, err);
	if (r < 0)
		return r;
	if ((flags & NP_UPDATE_AFFECT_LIVE) && (flags & NP_UPDATE_AFFECT_CONFIG))
		return np_err_set(err, -EINVAL, "--live and --config together only set a text");
	r = flags & NP_UPDATE_AFFECT_LIVE ? np_store_live_load(eng->store, name, &net, err) :
					    np_store_def_load(eng->store, name, &net, err);
	if (r < 0)
		return r;
	v = title ? net->title : net->description;
	out = strdup(v ? v : "");
	if (!out)
		return -ENOMEM;
	*ret = out;
	return 0;
}

static int set_one(struct np_engine *eng, const char *name, bool live, bool title,
		   const char *text, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	char **slot, *copy = NULL;
	int r;

	r = live ? np_store_live_load(eng->store, name, &net, err) :
		   np_store_def_load(eng->store, name, &net, err);
	if (r < 0)
		return r;
	if (*text && !(copy = strdup(text)))
		return -ENOMEM;
	slot = title ? &net->title : &net->description;
	free(*slot);
	*slot = copy;
	r = np_net_validate(net, name, err);
	if (r < 0)
		return r;
	return live ? np_store_live_save(eng->store, net, err) :
		      np_store_def_save(eng->store, net, err);
}

int np_engine_desc_set(struct np_engine *eng, const char *name, bool title, unsigned flags,
		       const char *text, struct np_err *err)
{
	int r;

	/* libvirt: "title can't contain newlines" */
	if (title && strpbrk(text, "\r\n"))
		return np_err_set(err, -EINVAL, "a title cannot contain a newline");
	r = np_store_lock(eng->store, err);
	if (r < 0)
		return r;
	r = affected(eng, name, flags, &flags, err);
	if (r < 0)
		return r;
	if (flags & NP_UPDATE_AFFECT_LIVE) {
		r = set_one(eng, name, true, title, text, err);
		if (r < 0)
			return r;
	}
	if (flags & NP_UPDATE_AFFECT_CONFIG)
		r = set_one(eng, name, false, title, text, err);
	return r;
}
