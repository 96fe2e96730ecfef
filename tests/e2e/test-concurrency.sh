#!/bin/bash
# Issues 6 and 8: many netplumb processes at once. The store lock must
# serialise every change, and afterwards the store and the kernel must agree:
# every active network has its bridge, its nft chains and its dnsmasq, an
# inactive one has none of them, nothing else exists, and no definition is
# lost or torn.
#   1. On a fresh store (so the first-use seeding of 'default' races too), 8
#      concurrent net-define of 8 networks.
#   2. 8 concurrent workers, one per network (distinct bridges and subnets),
#      each starting and destroying its network ROUNDS times; every command
#      must succeed. Half of them end active.
#   3. 6 concurrent workers on one shared network, each a fixed pseudo-random
#      mix of net-define (two versions), net-start, net-destroy, net-dumpxml
#      and net-list. Every command must succeed or fail with one line saying
#      "already active" (start) or "not active" (destroy).
# After each phase the store and the namespace are checked against each other.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/hostile/lib-state.sh
. "$NP_E2E_DIR/../hostile/lib-state.sh"

N_NETS=8
ROUNDS=${NP_E2E_CONC_ROUNDS:-4}
SHARED_WORKERS=6
SHARED_OPS=${NP_E2E_CONC_OPS:-10}
PHASE_SECS=90 # a phase still running after this is a hang

# net_xml I: network cc$I on bridge npcc$I, 192.168.(210+I).0/24, NAT + DHCP.
net_xml()
{
	cat <<EOF
<network>
  <name>cc$1</name>
  <forward mode='nat'/>
  <bridge name='npcc$1'/>
  <ip address='192.168.$((210 + $1)).1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.$((210 + $1)).10' end='192.168.$((210 + $1)).50'/>
    </dhcp>
  </ip>
</network>
EOF
}

# shared_xml END: the shared network, whose two versions differ in the DHCP
# range's end.
shared_xml()
{
	cat <<EOF
<network>
  <name>ccshared</name>
  <forward mode='nat'/>
  <bridge name='npccs0'/>
  <ip address='192.168.220.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.220.10' end='192.168.220.$1'/>
    </dhcp>
  </ip>
</network>
EOF
}

for ((i = 0; i < N_NETS; i++)); do
	net_xml "$i" >"$NP_TMP/cc$i.xml"
done
shared_xml 50 >"$NP_TMP/ccshared-a.xml"
shared_xml 60 >"$NP_TMP/ccshared-b.xml"

# run_logged LOG ARGS...: one netplumb command; appends "ARGS|rc|stdout|stderr"
# (newlines as '\n') to LOG. Never fails.
run_logged()
{
	local log=$1 rc=0 out err errf="$1.$BASHPID.err"
	shift
	out=$(np "$@" 2>"$errf") || rc=$?
	err=$(cat "$errf")
	printf '%s|%d|%s|%s\n' "$*" "$rc" "${out//$'\n'/\\n}" "${err//$'\n'/\\n}" >>"$log"
}

# wait_workers DESC PIDS...: waits for the workers, at most PHASE_SECS.
wait_workers()
{
	local desc=$1 pid deadline=$((SECONDS + PHASE_SECS))
	shift
	for pid in "$@"; do
		while kill -0 "$pid" 2>/dev/null; do
			[ "$SECONDS" -lt "$deadline" ] || fail "$desc: workers still running after ${PHASE_SECS}s (a hang?)"
			sleep 0.1
		done
		wait "$pid" 2>/dev/null || true
	done
	pass "$desc: all workers finished"
}

