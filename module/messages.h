/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Protocol constants of WireGuard v1, named as in the protocol paper.
 * Wire structures join them here as the data path is written.
 */
#ifndef _WG_MESSAGES_H
#define _WG_MESSAGES_H

#include <linux/kernel.h>
#include <linux/param.h>

enum wg_limits {
	REKEY_AFTER_MESSAGES = 1ULL << 60,
	REJECT_AFTER_MESSAGES = U64_MAX - 8192 - 1,
	REKEY_TIMEOUT = 5,
	REKEY_TIMEOUT_JITTER_MAX_JIFFIES = HZ / 3,
	REKEY_AFTER_TIME = 120,
	REKEY_ATTEMPT_TIME = 90,
	REJECT_AFTER_TIME = 180,
	INITIATIONS_PER_SECOND = 50,
	MAX_PEERS_PER_DEVICE = 1U << 20,
	KEEPALIVE_TIMEOUT = 10,
	MAX_TIMER_HANDSHAKES = 90 / 5,
	MAX_QUEUED_INCOMING_HANDSHAKES = 4096,
	MAX_STAGED_PACKETS = 128,
	MAX_QUEUED_PACKETS = 1024
};

/* Outer UDP payload overhead of a data message: header, counter and tag. */
#define WG_DATA_OVERHEAD 32
/* Default MTU: 1500 minus the data overhead, UDP and an outer IPv6 header. */
#define WG_DEFAULT_MTU (1500 - WG_DATA_OVERHEAD - 8 - 40)

#endif /* _WG_MESSAGES_H */
