/*
 * pki.c: coimesh-pki, the mesh PKI tool: the command table and main().
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pki.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*help;
} cmds[] = {
	{ "root",	cmd_root,	"create the mesh root CA" },
	{ "org",	cmd_org,	"create an organization CA under the root" },
	{ "node",	cmd_node,	"issue a node certificate (organization CA)" },
	{ "key",	cmd_key,	"make a key pair (for --pubkey)" },
	{ "revoke",	cmd_revoke,	"revoke a certificate and publish the CRL" },
	{ "crl",	cmd_crl,	"publish the CRL again (new nextUpdate)" },
	{ "list",	cmd_list,	"list what a CA issued" },
	{ "show",	cmd_show,	"print what a certificate says" },
	{ "verify",	cmd_verify,	"verify a chain as IKE would" },
};

static void __attribute__((noreturn))
usage(int status)
{
	size_t	i;
	FILE	*f = status == 0 ? stdout : stderr;

	fprintf(f, "usage: %s command [options] [arguments]\n", PKI_PROG);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\"%s command -h\" shows a command's options; see "
	    "coimesh-pki(1).\n", PKI_PROG);
	exit(status);
}

int
main(int argc, char *argv[])
{
	size_t	i;

	if (argc < 2)
		usage(1);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		usage(0);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command \"%s\"\n", PKI_PROG, argv[1]);
	usage(1);
}
