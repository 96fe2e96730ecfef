#!/bin/bash
# Issue 6 acceptance, end to end: guest ports. `port-add default --veth NS`
# plugs a namespace guest into the running 'default' network with a 52:54:00
# MAC; the guest gets a lease; after net-destroy + net-start the port is back
# on virbr0 and the guest gets a lease again without being re-added.
# port-list (also --json) shows the port, a second port never reuses a MAC
# already on the network, and port-delete removes the port for good.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

MAC_RE='^52:54:00(:[0-9a-f]{2}){3}$'

# port_mac: the guest MAC port-add printed (in NP_OUT).
port_mac() { sed -n 's/.*guest MAC \([0-9a-f:]*\).*/\1/p' <<<"$NP_OUT" | head -n1; }
guest_mac() { { ip -n "$1" -o link show dev eth0 2>/dev/null || true; } | sed -n 's:.*link/ether \([0-9a-f:]*\) .*:\1:p'; }
enslaved() { ip -n "$NS_HOST" -o link show master virbr0 2>/dev/null || true; }
leased()
{
	local n=$1
	if ! guest_dhcp "$n" 30; then
		fail "guest $n (${GUEST_MAC[$n]}) got no DHCP lease: $(tail -n 5 "$NP_TMP/g$n.udhcpc.log")"
	fi
	expect_match "guest $n's lease is in 192.168.122.2-254" \
		'^192\.168\.122\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$' "${GUEST_IP[$n]}"
	expect_eq "guest $n's DHCP server is 192.168.122.1" 192.168.122.1 "$(guest_lease_var "$n" serverid)"
}

log "start default"
expect_np_ok "net-start default" net-start default
BR_MAC=$(ip -n "$NS_HOST" -o link show dev virbr0 | sed -n 's:.*link/ether \([0-9a-f:]*\) .*:\1:p')

log "port-add --veth into a guest namespace"
G1="$NS_PREFIX-g1"
ns_add "$G1"
GUEST_NS[1]=$G1
expect_np_ok "port-add default --veth $G1" port-add default --veth "$G1"
MAC1=$(port_mac)
GUEST_MAC[1]=$MAC1
expect_match "port-add prints a 52:54:00 MAC" "$MAC_RE" "$MAC1"
expect_match "port-add names the port npport0" '^Port npport0 added to network default' "$NP_OUT"
expect_eq "the guest's eth0 has that MAC" "$MAC1" "$(guest_mac "$G1")"
expect_match "npport0 is on virbr0" '^[0-9]+: npport0[@:]' "$(enslaved)"
ip -n "$G1" link set eth0 up
leased 1
IP1=${GUEST_IP[1]}
expect_ok "the host pings guest 1" ip netns exec "$NS_HOST" timeout 10 busybox ping -c 1 -W 3 "$IP1"

log "port-list"
expect_np_ok "port-list default" port-list default
expect_match "port-list shows npport0 with the MAC and the namespace" \
	"^ *npport0 +veth +$MAC1 +eth0 in netns $G1 *$" "$NP_OUT"
expect_np_ok "port-list default --json" port-list default --json
expect_match "port-list --json has npport0" '"port": *"npport0"' "$NP_OUT"
expect_match "port-list --json has the MAC" "\"mac\": *\"$MAC1\"" "$NP_OUT"
expect_match "port-list --json has the namespace" "\"netns\": *\"$G1\"" "$NP_OUT"
expect_match "port-list --json: npport0 is UP and has the guest's lease" \
	"\"state\": \"UP\", \"rx_bytes\": [1-9][0-9]*, \"rx_packets\": [1-9][0-9]*, \"tx_bytes\": [1-9][0-9]*, \"tx_packets\": [1-9][0-9]*, \"ip\": \"$IP1\"" "$NP_OUT"
json_rx=$(sed -n 's/.*"rx_packets": \([0-9]*\).*/\1/p' <<<"$NP_OUT")
json_tx=$(sed -n 's/.*"tx_bytes": \([0-9]*\).*/\1/p' <<<"$NP_OUT")
sys_rx=$(ip netns exec "$NS_HOST" cat /sys/class/net/npport0/statistics/rx_packets)
sys_tx=$(ip netns exec "$NS_HOST" cat /sys/class/net/npport0/statistics/tx_bytes)
[ "$json_rx" -le "$sys_rx" ] && [ "$json_rx" -ge $((sys_rx - 20)) ] &&
	[ "$json_tx" -le "$sys_tx" ] && [ "$json_tx" -ge $((sys_tx - 5000)) ] ||
	fail "port-list --json counters rx_packets=$json_rx tx_bytes=$json_tx, kernel: $sys_rx $sys_tx"
