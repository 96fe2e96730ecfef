#!/bin/bash
# Issue 17: unprivileged QEMU through qemu-bridge-helper. Two networks, one
# with <netplumb:qemu bridgeHelper='allow'/>, one without. QEMU run as
# nobody with `-netdev bridge,br=BRIDGE,helper=...` attaches to the allowed
# bridge (its tap appears there and the iPXE guest gets a lease that
# `net-dhcp-leases --wait` finds) and is refused for the other (QEMU exits
# with the helper's ACL error). netplumb's line `allow BRIDGE` is in
# /etc/qemu/netplumb.conf while the network runs, next to lines of others
# that it keeps, and gone after destroy (the file too once it is empty);
# every failed (NETPLUMB_FAULT_AT) or killed (NETPLUMB_KILL_AT) start leaves
# the file as it was. `plan` prints the step, `doctor` says when
# bridge.conf lacks the include.
#
# The host's /etc/qemu is never touched: the test re-runs itself in a
# private mount namespace (unshare -m) with a tmpfs on /etc/qemu (over an
# overlay of /etc when the host has no /etc/qemu), so netplumb writes the
# real path. Debian ships qemu-bridge-helper without the setuid bit (its
# admin sets it with `dpkg-statoverride --update --add root root 4755
# /usr/lib/qemu/qemu-bridge-helper`); when it is not setuid root, the test
# uses a setuid copy inside its own tmpfs instead (and a 0666 /dev/net/tun,
# Debian's mode, when the host's is stricter).
if [ -z "${NP_QEMU_HELPER_MNTNS:-}" ] && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	NP_QEMU_HELPER_MNTNS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/hostile/lib-state.sh
. "$NP_E2E_DIR/../hostile/lib-state.sh"

[ -n "${NP_QEMU_HELPER_MNTNS:-}" ] || missing "unshare (util-linux) for a private mount namespace"
QEMU=$(command -v qemu-system-x86_64) || missing "qemu-system-x86_64 (package qemu-system-x86)"
HELPER=/usr/lib/qemu/qemu-bridge-helper
[ -x "$HELPER" ] || missing "$HELPER (package qemu-system-common)"
[ -r /usr/lib/ipxe/qemu/efi-virtio.rom ] || missing "/usr/lib/ipxe/qemu/efi-virtio.rom (package ipxe-qemu)"
command -v setpriv >/dev/null || missing "setpriv (util-linux)"
# The whole point: never the host's mount namespace.
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
	fail "not in a private mount namespace: refusing to touch /etc/qemu"

ACL=/etc/qemu/netplumb.conf
MNT=$NP_TMP/mnt
MOUNTS=()
# Unmounted before lib.sh's cleanup removes NP_TMP.
helper_cleanup()
{
	local rc=$? i
	set +eE
	trap - ERR
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount -l "${MOUNTS[i]}" 2>/dev/null || true
	done
	(exit "$rc")
	cleanup
}
trap helper_cleanup EXIT

mkdir -m 0755 "$MNT"
mount -t tmpfs -o mode=0755 np-qemu-helper "$MNT"
MOUNTS+=("$MNT")
if [ ! -d /etc/qemu ]; then
	mkdir "$MNT/etc-upper" "$MNT/etc-work"
	mount -t overlay np-etc -o "lowerdir=/etc,upperdir=$MNT/etc-upper,workdir=$MNT/etc-work" /etc
	MOUNTS+=(/etc)
	mkdir -m 0755 /etc/qemu
fi
mount -t tmpfs -o mode=0755 np-etc-qemu /etc/qemu
MOUNTS+=(/etc/qemu)
pass "private /etc/qemu (tmpfs) in a mount namespace of the test's own"

if [ "$(stat -c %u "$HELPER")" != 0 ] || [ ! -u "$HELPER" ]; then
	install -m 4755 -o root -g root "$HELPER" "$MNT/qemu-bridge-helper"
	HELPER=$MNT/qemu-bridge-helper
	pass "qemu-bridge-helper is not setuid root here: a setuid copy in the test's tmpfs"
fi
# The helper keeps only CAP_NET_ADMIN and the caller's uid, so it opens
# /dev/net/tun as the user: Debian's udev makes it 0666. A host with a
# stricter node gets that mode here, in the private mount namespace only.
if [ "$(stat -c %a /dev/net/tun)" != 666 ]; then
	mknod -m 0666 "$MNT/tun" c 10 200
	mount --bind "$MNT/tun" /dev/net/tun
	MOUNTS+=(/dev/net/tun)
	pass "/dev/net/tun is 0666 in the test's mount namespace, as Debian's udev makes it"
