#!/bin/bash
# Issue 14, libvirt's semantics: zero-padded octets are read as libvirt reads
# them (192.168.000.1 is 192.168.0.1), a DHCP range over 65536 addresses is
# refused with one line and defines nothing, a <route> the kernel refuses
# (gateway: the subnet's broadcast address, "Nexthop has invalid gateway";
# this kernel takes the bridge's own address) is a warning and the network
# runs, an open network needs no <ip> (libvirt 10.8), and validate notes on
# stderr what netplumb keeps but does not apply. Also: <bridge zone> without
# firewalld fails the start with one line and changes nothing; <domain
# register='yes'> outside PID 1's network namespace is skipped with a
# warning; net-desc.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

log "zero-padded octets"
cat >"$NP_TMP/pad.xml" <<'XML'
<network>
  <name>pad</name>
  <forward mode='nat'/>
  <bridge name='nppad0'/>
  <ip address='192.168.000.1' netmask='255.255.255.000'>
    <dhcp>
      <range start='192.168.0.002' end='192.168.000.254'/>
    </dhcp>
  </ip>
</network>
XML
expect_np_ok "validate accepts 192.168.000.1" validate "$NP_TMP/pad.xml"
expect_match "validate prints 192.168.0.1" "<ip address='192\.168\.0\.1' netmask='255\.255\.255\.0'>" "$NP_OUT"
expect_match "and the range canonical" "<range start='192\.168\.0\.2' end='192\.168\.0\.254'/>" "$NP_OUT"
expect_np_ok "net-define accepts it" net-define "$NP_TMP/pad.xml"
expect_np_ok "net-dumpxml pad" net-dumpxml pad
expect_match "the stored definition has 192.168.0.1" "<ip address='192\.168\.0\.1'" "$NP_OUT"
expect_np_ok "net-undefine pad" net-undefine pad

log "a DHCP range over 65536 addresses"
STORE_BEFORE=$(np_store_sum)
sed -e 's/192.168.000.1/10.0.0.1/' -e 's/255.255.255.000/255.0.0.0/' \
	-e "s/192.168.0.002/10.0.0.2/" -e "s/192.168.000.254/10.255.255.254/" \
	-e 's/>pad</>big</' "$NP_TMP/pad.xml" >"$NP_TMP/big.xml"
expect_np_error "validate refuses the range" validate "$NP_TMP/big.xml"
expect_match "libvirt's meaning: too large" 'range 10\.0\.0\.2 - 10\.255\.255\.254 is too large \(> 65535\)' "$NP_ERR"
expect_np_error "net-define refuses it" net-define "$NP_TMP/big.xml"
expect_eq "nothing was stored" "$STORE_BEFORE" "$(np_store_sum)"

log "a route the kernel refuses is a warning"
cat >"$NP_TMP/rt.xml" <<'XML'
<network>
  <name>rt</name>
  <forward mode='route'/>
  <bridge name='nprt0' stp='off'/>
  <ip address='192.168.181.1' prefix='24'/>
  <route address='10.99.0.0' prefix='16' gateway='192.168.181.255'/>
</network>
XML
expect_np_ok "define rt" net-define "$NP_TMP/rt.xml"
expect_np_ok "plan rt" plan rt
expect_match "plan says the route only warns" 'ip route add 10\.99\.0\.0/16 via 192\.168\.181\.255 dev nprt0 .*a failure here is a warning' "$NP_OUT"
np_capture net-start rt
expect_eq "net-start rt succeeds" 0 "$NP_RC"
expect_match "with a warning naming the route" 'warning: .*10\.99\.0\.0/16' "$NP_ERR"
expect_np_ok "net-info rt" net-info rt
expect_match "rt is active" 'Active: +yes' "$NP_OUT"
expect_match "its address is on the bridge" '192\.168\.181\.1/24' "$(ip -n "$NS_HOST" -o addr show dev nprt0)"
expect_no_match "the refused route is not there" '10\.99\.0\.0' "$(ip -n "$NS_HOST" route show)"
expect_np_ok "net-destroy rt" net-destroy rt
expect_fail "the bridge is gone" ip -n "$NS_HOST" link show nprt0
expect_np_ok "net-undefine rt" net-undefine rt

