/* netplumb-bench: how fast netplumb brings networks up and down, measured
 * through its CLI inside throwaway namespaces. See bench/README.md. */
#include "bench/bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READY_TIMEOUT_MS 2000

/* Byte for byte Debian's /usr/share/libvirt/networks/default.xml, as
 * libvirt-peer.sh uses it. */
static const char default_xml[] = "<network>\n"
				  "  <name>default</name>\n"
				  "  <bridge name='virbr0'/>\n"
				  "  <forward/>\n"
				  "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
				  "    <dhcp>\n"
				  "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
				  "    </dhcp>\n"
				  "  </ip>\n"
				  "</network>\n";

/* The settings that remove the first-lease delay: no STP on the bridge
 * (no 2 x 2 s listening/learning) and no ICMP probe before an offer. */
static const char fast_xml[] =
	"<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>\n"
	"  <name>fastlease</name>\n"
	"  <bridge name='virbr1' stp='off'/>\n"
	"  <forward/>\n"
	"  <ip address='192.168.123.1' netmask='255.255.255.0'>\n"
	"    <dhcp>\n"
	"      <range start='192.168.123.2' end='192.168.123.254'/>\n"
	"    </dhcp>\n"
	"  </ip>\n"
	"  <dnsmasq:options>\n"
	"    <dnsmasq:option value='no-ping'/>\n"
	"  </dnsmasq:options>\n"
	"</network>\n";

struct state {
	struct bench_opts *opts;
	const char *base;
	struct bench_results *res;
	double t_start;
};

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netplumb-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------ default net */

/* How long after net-start returned until dnsmasq's DNS socket on the
 * gateway and a DHCP socket show up (0 when already there). */
static double ready_lag(unsigned gw, bool *ok)
{
	double t0;

	/* the usual case: already there, no wait at all */
	if (bench_probe_dns_listeners(gw) > 0 && bench_probe_dhcp_listener()) {
		*ok = true;
		return 0;
	}
	t0 = bench_now_ms();
	for (;;) {
		if (bench_probe_dns_listeners(gw) > 0 && bench_probe_dhcp_listener()) {
			*ok = true;
			return bench_now_ms() - t0;
		}
		if (bench_now_ms() - t0 > READY_TIMEOUT_MS) {
			*ok = false;
			return bench_now_ms() - t0;
		}
		usleep(100);
	}
}

