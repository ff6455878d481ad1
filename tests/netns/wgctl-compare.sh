#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel: skip compares wgctl's output with wg's, nothing in the kernel the config tests do not cover
# kernel 6.1: skip wgctl's output against wg's runs on 6.12 only, to keep CI inside its time: userspace, the same on every kernel
# kernel 7.2: skip wgctl's output against wg's runs on 6.12 only, to keep CI inside its time: userspace, the same on every kernel
#
# wgctl against wg(8) on the same devices: show, show dump, every show field,
# showconf, and setconf, byte for byte, for small and large configurations
# (one peer with thousands of allowed IPs, 40 peers x 52 allowed IPs).
. ./lib.bash

wg_load_ours

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# same WHAT CMD...: run CMD with wg and with wgctl, the outputs must match;
# differences are counted in $differ and reported at the end of compare_all
differ=0
same() {
	local what=$1
	shift
	wg "$@" >"$tmp/wg.out" 2>&1 || fail "$what: wg $* failed: $(cat "$tmp/wg.out")"
	wgctl "$@" >"$tmp/wgctl.out" 2>&1 || fail "$what: wgctl $* failed: $(cat "$tmp/wgctl.out")"
	if ! cmp -s "$tmp/wg.out" "$tmp/wgctl.out"; then
		echo "$what: 'wgctl $*' differs from 'wg $*':" >&2
		diff "$tmp/wg.out" "$tmp/wgctl.out" | head -20 | cat -A >&2
		differ=$((differ + 1))
	fi
}

compare_all() {
	local what=$1 f
	same "$what" show
	same "$what" show all
	same "$what" show wg0
	same "$what" show interfaces
	same "$what" showconf wg0
	same "$what" show wg0 dump
	same "$what" show all dump
	for f in public-key private-key listen-port fwmark peers preshared-keys endpoints \
		allowed-ips latest-handshakes persistent-keepalive transfer; do
		same "$what" show wg0 "$f"
		same "$what" show all "$f"
	done
	WG_HIDE_KEYS=never same "$what (keys shown)" show
	[ "$differ" = 0 ] || fail "$what: $differ outputs differ"
}

# check_config NAME FILE: wg setconf and wgctl setconf give the same device,
# and every view of it is the same through both tools.
check_config() {
	local name=$1 file=$2
	ip link del wg0 2>/dev/null || true
	ip link add wg0 type wireguard
	wg setconf wg0 "$file" || fail "$name: wg setconf failed"
	wg showconf wg0 >"$tmp/by-wg.conf"
	ip link del wg0
	ip link add wg0 type wireguard
	wgctl setconf wg0 "$file" || fail "$name: wgctl setconf failed"
	wg showconf wg0 >"$tmp/by-wgctl.conf"
	if ! cmp -s "$tmp/by-wg.conf" "$tmp/by-wgctl.conf"; then
		diff "$tmp/by-wg.conf" "$tmp/by-wgctl.conf" | head -20 >&2
		fail "$name: wgctl setconf configured a different device than wg setconf"
	fi
	compare_all "$name"
	echo "ok: $name ($(wc -l <"$file") lines)"
}

key() { wgctl genkey; }
pub() { wgctl genkey | wgctl pubkey; }

# 0. no wireguard device at all
same "no devices" show
same "no devices" show all dump
same "no devices" show interfaces
same "no devices" show all peers
[ "$differ" = 0 ] || fail "no devices: $differ outputs differ"

# 1. an empty device, then one with only a listen port
ip link add wg0 type wireguard
compare_all "empty device"
ip link add wg1 type wireguard
compare_all "two empty devices"
ip link del wg1
printf '[Interface]\nListenPort = 51820\n' >"$tmp/port.conf"
check_config "listen port only" "$tmp/port.conf"

# 2. a mixed configuration: every field, IPv4 and IPv6, peers without
# allowed IPs or endpoint, comments, odd spacing and case
cat >"$tmp/mixed.conf" <<EOF
# a comment
[Interface]
PrivateKey = $(key)
  listenport=51821   # trailing comment
FwMark = 0x1234

[Peer]
PublicKey = $(pub)
PresharedKey = $(wgctl genpsk)
AllowedIPs = 10.0.0.2/32, 10.10.0.0/16, fd00::2/128
AllowedIPs = 192.168.7.0/24
Endpoint = 192.0.2.1:51820
PersistentKeepalive = 25

[peer]
PublicKey = $(pub)
Endpoint = [2001:db8::1]:4242
AllowedIPs = ::/0, 0.0.0.0/0
persistentkeepalive = 60

[Peer]
PublicKey = $(pub)

[Peer]
PublicKey = $(pub)
AllowedIPs = 10.0.0.7
PersistentKeepalive = 3700
Endpoint = 198.51.100.9:1
EOF
check_config "mixed" "$tmp/mixed.conf"

