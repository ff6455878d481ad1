// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl genkey, wgctl genpsk: a random key in base64 on stdout.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wgctl.h"

static int emit(int argc, char **argv, bool private, const char *usage)
{
	uint8_t key[WG_KEY_LEN];
	char b64[KEY_B64_LEN + 1];
	struct stat st;
	int ret = key_command_start(argc, argv, usage);

	if (ret >= 0)
		return ret;
	/* wg(8) warns too: a key written to a file others can read is no secret */
	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) && (st.st_mode & S_IRWXO))
		fprintf(stderr, "Warning: writing to world accessible file.\n"
				"Consider setting the umask to 077 and trying again.\n");
	if (private)
		key_generate_private(key);
	else
		key_generate_random(key);
	key_to_base64(b64, key);
	key_wipe(key, sizeof(key));
	if (puts(b64) < 0 || fflush(stdout)) {
		key_wipe(b64, sizeof(b64));
		perror(PROG);
		return 1;
	}
	key_wipe(b64, sizeof(b64));
	return 0;
}

int cmd_genkey(int argc, char **argv)
{
	return emit(argc, argv, true,
		    "Usage: wgctl genkey\n"
		    "Print a new random Curve25519 private key (clamped) in base64.\n");
}

int cmd_genpsk(int argc, char **argv)
{
	return emit(argc, argv, false,
		    "Usage: wgctl genpsk\n"
		    "Print a new random 32-byte preshared key in base64.\n");
}
