# Shared harness of the end-to-end tests; sourced by every tests/e2e/test-*.sh
# (and by scripts/demo.sh), never run on its own.
#
# Topology, all of it in namespaces this script creates and deletes again:
#   np-<test>-<pid>-host    where netplumb runs, with its own config/state/run dirs
#   np-<test>-<pid>-uplink  the "outside world": 198.51.100.2/24 (TEST-NET-2), reached
#                           from the host ns (198.51.100.1/24) over a veth; the host's
#                           default route points at it
#   np-<test>-<pid>-gN      guest N: eth0 with a 52:54:00: MAC, its veth peer vnetN
#                           enslaved to a bridge in the host ns, busybox udhcpc
# No packet leaves these namespaces and nothing touches the caller's namespace.
# The EXIT trap kills only the processes the test started (and the dnsmasq that
# netplumb started inside the test's host namespace) and deletes the namespaces,
# also when a check fails half way.
#
# Exit codes: 0 pass, 1 fail, 77 skipped (reason printed).
# Environment:
#   NETPLUMB           the binary under test (ctest sets it)
#   NP_E2E_STRICT=1    a missing prerequisite (root, a tool, namespaces) fails
#                      instead of skipping
#   NP_E2E_KEEP=1      keep the temp dir (configs, leases, logs) after the run
#   NP_E2E_VERBOSE=1   echo every netplumb command and its output

# Globals set here are read by the tests that source this file.
# shellcheck disable=SC2034
set -Eeuo pipefail

NP_TEST=${NP_TEST:-$(basename "$0" .sh)}
NP_TEST=${NP_TEST#test-}
NP_E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NP_SRC=${NP_SRC:-$(cd "$NP_E2E_DIR/../.." && pwd)}
NETPLUMB=${NETPLUMB:-$NP_SRC/build/cli/netplumb}

NS_PREFIX="np-$NP_TEST-$$"
NS_HOST="$NS_PREFIX-host"
NS_UPLINK="$NS_PREFIX-uplink"
HOST_UPLINK_IP=198.51.100.1
UPLINK_IP=198.51.100.2

NP_TMP=
NP_NAMESPACES=()
NP_PIDS=()
NP_CHECKS=0
# Filled by make_guest / guest_dhcp, read by the tests.
declare -A GUEST_NS=() GUEST_MAC=() GUEST_IP=()

# ---- reporting -------------------------------------------------------------

log() { printf '== %s\n' "$*"; }

skip()
{
	printf 'SKIP: %s: %s\n' "$NP_TEST" "$*"
	exit 77
}

# A prerequisite of every e2e test is missing (root, a tool, namespaces):
# skipped, or failed under NP_E2E_STRICT=1 so a broken set-up cannot pass
# silently.
missing()
{
	if [ "${NP_E2E_STRICT:-0}" = 1 ]; then
		printf 'FAIL: %s: prerequisite missing (NP_E2E_STRICT=1): %s\n' "$NP_TEST" "$*" >&2
		exit 1
	fi
	skip "$*"
}

fail()
{
	printf 'FAIL: %s: %s\n' "$NP_TEST" "$*" >&2
	exit 1
}

pass()
{
	NP_CHECKS=$((NP_CHECKS + 1))
	printf 'ok %d - %s\n' "$NP_CHECKS" "$*"
}

# A command that fails outside any check is a harness or test bug: say where.
np_on_err()
{
	printf 'FAIL: %s: %s:%s: command exited %s: %s\n' "$NP_TEST" \
		"$(basename "${BASH_SOURCE[1]:-?}")" "$2" "$1" "$3" >&2
}
trap 'np_on_err $? $LINENO "$BASH_COMMAND"' ERR

# Call last: prints the summary line.
e2e_done()
{
	printf 'PASS: %s: %d checks\n' "$NP_TEST" "$NP_CHECKS"
}

# ---- assertions ------------------------------------------------------------

# expect_eq DESC EXPECTED ACTUAL
expect_eq()
{
	if [ "$2" != "$3" ]; then
		fail "$1: expected '$2', got '$3'"
	fi
	pass "$1"
}

# expect_match DESC ERE TEXT: some line of TEXT matches ERE.
expect_match()
{
	if ! grep -Eq -- "$2" <<<"$3"; then
		fail "$1: no line matches /$2/ in:
$3"
	fi
	pass "$1"
}

# expect_no_match DESC ERE TEXT: no line of TEXT matches ERE.
expect_no_match()
{
	if grep -Eq -- "$2" <<<"$3"; then
		fail "$1: unexpected line matching /$2/ in:
$3"
	fi
	pass "$1"
}

# expect_ok DESC CMD...: CMD exits 0; its output is left in OUT.
expect_ok()
{
	local desc=$1 rc=0
	shift
	OUT=$("$@" 2>&1) || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$desc: '$*' exited $rc:
$OUT"
	fi
	pass "$desc"
}

# expect_fail DESC CMD...: CMD exits non-zero; its output is left in OUT.
expect_fail()
{
	local desc=$1 rc=0
	shift
	OUT=$("$@" 2>&1) || rc=$?
	if [ "$rc" -eq 0 ]; then
		fail "$desc: '$*' succeeded but should have failed:
$OUT"
	fi
	pass "$desc (exit $rc)"
}

# wait_until SECONDS CMD...: polls CMD every 0.2 s; returns 1 when time runs out.
# SECONDS is what a quiet machine needs; the deadline is NP_E2E_PATIENCE (4)
# times that, so a busy machine is waited for and only a hang fails. It
# returns as soon as CMD succeeds, so the margin costs nothing.
wait_until()
{
	local tries=$(($1 * 5 * ${NP_E2E_PATIENCE:-4}))
	shift
	while ! "$@" >/dev/null 2>&1; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.2
	done
}

# ---- netplumb ----------------------------------------------------------------

# np ARGS...: netplumb inside the host ns with the test's private directories.
np()
{
	local rc=0
	ip netns exec "$NS_HOST" timeout -k 5 60 "$NETPLUMB" \
		--config-dir "$NP_CONFIG" --state-dir "$NP_STATE" --run-dir "$NP_RUN" "$@" || rc=$?
	np_settle "$NS_HOST" >&2 || rc=99
	return "$rc"
}

# np_leftovers NS: what of netplumb still runs in NS after a command
# returned (only dnsmasq may): one line each; none when netplumb is done.
np_leftovers()
{
	local pid comm parent
	while read -r pid comm; do
		[ "$comm" = netplumb ] || [[ "$comm" == np-* ]] || continue
		# a command still running (the tests run some at once) has its
		# caller as parent; one left behind was handed to init
		parent=$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null) || continue
		[ "$comm" = netplumb ] && [ "$parent" != 1 ] && continue
		echo "process $comm (pid $pid)"
	done < <(ns_comms "$1")
}