# 3. the same through wgctl set, field by field, and a second device
ip link add wg1 type wireguard
k=$(pub)
echo "$(key)" >"$tmp/priv"
wgctl set wg1 listen-port 0 fwmark off private-key "$tmp/priv" \
	peer "$k" endpoint 203.0.113.5:7 allowed-ips 10.1.0.0/24,fd01::/64 persistent-keepalive 1
compare_all "two devices"
expect_eq "set endpoint" "$(wg show wg1 endpoints | cut -f2)" "203.0.113.5:7"
expect_eq "set allowed-ips" "$(wg show wg1 allowed-ips | cut -f2)" "10.1.0.0/24 fd01::/64"
expect_eq "set keepalive" "$(wg show wg1 persistent-keepalive | cut -f2)" "1"
expect_eq "set fwmark" "$(wg show wg1 fwmark)" "off"
wgctl set wg1 peer "$k" allowed-ips 10.2.0.0/16 persistent-keepalive off
expect_eq "allowed-ips replace" "$(wg show wg1 allowed-ips | cut -f2)" "10.2.0.0/16"
expect_eq "keepalive off" "$(wg show wg1 persistent-keepalive | cut -f2)" "off"
wgctl set wg1 private-key /dev/null peer "$k" remove
expect_eq "private key removed" "$(wg show wg1 private-key)" "(none)"
expect_eq "peer removed" "$(wg show wg1 peers)" ""
ip link del wg1

# 4. one peer with thousands of allowed IPs (split over many messages)
{
	printf '[Interface]\nPrivateKey = %s\nListenPort = 51822\n\n[Peer]\nPublicKey = %s\n' "$(key)" "$(pub)"
	for a in $(seq 0 15); do
		printf 'AllowedIPs = '
		for b in $(seq 0 249); do
			printf '10.%d.%d.0/24, ' "$a" "$b"
		done
		printf 'fd00:%x::/32\n' "$a"
	done
	printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 172.16.0.1/32\n' "$(pub)"
} >"$tmp/big-peer.conf"
check_config "one peer, 4016 allowed IPs" "$tmp/big-peer.conf"
n=$(wgctl show wg0 allowed-ips | head -1 | wc -w)
expect_eq "allowed IPs of the big peer" "$n" 4017

# dumps interrupted by concurrent changes (NLM_F_DUMP_INTR) are retried:
# every read sees the whole device, never a mix
other=$(wg show wg0 peers | tail -1)
t0=${EPOCHREALTIME/./}
wgctl show wg0 allowed-ips >/dev/null
echo "one dump of the big device takes $(((${EPOCHREALTIME/./} - t0) / 1000)) ms"
(
	for i in $(seq 1 8); do
		sleep 1
		wg set wg0 peer "$other" endpoint "192.0.2.$i:1"
	done
) &
churn=$!
reads=0
while kill -0 "$churn" 2>/dev/null; do
	wgctl show wg0 allowed-ips >"$tmp/aips" || fail "show during changes failed"
	reads=$((reads + 1))
	expect_eq "peers seen during changes (read $reads)" "$(wc -l <"$tmp/aips")" 2
	expect_eq "allowed IPs seen during changes (read $reads)" "$(head -1 "$tmp/aips" | wc -w)" 4017
done
wait "$churn"
echo "ok: $reads consistent dumps under concurrent changes"

# 5. 40 peers x 52 allowed IPs
{
	printf '[Interface]\nPrivateKey = %s\nListenPort = 51823\n' "$(key)"
	for p in $(seq 1 40); do
		printf '\n[Peer]\nPublicKey = %s\nPresharedKey = %s\nEndpoint = 192.0.2.%d:%d\nAllowedIPs = ' \
			"$(pub)" "$(wgctl genpsk)" "$p" $((10000 + p))
		for i in $(seq 1 52); do
			[ "$i" = 1 ] || printf ', '
			printf '10.%d.%d.0/24' "$p" "$i"
		done
		printf '\n'
	done
} >"$tmp/many-peers.conf"
check_config "40 peers x 52 allowed IPs" "$tmp/many-peers.conf"
expect_eq "peer count" "$(wgctl show wg0 peers | wc -l)" 40

# 6. addconf on top of a configuration gives what wg addconf gives
printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.99.0.0/16\n' "$(pub)" >"$tmp/add.conf"
wg addconf wg0 "$tmp/add.conf"
wg showconf wg0 >"$tmp/add-wg.conf"
wgctl setconf wg0 "$tmp/many-peers.conf"
wgctl addconf wg0 "$tmp/add.conf"
wg showconf wg0 >"$tmp/add-wgctl.conf"
cmp -s "$tmp/add-wg.conf" "$tmp/add-wgctl.conf" || fail "addconf: wgctl and wg differ"
expect_eq "peer count after addconf" "$(wgctl show wg0 peers | wc -l)" 41
echo "ok: addconf"
