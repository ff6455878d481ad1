#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests of wgctl: the C test programs (one PASS/FAIL line per
# check), JSON validation with python3 -m json.tool, and the command-line
# errors that need no kernel. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { passed=$((passed + 1)); echo "PASS $*"; }
failt() { failed=$((failed + 1)); echo "FAIL $*"; }

for t in tests/test_*; do
	case "$t" in *.c) continue ;; esac
	[ -x "$t" ] || continue
	"$t" "$tmp/out.json" >"$tmp/out" 2>&1
	rc=$?
	p=$(grep -c '^PASS' "$tmp/out")
	f=$(grep -c '^FAIL' "$tmp/out")
	grep '^FAIL' "$tmp/out"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		failt "$t exited with $rc"
		tail -5 "$tmp/out"
	fi
done

# the JSON document of test_json, through a real parser
if [ -s "$tmp/out.json" ] && command -v python3 >/dev/null; then
	if python3 -m json.tool "$tmp/out.json" >/dev/null 2>"$tmp/err"; then
		pass "json: python3 -m json.tool accepts the device document"
	else
		failt "json: invalid: $(cat "$tmp/err")"
	fi
fi

# the JSON lines of test_monitor, each through a real parser
if [ -x tests/test_monitor ] && command -v python3 >/dev/null; then
	tests/test_monitor --lines "$tmp/monitor.jsonl" >/dev/null 2>&1
	if [ -s "$tmp/monitor.jsonl" ] && python3 -c '
import json, sys
for line in open(sys.argv[1]):
    assert isinstance(json.loads(line), dict)
' "$tmp/monitor.jsonl" 2>"$tmp/err"; then
		pass "json: every monitor line is one JSON object"
	else
		failt "json: monitor lines: $(tail -1 "$tmp/err")"
	fi
fi

# expect_err WHAT 'STDERR FRAGMENT' CMD...: fails with status 1 and the message
expect_err() {
	local what=$1 want=$2 rc
	shift 2
	"$@" >"$tmp/o" 2>"$tmp/e" </dev/null
	rc=$?
	if [ "$rc" = 1 ] && grep -qF -- "$want" "$tmp/e"; then
		pass "$what"
	else
		failt "$what: status $rc, stderr: $(head -3 "$tmp/e")"
	fi
}

W=./wgctl
good=HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=

