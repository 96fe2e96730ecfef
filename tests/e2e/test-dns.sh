#!/bin/bash
# Issue 5, DHCP and DNS end to end on a network defined from
# data/dns/dnsnet.xml (NAT, DHCP range, a <host> reservation, domain lab.test
# localOnly, <dns> host/TXT/SRV records):
# - binding only the bridge's addresses (bind-interfaces on this IPv4-only
#   network, libvirt's bind-dynamic elsewhere; never the wildcard): an
#   unrelated dnsmasq already holds port 53 on other
#   addresses of the host namespace (127.0.0.2 and a veth) before net-start;
#   the network still starts, answers DNS on the bridge, and the other
#   dnsmasq keeps running and answering through start and destroy;
# - the guest with the reserved MAC gets exactly the reserved address;
# - the hostname a second guest sends by DHCP resolves through the network's
#   DNS (bare and with the domain) from another guest, and so does the
#   reservation's name;
# - the <dns><host> name, the TXT and the SRV record resolve with their data;
#   a missing name under the local-only domain is NXDOMAIN;
# - net-dhcp-leases lists each guest with its MAC, address and hostname.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

NET=dnsnet
BR=npdns0
BR_IP=192.168.170.1
RES_MAC=52:54:00:aa:bb:01   # the <host> reservation of dnsnet.xml
RES_IP=192.168.170.50
RES_NAME=resv
SVC_IP=192.168.170.7        # <dns><host><hostname>svc
G2_NAME=kiwi                # the hostname guest 2 sends by DHCP
OTHER_IP=10.99.0.1          # the unrelated dnsmasq's addresses
OTHER_LO=127.0.0.2
OTHER_PIDFILE=$NP_TMP/other-dnsmasq.pid

# lookup NS ARGS...: busybox nslookup ARGS in namespace NS; output in OUT.
# guest_dhcp_name N NAME: like guest_dhcp, but the guest sends NAME as its
# hostname (option 12).
guest_dhcp_name()
{
	local n=$1 name=$2 info="$NP_TMP/g$1.lease" rc=0
	rm -f "$info"
	ip netns exec "${GUEST_NS[$n]}" env NP_UDHCPC_INFO="$info" \
		timeout -k 2 70 busybox udhcpc -i eth0 -n -q -t 30 -T 1 \
		-x "hostname:$name" -s "$NP_TMP/udhcpc.script" >"$NP_TMP/g$n.udhcpc.log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ] && [ -r "$info" ]; then
		# shellcheck disable=SC2004 # an associative array: the key is "$n"
		GUEST_IP[$n]=$(sed -n 's/^ip=//p' "$info")
	fi
	return "$rc"
}

other_alive() { [ -n "${OTHER_PID:-}" ] && in_ns "$OTHER_PID" "$NS_HOST"; }

log "an unrelated dnsmasq holds port 53 on $OTHER_LO and $OTHER_IP"
ip -n "$NS_HOST" addr add "$OTHER_LO/8" dev lo
ip -n "$NS_HOST" link add other0 type veth peer name other1
ip -n "$NS_HOST" addr add "$OTHER_IP/24" dev other0
ip -n "$NS_HOST" link set other0 up
ip -n "$NS_HOST" link set other1 up
bg "$NS_HOST" 600 dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address="$OTHER_LO" --listen-address="$OTHER_IP" --port=53 \
	--pid-file="$OTHER_PIDFILE" --address=/other.test/10.99.0.9 \
	>"$NP_TMP/other-dnsmasq.log" 2>&1
other_started()
{
	[ -s "$OTHER_PIDFILE" ] || return 1
	OTHER_PID=$(head -n1 "$OTHER_PIDFILE" | tr -dc 0-9)
	in_ns "$OTHER_PID" "$NS_HOST"
}
wait_until 10 other_started ||
	fail "the unrelated dnsmasq did not start: $(cat "$NP_TMP/other-dnsmasq.log")"
# Stopped by its own pid first in cleanup (NP_PIDS is killed newest first).
NP_PIDS+=("$OTHER_PID")
pass "the unrelated dnsmasq runs (pid $OTHER_PID)"
expect_lookup "it answers on $OTHER_IP:53" "$NS_HOST" '^Address: *10\.99\.0\.9$' \
	other.test "$OTHER_IP"
expect_lookup "it answers on $OTHER_LO:53" "$NS_HOST" '^Address: *10\.99\.0\.9$' \
	other.test "$OTHER_LO"

log "define and start $NET"
expect_np_ok "net-define dnsnet.xml" net-define "$NP_E2E_DIR/data/dns/dnsnet.xml"
expect_np_ok "plan --show dnsmasq-conf" plan "$NET" --show dnsmasq-conf
expect_match "netplumb's dnsmasq binds the bridge's addresses only" '^bind-interfaces$' "$NP_OUT"
expect_match "... of its bridge" '^interface=' "$NP_OUT"
expect_np_ok "net-start $NET with port 53 taken elsewhere" net-start "$NET"
expect_eq "net-start message" "Network $NET started" "$NP_OUT"
NP_DNSMASQ=$(np_dnsmasq_pid "$NET") || fail "no dnsmasq running for $NET"
pass "netplumb's dnsmasq runs (pid $NP_DNSMASQ)"
[ "$NP_DNSMASQ" != "$OTHER_PID" ] || fail "netplumb's pid file names the unrelated dnsmasq"
other_alive || fail "the unrelated dnsmasq died when $NET started"
pass "the unrelated dnsmasq still runs"
expect_lookup "the unrelated dnsmasq still answers on $OTHER_IP" "$NS_HOST" \
	'^Address: *10\.99\.0\.9$' other.test "$OTHER_IP"
