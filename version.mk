# SPDX-License-Identifier: GPL-2.0
#
# The one version of the project is debian/changelog's first entry (less
# an epoch and a Debian revision, if it ever has them). The module
# (MODULE_VERSION), wgctl --version, dkms.conf and the packages all take it
# from there. Include with WG_TOP set to the top of the tree (with a
# trailing slash). A DKMS build has no debian/ in its tree: dkms.conf passes
# WG_VERSION=<its PACKAGE_VERSION> on the make command line instead.
# (Braces, not parentheses, around the shell call: the sed script has
# unbalanced parentheses.)
WG_VERSION ?= ${shell sed -n 's/^[^ ]* (\([^)]*\)).*/\1/p;q' $(WG_TOP)debian/changelog 2>/dev/null | \
	sed 's/^[0-9]*://;s/-[^-]*$$//'}
