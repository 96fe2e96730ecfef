#!/bin/bash
# Issue 18 acceptance, the EVPN half: the same three hosts as test-vxlan.sh,
# the network with control='evpn' (no static peers) and Debian's FRR in each
# host namespace (zebra + bgpd, started by this test with private config,
# sockets and pid files, stopped by PID; iBGP l2vpn evpn with
# advertise-all-vni). zebra installs the other hosts' VTEPs into the VXLAN
# link's FDB; the traffic checks of the static case pass; destroying host 3
# leaves hosts 1 and 2 working; nothing of netplumb is left at the end.
# netplumb itself never writes FRR's configuration: `plan` prints it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-vxlan.sh
. "$NP_E2E_DIR/lib-vxlan.sh"

FRR=/usr/lib/frr
# scripts/deps.sh installs frr only where PID 1 is not systemd (on a systemd
# host the package starts zebra): without it this test skips, even strict.
id frr >/dev/null 2>&1 || skip "no user frr (Debian package frr, not installed on systemd hosts)"
for t in zebra bgpd; do
	[ -x "$FRR/$t" ] || skip "FRR's $t is not installed (Debian package frr)"
done
command -v vtysh >/dev/null || skip "vtysh is not installed (Debian package frr)"
declare -A ZPID=() BPID=()

# frr_start HOST: zebra and bgpd in HOST's namespace, everything of theirs
# below $NP_TMP/frrHOST; iBGP to the other two hosts.
frr_start()
{
	local h=$1 d="$NP_TMP/frr$1" p
	mkdir -p "$d"
	printf 'hostname h%s\n' "$h" >"$d/zebra.conf"
	{
		echo "hostname h$h"
		echo "router bgp 65000"
		echo " bgp router-id 10.99.0.$h"
		echo " no bgp default ipv4-unicast"
		for p in "${HOSTS[@]}"; do
			[ "$p" = "$h" ] && continue
			echo " neighbor 10.99.0.$p remote-as 65000"
			echo " neighbor 10.99.0.$p update-source 10.99.0.$h"
		done
		echo " address-family l2vpn evpn"
		for p in "${HOSTS[@]}"; do
			[ "$p" = "$h" ] || echo "  neighbor 10.99.0.$p activate"
		done
		echo "  advertise-all-vni"
		echo " exit-address-family"
	} >"$d/bgpd.conf"
	# FRR's own user: root is not in its vty group
	chown -R frr:frr "$d"
	bg "${HNS[$h]}" 900 "$FRR/zebra" -P 0 -f "$d/zebra.conf" -i "$d/zebra.pid" \
		-z "$d/zserv.api" --vty_socket "$d" --log "file:$d/zebra.log"
	ZPID[$h]=$BG_PID
	wait_until 10 test -S "$d/zserv.api" || fail "[h$h] zebra did not come up: $(tail -n 5 "$d/zebra.log" 2>&1)"
	bg "${HNS[$h]}" 900 "$FRR/bgpd" -P 0 -f "$d/bgpd.conf" -i "$d/bgpd.pid" \
		-z "$d/zserv.api" --vty_socket "$d" --log "file:$d/bgpd.log"
	BPID[$h]=$BG_PID
	wait_until 10 test -S "$d/bgpd.vty" || fail "[h$h] bgpd did not come up: $(tail -n 5 "$d/bgpd.log" 2>&1)"
	pass "[h$h] zebra and bgpd run (pids ${ZPID[$h]} ${BPID[$h]})"
}

frr_stop()
{
	kill_pid "${BPID[$1]}"
	kill_pid "${ZPID[$1]}"
}

vty() { ip netns exec "${HNS[$1]}" vtysh --vty_socket "$NP_TMP/frr$1" -c "$2" 2>/dev/null; }

# has_vteps HOST: zebra put both other hosts' VTEPs into HOST's FDB.
has_vteps()
{
	local h=$1 p out
	out=$(flood_entries "$h")
	for p in "${HOSTS[@]}"; do
		[ "$p" = "$h" ] && continue
		grep -q "dst 10\.99\.0\.$p " <<<"$out" || return 1
	done
}

