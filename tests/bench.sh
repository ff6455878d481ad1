#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: our module against the distribution's in-kernel one, in the
# same VM with the same script (tests/vm/bench-vm.sh), alternating runs.
#   bench.sh [KERNEL...]    6.1, 6.12 (default) or 7.2, one after the other
# RUNS=N alternations (default 2).
set -euo pipefail
[ $# -gt 0 ] || set -- "${KERNEL:-6.12}"
for k in "$@"; do
	echo "=== make bench on $k"
	KERNEL=$k bash "$(dirname "$0")/vm/show.sh" bench /tests/vm/bench-vm.sh 2400 \
		WG_BENCH_RUNS="${RUNS:-2}"
done
