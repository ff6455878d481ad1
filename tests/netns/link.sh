#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The link kind: creation, its attributes, deletion, autoload and unload.
. ./lib.bash

wg_load_ours

ip link add dev wg0 type wireguard
info=$(ip -d link show dev wg0)
echo "$info"
echo "$info" | grep -q 'mtu 1420 ' || fail "MTU is not 1420"
echo "$info" | grep -q 'POINTOPOINT,NOARP' || fail "flags are not POINTOPOINT,NOARP"
echo "$info" | grep -q 'link/none' || fail "type is not ARPHRD_NONE"
echo "$info" | grep -q 'wireguard' || fail "link kind is not wireguard"
ip link set wg0 up
ip link show dev wg0 | grep -q 'qdisc noqueue' || fail "device has a qdisc"
ip link set wg0 mtu 1280
ip -o link show wg0 | grep -q 'mtu 1280 ' || fail "MTU change did not stick"
ip link del dev wg0
! ip link show wg0 2>/dev/null || fail "wg0 still exists after delete"

# Many devices, across namespaces, then unload with them still present.
make_ns ns1 ns2
for i in 0 1 2 3; do
	ip link add "wg$i" type wireguard
done
ip link set wg1 netns ns1
ip link set wg2 netns ns2
inns ns1 ip link show wg1 >/dev/null || fail "wg1 did not move"
ip netns del ns1
wait_for 10 bash -c '! ip netns list | grep -q ns1'

# Autoload by link kind: with no module loaded, ip link add loads ours.
unload_wireguard
! lsmod | grep -q '^wireguard ' || fail "module still loaded"
ip link add dev wg0 type wireguard || fail "autoload by link kind failed"
is_ours || fail "autoload picked a module that is not ours"
ip link del wg0
rmmod wireguard
! lsmod | grep -q '^wireguard ' || fail "rmmod did not unload"

# Autoload by genl family: asking for a device makes wg look the family
# up, which loads ours (the device itself does not exist).
! wg show wgnone >/dev/null 2>&1 || fail "wg show of a missing device succeeded"
is_ours || fail "autoload by genl family did not load our module"
rmmod wireguard
