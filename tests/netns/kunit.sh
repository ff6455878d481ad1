#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit suites of tests/kunit, on kernels built with KUnit (the debug
# kernel): load the test module and read the TAP results from the log.
. ./lib.bash

ko="/lib/modules/$(kernel_release)/updates/wireguard-kunit.ko"
[ -e "$ko" ] || skip "this kernel has no KUnit"

dmesg -c >/dev/null
modprobe wireguard-kunit || fail "cannot load the KUnit module"
tap=$(dmesg | sed 's/^\[[ 0-9.]*\] *//' | grep -E '^ *(ok|not ok|# )' || true)
echo "$tap"
rmmod wireguard-kunit
suites=$(echo "$tap" | grep -cE '^ok [0-9]+ ' || true)
[ "$suites" -gt 0 ] || fail "no KUnit suite reported a result"
! echo "$tap" | grep -qE '^ *not ok' || fail "a KUnit case failed"
echo "$suites suites passed"
