#!/bin/bash
# Issue 4: two networks started, one destroyed (and started and destroyed
# again, several times) while a guest of the other keeps pinging the uplink
# and streams lines over one NATed TCP connection: no more than a small bound
# of pings is lost, the TCP stream arrives whole, the other network's rules
# keep their handles (never rewritten) and its dnsmasq its pid.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

PINGS=${NP_E2E_TWO_PINGS:-150}   # 0.1 s apart
MAX_LOST=2
LINES=12                         # one a second over one TCP connection
STREAM_PORT=5556

make_uplink
np_define_start two-a mtwoa
np_define_start two-b mtwob
static_guest 1 nptwoa 192.168.160.10/24 192.168.160.1
static_guest 2 nptwob 192.168.161.10/24 192.168.161.1
expect_ping "guest A reaches the uplink" "${GUEST_NS[1]}" "$UPLINK_IP"
expect_ping "guest B reaches the uplink" "${GUEST_NS[2]}" "$UPLINK_IP"

A_FWD=$(nft_chain_handles fwd-nptwoa)
A_NAT=$(nft_chain_handles nat-nptwoa)
A_PID=$(np_dnsmasq_pid mtwoa) || fail "no dnsmasq for mtwoa"

log "traffic on A while B is destroyed and started again"
# The uplink collects the stream; its stdin stays open so it never half-closes.
ip netns exec "$NS_UPLINK" timeout -k 2 60 sh -c \
	"sleep 60 | busybox nc -l -p $STREAM_PORT" >"$NP_TMP/stream.out" 2>&1 &
NP_PIDS+=("$!")
wait_until 5 ip netns exec "$NS_UPLINK" sh -c "ss -ltnH | grep -q ':$STREAM_PORT '" ||
	fail "the stream listener did not come up"
# shellcheck disable=SC2016 # expanded by the inner sh
ip netns exec "${GUEST_NS[1]}" timeout -k 2 60 sh -c \
	'i=1; while [ $i -le $0 ]; do echo "line $i"; i=$((i + 1)); sleep 1; done' "$LINES" |
	ip netns exec "${GUEST_NS[1]}" timeout -k 2 60 busybox nc -w 5 "$UPLINK_IP" "$STREAM_PORT" \
		>/dev/null 2>&1 &
STREAM_PID=$!
NP_PIDS+=("$STREAM_PID")
ping_loss_start "${GUEST_NS[1]}" "$UPLINK_IP" "$PINGS" "$NP_TMP/ping.out"
PING_PID=$BG_PID

cycles=0
while kill -0 "$PING_PID" 2>/dev/null; do
	np_capture net-destroy mtwob
	[ "$NP_RC" -eq 0 ] || fail "cycle $cycles: net-destroy mtwob: $NP_ERR"
	sleep 0.5
	np_capture net-start mtwob
	[ "$NP_RC" -eq 0 ] || fail "cycle $cycles: net-start mtwob: $NP_ERR"
	# B's guest is wired to the bridge B had before: re-attach it.
	ip -n "$NS_HOST" link set vnet2 master nptwob
	cycles=$((cycles + 1))
	sleep 0.5
done
wait "$PING_PID" || true
[ "$cycles" -ge 3 ] || fail "only $cycles destroy/start cycles of B while A's pings ran"
pass "$cycles destroy/start cycles of B during $PINGS pings on A"
LOST=$(ping_lost "$NP_TMP/ping.out") || fail "no ping summary: $(cat "$NP_TMP/ping.out")"
[ "$LOST" -le "$MAX_LOST" ] ||
	fail "guest A lost $LOST of $PINGS pings (at most $MAX_LOST allowed): $(tail -n 2 "$NP_TMP/ping.out")"
pass "guest A lost $LOST of $PINGS pings (bound $MAX_LOST)"
wait_until 20 sh -c "! kill -0 $STREAM_PID" || fail "the TCP stream did not finish"
expect_eq "A's TCP stream arrived whole over one connection" \
	"$(seq -f 'line %g' 1 "$LINES")" "$(cat "$NP_TMP/stream.out")"

expect_ping "guest B reaches the uplink after B's restarts" "${GUEST_NS[2]}" "$UPLINK_IP"

log "B ends destroyed; A is as it was"
expect_np_ok "net-destroy mtwob" net-destroy mtwob
expect_no_match "no chain of B is left" 'nptwob' "$(nft_ruleset)"
expect_eq "A's forward chain kept its rules and handles" "$A_FWD" "$(nft_chain_handles fwd-nptwoa)"
expect_eq "A's NAT chain kept its rules and handles" "$A_NAT" "$(nft_chain_handles nat-nptwoa)"
expect_eq "A's dnsmasq is the same process" "$A_PID" "$(np_dnsmasq_pid mtwoa || true)"
listen_report "$NS_UPLINK" "$MODES_PORT"
tcp_seen "guest A connects to the uplink" "${GUEST_NS[1]}" "$UPLINK_IP" "$MODES_PORT"
expect_eq "A's guest is still NATed" "$HOST_UPLINK_IP" "$SEEN_ADDR"
expect_no_ping "B's guest is cut off" "${GUEST_NS[2]}" "$UPLINK_IP"
expect_np_ok "net-destroy mtwoa" net-destroy mtwoa

e2e_done
