/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _WG_DEVICE_H
#define _WG_DEVICE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>

/*
 * One wireguard interface. Configuration changes are serialised by
 * device_update_lock; the data path reads what it needs under RCU.
 */
struct wg_device {
	struct net_device *dev;
	/* The netns the device was created in: its UDP sockets live there. */
	struct net *creating_net;
	struct mutex device_update_lock;
	struct list_head device_list;
};

int wg_device_init(void);
void wg_device_uninit(void);

#endif /* _WG_DEVICE_H */
