/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal test harness: CHECK() prints one PASS or FAIL line per check;
 * tests/run.sh counts them.
 */
#ifndef WGCTL_TEST_CHECK_H
#define WGCTL_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed;

#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (cond) {                                                   \
			printf("PASS ");                                      \
		} else {                                                      \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);           \
			check_failed++;                                       \
		}                                                             \
		printf(__VA_ARGS__);                                          \
		putchar('\n');                                                \
	} while (0)

#define CHECK_STR(got, want, what)                                            \
	CHECK(!strcmp((got), (want)), "%s: got '%s', want '%s'", (what), (got), (want))

#endif
