#!/bin/bash
# Issue 4 scope, <forward mode='bridge'/> with a named existing host bridge:
# net-start creates nothing (no link, address, rule, sysctl or dnsmasq), it
# only records the network as active; a guest on the host's bridge reaches
# what is there; net-destroy leaves the host's
# bridge as it found it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

# The administrator's bridge, with an address of its own.
ip -n "$NS_HOST" link add npext0 type bridge stp_state 0
ip -n "$NS_HOST" addr add 10.50.0.1/24 dev npext0
ip -n "$NS_HOST" link set npext0 up

expect_np_ok "net-define bridge.xml" net-define "$MODES_DATA/bridge.xml"
SYS_BEFORE=$(host_snapshot)
expect_np_ok "plan mbr --show nft" plan mbr --show nft
expect_eq "no nft transaction for a bridge-mode network" "" "$NP_OUT"
expect_np_ok "net-start mbr" net-start mbr
expect_eq "net-start message" "Network mbr started" "$NP_OUT"
expect_np_ok "net-list" net-list
expect_match "mbr is listed active" '^ *mbr +active ' "$NP_OUT"
expect_eq "net-start changed nothing in the host" "$SYS_BEFORE" "$(host_snapshot)"
expect_no_match "no dnsmasq for a bridge-mode network" ' dnsmasq$' "$(ns_comms "$NS_HOST")"

log "a guest on the host's bridge reaches what is there"
# Wired by hand: 'port-add' refuses bridge-mode networks for now (see report).
make_guest 1 npext0
ip -n "${GUEST_NS[1]}" addr add 10.50.0.10/24 dev eth0
expect_ping "the guest reaches the host bridge's address" "${GUEST_NS[1]}" 10.50.0.1

log "net-destroy leaves the host's bridge alone"
expect_np_ok "net-destroy mbr" net-destroy mbr
expect_match "npext0 is still there, with its address" 'inet 10\.50\.0\.1/24 ' \
	"$(ip -n "$NS_HOST" -o addr show dev npext0)"
expect_match "npext0 is still up" '[<,]UP[,>]' "$(ip -n "$NS_HOST" link show dev npext0)"

e2e_done
