#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel with an initramfs in QEMU (software emulation) and run tests:
#   boot.sh VMLINUZ INITRAMFS LOG TEST[,TEST...] [extra kernel args]
# The serial console goes to LOG; the VM powers itself off when done and is
# killed if it outlives WG_VM_TIMEOUT seconds.
set -euo pipefail

kernel=$1 initrd=$2 log=$3 tests=$4
shift 4
mem=${WG_VM_MEM:-1536}
limit=${WG_VM_TIMEOUT:-2400}

args="console=ttyS0 panic=-1 no_hash_pointers"
args="$args WG_TESTS=$tests WG_TIMEOUT=${WG_TEST_TIMEOUT:-900} $*"

timeout -s KILL "$limit" qemu-system-x86_64 \
	-machine q35 -cpu max -smp 2 -m "$mem" \
	-accel tcg,thread=multi \
	-display none -monitor none -serial "file:$log" \
	-no-reboot -nic none \
	-kernel "$kernel" -initrd "$initrd" \
	-append "$args" </dev/null || true
