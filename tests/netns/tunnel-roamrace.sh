#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The route cache follows the endpoint: while TCP keeps wga busy sending
# (GSO batches of many packets each), its peer's endpoint flips between
# two addresses of nsb, one on each link, many times. A packet to an
# address must leave by that address's link; a route cached for the
# endpoint the peer just left, after the move reset the cache, would send
# packets for the other address out of the wrong link until the next move.
#
#   nsa va1 10.1.0.1 ------------------- 10.1.0.2 vb1 nsb
#       va2 10.2.0.1 ------------------- 10.2.0.2 vb2
#   wga 192.168.78.1 ------------------- 192.168.78.2 wgb
. ./lib.bash
. ./tunnel.bash

wg_load_ours
keya=$(wg genkey)
keyb=$(wg genkey)
puba=$(echo "$keya" | wg pubkey)
pubb=$(echo "$keyb" | wg pubkey)

make_ns nsa nsb
veth_link nsa va1 10.1.0.1/24 nsb vb1 10.1.0.2/24
veth_link nsa va2 10.2.0.1/24 nsb vb2 10.2.0.2/24
wg_dev nsb wgb 2000 "$keyb" 192.168.78.2/24 \
	peer "$puba" allowed-ips 192.168.78.1/32
wg_dev nsa wga 1000 "$keya" 192.168.78.1/24 \
	peer "$pubb" allowed-ips 192.168.78.2/32 endpoint 10.1.0.2:2000
# Packets to one of nsb's addresses that came in by the other's link,
# counted by their jumps to an empty chain (the debug kernel has no
# comment match).
inns nsb iptables -N WRONG
inns nsb iptables -A INPUT -i vb1 -d 10.2.0.2 -p udp --dport 2000 -j WRONG
inns nsb iptables -A INPUT -i vb2 -d 10.1.0.2 -p udp --dport 2000 -j WRONG
wrong() {
	inns nsb iptables -L INPUT -v -x -n | awk '$3 == "WRONG" { n += $1 } END { print n + 0 }'
}
wait_for 15 pings nsa 192.168.78.2

inns nsb iperf3 -s -D -1 -B 192.168.78.2 >/dev/null
wait_for 5 bash -c "ip netns exec nsb ss -tln | grep -q ':5201 '"
secs=12
debug_kernel && secs=30
inns nsa iperf3 -c 192.168.78.2 -t "$secs" >/tmp/iperf.out 2>&1 &
iperf=$!
moves=$(inns nsa genl-fuzz flip wga "$pubb" 10.2.0.2 10.1.0.2 2000 $((secs - 2)) 10) ||
	fail "moving the endpoint failed"
wait "$iperf" || fail "iperf3 across the moves: $(cat /tmp/iperf.out)"
# Some more after the last move: a stale route would now be in use.
inns nsa ping -q -c 20 -i 0.05 -W 2 192.168.78.2 >/dev/null || fail "pings after the last move"
echo "$moves; packets in by the wrong link: $(wrong)"
expect_eq "packets that left by the link of an endpoint already left" "$(wrong)" 0
