#!/bin/bash
# Failures leave no trace. net-start on a network whose bridge name or subnet is
# already taken fails with one line and leaves links, addresses, nft, dnsmasq,
# live status and the store as they were; destroying an inactive network,
# unknown names, an unknown command and a define of broken XML each fail with
# one line, exit 1, and change no file netplumb keeps. Also: define/undefine
# round trip, and two concurrent starts (the store lock: exactly one wins).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

RACE_ROUNDS=${NP_E2E_RACE_ROUNDS:-10}

# The system as netplumb can change it: links, addresses, routes, nft, forwarding.
host_snapshot()
{
	ip -n "$NS_HOST" -o link show | sed -e 's/^[0-9]*: //' -e 's/ state [A-Z]*//' | sort
	ip -n "$NS_HOST" -o addr show | sed -e 's/^[0-9]*: //' -e 's/ valid_lft.*//' | sort
	ip -n "$NS_HOST" route show table all | sort
	ip netns exec "$NS_HOST" nft -s list ruleset
	ip netns exec "$NS_HOST" cat /proc/sys/net/ipv4/ip_forward
}

# IPv6 duplicate address detection changes addresses and routes for a second
# or two after a link comes up: let it finish before a snapshot.
no_tentative() { [ -z "$(ip -n "$NS_HOST" -o addr show tentative)" ]; }
settle()
{
	wait_until 10 no_tentative ||
		fail "IPv6 DAD did not finish in the host namespace: $(ip -n "$NS_HOST" -o addr show tentative)"
}

# expect_untouched DESC: host and store are as in SYS_BEFORE / STORE_BEFORE,
# 'default' is inactive and no dnsmasq runs.
expect_untouched()
{
	expect_eq "$1: links, addresses, routes, nft and forwarding unchanged" \
		"$SYS_BEFORE" "$(host_snapshot)"
	expect_eq "$1: files in the config/state/run dirs unchanged" "$STORE_BEFORE" "$(np_store_sum)"
	expect_no_match "$1: no dnsmasq in the host namespace" ' dnsmasq$' "$(ns_comms "$NS_HOST")"
	expect_eq "$1: no pid file, no live status" "" \
		"$(ls "$NP_RUN"/default.pid "$NP_RUN"/default.xml 2>/dev/null || true)"
	expect_np_ok "$1: net-list --all" net-list --all
	expect_match "$1: default is still inactive" '^ *default +inactive ' "$NP_OUT"
}

log "fresh directories"
expect_np_ok "net-list --all defines 'default'" net-list --all
expect_match "default is there, inactive" '^ *default +inactive +(yes|no) +yes *$' "$NP_OUT"
STORE_BEFORE=$(np_store_sum)
settle
SYS_BEFORE=$(host_snapshot)
[ -n "$STORE_BEFORE" ] || fail "the store is empty after the first net-list"

log "errors that must change nothing"
expect_np_error "destroying an inactive network" net-destroy default
expect_np_error "net-start of an unknown name" net-start nosuch
expect_np_error "net-destroy of an unknown name" net-destroy nosuch
expect_np_error "net-undefine of an unknown name" net-undefine nosuch
expect_np_error "net-dumpxml of an unknown name" net-dumpxml nosuch
expect_np_error "net-uuid of an unknown name" net-uuid nosuch
expect_np_error "net-dhcp-leases of an unknown name" net-dhcp-leases nosuch
expect_np_error "net-name of an unknown uuid" net-name 3e3fce45-4f53-4fa7-bb32-11f34168b82b
expect_np_error "an unknown command" net-frobnicate default
expect_np_error "net-start without a name" net-start

printf '<network>\n  <name>broken</name>\n  <bridge name="npbroken0"/>\n' >"$NP_TMP/broken.xml"
expect_np_error "net-define of XML that does not parse" net-define "$NP_TMP/broken.xml"
expect_match "the error names the file" 'broken\.xml' "$NP_ERR"
printf '<network>\n  <name>badip</name>\n  <ip address="300.1.1.1" netmask="255.255.255.0"/>\n</network>\n' \
	>"$NP_TMP/badip.xml"
expect_np_error "net-define of an invalid address" net-define "$NP_TMP/badip.xml"
expect_match "the error names the value" '300\.1\.1\.1' "$NP_ERR"
expect_np_error "net-define of a missing file" net-define "$NP_TMP/no-such-file.xml"
expect_np_ok "net-list --all" net-list --all
expect_no_match "nothing was defined" '^ *(broken|badip) ' "$NP_OUT"
expect_untouched "after the failed commands"

log "net-start when the bridge name is taken by another link"
ip -n "$NS_HOST" link add virbr0 type veth peer name virbr0-peer
settle
SYS_BEFORE=$(host_snapshot)
expect_np_error "net-start default with virbr0 taken" net-start default
expect_untouched "after the bridge-name clash"
expect_match "the other virbr0 is still a veth" 'veth' "$(ip -n "$NS_HOST" -d link show dev virbr0)"
ip -n "$NS_HOST" link del virbr0

log "net-start when the subnet is in use on another interface"
ip -n "$NS_HOST" link add other0 type veth peer name other0-peer
ip -n "$NS_HOST" addr add 192.168.122.50/24 dev other0
ip -n "$NS_HOST" link set other0-peer up
ip -n "$NS_HOST" link set other0 up
settle
SYS_BEFORE=$(host_snapshot)
expect_np_error "net-start default with 192.168.122.0/24 in use" net-start default
expect_untouched "after the subnet clash"
ip -n "$NS_HOST" link del other0

