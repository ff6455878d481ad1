#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# wgctl's errors that need a kernel: unknown interface, an interface of
# another kind, permission denied; and allowed-ips +a,-b.
. ./lib.bash

wg_load_ours

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect_err WHAT 'STDERR FRAGMENT' CMD...
expect_err() {
	local what=$1 want=$2 rc=0
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" = 1 ] || fail "$what: exit status $rc, want 1 (stderr: $(cat "$tmp/err"))"
	grep -qF -- "$want" "$tmp/err" || fail "$what: stderr '$(cat "$tmp/err")' lacks '$want'"
	echo "ok: $what: $(cat "$tmp/err")"
}

ip link add wg0 type wireguard
printf '[Interface]\nListenPort = 1\n' >"$tmp/ok.conf"
key=$(wgctl genkey | wgctl pubkey)

for cmd in "show nosuch0" "show nosuch0 dump" "showconf nosuch0" "set nosuch0 listen-port 1" \
	"setconf nosuch0 $tmp/ok.conf" "addconf nosuch0 $tmp/ok.conf" "syncconf nosuch0 $tmp/ok.conf" \
	"metrics nosuch0" "show --json nosuch0"; do
	# shellcheck disable=SC2086
	expect_err "$cmd" "unknown interface 'nosuch0'" wgctl $cmd
done
for cmd in "show lo" "showconf lo" "set lo listen-port 1" "setconf lo $tmp/ok.conf"; do
	# shellcheck disable=SC2086
	expect_err "$cmd" "'lo' is not a wireguard interface" wgctl $cmd
done
# an unprivileged user namespace has no CAP_NET_ADMIN over this netns
for cmd in "show wg0" "showconf wg0" "set wg0 listen-port 1" "setconf wg0 $tmp/ok.conf"; do
	# shellcheck disable=SC2086
	expect_err "unprivileged $cmd" "permission denied" unshare -U wgctl $cmd
done
[ -z "$(wgctl show nosuch0 2>/dev/null)" ] || fail "output on stdout for an error"
[ -z "$(wgctl show --json nosuch0 2>/dev/null)" ] || fail "JSON output for an error"

# allowed-ips: a list replaces, +a adds, -b removes exactly that prefix
wgctl set wg0 peer "$key" allowed-ips 10.0.0.1/32,10.0.0.2/32
expect_eq "replace" "$(wg show wg0 allowed-ips | cut -f2)" "10.0.0.1/32 10.0.0.2/32"
wgctl set wg0 peer "$key" allowed-ips +10.0.1.0/24
expect_eq "+ adds" "$(wg show wg0 allowed-ips | cut -f2)" "10.0.0.1/32 10.0.0.2/32 10.0.1.0/24"
if is_ours; then
	wgctl set wg0 peer "$key" allowed-ips -10.0.0.2/32,+fd00::/64,-10.0.1.0/25
	expect_eq "- removes" "$(wg show wg0 allowed-ips | cut -f2)" "10.0.0.1/32 10.0.1.0/24 fd00::/64"
else
	# the distro module predates WGALLOWEDIP_F_REMOVE_ME and must refuse it
	rc=0
	wgctl set wg0 peer "$key" allowed-ips -10.0.0.2/32 2>"$tmp/err" || rc=$?
	[ "$rc" = 1 ] && [ -s "$tmp/err" ] || fail "-prefix on a module without REMOVE_ME: status $rc"
	echo "ok: -prefix refused by the distro module: $(cat "$tmp/err")"
	expect_eq "nothing removed" "$(wg show wg0 allowed-ips | cut -f2)" "10.0.0.1/32 10.0.0.2/32 10.0.1.0/24"
fi
wgctl set wg0 peer "$key" allowed-ips ""
expect_eq "empty list clears" "$(wg show wg0 allowed-ips | cut -f2)" "(none)"
wgctl set wg0 peer "$key" remove
expect_eq "remove" "$(wg show wg0 peers)" ""
