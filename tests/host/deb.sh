#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages, built (make deb) and installed as a user would:
#   - lintian finds no error and no warning on either .deb;
#   - in a bookworm chroot with only 6.1's headers, "apt install" of both
#     .debs builds and installs the module for 6.1 with DKMS; installing
#     6.12's headers afterwards builds and installs it for 6.12; the module
#     and wgctl --version report the package's version; "apt remove"
#     leaves no module behind;
#   - the same in the sid chroot (7.2's headers; the second kernel is 7.2's
#     cloud flavour), with the same DKMS package and a wgctl package built
#     in sid (bookworm's needs libsodium23; sid has libsodium26).
# The chroots are cached (tests/vm/kernels.sh mkroot) and each run works on
# a throwaway overlay of them. Leaves, for tests/netns/deb-dkms.sh, the
# module DKMS built for 6.12 and the packaged wgctl in build/deb/vm/.
#
# Time, measured on two shared cores: 2.5 to 4.5 minutes warm (four DKMS
# builds); the first run on a machine also makes the bookworm chroot
# (debootstrap and packages: 1 to 2.5 minutes more; 4 to 5.5 minutes in all)
# and, when the VM tests have not made it yet, the sid one.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kernels() { bash "$top/tests/vm/kernels.sh" "$@"; }
WG_CACHE=${WG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wg-oot}
fail() { echo "FAIL: $*"; exit 1; }

kernels apt_install dpkg-dev debhelper dh-dkms lintian libmnl-dev libsodium-dev pkg-config \
	debootstrap zstd rsync

start=$SECONDS
make -s -C "$top" deb >"$top/build/deb-build.log" 2>&1 ||
	{ tail -30 "$top/build/deb-build.log"; fail "make deb"; }
out=$top/build/deb
dkms_deb=$(ls "$out"/wireguard-oot-dkms_*_all.deb)
wgctl_deb=$(ls "$out"/wgctl_*_amd64.deb)
ver=$(dpkg-deb -f "$dkms_deb" Version)
# shellcheck disable=SC2016 # make expands it
expect=$(make -s -C "$top" -f "$top/version.mk" -f - <<<'all: ; @echo $(WG_VERSION)' WG_TOP="$top/")
[ "$ver" = "$expect" ] || fail "the package's version is $ver, debian/changelog's $expect"
[ "$(dpkg-deb -f "$wgctl_deb" Version)" = "$ver" ] || fail "wgctl's package has another version"
echo "make deb: $(basename "$dkms_deb") $(basename "$wgctl_deb") ($((SECONDS - start))s)"

# lintian: overrides (debian/*.lintian-overrides) must say why; anything
# else at warning level or above fails.
rc=0
lintian --fail-on error,warning --info --pedantic "$dkms_deb" "$wgctl_deb" >"$out/lintian.log" 2>&1 ||
	rc=$?
grep -v '^running with root privileges' "$out/lintian.log" || true
[ "$rc" = 0 ] || fail "lintian"
echo "lintian: no errors, no warnings"

# What the packages hold, from the outside.
vm=$out/vm
rm -rf "$vm"
mkdir -p "$vm/root"
dpkg-deb -x "$wgctl_deb" "$vm/root"
[ "$("$vm/root/usr/bin/wgctl" --version)" = "wgctl $ver" ] || fail "wgctl --version: $("$vm/root/usr/bin/wgctl" --version)"
cp "$vm/root/usr/bin/wgctl" "$vm/wgctl"
rm -rf "$vm/root"
echo "$ver" >"$vm/version"
dpkg-deb --fsys-tarfile "$dkms_deb" | tar -xO "./usr/src/wireguard-oot-$ver/dkms.conf" |
	grep -qx "PACKAGE_VERSION=\"$ver\"" || fail "the packaged dkms.conf does not carry $ver"

work=$(mktemp -d)
# apt fetches local .debs as its sandbox user, _apt.
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
cp "$dkms_deb" "$wgctl_deb" "$work/"

