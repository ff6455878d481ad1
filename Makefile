# SPDX-License-Identifier: GPL-2.0
#
#   make                 build the module against KDIR
#   make install         install it (modules_install + depmod) and wgctl
#   make dkms-install    register, build and install it with DKMS
#   make demo            see it work, in a VM
#   make check           every test, in VMs on Debian's 6.1, 6.12, 7.2 and a debug kernel
#   make bench           our module against the distro's, in the same VM (KERNELS=...)
#   make deb             the Debian packages (wireguard-oot-dkms, wgctl) in build/deb/
#   make style           checkpatch and sparse on the module; wgctl with -Werror and
#                        cppcheck; shellcheck on every script (also part of make check)
#
KERNELRELEASE_HOST := $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE_HOST)/build
PREFIX ?= /usr
DESTDIR ?=
WG_TOP :=
include version.mk
VERSION := $(WG_VERSION)

# Test selection for make check: KERNELS="6.1 6.12 7.2 debug", TESTS="link ..."
# (7.2 is Debian unstable's; to leave it out by default, drop it here and
# in tests/check.sh.)
KERNELS ?= 6.1 6.12 7.2 debug
TESTS ?=

.PHONY: all module wgctl install module-install wgctl-install dkms-install \
	dkms-remove check demo bench clean style deb

all: module

module:
	@if [ ! -d "$(KDIR)" ]; then \
		echo "error: no kernel build tree at $(KDIR)."; \
		echo "Install the headers (apt-get install linux-headers-$(KERNELRELEASE_HOST))"; \
		echo "or point KDIR at one: make KDIR=/usr/src/linux-headers-<version>"; \
		exit 1; \
	fi
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules

wgctl:
	$(MAKE) -C tools/wgctl

install: module-install wgctl-install

module-install: module
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" INSTALL_MOD_DIR=updates modules_install
	depmod -a "$$(cat "$(KDIR)/include/config/kernel.release")"

wgctl-install:
	$(MAKE) -C tools/wgctl install PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)"

dkms-install:
	@command -v dkms >/dev/null || { echo "error: dkms is not installed (apt-get install dkms)"; exit 1; }
	rm -rf "/usr/src/wireguard-oot-$(VERSION)"
	mkdir -p "/usr/src/wireguard-oot-$(VERSION)"
	cp -r Kbuild Makefile version.mk dkms.conf module include tests "/usr/src/wireguard-oot-$(VERSION)/"
	sed -i 's/#MODULE_VERSION#/$(VERSION)/' "/usr/src/wireguard-oot-$(VERSION)/dkms.conf"
	# as the package does: ours replaces the kernel's wireguard (version
	# 1.0.0), which DKMS would otherwise refuse as "not newer"
	mkdir -p /usr/share/dkms/modules_to_force_install
	echo wireguard-oot_version-override >/usr/share/dkms/modules_to_force_install/wireguard-oot
	dkms add -m wireguard-oot -v "$(VERSION)"
	dkms build -m wireguard-oot -v "$(VERSION)"
	dkms install -m wireguard-oot -v "$(VERSION)"

dkms-remove:
	-dkms remove -m wireguard-oot -v "$(VERSION)" --all
	rm -rf "/usr/src/wireguard-oot-$(VERSION)"
	rm -f /usr/share/dkms/modules_to_force_install/wireguard-oot

# Both packages, built with dpkg-buildpackage from a copy of the tree in
# build/deb/src (the tree itself stays clean); the .debs land in build/deb/.
deb:
	@command -v dpkg-buildpackage >/dev/null && dpkg -s debhelper dh-dkms >/dev/null 2>&1 || \
		{ echo "error: apt-get install dpkg-dev debhelper dh-dkms"; exit 1; }
	rm -rf build/deb
	mkdir -p build/deb/src
	rsync -a --exclude /.git --exclude /build --filter=':- .gitignore' ./ build/deb/src/
	cd build/deb/src && dpkg-buildpackage -b -us -uc
	@ls build/deb/*.deb

check:
	@bash tests/check.sh --kernels "$(KERNELS)" --tests "$(TESTS)"

demo:
	@bash tests/demo.sh

# make bench KERNELS="6.1 7.2" (or KERNEL=7.2); 6.12 when neither is given.
bench:
	@bash tests/bench.sh $(if $(filter command line environment,$(origin KERNELS)),$(KERNELS),$(or $(KERNEL),6.12))

style:
	@bash tests/host/style.sh

clean:
	-$(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean 2>/dev/null
	-$(MAKE) -C tools/wgctl clean
