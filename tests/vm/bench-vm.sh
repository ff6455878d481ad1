#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM for make bench: the same tunnel (two namespaces over a
# loopback, see tests/netns/tunnel.bash) under our module and under the
# distribution's, alternating, then the medians and ours/theirs ratios.
cd /tests/netns || exit 1
. ./lib.sh
. ./tunnel.bash
set +e

runs=${WG_BENCH_RUNS:-2}
results=/tmp/bench.results
: >"$results"

# iperf3 receiver rate in Mbit/s: iperf_mbits ARGS...
iperf_mbits() {
	inns ns2 iperf3 -s -D -1 -B 192.168.241.2 >/dev/null
	wait_for 5 bash -c "ip netns exec ns2 ss -tln | grep -q ':5201 '"
	inns ns1 iperf3 -f m -c 192.168.241.2 "$@" 2>/dev/null |
		awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i } END { print v + 0 }'
}

# Received small UDP packets per second.
udp_pps() {
	inns ns2 iperf3 -s -D -1 -B 192.168.241.2 >/dev/null
	wait_for 5 bash -c "ip netns exec ns2 ss -tln | grep -q ':5201 '"
	inns ns1 iperf3 -c 192.168.241.2 -u -l 64 -b 0 -t 5 2>/dev/null |
		awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, a, "/"); v = (a[2] - a[1]) / 5 } } END { printf "%d\n", v }'
}

ping_ms() {
	inns ns1 ping -q -c 20 -i 0.05 192.168.241.2 |
		awk -F/ '/^rtt|^round-trip/ { print $5 }'
}

measure() { # measure NAME
	tunnel_pair 127.0.0.1
	wait_for 20 pings ns1 192.168.241.2 || { echo "$1: no tunnel"; return; }
	{
		echo "$1 tcp1 $(iperf_mbits -t 10)"
		echo "$1 tcp4 $(iperf_mbits -t 10 -P 4)"
		echo "$1 udp64 $(udp_pps)"
		echo "$1 ping $(ping_ms)"
	} >>"$results"
	ip -all netns delete
}

for r in $(seq 1 "$runs"); do
	echo "run $r/$runs: ours"
	wg_load_ours && measure ours
	echo "run $r/$runs: distro"
	(wg_load_distro) && measure distro
done
unload_wireguard

echo
echo "each run:"
sort -k2,2 -k1,1 "$results" | sed 's/^/  /'
echo
printf '%-8s %12s %12s %8s\n' metric ours distro ratio
for m in tcp1 tcp4 udp64 ping; do
	o=$(awk -v m=$m '$1 == "ours" && $2 == m { s += $3; n++ } END { if (n) printf "%.3f", s / n }' "$results")
	t=$(awk -v m=$m '$1 == "distro" && $2 == m { s += $3; n++ } END { if (n) printf "%.3f", s / n }' "$results")
	# Always "how much better are we": for a round trip, shorter wins.
	if [ "$m" = ping ]; then
		ratio=$(awk -v o="$o" -v t="$t" 'BEGIN { if (o > 0) printf "%.2f", t / o; else print "-" }')
	else
		ratio=$(awk -v o="$o" -v t="$t" 'BEGIN { if (t > 0) printf "%.2f", o / t; else print "-" }')
	fi
	printf '%-8s %12s %12s %8s\n' "$m" "$o" "$t" "$ratio"
done
echo "(tcp in Mbit/s, udp64 in packets/s received, ping in ms average RTT; means of $runs runs)"
echo "(ratio: ours relative to the distro's, above 1 is better for ours; for ping it is theirs/ours)"
