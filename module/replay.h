/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sliding-window replay protection for the nonces of data messages.
 */
#ifndef _WG_REPLAY_H
#define _WG_REPLAY_H

#include <linux/bitops.h>
#include <linux/spinlock.h>
#include <linux/types.h>

enum wg_replay_sizes {
	WG_REPLAY_BITS_TOTAL = 8192,
	WG_REPLAY_WORDS = WG_REPLAY_BITS_TOTAL / BITS_PER_LONG,
	/*
	 * One word of the ring is always being recycled, so only this many
	 * counters below the highest one are remembered.
	 */
	WG_REPLAY_WINDOW = WG_REPLAY_BITS_TOTAL - BITS_PER_LONG
};

/*
 * @top is one past the highest counter accepted so far (0: none yet).
 * Counter c owns bit c % BITS_PER_LONG of word (c / BITS_PER_LONG) modulo
 * the ring size. @lock serialises updates: packets of one session may be
 * authenticated on several CPUs at once.
 */
struct wg_replay_window {
	u64 top;
	unsigned long ring[WG_REPLAY_WORDS];
	spinlock_t lock;	/* serialises check-and-update */
};

void wg_replay_init(struct wg_replay_window *win);
bool wg_replay_too_old(const struct wg_replay_window *win, u64 counter);
bool wg_replay_check_and_update(struct wg_replay_window *win, u64 counter);

#endif /* _WG_REPLAY_H */
