#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: set everything up, boot Debian's newest kernel in a VM with our
# module, build two hosts in namespaces and show what the module does.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kernel=${KERNEL:-6.12}
build=$top/build/demo

echo "== installing what the demo needs (first run only)"
bash tests/vm/kernels.sh deps
mkdir -p "$build/bin"
if [ -f tools/wgctl/Makefile ] && make -s -C tools/wgctl >/dev/null 2>&1; then
	cp tools/wgctl/wgctl "$build/bin/"
fi
echo "== building the module for Debian's $kernel kernel"
paths=$(bash tests/vm/prepare.sh "$kernel" "$build/vm" "$build/bin")
read -r vmlinuz initrd <<<"$paths"
echo "== booting the VM (software emulation, about 20 seconds)"
log=$build/console.log
WG_VM_TIMEOUT=600 bash tests/vm/boot.sh "$vmlinuz" "$initrd" "$log" "" WG_RUN=/tests/vm/demo-vm.sh
# Show what the VM printed from the demo on, without the kernel's boot noise.
tr -d '\r' <"$log" | sed -n '/^@@DEMO$/,/^@@DONE$/p' | sed '1d;$d'
grep -q '^@@DONE' "$log" || { echo "the demo VM did not finish; see $log"; exit 1; }
