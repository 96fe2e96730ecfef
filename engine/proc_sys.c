/* Walking /proc/PID/fd (proc_sys.h). */
#include "engine/proc_sys.h"

#include "common/fileio.h"
#include "common/util.h"
#include "engine/proc_text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Calls fn(pid, link target) for every descriptor of every process. */
static int each_fd(void (*fn)(pid_t pid, uid_t uid, const char *target, void *data), void *data)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;

	if (!proc)
		return -errno;
	while ((e = readdir(proc))) {
		char path[64], target[64];
		struct stat st;
		struct dirent *f;
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		DIR *fds;

		if (*end || pid <= 0 || fstatat(dirfd(proc), e->d_name, &st, 0) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		/* gone meanwhile, or not ours to read */
		fds = opendir(path);
		if (!fds)
			continue;
		while ((f = readdir(fds))) {
			ssize_t n;

			if (f->d_name[0] == '.')
				continue;
			n = readlinkat(dirfd(fds), f->d_name, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			fn((pid_t)pid, st.st_uid, target, data);
		}
		closedir(fds);
	}
	closedir(proc);
	return 0;
}

struct owners {
	const unsigned long *inodes;
	size_t n;
	pid_t *pids;
};

static void find_owner(pid_t pid, uid_t uid, const char *target, void *data)
{
	struct owners *o = data;
	unsigned long inode;
	char tail;

	(void)uid;
	if (sscanf(target, "socket:[%lu%c", &inode, &tail) != 2 || tail != ']')
		return;
	for (size_t i = 0; i < o->n; i++)
		if (o->inodes[i] == inode && !o->pids[i])
			o->pids[i] = pid;
}

int np_proc_socket_owners(const unsigned long *inodes, size_t n, pid_t *ret_pids)
{
	struct owners o = { .inodes = inodes, .n = n, .pids = ret_pids };

	memset(ret_pids, 0, n * sizeof(*ret_pids));
	return n ? each_fd(find_owner, &o) : 0;
}

struct inotify_count {
	uid_t uid;
	unsigned n;
};

static void count_inotify(pid_t pid, uid_t uid, const char *target, void *data)
{
	struct inotify_count *c = data;

	(void)pid;
	if (uid == c->uid && !strcmp(target, "anon_inode:inotify"))
		c->n++;
}

int np_proc_inotify_count(uid_t uid, unsigned *ret)
{
	struct inotify_count c = { .uid = uid };
	int r = each_fd(count_inotify, &c);

	*ret = c.n;
	return r;
}

void np_proc_describe(pid_t pid, char comm[16], char *unit, size_t unit_len)
{
	_np_free_ char *text = NULL, *cg = NULL;
	char path[64];

	comm[0] = '\0';
	unit[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if (np_file_read(path, 256, &text, NULL) == 0 && text) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(comm, 16, "%.15s", text);
	}
	snprintf(path, sizeof(path), "/proc/%ld/cgroup", (long)pid);
	if (np_file_read(path, 16384, &cg, NULL) == 0 && cg)
		np_proc_cgroup_unit(cg, unit, unit_len);
}

enum np_kmod_state np_proc_kmod(const char *name)
{
	_np_free_ char *mods = NULL, *builtin = NULL, *dep = NULL;
	char path[256];
	struct utsname u;

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	if (access(path, F_OK) == 0)
		return NP_KMOD_PRESENT;
	if (np_file_read("/proc/modules", 1 << 20, &mods, NULL) < 0)
		mods = NULL;
	if (uname(&u) == 0) {
		snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", u.release);
		if (np_file_read(path, 4 << 20, &builtin, NULL) < 0)
			builtin = NULL;
		snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
		if (np_file_read(path, 16 << 20, &dep, NULL) < 0)
			dep = NULL;
	}
	return np_proc_kmod_state(name, false, mods, builtin, dep);
}
