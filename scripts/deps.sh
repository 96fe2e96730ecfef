# Sourced by scripts/setup.sh and .ci/run: the Debian 12 packages netplumb needs
# to build, run and be tested, and one idempotent, non-interactive installer.

# What the installed program needs besides its shared libraries: the Depends
# of the .deb that scripts/package.sh builds.
NP_RUNTIME_PACKAGES=(dnsmasq-base nftables)

NP_PACKAGES=(
	# build
	cmake make gcc libc6-dev pkg-config
	libxml2-dev libnl-3-dev libnl-route-3-dev libnftables-dev libnftnl-dev libmnl-dev
	# run time
	"${NP_RUNTIME_PACKAGES[@]}"
	# tests (namespaces, guests, XML checks)
	iproute2 busybox libxml2-utils ethtool
	# real guests (e2e test-qemu: TCG, iPXE network boot ROMs)
	qemu-system-x86 ipxe-qemu
	# packaging (scripts/package.sh) and its test: man renders the man page
	dpkg-dev lintian man-db
	# beside other firewalls: iptables-nft for the accepts (run time too), ufw (e2e)
	iptables ufw
)

# Only for e2e test-fw-firewalld, and only where installing a package
# cannot start its service (PID 1 is not systemd: containers, CI): on a
# systemd host firewalld's package starts and enables firewalld, which would
# firewall the host, so there the test skips.
NP_TEST_ONLY_PACKAGES=(firewalld)

np_services_start_on_install()
{
	[ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]
}

# np_install_packages: apt-get update + install, only when something is missing.
np_install_packages()
{
	local missing=() p
	if np_services_start_on_install; then
		echo "deps: not installing ${NP_TEST_ONLY_PACKAGES[*]} (systemd would start it; test-fw-firewalld skips)"
	else
		NP_PACKAGES+=("${NP_TEST_ONLY_PACKAGES[@]}")
	fi
	for p in "${NP_PACKAGES[@]}"; do
		[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] ||
			missing+=("$p")
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		echo "deps: all ${#NP_PACKAGES[@]} packages are installed"
		return 0
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${NP_PACKAGES[@]}"
}
