/* The table and its JSON twin. Nothing here measures. */
#include "bench/bench.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Issue 7's acceptance figures. */
#define GOAL_START_RATIO 10.0
#define GOAL_DESTROY_RATIO 30.0
#define GOAL_GROWTH 1.5
#define GOAL_NETWORKS 1000

/* "10th" and "Nth" per-network figures are medians over a window of ten
 * (networks 6..15 and the last ten): one slow start must not decide. */
static struct bench_stat window10(const struct bench_series *s, int phase)
{
	if (s->n >= 15)
		return bench_series_stat(s, 5, 15, phase);
	return bench_series_stat(s, s->n >= 10 ? 9 : 0, s->n >= 10 ? 10 : s->n, phase);
}

static struct bench_stat window_last(const struct bench_series *s, int phase)
{
	return bench_series_stat(s, s->n > 10 ? s->n - 10 : 0, s->n, phase);
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : NAN;
}

static const struct bench_scale *scale_of(const struct bench_results *r, unsigned n)
{
	for (size_t i = 0; i < r->n_scale; i++)
		if (r->scale[i].n == n)
			return &r->scale[i];
	return NULL;
}

static const char *pass(bool ok)
{
	return ok ? "PASS" : "FAIL";
}

/* ------------------------------------------------------------ text */

static void cmd_row(FILE *f, const char *label, const struct bench_series *s)
{
	struct bench_stat w = bench_series_stat(s, 0, s->n, PH__MAX);
	double cpu[4096];
	size_t n = 0;

	if (!s->n)
		return;
	for (size_t i = 0; i < s->n && n < 4096; i++)
		cpu[n++] = s->v[i].cpu_ms;
	fprintf(f, "  %-18s %8.2f %8.2f %8.2f %8.2f %9ld\n", label, w.median, w.min, w.max,
		bench_stat_of(cpu, n).median, bench_series_maxrss(s));
}

static void text_peer(FILE *f, const struct bench_peer *p)
{
	const struct bench_peer_engine *lv = &p->lv, *np = &p->np;

	fprintf(f, "\nlibvirt 9 vs netplumb, same workload (%s), one run\n", p->script);
	if (!lv->ok)
		fprintf(f, "  WARNING: libvirt run failed: %s\n", lv->err);
	if (!np->ok)
		fprintf(f, "  WARNING: netplumb run failed: %s\n", np->err);
	if (lv->host_changed || np->host_changed)
		fprintf(f, "  note: libvirt-peer.sh's host check saw the host change during the run "
			   "(others use this machine), e.g. '%s'\n",
			lv->host_changed ? lv->host_diff : np->host_diff);
	fprintf(f, "  %-40s %10s %10s %9s\n", "median", "libvirt", "netplumb", "ratio");
#define ROW(label, a, b) fprintf(f, "  %-40s %10.2f %10.2f %8.1fx\n", label, a, b, ratio(a, b))
	ROW("CLI no-op (net-list) ms", lv->noop.median, np->noop.median);
	ROW("net-define default ms", lv->define.median, np->define.median);
	ROW("net-start default ms (to DHCP-ready)", lv->start.median, np->start.median);
	ROW("net-destroy default ms", lv->destroy.median, np->destroy.median);
	for (size_t i = 0; i < lv->n_scale && i < np->n_scale; i++) {
		char l[64];
		unsigned k = lv->scale[i].n / 10 ? lv->scale[i].n / 10 : 1;

		snprintf(l, sizeof(l), "N=%u: define+start all, s", lv->scale[i].n);
		ROW(l, lv->scale[i].total_start_s.median, np->scale[i].total_start_s.median);
		snprintf(l, sizeof(l), "N=%u: net-start ms, first %u", lv->scale[i].n, k);
		ROW(l, lv->scale[i].first_ms.median, np->scale[i].first_ms.median);
		snprintf(l, sizeof(l), "N=%u: net-start ms, last %u", lv->scale[i].n, k);
		ROW(l, lv->scale[i].last_ms.median, np->scale[i].last_ms.median);
		snprintf(l, sizeof(l), "N=%u: net-destroy ms", lv->scale[i].n);
		ROW(l, lv->scale[i].destroy_ms.median, np->scale[i].destroy_ms.median);
		snprintf(l, sizeof(l), "N=%u: destroy all, s", lv->scale[i].n);
		ROW(l, lv->scale[i].total_destroy_s.median, np->scale[i].total_destroy_s.median);
	}
#undef ROW
	fprintf(f, "  %-40s %10ld %10ld\n", "CLI max RSS kB", lv->cli_maxrss_kb, np->cli_maxrss_kb);
	fprintf(f, "  (net-start/destroy: %zu runs each; min..max libvirt %.1f..%.1f / %.1f..%.1f, "
		   "netplumb %.1f..%.1f / %.1f..%.1f ms)\n",
		np->start.n, lv->start.min, lv->start.max, lv->destroy.min, lv->destroy.max,
		np->start.min, np->start.max, np->destroy.min, np->destroy.max);
}

