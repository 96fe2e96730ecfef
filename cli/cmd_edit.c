/* net-edit: the definition in $EDITOR, validated and redefined. */
#include "cli/cli.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "cli/args.h"
#include "engine/lifecycle.h"
#include "engine/store.h"
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
		fprintf(stderr, "netplumb: error: cannot run editor '%s': %m\n", argv[0]);
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
	char path[] = "/tmp/netplumb-edit-XXXXXX.xml";
	const char *arg;
	int fd, rc = 1;

	if (np_args_parse(argc, argv, NULL, 0, &arg, 1, 1, err) < 0)
		return 1;
	if (np_store_def_load(c->eng->store, arg, &net, err) < 0) {
		if (!np_err_isset(err) || np_store_is_active(c->eng->store, arg))
			np_err_set(err, -ENOENT, "network '%s' has no persistent definition", arg);
		return 1;
	}
	if (np_xml_net_format(net, NP_XML_FORMAT_INACTIVE, &xml) < 0)
		return 1;
	fd = mkstemps(path, 4);
	if (fd < 0) {
		np_err_set(err, -errno, "cannot create a temporary file: %m");
		return 1;
	}
	if (write(fd, xml, strlen(xml)) != (ssize_t)strlen(xml)) {
		np_err_set(err, -EIO, "cannot write %s", path);
		close(fd);
		goto out;
	}
	close(fd);
	if (run_editor(path, err) < 0)
		goto out;
	if (np_file_read(path, 1 << 20, &after, NULL) < 0)
		goto out;
	if (!strcmp(after, xml)) {
		printf("Network %s XML configuration not changed.\n\n", arg);
		rc = 0;
		goto out;
	}
	if (np_engine_define(c->eng, path, &name, err) < 0)
		goto out;
	printf("Network %s XML configuration edited.\n\n", name);
	rc = 0;
out:
	unlink(path);
	return rc;
}
