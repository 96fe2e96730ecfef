#!/bin/bash
# Issue 15: netplumb beside Docker. Docker's iptables-nft ruleset (FORWARD
# policy DROP, DOCKER-USER, DOCKER-ISOLATION-STAGE-*; tests/e2e/data/
# docker-iptables.rules) is loaded in the test's host namespace first. netplumb
# finds the drop by walking the base chains, inserts libvirt-style accepts for
# virbr0 into Docker's DOCKER-USER (Docker's documented place for the host's
# rules, which FORWARD jumps to first; INPUT's once its policy is DROP) as plan
# steps, and its destroy leaves Docker's ruleset exactly as it was. With
# bridge-nf-call-iptables=1 two guests on the bridge reach each other through
# Docker's FORWARD DROP; with the host's INPUT policy DROP guests still get
# leases and DNS answers from the bridge address. With ip6tables' FORWARD and
# INPUT policies DROP too, a routed IPv6 /64 gets ip6tables-nft accepts: its
# guest takes a SLAAC address, reaches the uplink and is reached from it, and
# destroy leaves ip6tables' ruleset as it was.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

command -v iptables-nft-restore >/dev/null || missing iptables-nft-restore
command -v ip6tables-nft-save >/dev/null || missing ip6tables-nft-save
NAT_PORT=5555
GUEST_PORT=6666
BANNER=hello-from-guest

make_uplink
ip -n "$NS_UPLINK" route add 192.168.122.0/24 via "$HOST_UPLINK_IP"
# Docker's own bridge, so its rules name a real interface.
ip -n "$NS_HOST" link add docker0 type bridge
ip -n "$NS_HOST" addr add 172.17.0.1/16 dev docker0
grep -v '^#' "$NP_E2E_DIR/data/docker-iptables.rules" | ip netns exec "$NS_HOST" iptables-nft-restore
ip netns exec "$NS_HOST" sysctl -qw net.bridge.bridge-nf-call-iptables=1

# iptables-save without counters (traffic changes them).
ipt_rules() { ip netns exec "$NS_HOST" iptables-nft-save | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }
DOCKER_BEFORE=$(ipt_rules)
expect_match "Docker's FORWARD policy is DROP" '^:FORWARD DROP$' "$DOCKER_BEFORE"

log "plan shows the accepts as iptables-nft commands"
expect_np_ok "plan default" plan default
expect_match "plan inserts the accept between guests into DOCKER-USER" \
	'^iptables-nft -w -t filter -I DOCKER-USER -i virbr0 -o virbr0 -j ACCEPT$' "$NP_OUT"
expect_match "plan inserts the accept for the guests' traffic into DOCKER-USER" \
	'^iptables-nft -w -t filter -I DOCKER-USER -s 192\.168\.122\.0/24 -i virbr0 -j ACCEPT$' "$NP_OUT"
expect_match "plan prints the undo from DOCKER-USER" \
	'undone by: iptables-nft -w -t filter -D DOCKER-USER -i virbr0 -o virbr0 -j ACCEPT' "$NP_OUT"
expect_no_match "nothing goes into FORWARD itself" 'I FORWARD' "$NP_OUT"
expect_no_match "INPUT accepts only when INPUT drops" 'I INPUT' "$NP_OUT"

log "net-start default beside Docker"
expect_np_ok "net-start default" net-start default
RULES=$(ipt_rules)
expect_match "the accept between guests is in DOCKER-USER" '^-A DOCKER-USER -i virbr0 -o virbr0 -j ACCEPT$' "$RULES"
expect_no_match "FORWARD holds no rule of netplumb" '^-A FORWARD .*virbr0' "$RULES"
expect_match "Docker's RETURN is still DOCKER-USER's last rule" '^-A DOCKER-USER -j RETURN$' \
	"$(grep '^-A DOCKER-USER' <<<"$RULES" | tail -n 1)"
expect_match "Docker's FORWARD policy is still DROP" '^:FORWARD DROP$' "$RULES"
expect_match "Docker's jump to DOCKER-USER is still there" '^-A FORWARD -j DOCKER-USER$' "$RULES"

make_guest 1 virbr0
guest_dhcp 1 30 || fail "guest 1 got no DHCP lease beside Docker: $(tail -n 5 "$NP_TMP/g1.udhcpc.log")"
GIP=${GUEST_IP[1]}
expect_match "the lease is in 192.168.122.0/24" '^192\.168\.122\.[0-9]+$' "$GIP"
expect_ok "guest pings the uplink through NAT" \
	ip netns exec "${GUEST_NS[1]}" timeout 15 busybox ping -c 2 -W 5 "$UPLINK_IP"
expect_masquerade 1 "$NAT_PORT"
listen_banner "${GUEST_NS[1]}" "$GUEST_PORT" "$BANNER"
expect_ok "control: the host reaches the guest's service" \
	ip netns exec "$NS_HOST" timeout 10 busybox nc -w 3 "$GIP" "$GUEST_PORT" </dev/null
expect_fail "the uplink cannot connect to the guest" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "$GIP" "$GUEST_PORT" </dev/null
expect_no_match "the uplink got nothing from the guest" "$BANNER" "$OUT"

log "net-destroy leaves Docker's ruleset exactly as before"
expect_np_ok "net-destroy default" net-destroy default
expect_eq "iptables-save after destroy equals before start" "$DOCKER_BEFORE" "$(ipt_rules)"

log "the host's INPUT policy is DROP too: DHCP and DNS still work, guests reach each other"
ip netns exec "$NS_HOST" iptables-nft -w -P INPUT DROP
BEFORE2=$(ipt_rules)
expect_np_ok "plan default (INPUT DROP)" plan default
expect_match "plan accepts DHCP on the bridge" \
	'^iptables-nft -w -t filter -I INPUT -i virbr0 -p udp -m udp --dport 67 -j ACCEPT$' "$NP_OUT"
