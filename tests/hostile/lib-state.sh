# Checks shared by the fault, kill and concurrency tests (tests/e2e/test-faults.sh,
# test-kill.sh, test-concurrency.sh); sourced after tests/e2e/lib.sh, never run
# on its own. Everything here only reads the test's own host namespace
# (NS_HOST) and netplumb's directories under NP_TMP, except np_env, which runs
# netplumb there with extra environment variables.
# shellcheck shell=bash disable=SC2153 # NS_HOST, NP_* come from lib.sh
# shellcheck disable=SC2034 # NP_RC, NP_OUT, NP_ERR are read by the tests

# np_env VAR=VALUE... -- ARGS...: netplumb in the host namespace with VARs set
# (fault injection); never aborts. Sets NP_RC, NP_OUT, NP_ERR and leaves the
# raw stderr in $NP_TMP/np.err.
np_env()
{
	local vars=()
	while [ "$1" != -- ]; do
		vars+=("$1")
		shift
	done
	shift
	NP_RC=0
	# The braces take bash's "Killed" notice (NETPLUMB_KILL_AT) off stderr.
	{
		ip netns exec "$NS_HOST" env "${vars[@]}" timeout -k 5 30 "$NETPLUMB" \
			--config-dir "$NP_CONFIG" --state-dir "$NP_STATE" --run-dir "$NP_RUN" "$@" \
			>"$NP_TMP/np.out" 2>"$NP_TMP/np.err" </dev/null
	} 2>/dev/null || NP_RC=$?
	# A retired bridge is deleted in the background: wait for that (and
	# fail when it does not happen), as lib.sh's np does.
	np_settle "$NS_HOST" >>"$NP_TMP/np.err" || NP_RC=99
	NP_OUT=$(cat "$NP_TMP/np.out")
	NP_ERR=$(cat "$NP_TMP/np.err")
}

# one_error_line: NP_ERR is exactly one "netplumb: error: " line.
one_error_line()
{
	[ "$(wc -l <"$NP_TMP/np.err")" -eq 1 ] && [[ "$NP_ERR" == "netplumb: error: "* ]]
}

# sys_snapshot: what netplumb may change in the host namespace: links,
# addresses and routes (without operational state: carrier, DAD and linkdown
# flags follow a new link's carrier with some delay), the whole nft ruleset
# (counters dropped: the bridge's own multicast joins count; netplumb's table
# goes with its last network, so it shows when left behind), forwarding and
# the names of the processes running there.
sys_snapshot()
{
	np_settle "$NS_HOST"
	ip -n "$NS_HOST" -o link show | sed -e 's/^[0-9]*: //' -e 's/ state [A-Z]*//' \
		-e 's/NO-CARRIER,//' -e 's/,LOWER_UP//' -e 's/ link-netns [^ ]*//' | sort
	ip -n "$NS_HOST" -o addr show | sed -e 's/^[0-9]*: //' -e 's/ valid_lft.*//' \
		-e 's/ tentative//' | sort
	ip -n "$NS_HOST" route show table all | sed -e 's/ linkdown//' | sort
	ip netns exec "$NS_HOST" nft list ruleset | sed -e 's/ counter packets [0-9]* bytes [0-9]*/ counter/'
	ip netns exec "$NS_HOST" cat /proc/sys/net/ipv4/ip_forward
	ns_comms "$NS_HOST" | awk '{ print $2 }' | sort
}

# diff_text A B: a short diff of two snapshots, for failure messages.
diff_text()
{
	diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") | head -n 30 || true
}

# np_chains BRIDGE: the names of netplumb's nft chains for BRIDGE.
np_chains()
{
	ip netns exec "$NS_HOST" nft list table inet netplumb 2>/dev/null |
		sed -n -e "s/^[[:space:]]*chain \([a-z0-9]*-$1\) {.*/\1/p" || true
}

# dnsmasq_pids: the dnsmasq processes inside the host namespace.
dnsmasq_pids()
{
	ns_comms "$NS_HOST" | awk '$2 == "dnsmasq" { print $1 }'
}

# dnsmasq_of NAME: the pid of NAME's dnsmasq when the pid file names a live
# dnsmasq in our namespace that runs NAME's config; fails otherwise.
dnsmasq_of()
{
	local pid
	pid=$(np_dnsmasq_pid "$1") || return 1
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dnsmasq ] || return 1
	tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qx -- "--conf-file=$NP_STATE/$1.conf" ||
		return 1
	printf '%s\n' "$pid"
}

# net_state NAME: "active" or "inactive" per net-list --all, "" when unknown.
net_state()
{
	np net-list --all 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'
}

