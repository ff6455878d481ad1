#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Wire fuzz: 200,000 random, truncated, extended, bit-flipped, type-swapped
# and replayed copies of real captured messages of all four types, each
# sent to the tunnel end it was meant for. Nothing is answered except, by
# a device under load, with cookie replies to copies whose mac1 is still
# valid; no handshake response (replayed initiations fail the timestamp
# check); no counter of either end moves; the tunnel works afterwards.
. ./lib.bash
. ./tunnel.bash

count=200000
debug_kernel && count=20000

wg_load_ours
tunnel_pair 127.0.0.1
# wg3: a third peer of both ends that stays quiet until the end, when its
# handshakes tell that both ends have worked through their queues.
key3=$(wg genkey)
pub3=$(echo "$key3" | wg pubkey)
make_ns ns3
inns ns0 ip link add wg3 type wireguard
inns ns0 ip link set wg3 netns ns3
inns ns3 wg set wg3 listen-port 10003 private-key <(echo "$key3") \
	peer "$pub1" allowed-ips 192.168.241.1/32 endpoint 127.0.0.1:10001 \
	peer "$pub2" allowed-ips 192.168.241.2/32 endpoint 127.0.0.1:10002
inns ns3 ip addr add 192.168.241.3/24 dev wg3
inns ns3 ip link set wg3 up
inns ns1 wg set wg1 peer "$pub3" allowed-ips 192.168.241.3/32
inns ns2 wg set wg2 peer "$pub3" allowed-ips 192.168.241.3/32

# Capture: both ends talk through a relay on port 10009 that keeps the
# first message of each kind. A keepalive starts the handshake (so the
# first data message is an empty one), then a ping is a real data message.
# Everything reaches its end, so an exact copy later is a replay.
dir=/tmp/capture
mkdir -p $dir
inns ns1 wg set wg1 peer "$pub2" endpoint 127.0.0.1:10009
inns ns2 wg set wg2 peer "$pub1" endpoint 127.0.0.1:10009
# Not through inns: $! must be the tool itself (ip netns exec execs it).
ip netns exec ns0 wire-fuzz relay 10009 10001 10002 $dir >/tmp/relay.log 2>&1 &
relay=$!
fuzz=
finish() {
	kill ${relay:+"$relay"} ${fuzz:+"$fuzz"} 2>/dev/null || true
}
trap finish EXIT
wait_for 10 grep -q ready /tmp/relay.log
inns ns1 wg set wg1 peer "$pub2" persistent-keepalive 25
wait_for 20 test -e $dir/keepalive.bin
inns ns1 wg set wg1 peer "$pub2" persistent-keepalive 0
pings ns1 192.168.241.2 || fail "no ping through the relay"
wait_for 10 test -e $dir/data.bin
kill $relay
wait $relay || true
relay=
inns ns1 wg set wg1 peer "$pub2" endpoint 127.0.0.1:10002
inns ns2 wg set wg2 peer "$pub1" endpoint 127.0.0.1:10001

# A cookie reply: copies of the initiation (replays, refused by their
# timestamp, after the work of a DH each) sent in bursts until wg2 is
# under load and answers with one.
# On the debug kernel the sender is no faster than wg2 (KASAN slows the
# path to the queue, not the DH), so wg2 never comes under load: there, a
# cookie reply of the right shape stands in, naming the initiation's live
# sender index, with a random nonce and sealed cookie.
if ! inns ns0 wire-fuzz xchg 10008 10002 $dir/init.bin 2000 3 $dir/cookie.bin \
	"$(debug_kernel && echo 20 || echo 60)"; then
	debug_kernel || fail "no cookie reply from wg2 under load"
	echo "no cookie reply on this kernel: fuzzing a made-up one"
	{
		printf '\x03\x00\x00\x00'
		dd if=$dir/init.bin bs=1 skip=4 count=4 2>/dev/null
		head -c 56 /dev/urandom
	} >$dir/cookie.bin
	expect_eq "made-up cookie reply size" "$(stat -c %s $dir/cookie.bin)" 64
