#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel style: checkpatch --strict on every module, header and KUnit file,
# and sparse (C=1) over a build against Debian's 6.1 headers.
# wgctl: built with its Makefile's warnings as errors (-Wall -Wextra
# -Werror), test programs included, and cppcheck.
# Shell: shellcheck -S warning over every script.
# The sparse build is one make job; it runs in the background meanwhile.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${WG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wg-oot}/checkpatch
if [ ! -e "$cache/.done" ]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	tar -C "$cache" -xf /usr/src/linux-source-6.1.tar.xz --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	touch "$cache/.done"
fi

need() { # need COMMAND PACKAGE
	command -v "$1" >/dev/null || { echo "FAIL: $1 is missing (apt-get install $2)"; exit 1; }
}
need cppcheck cppcheck
need shellcheck shellcheck

status=0
cd "$top"
abi=$(bash tests/vm/kernels.sh resolve 6.1)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rsync -a --exclude .git --exclude /build ./ "$out/"
make -s -C "/usr/src/linux-headers-$abi" M="$out" C=1 W=1 modules >"$out/sparse.log" 2>&1 &
sparse=$!

files=$(ls module/*.[ch] include/uapi/*.h tests/kunit/*.c 2>/dev/null)
# shellcheck disable=SC2086
if ! perl "$cache/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $files; then
	echo "FAIL: checkpatch"
	status=1
fi

# wgctl, in a copy of its own ("make clean" first: the tree's objects came
# along). CFLAGS is set so that the environment's cannot turn -O2, and with
# it the data flow warnings, off; -Werror is in the Makefile's WGCTL_CFLAGS.
start=$SECONDS
w=$out/wgctl-copy
mkdir -p "$w/tools" "$w/include"
cp -r tools/wgctl "$w/tools/"
cp -r include/uapi "$w/include/"
cp -r dkms.conf version.mk debian "$w/"
make -s -C "$w/tools/wgctl" clean
if ! make -s -C "$w/tools/wgctl" CFLAGS="-O2 -g" wgctl test-progs >"$out/wgctl.log" 2>&1; then
	cat "$out/wgctl.log"
	echo "FAIL: wgctl does not build without warnings"
	status=1
fi
# The library configurations: the C library's, POSIX and GNU functions.
# libmnl.h is read for its iterator macros (without it cppcheck stops at
# mnl_attr_for_each_nested); the other system headers are not.
# Suppressions are inline only (// cppcheck-suppress ID, with a reason).
if ! (cd tools/wgctl && cppcheck --quiet --error-exitcode=1 --inline-suppr \
	--enable=warning,style,performance,portability --std=c11 \
	--library=posix --library=gnu -I. -I../../include/uapi \
	--include="$(pkg-config --variable=includedir libmnl)/libmnl/libmnl.h" \
	--template='tools/wgctl/{file}:{line}: {severity}: {message} [{id}]' \
	./*.c tests/*.c 2>&1); then
	echo "FAIL: cppcheck"
	status=1
fi
echo "style: wgctl build and cppcheck: $((SECONDS - start)) s"

# Every shell script is bash (the VM has bash besides busybox); those
# without a "#!" line say so with "# shellcheck shell=bash". One shellcheck
# per directory, run from there so that -x follows ". ./lib.bash".
start=$SECONDS
declare -A scripts=()
while read -r f; do
	scripts[$(dirname "$f")]+=" $(basename "$f")"
done < <(find tests tools .ci -type f \( -name '*.sh' -o -name '*.bash' -o -path .ci/run \) | sort)
for dir in $(printf '%s\n' "${!scripts[@]}" | sort); do
	# shellcheck disable=SC2086 # a list of file names, none with a space
	if ! (cd "$dir" && shellcheck -x -S warning -f gcc ${scripts[$dir]} | sed "s|^|$dir/|"); then
		echo "FAIL: shellcheck in $dir"
		status=1
	fi
done
echo "style: shellcheck: $((SECONDS - start)) s"

if ! wait "$sparse"; then
	cat "$out/sparse.log"
	echo "FAIL: build with sparse"
	exit 1
fi
if grep -E 'warning|error' "$out/sparse.log"; then
	echo "FAIL: sparse or compiler warnings"
	status=1
fi
exit $status
