#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel with an initramfs in QEMU (software emulation) and run tests:
#   boot.sh VMLINUZ INITRAMFS LOG TEST[,TEST...] [extra kernel args]
# The serial console goes to LOG; the VM powers itself off when done and is
# killed if it outlives WG_VM_TIMEOUT seconds.
#
# With WG_VM_PARTNER=1 a second, smaller VM boots beside it as the partner
# of two-VM tests (WG_ROLE=partner, see tests/vm/partner.sh; console in
# LOG's name with .partner before .log): of the same kernel and initramfs,
# or of WG_VM_PARTNER_KERNEL and WG_VM_PARTNER_INITRD when set.
# Each VM gets one virtio-net NIC; the two are joined by a pair of Unix
# datagram sockets in a fresh private directory, so no port is involved and
# concurrent runs never meet. The partner is stopped when the test VM ends.
set -euo pipefail

kernel=$1 initrd=$2 log=$3 tests=$4
shift 4
mem=${WG_VM_MEM:-1536}
limit=${WG_VM_TIMEOUT:-2400}

# no_timer_check: on a loaded host the emulated timer can miss the kernel's
# early IO-APIC timing check, which then panics ("IO-APIC + timer doesn't
# work"); two VMs booting at once on two shared cores made that happen.
base="console=ttyS0 panic=-1 no_timer_check"
args="$base no_hash_pointers WG_TESTS=$tests WG_TIMEOUT=${WG_TEST_TIMEOUT:-900} $*"

vm() { # vm SMP MEM LOG APPEND KERNEL INITRD NIC-OPTIONS...: sets qemu, the command
	local smp=$1 vmem=$2 vlog=$3 append=$4 vkernel=$5 vinitrd=$6
	shift 6
	qemu=(timeout -s KILL "$limit" qemu-system-x86_64
		-machine q35 -cpu max -smp "$smp" -m "$vmem"
		-accel "tcg,thread=multi"
		-display none -monitor none -serial "file:$vlog"
		-no-reboot "$@"
		-kernel "$vkernel" -initrd "$vinitrd"
		-append "$append")
}

# link LOCAL REMOTE MAC: the options of one end of the link.
link() {
	printf '%s\n' -netdev \
		"dgram,id=link,local.type=unix,local.path=$sockdir/$1,remote.type=unix,remote.path=$sockdir/$2" \
		-device "virtio-net-pci,netdev=link,mac=$3"
}

if [ "${WG_VM_PARTNER:-0}" != 1 ]; then
	vm 2 "$mem" "$log" "$args" "$kernel" "$initrd" -nic none
	"${qemu[@]}" </dev/null || true
	exit 0
fi

sockdir=$(mktemp -d "${TMPDIR:-/tmp}/wg-oot-link.XXXXXX")
partner='' testvm=''
stop_vms() {
	local qemu pid
	if [ -n "$partner" ] && qemu=$(pgrep -P "$partner" qemu); then
		awk -v hz="$(getconf CLK_TCK)" \
			'{ printf "partner VM: %.0fs of CPU\n", ($14 + $15) / hz }' "/proc/$qemu/stat"
	fi
	# These are timeout's PIDs; it passes TERM on to QEMU, which exits at once.
	for pid in $testvm $partner; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	rm -rf "$sockdir"
}
trap stop_vms EXIT
trap 'exit 130' INT TERM
mapfile -t plink < <(link partner test 52:54:00:77:00:02)
mapfile -t tlink < <(link test partner 52:54:00:77:00:01)
# One CPU and little memory: the partner idles while it waits for its test.
# QEMU says when it is stopped; nothing else of its should be hidden.
vm 1 "${WG_VM_PARTNER_MEM:-512}" "${log%.log}.partner.log" \
	"$base WG_ROLE=partner" "${WG_VM_PARTNER_KERNEL:-$kernel}" \
	"${WG_VM_PARTNER_INITRD:-$initrd}" "${plink[@]}"
"${qemu[@]}" </dev/null 2> >(grep -v 'terminating on signal' >&2) &
partner=$!
vm 2 "$mem" "$log" "$args WG_PARTNER=1" "$kernel" "$initrd" "${tlink[@]}"
# In the background too, so that a signal to this script stops both VMs.
"${qemu[@]}" </dev/null &
testvm=$!
wait "$testvm" || true
testvm=
