#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Roaming: the endpoint follows a peer whose port and address family
# change, as soon as an authenticated packet arrives from the new place.
. ./lib.sh
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
