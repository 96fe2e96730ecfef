#!/bin/bash
# Issue 20, the store, hooks and dnsmasq's identity, end to end:
# - store directories: one writable by group or others (0777, 0770), one
#   under a non-sticky world-writable directory, one owned by another user,
#   and a symlink where a directory is expected are each refused with one
#   line, and nothing is created in them; under a sticky root-owned
#   directory (as /tmp) a private one is used;
# - a symlink at STATE/NAME.leases fails the start (its target untouched); a
#   dangling symlink at RUN/lock fails the command (its target not
#   created); a state directory dnsmasq's user cannot search (0700, as
#   mktemp -d makes) fails the start instead of serving without hosts;
# - relative --config-dir/--state-dir/--run-dir are made absolute: the pid
#   file lands in the run dir, the autostart link resolves;
# - the generated config is 0600, hosts files and leases 0644, the pid file
#   root's;
# - temp files (NAME.tmp.PID) of dead processes are removed by the next
#   change after a killed command or a reboot; other files stay;
# - hooks see only fds 0-2; one that never ends is killed (with what it
#   started) after NETPLUMB_HOOK_TIMEOUT: "start begin" cancels the start,
#   "started begin" only warns;
# - a process that calls itself `dnsmasq --conf-file=OUR.conf` and whose pid
#   is in the pid file is not taken for dnsmasq: net-info says dnsmasq is
#   not running, net-update --live starts a real one, and it is never
#   signalled; a dnsmasq whose binary was replaced (a package upgrade) while
#   it ran is still ours.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/hostile/lib-state.sh
. "$NP_E2E_DIR/../hostile/lib-state.sh"

# np_dirs CONFIG STATE RUN ARGS...: netplumb with these directories; sets
# NP_RC, NP_OUT, NP_ERR.
np_dirs()
{
	local c=$1 s=$2 r=$3
	shift 3
	NP_RC=0
	ip netns exec "$NS_HOST" timeout -k 5 30 "$NETPLUMB" --config-dir "$c" --state-dir "$s" \
		--run-dir "$r" "$@" >"$NP_TMP/np.out" 2>"$NP_TMP/np.err" </dev/null || NP_RC=$?
	NP_OUT=$(cat "$NP_TMP/np.out")
	NP_ERR=$(cat "$NP_TMP/np.err")
}

# expect_refused DESC ERE: the last command exited 1 with nothing on stdout
# and one "netplumb: error: " line matching ERE on stderr.
expect_refused()
{
	local lines
	lines=$(printf '%s' "$NP_ERR" | grep -c . || true)
	if [ "$NP_RC" -ne 1 ] || [ -n "$NP_OUT" ] || [ "$lines" -ne 1 ] ||
		[[ "$NP_ERR" != "netplumb: error: "* ]] || ! grep -Eq -- "$2" <<<"$NP_ERR"; then
		fail "$1: expected exit 1 and one error line matching /$2/, got exit $NP_RC:
$NP_OUT
$NP_ERR"
	fi
	pass "$1 ($NP_ERR)"
}

