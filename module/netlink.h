/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "wireguard" generic netlink family: GET_DEVICE and SET_DEVICE.
 */
#ifndef _WG_NETLINK_H
#define _WG_NETLINK_H

int wg_genetlink_init(void);
void wg_genetlink_uninit(void);

#endif /* _WG_NETLINK_H */
