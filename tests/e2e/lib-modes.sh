# Helpers of the forward-mode tests (tests/e2e/test-mode-*.sh); sourced after
# lib.sh, never run on its own. Everything here acts only inside the test's
# own namespaces (NS_HOST, NS_UPLINK, NS_PREFIX-*) and records what it starts
# in NP_PIDS / NP_NAMESPACES so lib.sh's cleanup removes it.
#
# Addresses used, all inside the test's namespaces:
#   198.51.100.0/24   host up0 .1  <->  uplink eth0 .2      (lib.sh make_uplink)
#   2001:db8:100::/64 host up0 ::1 <->  uplink eth0 ::2     (make_uplink6)
#   203.0.113.0/24    host up1 .1  <->  uplink2 eth0 .2     (make_uplink2)
#   192.168.x.0/24, fd00:x::/64   the networks under test (data/modes/*.xml)

# shellcheck shell=bash disable=SC2153 # NS_*, GUEST_* come from lib.sh
# shellcheck disable=SC2034 # globals read by the tests
MODES_DATA=$NP_E2E_DIR/data/modes
HOST_UPLINK_IP6=2001:db8:100::1
UPLINK_IP6=2001:db8:100::2
NS_UPLINK2="$NS_PREFIX-uplink2"
HOST_UPLINK2_IP=203.0.113.1
UPLINK2_IP=203.0.113.2
MODES_PORT=5555

# np_define_start FILE NAME: net-define data/modes/FILE.xml and net-start NAME.
np_define_start()
{
	expect_np_ok "net-define $1.xml" net-define "$MODES_DATA/$1.xml"
	expect_np_ok "net-start $2" net-start "$2"
	expect_eq "net-start $2 message" "Network $2 started" "$NP_OUT"
}

# make_uplink6: IPv6 on the lib.sh uplink (call make_uplink first) and the
# host's IPv6 default route through it. nodad: usable at once.
make_uplink6()
{
	ip -n "$NS_HOST" addr add "$HOST_UPLINK_IP6/64" dev up0 nodad
	ip -n "$NS_UPLINK" addr add "$UPLINK_IP6/64" dev eth0 nodad
	ip -n "$NS_HOST" -6 route add default via "$UPLINK_IP6" dev up0
}

# make_uplink2: a second uplink namespace on the host's up1, 203.0.113.0/24
# (TEST-NET-3); the host has only the connected route to it.
make_uplink2()
{
	ns_add "$NS_UPLINK2"
	ip -n "$NS_HOST" link add up1 type veth peer name eth0 netns "$NS_UPLINK2"
	ip -n "$NS_HOST" addr add "$HOST_UPLINK2_IP/24" dev up1
	ip -n "$NS_HOST" link set up1 up
	ip -n "$NS_UPLINK2" addr add "$UPLINK2_IP/24" dev eth0
	ip -n "$NS_UPLINK2" link set eth0 up
}

