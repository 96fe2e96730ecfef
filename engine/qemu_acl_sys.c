#include "engine/qemu_acl_sys.h"
#include "engine/qemu_acl.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* An ACL of one line per network stays far below this. */
#define ACL_MAX (1024 * 1024)

static int check_dir(int fd, const char *dir, struct np_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return np_err_set(err, -errno, "%s: %m", dir);
	/* The helper runs as root and trusts this directory's files. */
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return np_err_set(err, -EPERM, "%s is owned by uid %u, not root", dir,
				  (unsigned)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return np_err_set(err, -EPERM, "%s is writable by group or others (mode %04o)", dir,
				  (unsigned)(st.st_mode & 07777));
	return 0;
}

/* A writer killed between its temp file and the rename leaves BASE.tmp.PID;
 * only those, of dead PIDs, go: the directory is QEMU's, not ours. */
static void sweep(int dfd, const char *base)
{
	size_t n = strlen(base);
	DIR *d;
	int fd = dup(dfd);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		char *end;
		long pid;

		if (strncmp(e->d_name, base, n) || strncmp(e->d_name + n, ".tmp.", 5))
			continue;
		errno = 0;
		pid = strtol(e->d_name + n + 5, &end, 10);
		if (errno || *end || pid <= 0 || pid > INT_MAX || pid == getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

int np_qemu_acl_change(const char *path, const char *line, bool add, struct np_err *err)
{
	_np_free_ char *dir = strdup(path), *old = NULL, *text = NULL;
	char *slash;
	int fd = -1, r;

	if (!dir)
		return np_err_set(err, -ENOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return np_err_set(err, -EINVAL, "%s: not a file in a directory", path);
	*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT && !add)
			return 0;
		if (r == -ENOENT)
			return np_err_set(err, r,
					  "%s does not exist: qemu-bridge-helper reads %s, which "
					  "must include %s (see netplumb(8))",
					  dir, NP_QEMU_BRIDGE_CONF, path);
		return np_err_set(err, r, "%s: %s", dir, strerror(-r));
	}
	if ((r = check_dir(fd, dir, err)) < 0)
		goto out;
	/* Held until close: a second netplumb (another store, another
	 * namespace) edits the same file. */
	if (flock(fd, LOCK_EX) < 0) {
		r = np_err_set(err, -errno, "%s: lock: %m", dir);
		goto out;
	}
	sweep(fd, slash + 1);
	r = np_file_read_nofollow(path, ACL_MAX, &old, NULL);
	if (r == -ENOENT) {
		if (!add) {
			r = 0;
			goto out;
		}
		old = NULL;
	} else if (r < 0) {
		np_err_set(err, r, "%s: %s", path,
			   r == -ELOOP ? "is a symlink, not netplumb's file" : strerror(-r));
		goto out;
	}
	r = np_qemu_acl_edit(old, line, add, &text);
	if (r <= 0) {
		if (r < 0)
			np_err_set(err, r, "out of memory");
		goto out;
	}
	if (!*text)
		r = np_file_remove(path);
	else
		r = np_file_write_atomic(path, text, strlen(text), 0644);
	if (r < 0)
		np_err_set(err, r, "%s: %s", path, strerror(-r));
out:
	close(fd);
	return r < 0 ? r : 0;
}