pass "port-list --json counters are the kernel's (rx_packets $json_rx, tx_bytes $json_tx)"

log "net-destroy + net-start: the port comes back without being re-added"
expect_np_ok "net-destroy default" net-destroy default
expect_eq "virbr0 is gone" "" "$(ip -n "$NS_HOST" -o link show dev virbr0 2>/dev/null || true)"
expect_np_ok "port-list --json of a stopped network" port-list default --json
expect_match "its port is absent, with no counters" "\"peer\": \"eth0\", \"state\": \"absent\", \"ip\": " "$NP_OUT"
expect_np_ok "net-start default" net-start default
expect_match "npport0 is back on virbr0" '^[0-9]+: npport0[@:]' "$(enslaved)"
expect_eq "the guest's eth0 has its MAC again" "$MAC1" "$(guest_mac "$G1")"
ip -n "$G1" link set eth0 up
leased 1
expect_eq "guest 1 gets its address back" "$IP1" "${GUEST_IP[1]}"
expect_ok "the host pings guest 1 again" ip netns exec "$NS_HOST" timeout 10 busybox ping -c 1 -W 3 "$IP1"
expect_np_ok "port-list default after the restart" port-list default
expect_match "port-list still shows npport0" "^ *npport0 +veth +$MAC1 " "$NP_OUT"

log "a second port never reuses a MAC already on the network"
G2="$NS_PREFIX-g2"
ns_add "$G2"
GUEST_NS[2]=$G2
expect_np_error "port-add with guest 1's MAC is refused" port-add default --veth "$G2" --mac "$MAC1"
expect_np_error "port-add with the bridge's MAC is refused" port-add default --veth "$G2" --mac "$BR_MAC"
expect_eq "the refused port-adds left no eth0 in $G2" "" "$(guest_mac "$G2")"
expect_np_ok "port-add default --veth $G2" port-add default --veth "$G2"
MAC2=$(port_mac)
GUEST_MAC[2]=$MAC2
expect_match "the second port has a 52:54:00 MAC" "$MAC_RE" "$MAC2"
expect_match "the second port is npport1" '^Port npport1 added to network default' "$NP_OUT"
[ "$MAC2" != "$MAC1" ] || fail "the second port reuses guest 1's MAC $MAC1"
[ "$MAC2" != "$BR_MAC" ] || fail "the second port reuses the bridge's MAC $BR_MAC"
pass "the second port's MAC $MAC2 is new on the network"
expect_eq "guest 2's eth0 has that MAC" "$MAC2" "$(guest_mac "$G2")"
ip -n "$G2" link set eth0 up
leased 2
[ "${GUEST_IP[2]}" != "$IP1" ] || fail "guest 2 got guest 1's address $IP1"
pass "the two guests have different addresses"

log "port-delete"
expect_np_ok "port-delete default npport0" port-delete default npport0
expect_np_ok "port-list default after port-delete" port-list default
expect_no_match "npport0 is no longer listed" '^ *npport0 ' "$NP_OUT"
expect_match "npport1 is still listed" "^ *npport1 +veth +$MAC2 " "$NP_OUT"
expect_eq "npport0 is gone from the host" "" "$(ip -n "$NS_HOST" -o link show dev npport0 2>/dev/null || true)"
expect_eq "guest 1's eth0 is gone" "" "$(guest_mac "$G1")"
expect_np_error "port-delete of a port that does not exist" port-delete default npport0
expect_np_ok "net-destroy default" net-destroy default
expect_np_ok "net-start default" net-start default
expect_no_match "npport0 does not come back after a restart" '^[0-9]+: npport0[@:]' "$(enslaved)"
expect_match "npport1 does come back" '^[0-9]+: npport1[@:]' "$(enslaved)"
expect_np_ok "port-delete default npport1" port-delete default npport1
expect_np_ok "port-list default when empty" port-list default
expect_no_match "no port is listed" '^ *npport[0-9]' "$NP_OUT"

log "clean up"
expect_np_ok "net-destroy default" net-destroy default
expect_no_match "no dnsmasq left" ' dnsmasq$' "$(ns_comms "$NS_HOST")"
expect_eq "no interface left but lo" "lo" "$(ip -n "$NS_HOST" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | tr '\n' ' ' | sed 's/ $//')"

e2e_done
