#!/bin/bash
# The pure library must stay pure: fails when np_core (a static library)
# calls libnl, libnftables, libnftnl or libmnl, creates a process, or calls a
# netplumb function that is not in np_core (it would come from an acting
# library). Usage: core-symbols.sh NM LIBNP_CORE.a
set -euo pipefail
nm=$1
lib=$2

# "archive[member]: symbol U" per undefined symbol, and the defined ones.
undefined=$("$nm" -A -P -u "$lib" | awk '{ print $1, $2 }')
defined=$("$nm" -P -g --defined-only "$lib" | awk 'NF >= 2 && $2 != "U" { print $1 }' | sort -u)
if [ -z "$defined" ]; then
	echo "core-symbols: $lib defines no symbol: not the library meant" >&2
	exit 1
fi

forbidden='^(nl_|rtnl_|nla_|nlmsg_|nft_|nftnl_|mnl_)|^(fork|vfork|_Fork|clone|clone3|execv.*|execl.*|execve|fexecve|posix_spawn.*|system|popen|setns|socket)$'
bad=$(awk -v re="$forbidden" '$2 ~ re' <<<"$undefined")

outside=$(awk 'NR == FNR { d[$1] = 1; next } $2 ~ /^np_/ && !($2 in d)' \
	<(echo "$defined") <(echo "$undefined"))

rc=0
if [ -n "$bad" ]; then
	echo "np_core calls what only acting code may:" >&2
	sed 's/^/  /' <<<"$bad" >&2
	rc=1
fi
if [ -n "$outside" ]; then
	echo "np_core calls netplumb functions that are not in np_core:" >&2
	sed 's/^/  /' <<<"$outside" >&2
	rc=1
fi
[ "$rc" = 0 ] && echo "np_core: $(wc -l <<<"$undefined") undefined symbols, none forbidden"
exit "$rc"