fi
VM=$MNT/vm
mkdir -m 0700 "$VM"
chown nobody:nogroup "$VM"
# as nobody, in the test's host namespace
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

chmod 0711 "$NP_TMP"
for n in 0 1; do
	allow=""
	[ "$n" = 1 ] || allow="  <netplumb:qemu bridgeHelper='allow'/>"
	cat >"$NP_TMP/qh$n.xml" <<XML
<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0' xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>
  <name>qh$n</name>
  <forward mode='nat'/>
  <bridge name='npqhb$n' stp='off' delay='0'/>
  <ip address='192.168.16$n.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.16$n.10' end='192.168.16$n.99'/>
    </dhcp>
  </ip>
  <dnsmasq:options>
    <dnsmasq:option value='no-ping'/>
  </dnsmasq:options>
$allow
</network>
XML
	expect_np_ok "net-define qh$n" net-define "$NP_TMP/qh$n.xml"
done

expect_np_ok "plan qh0" plan qh0
expect_match "plan prints the ACL line, quoted, under flock of /etc/qemu" \
	"^flock /etc/qemu sh -c 'grep -qsxF -- \"\\\$1\" \"\\\$2\" \\|\\| echo \"\\\$1\" >>\"\\\$2\"' sh 'allow npqhb0' /etc/qemu/netplumb.conf$" "$NP_OUT"
expect_np_ok "plan qh1" plan qh1
expect_no_match "plan of qh1 (no bridgeHelper) has no ACL step" "flock" "$NP_OUT"

# doctor: bridge.conf without the include
expect_np_ok "doctor qh0 (bridge.conf missing)" doctor qh0
expect_match "doctor: bridge.conf does not include netplumb.conf" \
	"/etc/qemu/bridge.conf is missing, so nothing holds 'include /etc/qemu/netplumb.conf'" "$NP_OUT"
printf 'allow othernet0\n' >"$ACL"
expect_np_ok "net-start qh0 (bridge.conf still missing: the start does not need it)" net-start qh0
expect_eq "netplumb.conf: the other line kept, qh0's added" "$(printf 'allow othernet0\nallow npqhb0')" "$(cat "$ACL")"
expect_np_ok "net-destroy qh0" net-destroy qh0
expect_eq "netplumb.conf: only the other line is left" "allow othernet0" "$(cat "$ACL")"
rm "$ACL"

printf '# the admin'"'"'s file\ninclude /etc/qemu/netplumb.conf\n' >/etc/qemu/bridge.conf
expect_np_ok "doctor qh0 (bridge.conf includes netplumb.conf)" doctor qh0
expect_no_match "doctor: no include finding" "include /etc/qemu/netplumb.conf'" "$NP_OUT"

# Failed and killed starts leave the ACL as it was (no file).
for ((n = 1; n <= 60; n++)); do
	np_env NETPLUMB_FAULT_AT=$n -- net-start qh0
	[ "$NP_RC" -ne 0 ] || break
	one_error_line || fail "fault at $n: not one error line: $NP_ERR"
	[ ! -e "$ACL" ] || fail "fault at $n: $ACL left behind: $(cat "$ACL")"
	expect_inactive_clean "fault at change $n ($NP_ERR)" qh0 npqhb0
done
[ "$n" -le 60 ] || fail "net-start still fails with NETPLUMB_FAULT_AT=60"
pass "NETPLUMB_FAULT_AT=1..$((n - 1)): every failed start left no ACL line"
expect_eq "the start past the last change allows npqhb0" "allow npqhb0" "$(cat "$ACL")"
expect_np_ok "net-destroy qh0" net-destroy qh0
[ ! -e "$ACL" ] || fail "$ACL still there after destroy: $(cat "$ACL")"
pass "destroy removed the empty $ACL"
for ((n = 1; n <= 60; n++)); do
	np_env NETPLUMB_KILL_AT=$n -- net-start qh0
	[ "$NP_RC" -ne 0 ] || break
	[ "$NP_RC" -eq 137 ] || fail "kill at $n: exited $NP_RC: $NP_ERR"
	np_env -- net-destroy qh0
	[ "$NP_RC" -eq 0 ] || { [ "$NP_RC" -eq 1 ] && [[ "$NP_ERR" == *"'qh0' is not active"* ]]; } ||
		fail "kill at $n: net-destroy exited $NP_RC: $NP_ERR"
	[ ! -e "$ACL" ] || fail "kill at $n: $ACL left after net-destroy: $(cat "$ACL")"
	expect_inactive_clean "kill at change $n, then net-destroy" qh0 npqhb0
