#include "engine/hook_sys.h"

#include "common/err.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int np_hook_run(const char *hooks_dir, const char *name, const char *op, const char *subop,
		const char *xml, struct np_err *err)
{
	char path[4096];
	int pipefd[2], status;
	size_t len = strlen(xml);
	pid_t pid;

	snprintf(path, sizeof(path), "%s/network", hooks_dir);
	if (access(path, X_OK) < 0)
		return 0;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return np_err_set(err, -errno, "hook %s: %m", path);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return np_err_set(err, -errno, "hook %s: %m", path);
	}
	if (pid == 0) {
		static char dash[] = "-";
		static char env_path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
		char *const argv[] = { path, (char *)name, (char *)op, (char *)subop, dash, NULL };
		char *const envp[] = { env_path, NULL };

		dup2(pipefd[0], 0);
		execve(path, argv, envp);
		_exit(127);
	}
	close(pipefd[0]);
	/* A hook that does not read its stdin must not make us die of SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	while (len > 0) {
		ssize_t n = write(pipefd[1], xml, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		xml += n;
		len -= (size_t)n;
	}
	close(pipefd[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return np_err_set(err, -errno, "hook %s: %m", path);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return np_err_set(err, -ECANCELED, "hook %s %s %s %s failed (status %d)", path, name,
				  op, subop, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
