#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM for make bench: the same tunnel (two namespaces over a
# loopback, see tests/netns/tunnel.bash) under our module and under the
# distribution's, alternating, then the medians and ours/theirs ratios.
cd /tests/netns || exit 1
. ./lib.bash
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

measure() { # measure NAME [listen]
	local mon=()
	tunnel_pair 127.0.0.1
	# With "listen", an event listener on each end (wgctl monitor).
	if [ "${2:-}" = listen ]; then
		inns ns1 wgctl monitor >/dev/null 2>&1 &
		mon+=($!)
		inns ns2 wgctl monitor >/dev/null 2>&1 &
		mon+=($!)
	fi
	wait_for 20 pings ns1 192.168.241.2 || { echo "$1: no tunnel"; return; }
	{
		echo "$1 tcp1 $(iperf_mbits -t 10)"
		echo "$1 tcp4 $(iperf_mbits -t 10 -P 4)"
		echo "$1 udp64 $(udp_pps)"
		echo "$1 ping $(ping_ms)"
	} >>"$results"
	[ ${#mon[@]} = 0 ] || kill "${mon[@]}" 2>/dev/null
	ip -all netns delete
}

# A tunnel whose outer path is a veth pair of MTU 1500 (not the loopback,
# whose MTU is 64K), with tunnel MTU $2: TCP rate, one stream.
# jumbo NAME MTU
jumbo() {
	make_ns ns1 ns2
	veth_link ns1 v1 10.9.0.1/24 ns2 v2 10.9.0.2/24
	local k1 k2
	k1=$(wg genkey)
	k2=$(wg genkey)
	wg_dev ns1 wg1 10001 "$k1" 192.168.241.1/24 \
		peer "$(echo "$k2" | wg pubkey)" allowed-ips 192.168.241.2/32 endpoint 10.9.0.2:10002
	wg_dev ns2 wg2 10002 "$k2" 192.168.241.2/24 \
		peer "$(echo "$k1" | wg pubkey)" allowed-ips 192.168.241.1/32 endpoint 10.9.0.1:10001
	inns ns1 ip link set wg1 mtu "$2"
	inns ns2 ip link set wg2 mtu "$2"
	if wait_for 20 pings ns1 192.168.241.2; then
		echo "$1 mtu$2 $(iperf_mbits -t 10)" >>"$results"
	else
		echo "$1: no tunnel at MTU $2"
	fi
	ip -all netns delete
}

# Slab and per-CPU memory that one device with $peers peers, each with
# one allowed IP, holds: bytes per peer, from /proc/meminfo before and
# after one setconf. Public keys are random 32-byte strings (43 base64
# characters of random bytes, then one whose low bits are zero).
mem_kb() {
	awk '/^(Slab|Percpu):/ { s += $2 } END { print s }' /proc/meminfo
}
peers=10000
mem_per_peer() {
	local conf=/tmp/peers.conf before after
	{
		printf '[Interface]\nPrivateKey = %s\nListenPort = 10001\n' "$(wg genkey)"
		head -c $((peers * 33)) /dev/urandom | base64 -w 44 |
			awk '{ n = NR - 1
				printf "[Peer]\nPublicKey = %sA=\nAllowedIPs = 10.%d.%d.%d/32\n",
					substr($0, 1, 42), int(n / 65536) % 256, int(n / 256) % 256, n % 256 }'
	} >"$conf"
	make_ns nsm
	inns nsm ip link add wgm type wireguard
	sync
	before=$(mem_kb)
	inns nsm wg setconf wgm "$conf" || { echo "$1: setconf of $peers peers failed"; return; }
	after=$(mem_kb)
	[ "$(inns nsm wg show wgm peers | wc -l)" = "$peers" ] || echo "$1: not all $peers peers were added"
	echo "$1 bytes_per_peer $(((after - before) * 1024 / peers))" >>"$results"
	ip -all netns delete
	rm -f "$conf"
}

for r in $(seq 1 "$runs"); do
	echo "run $r/$runs: ours"
	wg_load_ours && measure ours && jumbo ours 1420 && jumbo ours 65280 && mem_per_peer ours
	echo "run $r/$runs: ours, with an event listener"
	wg_load_ours && measure listening listen
	echo "run $r/$runs: distro"
	(wg_load_distro) && measure distro && jumbo distro 1420 && jumbo distro 65280 &&
		mem_per_peer distro
done
unload_wireguard

echo
echo "each run:"
sort -k2,2 -k1,1 "$results" | sed 's/^/  /'
echo
printf '%-8s %12s %12s %8s\n' metric ours distro ratio
for m in tcp1 tcp4 udp64 ping mtu1420 mtu65280 bytes_per_peer; do
	o=$(awk -v m=$m '$1 == "ours" && $2 == m { s += $3; n++ } END { if (n) printf "%.3f", s / n }' "$results")
	t=$(awk -v m=$m '$1 == "distro" && $2 == m { s += $3; n++ } END { if (n) printf "%.3f", s / n }' "$results")
	# Always "how much better are we": for a round trip, shorter wins.
	if [ "$m" = ping ] || [ "$m" = bytes_per_peer ]; then
		ratio=$(awk -v o="$o" -v t="$t" 'BEGIN { if (o > 0) printf "%.2f", t / o; else print "-" }')
	else
		ratio=$(awk -v o="$o" -v t="$t" 'BEGIN { if (t > 0) printf "%.2f", o / t; else print "-" }')
	fi
	printf '%-8s %12s %12s %8s\n' "$m" "$o" "$t" "$ratio"
done
echo "(tcp in Mbit/s, udp64 in packets/s received, ping in ms average RTT; means of $runs runs)"
echo "(mtuN: TCP, one stream, tunnel MTU N over a veth of MTU 1500; bytes_per_peer: slab and"
echo " per-CPU memory per peer of $peers added by one setconf)"
echo "(ratio: ours relative to the distro's, above 1 is better for ours; for ping and"
echo " bytes_per_peer it is theirs/ours)"
# What an event listener costs ours (above 1: faster with it).
echo
printf '%-8s %12s %12s %8s\n' metric listening ours ratio
for m in tcp1 tcp4 udp64 ping; do
	l=$(awk -v m=$m '$1 == "listening" && $2 == m { s += $3; n++ } END { if (n) printf "%.3f", s / n }' "$results")
	o=$(awk -v m=$m '$1 == "ours" && $2 == m { s += $3; n++ } END { if (n) printf "%.3f", s / n }' "$results")
	if [ "$m" = ping ]; then
		ratio=$(awk -v l="$l" -v o="$o" 'BEGIN { if (l > 0) printf "%.2f", o / l; else print "-" }')
	else
		ratio=$(awk -v l="$l" -v o="$o" 'BEGIN { if (o > 0) printf "%.2f", l / o; else print "-" }')
	fi
	printf '%-8s %12s %12s %8s\n' "$m" "$l" "$o" "$ratio"
done
echo
for who in ours distro; do
	awk -v w=$who '$1 == w && $2 == "mtu1420" { a += $3; n++ } $1 == w && $2 == "mtu65280" { b += $3; m++ }
		END { if (n && m && a > 0) printf "%s: MTU 65280 keeps %.3f of its MTU-1420 rate\n", w, (b / m) / (a / n) }' "$results"
done
