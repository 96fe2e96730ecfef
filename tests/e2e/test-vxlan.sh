#!/bin/bash
# Issue 18 acceptance, end to end: one network across three "hosts" joined by
# VXLAN with static peers. Each host is a namespace running netplumb with
# --netns and a store of its own; the underlay is a bridge in a fourth
# namespace (10.99.0.1-3/24). Host 1 (the test's host namespace, with the
# uplink behind it) defines the network with <ip> (DHCP, NAT); hosts 2 and 3
# define it without (a plain L2 bridge with the VXLAN port). Guests on hosts
# 2 and 3 lease from host 1's dnsmasq, reach the uplink through host 1's NAT
# and ping each other; bridge and guest MTU are 1450. Destroying host 3's
# network leaves hosts 1 and 2 working; after every destroy nothing of
# netplumb is left in any namespace.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck source=tests/e2e/lib-vxlan.sh
. "$NP_E2E_DIR/lib-vxlan.sh"

for h in "${HOSTS[@]}"; do
	lab_xml "$h" static >"$NP_TMP/lab$h.xml"
done

log "bad input: one line, nothing changed"
sed "s/address='10.99.0.2'/address='10.99.0.1'/" "$NP_TMP/lab1.xml" >"$NP_TMP/self.xml"
expect_npv_error "a peer that is this host's VTEP is refused at start" 1 net-create "$NP_TMP/self.xml"
sed "s/dev='ul0'/dev='nosuch0'/" "$NP_TMP/lab1.xml" >"$NP_TMP/nodev.xml"
expect_npv_error "a missing underlay is refused" 1 net-create "$NP_TMP/nodev.xml"
expect_eq "nothing made by the refused starts" "" "$(leftovers "${HNS[1]}")"

# Host 3's own firewall drops what is not for a service it knows (as UFW's
# or Docker's INPUT policy): its start accepts the underlay's VXLAN port there.
ip netns exec "${HNS[3]}" iptables-nft -P INPUT DROP
VX_ACCEPT='-A INPUT -i ul0 -p udp -m udp --dport 4789 -j ACCEPT'
for h in "${HOSTS[@]}"; do
	expect_npv_ok "[h$h] net-define" "$h" net-define "$NP_TMP/lab$h.xml"
	expect_npv_ok "[h$h] plan" "$h" plan lab
	expect_match "[h$h] plan: the VXLAN link" \
		"ip link add name $VX address [0-9a-f:]+ mtu 1450 master $BR type vxlan id $VNI dev ul0 local 10\.99\.0\.$h dstport 4789 learning" "$NP_OUT"
	expect_match "[h$h] plan: flood entries" "bridge fdb append 00:00:00:00:00:00 dev $VX dst 10\.99\.0\.[123] self permanent" "$NP_OUT"
	expect_match "[h$h] plan: the underlay accept" "iifname \"ul0\" udp dport 4789 counter accept" "$NP_OUT"
	expect_npv_ok "[h$h] net-start" "$h" net-start lab
	expect_eq "[h$h] bridge MTU is the underlay's less 50" 1450 "$(link_mtu "${HNS[$h]}" "$BR")"
	expect_match "[h$h] $VX is a port of $BR" "master $BR" "$(ip -n "${HNS[$h]}" -o link show dev "$VX")"
	OUT=$(ip -n "${HNS[$h]}" -d link show dev "$VX")
	expect_match "[h$h] $VX: VNI, local, port" "vxlan id $VNI local 10\.99\.0\.$h dev ul0 .*dstport 4789" "$OUT"
	OUT=$(flood_entries "$h")
	for p in "${HOSTS[@]}"; do
		[ "$p" = "$h" ] && continue
		expect_match "[h$h] flood entry to 10.99.0.$p" "dst 10\.99\.0\.$p " "$OUT"
	done
done
expect_match "[h3] its INPUT drop gets the VXLAN accept" "^$VX_ACCEPT\$" \
	"$(ip netns exec "${HNS[3]}" iptables-nft -S INPUT)"
expect_eq "[h1] no iptables accept where nothing drops" "" \
	"$(ip netns exec "${HNS[1]}" iptables-nft -S INPUT 2>/dev/null | grep -- '-i ul0' || true)"
