#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the partner VM runs (init.sh, on WG_ROLE=partner): the distribution's
# own wireguard module, the virtio-net link to the test VM, and a root shell
# for the test on the link address only (tests/netns/partner.bash). Serves
# until the host stops the VM; returns only when something went wrong.
#
#   partner.sh          set up, then serve the test VM (one shell a connection)
#   partner.sh serve    one connection: read a script up to a line "@@end",
#                       run it with bash -e, print its output and "@@rc N"
if [ "${1:-}" = serve ]; then
	script=
	while IFS= read -r line && [ "$line" != @@end ]; do
		script+=$line$'\n'
	done
	# Only 0-2 may reach the script: a daemon it starts must not hold on to
	# the connection through a descriptor ncat leaves open.
	for fd in "/proc/$$/fd/"*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"
	done 2>/dev/null
	bash -ec "$script" </dev/null 2>&1
	echo "@@rc $?"
	exit 0
fi

cd /tests/netns || exit 1
. ./lib.bash
. ./partner.bash

wg_load_distro
nic=$(link_nic) || fail "no virtio-net NIC"
link_up "$nic" 2
echo "@@PARTNER ready: wireguard $(cat /sys/module/wireguard/srcversion), $nic $PARTNER_ADDR"
ncat -l -k "$PARTNER_ADDR" "$CONTROL_PORT" --sh-exec "bash /tests/vm/partner.sh serve"
fail "the control listener exited ($?)"
