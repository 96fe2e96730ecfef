/* Time to first lease: a guest (veth in its own network namespace, a
 * 52:54:00 MAC, busybox udhcpc) is attached as soon as net-start returns,
 * as a VM's tap would be. */
#include "bench/bench.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LEASE_TIMEOUT_MS 60000
#define HOST_END ((char *)"npbg0")

static int port_state(const char *ifname)
{
	char path[128], buf[16];
	FILE *f;
	int st = -1;

	snprintf(path, sizeof(path), "/sys/class/net/%s/brport/state", ifname);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		st = atoi(buf);
	fclose(f);
	return st;
}

static void sleep_ms(double ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)((ms - (double)(time_t)(ms / 1000) * 1000) * 1e6) };

	nanosleep(&ts, NULL);
}

/* busybox udhcpc in the guest namespace; output into out, fd returned. */
static pid_t udhcpc_spawn(const char *busybox, int nsfd, int *ret_fd)
{
	char *const argv[] = { (char *)busybox, (char *)"udhcpc", (char *)"-i", (char *)"eth0",
			       (char *)"-f", (char *)"-n", (char *)"-q", (char *)"-t", (char *)"60",
			       (char *)"-T", (char *)"1", (char *)"-s", (char *)"/bin/true", NULL };
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (setns(nsfd, CLONE_NEWNET) < 0)
			_exit(126);
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(busybox, argv);
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	*ret_fd = p[0];
	return pid;
}

static void drain(int fd, char *buf, size_t *len, size_t cap)
{
	char tmp[1024];
	ssize_t n;

	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		for (ssize_t i = 0; i < n && *len + 1 < cap; i++)
			buf[(*len)++] = tmp[i];
	buf[*len] = '\0';
}

int bench_lease_run(struct bench_ctx *ctx, struct bench_lease *out, const char *xml_path,
		    const char *name, const char *bridge, const char *mac)
{
	struct bench_run run;
	pid_t gpid = -1, upid = -1;
	int gfd = -1, ufd = -1, status = 0, r;
	char gpid_s[16], log[8192] = "";
	size_t loglen = 0;
	double t0, t_attach = 0, t_fwd = 0, t_end;

	if (bench_cmd(ctx, "lease", &run, "net-define", xml_path) != 0) {
		snprintf(out->msg, sizeof(out->msg), "net-define: %.200s", run.msg);
		return -EIO;
	}
	r = bench_netns_new(&gpid, &gfd);
	if (r < 0) {
		snprintf(out->msg, sizeof(out->msg), "guest namespace: %s", strerror(-r));
		goto undefine;
	}
	snprintf(gpid_s, sizeof(gpid_s), "%d", (int)gpid);
	{
		char *const add[] = { (char *)"ip", (char *)"link", (char *)"add", HOST_END, (char *)"type", (char *)"veth", (char *)"peer", (char *)"name",
				      (char *)"eth0", (char *)"netns", gpid_s, NULL };
		char *const gmac[] = { (char *)"ip", (char *)"link", (char *)"set", (char *)"eth0", (char *)"address", (char *)mac, (char *)"up", NULL };

		if (bench_exec(-1, add, NULL, 0) != 0 || bench_exec(gfd, gmac, NULL, 0) != 0) {
			snprintf(out->msg, sizeof(out->msg), "cannot set up the guest veth");
			r = -EIO;
			goto guest;
		}
	}

	t0 = bench_now_ms();
	if (bench_cmd(ctx, "lease", &run, "net-start", name) != 0) {
		snprintf(out->msg, sizeof(out->msg), "net-start: %.200s", run.msg);
		r = -EIO;
		goto guest;
	}
	out->start_ms = run.wall_ms;
	{
		char *const attach[] = { (char *)"ip", (char *)"link", (char *)"set", HOST_END, (char *)"master", (char *)bridge,
					 (char *)"up", NULL };

		if (bench_exec(-1, attach, NULL, 0) != 0) {
			snprintf(out->msg, sizeof(out->msg), "cannot attach the guest to %s", bridge);
			r = -EIO;
			goto destroy;
		}
	}
	t_attach = bench_now_ms();
	upid = udhcpc_spawn(ctx->opts->busybox, gfd, &ufd);
	if (upid < 0) {
		snprintf(out->msg, sizeof(out->msg), "cannot run udhcpc: %m");
		r = -EIO;
		goto destroy;
	}
	for (;;) {
		pid_t w = waitpid(upid, &status, WNOHANG);

		drain(ufd, log, &loglen, sizeof(log));
		if (w == upid)
			break;
		if (!t_fwd && port_state(HOST_END) == 3 /* BR_STATE_FORWARDING */)
			t_fwd = bench_now_ms();
		if (bench_now_ms() - t_attach > LEASE_TIMEOUT_MS) {
			kill(upid, SIGKILL);
			waitpid(upid, &status, 0);
			break;
		}
		sleep_ms(1);
	}
	t_end = bench_now_ms();
	drain(ufd, log, &loglen, sizeof(log));
	close(ufd);
	{
		char *l = strstr(log, "lease of ");

		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && l) {
			sscanf(l, "lease of %63s", out->ip);
			out->ok = true;
			out->lease_ms = t_end - t0;
			out->attach_lease_ms = t_end - t_attach;
			out->attach_fwd_ms = t_fwd ? t_fwd - t_attach : -1;
			r = 0;
		} else {
			char *last = log;

			/* udhcpc's last line says why */
			for (char *p = log; *p; p++)
				if (*p == '\n' && p[1])
					last = p + 1;
			last[strcspn(last, "\n")] = '\0';
			snprintf(out->msg, sizeof(out->msg), "no lease: %.200s", last);
			r = -ETIMEDOUT;
		}
	}
destroy:
	bench_cmd(ctx, "lease", &run, "net-destroy", name);
guest:
	bench_netns_free(gpid, gfd);
undefine:
	bench_cmd(ctx, "lease", &run, "net-undefine", name);
	return r;
}
