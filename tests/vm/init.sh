#!/usr/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of a test VM. Runs each test named in WG_TESTS (comma-separated,
# from the kernel command line) and prints one result line per test:
#   @@RESULT <name> PASS|FAIL|SKIP <seconds> [reason]
# A test fails when its script fails, or when the kernel log shows an oops,
# WARN, BUG, KASAN or lockdep report while it ran. Where the kernel has
# kmemleak, a last result "kmemleak" says whether anything leaked.
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb

/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /run/netns /etc/wireguard
ip link set lo up
hostname wgvm
# Keep the console for results; kernel messages go to the log we read back.
dmesg -n 1

bad='Oops|WARNING:|BUG:|KASAN|UBSAN|circular locking|lock held|possible recursive locking|unreferenced object|general protection|Kernel panic|refcount_t|stall|list_(add|del) corruption|INFO: task|suspicious RCU|scheduling while atomic|sleeping function called|to become free|soft lockup'
kmemleak=/sys/kernel/debug/kmemleak
timeout_s=${WG_TIMEOUT:-900}

reset_state() {
	ip -all netns delete 2>/dev/null
	for l in $(ip -o link show type wireguard 2>/dev/null | awk -F': ' '{print $2}'); do
		ip link del "${l%@*}" 2>/dev/null
	done
	pkill wireguard-go 2>/dev/null
	rmmod wireguard-kunit 2>/dev/null
	rmmod wireguard 2>/dev/null
}

kernel_report() {
	dmesg | grep -E "$bad" | grep -v 'kmemleak: Kernel memory leak detector' | head -40
}

# Every ping turns packet timestamps on and off, and with them a static
# branch in the receive path that the kernel live-patches with int3. Under
# TCG another vCPU can still run the patched-out int3 afterwards and the
# kernel oopses (seen on 6.12 in __netif_receive_skb_core). One ping held
# open for the whole run keeps that branch on, so it is never patched.
ping -q -i 3600 127.0.0.1 >/dev/null 2>&1 &

echo "@@BOOTED $(uname -r)"
[ -e $kmemleak ] && echo clear >$kmemleak

# The second VM of a two-VM test: serves the test VM until killed.
if [ "${WG_ROLE:-}" = partner ]; then
	hostname wgpartner
	bash /tests/vm/partner.sh 2>&1
	echo "@@PARTNER failed"
	sync
	reboot -f
fi

# A single script to show rather than tests to judge (make demo).
if [ -n "${WG_RUN:-}" ]; then
	echo "@@DEMO"
	bash "$WG_RUN" 2>&1
	echo "@@DONE"
	sync
	reboot -f
fi

IFS=, read -r -a tests <<<"${WG_TESTS:-}"
for t in "${tests[@]}"; do
	script=/tests/netns/$t.sh
	dmesg -c >/dev/null
	start=$(date +%s)
	reason=
	if [ ! -f "$script" ]; then
		rc=1
		reason="no such test"
	else
		echo "@@START $t"
		modprobe wireguard || reason="cannot load the module"
		(cd /tests/netns && timeout -s KILL "$timeout_s" bash "$script") 2>&1 | sed "s/^/[$t] /"
		rc=${PIPESTATUS[0]}
		ran=$(($(date +%s) - start))
		[ "$rc" = 137 ] && reason="timed out after ${timeout_s}s"
		reset_state
		if lsmod | grep -q '^wireguard '; then
			reason="${reason:+$reason; }module did not unload"
			rc=1
		fi
	fi
	report=$(kernel_report)
	if [ -n "$report" ]; then
		echo "$report" | sed "s/^/[$t] kernel: /"
		reason="${reason:+$reason; }kernel report"
		[ "$rc" = 77 ] && rc=1
		[ "$rc" = 0 ] && rc=1
	fi
	secs=$(($(date +%s) - start))
	echo "@@TIME $t script ${ran:-0}s, checks $((secs - ${ran:-0}))s"
	case "$rc" in
	0) echo "@@RESULT $t PASS $secs" ;;
	77) echo "@@RESULT $t SKIP $secs" ;;
	*) echo "@@RESULT $t FAIL $secs ${reason:-exit status $rc}" ;;
	esac
done
# Leaks: one scan after every test has run and the module is gone (a scan
# is slow under emulation); the report names the allocation sites.
if [ -e $kmemleak ]; then
	start=$(date +%s)
	reset_state
	# kmemleak only reports objects older than five seconds.
	sleep 6
	echo scan >$kmemleak
	echo scan >$kmemleak
	leaks=$(cat $kmemleak)
	secs=$(($(date +%s) - start))
	if [ -n "$leaks" ]; then
		echo "$leaks" | head -60 | sed "s/^/[kmemleak] /"
		echo "@@RESULT kmemleak FAIL $secs unreferenced objects"
	else
		echo "@@RESULT kmemleak PASS $secs"
	fi
fi
echo "@@DONE"
sync
# -no-reboot turns the reboot into QEMU exiting, with or without ACPI.
reboot -f