# problems_inactive NAME BRIDGE: prints what is left of an inactive network
# (nothing when it is clean).
problems_inactive()
{
	local name=$1 br=$2 chains state
	if ip -n "$NS_HOST" link show dev "$br" >/dev/null 2>&1; then
		echo "bridge $br still exists"
	fi
	chains=$(np_chains "$br")
	[ -z "$chains" ] || echo "nft chains left: $(echo "$chains" | tr '\n' ' ')"
	if [ -e "$NP_RUN/$name.xml" ]; then
		echo "live record $NP_RUN/$name.xml still there"
	fi
	if [ -e "$NP_RUN/$name.pid" ]; then
		echo "pid file $NP_RUN/$name.pid still there"
	fi
	if dnsmasq_of "$name" >/dev/null; then
		echo "its dnsmasq still runs"
	fi
	if pgrep_conf "$name"; then
		echo "a dnsmasq with its config still runs"
	fi
	state=$(net_state "$name")
	[ "$state" = inactive ] || echo "net-list says '$state', not inactive"
	np_settle "$NS_HOST" || true
}

# pgrep_conf NAME: is any process in our namespace running NAME's conf file?
pgrep_conf()
{
	local pid
	for pid in $(dnsmasq_pids); do
		tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null |
			grep -qx -- "--conf-file=$NP_STATE/$1.conf" && return 0
	done
	return 1
}

# problems_active NAME BRIDGE CHAINS DHCP: prints what is missing from an
# active network (nothing when it is whole). CHAINS: how many nft chains it
# must have; DHCP: 1 when it runs dnsmasq.
problems_active()
{
	local name=$1 br=$2 want_chains=$3 dhcp=$4 n state
	ip -n "$NS_HOST" link show dev "$br" >/dev/null 2>&1 || echo "bridge $br is missing"
	n=$(np_chains "$br" | grep -c . || true)
	[ "$n" -eq "$want_chains" ] || echo "$n nft chains for $br, expected $want_chains"
	[ -e "$NP_RUN/$name.xml" ] || echo "no live record"
	if [ "$dhcp" = 1 ]; then
		dnsmasq_of "$name" >/dev/null || echo "its dnsmasq is not running"
	fi
	state=$(net_state "$name")
	[ "$state" = active ] || echo "net-list says '$state', not active"
}

# expect_inactive_clean DESC NAME BRIDGE
expect_inactive_clean()
{
	local p
	p=$(problems_inactive "$2" "$3")
	[ -z "$p" ] || fail "$1: $(echo "$p" | tr '\n' ';')"
	pass "$1: $2 is inactive and nothing of it is left"
}

# expect_active_whole DESC NAME BRIDGE CHAINS DHCP
expect_active_whole()
{
	local p what="its bridge and $4 nft chains"
	p=$(problems_active "$2" "$3" "$4" "$5")
	[ -z "$p" ] || fail "$1: $(echo "$p" | tr '\n' ';')"
	[ "$5" != 1 ] || what="$what and dnsmasq"
	pass "$1: $2 is active with $what"
}

# expect_snapshot DESC WANT: sys_snapshot is WANT (taken earlier).
expect_snapshot()
{
	local now
	now=$(sys_snapshot)
	[ "$now" = "$2" ] || fail "$1: the namespace differs:
$(diff_text "$2" "$now")"
	pass "$1: links, addresses, routes, nft, processes as expected"
}

# store_sum: like lib.sh's np_store_sum (every file and symlink netplumb
# keeps, the lock files excepted), in one sha256sum run: these tests take it
# hundreds of times.
store_sum()
{
	(cd "$NP_TMP" && {
		find config state run \( -type f -o -type l \) ! -path run/lock \
			! -path run/reaper.lock -printf '%y %p %l\n' 2>/dev/null | sort
		find config state run -type f ! -path run/lock ! -path run/reaper.lock -print0 2>/dev/null | sort -z |
			xargs -0r sha256sum
	})
}

# expect_store DESC WANT: store_sum is WANT.
expect_store()
{
	local now
	now=$(store_sum)
	[ "$now" = "$2" ] || fail "$1: netplumb's files differ:
$(diff_text "$2" "$now")"
	pass "$1: netplumb's files as expected"
}

# np_watchdog SECS: makes the test end itself (SIGTERM: lib.sh's traps run its
# clean-up) after SECS, before ctest's timeout would SIGKILL it and leave its
# namespaces and dnsmasqs behind. It catches a hang, never slowness: a quiet
# machine runs the longest of these tests in a few minutes, a loaded one in
# more than ten, so the default (NP_E2E_WATCHDOG) is 20 minutes and ctest's
# TIMEOUT 25. bash runs the trap
# once the current command ends (np's own limit is 60 s). The watchdog is one
# of NP_PIDS.
np_watchdog()
{
	local main=$$
	(
		trap 'kill "$s" 2>/dev/null; exit 0' TERM
		sleep "$1" &
		s=$!
		wait "$s" && printf 'FAIL: %s: still running after %ss, stopping\n' "$NP_TEST" "$1" >&2 &&
			kill -TERM "$main"
	) &
	NP_PIDS+=("$!")
}
np_watchdog "${NP_E2E_WATCHDOG:-1200}"
