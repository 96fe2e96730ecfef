#!/bin/bash
# Library code prints nothing; the CLI prints. Fails when one of the static
# libraries given refers to stdout or stderr or prints to them (printf,
# puts, perror, ...). Writing to a FILE * the caller hands in (the plan
# printer) stays allowed. Usage: print-symbols.sh NM LIB.a...
set -euo pipefail
nm=$1
shift

bad=$("$nm" -A -P -u "$@" | awk '$2 ~ /^(stdout|stderr|printf|vprintf|puts|putchar|perror|warn|warnx|err|errx|error)$/ { print $1, $2 }')
if [ -n "$bad" ]; then
	echo "library code that prints (only cli/ may):" >&2
	sed 's/^/  /' <<<"$bad" >&2
	exit 1
fi
echo "$# libraries: no printing to stdout or stderr"
