# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the tunnel-*.sh tests; source after lib.bash.
#
# A pair of tunnel ends: wg1 in ns1 (192.168.241.1, fd00::1) and wg2 in
# ns2 (192.168.241.2, fd00::2), both created in ns0 and moved out, so
# their UDP sockets live on ns0's loopback.

# key_pair: "PRIVATE PUBLIC", a new key pair in base64 on one line, for
# `read -r key pub < <(key_pair)`; nothing at all if wg fails.
key_pair() {
	local key pub
	key=$(wg genkey) && pub=$(echo "$key" | wg pubkey) && echo "$key $pub"
}

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
	add_addrs ns1 wg1 192.168.241.1/24,fd00::1/64
	add_addrs ns2 wg2 192.168.241.2/24,fd00::2/64
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

# add_addrs NS DEV ADDRS: comma-separated CIDRs; IPv6 ones without DAD.
add_addrs() {
	local a
	for a in ${3//,/ }; do
		case "$a" in
		*:*) inns "$1" ip addr add "$a" dev "$2" nodad ;;
		*) inns "$1" ip addr add "$a" dev "$2" ;;
		esac
	done
}

# veth_link NS1 IF1 ADDRS1 NS2 IF2 ADDRS2: a veth pair between two
# namespaces, with its addresses, both ends up.
veth_link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
	add_addrs "$1" "$2" "$3"
	add_addrs "$4" "$5" "$6"
	inns "$1" ip link set "$2" up
	inns "$4" ip link set "$5" up
}

# wg_dev NS DEV PORT KEY ADDRS [WG-SET-ARGS...]: a wireguard device made in
# NS, listening on PORT with private KEY, the rest of the `wg set`
# arguments (its peers) and the inner ADDRS, then up.
wg_dev() {
	local ns=$1 dev=$2 port=$3 key=$4 addrs=$5
	shift 5
	inns "$ns" ip link add "$dev" type wireguard
	inns "$ns" wg set "$dev" listen-port "$port" private-key <(echo "$key") "$@"
	add_addrs "$ns" "$dev" "$addrs"
	inns "$ns" ip link set "$dev" up
}

# on_both_modules FN [ARGS...]: FN ARGS on the distribution's module first,
# as the reference (where the kernel has one, and not on the ten times
# slower debug kernel), then FN on ours.
on_both_modules() {
	if ! debug_kernel &&
		[ -n "$(find "/lib/modules/$(kernel_release)/kernel" -name 'wireguard.ko*')" ]; then
		wg_load_distro
		echo "the distribution's module:"
		"$@"
	fi
	wg_load_ours
	echo "our module:"
	"$1"
}
