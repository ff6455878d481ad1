#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Drain budgets: a device's per-peer drains run with BH disabled, and
# packets that fail to decrypt count as ready, so garbage aimed at a live
# receiver index (it travels in clear) or one heavy local sender could
# keep a CPU in one drain. For 60 s, invalid data messages aimed at the
# index of peer A's session flood the device, while a local sender pushes
# UDP through the tunnel to A as fast as it can, in GSO super-packets
# (gso-blast: the device segments them, so it gets datagrams to send on
# far faster than it can send them); meanwhile peer B pings every 0.2 s
# and most of those pings must be answered, with no long silence.
# Afterwards the tunnel to A works. A soft lockup or RCU stall report in
# the kernel log fails the test too (the harness reads it). What wgd
# sends leaves ns0 past 20000 firewall rules, so that sending a packet on
# costs more than making it (see below).
#
# Without the drain budget (fc8e8bd), on 6.12: "watchdog: BUG: soft
# lockup - CPU#1 stuck for 23s! [kworker/1:0:28]" in wg_packet_send_ready()
# from crypt_worker(), then "rcu: INFO: rcu_preempt self-detected stall on
# CPU". On the debug kernel no load we tried kept one drain going for
# 20 s: it is slower at making packets too. On two CPUs the garbage alone
# cannot either (dropping a packet costs less than receiving it); the
# send side's drain is the one that stalls.
#
#   wgd in nsd (192.168.241.1, :10001), peers A and B
#   wga in nsa (192.168.241.2, :10002)   wgb in nsb (192.168.241.3, :10003)
# All UDP sockets are on ns0's loopback; the flood leaves ns0 from :10008.
. ./lib.bash
. ./tunnel.bash

# The debug kernel gets the same 60 s at lower rates (messages and
# datagrams a second; 0: as fast as it can).
seconds=60
flood_rate=20000
blast_rate=0
# Rules wgd's outgoing datagrams pass on their way out of ns0 (see below).
rules=20000
# The debug kernel: fewer rules too. Every peer's packets wait in one
# ring behind up to a whole queue (1024) of A's, and with 20000 rules the
# debug kernel sends about 60 a second: B waited 25 s, fix or no fix.
debug_kernel && flood_rate=200 blast_rate=1500 rules=3000
# B's pings: at least this many percent answered during the flood, and
# no silence longer than this many seconds. On the debug kernel B's
# answers take 4-5 s (the ring, above), so those of the last seconds
# come after ping has stopped.
min_answered=70
max_silence=10
debug_kernel && min_answered=60

wg_load_ours
make_ns ns0 nsd nsa nsb
read -r keyd pubd < <(key_pair)
read -r keya puba < <(key_pair)
read -r keyb pubb < <(key_pair)
for d in d a b; do
	inns ns0 ip link add wg$d type wireguard
	inns ns0 ip link set wg$d netns ns$d
done
inns nsd wg set wgd listen-port 10001 private-key <(echo "$keyd") \
	peer "$puba" allowed-ips 192.168.241.2/32 \
	peer "$pubb" allowed-ips 192.168.241.3/32
# A talks to wgd through a relay on :10009 until its messages are captured.
inns nsa wg set wga listen-port 10002 private-key <(echo "$keya") \
	peer "$pubd" allowed-ips 192.168.241.1/32 endpoint 127.0.0.1:10009
inns nsb wg set wgb listen-port 10003 private-key <(echo "$keyb") \
	peer "$pubd" allowed-ips 192.168.241.1/32 endpoint 127.0.0.1:10001
add_addrs nsd wgd 192.168.241.1/24
add_addrs nsa wga 192.168.241.2/24
add_addrs nsb wgb 192.168.241.3/24
for d in d a b; do
	inns ns$d ip link set wg$d up
done

