#include "engine/store.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "engine/plan.h"
#include "engine/port.h"
#include "engine/store_dir.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEED_MARKER ".netplumb-seeded"
#define LOCK_FILE "lock"

struct np_store {
	char *config_dir;
	char *state_dir;
	char *run_dir;
	int lock_fd;
	bool readonly;
};

static const char *pick(const char *opt, const char *env, const char *def)
{
	const char *e;

	if (opt && *opt)
		return opt;
	e = getenv(env);
	return e && *e ? e : def;
}

void np_store_free(struct np_store *st)
{
	if (!st)
		return;
	if (st->lock_fd >= 0) {
		/* finished: nothing for the next holder to sweep */
		(void)!ftruncate(st->lock_fd, 0);
		close(st->lock_fd); /* releases the flock */
	}
	free(st->config_dir);
	free(st->state_dir);
	free(st->run_dir);
	free(st);
}

int np_store_open(const struct np_store_dirs *dirs, struct np_store **ret, struct np_err *err)
{
	static const char *const labels[] = { "config", "state", "run" };
	struct np_store *st = calloc(1, sizeof(*st));
	char cfg[512], state[512], run[512];
	const char *picked[3];
	char **paths[3];
	bool exists[3] = { false };
	int r = 0;

	if (!st)
		return -ENOMEM;
	st->lock_fd = -1;
	st->readonly = dirs->readonly;
	if (dirs->netns) {
		/* Each namespace has a store of its own, below explicit
		 * directories too: two namespaces never share live records. */
		snprintf(cfg, sizeof(cfg), "%s/netns/%s",
			 pick(dirs->config_dir, "NETPLUMB_CONFIG_DIR", "/etc/netplumb"), dirs->netns);
		if (!pick(dirs->config_dir, "NETPLUMB_CONFIG_DIR", NULL))
			snprintf(cfg, sizeof(cfg), "/etc/netplumb/netns/%s/networks", dirs->netns);
		snprintf(state, sizeof(state), "%s/netns/%s",
			 pick(dirs->state_dir, "NETPLUMB_STATE_DIR", "/var/lib/netplumb"), dirs->netns);
		snprintf(run, sizeof(run), "%s/netns/%s",
			 pick(dirs->run_dir, "NETPLUMB_RUN_DIR", "/run/netplumb"), dirs->netns);
		picked[0] = cfg;
		picked[1] = state;
		picked[2] = run;
	} else {
		picked[0] = pick(dirs->config_dir, "NETPLUMB_CONFIG_DIR", "/etc/netplumb/networks");
		picked[1] = pick(dirs->state_dir, "NETPLUMB_STATE_DIR", "/var/lib/netplumb");
		picked[2] = pick(dirs->run_dir, "NETPLUMB_RUN_DIR", "/run/netplumb");
	}
	paths[0] = &st->config_dir;
	paths[1] = &st->state_dir;
	paths[2] = &st->run_dir;
	/* All three are checked before any is created. */
	for (size_t i = 0; i < 3 && r >= 0; i++) {
		r = np_store_dir_absolute(picked[i], paths[i]);
		if (r < 0) {
			np_err_set(err, r, "%s directory %s: cannot make it absolute: %s", labels[i],
				   picked[i], strerror(-r));
			break;
		}
		r = np_store_dir_check(labels[i], *paths[i], err);
		exists[i] = r > 0;
	}
	/* read-only: nothing is created, a missing dir has nothing to read */
	for (size_t i = 0; i < 3 && r >= 0 && !dirs->readonly; i++)
		if (!exists[i])
			r = np_store_dir_create(labels[i], *paths[i], err);
	if (r < 0) {
		np_store_free(st);
		return r;
	}
	*ret = st;
	return 0;
}

