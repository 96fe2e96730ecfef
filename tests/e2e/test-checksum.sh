#!/bin/bash
# Issue 4: libvirt's DHCP checksum fix. net-start of 'default' adds one rule
# `-o virbr0 -p udp --dport 68 -j CHECKSUM --checksum-fill` tagged
# "netplumb:virbr0" to iptables-nft's table ip mangle, chain POSTROUTING, and
# its effect is seen by a guest: the DHCP replies dnsmasq sends arrive with
# their UDP checksum filled in (not left pending for offload, which old DHCP
# clients drop); with the rule deleted by hand they arrive unfilled, and
# net-start repairs that. `nft flush ruleset` + net-reload brings it back;
# net-destroy removes it and leaves a foreign rule of the same chain alone.
# Issue 7: a start over chains left behind (made by hand from `plan --show
# nft`, with a stale rule added) ends with exactly the planned rules, once.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

BR=virbr0
TAG="netplumb:$BR"
CHECKER=${NP_CSUM_CHECK:-$(dirname "$NETPLUMB")/../tests/np-csum-check}
[ -x "$CHECKER" ] || missing "np-csum-check not built ($CHECKER; set NP_CSUM_CHECK)"
IPT=$(command -v iptables-nft || true)

# tagged_rules: how many rules of ip mangle POSTROUTING carry our tag.
tagged_rules()
{
	ip netns exec "$NS_HOST" nft list chain ip mangle POSTROUTING 2>/dev/null |
		grep -c -F "\"$TAG\"" || true
}

# capture: a DHCP exchange of guest 1 seen by np-csum-check on its eth0;
# CAPTURE gets one verdict per reply frame, CAPTURE_RC the client's status.
capture()
{
	local info="$NP_TMP/g1.lease"
	rm -f "$info"
	CAPTURE_RC=0
	CAPTURE=$(ip netns exec "${GUEST_NS[1]}" env NP_UDHCPC_INFO="$info" \
		"$CHECKER" eth0 40 -- busybox udhcpc -i eth0 -n -q -t 15 -T 1 \
		-s "$NP_TMP/udhcpc.script" 2>>"$NP_TMP/g1.udhcpc.log") || CAPTURE_RC=$?
}

# expect_replies DESC VERDICT: a lease, and every reply frame was VERDICT.
expect_replies()
{
	capture
	[ "$CAPTURE_RC" -eq 0 ] || fail "$1: the DHCP client exited $CAPTURE_RC (3: no reply seen): $CAPTURE"
	[ -n "$CAPTURE" ] || fail "$1: no DHCP reply frame seen"
	grep -qvx -- "$2" <<<"$CAPTURE" && fail "$1: expected every reply '$2', got: $(tr '\n' ' ' <<<"$CAPTURE")"
	pass "$1: got a lease, $(grep -c . <<<"$CAPTURE") reply frame(s) all $2"
}

# planned_rules CHAIN: the "add rule" lines `plan --show nft` has for CHAIN.
planned_rules()
{
	np plan default --show nft | grep -c "^add rule inet netplumb $1 " || true
}

# live_rules CHAIN: the rules nft lists in CHAIN.
live_rules()
{
	ip netns exec "$NS_HOST" nft list chain inet netplumb "$1" 2>/dev/null |
		grep -cE '^[[:space:]]+[a-z].* (accept|reject|drop|return|masquerade)( |$)' || true
}

expect_rules_once()
{
	local c want got
	for c in "fwd-$BR" "nat-$BR"; do
		want=$(planned_rules "$c")
		got=$(live_rules "$c")
		[ "$want" -gt 0 ] || fail "$1: the plan has no rule for $c"
		[ "$got" = "$want" ] || fail "$1: $c has $got rules, the plan $want:
$(ip netns exec "$NS_HOST" nft list chain inet netplumb "$c")"
	done
	pass "$1: both chains hold the planned rules once"
}

log "plan shows the rule as a best-effort iptables-nft command"
expect_np_ok "plan default" plan default
expect_match "plan: iptables-nft line" "^iptables-nft -t mangle -I POSTROUTING -o $BR -p udp -m udp --dport 68 -m comment --comment $TAG -j CHECKSUM --checksum-fill  # best effort" "$NP_OUT"
expect_np_ok "plan default --json" plan default --json
expect_match "plan --json: a dhcp-checksum step" '"step": "dhcp-checksum".*"optional": true' "$NP_OUT"