dir=/tmp/capture
mkdir -p $dir
relay='' flood='' blast='' bping=''
finish() {
	local rc=$?
	kill ${relay:+"$relay"} ${flood:+"$flood"} ${blast:+"$blast"} \
		${bping:+"$bping"} 2>/dev/null || true
	[ "$rc" = 0 ] && return
	cat /tmp/flood.log /tmp/blast.log /tmp/bping.log 2>/dev/null || true
	inns nsd ip -s link show wgd || true
	inns nsd wg show wgd || true
}
trap finish EXIT

# Capture: A's handshake and first data message pass the relay (A on
# :10002 initiates, wgd on :10001 responds). A keepalive starts the
# handshake; the ping is the data message, sent by A to wgd's index.
# Not through inns: $! must be the tool itself (ip netns exec execs it).
ip netns exec ns0 wire-fuzz relay 10009 10002 10001 $dir >/tmp/relay.log 2>&1 &
relay=$!
wait_for 10 grep -q ready /tmp/relay.log
inns nsa wg set wga peer "$pubd" persistent-keepalive 25
wait_for 20 test -e $dir/keepalive.bin
inns nsa wg set wga peer "$pubd" persistent-keepalive 0
pings nsa 192.168.241.1 || fail "no ping through the relay"
wait_for 10 test -e $dir/data.bin
kill $relay
wait $relay || true
relay=
inns nsa wg set wga peer "$pubd" endpoint 127.0.0.1:10001
inns nsd wg set wgd peer "$puba" endpoint 127.0.0.1:10002

# word FILE OFFSET: the 4 bytes at OFFSET, in hex.
word() {
	od -An -v -tx1 -j "$2" -N 4 "$1" | tr -d ' \n'
}
# The index the flood aims at is wgd's for A's session: the one wgd
# named as its sender in the handshake response.
index=$(word $dir/resp.bin 4)
expect_eq "receiver index of the captured data message" "$(word $dir/data.bin 4)" "$index"
echo "aiming at receiver index $index with copies of a $(stat -c %s $dir/data.bin)-byte data message"

wait_for 15 pings nsa 192.168.241.1
wait_for 15 pings nsb 192.168.241.1
wait_for 15 pings nsd 192.168.241.2

# A slow way out for what wgd sends (only that): $rules firewall rules
# that match nothing. With one CPU draining and one producing, a drain
# outlasts the producer only while sending a packet on costs more than
# making it; a 64 KiB super-packet is cheap to make, but the budget must
# not depend on how cheap, and on many CPUs many producers feed one
# drainer. This makes the drain the bottleneck on two.
{
	echo '*filter'
	echo ':OUTPUT ACCEPT [0:0]'
	# Everything else leaves at once: UDP from another port than 10001.
	echo '-A OUTPUT -m u32 ! --u32 "0>>22&0x3C@0>>16=10001" -j ACCEPT'
	for ((i = 0; i < rules; i++)); do
		echo "-A OUTPUT -d 10.99.$((i / 256)).$((i % 256))/32 -j DROP"
	done
	echo 'COMMIT'
} >/tmp/rules
inns ns0 iptables-restore /tmp/rules || fail "cannot load $rules rules into ns0"
pings nsd 192.168.241.2 || fail "no ping to A past the rules"

# peer_tx NS DEV KEY: bytes sent to the peer KEY.
peer_tx() {
	inns "$1" wg show "$2" transfer | awk -v k="$3" '$1 == k { print $3 }'
}
rx_dropped() {
	inns nsd cat /sys/class/net/wgd/statistics/rx_dropped
}
echo "soft lockup after $((2 * $(cat /proc/sys/kernel/watchdog_thresh))) s (watchdog $(cat /proc/sys/kernel/watchdog)," \
	"soft_watchdog $(cat /proc/sys/kernel/soft_watchdog)); RCU stall after $(cat /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout 2>/dev/null) s"
tx0=$(peer_tx nsd wgd "$puba")
dropped0=$(rx_dropped)

# The load, all at once: the flood, the heavy sender, B's pings.
# Each ends by itself after $seconds; timeout bounds how late a kernel
# stuck in a drain could make them.
limit=$((seconds + 90))
timeout -s KILL $limit ip netns exec ns0 \
	wire-fuzz flood 10008 10001 $dir/data.bin "$seconds" "$flood_rate" >/tmp/flood.log 2>&1 &
