#!/usr/bin/env bash
# Firewall zones with a real firewalld (Debian's package), as libvirt 9.0
# uses them: <bridge zone='trusted'> puts the bridge in that zone and destroy
# takes it out again; without firewalld such a network does not start; a
# bridge without <bridge zone> goes into zone 'libvirt' when firewalld runs,
# and the start is refused while firewalld has no such zone.
#
# firewalld runs in this test's host namespace, in a mount and pid namespace
# of its own (tmpfs over /run and /var/log, a copy of /etc/firewalld bound
# over it), on a private system bus: a dbus-daemon with its own config and
# socket in the test's directory. netplumb reaches it only through
# DBUS_SYSTEM_BUS_ADDRESS, which it hands to firewall-cmd. The host's bus,
# firewalld and configuration are never touched; killing the test's
# processes ends the pid namespace and everything in it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

# Not in scripts/deps.sh: installing the package starts firewalld on a
# systemd host, which would firewall the machine running the tests.
for t in firewalld firewall-cmd dbus-daemon unshare; do
	command -v "$t" >/dev/null || skip "'$t' is not installed (apt-get install --no-install-recommends firewalld)"
done

ETC_BEFORE=$(find /etc/firewalld -type f -exec sha256sum {} + | sort)
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$NP_TMP/bus.sock"
cat >"$NP_TMP/bus.conf" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$NP_TMP/bus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
XML
mkdir "$NP_TMP/fw-etc"
cp -a /etc/firewalld/. "$NP_TMP/fw-etc/"
cat >"$NP_TMP/firewalld.sh" <<'SH'
set -eu
mount --make-rprivate /
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/log
mount --bind "$1/fw-etc" /etc/firewalld
mount -t proc proc /proc
firewalld --nofork --nopid --log-target console
SH

write_net()
{
	local name=$1 br=$2 net=$3 zone=$4
	cat >"$NP_TMP/$name.xml" <<XML
<network>
  <name>$name</name>
  <forward mode='nat'/>
  <bridge name='$br' stp='off'$zone/>
  <ip address='$net.1' prefix='24'>
    <dhcp>
      <range start='$net.10' end='$net.20'/>
    </dhcp>
  </ip>
</network>
XML
}
write_net fz npfwz0 192.168.185 " zone='trusted'"
write_net fl npfwl0 192.168.186 ""
expect_np_ok "define fz" net-define "$NP_TMP/fz.xml"
expect_np_ok "define fl" net-define "$NP_TMP/fl.xml"

snapshot()
{
	ip -n "$NS_HOST" -o link show | sed -e 's/^[0-9]*: //' -e 's/ state [A-Z]*//' | sort
	ip -n "$NS_HOST" -4 -o addr show | sed -e 's/^[0-9]*: //' -e 's/ valid_lft.*//' | sort
	ip netns exec "$NS_HOST" nft list table inet netplumb 2>&1 || true
}
zone_of() { firewall-cmd --get-zone-of-interface="$1" 2>&1 || true; }

log "a private system bus, no firewalld yet"
bg "$NS_HOST" 900 dbus-daemon --config-file="$NP_TMP/bus.conf" --nofork --nopidfile --nosyslog
wait_until 10 test -S "$NP_TMP/bus.sock" || fail "dbus-daemon did not come up"
pass "dbus-daemon serves $NP_TMP/bus.sock"
BEFORE=$(snapshot)
expect_np_error "net-start fz fails without firewalld" net-start fz
expect_match "one line: firewalld is not running" "^netplumb: error: .*firewalld is not running" "$NP_ERR"
expect_eq "one line on stderr" 1 "$(grep -c . <<<"$NP_ERR")"
expect_eq "nothing changed" "$BEFORE" "$(snapshot)"
expect_np_ok "plan fl" plan fl
expect_match "plan puts a bridge without zone= in zone libvirt" '^firewall-cmd --zone=libvirt --change-interface=npfwl0$' "$NP_OUT"
expect_match "when firewalld runs" '^# skipped when firewalld does not run$' "$NP_OUT"
np_capture net-start fl
expect_eq "fl starts without firewalld" 0 "$NP_RC"
expect_eq "and says nothing about it" "" "$NP_ERR"
expect_np_ok "destroy fl" net-destroy fl

log "firewalld, in a mount and pid namespace of its own"
bg "$NS_HOST" 900 unshare --mount --pid --fork --kill-child bash "$NP_TMP/firewalld.sh" "$NP_TMP"
FW_PID=$BG_PID
wait_until 30 firewall-cmd --state ||
	fail "firewalld did not come up: $(firewall-cmd --state 2>&1)"
pass "firewall-cmd --state: running (on the private bus)"

log "<bridge zone='trusted'>"
expect_np_ok "net-start fz" net-start fz
expect_eq "firewalld has npfwz0 in zone trusted" trusted "$(zone_of npfwz0)"
expect_match "firewalld's own table is in the test's namespace" '^table inet firewalld' \
	"$(ip netns exec "$NS_HOST" nft list tables)"
expect_np_ok "net-destroy fz" net-destroy fz
expect_eq "npfwz0 is in no zone any more" "no zone" "$(zone_of npfwz0)"

log "no zone=: libvirt's zone 'libvirt', missing from this firewalld"
BEFORE=$(snapshot)
expect_np_error "net-start fl is refused" net-start fl
expect_match "naming the missing zone" "firewalld's zone 'libvirt': firewall-cmd failed .*INVALID_ZONE: libvirt" "$NP_ERR"
expect_eq "one line on stderr" 1 "$(grep -c . <<<"$NP_ERR")"
expect_eq "nothing changed" "$BEFORE" "$(snapshot)"

log "no zone=, with a 'libvirt' zone"
expect_ok "add zone libvirt (the private /etc/firewalld)" firewall-cmd --permanent --new-zone=libvirt
expect_ok "firewall-cmd --reload" firewall-cmd --reload
expect_np_ok "net-start fl" net-start fl
expect_eq "firewalld has npfwl0 in zone libvirt" libvirt "$(zone_of npfwl0)"
expect_np_ok "net-destroy fl" net-destroy fl
expect_eq "npfwl0 is in no zone any more" "no zone" "$(zone_of npfwl0)"
expect_np_ok "undefine fz" net-undefine fz
expect_np_ok "undefine fl" net-undefine fl

kill_pid "$FW_PID"
expect_eq "the host's /etc/firewalld is untouched" "$ETC_BEFORE" \
	"$(find /etc/firewalld -type f -exec sha256sum {} + | sort)"
fw_gone() { ! ns_comms "$NS_HOST" | grep -Eq ' (firewalld|python3)$'; }
wait_until 5 fw_gone || fail "firewalld still runs: $(ns_comms "$NS_HOST")"
pass "firewalld ended with its pid namespace"
e2e_done
