#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm: partner
# kernel 6.1: skip for KASAN: tunnel-flood drives the cookie path in one VM on the stock kernels, where an emulated partner cannot outpace the responder
# kernel 6.12: skip for KASAN: tunnel-flood drives the cookie path in one VM on the stock kernels, where an emulated partner cannot outpace the responder
# kernel 7.2: skip for KASAN: tunnel-flood drives the cookie path in one VM on the stock kernels, where an emulated partner cannot outpace the responder
#
# The code that only runs under load (cookie replies, mac2, the rate
# limiter) on the debug kernel, driven from outside: the partner VM, on a
# stock kernel at full speed, floods our responder with initiations that
# carry a valid mac1 from spoofed sources, while a real peer is answered
# with a cookie, comes back with mac2 and completes its handshake. On the
# debug kernel a flood from inside the VM cannot outpace the responder
# (tunnel-flood skips there); KASAN, lockdep and kmemleak watch this one.
#
# The real peer is hs-peer, an initiator that waits as long as it takes:
# under KASAN the responder's queue can hold its messages longer than
# REKEY_TIMEOUT, after which a kernel peer has moved on to a new
# initiation and discards the cookie reply (as the protocol says).
#
#   this VM: nsr, wgr :10001 on 10.77.0.1 (ours, the responder)
#   partner: 10.77.0.2, hs-peer :10002 (the real peer),
#            hs-flood from 10.66.0.0/16, whose replies come back to it
. ./lib.bash
. ./partner.bash

wg_load_ours
partner_connect nsr
is_ours || fail "this VM does not run our module"
partner '! grep -q -- "-wgdebug" /proc/version' ||
	fail "the partner runs the debug kernel: it cannot flood fast enough"

# The flood keeps about $window initiations waiting at the responder, well
# over the 1/8 of its queue (512) that puts it under load, whatever its
# speed (under KASAN it answers 200 to 500 a second, depending on what
# else the host runs): hs-flood sends one more for each cookie reply that
# comes back. It lasts longer than hs-peer may take for its two round
# trips through that queue.
window=1500 count=1000000 seconds=75 peer_seconds=60

inns nsr sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
inns nsr ip route add 10.66.0.0/16 via "$PARTNER_ADDR"
keyr=$(wg genkey)
pubr=$(echo "$keyr" | wg pubkey)
inns nsr ip link add wgr type wireguard
inns nsr wg set wgr listen-port 10001 private-key <(echo "$keyr")
inns nsr ip addr add 192.168.244.1/24 dev wgr
inns nsr ip link set wgr up

finish() {
	local rc=$?
	if [ "$rc" != 0 ]; then
		partner 'cat /tmp/flood.log; iptables -t mangle -L -v -x -n' || true
		inns nsr ip -s link show wgr || true
		inns nsr wg show wgr || true
	fi
	partner 'kill $(cat /tmp/flood.pid); iptables -t mangle -F; iptables -F OUTPUT
ip route del local 10.66.0.0/16 dev lo; true' >/dev/null 2>&1 || true
}
trap finish EXIT

