#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel: skip 130k prefixes take over five minutes there; the trie has its KUnit suite on it
# kernel 6.1: skip runs on 6.12 and 7.2, to keep CI inside its time: scale of the trie and of split dumps, not of the kernel
#
# Dumps that span many netlink messages: a peer with 130,560 allowed IPs,
# 40 peers with 52 each, 30 more peers, one with 197 IPv6 /128s. Every
# entry must come back exactly once, also while the configuration keeps
# changing during the dump (NLM_F_DUMP_INTR makes wg start over).
. ./lib.bash

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wg_load_ours

key() { wg genkey | wg pubkey; }

# conf: the wg config; expected: "pubkey prefix" lines in wg's notation.
{
	echo "[Interface]"
	echo "PrivateKey = $(wg genkey)"
} >"$tmp/conf"
: >"$tmp/expected"

add_peer() { # add_peer KEY < prefixes
	awk -v k="$1" -v conf="$tmp/conf" -v out="$tmp/expected" '
		BEGIN { printf "\n[Peer]\nPublicKey = %s\n", k >> conf }
		{ printf "AllowedIPs = %s\n", $0 >> conf; printf "%s %s\n", k, $0 >> out }'
}

# The debug kernel gets the same shape with fewer /16s: 4,096 instead of 130,560.
amax=255
debug_kernel && amax=8
big=$(key)
awk -v amax="$amax" 'BEGIN {
	for (a = 1; a <= amax; a++)
		for (b = 0; b <= 255; b++) {
			printf "%d.%d.0.0/16\n", a, b
			if (b) printf "%x::%x/128\n", a, b; else printf "%x::/128\n", a
		}
}' | add_peer "$big"
for p in $(seq 1 40); do
	awk -v p="$p" 'BEGIN { for (i = 0; i < 52; i++) printf "172.%d.%d.0/24\n", 15 + p, i }' |
		add_peer "$(key)"
done
for p in $(seq 1 30); do
	printf '192.168.%d.0/24\nfd01::%x/128\n' "$p" "$p" | add_peer "$(key)"
done
six=$(key)
awk 'BEGIN { for (i = 1; i <= 197; i++) printf "fd02::%x/128\n", i }' | add_peer "$six"
total=$(wc -l <"$tmp/expected")
expect_eq "expected entries" "$total" $((amax * 512 + 40 * 52 + 30 * 2 + 197))

ip link add dev wg0 type wireguard
wg setconf wg0 "$tmp/conf" || fail "wg setconf of the large config failed"

check_dump() { # check_dump WHAT: every expected entry exactly once
	wg show wg0 allowed-ips >"$tmp/raw" || fail "$1: wg show allowed-ips failed"
	# The peer that comes and goes during the dumps is not counted.
	grep -v "^${extra:-none}" "$tmp/raw" |
		awk '{ for (i = 2; i <= NF; i++) print $1 " " $i }' >"$tmp/got"
	dups=$(sort "$tmp/got" | uniq -d | head -5)
	[ -z "$dups" ] || fail "$1: duplicates in the dump: $dups"
	expect_eq "$1: entries in the dump" "$(wc -l <"$tmp/got")" "$total"
	sort "$tmp/got" >"$tmp/got.sorted"
	sort "$tmp/expected" >"$tmp/expected.sorted"
	cmp -s "$tmp/got.sorted" "$tmp/expected.sorted" || {
		diff "$tmp/expected.sorted" "$tmp/got.sorted" | head -10
		fail "$1: dump differs from the configuration"
	}
}

check_dump "static"
expect_eq "peers" "$(wg show wg0 peers | wc -l)" 72
# The big peer came back in one piece, in the order it was configured.
first=$(wg show wg0 allowed-ips | grep "^$big" | awk '{ print $2, $3, $4; print $NF }' | xargs)
expect_eq "big peer order" "$first" "1.0.0.0/16 1::/128 1.1.0.0/16 $(printf '%x' "$amax")::ff/128"

# Change something unrelated all the time while dumping: each dump that
# completes must still be whole.
extra=$(key)
(
	for i in $(seq 1 40); do
		wg set wg0 peer "$extra" allowed-ips 203.0.113.$i/32
		wg set wg0 peer "$extra" remove
	done
) &
changer=$!
for _ in 1 2; do
	check_dump "while changing"
done
wait "$changer" || fail "the concurrent changes failed"
check_dump "after changing"

# Replace everything in one go and see the old entries gone.
wg set wg0 peer "$big" allowed-ips 10.9.8.0/24
expect_eq "replaced allowed IPs" "$(wg show wg0 allowed-ips | grep "^$big" | cut -f2)" "10.9.8.0/24"
ip link del wg0
