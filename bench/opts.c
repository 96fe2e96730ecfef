/* Command-line options of netplumb-bench. */
#include "bench/bench.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NP_BENCH_NETPLUMB
#define NP_BENCH_NETPLUMB "netplumb"
#endif
#ifndef NP_BENCH_PEER
#define NP_BENCH_PEER "/work/shared/tools/libvirt-peer.sh"
#endif

void bench_usage(FILE *f)
{
	fprintf(f,
		"Usage: netplumb-bench [OPTIONS]\n"
		"Times netplumb's CLI inside private pid/net/mount namespaces (needs root).\n\n"
		"  --netplumb PATH   binary to measure (default %s)\n"
		"  --dnsmasq PATH    dnsmasq for netplumb to run (NETPLUMB_DNSMASQ)\n"
		"  --busybox PATH    busybox for the guest's udhcpc (default /bin/busybox)\n"
		"  --reps N          default-network cycles (default 20)\n"
		"  --n LIST          network counts, comma separated (default 1,10,100,1000)\n"
		"  --lease-reps N    first-lease runs per network kind (default 1)\n"
		"  --peer-script P   libvirt-peer.sh (default %s)\n"
		"  --peer-reps N     its bench-startstop repetitions (default 20)\n"
		"  --peer-n LIST     its bench-start network counts (default 10,100)\n"
		"  --peer-n-reps N   repetitions of each bench-start (default 1)\n"
		"  --peer-only       only the side-by-side run with libvirt\n"
		"  --no-peer, --no-cycle, --no-scale, --no-lease, --no-labs   skip a part\n"
		"  --labs N          namespaces of the lab run (default 50)\n"
		"  --scale-runs R, --scale-samples S\n"
		"                    start/destroy the 10th and the Nth network R runs of S\n"
		"                    times while the others run (default 5 x 5)\n"
		"  --disk DIR        keep netplumb's state under DIR instead of tmpfs\n"
		"  --force-n         run every N even if its dnsmasqs would exhaust the host's\n"
		"                    inotify instances (fs.inotify.max_user_instances)\n"
		"  --raw FILE        every command's figures as TSV\n"
		"  --quick           reps 5, N 1,10,100, 1 run of 3 samples, peer startstop 5\n"
		"                    + start 10 (~1 min)\n"
		"  --json            machine-readable output\n",
		NP_BENCH_NETPLUMB, NP_BENCH_PEER);
}

static int parse_list(const char *arg, unsigned *v, size_t max, size_t *ret_n)
{
	char *copy = strdup(arg), *save = NULL;
	size_t n = 0;

	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long x = strtoul(tok, &end, 10);

		if (*end || x == 0 || x > 4000 || n == max) {
			free(copy);
			return -EINVAL;
		}
		v[n++] = (unsigned)x;
	}
	free(copy);
	*ret_n = n;
	return n ? 0 : -EINVAL;
}

static int parse_uint(const char *arg, unsigned *ret)
{
	char *end;
	unsigned long x = strtoul(arg, &end, 10);

	if (*end || x == 0 || x > 100000)
		return -EINVAL;
	*ret = (unsigned)x;
	return 0;
}

enum {
	OPT_NETPLUMB = 256,
	OPT_DNSMASQ,
	OPT_BUSYBOX,
	OPT_REPS,
	OPT_N,
	OPT_LEASE_REPS,
	OPT_PEER_SCRIPT,
	OPT_PEER_REPS,
	OPT_PEER_N,
	OPT_PEER_N_REPS,
	OPT_PEER_ONLY,
	OPT_NO_PEER,
	OPT_NO_CYCLE,
	OPT_NO_SCALE,
	OPT_NO_LEASE,
	OPT_DISK,
	OPT_RAW,
	OPT_QUICK,
	OPT_JSON,
	OPT_FORCE_N,
	OPT_LABS,
	OPT_NO_LABS,
	OPT_SCALE_RUNS,
	OPT_SCALE_SAMPLES,
};

