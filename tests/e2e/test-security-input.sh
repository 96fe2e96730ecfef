#!/bin/bash
# Issue 20, input: nothing a user types reaches a file, a pasted command or a
# terminal unchecked.
#  - The issue's reproduction: `port-add default --veth $'x\nifname=up0'`
#    wrote "netns=x" and "ifname=up0" into the port record, and the next
#    net-start enslaved the uplink up0 to virbr0, rewrote its MAC, and
#    net-destroy deleted it. Now it is refused (one line, no file written),
#    and up0 keeps its master, MAC and existence through start and destroy.
#    A record planted by hand with the same injection (as the old port-add
#    wrote it) makes net-start fail with one line, and up0 stays as it was.
#  - `--veth ..` (which made every later start fail), '/' and control
#    characters in every name option, --netns/NETPLUMB_NETNS: refused.
#  - A printed plan with hostile names (a network whose name holds ';' and
#    $(...), a guest port whose namespace name holds ';', $(...), backticks,
#    quotes and blanks, all valid names) is pasted into bash in a throwaway
#    directory whose PATH holds only stub scripts that record their argv:
#    no real ip/nft/sysctl runs, no extra command runs, and every recorded
#    argv carries the hostile value as one whole argument.
#  - Lease-file host names with escape sequences (ESC, U+009B) are shown
#    escaped by net-dhcp-leases, never as terminal controls.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

# uplink_state: what must not change about up0 (master, MAC, state, ifindex).
uplink_state()
{
	ip -n "$NS_HOST" -o link show dev up0 2>/dev/null |
		sed -e 's/ qlen [0-9]*//' -e 's/state [A-Z]*//' || echo "up0 is gone"
}

