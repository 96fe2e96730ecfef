#!/bin/bash
# Issue 17: a Linux guest under QEMU (TCG) through a netplumb tap: Debian's
# kernel (linux-image-cloud-amd64) and an initramfs this test builds from
# busybox-static, both taken with `apt-get download` + `dpkg-deb -x` into a
# cache directory (NP_GUEST_CACHE, default $TMPDIR/netplumb-guest-cache) and
# never installed. The guest loads virtio-net, gets its lease with udhcpc
# (seen by `net-dhcp-leases --wait`), and pings the uplink through NAT; the
# uplink sees the ping coming from the host's address. The serial console
# goes to a file in the test's temp dir.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

QEMU=$(command -v qemu-system-x86_64) || missing "qemu-system-x86_64 (package qemu-system-x86)"
CACHE=${NP_GUEST_CACHE:-${TMPDIR:-/tmp}/netplumb-guest-cache}

# fetch: the kernel and busybox-static packages, downloaded once per cache.
KPKG=
fetch()
{
	mkdir -p "$CACHE"
	KPKG=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
	[ -n "$KPKG" ] || return 1
	ls "$CACHE/${KPKG}"_*.deb >/dev/null 2>&1 && ls "$CACHE"/busybox-static_*.deb >/dev/null 2>&1 &&
		return 0
	(cd "$CACHE" && apt-get download -q "$KPKG" busybox-static) >"$NP_TMP/apt.log" 2>&1
}
fetch || missing "linux-image-cloud-amd64 / busybox-static .debs (apt-get download failed: $(tail -n 2 "$NP_TMP/apt.log" 2>/dev/null))"

log "build the guest: kernel + busybox initramfs"
X=$NP_TMP/x
mkdir -p "$X/k" "$X/bb"
dpkg-deb -x "$(ls "$CACHE/${KPKG}"_*.deb | tail -n1)" "$X/k"
dpkg-deb -x "$(ls "$CACHE"/busybox-static_*.deb | tail -n1)" "$X/bb"
KERNEL=$(ls "$X"/k/boot/vmlinuz-* | head -n1)
R=$X/root
mkdir -p "$R"/{bin,m,proc,sys,dev,tmp}
cp "$X/bb/bin/busybox" "$R/bin/busybox"
MODS="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net"
for m in $MODS; do
	f=$(find "$X/k/lib/modules" -name "$m.ko" | head -n1)
	[ -n "$f" ] && cp "$f" "$R/m/"
done
cat >"$R/udhcpc.sh" <<'SH'
#!/bin/busybox sh
case "$1" in
bound | renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface"
	[ -z "$router" ] || ip route add default via "${router%% *}"
	echo "NP-GUEST-LEASE $ip/$mask router $router"
	;;
esac
SH
cat >"$R/init" <<SH
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $MODS; do [ -e /m/\$m.ko ] && insmod /m/\$m.ko; done
ip link set lo up
ip link set eth0 up
echo "NP-GUEST-UP \$(cat /sys/class/net/eth0/address)"
udhcpc -i eth0 -n -q -t 15 -T 2 -s /udhcpc.sh || echo NP-GUEST-NO-LEASE
ping -c 1 -W 5 $UPLINK_IP && echo NP-GUEST-PING-OK
echo NP-GUEST-DONE
reboot -f
SH
chmod 0755 "$R/init" "$R/udhcpc.sh"
(cd "$R" && find . | busybox cpio -o -H newc 2>/dev/null) >"$X/initrd"
[ -s "$X/initrd" ] && [ -n "$KERNEL" ] || fail "could not build the guest"
pass "guest: $(basename "$KERNEL") + busybox initramfs ($(($(stat -c %s "$X/initrd") / 1024)) KiB)"

make_uplink
expect_np_ok "net-start default" net-start default
expect_np_ok "port-add default --tap nplx0 --json" port-add default --tap nplx0 --json
MAC=$(sed -n 's/.*"mac": "\([0-9a-f:]*\)".*/\1/p' <<<"$NP_OUT")
LINE=$(sed -n 's/.*"qemu": "\([^"]*\)".*/\1/p' <<<"$NP_OUT")

# The uplink counts the pings it sees from the host's outside address.
ip netns exec "$NS_UPLINK" nft -f - <<'NFT'
table inet np_seen {
	chain in {
		type filter hook input priority 0;
		ip saddr 198.51.100.1 icmp type echo-request counter
	}
}
NFT

log "boot"
# shellcheck disable=SC2086 # the printed line is split into QEMU's arguments
bg "$NS_HOST" 150 "$QEMU" -machine pc -accel tcg -m 256 -nodefaults -display none -no-reboot \
	-serial "file:$NP_TMP/guest.serial" -kernel "$KERNEL" -initrd "$X/initrd" \
	-append "console=ttyS0 panic=-1 quiet" $LINE >"$NP_TMP/qemu.log" 2>&1
QEMU_PID=$BG_PID
np_capture net-dhcp-leases default --wait "$MAC" --timeout 55
[ "$NP_RC" = 0 ] || fail "no lease: $NP_ERR (serial: $(tail -n 5 "$NP_TMP/guest.serial"))"
expect_match "net-dhcp-leases --wait shows the guest's lease" \
	"  $MAC  +ipv4  +192\.168\.122\.[0-9]+/24 " "$NP_OUT"
IP=$(sed -n 's/.* ipv4 *\(192\.168\.122\.[0-9]*\)\/24 .*/\1/p' <<<"$NP_OUT")
wait_until 60 grep -q NP-GUEST-DONE "$NP_TMP/guest.serial" ||
	fail "the guest did not finish (serial: $(tail -n 5 "$NP_TMP/guest.serial"))"
SERIAL=$(tr -d '\r' <"$NP_TMP/guest.serial")
expect_match "the guest's eth0 has the port's MAC" "^NP-GUEST-UP $MAC$" "$SERIAL"
expect_match "udhcpc in the guest got $IP from 192.168.122.1" "^NP-GUEST-LEASE $IP/24 router 192.168.122.1$" "$SERIAL"
expect_match "the guest pinged the uplink" "^NP-GUEST-PING-OK$" "$SERIAL"
expect_match "the uplink saw it from the host's address (NAT)" "counter packets [1-9]" \
	"$(ip netns exec "$NS_UPLINK" nft list chain inet np_seen in)"
wait "$QEMU_PID" 2>/dev/null || true
expect_np_ok "net-destroy default" net-destroy default
