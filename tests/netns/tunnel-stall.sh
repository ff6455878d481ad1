#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel: skip a steady-rate check: the debug kernel's receive is too slow to keep every second busy, and tunnel-budget covers the drains there
#
# A peer's receive never stops for good, with the device's NAPI in
# softirq or threaded. The stall that got threaded NAPI reverted from the
# stable kernels (CVE-2026-52945) was in the in-kernel module's receive
# poll: it returned while the packet at the head of a peer's queue was
# still being decrypted, and no later poll came, so the queue filled and
# that peer received nothing ever after. Our drain leaves a head not yet
# decrypted to the worker that finishes it (queueing.c: wg_ordered_end()),
# so there is no poll to miss; but our decrypted packets went through GRO
# cells, whose queues assume their NAPI polls on the CPU that queued, and
# threaded NAPI polls them from anywhere: on 6.12 wg2 then received
# nothing after about 10 s of this load and never again (rx_dropped
# growing, pings failing), where the distro's module did not stall.
#
# For each mode: 10 s of TCP both ways and UDP one way through one tunnel;
# the receiver's packet count must grow at least every 3 s while the
# load runs, and afterwards pings must be answered both ways.
. ./lib.bash
. ./tunnel.bash

wg_load_ours
tunnel_pair 127.0.0.1
wait_for 15 pings ns1 192.168.241.2

rx() {
	inns ns2 cat /sys/class/net/wg2/statistics/rx_packets
}
listening() { # listening NS: an iperf3 server is up in NS
	inns "$1" ss -tln | grep -q ':5201 '
}
trap 'cat /tmp/iperf-ns1.log /tmp/iperf-ns2.log 2>/dev/null' EXIT

# load WHAT: the load, and the receiver watched while it runs.
load() {
	local tcp udp last now quiet=0 end
	inns ns2 iperf3 -s -D -1 -B 192.168.241.2 --logfile /tmp/iperf-ns2.log
	inns ns1 iperf3 -s -D -1 -B 192.168.241.1 --logfile /tmp/iperf-ns1.log
	wait_for 10 listening ns2
	wait_for 10 listening ns1
	inns ns1 timeout 60 iperf3 -c 192.168.241.2 -t 10 --bidir >/dev/null 2>&1 &
	tcp=$!
	inns ns2 timeout 60 iperf3 -c 192.168.241.1 -t 10 -u -b 0 -l 1200 >/dev/null 2>&1 &
	udp=$!
	last=$(rx)
	end=$(($(date +%s) + 8))
	# While both clients still send (they stop after 10 s of their own).
	while [ "$(date +%s)" -lt "$end" ] && kill -0 "$tcp" 2>/dev/null &&
		kill -0 "$udp" 2>/dev/null; do
		sleep 1
		now=$(rx)
		if [ "$now" = "$last" ]; then
			quiet=$((quiet + 1))
			[ "$quiet" -lt 3 ] || fail "$1: wg2 received nothing for 3 s under load (rx_packets $now)"
		else
			quiet=0
		fi
		last=$now
	done
	wait "$tcp" || true
	wait "$udp" || true
	echo "$1: wg2 received $(rx) packets so far"
	pings ns1 192.168.241.2 3 || fail "$1: no ping through after the load"
	pings ns2 192.168.241.1 3 || fail "$1: no ping back after the load"
}

load "NAPI in softirq"
# Threaded NAPI, where the kernel has the switch.
for ns in ns1 ns2; do
	dev=wg${ns#ns}
	inns "$ns" test -w "/sys/class/net/$dev/threaded" || skip "no threaded NAPI switch"
	echo 1 | inns "$ns" tee "/sys/class/net/$dev/threaded" >/dev/null ||
		fail "cannot make $dev's NAPI threaded"
done
load "threaded NAPI"
