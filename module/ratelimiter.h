/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Token buckets for handshake initiations under load: 20 per second and a
 * burst of 5 per source (IPv4 address or IPv6 /64) per network namespace.
 * One table shared by every device.
 */
#ifndef _WG_RATELIMITER_H
#define _WG_RATELIMITER_H

#include <linux/types.h>

struct net;

int wg_ratelimiter_init(void);
void wg_ratelimiter_uninit(void);
bool wg_ratelimiter_allow(const struct net *net, int family,
			  const void *addr);

#endif /* _WG_RATELIMITER_H */
