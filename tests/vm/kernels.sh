#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Resolve, fetch and build the kernels the tests run on.
#
#   kernels.sh resolve SERIES     print the ABI of Debian's newest kernel of that series
#   kernels.sh fetch ABI          unpack its image and modules into the cache, install headers
#   kernels.sh debug              build (once) the debug kernel from linux-source-6.1
#   kernels.sh info NAME          print "ABI VMLINUZ MODROOT KDIR WHERE" for a series or debug
#   kernels.sh sidroot ABI        print the sid chroot that has the headers of ABI
#   kernels.sh sidrun ABI DIR CMD...  run CMD in that chroot, with DIR at its own path
#   kernels.sh mkroot SUITE PKGS [DOWNLOADS]  print a cached chroot of SUITE with PKGS
#   kernels.sh rootrun ROOT DIR CMD...  run CMD in such a chroot, with DIR at its own path
#   kernels.sh sid_apt CMD...     apt-get/apt-cache CMD on Debian unstable's metadata
#   kernels.sh deps               install what the harness needs on the host
#
# SERIES 6.1 and 6.12 are bookworm's (the host's); any other (7.2) is Debian
# unstable's. Unstable's headers and kbuild binaries need its own gcc and
# glibc, so modules for its kernels are built in a sid chroot (WHERE is
# "sid"; "host" for the others), and its packages are looked up and fetched
# with a private apt configuration: the host's apt stays on bookworm.
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
	*)
		echo "$series" | grep -Eqx '[0-9]+\.[0-9]+' || die "unknown series $series"
		resolve_sid "$series"
		return
		;;
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

# Where the host gets Debian from: unstable comes from the same mirror.
host_mirror() {
	local codename mirror
	codename=$(sed -n "s/^VERSION_CODENAME=//p" /etc/os-release)
	apt_ready
	# shellcheck disable=SC2016
	mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' |
		awk -v s="$codename" '$2 == s && $3 == "main" { print $1; exit }')
	[ -n "$mirror" ] || die "cannot tell which mirror the host uses for $codename"
	echo "$mirror"
}

# apt-get or apt-cache on Debian unstable's metadata, with a configuration
# of our own under $WG_CACHE/sid/apt; its lists are updated once a day.
sid_apt() {
	local d="$WG_CACHE/sid/apt" mirror
	if [ ! -e "$d/apt.conf" ]; then
		mirror=$(host_mirror)
		mkdir -p "$d"/{etc/sources.list.d,etc/preferences.d,state/lists/partial,cache/archives/partial}
		: >"$d/state/status"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" \
			>"$d/etc/sources.list"
		cat >"$d/apt.conf.tmp" <<-EOF
			Dir::Etc::SourceList "$d/etc/sources.list";
			Dir::Etc::SourceParts "$d/etc/sources.list.d";
			Dir::Etc::Preferences "$d/etc/preferences";
			Dir::Etc::PreferencesParts "$d/etc/preferences.d";
			Dir::State "$d/state";
			Dir::State::status "$d/state/status";
			Dir::Cache "$d/cache";
			APT::Sandbox::User "root";
		EOF
		mv "$d/apt.conf.tmp" "$d/apt.conf"
	fi
	if [ ! -e "$d/updated" ] || [ -n "$(find "$d/updated" -mmin +1440)" ]; then
		APT_CONFIG=$d/apt.conf apt-get update -qq >&2 || die "apt-get update (sid) failed"
		touch "$d/updated"
	fi
	APT_CONFIG=$d/apt.conf "$@"
}

