#!/bin/bash
# net-destroy is synchronous and deletes only what its start made:
#   - 20 times: start default, destroy it; the moment destroy returns there is
#     no link with the bridge's MAC, no address or route of 192.168.122.0/24,
#     no chain of virbr0, no netplumb process and no dnsmasq of it; and since
#     it was the last network, `nft list ruleset` is empty;
#   - a link renamed npgone7 by hand (the name an old netplumb gave retired
#     bridges) is never touched;
#   - a bridge deleted by hand and replaced by another bridge of the same name
#     is reported degraded, not healthy, and net-destroy leaves the other one
#     alone;
#   - net-destroy takes several names and --all.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"


make_uplink

# Snapshot of what the destroyed network could have left, taken at once.
leftovers()
{
	local mac=$1
	ip -n "$NS_HOST" -o link show | grep -ci "$mac" | sed 's/^/links with its MAC: /'
	ip -n "$NS_HOST" -o addr show | grep -c '192\.168\.122\.' | sed 's/^/addresses: /'
	ip -n "$NS_HOST" route show table all | grep -c '192\.168\.122\.' | sed 's/^/routes: /'
	ip netns exec "$NS_HOST" nft list ruleset | grep -c . | sed 's/^/nft ruleset lines: /'
	ns_comms "$NS_HOST" | awk '$2 == "netplumb" || $2 ~ /^np-/ || $2 == "dnsmasq"' |
		wc -l | sed 's/^/netplumb or dnsmasq processes: /'
}
CLEAN="links with its MAC: 0
addresses: 0
routes: 0
nft ruleset lines: 0
netplumb or dnsmasq processes: 0"

log "a link of someone else's named like an old netplumb's retired bridge"
ip -n "$NS_HOST" link add npgone7 type bridge
ip -n "$NS_HOST" link add npgone8 type veth peer name npgone9
FOREIGN=$(ip -n "$NS_HOST" -o link show | grep -E ': npgone[789]' | sed 's/^[0-9]*: //' | sort)

log "20 start/destroy cycles: everything gone when net-destroy returns"
for i in $(seq 1 20); do
	OUT=$(np net-start default 2>&1) || fail "cycle $i: net-start failed: $OUT"
	MAC=$(ip -n "$NS_HOST" -o link show dev virbr0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
	[ -n "$MAC" ] || fail "cycle $i: no virbr0"
	OUT=$(ip netns exec "$NS_HOST" timeout -k 5 60 "$NETPLUMB" --config-dir "$NP_CONFIG" \
		--state-dir "$NP_STATE" --run-dir "$NP_RUN" net-destroy default && leftovers "$MAC") ||
		fail "cycle $i: net-destroy failed: $OUT"
	LEFT=$(grep -v -e '^Network ' -e '^$' <<<"$OUT")
	[ "$LEFT" = "$CLEAN" ] || fail "cycle $i: right after net-destroy:
$LEFT"
done
pass "20 of 20 destroys left no link, address, route, nft rule or process behind"
expect_eq "the npgone7/npgone8 links are untouched" "$FOREIGN" \
	"$(ip -n "$NS_HOST" -o link show | grep -E ': npgone[789]' | sed 's/^[0-9]*: //' | sort)"

log "a bridge replaced by someone else's of the same name"
expect_np_ok "net-start default" net-start default
ip -n "$NS_HOST" link del virbr0
ip -n "$NS_HOST" link add virbr0 type bridge
OTHER=$(ip -n "$NS_HOST" -o link show dev virbr0 | sed 's/^[0-9]*: //')
expect_np_ok "net-info default" net-info default
expect_match "it is not reported healthy" 'degraded|bridge missing' "$NP_OUT"
expect_np_ok "net-destroy default" net-destroy default
expect_eq "the other virbr0 is still there, unchanged" "$OTHER" \
	"$(ip -n "$NS_HOST" -o link show dev virbr0 | sed 's/^[0-9]*: //')"
ip -n "$NS_HOST" link del virbr0

log "net-destroy with several names, and --all"
cat >"$NP_TMP/iso.xml" <<'XML'
<network>
  <name>iso</name>
  <bridge name='npiso0' stp='off'/>
  <ip address='192.168.123.1' netmask='255.255.255.0'/>
</network>
XML
expect_np_ok "net-define iso" net-define "$NP_TMP/iso.xml"
expect_np_ok "net-start default" net-start default
expect_np_ok "net-start iso" net-start iso
expect_np_ok "net-destroy default iso" net-destroy default iso
expect_eq "both destroyed" "Network default destroyed

Network iso destroyed" "$NP_OUT"
expect_eq "no bridge of either" "" "$(ip -n "$NS_HOST" -o link show | grep -E 'virbr0|npiso0' || true)"
expect_np_ok "net-start default" net-start default
expect_np_ok "net-start iso" net-start iso
expect_np_ok "net-destroy --all" net-destroy --all
expect_np_ok "net-list" net-list
expect_no_match "nothing active" 'active' "$NP_OUT"
expect_eq "an empty ruleset" "" "$(ip netns exec "$NS_HOST" nft list ruleset)"
expect_np_error "net-destroy of an inactive one still fails" net-destroy iso

e2e_done