static int cycle(struct bench_ctx *ctx, struct state *s)
{
	struct bench_results *res = s->res;
	char xml[600];
	struct bench_run run;
	double *lag;
	size_t n_lag = 0;
	bool floor_ok = false;
	unsigned gw;
	int rc = 0;

	inet_pton(AF_INET, "192.168.122.1", &gw);
	snprintf(xml, sizeof(xml), "%s/xml/default.xml", ctx->base);
	if (bench_write_file(xml, default_xml) < 0)
		return -EIO;
	lag = calloc(s->opts->reps, sizeof(*lag));
	if (!lag)
		return -ENOMEM;
	for (int i = 0; i < 5; i++) {
		bench_cmd(ctx, "noop", &run, "net-list", "--all");
		bench_series_add(&res->noop, &run);
	}
	/* netplumb seeds 'default' on first use; start every round from none */
	bench_cmd(ctx, "cycle", &run, "net-undefine", "default");
	/* the floors use the dnsmasq config of this very tree for 'default' */
	if (bench_cmd(ctx, "floor", &run, "net-define", xml) == 0 &&
	    bench_cmd(ctx, "floor", &run, "net-start", "default") == 0)
		floor_ok = bench_floor_prepare(ctx, res->floor_error, sizeof(res->floor_error)) == 0;
	else
		snprintf(res->floor_error, sizeof(res->floor_error), "net-start default: %.200s",
			 run.msg);
	bench_cmd(ctx, "floor", &run, "net-destroy", "default");
	bench_cmd(ctx, "floor", &run, "net-undefine", "default");
	progress("default network: %u x floors, define/start/destroy/undefine", s->opts->reps);
	for (unsigned r = 0; r < s->opts->reps; r++) {
		bool ok;

		/* side by side: each netplumb sample next to a floor sample */
		if (floor_ok) {
			struct bench_run a = { 0 }, b = { 0 };

			if (bench_floor_once(ctx, &a.wall_ms, &b.wall_ms, res->floor_error,
					     sizeof(res->floor_error)) == 0) {
				bench_series_add(&res->floor_start, &a);
				bench_series_add(&res->floor_destroy, &b);
			} else {
				floor_ok = false;
			}
			a.wall_ms = bench_floor_exec("ip", "-V");
			bench_series_add(&res->exec_ip, &a);
			a.wall_ms = bench_floor_exec(s->opts->dnsmasq ? s->opts->dnsmasq
								 : "/usr/sbin/dnsmasq",
						     "--version");
			bench_series_add(&res->exec_dnsmasq, &a);
			a.wall_ms = bench_floor_exec(s->opts->netplumb, "--version");
			bench_series_add(&res->exec_netplumb, &a);
		}

		if (bench_cmd(ctx, "cycle", &run, "net-define", xml) != 0)
			goto fail;
		bench_series_add(&res->define, &run);
		if (bench_cmd(ctx, "cycle", &run, "net-start", "default") != 0)
			goto fail;
		bench_series_add(&res->start, &run);
		lag[n_lag++] = ready_lag(gw, &ok);
		if (!ok)
			res->ready_missing++;
		if (bench_cmd(ctx, "cycle", &run, "net-destroy", "default") != 0)
			goto fail;
		bench_series_add(&res->destroy, &run);
		if (bench_cmd(ctx, "cycle", &run, "net-undefine", "default") != 0)
			goto fail;
		bench_series_add(&res->undefine, &run);
	}
	goto out;
fail:
	snprintf(res->error, sizeof(res->error), "default network: %.200s", run.msg);
	rc = -EIO;
out:
	res->ready_checked = n_lag > 0;
	res->ready_lag_ms = bench_stat_of(lag, n_lag);
	free(lag);
	return rc;
}

/* ------------------------------------------------------------ leases */

static int leases(struct bench_ctx *ctx, struct state *s)
{
	static const struct {
		const char *label, *file, *text, *name, *bridge, *mac;
	} nets[2] = {
		{ "default (stock: STP, ping check)", "default.xml", default_xml, "default",
		  "virbr0", "52:54:00:be:00:01" },
		{ "stp='off' + dnsmasq no-ping", "fastlease.xml", fast_xml, "fastlease", "virbr1",
		  "52:54:00:be:00:02" },
	};
	struct bench_results *res = s->res;

	for (int i = 0; i < 2; i++) {
		struct bench_lease *out = &res->lease[res->n_lease++];
		double *v[4];
		char xml[600];

		out->label = nets[i].label;
		snprintf(xml, sizeof(xml), "%s/xml/%s", ctx->base, nets[i].file);
		if (bench_write_file(xml, nets[i].text) < 0)
			return -EIO;
		for (int k = 0; k < 4; k++)
			v[k] = calloc(s->opts->lease_reps, sizeof(double));
		for (unsigned r = 0; r < s->opts->lease_reps; r++) {
			struct bench_lease one = { 0 };

			progress("first lease: %s (run %u/%u)", nets[i].label, r + 1,
				 s->opts->lease_reps);
			out->runs++;
			if (bench_lease_run(ctx, &one, xml, nets[i].name, nets[i].bridge,
					    nets[i].mac) < 0) {
				snprintf(out->msg, sizeof(out->msg), "%s", one.msg);
				continue;
			}
			snprintf(out->ip, sizeof(out->ip), "%s", one.ip);
			v[0][out->ok_runs] = one.start_ms;
			v[1][out->ok_runs] = one.lease_ms;
			v[2][out->ok_runs] = one.attach_fwd_ms;
			v[3][out->ok_runs] = one.attach_lease_ms;
			out->ok_runs++;
		}
		out->ok = out->ok_runs > 0;
		out->start_ms = bench_stat_of(v[0], out->ok_runs).median;
		out->lease_ms = bench_stat_of(v[1], out->ok_runs).median;
		out->attach_fwd_ms = bench_stat_of(v[2], out->ok_runs).median;
		out->attach_lease_ms = bench_stat_of(v[3], out->ok_runs).median;
		for (int k = 0; k < 4; k++)
			free(v[k]);
	}
	return 0;
}

