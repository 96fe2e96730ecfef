#!/bin/bash
# Issue 14, <bandwidth> on a network: with <inbound average='1000'/> a guest
# downloads from the host at 1000 KiB/s within 20%, and with <outbound
# average='1000'/> uploads to it likewise; the same network without
# <bandwidth> moves the same data at least 10 times faster both ways. Rates
# are measured (bytes over the receiver's wall time), never judged by a
# timeout. The default portgroup's <bandwidth> shapes a port port-add makes
# the same way, and a portgroup's <outbound> limits what that port's guest
# sends (an nft limit at the port's ingress) until port-delete or net-destroy. `plan` shows the tc lines and the nft limit, and the kernel holds
# what it printed. A port's own rates (port-add --inbound/--outbound, virsh
# attach-interface's syntax) shape it likewise on a network without any
# <bandwidth>; bad rates are refused with one line and leave nothing.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

SIZE=$((2 * 1024 * 1024))
# The unshaped reference moves more, so that starting the processes (tens of
# ms on a busy machine) does not dominate its time.
BIG=$((48 * 1024 * 1024))
LIMIT_KIB=1000
command -v ss >/dev/null && command -v tc >/dev/null || missing "ss and tc (iproute2) are needed"

# listening NS PORT: a TCP listener on PORT in NS.
listening() { [ -n "$(ip netns exec "$1" ss -Hltn "sport = :$2")" ]; }

# xfer_ms FROM_NS TO_NS TO_IP PORT BYTES: moves BYTES over TCP with busybox nc
# and prints the milliseconds from the sender's start to the receiver's end
# (it ends on the sender's FIN, once every byte is in). The receiver's stdin
# is a FIFO it holds open itself: busybox nc quits at EOF on stdin.
xfer_ms()
{
	local from=$1 to=$2 ip=$3 port=$4 size=$5 out="$NP_TMP/rx.$4" fifo="$NP_TMP/fifo.$4" t0 t1 got
	mkfifo "$fifo"
	bg "$to" 120 sh -c "busybox nc -l -p $port <>'$fifo' >'$out'"
	wait_until 5 listening "$to" "$port" || fail "no listener on port $port in $to"
	t0=$(date +%s%N)
	ip netns exec "$from" timeout -k 2 120 sh -c "head -c $size /dev/zero | busybox nc $ip $port" ||
		fail "sending $size bytes to $ip:$port failed"
	wait "$BG_PID" || fail "the receiver on $ip:$port failed"
	t1=$(date +%s%N)
	got=$(stat -c %s "$out")
	[ "$got" -eq "$size" ] || fail "$ip:$port received $got of $size bytes"
	rm -f "$out"
	echo $(((t1 - t0) / 1000000))
}

# kib_s BYTES MS: the rate in KiB/s.
kib_s() { echo $(($1 * 1000 / 1024 / ($2 > 0 ? $2 : 1))); }

expect_within_20()
{
	local desc=$1 rate=$2 lo=$((LIMIT_KIB * 8 / 10)) hi=$((LIMIT_KIB * 12 / 10))
	if [ "$rate" -lt "$lo" ] || [ "$rate" -gt "$hi" ]; then
		fail "$desc: $rate KiB/s, not within 20% of $LIMIT_KIB KiB/s"
	fi
	pass "$desc: $rate KiB/s"
}

expect_np_ok "plan of the shaped network" plan "$MODES_DATA/bandwidth.xml"
expect_match "plan: an HTB root qdisc on the bridge" \
	'^tc qdisc replace dev npbw0 root handle 1: htb default 2$' "$NP_OUT"
expect_match "plan: class 1:2 at 1000 kbps (tc's kbps: 1000 bytes/s, libvirt's unit)" \
	'^tc class replace dev npbw0 parent 1:1 classid 1:2 htb rate 1000000bps ceil 1000000bps burst 65536b$' \
	"$NP_OUT"
expect_match "plan: a FIFO leaf instead of sfq, and says why" 'sch_sfq' "$NP_OUT"
expect_match "plan: the outbound limit in nft" \
	'iifname "npbw0" limit rate over 1000000 bytes/second burst 24000 bytes drop' "$NP_OUT"

np_define_start bandwidth mbw
np_define_start unshaped mfast
qd=$(ip netns exec "$NS_HOST" tc qdisc show dev npbw0)
expect_match "the kernel has the HTB root qdisc" 'qdisc htb 1: root .*default 0x2' "$qd"
expect_match "and the FIFO leaf under 1:2" 'qdisc pfifo 2: parent 1:2 limit 1000p' "$qd"
expect_match "class 1:2 shapes to 8Mbit" 'class htb 1:2 parent 1:1 .*rate 8Mbit ceil 8Mbit' \
	"$(ip netns exec "$NS_HOST" tc class show dev npbw0)"
