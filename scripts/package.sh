#!/bin/bash
# scripts/package.sh [OUTDIR]: build netplumb_VERSION_ARCH.deb into OUTDIR
# (default: the current directory) from this checkout, without network and
# without root: a fresh build for /usr with Debian's hardening flags,
# `cmake --install --strip` into a staging root, the man page compressed,
# the Debian files, then dpkg-deb. Depends: the shared libraries' packages
# (dpkg-shlibdeps) and the run-time packages of scripts/deps.sh.
# Needs dpkg-dev (listed in scripts/deps.sh). Prints the .deb's path.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=$(realpath -m "${1:-.}")
# shellcheck source=scripts/deps.sh
. "$ROOT/scripts/deps.sh"

umask 022
WORK=$(mktemp -d "${TMPDIR:-/tmp}/netplumb-pkg.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# A build directory to reuse (kept), e.g. by a test that packages twice.
BUILD=${NP_PKG_BUILD_DIR:-$WORK/build}

VERSION=$(sed -n 's/^project(netplumb VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
ARCH=$(dpkg --print-architecture)
[ -n "$VERSION" ] || { echo "package.sh: no version in CMakeLists.txt" >&2; exit 1; }

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
# Only the program is built; the staged tree is what the package holds.
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=None -DCMAKE_INSTALL_PREFIX=/usr \
	-DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS" >"$WORK/cmake.log" 2>&1 ||
	{ cat "$WORK/cmake.log" >&2; exit 1; }
cmake --build "$BUILD" --target netplumb -j"${NP_JOBS:-2}" >"$WORK/build.log" 2>&1 ||
	{ cat "$WORK/build.log" >&2; exit 1; }
STAGE=$WORK/stage
DESTDIR=$STAGE cmake --install "$BUILD" --strip >/dev/null

# Debian's layout: units under /lib (bookworm's systemd and lintian look there),
# man pages gzipped reproducibly, the docs every package carries.
mkdir -p "$STAGE/lib/systemd"
mv "$STAGE/usr/lib/systemd/system" "$STAGE/lib/systemd/"
rmdir -p --ignore-fail-on-non-empty "$STAGE/usr/lib/systemd"
gzip -9n "$STAGE/usr/share/man/man8/netplumb.8"
DOC=$STAGE/usr/share/doc/netplumb
mkdir -p "$DOC"
install -m 0644 "$ROOT/data/debian/copyright" "$DOC/copyright"
sed "s/@VERSION@/$VERSION/" "$ROOT/data/debian/changelog" | gzip -9n >"$DOC/changelog.gz"

# dpkg-shlibdeps reads debian/control from its working directory.
mkdir -p "$WORK/src/debian"
printf 'Source: netplumb\n\nPackage: netplumb\nArchitecture: any\n' >"$WORK/src/debian/control"
SHLIBS=$(cd "$WORK/src" && dpkg-shlibdeps -O "$STAGE/usr/sbin/netplumb" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
DEPENDS="$SHLIBS"
for p in "${NP_RUNTIME_PACKAGES[@]}"; do
	DEPENDS="$DEPENDS, $p"
done

mkdir -p "$STAGE/DEBIAN"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
	-e "s/@DEPENDS@/$DEPENDS/" "$ROOT/data/debian/control" >"$STAGE/DEBIAN/control"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum) >"$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/md5sums"

mkdir -p "$OUTDIR"
DEB=$OUTDIR/netplumb_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
