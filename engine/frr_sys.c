/* vtysh, for doctor's EVPN check (frr_sys.h). */
#include "engine/frr_sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define VTYSH "/usr/bin/vtysh"
/* show evpn vni VNI json: a few hundred bytes */
#define OUT_MAX 65536

int np_frr_vni_known(unsigned vni, char *said, size_t len)
{
	const char *dir = getenv("NETPLUMB_FRR_VTY_SOCKET");
	char cmd[64], want[32], *out = NULL, *argv[6];
	size_t n = 0, argc = 0;
	int pipefd[2], status, r;
	pid_t pid;

	said[0] = '\0';
	if (access(VTYSH, X_OK) < 0)
		return -ENOENT;
	snprintf(cmd, sizeof(cmd), "show evpn vni %u json", vni);
	argv[argc++] = (char *)"vtysh";
	if (dir && *dir) {
		argv[argc++] = (char *)"--vty_socket";
		argv[argc++] = (char *)dir;
	}
	argv[argc++] = (char *)"-c";
	argv[argc++] = cmd;
	argv[argc] = NULL;
	out = malloc(OUT_MAX + 1);
	if (!out)
		return -ENOMEM;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		free(out);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		free(out);
		return r;
	}
	if (pid == 0) {
		static char env_path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
		char *const envp[] = { env_path, NULL };
		int nul = open("/dev/null", O_RDWR);

		if (nul < 0 || dup2(nul, 0) < 0 || dup2(pipefd[1], 1) < 0 || dup2(pipefd[1], 2) < 0)
			_exit(127);
		execve(VTYSH, argv, envp);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		ssize_t k = read(pipefd[0], out + n, OUT_MAX - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n == OUT_MAX)
			break;
	}
	close(pipefd[0]);
	out[n] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			free(out);
			return -errno;
		}
	/* one printable line of what it said, for the evidence */
	snprintf(said, len, "%.*s", (int)strcspn(out, "\n"), out);
	for (char *p = said; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	snprintf(want, sizeof(want), "\"vni\":%u", vni);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		r = -EIO;
	else
		r = strstr(out, want) != NULL;
	free(out);
	return r;
}