# static_guest N BRIDGE ADDR/PREFIX GATEWAY: lib.sh's make_guest with a fixed
# address and a default route (no DHCP: the mode tests are about forwarding).
static_guest()
{
	make_guest "$1" "$2"
	ip -n "${GUEST_NS[$1]}" addr add "$3" dev eth0
	ip -n "${GUEST_NS[$1]}" route add default via "$4"
	GUEST_IP[$1]=${3%/*}
}

# slaac_guest N BRIDGE: a guest that takes its IPv6 address from router
# advertisements only (accept_ra=1, autoconf=1, no forwarding), set before
# the link comes up so its first router solicitation counts.
slaac_guest()
{
	local ns
	make_guest "$1" "$2"
	ns=${GUEST_NS[$1]}
	ip -n "$ns" link set eth0 down
	ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.forwarding=0 \
		net.ipv6.conf.eth0.disable_ipv6=0 net.ipv6.conf.eth0.accept_ra=1 \
		net.ipv6.conf.eth0.autoconf=1
	ip -n "$ns" link set eth0 up
}

# guest_global6 N PREFIX: guest N's non-tentative global IPv6 address inside
# PREFIX (a string prefix such as "fd00:156:"); prints it, fails when none.
guest_global6()
{
	local a
	a=$(ip -n "${GUEST_NS[$1]}" -6 -o addr show dev eth0 scope global -tentative 2>/dev/null |
		awk '{ print $4 }' | sed 's:/.*::' | grep -i "^$2" | head -n1)
	[ -n "$a" ] || return 1
	printf '%s\n' "$a"
}

# guest_default6 N: guest N has an IPv6 default route (learnt from an RA).
guest_default6()
{
	ip -n "${GUEST_NS[$1]}" -6 route show default | grep -q 'via fe80:'
}

# listen_report NS PORT [SECONDS]: a TCP server in NS on PORT that answers each
# connection with the peer it sees, as ss prints it; SECONDS (default 60)
# bound its life. Returns once it listens.
listen_report()
{
	local ns=$1 port=$2
	bg "$ns" "${3:-60}" busybox nc -ll -p "$port" \
		-e ss -tnH state established state close-wait "( sport = :$port )"
	wait_until 5 ip netns exec "$ns" sh -c "ss -ltnH | grep -q ':$port '" ||
		fail "the listener on port $port in $ns did not come up"
}

# tcp_seen DESC NS ADDR PORT [NC-ARGS...]: connects from NS to a listen_report
# server at ADDR:PORT and sets SEEN_ADDR / SEEN_PORT to the peer the server
# saw (IPv4-mapped and bracketed forms undone). Counts as a check.
tcp_seen()
{
	local desc=$1 ns=$2 addr=$3 port=$4 peer
	shift 4
	expect_ok "$desc" ip netns exec "$ns" timeout 15 busybox nc -w 5 "$@" "$addr" "$port" </dev/null
	peer=$(awk 'NF { print $NF; exit }' <<<"$OUT")
	[ -n "$peer" ] || fail "$desc: the server reported no peer (output: $OUT)"
	SEEN_PORT=${peer##*:}
	SEEN_ADDR=${peer%:*}
	SEEN_ADDR=${SEEN_ADDR#[}
	SEEN_ADDR=${SEEN_ADDR%]}
	SEEN_ADDR=${SEEN_ADDR#::ffff:}
}

# expect_ping DESC NS ADDR: three echo requests from NS to ADDR get answers.
expect_ping()
{
	expect_ok "$1" ip netns exec "$2" timeout 15 busybox ping -c 3 -i 0.2 -W 3 "$3"
}

# expect_no_ping DESC NS ADDR: no echo reply within 2 s.
expect_no_ping()
{
	expect_fail "$1" ip netns exec "$2" timeout 10 busybox ping -c 2 -i 0.2 -W 2 "$3"
}

# expect_no_connect DESC NS ADDR PORT BANNER: a TCP connection from NS to a
# server that would answer BANNER fails and gets nothing back.
expect_no_connect()
{
	expect_fail "$1" ip netns exec "$2" timeout 10 busybox nc -w 3 "$3" "$4" </dev/null
	expect_no_match "$1: nothing came back" "$5" "$OUT"
}

# listen_banner NS PORT BANNER: a TCP server in NS answering BANNER.
listen_banner()
{
	bg "$1" 60 busybox nc -ll -p "$2" -e echo "$3"
	wait_until 5 ip netns exec "$1" sh -c "ss -ltnH | grep -q ':$2 '" ||
		fail "the listener on port $2 in $1 did not come up"
}

# nft_ruleset: the host namespace's whole ruleset.
nft_ruleset()
{
	ip netns exec "$NS_HOST" nft list ruleset
}

# nft_chain_handles CHAIN: CHAIN of table inet netplumb with rule handles and
# without counter values: equal output means no rule was replaced.
nft_chain_handles()
{
	ip netns exec "$NS_HOST" nft -a list chain inet netplumb "$1" |
		sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
}

# no_tentative: no IPv6 address in the host namespace is still in duplicate
# address detection (when it ends, the address and its routes change).
no_tentative()
{
	[ -z "$(ip -n "$NS_HOST" -6 addr show tentative)" ]
}

# host_snapshot: everything a start may change in the host namespace: links,
# addresses, routes, nft, the forwarding and per-link IPv6 sysctls. Taken
# once duplicate address detection has settled (a changed snapshot then shows
# when it does not within 10 s).
host_snapshot()
{
	local f
	wait_until 10 no_tentative || true
	ip -n "$NS_HOST" -o link show | sed -e 's/^[0-9]*: //' -e 's/ state [A-Z]*//' | sort
	ip -n "$NS_HOST" -o addr show | sed -e 's/^[0-9]*: //' -e 's/ valid_lft.*//' | sort
	ip -n "$NS_HOST" route show table all | sort
	ip -n "$NS_HOST" -6 route show table all | sort
	ip netns exec "$NS_HOST" nft -s list ruleset
	for f in ipv4/ip_forward ipv6/conf/all/forwarding ipv6/conf/default/disable_ipv6; do
		printf '%s=%s\n' "$f" "$(ip netns exec "$NS_HOST" cat "/proc/sys/net/$f")"
	done
}

# ping_loss_start NS ADDR COUNT FILE: COUNT echo requests, 0.1 s apart, from
# NS to ADDR in the background, the summary written to FILE; BG_PID is its pid.
ping_loss_start()
{
	ip netns exec "$1" timeout -k 2 $(($3 / 10 + 30)) \
		busybox ping -q -c "$3" -i 0.1 -W 2 "$2" >"$4" 2>&1 &
	BG_PID=$!
	NP_PIDS+=("$BG_PID")
}

# ping_lost FILE: the number of echo requests of a finished ping_loss_start
# that got no answer; fails when FILE has no summary.
ping_lost()
{
	local sent got
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$1")
	got=$(sed -n 's/.* \([0-9]*\) packets received.*/\1/p' "$1")
	[ -n "$sent" ] && [ -n "$got" ] || return 1
	printf '%s\n' $((sent - got))
}