log "mode='open' without <ip>"
cat >"$NP_TMP/op.xml" <<'XML'
<network>
  <name>op</name>
  <title>an open network</title>
  <forward mode='open'/>
  <bridge name='npop0' stp='off'/>
</network>
XML
expect_np_ok "define op" net-define "$NP_TMP/op.xml"
expect_np_ok "start op" net-start op
expect_ok "the bridge is up" ip -n "$NS_HOST" link show npop0 up
expect_eq "and has no IPv4 address" "" "$(ip -n "$NS_HOST" -4 -o addr show dev npop0)"
expect_np_ok "net-dumpxml op" net-dumpxml op
expect_match "the title round-trips" '<title>an open network</title>' "$NP_OUT"
expect_np_ok "destroy op" net-destroy op
expect_np_ok "undefine op" net-undefine op

log "<bridge zone> without firewalld: refused at start, nothing changed"
# lib.sh points DBUS_SYSTEM_BUS_ADDRESS at a bus nobody serves: the host's
# firewalld, if any, is never reached.
cat >"$NP_TMP/zn.xml" <<'XML'
<network>
  <name>zn</name>
  <forward mode='nat'/>
  <bridge name='npzn0' zone='trusted' stp='off'/>
  <ip address='192.168.182.1' prefix='24'>
    <dhcp>
      <range start='192.168.182.10' end='192.168.182.20'/>
    </dhcp>
  </ip>
</network>
XML
expect_np_ok "define zn" net-define "$NP_TMP/zn.xml"
expect_np_ok "plan zn" plan zn
expect_match "plan prints the zone step" '^firewall-cmd .*--zone=trusted.* .*--change-interface=npzn0' "$NP_OUT"
zn_snapshot()
{
	ip -n "$NS_HOST" -o link show | sed -e 's/^[0-9]*: //' -e 's/ state [A-Z]*//' | sort
	ip -n "$NS_HOST" -4 -o addr show | sed -e 's/^[0-9]*: //' -e 's/ valid_lft.*//' | sort
	ip -n "$NS_HOST" -4 route show table all | sort
	ip netns exec "$NS_HOST" nft -s list ruleset
}
SYS_BEFORE=$(zn_snapshot)
STORE_BEFORE=$(np_store_sum)
expect_np_error "net-start zn fails" net-start zn
expect_match "the line says firewalld is not running" "firewalld is not running" "$NP_ERR"
expect_eq "links, addresses, routes and nft unchanged" "$SYS_BEFORE" "$(zn_snapshot)"
expect_eq "the store is unchanged" "$STORE_BEFORE" "$(np_store_sum)"
expect_no_match "no dnsmasq left" ' dnsmasq$' "$(ns_comms "$NS_HOST")"
expect_np_ok "undefine zn" net-undefine zn

log "<domain register='yes'> outside PID 1's network namespace: skipped with a warning"
# systemd-resolved names links in its own namespace: from this test's,
# resolvectl would reach the host's resolved and a host link named nprg0.
# --netns says for certain that it is another one (PID 1's namespace is not
# readable everywhere, e.g. in some containers), and no system bus is named.
DBUS_SYSTEM_BUS_ADDRESS=
cat >"$NP_TMP/rg.xml" <<'XML'
<network>
  <name>rg</name>
  <forward mode='nat'/>
  <bridge name='nprg0' stp='off'/>
  <domain name='rg.test' register='yes'/>
  <ip address='192.168.183.1' prefix='24'>
    <dhcp>
      <range start='192.168.183.10' end='192.168.183.20'/>
    </dhcp>
  </ip>
</network>
XML
expect_np_ok "define rg" --netns "$NS_HOST" net-define "$NP_TMP/rg.xml"
expect_np_ok "plan rg" --netns "$NS_HOST" plan rg
expect_match "plan says the registration is skipped" "^# skipped: <domain register='yes'>: not registered with systemd-resolved: bridge nprg0 is not in the network namespace of PID 1" "$NP_OUT"
expect_no_match "and has no resolvectl step" 'resolvectl' "$NP_OUT"
np_capture --netns "$NS_HOST" net-start rg
expect_eq "net-start rg succeeds" 0 "$NP_RC"
expect_match "with one warning" "warning: <domain register='yes'>: not registered with systemd-resolved: bridge nprg0 is not in the network namespace of PID 1, where resolved runs" "$NP_ERR"
expect_eq "one line on stderr" 1 "$(grep -c . <<<"$NP_ERR")"
expect_np_ok "net-info rg" --netns "$NS_HOST" net-info rg
expect_match "rg is active" 'Active: +yes' "$NP_OUT"
expect_np_ok "destroy rg" --netns "$NS_HOST" net-destroy rg
expect_np_ok "undefine rg" --netns "$NS_HOST" net-undefine rg
DBUS_SYSTEM_BUS_ADDRESS="unix:path=$NP_TMP/no-system-bus"