/* Every directory a killed command may have left a temp file in. */
static void sweep_tmp(struct np_store *st)
{
	const char *const top[] = { st->config_dir, st->state_dir, st->run_dir };
	const char *const sub[][2] = { { st->config_dir, "autostart" }, { st->run_dir, "claims" } };
	_np_free_ char *ports = NULL;
	struct dirent *e;
	DIR *d;

	for (size_t i = 0; i < NP_ARRAY_SIZE(top); i++)
		np_file_tmp_sweep(top[i]);
	for (size_t i = 0; i < NP_ARRAY_SIZE(sub); i++) {
		_np_free_ char *dir = NULL;

		if (asprintf(&dir, "%s/%s", sub[i][0], sub[i][1]) < 0)
			dir = NULL;
		else
			np_file_tmp_sweep(dir);
	}
	if (asprintf(&ports, "%s/ports", st->config_dir) < 0) {
		ports = NULL;
		return;
	}
	d = opendir(ports);
	if (!d)
		return;
	while ((e = readdir(d))) {
		_np_free_ char *dir = NULL;

		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&dir, "%s/%s", ports, e->d_name) < 0)
			dir = NULL;
		else
			np_file_tmp_sweep(dir);
	}
	closedir(d);
}

/* Opens run_dir/lock, never through a symlink (root would create its
 * target); *ret_created says whether this call made it, as the first
 * command after a reboot does. */
static int lock_open(const char *path, bool *ret_created, struct np_err *err)
{
	const int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
	struct stat sb;
	int fd;

	*ret_created = true;
	fd = open(path, flags | O_CREAT | O_EXCL, 0600);
	if (fd < 0 && errno == EEXIST) {
		*ret_created = false;
		fd = open(path, flags);
	}
	if (fd < 0) {
		if (errno == ELOOP)
			return np_err_set(err, -ELOOP, "lock %s is a symlink: refusing to follow it",
					  path);
		return np_err_set(err, -errno, "cannot open lock %s: %m", path);
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || !np_store_dir_trusted_owner(sb.st_uid)) {
		close(fd);
		return np_err_set(err, -EPERM, "lock %s is not a regular file of root's", path);
	}
	return fd;
}

int np_store_lock(struct np_store *st, struct np_err *err)
{
	_np_free_ char *path = NULL;
	char pid[16];
	bool created;
	int fd, len;

	if (st->lock_fd >= 0)
		return 0;
	if (asprintf(&path, "%s/" LOCK_FILE, st->run_dir) < 0)
		return -ENOMEM;
	fd = lock_open(path, &created, err);
	if (fd < 0)
		return fd;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int r = -errno;

			close(fd);
			return np_err_set(err, r, "cannot take lock %s: %s", path, strerror(-r));
		}
	st->lock_fd = fd;
	/* While a change runs the lock file holds its pid, and np_store_free()
	 * empties it: a pid found here is a command killed half way, whose
	 * temp files are removed now; so are a reboot's (a new lock file). */
	if (created || pread(fd, pid, 1, 0) == 1)
		sweep_tmp(st);
	len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (pwrite(fd, pid, (size_t)len, 0) != len || ftruncate(fd, len) < 0)
		return np_err_set(err, -errno, "cannot write lock %s: %m", path);
	return 0;
}

const char *np_store_config_dir(const struct np_store *st)
{
	return st->config_dir;
}

const char *np_store_state_dir(const struct np_store *st)
{
	return st->state_dir;
}

const char *np_store_run_dir(const struct np_store *st)
{
	return st->run_dir;
}

int np_store_path(const char *dir, const char *name, const char *suffix, char **ret)
{
	_np_free_ char *fname = NULL;
	int r = np_plan_file_name(name, &fname);

	if (r < 0)
		return r;
	if (asprintf(ret, "%s/%s%s", dir, fname, suffix) < 0)
		return -ENOMEM;
	return 0;
}

bool np_store_needs_seed(struct np_store *st)
{
	_np_free_ char *path = NULL;

	if (asprintf(&path, "%s/%s", st->config_dir, SEED_MARKER) < 0)
		return false;
	return access(path, F_OK) < 0 && errno == ENOENT;
}

int np_store_mark_seeded(struct np_store *st, struct np_err *err)
{
	static const char text[] = "netplumb defined the built-in 'default' network here\n";
	_np_free_ char *path = NULL;
	int r;

	if (asprintf(&path, "%s/%s", st->config_dir, SEED_MARKER) < 0)
		return -ENOMEM;
	r = np_file_write_atomic(path, text, sizeof(text) - 1, 0644);
	return r < 0 ? np_err_set(err, r, "cannot write %s: %s", path, strerror(-r)) : 0;
}

