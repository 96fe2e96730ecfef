#include "common/fileio.h"

#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int np_file_read(const char *path, size_t max, char **ret, size_t *ret_len)
{
	_np_close_ int fd = -1;
	_np_free_ char *data = NULL;
	size_t len = 0, cap = 0;

	struct stat st;

	/* O_NONBLOCK: opening a FIFO must not hang; only regular files are
	 * read at all. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if ((size_t)st.st_size > max)
		return -EFBIG;
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *p;

			cap = cap ? cap * 2 : 8192;
			p = realloc(data, cap + 1);
			if (!p)
				return -ENOMEM;
			data = p;
		}
		n = read(fd, data + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	if (!data) {
		data = malloc(1);
		if (!data)
			return -ENOMEM;
	}
	data[len] = '\0';
	*ret = np_steal(&data);
	if (ret_len)
		*ret_len = len;
	return 0;
}

static int fsync_dir_of(const char *path)
{
	_np_free_ char *copy = strdup(path);
	_np_close_ int dfd = -1;

	if (!copy)
		return -ENOMEM;
	dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	return fsync(dfd) < 0 ? -errno : 0;
}

int np_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	_np_free_ char *tmp = NULL;
	_np_close_ int fd = -1;
	int r;

	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0) {
		tmp = NULL;
		return -ENOMEM;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	/* The umask must not widen or narrow what the caller asked for. */
	if (fchmod(fd, mode) < 0)
		goto fail;
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		data += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (rename(tmp, path) < 0)
		goto fail;
	return fsync_dir_of(path);
fail:
	r = -errno;
	unlink(tmp);
	return r;
}

int np_mkdir_p(const char *path, mode_t mode)
{
	_np_free_ char *copy = strdup(path);

	if (!copy)
		return -ENOMEM;
	for (char *p = copy + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(copy, mode) < 0 && errno != EEXIST)
				return -errno;
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int np_file_remove(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}
