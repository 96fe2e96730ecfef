#!/bin/bash
# Issue 8: a failure at any system change of net-start or net-destroy leaves
# no half network. NETPLUMB_FAULT_AT=N makes the Nth change fail; for every N
# until the command succeeds:
#   net-start: exit 1, one line naming the step and "system change N", and
#     nothing left: no bridge, no nft chain, no dnsmasq, no live record, the
#     namespace and netplumb's files as before; then a plain net-start works
#     and net-destroy cleans up again.
#   Except the "started" hook, the last step: libvirt reports its failure
#     and the network stays up, so a fault there makes net-start succeed
#     with one warning naming it, the network whole.
#   net-destroy (of a running network): exit 1, one line naming the step;
#     the network is still known as active, and a second net-destroy finishes
#     the job, leaving nothing.
# Two networks: libvirt's 'default', and one with NAT over IPv4 and IPv6, a
# static route, DHCP and DNS hosts and a recorded guest tap port (its
# portgroup limits what it sends), so that every kind of change (file,
# bridge, sysctl, address, link, route, nft, dnsmasq, port) gets its fault.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/hostile/lib-state.sh
. "$NP_E2E_DIR/../hostile/lib-state.sh"

MAX_STEPS=80 # no start of these networks has this many changes

# The descriptions np_step_describe() gives, with "undo " before them on destroy.
STEP_ERE='(write /|create bridge |set sysctl |add address |bring [^ ]+ up|add route |install firewall rules|limit what the guest sends on port |start dnsmasq|take dnsmasq out of the rtnetlink groups|create VXLAN |flood |attach port |isolate bridge port |add an? [a-z]+ (qdisc|class) to |run the network hook |run firewall-cmd |record what was applied )'

[ -e /dev/net/tun ] || skip "no /dev/net/tun (the guest port is a tap)"

cat >"$NP_TMP/faultnet.xml" <<'EOF'
<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>
  <name>faultnet</name>
  <forward mode='nat'/>
  <bridge name='npfault0'/>
  <bandwidth>
    <inbound average='100000' peak='200000' burst='256'/>
    <outbound average='100000'/>
  </bandwidth>
  <port isolated='yes'/>
  <portgroup name='guests' default='yes'>
    <bandwidth>
      <outbound average='100000'/>
    </bandwidth>
  </portgroup>
  <domain name='fault.test'/>
  <dns>
    <host ip='192.168.201.5'>
      <hostname>h5</hostname>
    </host>
  </dns>
  <ip address='192.168.201.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.201.10' end='192.168.201.20'/>
      <host mac='52:54:00:20:01:05' name='g5' ip='192.168.201.5'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd00:201::1' prefix='64'>
    <dhcp>
      <range start='fd00:201::10' end='fd00:201::20'/>
    </dhcp>
  </ip>
  <route address='10.201.0.0' prefix='16' gateway='192.168.201.2'/>
  <netplumb:portForward proto='tcp' guest='192.168.201.5'>
    <netplumb:range start='8080' to='80'/>
  </netplumb:portForward>
  <netplumb:vxlan id='4201' dev='npful0'>
    <netplumb:remote address='10.201.99.2'/>
    <netplumb:remote address='10.201.99.3'/>
  </netplumb:vxlan>
</network>
EOF

# libvirt never turns forwarding off again; have it on already so that the
# snapshots show only what a failed start must undo.
ip netns exec "$NS_HOST" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# the VXLAN's underlay (issue 18): someone else's link, never touched
make_underlay npful 10.201.99.1/24
expect_np_ok "net-list --all (defines 'default')" net-list --all
expect_np_ok "net-define faultnet" net-define "$NP_TMP/faultnet.xml"
expect_np_ok "port-add faultnet --tap npftap0 (recorded, comes up with the network)" \
	port-add faultnet --tap npftap0

