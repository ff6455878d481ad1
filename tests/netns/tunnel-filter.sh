#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the device refuses: inner sources a peer does not own, packets to
# nobody (ICMP host unreachable), routing loops through the device, and
# a peer with a low-order public key (nothing is ever sent to it).
. ./lib.bash
. ./tunnel.bash

wg_load_ours
tunnel_pair 127.0.0.1
wait_for 15 pings ns1 192.168.241.2

stat() { # stat NS DEV FIELD
	inns "$1" cat "/sys/class/net/$2/statistics/$3"
}

# Source filter: wg1 gives wg2's address to a third peer.
inns ns1 wg set wg1 peer "$pub2" allowed-ips 192.168.241.0/24,fd00::2/128
pings ns2 192.168.241.1 || fail "ping with a /24 for the peer"
third=$(wg genkey | wg pubkey)
errs=$(stat ns1 wg1 rx_errors)
inns ns1 wg set wg1 peer "$third" allowed-ips 192.168.241.2/32
! inns ns2 ping -q -c 2 -W 1 192.168.241.1 >/dev/null 2>&1 ||
	fail "packets from a source now owned by another peer got through"
[ "$(stat ns1 wg1 rx_errors)" -gt "$errs" ] || fail "filtered packets were not counted"
inns ns1 wg set wg1 peer "$third" remove
inns ns1 wg set wg1 peer "$pub2" allowed-ips 192.168.241.2/32,fd00::2/128
pings ns2 192.168.241.1 || fail "ping after the source is back"

# No peer for the destination: host unreachable, counted.
errs=$(stat ns1 wg1 tx_errors)
out=$(inns ns1 ping -c 1 -W 2 192.168.241.99 2>&1 || true)
echo "$out" | grep -qi unreachable || fail "no ICMP unreachable: $out"
[ "$(stat ns1 wg1 tx_errors)" -gt "$errs" ] || fail "unroutable packet not counted"
out=$(inns ns1 ping -c 1 -W 2 fd00::99 2>&1 || true)
echo "$out" | grep -qi unreachable || fail "no ICMPv6 unreachable: $out"

# A routing loop: the endpoint is only reachable through the device.
inns ns1 ip link add wg3 type wireguard
inns ns1 wg set wg3 private-key <(wg genkey) peer "$(wg genkey | wg pubkey)" \
	allowed-ips 10.77.0.0/16 endpoint 10.77.0.2:10007
inns ns1 ip addr add 10.77.0.1/16 dev wg3
inns ns1 ip link set wg3 up
inns ns1 ping -q -c 3 -i 0.2 -W 1 10.77.0.2 >/dev/null 2>&1 || true
inns ns1 ip link del wg3
pings ns1 192.168.241.2 || fail "tunnel broken after a routing loop"

# A low-order public key (the point 0): no packet ever leaves for it.
inns ns1 wg set wg1 peer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
	allowed-ips 10.88.0.0/16 endpoint 127.0.0.1:10008
inns ns1 ip route add 10.88.0.0/16 dev wg1
inns ns1 ping -q -c 3 -i 0.2 -W 1 10.88.0.1 >/dev/null 2>&1 || true
tx=$(inns ns1 wg show wg1 transfer | awk '$1 == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" { print $3 }')
expect_eq "bytes sent to a low-order peer" "$tx" 0
pings ns1 192.168.241.2 || fail "tunnel broken after the low-order peer"
