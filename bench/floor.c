/* The floors of issue 19: what this machine needs, without netplumb, for
 * what net-start and net-destroy of 'default' do. floor_start is dnsmasq
 * alone, with the very config netplumb wrote, the bridge already up, from
 * exec until its first process exits (it does once the daemon serves);
 * floor_destroy is `ip link del` of that bridge, up, with its address and
 * STP as netplumb sets them. Both exec a program, as netplumb's CLI is. */
#include "bench/bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BRIDGE "virbr0"
#define BRIDGE_MAC "52:54:00:fb:00:01"
#define BRIDGE_CIDR "192.168.122.1/24"
#define STOP_TIMEOUT_MS 5000

static int slurp(const char *path, char **ret)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	int r = 0;

	if (!f)
		return -errno;
	if (getdelim(&buf, &len, '\0', f) < 0 && !feof(f))
		r = -EIO;
	fclose(f);
	if (r < 0 || !buf) {
		free(buf);
		return r < 0 ? r : -ENODATA;
	}
	*ret = buf;
	return 0;
}

/* text with every "from" replaced by "to" */
static char *replace_all(const char *text, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	char *out, *o;

	for (const char *p = strstr(text, from); p; p = strstr(p + fl, from))
		n++;
	out = malloc(strlen(text) + n * (tl > fl ? tl - fl : 0) + 1);
	if (!out)
		return NULL;
	o = out;
	for (const char *p = text;;) {
		const char *q = strstr(p, from);

		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, tl);
		o += tl;
		p = q + fl;
	}
	return out;
}

/* Copies dir/default.* (not the pid file) into floor, each with its paths
 * to lib/ and run/ rewritten to floor/. */
static int copy_files(const char *base, const char *dir, const char *floor)
{
	char lib[300], run[300], to[300];
	DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d)
		return -errno;
	snprintf(lib, sizeof(lib), "%s/lib/", base);
	snprintf(run, sizeof(run), "%s/run/", base);
	snprintf(to, sizeof(to), "%s/", floor);
	while (r == 0 && (de = readdir(d))) {
		char src[600], dst[600], *text = NULL, *a = NULL, *b = NULL;
		struct stat st;

		if (strncmp(de->d_name, "default.", 8) || !strcmp(de->d_name, "default.pid"))
			continue;
		snprintf(src, sizeof(src), "%s/%s", dir, de->d_name);
		snprintf(dst, sizeof(dst), "%s/%s", floor, de->d_name);
		if (stat(src, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (st.st_size == 0)
			text = strdup("");
		else
			r = slurp(src, &text);
		if (r < 0 || !text) {
			r = r < 0 ? r : -ENOMEM;
			break;
		}
		a = replace_all(text, lib, to);
		b = a ? replace_all(a, run, to) : NULL;
		if (!b)
			r = -ENOMEM;
		else if (bench_write_file(dst, b) < 0 || chmod(dst, st.st_mode & 07777) < 0)
			r = -EIO;
		free(text);
		free(a);
		free(b);
	}
	closedir(d);
	return r;
}

int bench_floor_prepare(struct bench_ctx *ctx, char *msg, size_t len)
{
	char floor[300], dir[340];
	int r;

	snprintf(floor, sizeof(floor), "%s/floor", ctx->base);
	if (mkdir(floor, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(dir, sizeof(dir), "%s/lib", ctx->base);
	r = copy_files(ctx->base, dir, floor);
	snprintf(dir, sizeof(dir), "%s/run", ctx->base);
	if (!r)
		r = copy_files(ctx->base, dir, floor);
	snprintf(dir, sizeof(dir), "%s/default.conf", floor);
	if (!r && access(dir, R_OK) < 0)
		r = -ENOENT;
	if (r < 0)
		snprintf(msg, len, "cannot copy netplumb's dnsmasq config of 'default' to %s: %s",
			 floor, strerror(-r));
	return r;
}

static int ip(const char *a0, const char *a1, const char *a2, const char *a3, const char *a4,
	      const char *a5, const char *a6, const char *a7, const char *a8, const char *a9,
	      const char *a10)
{
	char *argv[] = { (char *)"ip",	(char *)a0, (char *)a1, (char *)a2, (char *)a3,
			 (char *)a4,	(char *)a5, (char *)a6, (char *)a7, (char *)a8,
			 (char *)a9,	(char *)a10, NULL };

	return bench_exec(-1, argv, NULL, 0);
}

/* A bridge as netplumb makes default's: MAC, STP on with delay 0, the
 * gateway address with its broadcast, up. */
static int bridge_up(const char *ifname, const char *mac, const char *cidr)
{
	int r;

	if (mac)
		r = ip("link", "add", ifname, "address", mac, "type", "bridge", "stp_state", "1",
		       "forward_delay", "0");
	else
		r = ip("link", "add", ifname, "type", "bridge", "stp_state", "1", "forward_delay",
		       "0", NULL, NULL);
	if (r == 0)
		r = ip("addr", "add", cidr, "broadcast", "+", "dev", ifname, NULL, NULL, NULL,
		       NULL);
	if (r == 0)
		r = ip("link", "set", ifname, "up", NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	return r == 0 ? 0 : -EIO;
}

static double timed_ip_del(const char *ifname, int *status)
{
	double t0 = bench_now_ms();

	*status = ip("link", "del", ifname, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	return bench_now_ms() - t0;
}

int bench_floor_link_del(const char *ifname, const char *cidr, double *ms)
{
	int status;

	if (bridge_up(ifname, NULL, cidr) < 0) {
		ip("link", "del", ifname, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		return -EIO;
	}
	*ms = timed_ip_del(ifname, &status);
	return status == 0 ? 0 : -EIO;
}

/* Stops the daemon our dnsmasq left (a child of ours: we are pid 1). */
static int stop_daemon(const char *pidfile)
{
	char buf[32] = "";
	FILE *f = fopen(pidfile, "re");
	pid_t pid;
	int fd, r = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f))
		r = -EIO;
	fclose(f);
	pid = (pid_t)strtol(buf, NULL, 10);
	if (r < 0 || pid <= 1)
		return -EIO;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0) == 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, STOP_TIMEOUT_MS) <= 0) {
			syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
			r = -ETIMEDOUT;
		}
	}
	waitpid(pid, NULL, 0);
	close(fd);
	unlink(pidfile);
	return r;
}

