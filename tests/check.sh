#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything, on every kernel.
#   check.sh [--kernels "6.1 6.12 7.2 debug"] [--tests "link config-basic ..."]
#
# Host tests (wgctl unit tests, DKMS, style) run first; then for each kernel
# the module is built, an initramfs packed, and one VM boots that runs every
# tests/netns/*.sh. Ends with "N passed, M failed[, K skipped]".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
# 7.2 is Debian unstable's (built in a sid chroot); to leave it out by
# default, drop it here and in the Makefile.
kernels="6.1 6.12 7.2 debug"
tests=""
while [ $# -gt 0 ]; do
	case "$1" in
	--kernels) kernels=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	*) echo "usage: $0 [--kernels LIST] [--tests LIST]" >&2; exit 2 ;;
	esac
done
# A TESTS selection names VM tests; host tests run only with the full set.
host_tests=1
[ -n "$tests" ] && host_tests=0
[ -n "$tests" ] || tests=$(cd tests/netns && ls ./*.sh | sed 's|^\./||; s|\.sh$||' | tr '\n' ' ')

build=$top/build
# The stock kernel the debug kernel's partner VM runs.
debug_partner=6.12
mkdir -p "$build"
passed=0 failed=0 skipped=0
failures=()

result() { # result NAME PASS|FAIL|SKIP [detail]
	case "$2" in
	PASS) passed=$((passed + 1)); echo "PASS  $1 ${3:-}" ;;
	SKIP) skipped=$((skipped + 1)); echo "SKIP  $1 ${3:-}" ;;
	*) failed=$((failed + 1)); failures+=("$1"); echo "FAIL  $1 ${3:-}" ;;
	esac
}

step() { echo; echo "=== $*"; }

step "dependencies"
bash tests/vm/kernels.sh deps || { echo "cannot install dependencies"; exit 1; }

# Userspace helpers that go into every VM.
step "userspace"
rm -rf "${build:?}/bin"
mkdir -p "$build/bin"
if [ -f tools/wgctl/Makefile ]; then
	if make -s -C tools/wgctl >"$build/wgctl.log" 2>&1; then
		cp tools/wgctl/wgctl "$build/bin/"
	else
		cat "$build/wgctl.log"
		result wgctl-build FAIL
	fi
	if [ "$host_tests" = 1 ]; then
		if make -s -C tools/wgctl test >"$build/wgctl-test.log" 2>&1; then
			result wgctl-unit PASS "($(tail -1 "$build/wgctl-test.log"))"
		else
			tail -30 "$build/wgctl-test.log"
			result wgctl-unit FAIL
		fi
	fi
fi
# A tool asks for more libraries with a line "/* LDLIBS: -lfoo */".
for c in tests/netns/*.c; do
	[ -e "$c" ] || continue
	name=$(basename "$c" .c)
	libs=$(sed -n 's|^/\* LDLIBS: \(.*\) \*/$|\1|p' "$c")
	# shellcheck disable=SC2086
	if ! cc -O2 -Wall -Wextra -Werror -I include/uapi -o "$build/bin/$name" "$c" -lmnl $libs \
		>"$build/$name.log" 2>&1; then
		cat "$build/$name.log"
		result "build-$name" FAIL
	fi
done


# A test whose script has a line "# kernel K: skip REASON" does not run on
# kernel K; it is reported as skipped there, with its reason. Used to keep
# CI inside its time: README says what runs where, and why.
# "# debug-kernel: skip REASON" is the same as "# kernel debug: skip".
skip_reason() { # skip_reason KERNEL TEST
	local k=${1//./\\.}
	{
		sed -n "s/^# kernel $k: skip //p" "tests/netns/$2.sh"
		[ "$1" = debug ] && sed -n 's/^# debug-kernel: skip //p' "tests/netns/$2.sh"
	} 2>/dev/null | head -1
}

# One kernel: build the module, pack, boot, collect the results.
run_kernel() {
	local k=$1 paths vmlinuz initrd out=$build/$1 log mem extra list t line stage partner
	local run=$tests reason
	step "kernel $k"
	if ! paths=$(bash tests/vm/prepare.sh "$k" "$out" "$build/bin" 2>"$build/$k.prepare.log"); then
		cat "$build/$k.prepare.log"
		stage=$(tail -1 "$build/$k.prepare.log" | cut -d: -f1)
		result "$k/${stage:-prepare}" FAIL
		return
	fi
	cat "$build/$k.prepare.log"
	read -r vmlinuz initrd <<<"$paths"
	mem=1536
	extra=""
	if [ "$k" = debug ]; then
		mem=2048
		extra="kmemleak=on kunit.enable=1"
	fi
	run=""
	for t in $tests; do
		reason=$(skip_reason "$k" "$t")
		if [ -n "$reason" ]; then
			result "$k/$t" SKIP "(not on $k: $reason)"
		else
			run="$run $t"
		fi
	done
	list=$(echo "$run" | xargs | tr ' ' ',')
	log=$out/console.log
	# A second VM, for the tests marked "# vm: partner" that run here
	# (tests/netns/partner.bash).
	partner=0
	for t in $run; do
		grep -qx '# vm: partner' "tests/netns/$t.sh" 2>/dev/null && partner=1
	done
	local pkernel=$vmlinuz pinitrd=$initrd
	if [ "$partner" = 1 ] && [ "$k" = debug ]; then
		# The debug kernel's partner runs a stock kernel: at full speed it
		# can put a KASAN responder under load, and it has the distro's
		# wireguard module to be a real peer with.
		if paths=$(bash tests/vm/prepare.sh "$debug_partner" "$build/debug-partner" "$build/bin" \
			2>"$build/debug-partner.prepare.log"); then
			read -r pkernel pinitrd <<<"$paths"
			echo "the partner VM runs $debug_partner"
		else
			cat "$build/debug-partner.prepare.log"
			result "$k/partner-$debug_partner" FAIL
			partner=0
		fi
	fi
	if [ "$partner" = 1 ]; then
		echo "booting with a partner VM; console logs in $log and ${log%.log}.partner.log"
	else
		echo "booting; console log in $log"
	fi
	WG_VM_MEM=$mem WG_VM_PARTNER=$partner WG_VM_PARTNER_MEM=$((mem / 2)) \
		WG_VM_PARTNER_KERNEL=$pkernel WG_VM_PARTNER_INITRD=$pinitrd \
		bash tests/vm/boot.sh "$vmlinuz" "$initrd" "$log" "$list" $extra
	local expect=$run
	[ "$k" = debug ] && expect="$run kmemleak"
	for t in $(echo "$expect" | xargs); do
		line=$(grep -a "^@@RESULT $t " "$log" | tail -1 | tr -d '\r')
		if [ -z "$line" ]; then
			echo "--- $k/$t: no result, the VM died; last console lines:"
			tr -d '\r' <"$log" | tail -40
			result "$k/$t" FAIL "(no result)"
			continue
		fi
		# shellcheck disable=SC2086
		set -- $line
		case "$3" in
		PASS) result "$k/$t" PASS "(${4}s)" ;;
		SKIP) result "$k/$t" SKIP "(${4}s)" ;;
		*)
			echo "--- $k/$t failed: ${*:5}"
			grep -a "^\[$t\]" "$log" | tr -d '\r' | tail -60
			# The reason again, next to the verdict: a reader of only
			# the last lines sees why.
			result "$k/$t" FAIL "(${4}s: ${*:5})"
			;;
		esac
	done
}