expect_lookup "the network answers DNS on the bridge (from the host)" "$NS_HOST" \
	"^Address: *${SVC_IP//./\\.}$" svc "$BR_IP"

log "guest 1 has the reserved MAC"
make_guest 1 "$BR"
ip -n "${GUEST_NS[1]}" link set eth0 address "$RES_MAC"
GUEST_MAC[1]=$RES_MAC
guest_dhcp 1 30 || fail "guest 1 got no lease: $(tail -n 5 "$NP_TMP/g1.udhcpc.log")"
expect_eq "guest 1 gets exactly the reserved address" "$RES_IP" "${GUEST_IP[1]}"
expect_eq "guest 1's DNS server is the bridge" "$BR_IP" "$(guest_lease_var 1 dns)"

log "guest 2 sends hostname $G2_NAME"
make_guest 2 "$BR"
guest_dhcp_name 2 "$G2_NAME" || fail "guest 2 got no lease: $(tail -n 5 "$NP_TMP/g2.udhcpc.log")"
G2_IP=${GUEST_IP[2]}
case $G2_IP in
192.168.170.1[0-9][0-9]) pass "guest 2 gets an address of the range ($G2_IP)" ;;
*) fail "guest 2 got '$G2_IP', not an address of 192.168.170.100-199" ;;
esac
G2_RE="^Address: *${G2_IP//./\\.}$"

log "names resolve through the network's DNS, asked from guest 1"
G1NS=${GUEST_NS[1]}
expect_lookup "$G2_NAME (DHCP hostname) resolves" "$G1NS" "$G2_RE" "$G2_NAME" "$BR_IP"
expect_lookup "$G2_NAME.lab.test resolves" "$G1NS" "$G2_RE" "$G2_NAME.lab.test" "$BR_IP"
expect_lookup "$RES_NAME.lab.test (the reservation's name) resolves" "$G1NS" \
	"^Address: *${RES_IP//./\\.}$" "$RES_NAME.lab.test" "$BR_IP"
expect_lookup "svc (<dns><host>) resolves" "$G1NS" "^Address: *${SVC_IP//./\\.}$" svc "$BR_IP"
expect_lookup "the TXT record 'info' resolves" "$G1NS" '"hello world"' -type=txt info "$BR_IP"
expect_lookup "the SRV record resolves with priority, weight, port and target" "$G1NS" \
	'_http\._tcp\.lab\.test.*[[:space:]=]10 5 80 web\.lab\.test\.?$' \
	-type=srv _http._tcp.lab.test "$BR_IP"
lookup "$G1NS" nothere.lab.test "$BR_IP"
expect_match "an unknown name in the local-only domain is NXDOMAIN" 'NXDOMAIN' "$OUT"
lookup "$G1NS" other.test "$BR_IP"
expect_no_match "the bridge is not answered by the unrelated dnsmasq" '10\.99\.0\.9' "$OUT"

log "net-dhcp-leases"
G1_LEASE="^ *[^ ].* +$RES_MAC +ipv4 +${RES_IP//./\\.}/24 +$RES_NAME( |$)"
G2_LEASE="^ *[^ ].* +${GUEST_MAC[2]} +ipv4 +${G2_IP//./\\.}/24 +$G2_NAME( |$)"
leases_listed()
{
	np_capture net-dhcp-leases "$NET" &&
		grep -Eq -- "$G1_LEASE" <<<"$NP_OUT" && grep -Eq -- "$G2_LEASE" <<<"$NP_OUT"
}
wait_until 10 leases_listed || true
expect_match "guest 1: reserved MAC, address and name" "$G1_LEASE" "$NP_OUT"
expect_match "guest 2: its MAC, address and DHCP hostname" "$G2_LEASE" "$NP_OUT"
expect_eq "exactly two leases" 2 "$(grep -c ' ipv4 ' <<<"$NP_OUT" || true)"
expect_np_ok "net-dhcp-leases --mac (guest 2)" net-dhcp-leases "$NET" --mac "${GUEST_MAC[2]}"
expect_match "--mac shows guest 2" "$G2_LEASE" "$NP_OUT"
expect_no_match "--mac hides guest 1" "$RES_MAC" "$NP_OUT"

log "net-destroy leaves the unrelated dnsmasq alone"
expect_np_ok "net-destroy $NET" net-destroy "$NET"
np_dnsmasq_gone() { ! in_ns "$NP_DNSMASQ" "$NS_HOST"; }
wait_until 5 np_dnsmasq_gone ||
	fail "netplumb's dnsmasq ($NP_DNSMASQ) still runs after net-destroy"
pass "netplumb's dnsmasq is gone"
other_alive || fail "the unrelated dnsmasq died with net-destroy"
pass "the unrelated dnsmasq still runs"
expect_lookup "and still answers on $OTHER_IP" "$NS_HOST" '^Address: *10\.99\.0\.9$' \
	other.test "$OTHER_IP"

e2e_done