static int load_from(const char *dir, const char *name, struct np_net **ret, struct np_err *err)
{
	_np_free_ char *path = NULL, *data = NULL;
	size_t len;
	int r = np_store_path(dir, name, ".xml", &path);

	if (r < 0)
		return r;
	r = np_file_read_nofollow(path, NP_MAX_XML_SIZE, &data, &len);
	if (r == -ENOENT)
		return r;
	if (r == -ELOOP)
		return np_err_set(err, r, "%s is a symlink: netplumb does not follow symlinks in "
					  "its store",
				  path);
	if (r == -EFBIG)
		return np_err_set(err, r, "%s: larger than %d bytes", path, NP_MAX_XML_SIZE);
	if (r < 0)
		return np_err_set(err, r, "%s: %s", path, strerror(-r));
	return np_xml_net_parse(data, len, path, ret, err);
}

static int save_to(const char *dir, const struct np_net *net, unsigned flags, mode_t mode,
		   struct np_err *err)
{
	_np_free_ char *path = NULL, *xml = NULL;
	int r = np_store_path(dir, net->name, ".xml", &path);

	if (r < 0)
		return r;
	r = np_xml_net_format(net, flags, &xml);
	if (r < 0)
		return np_err_set(err, r, "cannot format network '%s'", net->name);
	r = np_file_write_atomic(path, xml, strlen(xml), mode);
	if (r < 0)
		return np_err_set(err, r, "cannot write %s: %s", path, strerror(-r));
	return 0;
}

static int remove_from(const char *dir, const char *name, const char *suffix)
{
	_np_free_ char *path = NULL;
	int r = np_store_path(dir, name, suffix, &path);

	return r < 0 ? r : np_file_remove(path);
}

static bool exists_in(const char *dir, const char *name, const char *suffix)
{
	_np_free_ char *path = NULL;

	if (np_store_path(dir, name, suffix, &path) < 0)
		return false;
	return access(path, F_OK) == 0;
}

int np_store_def_load(struct np_store *st, const char *name, struct np_net **ret,
		      struct np_err *err)
{
	return load_from(st->config_dir, name, ret, err);
}

static bool claims_complete(struct np_store *st);
static void claims_stamp(struct np_store *st);
static int claims_add(struct np_store *st, const struct np_net *net);

int np_store_def_save(struct np_store *st, const struct np_net *net, struct np_err *err)
{
	bool complete = claims_complete(st);
	int r;

	/* The index entries first: killed in between, the index names one
	 * network too many, never one too few. */
	r = claims_add(st, net);
	if (r < 0)
		return np_err_set(err, r, "cannot index network '%s': %s", net->name, strerror(-r));
	r = save_to(st->config_dir, net, NP_XML_FORMAT_INACTIVE, 0644, err);
	if (r >= 0 && complete)
		claims_stamp(st);
	return r;
}

int np_store_def_remove(struct np_store *st, const char *name)
{
	bool complete = claims_complete(st);
	int r = np_store_set_autostart(st, name, false);

	if (r >= 0)
		r = remove_from(st->config_dir, name, ".xml");
	/* The entries stay until a lookup finds them stale. */
	if (r >= 0 && complete)
		claims_stamp(st);
	return r;
}

int np_store_live_load(struct np_store *st, const char *name, struct np_net **ret,
		       struct np_err *err)
{
	return load_from(st->run_dir, name, ret, err);
}

int np_store_live_claim(struct np_store *st, const struct np_net *net, struct np_err *err)
{
	int r = claims_add(st, net);

	return r < 0 ? np_err_set(err, r, "cannot index network '%s': %s", net->name, strerror(-r))
		     : 0;
}

int np_store_live_save(struct np_store *st, const struct np_net *net, struct np_err *err)
{
	int r = np_store_live_claim(st, net, err);

	return r < 0 ? r : save_to(st->run_dir, net, 0, 0644, err);
}