# np_settle NS: "when a command returns, its work is done": fails, saying
# what is left, when np_leftovers NS is not empty right after a command.
np_settle()
{
	local left
	left=$(np_leftovers "$1")
	[ -n "$left" ] || return 0
	printf 'netplumb left this behind after its command returned: %s\n' "$(tr '\n' ';' <<<"$left")"
	return 1
}

# np_capture ARGS...: runs np, never aborts; sets NP_RC, NP_OUT, NP_ERR.
np_capture()
{
	NP_RC=0
	np "$@" >"$NP_TMP/np.out" 2>"$NP_TMP/np.err" || NP_RC=$?
	NP_OUT=$(cat "$NP_TMP/np.out")
	NP_ERR=$(cat "$NP_TMP/np.err")
	if [ "${NP_E2E_VERBOSE:-0}" = 1 ]; then
		printf '$ netplumb %s  [exit %d]\n' "$*" "$NP_RC"
		[ -z "$NP_OUT" ] || printf '%s\n' "$NP_OUT"
		[ -z "$NP_ERR" ] || printf '%s\n' "$NP_ERR" >&2
	fi
	return 0
}

# expect_np_ok DESC ARGS...: exit 0 and nothing on stderr; output in NP_OUT.
expect_np_ok()
{
	local desc=$1
	shift
	np_capture "$@"
	if [ "$NP_RC" -ne 0 ]; then
		fail "$desc: 'netplumb $*' exited $NP_RC: $NP_ERR"
	fi
	if [ -n "$NP_ERR" ]; then
		fail "$desc: 'netplumb $*' succeeded but wrote to stderr: $NP_ERR"
	fi
	pass "$desc"
}

# expect_np_error DESC ARGS...: exit 1, nothing on stdout, exactly one line on
# stderr starting "netplumb: error: ". The line is left in NP_ERR.
expect_np_error()
{
	local desc=$1 lines
	shift
	np_capture "$@"
	if [ "$NP_RC" -ne 1 ]; then
		fail "$desc: 'netplumb $*' exited $NP_RC, expected 1 (stdout: $NP_OUT) (stderr: $NP_ERR)"
	fi
	if [ -n "$NP_OUT" ]; then
		fail "$desc: 'netplumb $*' failed but wrote to stdout: $NP_OUT"
	fi
	lines=$(wc -l <"$NP_TMP/np.err")
	if [ "$lines" -ne 1 ] || [[ "$NP_ERR" != "netplumb: error: "* ]]; then
		fail "$desc: 'netplumb $*' should print one 'netplumb: error: ' line on stderr, got $lines line(s):
$NP_ERR"
	fi
	pass "$desc ($NP_ERR)"
}

