/* net-edit: the definition in $EDITOR, validated and redefined. */
#include "cli/cli.h"

#include "cli/args.h"
#include "common/err.h"
#include "common/escape.h"
#include "common/fileio.h"
#include "common/name.h"
#include "common/util.h"
#include "engine/lifecycle.h"
#include "engine/query.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs the editor with an argv, never through a shell. $EDITOR may carry
 * arguments ("emacs -nw"): split on blanks, as git and sudoedit do. */
static int run_editor(const char *path, struct np_err *err)
{
	const char *env = getenv("VISUAL");
	char *argv[16], *copy, *save = NULL;
	int argc = 0, status;
	pid_t pid;

	if (!env || !*env)
		env = getenv("EDITOR");
	if (!env || !*env)
		env = "vi";
	copy = strdup(env);
	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, " \t", &save); tok && argc < 14;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	pid = fork();
	if (pid < 0) {
		free(copy);
		return np_err_set(err, -errno, "cannot start the editor: %m");
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		char esc[NP_TERM_MAX];

		fprintf(stderr, "netplumb: error: cannot run editor '%s': %m\n",
			np_term_str(argv[0], esc, sizeof(esc)));
		_exit(127);
	}
	free(copy);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return np_err_set(err, -errno, "waiting for the editor: %m");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return np_err_set(err, -ECANCELED, "the editor failed; nothing was changed");
	return 0;
}

int np_cmd_edit(struct np_cli *c, int argc, char **argv, struct np_err *err)
{
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ char *xml = NULL, *after = NULL, *name = NULL;
	char path[] = "/tmp/netplumb-edit-XXXXXX.xml", esc[NP_TERM_MAX];
	const char *arg;
	int fd, r;

	r = np_args_network(argc, argv, NULL, 0, &arg, err);
	if (r < 0)
		return r;
	r = np_engine_def_load(c->eng, arg, &net, err);
	if (r < 0)
		return r;
	r = np_xml_net_format(net, NP_XML_FORMAT_INACTIVE, &xml);
	if (r < 0)
		return r;
	fd = mkstemps(path, 4);
	if (fd < 0)
		return np_err_set(err, -errno, "cannot create a temporary file: %m");
	if (write(fd, xml, strlen(xml)) != (ssize_t)strlen(xml)) {
		r = np_err_set(err, -EIO, "cannot write %s", path);
		close(fd);
		goto out;
	}
	close(fd);
	r = run_editor(path, err);
	if (r < 0)
		goto out;
	r = np_file_read(path, 1 << 20, &after, NULL);
	if (r < 0)
		goto out;
	if (!strcmp(after, xml)) {
		printf("Network %s XML configuration not changed.\n\n",
		       np_term_str(arg, esc, sizeof(esc)));
		goto out;
	}
	r = np_engine_define(c->eng, path, &name, err);
	if (r < 0)
		goto out;
	printf("Network %s XML configuration edited.\n\n", np_term_str(name, esc, sizeof(esc)));
out:
	unlink(path);
	return r < 0 ? r : 0;
}
