#!/bin/bash
# Issue 16: <netplumb:portForward> on a nat network. From the uplink, TCP and
# UDP to the host's uplink address reach the guest's mapped port with the
# uplink's own address as source; the host's own connections to 127.0.0.1
# get there too; so does a second guest's connection to the host's address
# (hairpin); an IPv6 forward on the network's ULA subnet; a port not
# forwarded, and the guest's port reached directly, stay closed; net-update
# delete closes the port again without restarting dnsmasq; net-destroy
# leaves no trace in the ruleset.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

NET=pfnet
BR=nppf0
G1=192.168.157.10
G2=192.168.157.11
G1_6=fd00:157::10
FWD="<netplumb:portForward proto='tcp' guest='$G1'>
    <netplumb:range start='8080' to='80'/>
  </netplumb:portForward>"

# busybox nc here has no UDP: a one-datagram server that answers with the
# peer it saw, and its client.
command -v python3 >/dev/null || missing python3
UDP_SERVER='import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
s.bind(("0.0.0.0",int(sys.argv[1])))
while True:
    d,a=s.recvfrom(100)
    s.sendto(("peer="+a[0]).encode(),a)'
UDP_CLIENT='import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"hi",(sys.argv[1],int(sys.argv[2])))
print(s.recvfrom(100)[0].decode())'
udp_server()
{
	bg "$1" 60 python3 -c "$UDP_SERVER" "$2"
	wait_until 5 ip netns exec "$1" sh -c "ss -lunH | grep -q ':$2 '" ||
		fail "the UDP server on port $2 in $1 did not come up"
}
udp_ask()
{
	expect_ok "$1" ip netns exec "$2" timeout 10 python3 -c "$UDP_CLIENT" "$3" "$4"
}

make_uplink
make_uplink6
# A route back to the guests: only the firewall may keep the uplink out.
ip -n "$NS_UPLINK" route add 192.168.157.0/24 via "$HOST_UPLINK_IP"

cat >"$NP_TMP/pf.xml" <<EOF
<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>
  <name>$NET</name>
  <forward mode='nat'/>
  <bridge name='$BR' stp='off'/>
  <ip address='192.168.157.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.157.100' end='192.168.157.200'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd00:157::1' prefix='64'/>
  $FWD
  <netplumb:portForward proto='udp' guest='$G1'>
    <netplumb:range start='5300' end='5310' to='5400'/>
    <netplumb:range start='5305' exclude='yes'/>
  </netplumb:portForward>
  <netplumb:portForward proto='tcp' guest='$G1_6'>
    <netplumb:range start='8086' to='86'/>
  </netplumb:portForward>
</network>
EOF

expect_np_ok "validate" validate "$NP_TMP/pf.xml"
expect_np_ok "net-define" net-define "$NP_TMP/pf.xml"
expect_np_ok "net-dumpxml" net-dumpxml "$NET" --inactive
expect_match "net-dumpxml keeps the forward" "<netplumb:range start='5300' end='5310' to='5400'/>" "$NP_OUT"
expect_np_ok "plan --show nft" plan "$NET" --show nft
expect_match "plan shows the DNAT" 'tcp dport 8080 counter dnat ip to 192.168.157.10:80' "$NP_OUT"
expect_np_ok "net-start" net-start "$NET"

static_guest 1 "$BR" "$G1/24" 192.168.157.1
static_guest 2 "$BR" "$G2/24" 192.168.157.1
ip -n "${GUEST_NS[1]}" addr add "$G1_6/64" dev eth0 nodad
ip -n "${GUEST_NS[1]}" -6 route add default via fd00:157::1
DM_PID=$(np_dnsmasq_pid "$NET") || fail "no dnsmasq for $NET"

log "TCP from the uplink to the host's uplink address"
listen_report "${GUEST_NS[1]}" 80 120
tcp_seen "uplink connects to $HOST_UPLINK_IP:8080" "$NS_UPLINK" "$HOST_UPLINK_IP" 8080
expect_eq "the guest sees the uplink's own address" "$UPLINK_IP" "$SEEN_ADDR"

log "UDP from the uplink: 5301 goes to 5401; 5305 is excluded"
udp_server "${GUEST_NS[1]}" 5401
udp_ask "UDP from the uplink to $HOST_UPLINK_IP:5301" "$NS_UPLINK" "$HOST_UPLINK_IP" 5301
expect_eq "the guest sees the uplink's address" "peer=$UPLINK_IP" "$OUT"
udp_server "${GUEST_NS[1]}" 5305
expect_fail "UDP 5305 (excluded) reaches no guest" \
	ip netns exec "$NS_UPLINK" timeout 10 python3 -c "$UDP_CLIENT" "$HOST_UPLINK_IP" 5305

