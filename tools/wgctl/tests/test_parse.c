// SPDX-License-Identifier: GPL-2.0
/* parse.c and format.c: ports, fwmarks, keepalives, CIDR, endpoints. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "check.h"
#include "wgctl.h"

static void numbers(void)
{
	uint16_t p;
	uint32_t m;

	CHECK(!parse_port(&p, "51820") && p == 51820, "port 51820");
	CHECK(!parse_port(&p, "0") && p == 0, "port 0");
	CHECK(!parse_port(&p, "65535") && p == 65535, "port 65535");
	CHECK(parse_port(&p, "65536"), "port 65536 rejected");
	CHECK(parse_port(&p, "-1"), "port -1 rejected");
	CHECK(parse_port(&p, "12a"), "port 12a rejected");
	CHECK(parse_port(&p, ""), "empty port rejected");
	CHECK(parse_port(&p, "0x10"), "hex port rejected");
	CHECK(strstr(parse_error, "bad port"), "port error names the problem: %s", parse_error);
	CHECK(!parse_fwmark(&m, "off") && m == 0, "fwmark off");
	CHECK(!parse_fwmark(&m, "0x1234") && m == 0x1234, "fwmark hex");
	CHECK(!parse_fwmark(&m, "4294967295") && m == 0xffffffffU, "fwmark max");
	CHECK(parse_fwmark(&m, "4294967296"), "fwmark 2^32 rejected");
	CHECK(parse_fwmark(&m, "0x"), "fwmark 0x rejected");
	CHECK(parse_fwmark(&m, "on"), "fwmark on rejected");
	CHECK(!parse_keepalive(&p, "off") && p == 0, "keepalive off");
	CHECK(!parse_keepalive(&p, "25") && p == 25, "keepalive 25");
	CHECK(parse_keepalive(&p, "65536"), "keepalive 65536 rejected");
	CHECK(parse_keepalive(&p, "1s"), "keepalive 1s rejected");
}

static void cidr_ok(const char *in, const char *want)
{
	struct wg_allowedip aip;
	char buf[64] = "";

	if (!parse_cidr(&aip, in))
		format_aip(buf, sizeof(buf), &aip);
	CHECK_STR(buf, want, in);
}

static void cidrs(void)
{
	static const char *const bad[] = {
		"", "/24", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/-1", "10.0.0/24", "fd00::/129",
		"fd00::1/12x", "hello/8", "10.0.0.1 /24", "10.0.0.1/0x8", "1.2.3.4.5/32",
	};
	struct wg_allowedip aip;
	size_t i;

	cidr_ok("10.0.0.1/32", "10.0.0.1/32");
	cidr_ok("10.0.0.0/8", "10.0.0.0/8");
	cidr_ok("0.0.0.0/0", "0.0.0.0/0");
	cidr_ok("10.1.2.3", "10.1.2.3/32");
	cidr_ok("fd00::1", "fd00::1/128");
	cidr_ok("::/0", "::/0");
	cidr_ok("2001:DB8::/32", "2001:db8::/32");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(parse_cidr(&aip, bad[i]) && strstr(parse_error, "bad CIDR"),
		      "rejects CIDR '%s' (%s)", bad[i], parse_error);
}

static void allowedips(void)
{
	struct wg_peer peer = { 0 };
	bool incr;

	CHECK(!parse_allowedips(&peer, "10.0.0.1/32, fd00::/64 ,192.168.0.0/16", true, &incr) &&
	      peer.n_aips == 3 && !incr, "a plain list of three");
	peer.n_aips = 0;
	CHECK(!parse_allowedips(&peer, "", true, &incr) && peer.n_aips == 0 && !incr,
	      "an empty list clears");
	CHECK(!parse_allowedips(&peer, "+10.0.0.1/32,-10.0.0.2/32,10.0.0.3/32", true, &incr) &&
	      peer.n_aips == 3 && incr && peer.aips[0].flags == 0 &&
	      peer.aips[1].flags == WGALLOWEDIP_F_REMOVE_ME && peer.aips[2].flags == 0,
	      "+a,-b,c: add, remove, add; not a replacement");
	peer.n_aips = 0;
	CHECK(parse_allowedips(&peer, "+10.0.0.1/32", false, NULL), "no +/- in config files");
	CHECK(parse_allowedips(&peer, "10.0.0.1/32,,10.0.0.2/32", true, &incr),
	      "empty element rejected");
	CHECK(parse_allowedips(&peer, "10.0.0.1/32,bogus", true, &incr), "bad element rejected");
	free(peer.aips);
}

static void endpoint_ok(const char *in, const char *want)
{
	union wg_endpoint ep;
	char buf[300] = "";

	if (!parse_endpoint(&ep, in))
		format_endpoint(buf, sizeof(buf), &ep);
	else
		snprintf(buf, sizeof(buf), "error: %s", parse_error);
	CHECK_STR(buf, want, in);
}

static void endpoints(void)
{
	static const char *const bad[] = {
		"", "192.0.2.1", "192.0.2.1:", ":51820", "192.0.2.1:65536", "192.0.2.1:port",
		"2001:db8::1:51820", "[2001:db8::1]", "[2001:db8::1]51820", "[192.0.2.1]:1",
		"[]:1", "192.0.2.1:-5",
	};
	union wg_endpoint ep;
	char buf[128];
	size_t i;

	endpoint_ok("192.0.2.1:51820", "192.0.2.1:51820");
	endpoint_ok("[2001:db8::1]:4242", "[2001:db8::1]:4242");
	endpoint_ok("[::ffff:192.0.2.1]:1", "[::ffff:192.0.2.1]:1");
	endpoint_ok("127.0.0.1:0", "127.0.0.1:0");
	CHECK(!parse_endpoint(&ep, "localhost:53"), "a hostname resolves");
	format_endpoint(buf, sizeof(buf), &ep);
	CHECK(!strcmp(buf, "127.0.0.1:53") || !strcmp(buf, "[::1]:53"), "localhost:53 -> %s", buf);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(parse_endpoint(&ep, bad[i]) && strstr(parse_error, "bad endpoint"),
		      "rejects endpoint '%s' (%s)", bad[i], parse_error);
}

int main(void)
{
	numbers();
	cidrs();
	allowedips();
	endpoints();
	return check_failed ? 1 : 0;
}