flood=$!
wait_for 10 grep -q '^flooding' /tmp/flood.log
start=$(date +%s)
# To the discard port: A answers with an ICMP error now and then at most.
timeout -s KILL $limit ip netns exec nsd \
	gso-blast 192.168.241.2 9 "$seconds" "$blast_rate" >/tmp/blast.log 2>&1 &
blast=$!
# One line per answer, stamped with the time it came (-D); -O: and one
# per ping still unanswered after a second.
ping_start=$EPOCHREALTIME
timeout -s KILL $limit ip netns exec nsb \
	ping -n -D -O -i 0.2 -W 1 -w "$seconds" 192.168.241.1 >/tmp/bping.log 2>&1 &
bping=$!

wait $flood || fail "the flood failed (exit status $?): $(cat /tmp/flood.log)"
flood=
wait $bping || true
ping_end=$EPOCHREALTIME
bping=
wait $blast || fail "the local sender failed (exit status $?): $(cat /tmp/blast.log)"
blast=
echo "load ran for $(($(date +%s) - start)) s"
cat /tmp/flood.log /tmp/blast.log

sent=$(awk '/^sent / { print $2 }' /tmp/flood.log)
dropped=$(($(rx_dropped) - dropped0))
echo "wgd dropped $dropped received packets during the flood"
# The flood reached the device; most of it is dropped there (failed to
# decrypt, or found A's queue full); the socket may drop some before.
[ "$dropped" -ge $((sent / 4)) ] || fail "only $dropped of $sent flood messages reached wgd"
tx=$(($(peer_tx nsd wgd "$puba") - tx0))
echo "wgd sent $tx bytes to A"
[ "$tx" -ge 1000000 ] || fail "the heavy sender sent only $tx bytes to A"

# B's pings: what fraction was answered, and the longest time without
# an answer (between two, or from the start, or to the end).
read -r transmitted answered <<<"$(awk '/packets transmitted/ { print $1, $4 }' /tmp/bping.log)"
[ -n "$transmitted" ] || fail "no ping summary from B: $(tail -5 /tmp/bping.log)"
silence=$(awk -v t0="$ping_start" -v t1="$ping_end" '
	/bytes from/ { t = substr($1, 2) + 0; if (t - t0 > gap) gap = t - t0; t0 = t }
	END { if (t1 - t0 > gap) gap = t1 - t0; printf "%.1f", gap }' /tmp/bping.log)
rtts=$(awk -F'time=' '/bytes from/ { print $2 + 0 }' /tmp/bping.log | sort -n |
	awk '{ r[NR] = $1 } END { if (NR) printf "median %d ms, max %d ms", r[int((NR + 1) / 2)], r[NR] }')
echo "B: $answered of $transmitted pings answered during the flood (${rtts:-none});" \
	"longest silence ${silence} s"
[ "$transmitted" -ge $((seconds * 5 / 2)) ] || fail "B sent only $transmitted pings in $seconds s"
[ $((answered * 100)) -ge $((transmitted * min_answered)) ] ||
	fail "B: only $answered of $transmitted pings answered during the flood (want ${min_answered}%)"
awk -v s="$silence" -v m="$max_silence" 'BEGIN { exit !(s <= m) }' ||
	fail "B: no answer for ${silence} s during the flood (at most ${max_silence} s)"

# A stall report fails the test (the harness reads the kernel log); show
# it whole here, with the stack that says where the CPU was held.
dmesg | grep -E -A 40 'soft lockup|self-detected stall|detected stalls' | head -80 | sed 's/^/dmesg: /'

# Afterwards: both tunnels work, both ways. A slow kernel may still be
# working through the last of the flood, hence the wait.
wait_for 30 pings nsd 192.168.241.2
pings nsd 192.168.241.2 3 || fail "tunnel to A broken after the flood"
pings nsa 192.168.241.1 3 || fail "tunnel from A broken after the flood"
pings nsb 192.168.241.1 3 || fail "tunnel from B broken after the flood"
