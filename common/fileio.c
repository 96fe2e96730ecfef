#include "common/fileio.h"

#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_INFIX ".tmp."

static int read_file(const char *path, int flags, size_t max, char **ret, size_t *ret_len)
{
	_np_close_ int fd = -1;
	_np_free_ char *data = NULL;
	size_t len = 0, cap = 0;

	struct stat st;

	/* O_NONBLOCK: opening a FIFO must not hang; only regular files are
	 * read at all. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | flags);
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

int np_file_read(const char *path, size_t max, char **ret, size_t *ret_len)
{
	return read_file(path, 0, max, ret, ret_len);
}

int np_file_read_nofollow(const char *path, size_t max, char **ret, size_t *ret_len)
{
	return read_file(path, O_NOFOLLOW, max, ret, ret_len);
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

int np_file_tmp_path(const char *path, char **ret)
{
	if (asprintf(ret, "%s" TMP_INFIX "%d", path, (int)getpid()) < 0) {
		*ret = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int tmp_create(const char *tmp, mode_t mode)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
	int fd = open(tmp, flags, mode);

	/* Ours by name: a process killed with our pid before us left it. */
	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
		fd = open(tmp, flags, mode);
	return fd < 0 ? -errno : fd;
}

int np_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	_np_free_ char *tmp = NULL;
	_np_close_ int fd = -1;
	struct stat st;
	int r;

	/* rename() would replace a symlink rather than follow it, but a
	 * symlink where netplumb keeps a file was not made by netplumb. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return -ELOOP;
	r = np_file_tmp_path(path, &tmp);
	if (r < 0)
		return r;
	fd = tmp_create(tmp, mode);
	if (fd < 0)
		return fd;
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

/* The pid of a temp file name "NAME.tmp.PID", or 0 when name is not one. */
static pid_t tmp_name_pid(const char *name)
{
	const char *dot = strrchr(name, '.');
	long v = 0;

	if (!dot || dot - name < (long)strlen(TMP_INFIX) ||
	    strncmp(dot - strlen(TMP_INFIX) + 1, TMP_INFIX, strlen(TMP_INFIX)))
		return 0;
	if (!dot[1] || dot[1] == '0' || strlen(dot + 1) > 9)
		return 0;
	for (const char *p = dot + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return (pid_t)v;
}

static bool pid_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

int np_file_tmp_sweep(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *e;
	int removed = 0;
	DIR *d;

	if (dfd < 0)
		return errno == ENOENT ? 0 : -errno;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((e = readdir(d))) {
		pid_t pid = tmp_name_pid(e->d_name);

		/* files and symlinks only (autostart links are made the same way) */
		if (pid <= 0 || pid == getpid() || pid_alive(pid))
			continue;
		if (e->d_type != DT_REG && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN)
			continue;
		if (unlinkat(dfd, e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
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
