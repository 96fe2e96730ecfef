#!/bin/bash
# Issue 15: after `nft flush ruleset` (what nftables.service does on start
# and reload), `net-reload --all` restores every active network: NAT works
# again and the uplink is kept out again. Beside Docker, the accepts go back
# once Docker's ruleset is back, and are not recreated while it is gone.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

command -v iptables-nft-restore >/dev/null || missing iptables-nft-restore
GUEST_PORT=6666
BANNER=hello-from-guest
make_uplink
ip -n "$NS_UPLINK" route add 192.168.122.0/24 via "$HOST_UPLINK_IP"
ip -n "$NS_UPLINK" route add 192.168.166.0/24 via "$HOST_UPLINK_IP"
grep -v '^#' "$NP_E2E_DIR/data/docker-iptables.rules" | ip netns exec "$NS_HOST" iptables-nft-restore

cat >"$NP_TMP/second.xml" <<'XML'
<network>
  <name>second</name>
  <forward mode='nat'/>
  <bridge name='npsecond0' stp='off'/>
  <ip address='192.168.166.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.166.10' end='192.168.166.20'/></dhcp>
  </ip>
</network>
XML
expect_np_ok "net-start default" net-start default
expect_np_ok "net-create second" net-create "$NP_TMP/second.xml"
make_guest 1 virbr0
make_guest 2 npsecond0
guest_dhcp 1 30 || fail "guest 1 got no lease"
guest_dhcp 2 30 || fail "guest 2 got no lease"
bg "${GUEST_NS[1]}" 120 busybox nc -ll -p "$GUEST_PORT" -e echo "$BANNER"
wait_until 5 ip netns exec "${GUEST_NS[1]}" sh -c "ss -ltnH | grep -q ':$GUEST_PORT '" ||
	fail "the guest's listener did not come up"

log "nft flush ruleset"
ip netns exec "$NS_HOST" nft flush ruleset
expect_ok "with no rules the uplink reaches guest 1" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "${GUEST_IP[1]}" "$GUEST_PORT" </dev/null
expect_np_ok "net-reload --all" net-reload --all
expect_match "default reloaded" '^Network default reloaded: ' "$NP_OUT"
expect_match "second reloaded" '^Network second reloaded: ' "$NP_OUT"
expect_eq "the accepts were not recreated in a table Docker no longer has" "" \
	"$(ip netns exec "$NS_HOST" nft list tables | grep 'ip filter' || true)"
expect_np_ok "net-info default" net-info default
expect_match "default is healthy" '^Active: +yes$' "$NP_OUT"
for n in 1 2; do
	expect_ok "guest $n pings the uplink through NAT again" \
		ip netns exec "${GUEST_NS[$n]}" timeout 15 busybox ping -c 2 -W 5 "$UPLINK_IP"
done
expect_fail "the uplink cannot connect to guest 1 again" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "${GUEST_IP[1]}" "$GUEST_PORT" </dev/null

log "Docker's ruleset back (docker restarted): the accepts go back with net-reload --all"
grep -v '^#' "$NP_E2E_DIR/data/docker-iptables.rules" | ip netns exec "$NS_HOST" iptables-nft-restore
expect_np_ok "net-info default (Docker back, accepts missing)" net-info default
expect_match "default is degraded" 'degraded: .*iptables accepts missing' "$NP_OUT"
expect_np_ok "net-reload --all (Docker back)" net-reload --all
expect_ok "the accept is in DOCKER-USER again" \
	ip netns exec "$NS_HOST" iptables-nft -w -C DOCKER-USER -i virbr0 -o virbr0 -j ACCEPT
expect_ok "guest 1 pings the uplink through Docker's FORWARD DROP" \
	ip netns exec "${GUEST_NS[1]}" timeout 15 busybox ping -c 2 -W 5 "$UPLINK_IP"
expect_np_error "net-reload with neither a name nor --all" net-reload
expect_np_ok "net-destroy --all" net-destroy --all
expect_fail "destroy removed the accepts" \
	ip netns exec "$NS_HOST" iptables-nft -w -C DOCKER-USER -i virbr0 -o virbr0 -j ACCEPT