void bench_report_text(FILE *f, const struct bench_opts *o, const struct bench_results *r)
{
	const struct bench_info *in = &r->info;

	fprintf(f, "netplumb-bench  %s  (%.0f s)\n", in->date, r->elapsed_s);
	fprintf(f, "machine: %ld CPUs (%s), %.1f GiB RAM, %s\n", in->nproc, in->cpu,
		(double)in->mem_kb / 1048576.0, in->kernel);
	fprintf(f, "tools:   %s, dnsmasq %s, %s, %s\n", in->netplumb_version, in->dnsmasq_version,
		in->busybox_version, in->libvirt_version[0] ? in->libvirt_version : "no libvirtd");
	fprintf(f, "binary:  %s; state on %s\n", in->netplumb, in->tmpfs ? "tmpfs" : o->disk_dir);
	fprintf(f, "host:    fs.inotify.max_user_instances=%d (left alone), %d already held by root\n",
		in->inotify_max_user_instances, in->host_inotify_root);
	if (r->error[0])
		fprintf(f, "ERROR: %s\n", r->error);

	if (r->start.n) {
		fprintf(f, "\nDefault network, %zu runs: whole command, ms\n", r->start.n);
		fprintf(f, "  %-18s %8s %8s %8s %8s %9s\n", "command", "median", "min", "max",
			"CPU ms", "maxRSS kB");
		cmd_row(f, "no-op (net-list)", &r->noop);
		cmd_row(f, "net-define", &r->define);
		cmd_row(f, "net-start", &r->start);
		cmd_row(f, "net-destroy", &r->destroy);
		cmd_row(f, "net-undefine", &r->undefine);
		if (r->ready_checked)
			fprintf(f,
				"  DNS+DHCP sockets up when net-start returned: %zu/%zu (extra wait "
				"median %.3f ms, max %.3f)\n",
				r->ready_lag_ms.n - r->ready_missing, r->ready_lag_ms.n,
				r->ready_lag_ms.median, r->ready_lag_ms.max);

		fprintf(f, "\nPhases, median ms (NETPLUMB_TIMING; proc = exec, libraries, exit)\n");
		fprintf(f, "  %-10s %9s %9s\n", "phase", "start", "destroy");
		for (int p = 0; p <= PH__MAX; p++) {
			struct bench_stat a = bench_series_stat(&r->start, 0, r->start.n, p);
			struct bench_stat b = bench_series_stat(&r->destroy, 0, r->destroy.n, p);

			fprintf(f, "  %-10s %9.3f %9.3f\n", p == PH__MAX ? "wall" : bench_phase_names[p],
				a.median, b.median);
		}
	}

	if (r->n_lease) {
		fprintf(f, "\nFirst lease: guest veth (52:54:00 MAC) + busybox udhcpc, attached when "
			   "net-start returns; ms\n");
		fprintf(f, "  %-34s %9s %12s %12s %12s  %s\n", "network", "net-start",
			"start->lease", "attach->fwd", "attach->lease", "lease");
		for (size_t i = 0; i < r->n_lease; i++) {
			const struct bench_lease *l = &r->lease[i];

			if (!l->ok) {
				fprintf(f, "  %-34s FAILED: %s\n", l->label, l->msg);
				continue;
			}
			fprintf(f, "  %-34s %9.1f %12.1f %12.1f %12.1f  %s (%u/%u runs)\n", l->label,
				l->start_ms, l->lease_ms, l->attach_fwd_ms, l->attach_lease_ms, l->ip,
				l->ok_runs, l->runs);
		}
	}

	if (r->n_scale) {
		fprintf(f, "\nN NAT networks (bridge pbrI, 10.X.Y.0/24, DHCP+DNS), started one after "
			   "another, all running at once, then destroyed\n");
		fprintf(f, "  %5s %7s %8s %8s %8s %8s %7s %9s %8s %8s %8s %8s %7s\n", "N", "running",
			"start s", "ms/net", "10th", "Nth", "Nth/10", "destroy s", "ms/net",
			"define s", "undef s", "dnsm MB", "inotify");
		for (size_t i = 0; i < r->n_scale; i++) {
			const struct bench_scale *s = &r->scale[i];
			struct bench_stat a = window10(&s->start, PH__MAX);
			struct bench_stat b = window_last(&s->start, PH__MAX);

			if (s->skipped) {
				fprintf(f, "  %5u NOT RUN: %s\n", s->n, s->skip_msg);
				continue;
			}
			fprintf(f, "  %5u %7u %8.2f %8.2f %8.2f %8.2f %7.2f %9.2f %8.2f %8.2f %8.2f %8.1f %7u\n",
				s->n, s->dnsmasq_procs, s->start_s,
				bench_series_stat(&s->start, 0, s->start.n, PH__MAX).median, a.median,
				b.median, ratio(b.median, a.median), s->destroy_s,
				bench_series_stat(&s->destroy, 0, s->destroy.n, PH__MAX).median,
				s->define_s, s->undefine_s, s->dnsmasq_pss_kb / 1024.0,
				s->inotify_instances);
			if (s->fail_at)
				fprintf(f, "        FAILED at network %d: %s\n", s->fail_at, s->fail_msg);
		}
		fprintf(f, "  (10th / Nth: median of networks 6..15 / of the last 10; running = dnsmasq "
			   "processes with all N up; dnsm MB = their PSS)\n");
		for (size_t i = 0; i < r->n_scale; i++) {
			const struct bench_scale *s = &r->scale[i];

			if (s->skipped)
				continue;
			fprintf(f, "  N=%u: DNS listeners %u, nft chains %ld, dnsmasq RSS %.1f MB, max fds "
				   "of one dnsmasq %u, CPU burnt by running dnsmasqs while starting %.0f "
				   "ms\n",
				s->n, s->dns_listeners, s->nft_chains, s->dnsmasq_rss_kb / 1024.0,
				s->max_fds, s->dnsmasq_cpu_ms);
		}
		{
			const struct bench_scale *s = &r->scale[r->n_scale - 1];

			for (size_t i = r->n_scale; i-- > 0 && s->skipped;)
				s = &r->scale[i];
			if (s->start.n >= 20) {
				fprintf(f, "\nGrowth by phase, N=%u: median ms, networks 6..15 vs last 10\n",
					s->n);
				fprintf(f, "  %-10s %9s %9s %9s %9s\n", "phase", "start@10", "start@N",
					"destr@10", "destr@N");
				for (int p = 0; p <= PH__MAX; p++)
					fprintf(f, "  %-10s %9.3f %9.3f %9.3f %9.3f\n",
						p == PH__MAX ? "wall" : bench_phase_names[p],
						window10(&s->start, p).median,
						window_last(&s->start, p).median,
						window10(&s->destroy, p).median,
						window_last(&s->destroy, p).median);
			}
		}
	}
	if (r->cli_maxrss_kb)
		fprintf(f, "\nPeak RSS of the CLI: %ld kB (%s)\n", r->cli_maxrss_kb, r->cli_maxrss_cmd);

	if (r->peer.ran)
		text_peer(f, &r->peer);

	bench_goals_text(f, r);

	fprintf(f, "\nIssue 7 acceptance figures (against libvirt)\n");
	if (r->peer.ran) {
		double rs = ratio(r->peer.lv.start.median, r->peer.np.start.median);
		double rd = ratio(r->peer.lv.destroy.median, r->peer.np.destroy.median);

		fprintf(f, "  net-start default >= %.0fx faster than libvirt:   %6.1fx  %s\n",
			GOAL_START_RATIO, rs, pass(rs >= GOAL_START_RATIO));
		fprintf(f, "  net-destroy default >= %.0fx faster than libvirt: %6.1fx  %s\n",
			GOAL_DESTROY_RATIO, rd, pass(rd >= GOAL_DESTROY_RATIO));
	} else {
		fprintf(f, "  (no libvirt comparison in this run)\n");
	}
	{
		const struct bench_scale *s = scale_of(r, GOAL_NETWORKS);

		if (s && s->skipped) {
			fprintf(f, "  %d NAT networks with DHCP+DNS at once:        FAIL (not run: "
				   "inotify)\n",
				GOAL_NETWORKS);
			fprintf(f, "  start of the %dth <= %.1fx the 10th:          FAIL (not run)\n",
				GOAL_NETWORKS, GOAL_GROWTH);
		} else if (s) {
			double g = ratio(window_last(&s->start, PH__MAX).median,
					 window10(&s->start, PH__MAX).median);

			fprintf(f, "  %d NAT networks with DHCP+DNS at once:        %4u/%d  %s\n",
				GOAL_NETWORKS, s->dnsmasq_procs, GOAL_NETWORKS,
				pass(s->started == GOAL_NETWORKS && s->dnsmasq_procs == GOAL_NETWORKS &&
				     s->dns_listeners >= GOAL_NETWORKS));
			fprintf(f, "  start of the %dth <= %.1fx the 10th:          %6.2fx  %s\n",
				GOAL_NETWORKS, GOAL_GROWTH, g,
				pass(s->started == GOAL_NETWORKS && g <= GOAL_GROWTH));
		} else {
			fprintf(f, "  (no N=%d run)\n", GOAL_NETWORKS);
		}
	}
}