log "from the host itself"
tcp_seen "the host connects to 127.0.0.1:8080" "$NS_HOST" 127.0.0.1 8080
expect_eq "the guest sees the bridge's address" 192.168.157.1 "$SEEN_ADDR"
tcp_seen "the host connects to its uplink address" "$NS_HOST" "$HOST_UPLINK_IP" 8080
expect_eq "the guest sees the host's uplink address" "$HOST_UPLINK_IP" "$SEEN_ADDR"

log "hairpin: the second guest to the host's uplink address"
tcp_seen "guest 2 connects to $HOST_UPLINK_IP:8080" "${GUEST_NS[2]}" "$HOST_UPLINK_IP" 8080
expect_eq "guest 1 sees the bridge's address (masqueraded)" 192.168.157.1 "$SEEN_ADDR"
expect_fail "guest 2 cannot reach the host's loopback through the bridge" \
	ip netns exec "${GUEST_NS[2]}" sh -c "ip route add 127.0.0.0/8 via 192.168.157.1 && timeout 5 busybox nc -w 2 127.0.0.1 8080 </dev/null"

log "IPv6"
listen_report "${GUEST_NS[1]}" 86 120
tcp_seen "uplink connects to [$HOST_UPLINK_IP6]:8086" "$NS_UPLINK" "$HOST_UPLINK_IP6" 8086
expect_eq "the guest sees the uplink's IPv6 address" "$UPLINK_IP6" "$SEEN_ADDR"
tcp_seen "the host connects to its uplink IPv6 address" "$NS_HOST" "$HOST_UPLINK_IP6" 8086
expect_eq "the guest sees the host's uplink IPv6 address" "$HOST_UPLINK_IP6" "$SEEN_ADDR"
# ::1 cannot work (no route_localnet for IPv6, see firewall/pf_render.c):
# it is refused at once rather than left hanging.
expect_fail "the host's [::1]:8086 is refused" \
	ip netns exec "$NS_HOST" timeout 3 busybox nc -w 2 ::1 8086 </dev/null

log "what is not forwarded stays closed"
listen_banner "${GUEST_NS[1]}" 81 not-forwarded
expect_no_connect "uplink to $HOST_UPLINK_IP:8081" "$NS_UPLINK" "$HOST_UPLINK_IP" 8081 not-forwarded
expect_no_connect "uplink straight to the guest's port 81" "$NS_UPLINK" "$G1" 81 not-forwarded
expect_no_connect "uplink straight to the guest's port 80" "$NS_UPLINK" "$G1" 80 "$UPLINK_IP"

log "net-info lists the forwards"
expect_np_ok "net-info" net-info "$NET"
expect_match "net-info shows tcp 8080" "^Port forward: +tcp 8080 -> $G1:80$" "$NP_OUT"
expect_match "net-info shows the IPv6 forward" "tcp 8086 -> \\[$G1_6\\]:86" "$NP_OUT"
expect_np_ok "net-info --json" net-info "$NET" --json
expect_match "net-info --json lists the forwards" '"port_forwards": \[\{"proto": "tcp", "guest": "192.168.157.10"' "$NP_OUT"

log "net-update delete"
expect_np_ok "net-update delete" net-update "$NET" delete port-forward "$FWD" --live --config
expect_no_connect "uplink to $HOST_UPLINK_IP:8080 after delete" "$NS_UPLINK" "$HOST_UPLINK_IP" 8080 "$UPLINK_IP"
expect_eq "dnsmasq kept its pid" "$DM_PID" "$(np_dnsmasq_pid "$NET")"
expect_np_ok "net-update add" net-update "$NET" add port-forward "$FWD" --live --config
tcp_seen "uplink connects again after add" "$NS_UPLINK" "$HOST_UPLINK_IP" 8080
expect_eq "dnsmasq still kept its pid" "$DM_PID" "$(np_dnsmasq_pid "$NET")"

log "net-destroy"
expect_np_ok "net-destroy" net-destroy "$NET"
expect_no_match "no trace of $BR in the ruleset" "$BR" "$(nft_ruleset)"
expect_no_match "no DNAT left" 'dnat' "$(nft_ruleset)"

e2e_done
