#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Get a kernel ready to boot with our module:
#   prepare.sh KERNEL OUTDIR BINDIR
# KERNEL is 6.1, 6.12 or debug. Builds the module from a copy of the tree in
# OUTDIR/src (W=1, warnings are errors), and packs OUTDIR/initramfs.cpio with
# the helpers of BINDIR. Prints "VMLINUZ INITRAMFS" on success; on failure
# says which step failed (build, initramfs, kernel) and exits non-zero.
set -uo pipefail

k=$1 out=$2 bindir=$3
top=$(cd "$(dirname "$0")/../.." && pwd)

if ! info=$(bash "$top/tests/vm/kernels.sh" info "$k"); then
	echo "kernel: cannot get kernel $k" >&2
	exit 1
fi
read -r abi vmlinuz modroot kdir <<<"$info"
echo "kernel $k: $abi" >&2
rm -rf "$out"
mkdir -p "$out/src"
rsync -a --exclude .git --exclude /build "$top/" "$out/src/"
if ! make -C "$kdir" M="$out/src" W=1 -j"$(nproc)" modules >"$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	echo "build: the module does not build for $abi" >&2
	exit 1
fi
if grep -E 'warning:' "$out/build.log" >&2; then
	echo "build: compiler warnings for $abi" >&2
	exit 1
fi
cp "$out"/src/*.ko "$out/"
cp -r "$bindir" "$out/bin"
if ! bash "$top/tests/vm/initramfs.sh" "$out/initramfs.cpio" "$abi" "$modroot" "$out" \
	>"$out/initramfs.log" 2>&1; then
	tail -20 "$out/initramfs.log" >&2
	echo "initramfs: packing failed" >&2
	exit 1
fi
echo "$vmlinuz $out/initramfs.cpio"
