#!/bin/bash
# Issue 5, net-update end to end on the running 'default' network:
# - add ip-dhcp-host --live --config: a new guest with that MAC gets exactly
#   the reserved address (even when it asks for another one), dnsmasq keeps
#   its pid (SIGHUP, no restart) and an existing guest keeps its lease;
# - delete --live: the reservation is gone from the running dnsmasq too;
# - --config alone changes the persistent definition only: the running
#   dnsmasq, its files and the live XML stay as they were;
# - dns-host --live reaches dnsmasq by SIGHUP as well; dns-txt --live
#   restarts dnsmasq (its config file changed, as libvirt does) and the
#   leases survive the restart;
# - refused updates change nothing.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

RES_IP=192.168.122.50   # reserved for guest 2
DEL_IP=192.168.122.51   # reserved for guest 4, then deleted
CFG_IP=192.168.122.60   # reserved for guest 3 with --config only

# guest_dhcp_req N IP: like guest_dhcp, but the guest asks for IP (option 50).
# dnsmasq gives a free requested address unless a dhcp-host entry reserves
# another one for the guest's MAC: which address comes back shows which
# reservations the running dnsmasq knows.
guest_dhcp_req()
{
	local n=$1 want=$2 info="$NP_TMP/g$1.lease" rc=0
	rm -f "$info"
	ip netns exec "${GUEST_NS[$n]}" env NP_UDHCPC_INFO="$info" \
		timeout -k 2 70 busybox udhcpc -i eth0 -n -q -t 30 -T 1 -r "$want" \
		-x "hostname:np-g$n" -s "$NP_TMP/udhcpc.script" >"$NP_TMP/g$n.udhcpc.log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ] && [ -r "$info" ]; then
		# shellcheck disable=SC2004 # an associative array: the key is "$n"
		GUEST_IP[$n]=$(sed -n 's/^ip=//p' "$info")
	fi
	return "$rc"
}

hostsfile() { cat "$NP_STATE/default.hostsfile" 2>/dev/null || true; }
addnhosts() { cat "$NP_STATE/default.addnhosts" 2>/dev/null || true; }

log "start default; guest 1 gets a dynamic lease"
expect_np_ok "net-start default" net-start default
PID=$(np_dnsmasq_pid default) || fail "no dnsmasq running for default"
make_guest 1 virbr0
guest_dhcp 1 30 || fail "guest 1 got no lease: $(tail -n 5 "$NP_TMP/g1.udhcpc.log")"
G1_IP=${GUEST_IP[1]}
G1_RE="${GUEST_MAC[1]} +ipv4 +${G1_IP//./\\.}/24 "
g1_listed() { np_capture net-dhcp-leases default && grep -Eq -- "$G1_RE" <<<"$NP_OUT"; }
wait_until 5 g1_listed || fail "guest 1's lease is not in net-dhcp-leases: $NP_OUT"
pass "net-dhcp-leases lists guest 1 ($G1_IP)"

log "add ip-dhcp-host --live --config"
make_guest 2 virbr0
MAC2=${GUEST_MAC[2]}
expect_np_ok "net-update add ip-dhcp-host --live --config" net-update default add ip-dhcp-host \
	"<host mac='$MAC2' name='g2' ip='$RES_IP'/>" --live --config
expect_eq "virsh's message for both" "Updated network default persistent config and live state" \
	"$NP_OUT"
expect_match "the hostsfile has the reservation" "^$MAC2,$RES_IP,g2$" "$(hostsfile)"
expect_eq "dnsmasq kept its pid (SIGHUP, not a restart)" "$PID" "$(np_dnsmasq_pid default || true)"
guest_dhcp_req 2 192.168.122.200 || fail "guest 2 got no lease: $(tail -n 5 "$NP_TMP/g2.udhcpc.log")"
expect_eq "guest 2 gets exactly the reserved address, not the one it asked for" "$RES_IP" \
	"${GUEST_IP[2]}"
expect_np_ok "net-dumpxml default" net-dumpxml default
expect_match "the live XML has the host" "<host mac='$MAC2' name='g2' ip='$RES_IP'/>" "$NP_OUT"
expect_np_ok "net-dumpxml default --inactive" net-dumpxml default --inactive
expect_match "the persistent XML has the host" "<host mac='$MAC2' name='g2' ip='$RES_IP'/>" \
	"$NP_OUT"
