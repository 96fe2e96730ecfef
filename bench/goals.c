/* Issue 19's goals: netplumb against the floors measured in the same run.
 * Nothing here measures; it only divides. */
#include "bench/bench.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double ratio(double a, double b)
{
	return b > 0 ? a / b : NAN;
}

static double median_of(const struct bench_series *s)
{
	return s->n ? bench_series_stat(s, 0, s->n, PH__MAX).median : NAN;
}

static const char *verdict(double v, double goal)
{
	if (isnan(v))
		return "not measured";
	return v <= goal ? "met" : "NOT met";
}

void bench_goals_compute(const struct bench_results *r, struct bench_goals *g)
{
	memset(g, 0, sizeof(*g));
	g->floor_start = median_of(&r->floor_start);
	g->floor_destroy = median_of(&r->floor_destroy);
	g->start = median_of(&r->start);
	g->destroy = median_of(&r->destroy);
	g->start_ratio = ratio(g->start, g->floor_start);
	g->destroy_ratio = ratio(g->destroy, g->floor_destroy);
	g->labs_s = NAN;
	g->labs_floor_s = r->labs.n * (g->floor_start + g->floor_destroy) / 1000;
	if (r->labs.n && r->labs.destroyed == r->labs.n)
		g->labs_s = r->labs.start_s + r->labs.destroy_s;
	g->labs_ratio = ratio(g->labs_s, g->labs_floor_s);

	g->at10 = g->atn = g->growth = g->growth_worst = NAN;
	g->destroy_all_s = g->destroy_all_ratio = g->floor_destroy_n = NAN;
	for (size_t i = 0; i < r->n_scale; i++)
		if (!r->scale[i].skipped && r->scale[i].at_runs && r->scale[i].at_start[1][0].n)
			g->sc = &r->scale[i];
	if (g->sc) {
		const struct bench_scale *s = g->sc;
		double a[BENCH_MAX_RUNS], b[BENCH_MAX_RUNS], q[BENCH_MAX_RUNS];
		size_t n = 0;

		for (unsigned k = 0; k < s->at_runs; k++) {
			if (!s->at_start[0][k].n || !s->at_start[1][k].n)
				continue;
			a[n] = median_of(&s->at_start[0][k]);
			b[n] = median_of(&s->at_start[1][k]);
			q[n] = b[n] / a[n];
			n++;
		}
		g->at10 = bench_stat_of(a, n).median;
		g->atn = bench_stat_of(b, n).median;
		g->growth = ratio(g->atn, g->at10);
		g->growth_worst = bench_stat_of(q, n).max;
		if (s->started == s->n && s->destroy.n == s->n)
			g->destroy_all_s = s->destroy_s;
		g->destroy_all_floor_s = s->n * g->floor_destroy / 1000;
		g->destroy_all_ratio = ratio(g->destroy_all_s, g->destroy_all_floor_s);
		g->floor_destroy_n = median_of(&s->floor_destroy_n);
	}
}

