#!/bin/bash
# Issue 4, nat: a guest of a <forward mode='nat'/> network reaches the uplink
# with its source rewritten to the host's uplink address (TCP source ports
# into 1024-65535, as libvirt's masquerade), while the uplink, even with a
# route back to the guests' subnet, cannot open a connection to the guest.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

GUEST_PORT=6666
BANNER=hello-from-guest

make_uplink
# The route back: only netplumb's firewall may keep the uplink out.
ip -n "$NS_UPLINK" route add 192.168.150.0/24 via "$HOST_UPLINK_IP"

np_define_start nat mnat
expect_eq "IPv4 forwarding is on" 1 "$(ip netns exec "$NS_HOST" cat /proc/sys/net/ipv4/ip_forward)"
static_guest 1 npnat0 192.168.150.10/24 192.168.150.1
G=${GUEST_IP[1]}

log "the guest reaches the uplink, its source rewritten"
expect_ping "guest pings the uplink" "${GUEST_NS[1]}" "$UPLINK_IP"
listen_report "$NS_UPLINK" "$MODES_PORT"
tcp_seen "guest connects to the uplink" "${GUEST_NS[1]}" "$UPLINK_IP" "$MODES_PORT"
expect_eq "the uplink sees the host's uplink address" "$HOST_UPLINK_IP" "$SEEN_ADDR"
# A privileged source port is moved into 1024-65535 (libvirt's 'masquerade to').
tcp_seen "guest connects from source port 700" "${GUEST_NS[1]}" "$UPLINK_IP" "$MODES_PORT" -p 700
expect_eq "the uplink still sees the host's uplink address" "$HOST_UPLINK_IP" "$SEEN_ADDR"
if [ "$SEEN_PORT" -lt 1024 ] || [ "$SEEN_PORT" -gt 65535 ]; then
	fail "source port 700 was mapped to $SEEN_PORT, not into 1024-65535"
fi
pass "source port 700 was mapped to $SEEN_PORT (1024-65535)"

log "the uplink cannot open a connection to the guest (it has a route back)"
listen_banner "${GUEST_NS[1]}" "$GUEST_PORT" "$BANNER"
# Control: the guest's service is up and answers the host itself.
expect_ok "the host reaches the guest's service" \
	ip netns exec "$NS_HOST" timeout 10 busybox nc -w 3 "$G" "$GUEST_PORT" </dev/null
expect_match "the host got the banner" "^$BANNER$" "$OUT"
expect_no_connect "the uplink cannot connect to the guest" "$NS_UPLINK" "$G" "$GUEST_PORT" "$BANNER"
expect_no_ping "the uplink cannot ping the guest" "$NS_UPLINK" "$G"

log "net-destroy: the guest is cut off again"
expect_np_ok "net-destroy mnat" net-destroy mnat
expect_no_match "no netplumb chain mentions npnat0" 'npnat0' "$(nft_ruleset)"
expect_no_ping "the guest no longer reaches the uplink" "${GUEST_NS[1]}" "$UPLINK_IP"

e2e_done