# One kernel in a subshell of its own: its output goes to build/K.out and
# its tally to build/K.tally, for the caller to print and add up.
run_kernel_apart() {
	local k=$1
	(
		passed=0 failed=0 skipped=0
		failures=()
		run_kernel "$k"
		echo "$passed $failed $skipped ${failures[*]}" >"$build/$k.tally"
	) >"$build/$k.out" 2>&1
}

# Print what a kernel run apart said, and add its tally to ours.
collect_kernel() {
	local k=$1 p f s rest
	cat "$build/$k.out"
	read -r p f s rest <"$build/$k.tally" || { p=0 f=1 s=0 rest="$k/run"; }
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	# shellcheck disable=SC2206
	[ -n "$rest" ] && failures+=($rest)
}

# The debug kernel (its first build, then ten times slower tests) runs
# beside the stock kernels, which run one after the other: two VMs share
# the two cores, and much of a test's time is waiting, so this takes less
# wall time than one lane; it keeps CI inside its time. WG_LANES=1 runs
# every kernel in turn.
lanes=${WG_LANES:-2}
others=""
beside=""
for k in $kernels; do
	if [ "$k" = debug ] && [ "$lanes" -gt 1 ] && [ "$(echo "$kernels" | wc -w)" -gt 1 ]; then
		beside=$k
	else
		others="$others $k"
	fi
done
if [ -n "$beside" ]; then
	echo
	echo "=== kernel $beside runs beside the others; its output follows theirs"
	run_kernel_apart "$beside" &
	beside_pid=$!
fi
# Host tests, while the debug kernel's lane builds its kernel.
if [ "$host_tests" = 1 ]; then
	step "host tests"
	for t in tests/host/*.sh; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .sh)
		if bash "$t" >"$build/host-$name.log" 2>&1; then
			result "host/$name" PASS
		else
			tail -30 "$build/host-$name.log"
			result "host/$name" FAIL
		fi
	done
fi

for k in $others; do
	run_kernel "$k"
done
if [ -n "$beside" ]; then
	wait "$beside_pid"
	collect_kernel "$beside"
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