int np_store_live_remove(struct np_store *st, const char *name)
{
	static const char *const suffixes[] = { ".started", ".applied", ".netns" };

	for (size_t i = 0; i < NP_ARRAY_SIZE(suffixes); i++)
		remove_from(st->run_dir, name, suffixes[i]);
	return remove_from(st->run_dir, name, ".xml");
}

/* A few lines per step; a record is never near this. */
#define RECORD_MAX (64 * 1024 * 1024)

static int run_file_read(struct np_store *st, const char *name, const char *suffix, char **ret,
			 char **ret_path)
{
	_np_free_ char *path = NULL;
	int r = np_store_path(st->run_dir, name, suffix, &path);

	if (r < 0)
		return r;
	r = np_file_read_nofollow(path, RECORD_MAX, ret, NULL);
	if (r >= 0 && ret_path)
		*ret_path = np_steal(&path);
	return r < 0 ? r : 0;
}

int np_store_record_read(struct np_store *st, const char *name, char **ret, char **ret_path)
{
	return run_file_read(st, name, ".applied", ret, ret_path);
}

int np_store_netns_read(struct np_store *st, const char *name, char **ret)
{
	return run_file_read(st, name, ".netns", ret, NULL);
}

int np_store_started_mark(struct np_store *st, const char *name, bool on)
{
	_np_free_ char *path = NULL;
	int r = np_store_path(st->run_dir, name, ".started", &path);

	if (r < 0)
		return r;
	return on ? np_file_write_atomic(path, "", 0, 0644) : np_file_remove(path);
}

bool np_store_is_started(struct np_store *st, const char *name)
{
	return exists_in(st->run_dir, name, ".started");
}

bool np_store_lock_busy(struct np_store *st)
{
	_np_free_ char *path = NULL;
	_np_close_ int fd = -1;

	if (st->lock_fd >= 0 || asprintf(&path, "%s/" LOCK_FILE, st->run_dir) < 0)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	flock(fd, LOCK_UN);
	return false;
}

void np_store_generated_remove(struct np_store *st, const char *name)
{
	static const char *const suffixes[] = { ".conf", ".hostsfile", ".addnhosts", ".leases",
						".servers" };

	for (size_t i = 0; i < NP_ARRAY_SIZE(suffixes); i++)
		remove_from(st->state_dir, name, suffixes[i]);
}

bool np_store_is_active(struct np_store *st, const char *name)
{
	return exists_in(st->run_dir, name, ".xml");
}

bool np_store_is_persistent(struct np_store *st, const char *name)
{
	return exists_in(st->config_dir, name, ".xml");
}

static int autostart_path(struct np_store *st, char **ret)
{
	if (asprintf(ret, "%s/autostart", st->config_dir) < 0)
		return -ENOMEM;
	return 0;
}

bool np_store_is_autostart(struct np_store *st, const char *name)
{
	_np_free_ char *dir = NULL;

	return autostart_path(st, &dir) == 0 && exists_in(dir, name, ".xml");
}

int np_store_set_autostart(struct np_store *st, const char *name, bool on)
{
	_np_free_ char *dir = NULL, *link = NULL, *target = NULL, *tmp = NULL;
	int r;

	r = autostart_path(st, &dir);
	if (r < 0)
		return r;
	r = np_store_path(dir, name, ".xml", &link);
	if (r < 0)
		return r;
	if (!on)
		return np_file_remove(link);
	r = np_mkdir_p(dir, 0755);
	if (r < 0)
		return r;
	r = np_store_dir_check_own("autostart", dir, NULL);
	if (r < 0)
		return r;
	r = np_store_path(st->config_dir, name, ".xml", &target);
	if (r < 0)
		return r;
	/* A symlink, as libvirt keeps autostart/, made atomically by rename. */
	r = np_file_tmp_path(link, &tmp);
	if (r < 0)
		return r;
	unlink(tmp);
	if (symlink(target, tmp) < 0)
		return -errno;
	if (rename(tmp, link) < 0) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	return 0;
}

static int hexdig(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Turns a file name back into a network name (undoes np_plan_file_name). */
static char *name_from_file(const char *fname, size_t len)
{
	char *out = malloc(len + 1), *w = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (fname[i] == '%' && i + 2 < len && hexdig(fname[i + 1]) >= 0 &&
		    hexdig(fname[i + 2]) >= 0) {
			*w++ = (char)(hexdig(fname[i + 1]) << 4 | hexdig(fname[i + 2]));
			i += 2;
		} else {
			*w++ = fname[i];
		}
	}
	*w = '\0';
	return out;
}

