#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel: skip its KASAN-slowed sender cannot outpace the responder there (the DH is uninstrumented assembly), so the responder never comes under load
#
# A handshake flood, the cookie path end to end: 20,000 initiations with a
# valid mac1 from spoofed sources put the responder under load, so it
# answers them with cookie replies (all but the few it works through
# before its queue fills, which fail quietly), never with a response;
# meanwhile a legitimate peer is answered with a cookie too, comes back
# with mac2 and completes its handshake while the flood still runs.
#
#   nsa (attacker) 10.0.0.2 --- 10.0.0.1 nsr (responder, wgr :10001)
#   nsl (peer, wgl :10002) 10.0.1.2 --- 10.0.1.1 nsr
# The spoofed sources are 10.66.0.0/16, routed back to nsa, where the
# replies are counted by iptables and dropped.
. ./lib.bash
. ./tunnel.bash

# Bursts of a size that fills the responder's queue past 1/8 at once,
# less than a second apart (it stays under load for a second after), for
# long enough that the peer may retry twice and still be done before the
# flood is: a retry is due when a response takes longer than
# REKEY_TIMEOUT, which a loaded host can make it.
count=30000
seconds=24
burst=800

wg_load_ours
make_ns nsr nsa nsl
for ns in nsr nsa nsl; do
	inns $ns sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done
veth_link nsr r-a 10.0.0.1/24 nsa a-r 10.0.0.2/24
veth_link nsr r-l 10.0.1.1/24 nsl l-r 10.0.1.2/24
inns nsr ip route add 10.66.0.0/16 via 10.0.0.2

keyr=$(wg genkey)
keyl=$(wg genkey)
pubr=$(echo "$keyr" | wg pubkey)
publ=$(echo "$keyl" | wg pubkey)
wg_dev nsr wgr 10001 "$keyr" 192.168.241.1/24 \
	peer "$publ" allowed-ips 192.168.241.2/32
wg_dev nsl wgl 10002 "$keyl" 192.168.241.2/24 \
	peer "$pubr" allowed-ips 192.168.241.1/32 endpoint 10.0.1.1:10001

# Counters in the mangle table, one rule each, read by position. The u32
# matches look at UDP ports, at the first word of the UDP payload (the
# message type) and, for initiations, at the first word of mac2.
type_is() { echo "0>>22&0x3C@8=0x0${1}000000"; }
sport="0>>22&0x3C@0>>16=10001"
dport="0>>22&0x3C@0&0xffff=10001"
mac2_set="0>>22&0x3C@140=0x1:0xffffffff"
ipt() { inns "$1" iptables -t mangle -A "${@:2}"; }
# nsa: 1 everything from the responder, 2 cookie replies, 3 responses;
# then drop them, they are not for nsa (routing would answer with ICMP).
ipt nsa PREROUTING -p udp -s 10.0.0.1 -m u32 --u32 "$sport"
ipt nsa PREROUTING -p udp -s 10.0.0.1 -m length --length 92 \
	-m u32 --u32 "$sport&&$(type_is 3)"
ipt nsa PREROUTING -p udp -s 10.0.0.1 -m u32 --u32 "$sport&&$(type_is 2)"
ipt nsa PREROUTING -p udp -s 10.0.0.1 -m u32 --u32 "$sport" -j DROP
# nsl: 1 cookie replies, 2 responses in; 1 initiations out, 2 with mac2.
ipt nsl PREROUTING -p udp -s 10.0.1.1 -m length --length 92 \
	-m u32 --u32 "$sport&&$(type_is 3)"
ipt nsl PREROUTING -p udp -s 10.0.1.1 -m length --length 120 \
	-m u32 --u32 "$sport&&$(type_is 2)"
ipt nsl OUTPUT -p udp -d 10.0.1.1 -m length --length 176 \
	-m u32 --u32 "$dport&&$(type_is 1)"
ipt nsl OUTPUT -p udp -d 10.0.1.1 -m length --length 176 \
	-m u32 --u32 "$dport&&$(type_is 1)&&$mac2_set"

# counters NS CHAIN: packets through each rule of the mangle table's
# CHAIN, on one line, all read at the same moment.
counters() {
	inns "$1" iptables -t mangle -L "$2" -v -x -n | awk 'NR > 2 { printf "%s ", $1 }'
}
# counter NS CHAIN N: packets through rule N.
counter() {
	counters "$1" "$2" | cut -d' ' -f"$3"
}