fi
# The tunnel survives the bursts; a slow kernel may still be working
# through their backlog, hence the wait.
wait_for 60 pings ns1 192.168.241.2
wait_for 60 pings ns2 192.168.241.1
for f in init resp cookie keepalive data; do
	echo "$f: $(od -An -v -tx1 -N 24 $dir/$f.bin | tr -s ' \n' ' ')... ($(stat -c %s $dir/$f.bin) bytes)"
done

# peer_transfer NS DEV KEY: "rx tx" bytes of the peer KEY.
peer_transfer() {
	inns "$1" wg show "$2" transfer | awk -v k="$3" '$1 == k { print $2, $3 }'
}
# The device counts every message a peer authenticated and nothing else:
# its rx_bytes equal the sum of its peers' (none is ever removed here).
# Read in between two readings of the device that agree, so no message
# can arrive unseen while we read; wait for such a moment, with a bound.
counts_match() { # counts_match NS DEV
	local d1 p d2
	d1=$(inns "$1" cat "/sys/class/net/$2/statistics/rx_bytes")
	p=$(inns "$1" wg show "$2" transfer | awk '{ s += $2 } END { print s + 0 }')
	d2=$(inns "$1" cat "/sys/class/net/$2/statistics/rx_bytes")
	echo "$2: device $d1..$d2, peers $p"
	[ "$d1" = "$p" ] && [ "$p" = "$d2" ]
}
device_counts_peers() { # device_counts_peers NS DEV
	wait_for 30 counts_match "$1" "$2"
}
before1=$(peer_transfer ns1 wg1 "$pub2")
before2=$(peer_transfer ns2 wg2 "$pub1")
device_counts_peers ns1 wg1
device_counts_peers ns2 wg2

start=$(date +%s)
ip netns exec ns0 wire-fuzz fuzz 10007 "$count" 0 $dir 10001 "$pub1" 10002 "$pub2" \
	>/tmp/fuzz.log 2>&1 &
fuzz=$!
wait_for 600 grep -q '^sent ' /tmp/fuzz.log
echo "sent in $(($(date +%s) - start)) s"
# wg3's handshakes queue up behind everything sent, so once both are done,
# both ends have dealt with all of it.
inns ns3 wg set wg3 peer "$pub1" persistent-keepalive 1 peer "$pub2" persistent-keepalive 1
sentinel_done() {
	[ "$(inns ns3 wg show wg3 latest-handshakes | awk '$2 != 0' | wc -l)" = 2 ]
}
wait_for 120 sentinel_done
# From here on quiet, so the counters come to rest.
inns ns3 wg set wg3 peer "$pub1" persistent-keepalive 0 peer "$pub2" persistent-keepalive 0
kill -TERM $fuzz
rc=0
wait $fuzz || rc=$?
fuzz=
cat /tmp/fuzz.log
[ "$rc" = 0 ] || fail "wire-fuzz: unexpected answers (exit status $rc)"
echo "all done in $(($(date +%s) - start)) s"

# Nothing the mutants carried may have been accepted. A real keepalive
# (32 bytes, never delivered to the stack) may legitimately pass on a slow
# kernel meanwhile: transfer may move by whole keepalives; the device may
# have counted nothing beyond what its peers did (wg3's handshakes and
# keepalives are real).
check_transfer() { # check_transfer WHAT BEFORE AFTER
	local r0 t0 r1 t1 d
	read -r r0 t0 <<<"$2"
	read -r r1 t1 <<<"$3"
	for d in $((r1 - r0)) $((t1 - t0)); do
		if [ $((d % 32)) != 0 ] || [ "$d" -gt 128 ]; then
			fail "$1 transfer moved by bad input: '$2' -> '$3'"
		fi
	done
}
check_transfer wg1 "$before1" "$(peer_transfer ns1 wg1 "$pub2")"
check_transfer wg2 "$before2" "$(peer_transfer ns2 wg2 "$pub1")"
device_counts_peers ns1 wg1
device_counts_peers ns2 wg2
pings ns1 192.168.241.2 3 || fail "tunnel broken after the fuzz"
pings ns2 192.168.241.1 3 || fail "tunnel broken after the fuzz (back)"
