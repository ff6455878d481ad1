#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Why a packet was dropped, for an operator: with the module's debug
# messages turned on through dynamic debug, each drop says why in the
# kernel log, rate-limited: a packet to nobody, a datagram that is no
# message, data for an unknown session, and an inner source the peer does
# not own. With them off (the default) nothing is printed.
. ./lib.bash
. ./tunnel.bash

ctl=/sys/kernel/debug/dynamic_debug/control
[ -w "$ctl" ] || skip "this kernel has no dynamic debug"
wg_load_ours
tunnel_pair 127.0.0.1
wait_for 15 pings ns1 192.168.241.2

# logged PATTERN: the kernel log says PATTERN (within a few seconds).
logged() {
	dmesg | grep -q "$1"
}
cleanup() {
	echo 'module wireguard -p' >"$ctl" 2>/dev/null || true
}
trap cleanup EXIT

# Off: a drop says nothing. (The log is not cleared: the harness reads
# it after the test for kernel reports.)
inns ns1 ping -c 1 -W 1 192.168.241.99 >/dev/null 2>&1 || true
! logged "no peer has allowed IPs" || fail "a debug message while dynamic debug is off"

echo 'module wireguard +p' >"$ctl"
inns ns1 ping -c 1 -W 1 192.168.241.99 >/dev/null 2>&1 || true
wait_for 5 logged "wg1: no peer has allowed IPs for 192.168.241.99"
inns ns1 ping -c 1 -W 1 fd00::99 >/dev/null 2>&1 || true
wait_for 5 logged "wg1: no peer has allowed IPs for fd00::99"

# A datagram that is no message, and data for a session nobody has, sent
# from a plain UDP socket (ncat) to wg2's port.
printf 'hello' | inns ns0 ncat -u -w 1 --send-only 127.0.0.1 10002 || true
wait_for 5 logged "wg2: from 127.0.0.1:[0-9]*: 5 bytes that are no message"
printf '\004\000\000\000\001\002\003\004AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDD' |
	inns ns0 ncat -u -w 1 --send-only 127.0.0.1 10002 || true
wait_for 5 logged "wg2: from 127.0.0.1:[0-9]*: data for an unknown session"

# An inner source the peer does not own: wg2 sends from an address of its
# own that wg1 does not give it.
inns ns2 ip addr add 192.168.241.50/24 dev wg2
inns ns2 ping -c 1 -W 1 -I 192.168.241.50 192.168.241.1 >/dev/null 2>&1 || true
wait_for 5 logged "wg1: peer [0-9]* sent a packet from 192.168.241.50, not in its allowed IPs"
dmesg | grep -E "wg[12]: " | head -10
