#!/bin/sh
# Build netplumb and its benchmark, then run the benchmark (needs root: it
# creates private pid/net/mount namespaces; the host's network is not touched).
# Every argument goes to netplumb-bench, e.g.:
#   sudo scripts/bench.sh            full run (~5 min + libvirt comparison)
#   sudo scripts/bench.sh --quick    under a minute
#   sudo scripts/bench.sh --json     machine-readable
# NP_BENCH_BUILD picks the build directory (default build-bench).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NP_BENCH_BUILD:-$root/build-bench}
cmake -S "$root" -B "$build" -DNP_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target netplumb netplumb-bench >/dev/null
exec "$build/bench/netplumb-bench" "$@"
