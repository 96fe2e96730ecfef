#!/bin/bash
# inotify-demo.sh - why libvirt-style networks stop at ~128, and the fix, in
# miniature. Needs root; touches no host-wide setting.
#
# Every dnsmasq that reads resolv.conf creates one inotify instance (while
# still root), charged to its uid against fs.inotify.max_user_instances
# (128, host-wide). A user namespace has a limit of its own
# (/proc/sys/user/max_inotify_instances) that is checked in addition to the
# host's, so inside a fresh one we can set it to 5 and watch the 6th
# dnsmasq die exactly as the 129th does on a host -- without ever coming
# near the host's real limit. Then the same with `no-resolv`.
#
# Usage: sudo bench/inotify-demo.sh
set -u

if [ "${1:-}" = __inner ]; then
	D=$(mktemp -d /tmp/np-inotify-demo.XXXXXX)
	trap 'rm -rf "$D"' EXIT
	echo 5 > /proc/sys/user/max_inotify_instances || exit 1
	echo "limit in this user namespace: $(cat /proc/sys/user/max_inotify_instances);" \
		"host fs.inotify.max_user_instances: $(cat /proc/sys/fs/inotify/max_user_instances) (unchanged)"
	ip link set lo up
	for mode in stock no-resolv; do
		pids=""
		for i in 1 2 3 4 5 6 7 8; do
			ip link add "b$i" type bridge
			ip addr add "10.77.$i.1/24" dev "b$i"
			ip link set "b$i" up
			{
				echo "strict-order"
				echo "pid-file=$D/$i.pid"
				echo "dhcp-leasefile=$D/$i.leases"
				echo "user=root"
				echo "group=root"
				echo "except-interface=lo"
				echo "bind-dynamic"
				echo "interface=b$i"
				echo "dhcp-range=10.77.$i.2,10.77.$i.254,255.255.255.0"
				[ "$mode" = no-resolv ] && echo "no-resolv"
			} > "$D/$i.conf"
			if dnsmasq --conf-file="$D/$i.conf" 2> "$D/err"; then
				p=$(cat "$D/$i.pid"); pids="$pids $p"
				n=$(find "/proc/$p/fd" -lname 'anon_inode:inotify' 2>/dev/null | wc -l)
				echo "$mode dnsmasq #$i: running, inotify instances: $n"
			else
				echo "$mode dnsmasq #$i: FAILED: $(tr '\n' ' ' < "$D/err")"
			fi
		done
		for p in $pids; do kill "$p"; done
		sleep 0.3
		for i in 1 2 3 4 5 6 7 8; do ip link del "b$i"; done
	done
	exit 0
fi

[ "$(id -u)" = 0 ] || { echo "inotify-demo: needs root" >&2; exit 77; }
command -v dnsmasq >/dev/null || { echo "inotify-demo: no dnsmasq" >&2; exit 77; }
self=$(readlink -f "$0")
sync_dir=$(mktemp -d /tmp/np-inotify-demo-sync.XXXXXX)
trap 'rm -rf "$sync_dir"' EXIT
# A new user + network namespace; root inside maps to root outside (so
# setgroups stays allowed, which dnsmasq needs), written by us from outside.
unshare -U --setgroups allow -n bash -c \
	'while [ ! -e "$0/go" ]; do sleep 0.02; done; exec "$1" __inner' "$sync_dir" "$self" &
child=$!
sleep 0.2
echo "0 0 1" > "/proc/$child/uid_map" && echo "0 0 1" > "/proc/$child/gid_map" || {
	kill "$child"; exit 1; }
touch "$sync_dir/go"
wait "$child"