expect_eq "[h2] no address on the bridge" "" "$(ip -n "${HNS[2]}" -o addr show dev "$BR" | grep inet || true)"
expect_eq "[h2] no dnsmasq" "" "$(ns_comms "${HNS[2]}" | grep dnsmasq || true)"
expect_no_match "[h2] no masquerade" masquerade "$(ip netns exec "${HNS[2]}" nft list ruleset)"
expect_match "[h1] masquerade on the gateway" masquerade "$(ip netns exec "${HNS[1]}" nft list ruleset)"

log "guests on hosts 2 and 3 lease from host 1"
traffic_checks

log "net-update: a peer deleted and added again, live and in the definition"
expect_npv_ok "[h2] net-update delete vxlan-remote 10.99.0.3" 2 net-update lab delete vxlan-remote \
	"<netplumb:remote address='10.99.0.3'/>" --live --config
expect_no_match "[h2] no flood entry to 10.99.0.3" "dst 10\.99\.0\.3 " \
	"$(bridge -n "${HNS[2]}" fdb show dev "$VX" | grep '^00:00:00:00:00:00' || true)"
expect_npv_ok "[h2] net-dumpxml --inactive" 2 net-dumpxml --inactive lab
expect_no_match "[h2] the definition lost the peer" "10\.99\.0\.3" "$NP_OUT"
expect_npv_error "[h2] deleting it again is refused" 2 net-update lab delete vxlan-remote \
	"<netplumb:remote address='10.99.0.3'/>" --live
expect_npv_ok "[h2] net-update add vxlan-remote 10.99.0.3" 2 net-update lab add vxlan-remote \
	"<netplumb:remote address='10.99.0.3'/>" --live --config
expect_match "[h2] the flood entry is back" "dst 10\.99\.0\.3 " \
	"$(bridge -n "${HNS[2]}" fdb show dev "$VX" | grep '^00:00:00:00:00:00' || true)"
expect_npv_ok "[h2] net-dumpxml" 2 net-dumpxml lab
expect_match "[h2] the live definition has the peer" "<netplumb:remote address='10\.99\.0\.3'/>" "$NP_OUT"
expect_ok "guest 2 pings guest 3 after the update" \
	ip netns exec "${GUEST_NS[2]}" busybox ping -c 2 -W 2 "${GUEST_IP[3]}"

log "a lost VXLAN port (gone with its underlay) is degraded, net-start repairs it"
ip -n "${HNS[2]}" link del "$VX"
expect_npv_ok "[h2] net-info" 2 net-info lab
expect_match "[h2] net-info: degraded, VXLAN port missing" "VXLAN port missing" "$NP_OUT"
expect_npv_ok "[h2] net-start repairs" 2 net-start lab
expect_match "[h2] net-start: restarted for its VXLAN port" "VXLAN port was gone" "$NP_OUT"
expect_match "[h2] $VX is back on $BR" "master $BR" "$(ip -n "${HNS[2]}" -o link show dev "$VX")"
# the restart made a new bridge: the test's own guest link goes back on it
ip -n "${HNS[2]}" link set vnet2 master "$BR"
expect_ok "guest 2 pings guest 3 after the repair" \
	ip netns exec "${GUEST_NS[2]}" busybox ping -c 2 -W 2 "${GUEST_IP[3]}"

log "destroying host 3's network leaves hosts 1 and 2 working"
expect_npv_ok "[h3] net-destroy" 3 net-destroy lab
expect_eq "[h3] nothing of netplumb left" "" "$(leftovers "${HNS[3]}")"
expect_eq "[h3] the VXLAN accept went with it" "" \
	"$(ip netns exec "${HNS[3]}" iptables-nft -S INPUT | grep -- '-i ul0' || true)"
expect_ok "guest 2 still reaches the uplink" ip netns exec "${GUEST_NS[2]}" busybox ping -c 2 -W 2 "$UPLINK_IP"
vdhcp 2 || fail "guest 2 cannot lease again after host 3 left"
pass "guest 2 leases again"

log "every network destroyed: nothing of netplumb in any namespace"
for h in 1 2; do
	expect_npv_ok "[h$h] net-destroy" "$h" net-destroy lab
done
all_gone
log "done: $NP_CHECKS checks"
