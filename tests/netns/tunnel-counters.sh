#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Byte counters: the same pings through our module and through the
# distribution's must leave the same `wg show transfer` and the same device
# statistics (`ip -s link`: packets, bytes, errors, drops) on both ends:
# ten small pings, then three of 1300 bytes over a route with MTU 1300,
# where padding to 16 would make them 1312 but must stop at the route's
# MTU (the replies, over the device's 1420, are padded in full).
. ./lib.bash
. ./tunnel.bash

# The device's counters in one go: "rx_packets rx_bytes tx_packets ...".
devstats() { # devstats NS DEV
	inns "$1" sh -c "cd /sys/class/net/$2/statistics && cat rx_packets \
		rx_bytes tx_packets tx_bytes rx_errors tx_errors rx_dropped \
		tx_dropped" | xargs
}

# Both batches back to back and everything read once at the end: a pause
# of KEEPALIVE_TIMEOUT anywhere would add a keepalive (the debug kernel is
# slow enough for that).
scenario() {
	tunnel_pair 127.0.0.1
	# Small pings fit either way; only the large ones meet this MTU.
	inns ns1 ip route add 192.168.241.2/32 dev wg1 mtu 1300
	inns ns1 ping -q -c 10 -i 0.2 -W 5 192.168.241.2 >/dev/null ||
		fail "pings were lost"
	inns ns1 ping -q -c 3 -i 0.2 -W 5 -s 1272 192.168.241.2 >/dev/null ||
		fail "large pings were lost"
	echo "$(transfer ns1 wg1) $(transfer ns2 wg2)"
	echo "wg1: $(devstats ns1 wg1)"
	echo "wg2: $(devstats ns2 wg2)"
	ip -all netns delete
}

wg_load_ours
ours=$(scenario)
wg_load_distro
theirs=$(scenario)
wg_load_ours
echo "ours:   $ours"
echo "theirs: $theirs"
expect_eq "transfer and device statistics" "$ours" "$theirs"
