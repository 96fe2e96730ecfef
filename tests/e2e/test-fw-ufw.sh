#!/bin/bash
# Issue 15: netplumb beside UFW. The real ufw, enabled in the test's host
# namespace with its own copy of /etc/ufw (a private mount namespace, so the
# machine's ufw configuration is never touched; its sysctl file emptied so it
# sets no sysctl): default deny incoming, deny routed. A guest on 'default'
# gets a lease and DNS answers from the bridge address, reaches the uplink
# through NAT, the uplink cannot reach it, and net-destroy leaves UFW's
# ruleset exactly as it was. netplumb keeps to live iptables accepts and never
# writes UFW's files; `doctor` names UFW's own commands (`ufw route allow in
# on virbr0`, ...) as the alternative, and ufw takes them (--dry-run).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

command -v ufw >/dev/null || missing ufw
command -v unshare >/dev/null || missing unshare
NAT_PORT=5555
GUEST_PORT=6666
BANNER=hello-from-guest

make_uplink
ip -n "$NS_UPLINK" route add 192.168.122.0/24 via "$HOST_UPLINK_IP"
cp -a /etc/ufw "$NP_TMP/ufw-etc"
: >"$NP_TMP/ufw-etc/sysctl.conf"
ufw_ns()
{
	ip netns exec "$NS_HOST" unshare -m --propagation private \
		sh -c 'mount --bind "$0" /etc/ufw && exec "$@"' "$NP_TMP/ufw-etc" ufw "$@"
}
ufw_ns default deny incoming >/dev/null
ufw_ns default deny routed >/dev/null
ufw_ns --force enable >/dev/null
ipt_rules() { ip netns exec "$NS_HOST" iptables-nft-save | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }
BEFORE=$(ipt_rules)
expect_match "UFW set INPUT's policy to DROP" '^:INPUT DROP$' "$BEFORE"
expect_match "UFW set FORWARD's policy to DROP" '^:FORWARD DROP$' "$BEFORE"
expect_match "UFW's chains are loaded" '^:ufw-before-input - *$' "$BEFORE"
expect_eq "the machine's ufw stays disabled" "ENABLED=no" "$(grep '^ENABLED=' /etc/ufw/ufw.conf)"

expect_np_ok "net-start default beside UFW" net-start default
make_guest 1 virbr0
guest_dhcp 1 30 || fail "guest 1 got no lease beside UFW: $(tail -n 5 "$NP_TMP/g1.udhcpc.log")"
GIP=${GUEST_IP[1]}
expect_lookup "dnsmasq on the bridge answers the guest's DNS query" "${GUEST_NS[1]}" \
	"^Address: *${GIP//./\\.}$" -type=a np-g1 192.168.122.1
expect_ok "guest pings the uplink through NAT" \
	ip netns exec "${GUEST_NS[1]}" timeout 15 busybox ping -c 2 -W 5 "$UPLINK_IP"
expect_masquerade 1 "$NAT_PORT"
listen_banner "${GUEST_NS[1]}" "$GUEST_PORT" "$BANNER"
expect_fail "the uplink cannot connect to the guest" \
	ip netns exec "$NS_UPLINK" timeout 10 busybox nc -w 3 "$GIP" "$GUEST_PORT" </dev/null
expect_no_match "the uplink got nothing from the guest" "$BANNER" "$OUT"

log "doctor: netplumb's accepts are there; UFW's own commands as the alternative"
expect_np_ok "doctor beside UFW exits 0 (the accepts are in place)" doctor default
expect_match "doctor reports UFW's drops" 'evidence: table ip filter: chain FORWARD chain INPUT drops by policy' "$NP_OUT"
expect_match "doctor names UFW's route rule" \
	"in UFW's own place \(kept in /etc/ufw/user\.rules, which netplumb leaves to UFW\): ufw route allow in on virbr0; ufw allow in on virbr0 to any port 67 proto udp; ufw allow in on virbr0 to any port 53$" \
	"$NP_OUT"
UFW_CMDS=$(sed -n "s/.*in UFW's own place ([^)]*): //p" <<<"$NP_OUT")
IFS=';' read -ra CMDS <<<"$UFW_CMDS"
expect_eq "three UFW commands" 3 "${#CMDS[@]}"
for c in "${CMDS[@]}"; do
	c=${c# }
	read -ra W <<<"${c#ufw }"
	expect_ok "ufw takes '$c' (--dry-run, private /etc/ufw)" ufw_ns --dry-run "${W[@]}"
done
ufw_ns reload >/dev/null
expect_match "ufw reload leaves netplumb's accepts alone" '^-A FORWARD -i virbr0 -o virbr0 -j ACCEPT$' "$(ipt_rules)"
expect_np_ok "net-info after ufw reload" net-info default
expect_no_match "the network is not degraded after ufw reload" 'degraded' "$NP_OUT"
expect_eq "doctor changed nothing in UFW's ruleset" "$(ipt_rules | grep -v virbr0)" "$(grep -v virbr0 <<<"$BEFORE")"

expect_np_ok "net-destroy default" net-destroy default
expect_eq "UFW's ruleset after destroy equals before start" "$BEFORE" "$(ipt_rules)"