wait_until 5 g1_listed || true
expect_match "guest 1's lease is still in net-dhcp-leases" "$G1_RE" "$NP_OUT"
expect_match "guest 2's lease is in net-dhcp-leases" "$MAC2 +ipv4 +${RES_IP//./\\.}/24 " "$NP_OUT"

log "refused updates change nothing"
BEFORE=$(np_store_sum)
expect_np_error "adding the same MAC again" net-update default add ip-dhcp-host \
	"<host mac='$MAC2' name='other' ip='192.168.122.99'/>" --live --config
expect_match "the error names the section and the host" "ip-dhcp-host: .*$MAC2" "$NP_ERR"
expect_np_error "adding the same IP again" net-update default add-first ip-dhcp-host \
	"<host mac='52:54:00:fe:fe:fe' ip='$RES_IP'/>"
expect_np_error "an IP outside the network" net-update default add ip-dhcp-host \
	"<host mac='52:54:00:fe:fe:fe' ip='10.9.9.9'/>"
expect_np_error "a section libvirt cannot update" net-update default add bridge \
	"<bridge name='virbr9'/>"
expect_np_error "modifying a DHCP range" net-update default modify ip-dhcp-range \
	"<range start='192.168.122.2' end='192.168.122.254'/>"
expect_np_error "a newline in a TXT value" net-update default add dns-txt \
	"<txt name='t' value='a&#10;b'/>"
expect_np_error "--current with --live" net-update default add dns-txt \
	"<txt name='t' value='v'/>" --current --live
expect_eq "the store is unchanged" "$BEFORE" "$(np_store_sum)"
expect_eq "dnsmasq still has the same pid" "$PID" "$(np_dnsmasq_pid default || true)"

log "--config only: the running network does not change"
make_guest 3 virbr0
MAC3=${GUEST_MAC[3]}
HOSTS_BEFORE=$(hostsfile)
expect_np_ok "net-update add ip-dhcp-host --config" net-update default add ip-dhcp-host \
	"<host mac='$MAC3' name='g3' ip='$CFG_IP'/>" --config
expect_eq "virsh's message for --config" "Updated network default persistent config" "$NP_OUT"
expect_eq "the hostsfile is unchanged" "$HOSTS_BEFORE" "$(hostsfile)"
expect_eq "dnsmasq has the same pid" "$PID" "$(np_dnsmasq_pid default || true)"
expect_np_ok "net-dumpxml default" net-dumpxml default
expect_no_match "the live XML does not have it" "$MAC3" "$NP_OUT"
expect_np_ok "net-dumpxml default --inactive" net-dumpxml default --inactive
expect_match "the persistent XML has it" "<host mac='$MAC3' name='g3' ip='$CFG_IP'/>" "$NP_OUT"
guest_dhcp_req 3 192.168.122.70 || fail "guest 3 got no lease: $(tail -n 5 "$NP_TMP/g3.udhcpc.log")"
expect_eq "guest 3 gets what it asked for: the running dnsmasq knows no reservation" \
	192.168.122.70 "${GUEST_IP[3]}"

log "delete ip-dhcp-host --live"
make_guest 4 virbr0
MAC4=${GUEST_MAC[4]}
expect_np_ok "net-update add (guest 4) --live" net-update default add-first ip-dhcp-host \
	"<host mac='$MAC4' ip='$DEL_IP'/>" --live
expect_eq "virsh's message for --live" "Updated network default live state" "$NP_OUT"
expect_match "the hostsfile has guest 4" "^$MAC4,$DEL_IP$" "$(hostsfile)"
expect_np_ok "net-update delete ip-dhcp-host by MAC alone" net-update default delete \
	ip-dhcp-host "<host mac='$MAC4'/>"
expect_eq "without flags an active network's live state is updated" \
	"Updated network default live state" "$NP_OUT"
