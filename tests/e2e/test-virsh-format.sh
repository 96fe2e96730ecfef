#!/bin/bash
# net-list and net-info print exactly what virsh prints for the same networks,
# byte for byte: compared with captures of the real libvirt 9.0 / virsh in
# docs/libvirt-reference/raw (uuids differ per run and are substituted).
. "$(dirname "$0")/lib.sh"

RAW=$NP_SRC/docs/libvirt-reference/raw
DATA=$NP_E2E_DIR/data/virsh
[ -d "$RAW" ] || skip "no virsh captures in $RAW"

# expect_same DESC CAPTURE ARGS...: netplumb ARGS prints CAPTURE's stdout exactly.
expect_same()
{
	local desc=$1 want=$2
	shift 2
	np "$@" >"$NP_TMP/got" 2>"$NP_TMP/got.err" || fail "$desc: netplumb $* failed: $(cat "$NP_TMP/got.err")"
	if ! cmp -s "$NP_TMP/want" "$NP_TMP/got"; then
		fail "$desc: output differs from virsh's ($want):
$(diff -u "$NP_TMP/want" "$NP_TMP/got" | cat -A)"
	fi
	pass "$desc"
}

capture() { cp "$RAW/$1.stdout" "$NP_TMP/want"; }

# capture_uuid CAPTURE NAME: the capture with NAME's uuid in place of libvirt's.
capture_uuid()
{
	local uuid
	uuid=$(np net-uuid "$2" | head -n1)
	sed "s/^UUID:           .*/UUID:           $uuid/" "$RAW/$1.stdout" >"$NP_TMP/want"
}

log "an empty store lists like an empty libvirt driver"
expect_np_ok "undefine the built-in default" net-undefine default
capture virsh-list-empty
expect_same "net-list, no networks" virsh-list-empty net-list

log "default (active, autostart), isolated (transient), route (inactive)"
cat >"$NP_TMP/default.xml" <<'XML'
<network>
  <name>default</name>
  <bridge name='virbr0'/>
  <forward/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>
XML
expect_np_ok "net-define default" net-define "$NP_TMP/default.xml"
expect_np_ok "net-autostart default" net-autostart default
expect_np_ok "net-define route" net-define "$DATA/route.xml"
expect_np_ok "net-create isolated" net-create "$DATA/isolated.xml"
expect_np_ok "net-start default" net-start default

capture virsh-list-all-mixed
expect_same "net-list --all" virsh-list-all-mixed net-list --all
capture virsh-list-mixed
expect_same "net-list" virsh-list-mixed net-list
capture virsh-list-inactive
expect_same "net-list --inactive" virsh-list-inactive net-list --inactive
capture virsh-list-name
expect_same "net-list --name" virsh-list-name net-list --name
capture_uuid virsh-info-active default
expect_same "net-info of an active persistent network" virsh-info-active net-info default
capture_uuid virsh-info-transient isolated
expect_same "net-info of a transient network" virsh-info-transient net-info isolated
capture_uuid virsh-info-inactive route
expect_same "net-info of an inactive network" virsh-info-inactive net-info route
expect_np_error "--name with --uuid is refused, as in virsh" net-list --all --name --uuid

expect_np_ok "net-destroy isolated" net-destroy isolated
expect_np_ok "net-destroy default" net-destroy default
expect_np_ok "net-undefine default" net-undefine default
expect_np_ok "net-undefine route" net-undefine route

log "names sort case-insensitively"
for n in 10net Beta Zeta _under alpha; do
	expect_np_ok "define $n" net-define "$DATA/case-$n.xml"
done
capture virsh-list-case
expect_same "net-list --all order" virsh-list-case net-list --all

e2e_done
