#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel: skip 200 seconds of wall time whatever the kernel; handshakes under traffic run in the other tunnel tests there
# kernel 6.1: skip 200 s of wall time; it runs on 7.2 only, to keep CI inside its time (the timers are the same code on every kernel)
# kernel 6.12: skip 200 s of wall time; it runs on 7.2 only, to keep CI inside its time (the timers are the same code on every kernel)
#
# Rekey: a steady 200-second ping stream outlives REKEY_AFTER_TIME (120 s).
# The initiator's timer starts a new handshake on its own, 120 s after the
# first (and only then); both ends record it; and not one packet is lost or
# duplicated on the way.
. ./lib.bash
. ./tunnel.bash

run=200
interval=0.05
# Fewer packets on the debug kernel; the same length of time.
debug_kernel && interval=0.1
count=$(awk -v r=$run -v i=$interval 'BEGIN { print int(r / i) }')

latest() { # latest NS DEV: the first peer's latest handshake, in seconds
	inns "$1" wg show "$2" latest-handshakes | awk '{ print $2; exit }'
}

wg_load_ours
tunnel_pair 127.0.0.1
wait_for 15 pings ns1 192.168.241.2
h1=$(latest ns1 wg1)
h2=$(latest ns2 wg2)
[ "$h1" != 0 ] && [ "$h2" != 0 ] || fail "no first handshake: '$h1' '$h2'"

# A preload of 5 lets ping catch up when it wakes late, so the stream keeps
# its rate and lasts $run s. The deadline only bounds it: ping ends when
# every reply is in.
start=$(date +%s)
inns ns1 ping -q -l 5 -i $interval -c "$count" -w $((run + 100)) 192.168.241.2 \
	>/tmp/ping.out 2>&1 &
pid=$!
# Every handshake time either end shows while the stream runs.
# Each change is logged with the byte counters, which tell who sent the
# initiation (148 bytes) and the response (92) should one be unexpected.
seen1=$h1 seen2=$h2
while kill -0 $pid 2>/dev/null; do
	sleep 1
	t1=$(latest ns1 wg1)
	t2=$(latest ns2 wg2)
	[ "$t1" = "${seen1##* }" ] && [ "$t2" = "${seen2##* }" ] && continue
	echo "handshake at +$((t1 - h1))s/+$((t2 - h2))s;" \
		"rx tx: ns1 $(transfer ns1 wg1), ns2 $(transfer ns2 wg2)"
	[ "$t1" = "${seen1##* }" ] || seen1="$seen1 $t1"
	[ "$t2" = "${seen2##* }" ] || seen2="$seen2 $t2"
done
wait $pid || fail "ping: $(cat /tmp/ping.out)"
echo "stream of $count pings for $(($(date +%s) - start))s; handshakes: ns1 $seen1, ns2 $seen2"
grep -q "^$count packets transmitted, $count received, 0% packet loss" /tmp/ping.out ||
	fail "the stream lost packets: $(cat /tmp/ping.out)"
! grep -q 'duplicates\|errors' /tmp/ping.out || fail "the stream: $(cat /tmp/ping.out)"

# rekeyed NS SEEN...: new handshakes, each by the timer: 120 s after the
# one before (a second of rounding each way), plus a generous handshake time.
rekeyed() {
	local ns=$1 prev=$2 t
	shift 2
	[ $# -ge 1 ] || fail "$ns: no rekey in ${run}s"
	for t in "$@"; do
		[ $((t - prev)) -ge 119 ] && [ $((t - prev)) -le 150 ] ||
			fail "$ns: a handshake came $((t - prev))s after the one before, not ~120s"
		prev=$t
	done
}
# shellcheck disable=SC2086
rekeyed ns1 $seen1
# shellcheck disable=SC2086
rekeyed ns2 $seen2
