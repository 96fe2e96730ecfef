/* net-update NAME COMMAND SECTION XML [--live] [--config] [--current]
 * [--parent-index N], as virsh's cmdNetworkUpdate parses it. */
#include "cli/cli.h"

#include "cli/args.h"
#include "common/err.h"
#include "common/escape.h"
#include "common/fileio.h"
#include "common/name.h"
#include "common/util.h"
#include "engine/lifecycle.h"
#include "engine/update_live.h"
#include "xml/net.h"
#include "xml/update.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_index(const char *s, int *ret, struct np_err *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < INT_MIN || v > INT_MAX)
		return np_err_set(err, -EINVAL,
				  "net-update: --parent-index '%s' is not a number in range", s);
	*ret = (int)v;
	return 0;
}

/* virsh takes the four data arguments by position or by name (--network,
 * --command, --section, --xml), names first, the rest in order. */
static int data_args(struct np_arg *args, size_t n, const char **pos, size_t npos,
		     const char *ret[4], struct np_err *err)
{
	static const char *const names[4] = { "--network", "--command", "--section", "--xml" };
	size_t next = 0;

	for (size_t i = 0; i < 4; i++) {
		ret[i] = np_args_value(args, n, names[i]);
		if (!ret[i] && next < npos)
			ret[i] = pos[next++];
		if (!ret[i])
			return np_err_set(err, -EINVAL, "command 'net-update' requires <%s> option",
					  names[i] + 2);
	}
	if (next < npos)
		return np_err_set(err, -EINVAL, "unexpected data '%s'", pos[next]);
	return 0;
}

int np_cmd_update(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = {
		{ .name = "--live" },
		{ .name = "--config" },
		{ .name = "--current" },
		{ .name = "--parent-index", .takes_value = true },
		{ .name = "--network", .takes_value = true },
		{ .name = "--command", .takes_value = true },
		{ .name = "--section", .takes_value = true },
		{ .name = "--xml", .takes_value = true },
	};
	const size_t n = NP_ARRAY_SIZE(args);
	struct np_update_req req = { .parent_index = -1 };
	_np_free_ char *from_file = NULL;
	const char *pos[4] = { 0 }, *data[4], *idx, *name;
	char esc[NP_TERM_MAX];
	size_t npos = 0;
	bool live, config;
	unsigned done = 0;
	size_t len;
	int r;

	r = np_args_parse(argc, argv, args, n, pos, 0, 4, err);
	if (r < 0)
		return r;
	while (npos < 4 && pos[npos])
		npos++;
	r = data_args(args, n, pos, npos, data, err);
	if (r < 0)
		return r;
	live = np_args_has(args, n, "--live");
	config = np_args_has(args, n, "--config");
	if (np_args_has(args, n, "--current") && (live || config))
		return np_err_set(err, -EINVAL, "Options --current and --%s are mutually exclusive",
				  live ? "live" : "config");
	req.name = data[0];
	r = np_name_check(NP_NAME_NETWORK, "net-update: network", req.name, err);
	if (r < 0)
		return r;
	r = np_update_cmd_parse(data[1], &req.cmd, err);
	if (r < 0)
		return r;
	r = np_update_section_parse(data[2], &req.section, err);
	if (r < 0)
		return r;
	idx = np_args_value(args, n, "--parent-index");
	if (idx) {
		r = parse_index(idx, &req.parent_index, err);
		if (r < 0)
			return r;
	}
	/* virsh: an argument starting with '<' is the element itself, anything
	 * else names a file holding it */
	if (data[3][0] == '<') {
		req.xml = data[3];
		req.len = strlen(data[3]);
	} else {
		r = np_file_read(data[3], NP_MAX_XML_SIZE, &from_file, &len);
		if (r < 0)
			return np_err_set(err, r, "Failed to open file '%s': %s", data[3],
					  r == -EFBIG ? "file too large" : strerror(-r));
		req.xml = from_file;
		req.len = len;
	}
	req.flags = (live ? NP_UPDATE_AFFECT_LIVE : 0) | (config ? NP_UPDATE_AFFECT_CONFIG : 0);

	r = np_engine_update(c->eng, &req, &done, NULL, err);
	if (r < 0)
		return r;
	name = np_term_str(req.name, esc, sizeof(esc));
	if (done == (NP_UPDATE_AFFECT_LIVE | NP_UPDATE_AFFECT_CONFIG))
		printf("Updated network %s persistent config and live state\n", name);
	else if (done & NP_UPDATE_AFFECT_CONFIG)
		printf("Updated network %s persistent config\n", name);
	else
		printf("Updated network %s live state\n", name);
	return 0;
}
