#!/bin/bash
# Issue 6 acceptance, end to end: `netplumb --netns NAME`. Two named
# namespaces each run their own 'default' network on 192.168.122.0/24 at the
# same time, each with its own store (passed per namespace: never the real
# /etc, /var/lib or /run dirs) and a guest holding a lease; destroying one
# leaves the other one's guest working.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

SIDES=(a b)
declare -A NSN=() GN=() DPID=()

# npn SIDE ARGS...: netplumb run from the caller's namespace, told to work in
# SIDE's namespace with SIDE's private directories.
npn()
{
	np_netns "${NSN[$1]}" "$NP_TMP/$1" "${@:2}"
}

# expect_npn_ok DESC SIDE ARGS...: exit 0, nothing on stderr; stdout in NP_OUT.
expect_npn_ok()
{
	local desc=$1 rc=0
	shift
	npn "$@" >"$NP_TMP/npn.out" 2>"$NP_TMP/npn.err" || rc=$?
	NP_OUT=$(cat "$NP_TMP/npn.out")
	NP_ERR=$(cat "$NP_TMP/npn.err")
	[ "$rc" -eq 0 ] || fail "$desc: 'netplumb --netns ${NSN[$1]} ${*:2}' exited $rc: $NP_ERR"
	[ -z "$NP_ERR" ] || fail "$desc: 'netplumb --netns ${NSN[$1]} ${*:2}' wrote to stderr: $NP_ERR"
	pass "$desc"
}

# side_pid SIDE: the dnsmasq pid from SIDE's run dir, only if it lives in SIDE's namespace.
side_pid()
{
	local f="$NP_TMP/$1/run/netns/${NSN[$1]}/default.pid" pid
	[ -r "$f" ] || return 1
	pid=$(head -n1 "$f" | tr -dc 0-9)
	[ -n "$pid" ] && in_ns "$pid" "${NSN[$1]}" || return 1
	printf '%s\n' "$pid"
}

br_addr() { ip -n "$1" -4 -o addr show dev virbr0 2>/dev/null || true; }

caller_virbr0() { ip -o link show dev virbr0 >/dev/null 2>&1 && echo present || echo absent; }
CALLER_BEFORE=$(caller_virbr0)

log "two namespaces, each with its own store"
for s in "${SIDES[@]}"; do
	NSN[$s]="$NS_PREFIX-$s"
	ns_add "${NSN[$s]}"
	mkdir -p "$NP_TMP/$s"
done

log "both start 'default' on 192.168.122.0/24 at the same time"
for s in "${SIDES[@]}"; do
	expect_npn_ok "[$s] net-start default" "$s" net-start default
	expect_eq "[$s] net-start message" "Network default started" "$NP_OUT"
done
for s in "${SIDES[@]}"; do
	ns=${NSN[$s]}
	expect_match "[$s] virbr0 has 192.168.122.1/24 in $ns" 'inet 192\.168\.122\.1/24 ' "$(br_addr "$ns")"
	expect_ok "[$s] table inet netplumb exists in $ns" ip netns exec "$ns" nft list table inet netplumb
	expect_match "[$s] the table mentions virbr0" virbr0 "$OUT"
	DPID[$s]=$(side_pid "$s") || fail "[$s] no live dnsmasq from $NP_TMP/$s/run/netns/$ns/default.pid in $ns"
	expect_eq "[$s] the pid file names a dnsmasq" dnsmasq "$(cat "/proc/${DPID[$s]}/comm")"
	expect_npn_ok "[$s] net-list" "$s" net-list
	expect_match "[$s] default is active" '^ *default +active ' "$NP_OUT"
	expect_ok "[$s] the store is below the directories given" test -e "$NP_TMP/$s/config/netns/${NSN[$s]}/default.xml"
done
[ "${DPID[a]}" != "${DPID[b]}" ] || fail "both namespaces report the same dnsmasq ${DPID[a]}"
pass "each namespace has a dnsmasq of its own"
expect_eq "no virbr0 in the test's unused host namespace" "" \
	"$(ip -n "$NS_HOST" -o link show dev virbr0 2>/dev/null || true)"
expect_eq "the caller's namespace has (or lacks) virbr0 as before" "$CALLER_BEFORE" "$(caller_virbr0)"

log "NETPLUMB_NETNS and NETPLUMB_*_DIR do the same as the options"
OUT=$(NETPLUMB_NETNS=${NSN[b]} NETPLUMB_CONFIG_DIR=$NP_TMP/b/config NETPLUMB_STATE_DIR=$NP_TMP/b/state \
	NETPLUMB_RUN_DIR=$NP_TMP/b/run timeout -k 5 60 "$NETPLUMB" net-info default 2>&1) ||
	fail "net-info default through the environment failed: $OUT"
