#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack the initramfs a test VM boots:
#   initramfs.sh OUT.cpio ABI MODROOT BUILDDIR
# MODROOT holds lib/modules/ABI of the kernel (Debian's image or the debug
# build); BUILDDIR holds our freshly built wireguard.ko (and the KUnit module
# where the kernel has KUnit), a bin/ of host-built helpers (wgctl, tests)
# and, for one kernel, a deb/ with the Debian package's module and wgctl.
# The repository's tests/ tree is copied in as /tests.
set -euo pipefail

out=$1 abi=$2 modroot=$3 builddir=$4
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

root=$(mktemp -d)
# mktemp makes it 0700: it becomes /, which every user must traverse.
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,tmp,run,root,var}
ln -s ../run "$root/var/run" 2>/dev/null || true

# Busybox provides the small tools; real binaries shadow its applets on PATH.
cp "$(command -v busybox)" "$root/bin/busybox"

copy_libs() {
	local bin=$1 lib
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

copy_bin() {
	local src=$1 dst=${2:-$1}
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$src" "$root$dst"
	copy_libs "$src"
}

for b in /usr/sbin/ip /usr/bin/ss /usr/bin/wg /usr/bin/bash /usr/bin/iperf3 \
	/usr/bin/ncat /usr/bin/ping /usr/bin/wireguard-go /usr/bin/kmod \
	/usr/sbin/xtables-legacy-multi /usr/bin/timeout /usr/bin/setpriv; do
	copy_bin "$b"
done
cp /usr/bin/wg-quick "$root/usr/bin/wg-quick"
# wg-quick and most scripts start with #!/bin/bash.
ln -sf ../usr/bin/bash "$root/bin/bash"
for t in iptables ip6tables iptables-save ip6tables-save iptables-restore ip6tables-restore; do
	ln -sf xtables-legacy-multi "$root/usr/sbin/$t"
done
for t in modprobe insmod rmmod lsmod depmod modinfo; do
	ln -sf ../bin/kmod "$root/usr/sbin/$t"
done
# The kernel's module autoloader runs /sbin/modprobe.
ln -sf ../usr/bin/kmod "$root/sbin/modprobe"
# iptables loads its matches and targets at run time.
xt=/usr/lib/x86_64-linux-gnu/xtables
mkdir -p "$root$xt"
cp "$xt"/*.so "$root$xt/"
for so in "$xt"/*.so; do copy_libs "$so"; done

# Our helpers: wgctl and compiled test programs.
if [ -d "$builddir/bin" ]; then
	for b in "$builddir"/bin/*; do
		[ -f "$b" ] || continue
		copy_bin "$b" "/usr/local/bin/$(basename "$b")"
	done
fi

# Kernel modules: what the tests use, with their dependencies.
kmods="$root/lib/modules/$abi"
mkdir -p "$kmods"
[ -e "$modroot/lib/modules/$abi/modules.dep" ] || depmod -b "$modroot" "$abi"
cp "$modroot/lib/modules/$abi"/modules.{order,builtin,builtin.modinfo} "$kmods/" 2>/dev/null || true
wanted="wireguard veth tun dummy virtio_net virtio_pci ipv6 af_packet
	iptable_nat iptable_filter iptable_mangle ip6table_filter ip6table_nat
	xt_MASQUERADE xt_conntrack xt_mark xt_length xt_u32 xt_multiport
	nf_conntrack nf_nat
	iptable_raw ip6table_raw ip6table_mangle xt_addrtype xt_connmark
	xt_comment xt_tcpudp"
for ko in "$builddir/wireguard.ko" "$builddir"/deb/wireguard.ko*; do
	[ -e "$ko" ] || continue
	for dep in $(modinfo -F depends "$ko" | tr , ' '); do
		wanted="$wanted $dep"
	done
done
for m in $wanted; do
	# A module this kernel lacks or has built in is simply not copied.
	{ modprobe -d "$modroot" -S "$abi" --show-depends "$m" 2>/dev/null || true; } |
		awk '$1 == "insmod" { print $2 }'
done | sort -u | while read -r ko; do
	rel=${ko#"$modroot"}
	mkdir -p "$root$(dirname "$rel")"
	cp "$ko" "$root$rel"
done
mkdir -p "$kmods/updates"
cp "$builddir/wireguard.ko" "$kmods/updates/"
[ -e "$builddir/wireguard-kunit.ko" ] && cp "$builddir/wireguard-kunit.ko" "$kmods/updates/"
# The Debian package's module and wgctl, when BUILDDIR has them (deb/):
# in /deb, apart from everything else, for tests/netns/deb-dkms.sh to load.
if [ -d "$builddir/deb" ]; then
	mkdir -p "$root/deb"
	cp "$builddir"/deb/wireguard.ko* "$builddir/deb/version" "$root/deb/"
	copy_bin "$builddir/deb/wgctl" /deb/wgctl
fi
# Ours wins over the distro's module of the same name for modprobe and autoload.
mkdir -p "$root/etc/depmod.d"
echo "search updates built-in" >"$root/etc/depmod.d/wg.conf"
depmod -b "$root" -C "$root/etc/depmod.d" "$abi"

# Tests and the init that runs them.
cp -r "$top/tests" "$root/tests"
cp "$here/init.sh" "$root/init"
chmod +x "$root/init"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
echo "hosts: files" >"$root/etc/nsswitch.conf"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$out"
