#!/bin/bash
# Issue 7: a network's dnsmasq takes its upstream DNS servers from a
# servers-file netplumb writes from resolv.conf, not from resolv.conf itself:
# watching resolv.conf costs dnsmasq an inotify instance, and
# fs.inotify.max_user_instances (128 per uid) would cap the number of
# networks. Here, with NETPLUMB_RESOLV_CONF pointing at the test's own file:
# - upstream 1 (its own namespace) knows up.test = 10.77.0.9; a guest on a NAT
#   network resolves up.test through the bridge and gets that answer;
# - the network's dnsmasq holds no inotify instance (a dnsmasq that reads a
#   resolv.conf, started alongside, does: the check can fail);
# - the file is pointed at upstream 2 (up.test = 10.77.0.10); net-reload
#   rewrites the servers-file and SIGHUPs dnsmasq: the guest gets the new
#   answer from the same dnsmasq pid;
# - a missing resolv.conf gives an empty servers-file: no upstream, local
#   names only; net-destroy removes the file.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/lib-modes.sh
. "$(dirname "$0")/lib-modes.sh"

NET=upnet
BR=npup0
BR_IP=192.168.180.1
NAME=up.test
ANSWER1=10.77.0.9
ANSWER2=10.77.0.10
RESOLV=$NP_TMP/resolv.conf
SERVERS=$NP_STATE/$NET.servers
export NETPLUMB_RESOLV_CONF=$RESOLV

# upstream NS ADDR ANSWER TAG: a dnsmasq in NS on ADDR:53 that knows only
# $NAME = ANSWER (and TAG.test, which only it knows); its pid in UP_PID.
# host-record, and local=/test/ for the rest of .test, answer every query
# type at once (an upstream REFUSED for AAAA would leave nslookup waiting).
upstream()
{
	local ns=$1 addr=$2 answer=$3 tag=$4 pidfile=$NP_TMP/$4.pid
	bg "$ns" 600 dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
		--bind-interfaces --listen-address="$addr" --port=53 --pid-file="$pidfile" \
		--host-record="$NAME,$answer" --host-record="$tag.test,$answer" --local=/test/ \
		>"$NP_TMP/$tag.log" 2>&1
	_up() { [ -s "$pidfile" ] && UP_PID=$(head -n1 "$pidfile" | tr -dc 0-9) && in_ns "$UP_PID" "$ns"; }
	wait_until 10 _up || fail "upstream $tag did not start: $(cat "$NP_TMP/$tag.log")"
	NP_PIDS+=("$UP_PID")
}

has_inotify() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q 'anon_inode:inotify'; }

log "two upstream DNS servers, each in its own namespace"
make_uplink
make_uplink2
upstream "$NS_UPLINK" "$UPLINK_IP" "$ANSWER1" one
pass "upstream 1 runs on $UPLINK_IP (pid $UP_PID)"
upstream "$NS_UPLINK2" "$UPLINK2_IP" "$ANSWER2" two
pass "upstream 2 runs on $UPLINK2_IP (pid $UP_PID)"
expect_lookup "upstream 1 answers $NAME" "$NS_HOST" "^Address: *${ANSWER1//./\\.}$" \
	"$NAME" "$UPLINK_IP"
expect_lookup "upstream 2 answers $NAME differently" "$NS_HOST" \
	"^Address: *${ANSWER2//./\\.}$" "$NAME" "$UPLINK2_IP"

printf '# the test'\''s own resolv.conf\nsearch example\nnameserver %s\noptions edns0\n' \
	"$UPLINK_IP" >"$RESOLV"

log "define and start $NET with NETPLUMB_RESOLV_CONF=$RESOLV"
expect_np_ok "net-define upnet.xml" net-define "$NP_E2E_DIR/data/upstream/upnet.xml"
expect_np_ok "plan --show dnsmasq-conf" plan "$NET" --show dnsmasq-conf
expect_match "the config has no-resolv" '^no-resolv$' "$NP_OUT"
expect_match "the config names the servers-file" "^servers-file=${SERVERS//./\\.}$" "$NP_OUT"
expect_no_match "no directory dnsmasq would watch" 'hostsdir|optsdir|^resolv-file' "$NP_OUT"
expect_np_ok "plan shows the servers-file step" plan "$NET"
expect_match "plan: the servers-file comes from $RESOLV" "from ${RESOLV//./\\.} " "$NP_OUT"
expect_match "plan: it holds upstream 1" "^server=${UPLINK_IP//./\\.}$" "$NP_OUT"
expect_np_ok "net-start $NET" net-start "$NET"
expect_eq "the servers-file holds upstream 1" "server=$UPLINK_IP" "$(cat "$SERVERS")"
DNSMASQ_PID=$(np_dnsmasq_pid "$NET") || fail "no dnsmasq for $NET"
pass "dnsmasq runs (pid $DNSMASQ_PID)"

