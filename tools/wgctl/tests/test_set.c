// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c, SET_DEVICE: a large configuration is split over page-sized
 * messages; REPLACE flags appear only where they must; a peer that does not
 * fit continues in the next message with its public key and the remaining
 * allowed IPs only. The messages go to a sink instead of the kernel, and are
 * parsed back here.
 */
#include <stdlib.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "check.h"
#include "wgctl.h"

#define PAGE 4096

static struct {
	size_t msgs, too_big, dev_flags_late, dev_flags_first, aips, bad_cont, peer_flags_late;
	size_t peers_started, removes;
	uint8_t last_key[WG_KEY_LEN];
	bool have_last;
} seen;

static int sink(const void *msg, size_t len)
{
	const struct nlmsghdr *nlh = msg;
	const struct nlattr *a, *p, *x, *ips;
	size_t n = 0;

	if (len > PAGE)
		seen.too_big++;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) == WGDEVICE_A_FLAGS) {
			if (seen.msgs)
				seen.dev_flags_late++;
			else
				seen.dev_flags_first++;
		}
		if (mnl_attr_get_type(a) != WGDEVICE_A_PEERS)
			continue;
		mnl_attr_for_each_nested(p, a) {
			const uint8_t *key = NULL;
			bool cont, other = false, flags = false;

			mnl_attr_for_each_nested(x, p) {
				switch (mnl_attr_get_type(x)) {
				case WGPEER_A_PUBLIC_KEY:
					key = mnl_attr_get_payload(x);
					break;
				case WGPEER_A_ALLOWEDIPS:
					mnl_attr_for_each_nested(ips, x) {
						const struct nlattr *f;

						seen.aips++;
						mnl_attr_for_each_nested(f, ips)
							if (mnl_attr_get_type(f) == WGALLOWEDIP_A_FLAGS &&
							    mnl_attr_get_u32(f) == WGALLOWEDIP_F_REMOVE_ME)
								seen.removes++;
					}
					break;
				case WGPEER_A_FLAGS:
					flags = true;
					other = true;
					break;
				default:
					other = true;
				}
			}
			/* the first peer of a message may continue the last one */
			cont = !n && seen.have_last && key && !memcmp(key, seen.last_key, WG_KEY_LEN);
			if (cont && other)
				seen.bad_cont++;
			if (cont && flags)
				seen.peer_flags_late++;
			if (!cont)
				seen.peers_started++;
			if (key) {
				memcpy(seen.last_key, key, WG_KEY_LEN);
				seen.have_last = true;
			}
			n++;
		}
	}
	seen.msgs++;
	return 0;
}

static struct wg_device *make(size_t peers, size_t aips_each)
{
	struct wg_device *dev = device_new("wg0");
	size_t i, k;

	dev->has = DEV_HAS_PRIVATE_KEY | DEV_HAS_LISTEN_PORT;
	dev->flags = WGDEVICE_F_REPLACE_PEERS;
	key_generate_private(dev->private_key);
	for (i = 0; i < peers; i++) {
		struct wg_peer *p = device_add_peer(dev);

		key_generate_random(p->public_key);
		key_generate_random(p->preshared_key);
		p->has = PEER_HAS_PUBLIC_KEY | PEER_HAS_PRESHARED_KEY | PEER_HAS_KEEPALIVE;
		p->flags = WGPEER_F_REPLACE_ALLOWEDIPS;
		p->keepalive = 25;
		p->endpoint.addr6.sin6_family = AF_INET6;
		for (k = 0; k < aips_each; k++) {
			struct wg_allowedip *aip = peer_add_aip(p);

			aip->family = (k & 1) ? AF_INET6 : AF_INET;
			aip->cidr = (k & 1) ? 128 : 32;
			aip->ip4.s_addr = htonl((uint32_t)(i << 16 | k));
		}
	}
	return dev;
}

static void run(const char *what, size_t peers, size_t aips_each)
{
	struct wg_device *dev = make(peers, aips_each);
	int ret;

	memset(&seen, 0, sizeof(seen));
	ret = nl_set_device(dev);
	CHECK(!ret, "%s: built (%d)", what, ret);
	CHECK(!seen.too_big, "%s: %zu messages, none over a page", what, seen.msgs);
	CHECK(seen.msgs >= 1 && seen.dev_flags_first == 1 && !seen.dev_flags_late,
	      "%s: REPLACE_PEERS only in the first message", what);
	CHECK(seen.aips == peers * aips_each, "%s: all %zu allowed IPs sent (%zu)", what,
	      peers * aips_each, seen.aips);
	CHECK(seen.peers_started == peers, "%s: %zu peers (%zu)", what, peers, seen.peers_started);
	CHECK(!seen.bad_cont && !seen.peer_flags_late,
	      "%s: continued peers carry only their key and allowed IPs", what);
	device_free(dev);
}

int main(void)
{
	struct wg_device *dev;

	if (keys_init())
		return 1;
	nl_set_buffer_size = PAGE;
	nl_set_sink = sink;
	run("empty", 0, 0);
	run("one small peer", 1, 3);
	run("one peer, 5000 allowed IPs", 1, 5000);
	run("40 peers x 52 allowed IPs", 40, 52);
	run("300 peers, no allowed IPs", 300, 0);
	run("3 peers x 2000 allowed IPs", 3, 2000);
	CHECK(seen.msgs > 3, "big peers need several messages (%zu)", seen.msgs);

	/* incremental allowed IPs keep their REMOVE_ME flag */
	dev = device_new("wg0");
	struct wg_peer *p = device_add_peer(dev);

	p->has = PEER_HAS_PUBLIC_KEY;
	parse_allowedips(p, "+10.0.0.1/32,-10.0.0.2/32", true, NULL);
	memset(&seen, 0, sizeof(seen));
	nl_set_device(dev);
	CHECK(seen.aips == 2 && seen.removes == 1, "-prefix carries WGALLOWEDIP_F_REMOVE_ME");
	device_free(dev);
	return check_failed ? 1 : 0;
}
