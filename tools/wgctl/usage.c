// SPDX-License-Identifier: GPL-2.0
/*
 * --help and usage errors, shared by the subcommands.
 */
#include <stdlib.h>
#include <string.h>

#include "wgctl.h"

bool wants_help(int argc, char **argv)
{
	return argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
}

void die_usage(const char *text)
{
	fputs(text, stderr);
	exit(1);
}
