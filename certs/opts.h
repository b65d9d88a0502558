/*
 * opts.h: command-line options of coimesh-pki, parsed once for all commands.
 */
#ifndef COIMESH_PKI_OPTS_H
#define COIMESH_PKI_OPTS_H

#include "pki.h"

struct opts {
	const char	*dir, *out, *key_type, *pass_in, *pass_out, *pubkey;
	const char	*cn, *reason, *id, *peer;
	time_t		 start, at;
	long		 days, crl_days;
	bool		 json, no_crl;
	struct pki_res	 res;
	const char	*dns[PKI_MAX_LIST], *email[PKI_MAX_LIST];
	const char	*ip[PKI_MAX_LIST], *ca[PKI_MAX_LIST];
	size_t		 ndns, nemail, nip, nca;
	int		 argc;
	char		**argv;
};

/* ALLOWED: the option letters (val in the table) the command takes. */
void	opts_parse(struct opts *, int, char **, const char *allowed,
	    const char *usage);
void	opts_need_dir(const struct opts *, const char *usage);
void	opts_nargs(const struct opts *, int, const char *usage);
void	opts_validity(const struct opts *, struct pki_spec *, long defdays,
	    X509 *issuer);

#endif
