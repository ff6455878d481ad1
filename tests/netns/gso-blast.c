// SPDX-License-Identifier: GPL-2.0
/*
 * A heavy local sender: UDP to one address as fast as one socket can,
 * each send a GSO super-packet (UDP_SEGMENT) of as many 1380-byte
 * datagrams as fit in 64 KiB. The stack carries each super-packet as one
 * packet down to a tunnel device, which segments it: per datagram, the
 * sender costs the device far less than sending it on costs the device.
 * Its send buffer is made large (as root), so that it does not wait for
 * the device to send on what it has: it stands for many senders, which
 * one socket's buffer would not pace either.
 *
 *   gso-blast DST_IP DST_PORT SECONDS RATE
 *
 * RATE caps the datagrams a second (0: no cap). Prints "blasting" when it
 * starts and, when done, what it sent; exits non-zero if it could send
 * nothing.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pace.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

enum { SEGMENT = 1380, SEGMENTS = 65507 / SEGMENT };

int main(int argc, char **argv)
{
	static char buf[SEGMENT * SEGMENTS];
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned long sends = 0, refused = 0;
	int fd, seg = SEGMENT, sndbuf = 64 << 20;
	double start, seconds, rate, t;
	ssize_t ret;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 ||
	    (seconds = atof(argv[3])) <= 0 || (rate = atof(argv[4])) < 0) {
		fprintf(stderr, "usage: gso-blast DST_IP DST_PORT SECONDS RATE\n");
		return 2;
	}
	to.sin_port = htons(atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_UDP, UDP_SEGMENT, &seg, sizeof(seg))) {
		perror("UDP_SEGMENT socket");
		return 2;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	memset(buf, 0x5a, sizeof(buf));
	printf("blasting %s:%s with %d datagrams of %d bytes a send for %g s at %s\n",
	       argv[1], argv[2], SEGMENTS, SEGMENT, seconds,
	       rate ? argv[4] : "full speed");
	fflush(stdout);
	start = pace_now();
	while ((t = pace_now()) < start + seconds) {
		/* Not connected: ICMP errors from the far end are not ours. */
		ret = sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&to,
			     sizeof(to));
		if (ret == (ssize_t)sizeof(buf))
			sends++;
		else if (ret < 0 && (errno == ENOBUFS || errno == EAGAIN))
			refused++;
		else if (ret < 0 && errno != EINTR) {
			perror("sendto");
			return 1;
		}
		if (rate)
			pace_sleep_until(start + (sends + refused) * SEGMENTS / rate);
	}
	t = pace_now() - start;
	printf("sent %lu datagrams in %.1f s (%.0f a second), %lu sends refused locally\n",
	       sends * SEGMENTS, t, sends * SEGMENTS / t, refused);
	return sends ? 0 : 1;
}
