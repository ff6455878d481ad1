#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one script in a VM and show what it prints (make demo, make bench):
#   show.sh NAME SCRIPT TIMEOUT [VAR=VALUE ...]
# Installs what is missing, builds the module for KERNEL (default 6.12),
# boots, runs SCRIPT (a path inside the VM) and prints its output.
set -euo pipefail

name=$1 script=$2 limit=$3
shift 3
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
kernel=${KERNEL:-6.12}
build=$top/build/$name

echo "== installing what the $name needs (first run only)"
bash tests/vm/kernels.sh deps
mkdir -p "$build/bin"
if [ -f tools/wgctl/Makefile ] && make -s -C tools/wgctl >/dev/null 2>&1; then
	cp tools/wgctl/wgctl "$build/bin/"
fi
echo "== building the module for Debian's $kernel kernel"
paths=$(bash tests/vm/prepare.sh "$kernel" "$build/vm" "$build/bin")
read -r vmlinuz initrd <<<"$paths"
echo "== booting the VM (software emulation: slow, and no measure of real speed)"
log=$build/console.log
WG_VM_TIMEOUT=$limit bash tests/vm/boot.sh "$vmlinuz" "$initrd" "$log" "" WG_RUN="$script" "$@"
# What the script printed, without the kernel's boot messages.
tr -d '\r' <"$log" | sed -n '/^@@DEMO$/,/^@@DONE$/p' | sed '1d;$d' | grep -v '^\[' || true
grep -q '^@@DONE' "$log" || { echo "the $name VM did not finish; see $log"; exit 1; }
