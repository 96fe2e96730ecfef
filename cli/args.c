#include "cli/args.h"

#include "common/err.h"
#include "common/name.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int np_args_parse(int argc, char **argv, struct np_arg *args, size_t n_args, const char **pos,
		  size_t min_pos, size_t max_pos, struct np_err *err)
{
	size_t npos = 0;
	bool only_pos = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t k;

		if (!only_pos && !strcmp(a, "--")) {
			only_pos = true;
			continue;
		}
		if (only_pos || a[0] != '-' || !a[1]) {
			if (npos >= max_pos)
				return np_err_set(err, -EINVAL, "%s: unexpected argument '%s'", argv[0], a);
			pos[npos++] = a;
			continue;
		}
		for (k = 0; k < n_args; k++) {
			size_t len = strlen(args[k].name);

			if (!strncmp(a, args[k].name, len) && (a[len] == '\0' || (a[len] == '=' && args[k].takes_value)))
				break;
		}
		if (k == n_args)
			return np_err_set(err, -EINVAL, "%s: unknown option '%s'", argv[0], a);
		args[k].set = true;
		if (args[k].takes_value) {
			const char *eq = strchr(a, '=');

			if (eq) {
				args[k].value = eq + 1;
			} else {
				if (i + 1 >= argc)
					return np_err_set(err, -EINVAL, "%s: option '%s' needs a value",
							  argv[0], a);
				args[k].value = argv[++i];
			}
		}
	}
	if (npos < min_pos)
		return np_err_set(err, -EINVAL, "%s: missing argument (see 'netplumb help %s')",
				  argv[0], argv[0]);
	for (size_t i = npos; i < max_pos; i++)
		pos[i] = NULL;
	return 0;
}

bool np_args_has(const struct np_arg *args, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(args[i].name, name))
			return args[i].set;
	return false;
}

const char *np_args_value(const struct np_arg *args, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(args[i].name, name))
			return args[i].set ? args[i].value : NULL;
	return NULL;
}

int np_args_network(int argc, char **argv, struct np_arg *args, size_t n_args, const char **ret,
		    struct np_err *err)
{
	char what[64];
	int r;

	r = np_args_parse(argc, argv, args, n_args, ret, 1, 1, err);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "%s: network", argv[0]);
	return np_name_check(NP_NAME_NETWORK, what, *ret, err);
}
