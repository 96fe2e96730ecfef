/* Whether a process is netplumb's dnsmasq for a config (acting: reads
 * /proc). A pid file alone proves nothing: the process it names must run
 * the dnsmasq binary netplumb runs, in netplumb's network namespace, with
 * --conf-file naming our config. A command line can be had by any program
 * (exec -a dnsmasq ... --conf-file=...); the executable and the namespace
 * cannot. */
#include "dhcp/dhcp.h"
#include "dhcp/dnsmasq_priv.h"

#include "common/fileio.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DNSMASQ_DEFAULT "/usr/sbin/dnsmasq"
#define DELETED_SUFFIX " (deleted)"

const char *np_dnsmasq_binary(void)
{
	const char *bin = getenv("NETPLUMB_DNSMASQ");

	return bin && *bin ? bin : DNSMASQ_DEFAULT;
}

/* /proc/PID/cmdline: MATCH_OURS for dnsmasq --conf-file=conf, MATCH_OTHER
 * for a dnsmasq of another config, MATCH_NONE otherwise. */
static enum np_dnsmasq_match cmdline_match(pid_t pid, const char *conf)
{
	_np_free_ char *cmd = NULL, *want = NULL;
	char path[64];
	const char *base;
	size_t len = 0;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	/* a zombie has an empty cmdline */
	if (np_file_read(path, 65536, &cmd, &len) < 0 || len == 0)
		return NP_DNSMASQ_NONE;
	if (asprintf(&want, "--conf-file=%s", conf) < 0) {
		want = NULL;
		return NP_DNSMASQ_NONE;
	}
	base = strrchr(cmd, '/');
	base = base ? base + 1 : cmd;
	if (strcmp(base, "dnsmasq") != 0)
		return NP_DNSMASQ_NONE;
	for (size_t off = strlen(cmd) + 1; off < len; off += strlen(cmd + off) + 1)
		if (!strcmp(cmd + off, want))
			return NP_DNSMASQ_OURS;
	return NP_DNSMASQ_OTHER;
}

/* The executable of pid is binary: the same file, or, once a package
 * upgrade replaced binary, the root-owned file that was at binary's path
 * on binary's file system when pid started (its link reads "PATH
 * (deleted)"). Only root can put a file there, so neither lets another
 * program pass. */
static bool runs_binary(pid_t pid, const char *binary)
{
	_np_free_ char *real = NULL;
	char path[64], link[4096];
	struct stat exe, bin;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (stat(path, &exe) < 0 || stat(binary, &bin) < 0)
		return false;
	if (exe.st_dev == bin.st_dev && exe.st_ino == bin.st_ino)
		return true;
	if (exe.st_dev != bin.st_dev || exe.st_uid != 0 || exe.st_nlink != 0)
		return false;
	n = readlink(path, link, sizeof(link) - 1);
	real = realpath(binary, NULL);
	if (n <= 0 || !real)
		return false;
	link[n] = '\0';
	return strlen(link) == strlen(real) + strlen(DELETED_SUFFIX) &&
	       !strncmp(link, real, strlen(real)) && !strcmp(link + strlen(real), DELETED_SUFFIX);
}

bool np_dnsmasq_same_netns(pid_t pid)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return stat(path, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

enum np_dnsmasq_match np_dnsmasq_match(pid_t pid, const char *conf, const char *binary)
{
	enum np_dnsmasq_match m = cmdline_match(pid, conf);

	if (m == NP_DNSMASQ_NONE)
		return m;
	if (!runs_binary(pid, binary ? binary : np_dnsmasq_binary()) ||
	    !np_dnsmasq_same_netns(pid))
		return NP_DNSMASQ_NONE;
	return m;
}

bool np_dnsmasq_is_ours(pid_t pid, const char *conf)
{
	return np_dnsmasq_match(pid, conf, NULL) == NP_DNSMASQ_OURS;
}
