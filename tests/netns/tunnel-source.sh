#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The source address of what we send follows routing, as with the
# in-kernel module. Two links between the hosts; the far end (nsb) reports
# where our packets come from in `wg show endpoints`:
#
#   nsa va1 10.1.0.1 (.11) ------------- 10.1.0.2 vb1 nsb
#       va2 10.2.0.1 (.11) ------------- 10.2.0.2 vb2     10.9.9.9 on lo
#   wga 192.168.77.1 (port 1000, ours) --------- 192.168.77.2 wgb (port 2000)
#
# 1. A better route to the endpoint appears that leaves by the other link,
#    with its own source: the next packets take it, and its source.
# 2. The fwmark changes and policy routing on it picks another source: the
#    cached route and source are forgotten (a still valid route stays
#    cached otherwise, and the old source would stick).
# 3. So does the listen port, with a rule on the source port.
# 4. Down and up forgets them too (a route's preferred source changed on
#    the same link, where a remembered source legitimately sticks).
# Steps 1 to 3 run on the distribution's module first, to show the
# expectations are the reference's; it remembers sources across down and
# up, which our module, as asked, does not.
. ./lib.bash
. ./tunnel.bash

read -r keya puba < <(key_pair)
read -r keyb pubb < <(key_pair)

# seen ADDR:PORT: after a ping through the tunnel, nsb has the peer there.
seen() {
	inns nsa ping -q -c 1 -W 1 192.168.77.2 >/dev/null 2>&1 || true
	inns nsb wg show wgb endpoints | grep -q "[[:space:]]$1\$"
}

# stays ADDR:PORT: five pings later, nsb still has the peer there.
stays() {
	local i
	# shellcheck disable=SC2034 # i only counts the five tries
	for i in 1 2 3 4 5; do
		seen "$1" || fail "$2: nsb sees $(inns nsb wg show wgb endpoints | awk '{ print $2 }'), not $1"
	done
}

# expect_seen ADDR:PORT WHAT: nsb sees the peer there within 10 s.
expect_seen() {
	local end=$(($(date +%s) + 10))
	until seen "$1"; do
		[ "$(date +%s)" -lt "$end" ] ||
			fail "$2: after 10 s nsb still sees $(inns nsb wg show wgb endpoints | awk '{ print $2 }'), not $1"
	done
}

scenario() { # scenario [distro]
	make_ns nsa nsb
	veth_link nsa va1 10.1.0.1/24 nsb vb1 10.1.0.2/24
	veth_link nsa va2 10.2.0.1/24 nsb vb2 10.2.0.2/24
	inns nsb ip addr add 10.9.9.9/32 dev lo
	inns nsa ip route add 10.9.9.9/32 via 10.1.0.2 dev va1 metric 100
	wg_dev nsb wgb 2000 "$keyb" 192.168.77.2/24 \
		peer "$puba" allowed-ips 192.168.77.1/32
	wg_dev nsa wga 1000 "$keya" 192.168.77.1/24 \
		peer "$pubb" allowed-ips 192.168.77.2/32 endpoint 10.9.9.9:2000
	wait_for 15 pings nsa 192.168.77.2
	stays 10.1.0.1:1000 "at first"

	# 1. A better route by the other link, with its own source.
	inns nsa ip route add 10.9.9.9/32 via 10.2.0.2 dev va2 src 10.2.0.1 metric 10
	expect_seen 10.2.0.1:1000 "a better route by va2 appeared"
	echo "  a better route: ok"

	# 2. Policy routing on the fwmark, to another source on the same link.
	inns nsa ip addr add 10.2.0.11/24 dev va2
	inns nsa ip route add 10.9.9.9/32 via 10.2.0.2 dev va2 src 10.2.0.11 table 142
	inns nsa ip rule add pref 200 fwmark 0x42 lookup 142
	stays 10.2.0.1:1000 "a remembered source on the route's own link"
	inns nsa wg set wga fwmark 0x42
	expect_seen 10.2.0.11:1000 "the fwmark changed"
	echo "  fwmark: ok"

	# 3. Policy routing on the source port.
	inns nsa ip addr add 10.1.0.11/24 dev va1
	inns nsa ip route add 10.9.9.9/32 via 10.1.0.2 dev va1 src 10.1.0.11 table 143
	inns nsa ip rule add pref 100 ipproto 17 sport 1001 lookup 143
	stays 10.2.0.11:1000 "a rule for another port"
	inns nsa wg set wga listen-port 1001
	expect_seen 10.1.0.11:1001 "the listen port changed"
	echo "  listen port: ok"

	if [ "${1:-}" = distro ]; then
		ip -all netns delete
		return
	fi
	# 4. Down and up.
	inns nsa ip route replace 10.9.9.9/32 via 10.1.0.2 dev va1 src 10.1.0.1 table 143
	stays 10.1.0.11:1001 "the preferred source changed on the same link"
	inns nsa ip link set wga down
	inns nsa ip link set wga up
	expect_seen 10.1.0.1:1001 "the device went down and up"
	ip -all netns delete
}

on_both_modules scenario distro
