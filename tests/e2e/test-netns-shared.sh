#!/bin/bash
# One set of directories for many namespaces: `--netns NAME` with the same
# explicit --config-dir/--state-dir/--run-dir gives each namespace a store of
# its own below them (DIR/netns/NAME), so:
#   - lab1 and lab2 both start 'default', list it as active, and destroy it,
#     independently of each other;
#   - 50 namespaces started then destroyed leave 0 bridges behind;
#   - a command for a network that is live in another namespace (the same
#     store used through `ip netns exec`) fails with one line naming both.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

N=${NP_E2E_NETNS_COUNT:-50}

# npx NS ARGS...: netplumb for namespace NS, with the one shared set of dirs.
npx()
{
	local ns=$1
	shift
	timeout -k 5 60 "$NETPLUMB" --netns "$ns" --config-dir "$NP_CONFIG" \
		--state-dir "$NP_STATE" --run-dir "$NP_RUN" "$@"
}

bridges_in() { ip -n "$1" -o link show type bridge 2>/dev/null | grep -c . || true; }

log "lab1 and lab2, one set of directories"
for s in lab1 lab2; do
	ns_add "$NS_PREFIX-$s"
done
L1=$NS_PREFIX-lab1
L2=$NS_PREFIX-lab2
OUT=$(npx "$L1" net-start default 2>&1) || fail "lab1: net-start default: $OUT"
pass "lab1: net-start default"
OUT=$(npx "$L2" net-start default 2>&1) || fail "lab2: net-start default: $OUT"
pass "lab2: net-start default (not a repair of lab1's)"
expect_eq "lab2's start message" "Network default started" "$(head -n1 <<<"$OUT")"
for s in "$L1" "$L2"; do
	OUT=$(npx "$s" net-list 2>&1) || fail "$s: net-list: $OUT"
	expect_match "$s: default is listed active" '^ *default +active ' "$OUT"
	expect_eq "$s: one bridge there" 1 "$(bridges_in "$s")"
done
expect_ok "each has a store of its own" test -e "$NP_RUN/netns/$L1/default.xml" -a \
	-e "$NP_RUN/netns/$L2/default.xml"
OUT=$(npx "$L1" net-destroy default 2>&1) || fail "lab1: net-destroy: $OUT"
pass "lab1: net-destroy default"
expect_eq "lab1: no bridge left" 0 "$(bridges_in "$L1")"
expect_eq "lab2: its bridge is still there" 1 "$(bridges_in "$L2")"
OUT=$(npx "$L2" net-list 2>&1)
expect_match "lab2: default is still active" '^ *default +active ' "$OUT"

log "the same store used from another namespace: refused"
OUT=$(ip netns exec "$L1" timeout -k 5 60 "$NETPLUMB" --config-dir "$NP_CONFIG/netns/$L2" \
	--state-dir "$NP_STATE/netns/$L2" --run-dir "$NP_RUN/netns/$L2" net-destroy default 2>&1) &&
	fail "destroying lab2's network from lab1 succeeded: $OUT"
expect_eq "one line naming the other namespace" 1 "$(grep -c . <<<"$OUT")"
expect_match "it says where the network lives" "active in another network namespace \(net:\[[0-9]+\] $L2\)" "$OUT"
expect_eq "lab2: its bridge is untouched" 1 "$(bridges_in "$L2")"
OUT=$(npx "$L2" net-destroy default 2>&1) || fail "lab2: net-destroy: $OUT"
pass "lab2: net-destroy default"
expect_eq "lab2: no bridge left" 0 "$(bridges_in "$L2")"

log "$N namespaces with one set of directories: start each, then destroy each"
for i in $(seq 1 "$N"); do
	ns_add "$NS_PREFIX-m$i"
done
for i in $(seq 1 "$N"); do
	OUT=$(npx "$NS_PREFIX-m$i" net-start default 2>&1) || fail "m$i: net-start: $OUT"
done
pass "$N starts"
TOTAL=0
for i in $(seq 1 "$N"); do
	TOTAL=$((TOTAL + $(bridges_in "$NS_PREFIX-m$i")))
done
expect_eq "$N bridges, one in each" "$N" "$TOTAL"
for i in $(seq 1 "$N"); do
	OUT=$(npx "$NS_PREFIX-m$i" net-destroy default 2>&1) || fail "m$i: net-destroy: $OUT"
done
pass "$N destroys"
TOTAL=0
for i in $(seq 1 "$N"); do
	TOTAL=$((TOTAL + $(bridges_in "$NS_PREFIX-m$i")))
done
expect_eq "0 bridges left in the $N namespaces" 0 "$TOTAL"

e2e_done
