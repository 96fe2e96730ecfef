#!/bin/bash
# Issue 14, <port isolated='yes'/>: every port netplumb adds to such a network
# (port-add on the running network, and again at net-start) is an isolated
# bridge port. Two such ports cannot reach each other, both reach the
# bridge's address, and a non-isolated port reaches both: one netplumb did
# not add, and one port-add made with --isolated no.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

BR=npiport0

isolated_flag() { ip -n "$NS_HOST" -d link show dev "$1" | grep -o 'isolated o[nf]*' || true; }
ping_ok() { ip netns exec "$1" busybox ping -c 1 -W 2 "$2" >/dev/null 2>&1; }

np_define_start isolated-ports miport

log "two ports added by port-add to the running network"
for n in 1 2; do
	ns_add "$NS_PREFIX-g$n"
	GUEST_NS[$n]="$NS_PREFIX-g$n"
	expect_np_ok "port-add miport --veth g$n" port-add miport --veth "${GUEST_NS[$n]}"
	ip -n "${GUEST_NS[$n]}" addr add "192.168.162.1$n/24" dev eth0
	ip -n "${GUEST_NS[$n]}" link set eth0 up
done
expect_np_ok "plan miport" plan miport
expect_match "plan isolates each port right after attaching it" \
	'master npiport0 up .*
# <port isolated=.yes./>: .*
ip link set dev npport0 type bridge_slave isolated on$' "$NP_OUT"
expect_eq "npport0 is an isolated bridge port" "isolated on" "$(isolated_flag npport0)"
expect_eq "npport1 is an isolated bridge port" "isolated on" "$(isolated_flag npport1)"
# a port the test plugs in itself: netplumb leaves it as it is
static_guest 3 "$BR" 192.168.162.13/24 192.168.162.1
expect_eq "the test's own port vnet3 is not isolated" "isolated off" "$(isolated_flag vnet3)"
# and a port of netplumb's that says otherwise, as a libvirt port may
ns_add "$NS_PREFIX-g4"
GUEST_NS[4]="$NS_PREFIX-g4"
expect_np_error "port-add --isolated maybe is refused" port-add miport --veth "${GUEST_NS[4]}" \
	--isolated maybe
expect_np_ok "port-add miport --veth g4 --isolated no" port-add miport --veth "${GUEST_NS[4]}" \
	--isolated no
expect_eq "npport2 is not isolated" "isolated off" "$(isolated_flag npport2)"
guest4_up()
{
	ip -n "${GUEST_NS[4]}" addr add 192.168.162.14/24 dev eth0
	ip -n "${GUEST_NS[4]}" link set eth0 up
}
guest4_up

check_reach()
{
	local n
	for n in 1 2 3 4; do
		wait_until 5 ping_ok "${GUEST_NS[$n]}" 192.168.162.1 ||
			fail "guest $n does not reach the bridge address"
		pass "guest $n reaches the bridge address 192.168.162.1"
	done
	for n in 1 2; do
		for m in 3 4; do
			wait_until 5 ping_ok "${GUEST_NS[$m]}" "192.168.162.1$n" ||
				fail "the non-isolated guest $m does not reach isolated guest $n"
			pass "the non-isolated guest $m reaches isolated guest $n"
		done
	done
	# Both ends answer others (just proven), so only isolation stops this.
	expect_fail "isolated guest 1 cannot ping isolated guest 2" \
		ip netns exec "${GUEST_NS[1]}" busybox ping -c 3 -W 1 192.168.162.12
	expect_fail "isolated guest 2 cannot ping isolated guest 1" \
		ip netns exec "${GUEST_NS[2]}" busybox ping -c 3 -W 1 192.168.162.11
}
check_reach

log "net-destroy + net-start: the recorded ports come back isolated"
expect_np_ok "net-destroy miport" net-destroy miport
expect_np_ok "net-start miport" net-start miport
expect_eq "npport0 is isolated again" "isolated on" "$(isolated_flag npport0)"
expect_eq "npport1 is isolated again" "isolated on" "$(isolated_flag npport1)"
expect_eq "npport2 is still not isolated" "isolated off" "$(isolated_flag npport2)"
guest4_up
for n in 1 2; do
	ip -n "${GUEST_NS[$n]}" addr add "192.168.162.1$n/24" dev eth0
	ip -n "${GUEST_NS[$n]}" link set eth0 up
done
ip -n "$NS_HOST" link set vnet3 master "$BR"
check_reach
expect_np_ok "net-destroy miport" net-destroy miport
