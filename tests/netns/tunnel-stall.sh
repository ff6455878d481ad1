#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel: skip a steady-rate check: the debug kernel's receive is too slow to keep every second busy, and tunnel-budget covers the drains there
#
# A peer's receive never stops for good. The stall that got threaded NAPI
# reverted from the stable kernels (CVE-2026-52945) was in the in-kernel
# module's receive poll: it returned while the packet at the head of a
# peer's queue was still being decrypted, and no later poll came, so the
# queue filled and that peer received nothing ever after. Here the drain
# that finds the head not ready leaves it to the worker that finishes it
# (queueing.c: wg_ordered_end()), so there is no poll to miss; this test
# would catch a stall of that kind all the same: for 20 s, TCP both ways
# and UDP one way through one tunnel, with the GRO cells' NAPI threaded
# where the kernel has that switch, the receiver's packet count must grow
# in every 3-second window; afterwards pings must still be answered at
# once, both ways.
. ./lib.bash
. ./tunnel.bash

wg_load_ours
tunnel_pair 127.0.0.1
wait_for 15 pings ns1 192.168.241.2
# Threaded NAPI for the device's receive (its GRO cells), where it exists.
for ns in ns1 ns2; do
	dev=wg${ns#ns}
	if inns "$ns" test -w "/sys/class/net/$dev/threaded"; then
		inns "$ns" sh -c "echo 1 > /sys/class/net/$dev/threaded" ||
			fail "cannot make $dev's NAPI threaded"
	fi
done

rx() {
	inns ns2 cat /sys/class/net/wg2/statistics/rx_packets
}
listening() { # listening NS: an iperf3 server is up in NS
	inns "$1" ss -tln | grep -q ':5201 '
}
inns ns2 iperf3 -s -D -B 192.168.241.2 --logfile /tmp/iperf-ns2.log
inns ns1 iperf3 -s -D -B 192.168.241.1 --logfile /tmp/iperf-ns1.log
trap 'cat /tmp/iperf-ns1.log /tmp/iperf-ns2.log 2>/dev/null' EXIT
wait_for 10 listening ns2
wait_for 10 listening ns1
inns ns1 timeout 40 iperf3 -c 192.168.241.2 -t 20 --bidir >/dev/null 2>&1 &
tcp=$!
inns ns2 timeout 40 iperf3 -c 192.168.241.1 -t 20 -u -b 0 -l 1200 >/dev/null 2>&1 &
udp=$!

last=$(rx)
quiet=0
for _ in $(seq 1 20); do
	sleep 1
	now=$(rx)
	if [ "$now" = "$last" ]; then
		quiet=$((quiet + 1))
		[ "$quiet" -lt 3 ] || fail "wg2 received nothing for 3 s under load (rx_packets $now)"
	else
		quiet=0
	fi
	last=$now
done
wait "$tcp" || true
wait "$udp" || true
echo "wg2 received $(rx) packets"
pings ns1 192.168.241.2 3 || fail "no ping through after the load"
pings ns2 192.168.241.1 3 || fail "no ping back after the load"
