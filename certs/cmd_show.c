/*
 * cmd_show.c: coimesh-pki list, show and verify: what a CA issued, what a
 * certificate says, and whether lib/meshcert accepts a chain.
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "meshcert.h"
#include "opts.h"
#include "pki.h"

#define LIST_USAGE "list -d CADIR [--json]"
#define SHOW_USAGE "show [--json] CERTFILE"
#define VERIFY_USAGE "verify --ca FILE [--ca FILE ...] [--no-crl] [--at TIME]\n" \
	"\t[--id TYPE:VALUE] [--peer CERTFILE] [--json] CERTFILE"

/* All certificates in a PEM file (or one DER certificate), in order. */
static STACK_OF(X509) *
load_certs(const char *path)
{
	STACK_OF(X509)		*sk;
	X509			*x;
	BIO			*b;
	char			*data;
	const unsigned char	*p;
	size_t			 len;

	data = pki_read_file(path, &len);
	if ((sk = sk_X509_new_null()) == NULL ||
	    (b = BIO_new_mem_buf(data, (int)len)) == NULL)
		pki_fatal_ssl("memory");
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(sk, x))
			pki_fatal_ssl("memory");
	BIO_free(b);
	ERR_clear_error();
	if (sk_X509_num(sk) == 0) {
		p = (const unsigned char *)data;
		if ((x = d2i_X509(NULL, &p, (long)len)) == NULL ||
		    p != (const unsigned char *)data + len)
			pki_fatalx("%s: no PEM or DER certificate", path);
		sk_X509_push(sk, x);
	}
	free(data);
	ERR_clear_error();
	return sk;
}