int bench_opts_parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option lo[] = {
		{ "netplumb", required_argument, NULL, OPT_NETPLUMB },
		{ "dnsmasq", required_argument, NULL, OPT_DNSMASQ },
		{ "busybox", required_argument, NULL, OPT_BUSYBOX },
		{ "reps", required_argument, NULL, OPT_REPS },
		{ "n", required_argument, NULL, OPT_N },
		{ "lease-reps", required_argument, NULL, OPT_LEASE_REPS },
		{ "peer-script", required_argument, NULL, OPT_PEER_SCRIPT },
		{ "peer-reps", required_argument, NULL, OPT_PEER_REPS },
		{ "peer-n", required_argument, NULL, OPT_PEER_N },
		{ "peer-n-reps", required_argument, NULL, OPT_PEER_N_REPS },
		{ "peer-only", no_argument, NULL, OPT_PEER_ONLY },
		{ "no-peer", no_argument, NULL, OPT_NO_PEER },
		{ "no-cycle", no_argument, NULL, OPT_NO_CYCLE },
		{ "no-scale", no_argument, NULL, OPT_NO_SCALE },
		{ "no-lease", no_argument, NULL, OPT_NO_LEASE },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "raw", required_argument, NULL, OPT_RAW },
		{ "quick", no_argument, NULL, OPT_QUICK },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "force-n", no_argument, NULL, OPT_FORCE_N },
		{ "labs", required_argument, NULL, OPT_LABS },
		{ "no-labs", no_argument, NULL, OPT_NO_LABS },
		{ "scale-runs", required_argument, NULL, OPT_SCALE_RUNS },
		{ "scale-samples", required_argument, NULL, OPT_SCALE_SAMPLES },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool set_reps = false, set_n = false, set_peer_reps = false, set_peer_n = false;
	bool set_runs = false, set_samples = false;
	int c, r = 0;

	*o = (struct bench_opts){
		.netplumb = getenv("NETPLUMB") ? getenv("NETPLUMB") : NP_BENCH_NETPLUMB,
		.busybox = "/bin/busybox",
		.peer_script = NP_BENCH_PEER,
		.reps = 20,
		.ns = { 1, 10, 100, 1000 },
		.n_ns = 4,
		.lease_reps = 1,
		.peer_reps = 20,
		.peer_ns = { 10, 100 },
		.n_peer_ns = 2,
		.peer_n_reps = 1,
		.do_cycle = true,
		.do_scale = true,
		.do_lease = true,
		.do_peer = true,
		.labs = 50,
		.scale_runs = 5,
		.scale_samples = 5,
	};
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case OPT_NETPLUMB: o->netplumb = optarg; break;
		case OPT_DNSMASQ: o->dnsmasq = optarg; break;
		case OPT_BUSYBOX: o->busybox = optarg; break;
		case OPT_REPS: r = parse_uint(optarg, &o->reps), set_reps = true; break;
		case OPT_N: r = parse_list(optarg, o->ns, BENCH_MAX_N, &o->n_ns), set_n = true; break;
		case OPT_LEASE_REPS: r = parse_uint(optarg, &o->lease_reps); break;
		case OPT_PEER_SCRIPT: o->peer_script = optarg; break;
		case OPT_PEER_REPS: r = parse_uint(optarg, &o->peer_reps), set_peer_reps = true; break;
		case OPT_PEER_N:
			r = parse_list(optarg, o->peer_ns, 4, &o->n_peer_ns), set_peer_n = true;
			break;
		case OPT_PEER_N_REPS: r = parse_uint(optarg, &o->peer_n_reps); break;
		case OPT_PEER_ONLY: o->peer_only = true; break;
		case OPT_NO_PEER: o->do_peer = false; break;
		case OPT_NO_CYCLE: o->do_cycle = false; break;
		case OPT_NO_SCALE: o->do_scale = false; break;
		case OPT_NO_LEASE: o->do_lease = false; break;
		case OPT_DISK: o->disk_dir = optarg; break;
		case OPT_RAW: o->raw_file = optarg; break;
		case OPT_QUICK: o->quick = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_FORCE_N: o->force_n = true; break;
		case OPT_LABS: r = parse_uint(optarg, &o->labs); break;
		case OPT_NO_LABS: o->labs = 0; break;
		case OPT_SCALE_RUNS:
			r = parse_uint(optarg, &o->scale_runs), set_runs = true;
			if (!r && o->scale_runs > BENCH_MAX_RUNS)
				r = -EINVAL;
			break;
		case OPT_SCALE_SAMPLES: r = parse_uint(optarg, &o->scale_samples), set_samples = true; break;
		case 'h': bench_usage(stdout); exit(0);
		default: return -EINVAL;
		}
		if (r < 0) {
			fprintf(stderr, "netplumb-bench: bad value for --%s: %s\n",
				lo[c - OPT_NETPLUMB].name, optarg);
			return r;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netplumb-bench: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (o->quick) {
		if (!set_reps)
			o->reps = 5;
		if (!set_n) {
			o->n_ns = 3; /* 1, 10, 100 */
		}
		if (!set_peer_reps)
			o->peer_reps = 5;
		if (!set_runs)
			o->scale_runs = 1;
		if (!set_samples)
			o->scale_samples = 3;
		if (!set_peer_n) {
			o->peer_ns[0] = 10;
			o->n_peer_ns = 1;
		}
	}
	if (o->peer_only)
		o->do_cycle = o->do_scale = o->do_lease = false, o->do_peer = true, o->labs = 0;
	return 0;
}
