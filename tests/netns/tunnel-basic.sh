#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two ends over ns0's loopback: the handshake completes, ping and ping6
# both ways, a ping flood, TCP and UDP with iperf3, over IPv4 and IPv6
# outer addresses.
. ./lib.sh
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
	inns ns1 ping -q -f -c 1000 -W 2 192.168.241.2 >/tmp/flood.out ||
		fail "flood ping lost packets ($1): $(cat /tmp/flood.out)"
	grep -q ' 0% packet loss' /tmp/flood.out || fail "flood lost packets ($1)"

	inns ns2 iperf3 -s -D -1 -B 192.168.241.2 >/dev/null
	wait_for 5 bash -c "ip netns exec ns2 ss -tln | grep -q ':5201 '"
	inns ns1 iperf3 -c 192.168.241.2 -t 2 >/tmp/tcp.out ||
		fail "iperf3 TCP ($1): $(cat /tmp/tcp.out)"
	inns ns2 iperf3 -s -D -1 -B fd00::2 >/dev/null
	wait_for 5 bash -c "ip netns exec ns2 ss -tln | grep -q ':5201 '"
	inns ns1 iperf3 -c fd00::2 -u -b 50M -t 2 >/tmp/udp.out ||
		fail "iperf3 UDP6 ($1): $(cat /tmp/udp.out)"
	ip -all netns delete
}

run_over 127.0.0.1
run_over ::1