static int collect(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **grown, *name;

		if (e->d_name[0] == '.' || len <= 4 || strcmp(e->d_name + len - 4, ".xml"))
			continue;
		name = name_from_file(e->d_name, len - 4);
		if (!name)
			goto oom;
		grown = realloc(*names, (*n + 1) * sizeof(*grown));
		if (!grown) {
			free(name);
			goto oom;
		}
		*names = grown;
		(*names)[(*n)++] = name;
	}
	closedir(d);
	return 0;
oom:
	closedir(d);
	return -ENOMEM;
}

/* virsh sorts networks by name ignoring case; ties by bytes keep the order
 * total, so identical names end up next to each other. */
static int cmp_str(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int r = strcasecmp(x, y);

	return r ? r : strcmp(x, y);
}

int np_store_list(struct np_store *st, char ***ret, size_t *ret_n)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	r = collect(st->config_dir, &names, &n);
	if (r >= 0)
		r = collect(st->run_dir, &names, &n);
	if (r < 0) {
		np_store_names_free(names, n);
		return r;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	/* A network both defined and active appears in both directories. */
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (w && !strcmp(names[w - 1], names[i]))
			free(names[i]);
		else
			names[w++] = names[i];
	}
	*ret = names;
	*ret_n = w;
	return 0;
}

void np_store_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

bool np_store_autostarted(struct np_store *st)
{
	_np_free_ char *path = NULL;

	if (asprintf(&path, "%s/autostarted", st->run_dir) < 0)
		return false;
	return access(path, F_OK) == 0;
}

int np_store_mark_autostarted(struct np_store *st)
{
	_np_free_ char *path = NULL;

	if (asprintf(&path, "%s/autostarted", st->run_dir) < 0)
		return -ENOMEM;
	return np_file_write_atomic(path, "", 0, 0644);
}

static int ports_dir(struct np_store *st, const char *name, char **ret)
{
	_np_free_ char *fname = NULL;
	int r = np_plan_file_name(name, &fname);

	if (r < 0)
		return r;
	if (asprintf(ret, "%s/ports/%s", st->config_dir, fname) < 0)
		return -ENOMEM;
	return 0;
}

static int cmp_port(const void *a, const void *b)
{
	return strcmp(((const struct np_port *)a)->ifname, ((const struct np_port *)b)->ifname);
}

int np_store_ports_load(struct np_store *st, const char *name, struct np_port **ret,
			size_t *ret_n)
{
	_np_free_ char *dir = NULL;
	struct np_port *ports = NULL;
	struct dirent *e;
	size_t n = 0;
	DIR *d;
	int r;

	*ret = NULL;
	*ret_n = 0;
	r = ports_dir(st, name, &dir);
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	r = 0;
	while ((e = readdir(d)) && r == 0) {
		_np_free_ char *path = NULL, *text = NULL;
		size_t len = strlen(e->d_name);
		struct np_port *grown;

		if (e->d_name[0] == '.' || len <= 5 || strcmp(e->d_name + len - 5, ".port"))
			continue;
		if (n >= NP_MAX_PORTS) {
			r = -E2BIG;
			break;
		}
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
			path = NULL;
			r = -ENOMEM;
			break;
		}
		r = np_file_read_nofollow(path, 4096, &text, NULL);
		if (r < 0)
			break;
		grown = realloc(ports, (n + 1) * sizeof(*ports));
		if (!grown) {
			r = -ENOMEM;
			break;
		}
		ports = grown;
		r = np_port_parse(text, &ports[n]);
		if (r == 0)
			n++;
	}
	closedir(d);
	if (r < 0) {
		free(ports);
		return r;
	}
	if (n)
		qsort(ports, n, sizeof(*ports), cmp_port);
	*ret = ports;
	*ret_n = n;
	return 0;
}