log "net-desc"
expect_np_ok "define op again" net-define "$NP_TMP/op.xml"
expect_np_ok "net-desc --title op" net-desc op --title
expect_eq "prints the title" "an open network" "$NP_OUT"
expect_np_ok "net-desc op (no description)" net-desc op
expect_eq "says there is none" "No description for network: op" "$NP_OUT"
expect_np_ok "set the description" net-desc op "a longer text"
expect_np_ok "net-dumpxml op" net-dumpxml op
expect_match "the description is stored" '<description>a longer text</description>' "$NP_OUT"
expect_np_error "a title with a newline is refused" net-desc op --title "$(printf 'a\nb')"
expect_np_error "--live on an inactive network is refused" net-desc op --live "x"
expect_np_ok "start op" net-start op
expect_np_ok "set the live title" net-desc op --live --title "live title"
expect_np_ok "net-dumpxml op (live)" net-dumpxml op
expect_match "the live definition has it" '<title>live title</title>' "$NP_OUT"
expect_np_ok "net-dumpxml --inactive op" net-dumpxml op --inactive
expect_match "the persistent one keeps its own" '<title>an open network</title>' "$NP_OUT"
expect_np_ok "destroy op" net-destroy op
expect_np_ok "undefine op" net-undefine op

log "validate notes what it keeps without applying"
cat >"$NP_TMP/md.xml" <<'XML'
<network>
  <name>md</name>
  <metadata><a:x xmlns:a='http://example.org/a'>1</a:x></metadata>
  <bridge name='npmd0'/>
</network>
XML
np_capture validate "$NP_TMP/md.xml"
expect_eq "validate md succeeds" 0 "$NP_RC"
expect_match "one note line on stderr for <metadata>" '^netplumb: note: .*md\.xml: <metadata>: kept and formatted' "$NP_ERR"
expect_eq "exactly one line" 1 "$(wc -l <"$NP_TMP/np.err")"

log "a mode netplumb does not plumb, which libvirtd refuses at define: kept, not started"
cat >"$NP_TMP/qbh.xml" <<'XML'
<network>
  <name>qbh</name>
  <forward mode="private" dev="eth1">
    <interface dev="eth1"/>
  </forward>
  <vlan>
    <tag id='549'/>
  </vlan>
  <virtualport type="802.1Qbh">
    <parameters profileid="spongebob24"/>
  </virtualport>
</network>
XML
np_capture validate "$NP_TMP/qbh.xml"
expect_eq "validate keeps it, as libvirt's XML layer does" 0 "$NP_RC"
expect_match "formatted as libvirt formats it" "<tag id='549'/>" "$NP_OUT"
expect_match "a note names libvirtd's define-time reason" "libvirtd 9\.0 refuses it at net-define too: <vlan>: not supported by forward mode 'private'" "$NP_ERR"
expect_np_ok "net-define keeps it" net-define "$NP_TMP/qbh.xml"
expect_np_ok "net-dumpxml qbh" net-dumpxml qbh
expect_match "the stored definition keeps the virtualport" "<parameters profileid='spongebob24'/>" "$NP_OUT"
LINKS_BEFORE=$(ip -o link | wc -l)
expect_np_error "net-start refuses it" net-start qbh
expect_match "with one line naming the mode" "forward mode 'private' is not supported by netplumb" "$NP_ERR"
expect_eq "one line" 1 "$(wc -l <"$NP_TMP/np.err")"
expect_eq "no link was made" "$LINKS_BEFORE" "$(ip -o link | wc -l)"
expect_np_ok "net-undefine qbh" net-undefine qbh

pass "all"
