#!/bin/bash
# Issue 6 acceptance, end to end: three networks, two of them autostart. A
# simulated reboot (bridges deleted, the dnsmasqs netplumb started killed, nft
# flushed, the run dir emptied as a tmpfs is at boot) followed by
# `netplumb autostart` brings exactly those two back; a second run does
# nothing, and `autostart --force` leaves already active networks alone.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

DATA=$NP_E2E_DIR/data/i6
NETS=(autoa autob autoc)
declare -A BRIDGE=([autoa]=npasa [autob]=npasb [autoc]=npasc)
declare -A ADDR=([autoa]=192.168.171.1 [autob]=192.168.172.1 [autoc]=192.168.173.1)
declare -A PID=()

br_addr() { ip -n "$NS_HOST" -4 -o addr show dev "$1" 2>/dev/null || true; }
br_link() { ip -n "$NS_HOST" -o link show dev "$1" 2>/dev/null || true; }
nft_table() { ip netns exec "$NS_HOST" nft list table inet netplumb 2>/dev/null || true; }
# Everything a reboot or an autostart run could change, in one text.
kernel_state()
{
	ip -n "$NS_HOST" -o link show | sed 's/^[0-9]*: //'
	ip -n "$NS_HOST" -4 -o addr show
	ip netns exec "$NS_HOST" nft -s list ruleset
	ns_comms "$NS_HOST" | sort
}
list_state()
{
	np_capture net-list --all
	printf '%s\n' "$NP_OUT"
}
# net_row NAME STATE AUTOSTART: net-list --all's row for NAME.
net_row() { printf '^ *%s +%s +%s +yes *$' "$1" "$2" "$3"; }

log "the built-in 'default' must not autostart here: undefine it"
expect_np_ok "net-list --all on a fresh store" net-list --all
expect_match "default was seeded" '^ *default +inactive ' "$NP_OUT"
expect_np_ok "net-undefine default" net-undefine default
expect_np_ok "net-list --all after undefining default" net-list --all
expect_no_match "default is gone" '^ *default ' "$NP_OUT"

log "define three networks, mark two autostart"
for n in "${NETS[@]}"; do
	expect_np_ok "net-define $n" net-define "$DATA/auto-${n#auto}.xml"
done
expect_np_ok "net-autostart autoa" net-autostart autoa
expect_eq "net-autostart message" "Network autoa marked as autostarted" "$NP_OUT"
expect_np_ok "net-autostart autob" net-autostart autob
expect_np_ok "net-list --all --autostart" net-list --all --autostart
expect_match "autoa is autostart" "$(net_row autoa inactive yes)" "$NP_OUT"
expect_match "autob is autostart" "$(net_row autob inactive yes)" "$NP_OUT"
expect_no_match "autoc is not listed as autostart" '^ *autoc ' "$NP_OUT"
expect_no_match "default is not listed as autostart" '^ *default ' "$NP_OUT"
expect_np_ok "net-list --all --no-autostart" net-list --all --no-autostart
expect_match "autoc is listed as not autostart" "$(net_row autoc inactive no)" "$NP_OUT"

log "start all three"
for n in "${NETS[@]}"; do
	expect_np_ok "net-start $n" net-start "$n"
	expect_match "${BRIDGE[$n]} has ${ADDR[$n]}/24" "inet ${ADDR[$n]//./\\.}/24 " "$(br_addr "${BRIDGE[$n]}")"
	PID[$n]=$(np_dnsmasq_pid "$n") || fail "no live dnsmasq for $n in $NS_HOST"
done

log "simulated reboot: bridges deleted, dnsmasqs killed, nft flushed, run dir emptied"
for n in "${NETS[@]}"; do
	ip -n "$NS_HOST" link del "${BRIDGE[$n]}"
	pid=$(np_dnsmasq_pid "$n") || fail "the dnsmasq of $n is not in $NS_HOST"
	kill_pid "$pid"
	in_ns "$pid" "$NS_HOST" && fail "dnsmasq $pid of $n survived"
