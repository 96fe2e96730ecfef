/* Commands that change networks. */
#include "cli/cli.h"

#include "cli/args.h"
#include "common/err.h"
#include "common/escape.h"
#include "common/name.h"
#include "common/util.h"
#include "engine/health.h"
#include "engine/lifecycle.h"
#include "engine/query.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int one_arg(int argc, char **argv, const char **ret, struct np_err *err)
{
	return np_args_parse(argc, argv, NULL, 0, ret, 1, 1, err);
}

/* The one argument, a network name. */
static int one_name(int argc, char **argv, const char **ret, struct np_err *err)
{
	return np_args_network(argc, argv, NULL, 0, ret, err);
}

int np_cmd_define(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--auto-subnet" } };
	_np_free_ char *name = NULL;
	char e1[NP_TERM_MAX], e2[NP_TERM_MAX];
	char subnet[64] = "";
	const char *file;
	int r;

	r = np_args_parse(argc, argv, args, 1, &file, 1, 1, err);
	if (r < 0)
		return r;
	r = np_engine_define_auto(c->eng, file, args[0].set ? subnet : NULL, &name, err);
	if (r < 0)
		return r;
	if (subnet[0])
		printf("Network %s: its subnet was taken, moved to %s\n",
		       np_term_str(name, e1, sizeof(e1)), subnet);
	printf("Network %s defined from %s\n\n", np_term_str(name, e1, sizeof(e1)),
	       np_term_str(file, e2, sizeof(e2)));
	return 0;
}

int np_cmd_create(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	_np_free_ char *name = NULL;
	char e1[NP_TERM_MAX], e2[NP_TERM_MAX];
	const char *file;
	int r;

	r = one_arg(argc, argv, &file, err);
	if (r < 0)
		return r;
	r = np_engine_create(c->eng, file, &name, err);
	if (r < 0)
		return r;
	printf("Network %s created from %s\n\n", np_term_str(name, e1, sizeof(e1)),
	       np_term_str(file, e2, sizeof(e2)));
	return 0;
}

int np_cmd_undefine(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	char esc[NP_TERM_MAX];
	const char *name;
	int r;

	r = one_name(argc, argv, &name, err);
	if (r < 0)
		return r;
	r = np_engine_undefine(c->eng, name, err);
	if (r < 0)
		return r;
	printf("Network %s has been undefined\n\n", np_term_str(name, esc, sizeof(esc)));
	return 0;
}

int np_cmd_start(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	const char *name;
	char what[256], esc[NP_TERM_MAX];
	bool repaired;
	int r;

	r = one_name(argc, argv, &name, err);
	if (r < 0)
		return r;
	r = np_engine_start_or_repair(c->eng, name, &repaired, what, sizeof(what), err);
	if (r < 0)
		return r;
	if (repaired)
		printf("Network %s repaired: %s\n\n", np_term_str(name, esc, sizeof(esc)), what);
	else
		printf("Network %s started\n\n", np_term_str(name, esc, sizeof(esc)));
	return 0;
}

/* net-reload NAME | --all: --all is every active network (after a foreign
 * `nft flush ruleset` or firewall reload: netplumb-reload.service); a
 * failure is said and the others are still reloaded. */
int np_cmd_reload(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--all" } };
	const char *pos[2] = { 0 };
	char what[256], esc[NP_TERM_MAX], **names = NULL;
	size_t n = 0;
	int failed = 0, r;

	r = np_args_parse(argc, argv, args, NP_ARRAY_SIZE(args), pos, 0, 1, err);
	if (r < 0)
		return r;
	if (args[0].set == (pos[0] != NULL))
		return np_err_set(err, -EINVAL, "net-reload: give a network name or --all");
	if (args[0].set) {
		r = np_engine_active_list(c->eng, &names, &n, err);
		if (r < 0)
			return r;
	} else {
		r = np_name_check(NP_NAME_NETWORK, "net-reload: network", pos[0], err);
		if (r < 0)
			return r;
		n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = names ? names[i] : pos[0];

		if (failed && np_err_isset(err))
			fprintf(stderr, "netplumb: error: %s\n", err->msg);
		memset(err, 0, sizeof(*err));
		r = np_engine_reload(c->eng, name, what, sizeof(what), err);
		if (r < 0) {
			failed = r;
			continue;
		}
		printf("Network %s reloaded: %s\n\n", np_term_str(name, esc, sizeof(esc)), what);
	}
	if (names)
		np_engine_names_free(names, n);
	return failed;
}

/* net-destroy NAME... | --all: each network in turn; a failure is said and
 * the others are still destroyed (the last failure is the command's). */
int np_cmd_destroy(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--all" } };
	const char *pos[64] = { 0 };
	char **names = NULL;
	size_t n = 0;
	int failed = 0, r;

	r = np_args_parse(argc, argv, args, NP_ARRAY_SIZE(args), pos, 0, NP_ARRAY_SIZE(pos), err);
	if (r < 0)
		return r;
	for (n = 0; n < NP_ARRAY_SIZE(pos) && pos[n]; n++)
		;
	if (args[0].set == (n > 0))
		return np_err_set(err, -EINVAL, "net-destroy: give network names or --all");
	/* all names checked before any network is destroyed */
	for (size_t i = 0; i < n && !args[0].set; i++) {
		r = np_name_check(NP_NAME_NETWORK, "net-destroy: network", pos[i], err);
		if (r < 0)
			return r;
	}
	if (args[0].set) {
		r = np_engine_active_list(c->eng, &names, &n, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = names ? names[i] : pos[i];
		char esc[NP_TERM_MAX];

		if (failed && np_err_isset(err))
			fprintf(stderr, "netplumb: error: %s\n", err->msg);
		memset(err, 0, sizeof(*err));
		r = np_engine_destroy(c->eng, name, err);
		if (r < 0) {
			failed = r;
			continue;
		}
		printf("Network %s destroyed\n\n", np_term_str(name, esc, sizeof(esc)));
	}
	if (names)
		np_engine_names_free(names, n);
	return failed;
}

int np_cmd_autostart(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--disable" } };
	char esc[NP_TERM_MAX];
	const char *name;
	bool off;
	int r;

	r = np_args_network(argc, argv, args, 1, &name, err);
	if (r < 0)
		return r;
	off = np_args_has(args, 1, "--disable");
	r = np_engine_set_autostart(c->eng, name, !off, err);
	if (r < 0)
		return r;
	printf(off ? "Network %s unmarked as autostarted\n\n" : "Network %s marked as autostarted\n\n",
	       np_term_str(name, esc, sizeof(esc)));
	return 0;
}

static void boot_report(const char *name, const struct np_err *e)
{
	char esc[NP_TERM_MAX];

	if (e)
		fprintf(stderr, "netplumb: error: %s\n", e->msg);
	else
		printf("Network %s started\n", np_term_str(name, esc, sizeof(esc)));
}

int np_cmd_boot(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--force" } };
	int failed = 0, started = 0;
	int r;

	r = np_args_parse(argc, argv, args, 1, NULL, 0, 0, err);
	if (r < 0)
		return r;
	r = np_engine_autostart(c->eng, np_args_has(args, 1, "--force"), boot_report, &started,
				&failed, err);
	if (r < 0)
		return r;
	if (failed)
		return np_err_set(err, -EIO, "%d of %d autostart networks failed to start", failed,
				  failed + started);
	return 0;
}
