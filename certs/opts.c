/*
 * opts.c: the one option table of coimesh-pki; each command says which
 * options it takes and gets the rest refused by name.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "pki.h"

static const struct option longopts[] = {
	{ "dir",	required_argument, NULL, 'd' },
	{ "out",	required_argument, NULL, 'o' },
	{ "key-type",	required_argument, NULL, 't' },
	{ "pass-in",	required_argument, NULL, 'P' },
	{ "pass-out",	required_argument, NULL, 'Q' },
	{ "pubkey",	required_argument, NULL, 'K' },
	{ "start",	required_argument, NULL, 'S' },
	{ "days",	required_argument, NULL, 'D' },
	{ "cn",		required_argument, NULL, 'N' },
	{ "coi",	required_argument, NULL, 'c' },
	{ "prefix",	required_argument, NULL, 'p' },
	{ "asn",	required_argument, NULL, 'a' },
	{ "dns",	required_argument, NULL, 'n' },
	{ "email",	required_argument, NULL, 'e' },
	{ "ip",		required_argument, NULL, 'i' },
	{ "reason",	required_argument, NULL, 'r' },
	{ "crl-days",	required_argument, NULL, 'R' },
	{ "json",	no_argument,	   NULL, 'j' },
	{ "ca",		required_argument, NULL, 'C' },
	{ "no-crl",	no_argument,	   NULL, 'X' },
	{ "at",		required_argument, NULL, 'T' },
	{ "id",		required_argument, NULL, 'I' },
	{ "peer",	required_argument, NULL, 'E' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL,		0,		   NULL, 0 }
};

static const char *
optname(int c)
{
	size_t	i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == c)
			return longopts[i].name;
	return "?";
}

static void
push(const char **list, size_t *n, const char *v, const char *what)
{
	if (*n == PKI_MAX_LIST)
		pki_fatalx("more than %d %s", PKI_MAX_LIST, what);
	list[(*n)++] = v;
}

void
opts_parse(struct opts *o, int argc, char **argv, const char *allowed,
    const char *usage)
{
	int	c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:o:t:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: %s %s\n", PKI_PROG, usage);
			exit(0);
		}
		if (c == '?') {
			if (optopt != 0)
				pki_fatalx("%s: unknown option -%c\nusage: %s %s",
				    argv[0], optopt, PKI_PROG, usage);
			pki_fatalx("%s: unknown option %s\nusage: %s %s",
			    argv[0], argv[optind - 1], PKI_PROG, usage);
		}
		if (c == ':')
			pki_fatalx("%s: option %s needs a value\nusage: %s %s",
			    argv[0], argv[optind - 1], PKI_PROG, usage);
		if (strchr(allowed, c) == NULL)
			pki_fatalx("%s: option --%s does not apply\nusage: %s %s",
			    argv[0], optname(c), PKI_PROG, usage);
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'o': o->out = optarg; break;
		case 't': o->key_type = optarg; break;
		case 'P': o->pass_in = optarg; break;
		case 'Q': o->pass_out = optarg; break;
		case 'K': o->pubkey = optarg; break;
		case 'S': o->start = pki_parse_time(optarg); break;
		case 'D': o->days = pki_parse_days(optarg); break;
		case 'N': o->cn = optarg; break;
		case 'c': pki_res_coi(&o->res, optarg); break;
		case 'p': pki_res_prefix(&o->res, optarg); break;
		case 'a': pki_res_asn(&o->res, optarg); break;
		case 'n': push(o->dns, &o->ndns, optarg, "DNS names"); break;
		case 'e': push(o->email, &o->nemail, optarg, "emails"); break;
		case 'i': push(o->ip, &o->nip, optarg, "IP addresses"); break;
		case 'r': o->reason = optarg; break;
		case 'R': o->crl_days = pki_parse_days(optarg); break;
		case 'j': o->json = true; break;
		case 'C': push(o->ca, &o->nca, optarg, "CA files"); break;
		case 'X': o->no_crl = true; break;
		case 'T': o->at = pki_parse_time(optarg); break;
		case 'I': o->id = optarg; break;
		case 'E': o->peer = optarg; break;
		}
	}
	o->argc = argc - optind;
	o->argv = argv + optind;
}

void
opts_need_dir(const struct opts *o, const char *usage)
{
	if (o->dir == NULL)
		pki_fatalx("-d DIR is required\nusage: %s %s", PKI_PROG, usage);
}

void
opts_nargs(const struct opts *o, int n, const char *usage)
{
	if (o->argc != n)
		pki_fatalx("%s\nusage: %s %s", o->argc < n ?
		    "missing argument" : "too many arguments", PKI_PROG, usage);
}

/* notBefore: --start, or ten minutes ago (clock skew); notAfter: + days. */
void
opts_validity(const struct opts *o, struct pki_spec *sp, long defdays,
    X509 *issuer)
{
	const ASN1_TIME	*ina;
	struct tm	 tm;
	char		 a[32], b[32];
	time_t		 limit;

	sp->not_before = o->start != 0 ? o->start : time(NULL) - 600;
	sp->not_after = sp->not_before + (o->days != 0 ? o->days : defdays) *
	    86400L;
	if (issuer == NULL)
		return;
	ina = X509_get0_notAfter(issuer);
	if (!ASN1_TIME_to_tm(ina, &tm))
		pki_fatal_ssl("the CA's notAfter");
	limit = timegm(&tm);
	if (sp->not_after > limit) {
		pki_time_str(sp->not_after, a, sizeof(a));
		pki_time_str(limit, b, sizeof(b));
		pki_fatalx("the certificate would end %s, after its CA (%s): "
		    "give fewer --days", a, b);
	}
}
