#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The handshake model behind noise_vector.h against wireguard-go, in a
# private network namespace: unshare -n tests/kunit/noise_interop.sh
# Passes when wireguard-go accepts the model's response and keepalive.
set -euo pipefail
umask 077
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
go=
cleanup() {
	[ -z "$go" ] || kill "$go" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

ip link set lo up
wg genkey >"$tmp/initiator"
wg genkey >"$tmp/responder"
wg genpsk >"$tmp/psk"

WG_PROCESS_FOREGROUND=1 wireguard-go wgmodel0 >"$tmp/go.log" 2>&1 &
go=$!
for _ in $(seq 50); do
	ip link show wgmodel0 >/dev/null 2>&1 && break
	sleep 0.1
done
wg set wgmodel0 private-key "$tmp/initiator" listen-port 51000 \
	peer "$(wg pubkey <"$tmp/responder")" preshared-key "$tmp/psk" \
	endpoint 127.0.0.1:51820 allowed-ips 10.9.0.2/32
ip addr add 10.9.0.1/24 dev wgmodel0
ip link set wgmodel0 up

python3 "$here/noise_interop.py" "$(cat "$tmp/responder")" "$(cat "$tmp/psk")" \
	"$(wg pubkey <"$tmp/initiator")" &
model=$!
sleep 0.5
ping -c 3 -W 1 10.9.0.2 >/dev/null 2>&1 || true
wait "$model"
sleep 0.5
# 92 bytes of response plus a 32-byte keepalive.
received=$(wg show wgmodel0 transfer | cut -f2)
[ "$received" -ge 124 ] || { echo "wireguard-go took only $received bytes"; exit 1; }
echo "wireguard-go accepted the model's handshake and data"