# fault_start NAME BRIDGE: the start loop; sets CHAINS (counted at a clean
# start) and STARTS_FAILED.
fault_start()
{
	local name=$1 br=$2 n
	log "$name: a clean start and destroy first"
	expect_np_ok "$name: net-start" net-start "$name"
	CHAINS=$(np_chains "$br" | grep -c . || true)
	[ "$CHAINS" -ge 1 ] || fail "$name: no nft chain for $br after a clean start"
	expect_active_whole "$name: after a clean start" "$name" "$br" "$CHAINS" 1
	ACTIVE_BASE=$(sys_snapshot)
	expect_np_ok "$name: net-destroy" net-destroy "$name"
	expect_inactive_clean "$name: after a clean destroy" "$name" "$br"
	SYS_BASE=$(sys_snapshot)
	STORE_BASE=$(store_sum)

	log "$name: net-start with a fault at each change"
	STARTS_FAILED=0
	for ((n = 1; n <= MAX_STEPS; n++)); do
		np_env NETPLUMB_FAULT_AT=$n -- net-start "$name"
		if [ "$NP_RC" -eq 0 ] && [ -n "$NP_ERR" ] &&
			[[ "$NP_ERR" =~ ^"netplumb: warning: run the network hook (started begin): injected fault at system change $n"$ ]]; then
			pass "$name: fault at $n: the started hook only warns: ${NP_ERR#netplumb: }"
			expect_active_whole "$name: fault at $n: started" "$name" "$br" "$CHAINS" 1
			expect_np_ok "$name: fault at $n: net-destroy" net-destroy "$name"
			expect_inactive_clean "$name: fault at $n: after net-destroy" "$name" "$br"
			expect_snapshot "$name: fault at $n: as before the start" "$SYS_BASE"
			continue
		fi
		if [ "$NP_RC" -eq 0 ] && [ -n "$NP_ERR" ] &&
			[[ "$NP_ERR" =~ ^"netplumb: warning: add route "[^\ ]+" on $br: injected fault at system change $n"$ ]]; then
			# as libvirt, a route the kernel refuses is logged, the network runs
			pass "$name: fault at $n: a refused route only warns: ${NP_ERR#netplumb: }"
			expect_np_ok "$name: fault at $n: net-destroy" net-destroy "$name"
			expect_inactive_clean "$name: fault at $n: after net-destroy" "$name" "$br"
			expect_snapshot "$name: fault at $n: as before the start" "$SYS_BASE"
			continue
		fi
		if [ "$NP_RC" -eq 0 ]; then
			pass "$name: NETPLUMB_FAULT_AT=$n is past the last change: net-start succeeds"
			break
		fi
		STARTS_FAILED=$((STARTS_FAILED + 1))
		[ "$NP_RC" -eq 1 ] || fail "$name: fault at $n: net-start exited $NP_RC: $NP_ERR"
		[ -z "$NP_OUT" ] || fail "$name: fault at $n: net-start wrote to stdout: $NP_OUT"
		one_error_line || fail "$name: fault at $n: not one error line: $NP_ERR"
		[[ "$NP_ERR" =~ ^"netplumb: error: failed to start network '$name': "$STEP_ERE.*": injected fault at system change $n"$ ]] ||
			fail "$name: fault at $n: the error does not name the step: $NP_ERR"
		pass "$name: fault at $n: ${NP_ERR#netplumb: error: }"
		expect_inactive_clean "$name: fault at $n" "$name" "$br"
		expect_snapshot "$name: fault at $n: as before the start" "$SYS_BASE"
		expect_store "$name: fault at $n: as before the start" "$STORE_BASE"
		expect_np_ok "$name: fault at $n: then a plain net-start" net-start "$name"
		expect_active_whole "$name: fault at $n: then" "$name" "$br" "$CHAINS" 1
		expect_snapshot "$name: fault at $n: as after a clean start" "$ACTIVE_BASE"
		expect_np_ok "$name: fault at $n: net-destroy" net-destroy "$name"
		expect_inactive_clean "$name: fault at $n: after net-destroy" "$name" "$br"
	done
	[ "$n" -le "$MAX_STEPS" ] || fail "$name: net-start still fails with NETPLUMB_FAULT_AT=$MAX_STEPS"
	expect_active_whole "$name: the start that got past every fault" "$name" "$br" "$CHAINS" 1
	expect_snapshot "$name: the start that got past every fault" "$ACTIVE_BASE"
	expect_np_ok "$name: net-destroy" net-destroy "$name"
	expect_inactive_clean "$name: after net-destroy" "$name" "$br"
}

