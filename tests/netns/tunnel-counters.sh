#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Byte counters: the same ten pings through our module and through the
# distribution's must leave the same `wg show transfer` on both ends.
. ./lib.sh
. ./tunnel.bash

scenario() {
	tunnel_pair 127.0.0.1
	inns ns1 ping -q -c 10 -i 0.2 -W 5 192.168.241.2 >/dev/null ||
		fail "pings were lost"
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