# Unstable's kernel image is split: linux-image-ABI is a meta package; the
# vmlinuz is in linux-binary-ABI, the modules in linux-modules-ABI, and
# modules.builtin and modules.order in linux-base-ABI.
resolve_sid() {
	local series=$1 pattern abi
	pattern="^linux-image-${series//./\\.}\.[0-9]+\+deb[0-9]+-amd64\$"
	for pkg in $(sid_apt apt-cache pkgnames "linux-image-$series" | grep -E "$pattern" | sort -rV); do
		abi=${pkg#linux-image-}
		if sid_apt apt-cache show "linux-headers-$abi" "linux-binary-$abi" \
			"linux-modules-$abi" "linux-base-$abi" >/dev/null 2>&1; then
			echo "$abi"
			return 0
		fi
	done
	die "no kernel of series $series found in Debian unstable's apt metadata"
}

fetch_sid() {
	local abi=$1
	local dir="$WG_CACHE/kernels/$abi" deb start=$SECONDS
	[ -e "$dir/.done" ] && return 0
	log "fetching Debian unstable's $abi"
	rm -rf "$dir"
	mkdir -p "$dir/root"
	(cd "$dir" && sid_apt apt-get download -qq "linux-binary-$abi" "linux-modules-$abi" \
		"linux-base-$abi" >&2) || die "cannot download the packages of $abi"
	for deb in "$dir"/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	rm -f "$dir"/*.deb
	touch "$dir/.done"
	log "fetched $abi in $((SECONDS - start))s"
}

# What a sid user building modules, and our packages, has. A change here,
# or a new ABI, makes a new chroot.
sid_packages="gcc make libc6-dev bc bison flex libelf-dev libssl-dev kmod dkms
	build-essential dpkg-dev debhelper dh-dkms libmnl-dev libsodium-dev pkg-config"

# A chroot of Debian unstable with the headers of ABI (see mkroot).
sidroot() {
	mkroot sid "$(echo $sid_packages) linux-headers-$1"
}

# mkroot SUITE PACKAGES [DOWNLOADS]: a chroot of Debian SUITE (sid, or the
# host's release: bookworm) with PACKAGES installed and the .debs of
# DOWNLOADS (with what they need) waiting in its apt cache, for a test to
# install later without the network. Made once with debootstrap and cached
# as a tarball named by a hash of all that; an unpacked copy beside it,
# named by the same key, is what a run mounts under an overlay (rootrun), so
# the copy stays as it was made.
mkroot() {
	local suite=$1 pkgs=$2 downloads=${3:-} keystr key dir tarball tmp start=$SECONDS
	keystr="$suite minbase $pkgs${downloads:+ download $downloads}"
	# The key sid chroots were made under before other suites came.
	[ "$suite" = sid ] && [ -z "$downloads" ] && keystr="minbase $pkgs"
	key=$(echo "$keystr" | sha256sum | cut -c1-12)
	dir="$WG_CACHE/$suite/root-$key"
	tarball="$WG_CACHE/$suite/chroot-$key.tar.zst"
	if [ ! -e "$dir/.done" ]; then
		mkdir -p "$WG_CACHE/$suite"
		tmp=$(mktemp -d "$WG_CACHE/$suite/tmp.XXXXXX")
		chmod 755 "$tmp"
		if [ -e "$tarball" ]; then
			tar -C "$tmp" --zstd -xf "$tarball" || { rm -rf "$tmp"; die "cannot unpack $tarball"; }
			log "unpacked the $suite chroot in $((SECONDS - start))s"
		else
			log "making a $suite chroot with $pkgs (first run only)"
			root_make "$tmp" "$suite" "$pkgs" "$downloads" ||
				{ rm -rf "$tmp"; die "cannot make the $suite chroot"; }
			# Packed beside it, then renamed: a half-written tarball is never used.
			if ! { tar -C "$tmp" --zstd -cf "$tmp.tar.zst" . && mv "$tmp.tar.zst" "$tarball"; }; then
				rm -rf "$tmp" "$tmp.tar.zst"
				die "cannot pack the $suite chroot"
			fi
			log "made the $suite chroot in $((SECONDS - start))s: $tarball"
		fi
		touch "$tmp/.done"
		rm -rf "$dir"
		# Another run may have made it meanwhile: then its copy stays.
		mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
	fi
	echo "$dir"
}

# The apt sources of a SUITE chroot: sid from the host's mirror; the
# host's own release as the host has it, with its updates and security
# suites (bookworm's newer kernels come from there).
root_sources() {
	local suite=$1 codename
	codename=$(sed -n "s/^VERSION_CODENAME=//p" /etc/os-release)
	if [ "$suite" = sid ]; then
		echo "deb $(host_mirror) sid main"
		return
	fi
	[ "$suite" = "$codename" ] || die "a $suite chroot: only sid and $codename ($codename is the host's)"
	apt_ready
	# shellcheck disable=SC2016
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' |
		awk -v s="$suite" '($2 == s || $2 == s "-updates" || $2 == s "-security") && $3 == "main" {
			print "deb " $1 " " $2 " main" }' | sort -u
}

# root_make DIR SUITE PACKAGES DOWNLOADS: debootstrap SUITE into DIR, then
# install PACKAGES and download DOWNLOADS.
root_make() {
	local root=$1 suite=$2 pkgs=$3 downloads=$4 mirror sources p
	mirror=$(host_mirror)
	sources=$(root_sources "$suite")
	if ! debootstrap --variant=minbase "$suite" "$root" "$mirror" >&2; then
		tail -20 "$root/debootstrap/debootstrap.log" >&2
		return 1
	fi
	echo "$sources" >"$root/etc/apt/sources.list"
	# The host's apt settings for reaching the mirror hold in the chroot too:
	# its proxy, and whether a Release file may be past its Valid-Until date
	# (a mirror that serves a snapshot).
	apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy) ' \
		>"$root/etc/apt/apt.conf.d/99wg-oot-host" || true
	cp -L /etc/resolv.conf "$root/etc/resolv.conf"
	in_chroot "$root" "" sh -c "apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $pkgs &&
		apt-get clean" >&2 || return 1
	if [ -n "$downloads" ]; then
		in_chroot "$root" "" sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends --download-only $downloads" >&2 || return 1
	fi
	rm -f "$root/etc/resolv.conf"
	for p in $pkgs; do
		case "$p" in
		linux-headers-*)
			[ -d "$root/usr/src/$p" ] || { log "the $suite chroot has no $p"; return 1; }
			;;
		esac
	done
}

# in_chroot ROOT DIR CMD...: CMD as root in ROOT, with /proc, /dev and DIR
# (unless empty) at its own path. The mounts are made in a mount namespace
# of their own and go away with it.
in_chroot() {
	# shellcheck disable=SC2016
	unshare --mount --propagation private bash -euc '
		root=$1 dir=$2
		shift 2
		mount -t proc proc "$root/proc"
		mount --bind /dev "$root/dev"
		if [ -n "$dir" ]; then
			mkdir -p "$root$dir"
			mount --bind "$dir" "$root$dir"
		fi
		exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
	' in_chroot "$@"
}

# rootrun ROOT DIR CMD...: CMD in the chroot ROOT (from mkroot), over an
# overlay that is thrown away afterwards: only what it writes under DIR
# stays.
rootrun() {
	local root=$1 dir=$2 scratch rc=0
	shift 2
	dir=$(cd "$dir" && pwd)
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/wg-oot-root.XXXXXX")
	mkdir -p "$scratch"/{upper,work,root}
	# shellcheck disable=SC2016
	unshare --mount --propagation private bash -euc '
		lower=$1 scratch=$2
		shift 2
		mount -t overlay overlay \
			-o "lowerdir=$lower,upperdir=$scratch/upper,workdir=$scratch/work" "$scratch/root"
		"$@"
	' rootrun "$root" "$scratch" bash "$here/kernels.sh" in_chroot "$scratch/root" "$dir" "$@" ||
		rc=$?
	rm -rf "$scratch"
	return $rc
}

# sidrun ABI DIR CMD...: CMD in the sid chroot of ABI (rootrun).
sidrun() {
	local abi=$1 root
	shift
	root=$(sidroot "$abi")
	rootrun "$root" "$@"
}

# Everything the harness, the demo and the benchmarks use on the host.
deps() {
	apt_install qemu-system-x86 busybox-static wireguard-tools wireguard-go iperf3 ncat \
		iptables iproute2 iputils-ping kmod cpio dkms build-essential bc flex bison \
		libelf-dev libssl-dev libmnl-dev libsodium-dev pkg-config sparse rsync xz-utils \
		linux-source-6.1 psmisc debootstrap zstd cppcheck shellcheck
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

# Take the lock that keeps two lanes of make check (tests/check.sh) from
# resolving, fetching or unpacking at the same time; held until exit.
lock_fetch() {
	exec 9>"$WG_CACHE/fetch.lock"
	flock 9
}

info() {
	local name=$1 abi root kdir
	case "$name" in
	6.1 | 6.12)
		lock_fetch
		abi=$(resolve "$name")
		fetch "$abi"
		root="$WG_CACHE/kernels/$abi/root"
		kdir="/usr/src/linux-headers-$abi"
		echo "$abi $root/boot/vmlinuz-$abi $root $kdir host"
		;;
	debug)
		debug
		root="$(debug_dir)/root"
		kdir="$(debug_dir)/linux-source-6.1"
		abi=$(ls "$root/lib/modules")
		echo "$abi $root/boot/vmlinuz-debug $root $kdir host"
		;;
	*)
		lock_fetch
		abi=$(resolve "$name")
		fetch_sid "$abi"
		sidroot "$abi" >/dev/null
		# Merged /usr: MODROOT is usr, which holds lib/modules/ABI.
		root="$WG_CACHE/kernels/$abi/root/usr"
		echo "$abi $root/lib/modules/$abi/vmlinuz $root /usr/src/linux-headers-$abi sid"
		;;
	esac
}

cmd=${1:-}
shift || true
case "$cmd" in
resolve | fetch | debug | info | sidroot | sidrun | mkroot | rootrun | in_chroot | sid_apt | \
	apt_install | deps) "$cmd" "$@" ;;
*) die "usage: $0 resolve|fetch|debug|info|sidroot|sidrun|mkroot|rootrun|sid_apt|apt_install|deps ..." ;;
esac