expect_match "the outbound limit is in the network's chain" 'limit rate over 1000000 bytes/second' \
	"$(ip netns exec "$NS_HOST" nft list chain inet netplumb bw-npbw0)"

static_guest 1 npbw0 192.168.160.10/24 192.168.160.1
static_guest 2 npfast0 192.168.161.10/24 192.168.161.1
wait_until 5 ip netns exec "${GUEST_NS[1]}" busybox ping -c 1 -W 1 192.168.160.1 ||
	fail "guest 1 does not reach its bridge"
wait_until 5 ip netns exec "${GUEST_NS[2]}" busybox ping -c 1 -W 1 192.168.161.1 ||
	fail "guest 2 does not reach its bridge"

# shaped_rate DESC FROM_NS TO_NS TO_IP PORT: the steady rate of a shaped
# path: two transfers of SIZE and 2*SIZE bytes, each after a pause that
# refills the token bucket; their difference cancels the bucket's first burst
# and the cost of starting the processes.
shaped_rate()
{
	local desc=$1 from=$2 to=$3 ip=$4 port=$5 t1 t2
	sleep 2
	t1=$(xfer_ms "$from" "$to" "$ip" "$port" "$SIZE")
	sleep 2
	t2=$(xfer_ms "$from" "$to" "$ip" $((port + 1)) $((2 * SIZE)))
	[ "$t2" -gt "$t1" ] || fail "$desc: $((2 * SIZE)) bytes took $t2 ms, $SIZE bytes $t1 ms"
	echo "$desc: $SIZE bytes in $t1 ms, $((2 * SIZE)) bytes in $t2 ms" >&2
	kib_s "$SIZE" $((t2 - t1))
}

# expect_10x DESC SHAPED FROM_NS TO_NS TO_IP PORT: the unshaped path moves BIG
# bytes at 10 times SHAPED KiB/s or more. busybox nc, not the path, limits
# that rate, and other work on the machine slows it: the best of up to three
# transfers counts, since any one of them shows what the path can carry.
expect_10x()
{
	local desc=$1 shaped=$2 from=$3 to=$4 ip=$5 port=$6 try ms rate best=0
	for try in 0 1 2; do
		ms=$(xfer_ms "$from" "$to" "$ip" $((port + try)) "$BIG")
		rate=$(kib_s "$BIG" "$ms")
		[ "$rate" -le "$best" ] || best=$rate
		[ "$best" -lt $((shaped * 10)) ] || break
	done
	[ "$best" -ge $((shaped * 10)) ] ||
		fail "$desc: at best $best KiB/s, not 10x the shaped $shaped KiB/s"
	pass "$desc: $best KiB/s ($BIG bytes), over 10x the shaped $shaped KiB/s"
}

log "download (host -> guest): inbound"
shaped_in=$(shaped_rate "shaped download" "$NS_HOST" "${GUEST_NS[1]}" 192.168.160.10 5001)
expect_within_20 "shaped download, steady rate" "$shaped_in"
expect_10x "unshaped download" "$shaped_in" "$NS_HOST" "${GUEST_NS[2]}" 192.168.161.10 5010

log "upload (guest -> host): outbound"
shaped_out=$(shaped_rate "shaped upload" "${GUEST_NS[1]}" "$NS_HOST" 192.168.160.1 5004)
expect_within_20 "shaped upload, steady rate" "$shaped_out"
expect_10x "unshaped upload" "$shaped_out" "${GUEST_NS[2]}" "$NS_HOST" 192.168.161.1 5020

log "net-reload puts back shaping someone removed"
ip netns exec "$NS_HOST" tc qdisc del dev npbw0 root
expect_no_match "the HTB qdisc is gone" 'htb' "$(ip netns exec "$NS_HOST" tc qdisc show dev npbw0)"
expect_np_ok "net-reload mbw" net-reload mbw
expect_match "net-reload says so" 'traffic control' "$NP_OUT"
qd=$(ip netns exec "$NS_HOST" tc qdisc show dev npbw0)
expect_match "the HTB root qdisc is back" 'qdisc htb 1: root .*default 0x2' "$qd"
expect_match "with its FIFO leaf" 'qdisc pfifo 2: parent 1:2 limit 1000p' "$qd"
expect_np_ok "net-reload mbw again (a re-apply converges)" net-reload mbw

log "the default portgroup's <bandwidth> on a port port-add makes"
np_define_start portgroup-bw mpgbw
ns_add "$NS_PREFIX-g3"
GUEST_NS[3]="$NS_PREFIX-g3"
expect_np_error "port-add --portgroup of no such portgroup is refused" \
	port-add mpgbw --veth "${GUEST_NS[3]}" --portgroup nosuch
