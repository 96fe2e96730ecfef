/* net-desc: print or set a network's description or title (virsh net-desc). */
#include "cli/cli.h"

#include "cli/args.h"
#include "common/err.h"
#include "common/util.h"
#include "engine/desc.h"
#include "engine/update_live.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int np_cmd_desc(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = {
		{ .name = "--title" },	 { .name = "--live" },
		{ .name = "--config" },	 { .name = "--current" },
		{ .name = "--new-desc", .takes_value = true },
	};
	const size_t n = NP_ARRAY_SIZE(args);
	_np_free_ char *text = NULL;
	const char *pos[2] = { NULL, NULL }, *set;
	bool title;
	unsigned flags = 0;
	int r;

	r = np_args_parse(argc, argv, args, n, pos, 1, 2, err);
	if (r < 0)
		return r;
	title = np_args_has(args, n, "--title");
	if (np_args_has(args, n, "--live"))
		flags |= NP_UPDATE_AFFECT_LIVE;
	if (np_args_has(args, n, "--config"))
		flags |= NP_UPDATE_AFFECT_CONFIG;
	if (np_args_has(args, n, "--current") && flags)
		return np_err_set(err, -EINVAL, "--current excludes --live and --config");
	set = np_args_value(args, n, "--new-desc");
	if (set && pos[1])
		return np_err_set(err, -EINVAL, "give the text once (TEXT or --new-desc TEXT)");
	if (!set)
		set = pos[1];
	if (set) {
		r = np_engine_desc_set(c->eng, pos[0], title, flags, set, err);
		if (r < 0)
			return r;
		printf("Network %s updated successfully\n", title ? "title" : "description");
		return 0;
	}
	r = np_engine_desc_get(c->eng, pos[0], title, flags, &text, err);
	if (r < 0)
		return r;
	if (*text)
		printf("%s\n", text);
	else
		printf("No %s for network: %s\n", title ? "title" : "description", pos[0]);
	return 0;
}