static json_t *
jtime(time_t t)
{
	char	buf[32];

	pki_time_str(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
info_json(const struct mcert_info *in)
{
	json_t	*j, *a;
	char	 buf[64];
	size_t	 i;

	j = json_pack("{s:s,s:s,s:s,s:o,s:o,s:b,s:s}", "subject", in->subject,
	    "issuer", in->issuer, "serial", in->serial, "not_before",
	    jtime(in->not_before), "not_after", jtime(in->not_after), "ca",
	    in->is_ca, "key", in->key_type);
	if (j == NULL)
		pki_fatalx("out of memory");
	json_object_set_new(j, "organization", in->org[0] ? json_string(in->org)
	    : json_null());
	json_object_set_new(j, "node", in->node[0] && !in->is_ca ?
	    json_string(in->node) : json_null());
	a = json_array();
	for (i = 0; i < in->ncoi; i++)
		json_array_append_new(a, json_string(in->coi[i]));
	json_object_set_new(j, "cois", a);
	a = json_array();
	for (i = 0; i < in->nprefix; i++) {
		mcert_prefix_str(&in->prefix[i], buf, sizeof(buf));
		json_array_append_new(a, json_string(buf));
	}
	json_object_set_new(j, "prefixes", a);
	a = json_array();
	for (i = 0; i < in->nasn; i++) {
		if (in->asn[i].min == in->asn[i].max)
			snprintf(buf, sizeof(buf), "%u", in->asn[i].min);
		else
			snprintf(buf, sizeof(buf), "%u-%u", in->asn[i].min,
			    in->asn[i].max);
		json_array_append_new(a, json_string(buf));
	}
	json_object_set_new(j, "asns", a);
	a = json_array();
	for (i = 0; i < in->ndns; i++)
		json_array_append_new(a, json_string(in->dns[i]));
	json_object_set_new(j, "dns", a);
	a = json_array();
	for (i = 0; i < in->nemail; i++)
		json_array_append_new(a, json_string(in->email[i]));
	json_object_set_new(j, "email", a);
	a = json_array();
	for (i = 0; i < in->nip; i++) {
		inet_ntop(in->ip[i].af, in->ip[i].addr, buf, sizeof(buf));
		json_array_append_new(a, json_string(buf));
	}
	json_object_set_new(j, "ip", a);
	return j;
}

static void
print_json(json_t *j)
{
	char	*s;

	if ((s = json_dumps(j, JSON_INDENT(2))) == NULL)
		pki_fatalx("out of memory");
	printf("%s\n", s);
	free(s);
	json_decref(j);
}

/* Print the JSON array A as "a, b, c" (or "-"). */
static void
print_list(const char *label, json_t *a)
{
	json_t	*v;
	size_t	 i;

	printf("%-14s", label);
	if (json_array_size(a) == 0)
		printf("-");
	json_array_foreach(a, i, v)
		printf("%s%s", i ? ", " : "", json_string_value(v));
	printf("\n");
}

static void
print_info(const struct mcert_info *in)
{
	json_t	*j = info_json(in);

	printf("%-14s%s\n", "subject", in->subject);
	printf("%-14s%s\n", "issuer", in->issuer);
	printf("%-14s%s\n", "serial", in->serial);
	printf("%-14s%s\n", "not before",
	    json_string_value(json_object_get(j, "not_before")));
	printf("%-14s%s\n", "not after",
	    json_string_value(json_object_get(j, "not_after")));
	printf("%-14s%s\n", "key", in->key_type);
	if (in->is_ca)
		printf("%-14sCA%s\n", "kind", in->issuer[0] &&
		    strcmp(in->issuer, in->subject) == 0 ? " (root)" : "");
	else
		printf("%-14snode\n", "kind");
	printf("%-14s%s\n", "organization", in->org[0] ? in->org : "-");
	if (!in->is_ca)
		printf("%-14s%s\n", "node", in->node[0] ? in->node : "-");
	print_list("COIs", json_object_get(j, "cois"));
	print_list("prefixes", json_object_get(j, "prefixes"));
	print_list("AS numbers", json_object_get(j, "asns"));
	print_list("DNS", json_object_get(j, "dns"));
	print_list("IP", json_object_get(j, "ip"));
	print_list("email", json_object_get(j, "email"));
	json_decref(j);
}

int
cmd_show(int argc, char **argv)
{
	struct opts		 o;
	STACK_OF(X509)		*sk;
	struct mcert_cert	*c;
	char			 err[MCERT_ERR_MAX];

	opts_parse(&o, argc, argv, "j", SHOW_USAGE);
	opts_nargs(&o, 1, SHOW_USAGE);
	sk = load_certs(o.argv[0]);
	if (mcert_from_x509(sk_X509_value(sk, 0), &c, err, sizeof(err)) !=
	    MCERT_OK)
		pki_fatalx("%s: %s", o.argv[0], err);
	if (o.json)
		print_json(info_json(mcert_info(c)));
	else
		print_info(mcert_info(c));
	mcert_free(c);
	sk_X509_pop_free(sk, X509_free);
	return 0;
}

/* The CA's crl.pem: number, dates, entries; null if there is none. */
static json_t *
crl_json(const char *dir)
{
	X509_CRL	*crl;
	ASN1_INTEGER	*num;
	BIO		*b;
	struct tm	 tm;
	json_t		*j;
	char		*p = pki_path(dir, "crl.pem"), *pem;
	time_t		 last = 0, next = 0;
	size_t		 len;
	int64_t		 n = -1;

	if (access(p, F_OK) == -1) {
		free(p);
		return json_null();
	}
	pem = pki_read_file(p, &len);
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		pki_fatal_ssl("memory");
	if ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) == NULL)
		pki_fatalx("%s: not a PEM CRL", p);
	BIO_free(b);
	free(pem);
	if (ASN1_TIME_to_tm(X509_CRL_get0_lastUpdate(crl), &tm))
		last = timegm(&tm);
	if (X509_CRL_get0_nextUpdate(crl) != NULL &&
	    ASN1_TIME_to_tm(X509_CRL_get0_nextUpdate(crl), &tm))
		next = timegm(&tm);
	if ((num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL)) !=
	    NULL) {
		if (!ASN1_INTEGER_get_int64(&n, num))
			n = -1;
		ASN1_INTEGER_free(num);
	}
	j = json_pack("{s:I,s:o,s:o,s:i}", "number", (json_int_t)n,
	    "last_update", jtime(last), "next_update", jtime(next), "revoked",
	    X509_CRL_get_REVOKED(crl) != NULL ?
	    sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) : 0);
	X509_CRL_free(crl);
	free(p);
	ERR_clear_error();
	return j;
}

