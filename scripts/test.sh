#!/bin/bash
# Runs every test (unit, conformance, end-to-end) with ctest, building ./build
# first when needed. Extra arguments go to ctest (e.g. -L e2e, -R default).
# Exits non-zero when a test fails. As root, a missing e2e prerequisite is a
# failure rather than a skip (NP_E2E_STRICT=0 turns that off).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${NP_BUILD_DIR:-$ROOT/build}

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
	cmake -S "$ROOT" -B "$BUILD"
fi
cmake --build "$BUILD" -j"$(nproc)"

if [ "$(id -u)" -eq 0 ]; then
	export NP_E2E_STRICT=${NP_E2E_STRICT:-1}
else
	echo "test.sh: not root: the e2e tests will be skipped (run: sudo scripts/test.sh)" >&2
fi
# The e2e tests wait more than they compute (DHCP, STP, dnsmasq) and each
# lives in namespaces of its own, so two run at a time (NP_TEST_JOBS).
exec ctest --test-dir "$BUILD" --output-on-failure --no-tests=error \
	--parallel "${NP_TEST_JOBS:-2}" "$@"
