/* Side by side with libvirt: ../shared/tools/libvirt-peer.sh runs the same
 * workload through libvirt 9's network driver and, with -e cmd:PROG,
 * through netplumb, each in sandboxes of its own. We run it for both
 * engines from one invocation and compute the figures from its raw files
 * (startstop.tsv, start-N-R.tsv). */
#include "bench/bench.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct vec {
	double *v;
	size_t n;
};

static void vec_add(struct vec *x, double d)
{
	if (x->n % 256 == 0) {
		double *v = realloc(x->v, (x->n + 256) * sizeof(*v));

		if (!v)
			return;
		x->v = v;
	}
	x->v[x->n++] = d;
}

static struct bench_stat vec_stat(struct vec *x)
{
	struct bench_stat st = bench_stat_of(x->v, x->n);

	free(x->v);
	x->v = NULL;
	x->n = 0;
	return st;
}

/* Runs the script with args, output appended to log; 0 when it exited 0. */
static int run_script(const char *script, char *const args[], const char *log)
{
	char *argv[16];
	int n = 0, status = 0;
	pid_t pid;

	argv[n++] = (char *)script;
	for (int i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		int null = open("/dev/null", O_RDONLY);

		if (fd < 0 || null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(script, argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static long cli_maxrss(const char *line)
{
	const char *p = strstr(line, "cli_maxrss=");

	return p ? strtol(p + 11, NULL, 10) : 0;
}

static void parse_startstop(const char *dir, struct bench_peer_engine *e)
{
	struct vec noop = { 0 }, def = { 0 }, start = { 0 }, first = { 0 }, destroy = { 0 };
	char path[600], line[1024], what[32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/startstop.tsv", dir);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned idx;
		double us;

		if (sscanf(line, "%31s %u %lf", what, &idx, &us) != 3) {
			if (!strncmp(line, "mem ", 4) && cli_maxrss(line) > e->cli_maxrss_kb)
				e->cli_maxrss_kb = cli_maxrss(line);
			continue;
		}
		if (!strcmp(what, "noop"))
			vec_add(&noop, us / 1000);
		else if (!strcmp(what, "define"))
			vec_add(&def, us / 1000);
		else if (!strcmp(what, "start")) {
			vec_add(&start, us / 1000);
			if (idx == 1)
				vec_add(&first, us / 1000);
		} else if (!strcmp(what, "destroy"))
			vec_add(&destroy, us / 1000);
		else if (!strcmp(what, "mem") && cli_maxrss(line) > e->cli_maxrss_kb)
			e->cli_maxrss_kb = cli_maxrss(line);
	}
	fclose(f);
	e->noop = vec_stat(&noop);
	e->define = vec_stat(&def);
	e->start = vec_stat(&start);
	e->start_first = vec_stat(&first);
	e->destroy = vec_stat(&destroy);
}

static void parse_start(const char *dir, unsigned n, unsigned reps, struct bench_peer_engine *e)
{
	struct vec tot = { 0 }, all = { 0 }, first = { 0 }, last = { 0 }, des = { 0 }, dtot = { 0 };
	unsigned k = n / 10 ? n / 10 : 1;
	size_t s = e->n_scale;

	if (s >= 4)
		return;
	for (unsigned r = 1; r <= reps; r++) {
		char path[600], line[1024], what[40];
		FILE *f;

		snprintf(path, sizeof(path), "%s/start-%u-%u.tsv", dir, n, r);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			unsigned idx;
			double us;

			if (!strncmp(line, "mem_end", 7) && cli_maxrss(line) > e->cli_maxrss_kb)
				e->cli_maxrss_kb = cli_maxrss(line);
			if (sscanf(line, "%39s %u %lf", what, &idx, &us) != 3)
				continue;
			if (!strcmp(what, "start")) {
				vec_add(&all, us / 1000);
				if (idx <= k)
					vec_add(&first, us / 1000);
				if (idx > n - k)
					vec_add(&last, us / 1000);
			} else if (!strcmp(what, "destroy")) {
				vec_add(&des, us / 1000);
			} else if (!strcmp(what, "total_define_start")) {
				vec_add(&tot, us / 1e6);
			} else if (!strcmp(what, "total_destroy")) {
				vec_add(&dtot, us / 1e6);
			}
		}
		fclose(f);
	}
	e->scale[s].n = n;
	e->scale[s].reps = reps;
	e->scale[s].total_start_s = vec_stat(&tot);
	e->scale[s].start_ms = vec_stat(&all);
	e->scale[s].first_ms = vec_stat(&first);
	e->scale[s].last_ms = vec_stat(&last);
	e->scale[s].destroy_ms = vec_stat(&des);
	e->scale[s].total_destroy_s = vec_stat(&dtot);
	e->n_scale++;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* libvirt-peer.sh compares the host's netns list, links, nft ruleset...
 * before and after; on a shared machine other users change them too. Its
 * exit status 3 means only that check failed. */
static void host_check(const char *log, struct bench_peer_engine *e)
{
	char line[512];
	bool in_diff = false;
	FILE *f = fopen(log, "re");

	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, "LEAK: the host's network state changed")) {
			e->host_changed = true;
			in_diff = true;
		} else if (in_diff && (line[0] == '+' || line[0] == '-') && line[1] != '+' &&
			   line[1] != '-' && !e->host_diff[0]) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(e->host_diff, sizeof(e->host_diff), "%.120s", line);
		}
	}
	if (f)
		fclose(f);
}