/* ------------------------------------------------------------ JSON */

struct jw {
	FILE *f;
	int depth;
	bool need_comma[32];
};

static void j_sep(struct jw *w)
{
	if (w->need_comma[w->depth])
		fputc(',', w->f);
	w->need_comma[w->depth] = true;
}

static void j_str_raw(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void j_key(struct jw *w, const char *k)
{
	j_sep(w);
	if (k) {
		j_str_raw(w->f, k);
		fputc(':', w->f);
	}
}

static void j_open(struct jw *w, const char *k, char c)
{
	j_key(w, k);
	fputc(c, w->f);
	w->need_comma[++w->depth] = false;
}

static void j_close(struct jw *w, char c)
{
	w->depth--;
	fputc(c, w->f);
}

static void j_num(struct jw *w, const char *k, double v)
{
	j_key(w, k);
	if (isnan(v) || isinf(v))
		fputs("null", w->f);
	else
		fprintf(w->f, "%.4f", v);
}

static void j_int(struct jw *w, const char *k, long v)
{
	j_key(w, k);
	fprintf(w->f, "%ld", v);
}

static void j_str(struct jw *w, const char *k, const char *v)
{
	j_key(w, k);
	j_str_raw(w->f, v);
}

static void j_bool(struct jw *w, const char *k, bool v)
{
	j_key(w, k);
	fputs(v ? "true" : "false", w->f);
}

static void j_stat(struct jw *w, const char *k, struct bench_stat st)
{
	j_open(w, k, '{');
	j_num(w, "median", st.median);
	j_num(w, "min", st.min);
	j_num(w, "max", st.max);
	j_num(w, "mean", st.mean);
	j_int(w, "n", (long)st.n);
	j_close(w, '}');
}

static void j_series(struct jw *w, const char *k, const struct bench_series *s, bool samples)
{
	j_open(w, k, '{');
	j_stat(w, "wall_ms", bench_series_stat(s, 0, s->n, PH__MAX));
	j_open(w, "phase_median_ms", '{');
	for (int p = 0; p < PH__MAX; p++)
		j_num(w, bench_phase_names[p], bench_series_stat(s, 0, s->n, p).median);
	j_close(w, '}');
	j_int(w, "max_rss_kb", bench_series_maxrss(s));
	if (samples) {
		j_open(w, "wall_ms_samples", '[');
		for (size_t i = 0; i < s->n; i++)
			j_num(w, NULL, s->v[i].wall_ms);
		j_close(w, ']');
	}
	j_close(w, '}');
}

static void j_peer_engine(struct jw *w, const char *k, const struct bench_peer_engine *e)
{
	j_open(w, k, '{');
	j_bool(w, "ok", e->ok);
	j_str(w, "error", e->err);
	j_bool(w, "host_changed", e->host_changed);
	j_str(w, "host_diff", e->host_diff);
	j_stat(w, "noop_ms", e->noop);
	j_stat(w, "define_ms", e->define);
	j_stat(w, "start_ms", e->start);
	j_stat(w, "start_first_ms", e->start_first);
	j_stat(w, "destroy_ms", e->destroy);
	j_int(w, "cli_max_rss_kb", e->cli_maxrss_kb);
	j_open(w, "scale", '[');
	for (size_t i = 0; i < e->n_scale; i++) {
		j_open(w, NULL, '{');
		j_int(w, "n", e->scale[i].n);
		j_int(w, "reps", e->scale[i].reps);
		j_stat(w, "total_define_start_s", e->scale[i].total_start_s);
		j_stat(w, "start_ms", e->scale[i].start_ms);
		j_stat(w, "start_first_tenth_ms", e->scale[i].first_ms);
		j_stat(w, "start_last_tenth_ms", e->scale[i].last_ms);
		j_stat(w, "destroy_ms", e->scale[i].destroy_ms);
		j_stat(w, "total_destroy_s", e->scale[i].total_destroy_s);
		j_close(w, '}');
	}
	j_close(w, ']');
	j_close(w, '}');
}

void bench_report_json(FILE *f, const struct bench_opts *o, const struct bench_results *r)
{
	const struct bench_info *in = &r->info;
	struct jw w = { .f = f };

	j_open(&w, NULL, '{');
	j_open(&w, "machine", '{');
	j_str(&w, "date", in->date);
	j_int(&w, "nproc", in->nproc);
	j_str(&w, "cpu", in->cpu);
	j_int(&w, "mem_kb", in->mem_kb);
	j_str(&w, "kernel", in->kernel);
	j_str(&w, "netplumb", in->netplumb);
	j_str(&w, "netplumb_version", in->netplumb_version);
	j_str(&w, "dnsmasq_version", in->dnsmasq_version);
	j_str(&w, "busybox_version", in->busybox_version);
	j_str(&w, "libvirt_version", in->libvirt_version);
	j_int(&w, "inotify_max_user_instances", in->inotify_max_user_instances);
	j_int(&w, "host_inotify_instances_of_root", in->host_inotify_root);
	j_str(&w, "state_on", in->tmpfs ? "tmpfs" : o->disk_dir);
	j_close(&w, '}');
	j_num(&w, "elapsed_s", r->elapsed_s);
	j_str(&w, "error", r->error);
	j_open(&w, "default_network", '{');
	j_int(&w, "runs", (long)r->start.n);
	j_series(&w, "noop", &r->noop, false);
	j_series(&w, "define", &r->define, false);
	j_series(&w, "start", &r->start, true);
	j_series(&w, "destroy", &r->destroy, true);
	j_series(&w, "undefine", &r->undefine, false);
	j_stat(&w, "ready_lag_ms", r->ready_lag_ms);
	j_int(&w, "ready_missing", r->ready_missing);
	j_close(&w, '}');
	j_open(&w, "first_lease", '[');
	for (size_t i = 0; i < r->n_lease; i++) {
		const struct bench_lease *l = &r->lease[i];

		j_open(&w, NULL, '{');
		j_str(&w, "network", l->label);
		j_bool(&w, "ok", l->ok);
		j_str(&w, "error", l->msg);
		j_int(&w, "runs", l->runs);
		j_int(&w, "ok_runs", l->ok_runs);
		j_str(&w, "ip", l->ip);
		j_num(&w, "net_start_ms", l->start_ms);
		j_num(&w, "start_to_lease_ms", l->lease_ms);
		j_num(&w, "attach_to_forwarding_ms", l->attach_fwd_ms);
		j_num(&w, "attach_to_lease_ms", l->attach_lease_ms);
		j_close(&w, '}');
	}
	j_close(&w, ']');
	j_open(&w, "scale", '[');
	for (size_t i = 0; i < r->n_scale; i++) {
		const struct bench_scale *s = &r->scale[i];

		j_open(&w, NULL, '{');
		j_int(&w, "n", s->n);
		j_int(&w, "started", s->started);
		j_bool(&w, "skipped", s->skipped);
		j_str(&w, "skip_msg", s->skip_msg);
		j_int(&w, "fail_at", s->fail_at);
		j_str(&w, "fail_msg", s->fail_msg);
		j_num(&w, "define_total_s", s->define_s);
		j_num(&w, "start_total_s", s->start_s);
		j_num(&w, "destroy_total_s", s->destroy_s);
		j_num(&w, "undefine_total_s", s->undefine_s);
		j_series(&w, "define", &s->define, false);
		j_series(&w, "start", &s->start, true);
		j_series(&w, "destroy", &s->destroy, true);
		j_stat(&w, "start_ms_at_10th", window10(&s->start, PH__MAX));
		j_stat(&w, "start_ms_at_nth", window_last(&s->start, PH__MAX));
		j_num(&w, "start_growth_nth_over_10th", ratio(window_last(&s->start, PH__MAX).median,
							      window10(&s->start, PH__MAX).median));
		j_stat(&w, "destroy_ms_at_10th", window10(&s->destroy, PH__MAX));
		j_stat(&w, "destroy_ms_at_nth", window_last(&s->destroy, PH__MAX));
		j_int(&w, "dnsmasq_procs", s->dnsmasq_procs);
		j_int(&w, "dns_listeners", s->dns_listeners);
		j_int(&w, "inotify_instances", s->inotify_instances);
		j_int(&w, "dnsmasq_rss_kb", s->dnsmasq_rss_kb);
		j_int(&w, "dnsmasq_pss_kb", s->dnsmasq_pss_kb);
		j_num(&w, "dnsmasq_cpu_ms_during_start", s->dnsmasq_cpu_ms);
		j_int(&w, "dnsmasq_max_fds", s->max_fds);
		j_int(&w, "nft_chains", s->nft_chains);
		j_close(&w, '}');
	}
	j_close(&w, ']');
	{
		struct bench_goals g;

		bench_goals_compute(r, &g);
		j_open(&w, "issue19", '{');
		j_series(&w, "floor_start", &r->floor_start, false);
		j_series(&w, "floor_destroy", &r->floor_destroy, false);
		j_str(&w, "floor_error", r->floor_error);
		j_series(&w, "exec_ip", &r->exec_ip, false);
		j_series(&w, "exec_dnsmasq", &r->exec_dnsmasq, false);
		j_series(&w, "exec_netplumb", &r->exec_netplumb, false);
		j_num(&w, "start_ratio", g.start_ratio);
		j_num(&w, "destroy_ratio", g.destroy_ratio);
		j_int(&w, "labs", r->labs.n);
		j_num(&w, "labs_start_s", r->labs.start_s);
		j_num(&w, "labs_destroy_s", r->labs.destroy_s);
		j_num(&w, "labs_floor_s", g.labs_floor_s);
		j_num(&w, "labs_ratio", g.labs_ratio);
		j_str(&w, "labs_error", r->labs.error);
		j_int(&w, "scale_n", g.sc ? g.sc->n : 0);
		j_num(&w, "start_ms_10th", g.at10);
		j_num(&w, "start_ms_nth", g.atn);
		j_num(&w, "growth", g.growth);
		j_num(&w, "growth_worst_run", g.growth_worst);
		j_num(&w, "destroy_all_s", g.destroy_all_s);
		j_num(&w, "destroy_all_floor_s", g.destroy_all_floor_s);
		j_num(&w, "destroy_all_ratio", g.destroy_all_ratio);
		j_num(&w, "floor_destroy_ms_at_n", g.floor_destroy_n);
		j_close(&w, '}');
	}
	j_int(&w, "cli_max_rss_kb", r->cli_maxrss_kb);
	j_str(&w, "cli_max_rss_cmd", r->cli_maxrss_cmd);
	if (r->peer.ran) {
		j_open(&w, "libvirt_peer", '{');
		j_str(&w, "script", r->peer.script);
		j_peer_engine(&w, "libvirt", &r->peer.lv);
		j_peer_engine(&w, "netplumb", &r->peer.np);
		j_num(&w, "start_ratio", ratio(r->peer.lv.start.median, r->peer.np.start.median));
		j_num(&w, "destroy_ratio",
		      ratio(r->peer.lv.destroy.median, r->peer.np.destroy.median));
		j_close(&w, '}');
	}
	j_close(&w, '}');
	fputc('\n', f);
}
