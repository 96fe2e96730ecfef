#!/bin/bash
# Issue 15: `net-define --auto-subnet FILE` moves a taken IPv4 /24 (here
# 192.168.122.0/24 of 'default', and 192.168.123.0/24 routed via another
# link) to the first free /24 from 192.168.122.0/24 up: address, DHCP range
# and static hosts alike, and says which it picked.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

ip -n "$NS_HOST" link add lan0 type veth peer name lan0p
ip -n "$NS_HOST" link set lan0 up
ip -n "$NS_HOST" route add 192.168.123.0/24 dev lan0
cat >"$NP_TMP/other.xml" <<'XML'
<network>
  <name>other</name>
  <forward mode='nat'/>
  <bridge name='npother0' stp='off'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.100' end='192.168.122.150'/>
      <host mac='52:54:00:00:00:07' name='fixed' ip='192.168.122.7'/>
    </dhcp>
  </ip>
</network>
XML
expect_np_ok "net-list seeds default" net-list --all
expect_np_ok "net-define --auto-subnet" net-define "$NP_TMP/other.xml" --auto-subnet
expect_match "it says which subnet it picked" \
	'^Network other: its subnet was taken, moved to 192\.168\.124\.0/24$' "$NP_OUT"
expect_np_ok "net-dumpxml other" net-dumpxml other --inactive
expect_match "the address moved" "<ip address='192\.168\.124\.1' netmask='255\.255\.255\.0'>" "$NP_OUT"
expect_match "the range moved" "<range start='192\.168\.124\.100' end='192\.168\.124\.150'/>" "$NP_OUT"
expect_match "the static host moved" "ip='192\.168\.124\.7'" "$NP_OUT"
expect_np_ok "net-start other" net-start other
expect_np_ok "net-destroy other" net-destroy other

cat >"$NP_TMP/free.xml" <<'XML'
<network>
  <name>free</name>
  <bridge name='npfree0' stp='off'/>
  <ip address='192.168.200.1' netmask='255.255.255.0'/>
</network>
XML
expect_np_ok "net-define --auto-subnet of a free subnet" net-define "$NP_TMP/free.xml" --auto-subnet
expect_no_match "a free subnet is not moved" 'moved' "$NP_OUT"
expect_np_ok "net-define without --auto-subnet keeps a taken subnet" net-define "$NP_TMP/other.xml"
expect_np_ok "net-dumpxml other (plain define)" net-dumpxml other --inactive
expect_match "plain net-define does not move it" "<ip address='192\.168\.122\.1'" "$NP_OUT"
