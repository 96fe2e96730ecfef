#!/bin/bash
# Issue 17: real QEMU guests (TCG, the iPXE ROMs of ipxe-qemu) through
# `port-add --tap`. A virtio-net guest, started with the very line port-add
# printed, and an e1000 guest each get a lease that `net-dhcp-leases --wait`
# reports, then fetch over TFTP the boot script that only the DHCP answer
# named (<bootp file=... server=.../>, dnsmasq's TFTP from <tftp root=.../>)
# and run it: the script asks the host for an HTTP URL holding this run's
# token and the guest's MAC, which proves the guest accepted that answer.
# stp='off' and no-ping: the lease comes seconds after QEMU starts.
# QEMU's serial console and output go to files in the test's temp dir.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

QEMU=$(command -v qemu-system-x86_64) || missing "qemu-system-x86_64 (package qemu-system-x86)"
for rom in efi-virtio.rom efi-e1000.rom; do
	[ -r "/usr/lib/ipxe/qemu/$rom" ] || missing "/usr/lib/ipxe/qemu/$rom (package ipxe-qemu)"
done
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# dnsmasq drops root for user dnsmasq: the TFTP root must be reachable.
chmod 0711 "$NP_TMP"
TFTP=$NP_TMP/tftp
mkdir -m 0755 "$TFTP"
TOKEN=np$RANDOM$RANDOM
# shellcheck disable=SC2016 # ${net0/mac} is iPXE's, expanded by the guest
printf '#!ipxe\necho netplumb boot script %s\nchain http://192.168.150.1:8080/%s/${net0/mac:hexhyp}\n' \
	"$TOKEN" "$TOKEN" >"$TFTP/np-boot-$TOKEN.ipxe"
chmod 0644 "$TFTP/np-boot-$TOKEN.ipxe"
cat >"$NP_TMP/pxe.xml" <<XML
<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>
  <name>pxe</name>
  <bridge name='npqbr0' stp='off' delay='0'/>
  <ip address='192.168.150.1' netmask='255.255.255.0'>
    <tftp root='$TFTP'/>
    <dhcp>
      <range start='192.168.150.10' end='192.168.150.99'/>
      <bootp file='np-boot-$TOKEN.ipxe' server='192.168.150.1'/>
    </dhcp>
  </ip>
  <dnsmasq:options>
    <dnsmasq:option value='no-ping'/>
  </dnsmasq:options>
</network>
XML
expect_np_ok "net-create pxe (stp off, no-ping, TFTP, bootp file)" net-create "$NP_TMP/pxe.xml"

# boot N MODEL: a QEMU guest with a NIC of MODEL on tap npqN.
boot()
{
	local n=$1 model=$2 tap=npq$1 mac line t0 t1 ms http=$NP_TMP/http$1
	expect_np_ok "port-add pxe --tap $tap --json" port-add pxe --tap "$tap" --json
	mac=$(sed -n 's/.*"mac": "\([0-9a-f:]*\)".*/\1/p' <<<"$NP_OUT")
	line=$(sed -n 's/.*"qemu": "\([^"]*\)".*/\1/p' <<<"$NP_OUT")
	expect_match "port-add printed the QEMU line for $tap" "^-netdev tap,id=net0,ifname=$tap,.* -device virtio-net-pci,netdev=net0,mac=$mac$" "$line"
	# The printed line as is; the e1000 guest swaps only the device model.
	line=${line/virtio-net-pci/$model}
	: >"$http"
	bg "$NS_HOST" 120 busybox nc -l -p 8080 >"$http" 2>/dev/null
	local nc_pid=$BG_PID
	# shellcheck disable=SC2086 # the line is split into QEMU's arguments
	bg "$NS_HOST" 120 "$QEMU" -machine pc -accel tcg -m 96 -nodefaults -display none \
		-serial "file:$NP_TMP/qemu$n.serial" -boot n $line >"$NP_TMP/qemu$n.log" 2>&1
	local qemu_pid=$BG_PID
	t0=$(now_ms)
	np_capture net-dhcp-leases pxe --wait "$mac" --timeout 50
	t1=$(now_ms)
	[ "$NP_RC" = 0 ] || fail "$model guest: no lease: $NP_ERR (qemu: $(tail -n 3 "$NP_TMP/qemu$n.log"))"
	expect_match "$model guest ($mac) holds a lease in 192.168.150.10-99" \
		"  $mac  +ipv4  +192\.168\.150\.([1-9][0-9])/24 " "$NP_OUT"
	ms=$((t1 - t0))
	[ "$ms" -lt 40000 ] || fail "$model guest: the lease took $ms ms"
	pass "$model guest: lease $((ms / 1000)).$((ms % 1000 / 100)) s after QEMU started (TCG)"
	wait_until 40 grep -q "^GET /$TOKEN/${mac//:/-} " "$http" ||
		fail "$model guest never ran the boot script (HTTP: $(head -c 300 "$http"))"
	pass "$model guest fetched np-boot-$TOKEN.ipxe over TFTP and ran it ($(head -n1 "$http" | tr -d '\r'))"
	kill_pid "$qemu_pid"
	kill_pid "$nc_pid"
}

boot 1 virtio-net-pci
boot 2 e1000

expect_np_ok "net-destroy pxe" net-destroy pxe
expect_eq "npqbr0 is gone" "" "$(ip -n "$NS_HOST" -o link show dev npqbr0 2>/dev/null || true)"
expect_eq "the taps are gone" "" "$(ip -n "$NS_HOST" -o link show type tun 2>/dev/null || true)"
