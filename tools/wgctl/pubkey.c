// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl pubkey: the public key of the private key given on stdin.
 */
#include <ctype.h>
#include <string.h>

#include "wgctl.h"

static const char usage[] =
	"Usage: wgctl pubkey < private.key\n"
	"Read a base64 private key on stdin, print its public key in base64.\n";

int cmd_pubkey(int argc, char **argv)
{
	char buf[KEY_B64_LEN + 2], b64[KEY_B64_LEN + 1];
	uint8_t priv[WG_KEY_LEN], pub[WG_KEY_LEN];
	size_t n = 0;
	int c, ret = key_command_start(argc, argv, usage);

	if (ret >= 0)
		return ret;
	ret = 1;
	/* leading and trailing whitespace are fine, anything else is not */
	while ((c = getchar()) != EOF && isspace(c))
		;
	while (c != EOF && !isspace(c)) {
		if (n == sizeof(buf) - 1)
			goto bad;
		buf[n++] = (char)c;
		c = getchar();
	}
	while (c != EOF && isspace(c))
		c = getchar();
	if (c != EOF)
		goto bad;
	buf[n] = '\0';
	if (!key_from_base64(priv, buf))
		goto bad;
	if (key_public_from_private(pub, priv)) {
		fprintf(stderr, "%s: pubkey: this private key has no public key\n", PROG);
		goto out;
	}
	key_to_base64(b64, pub);
	puts(b64);
	ret = fflush(stdout) ? 1 : 0;
	goto out;
bad:
	fprintf(stderr, "%s: pubkey: bad key: expected %d characters of base64 on stdin\n",
		PROG, KEY_B64_LEN);
out:
	key_wipe(buf, sizeof(buf));
	key_wipe(priv, sizeof(priv));
	return ret;
}
