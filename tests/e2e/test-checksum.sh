#!/bin/bash
# Why netplumb adds no DHCP checksum rule (issue 13), shown by what a guest
# captures (np-csum-check: a packet socket with PACKET_AUXDATA on its eth0).
# libvirt 9.0's iptables backend adds `-o BRIDGE -p udp --dport 68 -j CHECKSUM
# --checksum-fill`; its nftables backend adds none (libvirt commit 3855f9fb),
# and netplumb, whose firewall is nftables too, adds none. What guests get:
# - behind a port that offloads checksums (a veth here, a vhost tap for a
#   virtio guest), dnsmasq's replies arrive with the checksum left to offload
#   (TP_STATUS_CSUMNOTREADY: "unfilled"). The guest's kernel trusts them, and
#   so does a DHCP client that reads PACKET_AUXDATA (busybox udhcpc here): it
#   gets its lease. Only old clients that check the bytes themselves over
#   vhost needed the rule; for them <driver name='qemu'/> is the workaround.
# - behind a port that does not (a tap of an emulated NIC), the kernel fills
#   the checksum itself on the way out: "valid".
# - nft's own tool, `udp checksum set 0`, fills nothing: the packet stays
#   pending with its pseudo-header seed overwritten by 0, so behind a port
#   without offload the kernel then writes a wrong checksum ("bad") and the
#   guest gets no lease at all. So that rule is not used either.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

BR=virbr0
CHECKER=${NP_CSUM_CHECK:-$(dirname "$NETPLUMB")/../tests/np-csum-check}
[ -x "$CHECKER" ] || missing "np-csum-check not built ($CHECKER; set NP_CSUM_CHECK)"
command -v ethtool >/dev/null 2>&1 || missing "'ethtool' is not installed"

# capture TRIES: a DHCP exchange of guest 1 (TRIES DISCOVERs, one a second)
# seen by np-csum-check on its eth0; CAPTURE gets one verdict per reply
# frame, CAPTURE_RC the client's status (3: no reply frame seen at all).
capture()
{
	local info="$NP_TMP/g1.lease"
	rm -f "$info"
	CAPTURE_RC=0
	CAPTURE=$(ip netns exec "${GUEST_NS[1]}" env NP_UDHCPC_INFO="$info" \
		"$CHECKER" eth0 $(($1 + 25)) -- busybox udhcpc -i eth0 -n -q -t "$1" -T 1 \
		-s "$NP_TMP/udhcpc.script" 2>>"$NP_TMP/g1.udhcpc.log") || CAPTURE_RC=$?
	ip -n "${GUEST_NS[1]}" addr flush dev eth0
}

# all_frames DESC VERDICT: some reply frame was seen, and every one was VERDICT.
all_frames()
{
	[ -n "$CAPTURE" ] || fail "$1: no DHCP reply frame seen (client exit $CAPTURE_RC)"
	if grep -qvx -- "$2" <<<"$CAPTURE"; then
		fail "$1: expected every reply '$2', got: $(tr '\n' ' ' <<<"$CAPTURE")"
	fi
}

# expect_lease DESC VERDICT: a lease, every reply frame VERDICT.
expect_lease()
{
	capture 15
	[ "$CAPTURE_RC" -eq 0 ] || fail "$1: the DHCP client exited $CAPTURE_RC: $CAPTURE"
	all_frames "$1" "$2"
	pass "$1: a lease, $(grep -c . <<<"$CAPTURE") reply frame(s) all $2"
}

# expect_no_lease DESC VERDICT: replies came, all VERDICT, and no lease.
expect_no_lease()
{
	capture 4
	[ "$CAPTURE_RC" -ne 0 ] || fail "$1: the DHCP client got a lease: $CAPTURE"
	all_frames "$1" "$2"
	pass "$1: no lease, $(grep -c . <<<"$CAPTURE") reply frame(s) all $2"
}

# port_tx_csum on|off: checksum offload of the bridge port toward guest 1.
port_tx_csum()
{
	ip netns exec "$NS_HOST" ethtool -K vnet1 tx "$1" >/dev/null
}

ruleset() { ip netns exec "$NS_HOST" nft list ruleset; }
# other_tables: the nft tables of the host namespace that are not netplumb's.
other_tables() { ruleset | sed -n '/^table /{/^table inet netplumb {$/!p}'; }

log "no checksum step or rule in the plan"
expect_np_ok "plan default" plan default
# (the test's temp dir has "checksum" in its name)
expect_no_match "plan: nothing about checksums, port 68 or iptables" \
	'CHECKSUM|checksum (set|fill)|dport 68|mangle|iptables' "$NP_OUT"
expect_np_ok "plan default --json" plan default --json
expect_no_match "plan --json: no checksum step" '"step": "[^"]*(checksum|csum)' "$NP_OUT"

log "net-start default: netplumb's own table only, no rule for DHCP replies"
expect_np_ok "net-start default" net-start default
expect_match "table inet netplumb" '^table inet netplumb \{$' "$(ruleset)"
expect_eq "no other nft table (no ip mangle)" "" "$(other_tables)"
expect_no_match "no rule touches udp port 68 or a checksum" 'dport 68|checksum' "$(ruleset)"

log "a port with checksum offload: replies pending offload, the guest gets its lease"
make_guest 1 "$BR"
expect_lease "veth port, offload on" unfilled

log "a port without checksum offload: the kernel fills the checksum itself"
port_tx_csum off
expect_lease "veth port, offload off" valid

log "the nft-native rewrite (udp checksum set 0) fills nothing and breaks such a port"
ip netns exec "$NS_HOST" nft -f - <<EOF
add table inet np-e2e-csum
add chain inet np-e2e-csum post { type filter hook postrouting priority mangle; policy accept; }
add rule inet np-e2e-csum post oifname "$BR" udp dport 68 counter udp checksum set 0
EOF
expect_no_lease "udp checksum set 0, offload off" bad
port_tx_csum on
expect_lease "udp checksum set 0, offload on: still pending" unfilled
expect_match "the hand-made rule did see the replies" 'counter packets [1-9]' \
	"$(ip netns exec "$NS_HOST" nft list chain inet np-e2e-csum post)"
ip netns exec "$NS_HOST" nft delete table inet np-e2e-csum

log "net-destroy default"
expect_np_ok "net-destroy default" net-destroy default
expect_no_match "no chain of $BR left" "chain [a-z]+-$BR " "$(ruleset)"
expect_eq "no nft table but netplumb's" "" "$(other_tables)"
e2e_done
