// SPDX-License-Identifier: GPL-2.0
/*
 * Real WireGuard messages, captured, then mutated and thrown at a device.
 * Every address is 127.0.0.1; the two ends of a tunnel listen on PORT1
 * (the initiator) and PORT2 (the responder).
 *
 *   wire-fuzz relay PORT PORT1 PORT2 DIR
 *	Stand between the two ends (both have 127.0.0.1:PORT as endpoint),
 *	pass every datagram on, and save the first message of each kind in
 *	DIR: init.bin, resp.bin, cookie.bin, keepalive.bin, data.bin.
 *	Prints "ready" once listening; runs until SIGTERM.
 *   wire-fuzz xchg PORT DST_PORT FILE REPEAT TYPE OUT TIMEOUT
 *	From PORT, send REPEAT copies of FILE to DST_PORT at once, again
 *	every second, until a message of TYPE comes back; save it in OUT.
 *	Fails after TIMEOUT seconds.
 *   wire-fuzz fuzz PORT COUNT SEED DIR PORT1 PUB1 PORT2 PUB2
 *	Send COUNT mutants of the messages in DIR (random bytes, truncated,
 *	extended, bit-flipped, type-swapped, right type and size but random,
 *	mac2 changed, replayed), each to the end it was meant for: the
 *	initiator's messages to PORT2, the responder's to PORT1. PUB1 and
 *	PUB2 are the ends' public keys, to tell which mutants still carry a
 *	valid mac1. Prints "sent" when done and keeps listening until
 *	SIGTERM; then says what came back. The only acceptable answer is a
 *	cookie reply to a mutant with a valid mac1 (a device under load
 *	sends one); anything else makes it exit 1. SEED 0 picks one.
 *   wire-fuzz flood PORT DST_PORT FILE SECONDS RATE
 *	From PORT, send copies of FILE, a data message, to DST_PORT for
 *	SECONDS: each keeps the type and receiver index but gets a random
 *	counter and random ciphertext, so it reaches the session the index
 *	names and fails to decrypt there. RATE caps the messages a second
 *	(0: as fast as it can). Prints "flooding" when it starts, what it
 *	sent when done; SIGTERM ends it early.
 */
/* LDLIBS: -lcrypto */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pace.h"
#include "wire.h"

enum { MAX_LEN = 1500, BATCH = 256, MAX_SENDERS = 64 };

enum kind { INIT, RESP, COOKIE, KEEPALIVE, DATA, KINDS };

static const char *const kind_file[KINDS] = {
	"init.bin", "resp.bin", "cookie.bin", "keepalive.bin", "data.bin"
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: wire-fuzz relay PORT PORT1 PORT2 DIR\n"
		"       wire-fuzz xchg PORT DST_PORT FILE REPEAT TYPE OUT TIMEOUT\n"
		"       wire-fuzz fuzz PORT COUNT SEED DIR PORT1 PUB1 PORT2 PUB2\n"
		"       wire-fuzz flood PORT DST_PORT FILE SECONDS RATE\n");
	exit(2);
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static struct sockaddr_in local(unsigned long port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	if (!port || port > 65535)
		usage();
	return sin;
}

/* A UDP socket on 127.0.0.1:@port with room for a burst of answers. */
static int udp_socket(unsigned long port)
{
	struct sockaddr_in sin = local(port);
	int fd, size = 16 << 20;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	/* FORCE: past rmem_max, as root. A plain one is fine otherwise. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("bind");
	return fd;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Wait up to @ms for something to read; false when stopped or timed out. */
static int readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return !stop && poll(&p, 1, ms) > 0;
}

/*
 * Send @n messages, skipping one the kernel has no room for; returns how
 * many were skipped (refused locally).
 */
static unsigned long send_batch(int fd, struct mmsghdr *msgs, unsigned int n)
{
	unsigned long lost = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < n;) {
		ret = sendmmsg(fd, msgs + i, n - i, 0);
		if (ret > 0) {
			i += ret;
		} else if (errno == ENOBUFS || errno == EAGAIN) {
			i++;
			lost++;
		} else if (errno != EINTR) {
			die("sendmmsg");
		}
	}
	return lost;
}

