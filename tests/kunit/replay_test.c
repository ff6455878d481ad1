// SPDX-License-Identifier: GPL-2.0
/*
 * The data-nonce replay window. Built into the KUnit module together with
 * the code it tests, so static helpers are reachable.
 */
#include <kunit/test.h>

#include "../../module/replay.c"

static struct wg_replay_window *new_window(struct kunit *test)
{
	struct wg_replay_window *win;

	win = kunit_kzalloc(test, sizeof(*win), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, win);
	wg_replay_init(win);
	return win;
}

static void replay_in_order(struct kunit *test)
{
	struct wg_replay_window *win = new_window(test);
	u64 i;

	for (i = 0; i < 3 * WG_REPLAY_BITS_TOTAL; i++)
		KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, i));
	KUNIT_EXPECT_EQ(test, win->top, 3ULL * WG_REPLAY_BITS_TOTAL);
}

static void replay_duplicates(struct kunit *test)
{
	struct wg_replay_window *win = new_window(test);

	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, 0));
	KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, 0));
	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, 5));
	KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, 5));
	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, 3));
	KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, 3));
	KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, 0));
}

static void replay_out_of_order(struct kunit *test)
{
	struct wg_replay_window *win = new_window(test);
	u64 top = 10000;
	u64 i;

	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, top));
	/* Everything within the window below the top is still welcome once. */
	for (i = top - WG_REPLAY_WINDOW + 1; i < top; i += 7)
		KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, i));
	for (i = top - WG_REPLAY_WINDOW + 1; i < top; i += 7)
		KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, i));
	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, top - 1));
	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, top + 1));
	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, top - 3));
}

static void replay_too_old(struct kunit *test)
{
	struct wg_replay_window *win = new_window(test);
	u64 top = 3 * WG_REPLAY_BITS_TOTAL + 17;

	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, top));
	/* Exactly the window size below the highest is the oldest allowed. */
	KUNIT_EXPECT_FALSE(test, wg_replay_too_old(win, top - WG_REPLAY_WINDOW + 1));
	KUNIT_EXPECT_TRUE(test, wg_replay_too_old(win, top - WG_REPLAY_WINDOW));
	KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, top - WG_REPLAY_WINDOW));
	KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, 0));
	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, top - WG_REPLAY_WINDOW + 1));
}

static void replay_window_slides(struct kunit *test)
{
	struct wg_replay_window *win = new_window(test);
	u64 jump = 2 * WG_REPLAY_BITS_TOTAL;
	u64 i;

	/* Fill a whole ring, then jump: old bits must not leak into new words. */
	for (i = 0; i < WG_REPLAY_BITS_TOTAL; i++)
		KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, i));
	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, jump));
	for (i = jump - WG_REPLAY_WINDOW + 1; i < jump; i++)
		KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, i));
	KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, jump - WG_REPLAY_WINDOW));

	/* Small steps forward recycle one word at a time. */
	for (i = jump + 1; i < jump + 3 * WG_REPLAY_BITS_TOTAL; i += 2) {
		KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, i + 1));
		KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, i));
		KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, i));
	}
}

static void replay_upper_limit(struct kunit *test)
{
	struct wg_replay_window *win = new_window(test);

	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, REJECT_AFTER_MESSAGES - 1));
	KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, REJECT_AFTER_MESSAGES));
	KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, U64_MAX));
	KUNIT_EXPECT_TRUE(test, wg_replay_too_old(win, REJECT_AFTER_MESSAGES));
	KUNIT_EXPECT_FALSE(test, wg_replay_check_and_update(win, REJECT_AFTER_MESSAGES - 1));
	KUNIT_EXPECT_TRUE(test, wg_replay_check_and_update(win, REJECT_AFTER_MESSAGES - 2));
}

static struct kunit_case wg_replay_cases[] = {
	KUNIT_CASE(replay_in_order),
	KUNIT_CASE(replay_duplicates),
	KUNIT_CASE(replay_out_of_order),
	KUNIT_CASE(replay_too_old),
	KUNIT_CASE(replay_window_slides),
	KUNIT_CASE(replay_upper_limit),
	{}
};

static struct kunit_suite wg_replay_suite = {
	.name = "wg_replay",
	.test_cases = wg_replay_cases,
};

kunit_test_suites(&wg_replay_suite);
