#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kernel 6.1: skip the race is for KASAN: it runs on the debug kernel, and on 7.2 for the stock build
# kernel 6.12: skip the race is for KASAN: it runs on the debug kernel, and on 7.2 for the stock build
#
# Both ends initiate at the same moment, over and over (90 s; 150 s on the
# debug kernel), while each removes and re-adds the other. Every round
# starts a fresh handshake on both sides at once (a new peer sends its
# first initiation without waiting), so an initiation and a response of
# one peer move its index in the table concurrently, and peers are freed
# while the other side's messages still name their indices. A mistake shows as a KASAN or list report (debug
# kernel) or as a tunnel that never comes back.
. ./lib.bash
. ./tunnel.bash

wg_load_ours
tunnel_pair

# As many rounds as fit in this time (each round is four `wg` runs).
seconds=90
debug_kernel && seconds=150

readd() { # readd NS DEV PUB ALLOWED PORT
	inns "$1" wg set "$2" peer "$3" remove
	inns "$1" wg set "$2" peer "$3" allowed-ips "$4" endpoint "127.0.0.1:$5"
}

# Traffic both ways all the time: a re-added peer initiates at once.
inns ns1 ping -q -i 0.02 192.168.241.2 >/dev/null 2>&1 &
p1=$!
inns ns2 ping -q -i 0.02 192.168.241.1 >/dev/null 2>&1 &
p2=$!
trap 'kill $p1 $p2 2>/dev/null || true' EXIT

end=$(($(date +%s) + seconds))
for ((i = 0; $(date +%s) < end; i++)); do
	readd ns1 wg1 "$pub2" 192.168.241.2/32,fd00::2/128 10002 &
	a=$!
	readd ns2 wg2 "$pub1" 192.168.241.1/32,fd00::1/128 10001 &
	b=$!
	wait $a || fail "round $i: re-adding the peer in ns1 failed"
	wait $b || fail "round $i: re-adding the peer in ns2 failed"
done
echo "$i rounds of simultaneous re-adds in ${seconds}s"
[ "$i" -ge 50 ] || fail "only $i rounds in ${seconds}s"

kill $p1 $p2 2>/dev/null || true
trap - EXIT
# The last pair of peers completes, and carries traffic both ways.
wait_for 30 pings ns1 192.168.241.2
pings ns2 192.168.241.1 3 || fail "no traffic back after the races"
handshake_done ns1 wg1 || fail "no handshake recorded in ns1"
