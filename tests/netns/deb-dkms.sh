#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kernel 6.1: skip the packaged module is built for bookworm's 6.12 (tests/host/deb.sh builds and installs it for 6.1 too)
# kernel 7.2: skip the packaged module is built for bookworm's 6.12 (tests/host/deb.sh builds and installs it for 7.2 in sid)
# debug-kernel: skip DKMS builds for Debian's kernels, not for the debug one
#
# The Debian package's module, as its DKMS built it in a bookworm chroot,
# and the packaged wgctl (tests/host/deb.sh leaves both in build/deb/vm/;
# the initramfs has them in /deb/): the module loads, says the package's
# version, was built from the same sources as this run's module, and
# carries a tunnel that the packaged wgctl configures.
. ./lib.bash

d=/deb
[ -e "$d/version" ] || skip "no packaged module for this kernel: tests/host/deb.sh makes it"
ver=$(cat "$d/version")
ko=$(ls "$d"/wireguard.ko*)
expect_eq "packaged wgctl --version" "$("$d/wgctl" --version)" "wgctl $ver"

unload_wireguard
for dep in $(module_deps "$ko"); do
	modprobe "$dep" || fail "cannot load $dep, which the packaged module needs"
done
insmod "$ko" || fail "cannot load the packaged module $ko"
expect_eq "version of the loaded module" "$(cat /sys/module/wireguard/version)" "$ver"
expect_eq "modinfo version" "$(modinfo -F version "$ko")" "$ver"
expect_eq "srcversion of the loaded module" "$(cat /sys/module/wireguard/srcversion)" \
	"$(modinfo -F srcversion "$ko")"
expect_eq "srcversion: the packaged sources are this tree's" "$(modinfo -F srcversion "$ko")" \
	"$(modinfo -F srcversion "$(our_ko)")"
echo "ok: $ko loaded, version $ver, srcversion $(cat /sys/module/wireguard/srcversion)"

umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make_ns ns1 ns2
ip -n ns1 link add v1 type veth peer name v2 netns ns2
ip -n ns1 addr add 192.168.50.1/24 dev v1
ip -n ns2 addr add 192.168.50.2/24 dev v2
ip -n ns1 link set v1 up
ip -n ns2 link set v2 up
for i in 1 2; do
	"$d/wgctl" genkey >"$tmp/k$i"
	"$d/wgctl" pubkey <"$tmp/k$i" >"$tmp/p$i"
	ip -n "ns$i" link add wg0 type wireguard || fail "no wireguard link in ns$i"
	ip -n "ns$i" addr add "10.50.0.$i/24" dev wg0
done
inns ns1 "$d/wgctl" set wg0 listen-port 5001 private-key "$tmp/k1" \
	peer "$(cat "$tmp/p2")" allowed-ips 10.50.0.2/32 endpoint 192.168.50.2:5002
inns ns2 "$d/wgctl" set wg0 listen-port 5002 private-key "$tmp/k2" \
	peer "$(cat "$tmp/p1")" allowed-ips 10.50.0.1/32 endpoint 192.168.50.1:5001
inns ns1 ip link set wg0 up
inns ns2 ip link set wg0 up
inns ns1 ping -c 3 -i 0.2 -W 5 10.50.0.2 >/dev/null || fail "no ping through the packaged module's tunnel"
hs=$(inns ns1 "$d/wgctl" show wg0 latest-handshakes | cut -f2)
[ "${hs:-0}" -gt 0 ] || fail "wgctl shows no handshake: '$hs'"
rx=$(inns ns2 "$d/wgctl" show wg0 transfer | cut -f2)
[ "${rx:-0}" -gt 0 ] || fail "wgctl shows nothing received in ns2: '$rx'"
inns ns1 "$d/wgctl" show wg0
echo "ok: tunnel up through the packaged module, configured by the packaged wgctl"
