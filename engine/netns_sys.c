#include "engine/open.h"

#include "common/err.h"
#include "common/name.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int np_engine_netns_enter(const char *what, const char *name, struct np_err *err)
{
	char path[300];
	int fd;

	/* Also names the store's .../netns/NAME directories. */
	if (np_name_check(NP_NAME_NETNS, what, name, err) < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return np_err_set(err, -errno, "%s '%s': cannot open %s: %m", what, name, path);
	if (setns(fd, CLONE_NEWNET) < 0) {
		int r = -errno;

		close(fd);
		return np_err_set(err, r, "%s '%s': cannot enter it: %s", what, name,
				  strerror(-r));
	}
	close(fd);
	return 0;
}
