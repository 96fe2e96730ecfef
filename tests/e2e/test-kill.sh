#!/bin/bash
# Issues 6 and 8: SIGKILL at any step of net-start or net-destroy never leaves
# a network that refuses both start and destroy. NETPLUMB_KILL_AT=N kills
# netplumb just before its Nth system change; for every N until the command
# gets through:
#   killed start, then net-destroy: it succeeds (or says the network is not
#     active, when nothing was recorded) and leaves nothing: no bridge, no nft
#     chain, no dnsmasq, no live record, the namespace and netplumb's files as
#     before the start; then net-start works and net-destroy cleans again.
#   killed start, then net-start straight away: the network ends up whole,
#     exactly as after a clean start; net-destroy cleans.
#   killed destroy, then net-destroy: finishes the job, nothing left; and
#     killed destroy, then net-start: the network is whole again.
# And a stale pid file (dnsmasq died, its pid now someone else's) never makes
# netplumb signal a process it did not start.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/hostile/lib-state.sh
. "$NP_E2E_DIR/../hostile/lib-state.sh"

MAX_STEPS=80

cat >"$NP_TMP/killnet.xml" <<'EOF'
<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>
  <name>killnet</name>
  <forward mode='nat'/>
  <bridge name='npkill0'/>
  <ip address='192.168.202.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.202.10' end='192.168.202.20'/>
      <host mac='52:54:00:20:02:05' name='g5' ip='192.168.202.5'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd00:202::1' prefix='64'/>
  <route address='10.202.0.0' prefix='16' gateway='192.168.202.2'/>
  <netplumb:vxlan id='4202' dev='npkul0'>
    <netplumb:remote address='10.202.99.2'/>
  </netplumb:vxlan>
</network>
EOF

ip netns exec "$NS_HOST" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# the VXLAN's underlay (issue 18): someone else's link, never touched
make_underlay npkul 10.202.99.1/24
expect_np_ok "net-list --all (defines 'default')" net-list --all
expect_np_ok "net-define killnet" net-define "$NP_TMP/killnet.xml"

# killed DESC: the last np_env was killed by SIGKILL (timeout passes on 137).
killed()
{
	[ "$NP_RC" -eq 137 ] || fail "$1: exited $NP_RC, expected to be killed (137): $NP_ERR"
	pass "$1: killed"
}

# baselines NAME BRIDGE: SYS_BASE/STORE_BASE (inactive) and ACTIVE_BASE /
# CHAINS (after a clean start), from one clean start and destroy.
baselines()
{
	local name=$1 br=$2
	expect_np_ok "$name: a clean net-start" net-start "$name"
	CHAINS=$(np_chains "$br" | grep -c . || true)
	[ "$CHAINS" -ge 1 ] || fail "$name: no nft chain for $br after a clean start"
	expect_active_whole "$name: after a clean start" "$name" "$br" "$CHAINS" 1
	ACTIVE_BASE=$(sys_snapshot)
	expect_np_ok "$name: net-destroy" net-destroy "$name"
	expect_inactive_clean "$name: after a clean destroy" "$name" "$br"
	SYS_BASE=$(sys_snapshot)
	STORE_BASE=$(store_sum)
}

# expect_back_to_inactive DESC NAME BRIDGE
expect_back_to_inactive()
{
	expect_inactive_clean "$1" "$2" "$3"
	expect_snapshot "$1: as before the start" "$SYS_BASE"
	expect_store "$1: as before the start" "$STORE_BASE"
}

# expect_whole DESC NAME BRIDGE
expect_whole()
{
	expect_active_whole "$1" "$2" "$3" "$CHAINS" 1
	expect_snapshot "$1: as after a clean start" "$ACTIVE_BASE"
}

# destroy_after_crash DESC NAME: net-destroy succeeds, or says the network is
# not active (nothing was recorded before the kill).
destroy_after_crash()
{
	np_env -- net-destroy "$2"
	if [ "$NP_RC" -eq 0 ]; then
		[ -z "$NP_ERR" ] || fail "$1: net-destroy succeeded but wrote to stderr: $NP_ERR"
		pass "$1: net-destroy succeeds"
	elif [ "$NP_RC" -eq 1 ] && one_error_line && [[ "$NP_ERR" == *"'$2' is not active"* ]]; then
		pass "$1: net-destroy: nothing was recorded ($NP_ERR)"
	else
		fail "$1: net-destroy after the kill exited $NP_RC: $NP_ERR"
	fi
}

