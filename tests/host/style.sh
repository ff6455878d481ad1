#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel style: checkpatch --strict on every module, header and KUnit file,
# and sparse (C=1) over a build against Debian's 6.1 headers.
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

status=0
cd "$top"
files=$(ls module/*.[ch] include/uapi/*.h tests/kunit/*.c 2>/dev/null)
# shellcheck disable=SC2086
if ! perl "$cache/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $files; then
	echo "FAIL: checkpatch"
	status=1
fi

abi=$(bash tests/vm/kernels.sh resolve 6.1)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rsync -a --exclude .git --exclude /build ./ "$out/"
make -s -C "/usr/src/linux-headers-$abi" M="$out" C=1 W=1 modules >"$out/sparse.log" 2>&1 || {
	cat "$out/sparse.log"
	echo "FAIL: build with sparse"
	exit 1
}
if grep -E 'warning|error' "$out/sparse.log"; then
	echo "FAIL: sparse or compiler warnings"
	status=1
fi
exit $status
