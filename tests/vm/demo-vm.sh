#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the demo VM: two hosts in namespaces, each with a wireguard
# device of our module, then shows what was built and what works so far.
cd /tests/netns && . ./lib.bash
set +e
export WG_COLOR_MODE=never

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

wg_load_ours
say "module"
grep -E 'wireguard' /proc/modules
make_ns alice bob
ip link add veth-a netns alice type veth peer name veth-b netns bob
ip -n alice addr add 192.0.2.1/24 dev veth-a
ip -n bob addr add 192.0.2.2/24 dev veth-b
ip -n alice link set veth-a up
ip -n bob link set veth-b up
# Each device is created in its host's namespace, so its UDP socket is there.
for h in alice bob; do
	ip -n $h link add wg0 type wireguard
done
ip -n alice addr add 10.0.0.1/24 dev wg0
ip -n bob addr add 10.0.0.2/24 dev wg0

say "devices"
run ip -n alice -d link show wg0
run ip -n bob -d link show wg0

if inns alice wg show wg0 >/dev/null 2>&1; then
	say "configuration through the genl ABI, by the real wg"
	ka=$(wg genkey); kb=$(wg genkey)
	inns alice wg set wg0 private-key <(echo "$ka") listen-port 51820 \
		peer "$(echo "$kb" | wg pubkey)" allowed-ips 10.0.0.2/32 endpoint 192.0.2.2:51820
	inns bob wg set wg0 private-key <(echo "$kb") listen-port 51820 \
		peer "$(echo "$ka" | wg pubkey)" allowed-ips 10.0.0.1/32 endpoint 192.0.2.1:51820
	ip -n alice link set wg0 up
	ip -n bob link set wg0 up
	say "ping through the tunnel"
	if inns alice ping -c 3 -W 2 10.0.0.2; then
		echo "the tunnel works"
	else
		echo "(no tunnel traffic yet: the data path is not done)"
	fi
	run inns alice wg show
	run inns bob wg show
else
	ip -n alice link set wg0 up
	ip -n bob link set wg0 up
	echo "(the genl configuration ABI is not implemented yet)"
fi
say "done"
