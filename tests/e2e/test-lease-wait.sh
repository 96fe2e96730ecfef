#!/bin/bash
# Issue 17: `net-dhcp-leases NAME --wait MAC [--timeout S]` returns as soon as
# that MAC holds a lease and prints it (table or --json); it sleeps while it
# waits (inotify, no polling loop: a handful of wake-ups over seconds); on
# timeout it exits 1 with one line after about S seconds; a MAC that already
# holds a lease returns at once; bad arguments and an inactive network fail
# with one line.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

# ctx: voluntary context switches of pid (each wake-up from a sleep is one).
ctx() { sed -n 's/^voluntary_ctxt_switches:\s*//p' "/proc/$1/status"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

log "start default, one guest that has no lease yet"
expect_np_ok "net-start default" net-start default
make_guest 1 virbr0
MAC=${GUEST_MAC[1]}

log "--wait before the guest asks"
bg "$NS_HOST" 60 "$NETPLUMB" --config-dir "$NP_CONFIG" --state-dir "$NP_STATE" \
	--run-dir "$NP_RUN" net-dhcp-leases default --wait "${MAC^^}" --timeout 40 \
	>"$NP_TMP/wait.out" 2>"$NP_TMP/wait.err"
WAITER=$BG_PID
wait_until 10 grep -q . "/proc/$WAITER/task/$WAITER/children" || fail "no netplumb under the waiter"
NPPID=$(tr -d ' \n' <"/proc/$WAITER/task/$WAITER/children")
sleep 1
c0=$(ctx "$NPPID")
sleep 3
c1=$(ctx "$NPPID")
kill -0 "$NPPID" 2>/dev/null || fail "--wait returned before the guest asked: $(cat "$NP_TMP/wait.err")"
[ $((c1 - c0)) -le 5 ] || fail "--wait woke up $((c1 - c0)) times in 3 s without a lease change"
pass "--wait sleeps while no lease changes ($((c1 - c0)) wake-ups in 3 s)"

guest_dhcp 1 || fail "guest 1 got no lease"
t0=$(now_ms)
wait "$WAITER" || fail "--wait exited non-zero: $(cat "$NP_TMP/wait.err")"
t1=$(now_ms)
[ $((t1 - t0)) -lt 3000 ] || fail "--wait returned $((t1 - t0)) ms after the lease"
pass "--wait returned $((t1 - t0)) ms after udhcpc got its lease"
expect_eq "--wait wrote nothing to stderr" "" "$(cat "$NP_TMP/wait.err")"
expect_match "--wait prints the lease of that MAC" \
	"^ .*  $MAC  +ipv4  +${GUEST_IP[1]//./\\.}/24 " "$(cat "$NP_TMP/wait.out")"
expect_eq "--wait prints only that lease" 1 "$(grep -c ' ipv4 ' "$NP_TMP/wait.out")"

log "a MAC that holds a lease already: at once; --json"
t0=$(now_ms)
expect_np_ok "--wait on a leased MAC" net-dhcp-leases default --wait "$MAC" --json --timeout 5
t1=$(now_ms)
[ $((t1 - t0)) -lt 2000 ] || fail "--wait on a leased MAC took $((t1 - t0)) ms"
expect_match "--json has the MAC and address" "\"mac\": \"$MAC\", \"type\": \"ipv4\", \"ipaddr\": \"${GUEST_IP[1]}\"" "$NP_OUT"

log "timeout"
t0=$(now_ms)
expect_np_error "--wait for a MAC that never asks" net-dhcp-leases default --wait 52:54:00:fe:fe:fe --timeout 2
t1=$(now_ms)
expect_match "the line says which MAC and network" "no DHCP lease for 52:54:00:fe:fe:fe on network 'default' within 2 s" "$NP_ERR"
[ $((t1 - t0)) -ge 1900 ] && [ $((t1 - t0)) -lt 6000 ] || fail "timeout of 2 s took $((t1 - t0)) ms"
pass "the timeout of 2 s took $((t1 - t0)) ms"

log "bad input"
expect_np_error "--wait with no MAC" net-dhcp-leases default --wait nonsense
expect_np_error "--timeout not a number" net-dhcp-leases default --wait "$MAC" --timeout 3x
expect_np_error "--timeout without --wait" net-dhcp-leases default --timeout 3
expect_np_error "--mac with --wait" net-dhcp-leases default --wait "$MAC" --mac "$MAC"
expect_np_ok "net-destroy default" net-destroy default
expect_np_error "--wait on an inactive network" net-dhcp-leases default --wait "$MAC" --timeout 1
expect_match "it says so" "network 'default' is not active" "$NP_ERR"