# A control character (C0 other than the line end, DEL, or C1 in UTF-8).
has_control() { LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$1"; }

make_uplink
UPLINK0=$(uplink_state)
# The first command seeds the store with 'default'; the baseline is after it.
expect_np_ok "net-list --all" net-list --all
STORE0=$(np_store_sum)
log "up0 before: $UPLINK0"

log "the issue's reproduction: a newline in --veth is refused before anything is written"
expect_np_error "port-add default --veth \$'x\\nifname=up0' is refused" \
	port-add default --veth $'x\nifname=up0'
expect_match "the error names --veth and shows the value escaped" \
	"--veth 'x\\\\nifname=up0': namespace name contains a newline" "$NP_ERR"
expect_eq "no file was written" "$STORE0" "$(np_store_sum)"
expect_eq "no port record exists" "" "$(find "$NP_CONFIG" -name '*.port' 2>/dev/null)"

log "the other names: each refused with one line, nothing written"
refuse()
{
	local desc=$1 re=$2
	shift 2
	expect_np_error "$desc" "$@"
	expect_match "$desc: the error names the value" "$re" "$NP_ERR"
	expect_eq "$desc: no file was written" "$STORE0" "$(np_store_sum)"
}
refuse "--veth .." "--veth '\\.\\.': namespace name cannot be" port-add default --veth ..
refuse "--veth ." "--veth '\\.'" port-add default --veth .
refuse "--veth a/b" "--veth 'a/b': namespace name contains '/'" port-add default --veth a/b
refuse "--veth with ESC" "--veth 'a\\\\x1b\\[2J'" port-add default --veth $'a\e[2J'
refuse "--veth with U+009B" "--veth 'a\\\\u009b'" port-add default --veth $'a\xc2\x9b'
refuse "--veth with CR" "--veth 'g\\\\r'" port-add default --veth $'g\r'
refuse "--peer with a blank" "--peer 'a b': interface name" port-add default --veth g --peer 'a b'
refuse "--peer with a newline" "--peer 'a\\\\nb'" port-add default --veth g --peer $'a\nb'
refuse "--ifname .." "--ifname '\\.\\.'" port-add default --veth g --ifname ..
refuse "--ifname too long" "--ifname 'vnet0123456789ab': interface name longer than 15" \
	port-add default --veth g --ifname vnet0123456789ab
refuse "--tap with ';'" "--tap 'a;b': interface name" port-add default --tap 'a;b'
refuse "--owner with ':'" "--owner 'a:b': user name or uid" port-add default --tap t0 --owner a:b
refuse "--owner past the last uid" "--owner '4294967295': user name or uid" \
	port-add default --tap t0 --owner 4294967295
refuse "a network name with a newline" "network 'a\\\\nb': network name contains a newline" \
	port-add $'a\nb' --veth g
refuse "port-delete with '/'" "port '\\.\\./x'" port-delete default ../x
np_capture --netns .. net-list
[ "$NP_RC" -eq 1 ] && [[ "$NP_ERR" == *"--netns '..': namespace name cannot be"* ]] ||
	fail "--netns .. not refused as a namespace name: $NP_RC $NP_ERR"
pass "--netns .. is refused ($NP_ERR)"
NP_RC=0
NETPLUMB_NETNS=$'a\nb' ip netns exec "$NS_HOST" "$NETPLUMB" --config-dir "$NP_CONFIG" \
	--state-dir "$NP_STATE" --run-dir "$NP_RUN" net-list >"$NP_TMP/env.out" 2>"$NP_TMP/env.err" || NP_RC=$?
[ "$NP_RC" -eq 1 ] && grep -q "NETPLUMB_NETNS 'a\\\\nb': namespace name contains a newline" "$NP_TMP/env.err" ||
	fail "NETPLUMB_NETNS with a newline not refused: $NP_RC $(cat "$NP_TMP/env.err")"
pass "NETPLUMB_NETNS with a newline is refused"
expect_eq "no file was written by any refused command" "$STORE0" "$(np_store_sum)"

log "start and destroy with the refused ports: up0 is untouched"
expect_np_ok "net-start default" net-start default
expect_eq "nothing is enslaved to virbr0" "" "$(ip -n "$NS_HOST" -o link show master virbr0)"
expect_eq "up0 is as it was (no master, same MAC)" "$UPLINK0" "$(uplink_state)"
expect_np_ok "net-destroy default" net-destroy default
expect_eq "up0 still exists and is as it was" "$UPLINK0" "$(uplink_state)"

log "a port record planted with the injection (as the old port-add wrote it) is not acted on"
PORTS_DIR=$NP_CONFIG/ports/default
mkdir -p "$PORTS_DIR"
printf 'type=veth\nifname=vnet7\nmac=52:54:00:aa:bb:07\npeer=eth0\nnetns=x\nifname=up0\n' \
	>"$PORTS_DIR/vnet7.port"
expect_np_error "net-start refuses to use the record" net-start default
expect_match "the error names the network's ports" "ports of 'default'" "$NP_ERR"
expect_eq "up0 is as it was after that start" "$UPLINK0" "$(uplink_state)"
expect_eq "no virbr0 was left behind" "" "$(ip -n "$NS_HOST" -o link show dev virbr0 2>/dev/null || true)"
expect_np_error "port-list refuses it too" port-list default
rm -f "$PORTS_DIR/vnet7.port"
expect_np_ok "without it, net-start default" net-start default
expect_np_ok "net-destroy default" net-destroy default
expect_eq "up0 survives" "$UPLINK0" "$(uplink_state)"

log "a pasted plan with hostile names runs exactly the plan"
HOSTILE_NET='evil;: >pwned1;$(: >pwned2)`: >pwned3` x'
HOSTILE_NS=$'g;: >pwned4 $(: >pwned5) `: >pwned6` \'q"\\ \xe2\x82\xac'
cat >"$NP_TMP/hostile.xml" <<EOF
<network>
  <name>evil;: &gt;pwned1;\$(: &gt;pwned2)\`: &gt;pwned3\` x</name>
  <forward mode='nat'/>
  <bridge name='npsec0'/>
  <ip address='192.168.210.1' prefix='24'>
    <dhcp>
      <range start='192.168.210.10' end='192.168.210.20'/>
    </dhcp>
  </ip>
</network>
EOF
expect_np_ok "net-define a network whose name holds ';' and \$(...)" net-define "$NP_TMP/hostile.xml"
expect_match "it is listed under its name" "^Network evil;: >pwned1;" "$NP_OUT"
expect_np_ok "port-add with a hostile but valid namespace name" \
	port-add "$HOSTILE_NET" --veth "$HOSTILE_NS" --peer eth0
expect_np_ok "plan of that network" plan "$HOSTILE_NET"
PASTE=$NP_TMP/paste
mkdir -p "$PASTE/bin" "$PASTE/rec"
printf '%s\n' "$NP_OUT" >"$PASTE/plan.sh"
echo 0 >"$PASTE/rec/count"
# firewall-cmd: the plan puts the bridge in firewalld's zone 'libvirt'
# wherever firewall-cmd is installed (the step is skipped when no firewalld runs)
PASTE_CMDS='ip|nft|sysctl|install|dnsmasq|iptables-nft|firewall-cmd'
for cmd in ${PASTE_CMDS//|/ }; do
	cat >"$PASTE/bin/$cmd" <<'EOF'
#!/bin/bash
read -r n < "$NP_REC/count"
n=$((n + 1))
printf '%s\n' "$n" > "$NP_REC/count"
printf '%s\0' "${0##*/}" "$@" > "$NP_REC/argv.$n"
IFS= read -r -d '' data || true
exit 0
EOF
	chmod 755 "$PASTE/bin/$cmd"
done
expect_ok "bash -n accepts the plan" bash -n "$PASTE/plan.sh"
# Inside the test's namespace, in the throwaway directory, with only the stubs
# on PATH: even a payload that ran could not touch the caller's network.
NP_RC=0
(cd "$PASTE" && ip netns exec "$NS_HOST" env -i PATH="$PASTE/bin" NP_REC="$PASTE/rec" LC_ALL=C \
	/bin/bash --norc --noprofile -c \
	'command_not_found_handle() { printf "not found: %s\n" "$1" >&2; return 127; }; . ./plan.sh' \
	</dev/null >"$PASTE/out" 2>"$PASTE/err") || NP_RC=$?
expect_eq "the pasted plan ran to the end" 0 "$NP_RC"
expect_eq "bash reported nothing (no command not found, no syntax error)" "" "$(cat "$PASTE/err")"
expect_eq "no payload ran" "" "$(cd "$PASTE" && ls -d pwned* 2>/dev/null || true)"
want=$(grep -cE "^($PASTE_CMDS) " "$PASTE/plan.sh")
expect_eq "one recorded command per command line of the plan" "$want" "$(cat "$PASTE/rec/count")"
found=
for f in "$PASTE"/rec/argv.*; do
	mapfile -d '' -t argv <"$f"
	if [ "${argv[0]} ${argv[1]:-} ${argv[2]:-}" = "ip link add" ] && [ "${argv[6]:-}" = veth ]; then
		expect_eq "the veth's namespace is one whole argument" "$HOSTILE_NS" "${argv[13]:-}"
		expect_eq "the veth command has no extra words" 14 "${#argv[@]}"
		found=1
	fi
	if [ "${argv[0]}" = install ]; then
		expect_match "install writes into the state or run dir" "^($NP_STATE|$NP_RUN)/" \
			"${argv[4]:-}"
	fi
done
[ -n "$found" ] || fail "the plan has no veth command: $(cat "$PASTE/plan.sh")"
pass "the veth command was recorded"
if has_control "$PASTE/plan.sh"; then
	fail "the plan carries a control character: $(LC_ALL=C grep -nP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$PASTE/plan.sh")"
fi
pass "the plan carries no control character"
expect_np_ok "port-list shows the port" port-list "$HOSTILE_NET"
expect_np_ok "net-undefine the hostile network" net-undefine "$HOSTILE_NET"

log "lease-file host names reach the terminal escaped"
printf '0 52:54:00:aa:bb:01 192.168.122.50 evil\033[2J\302\233%s 01:52:54:00:aa:bb:01\n' 31m \
	>"$NP_STATE/default.leases"
expect_np_ok "net-dhcp-leases default" net-dhcp-leases default
printf '%s\n' "$NP_OUT" >"$NP_TMP/leases.out"
if has_control "$NP_TMP/leases.out"; then
	fail "net-dhcp-leases printed a control character: $(od -c "$NP_TMP/leases.out" | head)"
fi
expect_match "the host name is shown escaped" 'evil\\x1b\[2J\\u009b31m' "$NP_OUT"
rm -f "$NP_STATE/default.leases"

expect_eq "up0 at the end is as it was" "$UPLINK0" "$(uplink_state)"
e2e_done
