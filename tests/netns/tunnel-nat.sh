#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT traversal: a client behind a masquerading router, with persistent
# keepalive 1, stays reachable from the server after the router's UDP
# conntrack timeout has passed with no data in the tunnel. The server has
# no endpoint for the client: it learns the router's public address from
# the NATed packets. A control run with the keepalive off proves the
# mapping does expire: then the server's packets must not reach the client.
#
#   nsc 10.1.0.2 -- 10.1.0.1 nsr 10.2.0.1 (MASQUERADE) -- 10.2.0.2 nss
#   wgc 192.168.243.2 -------------------------------------- wgs .1
. ./lib.bash
. ./tunnel.bash

# The router's conntrack UDP timeouts, and the idle time of the first run.
ct_timeout=3
idle=$((2 * ct_timeout + 1))
conntrack=/proc/net/nf_conntrack

wg_load_ours
# Its per-netns sysctls exist only once it is loaded (or built in).
modprobe nf_conntrack 2>/dev/null || true
[ -e /proc/sys/net/netfilter/nf_conntrack_udp_timeout ] || fail "no conntrack"

keyc=$(wg genkey)
keys=$(wg genkey)
pubc=$(echo "$keyc" | wg pubkey)
pubs=$(echo "$keys" | wg pubkey)

# setup: the three hosts, the router masquerading, the client's tunnel up
# with persistent keepalive 1 (which starts the handshake, with no data).
setup() {
	make_ns nsc nsr nss
	veth_link nsc vc 10.1.0.2/24 nsr vri 10.1.0.1/24
	veth_link nss vs 10.2.0.2/24 nsr vro 10.2.0.1/24
	# The server has no route back to 10.1.0.0/24: only NAT reaches it.
	inns nsc ip route add default via 10.1.0.1
	inns nsr sysctl -qw net.ipv4.ip_forward=1
	inns nsr iptables -t nat -A POSTROUTING -o vro -j MASQUERADE
	inns nsr sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$ct_timeout
	inns nsr sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream=$ct_timeout
	expect_eq "router's UDP timeout" \
		"$(inns nsr sysctl -n net.netfilter.nf_conntrack_udp_timeout_stream)" $ct_timeout

	wg_dev nss wgs 20000 "$keys" 192.168.243.1/24 \
		peer "$pubc" allowed-ips 192.168.243.2/32
	wg_dev nsc wgc 10000 "$keyc" 192.168.243.2/24 \
		peer "$pubs" allowed-ips 192.168.243.1/32 \
		endpoint 10.2.0.2:20000 persistent-keepalive 1

	wait_for 30 handshake_done nsc wgc
	wait_for 30 handshake_done nss wgs
	local ep
	ep=$(inns nss wg show wgs endpoints | cut -f2)
	[ "${ep%:*}" = 10.2.0.1 ] ||
		fail "the server sees the client at '$ep', not at the router's 10.2.0.1"
}

sent() { # sent NS DEV: bytes sent to the first peer
	transfer "$1" "$2" | cut -d' ' -f2
}

# The router's mapping of the client's flow, where /proc lists them.
mapped() {
	inns nsr grep -q 'udp.*dport=20000' $conntrack
}

# quiet SECONDS LIMIT: wait until neither end has sent or received a byte
# for SECONDS; fail after LIMIT.
quiet() {
	local want=$1 end=$(($(date +%s) + $2)) last cur since now
	last="$(transfer nsc wgc) $(transfer nss wgs)"
	since=$(date +%s)
	while :; do
		sleep 0.5
		now=$(date +%s)
		cur="$(transfer nsc wgc) $(transfer nss wgs)"
		[ "$cur" = "$last" ] || { last=$cur; since=$now; }
		[ $((now - since)) -lt "$want" ] || return 0
		[ "$now" -lt "$end" ] || fail "the tunnel did not go quiet for ${want}s"
	done
}

# With the keepalive: idle past the timeout, then the server reaches the
# client with one packet, through the mapping the keepalives kept alive.
setup
before_c=$(sent nsc wgc)
before_s=$(sent nss wgs)
sleep "$idle"
[ "$(sent nsc wgc)" -gt "$before_c" ] || fail "the client sent no keepalives"
expect_eq "what the server sent while idle" "$(sent nss wgs)" "$before_s"
[ ! -e $conntrack ] || mapped || fail "the router forgot the mapping despite the keepalives"
inns nss ping -q -c 1 -W 5 192.168.243.2 >/dev/null ||
	fail "the server cannot reach the client after ${idle}s idle with keepalive 1"
ip -all netns delete

# Control, the keepalive off: once the tunnel has been quiet past the
# timeout, the mapping is gone and the server's packet must not arrive.
setup
inns nsc wg set wgc peer "$pubs" persistent-keepalive off
quiet $((ct_timeout + 2)) 40
[ ! -e $conntrack ] || ! mapped || fail "the router kept the mapping past its timeout"
before_c=$(transfer nsc wgc)
if inns nss ping -q -c 1 -W 3 192.168.243.2 >/dev/null; then
	fail "the server reached the client through an expired mapping: the control measures nothing"
fi
expect_eq "what the client received from the server" "$(transfer nsc wgc | cut -d' ' -f1)" "${before_c%% *}"
