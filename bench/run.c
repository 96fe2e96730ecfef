/* Running one netplumb command and reading what it says about itself. */
#include "bench/bench.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A command that takes longer than this is hung; the benchmark kills it. */
#define CMD_TIMEOUT_MS (5 * 60 * 1000)
#define ERRBUF_MAX 16384

const char *const bench_phase_names[PH__MAX] = {
	[PH_LOAD] = "load",     [PH_PLAN] = "plan",       [PH_CHECK] = "check",
	[PH_FILES] = "files",   [PH_NETLINK] = "netlink", [PH_SYSCTL] = "sysctl",
	[PH_NFT] = "nft",       [PH_DNSMASQ] = "dnsmasq", [PH_TOTAL] = "total",
	[PH_PROC] = "proc",
};

double bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int env_add(char ***envp, size_t *n, const char *key, const char *val)
{
	char **e = realloc(*envp, (*n + 2) * sizeof(**envp));

	if (!e)
		return -ENOMEM;
	*envp = e;
	if (asprintf(&e[*n], "%s=%s", key, val) < 0)
		return -ENOMEM;
	e[++*n] = NULL;
	return 0;
}

int bench_ctx_init(struct bench_ctx *ctx, const struct bench_opts *opts, const char *base,
		   struct bench_results *res)
{
	static const char *const sub[] = { "etc", "lib", "run", "hooks", "xml" };
	char path[512];
	size_t n = 0;
	int r = 0;

	memset(ctx, 0, sizeof(*ctx));
	ctx->opts = opts;
	ctx->res = res;
	snprintf(ctx->base, sizeof(ctx->base), "%s", base);
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", base, sub[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	/* A clean environment: only what netplumb documents, and an empty
	 * hooks directory so the host's hooks never run. */
	r |= env_add(&ctx->envp, &n, "PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
	r |= env_add(&ctx->envp, &n, "LC_ALL", "C");
	r |= env_add(&ctx->envp, &n, "NETPLUMB_TIMING", "1");
	snprintf(path, sizeof(path), "%s/etc", base);
	r |= env_add(&ctx->envp, &n, "NETPLUMB_CONFIG_DIR", path);
	snprintf(path, sizeof(path), "%s/lib", base);
	r |= env_add(&ctx->envp, &n, "NETPLUMB_STATE_DIR", path);
	snprintf(path, sizeof(path), "%s/run", base);
	r |= env_add(&ctx->envp, &n, "NETPLUMB_RUN_DIR", path);
	snprintf(path, sizeof(path), "%s/hooks", base);
	r |= env_add(&ctx->envp, &n, "NETPLUMB_HOOKS_DIR", path);
	if (opts->dnsmasq)
		r |= env_add(&ctx->envp, &n, "NETPLUMB_DNSMASQ", opts->dnsmasq);
	if (r)
		return -ENOMEM;
	if (opts->raw_file) {
		ctx->raw = fopen(opts->raw_file, "we");
		if (!ctx->raw)
			return -errno;
		fprintf(ctx->raw, "tag\tverb\targ\tstatus\twall_ms\tcpu_ms\tmaxrss_kb");
		for (int p = 0; p < PH__MAX; p++)
			fprintf(ctx->raw, "\t%s_ms", bench_phase_names[p]);
		fputc('\n', ctx->raw);
	}
	return 0;
}

void bench_ctx_fini(struct bench_ctx *ctx)
{
	if (ctx->envp)
		for (char **e = ctx->envp; *e; e++)
			free(*e);
	free(ctx->envp);
	ctx->envp = NULL;
	if (ctx->raw)
		fclose(ctx->raw);
	ctx->raw = NULL;
}

void bench_reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* "netplumb-timing: PHASE US" lines into out->phase_ms; the first other
 * non-empty line into out->msg. */
static void parse_stderr(char *text, struct bench_run *out)
{
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		char name[32];
		double us;

		if (nl)
			*nl = '\0';
		if (sscanf(line, "netplumb-timing: %31s %lf", name, &us) == 2) {
			for (int p = 0; p < PH__MAX; p++)
				if (!strcmp(name, bench_phase_names[p]))
					out->phase_ms[p] += us / 1000.0;
		} else if (*line && !out->msg[0]) {
			snprintf(out->msg, sizeof(out->msg), "%s", line);
		}
		line = nl ? nl + 1 : NULL;
	}
}

static int status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

