#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Roaming: the endpoint follows a peer whose port, address family and
# address (within IPv4 and within IPv6) change, as soon as an
# authenticated packet arrives from the new place, and traffic goes back there.
. ./lib.bash
. ./tunnel.bash

wg_load_ours
tunnel_pair 127.0.0.1
wait_for 15 pings ns1 192.168.241.2
expect_eq "endpoint before" "$(inns ns1 wg show wg1 endpoints | cut -f2)" 127.0.0.1:10002

# wg2 moves to another port: wg1 learns it from wg2's next packet.
inns ns2 wg set wg2 listen-port 10003
pings ns2 192.168.241.1 || fail "ping from the new port"
expect_eq "endpoint after a port change" "$(inns ns1 wg show wg1 endpoints | cut -f2)" 127.0.0.1:10003
pings ns1 192.168.241.2 || fail "ping to the new port"

# wg2 now talks to wg1 over IPv6: wg1 answers over IPv6.
inns ns2 wg set wg2 peer "$pub1" endpoint "[::1]:10001"
pings ns2 192.168.241.1 || fail "ping over IPv6"
expect_eq "endpoint after a family change" "$(inns ns1 wg show wg1 endpoints | cut -f2)" "[::1]:10003"
pings ns1 fd00::2 3 || fail "ping6 back over IPv6"

# Address changes within a family, over a veth: wg2's host is renumbered,
# and wg1 follows it to the new address once wg2 speaks from there.
ip -all netns delete
make_ns ns1 ns2
veth_link ns1 v1 10.0.0.1/24,fd01::1/64 ns2 v2 10.0.0.2/24,fd01::2/64
# Keep the new address when the old, primary one goes.
inns ns2 sysctl -qw net.ipv4.conf.v2.promote_secondaries=1
wg_dev ns1 wg1 10001 "$key1" 192.168.241.1/24,fd00::1/64 \
	peer "$pub2" allowed-ips 192.168.241.2/32,fd00::2/128 endpoint 10.0.0.2:10002
wg_dev ns2 wg2 10002 "$key2" 192.168.241.2/24,fd00::2/64 \
	peer "$pub1" allowed-ips 192.168.241.1/32,fd00::1/128 endpoint 10.0.0.1:10001
wait_for 15 pings ns1 192.168.241.2
expect_eq "endpoint before" "$(inns ns1 wg show wg1 endpoints | cut -f2)" 10.0.0.2:10002

# IPv4: 10.0.0.2 becomes 10.0.0.3. Until wg2 speaks, wg1 knows only the
# old address; after, it answers at the new one, the only one there is.
inns ns2 ip addr add 10.0.0.3/24 dev v2
inns ns2 ip addr del 10.0.0.2/24 dev v2
expect_eq "endpoint before wg2 speaks" "$(inns ns1 wg show wg1 endpoints | cut -f2)" 10.0.0.2:10002
pings ns2 192.168.241.1 || fail "ping from the new IPv4 address"
expect_eq "endpoint after an IPv4 address change" \
	"$(inns ns1 wg show wg1 endpoints | cut -f2)" 10.0.0.3:10002
pings ns1 192.168.241.2 3 || fail "ping to the new IPv4 address"

# IPv6 the same way: wg2 moves over to IPv6, then fd01::2 becomes fd01::3.
inns ns2 wg set wg2 peer "$pub1" endpoint "[fd01::1]:10001"
pings ns2 fd00::1 || fail "ping6 over IPv6"
expect_eq "endpoint over IPv6" "$(inns ns1 wg show wg1 endpoints | cut -f2)" "[fd01::2]:10002"
inns ns2 ip addr add fd01::3/64 dev v2 nodad
inns ns2 ip addr del fd01::2/64 dev v2
expect_eq "endpoint before wg2 speaks" "$(inns ns1 wg show wg1 endpoints | cut -f2)" "[fd01::2]:10002"
pings ns2 fd00::1 || fail "ping6 from the new IPv6 address"
expect_eq "endpoint after an IPv6 address change" \
	"$(inns ns1 wg show wg1 endpoints | cut -f2)" "[fd01::3]:10002"
pings ns1 fd00::2 3 || fail "ping6 to the new IPv6 address"
