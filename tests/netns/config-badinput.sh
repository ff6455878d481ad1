#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed netlink requests get the right errno (genl-fuzz.c), the flags
# wg 1.0.20210914 cannot send (WGALLOWEDIP_F_REMOVE_ME, WGPEER_F_UPDATE_ONLY)
# do what they say, random requests crash nothing, and the device still
# round-trips a configuration afterwards.
. ./lib.bash

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v genl-fuzz >/dev/null || fail "genl-fuzz is not on PATH"
wg_load_ours
ip link add dev wg0 type wireguard

genl-fuzz errors wg0 || fail "some malformed request got the wrong errno"

ips_of() { wg show wg0 allowed-ips | grep "^$1" | cut -f2; }
a=$(wg genkey | wg pubkey)
b=$(wg genkey | wg pubkey)
wg set wg0 peer "$a" allowed-ips 10.0.0.0/24,10.0.1.0/24,fd00::/64 \
	peer "$b" allowed-ips 10.0.2.0/24
genl-fuzz remove-ip wg0 "$a" 10.0.0.0/24 || fail "REMOVE_ME request failed"
expect_eq "after REMOVE_ME" "$(ips_of "$a")" "10.0.1.0/24 fd00::/64"
genl-fuzz remove-ip wg0 "$a" 10.0.2.0/24 || fail "REMOVE_ME of another's prefix failed"
expect_eq "another peer's prefix" "$(ips_of "$b")" "10.0.2.0/24"
genl-fuzz remove-ip wg0 "$a" 10.0.1.9/24 || fail "REMOVE_ME with host bits failed"
expect_eq "after REMOVE_ME with host bits" "$(ips_of "$a")" "fd00::/64"
genl-fuzz remove-ip wg0 "$a" fd00::/64 || fail "REMOVE_ME of IPv6 failed"
genl-fuzz remove-ip wg0 "$a" 10.9.9.9/32 || fail "REMOVE_ME of an absent prefix failed"
expect_eq "all removed" "$(ips_of "$a")" "(none)"

c=$(wg genkey | wg pubkey)
genl-fuzz update-only wg0 "$c" 9 || fail "UPDATE_ONLY request failed"
expect_eq "UPDATE_ONLY created nothing" "$(wg show wg0 peers | wc -l)" 3
genl-fuzz update-only wg0 "$a" 9 || fail "UPDATE_ONLY of an existing peer failed"
expect_eq "UPDATE_ONLY updated" "$(wg show wg0 persistent-keepalive | grep "^$a" | cut -f2)" 9

# Random requests, the device up so port changes rebind sockets.
ip link set wg0 up
seed=${GENL_FUZZ_SEED:-$RANDOM}
echo "fuzz seed $seed"
genl-fuzz random wg0 3000 "$seed" || fail "the module misbehaved under random requests (seed $seed)"

# Still works: the same configuration on the fuzzed and on a fresh device.
cat >"$tmp/conf" <<CONF
[Interface]
PrivateKey = $(wg genkey)
ListenPort = 43210
FwMark = off

[Peer]
PublicKey = $a
PresharedKey = $(wg genpsk)
AllowedIPs = 10.0.0.0/8, fd00::/8
Endpoint = 192.0.2.1:1

[Peer]
PublicKey = $c
AllowedIPs = 192.168.0.0/16
PersistentKeepalive = 5
CONF
wg setconf wg0 "$tmp/conf" || fail "setconf after the fuzz failed"
wg showconf wg0 >"$tmp/fuzzed"
ip link add dev wg1 type wireguard
wg setconf wg1 "$tmp/conf"
wg showconf wg1 >"$tmp/fresh"
diff -u "$tmp/fresh" "$tmp/fuzzed" || fail "the fuzzed device does not round-trip"
ip link del wg1
ip link del wg0