log "no inotify instance in the network's dnsmasq"
# A dnsmasq reading the same resolv.conf, for contrast: it holds one.
CONTROL_PIDFILE=$NP_TMP/control.pid
bg "$NS_UPLINK" 600 dnsmasq --keep-in-foreground --conf-file=/dev/null --no-hosts \
	--bind-interfaces --listen-address="$UPLINK_IP" --port=5353 \
	--pid-file="$CONTROL_PIDFILE" --resolv-file="$RESOLV" >"$NP_TMP/control.log" 2>&1
_control() { [ -s "$CONTROL_PIDFILE" ] && CONTROL_PID=$(head -n1 "$CONTROL_PIDFILE" | tr -dc 0-9) &&
	in_ns "$CONTROL_PID" "$NS_UPLINK"; }
wait_until 10 _control || fail "the control dnsmasq did not start: $(cat "$NP_TMP/control.log")"
NP_PIDS+=("$CONTROL_PID")
has_inotify "$CONTROL_PID" || fail "a dnsmasq reading resolv.conf shows no inotify fd"
pass "a dnsmasq that reads resolv.conf holds an inotify instance"
kill_pid "$CONTROL_PID"
if has_inotify "$DNSMASQ_PID"; then
	fail "$NET's dnsmasq holds an inotify instance: $(ls -l "/proc/$DNSMASQ_PID/fd")"
fi
[ -d "/proc/$DNSMASQ_PID/fd" ] || fail "dnsmasq $DNSMASQ_PID is gone"
pass "$NET's dnsmasq holds none"

log "a guest resolves $NAME through the bridge"
make_guest 1 "$BR"
guest_dhcp 1 30 || fail "guest 1 got no lease: $(tail -n 5 "$NP_TMP/g1.udhcpc.log")"
expect_eq "guest 1's DNS server is the bridge" "$BR_IP" "$(guest_lease_var 1 dns)"
G1=${GUEST_NS[1]}
expect_lookup "$NAME resolves to upstream 1's answer" "$G1" "^Address: *${ANSWER1//./\\.}$" \
	"$NAME" "$BR_IP"
lookup "$G1" two.test "$BR_IP"
expect_no_match "a name only upstream 2 knows does not resolve yet" "${ANSWER2//./\\.}" "$OUT"

log "resolv.conf now names upstream 2; net-reload"
printf 'nameserver %s\n' "$UPLINK2_IP" >"$RESOLV"
expect_np_ok "net-reload $NET" net-reload "$NET"
expect_match "net-reload says dnsmasq re-read its servers" 're-read its upstream DNS servers \(1\)' \
	"$NP_OUT"
expect_eq "the servers-file holds upstream 2" "server=$UPLINK2_IP" "$(cat "$SERVERS")"
expect_eq "dnsmasq was not restarted" "$DNSMASQ_PID" "$(np_dnsmasq_pid "$NET" || true)"
expect_lookup "$NAME resolves to upstream 2's answer" "$G1" "^Address: *${ANSWER2//./\\.}$" \
	"$NAME" "$BR_IP"
expect_lookup "and so does the name only upstream 2 knows" "$G1" \
	"^Address: *${ANSWER2//./\\.}$" two.test "$BR_IP"
lookup "$G1" one.test "$BR_IP"
expect_no_match "upstream 1 is no longer asked" "${ANSWER1//./\\.}" "$OUT"
has_inotify "$DNSMASQ_PID" && fail "after net-reload, dnsmasq holds an inotify instance"
pass "still no inotify instance after net-reload"

log "no resolv.conf: no upstream at all"
rm -f "$RESOLV"
expect_np_ok "net-reload $NET without resolv.conf" net-reload "$NET"
expect_match "net-reload reports no servers" 're-read its upstream DNS servers \(0\)' "$NP_OUT"
expect_eq "the servers-file is empty" "" "$(cat "$SERVERS")"
expect_eq "dnsmasq is still the same process" "$DNSMASQ_PID" "$(np_dnsmasq_pid "$NET" || true)"
lookup "$G1" "$NAME" "$BR_IP"
expect_no_match "$NAME no longer resolves" '10\.77\.' "$OUT"
expect_lookup "the network's own name still does" "$G1" "^Address: *${GUEST_IP[1]//./\\.}$" \
	np-g1 "$BR_IP"

log "net-destroy removes the servers-file"
expect_np_ok "net-destroy $NET" net-destroy "$NET"
[ ! -e "$SERVERS" ] || fail "$SERVERS is still there after net-destroy"
pass "the servers-file is gone"

e2e_done