expect_match "plan accepts DNS over TCP on the bridge" \
	'^iptables-nft -w -t filter -I INPUT -i virbr0 -p tcp -m tcp --dport 53 -j ACCEPT$' "$NP_OUT"
expect_np_ok "net-start default (INPUT DROP)" net-start default
ip -n "$NS_HOST" link del vnet1 2>/dev/null || true
make_guest 2 virbr0
make_guest 3 virbr0
guest_dhcp 2 30 || fail "guest 2 got no lease with INPUT DROP: $(tail -n 5 "$NP_TMP/g2.udhcpc.log")"
guest_dhcp 3 30 || fail "guest 3 got no lease with INPUT DROP: $(tail -n 5 "$NP_TMP/g3.udhcpc.log")"
pass "both guests got leases with the host's INPUT policy DROP"
expect_lookup "dnsmasq on the bridge answers a guest's DNS query" "${GUEST_NS[2]}" \
	"^Address: *${GUEST_IP[3]//./\\.}$" -type=a np-g3 192.168.122.1
expect_eq "bridge-nf-call-iptables is on" 1 \
	"$(ip netns exec "$NS_HOST" sysctl -n net.bridge.bridge-nf-call-iptables)"
expect_ok "guest 2 pings guest 3 across the bridge through Docker's FORWARD DROP" \
	ip netns exec "${GUEST_NS[2]}" timeout 15 busybox ping -c 2 -W 5 "${GUEST_IP[3]}"
expect_np_ok "net-destroy default (INPUT DROP)" net-destroy default
expect_eq "iptables-save after the second destroy equals before" "$BEFORE2" "$(ipt_rules)"
expect_match "INPUT policy DROP kept" '^:INPUT DROP$' "$(ipt_rules)"

log "ip6tables' FORWARD and INPUT policies DROP: a routed IPv6 subnet still works"
make_uplink6
ip -n "$NS_UPLINK" -6 route add fd00:157::/64 via "$HOST_UPLINK_IP6"
ip netns exec "$NS_HOST" ip6tables-nft -w -P FORWARD DROP
ip netns exec "$NS_HOST" ip6tables-nft -w -P INPUT DROP
# the host's own rule for its uplink: neighbour discovery with the router
ip netns exec "$NS_HOST" ip6tables-nft -w -A INPUT -i up0 -p ipv6-icmp -j ACCEPT
ip6t_rules() { ip netns exec "$NS_HOST" ip6tables-nft-save | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }
BEFORE6=$(ip6t_rules)
BEFORE4=$(ipt_rules)
expect_np_ok "net-define route6.xml" net-define "$MODES_DATA/route6.xml"
expect_np_ok "plan mroute6" plan mroute6
expect_match "plan inserts the ip6tables accept towards the routed /64" \
	'^ip6tables-nft -w -t filter -I FORWARD -d fd00:157::/64 -o nprt6 -j ACCEPT$' "$NP_OUT"
expect_match "plan inserts the ip6tables accept for neighbour discovery" \
	'^ip6tables-nft -w -t filter -I INPUT -i nprt6 -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation -j ACCEPT$' \
	"$NP_OUT"
expect_match "plan undoes it with ip6tables-nft" \
	'undone by: ip6tables-nft -w -t filter -D FORWARD -d fd00:157::/64 -o nprt6 -j ACCEPT' "$NP_OUT"
expect_np_ok "net-start mroute6" net-start mroute6
expect_match "ip6tables' FORWARD holds the accept" '^-A FORWARD -d fd00:157::/64 -o nprt6 -j ACCEPT$' "$(ip6t_rules)"
slaac_guest 4 nprt6
wait_until 20 guest_global6 4 'fd00:157:' ||
	fail "guest 4 got no SLAAC address in fd00:157::/64: $(ip -n "${GUEST_NS[4]}" -6 -o addr show dev eth0)"
G4=$(guest_global6 4 'fd00:157:')
pass "guest 4 has $G4 by SLAAC through ip6tables' INPUT DROP"
wait_until 10 guest_default6 4 || fail "guest 4 has no IPv6 default route: $(ip -n "${GUEST_NS[4]}" -6 route)"
expect_ping "guest 4 pings the uplink over IPv6 through ip6tables' FORWARD DROP" "${GUEST_NS[4]}" "$UPLINK_IP6"
expect_ping "the uplink pings guest 4 (routed)" "$NS_UPLINK" "$G4"
expect_np_ok "net-info mroute6" net-info mroute6
expect_no_match "health finds every ip6tables accept in place" 'degraded' "$NP_OUT"
ip netns exec "$NS_HOST" ip6tables-nft -w -D FORWARD -d fd00:157::/64 -o nprt6 -j ACCEPT
expect_no_ping "control: without that accept the uplink cannot reach guest 4" "$NS_UPLINK" "$G4"
expect_np_ok "net-info mroute6 (an accept deleted by hand)" net-info mroute6
expect_match "health notices the missing ip6tables accept" 'degraded' "$NP_OUT"
expect_np_ok "net-start mroute6 repairs it" net-start mroute6
expect_match "the accept is back" '^-A FORWARD -d fd00:157::/64 -o nprt6 -j ACCEPT$' "$(ip6t_rules)"
expect_np_ok "net-destroy mroute6" net-destroy mroute6
expect_eq "ip6tables-save after destroy equals before start" "$BEFORE6" "$(ip6t_rules)"
expect_eq "iptables-save after destroy equals before start" "$BEFORE4" "$(ipt_rules)"
expect_np_ok "net-undefine mroute6" net-undefine mroute6
