# Shared by test-vxlan.sh and test-vxlan-evpn.sh (issue 18), sourced after
# lib.sh: three "hosts" (host 1 is the test's host namespace, with the uplink
# behind it; hosts 2 and 3 namespaces of their own), each running netplumb
# with --netns and a store of its own, joined by an underlay bridge in a
# fourth namespace (10.99.0.1-3/24 on ul0); guest helpers that ask DHCP for
# the MTU too.
# shellcheck shell=bash
# shellcheck disable=SC2034

HOSTS=(1 2 3)
declare -A HNS=()
NS_UL="$NS_PREFIX-ul"
BR=npvx0
VNI=4242
VX=vx$VNI

# npv HOST ARGS...: netplumb for HOST (its namespace, its own store).
npv()
{
	np_netns "${HNS[$1]}" "$NP_TMP/h$1" "${@:2}"
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
	make_guest "$1" "$BR" "${HNS[$2]}" "$(printf '52:54:00:18:%02x:%02x' "$2" "$1")"
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

# lab_xml HOST CONTROL: the network of HOST: with <ip> on host 1 only; the
# other hosts as static peers, or control='evpn' and none.
lab_xml()
{
	local h=$1 ctl=$2 p
	echo "<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
	echo "  <name>lab</name>"
	echo "  <forward mode='nat'/>"
	echo "  <bridge name='$BR' stp='off'/>"
	if [ "$h" = 1 ]; then
		echo "  <ip address='10.42.0.1' netmask='255.255.255.0'>"
		echo "    <dhcp><range start='10.42.0.100' end='10.42.0.199'/></dhcp>"
		echo "  </ip>"
	fi
	if [ "$ctl" = evpn ]; then
		echo "  <netplumb:vxlan id='$VNI' dev='ul0' port='4789' control='evpn'/>"
	else
		echo "  <netplumb:vxlan id='$VNI' dev='ul0' port='4789'>"
		for p in "${HOSTS[@]}"; do
			[ "$p" = "$h" ] || printf "    <netplumb:remote address='10.99.0.%s'/>\n" "$p"
		done
		echo "  </netplumb:vxlan>"
	fi
	echo "</network>"
}

# flood_entries HOST: the all-zero FDB entries of HOST's VXLAN link.
flood_entries() { bridge -n "${HNS[$1]}" fdb show dev "$VX" | grep '^00:00:00:00:00:00' || true; }

# traffic_checks: guests on hosts 2 and 3 lease from host 1 (MTU 1450 told
# by DHCP), ping each other and reach the uplink through host 1's NAT.
traffic_checks()
{
	local g
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
}

# all_gone: after every destroy, nothing of netplumb in any namespace.
all_gone()
{
	local h
	for h in "${HOSTS[@]}"; do
		expect_eq "[h$h] nothing of netplumb left" "" "$(leftovers "${HNS[$h]}")"
		expect_npv_ok "[h$h] net-undefine" "$h" net-undefine lab
		expect_eq "[h$h] no file of 'lab' left" "" \
			"$(find "$NP_TMP/h$h" -name 'lab.*' ! -name 'lab.leases' 2>/dev/null)"
	done
	expect_eq "the underlay untouched" "UP" "$(ip -n "${HNS[2]}" -br link show dev ul0 | awk '{print $2}')"
}
