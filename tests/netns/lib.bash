#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the tests in this folder. Each test runs as root in a fresh VM
# state with our module loaded; source this file first.
# No pipefail: "producer | grep -q" is the idiom here, and grep -q leaving
# early would fail the pipeline by SIGPIPE whenever the producer writes more.
set -eu

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# wait_for SECONDS CMD...: poll until CMD succeeds, fail after SECONDS.
wait_for() {
	local limit=$1 end
	shift
	end=$(($(date +%s) + limit))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || fail "timed out after ${limit}s waiting for: $*"
		sleep 0.1
	done
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

kernel_release() { uname -r; }

# The debug kernel (KASAN, lockdep, kmemleak) runs ten times slower under
# emulation: tests scale their sizes down there, not their checks.
debug_kernel() {
	case "$(uname -r)" in
	*-wgdebug) return 0 ;;
	esac
	return 1
}

module_deps() {
	modinfo -F depends "$1" | tr , ' '
}

unload_wireguard() {
	ip -all netns delete 2>/dev/null || true
	local l
	for l in $(ip -o link show type wireguard 2>/dev/null | awk -F': ' '{print $2}'); do
		ip link del "${l%@*}" 2>/dev/null || true
	done
	if lsmod | grep -q '^wireguard '; then
		rmmod wireguard || fail "cannot unload wireguard"
	fi
}

# Our module, from updates/ (what modprobe and autoload pick).
wg_load_ours() {
	unload_wireguard
	modprobe wireguard || fail "cannot load our module"
	is_ours || fail "modprobe loaded a module that is not ours"
}

# The distribution's in-kernel module, for comparison and interop tests.
wg_load_distro() {
	local ko
	unload_wireguard
	ko=$(find "/lib/modules/$(kernel_release)/kernel" -name 'wireguard.ko*' | head -1)
	[ -n "$ko" ] || skip "this kernel has no distro wireguard module"
	local d
	for d in $(module_deps "$ko"); do
		modprobe "$d" || fail "cannot load $d"
	done
	insmod "$ko" || fail "cannot load the distro module"
	! is_ours || fail "the distro module did not load"
}

our_ko() {
	echo "/lib/modules/$(kernel_release)/updates/wireguard.ko"
}

# Is the loaded wireguard module ours? Compare the source hashes.
is_ours() {
	[ -e /sys/module/wireguard/srcversion ] &&
		[ "$(cat /sys/module/wireguard/srcversion)" = "$(modinfo -F srcversion "$(our_ko)")" ]
}

# A namespace per host: nsN, with loopback up.
make_ns() {
	local n
	for n in "$@"; do
		ip netns add "$n"
		ip -n "$n" link set lo up
	done
}

# Run in a namespace: inns NS CMD...
inns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}
