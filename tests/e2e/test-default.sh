#!/bin/bash
# Issue 2 acceptance, end to end: the built-in 'default' network on fresh
# directories. net-start gives virbr0 192.168.122.1/24, a guest gets a DHCP
# lease in .2-.254 that net-dhcp-leases shows, the guest reaches the uplink
# with its source rewritten to the host's uplink address (NAT), the uplink can
# not open a connection to the guest, and net-destroy leaves no bridge, no
# netplumb nft chain and no dnsmasq.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

NAT_PORT=5555
GUEST_PORT=6666
GUEST_BANNER=hello-from-guest

make_uplink
# The uplink knows the way back to the guests, so only netplumb's firewall can
# stop it from connecting in.
ip -n "$NS_UPLINK" route add 192.168.122.0/24 via "$HOST_UPLINK_IP"

log "fresh directories: 'default' is defined and inactive"
expect_np_ok "net-list --all" net-list --all
expect_match "net-list --all has the table header" '^ *Name +State +Autostart +Persistent *$' "$NP_OUT"
expect_match "default is listed inactive and persistent" '^ *default +inactive +(yes|no) +yes *$' "$NP_OUT"
expect_np_ok "net-list" net-list
expect_no_match "net-list without --all leaves out the inactive default" '^ *default ' "$NP_OUT"
expect_np_ok "net-list --inactive" net-list --inactive
expect_match "net-list --inactive shows default" '^ *default +inactive ' "$NP_OUT"
expect_eq "no virbr0 before start" "" "$(ip -n "$NS_HOST" -o link show dev virbr0 2>/dev/null || true)"

