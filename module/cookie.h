/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mac1/mac2 on handshake messages and the cookie replies that let a
 * device under load demand proof that a sender owns its source address.
 * Everything here takes rw_semaphores: process context only.
 */
#ifndef _WG_COOKIE_H
#define _WG_COOKIE_H

#include <linux/rwsem.h>
#include <linux/types.h>

#include "messages.h"

/* Where a message came from: the outer source address and UDP port. */
struct wg_cookie_source {
	const u8 *addr;		/* 4 or 16 bytes, network order */
	unsigned int addr_len;
	__be16 port;
};

/* Per device: checks what arrives and issues cookies. */
struct wg_cookie_checker {
	u8 secret[WG_HASH_LEN];
	u64 secret_birthdate;	/* boot-time ns */
	u8 cookie_encryption_key[WG_KEY_LEN];
	u8 message_mac1_key[WG_KEY_LEN];
	bool has_keys;
	struct rw_semaphore lock;	/* all of the above */
};

/* Per peer: what we send to it and the cookie it gave us. */
struct wg_cookie {
	u8 cookie[WG_COOKIE_LEN];
	u64 birthdate;		/* boot-time ns */
	bool is_valid;
	u8 last_mac1_sent[WG_COOKIE_LEN];
	bool have_sent_mac1;
	u8 cookie_decryption_key[WG_KEY_LEN];
	u8 message_mac1_key[WG_KEY_LEN];
	struct rw_semaphore lock;	/* all of the above */
};

enum wg_cookie_mac_state {
	WG_COOKIE_MAC_INVALID,
	WG_COOKIE_MAC1_VALID,	/* mac2 absent, stale or not asked for */
	WG_COOKIE_MAC2_VALID
};

void wg_cookie_checker_init(struct wg_cookie_checker *checker);
void wg_cookie_checker_wipe(struct wg_cookie_checker *checker);
void wg_cookie_checker_set_public(struct wg_cookie_checker *checker,
				  const u8 *our_public);
enum wg_cookie_mac_state
wg_cookie_validate(struct wg_cookie_checker *checker, const void *msg,
		   size_t len, bool check_mac2,
		   const struct wg_cookie_source *src);
void wg_cookie_create_reply(struct wg_msg_cookie *dst,
			    struct wg_cookie_checker *checker,
			    const void *msg, size_t len,
			    const struct wg_cookie_source *src);

void wg_cookie_init(struct wg_cookie *cookie,
		    const u8 peer_public[WG_KEY_LEN]);
void wg_cookie_add_macs(struct wg_cookie *cookie, void *msg, size_t len);
bool wg_cookie_consume_reply(struct wg_cookie *cookie,
			     const struct wg_msg_cookie *src);
void wg_cookie_wipe(struct wg_cookie *cookie);

#endif /* _WG_COOKIE_H */
