#!/bin/bash
# Links netplumb did not create are never taken (issue 20):
#   - a stored tap port whose name is now held by someone else's tap, and a
#     stored veth port whose name is held by someone else's veth (vnet0, the
#     name libvirt gives VM taps): net-start fails with one line naming the
#     link, and the foreign links keep their master, MAC, owner and state;
#   - the same after net-destroy of a network that did start: destroy
#     deletes only the links it recorded (ifindex and MAC), never by name;
#   - auto-named ports are npportN, not libvirt's vnetN.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

make_uplink
G1="$NS_PREFIX-g1"
ns_add "$G1"

link_state() { ip -n "$NS_HOST" -d -o link show dev "$1" 2>/dev/null | sed -e 's/^[0-9]*: //' -e 's/ state [A-Z]*//' -e 's/NO-CARRIER,//' -e 's/,LOWER_UP//'; }

log "ports recorded while the network is inactive"
expect_np_ok "net-list --all (defines 'default')" net-list --all
expect_np_ok "port-add default --tap nptap0" port-add default --tap nptap0
expect_np_ok "port-add default --veth G1 --ifname vnet0" port-add default --veth "$G1" --ifname vnet0
expect_np_ok "port-add default --veth G1 (auto name)" port-add default --veth "$G1" --peer eth1
expect_match "an auto-named port is npportN" '^Port npport[0-9]+ added' "$NP_OUT"

log "someone else's links take those names before the network starts"
ip -n "$NS_HOST" tuntap add dev nptap0 mode tap
ip -n "$NS_HOST" link add vnet0 address 02:00:00:00:00:42 type veth peer name vnet0p
ip -n "$NS_HOST" link add name fbr0 type bridge
ip -n "$NS_HOST" link set vnet0 master fbr0
TAP_BEFORE=$(link_state nptap0)
VETH_BEFORE=$(link_state vnet0)
expect_np_error "net-start fails on the taken names" net-start default
expect_match "the error names the link" 'nptap0|vnet0' "$NP_ERR"
expect_eq "the foreign tap is unchanged" "$TAP_BEFORE" "$(link_state nptap0)"
expect_eq "the foreign veth is unchanged (master, MAC)" "$VETH_BEFORE" "$(link_state vnet0)"
expect_eq "no bridge of netplumb is left" "" "$(ip -n "$NS_HOST" -o link show dev virbr0 2>/dev/null || true)"
expect_np_ok "net-list" net-list --all
expect_match "default is inactive" '^ *default +inactive ' "$NP_OUT"

log "without the tap port, the veth port's name is the one in the way"
expect_np_ok "port-delete default nptap0" port-delete default nptap0
expect_np_error "net-start fails on vnet0" net-start default
expect_match "the error names vnet0" "attach port vnet0: interface vnet0 already exists" "$NP_ERR"
expect_eq "the foreign veth is unchanged (master, MAC)" "$VETH_BEFORE" "$(link_state vnet0)"

log "with the ports gone from the record, the network starts beside the foreign links"
expect_np_ok "port-delete default vnet0" port-delete default vnet0
expect_eq "port-delete of an inactive network's port left the foreign tap" "$TAP_BEFORE" "$(link_state nptap0)"
expect_eq "... and the foreign veth" "$VETH_BEFORE" "$(link_state vnet0)"
expect_np_ok "net-start default" net-start default
expect_np_ok "net-destroy default" net-destroy default
expect_eq "net-destroy left the foreign tap" "$TAP_BEFORE" "$(link_state nptap0)"
expect_eq "net-destroy left the foreign veth" "$VETH_BEFORE" "$(link_state vnet0)"

e2e_done