log "with the clashes gone, the same start works"
settle
SYS_BEFORE=$(host_snapshot)
expect_np_ok "net-start default" net-start default
expect_eq "net-start message" "Network default started" "$NP_OUT"
expect_np_ok "net-destroy default" net-destroy default
expect_eq "net-destroy message" "Network default destroyed" "$NP_OUT"
expect_eq "no virbr0 after destroy" "" "$(ip -n "$NS_HOST" -o link show dev virbr0 2>/dev/null || true)"
expect_no_match "no dnsmasq after destroy" ' dnsmasq$' "$(ns_comms "$NS_HOST")"

log "two concurrent starts, $RACE_ROUNDS rounds: exactly one wins each time (the store lock)"
for round in $(seq 1 "$RACE_ROUNDS"); do
	for i in 1 2; do
		(rc=0
		 np net-start default >"$NP_TMP/race$i.out" 2>"$NP_TMP/race$i.err" || rc=$?
		 echo "$rc" >"$NP_TMP/race$i.rc") &
		NP_PIDS+=("$!")
	done
	wait
	RCS=$(cat "$NP_TMP/race1.rc" "$NP_TMP/race2.rc" | sort | tr '\n' ' ')
	RACE_ERR=$(cat "$NP_TMP/race1.err" "$NP_TMP/race2.err")
	[ "$RCS" = "0 1 " ] ||
		fail "round $round: two concurrent net-start: exit codes '$RCS', expected one 0 and one 1 (stdout: $(cat "$NP_TMP/race1.out" "$NP_TMP/race2.out" | tr '\n' ' ')) (stderr: $RACE_ERR)"
	[ "$(cat "$NP_TMP/race1.out" "$NP_TMP/race2.out")" = "Network default started" ] ||
		fail "round $round: the winner's output: $(cat "$NP_TMP/race1.out" "$NP_TMP/race2.out")"
	if [ "$(wc -l <<<"$RACE_ERR")" -ne 1 ] || [[ "$RACE_ERR" != "netplumb: error: "* ]]; then
		fail "round $round: the loser should print one error line, got: $RACE_ERR"
	fi
	[ "$(ns_comms "$NS_HOST" | grep -c ' dnsmasq$' || true)" -eq 1 ] ||
		fail "round $round: not exactly one dnsmasq: $(ns_comms "$NS_HOST" | tr '\n' ' ')"
	np net-destroy default >/dev/null || fail "round $round: net-destroy failed"
done
pass "$RACE_ROUNDS rounds of two concurrent starts: one winner, one error line, one dnsmasq"
expect_no_match "no dnsmasq after the last destroy" ' dnsmasq$' "$(ns_comms "$NS_HOST")"

log "net-define fills in uuid, bridge and MAC; net-undefine removes it"
cat >"$NP_TMP/mynet.xml" <<'EOF'
<network>
  <name>np-e2e</name>
  <forward mode='nat'/>
  <ip address='192.168.150.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.150.10' end='192.168.150.20'/>
    </dhcp>
  </ip>
</network>
EOF
expect_np_ok "net-define" net-define "$NP_TMP/mynet.xml"
expect_eq "net-define message" "Network np-e2e defined from $NP_TMP/mynet.xml" "$NP_OUT"
expect_np_ok "net-list --all" net-list --all
expect_match "np-e2e is listed inactive" '^ *np-e2e +inactive +(yes|no) +yes *$' "$NP_OUT"
expect_np_ok "net-dumpxml np-e2e" net-dumpxml np-e2e
expect_match "a uuid was generated" '<uuid>[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}</uuid>' "$NP_OUT"
expect_match "the first free bridge name, virbr1, was chosen" "<bridge name='virbr1'" "$NP_OUT"
expect_match "a 52:54:00 MAC was generated" "<mac address='52:54:00(:[0-9a-f]{2}){3}'/>" "$NP_OUT"
# NETPLUMB_*_DIR select the same store as the options. The default paths are
# masked by empty tmpfs mounts in a private mount namespace, so a netplumb that
# ignored the variables could not touch the real /etc, /var/lib or /run.
# shellcheck disable=SC2016 # $0 is expanded by the inner sh
expect_ok "net-list --all with NETPLUMB_CONFIG_DIR/STATE_DIR/RUN_DIR instead of options" \
	ip netns exec "$NS_HOST" env NETPLUMB_CONFIG_DIR="$NP_CONFIG" NETPLUMB_STATE_DIR="$NP_STATE" \
	NETPLUMB_RUN_DIR="$NP_RUN" unshare -m sh -c \
	'mount -t tmpfs np-e2e /etc && mount -t tmpfs np-e2e /var/lib && mount -t tmpfs np-e2e /run &&
	 exec timeout 30 "$0" net-list --all' "$NETPLUMB"
expect_match "the environment's store has np-e2e" '^ *np-e2e +inactive ' "$OUT"

expect_np_ok "net-undefine np-e2e" net-undefine np-e2e
expect_eq "net-undefine message" "Network np-e2e has been undefined" "$NP_OUT"
expect_np_ok "net-list --all" net-list --all
expect_no_match "np-e2e is gone" '^ *np-e2e ' "$NP_OUT"
expect_np_error "net-dumpxml after undefine" net-dumpxml np-e2e

e2e_done