expect_match "net-info through the environment: active" '^Active: +yes' "$OUT"

log "a guest in each namespace gets a lease"
n=0
for s in "${SIDES[@]}"; do
	n=$((n + 1))
	g="$NS_PREFIX-g$n"
	GN[$s]=$n
	ns_add "$g"
	mac=$(printf '52:54:00:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) "$n")
	ip -n "${NSN[$s]}" link add vnet0 type veth peer name eth0 netns "$g"
	ip -n "$g" link set eth0 address "$mac"
	ip -n "$g" link set eth0 up
	ip -n "${NSN[$s]}" link set vnet0 master virbr0
	ip -n "${NSN[$s]}" link set vnet0 up
	GUEST_NS[$n]=$g
	GUEST_MAC[$n]=$mac
done
for s in "${SIDES[@]}"; do
	n=${GN[$s]}
	guest_dhcp "$n" 30 || fail "[$s] guest $n got no lease: $(tail -n 5 "$NP_TMP/g$n.udhcpc.log")"
	expect_match "[$s] the lease is in 192.168.122.2-254" \
		'^192\.168\.122\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$' "${GUEST_IP[$n]}"
	expect_ok "[$s] guest $n pings its own 192.168.122.1" \
		ip netns exec "${GUEST_NS[$n]}" timeout 10 busybox ping -c 1 -W 3 192.168.122.1
done
leases_has() { npn "$1" net-dhcp-leases default 2>/dev/null | grep -qi -- "$2"; }
for s in "${SIDES[@]}"; do
	n=${GN[$s]}
	other=$((3 - n))
	wait_until 5 leases_has "$s" "${GUEST_MAC[$n]}" || true
	expect_npn_ok "[$s] net-dhcp-leases default" "$s" net-dhcp-leases default
	expect_match "[$s] shows its own guest's lease" \
		"${GUEST_MAC[$n]} +ipv4 +${GUEST_IP[$n]//./\\.}/24 " "$NP_OUT"
	expect_no_match "[$s] does not show the other namespace's guest" "${GUEST_MAC[$other]}" "$NP_OUT"
done

log "destroying a's network leaves b's guest working"
expect_npn_ok "[a] net-destroy default" a net-destroy default
expect_eq "[a] virbr0 is gone" "" "$(ip -n "${NSN[a]}" -o link show dev virbr0 2>/dev/null || true)"
gone() { ! in_ns "${DPID[a]}" "${NSN[a]}"; }
wait_until 5 gone || fail "[a] dnsmasq ${DPID[a]} still runs after net-destroy"
pass "[a] dnsmasq has exited"
expect_npn_ok "[a] net-list --all" a net-list --all
expect_match "[a] default is inactive" '^ *default +inactive ' "$NP_OUT"
expect_npn_ok "[b] net-list" b net-list
expect_match "[b] default is still active" '^ *default +active ' "$NP_OUT"
expect_match "[b] virbr0 still has 192.168.122.1/24" 'inet 192\.168\.122\.1/24 ' "$(br_addr "${NSN[b]}")"
expect_eq "[b] dnsmasq is the same process" "${DPID[b]}" "$(side_pid b || true)"
expect_ok "[b] table inet netplumb still mentions virbr0" ip netns exec "${NSN[b]}" nft list table inet netplumb
expect_match "[b] the table still has virbr0" virbr0 "$OUT"
n=${GN[b]}
expect_ok "[b] guest $n still pings 192.168.122.1" \
	ip netns exec "${GUEST_NS[$n]}" timeout 10 busybox ping -c 2 -W 3 192.168.122.1
IPB=${GUEST_IP[$n]}
guest_dhcp "$n" 15 || fail "[b] guest $n cannot renew its lease: $(tail -n 5 "$NP_TMP/g$n.udhcpc.log")"
expect_eq "[b] guest $n gets its lease again" "$IPB" "${GUEST_IP[$n]}"

log "a can start again beside b"
expect_npn_ok "[a] net-start default again" a net-start default
expect_match "[a] virbr0 is back" 'inet 192\.168\.122\.1/24 ' "$(br_addr "${NSN[a]}")"
expect_npn_ok "[a] net-destroy default" a net-destroy default
expect_npn_ok "[b] net-destroy default" b net-destroy default
for s in "${SIDES[@]}"; do
	expect_no_match "[$s] no dnsmasq left" ' dnsmasq$' "$(ns_comms "${NSN[$s]}")"
	expect_eq "[$s] no virbr0 left" "" "$(ip -n "${NSN[$s]}" -o link show dev virbr0 2>/dev/null || true)"
done
expect_eq "the caller's namespace is as before" "$CALLER_BEFORE" "$(caller_virbr0)"

e2e_done