expect_no_match "the hostsfile no longer has guest 4" "$MAC4" "$(hostsfile)"
expect_match "the hostsfile still has guest 2" "^$MAC2,$RES_IP,g2$" "$(hostsfile)"
expect_eq "dnsmasq kept its pid" "$PID" "$(np_dnsmasq_pid default || true)"
guest_dhcp_req 4 192.168.122.71 || fail "guest 4 got no lease: $(tail -n 5 "$NP_TMP/g4.udhcpc.log")"
expect_eq "guest 4 gets what it asked for, not the deleted reservation" 192.168.122.71 \
	"${GUEST_IP[4]}"
expect_np_error "deleting it again" net-update default delete ip-dhcp-host "<host mac='$MAC4'/>"

log "delete guest 2's reservation --live --config"
expect_np_ok "net-update delete ip-dhcp-host --live --config" net-update default delete \
	ip-dhcp-host "<host ip='$RES_IP'/>" --live --config
expect_no_match "the hostsfile no longer has guest 2" "$MAC2" "$(hostsfile)"
expect_np_ok "net-dumpxml default --inactive" net-dumpxml default --inactive
expect_no_match "the persistent XML no longer has guest 2" "$MAC2" "$NP_OUT"
expect_match "the persistent XML still has guest 3 (--config)" "$MAC3" "$NP_OUT"
expect_eq "dnsmasq kept its pid" "$PID" "$(np_dnsmasq_pid default || true)"
wait_until 5 g1_listed || true
expect_match "guest 1's lease is still in net-dhcp-leases" "$G1_RE" "$NP_OUT"

log "dns-host --live: SIGHUP, the name resolves"
expect_np_ok "net-update add dns-host --live" net-update default add dns-host \
	"<host ip='192.168.122.77'><hostname>pudding</hostname></host>" --live
expect_match "addn-hosts has it" "^192\.168\.122\.77	pudding" "$(addnhosts)"
expect_eq "dnsmasq kept its pid" "$PID" "$(np_dnsmasq_pid default || true)"
# busybox nslookup also asks for AAAA, which dnsmasq refuses here (no upstream
# servers in the namespace), so only the answer counts, not the exit status.
resolves() {
	OUT=$(ip netns exec "${GUEST_NS[1]}" timeout 5 busybox nslookup pudding 192.168.122.1 2>&1 ||
		true)
	grep -q '^Address: *192\.168\.122\.77$' <<<"$OUT"
}
wait_until 5 resolves || fail "pudding does not resolve from guest 1: $OUT"
pass "pudding resolves to 192.168.122.77 through the network's DNS"

log "dns-txt --live: dnsmasq is restarted (its config changed), leases survive"
expect_np_ok "net-update add dns-txt --live" net-update default add dns-txt \
	"<txt name='example' value='hello'/>" --live
PID2=$(np_dnsmasq_pid default) || fail "no dnsmasq after the dns-txt update"
[ "$PID2" != "$PID" ] || fail "dnsmasq was not restarted for a dns-txt change"
pass "dnsmasq was restarted ($PID -> $PID2)"
expect_eq "the restarted dnsmasq is in no rtnetlink group" 00000000 \
	"$(dnsmasq_rtnl_groups default || echo none)"
expect_match "the config file has the record" '^txt-record=example,hello$' \
	"$(cat "$NP_STATE/default.conf")"
has_txt() {
	OUT=$(ip netns exec "${GUEST_NS[1]}" timeout 5 busybox nslookup -type=txt example \
		192.168.122.1 2>&1 || true)
	grep -q '"hello"' <<<"$OUT"
}
wait_until 5 has_txt || fail "the TXT record is not served: $OUT"
pass "the TXT record is served"
wait_until 5 g1_listed || true
expect_match "guest 1's lease survived the restart" "$G1_RE" "$NP_OUT"

log "net-destroy, then --live is refused and plain net-update changes the definition"
expect_np_ok "net-destroy default" net-destroy default
expect_np_error "--live on an inactive network" net-update default add dns-txt \
	"<txt name='x' value='y'/>" --live
expect_np_ok "net-update on an inactive network" net-update default delete ip-dhcp-host \
	"<host mac='$MAC3'/>"
expect_eq "virsh's message" "Updated network default persistent config" "$NP_OUT"
expect_np_ok "net-dumpxml default" net-dumpxml default
expect_no_match "guest 3's host is gone" "$MAC3" "$NP_OUT"
expect_no_match "live-only changes did not reach the definition" 'pudding|example' "$NP_OUT"

e2e_done