inns nsa hs-flood "$pubr" 10.0.0.1 10001 10.66.0.0/16 "$count" "$seconds" "$burst" \
	>/tmp/flood.log 2>&1 &
flood=$!
# On the way out: stop the flood; after a failure, show what happened.
finish() {
	local rc=$?
	kill "$flood" 2>/dev/null || true
	[ "$rc" = 0 ] && return
	cat /tmp/flood.log
	inns nsa iptables -t mangle -L -v -x -n
	inns nsl iptables -t mangle -L -v -x -n
	inns nsr ip -s link show wgr
	inns nsr ip -s link show r-a
	inns nsr wg show wgr
	inns nsl wg show wgl
}
trap finish EXIT
flooding() { kill -0 "$flood" 2>/dev/null; }

# The first burst has the responder under load: the peer knocks at once.
wait_for 30 grep -q "first burst sent" /tmp/flood.log
t0=$(date +%s)
inns nsl ping -c 1 -W 1 192.168.241.1 >/dev/null 2>&1 || true
# Its first initiation gets a cookie; the retry after REKEY_TIMEOUT
# carries mac2 and passes.
wait_for 40 handshake_done nsl wgl
hs_at=$(($(date +%s) - t0))
flooding || fail "the flood ended before the handshake completed ($hs_at s after the first try)"
pings nsl 192.168.241.1 || fail "no ping through the tunnel during the flood"
flooding || fail "the flood ended before the ping came back"
cookies_at_hs=$(counter nsa PREROUTING 2)
echo "handshake after $hs_at s, at $cookies_at_hs cookie replies to the flood"
read -r peer_cookies peer_responses <<<"$(counters nsl PREROUTING)"
read -r peer_inits peer_mac2 <<<"$(counters nsl OUTPUT)"
echo "peer: $peer_cookies cookie replies and $peer_responses responses in;" \
	"$peer_inits initiations out, $peer_mac2 with mac2"
[ "$peer_cookies" -ge 1 ] || fail "the peer got no cookie reply: the responder was not under load"
[ "$peer_mac2" -ge 1 ] || fail "the peer never sent an initiation with mac2"
# Each response answers an initiation with mac2; a retry may have earned
# one of its own.
[ "$peer_responses" -ge 1 ] && [ "$peer_responses" -le "$peer_mac2" ] ||
	fail "$peer_responses responses to $peer_mac2 initiations with mac2"

wait "$flood" || fail "hs-flood failed"
cat /tmp/flood.log
echo "responder: $(inns nsr ip -s link show wgr | awk '/RX:/ { getline; print "rx packets", $2, "dropped", $4 }')"
# The responder may still be working through its queue. The peer starts
# over (a new peer has no session and no cookie), and once it has a new
# session, its initiation, queued behind the last of the flood, is done.
inns nsl wg set wgl peer "$pubr" remove
inns nsl wg set wgl peer "$pubr" allowed-ips 192.168.241.1/32 endpoint 10.0.1.1:10001
wait_for 30 pings nsl 192.168.241.1
# At least one more response. Its initiation waits behind the tail of the
# flood, which costs a DH each once the load is gone; if that takes longer
# than REKEY_TIMEOUT the peer retries, and each try is a handshake of its
# own that earns its own response.
[ "$(counter nsl PREROUTING 2)" -ge 2 ] || fail "no response to the returning peer"
read -r all cookies responses _ <<<"$(counters nsa PREROUTING)"
echo "to the spoofed sources: $all datagrams, $cookies cookie replies, $responses responses"
expect_eq "responses to spoofed sources" "$responses" 0
expect_eq "datagrams to spoofed sources that are not cookie replies" "$all" "$cookies"
[ "$cookies" -ge $((count / 2)) ] || fail "only $cookies cookie replies to $count initiations"
[ "$cookies" -gt "$cookies_at_hs" ] || fail "no cookie replies after the handshake: not under load then"
expect_eq "responder's peer endpoint" "$(inns nsr wg show wgr endpoints | cut -f2)" 10.0.1.2:10002
pings nsl 192.168.241.1 3 || fail "tunnel broken after the flood"
pings nsr 192.168.241.2 3 || fail "tunnel broken after the flood (back)"
