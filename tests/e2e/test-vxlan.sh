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

HOSTS=(1 2 3)
declare -A HNS=()
NS_UL="$NS_PREFIX-ul"
BR=npvx0
VNI=4242
VX=vx$VNI

# npv HOST ARGS...: netplumb for HOST (its namespace, its own store).
npv()
{
	local h=$1
	shift
	timeout -k 5 60 "$NETPLUMB" --netns "${HNS[$h]}" --config-dir "$NP_TMP/h$h/config" \
		--state-dir "$NP_TMP/h$h/state" --run-dir "$NP_TMP/h$h/run" "$@"
}

# expect_npv_ok DESC HOST ARGS...: exit 0, nothing on stderr, nothing of
# netplumb but dnsmasq left running; stdout in NP_OUT.
expect_npv_ok()
{
	local desc=$1 rc=0
	shift
	npv "$@" >"$NP_TMP/npv.out" 2>"$NP_TMP/npv.err" || rc=$?
	NP_OUT=$(cat "$NP_TMP/npv.out")
	NP_ERR=$(cat "$NP_TMP/npv.err")
	[ "$rc" -eq 0 ] || fail "$desc: 'netplumb --netns ${HNS[$1]} ${*:2}' exited $rc: $NP_ERR"
	[ -z "$NP_ERR" ] || fail "$desc: 'netplumb ${*:2}' wrote to stderr: $NP_ERR"
	np_settle "${HNS[$1]}" || fail "$desc: netplumb left a process behind"
	pass "$desc"
}

# expect_npv_error DESC HOST ARGS...: exit 1 and one "netplumb: error:" line.
expect_npv_error()
{
	local desc=$1 rc=0
	shift
	npv "$@" >"$NP_TMP/npv.out" 2>"$NP_TMP/npv.err" || rc=$?
	NP_ERR=$(cat "$NP_TMP/npv.err")
	[ "$rc" -eq 1 ] || fail "$desc: exited $rc, expected 1: $NP_ERR"
	[ "$(wc -l <"$NP_TMP/npv.err")" -eq 1 ] && [[ "$NP_ERR" == "netplumb: error: "* ]] ||
		fail "$desc: expected one error line, got: $NP_ERR"
	pass "$desc ($NP_ERR)"
}

# vguest N HOST: guest namespace N wired to HOST's bridge.
vguest()
{
	local n=$1 h=$2 ns="$NS_PREFIX-g$1" mac
	mac=$(printf '52:54:00:18:%02x:%02x' "$h" "$n")
	ns_add "$ns"
	ip -n "${HNS[$h]}" link add "vnet$n" type veth peer name eth0 netns "$ns"
	ip -n "$ns" link set eth0 address "$mac"
	ip -n "$ns" link set eth0 up
	ip -n "${HNS[$h]}" link set "vnet$n" master "$BR"
	ip -n "${HNS[$h]}" link set "vnet$n" up
	GUEST_NS[$n]=$ns
	GUEST_MAC[$n]=$mac
}

# vdhcp N: busybox udhcpc asking for the interface MTU too (option 26),
# which the script applies and records.
vdhcp()
{
	local n=$1 info="$NP_TMP/g$1.lease" rc=0
	rm -f "$info"
	ip netns exec "${GUEST_NS[$n]}" env NP_UDHCPC_INFO="$info" \
		timeout -k 2 70 busybox udhcpc -i eth0 -n -q -t 30 -T 1 -O mtu \
		-s "$NP_TMP/vx-udhcpc.script" >"$NP_TMP/g$n.udhcpc.log" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] && [ -r "$info" ] && GUEST_IP[$n]=$(sed -n 's/^ip=//p' "$info")
	return "$rc"
}

link_mtu() { ip -n "$1" -o link show dev "$2" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'; }

# leftovers NS: links, chains, processes of netplumb in NS (none expected).
leftovers()
{
	ip -n "$1" -o link show 2>/dev/null | grep -E ": ($BR|$VX)[:@]" || true
	ip netns exec "$1" nft list table inet netplumb 2>/dev/null | grep chain || true
	ns_comms "$1" | grep -E 'dnsmasq|netplumb' || true
}

cat >"$NP_TMP/vx-udhcpc.script" <<'EOF'
#!/bin/sh
case "$1" in
deconfig)
	ip -4 addr flush dev "$interface"
	ip link set "$interface" up
	;;
