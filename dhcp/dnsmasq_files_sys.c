/* The files a dnsmasq config names, as dnsmasq will use them (acting:
 * reads the config, creates the lease file, re-owns the pid file).
 *
 * dnsmasq opens its pid and lease files as root, before it drops to user=,
 * and follows a symlink there; so netplumb creates the lease file itself,
 * refusing a symlink, and takes the pid file (which dnsmasq chowns to its
 * user) back once dnsmasq is up. Its hosts, options and servers files
 * dnsmasq reads only after dropping root, at start as on SIGHUP, and a file
 * it cannot read is a log line, not an error: the start checks them with
 * dnsmasq's own uid and gid (dnsmasq_sys.c). */
#include "dhcp/dnsmasq_priv.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONF_MAX (4 * 1024 * 1024)
/* dnsmasq's built-in user and group (config.h CHUSER, CHGRP) */
#define DNSMASQ_CHUSER "nobody"
#define DNSMASQ_CHGRP "dip"

int np_dnsmasq_files_parse(const char *conf, struct np_dnsmasq_files *ret, struct np_err *err)
{
	_np_free_ char *text = NULL;
	int r;

	r = np_file_read_nofollow(conf, CONF_MAX, &text, NULL);
	if (r < 0)
		return np_err_set(err, r, "cannot read dnsmasq config %s: %s", conf, strerror(-r));
	return np_dnsmasq_files_parse_text(text, ret);
}

bool np_dnsmasq_drop_ids(const struct np_dnsmasq_files *f, uid_t *ret_uid, gid_t *ret_gid)
{
	struct passwd *pw;
	struct group *gr;

	if (geteuid() != 0)
		return false;
	pw = getpwnam(f->user ? f->user : DNSMASQ_CHUSER);
	if (!pw || pw->pw_uid == 0)
		return false;
	*ret_uid = pw->pw_uid;
	gr = getgrnam(f->group ? f->group : DNSMASQ_CHGRP);
	*ret_gid = gr ? gr->gr_gid : pw->pw_gid;
	return true;
}

int np_dnsmasq_lease_prepare(const char *path, struct np_err *err)
{
	_np_close_ int fd = -1;
	struct stat sb;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0)
		/* the umask must not narrow it: leases are readable as libvirt's */
		return fchmod(fd, 0644) < 0 ? np_err_set(err, -errno, "%s: %m", path) : 1;
	if (errno == EEXIST)
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP)
		return np_err_set(err, -ELOOP,
				  "dnsmasq lease file %s is a symlink: refusing to let dnsmasq write "
				  "through it as root",
				  path);
	if (fd < 0)
		return np_err_set(err, -errno, "dnsmasq lease file %s: %m", path);
	if (fstat(fd, &sb) < 0)
		return np_err_set(err, -errno, "dnsmasq lease file %s: %m", path);
	if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1 || (sb.st_uid != 0 && sb.st_uid != geteuid()))
		return np_err_set(err, -EPERM,
				  "dnsmasq lease file %s is not a regular file of root's with one "
				  "link: refusing to let dnsmasq write to it",
				  path);
	return 0;
}

int np_dnsmasq_pidfile_own(const char *pidfile, struct np_err *err)
{
	_np_close_ int fd = -1;
	struct stat sb;

	fd = open(pidfile, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return np_err_set(err, -errno, "dnsmasq pid file %s: %m", pidfile);
	if (fstat(fd, &sb) < 0)
		return np_err_set(err, -errno, "dnsmasq pid file %s: %m", pidfile);
	if (!S_ISREG(sb.st_mode))
		return np_err_set(err, -EINVAL, "dnsmasq pid file %s is not a regular file",
				  pidfile);
	if (geteuid() != 0 || (sb.st_uid == 0 && sb.st_gid == 0 && !(sb.st_mode & 022)))
		return 0;
	if (fchown(fd, 0, 0) < 0 || fchmod(fd, 0644) < 0)
		return np_err_set(err, -errno, "cannot give dnsmasq pid file %s to root: %m",
				  pidfile);
	return 0;
}
