/*
 * cmd_ca.c: coimesh-pki root, org and key: making the mesh root CA, an
 * organization CA under it, and a lone key pair.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meshcert.h"
#include "opts.h"
#include "pki.h"

#define ROOT_USAGE "root -d DIR --prefix P [--prefix P ...] [--asn N[-M] ...]\n" \
	"\t[--cn NAME] [-t ec|ed25519] [--days N] [--start TIME] [--pass-out FILE]"
#define ORG_USAGE "org -d ROOTDIR -o ORGDIR --coi C [--coi C ...] [--prefix P ...]\n" \
	"\t[--asn N[-M] ...] [-t ec|ed25519] [--days N] [--start TIME]\n" \
	"\t[--pass-in FILE] [--pass-out FILE | --pubkey FILE] ORG"
#define KEY_USAGE "key [-t ec|ed25519] [--pass-out FILE] FILE"

static void
root_cn_ok(const char *s)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n > 64)
		pki_fatalx("bad --cn \"%s\": 1 to 64 characters", s);
	for (i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] > '~')
			pki_fatalx("bad --cn: printable ASCII only");
}

int
cmd_root(int argc, char **argv)
{
	struct opts	 o;
	struct pki_spec	 sp;
	EVP_PKEY	*key;
	X509		*x;
	BIGNUM		*serial;
	json_t		*ix;
	char		*cdir;
	int		 lockfd;

	opts_parse(&o, argc, argv, "dtQSDNpa", ROOT_USAGE);
	opts_need_dir(&o, ROOT_USAGE);
	opts_nargs(&o, 0, ROOT_USAGE);
	if (o.res.blocks == NULL)
		pki_fatalx("root: give at least one --prefix (the address "
		    "blocks of the whole mesh)");
	memset(&sp, 0, sizeof(sp));
	sp.kind = PKI_ROOT;
	sp.cn = o.cn != NULL ? o.cn : "coimesh mesh root";
	root_cn_ok(sp.cn);
	sp.res = &o.res;
	opts_validity(&o, &sp, 3650, NULL);

	pki_mkdir_new(o.dir);
	pki_lock(o.dir, &lockfd);
	key = pki_keygen(o.key_type);
	if ((serial = BN_new()) == NULL ||
	    !BN_rand(serial, 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY))
		pki_fatal_ssl("random serial");
	x = pki_issue(&sp, key, NULL, key, serial);
	ix = pki_index_new();
	cdir = pki_path(o.dir, "certs");
	pki_mkdir_new(cdir);
	pki_ca_init_files(o.dir, x, x, key, o.pass_out, ix);
	pki_commit();
	printf("root CA \"%s\" in %s\n", sp.cn, o.dir);
	free(cdir);
	json_decref(ix);
	X509_free(x);
	BN_free(serial);
	EVP_PKEY_free(key);
	pki_res_free(&o.res);
	return 0;
}

int
cmd_org(int argc, char **argv)
{
	struct opts	 o;
	struct pki_spec	 sp;
	struct pki_ca	 ca;
	EVP_PKEY	*key;
	X509		*x;
	BIGNUM		*serial;
	json_t		*ix;
	char		*cn, *cdir;
	const char	*org;

	opts_parse(&o, argc, argv, "dotPQKSDcpa", ORG_USAGE);
	opts_need_dir(&o, ORG_USAGE);
	opts_nargs(&o, 1, ORG_USAGE);
	org = o.argv[0];
	if (!mcert_name_ok(org))
		pki_fatalx("bad organization name \"%s\": want "
		    "[a-z0-9][a-z0-9-]{0,62}", org);
	if (o.out == NULL)
		pki_fatalx("-o ORGDIR is required\nusage: %s %s", PKI_PROG,
		    ORG_USAGE);
	if (o.res.ncoi == 0)
		pki_fatalx("org: give at least one --coi (the COIs the "
		    "organization may grant)");
	if (o.pubkey != NULL && o.pass_out != NULL)
		pki_fatalx("--pass-out and --pubkey exclude each other");
	pki_must_not_exist(o.out);

	pki_ca_open(&ca, o.dir, true, o.pass_in);
	if (X509_self_signed(ca.cert, 0) != 1)
		pki_fatalx("%s is not a root CA directory", o.dir);
	pki_res_within(&o.res, ca.cert);
	memset(&sp, 0, sizeof(sp));
	sp.kind = PKI_ORG;
	if (asprintf(&cn, "%s organization CA", org) == -1)
		pki_fatal("asprintf");
	sp.cn = cn;
	sp.org = org;
	sp.res = &o.res;
	opts_validity(&o, &sp, 1825, ca.cert);

	key = o.pubkey != NULL ? pki_pubkey_load(o.pubkey) :
	    pki_keygen(o.key_type);
	serial = pki_ca_serial(&ca);
	x = pki_issue(&sp, key, ca.cert, ca.key, serial);

	pki_mkdir_new(o.out);
	cdir = pki_path(o.out, "certs");
	pki_mkdir_new(cdir);
	ix = pki_index_new();
	pki_ca_init_files(o.out, x, ca.root, o.pubkey != NULL ? NULL : key,
	    o.pass_out, ix);
	pki_ca_record(&ca, x, "org", org);
	pki_ca_stage_index(&ca);
	pki_commit();
	printf("organization CA \"%s\" in %s\n", org, o.out);
	if (o.pubkey != NULL)
		printf("%s holds no key: put the organization's private key "
		    "in %s/ca.key (mode 0600), then run \"%s crl -d %s\"\n",
		    o.out, o.out, PKI_PROG, o.out);
	free(cdir);
	free(cn);
	json_decref(ix);
	X509_free(x);
	BN_free(serial);
	EVP_PKEY_free(key);
	pki_ca_close(&ca);
	pki_res_free(&o.res);
	return 0;
}

int
cmd_key(int argc, char **argv)
{
	struct opts	 o;
	EVP_PKEY	*key;
	char		*pub;
	const char	*path;

	opts_parse(&o, argc, argv, "tQ", KEY_USAGE);
	opts_nargs(&o, 1, KEY_USAGE);
	path = o.argv[0];
	if (asprintf(&pub, "%s.pub", path) == -1)
		pki_fatal("asprintf");
	pki_must_not_exist(path);
	pki_must_not_exist(pub);
	key = pki_keygen(o.key_type);
	pki_stage_bio(NULL, path, pki_key_pem(key, o.pass_out), 0600, false);
	pki_stage_bio(NULL, pub, pki_pubkey_pem(key), 0644, false);
	pki_commit();
	printf("private key %s, public key %s\n", path, pub);
	free(pub);
	EVP_PKEY_free(key);
	return 0;
}
