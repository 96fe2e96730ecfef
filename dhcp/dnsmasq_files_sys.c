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

static const char *const unprivileged_keys[] = {
	"dhcp-hostsfile", "dhcp-optsfile", "addn-hosts", "servers-file", "resolv-file",
};

void np_dnsmasq_files_clear(struct np_dnsmasq_files *f)
{
	free(f->pidfile);
	free(f->leasefile);
	free(f->user);
	free(f->group);
	for (size_t i = 0; i < f->n_unprivileged; i++)
		free(f->unprivileged[i]);
	free(f->unprivileged);
	*f = (struct np_dnsmasq_files){ 0 };
}

/* value of "key=value" when line is one, else NULL. */
static const char *value_of(const char *line, const char *key)
{
	size_t n = strlen(key);

	return !strncmp(line, key, n) && line[n] == '=' ? line + n + 1 : NULL;
}

static int set_last(char **slot, const char *value)
{
	char *v = strdup(value);

	if (!v)
		return -ENOMEM;
	free(*slot);
	*slot = v;
	return 0;
}

static int add_unprivileged(struct np_dnsmasq_files *f, const char *value)
{
	char **grown = realloc(f->unprivileged, (f->n_unprivileged + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	f->unprivileged = grown;
	f->unprivileged[f->n_unprivileged] = strdup(value);
	if (!f->unprivileged[f->n_unprivileged])
		return -ENOMEM;
	f->n_unprivileged++;
	return 0;
}

static int parse_line(struct np_dnsmasq_files *f, const char *line)
{
	const char *v;

	if ((v = value_of(line, "pid-file")))
		return set_last(&f->pidfile, v);
	if ((v = value_of(line, "dhcp-leasefile")))
		return set_last(&f->leasefile, v);
	if ((v = value_of(line, "user")))
		return set_last(&f->user, v);
	if ((v = value_of(line, "group")))
		return set_last(&f->group, v);
	for (size_t i = 0; i < NP_ARRAY_SIZE(unprivileged_keys); i++)
		if ((v = value_of(line, unprivileged_keys[i])) && *v)
			return add_unprivileged(f, v);
	return 0;
}

int np_dnsmasq_files_parse(const char *conf, struct np_dnsmasq_files *ret, struct np_err *err)
{
	_np_free_ char *text = NULL;
	struct np_dnsmasq_files f = { 0 };
	int r;

	r = np_file_read_nofollow(conf, CONF_MAX, &text, NULL);
	if (r < 0)
		return np_err_set(err, r, "cannot read dnsmasq config %s: %s", conf, strerror(-r));
	for (char *line = text; line && *line && r >= 0;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		r = parse_line(&f, line);
		line = nl ? nl + 1 : NULL;
	}
	if (r < 0) {
		np_dnsmasq_files_clear(&f);
		return r;
	}
	*ret = f;
	return 0;
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
