#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Byte counters: the same ten pings through our module and through the
# distribution's must leave the same `wg show transfer` on both ends. Then
# three 1300-byte pings over a route with MTU 1300: padding to 16 would
# make them 1312, but it must stop at the route's MTU (the replies, over
# the device's 1420, are padded in full).
. ./lib.sh
. ./tunnel.bash

scenario() {
	tunnel_pair 127.0.0.1
	inns ns1 ping -q -c 10 -i 0.2 -W 5 192.168.241.2 >/dev/null ||
		fail "pings were lost"
	echo "$(transfer ns1 wg1) $(transfer ns2 wg2)"
	inns ns1 ip route add 192.168.241.2/32 dev wg1 mtu 1300
	inns ns1 ping -q -c 3 -i 0.2 -W 5 -s 1272 192.168.241.2 >/dev/null ||
		fail "large pings were lost"
	echo "$(transfer ns1 wg1) $(transfer ns2 wg2)"
	ip -all netns delete
}

wg_load_ours
ours=$(scenario)
wg_load_distro
theirs=$(scenario)
wg_load_ours
echo "ours:   $ours"
echo "theirs: $theirs"
expect_eq "transfer (rx tx on ns1, rx tx on ns2)" "$ours" "$theirs"