done
[ "$n" -le 60 ] || fail "net-start still killed with NETPLUMB_KILL_AT=60"
pass "NETPLUMB_KILL_AT=1..$((n - 1)): net-destroy after each killed start left no ACL line"
expect_np_ok "net-destroy qh0" net-destroy qh0

# Unprivileged QEMU.
expect_np_ok "net-start qh0 (bridgeHelper='allow')" net-start qh0
expect_np_ok "net-start qh1 (no bridgeHelper)" net-start qh1
expect_eq "$ACL allows npqhb0 only" "allow npqhb0" "$(cat "$ACL")"

expect_np_ok "doctor qh0 (active, its line there)" doctor qh0
expect_no_match "doctor: no missing-line finding" "lacks the line" "$NP_OUT"
: >"$ACL"
expect_np_ok "doctor qh0 (its line taken out by hand)" doctor qh0
expect_match "doctor: the line the start wrote is missing" "netplumb.conf lacks the line .allow npqhb0." "$NP_OUT"
echo "allow npqhb0" >"$ACL"
MAC=52:54:00:17:00:01
bg "$NS_HOST" 120 setpriv --reuid=nobody --regid=nogroup --clear-groups "$QEMU" \
	-machine pc -accel tcg -m 96 -nodefaults -display none -serial "file:$VM/serial0" -boot n \
	-netdev "bridge,id=n0,br=npqhb0,helper=$HELPER" -device "virtio-net-pci,netdev=n0,mac=$MAC" \
	>"$NP_TMP/qemu0.log" 2>&1
QEMU_PID=$BG_PID
tap_of() { ip -n "$NS_HOST" -o link show master "$1" type tun 2>/dev/null | awk -F': ' '{ print $2 }'; }
has_tap() { [ -n "$(tap_of "$1")" ]; }
wait_until 30 has_tap npqhb0 ||
	fail "no tap in npqhb0 (qemu: $(tail -n 3 "$NP_TMP/qemu0.log"))"
pass "QEMU as nobody: the helper put tap $(tap_of npqhb0) into npqhb0"
qpid=$(ip netns pids "$NS_HOST" | while read -r p; do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = qemu-system-x86 ] && echo "$p"; done | head -n1)
expect_eq "that QEMU runs as nobody" "$(id -u nobody)" "$(awk '/^Uid:/ { print $2 }' "/proc/$qpid/status")"
np_capture net-dhcp-leases qh0 --wait "$MAC" --timeout 60
[ "$NP_RC" = 0 ] || fail "no lease for $MAC: $NP_ERR (qemu: $(tail -n 3 "$NP_TMP/qemu0.log"))"
expect_match "the unprivileged guest holds a lease on qh0" "  $MAC  +ipv4  +192\.168\.160\.[0-9]+/24 " "$NP_OUT"
kill_pid "$QEMU_PID"

rc=0
ip netns exec "$NS_HOST" timeout -k 2 60 setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$QEMU" -machine pc -accel tcg -m 96 -nodefaults -display none -boot n \
	-netdev "bridge,id=n0,br=npqhb1,helper=$HELPER" -device "virtio-net-pci,netdev=n0,mac=52:54:00:17:00:02" \
	>"$NP_TMP/qemu1.log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then
	fail "QEMU for npqhb1 exited $rc: $(tail -n 3 "$NP_TMP/qemu1.log")"
fi
expect_match "QEMU as nobody is refused npqhb1 by the helper's ACL (exit $rc)" "access denied by acl file" "$(cat "$NP_TMP/qemu1.log")"
expect_eq "no tap in npqhb1" "" "$(tap_of npqhb1)"

expect_np_ok "net-destroy qh0" net-destroy qh0
[ ! -e "$ACL" ] || fail "$ACL still there after destroy: $(cat "$ACL")"
pass "after destroy the allow line is gone (and the empty file)"
expect_np_ok "net-destroy qh1" net-destroy qh1
e2e_done