# kill_start NAME BRIDGE FULL: FULL=1 also starts and destroys the network
# again after each recovery.
kill_start()
{
	local name=$1 br=$2 full=$3 n
	log "$name: SIGKILL before each change of net-start, then net-destroy"
	KILLED=0
	for ((n = 1; n <= MAX_STEPS; n++)); do
		np_env NETPLUMB_KILL_AT=$n -- net-start "$name"
		if [ "$NP_RC" -eq 0 ]; then
			pass "$name: NETPLUMB_KILL_AT=$n is past the last change: net-start succeeds"
			expect_whole "$name: that start" "$name" "$br"
			expect_np_ok "$name: net-destroy" net-destroy "$name"
			expect_back_to_inactive "$name: after net-destroy" "$name" "$br"
			break
		fi
		KILLED=$((KILLED + 1))
		killed "$name: net-start, kill at $n"
		destroy_after_crash "$name: kill at $n" "$name"
		expect_back_to_inactive "$name: kill at $n: after net-destroy" "$name" "$br"
		[ "$full" = 1 ] || continue
		expect_np_ok "$name: kill at $n: then net-start" net-start "$name"
		expect_whole "$name: kill at $n: then" "$name" "$br"
		expect_np_ok "$name: kill at $n: net-destroy" net-destroy "$name"
		expect_back_to_inactive "$name: kill at $n: after the last net-destroy" "$name" "$br"
	done
	[ "$n" -le "$MAX_STEPS" ] || fail "$name: net-start still killed with NETPLUMB_KILL_AT=$MAX_STEPS"

	log "$name: SIGKILL before each change of net-start, then net-start again"
	for ((n = 1; n <= KILLED; n++)); do
		np_env NETPLUMB_KILL_AT=$n -- net-start "$name"
		killed "$name: net-start, kill at $n"
		np_env -- net-start "$name"
		[ "$NP_RC" -eq 0 ] ||
			fail "$name: kill at $n: the next net-start exited $NP_RC: $NP_ERR"
		pass "$name: kill at $n: the next net-start succeeds ($(head -n1 <<<"$NP_OUT"))"
		expect_whole "$name: kill at $n: after that start" "$name" "$br"
		expect_np_ok "$name: kill at $n: net-destroy" net-destroy "$name"
		expect_back_to_inactive "$name: kill at $n: after net-destroy" "$name" "$br"
	done
}

kill_destroy()
{
	local name=$1 br=$2 n
	log "$name: SIGKILL before each change of net-destroy, then net-destroy / net-start"
	KILLED_DESTROYS=0
	for ((n = 1; n <= MAX_STEPS; n++)); do
		expect_np_ok "$name: destroy kill at $n: net-start" net-start "$name"
		np_env NETPLUMB_KILL_AT=$n -- net-destroy "$name"
		if [ "$NP_RC" -eq 0 ]; then
			pass "$name: NETPLUMB_KILL_AT=$n is past the last change: net-destroy succeeds"
			expect_back_to_inactive "$name: after that destroy" "$name" "$br"
			break
		fi
		KILLED_DESTROYS=$((KILLED_DESTROYS + 1))
		killed "$name: net-destroy, kill at $n"
		destroy_after_crash "$name: destroy kill at $n" "$name"
		expect_back_to_inactive "$name: destroy kill at $n: after net-destroy" "$name" "$br"

		expect_np_ok "$name: destroy kill at $n: net-start" net-start "$name"
		np_env NETPLUMB_KILL_AT=$n -- net-destroy "$name"
		killed "$name: net-destroy again, kill at $n"
		# Killed before its first change, destroy left a whole network,
		# which net-start may refuse as already active.
		np_env -- net-start "$name"
		if [ "$NP_RC" -ne 0 ] && ! { one_error_line && [[ "$NP_ERR" == *"'$name' is already active" ]]; }; then
			fail "$name: destroy kill at $n: net-start of the half-destroyed network exited $NP_RC: $NP_ERR"
		fi
		pass "$name: destroy kill at $n: net-start of the half-destroyed network ($(head -n1 <<<"$NP_OUT$NP_ERR"))"
		expect_whole "$name: destroy kill at $n: after that start" "$name" "$br"
		expect_np_ok "$name: destroy kill at $n: net-destroy" net-destroy "$name"
		expect_back_to_inactive "$name: destroy kill at $n: at the end" "$name" "$br"
	done
	[ "$n" -le "$MAX_STEPS" ] || fail "$name: net-destroy still killed with NETPLUMB_KILL_AT=$MAX_STEPS"
}

baselines default virbr0
kill_start default virbr0 1
[ "$KILLED" -ge 10 ] || fail "default: only $KILLED starts were killed, expected at least 10"
pass "default: $KILLED killed starts recovered, both ways"
kill_destroy default virbr0
[ "$KILLED_DESTROYS" -ge 4 ] || fail "default: only $KILLED_DESTROYS destroys were killed"
pass "default: $KILLED_DESTROYS killed destroys recovered, both ways"

baselines killnet npkill0
kill_start killnet npkill0 0
[ "$KILLED" -ge 12 ] || fail "killnet: only $KILLED starts were killed, expected at least 12"
pass "killnet: $KILLED killed starts recovered, both ways"
kill_destroy killnet npkill0
[ "$KILLED_DESTROYS" -ge 4 ] || fail "killnet: only $KILLED_DESTROYS destroys were killed"
pass "killnet: $KILLED_DESTROYS killed destroys recovered, both ways"

# ---- stale pid files -------------------------------------------------------

