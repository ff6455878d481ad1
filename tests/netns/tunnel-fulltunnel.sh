#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel: skip its netfilter lacks what wg-quick's full-tunnel rules need (raw table, CONNMARK, addrtype, comment)
#
# A wg-quick full tunnel (AllowedIPs = 0.0.0.0/0, ::/0: fwmark policy
# routing, CONNMARK rules) on a client with rp_filter=1 works both ways,
# over an IPv4 and then an IPv6 outer address. That needs every outer
# packet (handshakes and keepalives too) to carry the device's fwmark, and
# every decrypted packet to enter the stack with nothing of the outer one:
# iptables counters check what each carries, on both ends.
#
#   nsa va 10.5.0.1 fd05::1 ------------ 10.5.0.2 fd05::2 vb nsb
#   (default routes to nsb)                 198.51.100.1 2001:db8:100::1 (endpoint)
#                                           203.0.113.1 2001:db8:200::1 ("the internet")
#   wgfull 10.6.0.1 fd06::1 (wg-quick) -------- 10.6.0.2 fd06::2 wgb (fwmark 0x1234)
. ./lib.bash
. ./tunnel.bash

read -r keya puba < <(key_pair)
read -r keyb pubb < <(key_pair)
wgq() { inns nsa bash "$(command -v wg-quick)" "$@"; }

# rule NS IPT CHAIN NAME MATCH...: a counting rule in the mangle table.
rule() {
	local ns=$1 ipt=$2 chain=$3 name=$4
	shift 4
	inns "$ns" "$ipt" -t mangle -A "$chain" "$@" -m comment --comment "$name"
}

# count NS IPT CHAIN NAME: packets the rule NAME counted.
count() {
	inns "$1" "$2" -t mangle -L "$3" -v -x -n |
		awk -v n="/* $4 */" 'index($0, n) { print $1; exit }'
}

# expect_count NS IPT CHAIN NAME zero|some
expect_count() {
	local n
	n=$(count "$1" "$2" "$3" "$4")
	case "$5" in
	zero) [ "$n" = 0 ] || fail "$1 $2 $3: $n packets $4" ;;
	some) [ "${n:-0}" -gt 0 ] || fail "$1 $2 $3: no packets $4" ;;
	esac
}

rules() { # rules IPT
	local ipt=$1
	# The client's outer packets: its fwmark, their own conntrack entry.
	rule nsa "$ipt" POSTROUTING "outer without the fwmark" \
		-o va -p udp --sport 51001 -m mark ! --mark 51820
	rule nsa "$ipt" POSTROUTING "outer with a conntrack entry not its own" \
		-o va -p udp --sport 51001 -m conntrack ! --ctproto udp
	rule nsa "$ipt" POSTROUTING "outer, marked and tracked" \
		-o va -p udp --sport 51001 -m mark --mark 51820 \
		-m conntrack --ctstate NEW,ESTABLISHED --ctproto udp
	# Its decrypted packets: no mark (the outer ones get 51820 back from
	# their conntrack entry), a conntrack entry of their own.
	rule nsa "$ipt" PREROUTING "inner with a mark" -i wgfull -m mark ! --mark 0
	rule nsa "$ipt" PREROUTING "inner, new" -i wgfull -m conntrack --ctstate NEW
	# The server marks what it sends inside and what arrives outside:
	# neither mark may cross the tunnel.
	rule nsb "$ipt" OUTPUT "inner marked" -o wgb -j MARK --set-mark 0x7
	rule nsb "$ipt" PREROUTING "outer marked" -i vb -p udp --dport 51000 \
		-j MARK --set-mark 0x9
	rule nsb "$ipt" POSTROUTING "outer without the fwmark" \
		-o vb -p udp --sport 51000 -m mark ! --mark 0x1234
	rule nsb "$ipt" POSTROUTING "outer with a conntrack entry not its own" \
		-o vb -p udp --sport 51000 -m conntrack ! --ctproto udp
	rule nsb "$ipt" POSTROUTING "outer, marked and tracked" \
		-o vb -p udp --sport 51000 -m mark --mark 0x1234 \
		-m conntrack --ctstate NEW,ESTABLISHED --ctproto udp
	rule nsb "$ipt" PREROUTING "inner with a mark" -i wgb -m mark ! --mark 0
	rule nsb "$ipt" PREROUTING "inner, new" -i wgb -m conntrack --ctstate NEW
}

check_counts() { # check_counts IPT
	local ns
	for ns in nsa nsb; do
		expect_count $ns "$1" POSTROUTING "outer without the fwmark" zero
		expect_count $ns "$1" POSTROUTING "outer with a conntrack entry not its own" zero
		expect_count $ns "$1" POSTROUTING "outer, marked and tracked" some
		expect_count $ns "$1" PREROUTING "inner with a mark" zero
	done
}

both_ways() { # both_ways WHAT
	wait_for 15 pings nsa 203.0.113.1
	pings nsa 203.0.113.1 3 || fail "$1: client to the internet"
	pings nsa 10.6.0.2 3 || fail "$1: client to the server"
	pings nsb 10.6.0.1 3 || fail "$1: server to the client"
	wait_for 10 pings nsa 2001:db8:200::1
	pings nsa 2001:db8:200::1 3 || fail "$1: client to the internet (IPv6)"
	pings nsb fd06::1 3 || fail "$1: server to the client (IPv6)"
}

scenario() {
	make_ns nsa nsb
	veth_link nsa va 10.5.0.1/24,fd05::1/64 nsb vb 10.5.0.2/24,fd05::2/64
	inns nsa ip route add default via 10.5.0.2
	inns nsa ip -6 route add default via fd05::2
	inns nsa sysctl -qw net.ipv4.conf.all.rp_filter=1
	inns nsa sysctl -qw net.ipv4.conf.default.rp_filter=1
	inns nsa sysctl -qw net.ipv4.conf.va.rp_filter=1
	for a in 198.51.100.1/32 203.0.113.1/32 2001:db8:100::1/128 2001:db8:200::1/128; do
		add_addrs nsb lo "$a"
	done
	wg_dev nsb wgb 51000 "$keyb" 10.6.0.2/24,fd06::2/64 fwmark 0x1234 \
		peer "$puba" allowed-ips 10.6.0.1/32,fd06::1/128
	rules iptables
	rules ip6tables
	mkdir -p /etc/wireguard
	cat >/etc/wireguard/wgfull.conf <<-CONF
	[Interface]
	PrivateKey = $keya
	Address = 10.6.0.1/24, fd06::1/64
	ListenPort = 51001

	[Peer]
	PublicKey = $pubb
	Endpoint = 198.51.100.1:51000
	AllowedIPs = 0.0.0.0/0, ::/0
	CONF
	wgq up wgfull >/tmp/wgq.out 2>&1 || fail "wg-quick up: $(cat /tmp/wgq.out)"
	inns nsa ip rule | grep -q 'not from all fwmark 0xca6c lookup 51820' ||
		fail "wg-quick set up no fwmark policy routing: $(inns nsa ip rule)"

	both_ways "IPv4 outer"
	check_counts iptables
	expect_count nsa iptables PREROUTING "inner, new" some
	expect_count nsb iptables PREROUTING "inner, new" some

	inns nsa wg set wgfull peer "$pubb" endpoint "[2001:db8:100::1]:51000"
	both_ways "IPv6 outer"
	check_counts ip6tables
	wgq down wgfull >/dev/null 2>&1 || fail "wg-quick down"
	rm -f /etc/wireguard/wgfull.conf
	ip -all netns delete
}

on_both_modules scenario
