/*
 * cmd_node.c: coimesh-pki node: an organization CA issues a node
 * certificate (and, unless --pubkey, the node's key).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meshcert.h"
#include "opts.h"
#include "pki.h"

#define NODE_USAGE "node -d ORGDIR --coi C [--coi C ...] [--prefix P ...]\n" \
	"\t[--asn N[-M] ...] [--dns NAME ...] [--ip ADDR ...] [--email ADDR ...]\n" \
	"\t[-o PATHPREFIX] [-t ec|ed25519] [--days N] [--start TIME]\n" \
	"\t[--pass-in FILE] [--pass-out FILE | --pubkey FILE] NODE"

int
cmd_node(int argc, char **argv)
{
	struct opts	 o;
	struct pki_spec	 sp;
	struct pki_ca	 ca;
	EVP_PKEY	*key;
	X509		*x;
	BIGNUM		*serial;
	char		*out, *kf, *cf, *chf, *nodes = NULL;
	const char	*node;
	char		 org[MCERT_NAME_MAX + 1];
	struct mcert_cert *cac;
	char		 err[MCERT_ERR_MAX];

	opts_parse(&o, argc, argv, "dotPQKSDcpaneiN", NODE_USAGE);
	opts_need_dir(&o, NODE_USAGE);
	opts_nargs(&o, 1, NODE_USAGE);
	node = o.argv[0];
	if (!mcert_name_ok(node))
		pki_fatalx("bad node name \"%s\": want [a-z0-9][a-z0-9-]{0,62}",
		    node);
	if (o.cn != NULL)
		pki_fatalx("node: the CN is the node name; --cn does not apply");
	if (o.res.ncoi == 0)
		pki_fatalx("node: give at least one --coi");
	if (o.pubkey != NULL && o.pass_out != NULL)
		pki_fatalx("--pass-out and --pubkey exclude each other");
	if (o.out != NULL)
		out = strdup(o.out);
	else {
		nodes = pki_path(o.dir, "nodes");
		out = pki_path(nodes, node);
	}
	if (out == NULL || asprintf(&kf, "%s.key", out) == -1 ||
	    asprintf(&cf, "%s.crt", out) == -1 ||
	    asprintf(&chf, "%s.chain.pem", out) == -1)
		pki_fatal("memory");
	/* check before acting: nothing is made if any output exists */
	if (o.pubkey == NULL)
		pki_must_not_exist(kf);
	pki_must_not_exist(cf);
	pki_must_not_exist(chf);

	pki_ca_open(&ca, o.dir, true, o.pass_in);
	if (X509_self_signed(ca.cert, 0) == 1)
		pki_fatalx("%s is the root CA: nodes are issued by an "
		    "organization CA (%s org)", o.dir, PKI_PROG);
	if (mcert_from_x509(ca.cert, &cac, err, sizeof(err)) != MCERT_OK)
		pki_fatalx("%s/ca.crt: %s", o.dir, err);
	snprintf(org, sizeof(org), "%s", mcert_info(cac)->org);
	mcert_free(cac);
	if (org[0] == '\0')
		pki_fatalx("%s/ca.crt names no organization", o.dir);
	pki_res_within(&o.res, ca.cert);

	memset(&sp, 0, sizeof(sp));
	sp.kind = PKI_NODE;
	sp.cn = node;
	sp.org = org;
	sp.res = &o.res;
	memcpy(sp.dns, o.dns, sizeof(sp.dns));
	sp.ndns = o.ndns;
	memcpy(sp.email, o.email, sizeof(sp.email));
	sp.nemail = o.nemail;
	memcpy(sp.ip, o.ip, sizeof(sp.ip));
	sp.nip = o.nip;
	opts_validity(&o, &sp, 365, ca.cert);

	key = o.pubkey != NULL ? pki_pubkey_load(o.pubkey) :
	    pki_keygen(o.key_type);
	serial = pki_ca_serial(&ca);
	x = pki_issue(&sp, key, ca.cert, ca.key, serial);

	if (nodes != NULL)
		pki_mkdir_maybe(nodes);
	if (o.pubkey == NULL)
		pki_stage_bio(NULL, kf, pki_key_pem(key, o.pass_out), 0600,
		    false);
	pki_stage_bio(NULL, cf, pki_cert_pem(x), 0644, false);
	pki_stage_bio(NULL, chf, pki_certs_pem(x, ca.cert), 0644, false);
	pki_ca_record(&ca, x, "node", node);
	pki_ca_stage_index(&ca);
	pki_commit();
	printf("node %s of %s: %s%s%s, %s\n", node, org,
	    o.pubkey == NULL ? kf : "", o.pubkey == NULL ? ", " : "", cf, chf);

	free(nodes);
	free(out);
	free(kf);
	free(cf);
	free(chf);
	X509_free(x);
	BN_free(serial);
	EVP_PKEY_free(key);
	pki_ca_close(&ca);
	pki_res_free(&o.res);
	return 0;
}
