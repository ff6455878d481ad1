#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# WireGuard inside WireGuard through one device: wga reaches peer C only
# through peer B of the same device, so what it sends to C is encrypted
# twice, as with the in-kernel module. Then a true loop (C's endpoint
# moved into C's own allowed IPs) must fail cleanly: its packets are
# dropped after a bounded number of passes and counted as tx_errors, the
# device goes quiet once nothing more is sent, and keeps working.
# The scenario runs on the distribution's module first: nesting works
# there too, and its loop goes quiet by itself (about 18 passes per ping,
# until the packet outgrows the MTU), with no error counted; ours drops a
# packet nested 8 times (XMIT_RECURSION_LIMIT) and counts it.
#
#   nsa va 10.0.0.1 ---- 10.0.0.2 vb nsb vbc 10.1.0.2 ---- 10.1.0.3 vc nsc
#   wga 10.9.0.1 ------------------ 10.9.0.2 wgb
#   wga 10.8.0.1 --------------- (through wgb) ------------ 10.8.0.3 wgc
. ./lib.bash
. ./tunnel.bash

read -r keya puba < <(key_pair)
read -r keyb pubb < <(key_pair)
read -r keyc pubc < <(key_pair)

stat() { # stat FIELD: of wga
	inns nsa cat "/sys/class/net/wga/statistics/$1"
}

# quiet: wga sent nothing, and counted no error, for a whole second.
quiet() {
	local before after
	before="$(stat tx_packets) $(stat tx_errors)"
	sleep 1
	after="$(stat tx_packets) $(stat tx_errors)"
	[ "$before" = "$after" ]
}

scenario() {
	make_ns nsa nsb nsc
	veth_link nsa va 10.0.0.1/24 nsb vb 10.0.0.2/24
	veth_link nsb vbc 10.1.0.2/24 nsc vc 10.1.0.3/24
	inns nsb sysctl -qw net.ipv4.ip_forward=1
	inns nsc ip route add default via 10.1.0.2
	wg_dev nsb wgb 2000 "$keyb" 10.9.0.2/24 \
		peer "$puba" allowed-ips 10.9.0.1/32
	wg_dev nsc wgc 3000 "$keyc" 10.8.0.3/24 \
		peer "$puba" allowed-ips 10.8.0.1/32
	wg_dev nsa wga 1000 "$keya" 10.9.0.1/24,10.8.0.1/24 \
		peer "$pubb" allowed-ips 10.9.0.2/32,10.1.0.0/24 \
		endpoint 10.0.0.2:2000 \
		peer "$pubc" allowed-ips 10.8.0.3/32 endpoint 10.1.0.3:3000
	# C's endpoint is only reachable through B's tunnel.
	inns nsa ip route add 10.1.0.0/24 dev wga src 10.9.0.1

	wait_for 15 pings nsa 10.9.0.2
	wait_for 20 pings nsa 10.8.0.3
	inns nsc wg show wgc endpoints | grep -q "10.9.0.1:1000" ||
		fail "C does not see A through B's tunnel: $(inns nsc wg show wgc endpoints)"
	pings nsc 10.8.0.1 3 || fail "C to A, nested"
	inns nsa ping -q -f -c 200 -W 2 10.8.0.3 >/tmp/nested.out ||
		fail "flood through the nested tunnel: $(cat /tmp/nested.out)"
	inns nsa ping -q -c 3 -s 1400 -W 2 10.8.0.3 >/dev/null ||
		fail "large pings through the nested tunnel (fragmented outside)"

	# A true loop: C's endpoint only reachable through C's own tunnel.
	local errs sent
	errs=$(stat tx_errors)
	sent=$(stat tx_packets)
	inns nsa wg set wga peer "$pubc" endpoint 10.8.0.3:3000
	! inns nsa ping -q -c 5 -i 0.2 -W 1 10.8.0.3 >/dev/null 2>&1 ||
		fail "a ping through a routing loop came back"
	# Each pass through the loop is a trip through the crypt workers:
	# ten times slower on the debug kernel, as is everything there.
	local settle=10
	debug_kernel && settle=60
	wait_for "$settle" quiet
	echo "loop: tx_packets +$(($(stat tx_packets) - sent)), tx_errors +$(($(stat tx_errors) - errs))"
	LOOP_ERRORS=$(($(stat tx_errors) - errs))
	pings nsa 10.9.0.2 3 || fail "the device stopped working after a loop"
	inns nsa wg set wga peer "$pubc" endpoint 10.1.0.3:3000
	wait_for 10 pings nsa 10.8.0.3
	ip -all netns delete
}

on_both_modules scenario
[ "$LOOP_ERRORS" -ge 5 ] || fail "looping packets were not counted: tx_errors +$LOOP_ERRORS"