# The partner: the real peer's key, and counters of what the responder
# sends to the spoofed sources, in the mangle table, read by position:
# all, cookie replies, responses. The u32 matches look at the UDP source
# port and at the first word of the UDP payload (the message type).
pubp=$(partner "
[ -e /tmp/flood.pid ] && kill \$(cat /tmp/flood.pid) 2>/dev/null || true
iptables -t mangle -F
sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
# The replies to the spoofed sources are delivered here, for hs-flood to
# count (the port unreachable they earn goes nowhere).
ip route del local 10.66.0.0/16 dev lo 2>/dev/null || true
ip route add local 10.66.0.0/16 dev lo
iptables -F OUTPUT
iptables -A OUTPUT -p icmp -d $LINK_NET4.1 -j DROP
umask 077
wg genkey >/tmp/keyp
type_is() { echo \"0>>22&0x3C@8=0x0\${1}000000\"; }
sport='0>>22&0x3C@0>>16=10001'
ipt() { iptables -t mangle -A \"\$@\"; }
ipt PREROUTING -p udp -s $LINK_NET4.1 -d 10.66.0.0/16 -m u32 --u32 \"\$sport\"
ipt PREROUTING -p udp -s $LINK_NET4.1 -d 10.66.0.0/16 -m length --length 92 \
	-m u32 --u32 \"\$sport&&\$(type_is 3)\"
ipt PREROUTING -p udp -s $LINK_NET4.1 -d 10.66.0.0/16 -m u32 --u32 \"\$sport&&\$(type_is 2)\"
wg pubkey </tmp/keyp") || fail "partner setup: $pubp"
pubp=$(echo "$pubp" | tail -1)
inns nsr wg set wgr peer "$pubp" allowed-ips 192.168.244.2/32
latest() {
	inns nsr wg show wgr latest-handshakes | awk -v p="$pubp" '$1 == p { print $2 }'
}
# hs_peer SECONDS: one patient handshake from the partner; its output,
# and its exit status (0: with mac2, 3: answered without a cookie).
hs_peer() {
	partner "hs-peer \$(cat /tmp/keyp) $pubr $LINK_NET4.1 10001 10002 $1"
}

# First without a flood: the responder answers at once, no cookie asked,
# and counts the handshake (hs-peer speaks the protocol).
out=$(hs_peer 60) && rc=0 || rc=$?
echo "$out"
expect_eq "hs-peer against an idle responder (3: complete without mac2)" "$rc" 3
[ "$(latest)" != 0 ] || fail "the responder did not count hs-peer's handshake"
inns nsr wg set wgr peer "$pubp" remove
inns nsr wg set wgr peer "$pubp" allowed-ips 192.168.244.2/32

# counters CHAIN: the partner's packet counts of each rule of CHAIN.
counters() {
	partner "iptables -t mangle -L $1 -v -x -n | awk 'NR > 2 { printf \"%s \", \$1 }'"
}
# hs-flood's last line says what it sent.
flooding() {
	partner '! grep -q "^sent" /tmp/flood.log'
}

partner "setsid hs-flood -w $window $pubr $LINK_NET4.1 10001 10.66.0.0/16 $count $seconds \
	>/tmp/flood.log 2>&1 </dev/null & echo \$! >/tmp/flood.pid" || fail "cannot start the flood"
wait_for 30 partner 'grep -q "first burst sent" /tmp/flood.log'
# Under load now: a cookie reply first, then a handshake with mac2. A try
# that found the responder between two stretches of load (answered
# without a cookie) is made again.
for try in 1 2 3; do
	out=$(hs_peer "$peer_seconds") && rc=0 || rc=$?
	echo "$out"
	[ "$rc" = 3 ] || break
	inns nsr wg set wgr peer "$pubp" remove
	inns nsr wg set wgr peer "$pubp" allowed-ips 192.168.244.2/32
done
expect_eq "hs-peer during the flood (0: complete with mac2; try $try)" "$rc" 0
flooding || fail "the flood ended before the handshake with mac2 completed"
[ "$(latest)" != 0 ] || fail "the responder did not count the handshake with mac2"
cookies_at_hs=$(counters PREROUTING | cut -d' ' -f2)

wait_for "$((seconds + 30))" eval '! flooding'
partner 'cat /tmp/flood.log'
read -r all cookies responses _ <<<"$(counters PREROUTING)"
echo "to the spoofed sources: $all datagrams, $cookies cookie replies, $responses responses"
expect_eq "responses to spoofed sources" "$responses" 0
expect_eq "datagrams to spoofed sources that are not cookie replies" "$all" "$cookies"
[ "$cookies" -ge 1000 ] || fail "only $cookies cookie replies"
[ "$cookies" -gt "$cookies_at_hs" ] || fail "no cookie replies after the handshake: not under load then"
report=$(partner_kernel_report) || true
[ -z "$report" ] || fail "the partner's kernel complained: $report"