/* ------------------------------------------------------------ N networks */

/* NAT network pbI on bridge pbrI, 10.X.Y.0/24, as libvirt-peer.sh's. */
static int scale_xml(const char *dir, unsigned i, char *path, size_t len)
{
	unsigned x = 100 + (i - 1) / 200, y = (i - 1) % 200 + 1;
	char text[1024];

	snprintf(path, len, "%s/xml/pb%u.xml", dir, i);
	snprintf(text, sizeof(text),
		 "<network>\n"
		 "  <name>pb%u</name>\n"
		 "  <bridge name='pbr%u'/>\n"
		 "  <forward mode='nat'/>\n"
		 "  <ip address='10.%u.%u.1' netmask='255.255.255.0'>\n"
		 "    <dhcp>\n"
		 "      <range start='10.%u.%u.2' end='10.%u.%u.254'/>\n"
		 "    </dhcp>\n"
		 "  </ip>\n"
		 "</network>\n",
		 i, i, x, y, x, y, x, y);
	return bench_write_file(path, text);
}

/* Each dnsmasq that watches resolv.conf holds an inotify instance, charged
 * to root host-wide: running past fs.inotify.max_user_instances would make
 * inotify_init fail for every root process on the machine, not just ours.
 * So when the first network's dnsmasq holds one, N must fit the budget. */
static bool inotify_budget_exceeded(struct state *s, struct bench_scale *sc, unsigned n)
{
	const struct bench_info *in = &s->res->info;
	int budget = in->inotify_max_user_instances - in->host_inotify_root - 8;
	bool known = false;
	struct bench_daemons d;

	/* an earlier, smaller N already showed one instance per dnsmasq */
	for (size_t i = 0; i + 1 < s->res->n_scale; i++)
		if (s->res->scale[i].dnsmasq_procs &&
		    s->res->scale[i].inotify_instances >= s->res->scale[i].dnsmasq_procs)
			known = true;
	if (!known) {
		bench_probe_dnsmasq(&d);
		known = d.inotify > 0;
	}
	if (!known || (int)n <= budget)
		return false;
	sc->skipped = true;
	snprintf(sc->skip_msg, sizeof(sc->skip_msg),
		 "each network's dnsmasq holds an inotify instance; %u would exceed the host's "
		 "fs.inotify.max_user_instances=%d (%d already used by root); --force-n runs it "
		 "anyway",
		 n, in->inotify_max_user_instances, in->host_inotify_root);
	progress("N=%u not run: %s", n, sc->skip_msg);
	return true;
}

/* Runs x samples of net-start + net-destroy of network i (name) while i-1
 * others run; at the Nth also the floor of deleting a bridge there. */
static int at_point(struct bench_ctx *ctx, struct state *s, struct bench_scale *sc, int which,
		    unsigned i, const char *name)
{
	unsigned runs = s->opts->scale_runs, samples = s->opts->scale_samples;
	struct bench_run run;

	if (runs > BENCH_MAX_RUNS)
		runs = BENCH_MAX_RUNS;
	sc->at_index[which] = i;
	sc->at_runs = runs;
	progress("%u NAT networks: %u runs of %u start/destroy of network %u", sc->n, runs,
		 samples, i);
	for (unsigned r = 0; r < runs; r++)
		for (unsigned k = 0; k < samples; k++) {
			if (bench_cmd(ctx, "scale-at-start", &run, "net-start", name) != 0)
				goto fail;
			bench_series_add(&sc->at_start[which][r], &run);
			if (bench_cmd(ctx, "scale-at-destroy", &run, "net-destroy", name) != 0)
				goto fail;
			bench_series_add(&sc->at_destroy[which][r], &run);
		}
	if (which == 1)
		for (unsigned k = 0; k < samples; k++) {
			struct bench_run f = { 0 };

			if (bench_floor_link_del("pbfloor", "10.99.0.1/24", &f.wall_ms) == 0)
				bench_series_add(&sc->floor_destroy_n, &f);
		}
	return 0;
fail:
	sc->fail_at = (int)i;
	snprintf(sc->fail_msg, sizeof(sc->fail_msg), "sample of %s: %.200s", name, run.msg);
	return -EIO;
}

