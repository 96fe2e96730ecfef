#!/bin/bash
# Issue 4, <nat><address start='198.51.100.50' end='198.51.100.60'/></nat>:
# the uplink sees the guest's connections coming from an address of that
# range (not the host's own uplink address), TCP source ports in 1024-65535.
# The range is on the uplink's subnet but on no interface: for the replies to
# come back the uplink routes it via the host (libvirt leaves that to the
# administrator, and SNAT needs no local address). A second network with
# <address start=end='198.51.100.61'/> and <port start='20000' end='20010'/>
# maps every TCP connection to 198.51.100.61:20000-20010.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

GUEST_PORT=6666
BANNER=hello-from-guest

# 198.51.100.50-60 lies in 198.51.100.48/28.
in_range()
{
	local last=${1##*.}
	[ "${1%.*}" = 198.51.100 ] && [ "$last" -ge 50 ] && [ "$last" -le 60 ]
}

make_uplink
ip -n "$NS_UPLINK" route add 198.51.100.48/28 via "$HOST_UPLINK_IP"
ip -n "$NS_UPLINK" route add 192.168.155.0/24 via "$HOST_UPLINK_IP"

np_define_start nat-range mrange
static_guest 1 nprange0 192.168.155.10/24 192.168.155.1

log "the uplink sees a source from the range"
expect_ping "guest pings the uplink" "${GUEST_NS[1]}" "$UPLINK_IP"
listen_report "$NS_UPLINK" "$MODES_PORT"
for try in 1 2 3; do
	tcp_seen "guest connection $try to the uplink" "${GUEST_NS[1]}" "$UPLINK_IP" "$MODES_PORT"
	in_range "$SEEN_ADDR" || fail "connection $try came from $SEEN_ADDR, not from 198.51.100.50-60"
	pass "connection $try came from $SEEN_ADDR (198.51.100.50-60)"
done
tcp_seen "guest connects from source port 700" "${GUEST_NS[1]}" "$UPLINK_IP" "$MODES_PORT" -p 700
in_range "$SEEN_ADDR" || fail "the port-700 connection came from $SEEN_ADDR, not from the range"
if [ "$SEEN_PORT" -lt 1024 ] || [ "$SEEN_PORT" -gt 65535 ]; then
	fail "source port 700 was mapped to $SEEN_PORT, not into 1024-65535"
fi
pass "source port 700 became $SEEN_ADDR:$SEEN_PORT"

log "the uplink still cannot connect to the guest"
listen_banner "${GUEST_NS[1]}" "$GUEST_PORT" "$BANNER"
expect_no_connect "the uplink cannot connect to the guest" "$NS_UPLINK" "${GUEST_IP[1]}" \
	"$GUEST_PORT" "$BANNER"

log "<port start='20000' end='20010'/>: the source port comes from that range"
np_define_start nat-range-port mrangeport
static_guest 2 nprange1 192.168.165.10/24 192.168.165.1
for try in 1 2 3; do
	tcp_seen "guest 2 connection $try to the uplink" "${GUEST_NS[2]}" "$UPLINK_IP" "$MODES_PORT"
	if [ "$SEEN_ADDR" != 198.51.100.61 ] || [ "$SEEN_PORT" -lt 20000 ] || [ "$SEEN_PORT" -gt 20010 ]; then
		fail "connection $try came from $SEEN_ADDR:$SEEN_PORT, not from 198.51.100.61:20000-20010"
	fi
	pass "connection $try came from $SEEN_ADDR:$SEEN_PORT"
done
expect_ping "guest 2 pings the uplink (ICMP: address only)" "${GUEST_NS[2]}" "$UPLINK_IP"

for net in mrange mrangeport; do
	expect_np_ok "net-destroy $net" net-destroy "$net"
done
expect_no_match "no netplumb chain mentions either bridge" 'nprange' "$(nft_ruleset)"

e2e_done
