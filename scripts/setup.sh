#!/bin/bash
# One command on a fresh Debian 12 machine, as root: installs what netplumb
# needs, builds it into ./build and runs the demo (scripts/demo.sh) on the
# built-in 'default' network inside throwaway network namespaces.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: needs root (apt-get, network namespaces): sudo scripts/setup.sh" >&2
	exit 1
fi
# shellcheck source=scripts/deps.sh
. "$ROOT/scripts/deps.sh"

np_install_packages
cmake -S "$ROOT" -B "$ROOT/build"
cmake --build "$ROOT/build" -j"$(nproc)"
echo
NETPLUMB="$ROOT/build/cli/netplumb" "$ROOT/scripts/demo.sh"
