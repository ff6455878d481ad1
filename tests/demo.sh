#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: set everything up, boot Debian's newest kernel in a VM with our
# module, build two hosts in namespaces and show what the module does.
exec bash "$(dirname "$0")/vm/show.sh" demo /tests/vm/demo-vm.sh 600