expect_eq "the refused port-add left no port" "" "$(ip -n "$NS_HOST" -o link show master nppgbw0)"
expect_np_ok "port-add mpgbw --veth g3" port-add mpgbw --veth "${GUEST_NS[3]}"
ip -n "${GUEST_NS[3]}" addr add 192.168.163.10/24 dev eth0
ip -n "${GUEST_NS[3]}" link set eth0 up
expect_match "the port has the HTB root qdisc" 'qdisc htb 1: root .*default 0x1' \
	"$(ip netns exec "$NS_HOST" tc qdisc show dev npport0)"
expect_no_match "the bridge has none" 'htb' "$(ip netns exec "$NS_HOST" tc qdisc show dev nppgbw0)"
wait_until 5 ip netns exec "${GUEST_NS[3]}" busybox ping -c 1 -W 1 192.168.163.1 ||
	fail "guest 3 does not reach its bridge"
port_in=$(shaped_rate "port download" "$NS_HOST" "${GUEST_NS[3]}" 192.168.163.10 5007)
expect_within_20 "download through the shaped port, steady rate" "$port_in"

log "a portgroup's <outbound> limits what a port-add port's guest sends"
for g in 4 5; do
	ns_add "$NS_PREFIX-g$g"
	GUEST_NS[$g]="$NS_PREFIX-g$g"
done
expect_np_ok "port-add --portgroup uploads" \
	port-add mpgbw --veth "${GUEST_NS[4]}" --ifname npup0 --portgroup uploads
expect_np_ok "port-add --portgroup free" \
	port-add mpgbw --veth "${GUEST_NS[5]}" --ifname npfree0 --portgroup free
expect_np_ok "plan mpgbw with its ports" plan mpgbw
expect_match "plan: the port's limit at its ingress, nft's burst less one second" \
	'^add rule netdev netplumb port-npup0 limit rate over 1000000 bytes/second burst 24000 bytes drop$' \
	"$NP_OUT"
expect_match "plan: in a chain hooked at the port's ingress" \
	'^add chain netdev netplumb port-npup0 \{ type filter hook ingress device "npup0" priority 0; policy accept; \}$' \
	"$NP_OUT"
expect_no_match "plan: no limit on the unshaped port" 'port-npfree0' "$NP_OUT"
expect_match "the kernel holds the limit on the port's ingress" \
	'limit rate over 1000000 bytes/second burst 24000 bytes drop' \
	"$(ip netns exec "$NS_HOST" nft list chain netdev netplumb port-npup0)"
for g in 4 5; do
	ip -n "${GUEST_NS[$g]}" addr add 192.168.163.1$g/24 dev eth0
	ip -n "${GUEST_NS[$g]}" link set eth0 up
	wait_until 5 ip netns exec "${GUEST_NS[$g]}" busybox ping -c 1 -W 1 192.168.163.1 ||
		fail "guest $g does not reach its bridge"
done
port_out=$(shaped_rate "port upload" "${GUEST_NS[4]}" "$NS_HOST" 192.168.163.1 5030)
expect_within_20 "upload through the limited port, steady rate" "$port_out"
expect_10x "upload through the unshaped port" "$port_out" "${GUEST_NS[5]}" "$NS_HOST" \
	192.168.163.1 5040
expect_np_ok "port-delete mpgbw npup0" port-delete mpgbw npup0
expect_no_match "port-delete took the port's chain" 'port-npup0' \
	"$(ip netns exec "$NS_HOST" nft list ruleset)"
expect_np_ok "port-add --portgroup uploads again" \
	port-add mpgbw --veth "${GUEST_NS[4]}" --ifname npup0 --portgroup uploads
expect_match "the limit is back with the port" 'limit rate over 1000000 bytes/second' \
	"$(ip netns exec "$NS_HOST" nft list chain netdev netplumb port-npup0)"
ip netns exec "$NS_HOST" nft delete chain netdev netplumb port-npup0
expect_np_ok "net-reload mpgbw" net-reload mpgbw
expect_match "net-reload puts back the port's limit someone removed" \
	'limit rate over 1000000 bytes/second' \
	"$(ip netns exec "$NS_HOST" nft list chain netdev netplumb port-npup0)"
expect_np_ok "net-destroy mpgbw" net-destroy mpgbw
expect_no_match "net-destroy took the ports' netdev table" 'netdev netplumb' \
	"$(ip netns exec "$NS_HOST" nft list tables)"

