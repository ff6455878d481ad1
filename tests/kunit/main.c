// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the module's pure data structures, built as their own
 * module for kernels with CONFIG_KUNIT. Each suite lives in its own file
 * beside this one and is listed here.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "compat.h"
#include "messages.h"

static void wg_test_constants(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, WG_DEFAULT_MTU, 1420);
	KUNIT_EXPECT_EQ(test, MAX_TIMER_HANDSHAKES, 18);
}

static struct kunit_case wg_basic_cases[] = {
	KUNIT_CASE(wg_test_constants),
	{}
};

static struct kunit_suite wg_basic_suite = {
	.name = "wg_basic",
	.test_cases = wg_basic_cases,
};

kunit_test_suites(&wg_basic_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the out-of-tree WireGuard module");
