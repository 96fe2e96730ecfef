/* Writing sysctls. /proc/sys/net follows the writer's network namespace. */
#include "netlink/sysctl.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#define VALUE_MAX 255

static bool value_valid(const char *value)
{
	size_t n = 0;

	if (!value)
		return false;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++, n++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return n > 0 && n <= VALUE_MAX;
}

static int write_value(const char *path, const char *value)
{
	_np_close_ int fd = -1;
	size_t len = strlen(value);
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* One write(): a sysctl takes the whole value from a single call. */
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int np_sysctl_set(const char *key, const char *value)
{
	char path[PATH_MAX];
	int r;

	if (!value_valid(value))
		return -EINVAL;
	r = np_sysctl_path(key, path, sizeof(path));
	if (r < 0)
		return r;
	return write_value(path, value);
}

int np_sysctl_set_if(int family, const char *ifname, const char *leaf, const char *value)
{
	char path[PATH_MAX];
	int r;

	if (!value_valid(value))
		return -EINVAL;
	r = np_sysctl_path_if(family, ifname, leaf, path, sizeof(path));
	if (r < 0)
		return r;
	return write_value(path, value);
}
