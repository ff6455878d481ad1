#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: our module against the distribution's in-kernel one, in the
# same VM with the same script (tests/vm/bench-vm.sh), alternating runs.
# KERNEL=6.1 or 6.12 (default), RUNS=N alternations (default 2).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kernel=${KERNEL:-6.12}
build=$top/build/bench

echo "== installing what the benchmark needs (first run only)"
bash tests/vm/kernels.sh deps
mkdir -p "$build/bin"
if [ -f tools/wgctl/Makefile ] && make -s -C tools/wgctl >/dev/null 2>&1; then
	cp tools/wgctl/wgctl "$build/bin/"
fi
echo "== building the module for Debian's $kernel kernel"
paths=$(bash tests/vm/prepare.sh "$kernel" "$build/vm" "$build/bin")
read -r vmlinuz initrd <<<"$paths"
echo "== booting the VM; software emulation, so absolute figures are low"
log=$build/console.log
WG_VM_TIMEOUT=1500 bash tests/vm/boot.sh "$vmlinuz" "$initrd" "$log" "" \
	WG_RUN=/tests/vm/bench-vm.sh WG_BENCH_RUNS="${RUNS:-2}"
tr -d '\r' <"$log" | sed -n '/^@@DEMO$/,/^@@DONE$/p' | sed '1d;$d' | grep -v '^\[' || true
grep -q '^@@DONE' "$log" || { echo "the benchmark VM did not finish; see $log"; exit 1; }
