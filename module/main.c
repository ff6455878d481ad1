// SPDX-License-Identifier: GPL-2.0
/*
 * Module entry points: bring up each part in order, tear down in reverse.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "events.h"
#include "netlink.h"
#include "peer.h"

static int __init wg_mod_init(void)
{
	int ret;

	ret = wg_events_init();
	if (ret < 0)
		return ret;
	ret = wg_peer_init();
	if (ret < 0)
		goto err_events;
	ret = wg_device_init();
	if (ret < 0)
		goto err_peer;
	ret = wg_genetlink_init();
	if (ret < 0)
		goto err_device;

	pr_info("WireGuard (out-of-tree) loaded\n");
	return 0;

err_device:
	wg_device_uninit();
err_peer:
	wg_peer_uninit();
err_events:
	wg_events_uninit();
	return ret;
}

static void __exit wg_mod_exit(void)
{
	wg_genetlink_uninit();
	wg_device_uninit();
	wg_peer_uninit();
	/* After the devices: their peers' removal is announced. */
	wg_events_uninit();
}

module_init(wg_mod_init);
module_exit(wg_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("WireGuard secure network tunnel (out-of-tree)");
MODULE_VERSION(WG_VERSION);
MODULE_ALIAS_RTNL_LINK(KBUILD_MODNAME);
MODULE_ALIAS_GENL_FAMILY("wireguard");