# dead PID: PID is gone or a zombie (a killed dnsmasq waits for its
# reaper, which is none of ours, for a while).
dead()
{
	local st
	st=$(sed -e 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "${st%% *}" = Z ]
}

# own_process CMD...: CMD inside the host namespace, in the background, recorded
# for cleanup; `ip netns exec` execs it, so $! is CMD's own pid (OWN_PID).
own_process()
{
	ip netns exec "$NS_HOST" "$@" </dev/null >/dev/null 2>&1 &
	OWN_PID=$!
	NP_PIDS+=("$OWN_PID")
}

# stale_pidfile DESC CMD...: default runs; its dnsmasq dies (SIGKILL, its pid
# file stays); CMD, started by us, takes the pid file's place. net-destroy
# must leave CMD alone; so must net-start (which repairs the network).
stale_pidfile()
{
	local desc=$1 dpid
	shift
	expect_np_ok "$desc: net-start default" net-start default
	dpid=$(dnsmasq_of default) || fail "$desc: default's dnsmasq is not running"
	kill -KILL "$dpid"
	wait_until 5 dead "$dpid" || fail "$desc: dnsmasq $dpid did not die"
	own_process "$@"
	wait_until 5 kill -0 "$OWN_PID" || fail "$desc: our stand-in did not start"
	sleep 0.3
	kill -0 "$OWN_PID" 2>/dev/null || fail "$desc: our stand-in exited by itself"
	printf '%s\n' "$OWN_PID" >"$NP_RUN/default.pid"

	np_env -- net-start default
	[ "$NP_RC" -eq 0 ] || fail "$desc: net-start (repair) exited $NP_RC: $NP_ERR"
	pass "$desc: net-start repairs default ($(head -n1 <<<"$NP_OUT"))"
	kill -0 "$OWN_PID" 2>/dev/null || fail "$desc: net-start signalled our process $OWN_PID"
	pass "$desc: net-start left our process alone"
	dnsmasq_of default >/dev/null || fail "$desc: default's dnsmasq was not started again"
	pass "$desc: default has a dnsmasq again"

	expect_np_ok "$desc: net-destroy default" net-destroy default
	kill -0 "$OWN_PID" 2>/dev/null || fail "$desc: net-destroy signalled our process $OWN_PID"
	pass "$desc: net-destroy left our process alone"
	expect_inactive_clean "$desc: after net-destroy" default virbr0

	# The same when the pid file is stale at destroy time.
	expect_np_ok "$desc: net-start default" net-start default
	dpid=$(dnsmasq_of default) || fail "$desc: default's dnsmasq is not running"
	kill -KILL "$dpid"
	wait_until 5 dead "$dpid" || fail "$desc: dnsmasq $dpid did not die"
	printf '%s\n' "$OWN_PID" >"$NP_RUN/default.pid"
	expect_np_ok "$desc: net-destroy default with the stale pid file" net-destroy default
	kill -0 "$OWN_PID" 2>/dev/null || fail "$desc: net-destroy signalled our process $OWN_PID"
	pass "$desc: net-destroy left our process alone"
	# A pid file naming some other dnsmasq is left in place on purpose (it
	# might be another network's); start replaces it. Nothing else may be.
	if [ "$(cat /proc/"$OWN_PID"/comm)" = dnsmasq ] && [ -e "$NP_RUN/default.pid" ]; then
		expect_eq "$desc: the pid file left in place still names our dnsmasq" \
			"$OWN_PID" "$(tr -dc 0-9 <"$NP_RUN/default.pid")"
		rm -f "$NP_RUN/default.pid"
	fi
	expect_inactive_clean "$desc: after net-destroy" default virbr0
	kill_pid "$OWN_PID"
}

log "a stale pid file naming a process that is not dnsmasq"
stale_pidfile "stale pid: sleep" sleep 120
log "a stale pid file naming a dnsmasq netplumb did not start"
stale_pidfile "stale pid: another dnsmasq" dnsmasq --keep-in-foreground --port=0 \
	--conf-file=/dev/null --pid-file --user=root
log "a stale pid file naming a process in another namespace (pid of this shell's child)"
# A process outside the host namespace: net-destroy runs in NS_HOST and
# must not signal it either.
sleep 120 >/dev/null 2>&1 &
OUTSIDE_PID=$!
NP_PIDS+=("$OUTSIDE_PID")
expect_np_ok "outside: net-start default" net-start default
dpid=$(dnsmasq_of default) || fail "outside: default's dnsmasq is not running"
kill -KILL "$dpid"
wait_until 5 dead "$dpid" || fail "outside: dnsmasq $dpid did not die"
printf '%s\n' "$OUTSIDE_PID" >"$NP_RUN/default.pid"
expect_np_ok "outside: net-destroy default" net-destroy default
kill -0 "$OUTSIDE_PID" 2>/dev/null || fail "outside: net-destroy signalled process $OUTSIDE_PID"
pass "outside: net-destroy left the process alone"
expect_inactive_clean "outside: after net-destroy" default virbr0
kill_pid "$OUTSIDE_PID"

e2e_done
