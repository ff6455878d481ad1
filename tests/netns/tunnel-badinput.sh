#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input on the wire: truncated, extended, bit-flipped and random
# copies of a real initiation and a real data message sent to a device's
# port are all dropped without moving its counters, and the tunnel still
# works afterwards.
. ./lib.sh
. ./tunnel.bash

wg_load_ours
tunnel_pair 127.0.0.1
wait_for 15 pings ns1 192.168.241.2

# capture FILE: what wg1 sends to its peer's endpoint, caught on 10009.
capture_start() {
	rm -f "$1"
	# Not through inns: $! must be ncat itself (ip netns exec execs it).
	ip netns exec ns0 ncat -u -l --recv-only 127.0.0.1 10009 >"$1" 2>/dev/null </dev/null &
	catcher=$!
	trap capture_stop EXIT
	wait_for 5 bash -c "ip netns exec ns0 ss -uan | grep -q ':10009 '"
}
capture_stop() {
	kill "$catcher" 2>/dev/null || true
	wait "$catcher" 2>/dev/null || true
	trap - EXIT
	wait_for 5 bash -c "! ip netns exec ns0 ss -uan | grep -q ':10009 '"
}
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
at_least() { [ "$(size "$1")" -ge "$2" ]; } # at_least FILE BYTES

# A fresh initiation, sent to the catcher.
capture_start /tmp/init.bin
inns ns1 wg set wg1 peer "$pub2" remove
inns ns1 wg set wg1 peer "$pub2" allowed-ips 192.168.241.2/32,fd00::2/128 \
	endpoint 127.0.0.1:10009
inns ns1 ping -c 1 -W 1 192.168.241.2 >/dev/null 2>&1 || true
wait_for 10 at_least /tmp/init.bin 148
capture_stop
inns ns1 wg set wg1 peer "$pub2" endpoint 127.0.0.1:10002
wait_for 15 pings ns1 192.168.241.2

# A data message (a 228-byte ping padded to 240, plus 32), to the catcher;
# a keepalive may come before it, so it is the last 272 bytes.
capture_start /tmp/data.bin
inns ns1 wg set wg1 peer "$pub2" endpoint 127.0.0.1:10009
inns ns1 ping -c 1 -s 200 -W 1 192.168.241.2 >/dev/null 2>&1 || true
wait_for 10 at_least /tmp/data.bin 272
capture_stop
inns ns1 wg set wg1 peer "$pub2" endpoint 127.0.0.1:10002
pings ns1 192.168.241.2 || fail "tunnel broken after the captures"

hex() { od -An -v -tx1 "$1" | tr -s ' \n' ' ' | sed 's/^ //'; }
read -r -a init <<<"$(hex /tmp/init.bin)"
tail -c 272 /tmp/data.bin >/tmp/data1.bin
read -r -a data <<<"$(hex /tmp/data1.bin)"
init=("${init[@]:0:148}")
expect_eq "captured initiation type" "${init[*]:0:4}" "01 00 00 00"
expect_eq "captured data type" "${data[*]:0:4}" "04 00 00 00"

# Datagrams are collected as lines of \xHH escapes, then sent from ns0 by
# one bash: each printf to its /dev/udp socket is one datagram.
: >/tmp/datagrams
send() { # send HEXBYTES...
	printf '\\x%s' "$@" >>/tmp/datagrams
	echo >>/tmp/datagrams
}
randhex() { # randhex COUNT
	od -An -v -tx1 -N "$1" /dev/urandom | tr -s ' \n' ' ' | sed 's/^ //'
}
flip() { # flip POS HEXBYTES...: the bytes with POS xor'd by a random nonzero
	local pos=$1 b
	shift
	local bytes=("$@")
	b=$(( (0x${bytes[pos]} ^ (1 + RANDOM % 255)) & 255 ))
	bytes[pos]=$(printf '%02x' "$b")
	echo "${bytes[*]}"
}

before_transfer=$(transfer ns2 wg2)
before_rx=$(inns ns2 cat /sys/class/net/wg2/statistics/rx_packets)

for len in 1 3 4 5 16 91 93 147; do
	send "${init[@]:0:len}"
done
send "${init[@]}" 00
for len in 4 16 31 127 271; do
	send "${data[@]:0:len}"
done
# Flips before mac1 break mac1; anywhere in a data message breaks the tag.
for _ in $(seq 1 40); do
	# shellcheck disable=SC2046
	send $(flip $((RANDOM % 116)) "${init[@]}")
	# shellcheck disable=SC2046
	send $(flip $((RANDOM % 272)) "${data[@]}")
done
for len in 148 92 64 32 128 1400; do
	# shellcheck disable=SC2046
	send $(randhex "$len")
done
# Right type and size, random content.
for t in 01:148 02:92 03:64 04:32 04:128; do
	# shellcheck disable=SC2046
	send "${t%%:*}" 00 00 00 $(randhex $((${t#*:} - 4)))
done
# shellcheck disable=SC2016
ip netns exec ns0 bash -c 'exec 3>/dev/udp/127.0.0.1/10002
	while read -r line; do printf "$line" >&3; done' </tmp/datagrams
echo "sent $(wc -l </tmp/datagrams) bad datagrams"

# Let the handshake worker drain, then nothing the bad input carried may
# have been accepted. On a slow kernel a real keepalive (32 bytes, counted
# like every authenticated message) may legitimately pass meanwhile:
# transfer may only have moved by whole keepalives, and rx_packets by
# exactly the keepalives received.
sleep 1
read -r rx0 tx0 <<<"$before_transfer"
read -r rx1 tx1 <<<"$(transfer ns2 wg2)"
for d in $((rx1 - rx0)) $((tx1 - tx0)); do
	if [ $((d % 32)) != 0 ] || [ "$d" -gt 128 ]; then
		fail "wg2 transfer moved by bad input: '$before_transfer' -> '$rx1 $tx1'"
	fi
done
expect_eq "wg2 rx_packets after bad input (keepalives only)" \
	"$(inns ns2 cat /sys/class/net/wg2/statistics/rx_packets)" \
	"$((before_rx + (rx1 - rx0) / 32))"
pings ns1 192.168.241.2 3 || fail "tunnel broken after bad input"
pings ns2 192.168.241.1 3 || fail "tunnel broken after bad input (back)"