static int scale(struct bench_ctx *ctx, struct state *s, unsigned n)
{
	struct bench_scale *sc = &s->res->scale[s->res->n_scale++];
	struct bench_daemons before, after;
	struct bench_run run;
	char path[600], name[32];
	double t0;

	sc->n = n;
	if (!s->opts->force_n && inotify_budget_exceeded(s, sc, n))
		return 0;
	progress("%u NAT networks: define", n);
	t0 = bench_now_ms();
	for (unsigned i = 1; i <= n; i++) {
		if (scale_xml(ctx->base, i, path, sizeof(path)) < 0)
			return -EIO;
		if (bench_cmd(ctx, "scale-define", &run, "net-define", path) != 0) {
			sc->fail_at = (int)i;
			snprintf(sc->fail_msg, sizeof(sc->fail_msg), "net-define pb%u: %.200s", i,
				 run.msg);
			n = i - 1;
			break;
		}
		bench_series_add(&sc->define, &run);
	}
	sc->define_s = (bench_now_ms() - t0) / 1000;

	progress("%u NAT networks: start", n);
	bench_probe_dnsmasq(&before);
	t0 = bench_now_ms();
	for (unsigned i = 1; i <= n && !sc->fail_at; i++) {
		snprintf(name, sizeof(name), "pb%u", i);
		if (n >= 10 && (i == 10 || i == n)) {
			double pause = bench_now_ms();

			if (at_point(ctx, s, sc, i == 10 ? 0 : 1, i, name) < 0)
				break;
			/* the samples are not part of "start all" */
			t0 += bench_now_ms() - pause;
		}
		if (bench_cmd(ctx, "scale-start", &run, "net-start", name) != 0) {
			sc->fail_at = (int)i;
			snprintf(sc->fail_msg, sizeof(sc->fail_msg), "net-start %s: %.200s", name,
				 run.msg);
			break;
		}
		bench_series_add(&sc->start, &run);
		sc->started++;
		if (i == 1 && !s->opts->force_n && inotify_budget_exceeded(s, sc, n))
			break;
	}
	sc->start_s = (bench_now_ms() - t0) / 1000;
	bench_probe_dnsmasq(&after);
	sc->dnsmasq_procs = after.procs;
	sc->inotify_instances = after.inotify;
	sc->dnsmasq_rss_kb = after.rss_kb;
	sc->dnsmasq_pss_kb = after.pss_kb;
	sc->dnsmasq_cpu_ms = after.cpu_ms - before.cpu_ms;
	sc->max_fds = after.max_fds;
	sc->dns_listeners = bench_probe_dns_listeners(0);
	sc->nft_chains = bench_probe_nft_chains();

	progress("%u NAT networks: destroy", sc->started);
	t0 = bench_now_ms();
	for (unsigned i = 1; i <= sc->started; i++) {
		snprintf(name, sizeof(name), "pb%u", i);
		bench_cmd(ctx, "scale-destroy", &run, "net-destroy", name);
		bench_series_add(&sc->destroy, &run);
	}
	sc->destroy_s = (bench_now_ms() - t0) / 1000;
	t0 = bench_now_ms();
	for (unsigned i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "pb%u", i);
		bench_cmd(ctx, "scale-undefine", &run, "net-undefine", name);
		bench_series_add(&sc->undefine, &run);
	}
	sc->undefine_s = (bench_now_ms() - t0) / 1000;
	return 0;
}

/* ------------------------------------------------------------ driver */

/* What makes the run fail (never a speed): a command or floor that failed,
 * a start whose DNS/DHCP sockets were missing on return, a lab whose
 * dnsmasq did not run or outlived its destroy, an N that did not start. */
static bool failed(const struct state *s)
{
	const struct bench_results *r = s->res;

	if (r->error[0] || r->floor_error[0] || r->labs.error[0] || r->ready_missing)
		return true;
	if (s->opts->labs &&
	    (r->labs.dnsmasq_up != r->labs.n || r->labs.dnsmasq_left != 0))
		return true;
	for (size_t i = 0; i < r->n_scale; i++)
		if (r->scale[i].fail_at ||
		    (!r->scale[i].skipped && r->scale[i].dnsmasq_procs != r->scale[i].n))
			return true;
	return false;
}

