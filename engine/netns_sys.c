#include "engine/open.h"

#include "common/err.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int np_engine_netns_enter(const char *name, struct np_err *err)
{
	char path[300];
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strlen(name) > 255)
		return np_err_set(err, -EINVAL, "--netns '%s': not a namespace name", name);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return np_err_set(err, -errno, "--netns '%s': cannot open %s: %m", name, path);
	if (setns(fd, CLONE_NEWNET) < 0) {
		int r = -errno;

		close(fd);
		return np_err_set(err, r, "--netns '%s': cannot enter it: %s", name, strerror(-r));
	}
	close(fd);
	return 0;
}
