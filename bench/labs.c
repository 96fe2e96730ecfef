/* Issue 19's labs: N fresh network namespaces, `netplumb --netns labI
 * net-start default` in each, one command at a time, then `net-destroy` in
 * each. The names live in a tmpfs over /run/netns that only the sandbox's
 * mount namespace sees; the namespaces are held by sleeping children and
 * go when they are killed, whatever happened. */
#include "bench/bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define NETNS_DIR "/run/netns"

struct lab {
	pid_t holder;
	int fd;
	bool mounted;
	char name[16], path[64];
};

static int lab_new(struct lab *l, unsigned i)
{
	char ns[64];
	int fd, r;

	snprintf(l->name, sizeof(l->name), "lab%u", i);
	snprintf(l->path, sizeof(l->path), NETNS_DIR "/%s", l->name);
	r = bench_netns_new(&l->holder, &l->fd);
	if (r < 0)
		return r;
	fd = open(l->path, O_CREAT | O_RDONLY | O_CLOEXEC, 0444);
	if (fd < 0)
		return -errno;
	close(fd);
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)l->holder);
	if (mount(ns, l->path, NULL, MS_BIND, NULL) < 0)
		return -errno;
	l->mounted = true;
	return 0;
}

static void lab_free(struct lab *l)
{
	if (l->mounted)
		umount2(l->path, MNT_DETACH);
	if (l->path[0])
		unlink(l->path);
	if (l->holder > 0 || l->fd >= 0)
		bench_netns_free(l->holder, l->fd);
}

int bench_labs_run(struct bench_ctx *ctx, struct bench_labs *out, unsigned n)
{
	struct bench_daemons d;
	struct bench_run run;
	struct lab *labs;
	double t0;
	int r = 0;

	memset(out, 0, sizeof(*out));
	out->n = n;
	labs = calloc(n, sizeof(*labs));
	if (!labs)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		labs[i].fd = -1;
	/* the sandbox's mount namespace is private: the host's /run/netns
	 * neither sees these names nor loses its own */
	if (mount("netplumb-bench-netns", NETNS_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755") < 0) {
		r = -errno;
		snprintf(out->error, sizeof(out->error), "cannot mount tmpfs on %s: %s", NETNS_DIR,
			 strerror(errno));
		goto out_free;
	}
	for (unsigned i = 0; i < n; i++) {
		r = lab_new(&labs[i], i + 1);
		if (r < 0) {
			snprintf(out->error, sizeof(out->error), "cannot create namespace lab%u: %s",
				 i + 1, strerror(-r));
			goto out;
		}
	}
	t0 = bench_now_ms();
	for (unsigned i = 0; i < n; i++) {
		const char *args[] = { "--netns", labs[i].name, "net-start", "default", NULL };

		if (bench_cmdv(ctx, "labs-start", &run, args) != 0) {
			snprintf(out->error, sizeof(out->error), "--netns %s net-start default: %.200s",
				 labs[i].name, run.msg);
			break;
		}
		bench_series_add(&out->start, &run);
		out->started++;
	}
	out->start_s = (bench_now_ms() - t0) / 1000;
	bench_probe_dnsmasq(&d);
	out->dnsmasq_up = d.procs;
	t0 = bench_now_ms();
	for (unsigned i = 0; i < out->started; i++) {
		const char *args[] = { "--netns", labs[i].name, "net-destroy", "default", NULL };

		if (bench_cmdv(ctx, "labs-destroy", &run, args) != 0) {
			if (!out->error[0])
				snprintf(out->error, sizeof(out->error),
					 "--netns %s net-destroy default: %.200s", labs[i].name,
					 run.msg);
			continue;
		}
		bench_series_add(&out->destroy, &run);
		out->destroyed++;
	}
	out->destroy_s = (bench_now_ms() - t0) / 1000;
	bench_probe_dnsmasq(&d);
	out->dnsmasq_left = d.procs;
	if (out->error[0])
		r = -EIO;
out:
	for (unsigned i = 0; i < n; i++)
		lab_free(&labs[i]);
	umount2(NETNS_DIR, MNT_DETACH);
out_free:
	free(labs);
	return r;
}
