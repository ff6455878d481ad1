#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# wg setconf / showconf round trip of a full configuration, compared with
# what the distribution's in-kernel module reports for the same input.
. ./lib.bash

# grep that reads all its input: with pipefail, grep -q could SIGPIPE the
# writer and fail the pipeline although it matched.
grepq() { grep "$@" >/dev/null; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

priv=$(wg genkey)
for i in 1 2 3; do
	eval "pub$i=\$(wg genkey | wg pubkey)"
	eval "psk$i=\$(wg genpsk)"
done
# shellcheck disable=SC2154 # pub1..3 and psk1..3 are assigned by the eval above
cat >"$tmp/wg0.conf" <<CONF
[Interface]
PrivateKey = $priv
ListenPort = 51820
FwMark = 0x1234

[Peer]
PublicKey = $pub1
PresharedKey = $psk1
AllowedIPs = 10.0.0.5/24, fd00::1/64, 192.168.7.7/32
Endpoint = 192.0.2.1:51821
PersistentKeepalive = 25

[Peer]
PublicKey = $pub2
PresharedKey = $psk2
AllowedIPs = 10.1.0.0/16, 2001:db8::/32, ::/0
Endpoint = [2001:db8::1]:51822

[Peer]
PublicKey = $pub3
AllowedIPs = 0.0.0.0/0, 10.0.0.7/32
Endpoint = 198.51.100.3:1
PersistentKeepalive = 65535
CONF

# showconf of a fresh wg0 configured from the file, in the loaded module.
roundtrip() {
	ip link add dev wg0 type wireguard
	wg setconf wg0 "$tmp/wg0.conf" || fail "wg setconf failed"
	wg showconf wg0 >"$tmp/$1.out" || fail "wg showconf failed"
	wg show wg0 dump >"$tmp/$1.dump" || fail "wg show dump failed"
	ip link set wg0 up
	wg showconf wg0 >"$tmp/$1.up.out" || fail "wg showconf (up) failed"
	ip link del dev wg0
}

have_distro=1
(wg_load_distro) >/dev/null 2>&1 || have_distro=0
if [ "$have_distro" = 1 ]; then
	wg_load_distro
	roundtrip distro
fi
wg_load_ours
roundtrip ours
cat "$tmp/ours.out"

grepq "^AllowedIPs = 10.0.0.0/24, fd00::/64, 192.168.7.7/32$" "$tmp/ours.out" ||
	fail "host bits were not masked off"
grepq "^FwMark = 0x1234$" "$tmp/ours.out" || fail "fwmark lost"
grepq "^ListenPort = 51820$" "$tmp/ours.up.out" || fail "listen port lost"
grepq "^Endpoint = \[2001:db8::1\]:51822$" "$tmp/ours.out" || fail "IPv6 endpoint lost"
[ "$(grep -c '^PresharedKey' "$tmp/ours.out")" = 2 ] || fail "preshared keys wrong"
# The one without a preshared key reports it as all zero ("(none)").
[ "$(awk -F'\t' 'NR > 1 && $2 == "(none)"' "$tmp/ours.dump" | wc -l)" = 1 ] ||
	fail "unset preshared key not reported as zero"

if [ "$have_distro" = 1 ]; then
	diff -u "$tmp/distro.out" "$tmp/ours.out" || fail "showconf differs from the distro module"
	diff -u "$tmp/distro.up.out" "$tmp/ours.up.out" || fail "showconf (up) differs from the distro module"
	diff -u "$tmp/distro.dump" "$tmp/ours.dump" || fail "show dump differs from the distro module"
else
	echo "no distro module: compared with expectations only"
fi

# The listen port is really bound, for both families, and goes with down.
ip link add dev wg0 type wireguard
wg set wg0 listen-port 51999
ip link set wg0 up
ss -uan -4 | grepq ':51999 ' || fail "no IPv4 socket on 51999"
ss -uan -6 | grepq ':51999 ' || fail "no IPv6 socket on 51999"
wg set wg0 listen-port 52000
ss -uan | grepq ':52000 ' || fail "rebind to 52000 did not happen"
! ss -uan | grepq ':51999 ' || fail "old port 51999 still bound"
wg set wg0 listen-port 0
port=$(wg show wg0 listen-port)
[ "$port" != 0 ] && [ "$port" != 52000 ] || fail "listen-port 0 did not pick a random port ($port)"
[ "$(ss -uan | grep -c ":$port ")" = 2 ] || fail "random port $port not bound on both families"
ip link set wg0 down
! ss -uan | grepq ":$port " || fail "sockets stay open while down"
[ "$(wg show wg0 listen-port)" = 0 ] || fail "configured port is not reported while down"
ip link del wg0
