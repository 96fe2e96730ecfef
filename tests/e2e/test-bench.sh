#!/bin/bash
# netplumb-bench --quick, reduced: its sandbox (own pid, net and mount
# namespaces) runs floors, default-network cycles, labs through --netns and a
# dozen NAT networks; the run fails on any failed command, a start without
# DNS/DHCP sockets on return, a lab dnsmasq missing or left behind, or a
# network that did not run. Speed is printed, never judged.
set -eu
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x "${NP_BENCH:-}" ] || { echo "SKIP: no netplumb-bench (NP_BENCH)"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$NP_BENCH" --netplumb "$NETPLUMB" --quick --no-peer --no-lease --reps 2 --labs 3 \
	--n 12 --scale-runs 1 --scale-samples 1 >"$out"
cat "$out"
grep -q 'DNS+DHCP sockets up when net-start returned: 2/2' "$out"
grep -q '3/3 started, dnsmasqs up 3, left after destroy 0' "$out"
grep -q 'floor_start .* 2 runs' "$out"
grep -Eq '^ +12 +12 ' "$out"
echo "PASS"
