#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Resolve, fetch and build the kernels the tests run on.
#
#   kernels.sh resolve 6.1|6.12   print the ABI of Debian's newest kernel of that series
#   kernels.sh fetch ABI          unpack its image and modules into the cache, install headers
#   kernels.sh debug              build (once) the debug kernel from linux-source-6.1
#   kernels.sh info NAME          print "ABI VMLINUZ MODROOT KDIR" for 6.1, 6.12 or debug
#   kernels.sh deps               install what the harness needs on the host
#
# Nothing is installed into /boot: images and modules live under $WG_CACHE.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
WG_CACHE=${WG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wg-oot}
mkdir -p "$WG_CACHE"

log() { echo "[kernels] $*" >&2; }
die() { echo "[kernels] error: $*" >&2; exit 1; }

apt_ready() {
	# apt-cache knows nothing before the first update; do it once per day.
	local stamp="$WG_CACHE/apt-updated"
	if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
		apt-get update -qq >&2 || die "apt-get update failed"
		touch "$stamp"
	fi
}

apt_install() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	apt_ready
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
}

# The newest generic amd64 ABI of a series that has both an image and headers.
resolve() {
	local series=$1 pattern abi
	case "$series" in
	6.1) pattern='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	6.12) pattern='^linux-image-6\.12\.[0-9]+\+deb[0-9]+-amd64-unsigned$' ;;
	*) die "unknown series $series" ;;
	esac
	apt_ready
	for pkg in $(apt-cache pkgnames linux-image-"$series" | grep -E "$pattern" | sort -rV); do
		abi=${pkg#linux-image-}
		abi=${abi%-unsigned}
		if apt-cache show "linux-headers-$abi" >/dev/null 2>&1; then
			echo "$abi"
			return 0
		fi
	done
	die "no kernel of series $series found in apt metadata"
}

fetch() {
	local abi=$1
	local dir="$WG_CACHE/kernels/$abi"
	apt_install "linux-headers-$abi"
	if [ ! -e "$dir/.done" ]; then
		log "fetching linux-image-$abi"
		rm -rf "$dir"
		mkdir -p "$dir/root"
		(cd "$dir" && apt-get download -qq "linux-image-$abi-unsigned" >&2) ||
			die "cannot download linux-image-$abi-unsigned"
		dpkg-deb -x "$dir"/linux-image-*.deb "$dir/root"
		rm -f "$dir"/linux-image-*.deb
		touch "$dir/.done"
	fi
}

# Everything the harness, the demo and the benchmarks use on the host.
deps() {
	apt_install qemu-system-x86 busybox-static wireguard-tools wireguard-go iperf3 ncat \
		iptables iproute2 iputils-ping kmod cpio dkms build-essential bc flex bison \
		libelf-dev libssl-dev libmnl-dev libsodium-dev pkg-config sparse rsync xz-utils \
		linux-source-6.1 psmisc
}

srcver() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null
}

debug_dir() {
	local key
	key=$( (srcver; cat "$here/debug.config") | sha256sum | cut -c1-12)
	echo "$WG_CACHE/debug/$key"
}

debug() {
	apt_install linux-source-6.1 build-essential bc flex bison libelf-dev libssl-dev \
		cpio kmod xz-utils rsync
	local dir src jobs
	dir=$(debug_dir)
	[ -e "$dir/.done" ] && return 0
	log "building the debug kernel in $dir (first run only)"
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -C "$dir" -xf /usr/src/linux-source-6.1.tar.xz
	src=$(echo "$dir"/linux-source-6.1)
	jobs=$(nproc)
	make -C "$src" -s KCONFIG_ALLCONFIG="$here/debug.config" allnoconfig >&2
	# allnoconfig silently drops what it cannot satisfy: make sure the checkers are on.
	for opt in KASAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK KUNIT WIREGUARD VETH \
		INOTIFY_USER SOFTLOCKUP_DETECTOR NF_CONNTRACK_PROCFS ACPI; do
		grep -Eq "^CONFIG_$opt=(y|m)" "$src/.config" || die "debug config lost CONFIG_$opt"
	done
	make -C "$src" -s -j"$jobs" bzImage modules >&2
	make -C "$src" -s INSTALL_MOD_PATH="$dir/root" modules_install >&2
	mkdir -p "$dir/root/boot"
	cp "$src/arch/x86/boot/bzImage" "$dir/root/boot/vmlinuz-debug"
	touch "$dir/.done"
}

info() {
	local name=$1 abi root kdir
	case "$name" in
	6.1 | 6.12)
		abi=$(resolve "$name")
		fetch "$abi"
		root="$WG_CACHE/kernels/$abi/root"
		kdir="/usr/src/linux-headers-$abi"
		echo "$abi $root/boot/vmlinuz-$abi $root $kdir"
		;;
	debug)
		debug
		root="$(debug_dir)/root"
		kdir="$(debug_dir)/linux-source-6.1"
		abi=$(ls "$root/lib/modules")
		echo "$abi $root/boot/vmlinuz-debug $root $kdir"
		;;
	*) die "unknown kernel $name" ;;
	esac
}

cmd=${1:-}
shift || true
case "$cmd" in
resolve | fetch | debug | info | apt_install | deps) "$cmd" "$@" ;;
*) die "usage: $0 resolve|fetch|debug|info|apt_install|deps ..." ;;
esac
