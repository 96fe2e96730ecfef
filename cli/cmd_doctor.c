/* netplumb doctor [NAME...] [--json] [--fix] */
#include "cli/cli.h"

#include "cli/args.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"
#include "engine/doctor.h"

#include <stdio.h>
#include <stdlib.h>

static void print_json(const struct np_finding *f, size_t n, bool ok)
{
	struct np_buf b = { 0 };

	np_buf_addc(&b, '{');
	np_json_kb(&b, true, "ok", ok);
	np_buf_add(&b, ", \"findings\": [");
	for (size_t i = 0; i < n; i++) {
		np_buf_add(&b, i ? ",\n  {" : "\n  {");
		np_json_kv(&b, true, "network", f[i].network);
		np_json_kv(&b, false, "check", f[i].check);
		np_json_kb(&b, false, "blocking", f[i].blocking);
		np_json_kb(&b, false, "fixed", f[i].fixed);
		np_json_kv(&b, false, "evidence", f[i].evidence);
		np_json_kv(&b, false, "fix", f[i].fix);
		np_buf_addc(&b, '}');
	}
	np_buf_add(&b, n ? "\n]}\n" : "]}\n");
	fputs(np_buf_str(&b), stdout);
	np_buf_free(&b);
}

int np_cmd_doctor(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--json" }, { .name = "--fix" } };
	const char *pos[64] = { 0 };
	struct np_finding *f = NULL;
	size_t n = 0, n_names;
	bool ok = true;
	int r;

	r = np_args_parse(argc, argv, args, NP_ARRAY_SIZE(args), pos, 0, NP_ARRAY_SIZE(pos), err);
	if (r < 0)
		return r;
	for (n_names = 0; n_names < NP_ARRAY_SIZE(pos) && pos[n_names]; n_names++)
		;
	r = np_engine_doctor(c->eng, pos, n_names, args[1].set, &f, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		ok &= !f[i].blocking;
	if (args[0].set) {
		print_json(f, n, ok);
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%s: %s [%s]%s\n", f[i].network, f[i].check,
			       f[i].blocking ? "blocking" : "note", f[i].fixed ? " (fixed)" : "");
			printf("  evidence: %s\n  fix: %s\n", f[i].evidence, f[i].fix);
		}
		printf("%s\n", ok ? "Nothing blocks the networks checked"
				  : "Something blocks a network (see above)");
	}
	free(f);
	/* Findings are the answer, not an error: exit 1 without an error line. */
	c->exit_code = ok ? 0 : 1;
	return 0;
}
