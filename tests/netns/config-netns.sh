#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sockets stay in the netns that created the device, wherever the
# device goes; when that netns dies they close and the carrier drops.
. ./lib.bash

# grep that reads all its input: with pipefail, grep -q could SIGPIPE the
# writer and fail the pipeline although it matched.
grepq() { grep "$@" >/dev/null; }

wg_load_ours
make_ns ns0 ns1 ns2

bound_in() { # bound_in NS PORT
	inns "$1" ss -uan | grepq ":$2 "
}
carrier_down() { # carrier_down NS DEV
	inns "$1" ip link show "$2" | grepq NO-CARRIER
}

inns ns0 ip link add dev wg0 type wireguard
inns ns0 wg set wg0 listen-port 41000
inns ns0 ip link set wg0 netns ns1
inns ns1 ip link set wg0 up
bound_in ns0 41000 || fail "socket is not in the creating netns ns0"
[ "$(inns ns0 ss -uan | grep -c ':41000 ')" = 2 ] || fail "not both families bound in ns0"
! bound_in ns1 41000 || fail "socket followed the device into ns1"
expect_eq "listen port seen from ns1" "$(inns ns1 wg show wg0 listen-port)" 41000
! wg show wg0 2>/dev/null || fail "the device is visible outside its netns"
! carrier_down ns1 wg0 || fail "carrier is down while the creating netns lives"

# A port change from the new netns rebinds in the creating one.
inns ns1 wg set wg0 listen-port 41001
bound_in ns0 41001 || fail "rebind did not happen in ns0"
! bound_in ns0 41000 || fail "old port still bound in ns0"

# Down and up again: the socket comes back in ns0.
inns ns1 ip link set wg0 down
! bound_in ns0 41001 || fail "socket stays open while the device is down"
inns ns1 ip link set wg0 up
bound_in ns0 41001 || fail "socket did not come back in ns0"

# The creating netns goes: sockets close, carrier drops, config remains.
ip netns del ns0
wait_for 10 carrier_down ns1 wg0
inns ns1 wg set wg0 peer "$(wg genkey | wg pubkey)" allowed-ips 10.0.0.0/8 ||
	fail "configuring peers failed after the creating netns died"
! inns ns1 wg set wg0 listen-port 41002 2>/dev/null ||
	fail "listen port changed with no creating netns"
inns ns1 ip link set wg0 down
inns ns1 ip link set wg0 up
carrier_down ns1 wg0 || fail "carrier came back without a creating netns"
inns ns1 ip link del wg0

# The device's netns goes first: the device and its socket go with it.
inns ns2 ip link add dev wg0 type wireguard
inns ns2 wg set wg0 listen-port 41003
make_ns ns3
inns ns2 ip link set wg0 netns ns3
inns ns3 ip link set wg0 up
bound_in ns2 41003 || fail "socket is not in ns2"
ip netns del ns3
wait_for 10 bash -c "! ip netns exec ns2 ss -uan | grep -q ':41003 '"
ip netns del ns2