log "net-start default: one tagged rule"
expect_np_ok "net-start default" net-start default
expect_eq "one tagged rule in ip mangle POSTROUTING" 1 "$(tagged_rules)"
if [ -n "$IPT" ]; then
	OUT=$(ip netns exec "$NS_HOST" iptables-nft -t mangle -S POSTROUTING)
	# it quotes the comment
	expect_eq "iptables-nft -t mangle -S lists exactly one netplumb rule" \
		"-A POSTROUTING -o $BR -p udp -m udp --dport 68 -m comment --comment $TAG -j CHECKSUM --checksum-fill" \
		"$(grep -F -- "$TAG" <<<"$OUT" | tr -d '"')"
else
	log "iptables-nft not installed: its listing is not checked"
fi
expect_rules_once "fresh start"

log "the effect: DHCP replies reach a guest with their checksum filled in"
make_guest 1 "$BR"
expect_replies "with the rule" valid

log "the rule deleted by hand: replies arrive unfilled, net-start repairs"
HANDLE=$(ip netns exec "$NS_HOST" nft -a list chain ip mangle POSTROUTING |
	sed -n "/\"$TAG\"/s/.*# handle \([0-9]*\)$/\1/p")
[ -n "$HANDLE" ] || fail "no handle for the tagged rule"
ip netns exec "$NS_HOST" nft delete rule ip mangle POSTROUTING handle "$HANDLE"
expect_eq "the rule is gone" 0 "$(tagged_rules)"
expect_replies "without the rule" unfilled
expect_np_ok "net-info default" net-info default
expect_match "net-info: degraded, the rule missing" '^Active: +yes \(degraded: DHCP checksum rule missing\)' "$NP_OUT"
expect_np_ok "net-start default (repairs)" net-start default
expect_match "net-start: the rule re-added" "^Network default repaired: DHCP checksum rule re-added$" "$NP_OUT"
expect_eq "one tagged rule again" 1 "$(tagged_rules)"
expect_replies "repaired" valid

log "nft flush ruleset takes ip mangle too; net-reload restores both"
ip netns exec "$NS_HOST" nft flush ruleset
expect_eq "no tagged rule after the flush" 0 "$(tagged_rules)"
expect_np_ok "net-reload default" net-reload default
expect_match "net-reload: rules and the checksum rule" "firewall rules re-applied, DHCP checksum rule re-added" "$NP_OUT"
expect_eq "one tagged rule after net-reload" 1 "$(tagged_rules)"
expect_rules_once "after net-reload"
expect_np_ok "net-reload default again" net-reload default
expect_eq "still one tagged rule" 1 "$(tagged_rules)"

log "net-destroy removes our rule only"
ip netns exec "$NS_HOST" nft add rule ip mangle POSTROUTING oifname "$BR" udp dport 9 counter comment '"np-e2e-foreign"'
expect_np_ok "net-destroy default" net-destroy default
expect_eq "no tagged rule after net-destroy" 0 "$(tagged_rules)"
expect_match "the foreign rule survives" 'np-e2e-foreign' \
	"$(ip netns exec "$NS_HOST" nft list chain ip mangle POSTROUTING)"

log "a start over chains left behind (issue 7)"
np plan default --show nft | ip netns exec "$NS_HOST" nft -f -
ip netns exec "$NS_HOST" nft add rule inet netplumb "fwd-$BR" ip saddr 203.0.113.9 counter drop
expect_np_ok "net-start default over leftover chains" net-start default
expect_rules_once "over leftovers"
expect_no_match "the stale rule is gone" '203\.0\.113\.9' \
	"$(ip netns exec "$NS_HOST" nft list chain inet netplumb "fwd-$BR")"
expect_eq "one tagged rule" 1 "$(tagged_rules)"
expect_np_ok "net-destroy default" net-destroy default
expect_no_match "no chain of $BR left" "chain [a-z]+-$BR " \
	"$(ip netns exec "$NS_HOST" nft list table inet netplumb 2>/dev/null || true)"
e2e_done