bound | renew)
	[ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
	ip -4 addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	set -- $router
	[ -n "$1" ] && ip route replace default via "$1" dev "$interface"
	printf 'ip=%s\nrouter=%s\nmtu=%s\n' "$ip" "$router" "$mtu" >"$NP_UDHCPC_INFO"
	;;
esac
exit 0
EOF
chmod 755 "$NP_TMP/vx-udhcpc.script"

log "underlay: a bridge in $NS_UL, hosts at 10.99.0.1-3; uplink behind host 1"
HNS[1]=$NS_HOST
ns_add "$NS_UL"
ip -n "$NS_UL" link add ulbr type bridge
ip -n "$NS_UL" link set ulbr up
for h in "${HOSTS[@]}"; do
	[ "$h" = 1 ] || { HNS[$h]="$NS_PREFIX-h$h"; ns_add "${HNS[$h]}"; }
	mkdir -p "$NP_TMP/h$h"
	ip -n "${HNS[$h]}" link add ul0 type veth peer name "h$h" netns "$NS_UL"
	ip -n "$NS_UL" link set "h$h" master ulbr up
	ip -n "${HNS[$h]}" addr add "10.99.0.$h/24" dev ul0
	ip -n "${HNS[$h]}" link set ul0 up
done
make_uplink

peers()
{
	local h=$1 p
	for p in "${HOSTS[@]}"; do
		[ "$p" = "$h" ] || printf "    <netplumb:remote address='10.99.0.%s'/>\n" "$p"
	done
}
for h in "${HOSTS[@]}"; do
	{
		echo "<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
		echo "  <name>lab</name>"
		echo "  <forward mode='nat'/>"
		echo "  <bridge name='$BR' stp='off'/>"
		if [ "$h" = 1 ]; then
			echo "  <ip address='10.42.0.1' netmask='255.255.255.0'>"
			echo "    <dhcp><range start='10.42.0.100' end='10.42.0.199'/></dhcp>"
			echo "  </ip>"
		fi
		echo "  <netplumb:vxlan id='$VNI' dev='ul0' port='4789'>"
		peers "$h"
		echo "  </netplumb:vxlan>"
		echo "</network>"
	} >"$NP_TMP/lab$h.xml"
done

log "bad input: one line, nothing changed"
sed "s/address='10.99.0.2'/address='10.99.0.1'/" "$NP_TMP/lab1.xml" >"$NP_TMP/self.xml"
expect_npv_error "a peer that is this host's VTEP is refused at start" 1 net-create "$NP_TMP/self.xml"
sed "s/dev='ul0'/dev='nosuch0'/" "$NP_TMP/lab1.xml" >"$NP_TMP/nodev.xml"
expect_npv_error "a missing underlay is refused" 1 net-create "$NP_TMP/nodev.xml"
expect_eq "nothing made by the refused starts" "" "$(leftovers "${HNS[1]}")"

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
	OUT=$(bridge -n "${HNS[$h]}" fdb show dev "$VX" | grep '^00:00:00:00:00:00' || true)
	for p in "${HOSTS[@]}"; do
		[ "$p" = "$h" ] && continue
		expect_match "[h$h] flood entry to 10.99.0.$p" "dst 10\.99\.0\.$p " "$OUT"
	done
done
expect_eq "[h2] no address on the bridge" "" "$(ip -n "${HNS[2]}" -o addr show dev "$BR" | grep inet || true)"
expect_eq "[h2] no dnsmasq" "" "$(ns_comms "${HNS[2]}" | grep dnsmasq || true)"
expect_no_match "[h2] no masquerade" masquerade "$(ip netns exec "${HNS[2]}" nft list ruleset)"
expect_match "[h1] masquerade on the gateway" masquerade "$(ip netns exec "${HNS[1]}" nft list ruleset)"

log "guests on hosts 2 and 3 lease from host 1"
vguest 2 2
vguest 3 3
for g in 2 3; do
	vdhcp "$g" || fail "guest $g got no lease through VXLAN: $(tail -n 5 "$NP_TMP/g$g.udhcpc.log")"
	expect_match "guest $g leased from host 1's range" '^10\.42\.0\.1[0-9][0-9]$' "${GUEST_IP[$g]}"
	expect_eq "guest $g told MTU 1450 by DHCP" 1450 "$(sed -n 's/^mtu=//p' "$NP_TMP/g$g.lease")"
	expect_eq "guest $g eth0 MTU" 1450 "$(link_mtu "${GUEST_NS[$g]}" eth0)"
done
expect_ok "guest 2 pings guest 3" ip netns exec "${GUEST_NS[2]}" busybox ping -c 2 -W 2 "${GUEST_IP[3]}"
expect_ok "guest 3 pings guest 2" ip netns exec "${GUEST_NS[3]}" busybox ping -c 2 -W 2 "${GUEST_IP[2]}"
for g in 2 3; do
	expect_ok "guest $g reaches the uplink through host 1's NAT" \
		ip netns exec "${GUEST_NS[$g]}" busybox ping -c 2 -W 2 "$UPLINK_IP"
done
expect_ok "a full-size packet (1450 bytes of IP) crosses from guest 2 to 3" \
	ip netns exec "${GUEST_NS[2]}" busybox ping -c 1 -W 2 -s 1422 "${GUEST_IP[3]}"

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

log "destroying host 3's network leaves hosts 1 and 2 working"
expect_npv_ok "[h3] net-destroy" 3 net-destroy lab
expect_eq "[h3] nothing of netplumb left" "" "$(leftovers "${HNS[3]}")"
expect_ok "guest 2 still reaches the uplink" ip netns exec "${GUEST_NS[2]}" busybox ping -c 2 -W 2 "$UPLINK_IP"
vdhcp 2 || fail "guest 2 cannot lease again after host 3 left"
pass "guest 2 leases again"

log "every network destroyed: nothing of netplumb in any namespace"
for h in 1 2; do
	expect_npv_ok "[h$h] net-destroy" "$h" net-destroy lab
done
for h in "${HOSTS[@]}"; do
	expect_eq "[h$h] nothing of netplumb left" "" "$(leftovers "${HNS[$h]}")"
	expect_npv_ok "[h$h] net-undefine" "$h" net-undefine lab
	expect_eq "[h$h] no file of 'lab' left" "" \
		"$(find "$NP_TMP/h$h" -name 'lab.*' ! -name 'lab.leases' 2>/dev/null)"
done
expect_eq "the underlay untouched" "UP" "$(ip -n "${HNS[2]}" -br link show dev ul0 | awk '{print $2}')"
log "done: $NP_CHECKS checks"