# Run in a chroot: install DEBS (file names under $work) with apt; DKMS must
# build for K1, the only kernel with headers; then install SECOND (apt
# arguments: the headers of K2), which must build for K2; copy K2's module
# into $work/K2/; remove the packages, which must leave no module.
# shellcheck disable=SC2016
in_root='
	work=$1 ver=$2 k1=$3 k2=$4 debs=$5 second=$6
	export DEBIAN_FRONTEND=noninteractive
	# A kernel image a headers package pulls in needs no initramfs here:
	# nothing boots from this chroot (the kernel hook honours INITRD=No).
	export INITRD=No
	fail() { echo "FAIL: $*"; exit 1; }
	installed() { dkms status -m wireguard-oot -v "$ver" -k "$1" | grep -q ": installed"; }
	ko() { ls "/lib/modules/$1/updates/dkms/wireguard.ko"* 2>/dev/null | head -1; }
	check_ko() {
		local k=$1 f
		installed "$k" || { dkms status; fail "dkms status: not installed for $k"; }
		f=$(ko "$k")
		[ -n "$f" ] || fail "no wireguard.ko in /lib/modules/$k/updates/dkms"
		[ "$(modinfo -F version "$f")" = "$ver" ] || fail "$k: module version $(modinfo -F version "$f")"
		modinfo -F vermagic "$f" | grep -q "^$k " || fail "$k: vermagic $(modinfo -F vermagic "$f")"
		echo "built and installed for $k: $f, version $ver (at ${SECONDS}s)"
	}
	# apt install these (a list), then check the module of each kernel with headers
	install_and_check() {
		local d
		# shellcheck disable=SC2086
		apt install -y --no-install-recommends $1 || fail "apt install $1"
		dkms status
		for d in /lib/modules/*; do
			if [ -e "$d/build/Makefile" ]; then check_ko "${d##*/}"; fi
		done
	}
	cd "$work"
	ls /lib/modules
	install_and_check "$debs"
	[ -e "/lib/modules/$k1/build/Makefile" ] || fail "no headers for $k1"
	! installed "$k2" || fail "installed for $k2 before its headers were"
	if dpkg -s wgctl >/dev/null 2>&1; then
		[ "$(wgctl --version)" = "wgctl $ver" ] || fail "installed wgctl --version: $(wgctl --version)"
		[ -e /usr/share/man/man8/wgctl.8.gz ] || fail "no man page"
		[ -e /usr/share/bash-completion/completions/wgctl ] || fail "no bash completion"
		echo "wgctl $ver, its man page and completion are installed"
	fi
	install_and_check "$second"
	[ -e "/lib/modules/$k2/build/Makefile" ] || fail "no headers for $k2"
	mkdir -p "$work/$k2"
	cp "$(ko "$k2")" "$work/$k2/"
	pkgs=wireguard-oot-dkms
	dpkg -s wgctl >/dev/null 2>&1 && pkgs="$pkgs wgctl"
	# shellcheck disable=SC2086
	apt remove -y $pkgs || fail "apt remove $pkgs"
	left=$(find /lib/modules/ /usr/lib/modules/ -path "*/updates/*" -name "wireguard.ko*" 2>/dev/null)
	[ -z "$left" ] || fail "apt remove left $left"
	[ -z "$(dkms status -m wireguard-oot)" ] || fail "dkms still knows: $(dkms status -m wireguard-oot)"
	[ ! -e "/usr/src/wireguard-oot-$ver" ] || fail "apt remove left /usr/src/wireguard-oot-$ver"
	echo "removed: no module left (at ${SECONDS}s)"
'

# bookworm: 6.1's headers installed, 6.12's waiting in the apt cache.
abi61=$(kernels resolve 6.1)
abi612=$(kernels resolve 6.12)
start=$SECONDS
root=$(kernels mkroot bookworm "dkms gcc make libc6-dev kmod libmnl0 libsodium23 linux-headers-$abi61" \
	"linux-headers-$abi612")
echo "bookworm chroot ready ($((SECONDS - start))s)"
start=$SECONDS
kernels rootrun "$root" "$work" bash -euc "$in_root" bookworm "$work" "$ver" "$abi61" "$abi612" \
	"./$(basename "$dkms_deb") ./$(basename "$wgctl_deb")" "linux-headers-$abi612" ||
	fail "bookworm chroot"
# As DKMS left it: compressed (wireguard.ko.xz) where the kernel's own
# modules are.
cp "$work/$abi612"/wireguard.ko* "$vm/"
echo "$abi612" >"$vm/kernel"
echo "bookworm: apt install, DKMS for $abi61 then $abi612, apt remove: ok ($((SECONDS - start))s)"

# sid: 7.2's headers in its chroot; the cloud flavour's, fetched here once.
abi72=$(kernels resolve 7.2)
cloud=${abi72%-amd64}-cloud-amd64
cache=$WG_CACHE/deb/sid-$cloud
if [ ! -e "$cache/.done" ]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	(cd "$cache" && kernels sid_apt apt-get download -qq "linux-headers-$cloud" "linux-base-$cloud") ||
		fail "cannot download the headers of $cloud"
	touch "$cache/.done"
fi
cp "$cache"/*.deb "$work/"
second=$(cd "$cache" && printf './%s ' *.deb)
root=$(kernels sidroot "$abi72")
# wgctl for sid, built there from the same source (the DKMS package is
# architecture-independent: bookworm's serves).
start=$SECONDS
mkdir -p "$work/sid"
cp -r "$out/src" "$work/sid/src"
# shellcheck disable=SC2016 # expanded in the chroot
kernels rootrun "$root" "$work" bash -euc 'cd "$1/sid/src" && dpkg-buildpackage -B -us -uc' \
	sid "$work" >"$out/sid-build.log" 2>&1 || { tail -30 "$out/sid-build.log"; fail "dpkg-buildpackage in sid"; }
sid_wgctl=$(cd "$work" && ls sid/wgctl_*_amd64.deb)
[ "$(dpkg-deb -f "$work/$sid_wgctl" Version)" = "$ver" ] || fail "sid's wgctl package has another version"
echo "sid: built $sid_wgctl, depends on $(dpkg-deb -f "$work/$sid_wgctl" Depends) ($((SECONDS - start))s)"
start=$SECONDS
kernels rootrun "$root" "$work" bash -euc "$in_root" sid "$work" "$ver" "$abi72" "$cloud" \
	"./$(basename "$dkms_deb") ./$sid_wgctl" "$second" || fail "sid chroot"
echo "sid: apt install, DKMS for $abi72 then $cloud, apt remove: ok ($((SECONDS - start))s)"