int np_store_port_save(struct np_store *st, const char *name, const struct np_port *port)
{
	_np_free_ char *dir = NULL, *path = NULL, *text = NULL;
	int r;

	r = ports_dir(st, name, &dir);
	if (r < 0)
		return r;
	r = np_mkdir_p(dir, 0755);
	if (r < 0)
		return r;
	/* config_dir/ports and config_dir/ports/NAME, both real directories */
	*strrchr(dir, '/') = '\0';
	r = np_store_dir_check_own("ports", dir, NULL);
	dir[strlen(dir)] = '/';
	if (r >= 0)
		r = np_store_dir_check_own("ports", dir, NULL);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/%s.port", dir, port->ifname) < 0)
		return -ENOMEM;
	r = np_port_format(port, &text);
	if (r < 0)
		return r;
	return np_file_write_atomic(path, text, strlen(text), 0644);
}

int np_store_port_remove(struct np_store *st, const char *name, const char *ifname)
{
	_np_free_ char *dir = NULL, *path = NULL;
	int r = ports_dir(st, name, &dir);

	if (r < 0)
		return r;
	if (asprintf(&path, "%s/%s.port", dir, ifname) < 0)
		return -ENOMEM;
	if (access(path, F_OK) < 0)
		return -errno;
	return np_file_remove(path);
}

void np_store_ports_remove_all(struct np_store *st, const char *name)
{
	struct np_port *ports = NULL;
	_np_free_ char *dir = NULL;
	size_t n = 0;

	if (np_store_ports_load(st, name, &ports, &n) == 0)
		for (size_t i = 0; i < n; i++)
			np_store_port_remove(st, name, ports[i].ifname);
	free(ports);
	if (ports_dir(st, name, &dir) == 0)
		rmdir(dir);
}

/* The claims index: which networks' definitions (persistent or live) name a
 * bridge or a uuid, so that define need not parse every other network:
 *   run_dir/claims/bridge/BRIDGE/NAME   run_dir/claims/uuid/UUID/NAME
 * (empty files; keys and names in file form), and run_dir/claims/complete
 * with config_dir's mtime from when the index last covered every
 * definition. An entry is written before the definition it describes and
 * removed only once no definition of NAME names the key, so the index may
 * name networks that no longer claim a key but never misses one; callers
 * check each candidate's definition. It lives in run_dir, so a reboot
 * rebuilds it; so does a config_dir changed behind the index's back (a
 * store written by a version without it, a file copied in by hand). */
#define CLAIMS_DIR "claims"
#define CLAIMS_STAMP_MAX 128

static const char *const claim_kinds[] = {
	[NP_STORE_CLAIM_BRIDGE] = "bridge",
	[NP_STORE_CLAIM_UUID] = "uuid",
};

static int claim_dir(struct np_store *st, enum np_store_claim kind, const char *key, char **ret)
{
	_np_free_ char *fkey = NULL;
	int r = np_plan_file_name(key, &fkey);

	if (r < 0)
		return r;
	if (asprintf(ret, "%s/" CLAIMS_DIR "/%s/%s", st->run_dir, claim_kinds[kind], fkey) < 0)
		return -ENOMEM;
	return 0;
}

