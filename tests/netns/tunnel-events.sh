#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Events (include/uapi/wg_events.h) through `wgctl monitor --json`, over a
# real tunnel: peers added, changed (and nothing for a change that changes
# nothing), removed, with their device too; handshakes, first and rekey;
# roaming by port and by address; a filter on one device; an unprivileged
# listener gets EPERM and nothing else; a flood of initiations from an
# unknown key and a roaming storm give a bounded number of events, and
# the drop counter moves; the monitor says so when the module goes.
#
#   ns1: wg1 :10001 on v1 10.0.0.1     ns2: wg2 :10002 on v2 10.0.0.2
. ./lib.bash
. ./tunnel.bash

wg_load_ours
make_ns ns1 ns2
veth_link ns1 v1 10.0.0.1/24 ns2 v2 10.0.0.2/24
key1=$(wg genkey)
key2=$(wg genkey)
pub1=$(echo "$key1" | wg pubkey)
pub2=$(echo "$key2" | wg pubkey)
dir=$(mktemp -d)
monitors=()
cleanup() {
	local pid
	for pid in "${monitors[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT

# Devices first, without peers, so monitors can be filtered to them.
wg_dev ns1 wg1 10001 "$key1" 192.168.241.1/24
wg_dev ns2 wg2 10002 "$key2" 192.168.241.2/24
inns ns1 ip link add wg9 type wireguard

# seen FILE PATTERN...: some line of FILE matches every PATTERN.
seen() {
	local file=$1 line p ok
	shift
	while IFS= read -r line; do
		ok=1
		for p in "$@"; do
			case "$line" in
			*"$p"*) ;;
			*) ok=0; break ;;
			esac
		done
		[ "$ok" = 1 ] && return 0
	done <"$file"
	return 1
}
# ping_seen NS ADDR FILE PATTERN...: one ping from NS to ADDR, then seen.
ping_seen() {
	inns "$1" ping -q -c 1 -W 1 "$2" >/dev/null 2>&1 || true
	seen "${@:3}"
}
# count FILE PATTERN: lines of FILE with PATTERN.
count() {
	grep -c -- "$2" "$1" || true
}
# probe NS DEV FILE KEY: add and remove a peer KEY on DEV until FILE has it.
probe() {
	inns "$1" wg set "$2" peer "$4" allowed-ips 10.255.255.255/32
	inns "$1" wg set "$2" peer "$4" remove
	seen "$3" '"event":"peer-removed"' "$4"
}
# start_monitor NS DEV FILE ARGS...: wgctl monitor ARGS in NS into FILE;
# returns once it receives events (of DEV).
start_monitor() {
	local ns=$1 dev=$2 file=$3 key
	shift 3
	inns "$ns" wgctl monitor "$@" >"$file" 2>"$file.err" &
	monitors+=("$!")
	key=$(wg genkey | wg pubkey)
	wait_for 15 probe "$ns" "$dev" "$file" "$key"
}
# fence FILE: FILE has every event before this one (in order, from one
# ring and one socket): a probe on wg1 that it must print.
fence() {
	local key
	key=$(wg genkey | wg pubkey)
	wait_for 15 probe ns1 wg1 "$1" "$key"
}
start_monitor ns1 wg1 "$dir/all1" --json
start_monitor ns1 wg1 "$dir/wg1" wg1 --json
start_monitor ns2 wg2 "$dir/all2" all --json

# An unprivileged listener: refused, and it receives nothing.
if inns ns1 setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all \
	wgctl monitor --json >"$dir/nobody" 2>"$dir/nobody.err"; then
	fail "an unprivileged monitor was not refused"
fi
grep -qi "CAP_NET_ADMIN" "$dir/nobody.err" || fail "unprivileged: $(cat "$dir/nobody.err")"
[ ! -s "$dir/nobody" ] || fail "an unprivileged monitor printed: $(cat "$dir/nobody")"

# Peers added: what their configuration has.
inns ns1 wg set wg1 peer "$pub2" allowed-ips 192.168.241.2/32 endpoint 10.0.0.2:10002
inns ns2 wg set wg2 peer "$pub1" allowed-ips 192.168.241.1/32
wait_for 10 seen "$dir/all1" '"event":"peer-added"' "$pub2" '"ifname":"wg1"' \
	'"endpoint":"10.0.0.2:10002"' '"endpoint"' '"allowedips"'
wait_for 10 seen "$dir/all2" '"event":"peer-added"' "$pub1" '"ifname":"wg2"'

# Handshake: the first session on each side.
wait_for 15 pings ns1 192.168.241.2
wait_for 10 seen "$dir/all1" '"event":"handshake"' "$pub2" '"rekey":false'
wait_for 10 seen "$dir/all2" '"event":"handshake"' "$pub1" '"rekey":false' \
	'"endpoint":"10.0.0.1:10001"'

# A change, then the same change again: one event, saying what changed.
inns ns1 wg set wg1 peer "$pub2" persistent-keepalive 25
wait_for 10 seen "$dir/all1" '"event":"peer-changed"' "$pub2" '"keepalive"'
inns ns1 wg set wg1 peer "$pub2" persistent-keepalive 25 allowed-ips 192.168.241.2/32
inns ns1 wg set wg1 peer "$pub2" preshared-key /dev/null
fence "$dir/all1"
expect_eq "peer-changed events for a change and its repeat" \
	"$(count "$dir/all1" '"event":"peer-changed"')" 1