static int run_inside(void *p)
{
	struct state *s = p;
	struct bench_results *res = s->res;
	struct bench_ctx ctx;
	int r;

	r = bench_ctx_init(&ctx, s->opts, s->base, res);
	if (r < 0) {
		fprintf(stderr, "netplumb-bench: cannot set up %s: %s\n", s->base, strerror(-r));
		return 1;
	}
	if (s->opts->do_cycle)
		cycle(&ctx, s);
	if (s->opts->labs && !res->error[0]) {
		progress("labs: %u namespaces, --netns labI net-start default, then net-destroy",
			 s->opts->labs);
		bench_labs_run(&ctx, &res->labs, s->opts->labs);
	}
	if (s->opts->do_lease && !res->error[0])
		leases(&ctx, s);
	for (size_t i = 0; s->opts->do_scale && !res->error[0] && i < s->opts->n_ns; i++)
		scale(&ctx, s, s->opts->ns[i]);
	res->elapsed_s = (bench_now_ms() - s->t_start) / 1000;
	if (s->opts->json)
		bench_report_json(stdout, s->opts, res);
	else
		bench_report_text(stdout, s->opts, res);
	fflush(stdout);
	bench_ctx_fini(&ctx);
	return failed(s) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static char netplumb[PATH_MAX], peer[PATH_MAX], base[PATH_MAX - 64];
	struct bench_opts opts;
	struct bench_results *res;
	struct state st;
	int r;

	if (bench_opts_parse(argc, argv, &opts) < 0) {
		bench_usage(stderr);
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "netplumb-bench: needs root (namespaces, bridges, nftables)\n");
		return 77;
	}
	if (!realpath(opts.netplumb, netplumb) || access(netplumb, X_OK) < 0) {
		fprintf(stderr, "netplumb-bench: cannot run %s: %m\n", opts.netplumb);
		return 2;
	}
	opts.netplumb = netplumb;
	if (opts.do_peer && realpath(opts.peer_script, peer))
		opts.peer_script = peer;
	else if (opts.do_peer && opts.peer_only) {
		fprintf(stderr, "netplumb-bench: no %s\n", opts.peer_script);
		return 2;
	} else if (opts.do_peer) {
		fprintf(stderr, "netplumb-bench: no %s: skipping the libvirt comparison\n",
			opts.peer_script);
		opts.do_peer = false;
	}
	res = calloc(1, sizeof(*res));
	if (!res)
		return 1;
	st = (struct state){ .opts = &opts, .res = res, .t_start = bench_now_ms() };
	bench_probe_info(&res->info, &opts);
	res->info.host_inotify_root = bench_probe_host_inotify_root();

	if (opts.do_peer)
		bench_peer_run(&opts, &res->peer);
	if (opts.peer_only) {
		res->elapsed_s = (bench_now_ms() - st.t_start) / 1000;
		if (opts.json)
			bench_report_json(stdout, &opts, res);
		else
			bench_report_text(stdout, &opts, res);
		r = res->peer.lv.ok && res->peer.np.ok ? 0 : 1;
		free(res);
		return r;
	}

	snprintf(base, sizeof(base), "%s/netplumb-bench.XXXXXX",
		 opts.disk_dir ? opts.disk_dir : "/tmp");
	if (!mkdtemp(base)) {
		fprintf(stderr, "netplumb-bench: mkdtemp %s: %m\n", base);
		return 1;
	}
	/* dnsmasq reads its hosts files after dropping root */
	chmod(base, 0755);
	snprintf(res->info.netplumb, sizeof(res->info.netplumb), "%.500s", netplumb);
	/* the report is printed inside, where the results are */
	st.base = base;
	r = bench_sandbox_run(base, opts.disk_dir != NULL, run_inside, &st);
	free(res);
	if (r < 0) {
		fprintf(stderr, "netplumb-bench: cannot create the sandbox: %s\n", strerror(-r));
		return 1;
	}
	return r;
}