static int claim_add(struct np_store *st, enum np_store_claim kind, const char *key,
		     const char *name)
{
	_np_free_ char *dir = NULL, *path = NULL;
	int fd, r;

	r = claim_dir(st, kind, key, &dir);
	if (r < 0)
		return r;
	r = np_store_path(dir, name, "", &path);
	if (r < 0)
		return r;
	if (access(path, F_OK) == 0)
		return 0;
	r = np_mkdir_p(dir, 0755);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int claims_add(struct np_store *st, const struct np_net *net)
{
	char u[37];
	int r = 0;

	if (net->bridge.name && net->bridge.name[0])
		r = claim_add(st, NP_STORE_CLAIM_BRIDGE, net->bridge.name, net->name);
	if (r >= 0 && net->has_uuid) {
		np_uuid_str(net->uuid, u);
		r = claim_add(st, NP_STORE_CLAIM_UUID, u, net->name);
	}
	return r;
}

static int claims_stamp_path(struct np_store *st, char **ret)
{
	if (asprintf(ret, "%s/" CLAIMS_DIR "/complete", st->run_dir) < 0)
		return -ENOMEM;
	return 0;
}

/* config_dir's mtime as text: any file created, renamed or removed there
 * changes it. */
static int config_stamp(struct np_store *st, char buf[CLAIMS_STAMP_MAX])
{
	struct stat sb;

	if (stat(st->config_dir, &sb) < 0)
		return -errno;
	snprintf(buf, CLAIMS_STAMP_MAX, "1 %lld.%09ld %llu %llu\n", (long long)sb.st_mtim.tv_sec,
		 sb.st_mtim.tv_nsec, (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino);
	return 0;
}

static bool claims_complete(struct np_store *st)
{
	_np_free_ char *path = NULL, *text = NULL;
	char want[CLAIMS_STAMP_MAX];

	if (claims_stamp_path(st, &path) < 0 || config_stamp(st, want) < 0)
		return false;
	if (np_file_read_nofollow(path, CLAIMS_STAMP_MAX, &text, NULL) < 0)
		return false;
	return !strcmp(text, want);
}

static void claims_stamp(struct np_store *st)
{
	_np_free_ char *path = NULL;
	char text[CLAIMS_STAMP_MAX];

	if (claims_stamp_path(st, &path) < 0 || config_stamp(st, text) < 0)
		return;
	/* Failing leaves the old stamp, which no longer matches: rebuilt. */
	np_file_write_atomic(path, text, strlen(text), 0644);
}

/* Adds every definition's entries, then stamps the index complete. */
static int claims_rebuild(struct np_store *st)
{
	_np_free_ char *path = NULL;
	char **names = NULL;
	size_t n = 0;
	char stamp[CLAIMS_STAMP_MAX];
	int r;

	/* The mtime before the scan: a change during it shows next time. */
	r = config_stamp(st, stamp);
	if (r < 0)
		return r;
	r = np_store_list(st, &names, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct np_err ignored = { { 0 } };
		struct np_net *net = NULL;

		if (np_store_def_load(st, names[i], &net, &ignored) == 0)
			r = claims_add(st, net);
		np_net_free(net);
		net = NULL;
		if (r >= 0 && np_store_live_load(st, names[i], &net, &ignored) == 0)
			r = claims_add(st, net);
		np_net_free(net);
	}
	np_store_names_free(names, n);
	if (r < 0)
		return r;
	r = claims_stamp_path(st, &path);
	return r < 0 ? r : np_file_write_atomic(path, stamp, strlen(stamp), 0644);
}

int np_store_claimants(struct np_store *st, enum np_store_claim kind, const char *key,
		       char ***ret, size_t *ret_n)
{
	_np_free_ char *dir = NULL;
	char **names = NULL;
	size_t n = 0;
	DIR *d;
	struct dirent *e;
	int r;

	/* Rebuilding writes, so only under the lock; otherwise everyone is
	 * a candidate. */
	if (st->readonly || st->lock_fd < 0 || (!claims_complete(st) && claims_rebuild(st) < 0))
		return np_store_list(st, ret, ret_n);
	r = claim_dir(st, kind, key, &dir);
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d) {
		if (errno != ENOENT)
			return -errno;
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	while ((e = readdir(d))) {
		char **grown, *name;

		if (e->d_name[0] == '.')
			continue;
		name = name_from_file(e->d_name, strlen(e->d_name));
		grown = name ? realloc(names, (n + 1) * sizeof(*grown)) : NULL;
		if (!grown) {
			free(name);
			closedir(d);
			np_store_names_free(names, n);
			return -ENOMEM;
		}
		names = grown;
		names[n++] = name;
	}
	closedir(d);
	*ret = names;
	*ret_n = n;
	return 0;
}

void np_store_unclaim(struct np_store *st, enum np_store_claim kind, const char *key,
		      const char *name)
{
	_np_free_ char *dir = NULL, *path = NULL;

	if (st->readonly || st->lock_fd < 0)
		return;
	if (claim_dir(st, kind, key, &dir) < 0 || np_store_path(dir, name, "", &path) < 0)
		return;
	if (unlink(path) == 0)
		rmdir(dir); /* fails while other networks' entries remain */
}