static const char *
status_of(json_t *c, time_t now)
{
	if (json_object_get(c, "revoked") != NULL)
		return "revoked";
	if (json_integer_value(json_object_get(c, "not_after")) < now)
		return "expired";
	return "valid";
}

int
cmd_list(int argc, char **argv)
{
	struct opts		 o;
	struct pki_ca		 ca;
	struct mcert_cert	*cc;
	json_t			*out, *certs, *c, *e;
	char			 err[MCERT_ERR_MAX], t[32];
	time_t			 now = time(NULL);
	size_t			 i;

	opts_parse(&o, argc, argv, "dj", LIST_USAGE);
	opts_need_dir(&o, LIST_USAGE);
	opts_nargs(&o, 0, LIST_USAGE);
	pki_ca_open(&ca, o.dir, false, NULL);
	if (mcert_from_x509(ca.cert, &cc, err, sizeof(err)) != MCERT_OK)
		pki_fatalx("%s/ca.crt: %s", o.dir, err);
	if ((certs = json_array()) == NULL)
		pki_fatalx("out of memory");
	json_array_foreach(json_object_get(ca.index, "certs"), i, c) {
		e = json_pack("{s:O,s:O,s:O,s:O,s:o,s:s}", "serial",
		    json_object_get(c, "serial"), "kind",
		    json_object_get(c, "kind"), "name",
		    json_object_get(c, "name"), "subject",
		    json_object_get(c, "subject"), "not_after",
		    jtime((time_t)json_integer_value(json_object_get(c,
		    "not_after"))), "status", status_of(c, now));
		if (e == NULL)
			pki_fatalx("out of memory");
		if (json_object_get(c, "revoked") != NULL) {
			json_object_set_new(e, "revoked", jtime((time_t)
			    json_integer_value(json_object_get(c, "revoked"))));
			json_object_set(e, "reason", json_object_get(c,
			    "reason"));
		}
		json_array_append_new(certs, e);
	}
	out = json_pack("{s:o,s:o,s:o}", "ca", info_json(mcert_info(cc)),
	    "crl", crl_json(o.dir), "certs", certs);
	if (out == NULL)
		pki_fatalx("out of memory");
	if (o.json)
		print_json(out);
	else {
		printf("CA %s (%s)\n", mcert_info(cc)->subject, o.dir);
		e = json_object_get(out, "crl");
		if (json_is_null(e))
			printf("no CRL\n");
		else
			printf("CRL number %lld, next update %s\n", (long long)
			    json_integer_value(json_object_get(e, "number")),
			    json_string_value(json_object_get(e,
			    "next_update")));
		printf("%-32s  %-4s  %-20s  %-7s  %s\n", "SERIAL", "KIND",
		    "NAME", "STATUS", "NOT AFTER");
		json_array_foreach(certs, i, e) {
			snprintf(t, sizeof(t), "%s", json_string_value(
			    json_object_get(e, "not_after")));
			printf("%-32s  %-4s  %-20s  %-7s  %s\n",
			    json_string_value(json_object_get(e, "serial")),
			    json_string_value(json_object_get(e, "kind")),
			    json_string_value(json_object_get(e, "name")),
			    json_string_value(json_object_get(e, "status")), t);
		}
		json_decref(out);
	}
	mcert_free(cc);
	pki_ca_close(&ca);
	return 0;
}

