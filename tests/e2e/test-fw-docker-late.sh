#!/bin/bash
# Issue 15: Docker started AFTER the network. Docker's iptables-nft ruleset
# (FORWARD policy DROP; tests/e2e/data/docker-iptables.rules) appears while
# `default` runs with no accept of netplumb in it: the guest loses the
# uplink. `net-reload --all` plans the network again, sees the new drop,
# inserts the accepts into DOCKER-USER and rewrites the record, so the guest
# gets through again, the uplink is still kept out, and net-destroy leaves
# Docker's ruleset exactly as loaded. Then the same through net-start's
# repair (net-info and doctor say degraded until then).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

command -v iptables-nft-restore >/dev/null || missing iptables-nft-restore
GUEST_PORT=6666
BANNER=hello-from-guest

make_uplink
ip -n "$NS_UPLINK" route add 192.168.122.0/24 via "$HOST_UPLINK_IP"
ip -n "$NS_HOST" link add docker0 type bridge
ip -n "$NS_HOST" addr add 172.17.0.1/16 dev docker0

# iptables-save without counters (traffic changes them).
ipt_rules() { ip netns exec "$NS_HOST" iptables-nft-save | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }
load_docker() {
	grep -v '^#' "$NP_E2E_DIR/data/docker-iptables.rules" | ip netns exec "$NS_HOST" iptables-nft-restore
}
# Docker stopped and its tables gone, as before it ever ran.
unload_docker() {
	ip netns exec "$NS_HOST" nft delete table ip filter
	ip netns exec "$NS_HOST" nft delete table ip nat
}
# guest_ping N: guest N's echo requests to the uplink get answers.
guest_ping() {
	ip netns exec "${GUEST_NS[$1]}" timeout 15 busybox ping -c 2 -W 3 "$UPLINK_IP"
}

log "default starts with no foreign firewall"
expect_eq "no iptables filter table yet" "" \
	"$(ip netns exec "$NS_HOST" nft list tables | grep 'ip filter' || true)"
expect_np_ok "net-start default" net-start default
make_guest 1 virbr0
guest_dhcp 1 30 || fail "guest 1 got no DHCP lease: $(tail -n 5 "$NP_TMP/g1.udhcpc.log")"
GIP=${GUEST_IP[1]}
expect_ok "guest pings the uplink through NAT" guest_ping 1
listen_banner "${GUEST_NS[1]}" "$GUEST_PORT" "$BANNER" 120
LISTENER=$BG_PID

log "Docker starts after the network: FORWARD policy DROP"
load_docker
DOCKER=$(ipt_rules)
expect_match "Docker's FORWARD policy is DROP" '^:FORWARD DROP$' "$DOCKER"
expect_no_match "no accept of netplumb in Docker's chains" 'virbr0' "$DOCKER"
expect_fail "the guest's traffic to the uplink is now dropped" guest_ping 1
expect_np_ok "net-info default (Docker started later)" net-info default
expect_match "net-info says the accepts are missing" \
	'^Active: +yes \(degraded: .*iptables accepts missing' "$NP_OUT"

log "net-reload --all inserts the accepts into DOCKER-USER"
expect_np_ok "net-reload --all" net-reload --all
expect_match "net-reload says what it added" \
	"^Network default reloaded: .*iptables accepts added \(a foreign firewall now drops iptables' FORWARD; into Docker's DOCKER-USER\)" \
	"$NP_OUT"
RULES=$(ipt_rules)
expect_match "the accept for the guests' traffic is in DOCKER-USER" \
	'^-A DOCKER-USER -s 192\.168\.122\.0/24 -i virbr0 -j ACCEPT$' "$RULES"
expect_no_match "FORWARD holds no rule of netplumb" '^-A FORWARD .*virbr0' "$RULES"
expect_match "Docker's RETURN is still DOCKER-USER's last rule" '^-A DOCKER-USER -j RETURN$' \
	"$(grep '^-A DOCKER-USER' <<<"$RULES" | tail -n 1)"
expect_match "Docker's FORWARD policy is still DROP" '^:FORWARD DROP$' "$RULES"
expect_ok "guest pings the uplink through Docker's FORWARD DROP again" guest_ping 1
expect_ok "control: the host reaches the guest's service" \
	ip netns exec "$NS_HOST" timeout 10 busybox nc -w 3 "$GIP" "$GUEST_PORT" </dev/null
expect_fail "the uplink still cannot connect to the guest" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "$GIP" "$GUEST_PORT" </dev/null
expect_no_match "the uplink got nothing from the guest" "$BANNER" "$OUT"
expect_np_ok "net-info default (after the reload)" net-info default
expect_match "default is healthy" '^Active: +yes$' "$NP_OUT"
expect_np_ok "net-reload default again" net-reload default
expect_no_match "a second reload adds nothing" 'accepts added' "$NP_OUT"
expect_eq "and inserts no rule twice" "$RULES" "$(ipt_rules)"

log "net-destroy leaves Docker's ruleset exactly as loaded"
expect_np_ok "net-destroy default" net-destroy default
expect_eq "iptables-save after destroy equals Docker's ruleset as loaded" "$DOCKER" "$(ipt_rules)"

log "the same through net-start's repair"
unload_docker
kill_pid "$LISTENER"
expect_np_ok "net-start default (no Docker)" net-start default
ip -n "$NS_HOST" link del vnet1 2>/dev/null || true
make_guest 2 virbr0
guest_dhcp 2 30 || fail "guest 2 got no DHCP lease: $(tail -n 5 "$NP_TMP/g2.udhcpc.log")"
expect_ok "guest 2 pings the uplink" guest_ping 2
load_docker
DOCKER=$(ipt_rules)
expect_fail "Docker's FORWARD DROP cuts guest 2 off" guest_ping 2
np_capture doctor default
expect_eq "doctor exits 1 while the accepts are missing" 1 "$NP_RC"
expect_match "doctor reports the drift" 'iptables accepts missing' "$NP_OUT"
expect_np_ok "net-start default repairs it" net-start default
expect_match "net-start says what it added" \
	"^Network default repaired: .*iptables accepts added \(a foreign firewall now drops iptables' FORWARD" \
	"$NP_OUT"
expect_ok "guest 2 pings the uplink again" guest_ping 2
expect_np_ok "net-destroy default (repaired)" net-destroy default
expect_eq "iptables-save after the second destroy equals Docker's ruleset as loaded" \
	"$DOCKER" "$(ipt_rules)"