log "net-dumpxml before start: uuid and a 52:54:00 MAC were filled in"
expect_np_ok "net-dumpxml default" net-dumpxml default
DEF_XML=$NP_OUT
expect_match "dumpxml has a uuid" '<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}</uuid>' "$DEF_XML"
expect_match "dumpxml has a 52:54:00 bridge MAC" "<mac address='52:54:00(:[0-9a-f]{2}){3}'/>" "$DEF_XML"
expect_match "dumpxml names bridge virbr0" "<bridge name='virbr0'" "$DEF_XML"
UUID=$(sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' <<<"$DEF_XML")
BR_MAC=$(sed -n "s:.*<mac address='\([^']*\)'.*:\1:p" <<<"$DEF_XML")
BR_MAC=${BR_MAC%%$'\n'*}
expect_np_ok "net-uuid default" net-uuid default
expect_eq "net-uuid matches dumpxml" "$UUID" "$NP_OUT"
expect_np_ok "net-name UUID" net-name "$UUID"
expect_eq "net-name maps the uuid back" "default" "$NP_OUT"

# A table of someone else's: netplumb must never touch it.
ip netns exec "$NS_HOST" nft -f - <<'EOF'
table inet np-e2e-other {
	chain keep {
		ip saddr 203.0.113.7 counter drop
	}
}
EOF
OTHER_TABLE=$(ip netns exec "$NS_HOST" nft list table inet np-e2e-other)

log "net-start default"
expect_np_ok "net-start default" net-start default
expect_eq "net-start message" "Network default started" "$NP_OUT"
expect_np_ok "net-list after start" net-list
expect_match "default is listed active" '^ *default +active +(yes|no) +yes *$' "$NP_OUT"

BR=$(ip -n "$NS_HOST" -d link show dev virbr0 2>&1) || fail "virbr0 does not exist after net-start: $BR"
expect_match "virbr0 is a bridge" '^ +bridge ' "$BR"
expect_match "virbr0 is up" '[<,]UP[,>]' "$BR"
expect_match "virbr0 has STP on, as libvirt's stp='on'" 'stp_state 1' "$BR"
expect_match "virbr0 has the MAC from the XML" "link/ether $BR_MAC " "$BR"
expect_match "virbr0 has 192.168.122.1/24" 'inet 192\.168\.122\.1/24 ' \
	"$(ip -n "$NS_HOST" -4 -o addr show dev virbr0)"
expect_eq "IPv4 forwarding is on" 1 "$(ip netns exec "$NS_HOST" cat /proc/sys/net/ipv4/ip_forward)"
expect_ok "table inet netplumb exists" ip netns exec "$NS_HOST" nft list table inet netplumb
expect_match "the netplumb table mentions virbr0" 'virbr0' "$OUT"
DNSMASQ_PID=$(np_dnsmasq_pid default) || fail "no live dnsmasq from $NP_RUN/default.pid in $NS_HOST"
expect_eq "the pid file names a dnsmasq" dnsmasq "$(cat "/proc/$DNSMASQ_PID/comm")"
# IPv4 only with bind-interfaces: no use for the host's address events
expect_eq "dnsmasq's rtnetlink socket is in no multicast group (dnsmasq-mute)" 00000000 \
	"$(dnsmasq_rtnl_groups default || echo none)"

log "a guest gets a lease (STP forward delay + dnsmasq's ping check: allow 30 s)"
make_guest 1 virbr0
if ! guest_dhcp 1 30; then
	fail "guest 1 (${GUEST_MAC[1]}) got no DHCP lease: $(tail -n 5 "$NP_TMP/g1.udhcpc.log")"
fi
GIP=${GUEST_IP[1]}
expect_match "the lease is in 192.168.122.2-254" \
	'^192\.168\.122\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$' "$GIP"
expect_eq "the lease is a /24" 24 "$(guest_lease_var 1 mask)"
expect_eq "the router is 192.168.122.1" 192.168.122.1 "$(guest_lease_var 1 router)"
expect_eq "the DHCP server is 192.168.122.1" 192.168.122.1 "$(guest_lease_var 1 serverid)"

MAC=${GUEST_MAC[1]}
LEASE_RE="^ *[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} +$MAC +ipv4 +${GIP//./\\.}/24 +np-g1( |$)"
leases_show_guest() { np_capture net-dhcp-leases default && grep -Eq -- "$LEASE_RE" <<<"$NP_OUT"; }
wait_until 5 leases_show_guest || true
expect_match "net-dhcp-leases has the table header" \
	'^ *Expiry Time +MAC address +Protocol +IP address +Hostname +Client ID or DUID *$' "$NP_OUT"
expect_match "net-dhcp-leases shows the guest's MAC, IP and hostname" "$LEASE_RE" "$NP_OUT"
expect_np_ok "net-dhcp-leases --mac" net-dhcp-leases default --mac "$MAC"
expect_match "--mac keeps the guest's lease" "$LEASE_RE" "$NP_OUT"
expect_np_ok "net-dhcp-leases --mac (another MAC)" net-dhcp-leases default --mac 52:54:00:00:00:00
expect_no_match "--mac leaves out other guests' leases" "$MAC" "$NP_OUT"

log "the guest reaches the uplink through NAT"
expect_ok "guest pings the uplink $UPLINK_IP" \
	ip netns exec "${GUEST_NS[1]}" timeout 15 busybox ping -c 3 -W 5 "$UPLINK_IP"
# The uplink answers every connection with the peer address it sees.
expect_masquerade 1 "$NAT_PORT" "the uplink sees the host's address, not the guest's (masquerade)"

log "the uplink cannot open a connection to the guest"
listen_banner "${GUEST_NS[1]}" "$GUEST_PORT" "$GUEST_BANNER"
# Control: the guest's service answers the host itself (the host is not forwarding).
expect_ok "the host reaches the guest's service" \
	ip netns exec "$NS_HOST" timeout 10 busybox nc -w 3 "$GIP" "$GUEST_PORT" </dev/null
expect_match "the host got the guest's banner" "^$GUEST_BANNER$" "$OUT"
expect_fail "the uplink cannot connect to the guest" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "$GIP" "$GUEST_PORT" </dev/null
expect_no_match "the uplink got nothing from the guest" "$GUEST_BANNER" "$OUT"
expect_fail "the uplink cannot ping the guest" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox ping -c 2 -W 2 "$GIP"

log "net-dumpxml while active"
expect_np_ok "net-dumpxml default (live)" net-dumpxml default
expect_match "live XML keeps the uuid" "<uuid>$UUID</uuid>" "$NP_OUT"
expect_match "live XML keeps the 52:54:00 MAC" "<mac address='$BR_MAC'/>" "$NP_OUT"
expect_np_ok "net-dumpxml default --inactive" net-dumpxml default --inactive
expect_match "inactive XML keeps the uuid" "<uuid>$UUID</uuid>" "$NP_OUT"

log "starting it again fails and changes nothing"
BEFORE=$(np_store_sum)
expect_np_error "net-start of an active network" net-start default
expect_eq "the store is unchanged by the failed start" "$BEFORE" "$(np_store_sum)"
expect_eq "dnsmasq is still the same process" "$DNSMASQ_PID" "$(np_dnsmasq_pid default || true)"
expect_match "virbr0 still has its address" 'inet 192\.168\.122\.1/24 ' \
	"$(ip -n "$NS_HOST" -4 -o addr show dev virbr0)"

log "net-destroy default removes everything it created"
expect_np_ok "net-destroy default" net-destroy default
expect_eq "net-destroy message" "Network default destroyed" "$NP_OUT"
expect_eq "virbr0 is gone" "" "$(ip -n "$NS_HOST" -o link show dev virbr0 2>/dev/null || true)"
NFT_AFTER=$(ip netns exec "$NS_HOST" nft list table inet netplumb 2>/dev/null || true)
expect_no_match "no netplumb nft rule or chain mentions virbr0" 'virbr0' "$NFT_AFTER"
! in_ns "$DNSMASQ_PID" "$NS_HOST" || fail "dnsmasq ($DNSMASQ_PID) still runs after net-destroy returned"
pass "dnsmasq ($DNSMASQ_PID) has exited when net-destroy returns"
expect_no_match "no dnsmasq left in the host namespace" ' dnsmasq$' "$(ns_comms "$NS_HOST")"
expect_eq "the pid file is gone" "" "$(ls "$NP_RUN"/default.pid 2>/dev/null || true)"
expect_eq "another table is untouched by start and destroy" "$OTHER_TABLE" \
	"$(ip netns exec "$NS_HOST" nft list table inet np-e2e-other 2>&1)"
expect_np_ok "net-list --all after destroy" net-list --all
expect_match "default is inactive again" '^ *default +inactive +(yes|no) +yes *$' "$NP_OUT"
expect_fail "the guest no longer reaches the uplink" \
	ip netns exec "${GUEST_NS[1]}" timeout 10 busybox ping -c 1 -W 2 "$UPLINK_IP"

log "a second start/destroy cycle works (destroy left nothing in the way)"
expect_np_ok "net-start default again" net-start default
expect_eq "net-start message" "Network default started" "$NP_OUT"
expect_np_ok "net-destroy default again" net-destroy default
expect_eq "virbr0 is gone again" "" "$(ip -n "$NS_HOST" -o link show dev virbr0 2>/dev/null || true)"
expect_no_match "no dnsmasq left after the second cycle" ' dnsmasq$' "$(ns_comms "$NS_HOST")"

log "net-destroy is done when it returns, net-start straight after it works"
expect_np_ok "net-start default (third cycle)" net-start default
# One shell, nothing in between: what destroy leaves is looked at the moment
# it returns, and the start that follows must not meet any of it.
MAC=$(ip -n "$NS_HOST" -o link show dev virbr0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
RAPID=$(NP_MAC=$MAC ip netns exec "$NS_HOST" sh -c '
	np() { timeout -k 5 60 "$0" --config-dir "$1" --state-dir "$2" --run-dir "$3" "$4" default; }
	np "$@" net-destroy >/dev/null || exit 1
	echo "links: $(ip -o link show | grep -ci "$NP_MAC")"
	echo "addrs: $(ip -o addr show | grep -c "192\.168\.122\.")"
	echo "routes: $(ip route show table all | grep -c "192\.168\.122\.")"
	echo "nft: $(nft list table inet netplumb 2>/dev/null | grep -c .)"
	np "$@" net-start >/dev/null && echo started' \
	"$NETPLUMB" "$NP_CONFIG" "$NP_STATE" "$NP_RUN" 2>&1) ||
	fail "net-destroy then net-start at once failed: $RAPID"
expect_match "no link with the bridge's MAC ($MAC) right after net-destroy" '^links: 0$' "$RAPID"
expect_match "no address of 192.168.122.0/24 right after net-destroy" '^addrs: 0$' "$RAPID"
expect_match "no route of it right after net-destroy" '^routes: 0$' "$RAPID"
expect_match "no table inet netplumb right after the last network went" '^nft: 0$' "$RAPID"
expect_match "net-start straight after net-destroy" 'started$' "$RAPID"
expect_match "virbr0 is back with its address" 'inet 192\.168\.122\.1/24 ' \
	"$(ip -n "$NS_HOST" -4 -o addr show dev virbr0)"
DNSMASQ_PID=$(np_dnsmasq_pid default) || fail "no dnsmasq pid file after the quick restart"
in_ns "$DNSMASQ_PID" "$NS_HOST" || fail "dnsmasq ($DNSMASQ_PID) is not running after the quick restart"
pass "dnsmasq ($DNSMASQ_PID) runs after the quick restart"
expect_np_ok "net-destroy default (third cycle)" net-destroy default
expect_eq "nothing of netplumb runs in the namespace" "" "$(np_leftovers "$NS_HOST")"

e2e_done
