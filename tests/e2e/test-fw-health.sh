#!/bin/bash
# Issue 15: health compares the kernel with what start applied, rule by rule.
# A network's chain flushed, one of its rules deleted, or (beside Docker) one
# of its iptables accepts deleted by hand makes net-info say degraded, and
# net-start repairs it; a network just started, in every mode the e2e data
# defines, is not degraded (the comparison has no false alarms).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

command -v iptables-nft-restore >/dev/null || missing iptables-nft-restore
GUEST_PORT=6666
BANNER=hello-from-guest

make_uplink
ip -n "$NS_UPLINK" route add 192.168.122.0/24 via "$HOST_UPLINK_IP"

expect_healthy()
{
	expect_np_ok "net-info $1" net-info "$1"
	expect_match "$1 is active and not degraded" '^Active: +yes$' "$NP_OUT"
}

log "every mode network is healthy right after its start"
for xml in "$NP_E2E_DIR"/data/modes/*.xml; do
	name=$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$xml" | head -n 1)
	grep -q "<forward mode='bridge'" "$xml" && continue
	np_capture net-create "$xml"
	[ "$NP_RC" = 0 ] || { log "($name does not start here: skipped)"; continue; }
	expect_healthy "$name"
	expect_np_ok "net-destroy $name" net-destroy "$name"
done

log "default, a guest with a service"
expect_np_ok "net-start default" net-start default
expect_healthy default
make_guest 1 virbr0
guest_dhcp 1 30 || fail "guest 1 got no lease: $(tail -n 5 "$NP_TMP/g1.udhcpc.log")"
GIP=${GUEST_IP[1]}
listen_banner "${GUEST_NS[1]}" "$GUEST_PORT" "$BANNER" 120
expect_fail "the uplink cannot connect to the guest" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "$GIP" "$GUEST_PORT" </dev/null

log "the forward chain flushed by hand"
ip netns exec "$NS_HOST" nft flush chain inet netplumb fwd-virbr0
expect_ok "with the chain flushed the uplink reaches the guest" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "$GIP" "$GUEST_PORT" </dev/null
expect_np_ok "net-info (flushed)" net-info default
expect_match "net-info says degraded" '^Active: +yes \(degraded: .*firewall rules missing' "$NP_OUT"
expect_np_ok "net-start repairs it" net-start default
expect_match "net-start says what it repaired" 'firewall rules re-applied' "$NP_OUT"
expect_healthy default
expect_fail "after the repair the uplink cannot connect to the guest" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "$GIP" "$GUEST_PORT" </dev/null

log "one rule deleted by hand"
HANDLE=$(ip netns exec "$NS_HOST" nft -a list chain inet netplumb fwd-virbr0 |
	sed -n 's/.*oifname "virbr0" counter packets [0-9]* bytes [0-9]* reject.*# handle \([0-9]*\)$/\1/p' | head -n 1)
expect_match "the reject rule toward the guests has a handle" '^[0-9]+$' "$HANDLE"
ip netns exec "$NS_HOST" nft delete rule inet netplumb fwd-virbr0 handle "$HANDLE"
expect_np_ok "net-info (one rule gone)" net-info default
expect_match "net-info says degraded with one rule gone" '^Active: +yes \(degraded: .*firewall rules missing' "$NP_OUT"
expect_np_ok "net-start repairs the rule" net-start default
expect_healthy default

log "the nat chain deleted by hand"
ip netns exec "$NS_HOST" nft delete chain inet netplumb nat-virbr0
expect_np_ok "net-info (nat chain gone)" net-info default
expect_match "net-info says degraded with the nat chain gone" '^Active: +yes \(degraded: ' "$NP_OUT"
expect_np_ok "net-start repairs the nat chain" net-start default
expect_healthy default
expect_ok "guest pings the uplink through NAT again" \
	ip netns exec "${GUEST_NS[1]}" timeout 15 busybox ping -c 2 -W 5 "$UPLINK_IP"
expect_np_ok "net-destroy default" net-destroy default

log "beside Docker: one of netplumb's iptables accepts deleted by hand"
grep -v '^#' "$NP_E2E_DIR/data/docker-iptables.rules" | ip netns exec "$NS_HOST" iptables-nft-restore
expect_np_ok "net-start default beside Docker" net-start default
expect_healthy default
ip netns exec "$NS_HOST" iptables-nft -w -D DOCKER-USER -i virbr0 -o virbr0 -j ACCEPT
expect_np_ok "net-info (accept gone)" net-info default
expect_match "net-info says the accept is missing" '^Active: +yes \(degraded: .*iptables accepts missing' "$NP_OUT"
expect_np_ok "net-start re-inserts it" net-start default
expect_match "net-start says so" 'iptables accepts re-inserted' "$NP_OUT"
expect_healthy default
expect_ok "the accept is back" ip netns exec "$NS_HOST" iptables-nft -w -C DOCKER-USER -i virbr0 -o virbr0 -j ACCEPT
expect_np_ok "net-destroy default (Docker)" net-destroy default
expect_fail "destroy removed it again" ip netns exec "$NS_HOST" iptables-nft -w -C DOCKER-USER -i virbr0 -o virbr0 -j ACCEPT