log "a port's own rates (port-add --inbound/--outbound) on a network without any <bandwidth>"
ns_add "$NS_PREFIX-g6"
GUEST_NS[6]="$NS_PREFIX-g6"
for bad in "--outbound 0" "--outbound 1000,x" "--inbound ,1000" "--inbound 1000,2000,64,10" \
	"--outbound -1000" "--inbound 18446744073709552"; do
	# shellcheck disable=SC2086 # the option and its value, split on purpose
	expect_np_error "port-add $bad is refused" \
		port-add mfast --veth "${GUEST_NS[6]}" --ifname npown0 $bad
	expect_match "its line names the option and the value" "port-add: ${bad%% *} '${bad#* }'" \
		"$NP_ERR"
done
expect_no_match "the refused port-adds left no link" 'npown0' "$(ip -n "$NS_HOST" -o link show)"
expect_np_ok "port-list mfast after the refusals" port-list mfast --json
expect_no_match "and no record" 'npown0' "$NP_OUT"
expect_np_ok "port-add mfast --inbound 1000 --outbound 1000" \
	port-add mfast --veth "${GUEST_NS[6]}" --ifname npown0 --inbound $LIMIT_KIB \
	--outbound $LIMIT_KIB --json
expect_match "port-add --json shows its rates" \
	'"inbound": \{"average": 1000, "peak": 0, "burst": 0\}, "outbound": \{"average": 1000, "peak": 0, "burst": 0\}' \
	"$NP_OUT"
expect_np_ok "port-list mfast --json" port-list mfast --json
expect_match "port-list --json shows them too" '"port": "npown0".*"outbound": \{"average": 1000' \
	"$NP_OUT"
expect_np_ok "plan mfast with its port" plan mfast
expect_match "plan: HTB on the port at its own rate" \
	'^tc class replace dev npown0 parent 1: classid 1:1 htb rate 1000000bps' "$NP_OUT"
expect_match "plan: the port's own limit at its ingress" \
	'^add rule netdev netplumb port-npown0 limit rate over 1000000 bytes/second burst 24000 bytes drop$' \
	"$NP_OUT"
expect_match "plan: says the rates are the port's own" 'port-add --outbound' "$NP_OUT"
expect_match "the kernel has the HTB root qdisc on the port" 'qdisc htb 1: root .*default 0x1' \
	"$(ip netns exec "$NS_HOST" tc qdisc show dev npown0)"
expect_match "and the limit at its ingress" \
	'limit rate over 1000000 bytes/second burst 24000 bytes drop' \
	"$(ip netns exec "$NS_HOST" nft list chain netdev netplumb port-npown0)"
expect_no_match "the bridge stays unshaped" 'htb' "$(ip netns exec "$NS_HOST" tc qdisc show dev npfast0)"
ip -n "${GUEST_NS[6]}" addr add 192.168.161.16/24 dev eth0
ip -n "${GUEST_NS[6]}" link set eth0 up
wait_until 5 ip netns exec "${GUEST_NS[6]}" busybox ping -c 1 -W 1 192.168.161.1 ||
	fail "guest 6 does not reach its bridge"
own_in=$(shaped_rate "own-rate port download" "$NS_HOST" "${GUEST_NS[6]}" 192.168.161.16 5050)
expect_within_20 "download through the port's own --inbound, steady rate" "$own_in"
own_out=$(shaped_rate "own-rate port upload" "${GUEST_NS[6]}" "$NS_HOST" 192.168.161.1 5053)
expect_within_20 "upload through the port's own --outbound, steady rate" "$own_out"
expect_np_ok "net-destroy mfast (the port stays recorded)" net-destroy mfast
expect_np_ok "net-start mfast" net-start mfast
expect_match "the port's own inbound comes back with it" 'qdisc htb 1: root .*default 0x1' \
	"$(ip netns exec "$NS_HOST" tc qdisc show dev npown0)"
expect_match "and its own outbound limit" 'limit rate over 1000000 bytes/second' \
	"$(ip netns exec "$NS_HOST" nft list chain netdev netplumb port-npown0)"
expect_np_ok "port-delete mfast npown0" port-delete mfast npown0
expect_no_match "port-delete took its chain" 'port-npown0' "$(ip netns exec "$NS_HOST" nft list ruleset)"
expect_no_match "and its link (with its qdisc)" 'npown0' "$(ip -n "$NS_HOST" -o link show)"
expect_no_match "and, its chain the last, the ports' netdev table" 'netdev netplumb' \
	"$(ip netns exec "$NS_HOST" nft list tables)"
expect_np_ok "port-list mfast after port-delete" port-list mfast --json
expect_no_match "and its record" 'npown0' "$NP_OUT"

log "net-destroy takes the shaping with the bridge"
expect_np_ok "net-destroy mbw" net-destroy mbw
expect_no_match "no bw chain is left" 'bw-npbw0' "$(ip netns exec "$NS_HOST" nft list ruleset)"
expect_np_ok "net-destroy mfast" net-destroy mfast