# check_agreement DESC NAMES...: for each network, what net-list says
# matches the namespace; and nothing exists that no active network owns.
check_agreement()
{
	local desc=$1 name br state p bad="" want_chains=0 n_active_dhcp=0 got
	local want_br=()
	shift
	for name in "$@"; do
		case $name in
		default) br=virbr0 ;;
		ccshared) br=npccs0 ;;
		*) br=np${name} ;;
		esac
		state=$(net_state "$name")
		case $state in
		active)
			p=$(problems_active "$name" "$br" 2 1)
			want_br+=("$br")
			want_chains=$((want_chains + 2))
			n_active_dhcp=$((n_active_dhcp + 1))
			;;
		inactive) p=$(problems_inactive "$name" "$br") ;;
		*) p="net-list says '$state'" ;;
		esac
		[ -z "$p" ] || bad="$bad [$name: $(echo "$p" | tr '\n' ';')]"
	done
	[ -z "$bad" ] || fail "$desc: store and namespace disagree:$bad"
	got=$(ip -n "$NS_HOST" -o link show type bridge | awk -F': ' '{ print $2 }' | sort | tr '\n' ' ')
	expect_eq "$desc: the bridges are exactly those of the active networks" \
		"$(printf '%s\n' "${want_br[@]}" | sed '/^$/d' | sort | tr '\n' ' ')" "$got"
	got=$(ip netns exec "$NS_HOST" nft list table inet netplumb 2>/dev/null | grep -c '^[[:space:]]*chain ' || true)
	expect_eq "$desc: nft chains: 2 per active network" "$want_chains" "$got"
	expect_eq "$desc: one dnsmasq per active network" "$n_active_dhcp" "$(dnsmasq_pids | grep -c . || true)"
	pass "$desc: every network's state matches the namespace"
}

# check_store DESC: every definition and live record parses, and the store
# has no stray files (temp files of an interrupted write).
check_store()
{
	local desc=$1 f stray
	for f in "$NP_CONFIG"/*.xml "$NP_RUN"/*.xml; do
		[ -e "$f" ] || continue
		np_env -- validate "$f"
		[ "$NP_RC" -eq 0 ] || fail "$desc: $f does not parse: $NP_ERR"
	done
	pass "$desc: every definition and live record parses"
	stray=$(cd "$NP_TMP" && find config state run -type f)
	stray=$(grep -Ev '^(config/[^/]+\.xml|config/\.netplumb-seeded|config/autostart/[^/]+\.xml|run/[^/]+\.(xml|pid|started|applied|netns)|run/lock|run/claims/complete|run/claims/(bridge|uuid)/[^/]+/[^/]+|state/[^/]+\.(conf|hostsfile|addnhosts|leases|servers))$' \
		<<<"$stray" || true)
	expect_eq "$desc: no stray (temporary) files in the store" "" "$stray"
	# the bridge index names every definition's bridge (it may name more)
	local missing="" br name
	for f in "$NP_CONFIG"/*.xml "$NP_RUN"/*.xml; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .xml)
		br=$(sed -n "s/.*<bridge name='\([^']*\)'.*/\1/p" "$f" | head -n 1)
		[ -z "$br" ] || [ -e "$NP_RUN/claims/bridge/$br/$name" ] || missing+=" $name:$br"
	done
	expect_eq "$desc: the bridge index names every definition's bridge" "" "$missing"
}

# check_log DESC LOG ERE_OK: every line of LOG is "rc 0" or an allowed error;
# ERE_OK matches the allowed "ARGS|1||netplumb: error: ..." lines.
check_log()
{
	local desc=$1 log=$2 ok=$3 unexpected
	unexpected=$(grep -Ev -- '^[^|]*\|0\|' "$log" | grep -Ev -- "$ok" || true)
	[ -z "$unexpected" ] || fail "$desc: unexpected results (ARGS|exit|stdout|stderr):
$(sort <<<"$unexpected" | uniq -c | head -n 20)"
	pass "$desc: $(wc -l <"$log") commands, each succeeded or failed as allowed"
}

ALL_NETS=(default ccshared)
for ((i = 0; i < N_NETS; i++)); do
	ALL_NETS+=("cc$i")
done

log "1. $N_NETS concurrent net-define on a fresh store"
pids=()
for ((i = 0; i < N_NETS; i++)); do
	run_logged "$NP_TMP/define.log" net-define "$NP_TMP/cc$i.xml" &
	pids+=("$!")
	NP_PIDS+=("$!")
done
wait_workers "define" "${pids[@]}"
check_log "concurrent defines" "$NP_TMP/define.log" '^$'
expect_np_ok "net-define ccshared" net-define "$NP_TMP/ccshared-a.xml"
expect_np_ok "net-list --all --name" net-list --all --name
expect_eq "every network is defined, 'default' once" \
	"$(printf '%s\n' "${ALL_NETS[@]}" | sort | tr '\n' ' ')" "$(sort <<<"$NP_OUT" | sed '/^$/d' | tr '\n' ' ')"