int bench_cmd(struct bench_ctx *ctx, const char *tag, struct bench_run *out, const char *verb,
	      const char *arg)
{
	const char *args[] = { verb, arg, NULL };

	return bench_cmdv(ctx, tag, out, args);
}

int bench_cmdv(struct bench_ctx *ctx, const char *tag, struct bench_run *out,
	       const char *const args[])
{
	char *argv[8] = { (char *)"netplumb" };
	const char *verb = args[0], *arg = args[0] ? args[1] : NULL;
	posix_spawn_file_actions_t fa;
	char *errbuf = NULL;
	size_t errlen = 0;
	struct rusage ru;
	int p[2], status = 0, r;
	double t0, deadline;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; args[i]; i++) {
		if (i + 2 >= sizeof(argv) / sizeof(argv[0]))
			return -E2BIG;
		argv[i + 1] = (char *)args[i];
	}
	/* the figures are filed under the verb, after any --option VALUE */
	for (size_t i = 0; args[i] && args[i][0] == '-' && args[i + 1]; i += 2)
		verb = args[i + 2], arg = verb ? args[i + 3] : NULL;
	errbuf = malloc(ERRBUF_MAX);
	if (!errbuf)
		return -ENOMEM;
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(errbuf);
		return -errno;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);

	t0 = bench_now_ms();
	r = posix_spawn(&pid, ctx->opts->netplumb, &fa, NULL, argv, ctx->envp);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r) {
		close(p[0]);
		free(errbuf);
		return -r;
	}
	/* netplumb closes our pipe in dnsmasq, so EOF means it exited */
	deadline = t0 + CMD_TIMEOUT_MS;
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		double left = deadline - bench_now_ms();
		char tmp[4096];
		ssize_t n;

		if (left <= 0) {
			kill(pid, SIGKILL);
			snprintf(out->msg, sizeof(out->msg), "timed out after %d s",
				 CMD_TIMEOUT_MS / 1000);
			break;
		}
		if (poll(&pfd, 1, (int)left + 1) < 0 && errno != EINTR)
			break;
		n = read(p[0], tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && errlen < ERRBUF_MAX - 1; i++)
			errbuf[errlen++] = tmp[i];
	}
	errbuf[errlen] = '\0';
	close(p[0]);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			free(errbuf);
			return -errno;
		}
	out->wall_ms = bench_now_ms() - t0;
	out->cpu_ms = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
		      ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
	out->maxrss_kb = ru.ru_maxrss;
	out->status = status_code(status);
	parse_stderr(errbuf, out);
	free(errbuf);
	if (out->phase_ms[PH_TOTAL] > 0)
		out->phase_ms[PH_PROC] = out->wall_ms - out->phase_ms[PH_TOTAL];
	bench_reap();

	if (out->maxrss_kb > ctx->res->cli_maxrss_kb) {
		ctx->res->cli_maxrss_kb = out->maxrss_kb;
		snprintf(ctx->res->cli_maxrss_cmd, sizeof(ctx->res->cli_maxrss_cmd), "%s %s", verb,
			 arg ? arg : "");
	}
	if (ctx->raw) {
		fprintf(ctx->raw, "%s\t%s\t%s\t%d\t%.3f\t%.3f\t%ld", tag, verb, arg ? arg : "",
			out->status, out->wall_ms, out->cpu_ms, out->maxrss_kb);
		for (int ph = 0; ph < PH__MAX; ph++)
			fprintf(ctx->raw, "\t%.3f", out->phase_ms[ph]);
		fputc('\n', ctx->raw);
	}
	return out->status;
}

int bench_exec(int nsfd, char *const argv[], char *out, size_t outlen)
{
	int p[2] = { -1, -1 }, status = 0;
	size_t len = 0;
	pid_t pid;

	if (out && pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
			_exit(126);
		dup2(null, 0);
		dup2(out ? p[1] : null, 1);
		dup2(out ? p[1] : null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out) {
		close(p[1]);
		for (;;) {
			char tmp[4096];
			ssize_t n = read(p[0], tmp, sizeof(tmp));

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			/* keep what fits, drain the rest so the child never blocks */
			for (ssize_t i = 0; i < n && len + 1 < outlen; i++)
				out[len++] = tmp[i];
		}
		out[len] = '\0';
		close(p[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status_code(status);
}

int bench_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	int r = 0;

	if (!f)
		return -errno;
	if (fputs(text, f) < 0)
		r = -EIO;
	if (fclose(f) < 0 && !r)
		r = -errno;
	return r;
}
