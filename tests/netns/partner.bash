# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The link to the partner VM; source after lib.bash. Used on both ends: by
# tests/vm/partner.sh in the partner VM and by the tests marked
# "# vm: partner" in the test VM.
#
# When a test needs it, the harness (tests/vm/boot.sh) boots a second VM of
# the same kernel and initramfs with WG_ROLE=partner, joins the two by one
# virtio-net NIC each, and puts WG_PARTNER=1 on the test VM's command line.
# The partner runs the distribution's wireguard module and serves a root
# shell on PARTNER_ADDR:CONTROL_PORT, reachable only over that link.

LINK_NET4=10.77.0
LINK_NET6=fd77::
PARTNER_ADDR=$LINK_NET4.2
CONTROL_PORT=7000

# Was a partner VM booted beside this one?
partner_booted() {
	grep -qw WG_PARTNER=1 /proc/cmdline
}

# link_nic: print the name of the virtio-net NIC (loading its driver).
link_nic() {
	local n
	modprobe virtio_pci 2>/dev/null || true
	modprobe virtio_net 2>/dev/null || true
	for n in /sys/class/net/*; do
		case "$(readlink "$n/device/driver" 2>/dev/null)" in
		*/virtio_net)
			basename "$n"
			return 0
			;;
		esac
	done
	return 1
}

# link_up NIC HOST [NS]: HOST is 1 (test VM) or 2 (partner); moves NIC
# into NS first if given.
link_up() {
	local nic=$1 host=$2 ns=${3:-}
	local ipn=(ip)
	if [ -n "$ns" ]; then
		ip link set "$nic" netns "$ns"
		ipn=(ip -n "$ns")
	fi
	"${ipn[@]}" addr add "$LINK_NET4.$host/24" dev "$nic"
	"${ipn[@]}" addr add "$LINK_NET6$host/64" dev "$nic" nodad
	"${ipn[@]}" link set "$nic" up
}

# partner SCRIPT: run SCRIPT in the partner VM with bash -e (so it stops at
# the first failing command; stdin is /dev/null, and what it leaves running
# must not keep its stdout); prints its output, returns its exit status, or
# 255 when the partner does not answer. Runs where the link is: PARTNER_NS.
PARTNER_NS=
partner() {
	local out rc run=()
	[ -n "$PARTNER_NS" ] && run=(ip netns exec "$PARTNER_NS")
	# The script ends at "@@end"; the partner closes when it is done.
	out=$(printf '%s\n@@end\n' "$1" |
		"${run[@]}" timeout 120 ncat --no-shutdown -w 5 "$PARTNER_ADDR" "$CONTROL_PORT" 2>/dev/null) ||
		return 255
	rc=$(echo "$out" | sed -n 's/^@@rc \([0-9]*\)$/\1/p' | tail -1)
	echo "$out" | grep -v '^@@rc [0-9]*$' || true
	[ -n "$rc" ] || return 255
	return "$rc"
}

# partner_wait SECONDS: until the partner's shell answers; fails when it
# does not within SECONDS.
partner_wait() {
	local end=$(($(date +%s) + $1))
	until partner true >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] ||
			fail "the partner VM did not answer on $PARTNER_ADDR:$CONTROL_PORT within $1s (its console: build/<kernel>/console.partner.log)"
		sleep 0.5
	done
}

# partner_connect NS: for a test marked "# vm: partner": skips when no
# partner was booted, else moves this VM's end of the link into NS (made
# here), talks to the partner from there, and waits until it answers.
partner_connect() {
	partner_booted || skip "no partner VM was booted: make check boots one for tests marked 'vm: partner'"
	make_ns "$1"
	local nic
	nic=$(link_nic) || fail "a partner VM was booted but this VM has no virtio-net NIC"
	link_up "$nic" 1 "$1"
	PARTNER_NS=$1
	partner_wait "$(debug_kernel && echo 600 || echo 120)"
}

# The partner's kernel log lines that would fail a test here.
partner_kernel_report() {
	partner "dmesg | grep -E 'Oops|WARNING:|BUG:|KASAN|UBSAN|general protection|refcount_t|list_(add|del) corruption|suspicious RCU|lock held|circular locking' | head -40 || true"
}
