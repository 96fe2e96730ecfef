#!/bin/bash
# Issue 4, IPv6: a <nat ipv6='yes'/> network (fd00:156::/64) and a routed
# network (fd00:157::/64) run side by side. In each a guest that only
# listens to router advertisements gets a SLAAC address from the network's
# /64 and a default route from dnsmasq's RA, and reaches the uplink over
# IPv6: NATed to the host's uplink address on the first, with its own address
# on the second, where the uplink, with a route back, reaches the guest. The
# NAT network's guest stays unreachable from the uplink even with a route back.
# A third, <forward mode='nat'/> without ipv6='yes', routes its IPv6 /64
# unNATed, as libvirt does.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

GUEST_PORT=6666
BANNER=hello-from-guest

[ -e /proc/sys/net/ipv6 ] || skip "the kernel has no IPv6"

make_uplink
make_uplink6
ip -n "$NS_UPLINK" -6 route add fd00:156::/64 via "$HOST_UPLINK_IP6"
ip -n "$NS_UPLINK" -6 route add fd00:157::/64 via "$HOST_UPLINK_IP6"
ip -n "$NS_UPLINK" -6 route add fd00:158::/64 via "$HOST_UPLINK_IP6"

np_define_start nat6 mnat6
np_define_start route6 mroute6
np_define_start nat6-routed mnat6r
# dnsmasq does RA and binds dynamically here: it keeps its address events
G6=$(dnsmasq_rtnl_groups mnat6 || echo none)
[[ "$G6" =~ ^[0-9a-f]{8}$ ]] && [ "$G6" != 00000000 ] ||
	fail "an IPv6 network's dnsmasq should stay in the rtnetlink groups: $G6"
pass "an IPv6 network's dnsmasq stays in the rtnetlink groups ($G6)"
expect_eq "IPv6 forwarding is on" 1 \
	"$(ip netns exec "$NS_HOST" cat /proc/sys/net/ipv6/conf/all/forwarding)"
for br in npnat6 nprt6 npnat6r; do
	expect_eq "$br: accept_ra=0 (the host is the router)" 0 \
		"$(ip netns exec "$NS_HOST" cat "/proc/sys/net/ipv6/conf/$br/accept_ra")"
done

slaac_guest 1 npnat6
slaac_guest 2 nprt6
slaac_guest 3 npnat6r

log "each guest takes an address from its network's /64 by RA"
wait_until 20 guest_global6 1 'fd00:156:' ||
	fail "guest 1 got no SLAAC address in fd00:156::/64: $(ip -n "${GUEST_NS[1]}" -6 -o addr show dev eth0)"
G1=$(guest_global6 1 'fd00:156:')
pass "guest 1 has $G1 by SLAAC"
wait_until 20 guest_global6 2 'fd00:157:' ||
	fail "guest 2 got no SLAAC address in fd00:157::/64: $(ip -n "${GUEST_NS[2]}" -6 -o addr show dev eth0)"
G2=$(guest_global6 2 'fd00:157:')
pass "guest 2 has $G2 by SLAAC"
wait_until 20 guest_global6 3 'fd00:158:' ||
	fail "guest 3 got no SLAAC address in fd00:158::/64: $(ip -n "${GUEST_NS[3]}" -6 -o addr show dev eth0)"
G3=$(guest_global6 3 'fd00:158:')
pass "guest 3 has $G3 by SLAAC"
for n in 1 2 3; do
	expect_match "guest $n's address is autoconfigured from an RA" 'dynamic' \
		"$(ip -n "${GUEST_NS[$n]}" -6 -o addr show dev eth0 scope global)"
	wait_until 10 guest_default6 "$n" ||
		fail "guest $n has no IPv6 default route from the RA: $(ip -n "${GUEST_NS[$n]}" -6 route)"
	pass "guest $n has an IPv6 default route via the bridge's link-local address"
done

listen_report "$NS_UPLINK" "$MODES_PORT"

log "nat ipv6='yes': the guest reaches the uplink as the host"
expect_ping "guest 1 pings the uplink over IPv6" "${GUEST_NS[1]}" "$UPLINK_IP6"
tcp_seen "guest 1 connects to the uplink over IPv6" "${GUEST_NS[1]}" "$UPLINK_IP6" "$MODES_PORT"
expect_eq "the uplink sees the host's uplink address" "$HOST_UPLINK_IP6" "$SEEN_ADDR"
listen_banner "${GUEST_NS[1]}" "$GUEST_PORT" "$BANNER"
expect_no_connect "the uplink cannot connect to guest 1" "$NS_UPLINK" "$G1" "$GUEST_PORT" "$BANNER"
expect_no_ping "the uplink cannot ping guest 1" "$NS_UPLINK" "$G1"

log "route: the guest reaches the uplink with its own address, and back"
expect_ping "guest 2 pings the uplink over IPv6" "${GUEST_NS[2]}" "$UPLINK_IP6"
tcp_seen "guest 2 connects to the uplink over IPv6" "${GUEST_NS[2]}" "$UPLINK_IP6" "$MODES_PORT"
expect_eq "the uplink sees guest 2's own address" "$G2" "$SEEN_ADDR"
listen_banner "${GUEST_NS[2]}" "$GUEST_PORT" "$BANNER"
expect_ping "the uplink pings guest 2" "$NS_UPLINK" "$G2"
expect_ok "the uplink connects to guest 2" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "$G2" "$GUEST_PORT" </dev/null
expect_match "the uplink got guest 2's banner" "^$BANNER$" "$OUT"

log "nat without ipv6='yes': IPv6 is routed, not NATed"
expect_ping "guest 3 pings the uplink over IPv6" "${GUEST_NS[3]}" "$UPLINK_IP6"
tcp_seen "guest 3 connects to the uplink over IPv6" "${GUEST_NS[3]}" "$UPLINK_IP6" "$MODES_PORT"
expect_eq "the uplink sees guest 3's own address" "$G3" "$SEEN_ADDR"
listen_banner "${GUEST_NS[3]}" "$GUEST_PORT" "$BANNER"
expect_ping "the uplink pings guest 3" "$NS_UPLINK" "$G3"
expect_ok "the uplink connects to guest 3" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "$G3" "$GUEST_PORT" </dev/null
expect_match "the uplink got guest 3's banner" "^$BANNER$" "$OUT"

for net in mnat6 mroute6 mnat6r; do
	expect_np_ok "net-destroy $net" net-destroy "$net"
done
expect_no_match "no netplumb chain mentions any of the bridges" 'npnat6|nprt6' "$(nft_ruleset)"

e2e_done