for h in "${HOSTS[@]}"; do
	lab_xml "$h" evpn >"$NP_TMP/lab$h.xml"
	frr_start "$h"
done

for h in "${HOSTS[@]}"; do
	expect_npv_ok "[h$h] net-define" "$h" net-define "$NP_TMP/lab$h.xml"
	expect_npv_ok "[h$h] plan" "$h" plan lab
	expect_match "[h$h] plan: the VXLAN link without learning" \
		"ip link add name $VX .* type vxlan id $VNI dev ul0 local 10\.99\.0\.$h dstport 4789 nolearning" "$NP_OUT"
	expect_no_match "[h$h] plan: no static flood entry" "bridge fdb append" "$NP_OUT"
	expect_match "[h$h] plan: the frr.conf template" "#    bgp router-id 10\.99\.0\.$h" "$NP_OUT"
	expect_match "[h$h] plan: advertise-all-vni" "#     advertise-all-vni" "$NP_OUT"
	expect_npv_ok "[h$h] net-start" "$h" net-start lab
	expect_eq "[h$h] bridge MTU" 1450 "$(link_mtu "${HNS[$h]}" "$BR")"
	expect_match "[h$h] $VX learns nothing itself" "nolearning" "$(ip -n "${HNS[$h]}" -d link show dev "$VX")"
done
for h in "${HOSTS[@]}"; do
	wait_until 30 has_vteps "$h" ||
		fail "[h$h] zebra installed no VTEPs of the others: $(flood_entries "$h"); $(vty "$h" 'show bgp l2vpn evpn summary')"
	pass "[h$h] bridge fdb shows the other hosts' VTEPs, installed by zebra: $(flood_entries "$h" | tr '\n' ';')"
	wait_until 10 eval "vty $h 'show evpn vni $VNI json' | grep -q '\"vni\":$VNI'" ||
		fail "[h$h] zebra does not know VNI $VNI: $(vty "$h" "show evpn vni $VNI json")"
	pass "[h$h] zebra knows VNI $VNI"
	doc=$(NETPLUMB_FRR_VTY_SOCKET="$NP_TMP/frr$h" npv "$h" doctor lab 2>&1 || true)
	expect_no_match "[h$h] doctor: no evpn finding while FRR knows the VNI" 'evpn' "$doc"
done

log "guests on hosts 2 and 3 lease from host 1, over EVPN"
traffic_checks

log "FRR stopped on host 3: doctor says so; host 3's network then destroyed"
frr_stop 3
rc=0
doc=$(NETPLUMB_FRR_VTY_SOCKET="$NP_TMP/frr3" npv 3 doctor lab 2>&1) || rc=$?
expect_eq "[h3] doctor exits 1 (blocking)" 1 "$rc"
expect_match "[h3] doctor: an evpn finding" '^lab: evpn \[blocking\]' "$doc"
expect_match "[h3] doctor: it names the VNI and what vtysh said" "VNI $VNI \\(vtysh: " "$doc"
wait_until 30 eval '! flood_entries 1 | grep -q "dst 10\.99\.0\.3 "' ||
	fail "[h1] zebra kept host 3's VTEP after its FRR stopped: $(flood_entries 1)"
pass "[h1] host 3's VTEP withdrawn from the FDB"
expect_npv_ok "[h3] net-destroy" 3 net-destroy lab
expect_eq "[h3] nothing of netplumb left" "" "$(leftovers "${HNS[3]}")"
expect_ok "guest 2 still reaches the uplink" ip netns exec "${GUEST_NS[2]}" busybox ping -c 2 -W 2 "$UPLINK_IP"
expect_ok "guest 2 still reaches host 1's guestless bridge address" \
	ip netns exec "${GUEST_NS[2]}" busybox ping -c 2 -W 2 10.42.0.1
vdhcp 2 || fail "guest 2 cannot lease again after host 3 left"
pass "guest 2 leases again"

log "every network destroyed, FRR stopped: nothing of netplumb in any namespace"
for h in 1 2; do
	expect_npv_ok "[h$h] net-destroy" "$h" net-destroy lab
done
for h in 1 2; do
	frr_stop "$h"
done
all_gone
log "done: $NP_CHECKS checks"