static size_t read_file(const char *path, uint8_t *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t len;

	if (!f)
		die(path);
	len = fread(buf, 1, max, f);
	fclose(f);
	return len;
}

/* Write @path whole or not at all, so that a reader never sees half. */
static void write_file(const char *path, const uint8_t *buf, size_t len)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) ||
	    rename(tmp, path))
		die(path);
}

/* Which kind of well-formed message this is, or -1. */
static int kind_of(const uint8_t *buf, size_t len)
{
	if (len < 4)
		return -1;
	switch (get_le32(buf)) {
	case MSG_INITIATION:
		return len == INITIATION_LEN ? INIT : -1;
	case MSG_RESPONSE:
		return len == RESPONSE_LEN ? RESP : -1;
	case MSG_COOKIE:
		return len == COOKIE_LEN ? COOKIE : -1;
	case MSG_DATA:
		if (len == DATA_MIN_LEN)
			return KEEPALIVE;
		return len > DATA_MIN_LEN ? DATA : -1;
	}
	return -1;
}

/* relay ----------------------------------------------------------------- */

static int run_relay(char **argv)
{
	struct sockaddr_in end1 = local(strtoul(argv[1], NULL, 10));
	struct sockaddr_in end2 = local(strtoul(argv[2], NULL, 10));
	int fd = udp_socket(strtoul(argv[0], NULL, 10));
	const char *dir = argv[3];
	int saved[KINDS] = { 0 };
	uint8_t buf[65536];
	char path[4096];
	int kind;

	catch_signals();
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		struct sockaddr_in from;
		socklen_t fromlen = sizeof(from);
		struct sockaddr_in *to;
		ssize_t len;

		if (!readable(fd, 100))
			continue;
		len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			       &fromlen);
		if (len < 0)
			continue;
		if (from.sin_port == end1.sin_port)
			to = &end2;
		else if (from.sin_port == end2.sin_port)
			to = &end1;
		else
			continue;
		kind = kind_of(buf, len);
		if (kind >= 0 && !saved[kind]) {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 kind_file[kind]);
			write_file(path, buf, len);
			saved[kind] = 1;
		}
		sendto(fd, buf, len, 0, (struct sockaddr *)to, sizeof(*to));
	}
	return 0;
}

/* xchg ------------------------------------------------------------------ */

static int run_xchg(char **argv)
{
	int fd = udp_socket(strtoul(argv[0], NULL, 10));
	struct sockaddr_in to = local(strtoul(argv[1], NULL, 10));
	unsigned long repeat = strtoul(argv[3], NULL, 10);
	uint32_t type = strtoul(argv[4], NULL, 10);
	time_t end = time(NULL) + atoi(argv[6]);
	uint8_t msg[MAX_LEN], buf[65536];
	size_t len = read_file(argv[2], msg, sizeof(msg));
	unsigned long i, tries = 0;
	ssize_t got;

	if (!len || !repeat)
		usage();
	while (time(NULL) < end) {
		time_t next = time(NULL) + 1;

		tries++;
		for (i = 0; i < repeat; i++)
			sendto(fd, msg, len, 0, (struct sockaddr *)&to,
			       sizeof(to));
		while (time(NULL) <= next && readable(fd, 200)) {
			got = recv(fd, buf, sizeof(buf), 0);
			if (got >= 4 && get_le32(buf) == type) {
				write_file(argv[5], buf, got);
				printf("got a type %u message of %zd bytes after sending %lu\n",
				       type, got, tries * repeat);
				return 0;
			}
		}
	}
	fprintf(stderr, "no type %u message came back\n", type);
	return 1;
}

/* fuzz ------------------------------------------------------------------ */

struct end {
	struct sockaddr_in addr;
	uint8_t mac1_key[KEY_LEN];
	/* Sender indices of the mutants with a valid mac1 sent here. */
	uint32_t senders[MAX_SENDERS];
	unsigned int nsenders;
	unsigned long valid;
};

struct base {
	uint8_t msg[MAX_LEN];
	size_t len;
	struct end *to;
};

enum mutation {
	M_RANDOM, M_TYPED, M_TRUNCATE, M_EXTEND, M_FLIP, M_TYPESWAP, M_MAC2,
	M_REPLAY, MUTATIONS
};

