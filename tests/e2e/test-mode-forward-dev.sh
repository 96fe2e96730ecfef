#!/bin/bash
# Issue 4, <forward mode='nat' dev='up0'/>: the host has two uplinks, up0
# (198.51.100.0/24) and up1 (203.0.113.0/24). A guest reaches the uplink
# behind up0, NATed to the host's up0 address; traffic that would leave by
# up1 is not forwarded, even though the host routes there and the second
# uplink has a route back to the guests.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

make_uplink
make_uplink2
ip -n "$NS_UPLINK2" route add 192.168.154.0/24 via "$HOST_UPLINK2_IP"

np_define_start forward-dev mdev
static_guest 1 npdev0 192.168.154.10/24 192.168.154.1

log "out of up0: forwarded, NATed"
expect_ping "guest pings the uplink behind up0" "${GUEST_NS[1]}" "$UPLINK_IP"
listen_report "$NS_UPLINK" "$MODES_PORT"
tcp_seen "guest connects to the uplink behind up0" "${GUEST_NS[1]}" "$UPLINK_IP" "$MODES_PORT"
expect_eq "the uplink sees the host's up0 address" "$HOST_UPLINK_IP" "$SEEN_ADDR"

log "out of up1: not forwarded"
listen_report "$NS_UPLINK2" "$MODES_PORT"
# Control: the second uplink and its service are there for the host itself.
tcp_seen "the host connects to the uplink behind up1" "$NS_HOST" "$UPLINK2_IP" "$MODES_PORT"
expect_eq "the second uplink sees the host's up1 address" "$HOST_UPLINK2_IP" "$SEEN_ADDR"
expect_no_ping "guest cannot ping the uplink behind up1" "${GUEST_NS[1]}" "$UPLINK2_IP"
expect_fail "guest cannot connect to the uplink behind up1" \
	ip netns exec "${GUEST_NS[1]}" timeout 10 busybox nc -w 3 "$UPLINK2_IP" "$MODES_PORT" </dev/null
expect_no_ping "the uplink behind up1 cannot ping the guest" "$NS_UPLINK2" "${GUEST_IP[1]}"

log "control: the same network without dev= forwards out of up1 too"
expect_np_ok "net-destroy mdev" net-destroy mdev
sed -e "s/ dev='up0'//" -e 's/<name>mdev</<name>mdevany</' -e 's/npdev0/npdevany/' \
	"$MODES_DATA/forward-dev.xml" >"$NP_TMP/any.xml"
expect_np_ok "net-create of the same network without dev=" net-create "$NP_TMP/any.xml"
ip -n "$NS_HOST" link set vnet1 master npdevany
ip -n "${GUEST_NS[1]}" neigh flush dev eth0
expect_ping "guest pings the uplink behind up1" "${GUEST_NS[1]}" "$UPLINK2_IP"
tcp_seen "guest connects to the uplink behind up1" "${GUEST_NS[1]}" "$UPLINK2_IP" "$MODES_PORT"
expect_eq "the second uplink sees the host's up1 address" "$HOST_UPLINK2_IP" "$SEEN_ADDR"
expect_np_ok "net-destroy mdevany" net-destroy mdevany

e2e_done
