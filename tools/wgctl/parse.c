// SPDX-License-Identifier: GPL-2.0
/*
 * Values that both the configuration file and `wgctl set` accept: ports,
 * fwmarks, keepalive intervals, CIDR prefixes, allowed-IP lists, endpoints.
 * On failure each returns -1 and leaves a message in parse_error.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wgctl.h"

char parse_error[256];

static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(parse_error, sizeof(parse_error), fmt, ap);
	va_end(ap);
	return -1;
}

/* A plain decimal (or, with hex_ok, 0x-prefixed hex) number up to max. */
static int parse_number(unsigned long long *out, const char *s, unsigned long long max,
			bool hex_ok)
{
	int base = 10;
	char *end;

	if (hex_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)s[0]) || (base == 10 && !isdigit((unsigned char)s[0])))
		return -1;
	errno = 0;
	*out = strtoull(s, &end, base);
	if (errno || *end || *out > max)
		return -1;
	return 0;
}

int parse_port(uint16_t *port, const char *s)
{
	unsigned long long v;

	if (parse_number(&v, s, 65535, false))
		return fail("bad port '%s': expected a number from 0 to 65535", s);
	*port = (uint16_t)v;
	return 0;
}

int parse_fwmark(uint32_t *mark, const char *s)
{
	unsigned long long v;

	if (!strcmp(s, "off")) {
		*mark = 0;
		return 0;
	}
	if (parse_number(&v, s, 0xffffffffULL, true))
		return fail("bad fwmark '%s': expected \"off\" or a 32-bit number (0x for hex)", s);
	*mark = (uint32_t)v;
	return 0;
}

int parse_keepalive(uint16_t *secs, const char *s)
{
	unsigned long long v;

	if (!strcmp(s, "off")) {
		*secs = 0;
		return 0;
	}
	if (parse_number(&v, s, 65535, false))
		return fail("bad persistent keepalive '%s': expected \"off\" or 0 to 65535 seconds", s);
	*secs = (uint16_t)v;
	return 0;
}

int parse_cidr(struct wg_allowedip *aip, const char *s)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long long mask;
	unsigned int max;

	memset(aip, 0, sizeof(*aip));
	if (!len || len >= sizeof(addr))
		return fail("bad CIDR '%s': expected address/prefix-length", s);
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, &aip->ip4) == 1) {
		aip->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, &aip->ip6) == 1) {
		aip->family = AF_INET6;
		max = 128;
	} else {
		return fail("bad CIDR '%s': '%s' is not an IPv4 or IPv6 address", s, addr);
	}
	if (!slash) {
		aip->cidr = (uint8_t)max;
		return 0;
	}
	if (parse_number(&mask, slash + 1, max, false))
		return fail("bad CIDR '%s': the prefix length must be 0 to %u", s, max);
	aip->cidr = (uint8_t)mask;
	return 0;
}

/*
 * A comma-separated list; whitespace around elements is ignored. With
 * incremental_ok, elements may carry a leading '+' (add) or '-' (remove
 * exactly this prefix); *incremental tells whether any did.
 */
int parse_allowedips(struct wg_peer *peer, const char *list, bool incremental_ok,
		     bool *incremental)
{
	char *copy = strdup(list), *tok, *rest;
	struct wg_allowedip aip;
	int ret = 0;

	if (!copy)
		return fail("%s", strerror(errno));
	if (incremental)
		*incremental = false;
	rest = copy;
	while (*list && (tok = strsep(&rest, ","))) {
		uint32_t flags = 0;
		char *end;

		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*tok) {
			ret = fail("bad CIDR '': empty element in allowed IPs '%s'", list);
			break;
		}
		if (incremental_ok && (*tok == '+' || *tok == '-')) {
			if (*tok == '-')
				flags = WGALLOWEDIP_F_REMOVE_ME;
			if (incremental)
				*incremental = true;
			tok++;
		}
		if (parse_cidr(&aip, tok)) {
			ret = -1;
			break;
		}
		aip.flags = flags;
		*peer_add_aip(peer) = aip;
	}
	free(copy);
	return ret;
}

static int resolve(union wg_endpoint *ep, const char *host, const char *port, const char *s)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
				  .ai_protocol = IPPROTO_UDP, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int err, tries;

	for (tries = 0; tries < 10; tries++) {
		err = getaddrinfo(host, port, &hints, &res);
		if (err != EAI_AGAIN)
			break;
		sleep(1);
	}
	if (err)
		return fail("bad endpoint '%s': %s", s,
			    err == EAI_SYSTEM ? strerror(errno) : gai_strerror(err));
	if (res->ai_addrlen > sizeof(*ep) ||
	    (res->ai_family != AF_INET && res->ai_family != AF_INET6)) {
		freeaddrinfo(res);
		return fail("bad endpoint '%s': unsupported address family", s);
	}
	memset(ep, 0, sizeof(*ep));
	memcpy(ep, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

int parse_endpoint(union wg_endpoint *ep, const char *s)
{
	char host[1025];
	const char *port;
	unsigned long long v;
	size_t len;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return fail("bad endpoint '%s': expected [IPv6]:port", s);
		len = (size_t)(close - s - 1);
		if (!len || len >= sizeof(host))
			return fail("bad endpoint '%s': expected [IPv6]:port", s);
		memcpy(host, s + 1, len);
		host[len] = '\0';
		port = close + 2;
		if (!strchr(host, ':'))
			return fail("bad endpoint '%s': brackets are for IPv6 addresses", s);
	} else {
		char *colon;

		len = strlen(s);
		if (!len || len >= sizeof(host))
			return fail("bad endpoint '%s': expected host:port", s);
		memcpy(host, s, len + 1);
		colon = strrchr(host, ':');
		if (!colon || colon == host)
			return fail("bad endpoint '%s': expected host:port or [IPv6]:port", s);
		*colon = '\0';
		if (strchr(host, ':'))
			return fail("bad endpoint '%s': put an IPv6 address in brackets: [address]:port", s);
		port = s + (colon - host) + 1;
	}
	if (parse_number(&v, port, 65535, false))
		return fail("bad endpoint '%s': bad port '%s': expected a number from 0 to 65535",
			    s, port);
	return resolve(ep, host, port, s);
}
