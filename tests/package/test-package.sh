#!/bin/bash
# scripts/package.sh builds a .deb that Debian accepts: the files where Debian
# wants them (binary in /usr/sbin, the systemd unit, bash completion, the man
# page gzipped, copyright and changelog), Depends with the shared libraries'
# packages and scripts/deps.sh's run-time packages, no lintian error, apt
# resolves it on this machine (simulated), the packaged binary runs
# --version, the man page renders without a warning and names every command
# of --help, and dpkg installs it into a throwaway root and `dpkg -r` removes
# every file again. Nothing is installed on the real system.
set -euo pipefail

ROOT=${NP_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { echo "not ok - $*" >&2; exit 1; }
skip() {
	if [ "${NP_E2E_STRICT:-0}" = 1 ]; then fail "missing: $*"; fi
	echo "skip: $*"; exit 77
}
for t in dpkg-deb dpkg-shlibdeps dpkg-buildflags lintian man apt-get cmake; do
	command -v "$t" >/dev/null || skip "$t (scripts/deps.sh installs it)"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/np-package.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=scripts/deps.sh
. "$ROOT/scripts/deps.sh"
VERSION=$(sed -n 's/^project(netplumb VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
ARCH=$(dpkg --print-architecture)

export NP_PKG_BUILD_DIR=$TMP/build
DEB=$("$ROOT/scripts/package.sh" "$TMP/out") || fail "package.sh failed"
[ "$DEB" = "$TMP/out/netplumb_${VERSION}_${ARCH}.deb" ] && [ -f "$DEB" ] ||
	fail "package.sh printed '$DEB', expected $TMP/out/netplumb_${VERSION}_${ARCH}.deb"
ok "package.sh OUTDIR builds netplumb_${VERSION}_${ARCH}.deb"

(cd "$TMP" && "$ROOT/scripts/package.sh" >/dev/null) && [ -f "$TMP/netplumb_${VERSION}_${ARCH}.deb" ] ||
	fail "package.sh without OUTDIR did not write into the current directory"
ok "package.sh without OUTDIR writes into the current directory"

dpkg-deb -c "$DEB" | awk '{print $1, $6}' >"$TMP/contents"
for f in -rwxr-xr-x:./usr/sbin/netplumb \
	-rw-r--r--:./lib/systemd/system/netplumb-autostart.service \
	-rw-r--r--:./usr/share/bash-completion/completions/netplumb \
	-rw-r--r--:./usr/share/man/man8/netplumb.8.gz \
	-rw-r--r--:./usr/share/doc/netplumb/copyright \
	-rw-r--r--:./usr/share/doc/netplumb/changelog.gz; do
	grep -qxF -e "${f%%:*} ${f#*:}" "$TMP/contents" || fail "the .deb lacks ${f#*:} (mode ${f%%:*})"
done
[ "$(dpkg-deb -c "$DEB" | awk '$2 != "root/root"' | wc -l)" = 0 ] || fail "files not owned by root"
ok "the .deb holds the binary, the unit, the completion, the man page and the docs, owned by root"

[ "$(dpkg-deb -f "$DEB" Package)" = netplumb ] && [ "$(dpkg-deb -f "$DEB" Version)" = "$VERSION" ] &&
	[ "$(dpkg-deb -f "$DEB" Architecture)" = "$ARCH" ] || fail "control: wrong Package/Version/Architecture"
DEPS=$(dpkg-deb -f "$DEB" Depends)
for p in "${NP_RUNTIME_PACKAGES[@]}" libc6 libxml2 libnftables1; do
	echo ", $DEPS," | grep -qE ", $p( \([^)]*\))?," || fail "Depends lacks $p: $DEPS"
done
ok "Depends: $DEPS"

lintian --no-tag-display-limit "$DEB" >"$TMP/lintian" 2>&1 || true
if grep -q '^E:' "$TMP/lintian"; then cat "$TMP/lintian" >&2; fail "lintian reports errors"; fi
grep -qE '^(E|W|I|N|P|O): |running with root' "$TMP/lintian" || [ ! -s "$TMP/lintian" ] ||
	{ cat "$TMP/lintian" >&2; fail "lintian printed something unexpected"; }
ok "lintian: no error ($(grep -c '^W:' "$TMP/lintian" || true) warnings)"

apt-get install -s -q "$DEB" >"$TMP/apt" 2>&1 || { cat "$TMP/apt" >&2; fail "apt-get cannot install it"; }
grep -q "^Inst netplumb " "$TMP/apt" || { cat "$TMP/apt" >&2; fail "apt-get would not install netplumb"; }
ok "apt-get install ./netplumb_*.deb resolves here (simulated)"

X=$TMP/x
dpkg-deb -x "$DEB" "$X"
[ "$("$X/usr/sbin/netplumb" --version)" = "netplumb $VERSION" ] || fail "netplumb --version"
grep -qx "ExecStart=/usr/sbin/netplumb autostart" "$X/lib/systemd/system/netplumb-autostart.service" ||
	fail "the unit does not run /usr/sbin/netplumb"
ok "the packaged binary prints 'netplumb $VERSION'; the unit runs /usr/sbin/netplumb"

LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings=all -l "$X/usr/share/man/man8/netplumb.8.gz" \
	>"$TMP/man.txt" 2>"$TMP/man.err" || fail "man failed: $(cat "$TMP/man.err")"
[ ! -s "$TMP/man.err" ] || fail "man page warnings: $(cat "$TMP/man.err")"
grep -q "netplumb - libvirt's virtual networks without libvirtd" "$TMP/man.txt" || fail "man: no NAME"
grep -q "netplumb $VERSION" "$TMP/man.txt" || fail "man: no version in the footer"
cmds=$("$X/usr/sbin/netplumb" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p; s/^  \([a-z][a-z-]*\)$/\1/p')
[ "$(echo "$cmds" | wc -l)" -ge 20 ] || fail "could not read the commands of --help"
for c in $cmds; do
	grep -qE "(^|[^a-z-])$c([^a-z-]|$)" "$TMP/man.txt" || fail "the man page does not describe '$c'"
done
ok "man renders netplumb(8) without warnings and it describes all $(echo "$cmds" | wc -l) commands"

R=$TMP/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers"
: >"$R/var/lib/dpkg/status"
: >"$R/var/lib/dpkg/available"
dpkg --root="$R" --force-depends --force-not-root -i "$DEB" >"$TMP/dpkg" 2>&1 ||
	{ cat "$TMP/dpkg" >&2; fail "dpkg -i into a throwaway root"; }
[ -x "$R/usr/sbin/netplumb" ] && [ -f "$R/usr/share/man/man8/netplumb.8.gz" ] || fail "not installed"
dpkg --root="$R" -r netplumb >"$TMP/dpkg" 2>&1 || { cat "$TMP/dpkg" >&2; fail "dpkg -r"; }
left=$(cd "$R" && find . -mindepth 1 -not -path './var' -not -path './var/lib' -not -path './var/lib/dpkg*')
[ -z "$left" ] || fail "dpkg -r left behind: $left"
ok "dpkg -i into a throwaway root installs it; dpkg -r removes every file"
