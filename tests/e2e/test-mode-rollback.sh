#!/bin/bash
# Issue 4: a failure at any step of net-start undoes everything. A routed
# IPv4+IPv6 network is started into collisions: its bridge name already a
# link, its IPv4 or IPv6 subnet already on another link, its IPv4 subnet
# already routed elsewhere; the nft transaction fails in the middle; and a NAT
# IPv4+IPv6 network fails at its last step (dnsmasq refuses its
# configuration). Each start prints one error line naming the cause, and leaves links, addresses, routes, nft, sysctls, processes
# and netplumb's files as they were. With the collisions gone, start works.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

# snapshot: host_snapshot without an empty 'table inet netplumb': netplumb
# keeps its (empty) table once created, as libvirt keeps its own.
snapshot()
{
	host_snapshot | awk '
		pending { if ($0 == "}") { pending = 0; next } print pending_line; pending = 0 }
		$0 == "table inet netplumb {" { pending = 1; pending_line = $0; next }
		{ print }
		END { if (pending) print pending_line }'
}

# expect_undone DESC NAME: the host and the store are as in SYS_BEFORE /
# STORE_BEFORE, no dnsmasq runs and NAME is inactive.
expect_undone()
{
	expect_eq "$1: links, addresses, routes, nft and sysctls unchanged" \
		"$SYS_BEFORE" "$(snapshot)"
	expect_eq "$1: netplumb's files unchanged" "$STORE_BEFORE" "$(np_store_sum)"
	expect_no_match "$1: no dnsmasq in the host namespace" ' dnsmasq$' "$(ns_comms "$NS_HOST")"
	expect_np_ok "$1: net-list --all" net-list --all
	expect_match "$1: $2 is inactive" "^ *$2 +inactive " "$NP_OUT"
}

# start_fails DESC NAME ERE: net-start NAME fails with one line matching ERE
# and leaves nothing behind.
start_fails()
{
	SYS_BEFORE=$(snapshot)
	STORE_BEFORE=$(np_store_sum)
	expect_np_error "$1: net-start $2 fails" net-start "$2"
	expect_match "$1: the error names the cause" "$3" "$NP_ERR"
	expect_undone "$1" "$2"
}

make_uplink
expect_np_ok "net-define rollback.xml" net-define "$MODES_DATA/rollback.xml"
expect_np_ok "net-define rollback-dnsmasq.xml" net-define "$MODES_DATA/rollback-dnsmasq.xml"
# libvirt never turns forwarding off again, not even when a start fails:
# have it on already so that the snapshots show what a start must undo.
ip netns exec "$NS_HOST" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

log "the bridge name is already a link"
ip -n "$NS_HOST" link add nproll0 type veth peer name nproll0-peer
start_fails "bridge name taken" mroll 'nproll0'
expect_match "the other nproll0 is still a veth" 'veth' "$(ip -n "$NS_HOST" -d link show dev nproll0)"
ip -n "$NS_HOST" link del nproll0

log "the IPv4 subnet is on another link"
# Both ends up: the addresses' routes exist only with a carrier.
ip -n "$NS_HOST" link add other0 type veth peer name other0-peer
ip -n "$NS_HOST" link set other0-peer up
ip -n "$NS_HOST" link set other0 up
ip -n "$NS_HOST" addr add 192.168.158.50/24 dev other0
start_fails "IPv4 subnet in use" mroll '192\.168\.158\.0/24'
ip -n "$NS_HOST" addr del 192.168.158.50/24 dev other0

log "the IPv6 subnet is on another link"
ip -n "$NS_HOST" addr add fd00:158::50/64 dev other0 nodad
start_fails "IPv6 subnet in use" mroll 'fd00:158::/64'
ip -n "$NS_HOST" addr del fd00:158::50/64 dev other0

log "the IPv4 subnet is routed elsewhere (a route, no address)"
ip -n "$NS_HOST" route add 192.168.158.0/24 via "$UPLINK_IP"
start_fails "IPv4 subnet routed" mroll '192\.168\.158\.0/24'
ip -n "$NS_HOST" route del 192.168.158.0/24 via "$UPLINK_IP"
ip -n "$NS_HOST" link del other0

log "a middle step fails: the nft transaction (a chain of that name is in use)"
# After the bridge, addresses and sysctls, before dnsmasq. The chain is not
# netplumb's: it must survive the rollback.
ip netns exec "$NS_HOST" nft -f - <<'EOF'
table inet netplumb {
	chain fwd-nproll0 {
		counter
	}
	chain np-e2e-admin {
		jump fwd-nproll0
	}
}
EOF
start_fails "nft transaction fails" mroll 'fwd-nproll0'
ip netns exec "$NS_HOST" nft delete table inet netplumb

log "the last step fails: dnsmasq refuses its configuration"
start_fails "dnsmasq fails" mrolldns 'dnsmasq'
expect_eq "no pid file or live status for mrolldns" "" \
	"$(ls "$NP_RUN"/mrolldns.pid "$NP_RUN"/mrolldns.xml 2>/dev/null || true)"

log "with the collisions gone the same start works"
expect_np_ok "net-start mroll" net-start mroll
expect_match "nproll0 has 192.168.158.1/24" 'inet 192\.168\.158\.1/24 ' \
	"$(ip -n "$NS_HOST" -o addr show dev nproll0)"
expect_np_ok "net-destroy mroll" net-destroy mroll

e2e_done
