#!/bin/bash
# Issue 4, isolated (no <forward>): a guest reaches the host's bridge address
# and another guest on the same bridge, and nothing beyond: not the uplink,
# and the uplink not the guest, over IPv4 and IPv6, even with forwarding
# turned on in the host and a route back in the uplink (so netplumb's rules,
# not the kernel, refuse it).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

PORT2=6666
BANNER2=hello-from-guest-2
HOST_PORT=7777
HOST_BANNER=hello-from-host

make_uplink
make_uplink6
ip -n "$NS_UPLINK" route add 192.168.153.0/24 via "$HOST_UPLINK_IP"
ip -n "$NS_UPLINK" -6 route add fd00:153::/64 via "$HOST_UPLINK_IP6"

np_define_start isolated miso
expect_eq "IPv4 forwarding is left off (libvirt turns it on only for forward modes)" 0 \
	"$(ip netns exec "$NS_HOST" cat /proc/sys/net/ipv4/ip_forward)"
expect_eq "IPv6 forwarding is left off" 0 \
	"$(ip netns exec "$NS_HOST" cat /proc/sys/net/ipv6/conf/all/forwarding)"
expect_no_match "no NAT chain for an isolated network" 'nat-npiso0' "$(nft_ruleset)"
# From here on the kernel would forward: only the firewall is left to refuse.
ip netns exec "$NS_HOST" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

static_guest 1 npiso0 192.168.153.10/24 192.168.153.1
static_guest 2 npiso0 192.168.153.20/24 192.168.153.1
G2=${GUEST_IP[2]}
for n in 1 2; do
	# Static IPv6 too: the RA dnsmasq sends must not race the route below.
	ip netns exec "${GUEST_NS[$n]}" sysctl -q -w net.ipv6.conf.eth0.accept_ra=0
	ip -n "${GUEST_NS[$n]}" addr add "fd00:153::${n}0/64" dev eth0 nodad
	ip -n "${GUEST_NS[$n]}" -6 route add default via fd00:153::1
done
G2_6=fd00:153::20
# The bridge's own address needs its duplicate address detection done.
bridge6_ready()
{
	ip -n "$NS_HOST" -6 -o addr show dev npiso0 -tentative | grep -q 'fd00:153::1/64'
}
wait_until 10 bridge6_ready || fail "npiso0's fd00:153::1 stays tentative"

log "the guest reaches the host's bridge address"
expect_ping "guest 1 pings 192.168.153.1" "${GUEST_NS[1]}" 192.168.153.1
expect_ping "guest 1 pings fd00:153::1" "${GUEST_NS[1]}" fd00:153::1
listen_banner "$NS_HOST" "$HOST_PORT" "$HOST_BANNER"
expect_ok "guest 1 connects to a service on the host" \
	ip netns exec "${GUEST_NS[1]}" timeout 10 busybox nc -w 3 192.168.153.1 "$HOST_PORT" </dev/null
expect_match "guest 1 got the host's banner" "^$HOST_BANNER$" "$OUT"

log "the guest reaches another guest on the bridge"
expect_ping "guest 1 pings guest 2" "${GUEST_NS[1]}" "$G2"
expect_ping "guest 1 pings guest 2 over IPv6" "${GUEST_NS[1]}" "$G2_6"
listen_banner "${GUEST_NS[2]}" "$PORT2" "$BANNER2"
expect_ok "guest 1 connects to guest 2" \
	ip netns exec "${GUEST_NS[1]}" timeout 10 busybox nc -w 3 "$G2" "$PORT2" </dev/null
expect_match "guest 1 got guest 2's banner" "^$BANNER2$" "$OUT"

log "nothing beyond the bridge"
listen_report "$NS_UPLINK" "$MODES_PORT"
expect_no_ping "guest 1 cannot ping the uplink" "${GUEST_NS[1]}" "$UPLINK_IP"
expect_fail "guest 1 cannot connect to the uplink" \
	ip netns exec "${GUEST_NS[1]}" timeout 10 busybox nc -w 3 "$UPLINK_IP" "$MODES_PORT" </dev/null
expect_no_ping "the uplink cannot ping guest 2" "$NS_UPLINK" "$G2"
expect_no_connect "the uplink cannot connect to guest 2" "$NS_UPLINK" "$G2" "$PORT2" "$BANNER2"
expect_no_ping "guest 1 cannot ping the uplink over IPv6" "${GUEST_NS[1]}" "$UPLINK_IP6"
expect_fail "guest 1 cannot connect to the uplink over IPv6" \
	ip netns exec "${GUEST_NS[1]}" timeout 10 busybox nc -w 3 "$UPLINK_IP6" "$MODES_PORT" </dev/null
expect_no_ping "the uplink cannot ping guest 2 over IPv6" "$NS_UPLINK" "$G2_6"
expect_no_connect "the uplink cannot connect to guest 2 over IPv6" "$NS_UPLINK" "$G2_6" "$PORT2" "$BANNER2"

log "control: with the network destroyed the same path forwards (it was the firewall)"
expect_np_ok "net-destroy miso" net-destroy miso
expect_no_match "no netplumb chain mentions npiso0" 'npiso0' "$(nft_ruleset)"
# Rebuild the guests' segment by hand, without netplumb, on the same addresses.
ip -n "$NS_HOST" link add npiso0 type bridge stp_state 0
ip -n "$NS_HOST" addr add 192.168.153.1/24 dev npiso0
ip -n "$NS_HOST" addr add fd00:153::1/64 dev npiso0 nodad
ip -n "$NS_HOST" link set vnet1 master npiso0
ip -n "$NS_HOST" link set npiso0 up
# The new bridge has another MAC: make the guest ask again.
ip -n "${GUEST_NS[1]}" neigh flush dev eth0
expect_ping "without netplumb's rules guest 1 reaches the uplink" "${GUEST_NS[1]}" "$UPLINK_IP"
expect_ping "without netplumb's rules guest 1 reaches the uplink over IPv6" \
	"${GUEST_NS[1]}" "$UPLINK_IP6"
ip -n "$NS_HOST" link del npiso0

e2e_done
