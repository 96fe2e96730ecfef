#include "engine/store_dir.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int np_store_dir_absolute(const char *path, char **ret)
{
	_np_free_ char *cwd = NULL;

	if (path[0] == '/') {
		*ret = strdup(path);
		return *ret ? 0 : -ENOMEM;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return -errno;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (asprintf(ret, "%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", path) < 0) {
		*ret = NULL;
		return -ENOMEM;
	}
	return 0;
}

bool np_store_dir_trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

static const char *writers(mode_t mode)
{
	if ((mode & S_IWGRP) && (mode & S_IWOTH))
		return "group and others";
	return mode & S_IWGRP ? "group" : "others";
}

/* One directory on the way to a store directory: root's (or ours) and
 * writable by nobody else, unless it is sticky and root's, as /tmp is:
 * then nobody else can rename or remove what is ours in it, and the next
 * component's owner is checked in turn. 1 when path does not exist and
 * missing_ok: the walk ends there (what follows is created by netplumb). */
static int check_ancestor(const char *label, const char *dir, const char *path, bool missing_ok,
			  struct np_err *err)
{
	struct stat sb;

	if (stat(path, &sb) < 0) {
		if (errno == ENOENT && missing_ok)
			return 1;
		return np_err_set(err, -errno, "%s directory %s: cannot check %s: %m", label, dir,
				  path);
	}
	if (!np_store_dir_trusted_owner(sb.st_uid))
		return np_err_set(err, -EPERM,
				  "%s directory %s: %s is owned by uid %u, who could replace it",
				  label, dir, path, (unsigned)sb.st_uid);
	if ((sb.st_mode & (S_IWGRP | S_IWOTH)) && !((sb.st_mode & S_ISVTX) && sb.st_uid == 0))
		return np_err_set(err, -EPERM,
				  "%s directory %s: %s is writable by %s (mode %04o), who could "
				  "replace it",
				  label, dir, path, writers(sb.st_mode), (unsigned)(sb.st_mode & 07777));
	return 0;
}

/* Every proper prefix of path ("/", "/a", "/a/b" for "/a/b/c"). */
static int check_ancestors(const char *label, const char *dir, const char *path, bool missing_ok,
			   struct np_err *err)
{
	_np_free_ char *copy = strdup(path);
	int r;

	if (!copy)
		return -ENOMEM;
	r = check_ancestor(label, dir, "/", missing_ok, err);
	for (char *p = copy + 1; r == 0 && (p = strchr(p, '/')); p++) {
		*p = '\0';
		r = check_ancestor(label, dir, copy, missing_ok, err);
		*p = '/';
	}
	return r < 0 ? r : 0;
}

int np_store_dir_check_own(const char *label, const char *dir, struct np_err *err)
{
	struct stat sb;

	if (lstat(dir, &sb) < 0)
		return np_err_set(err, -errno, "%s directory %s: %m", label, dir);
	if (S_ISLNK(sb.st_mode))
		return np_err_set(err, -ELOOP,
				  "%s directory %s is a symlink: netplumb uses only a real "
				  "directory there",
				  label, dir);
	if (!S_ISDIR(sb.st_mode))
		return np_err_set(err, -ENOTDIR, "%s directory %s is not a directory", label, dir);
	if (!np_store_dir_trusted_owner(sb.st_uid))
		return np_err_set(err, -EPERM, "%s directory %s is owned by uid %u, not by %s",
				  label, dir, (unsigned)sb.st_uid,
				  geteuid() ? "root or the user running netplumb" : "root");
	if (sb.st_mode & (S_IWGRP | S_IWOTH))
		return np_err_set(err, -EPERM,
				  "%s directory %s is writable by %s (mode %04o): only its owner may "
				  "write there",
				  label, dir, writers(sb.st_mode), (unsigned)(sb.st_mode & 07777));
	return 0;
}

/* A symlinked ancestor (/var/run): both the directory holding the link and
 * the target's own ancestors count, hence two walks. */
static int check_existing(const char *label, const char *dir, struct np_err *err)
{
	_np_free_ char *real = NULL;
	int r;

	r = np_store_dir_check_own(label, dir, err);
	if (r < 0)
		return r;
	r = check_ancestors(label, dir, dir, false, err);
	if (r < 0)
		return r;
	real = realpath(dir, NULL);
	if (!real)
		return np_err_set(err, -errno, "%s directory %s: %m", label, dir);
	return strcmp(real, dir) ? check_ancestors(label, dir, real, false, err) : 0;
}

int np_store_dir_check(const char *label, const char *dir, struct np_err *err)
{
	int r = check_ancestors(label, dir, dir, true, err);

	if (r < 0)
		return r;
	if (access(dir, F_OK) < 0 && errno == ENOENT)
		return 0;
	r = check_existing(label, dir, err);
	return r < 0 ? r : 1;
}

int np_store_dir_create(const char *label, const char *dir, struct np_err *err)
{
	int r = np_mkdir_p(dir, 0755);

	if (r < 0)
		return np_err_set(err, r, "cannot create directory %s: %s", dir, strerror(-r));
	return check_existing(label, dir, err);
}
