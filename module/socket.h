/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UDP sockets of a device: one IPv4 and, when IPv6 is on, one IPv6
 * socket bound to the same port in the device's creating netns. Every
 * function here is called with device_update_lock held.
 */
#ifndef _WG_SOCKET_H
#define _WG_SOCKET_H

#include <linux/types.h>

struct wg_device;

int wg_socket_open(struct wg_device *wg);
int wg_socket_rebind(struct wg_device *wg, u16 port);
void wg_socket_close(struct wg_device *wg);
void wg_socket_set_mark(struct wg_device *wg, u32 mark);

#endif /* _WG_SOCKET_H */