# keys
k=$($W genkey)
[ ${#k} = 44 ] && pass "genkey prints 44 characters" || failt "genkey: '$k'"
[ "$($W genpsk | wc -c)" = 45 ] && pass "genpsk prints a key and a newline" || failt genpsk
if command -v wg >/dev/null; then
	for i in 1 2 3; do
		k=$($W genkey)
		[ "$(echo "$k" | wg pubkey)" = "$(echo "$k" | $W pubkey)" ] &&
			pass "pubkey agrees with wg pubkey ($i)" || failt "pubkey of $k"
		k=$(wg genkey)
		[ "$(echo "$k" | wg pubkey)" = "$(echo "$k" | $W pubkey)" ] &&
			pass "pubkey of a wg genkey key agrees with wg pubkey ($i)" || failt "pubkey of $k"
	done
fi
expect_err "pubkey: bad base64" "bad key" sh -c "echo 'not a key' | $W pubkey"
expect_err "pubkey: short key" "bad key" sh -c "echo AAAA | $W pubkey"
expect_err "pubkey: empty input" "bad key" sh -c "$W pubkey </dev/null"

# set: argument errors are found before any netlink
expect_err "set: bad peer key" "bad key 'abc'" $W set wg0 peer abc
expect_err "set: bad port" "bad port '99999'" $W set wg0 listen-port 99999
expect_err "set: bad fwmark" "bad fwmark" $W set wg0 fwmark 0xzz
expect_err "set: bad CIDR" "bad CIDR '10.0.0.1/40'" $W set wg0 peer $good allowed-ips 10.0.0.1/40
expect_err "set: bad CIDR address" "bad CIDR" $W set wg0 peer $good allowed-ips 10.0.0/8
expect_err "set: bad endpoint" "bad endpoint" $W set wg0 peer $good endpoint 10.0.0.1
expect_err "set: bad endpoint port" "bad port" $W set wg0 peer $good endpoint 10.0.0.1:70000
expect_err "set: IPv6 endpoint needs brackets" "bad endpoint" $W set wg0 peer $good endpoint fd00::1:5
expect_err "set: bad keepalive" "bad persistent keepalive" $W set wg0 peer $good persistent-keepalive x
expect_err "set: unknown keyword" "unknown keyword 'frobnicate'" $W set wg0 frobnicate 1
expect_err "set: device keyword after peer" "unknown keyword 'listen-port'" $W set wg0 peer $good listen-port 1
expect_err "set: missing value" "needs a value" $W set wg0 peer $good endpoint
echo short >"$tmp/short.key"
expect_err "set: bad key file" "bad key" $W set wg0 private-key "$tmp/short.key"
expect_err "set: missing key file" "No such file" $W set wg0 private-key "$tmp/none.key"
expect_err "set: name too long" "too long" $W set wg0123456789abcdef listen-port 1
expect_err "show: unknown field" "unknown keyword 'colour'" $W show wg0 colour
expect_err "unknown subcommand" "unknown subcommand" $W frob
expect_err "monitor: unknown interface" "unknown interface 'nosuch0'" $W monitor nosuch0
expect_err "monitor: two interfaces" "Usage: wgctl monitor" $W monitor lo all
expect_err "monitor: unknown option" "Usage: wgctl monitor" $W monitor --frob

# configuration files: errors name the file and the line
printf '[Interface]\nListenPort = 1\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.0.0.1/32\nEndpoint = nope\n' \
	$good >"$tmp/wg0.conf"
expect_err "setconf: parse error names file:line" "wgctl: $tmp/wg0.conf:7: bad endpoint" \
	$W setconf wg0 "$tmp/wg0.conf"
printf '[Interface]\nPrivateKey = abc\n' >"$tmp/k.conf"
expect_err "setconf: bad key names file:line" "wgctl: $tmp/k.conf:2: bad key" $W setconf wg0 "$tmp/k.conf"
printf '[Interface]\nDNS = 1.1.1.1\n' >"$tmp/d.conf"
expect_err "addconf: unknown keyword" "wgctl: $tmp/d.conf:2: unknown keyword 'DNS'" \
	$W addconf wg0 "$tmp/d.conf"
printf '[Peer]\nPublicKey = %s\nAllowedIPs = 1.2.3.4/99\n' $good >"$tmp/c.conf"
expect_err "syncconf: bad CIDR" "wgctl: $tmp/c.conf:3: bad CIDR" $W syncconf wg0 "$tmp/c.conf"
printf '[Interface]\nListenPort = 65536\n' >"$tmp/p.conf"
expect_err "setconf: bad port" "wgctl: $tmp/p.conf:2: bad port" $W setconf wg0 "$tmp/p.conf"
expect_err "setconf: missing file" "No such file" $W setconf wg0 "$tmp/missing.conf"

# --help for every subcommand, on stdout, status 0
for c in show showconf set setconf addconf syncconf genkey genpsk pubkey metrics; do
	if $W "$c" --help 2>/dev/null | grep -q "^Usage: wgctl $c"; then
		pass "$c --help"
	else
		failt "$c --help"
	fi
done
$W --help | grep -q "^Usage: wgctl" && pass "--help" || failt "--help"
$W monitor --help 2>/dev/null | grep -q "^Usage: wgctl monitor" && pass "monitor --help" ||
	failt "monitor --help"
$W --help | grep -q "^  monitor " && pass "monitor in the usage table" || failt "monitor in --help"

# the bash completion loads and completes
if bash -c ". completion/wgctl.bash && COMP_WORDS=(wgctl sh) COMP_CWORD=1 && _wgctl && [ \"\${COMPREPLY[*]}\" = 'show showconf' ]" 2>/dev/null; then
	pass "bash completion of 'wgctl sh'"
else
	failt "bash completion of 'wgctl sh'"
fi

if bash -c ". completion/wgctl.bash && COMP_WORDS=(wgctl monitor --j) COMP_CWORD=2 && _wgctl && [ \"\${COMPREPLY[*]}\" = '--json' ]" 2>/dev/null; then
	pass "bash completion of 'wgctl monitor --j'"
else
	failt "bash completion of 'wgctl monitor --j'"
fi
if bash -c ". completion/wgctl.bash && COMP_WORDS=(wgctl monitor --json a) COMP_CWORD=3 && _wgctl && [ \"\${COMPREPLY[*]}\" = 'all' ]" 2>/dev/null; then
	pass "bash completion of 'wgctl monitor --json a'"
else
	failt "bash completion of 'wgctl monitor --json a'"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
