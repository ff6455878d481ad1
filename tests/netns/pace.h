/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pacing for the test tools that send at a set rate: a monotonic clock in
 * seconds and a sleep until a point on it.
 */
#ifndef PACE_H
#define PACE_H

#include <time.h>

static inline double pace_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void pace_sleep_until(double t)
{
	double d = t - pace_now();
	struct timespec ts;

	if (d <= 0)
		return;
	ts.tv_sec = d;
	ts.tv_nsec = (d - ts.tv_sec) * 1e9;
	nanosleep(&ts, NULL);
}

#endif /* PACE_H */
