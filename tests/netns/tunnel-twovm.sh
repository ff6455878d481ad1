#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm: partner
# debug-kernel: skip a second VM there costs minutes; interop is the same protocol on every kernel
#
# Interop with the distribution's in-kernel module in a second VM, over a
# virtual Ethernet link: for each of {no PSK, PSK} x {ours initiates, the
# distro's initiates}, over IPv4 or IPv6 outside (each initiator and PSK
# setting once over each), fresh peers make a handshake, ping each way,
# ping6 inside the tunnel and run iperf3 both ways at once. The responder
# has no endpoint, so only the side meant to can initiate.
# Mismatched preshared keys must not bring a session up, either way.
. ./lib.bash
. ./tunnel.bash
. ./partner.bash

wg_load_ours
partner_connect ns1

# The partner must run the distro's module, not ours from updates/.
theirs=$(partner 'cat /sys/module/wireguard/srcversion') || fail "partner: no wireguard module loaded"
distro_ko=$(find "/lib/modules/$(uname -r)/kernel" -name 'wireguard.ko*' | head -1)
expect_eq "partner's wireguard srcversion" "$theirs" "$(modinfo -F srcversion "$distro_ko")"
[ "$theirs" != "$(modinfo -F srcversion "$(our_ko)")" ] || fail "the partner runs our module"
is_ours || fail "this VM does not run our module"

cleanup() {
	partner 'ip link del wg2 2>/dev/null; pkill iperf3; true' >/dev/null 2>&1 || true
}
trap cleanup EXIT

key1=$(wg genkey)
pub1=$(echo "$key1" | wg pubkey)
inns ns1 ip link add wg1 type wireguard
inns ns1 wg set wg1 listen-port 20001 private-key <(echo "$key1")
inns ns1 ip addr add 192.168.243.1/24 dev wg1
inns ns1 ip addr add fd02::1/64 dev wg1 nodad
inns ns1 ip link set wg1 up

