// SPDX-License-Identifier: GPL-2.0
/*
 * Replay window for data nonces. The cheap wg_replay_too_old() may run
 * before decryption to skip hopeless packets; wg_replay_check_and_update()
 * runs only after the packet authenticated, so forged counters can never
 * move the window.
 */
#include <linux/minmax.h>
#include <linux/string.h>

#include "messages.h"
#include "replay.h"

/* The ring is indexed by masking. */
static_assert((WG_REPLAY_WORDS & (WG_REPLAY_WORDS - 1)) == 0);

void wg_replay_init(struct wg_replay_window *win)
{
	win->top = 0;
	memset(win->ring, 0, sizeof(win->ring));
	spin_lock_init(&win->lock);
}

static unsigned long *word_of(struct wg_replay_window *win, u64 word)
{
	return &win->ring[word & (WG_REPLAY_WORDS - 1)];
}

/* Lockless hint: a stale @top only makes us more lenient here. */
bool wg_replay_too_old(const struct wg_replay_window *win, u64 counter)
{
	u64 top = READ_ONCE(win->top);

	if (counter >= REJECT_AFTER_MESSAGES)
		return true;
	return top > WG_REPLAY_WINDOW && counter < top - WG_REPLAY_WINDOW;
}

/* Recycle the words between the old highest counter's and @counter's. */
static void slide(struct wg_replay_window *win, u64 counter)
{
	u64 first = win->top ? (win->top - 1) / BITS_PER_LONG + 1 : 0;
	u64 last = counter / BITS_PER_LONG;
	u64 i;

	if (last >= first) {
		u64 n = min_t(u64, last - first + 1, WG_REPLAY_WORDS);

		for (i = 0; i < n; i++)
			*word_of(win, last - i) = 0;
	}
	WRITE_ONCE(win->top, counter + 1);
}

/* True if @counter is new and now recorded; false if replayed or stale. */
bool wg_replay_check_and_update(struct wg_replay_window *win, u64 counter)
{
	bool fresh = false;

	if (counter >= REJECT_AFTER_MESSAGES)
		return false;
	spin_lock_bh(&win->lock);
	if (win->top > WG_REPLAY_WINDOW && counter < win->top - WG_REPLAY_WINDOW)
		goto out;
	if (counter >= win->top)
		slide(win, counter);
	fresh = !test_and_set_bit(counter % BITS_PER_LONG,
				  word_of(win, counter / BITS_PER_LONG));
out:
	spin_unlock_bh(&win->lock);
	return fresh;
}
