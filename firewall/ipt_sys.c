#include "firewall/ipt_sys.h"

#include "common/err.h"
#include "firewall/foreign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORDS 32

/* tool's path in one of the sbin directories, in path[len]; NULL if none. */
static const char *binary(const char *tool, char *path, size_t len)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/local/sbin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, len, "%s/%s", dirs[i], tool);
		if (access(path, X_OK) == 0)
			return path;
	}
	return NULL;
}

int np_ipt_run(char action, const char *table, const char *chain, const char *spec,
	       struct np_err *err)
{
	char words[512], *argv[MAX_WORDS + 8], act[3] = { '-', action, '\0' }, msg[256] = "";
	char *save = NULL, path[64];
	const char *tool = np_ipt_tool(table, &table);
	const char *bin = binary(tool, path, sizeof(path));
	size_t n = 0;
	int pipefd[2], status;
	ssize_t got = 0;
	pid_t pid;

	if (!bin)
		return np_err_set(err, -ENOEXEC, "%s is not installed", tool);
	if (strlen(spec) >= sizeof(words))
		return np_err_set(err, -EINVAL, "iptables rule too long");
	strcpy(words, spec);
	argv[n++] = (char *)bin;
	argv[n++] = (char *)"-w";
	argv[n++] = (char *)"-t";
	argv[n++] = (char *)table;
	argv[n++] = act;
	argv[n++] = (char *)chain;
	for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (n >= MAX_WORDS + 6)
			return np_err_set(err, -EINVAL, "iptables rule too long");
		argv[n++] = w;
	}
	argv[n] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return np_err_set(err, -errno, "%s: %m", tool);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return np_err_set(err, -errno, "%s: %m", tool);
	}
	if (pid == 0) {
		static char env_path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
		char *const envp[] = { env_path, NULL };
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		dup2(pipefd[1], 2);
		execve(bin, argv, envp);
		_exit(127);
	}
	close(pipefd[1]);
	while (got < (ssize_t)sizeof(msg) - 1) {
		ssize_t r = read(pipefd[0], msg + got, sizeof(msg) - 1 - (size_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	close(pipefd[0]);
	msg[got] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return np_err_set(err, -errno, "%s: %m", tool);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* iptables exits 1 for a rule or chain that is not there. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1 && action == 'C')
		return 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
	    (strstr(msg, "does a matching rule exist") || strstr(msg, "No chain") ||
	     strstr(msg, "does not exist")))
		return np_err_set(err, -ENOENT, "%s -t %s %s %s %s: %s", tool, table, act,
				  chain, spec, msg);
	return np_err_set(err, -EIO, "%s -t %s %s %s %s: %s", tool, table, act, chain, spec,
			  msg[0] ? msg : "failed");
}