# Rekey: wg2 goes down and up (its keys cleared, so for it a first
# session again) and initiates; wg1 still had a session.
inns ns2 ip link set wg2 down
inns ns2 ip link set wg2 up
inns ns2 wg set wg2 peer "$pub1" endpoint 10.0.0.1:10001
wait_for 15 pings ns2 192.168.241.1
wait_for 10 seen "$dir/all1" '"event":"handshake"' "$pub2" '"rekey":true'
expect_eq "handshakes of wg2 that are rekeys" "$(grep '"event":"handshake"' "$dir/all2" | count /dev/stdin '"rekey":true')" 0

# Roaming by port, then by address: wg1 learns it from authenticated
# packets and says where from and where to.
inns ns2 wg set wg2 listen-port 10003
wait_for 15 pings ns2 192.168.241.1
wait_for 10 ping_seen ns2 192.168.241.1 "$dir/all1" '"event":"endpoint"' "$pub2" \
	'"old_endpoint":"10.0.0.2:10002"' '"endpoint":"10.0.0.2:10003"'
inns ns2 sysctl -qw net.ipv4.conf.v2.promote_secondaries=1
inns ns2 ip addr add 10.0.0.3/24 dev v2
inns ns2 ip addr del 10.0.0.2/24 dev v2
# A move within a second of the last announced one is announced with an
# authenticated packet after that second: ping until it is.
wait_for 20 pings ns2 192.168.241.1
wait_for 10 ping_seen ns2 192.168.241.1 "$dir/all1" '"event":"endpoint"' "$pub2" \
	'"endpoint":"10.0.0.3:10003"'

# The filter: wg9's peer is in the unfiltered stream only.
key9=$(wg genkey | wg pubkey)
inns ns1 wg set wg9 peer "$key9" allowed-ips 10.9.9.9/32
wait_for 10 seen "$dir/all1" '"event":"peer-added"' "$key9"
fence "$dir/wg1"
! grep -q '"ifname":"wg9"' "$dir/wg1" || fail "the wg1 monitor got wg9's events"
seen "$dir/wg1" '"event":"endpoint"' "$pub2" || fail "the wg1 monitor missed wg1's events"
! grep -q "$pub1" "$dir/all1" || fail "ns1's monitor got an event of ns2's device"

# A roaming storm: 40 moves in a few seconds give a few events, one a
# second at most, and the last place is announced.
before=$(count "$dir/all1" '"event":"endpoint"')
start=$(date +%s)
for port in $(seq 10010 10049); do
	inns ns2 wg set wg2 listen-port "$port"
	inns ns2 ping -q -c 1 -W 1 192.168.241.1 >/dev/null 2>&1 || true
done
secs=$(($(date +%s) - start + 2))
wait_for 15 pings ns2 192.168.241.1
wait_for 10 ping_seen ns2 192.168.241.1 "$dir/all1" '"event":"endpoint"' \
	'"endpoint":"10.0.0.3:10049"'
storm=$(($(count "$dir/all1" '"event":"endpoint"') - before))
echo "roaming storm: 40 moves in $((secs - 2)) s, $storm endpoint events"
[ "$storm" -le "$((secs + 1))" ] || fail "$storm endpoint events for a $secs s storm"

# Real initiations from a key wg1 does not know, then a flood of 20,000
# with a valid mac1 but nothing inside: at most ten unknown-peer events a
# second come of it all, the rest are counted as lost. (The real ones go
# first: under the flood's load wg1 answers them with cookie replies
# instead, which on the debug kernel would be all of them.)
stranger=$(wg genkey)
start=$(date +%s)
n=1000
debug_kernel && n=200
out=$(inns ns2 hs-peer -n "$n" "$stranger" "$pub1" 10.0.0.1 10001 20001 120) ||
	fail "hs-peer: $out"
echo "$out"
out=$(inns ns2 hs-flood "$pub1" 10.0.0.1 10001 10.0.0.3/32 20000 10 500 2>&1) ||
	fail "hs-flood: $out"
echo "$out" | tail -1
wait_for 30 seen "$dir/all1" '"event":"unknown-peer"' "$(echo "$stranger" | wg pubkey)"
fence "$dir/all1"
secs=$(($(date +%s) - start + 1))
unknown=$(count "$dir/all1" '"event":"unknown-peer"')
echo "$n initiations from an unknown key and 20,000 spoofed: $unknown events in $secs s"
[ "$unknown" -le "$((10 * secs + 10))" ] || fail "$unknown unknown-peer events in $secs s"
dropped=$(grep -o '"dropped":[0-9]*' "$dir/all1" | tail -1 | cut -d: -f2)
[ "${dropped:-0}" -gt 0 ] || fail "the drop counter did not move"
echo "dropped: $dropped"

# Removal, by configuration and with the device.
inns ns1 wg set wg1 peer "$pub2" remove
wait_for 10 seen "$dir/all1" '"event":"peer-removed"' "$pub2" '"ifname":"wg1"'
inns ns1 ip link del wg9
wait_for 10 seen "$dir/all1" '"event":"peer-removed"' "$key9" '"ifname":"wg9"'

# The module goes: every monitor says so and exits.
for pid in "${monitors[@]}"; do
	kill -0 "$pid" 2>/dev/null || fail "a monitor exited early"
done
ip -all netns delete
unload_wireguard
for pid in "${monitors[@]}"; do
	wait_for 10 eval "! kill -0 $pid 2>/dev/null"
done
grep -qi "went away" "$dir/all1.err" || fail "the monitor did not say the module went: $(cat "$dir/all1.err")"
monitors=()
