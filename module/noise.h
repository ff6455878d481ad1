/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Noise_IKpsk2 handshake of WireGuard and the session keys it yields.
 *
 * These structures know nothing of peers or devices: a peer embeds one
 * struct noise_handshake and one struct noise_keypairs, a device one
 * struct noise_static_identity. The owner gives each handshake an index
 * table and entry at init; the handshake publishes its index there, and
 * hands it over to the session it yields, under its own lock, so that
 * concurrent initiations, responses and clears never interleave on it.
 *
 * Lock order: identity->lock, then handshake->lock, then
 * keypairs->lock. Identity and handshake functions take rw_semaphores and
 * may sleep: process context only (the handshake worker, netlink). The
 * keypair functions are safe in softirq. Indices are host-order u32 in
 * this API.
 *
 * Receive path: wg_noise_decrypt*() first, then
 * wg_replay_check_and_update(&keypair->receiving_counter, nonce), then
 * wg_noise_received_with_keypair().
 */
#ifndef _WG_NOISE_H
#define _WG_NOISE_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "messages.h"
#include "peerlookup.h"
#include "replay.h"

/* Our own key pair; one per device. */
struct noise_static_identity {
	u8 static_public[WG_KEY_LEN];
	u8 static_private[WG_KEY_LEN];
	struct rw_semaphore lock;
	bool has_identity;
};

enum noise_handshake_state {
	HANDSHAKE_ZEROED,
	HANDSHAKE_CREATED_INITIATION,
	HANDSHAKE_CONSUMED_INITIATION,
	HANDSHAKE_CREATED_RESPONSE,
	HANDSHAKE_CONSUMED_RESPONSE
};

/* Per-peer handshake state; every field under @lock. */
struct noise_handshake {
	enum noise_handshake_state state;
	/* Boot-time ns of the last initiation accepted, for the flood limit. */
	u64 last_initiation_consumption;
	struct noise_static_identity *static_identity;

	u8 ephemeral_private[WG_KEY_LEN];
	u8 remote_static[WG_KEY_LEN];
	u8 remote_ephemeral[WG_KEY_LEN];
	/* DH(our static, their static); all zero if it cannot complete. */
	u8 precomputed_static_static[WG_KEY_LEN];
	u8 preshared_key[WG_KEY_LEN];

	u8 hash[WG_HASH_LEN];
	u8 chaining_key[WG_HASH_LEN];
	u8 latest_timestamp[WG_TIMESTAMP_LEN];

	u32 local_index;
	u32 remote_index;
	/* Where local_index is published; the entry is the owner's. */
	struct wg_index_hashtable *index_table;
	struct wg_index_entry *index_entry;
	struct rw_semaphore lock;
};

/*
 * What the first step of consuming an initiation learned, before the peer
 * is known. Holds secrets: hand it to wg_noise_initiation_finish() or to
 * wg_noise_initiation_forget(), which both wipe it.
 */
struct noise_initiation_scratch {
	u8 hash[WG_HASH_LEN];
	u8 chaining_key[WG_HASH_LEN];
	u8 remote_ephemeral[WG_KEY_LEN];
	u8 remote_static[WG_KEY_LEN];
	u32 remote_index;
};

struct noise_symmetric_key {
	u8 key[WG_KEY_LEN];
	bool is_valid;
};

struct noise_keypair;
/*
 * Called once when a keypair's last reference goes, before the RCU-delayed
 * free, so its owner can drop the keypair's index from its lookup table.
 * May run in softirq context.
 */
typedef void (*noise_keypair_release_t)(struct noise_keypair *keypair);

/*
 * One session. Readers find it under RCU and hold it with a reference;
 * keys are wiped when it is freed, after a grace period.
 */
struct noise_keypair {
	struct noise_symmetric_key sending;
	atomic64_t sending_counter;
	struct noise_symmetric_key receiving;
	struct wg_replay_window receiving_counter;

	u32 local_index;
	u32 remote_index;
	u64 birthdate;		/* boot-time ns */
	bool i_am_the_initiator;

	/*
	 * Its place in the index table: wg_noise_begin_session() moves the
	 * handshake's entry here, index, peer and all.
	 */
	struct wg_index_entry index_entry;
	struct noise_keypairs *owner;
	noise_keypair_release_t release;
	struct kref refcount;
	struct rcu_head rcu;
};

/*
 * A peer's sessions. Readers use rcu_dereference_bh(); writers hold @lock,
 * and each slot owns one reference to its keypair.
 */
