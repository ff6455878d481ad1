#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two ends over ns0's loopback: the handshake completes, ping and ping6
# both ways, ping and ping6 floods, TCP and UDP with iperf3 over IPv4 and
# IPv6 inside, all of it over IPv4 and IPv6 outer addresses.
. ./lib.bash
. ./tunnel.bash

wg_load_ours

run_over() { # run_over OUTER
	tunnel_pair "$1"
	wait_for 15 pings ns1 192.168.241.2
	handshake_done ns1 wg1 || fail "ns1: no handshake recorded ($1)"
	handshake_done ns2 wg2 || fail "ns2: no handshake recorded ($1)"
	pings ns2 192.168.241.1 3 || fail "ping back ($1)"
	wait_for 10 pings ns1 fd00::2
	pings ns2 fd00::1 3 || fail "ping6 back ($1)"
	local inner proto
	for inner in 192.168.241.2 fd00::2; do
		inns ns1 ping -q -f -c 1000 -W 2 "$inner" >/tmp/flood.out ||
			fail "flood ping to $inner lost packets ($1): $(cat /tmp/flood.out)"
		grep -q ' 0% packet loss' /tmp/flood.out ||
			fail "flood to $inner lost packets ($1)"
		for proto in tcp udp; do
			# The last one-off server must be gone, not just finishing.
			wait_for 10 bash -c "! ip netns exec ns2 ss -tln | grep -q ':5201 '"
			inns ns2 iperf3 -s -D -1 -B "$inner" >/dev/null
			wait_for 5 bash -c "ip netns exec ns2 ss -tln | grep -q ':5201 '"
			local args=(-t 2)
			[ "$proto" = udp ] && args=(-u -b 50M -t 2)
			inns ns1 iperf3 -c "$inner" "${args[@]}" >/tmp/iperf.out ||
				fail "iperf3 $proto to $inner ($1): $(cat /tmp/iperf.out)"
		done
	done
	ip -all netns delete
}

run_over 127.0.0.1
run_over ::1
