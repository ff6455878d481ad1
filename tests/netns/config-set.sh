#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# wg set in its variants, syncconf, and wg-quick up/down/save.
. ./lib.bash

# grep that reads all its input: with pipefail, grep -q could SIGPIPE the
# writer and fail the pipeline although it matched.
grepq() { grep "$@" >/dev/null; }

umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wg_load_ours

ip link add dev wg0 type wireguard
wg genkey >"$tmp/priv"
wg genpsk >"$tmp/psk"
a=$(wg genkey | wg pubkey)
b=$(wg genkey | wg pubkey)

# Keys: set, then clear from /dev/null.
wg set wg0 private-key "$tmp/priv"
expect_eq "private key" "$(wg show wg0 private-key)" "$(cat "$tmp/priv")"
expect_eq "public key" "$(wg show wg0 public-key)" "$(wg pubkey <"$tmp/priv")"
wg set wg0 private-key /dev/null
expect_eq "cleared private key" "$(wg show wg0 private-key)" "(none)"
expect_eq "cleared public key" "$(wg show wg0 public-key)" "(none)"
wg set wg0 private-key "$tmp/priv"

wg set wg0 peer "$a" preshared-key "$tmp/psk" allowed-ips 10.0.0.1/32,10.0.0.2/32
expect_eq "psk" "$(wg show wg0 preshared-keys | cut -f2)" "$(cat "$tmp/psk")"
wg set wg0 peer "$a" preshared-key /dev/null
expect_eq "cleared psk" "$(wg show wg0 preshared-keys | cut -f2)" "(none)"

# Allowed IPs: wg set replaces the list of that peer.
wg set wg0 peer "$a" allowed-ips 10.0.0.3/32,fd00::3/128
expect_eq "replaced allowed IPs" "$(wg show wg0 allowed-ips | cut -f2)" "10.0.0.3/32 fd00::3/128"
wg set wg0 peer "$a" allowed-ips ""
expect_eq "emptied allowed IPs" "$(wg show wg0 allowed-ips | cut -f2)" "(none)"

# A prefix belongs to one peer: adding it to another moves it.
wg set wg0 peer "$a" allowed-ips 10.0.0.0/24,10.0.1.0/24
wg set wg0 peer "$b" allowed-ips 10.0.1.0/24
expect_eq "after take-over, a" "$(wg show wg0 allowed-ips | grep "^$a" | cut -f2)" "10.0.0.0/24"
expect_eq "after take-over, b" "$(wg show wg0 allowed-ips | grep "^$b" | cut -f2)" "10.0.1.0/24"

# Endpoints, keepalive.
wg set wg0 peer "$a" endpoint 192.0.2.9:1234 persistent-keepalive 7
wg set wg0 peer "$b" endpoint "[2001:db8::9]:4321"
expect_eq "endpoint a" "$(wg show wg0 endpoints | grep "^$a" | cut -f2)" "192.0.2.9:1234"
expect_eq "endpoint b" "$(wg show wg0 endpoints | grep "^$b" | cut -f2)" "[2001:db8::9]:4321"
expect_eq "keepalive" "$(wg show wg0 persistent-keepalive | grep "^$a" | cut -f2)" "7"
wg set wg0 peer "$a" persistent-keepalive off
expect_eq "keepalive off" "$(wg show wg0 persistent-keepalive | grep "^$a" | cut -f2)" "off"

# Remove a peer; its prefixes go with it.
wg set wg0 peer "$b" remove
expect_eq "peers after remove" "$(wg show wg0 peers)" "$a"
! wg show wg0 allowed-ips | grepq 10.0.1.0 || fail "removed peer's prefix survived"

# Our own public key as a peer is ignored; a private key whose public
# key is a peer's removes that peer.
wg set wg0 peer "$(wg show wg0 public-key)" allowed-ips 10.9.0.0/16
expect_eq "self as peer ignored" "$(wg show wg0 peers)" "$a"
wg genkey >"$tmp/priv2"
self2=$(wg pubkey <"$tmp/priv2")
wg set wg0 peer "$self2"
expect_eq "two peers" "$(wg show wg0 peers | wc -l)" 2
wg set wg0 private-key "$tmp/priv2"
expect_eq "peer with our new public key removed" "$(wg show wg0 peers)" "$a"

# Unknown devices.
! wg show doesnotexist 2>/dev/null || fail "wg show doesnotexist succeeded"
! wg set doesnotexist listen-port 1 2>/dev/null || fail "wg set doesnotexist succeeded"
ip link add dummy0 type dummy 2>/dev/null && {
	! wg show dummy0 2>/dev/null || fail "wg show on a dummy device succeeded"
	ip link del dummy0
}

# syncconf converges on the file, whatever was there before.
c=$(wg genkey | wg pubkey)
d=$(wg genkey | wg pubkey)
cat >"$tmp/sync.conf" <<CONF
[Interface]
PrivateKey = $(cat "$tmp/priv")
ListenPort = 40000

[Peer]
PublicKey = $a
AllowedIPs = 10.5.0.0/16
Endpoint = 192.0.2.5:5

[Peer]
PublicKey = $c
AllowedIPs = 10.6.0.0/16, fd06::/64
Endpoint = 192.0.2.6:6

[Peer]
PublicKey = $d
AllowedIPs = 10.7.0.1/32
CONF
wg set wg0 peer "$b" allowed-ips 10.5.0.0/16
wg syncconf wg0 "$tmp/sync.conf"
wg showconf wg0 >"$tmp/synced"
ip link add dev wg1 type wireguard
wg setconf wg1 "$tmp/sync.conf"
wg showconf wg1 >"$tmp/fresh"
ip link del wg1
diff -u "$tmp/fresh" "$tmp/synced" || fail "syncconf did not converge on the file"
ip link del wg0

# wg-quick on a config file. Run through bash: the VM may lack /bin/bash.
wgq() { bash "$(command -v wg-quick)" "$@"; }
mkdir -p /etc/wireguard
cat >/etc/wireguard/wgq.conf <<CONF
[Interface]
PrivateKey = $(cat "$tmp/priv")
Address = 10.44.0.1/24, fd44::1/64
ListenPort = 40001

[Peer]
PublicKey = $c
AllowedIPs = 10.45.0.0/16
Endpoint = 192.0.2.45:45
CONF
wgq up wgq || fail "wg-quick up failed"
ip -o addr show dev wgq | grepq 10.44.0.1/24 || fail "wg-quick did not add the address"
ip route show dev wgq | grepq 10.45.0.0/16 || fail "wg-quick did not route the allowed IPs"
expect_eq "wg-quick listen port" "$(wg show wgq listen-port)" 40001
wg set wgq peer "$d" allowed-ips 10.46.0.0/16
wgq save wgq || fail "wg-quick save failed"
grepq "PublicKey = $d" /etc/wireguard/wgq.conf || fail "wg-quick save lost the new peer"
grepq "AllowedIPs = 10.46.0.0/16" /etc/wireguard/wgq.conf || fail "wg-quick save lost allowed IPs"
wgq down wgq || fail "wg-quick down failed"
! ip link show wgq 2>/dev/null || fail "wgq still exists after wg-quick down"
wgq up wgq || fail "wg-quick up of the saved config failed"
expect_eq "peers after save and up" "$(wg show wgq peers | wc -l)" 2
wgq down wgq
rm -f /etc/wireguard/wgq.conf
