# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the tunnel-*.sh tests; source after lib.sh.
#
# A pair of tunnel ends: wg1 in ns1 (192.168.241.1, fd00::1) and wg2 in
# ns2 (192.168.241.2, fd00::2), both created in ns0 and moved out, so
# their UDP sockets live on ns0's loopback.

# tunnel_pair [OUTER_ADDR]: OUTER_ADDR is 127.0.0.1 (default) or ::1.
tunnel_pair() {
	local outer=${1:-127.0.0.1}
	[ "$outer" = "${outer#*:}" ] || outer="[$outer]"
	make_ns ns0 ns1 ns2
	key1=$(wg genkey)
	key2=$(wg genkey)
	pub1=$(echo "$key1" | wg pubkey)
	pub2=$(echo "$key2" | wg pubkey)
	inns ns0 ip link add wg1 type wireguard
	inns ns0 ip link add wg2 type wireguard
	inns ns0 ip link set wg1 netns ns1
	inns ns0 ip link set wg2 netns ns2
	inns ns1 wg set wg1 listen-port 10001 private-key <(echo "$key1") \
		peer "$pub2" allowed-ips 192.168.241.2/32,fd00::2/128 \
		endpoint "$outer:10002"
	inns ns2 wg set wg2 listen-port 10002 private-key <(echo "$key2") \
		peer "$pub1" allowed-ips 192.168.241.1/32,fd00::1/128 \
		endpoint "$outer:10001"
	inns ns1 ip addr add 192.168.241.1/24 dev wg1
	inns ns1 ip addr add fd00::1/64 dev wg1 nodad
	inns ns2 ip addr add 192.168.241.2/24 dev wg2
	inns ns2 ip addr add fd00::2/64 dev wg2 nodad
	inns ns1 ip link set wg1 up
	inns ns2 ip link set wg2 up
}

# handshake_done NS DEV: some peer has a latest handshake.
handshake_done() {
	inns "$1" wg show "$2" latest-handshakes | awk '$2 != 0 { ok = 1 } END { exit !ok }'
}

# transfer NS DEV: "rx tx" bytes of the first peer.
transfer() {
	inns "$1" wg show "$2" transfer | awk '{ print $2, $3; exit }'
}

# pings NS ADDR [COUNT]: COUNT (1) pings that must all be answered.
pings() {
	inns "$1" ping -q -c "${3:-1}" -W 2 "$2" >/dev/null
}