# np_store_sum: a checksum listing of every file netplumb keeps (config, state
# and run dirs; the lock files are excluded, any command may create them).
np_store_sum()
{
	(cd "$NP_TMP" && { find config state run \( -type f -o -type l \) \
		! -path run/lock ! -path run/reaper.lock \
		-printf '%p %l\n' 2>/dev/null || true; } | sort |
		while read -r f target; do
			if [ -L "$f" ]; then
				printf '%s -> %s\n' "$f" "$target"
			else
				sha256sum "$f"
			fi
		done)
}

# np_dnsmasq_pid NAME: the pid in RUN_DIR/NAME.pid, printed only when that
# process lives in the test's host namespace (so we never touch anything else).
np_dnsmasq_pid()
{
	local f="$NP_RUN/$1.pid" pid
	[ -r "$f" ] || return 1
	pid=$(head -n1 "$f" | tr -dc 0-9)
	[ -n "$pid" ] && in_ns "$pid" "$NS_HOST" || return 1
	printf '%s\n' "$pid"
}

# dnsmasq_rtnl_groups NAME: the rtnetlink multicast groups (hex, as
# /proc/net/netlink shows them) of network NAME's dnsmasq's netlink socket.
dnsmasq_rtnl_groups()
{
	local pid fd ino
	pid=$(np_dnsmasq_pid "$1") || return 1
	for fd in /proc/"$pid"/fd/*; do
		ino=$(readlink "$fd") || continue
		[[ "$ino" == socket:* ]] || continue
		ino=${ino#socket:[}
		ino=${ino%]}
		# columns: sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
		awk -v i="$ino" '$2 == 0 && $10 == i { print $4; f = 1 } END { exit !f }' \
			"/proc/$pid/net/netlink" && return 0
	done
	return 1
}

# ---- namespaces and processes ------------------------------------------------

ns_inode() { stat -L -c %i "/run/netns/$1"; }

# in_ns PID NS: is PID alive and inside our namespace NS?
in_ns()
{
	local link
	link=$(readlink "/proc/$1/ns/net" 2>/dev/null) || return 1
	[ "$link" = "net:[$(ns_inode "$2")]" ]
}

# ns_comms NS: "PID COMM" of every process inside namespace NS.
ns_comms()
{
	local pid
	for pid in $(ip netns pids "$1" 2>/dev/null); do
		printf '%s %s\n' "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null || true)"
	done
}

ns_add()
{
	ip netns add "$1" || return 1
	NP_NAMESPACES+=("$1")
	ip -n "$1" link set lo up
}

ns_exec()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# bg NS SECONDS CMD...: CMD in the background inside NS, killed after SECONDS
# at the latest; its pid is recorded for cleanup and left in BG_PID.
bg()
{
	local ns=$1 secs=$2
	shift 2
	ip netns exec "$ns" timeout -k 2 "$secs" "$@" &
	BG_PID=$!
	NP_PIDS+=("$BG_PID")
}

# listen_banner NS PORT TEXT [SECONDS]: a TCP listener in NS answering every
# connection with TEXT, listening when this returns; its pid in BG_PID.
listen_banner()
{
	local ns=$1 port=$2 pid
	bg "$ns" "${4:-60}" busybox nc -ll -p "$port" -e echo "$3"
	pid=$BG_PID
	wait_until 5 ip netns exec "$ns" sh -c "ss -ltnH | grep -q ':$port '" ||
		fail "the listener on port $port in $ns did not come up"
	BG_PID=$pid
}

# expect_masquerade G PORT [LABEL]: guest G's TCP connection to the uplink's
# PORT arrives from the host's uplink address (the uplink's listener answers
# with the peer address it sees).
expect_masquerade()
{
	local g=$1 port=$2 label=${3-} seen
	[ -n "$label" ] || label="the uplink sees the host's address (masquerade)"
	bg "$NS_UPLINK" 60 busybox nc -ll -p "$port" \
		-e ss -tnH state established state close-wait "( sport = :$port )"
	wait_until 5 ip netns exec "$NS_UPLINK" sh -c "ss -ltnH | grep -q ':$port '" ||
		fail "the uplink's listener on port $port did not come up"
	expect_ok "guest opens a TCP connection to the uplink" \
		ip netns exec "${GUEST_NS[$g]}" timeout 15 busybox nc -w 5 "$UPLINK_IP" "$port" </dev/null
	seen=$(awk 'NF { print $NF; exit }' <<<"$OUT" |
		sed -e 's/:[0-9]*$//' -e 's/^\[//' -e 's/\]$//' -e 's/^::ffff://')
	expect_eq "$label" "$HOST_UPLINK_IP" "$seen"
}

kill_pid()
{
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# make_uplink: the uplink namespace and the host's default route through it.
make_uplink()
{
	ns_add "$NS_UPLINK"
	ip -n "$NS_HOST" link add up0 type veth peer name eth0 netns "$NS_UPLINK"
	ip -n "$NS_HOST" addr add "$HOST_UPLINK_IP/24" dev up0
	ip -n "$NS_HOST" link set up0 up
	ip -n "$NS_UPLINK" addr add "$UPLINK_IP/24" dev eth0
	ip -n "$NS_UPLINK" link set eth0 up
	ip -n "$NS_HOST" route add default via "$UPLINK_IP"
}

# np_netns NETNS DIR ARGS...: netplumb run from the caller's namespace, told
# to work in NETNS with its store in DIR/config, DIR/state, DIR/run.
np_netns()
{
	local ns=$1 dir=$2
	shift 2
	timeout -k 5 60 "$NETPLUMB" --netns "$ns" --config-dir "$dir/config" \
		--state-dir "$dir/state" --run-dir "$dir/run" "$@"
}

# make_underlay NAME ADDR/PREFIX: a veth pair NAME0-NAME1 in the test's host,
# NAME0 with ADDR, both up and without IPv6 link-local addresses (no routes
# appearing under state snapshots): someone else's link, for a VXLAN to use.
make_underlay()
{
	ip -n "$NS_HOST" link add "${1}0" type veth peer name "${1}1"
	ip -n "$NS_HOST" link set dev "${1}0" addrgenmode none
	ip -n "$NS_HOST" link set dev "${1}1" addrgenmode none
	ip -n "$NS_HOST" link set "${1}1" up
	ip -n "$NS_HOST" addr add "$2" dev "${1}0"
	ip -n "$NS_HOST" link set "${1}0" up
}

# make_guest N BRIDGE [HOSTNS [MAC]]: guest namespace N whose eth0 (MAC, else
# a random one) is wired to BRIDGE in HOSTNS (else the test's host).
make_guest()
{
	local n=$1 br=$2 host=${3:-$NS_HOST} ns="$NS_PREFIX-g$1" mac=${4:-}
	[ -n "$mac" ] ||
		mac=$(printf '52:54:00:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((n % 256)))
	ns_add "$ns"
	ip -n "$host" link add "vnet$n" type veth peer name eth0 netns "$ns"
	ip -n "$ns" link set eth0 address "$mac"
	ip -n "$ns" link set eth0 up
	ip -n "$host" link set "vnet$n" master "$br"
	ip -n "$host" link set "vnet$n" up
	GUEST_NS[$n]=$ns
	GUEST_MAC[$n]=$mac
}

# guest_dhcp N [TRIES]: busybox udhcpc in guest N, one DISCOVER a second, TRIES
# (default 30) times. On success GUEST_IP[N] is set and the address and default
# route are configured by udhcpc.script; returns udhcpc's status.
guest_dhcp()
{
	local n=$1 tries=${2:-30} info="$NP_TMP/g$1.lease" rc=0
	rm -f "$info"
	ip netns exec "${GUEST_NS[$n]}" env NP_UDHCPC_INFO="$info" \
		timeout -k 2 $((tries * 2 + 10)) busybox udhcpc -i eth0 -n -q -t "$tries" -T 1 \
		-x "hostname:np-g$n" -s "$NP_TMP/udhcpc.script" >"$NP_TMP/g$n.udhcpc.log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ] && [ -r "$info" ]; then
		GUEST_IP[$n]=$(sed -n 's/^ip=//p' "$info")
	fi
	return "$rc"
}

# guest_lease_var N VAR: a variable udhcpc handed to its script (ip, mask, router...).
guest_lease_var()
{
	sed -n "s/^$2=//p" "$NP_TMP/g$1.lease"
}

# ---- set-up and clean-up -------------------------------------------------------

np_debug_dump()
{
	echo "---- debug: state of the test's host namespace ($NS_HOST) ----"
	np net-list --all 2>&1 || true
	ip -n "$NS_HOST" -br link 2>&1 || true
	ip -n "$NS_HOST" -br -4 addr 2>&1 || true
	ip netns exec "$NS_HOST" nft list ruleset 2>&1 | head -n 80 || true
	echo "processes: $(ns_comms "$NS_HOST" | tr '\n' ' ')"
	(cd "$NP_TMP" && find config state run -type f 2>/dev/null | sort) || true
	local f
	for f in "$NP_TMP"/g*.udhcpc.log; do
		[ -r "$f" ] && { echo "-- $(basename "$f")"; tail -n 15 "$f"; }
	done
	echo "---- end debug ----"
}

cleanup()
{
	local rc=$? i pid ns pidfile
	set +eE
	trap - ERR EXIT INT TERM
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "${#NP_NAMESPACES[@]}" -gt 0 ]; then
		np_debug_dump >&2
	fi
	# Our own background helpers, newest first.
	for ((i = ${#NP_PIDS[@]} - 1; i >= 0; i--)); do
		kill_pid "${NP_PIDS[i]}"
	done
	# The dnsmasq netplumb started: only when it is inside our host namespace.
	if [ -n "$NP_TMP" ] && [ -d "$NP_RUN" ] && [ -e "/run/netns/$NS_HOST" ]; then
		for pidfile in "$NP_RUN"/*.pid; do
			[ -e "$pidfile" ] || continue
			pid=$(np_dnsmasq_pid "$(basename "$pidfile" .pid)") && kill_pid "$pid"
		done
	fi
	# Anything still running inside our own namespaces was started by this test.
	for ns in "${NP_NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			in_ns "$pid" "$ns" || continue
			echo "cleanup: killing leftover $(cat "/proc/$pid/comm" 2>/dev/null) ($pid) in $ns" >&2
			kill_pid "$pid"
		done
	done
	wait 2>/dev/null
	for ((i = ${#NP_NAMESPACES[@]} - 1; i >= 0; i--)); do
		ip netns del "${NP_NAMESPACES[i]}" 2>/dev/null ||
			echo "cleanup: could not delete namespace ${NP_NAMESPACES[i]}" >&2
	done
	if [ -n "$NP_TMP" ]; then
		if [ "${NP_E2E_KEEP:-0}" = 1 ]; then
			echo "kept $NP_TMP" >&2
		else
			rm -rf "$NP_TMP"
		fi
	fi
	exit "$rc"
}

np_e2e_init()
{
	local t applets
	[ "$(id -u)" -eq 0 ] || missing "needs root (network namespaces, bridges, nftables)"
	for t in ip busybox dnsmasq nft timeout sha256sum; do
		command -v "$t" >/dev/null 2>&1 || missing "'$t' is not installed"
	done
	applets=$(busybox --list 2>/dev/null || true)
	for t in udhcpc nc ping; do
		grep -qx -- "$t" <<<"$applets" || missing "busybox has no '$t' applet"
	done
	[ -x "$NETPLUMB" ] || fail "netplumb binary '$NETPLUMB' not found (set NETPLUMB)"

	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	NP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/np-e2e-$NP_TEST.XXXXXX")
	# Like /var/lib: dnsmasq drops root and must still reach its files.
	chmod 755 "$NP_TMP"
	NP_CONFIG=$NP_TMP/config
	NP_STATE=$NP_TMP/state
	NP_RUN=$NP_TMP/run
	# netplumb's firewall-cmd and resolvectl reach no host daemon: a test
	# with a firewalld of its own points this at its private bus.
	export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$NP_TMP/no-system-bus"
	install -m 755 "$NP_E2E_DIR/udhcpc.script" "$NP_TMP/udhcpc.script"

	if ! ip netns add "$NS_HOST" 2>"$NP_TMP/netns.err"; then
		missing "cannot create network namespaces: $(cat "$NP_TMP/netns.err")"
	fi
	NP_NAMESPACES+=("$NS_HOST")
	ip -n "$NS_HOST" link set lo up
}

np_e2e_init

# lookup NS ARGS...: busybox nslookup in NS, its output in OUT. busybox also
# asks for AAAA, which may fail (no upstream, or an upstream without it), so
# only the answer counts, never the exit status.
lookup()
{
	local ns=$1
	shift
	OUT=$(ip netns exec "$ns" timeout -k 1 5 busybox nslookup "$@" 2>&1 || true)
}

# expect_lookup DESC NS ERE ARGS...: within 10 s some line of the answer to
# nslookup ARGS (from NS) matches ERE.
expect_lookup()
{
	local desc=$1 ns=$2 re=$3
	shift 3
	_lookup_has() { lookup "$@" && grep -Eq -- "$re" <<<"$OUT"; }
	wait_until 10 _lookup_has "$ns" "$@" ||
		fail "$desc: 'nslookup $*' has no line matching /$re/:
$OUT"
	pass "$desc"
}