static const char *const mutation_name[MUTATIONS] = {
	"random", "typed", "truncated", "extended", "flipped", "type-swapped",
	"mac2", "replayed"
};

/* Out of 100; what breaks mac1 or the AEAD tag dominates. */
static const unsigned int mutation_weight[MUTATIONS] = {
	12, 14, 15, 10, 34, 6, 6, 3
};

static struct end ends[2];
static struct base bases[KINDS];
static uint64_t rng;
static unsigned long answered_cookies, unexpected, responses;

static unsigned long below(unsigned long n)
{
	return wire_rand(&rng) % n;
}

/* Lengths where parsers go wrong, for random messages. */
static size_t edge_len(void)
{
	static const size_t lens[] = {
		0, 1, 3, 4, 5, 8, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65,
		91, 92, 93, 147, 148, 149, 1420, 1500
	};

	return lens[below(sizeof(lens) / sizeof(lens[0]))];
}

static void flip_bits(uint8_t *msg, size_t from, size_t to)
{
	unsigned int n = 1 + below(4), i;

	for (i = 0; i < n; i++)
		msg[from + below(to - from)] ^= 1 << below(8);
}

/* Build one mutant in @out; returns its length and where it goes. */
static size_t mutate(uint8_t *out, struct end **to, enum mutation *how)
{
	unsigned int pick = below(100), m = 0;
	const struct base *b = &bases[below(KINDS)];
	static const size_t typed_len[] = {
		0, INITIATION_LEN, RESPONSE_LEN, COOKIE_LEN, DATA_MIN_LEN
	};
	size_t len, n;
	uint32_t t;

	while (pick >= mutation_weight[m])
		pick -= mutation_weight[m++];
	*how = m;
	*to = b->to;
	memcpy(out, b->msg, b->len);
	len = b->len;

	switch (m) {
	case M_RANDOM:
		len = below(4) ? edge_len() : below(MAX_LEN + 1);
		wire_rand_bytes(&rng, out, len);
		if (len >= 4 && below(2))
			put_le32(out, below(6));
		*to = &ends[below(2)];
		break;
	case M_TYPED:
		t = 1 + below(4);
		len = typed_len[t];
		if (t == MSG_DATA)
			len += 16 * below(8);
		wire_rand_bytes(&rng, out, len);
		put_le32(out, t);
		*to = &ends[below(2)];
		/* Half of them name a live index of the end they go to. */
		if (t == MSG_RESPONSE && below(2)) {
			memcpy(out + 8, bases[RESP].msg + 8, 4);
			*to = bases[RESP].to;
		} else if (t == MSG_COOKIE && below(2)) {
			memcpy(out + 4, bases[COOKIE].msg + 4, 4);
			*to = bases[COOKIE].to;
		} else if (t == MSG_DATA && below(2)) {
			memcpy(out + 4, bases[DATA].msg + 4, 4);
			*to = bases[DATA].to;
		}
		break;
	case M_TRUNCATE:
		len = below(b->len);
		break;
	case M_EXTEND:
		n = 1 + below(64);
		wire_rand_bytes(&rng, out + len, n);
		len += n;
		break;
	case M_FLIP:
		do
			flip_bits(out, 0, len);
		while (!memcmp(out, b->msg, len));
		break;
	case M_TYPESWAP:
		do
			t = below(3) ? 1 + below(4) : wire_rand(&rng);
		while (t == get_le32(b->msg));
		put_le32(out, t);
		break;
	case M_MAC2:
		/* Only handshake messages have one; the others get flips. */
		if (b - bases == INIT || b - bases == RESP) {
			do
				flip_bits(out, len - MAC_LEN, len);
			while (!memcmp(out, b->msg, len));
		} else {
			do
				flip_bits(out, 0, len);
			while (!memcmp(out, b->msg, len));
		}
		break;
	default:
		break;
	}
	return len;
}

/* Remember that @end may answer a mutant from @sender with a cookie. */
static void expect_cookie(struct end *end, uint32_t sender)
{
	unsigned int i;

	end->valid++;
	for (i = 0; i < end->nsenders; i++)
		if (end->senders[i] == sender)
			return;
	if (end->nsenders == MAX_SENDERS) {
		fprintf(stderr, "too many senders with a valid mac1\n");
		exit(2);
	}
	end->senders[end->nsenders++] = sender;
}