static void log_tail(const char *log, char *buf, size_t len)
{
	char line[512] = "";
	FILE *f = fopen(log, "re");

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "libvirt-peer:") || strstr(line, "failed"))
			snprintf(buf, len, "%s", line);
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

static void run_engine(const struct bench_opts *o, const char *engine, const char *dir,
		       struct bench_peer_engine *e)
{
	char reps[16], log[600], engarg[600];
	int r;

	snprintf(log, sizeof(log), "%s/peer.log", dir);
	snprintf(reps, sizeof(reps), "%u", o->peer_reps);
	e->ok = true;
	{
		char *a[8];
		int i = 0;

		if (engine) {
			snprintf(engarg, sizeof(engarg), "%s", engine);
			a[i++] = (char *)"-e";
			a[i++] = engarg;
		}
		a[i++] = (char *)"-q";
		a[i++] = (char *)"-o";
		a[i++] = (char *)dir;
		a[i++] = (char *)"bench-startstop";
		a[i++] = reps;
		a[i] = NULL;
		fprintf(stderr, "netplumb-bench: peer %s: bench-startstop %s\n",
			engine ? engine : "libvirt", reps);
		r = run_script(o->peer_script, a, log);
		if (r != 0 && r != 3) {
			e->ok = false;
			log_tail(log, e->err, sizeof(e->err));
		}
		parse_startstop(dir, e);
	}
	for (size_t j = 0; j < o->n_peer_ns; j++) {
		char n[16], nr[16], *a[10];
		int i = 0;

		snprintf(n, sizeof(n), "%u", o->peer_ns[j]);
		snprintf(nr, sizeof(nr), "%u", o->peer_n_reps);
		if (engine) {
			a[i++] = (char *)"-e";
			a[i++] = engarg;
		}
		a[i++] = (char *)"-q";
		a[i++] = (char *)"-o";
		a[i++] = (char *)dir;
		a[i++] = (char *)"bench-start";
		a[i++] = n;
		a[i++] = nr;
		a[i] = NULL;
		fprintf(stderr, "netplumb-bench: peer %s: bench-start %s x%s\n",
			engine ? engine : "libvirt", n, nr);
		r = run_script(o->peer_script, a, log);
		if (r != 0 && r != 3 && e->ok) {
			e->ok = false;
			log_tail(log, e->err, sizeof(e->err));
		}
		parse_start(dir, o->peer_ns[j], o->peer_n_reps, e);
	}
	host_check(log, e);
}

void bench_peer_run(const struct bench_opts *o, struct bench_peer *p)
{
	char lv[64] = "/tmp/netplumb-bench-peer.XXXXXX", np[128], eng[600];

	memset(p, 0, sizeof(*p));
	snprintf(p->script, sizeof(p->script), "%s", o->peer_script);
	if (access(o->peer_script, X_OK) < 0) {
		snprintf(p->lv.err, sizeof(p->lv.err), "%s: %m", o->peer_script);
		return;
	}
	if (!mkdtemp(lv)) {
		snprintf(p->lv.err, sizeof(p->lv.err), "mkdtemp: %m");
		return;
	}
	snprintf(np, sizeof(np), "%s/np", lv);
	mkdir(np, 0755);
	snprintf(eng, sizeof(eng), "%s/lv", lv);
	mkdir(eng, 0755);
	p->ran = true;
	run_engine(o, NULL, eng, &p->lv);
	snprintf(eng, sizeof(eng), "cmd:%s", o->netplumb);
	run_engine(o, eng, np, &p->np);
	if (getenv("NETPLUMB_BENCH_KEEP_PEER"))
		fprintf(stderr, "netplumb-bench: peer raw files kept in %s\n", lv);
	else
		nftw(lv, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