int bench_floor_once(struct bench_ctx *ctx, double *start_ms, double *destroy_ms, char *msg,
		     size_t len)
{
	char conf[300], arg[320], pidfile[300];
	char *argv[] = { (char *)"dnsmasq", arg, NULL };
	const char *dnsmasq = ctx->opts->dnsmasq ? ctx->opts->dnsmasq : "/usr/sbin/dnsmasq";
	posix_spawn_file_actions_t fa;
	int status = 0, r;
	double t0;
	pid_t pid;

	snprintf(conf, sizeof(conf), "%s/floor/default.conf", ctx->base);
	snprintf(arg, sizeof(arg), "--conf-file=%s", conf);
	snprintf(pidfile, sizeof(pidfile), "%s/floor/default.pid", ctx->base);
	unlink(pidfile);
	if (bridge_up(BRIDGE, BRIDGE_MAC, BRIDGE_CIDR) < 0) {
		snprintf(msg, len, "floor: cannot set up bridge %s with ip", BRIDGE);
		r = -EIO;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	t0 = bench_now_ms();
	r = posix_spawn(&pid, dnsmasq, &fa, NULL, argv, ctx->envp);
	posix_spawn_file_actions_destroy(&fa);
	if (r) {
		snprintf(msg, len, "floor: cannot run %s: %s", dnsmasq, strerror(r));
		r = -r;
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*start_ms = bench_now_ms() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(msg, len, "floor: %s %s failed (status %d)", dnsmasq, arg, status);
		r = -EIO;
		goto out;
	}
	r = stop_daemon(pidfile);
	if (r < 0) {
		snprintf(msg, len, "floor: cannot stop the daemon of %s: %s", pidfile,
			 strerror(-r));
		goto out;
	}
	*destroy_ms = timed_ip_del(BRIDGE, &status);
	if (status != 0) {
		snprintf(msg, len, "floor: ip link del %s failed", BRIDGE);
		r = -EIO;
	}
out:
	/* nothing of a failed sample stays for the next one or netplumb */
	if (r < 0) {
		if (access(pidfile, F_OK) == 0)
			stop_daemon(pidfile);
		ip("link", "del", BRIDGE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	}
	bench_reap();
	return r;
}

double bench_floor_exec(const char *prog, const char *arg)
{
	char *argv[] = { (char *)prog, (char *)arg, NULL };
	double t0 = bench_now_ms();

	if (bench_exec(-1, argv, NULL, 0) != 0)
		return -1;
	return bench_now_ms() - t0;
}