check_store "after the defines"

log "2. $N_NETS concurrent workers, each starting and destroying its own network $ROUNDS times"
pids=()
for ((i = 0; i < N_NETS; i++)); do
	(
		for ((r = 0; r < ROUNDS; r++)); do
			run_logged "$NP_TMP/own.log" net-start "cc$i"
			run_logged "$NP_TMP/own.log" net-destroy "cc$i"
		done
		if ((i % 2 == 0)); then
			run_logged "$NP_TMP/own.log" net-start "cc$i"
		fi
	) &
	pids+=("$!")
	NP_PIDS+=("$!")
done
wait_workers "own networks" "${pids[@]}"
check_log "start/destroy of distinct networks" "$NP_TMP/own.log" '^$'
expect_eq "every start and destroy was logged" $((N_NETS * ROUNDS * 2 + N_NETS / 2)) \
	"$(wc -l <"$NP_TMP/own.log")"
check_agreement "after the distinct networks" "${ALL_NETS[@]}"
for ((i = 0; i < N_NETS; i++)); do
	expect_eq "cc$i ends $( ((i % 2 == 0)) && echo active || echo inactive)" \
		"$( ((i % 2 == 0)) && echo active || echo inactive)" "$(net_state "cc$i")"
done
check_store "after the distinct networks"

log "3. $SHARED_WORKERS concurrent workers on one network: define, start, destroy, dumpxml, list"
pids=()
for ((w = 0; w < SHARED_WORKERS; w++)); do
	(
		RANDOM=$((w * 7919 + 17))
		for ((k = 0; k < SHARED_OPS; k++)); do
			case $((RANDOM % 6)) in
			0) run_logged "$NP_TMP/shared.log" net-define "$NP_TMP/ccshared-a.xml" ;;
			1) run_logged "$NP_TMP/shared.log" net-define "$NP_TMP/ccshared-b.xml" ;;
			2 | 3) run_logged "$NP_TMP/shared.log" net-start ccshared ;;
			4) run_logged "$NP_TMP/shared.log" net-destroy ccshared ;;
			5)
				run_logged "$NP_TMP/shared.log" net-dumpxml ccshared
				run_logged "$NP_TMP/shared.log" net-list --all
				;;
			esac
		done
	) &
	pids+=("$!")
	NP_PIDS+=("$!")
done
wait_workers "shared network" "${pids[@]}"
check_log "concurrent commands on ccshared" "$NP_TMP/shared.log" \
	"^(net-start ccshared\\|1\\|\\|netplumb: error: network 'ccshared' is already active|net-destroy ccshared\\|1\\|\\|netplumb: error: network 'ccshared' is not active)\$"
expect_eq "some starts succeeded" yes \
	"$(grep -q '^net-start ccshared|0|Network ccshared started' "$NP_TMP/shared.log" && echo yes)"
# A start that waits for the lock while another start or destroy runs must
# not mistake the half-done network for a damaged one.
expect_eq "no start claims to have repaired a network nobody damaged" "" \
	"$(grep '^net-start ccshared|0|Network ccshared repaired' "$NP_TMP/shared.log" | sort | uniq -c)"
check_agreement "after the shared network" "${ALL_NETS[@]}"
check_store "after the shared network"
expect_np_ok "net-dumpxml --inactive ccshared" net-dumpxml --inactive ccshared
expect_match "ccshared's definition is one of the two versions" \
	"<range start='192\\.168\\.220\\.10' end='192\\.168\\.220\\.(50|60)'/>" "$NP_OUT"

log "4. every active network destroyed concurrently"
pids=()
for name in "${ALL_NETS[@]}"; do
	if [ "$(net_state "$name")" = active ]; then
		run_logged "$NP_TMP/final.log" net-destroy "$name" &
		pids+=("$!")
		NP_PIDS+=("$!")
	fi
done
wait_workers "final destroys" "${pids[@]}"
check_log "final destroys" "$NP_TMP/final.log" '^$'
check_agreement "at the end" "${ALL_NETS[@]}"
expect_eq "no bridge left" "" "$(ip -n "$NS_HOST" -o link show type bridge)"
expect_eq "no dnsmasq left" "" "$(dnsmasq_pids)"
check_store "at the end"
e2e_done
