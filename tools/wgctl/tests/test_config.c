// SPDX-License-Identifier: GPL-2.0
/* config.c: the configuration file format, line by line and from files. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "wgctl.h"

static char path[] = "/tmp/wgctl-test-XXXXXX";

static struct wg_device *parse(const char *text, int *ret)
{
	struct wg_device *dev = device_new("wg0");
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	*ret = config_read_file(dev, path);
	return dev;
}

static void good(void)
{
	char b64[KEY_B64_LEN + 1];
	struct wg_device *dev;
	struct wg_peer *p;
	int ret;

	dev = parse("# leading comment\n"
		    "[Interface]\n"
		    "PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n"
		    "  listenport=51820 # comment\n"
		    "FWMARK = 0x10\r\n"
		    "\n"
		    "[peer]\n"
		    "PublicKey = HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=\n"
		    "PresharedKey = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE=\n"
		    "AllowedIPs = 10.0.0.1/32, fd00::/64\n"
		    "AllowedIPs = 10.0.1.0/24\n"
		    "Endpoint = [2001:db8::1]:51820\n"
		    "PersistentKeepalive = 25\n"
		    "[Peer]\n"
		    "PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n"
		    "AllowedIPs =\n"
		    "Endpoint = 192.0.2.1:1\n"
		    "PersistentKeepalive = off\n",
		    &ret);
	CHECK(ret == 0, "a full configuration parses");
	CHECK(dev->has & DEV_HAS_PRIVATE_KEY, "private key set");
	key_to_base64(b64, dev->private_key);
	CHECK_STR(b64, "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=", "private key");
	CHECK((dev->has & DEV_HAS_LISTEN_PORT) && dev->listen_port == 51820, "listen port");
	CHECK((dev->has & DEV_HAS_FWMARK) && dev->fwmark == 16, "fwmark");
	CHECK(dev->n_peers == 2, "two peers");
	p = &dev->peers[0];
	CHECK(p->flags == WGPEER_F_REPLACE_ALLOWEDIPS, "peers replace their allowed IPs");
	CHECK(p->n_aips == 3, "AllowedIPs accumulate over lines (%zu)", p->n_aips);
	CHECK((p->has & PEER_HAS_PRESHARED_KEY) && p->preshared_key[31] == 1, "preshared key");
	CHECK(p->endpoint.addr.sa_family == AF_INET6 && ntohs(p->endpoint.addr6.sin6_port) == 51820,
	      "IPv6 endpoint");
	CHECK((p->has & PEER_HAS_KEEPALIVE) && p->keepalive == 25, "keepalive");
	p = &dev->peers[1];
	CHECK(p->n_aips == 0 && !(p->has & PEER_HAS_PRESHARED_KEY), "second peer: no IPs, no psk");
	CHECK((p->has & PEER_HAS_KEEPALIVE) && p->keepalive == 0, "keepalive off");
	device_free(dev);

	dev = parse("", &ret);
	CHECK(ret == 0 && !dev->has && !dev->n_peers, "an empty file is an empty configuration");
	device_free(dev);
}

/* A bad file: parsing fails and stderr says "wgctl: <path>:<line>: ...<want>..." */
static void bad(const char *text, unsigned int line, const char *want)
{
	char errpath[] = "/tmp/wgctl-test-err-XXXXXX", msg[512] = "", prefix[128];
	struct wg_device *dev;
	int fd = mkstemp(errpath), saved = dup(2), ret;
	FILE *f;

	fflush(stderr);
	dup2(fd, 2);
	dev = parse(text, &ret);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	f = fopen(errpath, "r");
	if (!fgets(msg, sizeof(msg), f))
		msg[0] = '\0';
	fclose(f);
	unlink(errpath);
	msg[strcspn(msg, "\n")] = '\0';
	snprintf(prefix, sizeof(prefix), "wgctl: %s:%u: ", path, line);
	CHECK(ret && !strncmp(msg, prefix, strlen(prefix)) && strstr(msg, want),
	      "rejected at line %u with '%s': %s", line, want, msg);
	device_free(dev);
}

static void errors(void)
{
	bad("[Interface]\nPrivateKey = abc\n", 2, "bad key");
	bad("[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk\n", 2, "bad key");
	bad("[Interface]\nListenPort = 70000\n", 2, "bad port");
	bad("[Interface]\nListenPort = 1\nFwMark = nope\n", 3, "bad fwmark");
	bad("[Interface]\nAddress = 10.0.0.1/24\n", 2, "unknown keyword 'Address'");
	bad("[Interface]\n\n[Peer]\nPublicKey = HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=\n"
	    "AllowedIPs = 10.0.0.1/33\n", 5, "bad CIDR");
	bad("[Peer]\nPublicKey = HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=\n"
	    "Endpoint = 192.0.2.1\n", 3, "bad endpoint");
	bad("[Peer]\nPublicKey = HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=\n"
	    "Endpoint = 192.0.2.1:99999\n", 3, "bad port");
	bad("[Peer]\nPublicKey = HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=\n"
	    "PersistentKeepalive = often\n", 3, "bad persistent keepalive");
	bad("[Peer]\nPublicKey = HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=\nFoo = bar\n", 3,
	    "unknown keyword 'Foo'");
	bad("ListenPort = 1\n", 1, "outside");
	bad("[Interface]\n[Tunnel]\n", 2, "unknown section");
	bad("[Interface]\nListenPort\n", 2, "expected Key = Value");
	bad("[Peer]\nAllowedIPs = 10.0.0.1/32\n", 2, "no PublicKey");
	bad("[Peer]\nAllowedIPs = 10.0.0.1/32\n[Peer]\n", 3, "no PublicKey");
}

int main(void)
{
	int fd = mkstemp(path);

	if (fd < 0 || keys_init())
		return 1;
	close(fd);
	good();
	errors();
	unlink(path);
	return check_failed ? 1 : 0;
}
