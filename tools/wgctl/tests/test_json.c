// SPDX-License-Identifier: GPL-2.0
/*
 * json.c: commas, nesting and escaping. Writes the document of a device to
 * the file named by argv[1] for run.sh to validate with python3 -m json.tool.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "check.h"
#include "wgctl.h"

static char *render(void (*fn)(struct json *j))
{
	char *buf = NULL;
	size_t len = 0;
	struct json j;
	FILE *f = open_memstream(&buf, &len);

	json_init(&j, f);
	fn(&j);
	fclose(f);
	return buf;
}

static void nested(struct json *j)
{
	json_begin_object(j);
	json_key(j, "a");
	json_begin_array(j);
	json_uint(j, 1);
	json_int(j, -2);
	json_begin_object(j);
	json_end_object(j);
	json_begin_array(j);
	json_end_array(j);
	json_bool(j, true);
	json_null(j);
	json_end_array(j);
	json_key(j, "b");
	json_uint(j, 18446744073709551615ULL);
	json_end_object(j);
}

static void escapes(struct json *j)
{
	json_begin_array(j);
	json_string(j, "quote\" backslash\\ slash/ nl\n tab\t cr\r bell\a del\x7f bs\b ff\f");
	json_string(j, "utf-8: \xc3\xa9");
	json_string(j, "");
	json_end_array(j);
}

static struct wg_device *sample(void)
{
	struct wg_device *dev = device_new("wg\"0");
	struct wg_peer *p;

	dev->has = DEV_HAS_PUBLIC_KEY | DEV_HAS_PRIVATE_KEY;
	dev->public_key[0] = 1;
	dev->listen_port = 51820;
	dev->fwmark = 7;
	p = device_add_peer(dev);
	p->has = PEER_HAS_PUBLIC_KEY | PEER_HAS_PRESHARED_KEY;
	p->endpoint.addr4.sin_family = AF_INET;
	p->endpoint.addr4.sin_port = htons(51820);
	p->endpoint.addr4.sin_addr.s_addr = htonl(0xc0000201);
	parse_allowedips(p, "10.0.0.0/24,fd00::/64", false, NULL);
	p->handshake_sec = 1700000000;
	p->rx_bytes = 1234;
	p->tx_bytes = 5678;
	p->keepalive = 25;
	p = device_add_peer(dev);
	p->has = PEER_HAS_PUBLIC_KEY;
	return dev;
}

static struct wg_device *the_sample;

static void device(struct json *j)
{
	device_to_json(j, the_sample);
}

int main(int argc, char **argv)
{
	char *s;

	s = render(nested);
	CHECK_STR(s, "{\"a\":[1,-2,{},[],true,null],\"b\":18446744073709551615}", "nesting and commas");
	free(s);
	s = render(escapes);
	CHECK_STR(s, "[\"quote\\\" backslash\\\\ slash/ nl\\n tab\\t cr\\r bell\\u0007 del\\u007f "
		     "bs\\b ff\\f\",\"utf-8: \xc3\xa9\",\"\"]", "escaping");
	free(s);

	the_sample = sample();
	s = render(device);
	CHECK(strstr(s, "\"name\":\"wg\\\"0\""), "name escaped");
	CHECK(strstr(s, "\"listen_port\":51820,\"fwmark\":7"), "port and fwmark are integers");
	CHECK(strstr(s, "\"preshared_key\":true,\"endpoint\":\"192.0.2.1:51820\","
			"\"allowed_ips\":[\"10.0.0.0/24\",\"fd00::/64\"],"
			"\"latest_handshake\":1700000000,\"rx_bytes\":1234,\"tx_bytes\":5678,"
			"\"persistent_keepalive\":25}"), "peer fields: %s", s);
	CHECK(strstr(s, "\"preshared_key\":false,\"endpoint\":null,\"allowed_ips\":[],"
			"\"latest_handshake\":0,\"rx_bytes\":0,\"tx_bytes\":0,"
			"\"persistent_keepalive\":0}"), "an empty peer");
	CHECK(!strstr(s, "private"), "no private key in JSON");
	if (argc > 1) {
		FILE *f = fopen(argv[1], "w");

		fprintf(f, "%s\n", s);
		fclose(f);
	}
	free(s);
	device_free(the_sample);
	return check_failed ? 1 : 0;
}
