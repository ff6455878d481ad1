#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: our module against the distribution's in-kernel one, in the
# same VM with the same script (tests/vm/bench-vm.sh), alternating runs.
# KERNEL=6.1 or 6.12 (default), RUNS=N alternations (default 2).
exec bash "$(dirname "$0")/vm/show.sh" bench /tests/vm/bench-vm.sh 1500 \
	WG_BENCH_RUNS="${RUNS:-2}"