# gone PID: exited (a zombie waiting for its reaper counts).
gone() { [ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) [ZX] ' "/proc/$1/stat" 2>/dev/null; }

expect_empty_dir() { expect_eq "$1" "" "$(ls -A "$2")"; }

# mode_owner PATH: "MODE UID" (octal mode, numeric owner) of PATH itself.
mode_owner() { stat -c '%a %u' -- "$1"; }

dnsmasq_in_ns() { ns_comms "$NS_HOST" | awk '$2 == "dnsmasq"' | grep -c . || true; }

expect_inactive()
{
	np_capture net-list --all
	expect_match "$1: default is inactive" '^ *default +inactive ' "$NP_OUT"
	expect_eq "$1: no dnsmasq runs" 0 "$(dnsmasq_in_ns)"
}

sec_store_dirs()
{
	log "store directories that others could change are refused"
	W=$NP_TMP/dirs
	mkdir -m 755 "$W"
	mkdir -m 755 "$W/state" "$W/run"
	mkdir -m 777 "$W/config"
	chmod 777 "$W/config" # the umask narrowed mkdir -m
	np_dirs "$W/config" "$W/state" "$W/run" net-list --all
	expect_refused "a 0777 config dir" "config directory $W/config is writable by group and others \(mode 0777\)"
	expect_empty_dir "nothing was created in it (no 'default' seeded)" "$W/config"
	mkdir -m 755 "$W/s2"
	chmod 770 "$W/s2"
	np_dirs "$W/new/config" "$W/s2" "$W/run" net-list --all
	expect_refused "a 0770 state dir" "state directory $W/s2 is writable by group \(mode 0770\)"
	[ ! -e "$W/new" ] || fail "the missing config dir was created all the same"
	pass "the missing config dir was not created"
	mkdir -m 755 "$W/c2"
	mkdir -m 755 "$W/realstate"
	ln -s "$W/realstate" "$W/linkstate"
	np_dirs "$W/c2" "$W/linkstate" "$W/run" net-list --all
	expect_refused "a symlink as state dir" "state directory $W/linkstate is a symlink"
	expect_empty_dir "its target is untouched" "$W/realstate"
	mkdir -m 755 "$W/open"
	chmod 777 "$W/open"
	np_dirs "$W/c2" "$W/state" "$W/open/run" net-list --all
	expect_refused "a run dir under a world-writable, non-sticky dir" \
		"run directory $W/open/run: $W/open is writable by group and others"
	expect_empty_dir "nothing was created in that dir" "$W/open"
	mkdir -m 755 "$W/theirs"
	chown nobody "$W/theirs"
	np_dirs "$W/c2" "$W/theirs" "$W/run" net-list --all
	expect_refused "a state dir owned by another user" "state directory $W/theirs is owned by uid [0-9]+"
	mkdir -m 755 "$W/sticky"
	chmod 1777 "$W/sticky"
	np_dirs "$W/c2" "$W/state" "$W/sticky/run" net-list --all
	expect_eq "a private run dir under a sticky root-owned dir (as /tmp) is used" 0 "$NP_RC"
	expect_eq "  with 'default' seeded" "755 0" "$(mode_owner "$W/sticky/run")"
}

sec_relative_dirs()
{
	log "relative directories are made absolute"
	REL=rel-$$
	# shellcheck disable=SC2016 # expanded by the inner shell
	(cd "$NP_TMP" && ip netns exec "$NS_HOST" timeout -k 5 30 "$NETPLUMB" --config-dir "$REL/config" \
		--state-dir "$REL/state" --run-dir "$REL/run" net-start default) >"$NP_TMP/np.out" \
		2>"$NP_TMP/np.err" || fail "net-start with relative dirs: $(cat "$NP_TMP/np.err")"
	pass "net-start default with relative --config-dir/--state-dir/--run-dir"
	RPID=$(tr -dc 0-9 <"$NP_TMP/$REL/run/default.pid" 2>/dev/null || true)
	[ -n "$RPID" ] && in_ns "$RPID" "$NS_HOST" ||
		fail "no pid file naming a dnsmasq of ours in $NP_TMP/$REL/run"
	pass "the pid file is in the run dir and names the running dnsmasq ($RPID)"
	expect_match "dnsmasq's config names the pid file by its absolute path" \
		"^pid-file=$NP_TMP/$REL/run/default.pid\$" "$(cat "$NP_TMP/$REL/state/default.conf")"
	expect_eq "the autostart link resolves to the definition" "$NP_TMP/$REL/config/default.xml" \
		"$(readlink -e "$NP_TMP/$REL/config/autostart/default.xml" || true)"
	(cd "$NP_TMP" && ip netns exec "$NS_HOST" timeout -k 5 30 "$NETPLUMB" --config-dir "$REL/config" \
		--state-dir "$REL/state" --run-dir "$REL/run" net-destroy default) >"$NP_TMP/np.out" \
		2>"$NP_TMP/np.err" || fail "net-destroy with relative dirs: $(cat "$NP_TMP/np.err")"
	expect_eq "net-destroy with relative dirs stops that dnsmasq" 0 "$(dnsmasq_in_ns)"
}

sec_symlinks()
{
	log "symlinks where netplumb's files are"
	printf 'victim\n' >"$NP_TMP/victim"
	chmod 600 "$NP_TMP/victim"
	VICTIM_SUM=$(sha256sum <"$NP_TMP/victim")
	ln -s "$NP_TMP/victim" "$NP_STATE/default.leases"
	expect_np_error "net-start with a symlink at STATE/default.leases" net-start default
	expect_match "the error names the lease file" "lease file $NP_STATE/default.leases is a symlink" \
		"$NP_ERR"
	expect_eq "the symlink's target is untouched" "$VICTIM_SUM 600 0" \
		"$(sha256sum <"$NP_TMP/victim") $(mode_owner "$NP_TMP/victim")"
	expect_inactive "after the refused start"
	rm "$NP_STATE/default.leases"

	rm -f "$NP_RUN/lock"
	ln -s "$NP_TMP/lock-target" "$NP_RUN/lock"
	expect_np_error "net-start with a dangling symlink at RUN/lock" net-start default
	expect_match "the error names the lock" "lock $NP_RUN/lock is a symlink" "$NP_ERR"
	[ ! -e "$NP_TMP/lock-target" ] || fail "root created the lock symlink's target"
	pass "the lock symlink's target was not created"
	rm "$NP_RUN/lock"
}

sec_unreadable()
{
	log "dnsmasq's user must be able to read its hosts files"
	chmod 700 "$NP_STATE"
	expect_np_error "net-start with a 0700 state dir" net-start default
	expect_match "the error names dnsmasq's user and the file" \
		"user '[^']+', who cannot read $NP_STATE/default\." "$NP_ERR"
	expect_inactive "after the refused start"
	chmod 755 "$NP_STATE"
}

sec_modes()
{
	log "modes and owners of what a start writes"
	expect_np_ok "net-start default" net-start default
	expect_eq "the dnsmasq config is 0600, root's (as libvirt's)" "600 0" \
		"$(mode_owner "$NP_STATE/default.conf")"
	expect_eq "the hosts file is 0644, root's" "644 0" "$(mode_owner "$NP_STATE/default.hostsfile")"
	expect_eq "the lease file was made by netplumb: 0644, root's" "644 0" \
		"$(mode_owner "$NP_STATE/default.leases")"
	expect_eq "the pid file is root's again (dnsmasq gave it to its user)" "644 0" \
		"$(mode_owner "$NP_RUN/default.pid")"
	expect_np_ok "net-destroy default" net-destroy default
}

sec_tmp_sweep()
{
	log "temp files of killed commands"
	sh -c 'exit 0' &
	DEAD=$!
	wait "$DEAD"
	plant_tmp()
	{
		printf 'x' >"$NP_STATE/default.conf.tmp.$1"
		printf 'x' >"$NP_CONFIG/default.xml.tmp.$1"
		printf 'x' >"$NP_RUN/default.xml.tmp.$1"
		ln -sfn "$NP_CONFIG/default.xml" "$NP_CONFIG/autostart/default.xml.tmp.$1"
	}
	leftovers() { find "$NP_CONFIG" "$NP_STATE" "$NP_RUN" -name "*.tmp.$1" | sort; }
	# not netplumb's, or not dead: these stay
	printf 'x' >"$NP_STATE/default.conf.tmp.$$"
	printf 'x' >"$NP_STATE/notes.tmp.txt"
	printf 'x' >"$NP_STATE/default.conf.tmp.12ab"
	KEEP=$(ls "$NP_STATE"/*.tmp.* | sort)
	plant_tmp "$DEAD"
	expect_np_ok "a clean command" net-autostart default
	expect_eq "after a clean command the leftovers are still there" 4 "$(leftovers "$DEAD" | grep -c .)"
	np_env NETPLUMB_KILL_AT=1 -- net-start default
	[ "$NP_RC" -eq 137 ] || fail "NETPLUMB_KILL_AT=1 net-start: exited $NP_RC, expected 137: $NP_ERR"
	pass "a net-start killed half way"
	np_capture net-destroy default
	[ "$NP_RC" -le 1 ] || fail "net-destroy after the killed start exited $NP_RC: $NP_ERR"
	expect_eq "the next change removed the dead process's temp files" "" "$(leftovers "$DEAD")"
	expect_eq "the others are still there" "$KEEP" "$(ls "$NP_STATE"/*.tmp.* | sort)"
	sh -c 'exit 0' &
	DEAD=$!
	wait "$DEAD"
	plant_tmp "$DEAD"
	rm "$NP_RUN/lock" # a reboot empties /run
	expect_np_ok "the first change after a reboot" net-autostart default
	expect_eq "it removed the dead process's temp files" "" "$(leftovers "$DEAD")"
	expect_eq "the others are still there" "$KEEP" "$(ls "$NP_STATE"/*.tmp.* | sort)"
	rm -f "$NP_STATE"/*.tmp.*
}

sec_hooks()
{
	log "hooks: descriptors and timeout"
	HOOKS=$NP_TMP/hooks
	mkdir -m 755 "$HOOKS"
	cat >"$HOOKS/network" <<-EOF
	#!/bin/sh
	op=\$2.\$3
	ls -l /proc/self/fd >"$HOOKS/fds.\$op" 2>&1
	if [ -e "$HOOKS/hang.\$op" ]; then
		sleep 1000 &
		echo \$! >"$HOOKS/bg.\$op"
		echo \$\$ >"$HOOKS/pid.\$op"
		wait
	fi
	exit 0
	EOF
	chmod 755 "$HOOKS/network"
	# extra_fds OP: the hook's descriptors other than 0-2, but the directory
	# ls reads (/proc/PID/fd), one "FD -> TARGET" a line.
	extra_fds()
	{
		[ -r "$HOOKS/fds.$1" ] || fail "the $1 hook did not run"
		awk '$(NF-1) == "->" && $(NF-2) !~ /^[012]$/ && $NF !~ /^\/proc\/[0-9]+\/fd$/ {
			print $(NF-2) " -> " $NF }' "$HOOKS/fds.$1"
	}

	np_env NETPLUMB_HOOKS_DIR="$HOOKS" -- net-start default
	[ "$NP_RC" -eq 0 ] || fail "net-start with a hook: exited $NP_RC: $NP_ERR"
	pass "net-start default with a hook"
	expect_eq "the 'start begin' hook sees only fds 0-2" "" "$(extra_fds start.begin)"
	expect_eq "the 'started begin' hook sees only fds 0-2" "" "$(extra_fds started.begin)"
	np_env NETPLUMB_HOOKS_DIR="$HOOKS" -- net-destroy default
	[ "$NP_RC" -eq 0 ] || fail "net-destroy with a hook: exited $NP_RC: $NP_ERR"
	expect_eq "the 'stopped end' hook sees only fds 0-2" "" "$(extra_fds stopped.end)"
	# the check itself: ls's own directory is all it lets through
	grep -Eq ' 0 -> ' "$HOOKS/fds.started.begin" || fail "the fd listing has no fd 0: $(cat "$HOOKS/fds.started.begin")"

	touch "$HOOKS/hang.start.begin"
	T0=$SECONDS
	np_env NETPLUMB_HOOKS_DIR="$HOOKS" NETPLUMB_HOOK_TIMEOUT=2 -- net-start default
	[ "$NP_RC" -eq 1 ] && [ "$(printf '%s\n' "$NP_ERR" | grep -c .)" -eq 1 ] ||
		fail "a hanging 'start begin' hook: expected one error line, got exit $NP_RC: $NP_ERR"
	pass "a hanging 'start begin' hook fails the start ($NP_ERR)"
	expect_match "the error says it timed out" "did not finish within 2 s" "$NP_ERR"
	[ $((SECONDS - T0)) -lt 15 ] || fail "the start took $((SECONDS - T0)) s"
	pass "the command completed after the timeout ($((SECONDS - T0)) s)"
	wait_until 5 gone "$(cat "$HOOKS/pid.start.begin")" || fail "the hook still runs"
	wait_until 5 gone "$(cat "$HOOKS/bg.start.begin")" || fail "what the hook started still runs"
	pass "the hook and what it started were killed"
	expect_inactive "after the cancelled start"
	rm "$HOOKS/hang.start.begin"

	touch "$HOOKS/hang.started.begin"
	T0=$SECONDS
	np_env NETPLUMB_HOOKS_DIR="$HOOKS" NETPLUMB_HOOK_TIMEOUT=2 -- net-start default
	[ "$NP_RC" -eq 0 ] || fail "a hanging 'started begin' hook: exited $NP_RC: $NP_ERR"
	expect_eq "net-start still succeeds" "Network default started" "$NP_OUT"
	expect_match "with one warning about the hook" "did not finish within 2 s" "$NP_ERR"
	[ $((SECONDS - T0)) -lt 15 ] || fail "the start took $((SECONDS - T0)) s"
	wait_until 5 gone "$(cat "$HOOKS/bg.started.begin")" || fail "what the hook started still runs"
	pass "the hook and what it started were killed"
	rm "$HOOKS/hang.started.begin"
	expect_np_ok "net-destroy default" net-destroy default
}

sec_impostor()
{
	log "a process that only calls itself dnsmasq"
	expect_np_ok "net-start default" net-start default
	PID=$(np_dnsmasq_pid default) || fail "no dnsmasq for default"
	kill "$PID"
	wait_until 5 gone "$PID" || fail "dnsmasq $PID did not exit"
	SIGS=$NP_TMP/impostor.signals
	: >"$SIGS"
	# argv: dnsmasq -c SCRIPT --conf-file=CONF, as `ps` shows a real one
	bg "$NS_HOST" 120 bash -c 'exec -a dnsmasq bash -c "$1" "--conf-file=$2"' impostor \
		"echo \$\$ >'$SIGS.pid'; trap 'echo HUP >>$SIGS' HUP; trap 'echo TERM >>$SIGS; exit' TERM; while :; do sleep 0.2; done" \
		"$NP_STATE/default.conf"
	wait_until 5 test -s "$SIGS.pid" || fail "the impostor did not start"
	FAKE=$(cat "$SIGS.pid")
	expect_match "its command line is dnsmasq's" "^dnsmasq -c .* --conf-file=$NP_STATE/default.conf\$" \
		"$(tr '\0' ' ' <"/proc/$FAKE/cmdline" | sed 's/ $//')"
	printf '%s\n' "$FAKE" >"$NP_RUN/default.pid"
	expect_np_ok "net-info default" net-info default
	expect_match "net-info: dnsmasq is not running" "dnsmasq not running" "$NP_OUT"
	expect_np_ok "net-update add ip-dhcp-host --live" net-update default add ip-dhcp-host \
		"<host mac='52:54:00:00:20:01' name='g20' ip='192.168.122.20'/>" --live
	NEW=$(np_dnsmasq_pid default) || fail "no dnsmasq for default after net-update"
	[ "$NEW" != "$FAKE" ] && [ "$(readlink "/proc/$NEW/exe")" = /usr/sbin/dnsmasq ] ||
		fail "the pid file names $NEW ($(readlink "/proc/$NEW/exe")), not a new dnsmasq"
	pass "net-update started a real dnsmasq ($NEW)"
	expect_match "with the new host" "^52:54:00:00:20:01,192.168.122.20,g20\$" \
		"$(cat "$NP_STATE/default.hostsfile")"
	expect_np_ok "net-destroy default" net-destroy default
	sleep 0.5
	expect_eq "the impostor was never signalled" "" "$(cat "$SIGS")"
	kill -0 "$FAKE" 2>/dev/null || fail "the impostor is gone"
	pass "the impostor still runs"
}

sec_upgrade()
{
	log "a dnsmasq whose binary is replaced while it runs stays ours"
	mkdir -m 755 "$NP_TMP/bin"
	cp /usr/sbin/dnsmasq "$NP_TMP/bin/dnsmasq"
	np_env NETPLUMB_DNSMASQ="$NP_TMP/bin/dnsmasq" -- net-start default
	[ "$NP_RC" -eq 0 ] || fail "net-start with NETPLUMB_DNSMASQ: exited $NP_RC: $NP_ERR"
	PID=$(np_dnsmasq_pid default) || fail "no dnsmasq for default"
	cp /usr/sbin/dnsmasq "$NP_TMP/bin/dnsmasq.new"
	mv "$NP_TMP/bin/dnsmasq.new" "$NP_TMP/bin/dnsmasq" # as dpkg does
	expect_match "its executable is the replaced file" " \(deleted\)\$" "$(readlink "/proc/$PID/exe")"
	np_env NETPLUMB_DNSMASQ="$NP_TMP/bin/dnsmasq" -- net-info default
	expect_no_match "net-info: not degraded" "dnsmasq not running" "$NP_OUT"
	np_env NETPLUMB_DNSMASQ="$NP_TMP/bin/dnsmasq" -- net-destroy default
	[ "$NP_RC" -eq 0 ] || fail "net-destroy: exited $NP_RC: $NP_ERR"
	wait_until 5 gone "$PID" || fail "net-destroy left dnsmasq $PID running"
	pass "net-destroy stopped it"
}

expect_np_ok "net-list --all (defines 'default')" net-list --all
for sec in store_dirs relative_dirs symlinks unreadable modes tmp_sweep hooks impostor upgrade; do
	"sec_$sec"
done
e2e_done