void bench_goals_text(FILE *f, const struct bench_results *r)
{
	struct bench_goals g;

	bench_goals_compute(r, &g);
	fprintf(f, "\nIssue 19: against the machine's floors, measured side by side in this run\n");
	if (r->floor_error[0])
		fprintf(f, "  WARNING: floors: %s\n", r->floor_error);
	if (r->floor_start.n) {
		struct bench_stat a = bench_series_stat(&r->floor_start, 0, r->floor_start.n, PH__MAX);
		struct bench_stat b =
			bench_series_stat(&r->floor_destroy, 0, r->floor_destroy.n, PH__MAX);

		fprintf(f, "  floor_start   (dnsmasq, netplumb's config, exec -> first process exits): "
			   "median %.2f ms, min %.2f, max %.2f, %zu runs\n",
			a.median, a.min, a.max, a.n);
		fprintf(f, "  floor_destroy (ip link del of the bridge, up, address, STP on): "
			   "median %.2f ms, min %.2f, max %.2f\n",
			b.median, b.min, b.max);
	}
	if (r->exec_ip.n)
		fprintf(f, "  exec alone (fork to exit): ip -V %.2f ms, dnsmasq --version %.2f ms, "
			   "netplumb --version %.2f ms\n",
			median_of(&r->exec_ip), median_of(&r->exec_dnsmasq),
			median_of(&r->exec_netplumb));
	fprintf(f, "  %-44s %9s %9s %7s %6s  %s\n", "", "netplumb", "floor", "ratio", "goal", "");
	fprintf(f, "  %-44s %9.2f %9.2f %6.2fx %5.1fx  %s\n", "net-start default, ms", g.start,
		g.floor_start, g.start_ratio, GOAL19_START, verdict(g.start_ratio, GOAL19_START));
	fprintf(f, "  %-44s %9.2f %9.2f %6.2fx %5.1fx  %s\n", "net-destroy default, ms", g.destroy,
		g.floor_destroy, g.destroy_ratio, GOAL19_DESTROY,
		verdict(g.destroy_ratio, GOAL19_DESTROY));
	if (r->labs.n) {
		char label[64];

		snprintf(label, sizeof(label), "labs: %u netns, start all + destroy all, s",
			 r->labs.n);
		fprintf(f, "  %-44s %9.2f %9.2f %6.2fx %5.1fx  %s\n", label, g.labs_s,
			g.labs_floor_s, g.labs_ratio, GOAL19_LABS, verdict(g.labs_ratio, GOAL19_LABS));
		fprintf(f, "    (start all %.2f s, destroy all %.2f s; %u/%u started, dnsmasqs up %u, "
			   "left after destroy %u; first start in a fresh namespace median %.2f ms)\n",
			r->labs.start_s, r->labs.destroy_s, r->labs.started, r->labs.n,
			r->labs.dnsmasq_up, r->labs.dnsmasq_left, median_of(&r->labs.start));
		if (r->labs.error[0])
			fprintf(f, "    ERROR: %s\n", r->labs.error);
	}
	if (g.sc) {
		const struct bench_scale *s = g.sc;
		char label[80];

		snprintf(label, sizeof(label), "%uth start vs %uth (%u runs of %zu), ms",
			 s->at_index[1], s->at_index[0], s->at_runs, s->at_start[1][0].n);
		fprintf(f, "  %-44s %9.2f %9.2f %6.2fx %5.1fx  %s%s\n", label, g.atn, g.at10,
			g.growth, GOAL19_GROWTH, verdict(g.growth, GOAL19_GROWTH),
			s->n == GOAL19_N ? "" : " (N is not 1000)");
		fprintf(f, "    per run (Nth/10th):");
		for (unsigned k = 0; k < s->at_runs; k++)
			if (s->at_start[0][k].n && s->at_start[1][k].n)
				fprintf(f, " %.2f/%.2f", median_of(&s->at_start[1][k]),
					median_of(&s->at_start[0][k]));
		fprintf(f, "; worst run %.2fx\n", g.growth_worst);
		snprintf(label, sizeof(label), "destroy all %u, s", s->n);
		fprintf(f, "  %-44s %9.2f %9.2f %6.2fx %5.1fx  %s\n", label, g.destroy_all_s,
			g.destroy_all_floor_s, g.destroy_all_ratio, GOAL19_DESTROY_ALL,
			verdict(g.destroy_all_ratio, GOAL19_DESTROY_ALL));
		fprintf(f, "    (ip link del of one more bridge beside %u: median %.2f ms; "
			   "net-destroy of the %uth: median %.2f ms; running dnsmasqs %u, "
			   "inotify instances %u)\n",
			s->n - 1, g.floor_destroy_n, s->at_index[1],
			median_of(&s->at_destroy[1][0]), s->dnsmasq_procs, s->inotify_instances);
	} else {
		fprintf(f, "  (no N-network run with samples of the 10th and the Nth)\n");
	}
	fprintf(f, "  %-44s %9ld %9d %7s %6s  %s (%s)\n", "peak CLI RSS, kB", r->cli_maxrss_kb,
		GOAL19_RSS_KB, "", "<",
		r->cli_maxrss_kb ? (r->cli_maxrss_kb < GOAL19_RSS_KB ? "met" : "NOT met")
				 : "not measured",
		r->cli_maxrss_cmd);
	if (r->peer.ran)
		fprintf(f, "  libvirt 9 (libvirt-peer.sh, for the record): net-start %.2f ms, "
			   "net-destroy %.2f ms; netplumb in the same script %.2f / %.2f ms\n",
			r->peer.lv.start.median, r->peer.lv.destroy.median, r->peer.np.start.median,
			r->peer.np.destroy.median);
}