# The partner makes its own key and tells us the public half.
pub2=$(partner '
ip link del wg2 2>/dev/null || true
pkill iperf3 || true
umask 077
wg genkey >/tmp/key
ip link add wg2 type wireguard
wg set wg2 listen-port 20002 private-key /tmp/key
ip addr add 192.168.243.2/24 dev wg2
ip addr add fd02::2/64 dev wg2 nodad
ip link set wg2 up
iperf3 -s -D
wg pubkey </tmp/key') || fail "partner setup: $pub2"
pub2=$(echo "$pub2" | tail -1)

# p_handshake_done, p_ping ADDR [COUNT], p_transfer: as in tunnel.bash,
# on the partner.
p_handshake_done() {
	partner "wg show wg2 latest-handshakes | awk '\$2 != 0 { ok = 1 } END { exit !ok }'"
}
p_ping() {
	partner "ping -q -c ${2:-1} -i 0.2 -W 2 $1 >/dev/null"
}
p_transfer() {
	partner "wg show wg2 transfer | awk '{ print \$2, \$3; exit }'"
}
# fast_pings NS ADDR...: three pings to each, all answered.
fast_pings() {
	local ns=$1 a
	shift
	for a in "$@"; do
		inns "$ns" ping -q -c 3 -i 0.2 -W 2 "$a" >/dev/null || return 1
	done
}

# configure INITIATOR PSK1 PSK2 OUTER: fresh peers, no session; INITIATOR
# (ours or distro) alone has an endpoint; PSKn is this VM's and the
# partner's preshared key ("" for none); OUTER is 4 or 6.
configure() {
	local init=$1 psk1=$2 psk2=$3 e1=$LINK_NET4.2 e2=$LINK_NET4.1
	local a1=(allowed-ips "192.168.243.2/32,fd02::2/128") p2=
	[ "$4" = 6 ] && { e1="[${LINK_NET6}2]"; e2="[${LINK_NET6}1]"; }
	inns ns1 wg set wg1 peer "$pub2" remove
	echo "$psk1" >/tmp/psk
	[ -n "$psk1" ] && a1+=(preshared-key /tmp/psk)
	[ "$init" = ours ] && a1+=(endpoint "$e1:20002")
	inns ns1 wg set wg1 peer "$pub2" "${a1[@]}"
	[ -n "$psk2" ] && p2="preshared-key /tmp/psk"
	[ "$init" = distro ] && p2="$p2 endpoint $e2:20001"
	partner "wg set wg2 peer $pub1 remove
echo '$psk2' >/tmp/psk
wg set wg2 peer $pub1 allowed-ips 192.168.243.1/32,fd02::1/128 $p2" ||
		fail "partner: cannot configure the peer"
}

# iperf_bidir: 2 s of TCP each way at once; both ways must carry data.
iperf_bidir() {
	local out
	out=$(inns ns1 timeout 30 iperf3 -c 192.168.243.2 -t 2 --bidir -f k 2>&1) ||
		fail "$what: iperf3: $out"
	# Summary lines: "[ id][TX-C|RX-C] 0.00-2.00 sec N KBytes R Kbits/sec ... receiver"
	echo "$out" | awk '/receiver$/ && $0 ~ /TX-C/ { tx = $(NF - 3) } \
		/receiver$/ && $0 ~ /RX-C/ { rx = $(NF - 3) } \
		END { exit !(tx > 0 && rx > 0) }' || fail "$what: iperf3 moved nothing: $out"
	echo "$what: iperf3 $(echo "$out" | awk '/receiver$/ { printf "%s %s ", $(NF - 2), $(NF - 1) }')"
}

# Each initiator and each PSK setting once over each outer family.
psk=$(wg genpsk)
for run in "no ours 4" "no distro 6" "yes ours 6" "yes distro 4"; do
	read -r withpsk init outer <<<"$run"
	k=
	[ "$withpsk" = yes ] && k=$psk
	what="$init initiating, psk=$withpsk, outer IPv$outer"
	configure "$init" "$k" "$k" "$outer"
	if [ "$init" = ours ]; then
		want="$LINK_NET4.1:20001"
		[ "$outer" = 6 ] && want="[${LINK_NET6}1]:20001"
		wait_for 15 pings ns1 192.168.243.2
		# Back, inside IPv6, and what the responder saw, in one call.
		got=$(partner "ping -q -c 3 -i 0.2 -W 2 192.168.243.1 >/dev/null || echo 'no ping back'
ping -q -c 3 -i 0.2 -W 2 fd02::1 >/dev/null || echo 'no ping6'
echo \"endpoint \$(wg show wg2 endpoints | cut -f2)\"
wg show wg2 latest-handshakes | awk '\$2 == 0 { print \"no handshake on the partner\" }'") ||
			fail "$what: partner: $got"
		expect_eq "$what: partner" "$got" "endpoint $want"
		handshake_done ns1 wg1 || fail "$what: no handshake here"
	else
		want="$LINK_NET4.2:20002"
		[ "$outer" = 6 ] && want="[${LINK_NET6}2]:20002"
		wait_for 15 p_ping 192.168.243.1
		fast_pings ns1 192.168.243.2 || fail "$what: ping back"
		fast_pings ns1 fd02::2 || fail "$what: ping6"
		expect_eq "$what: endpoint we learned" "$(inns ns1 wg show wg1 endpoints | cut -f2)" "$want"
		handshake_done ns1 wg1 || fail "$what: no handshake here"
		p_handshake_done || fail "$what: no handshake on the partner"
	fi
	iperf_bidir
	echo "$what: ok after ${SECONDS}s"
done

# Mismatched preshared keys: the initiation gets through and is answered,
# but no session may come up. A PSK on our side only, ours initiating;
# then two different PSKs, the distro's initiating.
what="psk mismatch, ours initiating"
configure ours "$psk" "" 4
! fast_pings ns1 192.168.243.2 || fail "$what: a session came up"
read -r rx tx <<<"$(p_transfer)"
{ [ "$rx" -gt 0 ] && [ "$tx" -gt 0 ]; } ||
	fail "$what: the partner saw no handshake (rx $rx, tx $tx): the test proves nothing"
handshake_done ns1 wg1 && fail "$what: handshake recorded here"
p_handshake_done && fail "$what: handshake recorded on the partner"

what="psk mismatch, distro initiating"
configure distro "$psk" "$(wg genpsk)" 4
! p_ping 192.168.243.1 3 || fail "$what: a session came up"
read -r rx tx <<<"$(transfer ns1 wg1)"
{ [ "$rx" -gt 0 ] && [ "$tx" -gt 0 ]; } ||
	fail "$what: we saw no handshake (rx $rx, tx $tx): the test proves nothing"
# A responder has a handshake only once the initiator confirms the session
# with its first data packet, which it cannot do here.
handshake_done ns1 wg1 && fail "$what: we report a handshake the initiator never confirmed"
p_handshake_done && fail "$what: handshake recorded on the partner"

report=$(partner_kernel_report)
[ -z "$report" ] || fail "the partner's kernel log: $report"
