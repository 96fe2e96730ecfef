#!/bin/bash
# Issue 4, route: a guest of a <forward mode='route'/> network reaches the
# uplink with its own address (no NAT), and the uplink, with a route back via
# the host, reaches the guest. Traffic from outside the network's subnet is
# still refused in both directions.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

GUEST_PORT=6666
BANNER=hello-from-guest

make_uplink
ip -n "$NS_UPLINK" route add 192.168.151.0/24 via "$HOST_UPLINK_IP"

np_define_start route mroute
expect_eq "IPv4 forwarding is on" 1 "$(ip netns exec "$NS_HOST" cat /proc/sys/net/ipv4/ip_forward)"
expect_no_match "no NAT chain for a routed network" 'nat-nprt0' "$(nft_ruleset)"
static_guest 1 nprt0 192.168.151.10/24 192.168.151.1
G=${GUEST_IP[1]}

log "the guest reaches the uplink with its own address"
expect_ping "guest pings the uplink" "${GUEST_NS[1]}" "$UPLINK_IP"
listen_report "$NS_UPLINK" "$MODES_PORT"
tcp_seen "guest connects to the uplink" "${GUEST_NS[1]}" "$UPLINK_IP" "$MODES_PORT"
expect_eq "the uplink sees the guest's own address" "$G" "$SEEN_ADDR"

log "the uplink reaches the guest through the host"
listen_banner "${GUEST_NS[1]}" "$GUEST_PORT" "$BANNER"
expect_ping "the uplink pings the guest" "$NS_UPLINK" "$G"
expect_ok "the uplink connects to the guest" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "$G" "$GUEST_PORT" </dev/null
expect_match "the uplink got the guest's banner" "^$BANNER$" "$OUT"

log "a guest address outside the network's subnet is not routed"
# libvirt accepts only the network's own subnet as source and destination.
ip -n "${GUEST_NS[1]}" addr add 10.99.0.10/24 dev eth0
ip -n "$NS_UPLINK" route add 10.99.0.0/24 via "$HOST_UPLINK_IP"
ip -n "$NS_HOST" route add 10.99.0.0/24 dev nprt0
expect_fail "the guest cannot reach the uplink from 10.99.0.10" \
	ip netns exec "${GUEST_NS[1]}" timeout 10 busybox ping -c 2 -i 0.2 -W 2 -I 10.99.0.10 "$UPLINK_IP"
expect_no_connect "the uplink cannot connect to 10.99.0.10" "$NS_UPLINK" 10.99.0.10 "$GUEST_PORT" "$BANNER"

log "net-destroy: the routes through the host are gone"
expect_np_ok "net-destroy mroute" net-destroy mroute
expect_no_match "no netplumb chain mentions nprt0" 'nprt0' "$(nft_ruleset)"
expect_no_ping "the uplink no longer reaches the guest" "$NS_UPLINK" "$G"

e2e_done
