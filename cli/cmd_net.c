/* Commands that change networks. */
#include "cli/cli.h"

#include "common/err.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "cli/args.h"
#include "engine/health.h"
#include "engine/lifecycle.h"
#include "engine/store.h"

#include <errno.h>
#include <stdio.h>

static int one_arg(int argc, char **argv, const char **ret, struct np_err *err)
{
	return np_args_parse(argc, argv, NULL, 0, ret, 1, 1, err) < 0 ? 1 : 0;
}

int np_cmd_define(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	_np_free_ char *name = NULL;
	const char *file;

	if (one_arg(argc, argv, &file, err))
		return 1;
	if (np_engine_define(c->eng, file, &name, err) < 0)
		return 1;
	printf("Network %s defined from %s\n\n", name, file);
	return 0;
}

int np_cmd_create(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	_np_free_ char *name = NULL;
	const char *file;

	if (one_arg(argc, argv, &file, err))
		return 1;
	if (np_engine_create(c->eng, file, &name, err) < 0)
		return 1;
	printf("Network %s created from %s\n\n", name, file);
	return 0;
}

int np_cmd_undefine(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	const char *name;

	if (one_arg(argc, argv, &name, err))
		return 1;
	if (np_engine_undefine(c->eng, name, err) < 0)
		return 1;
	printf("Network %s has been undefined\n\n", name);
	return 0;
}

int np_cmd_start(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	const char *name;

	if (one_arg(argc, argv, &name, err))
		return 1;
	/* Decide under the lock, so a concurrent start or destroy is seen
	 * finished, never half done. */
	if (np_store_lock(c->eng->store, err) < 0)
		return 1;
	/* An active network that lost a part (dnsmasq died, rules flushed, a
	 * start was killed) is repaired rather than refused; a healthy one is
	 * refused as in virsh. */
	if (np_store_is_active(c->eng->store, name)) {
		struct np_health h;
		char what[256];

		if (np_engine_health(c->eng, name, true, &h, err) < 0)
			return 1;
		if (np_health_ok(&h)) {
			np_err_set(err, -EEXIST, "network '%s' is already active", name);
			return 1;
		}
		if (np_engine_repair(c->eng, name, false, what, sizeof(what), err) < 0)
			return 1;
		printf("Network %s repaired: %s\n\n", name, what);
		return 0;
	}
	if (np_engine_start(c->eng, name, err) < 0)
		return 1;
	printf("Network %s started\n\n", name);
	return 0;
}

int np_cmd_reload(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	const char *name;
	char what[256];

	if (one_arg(argc, argv, &name, err))
		return 1;
	if (np_engine_reload(c->eng, name, np_dnsmasq_reload, what, sizeof(what), err) < 0)
		return 1;
	printf("Network %s reloaded: %s\n\n", name, what);
	return 0;
}

int np_cmd_destroy(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	const char *name;

	if (one_arg(argc, argv, &name, err))
		return 1;
	if (np_engine_destroy(c->eng, name, err) < 0)
		return 1;
	printf("Network %s destroyed\n\n", name);
	return 0;
}

int np_cmd_autostart(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--disable" } };
	const char *name;
	bool off;

	if (np_args_parse(argc, argv, args, 1, &name, 1, 1, err) < 0)
		return 1;
	off = np_args_has(args, 1, "--disable");
	if (np_engine_set_autostart(c->eng, name, !off, err) < 0)
		return 1;
	printf(off ? "Network %s unmarked as autostarted\n\n" : "Network %s marked as autostarted\n\n",
	       name);
	return 0;
}

static void boot_report(const char *name, const struct np_err *e)
{
	if (e)
		fprintf(stderr, "netplumb: error: %s\n", e->msg);
	else
		printf("Network %s started\n", name);
}

int np_cmd_boot(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	struct np_arg args[] = { { .name = "--force" } };
	int failed = 0, started = 0;

	if (np_args_parse(argc, argv, args, 1, NULL, 0, 0, err) < 0)
		return 1;
	if (np_engine_autostart(c->eng, np_args_has(args, 1, "--force"), boot_report, &started,
				&failed, err) <
	    0)
		return 1;
	if (failed)
		return np_err_set(err, -EIO, "%d of %d autostart networks failed to start", failed,
				  failed + started),
		       1;
	return 0;
}
