#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Get a kernel ready to boot with our module:
#   prepare.sh KERNEL OUTDIR BINDIR
# KERNEL is 6.1, 6.12, 7.2 or debug. Builds the module from a copy of the
# tree in OUTDIR/src (W=1, warnings are errors; for Debian unstable's kernels
# inside a sid chroot, see kernels.sh), and packs OUTDIR/initramfs.cpio with
# the helpers of BINDIR (and the packaged module, see below). Prints "VMLINUZ INITRAMFS" on success; on failure
# says which step failed (build, initramfs, kernel) and exits non-zero.
# Says on stderr how long each step took.
set -uo pipefail

k=$1 out=$2 bindir=$3
top=$(cd "$(dirname "$0")/../.." && pwd)

start=$SECONDS
if ! info=$(bash "$top/tests/vm/kernels.sh" info "$k"); then
	echo "kernel: cannot get kernel $k" >&2
	exit 1
fi
read -r abi vmlinuz modroot kdir where <<<"$info"
echo "kernel $k: $abi (ready in $((SECONDS - start))s)" >&2
rm -rf "$out"
mkdir -p "$out/src"
rsync -a --exclude .git --exclude /build "$top/" "$out/src/"
build=(make -C "$kdir" M="$out/src" W=1 -j"$(nproc)" modules)
if [ "$where" = sid ]; then
	build=(bash "$top/tests/vm/kernels.sh" sidrun "$abi" "$out/src" "${build[@]}")
fi
start=$SECONDS
if ! "${build[@]}" >"$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	echo "build: the module does not build for $abi" >&2
	exit 1
fi
if grep -E 'warning:' "$out/build.log" >&2; then
	echo "build: compiler warnings for $abi" >&2
	exit 1
fi
echo "module built in $((SECONDS - start))s${where:+ ($where)}" >&2
cp "$out"/src/*.ko "$out/"
cp -r "$bindir" "$out/bin"
# The Debian package's module for this kernel, as its DKMS built it, and
# the packaged wgctl, where tests/host/deb.sh left them (for
# tests/netns/deb-dkms.sh).
deb=$top/build/deb/vm
if [ -e "$deb/kernel" ] && [ "$(cat "$deb/kernel")" = "$abi" ]; then
	mkdir -p "$out/deb"
	cp "$deb"/wireguard.ko* "$deb/wgctl" "$deb/version" "$out/deb/"
fi
start=$SECONDS
if ! bash "$top/tests/vm/initramfs.sh" "$out/initramfs.cpio" "$abi" "$modroot" "$out" \
	>"$out/initramfs.log" 2>&1; then
	tail -20 "$out/initramfs.log" >&2
	echo "initramfs: packing failed" >&2
	exit 1
fi
echo "initramfs packed in $((SECONDS - start))s" >&2
echo "$vmlinuz $out/initramfs.cpio"