struct noise_keypairs {
	struct noise_keypair __rcu *previous;
	struct noise_keypair __rcu *current_keypair;
	struct noise_keypair __rcu *next;
	spinlock_t lock;		/* writers of the three slots */
	noise_keypair_release_t release;
};

/* Identity. The caller holds identity->lock for writing. */
void wg_noise_static_identity_init(struct noise_static_identity *identity);
void wg_noise_static_identity_set(struct noise_static_identity *identity,
				  const u8 *private_key);
void wg_noise_static_identity_clear(struct noise_static_identity *identity);
bool wg_noise_static_identity_get(struct noise_static_identity *identity,
				  u8 private_key[WG_KEY_LEN],
				  u8 public_key[WG_KEY_LEN]);

/* Handshake lifetime and configuration. */
void wg_noise_handshake_init(struct noise_handshake *handshake,
			     struct noise_static_identity *identity,
			     const u8 remote_static[WG_KEY_LEN],
			     const u8 *preshared_key,
			     struct wg_index_hashtable *index_table,
			     struct wg_index_entry *index_entry);
void wg_noise_handshake_precompute(struct noise_handshake *handshake);
void wg_noise_handshake_set_psk(struct noise_handshake *handshake,
				const u8 *preshared_key);
void wg_noise_handshake_get_psk(struct noise_handshake *handshake,
				u8 preshared_key[WG_KEY_LEN]);
void wg_noise_handshake_clear(struct noise_handshake *handshake);
void wg_noise_handshake_wipe(struct noise_handshake *handshake);
bool wg_noise_handshake_usable(struct noise_handshake *handshake);

/*
 * Messages; mac1 and mac2 are left zero for the cookie code to fill. The
 * create functions give the handshake a fresh index in its table.
 */
bool wg_noise_create_initiation(struct wg_msg_initiation *dst,
				struct noise_handshake *handshake);
bool wg_noise_initiation_identify(struct noise_initiation_scratch *scratch,
				  const struct wg_msg_initiation *src,
				  struct noise_static_identity *identity);
bool wg_noise_initiation_finish(struct noise_initiation_scratch *scratch,
				const struct wg_msg_initiation *src,
				struct noise_handshake *handshake);
void wg_noise_initiation_forget(struct noise_initiation_scratch *scratch);
bool wg_noise_create_response(struct wg_msg_response *dst,
			      struct noise_handshake *handshake);
bool wg_noise_consume_response(const struct wg_msg_response *src,
			       struct noise_handshake *handshake);

/* Sessions. */
void wg_noise_keypairs_init(struct noise_keypairs *keypairs,
			    noise_keypair_release_t release);
struct noise_keypair *
wg_noise_begin_session(struct noise_handshake *handshake,
		       struct noise_keypairs *keypairs);
bool wg_noise_received_with_keypair(struct noise_keypairs *keypairs,
				    struct noise_keypair *received);
void wg_noise_keypairs_expire(struct noise_keypairs *keypairs);
void wg_noise_keypairs_clear(struct noise_keypairs *keypairs);

struct noise_keypair *wg_noise_keypair_get(struct noise_keypair *keypair);
void wg_noise_keypair_put(struct noise_keypair *keypair);

/* Keypair age and use limits. */
bool wg_noise_birthdate_expired(u64 birthdate_ns, unsigned int seconds);
bool wg_noise_keypair_next_nonce(struct noise_keypair *keypair, u64 *nonce);
bool wg_noise_keypair_receive_allowed(const struct noise_keypair *keypair);
bool wg_noise_keypair_rekey_on_send(const struct noise_keypair *keypair,
				    u64 nonce);
bool wg_noise_keypair_rekey_on_receive(const struct noise_keypair *keypair);

/* Transport payloads; @len is the plaintext length. */
void wg_noise_encrypt(const struct noise_keypair *keypair, u8 *dst,
		      const u8 *src, size_t len, u64 nonce);
bool wg_noise_decrypt(const struct noise_keypair *keypair, u8 *dst,
		      const u8 *src, size_t len, u64 nonce);
bool wg_noise_encrypt_sg(const struct noise_keypair *keypair,
			 struct scatterlist *sg, size_t len, u64 nonce);
bool wg_noise_decrypt_sg(const struct noise_keypair *keypair,
			 struct scatterlist *sg, size_t len, u64 nonce);

#endif /* _WG_NOISE_H */
