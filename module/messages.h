/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Protocol constants of WireGuard v1, named as in the protocol paper.
 * The wire messages of the protocol; multi-byte fields are little-endian.
 */
#ifndef _WG_MESSAGES_H
#define _WG_MESSAGES_H

#include <linux/kernel.h>
#include <linux/param.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

#include "wg_genl.h"	/* WG_KEY_LEN, shared with the configuration ABI */

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
	MAX_QUEUED_PACKETS = 1024,
	COOKIE_SECRET_MAX_AGE = 120,
	COOKIE_SECRET_LATENCY = 5
};

enum wg_message_type {
	MESSAGE_INVALID = 0,
	MESSAGE_HANDSHAKE_INITIATION = 1,
	MESSAGE_HANDSHAKE_RESPONSE = 2,
	MESSAGE_HANDSHAKE_COOKIE = 3,
	MESSAGE_DATA = 4
};

/* Sizes of the fields that travel on the wire, in bytes. */
enum wg_wire_sizes {
	WG_HASH_LEN = 32,
	WG_AUTHTAG_LEN = 16,
	WG_TIMESTAMP_LEN = 12,
	WG_COOKIE_LEN = 16,
	WG_COOKIE_NONCE_LEN = 24
};

/* Length of an AEAD ciphertext of @plain bytes. */
#define WG_SEALED_LEN(plain) ((plain) + WG_AUTHTAG_LEN)

/* Low byte is the type, the other three are zero: compare as one __le32. */
struct wg_msg_header {
	__le32 type;
};

/* Both handshake messages end with these; mac1 then mac2. */
struct wg_msg_macs {
	u8 mac1[WG_COOKIE_LEN];
	u8 mac2[WG_COOKIE_LEN];
};

struct wg_msg_initiation {
	struct wg_msg_header header;
	__le32 sender;
	u8 ephemeral[WG_KEY_LEN];
	u8 sealed_static[WG_SEALED_LEN(WG_KEY_LEN)];
	u8 sealed_timestamp[WG_SEALED_LEN(WG_TIMESTAMP_LEN)];
	struct wg_msg_macs macs;
} __packed;

struct wg_msg_response {
	struct wg_msg_header header;
	__le32 sender;
	__le32 receiver;
	u8 ephemeral[WG_KEY_LEN];
	u8 sealed_nothing[WG_SEALED_LEN(0)];
	struct wg_msg_macs macs;
} __packed;

struct wg_msg_cookie {
	struct wg_msg_header header;
	__le32 receiver;
	u8 nonce[WG_COOKIE_NONCE_LEN];
	u8 sealed_cookie[WG_SEALED_LEN(WG_COOKIE_LEN)];
} __packed;

/* Followed by the sealed, zero-padded inner packet and its tag. */
struct wg_msg_data {
	struct wg_msg_header header;
	__le32 receiver;
	__le64 counter;
	u8 sealed[];
} __packed;

static_assert(sizeof(struct wg_msg_initiation) == 148);
static_assert(sizeof(struct wg_msg_response) == 92);
static_assert(sizeof(struct wg_msg_cookie) == 64);
static_assert(sizeof(struct wg_msg_data) == 16);
static_assert(offsetof(struct wg_msg_initiation, sender) ==
	      offsetof(struct wg_msg_response, sender));

/* Outer UDP payload overhead of a data message: header, counter and tag. */
#define WG_DATA_OVERHEAD 32
/* Default MTU: 1500 minus the data overhead, UDP and an outer IPv6 header. */
#define WG_DEFAULT_MTU (1500 - WG_DATA_OVERHEAD - 8 - 40)

#endif /* _WG_MESSAGES_H */
