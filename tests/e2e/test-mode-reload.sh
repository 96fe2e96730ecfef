#!/bin/bash
# Issue 4: after someone runs `nft flush ruleset` in the host, a NAT network's
# guest loses the uplink; `netplumb net-reload NAME` brings NAT (and the
# firewall that keeps the uplink out) back without restarting dnsmasq (same
# pid) and without touching the bridge. A second reload changes nothing.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

GUEST_PORT=6666
BANNER=hello-from-guest

make_uplink
np_define_start nat mnat
static_guest 1 npnat0 192.168.150.10/24 192.168.150.1
G=${GUEST_IP[1]}
listen_report "$NS_UPLINK" "$MODES_PORT"
expect_ping "guest reaches the uplink" "${GUEST_NS[1]}" "$UPLINK_IP"
tcp_seen "guest connects to the uplink" "${GUEST_NS[1]}" "$UPLINK_IP" "$MODES_PORT"
expect_eq "the uplink sees the host's address" "$HOST_UPLINK_IP" "$SEEN_ADDR"
DNSMASQ_PID=$(np_dnsmasq_pid mnat) || fail "no dnsmasq for mnat"
BRIDGE_IDX=$(ip -n "$NS_HOST" -o link show dev npnat0 | cut -d: -f1)

log "nft flush ruleset: NAT is gone"
ip netns exec "$NS_HOST" nft flush ruleset
expect_eq "the ruleset is empty" "" "$(nft_ruleset)"
# Without NAT the guest's private source reaches the uplink, which has no
# route back to 192.168.150.0/24: no answer.
expect_no_ping "without NAT the guest gets no answer from the uplink" "${GUEST_NS[1]}" "$UPLINK_IP"

log "net-reload restores it"
expect_np_ok "net-reload mnat" net-reload mnat
expect_eq "dnsmasq was not restarted" "$DNSMASQ_PID" "$(np_dnsmasq_pid mnat || true)"
expect_eq "the bridge is the same link" "$BRIDGE_IDX" \
	"$(ip -n "$NS_HOST" -o link show dev npnat0 | cut -d: -f1)"
expect_ping "guest reaches the uplink again" "${GUEST_NS[1]}" "$UPLINK_IP"
tcp_seen "guest connects to the uplink again" "${GUEST_NS[1]}" "$UPLINK_IP" "$MODES_PORT"
expect_eq "the uplink sees the host's address again" "$HOST_UPLINK_IP" "$SEEN_ADDR"
# The filter half came back too: with a route back, the uplink is still out.
ip -n "$NS_UPLINK" route add 192.168.150.0/24 via "$HOST_UPLINK_IP"
listen_banner "${GUEST_NS[1]}" "$GUEST_PORT" "$BANNER"
expect_no_connect "the uplink cannot connect to the guest" "$NS_UPLINK" "$G" "$GUEST_PORT" "$BANNER"

log "a reload with the rules in place changes nothing"
RULES=$(nft_ruleset | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/')
expect_np_ok "net-reload mnat again" net-reload mnat
expect_eq "the same rules, once" "$RULES" \
	"$(nft_ruleset | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/')"
expect_eq "dnsmasq is still the same process" "$DNSMASQ_PID" "$(np_dnsmasq_pid mnat || true)"
expect_ping "guest still reaches the uplink" "${GUEST_NS[1]}" "$UPLINK_IP"

log "net-reload restarts a dnsmasq that died"
kill_pid "$DNSMASQ_PID"
expect_np_ok "net-reload mnat (dnsmasq gone)" net-reload mnat
NEW_PID=$(np_dnsmasq_pid mnat) || fail "no dnsmasq after net-reload"
[ "$NEW_PID" != "$DNSMASQ_PID" ] || fail "net-reload did not start a new dnsmasq"
in_ns "$NEW_PID" "$NS_HOST" || fail "the new dnsmasq ($NEW_PID) does not run"
pass "the new dnsmasq ($NEW_PID) runs"
expect_eq "the new dnsmasq is in no rtnetlink group either" 00000000 \
	"$(dnsmasq_rtnl_groups mnat || echo none)"

expect_np_ok "net-destroy mnat" net-destroy mnat

e2e_done
