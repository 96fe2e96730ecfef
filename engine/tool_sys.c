#include "engine/tool_sys.h"

#include "common/err.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORDS 16
/* firewall-cmd's exit status when firewalld does not run (NOT_RUNNING),
 * and when there is no system bus to reach it on (DBUS_ERROR) */
#define FIREWALLD_NOT_RUNNING 252
#define FIREWALLD_NO_BUS 36

static const char *const tool_dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };

/* The programs netplumb runs, and what their absence means. */
static const struct tool {
	const char *name;
	const char *missing;
	bool firewalld; /* a client of firewalld, reached over the system bus */
} tools[] = {
	{ "firewall-cmd", "firewalld is not running (firewall-cmd not found)", true },
	{ "resolvectl", "resolvectl not found (systemd-resolved is not installed)", false },
};

static int split(char *text, char *argv[MAX_WORDS + 1])
{
	size_t n = 0;

	for (char *save = NULL, *w = strtok_r(text, "\n", &save); w;
	     w = strtok_r(NULL, "\n", &save)) {
		if (n == MAX_WORDS)
			return -E2BIG;
		argv[n++] = w;
	}
	argv[n] = NULL;
	return n ? 0 : -EINVAL;
}

/* The first line of what the program said, printable bytes only. */
static void first_line(int fd, char *out, size_t len)
{
	ssize_t n = read(fd, out, len - 1);
	size_t i;

	if (n < 0)
		n = 0;
	out[n] = '\0';
	for (i = 0; out[i] && out[i] != '\n'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
	out[i] = '\0';
}

int np_tool_env(const char *bus_addr, char *buf, size_t len, char *envp[3])
{
	static char env_path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	int n = 0;

	envp[n++] = env_path;
	if (bus_addr && *bus_addr) {
		bool ok = true;

		for (const char *p = bus_addr; *p && ok; p++)
			ok = (unsigned char)*p >= 0x20 && *p != 0x7f;
		if (ok && (size_t)snprintf(buf, len, "DBUS_SYSTEM_BUS_ADDRESS=%s", bus_addr) < len)
			envp[n++] = buf;
	}
	envp[n] = NULL;
	return n;
}

/* false only when the system bus surely does not answer: its unix socket
 * (the address given, else D-Bus's default) refuses or is missing. Without
 * a bus no firewalld serves, so firewall-cmd, which takes a third of a
 * second to find that out, is not started. Other address forms: true. */
static bool system_bus_answers(const char *addr)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = "/run/dbus/system_bus_socket";
	size_t n;
	int fd, r;

	if (addr && *addr) {
		if (strncmp(addr, "unix:path=", 10))
			return true;
		path = addr + 10;
	}
	n = strcspn(path, ",;");
	if (!n || n >= sizeof(sa.sun_path))
		return true;
	memcpy(sa.sun_path, path, n);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (r < 0)
		r = -errno;
	close(fd);
	return !(r == -ENOENT || r == -ECONNREFUSED);
}

int np_tool_run(const char *argv_lines, struct np_err *err)
{
	char text[1024], path[64] = "", said[256], bus[512];
	char *argv[MAX_WORDS + 1], *envp[3];
	const struct tool *t = NULL;
	int pipefd[2], status, r;
	pid_t pid;

	if (strlen(argv_lines) >= sizeof(text))
		return np_err_set(err, -E2BIG, "command too long");
	strcpy(text, argv_lines);
	if ((r = split(text, argv)) < 0)
		return np_err_set(err, r, "bad command");
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]) && !t; i++)
		if (!strcmp(argv[0], tools[i].name))
			t = &tools[i];
	if (!t)
		return np_err_set(err, -EPERM, "%s: not a program netplumb runs", argv[0]);
	for (size_t i = 0; i < sizeof(tool_dirs) / sizeof(tool_dirs[0]) && !path[0]; i++) {
		snprintf(path, sizeof(path), "%s/%s", tool_dirs[i], argv[0]);
		if (access(path, X_OK) < 0)
			path[0] = '\0';
	}
	if (!path[0])
		return np_err_set(err, -ENOENT, "%s", t->missing);
	if (t->firewalld && !system_bus_answers(getenv("DBUS_SYSTEM_BUS_ADDRESS")))
		return np_err_set(err, -EHOSTDOWN, "firewalld is not running (no system bus)");
	np_tool_env(getenv("DBUS_SYSTEM_BUS_ADDRESS"), bus, sizeof(bus), envp);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return np_err_set(err, -errno, "%s: %m", argv[0]);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return np_err_set(err, r, "%s: %s", argv[0], strerror(-r));
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		if (nul < 0 || dup2(nul, 0) < 0 || dup2(pipefd[1], 1) < 0 || dup2(pipefd[1], 2) < 0)
			_exit(127);
		execve(path, argv, envp);
		_exit(127);
	}
	close(pipefd[1]);
	first_line(pipefd[0], said, sizeof(said));
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return np_err_set(err, -errno, "%s: %m", argv[0]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (t->firewalld && WIFEXITED(status) && WEXITSTATUS(status) == FIREWALLD_NOT_RUNNING)
		return np_err_set(err, -EHOSTDOWN, "firewalld is not running");
	if (t->firewalld && WIFEXITED(status) && WEXITSTATUS(status) == FIREWALLD_NO_BUS)
		return np_err_set(err, -EHOSTDOWN, "firewalld is not running (no system bus: %s)",
				  said);
	return np_err_set(err, -EIO, "%s failed (status %d)%s%s", argv[0],
			  WIFEXITED(status) ? WEXITSTATUS(status) : -1, said[0] ? ": " : "", said);
}