static void dump(const char *what, const uint8_t *buf, ssize_t len,
		 const struct sockaddr_in *from)
{
	ssize_t i;

	fprintf(stderr, "%s from port %u, %zd bytes:", what,
		ntohs(from->sin_port), len);
	for (i = 0; i < len && i < 48; i++)
		fprintf(stderr, " %02x", buf[i]);
	fprintf(stderr, "\n");
}

static void judge_answer(const uint8_t *buf, ssize_t len,
			 const struct sockaddr_in *from)
{
	struct end *end = NULL;
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (from->sin_port == ends[i].addr.sin_port)
			end = &ends[i];
	if (end && len == COOKIE_LEN && get_le32(buf) == MSG_COOKIE) {
		for (i = 0; i < end->nsenders; i++) {
			if (end->senders[i] == get_le32(buf + 4)) {
				answered_cookies++;
				return;
			}
		}
	}
	if (len >= 4 && get_le32(buf) == MSG_RESPONSE)
		responses++;
	if (unexpected++ < 10)
		dump("unexpected answer", buf, len, from);
}

/* Read whatever has come back, without waiting. */
static void drain(int fd)
{
	uint8_t buf[65536];
	struct sockaddr_in from;
	socklen_t fromlen;
	ssize_t len;

	for (;;) {
		fromlen = sizeof(from);
		len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			       (struct sockaddr *)&from, &fromlen);
		if (len < 0)
			return;
		judge_answer(buf, len, &from);
	}
}

static void load_bases(const char *dir)
{
	char path[4096];
	int k;

	for (k = 0; k < KINDS; k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, kind_file[k]);
		bases[k].len = read_file(path, bases[k].msg, MAX_LEN - 64);
		if (kind_of(bases[k].msg, bases[k].len) != k) {
			fprintf(stderr, "%s is not what its name says\n", path);
			exit(2);
		}
		/* The initiator sent these; the responder the others. */
		bases[k].to = k == INIT || k == KEEPALIVE || k == DATA ?
			      &ends[1] : &ends[0];
	}
}

