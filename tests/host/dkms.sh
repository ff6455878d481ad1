#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging: add, build against each tested kernel's headers, remove;
# and for Debian unstable's kernel (7.2), whose headers only run there, add,
# build, install and remove inside a sid chroot (kernels.sh sidrun), as a
# sid user would. Uses a private version string so an installed copy is
# left alone.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
name=wireguard-oot
ver=0.0.0~dkmstest
src=/usr/src/$name-$ver
# Debian unstable's series, checked in a sid chroot.
sid_series="7.2"

cleanup() {
	dkms remove -m "$name" -v "$ver" --all >/dev/null 2>&1 || true
	rm -rf "$src"
}
trap cleanup EXIT
cleanup

mkdir -p "$src"
cp -r "$top"/{Kbuild,Makefile,dkms.conf,module,include} "$src/"
mkdir -p "$src/tests"
cp -r "$top/tests/kunit" "$src/tests/"
sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$ver\"/" "$src/dkms.conf"

dkms add -m "$name" -v "$ver"
for series in 6.1 6.12; do
	abi=$(bash "$top/tests/vm/kernels.sh" resolve "$series")
	bash "$top/tests/vm/kernels.sh" fetch "$abi"
	dkms build -m "$name" -v "$ver" -k "$abi"
	ko=/var/lib/dkms/$name/$ver/$abi/x86_64/module/wireguard.ko
	ls "$ko"* >/dev/null 2>&1 || { echo "FAIL: dkms built no module for $abi"; exit 1; }
	modinfo "$(ls "$ko"* | head -1)" | grep -q "^vermagic: *$abi " ||
		{ echo "FAIL: module for $abi has the wrong vermagic"; exit 1; }
	echo "built for $abi"
done
dkms status -m "$name" -v "$ver"
dkms remove -m "$name" -v "$ver" --all
[ ! -d "/var/lib/dkms/$name/$ver" ] || { echo "FAIL: dkms remove left its tree"; exit 1; }
echo "dkms add/build/remove: ok"

# The chroot is thrown away after each run: only $work is shared with it.
work=$(mktemp -d)
trap 'cleanup; rm -rf "$work"' EXIT
cp -r "$src" "$work/src"
for series in $sid_series; do
	abi=$(bash "$top/tests/vm/kernels.sh" resolve "$series")
	start=$SECONDS
	# shellcheck disable=SC2016
	bash "$top/tests/vm/kernels.sh" sidrun "$abi" "$work" bash -euc '
		name=$1 ver=$2 abi=$3 work=$4
		cp -r "$work/src" "/usr/src/$name-$ver"
		dkms add -m "$name" -v "$ver"
		dkms build -m "$name" -v "$ver" -k "$abi"
		dkms install -m "$name" -v "$ver" -k "$abi"
		ko=$(ls "/lib/modules/$abi/updates/dkms/wireguard.ko"*)
		modinfo "$ko" | grep -q "^vermagic: *$abi " ||
			{ echo "FAIL: module for $abi has the wrong vermagic"; exit 1; }
		dkms status -m "$name" -v "$ver"
		dkms remove -m "$name" -v "$ver" --all
		[ ! -d "/var/lib/dkms/$name/$ver" ] || { echo "FAIL: dkms remove left its tree"; exit 1; }
		! ls "/lib/modules/$abi/updates/dkms/wireguard.ko"* 2>/dev/null ||
			{ echo "FAIL: dkms remove left the module installed"; exit 1; }
	' sid "$name" "$ver" "$abi" "$work" || { echo "FAIL: dkms in the sid chroot for $abi"; exit 1; }
	echo "sid chroot: dkms add/build/install/remove for $abi: ok ($((SECONDS - start))s)"
done
