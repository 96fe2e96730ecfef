#!/bin/bash
# The demo: libvirt's built-in 'default' network, run by netplumb inside
# throwaway network namespaces (never the namespace you run it from) with
# throwaway config/state/run dirs. A "host" namespace runs netplumb, an
# "uplink" namespace (198.51.100.2) stands in for the outside world and one
# guest namespace with a 52:54:00: MAC gets a DHCP lease and pings out through
# NAT. Everything is destroyed and deleted at the end, also on failure.
#
# Usage (as root): scripts/demo.sh     NETPLUMB=path/to/netplumb to pick a binary
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export NETPLUMB=${NETPLUMB:-$ROOT/build/cli/netplumb}
export NP_SRC=$ROOT
NP_TEST=demo
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

# show ARGS...: print the command as a user would type it, then run it.
show()
{
	printf '\n$ netplumb %s\n' "$*"
	np "$@"
}

say() { printf '\n# %s\n' "$*"; }

say "netplumb $("$NETPLUMB" --version | sed 's/^netplumb //'), in namespace $NS_HOST, config dir $NP_CONFIG"
make_uplink

say "a fresh config dir has libvirt's built-in 'default' network, inactive"
show net-list --all

show net-start default
say "virbr0 as the kernel sees it:"
ip -n "$NS_HOST" -br addr show dev virbr0

say "a guest ($NS_PREFIX-g1) plugged into virbr0 asks for a lease (takes a few seconds: STP)"
make_guest 1 virbr0
if ! guest_dhcp 1 30; then
	cat "$NP_TMP/g1.udhcpc.log" >&2
	fail "the guest got no lease"
fi
echo "guest ${GUEST_MAC[1]} got ${GUEST_IP[1]}"
show net-dhcp-leases default

say "the guest pings the uplink $UPLINK_IP through NAT"
ip netns exec "${GUEST_NS[1]}" timeout 15 busybox ping -c 3 -W 5 "$UPLINK_IP"

say "the uplink sees the guest's connection coming from:"
bg "$NS_UPLINK" 30 busybox nc -ll -p 5555 -e ss -tnH state established state close-wait '( sport = :5555 )'
wait_until 5 ip netns exec "$NS_UPLINK" sh -c "ss -ltnH | grep -q ':5555 '" ||
	fail "the uplink's listener did not come up"
REPLY_TEXT=$(ip netns exec "${GUEST_NS[1]}" timeout 15 busybox nc -w 5 "$UPLINK_IP" 5555 </dev/null)
SEEN=$(awk 'NF { print $NF; exit }' <<<"$REPLY_TEXT" |
	sed -e 's/:[0-9]*$//' -e 's/^\[//' -e 's/\]$//' -e 's/^::ffff://')
echo "  $SEEN (the guest is ${GUEST_IP[1]}; $HOST_UPLINK_IP is the host's uplink address)"

show net-destroy default
show net-list --all
say "demo done; the namespaces and directories are removed now"