# fault_destroy NAME BRIDGE: the destroy loop; sets DESTROYS_FAILED.
fault_destroy()
{
	local name=$1 br=$2 n
	log "$name: net-destroy with a fault at each change"
	DESTROYS_FAILED=0
	for ((n = 1; n <= MAX_STEPS; n++)); do
		expect_np_ok "$name: destroy fault at $n: net-start" net-start "$name"
		np_env NETPLUMB_FAULT_AT=$n -- net-destroy "$name"
		if [ "$NP_RC" -eq 0 ]; then
			pass "$name: NETPLUMB_FAULT_AT=$n is past the last change: net-destroy succeeds"
			expect_inactive_clean "$name: after that destroy" "$name" "$br"
			break
		fi
		DESTROYS_FAILED=$((DESTROYS_FAILED + 1))
		[ "$NP_RC" -eq 1 ] || fail "$name: destroy fault at $n: exited $NP_RC: $NP_ERR"
		one_error_line || fail "$name: destroy fault at $n: not one error line: $NP_ERR"
		[[ "$NP_ERR" =~ ^"netplumb: error: failed to destroy network '$name': undo "$STEP_ERE.*": injected fault at system change $n"$ ]] ||
			fail "$name: destroy fault at $n: the error does not name the step: $NP_ERR"
		pass "$name: destroy fault at $n: ${NP_ERR#netplumb: error: }"
		expect_match "$name: destroy fault at $n: still listed active or degraded (the next destroy can finish)" \
			'^(active|degraded)$' "$(net_state "$name")"
		expect_np_ok "$name: destroy fault at $n: a second net-destroy" net-destroy "$name"
		expect_inactive_clean "$name: destroy fault at $n: after the second destroy" "$name" "$br"
		expect_snapshot "$name: destroy fault at $n: as before the start" "$SYS_BASE"
		expect_store "$name: destroy fault at $n: as before the start" "$STORE_BASE"
	done
	[ "$n" -le "$MAX_STEPS" ] || fail "$name: net-destroy still fails with NETPLUMB_FAULT_AT=$MAX_STEPS"
}

fault_start default virbr0
# default: 3 files, bridge, 2 sysctls, address, link up, nft, dnsmasq.
[ "$STARTS_FAILED" -ge 10 ] || fail "default: only $STARTS_FAILED changes were faulted, expected at least 10"
pass "default: $STARTS_FAILED faulted starts, each undone"
fault_destroy default virbr0
[ "$DESTROYS_FAILED" -ge 4 ] || fail "default: only $DESTROYS_FAILED destroy changes were faulted"
pass "default: $DESTROYS_FAILED faulted destroys, each finished by a second destroy"

fault_start faultnet npfault0
[ "$STARTS_FAILED" -ge 15 ] || fail "faultnet: only $STARTS_FAILED changes were faulted, expected at least 15"
pass "faultnet: $STARTS_FAILED faulted starts, each undone"
fault_destroy faultnet npfault0
[ "$DESTROYS_FAILED" -ge 5 ] || fail "faultnet: only $DESTROYS_FAILED destroy changes were faulted"
pass "faultnet: $DESTROYS_FAILED faulted destroys, each finished by a second destroy"

log "both networks defined and inactive, no dnsmasq left"
expect_np_ok "net-list --all" net-list --all
expect_match "default is inactive" '^ *default +inactive ' "$NP_OUT"
expect_match "faultnet is inactive" '^ *faultnet +inactive ' "$NP_OUT"
expect_eq "no dnsmasq in the namespace" "" "$(dnsmasq_pids)"
e2e_done
