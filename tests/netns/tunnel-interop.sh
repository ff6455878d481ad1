#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel: skip wireguard-go under KASAN takes minutes; the protocol is the same on every kernel
#
# Interop with wireguard-go in the same VM: each side initiating, with
# and without a preshared key, IPv4 inside over an IPv4 veth and IPv6
# inside over IPv6.
. ./lib.bash
. ./tunnel.bash

command -v wireguard-go >/dev/null || skip "no wireguard-go"
wg_load_ours
make_ns ns1 ns2
veth_link ns1 veth1 10.9.0.1/24,fd09::1/64 ns2 veth2 10.9.0.2/24,fd09::2/64

key1=$(wg genkey)
key2=$(wg genkey)
pub1=$(echo "$key1" | wg pubkey)
pub2=$(echo "$key2" | wg pubkey)
psk=$(wg genpsk)

inns ns1 ip link add wg1 type wireguard
inns ns1 wg set wg1 listen-port 20001 private-key <(echo "$key1")
inns ns1 ip addr add 192.168.242.1/24 dev wg1
inns ns1 ip addr add fd01::1/64 dev wg1 nodad
inns ns1 ip link set wg1 up

modprobe tun 2>/dev/null || true
[ -c /dev/net/tun ] || { mkdir -p /dev/net && mknod /dev/net/tun c 10 200; }
mkdir -p /var/run/wireguard
WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 \
	ip netns exec ns2 wireguard-go -f wg2 >/tmp/wireguard-go.log 2>&1 &
gopid=$!
trap 'kill $gopid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	inns ns2 wg show wg2 >/dev/null 2>&1 && break
	sleep 0.1
done
if ! inns ns2 wg show wg2 >/dev/null 2>&1; then
	# The debug kernel lacks what wireguard-go's control socket needs.
	grep -q 'uapi socket: function not implemented' /tmp/wireguard-go.log &&
		skip "wireguard-go cannot run on this kernel: $(tail -1 /tmp/wireguard-go.log)"
	fail "wireguard-go did not start: $(cat /tmp/wireguard-go.log)"
fi
inns ns2 wg set wg2 listen-port 20002 private-key <(echo "$key2")
inns ns2 ip addr add 192.168.242.2/24 dev wg2
inns ns2 ip addr add fd01::2/64 dev wg2 nodad
inns ns2 ip link set wg2 up

# configure WITH_PSK OUTER: fresh peers on both sides, no session yet.
configure() {
	local pskarg=() e1=10.9.0.2 e2=10.9.0.1
	[ "$2" = 6 ] && { e1='[fd09::2]'; e2='[fd09::1]'; }
	inns ns1 wg set wg1 peer "$pub2" remove
	inns ns2 wg set wg2 peer "$pub1" remove
	[ "$1" = yes ] && pskarg=(preshared-key /tmp/psk)
	inns ns1 wg set wg1 peer "$pub2" "${pskarg[@]}" endpoint "$e1:20002" \
		allowed-ips 192.168.242.2/32,fd01::2/128
	inns ns2 wg set wg2 peer "$pub1" "${pskarg[@]}" endpoint "$e2:20001" \
		allowed-ips 192.168.242.1/32,fd01::1/128
}
echo "$psk" >/tmp/psk

for withpsk in no yes; do
	for outer in 4 6; do
		what="psk=$withpsk outer=IPv$outer"
		configure $withpsk $outer
		wait_for 15 pings ns1 192.168.242.2
		handshake_done ns1 wg1 || fail "ours initiating, $what: no handshake"
		pings ns2 192.168.242.1 3 || fail "ours initiating, $what: ping back"
		pings ns1 fd01::2 3 || fail "ours initiating, $what: ping6"

		configure $withpsk $outer
		wait_for 15 pings ns2 192.168.242.1
		handshake_done ns1 wg1 || fail "go initiating, $what: no handshake"
		pings ns1 192.168.242.2 3 || fail "go initiating, $what: ping back"
		pings ns2 fd01::1 3 || fail "go initiating, $what: ping6"
	done
done

# A preshared key on one side only: no session may come up.
inns ns1 wg set wg1 peer "$pub2" remove
inns ns1 wg set wg1 peer "$pub2" preshared-key /tmp/psk endpoint 10.9.0.2:20002 \
	allowed-ips 192.168.242.2/32
inns ns2 wg set wg2 peer "$pub1" remove
inns ns2 wg set wg2 peer "$pub1" endpoint 10.9.0.1:20001 allowed-ips 192.168.242.1/32
! inns ns1 ping -q -c 3 -W 1 192.168.242.2 >/dev/null 2>&1 ||
	fail "a session came up with mismatched preshared keys"
handshake_done ns1 wg1 && fail "handshake recorded with mismatched preshared keys"

kill $gopid
wait $gopid 2>/dev/null || true
trap - EXIT