done
ip netns exec "$NS_HOST" nft flush ruleset
rm -rf "${NP_RUN:?}"/*
expect_no_match "no dnsmasq is left after the 'reboot'" ' dnsmasq$' "$(ns_comms "$NS_HOST")"
expect_eq "the ruleset is empty after the 'reboot'" "" "$(ip netns exec "$NS_HOST" nft list ruleset)"
expect_np_ok "net-list --all after the 'reboot'" net-list --all
for n in "${NETS[@]}"; do
	expect_match "$n is inactive after the 'reboot'" "^ *$n +inactive " "$NP_OUT"
done

log "netplumb autostart brings back exactly autoa and autob"
expect_np_ok "autostart" autostart
expect_match "autostart reports autoa" '^Network autoa started$' "$NP_OUT"
expect_match "autostart reports autob" '^Network autob started$' "$NP_OUT"
expect_no_match "autostart does not start autoc" 'autoc' "$NP_OUT"
expect_ok "autostart recorded that it ran" test -e "$NP_RUN/autostarted"
NFT=$(nft_table)
for n in autoa autob; do
	br=${BRIDGE[$n]}
	expect_match "$br is up again" '[<,]UP[,>]' "$(br_link "$br")"
	expect_match "$br has ${ADDR[$n]}/24 again" "inet ${ADDR[$n]//./\\.}/24 " "$(br_addr "$br")"
	expect_match "table inet netplumb has rules for $br" "$br" "$NFT"
	PID[$n]=$(np_dnsmasq_pid "$n") || fail "no live dnsmasq for $n after autostart"
	expect_eq "$n's pid file names a dnsmasq" dnsmasq "$(cat "/proc/${PID[$n]}/comm")"
done
expect_match "table inet netplumb has chains" '^[[:space:]]*chain ' "$NFT"
expect_eq "autoc's bridge was not created" "" "$(br_link npasc)"
expect_no_match "table inet netplumb has nothing for npasc" 'npasc' "$NFT"
expect_eq "autoc has no pid file" "" "$(ls "$NP_RUN"/autoc.pid 2>/dev/null || true)"
expect_eq "exactly two dnsmasqs run" 2 "$(ns_comms "$NS_HOST" | grep -c ' dnsmasq$' || true)"
expect_np_ok "net-list --all after autostart" net-list --all
expect_match "autoa is active" "$(net_row autoa active yes)" "$NP_OUT"
expect_match "autob is active" "$(net_row autob active yes)" "$NP_OUT"
expect_match "autoc is inactive" "$(net_row autoc inactive no)" "$NP_OUT"
expect_no_match "default did not come back" '^ *default ' "$NP_OUT"

log "a second autostart does nothing"
K_BEFORE=$(kernel_state)
S_BEFORE=$(np_store_sum)
L_BEFORE=$(list_state)
expect_np_ok "second autostart" autostart
expect_eq "second autostart prints nothing" "" "$NP_OUT"
expect_eq "kernel state unchanged by the second autostart" "$K_BEFORE" "$(kernel_state)"
expect_eq "store unchanged by the second autostart" "$S_BEFORE" "$(np_store_sum)"
expect_eq "net-list unchanged by the second autostart" "$L_BEFORE" "$(list_state)"
for n in autoa autob; do
	expect_eq "$n keeps its dnsmasq" "${PID[$n]}" "$(np_dnsmasq_pid "$n" || true)"
done

log "autostart --force is a no-op for networks that are already active"
expect_np_ok "autostart --force" autostart --force
expect_eq "autostart --force prints nothing" "" "$NP_OUT"
expect_eq "kernel state unchanged by --force" "$K_BEFORE" "$(kernel_state)"
expect_eq "net-list unchanged by --force" "$L_BEFORE" "$(list_state)"
for n in autoa autob; do
	expect_eq "$n keeps its dnsmasq after --force" "${PID[$n]}" "$(np_dnsmasq_pid "$n" || true)"
done

log "once per boot: a destroyed autostart network stays down until --force"
expect_np_ok "net-destroy autob" net-destroy autob
expect_np_ok "autostart after destroying autob" autostart
expect_eq "autostart (already ran this boot) prints nothing" "" "$NP_OUT"
expect_eq "npasb stays deleted" "" "$(br_link npasb)"
expect_np_ok "autostart --force" autostart --force
expect_eq "--force starts only autob" "Network autob started" "$NP_OUT"
expect_match "npasb is back with its address" 'inet 192\.168\.172\.1/24 ' "$(br_addr npasb)"
expect_eq "autoa keeps its dnsmasq" "${PID[autoa]}" "$(np_dnsmasq_pid autoa || true)"
expect_eq "autoc's bridge still does not exist" "" "$(br_link npasc)"

log "clean up: destroy both"
for n in autoa autob; do
	expect_np_ok "net-destroy $n" net-destroy "$n"
done
expect_no_match "no dnsmasq left" ' dnsmasq$' "$(ns_comms "$NS_HOST")"
expect_no_match "no netplumb bridge left" 'npas[abc]' "$(ip -n "$NS_HOST" -o link show)"

e2e_done
