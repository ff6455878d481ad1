#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netns that created a device dies while the device lives on elsewhere
# and its peers still hold routes (dst caches) through the dead netns's
# devices. Those routes must go with the netns: its teardown may not wait
# for the peer's removal (a stuck "waiting for DEV to become free"), and
# nothing may touch it afterwards (KASAN on the debug kernel).
. ./lib.bash

wg_load_ours

tx_bytes() { # tx_bytes NS: bytes sent to the only peer
	inns "$1" wg show wg0 transfer | awk '{print $3}'
}
sent_something() { [ "$(tx_bytes nsA)" -gt 0 ]; }
gone_from_c() { ! inns nsC ip link show "$1"; }
carrier_down() { inns nsB ip link show wg0 | grep NO-CARRIER >/dev/null; }

round() { # round 4|6
	local fam=$1 me them peer_key
	if [ "$fam" = 6 ]; then
		me=fd77::1 them="[fd77::2]"
	else
		me=192.168.77.1 them=192.168.77.2
	fi
	make_ns nsA nsB nsC
	ip link add vA netns nsA type veth peer name vC netns nsC
	inns nsA ip addr add 192.168.77.1/24 dev vA
	inns nsA ip addr add fd77::1/64 dev vA nodad
	inns nsC ip addr add 192.168.77.2/24 dev vC
	inns nsC ip addr add fd77::2/64 dev vC nodad
	inns nsA ip link set vA up
	inns nsC ip link set vC up

	peer_key=$(wg genkey | wg pubkey)
	inns nsA ip link add wg0 type wireguard
	inns nsA wg set wg0 private-key <(wg genkey) listen-port 51820 \
		peer "$peer_key" endpoint "$them:51820" allowed-ips 10.9.0.2/32
	inns nsA ip addr add 10.9.0.1/24 dev wg0
	inns nsA ip link set wg0 up
	# An initiation goes out over vA: the peer now caches a route.
	inns nsA ping -c 1 -W 1 10.9.0.2 >/dev/null 2>&1 || true
	wait_for 10 sent_something
	echo "IPv$fam: $(tx_bytes nsA) bytes sent from $me"

	inns nsA ip link set wg0 netns nsB
	inns nsB ip link set wg0 up
	ip netns del nsA
	wait_for 20 carrier_down
	# Namespaces are torn down one after another: a netns deleted after
	# nsA is gone only once nsA's teardown is complete. Its veth end in
	# nsC disappears then.
	make_ns nsD
	ip link add vD netns nsD type veth peer name vS netns nsC
	ip netns del nsD
	wait_for 40 gone_from_c vS
	# Only now the peer and the device go.
	inns nsB wg set wg0 peer "$peer_key" remove
	inns nsB ip link del wg0
	ip netns del nsB
	ip netns del nsC
}

round 6
round 4