/* --id fqdn:NAME, email:ADDR, ipv4:ADDR, ipv6:ADDR */
static enum mcert_err
check_id(struct mcert_cert *c, const char *id, char *err, size_t errlen)
{
	const char	*v = strchr(id, ':');
	unsigned char	 a[16];

	if (v == NULL)
		pki_fatalx("bad --id \"%s\": want fqdn:, email:, ipv4: or ipv6:",
		    id);
	v++;
	if (strncmp(id, "fqdn:", 5) == 0)
		return mcert_check_id(c, MCERT_ID_FQDN,
		    (const uint8_t *)v, strlen(v), err, errlen);
	if (strncmp(id, "email:", 6) == 0)
		return mcert_check_id(c, MCERT_ID_RFC822_ADDR,
		    (const uint8_t *)v, strlen(v), err, errlen);
	if (strncmp(id, "ipv4:", 5) == 0 && inet_pton(AF_INET, v, a) == 1)
		return mcert_check_id(c, MCERT_ID_IPV4_ADDR, a, 4, err, errlen);
	if (strncmp(id, "ipv6:", 5) == 0 && inet_pton(AF_INET6, v, a) == 1)
		return mcert_check_id(c, MCERT_ID_IPV6_ADDR, a, 16, err, errlen);
	pki_fatalx("bad --id \"%s\": want fqdn:, email:, ipv4: or ipv6:", id);
}

int
cmd_verify(int argc, char **argv)
{
	struct opts		 o;
	struct mcert_store	*st;
	struct mcert_cert	*leaf = NULL, *peer;
	STACK_OF(X509)		*sk, *psk;
	enum mcert_err		 e;
	const char		*shared = NULL;
	char			 err[MCERT_ERR_MAX];
	json_t			*j;
	size_t			 i;

	opts_parse(&o, argc, argv, "CXTIEj", VERIFY_USAGE);
	opts_nargs(&o, 1, VERIFY_USAGE);
	if (o.nca == 0)
		pki_fatalx("give the mesh CA with --ca FILE\nusage: %s %s",
		    PKI_PROG, VERIFY_USAGE);
	if ((st = mcert_store_new()) == NULL)
		pki_fatal_ssl("memory");
	mcert_store_crl_optional(st, o.no_crl);
	for (i = 0; i < o.nca; i++)
		if (mcert_store_load(st, o.ca[i], err, sizeof(err)) != MCERT_OK)
			pki_fatalx("%s", err);
	sk = load_certs(o.argv[0]);
	e = mcert_verify_x509(st, sk_X509_value(sk, 0), sk, o.at, &leaf, err,
	    sizeof(err));
	if (e == MCERT_OK && o.id != NULL)
		e = check_id(leaf, o.id, err, sizeof(err));
	if (e == MCERT_OK && o.peer != NULL) {
		psk = load_certs(o.peer);
		if (mcert_from_x509(sk_X509_value(psk, 0), &peer, err,
		    sizeof(err)) != MCERT_OK)
			pki_fatalx("%s: %s", o.peer, err);
		e = mcert_check_coi(mcert_info(peer), mcert_info(leaf), &shared,
		    err, sizeof(err));
		if (shared != NULL)
			shared = strdup(shared);
		mcert_free(peer);
		sk_X509_pop_free(psk, X509_free);
	}
	if (o.json) {
		j = json_pack("{s:b,s:s}", "ok", e == MCERT_OK, "file",
		    o.argv[0]);
		if (j == NULL)
			pki_fatalx("out of memory");
		json_object_set_new(j, "error", e == MCERT_OK ? json_null() :
		    json_string(err));
		json_object_set_new(j, "certificate", leaf != NULL ?
		    info_json(mcert_info(leaf)) : json_null());
		if (o.peer != NULL)
			json_object_set_new(j, "shared_coi", shared != NULL ?
			    json_string(shared) : json_null());
		print_json(j);
	} else if (e == MCERT_OK) {
		printf("%s: OK: node %s of %s%s%s\n", o.argv[0],
		    mcert_info(leaf)->node, mcert_info(leaf)->org,
		    shared != NULL ? ", shared COI " : "",
		    shared != NULL ? shared : "");
	} else
		fprintf(stderr, "%s: %s: %s\n", PKI_PROG, o.argv[0], err);
	free((char *)shared);
	mcert_free(leaf);
	sk_X509_pop_free(sk, X509_free);
	mcert_store_free(st);
	return e == MCERT_OK ? 0 : 1;
}