static int run_fuzz(char **argv)
{
	static uint8_t out[BATCH][MAX_LEN];
	static struct iovec iov[BATCH];
	static struct mmsghdr msgs[BATCH];
	unsigned long count = strtoul(argv[1], NULL, 10), done = 0, lost = 0;
	unsigned long by_mutation[MUTATIONS] = { 0 };
	int fd = udp_socket(strtoul(argv[0], NULL, 10));
	uint64_t seed = strtoull(argv[2], NULL, 0);
	struct wire_mac mac;
	unsigned int i, n;
	uint8_t pub[KEY_LEN];
	enum mutation how;
	struct end *to;

	for (i = 0; i < 2; i++) {
		ends[i].addr = local(strtoul(argv[4 + 2 * i], NULL, 10));
		if (wire_decode_key(pub, argv[5 + 2 * i]) ||
		    wire_mac1_key(ends[i].mac1_key, pub)) {
			fprintf(stderr, "bad public key %s\n", argv[5 + 2 * i]);
			return 2;
		}
	}
	load_bases(argv[3]);
	if (wire_mac_open(&mac)) {
		fprintf(stderr, "no BLAKE2SMAC in libcrypto\n");
		return 2;
	}
	if (!seed && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		die("getrandom");
	rng = seed ? seed : 1;
	printf("seed %#llx\n", (unsigned long long)seed);
	fflush(stdout);
	catch_signals();

	while (done < count && !stop) {
		n = count - done < BATCH ? count - done : BATCH;
		for (i = 0; i < n; i++) {
			iov[i].iov_base = out[i];
			iov[i].iov_len = mutate(out[i], &to, &how);
			by_mutation[how]++;
			if (wire_mac1_valid(&mac, out[i], iov[i].iov_len,
					    to->mac1_key))
				expect_cookie(to, get_le32(out[i] + 4));
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &to->addr;
			msgs[i].msg_hdr.msg_namelen = sizeof(to->addr);
		}
		lost += send_batch(fd, msgs, n);
		done += n;
		drain(fd);
	}
	printf("sent %lu mutants (%lu refused locally):", done - lost, lost);
	for (i = 0; i < MUTATIONS; i++)
		printf(" %lu %s%s", by_mutation[i], mutation_name[i],
		       i + 1 < MUTATIONS ? "," : "\n");
	printf("with a valid mac1: %lu to the initiator, %lu to the responder\n",
	       ends[0].valid, ends[1].valid);
	fflush(stdout);

	/* Answers to the last ones may still be on their way. */
	while (!stop) {
		if (readable(fd, 100))
			drain(fd);
	}
	drain(fd);
	printf("answers: %lu cookie replies to mutants with a valid mac1, %lu unexpected (%lu handshake responses)\n",
	       answered_cookies, unexpected, responses);
	return unexpected ? 1 : 0;
}

/* flood ----------------------------------------------------------------- */

enum { FLOOD_POOL = 64, DATA_HDR_LEN = 16 };

/*
 * A pool of copies whose ciphertext was made random once; each send
 * changes a copy's counter and the first word of its ciphertext, which
 * is cheap and still never repeats a message.
 */
static int run_flood(char **argv)
{
	static uint8_t pool[FLOOD_POOL][MAX_LEN];
	static struct iovec iov[FLOOD_POOL];
	static struct mmsghdr msgs[FLOOD_POOL];
	int fd = udp_socket(strtoul(argv[0], NULL, 10));
	struct sockaddr_in to = local(strtoul(argv[1], NULL, 10));
	double seconds = atof(argv[3]), rate = atof(argv[4]);
	unsigned long sent = 0, lost = 0;
	uint8_t msg[MAX_LEN];
	size_t len = read_file(argv[2], msg, sizeof(msg));
	double start, end, t;
	unsigned int i, n;
	uint64_t r;

	if (seconds <= 0 || rate < 0)
		usage();
	if (kind_of(msg, len) != DATA) {
		fprintf(stderr, "%s: not a data message with a payload\n",
			argv[2]);
		return 2;
	}
	if (getrandom(&rng, sizeof(rng), 0) != sizeof(rng))
		die("getrandom");
	rng |= 1;
	for (i = 0; i < FLOOD_POOL; i++) {
		memcpy(pool[i], msg, DATA_HDR_LEN);
		wire_rand_bytes(&rng, pool[i] + DATA_HDR_LEN,
				len - DATA_HDR_LEN);
		iov[i].iov_base = pool[i];
		iov[i].iov_len = len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof(to);
	}
	catch_signals();
	printf("flooding port %s with %zu-byte copies of %s for %g s at %s\n",
	       argv[1], len, argv[2], seconds, rate ? argv[4] : "full speed");
	fflush(stdout);

	start = pace_now();
	end = start + seconds;
	while (!stop && (t = pace_now()) < end) {
		/* A batch as big as the rate allows in 10 ms, at least one. */
		n = FLOOD_POOL;
		if (rate && rate / 100 < n)
			n = rate / 100 > 1 ? rate / 100 : 1;
		for (i = 0; i < n; i++) {
			r = wire_rand(&rng);
			/* Below 2^60: never past REJECT_AFTER_MESSAGES. */
			put_le32(pool[i] + 8, r);
			put_le32(pool[i] + 12, (r >> 32) & 0x0fffffff);
			r = wire_rand(&rng);
			memcpy(pool[i] + DATA_HDR_LEN, &r, 8);
		}
		lost += send_batch(fd, msgs, n);
		sent += n;
		if (rate)
			pace_sleep_until(start + sent / rate);
	}
	t = pace_now() - start;
	printf("sent %lu messages in %.1f s (%.0f a second), %lu refused locally\n",
	       sent - lost, t, (sent - lost) / t, lost);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "relay"))
		return run_relay(argv + 2);
	if (argc == 9 && !strcmp(argv[1], "xchg"))
		return run_xchg(argv + 2);
	if (argc == 10 && !strcmp(argv[1], "fuzz"))
		return run_fuzz(argv + 2);
	if (argc == 7 && !strcmp(argv[1], "flood"))
		return run_flood(argv + 2);
	usage();
	return 2;
}
