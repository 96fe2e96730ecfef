#!/bin/bash
# Issue 15: `netplumb doctor`. A route to 192.168.0.0/16 via another
# interface overlaps 'default' (exit 1, --json names it), so does a /25 inside
# its subnet; a foreign UDP listener on 0.0.0.0:67 is named with its pid
# (exit 1) and does make net-start fail; Docker's ruleset is
# reported with the fix but does not block (netplumb inserts its accepts); an
# active network whose chain was flushed is drift (exit 1), `doctor --fix`
# repairs it (exit 0) and the guest is protected again.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

command -v iptables-nft-restore >/dev/null || missing iptables-nft-restore
# a listener without SO_REUSEADDR (ufw's dependency, so scripts/deps.sh has it)
command -v python3 >/dev/null || missing python3
make_uplink

log "a LAN route covering 192.168.122.0/24"
ip -n "$NS_HOST" link add lan0 type veth peer name lan0p
ip -n "$NS_HOST" link set lan0 up
ip -n "$NS_HOST" route add 192.168.0.0/16 dev lan0
np_capture doctor default
expect_eq "doctor exits 1 with the overlapping route" 1 "$NP_RC"
expect_match "doctor names the route and the network" \
	'route 192\.168\.0\.0/16 dev lan0 overlaps the network.s 192\.168\.122\.1/24' "$NP_OUT"
expect_match "doctor gives the fix" 'ip route del 192\.168\.0\.0/16 dev lan0' "$NP_OUT"
np_capture doctor default --json
expect_eq "doctor --json exits 1 too" 1 "$NP_RC"
expect_match "--json: ok is false" '^\{"ok": false, "findings": \[$' "$NP_OUT"
expect_match "--json: the finding" \
	'"network": "default", "check": "route-overlap", "blocking": true, "fixed": false, "evidence": "route 192\.168\.0\.0/16 dev lan0 ' \
	"$NP_OUT"
if command -v python3 >/dev/null; then
	expect_ok "--json is valid JSON" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$NP_OUT"
fi
ip -n "$NS_HOST" route del 192.168.0.0/16 dev lan0
expect_np_ok "doctor without the route" doctor default
expect_match "nothing blocks" '^Nothing blocks the networks checked$' "$NP_OUT"

log "a route inside the subnet through another device"
ip -n "$NS_HOST" route add 192.168.122.128/25 dev lan0
np_capture doctor default
expect_eq "doctor exits 1 with a /25 inside the subnet" 1 "$NP_RC"
expect_match "doctor names the more specific route" \
	'route 192\.168\.122\.128/25 dev lan0 lies inside the network.s 192\.168\.122\.1/24' "$NP_OUT"
expect_match "doctor gives its fix" 'fix: ip route del 192\.168\.122\.128/25 dev lan0' "$NP_OUT"
ip -n "$NS_HOST" route del 192.168.122.128/25 dev lan0

log "a foreign DHCP server on 0.0.0.0:67"
# shellcheck disable=SC2016
bg "$NS_HOST" 120 python3 -c 'import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 67))
open(sys.argv[1] + ".tmp", "w").write(str(os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)' "$NP_TMP/l67.pid"
L67=$BG_PID
wait_until 10 test -s "$NP_TMP/l67.pid" || fail "the foreign listener on :67 did not come up"
HOLDER=$(cat "$NP_TMP/l67.pid")
np_capture doctor default
expect_eq "doctor exits 1 with UDP 67 taken" 1 "$NP_RC"
expect_match "doctor names the socket and its process" \
	"udp 0\.0\.0\.0:67 is bound by pid $HOLDER \(python3" "$NP_OUT"
expect_match "doctor says what it breaks" "dnsmasq cannot serve DHCP on virbr0" "$NP_OUT"
expect_match "doctor gives the fix" "fix: (kill $HOLDER|systemctl stop [^ ]*\.service);" "$NP_OUT"
np_capture doctor default --json
expect_match "--json: the port-owner finding" \
	'"check": "port-owner", "blocking": true, "fixed": false, "evidence": "udp 0\.0\.0\.0:67 ' "$NP_OUT"
np_capture net-start default
expect_eq "the finding is real: net-start fails with UDP 67 taken" 1 "$NP_RC"
kill_pid "$L67"
wait "$L67" 2>/dev/null || true
expect_np_ok "doctor once the listener is gone" doctor default
expect_no_match "no port-owner finding left" 'port-owner' "$NP_OUT"
expect_no_match "the kernel has what a NAT network needs" 'kernel-feature' "$NP_OUT"

log "Docker's ruleset"
grep -v '^#' "$NP_E2E_DIR/data/docker-iptables.rules" | ip netns exec "$NS_HOST" iptables-nft-restore
expect_np_ok "doctor beside Docker exits 0 (netplumb inserts its accepts)" doctor default
expect_match "doctor reports FORWARD's drop policy" \
	'evidence: table ip filter: chain FORWARD drops by policy' "$NP_OUT"
expect_match "doctor gives the accepts as the fix" \
	'fix: .*iptables-nft -w -t filter -I DOCKER-USER -i virbr0 -o virbr0 -j ACCEPT' "$NP_OUT"

log "drift: an active network's chain flushed"
expect_np_ok "net-start default" net-start default
expect_np_ok "doctor on a healthy network" doctor
ip netns exec "$NS_HOST" nft flush chain inet netplumb fwd-virbr0
np_capture doctor
expect_eq "doctor exits 1 when the rules are flushed" 1 "$NP_RC"
expect_match "doctor reports drift" '^default: drift \[blocking\]$' "$NP_OUT"
expect_match "the drift's fix" 'fix: netplumb net-start default' "$NP_OUT"
expect_np_ok "doctor --fix" doctor --fix
expect_match "doctor --fix says it fixed it" '^default: drift \[note\] \(fixed\)$' "$NP_OUT"
expect_np_ok "doctor after --fix" doctor
expect_no_match "no drift left" 'drift' "$NP_OUT"
expect_ok "the forward chain has its rules again" \
	sh -c "ip netns exec '$NS_HOST' nft list chain inet netplumb fwd-virbr0 | grep -q reject"
expect_np_ok "net-destroy default" net-destroy default
