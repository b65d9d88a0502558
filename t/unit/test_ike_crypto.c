/*
 * test_ike_crypto.c: the IKE key schedule and message cryptography
 * (ike_crypto.c, ike_dh.c, ike_sig.c) against known answers: RFC 4231
 * HMAC-SHA-256, RFC 7748 X25519, prf+/SKEYSEED/KEYMAT recomputed here
 * directly with OpenSSL's HMAC(), an SK payload sealed here directly with
 * EVP, and a real exchange between two strongSwan charons (their logged
 * SKEYSEED and SK_* keys, their encrypted IKE_AUTH messages, their RFC
 * 7427 ECDSA signatures, verified with the certificates they used).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "unit.h"

#include "esp.h"
#include "ike_crypto.h"
#include "ike_msg.h"
#include "ike_test.h"
#include "ike_vectors.h"

static uint8_t	buf[IKE_MSG_MAX];
static uint8_t	plain[IKE_MSG_MAX];

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t		n = 0;
	unsigned int	v;

	for (; s[0] != '\0' && s[1] != '\0'; s += 2) {
		if (sscanf(s, "%2x", &v) != 1)
			fail_msg("bad hex %s", s);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* prf+ written out with one-shot HMAC(), independently of ike_prf_plus. */
static void
ref_prf_plus(const uint8_t *k, size_t kl, const uint8_t *s, size_t sl,
    uint8_t *out, size_t len)
{
	uint8_t		in[32 + 1024 + 1], t[32];
	unsigned int	tl;
	size_t		done = 0, inl, take;
	int		n;

	assert_true(sl <= 1024);
	for (n = 1; done < len; n++) {
		inl = 0;
		if (n > 1) {
			memcpy(in, t, 32);
			inl = 32;
		}
		memcpy(in + inl, s, sl);
		inl += sl;
		in[inl++] = (uint8_t)n;
		assert_non_null(HMAC(EVP_sha256(), k, (int)kl, in, inl, t, &tl));
		take = len - done < 32 ? len - done : 32;
		memcpy(out + done, t, take);
		done += take;
	}
}

static void
test_hmac_kat(void **state)
{
	uint8_t	key[20], out[32], want[32];

	(void)state;
	/* RFC 4231 test cases 1 and 2 */
	memset(key, 0x0b, sizeof(key));
	assert_int_equal(ike_prf(IKE_PRF_HMAC_SHA2_256, key, 20,
	    (const uint8_t *)"Hi There", 8, out), 0);
	unhex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	    want);
	assert_memory_equal(out, want, 32);
	assert_int_equal(ike_prf(IKE_PRF_HMAC_SHA2_256,
	    (const uint8_t *)"Jefe", 4,
	    (const uint8_t *)"what do ya want for nothing?", 28, out), 0);
	unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	    want);
	assert_memory_equal(out, want, 32);
	/* only PRF_HMAC_SHA2_256 */
	assert_int_equal(ike_prf(2, key, 20, key, 20, out), -1);
}

static void
test_prf_plus(void **state)
{
	static uint8_t	got[IKE_PRFPLUS_MAX + 1], want[IKE_PRFPLUS_MAX];
	size_t		len;

	(void)state;
	for (len = 0; len <= 200; len += 7) {
		assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_SHA2_256,
		    ike_t_bytes, 32, ike_t_bytes + 32, 40, got, len), 0);
		ref_prf_plus(ike_t_bytes, 32, ike_t_bytes + 32, 40, want, len);
		assert_memory_equal(got, want, len);
	}
	assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, ike_t_bytes, 32,
	    ike_t_bytes, 10, got, IKE_PRFPLUS_MAX), 0);
	ref_prf_plus(ike_t_bytes, 32, ike_t_bytes, 10, want, IKE_PRFPLUS_MAX);
	assert_memory_equal(got, want, IKE_PRFPLUS_MAX);
	/* the counter is one octet: 255 blocks at most */
	assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, ike_t_bytes, 32,
	    ike_t_bytes, 10, got, IKE_PRFPLUS_MAX + 1), -1);
}

static const struct ike_suite	suite256 = {
	IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_256, IKE_DH_CURVE25519
};

struct sainit {
	struct ike_msg	i, r;
};

static void
parse_sainit(struct sainit *s)
{
	struct ike_err	e;

	assert_int_equal(ike_msg_parse(&s->i, v_msg1, sizeof(v_msg1), &e), 0);
	assert_int_equal(ike_msg_parse(&s->r, v_msg2, sizeof(v_msg2), &e), 0);
}

/* strongSwan's own SKEYSEED and keys, from its level-4 log. */
static void
test_keys_strongswan(void **state)
{
	struct sainit	s;
	struct ike_keys	k;
	uint8_t		seed[IKE_PRF_LEN], key[512], want[IKE_PRF_LEN];
	unsigned int	wl;
	size_t		kl;

	(void)state;
	parse_sainit(&s);
	assert_int_equal(ike_skeyseed(IKE_PRF_HMAC_SHA2_256, &s.i.nonce,
	    &s.r.nonce, v_gir, sizeof(v_gir), seed), 0);
	assert_memory_equal(seed, v_skeyseed, sizeof(v_skeyseed));
	/* and directly: HMAC-SHA-256(key = Ni | Nr, g^ir) */
	memcpy(key, s.i.nonce.p, s.i.nonce.len);
	memcpy(key + s.i.nonce.len, s.r.nonce.p, s.r.nonce.len);
	kl = s.i.nonce.len + s.r.nonce.len;
	HMAC(EVP_sha256(), key, (int)kl, v_gir, sizeof(v_gir), want, &wl);
	assert_memory_equal(seed, want, 32);

	assert_int_equal(ike_keys_derive(&k, &suite256, seed, &s.i.nonce,
	    &s.r.nonce, s.i.hdr.spi_i, s.r.hdr.spi_r), 0);
	assert_int_equal(k.enc_len, 36);
	assert_memory_equal(k.sk_d, v_sk_d, 32);
	assert_memory_equal(k.sk_ei, v_sk_ei, 36);
	assert_memory_equal(k.sk_er, v_sk_er, 36);
	assert_memory_equal(k.sk_pi, v_sk_pi, 32);
	assert_memory_equal(k.sk_pr, v_sk_pr, 32);
	ike_keys_clear(&k);
}

/* Keys for other suites, against prf+ computed here. */
static void
test_keys_ref(void **state)
{
	static const uint16_t	bits[] = { 128, 192, 256 };
	struct ike_suite	su = suite256;
	struct ike_keys		k;
	struct ike_data		ni = ike_t_slice(0, 16), nr = ike_t_slice(3, 64);
	uint8_t			seedin[300], want[3 * 32 + 2 * 36];
	size_t			i, e, sl;

	(void)state;
	for (i = 0; i < nitems(bits); i++) {
		su.keybits = bits[i];
		e = bits[i] / 8 + 4;
		assert_int_equal(ike_keys_derive(&k, &su, ike_t_bytes + 9, &ni,
		    &nr, 0x0102030405060708ULL, 0x1112131415161718ULL), 0);
		memcpy(seedin, ni.p, ni.len);
		memcpy(seedin + ni.len, nr.p, nr.len);
		sl = ni.len + nr.len;
		memcpy(seedin + sl, "\x01\x02\x03\x04\x05\x06\x07\x08"
		    "\x11\x12\x13\x14\x15\x16\x17\x18", 16);
		ref_prf_plus(ike_t_bytes + 9, 32, seedin, sl + 16, want,
		    3 * 32 + 2 * e);
		assert_memory_equal(k.sk_d, want, 32);
		assert_memory_equal(k.sk_ei, want + 32, e);
		assert_memory_equal(k.sk_er, want + 32 + e, e);
		assert_memory_equal(k.sk_pi, want + 32 + 2 * e, 32);
		assert_memory_equal(k.sk_pr, want + 64 + 2 * e, 32);
	}
	su.keybits = 100;
	assert_int_equal(ike_keys_derive(&k, &su, ike_t_bytes, &ni, &nr, 1, 2),
	    -1);
	su = suite256;
	su.encr = IKE_ENCR_AES_CBC;
	assert_int_equal(ike_suite_check(&su), -1);
	su = suite256;
	su.dh = IKE_DH_MODP2048;
	assert_int_equal(ike_suite_check(&su), -1);
	assert_int_equal(ike_suite_check(&suite256), 0);
}

static void
test_rekey_and_keymat(void **state)
{
	struct ike_data		ni = ike_t_slice(0, 32), nr = ike_t_slice(1, 32);
	struct sa_params	i2r, r2i;
	struct esp_sa		sa;
	uint8_t			seed[IKE_PRF_LEN], in[200], want[80];
	unsigned int		wl;

	(void)state;
	/* SKEYSEED for a rekeyed IKE SA: prf(SK_d, g^ir | Ni | Nr) */
	assert_int_equal(ike_skeyseed_rekey(IKE_PRF_HMAC_SHA2_256, v_sk_d,
	    v_gir, 32, &ni, &nr, seed), 0);
	memcpy(in, v_gir, 32);
	memcpy(in + 32, ni.p, 32);
	memcpy(in + 64, nr.p, 32);
	HMAC(EVP_sha256(), v_sk_d, 32, in, 96, want, &wl);
	assert_memory_equal(seed, want, 32);

	/* KEYMAT = prf+(SK_d, Ni | Nr): i->r key and salt, then r->i */
	assert_int_equal(ike_child_keymat(IKE_PRF_HMAC_SHA2_256, v_sk_d, NULL,
	    0, &ni, &nr, IKE_ENCR_AES_GCM_16, 256, &i2r, &r2i), 0);
	ref_prf_plus(v_sk_d, 32, in + 32, 64, want, 72);
	assert_int_equal(i2r.alg, SA_AES_GCM_256);
	assert_int_equal(i2r.keylen, 36);
	assert_memory_equal(i2r.key, want, 36);
	assert_memory_equal(r2i.key, want + 36, 36);
	/* with PFS: prf+(SK_d, g^ir (new) | Ni | Nr) */
	assert_int_equal(ike_child_keymat(IKE_PRF_HMAC_SHA2_256, v_sk_d, v_gir,
	    32, &ni, &nr, IKE_ENCR_AES_GCM_16, 128, &i2r, &r2i), 0);
	ref_prf_plus(v_sk_d, 32, in, 96, want, 40);
	assert_int_equal(i2r.alg, SA_AES_GCM_128);
	assert_int_equal(r2i.keylen, 20);
	assert_memory_equal(i2r.key, want, 20);
	assert_memory_equal(r2i.key, want + 20, 20);
	/* what the data plane takes */
	i2r.spi = 0xc0de;
	i2r.replay_window = 64;
	assert_int_equal(esp_sa_init(&sa, &i2r, true), 0);
	esp_sa_clear(&sa);
	/* the data plane has no AES-192, and only GCM */
	assert_int_equal(ike_child_keymat(IKE_PRF_HMAC_SHA2_256, v_sk_d, NULL,
	    0, &ni, &nr, IKE_ENCR_AES_GCM_16, 192, &i2r, &r2i), -1);
	assert_int_equal(ike_child_keymat(IKE_PRF_HMAC_SHA2_256, v_sk_d, NULL,
	    0, &ni, &nr, IKE_ENCR_AES_CBC, 256, &i2r, &r2i), -1);
}

static void
aead(struct ike_aead *a, const uint8_t *km)
{
	assert_int_equal(ike_aead_init(a, &suite256, km, 36), 0);
}

/* The IKE_AUTH messages charon exchanged, opened with its keys. */
static void
test_open_strongswan(void **state)
{
	struct ike_aead	ai, ar;
	struct ike_msg	m;
	struct ike_err	e;
	size_t		i;

	(void)state;
	aead(&ai, v_sk_ei);
	aead(&ar, v_sk_er);
	assert_int_equal(ike_msg_parse(&m, v_msg3, sizeof(v_msg3), &e), 0);
	if (ike_msg_open(&ai, &m, plain, sizeof(plain), &e) != 0)
		fail_msg("%s", e.reason);
	assert_true(ike_msg_has(&m, IKE_PLD_IDI));
	assert_true(ike_msg_has(&m, IKE_PLD_AUTH));
	assert_true(ike_msg_has(&m, IKE_PLD_CERT));
	assert_true(ike_msg_has(&m, IKE_PLD_SA));
	assert_true(ike_msg_has(&m, IKE_PLD_TSI));
	assert_true(ike_msg_has(&m, IKE_PLD_TSR));
	assert_int_equal(m.idi.type, IKE_ID_FQDN);
	assert_int_equal(m.idi.data.len, 14);
	assert_memory_equal(m.idi.data.p, "node-a.example", 14);
	assert_int_equal(m.auth.method, IKE_AUTH_SIG);
	assert_int_equal(m.cert[0].enc, IKE_CERT_X509_SIG);
	assert_int_equal(m.cert[0].data.len, sizeof(v_cert_a));
	assert_memory_equal(m.cert[0].data.p, v_cert_a, sizeof(v_cert_a));
	assert_int_equal(m.sa.prop[0].proto, IKE_PROTO_ESP);
	assert_int_equal(m.tsi.ts[0].proto, 47);
	/* the initiator's key does not open the responder's message */
	assert_int_equal(ike_msg_parse(&m, v_msg4, sizeof(v_msg4), &e), 0);
	assert_int_equal(ike_msg_open(&ai, &m, plain, sizeof(plain), &e), -1);
	assert_string_equal(e.reason, "SK: integrity check failed");
	assert_int_equal(e.notify, 0);
	assert_int_equal(ike_msg_open(&ar, &m, plain, sizeof(plain), &e), 0);
	assert_memory_equal(m.idr.data.p, "node-b.example", 14);
	/* charon B could not install the GRE policy in its netns (libipsec) */
	assert_non_null(ike_msg_notify(&m, IKE_N_TS_UNACCEPTABLE));

	/* one flipped bit anywhere (header, AAD, IV, ciphertext, ICV) */
	for (i = 0; i < sizeof(v_msg3); i++) {
		memcpy(buf, v_msg3, sizeof(v_msg3));
		buf[i] ^= 0x01;
		if (ike_msg_parse(&m, buf, sizeof(v_msg3), &e) == -1)
			continue;	/* refused before any crypto */
		memset(plain, 0xee, sizeof(plain));
		assert_int_equal(ike_msg_open(&ai, &m, plain, sizeof(plain),
		    &e), -1);
		/* nothing of the plaintext is left behind */
		assert_int_equal(plain[0], 0);
		assert_int_equal(plain[sizeof(v_msg3) - 60], 0);
	}
	ike_aead_clear(&ai);
	ike_aead_clear(&ar);
}

/* charon's RFC 7427 ECDSA signatures verify; the octets are right. */
static void
test_auth_strongswan(void **state)
{
	struct sainit	s;
	struct ike_aead	ai, ar;
	struct ike_msg	m3, m4;
	struct ike_err	e;
	struct ike_data	real;
	static uint8_t	plain4[IKE_MSG_MAX];
	const uint8_t	*p;
	enum ike_sig_alg alg;
	X509		*ca, *xa, *xb;
	uint8_t		*oct;
	size_t		 olen;

	(void)state;
	parse_sainit(&s);
	aead(&ai, v_sk_ei);
	aead(&ar, v_sk_er);
	assert_int_equal(ike_msg_parse(&m3, v_msg3, sizeof(v_msg3), &e), 0);
	assert_int_equal(ike_msg_open(&ai, &m3, plain, sizeof(plain), &e), 0);
	assert_int_equal(ike_msg_parse(&m4, v_msg4, sizeof(v_msg4), &e), 0);
	assert_int_equal(ike_msg_open(&ar, &m4, plain4, sizeof(plain4), &e), 0);
	p = v_cert_a;
	assert_non_null(xa = d2i_X509(NULL, &p, sizeof(v_cert_a)));
	p = v_cert_b;
	assert_non_null(xb = d2i_X509(NULL, &p, sizeof(v_cert_b)));
	p = v_cert_ca;
	assert_non_null(ca = d2i_X509(NULL, &p, sizeof(v_cert_ca)));

	/* initiator: message 1 | Nr | prf(SK_pi, IDi') */
	real.p = v_msg1;
	real.len = sizeof(v_msg1);
	assert_int_equal(ike_auth_octets(IKE_PRF_HMAC_SHA2_256, v_sk_pi, &real,
	    &s.r.nonce, &m3.idi.body, &oct, &olen), 0);
	assert_int_equal(olen, sizeof(v_msg1) + s.r.nonce.len + 32);
	if (ike_sig_verify(X509_get0_pubkey(xa), &m3.auth.data, oct, olen,
	    &alg, &e) != 0)
		fail_msg("%s", e.reason);
	assert_int_equal(alg, IKE_SIG_ECDSA_SHA256);
	/* the other node's key, or the CA's, does not verify it */
	assert_int_equal(ike_sig_verify(X509_get0_pubkey(xb), &m3.auth.data,
	    oct, olen, NULL, &e), -1);
	assert_int_equal(e.notify, IKE_N_AUTHENTICATION_FAILED);
	assert_string_equal(e.reason,
	    "AUTH: ecdsa-with-SHA256 signature does not verify");
	oct[olen - 1] ^= 1;
	assert_int_equal(ike_sig_verify(X509_get0_pubkey(xa), &m3.auth.data,
	    oct, olen, NULL, &e), -1);
	free(oct);

	/* responder: message 2 | Ni | prf(SK_pr, IDr') */
	real.p = v_msg2;
	real.len = sizeof(v_msg2);
	assert_int_equal(ike_auth_octets(IKE_PRF_HMAC_SHA2_256, v_sk_pr, &real,
	    &s.i.nonce, &m4.idr.body, &oct, &olen), 0);
	if (ike_sig_verify(X509_get0_pubkey(xb), &m4.auth.data, oct, olen,
	    NULL, &e) != 0)
		fail_msg("%s", e.reason);
	/* with SK_pi instead: no */
	free(oct);
	assert_int_equal(ike_auth_octets(IKE_PRF_HMAC_SHA2_256, v_sk_pi, &real,
	    &s.i.nonce, &m4.idr.body, &oct, &olen), 0);
	assert_int_equal(ike_sig_verify(X509_get0_pubkey(xb), &m4.auth.data,
	    oct, olen, NULL, &e), -1);
	free(oct);
	X509_free(xa);
	X509_free(xb);
	X509_free(ca);
	ike_aead_clear(&ai);
	ike_aead_clear(&ar);
}

/* An SK payload sealed here with EVP directly: payloads | pad | padlen. */
static size_t
ref_seal(const uint8_t *km, const uint8_t *prefix, size_t off,
    const uint8_t *pt, size_t ptlen, uint8_t *out)
{
	EVP_CIPHER_CTX	*c;
	uint8_t		 nonce[12];
	size_t		 total = off + 4 + 8 + ptlen + 16;
	int		 l;

	memcpy(out, prefix, off);
	out[off + 1] = 0;
	out[off + 2] = (uint8_t)((total - off) >> 8);
	out[off + 3] = (uint8_t)(total - off);
	out[24] = (uint8_t)(total >> 24);
	out[25] = (uint8_t)(total >> 16);
	out[26] = (uint8_t)(total >> 8);
	out[27] = (uint8_t)total;
	memcpy(out + off + 4, "\x00\x11\x22\x33\x44\x55\x66\x77", 8);
	memcpy(nonce, km + 32, 4);
	memcpy(nonce + 4, out + off + 4, 8);
	assert_non_null(c = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, km,
	    nonce), 1);
	assert_int_equal(EVP_EncryptUpdate(c, NULL, &l, out, (int)off + 4), 1);
	assert_int_equal(EVP_EncryptUpdate(c, out + off + 12, &l, pt,
	    (int)ptlen), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, out + off + 12 + ptlen, &l), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16,
	    out + off + 12 + ptlen), 1);
	EVP_CIPHER_CTX_free(c);
	return total;
}

static void
test_seal_open(void **state)
{
	struct ike_msg	x, y, inner;
	struct ike_aead	a;
	struct ike_err	e;
	uint8_t		pt[128], prefix[IKE_HDR_LEN], iv[IKE_GCM_IV_LEN];
	long		n, n2;
	size_t		total;
	int		i;

	(void)state;
	aead(&a, v_sk_ei);
	/* a Notify in clear, then SK around every other payload type */
	ike_t_full(&inner);
	ike_msg_init(&x);
	x.hdr = inner.hdr;
	i = ike_msg_add(&x, IKE_PLD_NOTIFY);
	x.notify[i].type = IKE_N_INITIAL_CONTACT;
	ike_msg_add(&x, IKE_PLD_SK);
	for (i = 0; i < inner.norder; i++)
		ike_msg_add(&x, inner.order[i]);
	memcpy(&x.sa, &inner.sa, sizeof(x.sa));
	x.ke = inner.ke;
	x.nonce = inner.nonce;
	x.idi = inner.idi;
	x.idr = inner.idr;
	x.auth = inner.auth;
	x.tsi = inner.tsi;
	x.tsr = inner.tsr;
	x.cp = inner.cp;
	x.eap = inner.eap;
	memcpy(x.cert, inner.cert, sizeof(x.cert));
	memcpy(x.certreq, inner.certreq, sizeof(x.certreq));
	memcpy(x.notify + 1, inner.notify, 4 * sizeof(x.notify[0]));
	memcpy(x.vendor, inner.vendor, sizeof(x.vendor));
	memcpy(x.del, inner.del, sizeof(x.del));

	n = ike_msg_seal(&a, &x, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(ike_msg_parse(&y, buf, (size_t)n, &e), 0);
	assert_int_equal(y.norder, 2);
	assert_int_equal(y.sk.first, IKE_PLD_SA);
	if (ike_msg_open(&a, &y, plain, sizeof(plain), &e) != 0)
		fail_msg("%s", e.reason);
	x.hdr.length = (uint32_t)n;
	x.hdr.next = IKE_PLD_NOTIFY;
	x.sk = y.sk;
	assert_true(ike_t_msg_eq(&x, &y));
	/* a fresh IV each time, so the same message seals differently */
	memcpy(iv, y.sk.body.p, sizeof(iv));
	n2 = ike_msg_seal(&a, &x, buf, sizeof(buf));
	assert_int_equal(n, n2);
	assert_int_equal(ike_msg_parse(&y, buf, (size_t)n, &e), 0);
	assert_int_not_equal(memcmp(y.sk.body.p, iv, sizeof(iv)), 0);
	/* too small a buffer, at every size */
	for (i = 0; i < n; i += 7)
		assert_int_equal(ike_msg_seal(&a, &x, buf, (size_t)i), -1);

	/* the reference sealer, with padding: header alone, then SK */
	ike_hdr_put(&x.hdr, prefix);
	prefix[16] = IKE_PLD_SK;
	memcpy(pt, "\x00\x00\x00\x08\x00\x00\x40\x07", 8);	/* a Notify */
	memcpy(pt + 8, "\xaa\xbb\xcc\x03", 4);	/* 3 octets pad, pad length */
	total = ref_seal(v_sk_ei, prefix, IKE_HDR_LEN, pt, 12, buf);
	buf[IKE_HDR_LEN] = IKE_PLD_NOTIFY;
	/* the SK header is in the AAD: reseal with it in place */
	total = ref_seal(v_sk_ei, buf, IKE_HDR_LEN, pt, 12, buf);
	assert_int_equal(ike_msg_parse(&y, buf, total, &e), 0);
	if (ike_msg_open(&a, &y, plain, sizeof(plain), &e) != 0)
		fail_msg("%s", e.reason);
	assert_int_equal(y.nnotify, 1);
	assert_int_equal(y.notify[0].type, IKE_N_USE_TRANSPORT_MODE);
	/* a pad length past the plaintext, authentic: the peer's error */
	pt[11] = 12;
	total = ref_seal(v_sk_ei, buf, IKE_HDR_LEN, pt, 12, buf);
	assert_int_equal(ike_msg_parse(&y, buf, total, &e), 0);
	assert_int_equal(ike_msg_open(&a, &y, plain, sizeof(plain), &e), -1);
	assert_string_equal(e.reason, "SK: pad length 12 with 12 octets of"
	    " plaintext");
	assert_int_equal(e.notify, IKE_N_INVALID_SYNTAX);
	pt[11] = 11;		/* all padding, no payloads: next must be 0 */
	total = ref_seal(v_sk_ei, buf, IKE_HDR_LEN, pt, 12, buf);
	assert_int_equal(ike_msg_parse(&y, buf, total, &e), 0);
	assert_int_equal(ike_msg_open(&a, &y, plain, sizeof(plain), &e), -1);
	assert_string_equal(e.reason,
	    "Notify payload: 0 octets left, need 4 for its header");
	/* too short to hold IV, pad length and ICV */
	buf[IKE_HDR_LEN + 3] = 4 + 24;
	{
		size_t	t = IKE_HDR_LEN + 4 + 24;

		buf[24] = 0;
		buf[25] = 0;
		buf[26] = (uint8_t)(t >> 8);
		buf[27] = (uint8_t)t;
		assert_int_equal(ike_msg_parse(&y, buf, t, &e), 0);
		assert_int_equal(ike_msg_open(&a, &y, plain, sizeof(plain),
		    &e), -1);
		assert_string_equal(e.reason, "SK: 24 octets, need at least 25");
		assert_int_equal(ike_msg_open(&a, &y, plain, 0, &e), -1);
	}
	ike_aead_clear(&a);
	/* wrong key sizes */
	assert_int_equal(ike_aead_init(&a, &suite256, v_sk_ei, 32), -1);
}

static void
test_skf(void **state)
{
	struct ike_msg	x, y;
	struct ike_aead	a;
	struct ike_err	e;
	long		n;
	size_t		plen;
	int		i;

	(void)state;
	aead(&a, v_sk_er);
	ike_msg_init(&x);
	x.hdr.spi_i = 5;
	x.hdr.spi_r = 6;
	x.hdr.major = 2;
	x.hdr.exchange = IKE_AUTH;
	x.hdr.msgid = 1;
	ike_msg_add(&x, IKE_PLD_SKF);
	x.sk.frag_num = 1;
	x.sk.frag_total = 1;
	i = ike_msg_add(&x, IKE_PLD_VENDOR);
	x.vendor[i] = ike_t_slice(0, 20);
	n = ike_msg_seal(&a, &x, buf, sizeof(buf));
	assert_int_equal(ike_msg_parse(&y, buf, (size_t)n, &e), 0);
	assert_int_equal(y.sk.aad_len, IKE_HDR_LEN + 8);
	assert_int_equal(ike_msg_open(&a, &y, plain, sizeof(plain), &e), 0);
	assert_int_equal(y.vendor[0].len, 20);
	/* the fragment number is authenticated */
	buf[IKE_HDR_LEN + 5] = 2;
	buf[IKE_HDR_LEN + 7] = 2;
	buf[IKE_HDR_LEN] = 0;
	assert_int_equal(ike_msg_parse(&y, buf, (size_t)n, &e), 0);
	assert_int_equal(ike_sk_open(&a, &y, plain, sizeof(plain), &plen, &e),
	    -1);
	/* fragment 2 of 3: opens, but the message needs reassembly */
	x.sk.frag_num = 2;
	x.sk.frag_total = 3;
	n = ike_msg_seal(&a, &x, buf, sizeof(buf));
	assert_int_equal(buf[IKE_HDR_LEN], IKE_PLD_VENDOR);
	buf[IKE_HDR_LEN] = 0;	/* as a real non-first fragment would */
	assert_int_equal(ike_msg_parse(&y, buf, (size_t)n, &e), 0);
	assert_int_equal(ike_msg_open(&a, &y, plain, sizeof(plain), &e), -1);
	assert_string_equal(e.reason, "SKF: fragment 2 of 3: reassemble first");
	ike_aead_clear(&a);
}

static void
test_x25519(void **state)
{
	struct ike_dh	a, b;
	struct ike_err	e;
	uint8_t		pk[32], want[32], sh[32], peer[32];
	size_t		len;

	(void)state;
	/* RFC 7748 6.1 */
	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	    pk);
	assert_int_equal(ike_dh_new_raw(&a, IKE_DH_CURVE25519, pk, 32), 0);
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	    pk);
	assert_int_equal(ike_dh_new_raw(&b, IKE_DH_CURVE25519, pk, 32), 0);
	assert_int_equal(ike_dh_pub_len(IKE_DH_CURVE25519), 32);
	assert_int_equal(ike_dh_public(&a, pk, 32), 0);
	unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	    want);
	assert_memory_equal(pk, want, 32);
	assert_int_equal(ike_dh_public(&b, peer, 32), 0);
	unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	    want);
	assert_memory_equal(peer, want, 32);
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
	    want);
	assert_int_equal(ike_dh_shared(&a, peer, 32, sh, &len, &e), 0);
	assert_int_equal(len, 32);
	assert_memory_equal(sh, want, 32);
	assert_int_equal(ike_dh_shared(&b, pk, 32, sh, &len, &e), 0);
	assert_memory_equal(sh, want, 32);

	/* low-order points give an all-zero secret: refused */
	memset(peer, 0, 32);
	assert_int_equal(ike_dh_shared(&a, peer, 32, sh, &len, &e), -1);
	assert_int_equal(e.notify, IKE_N_INVALID_SYNTAX);
	assert_string_equal(e.reason, "KE: group 31: no shared secret"
	    " (low-order or invalid point)");
	peer[0] = 1;
	assert_int_equal(ike_dh_shared(&a, peer, 32, sh, &len, &e), -1);
	assert_int_equal(ike_dh_shared(&a, peer, 31, sh, &len, &e), -1);
	assert_string_equal(e.reason, "KE: group 31 public value of 31 octets,"
	    " want 32");
	assert_int_equal(ike_dh_public(&a, pk, 31), -1);
	ike_dh_free(&a);
	ike_dh_free(&b);

	/* fresh keys agree */
	assert_int_equal(ike_dh_new(&a, IKE_DH_CURVE25519), 0);
	assert_int_equal(ike_dh_new(&b, IKE_DH_CURVE25519), 0);
	assert_int_equal(ike_dh_public(&a, pk, 32), 0);
	assert_int_equal(ike_dh_public(&b, peer, 32), 0);
	assert_int_equal(ike_dh_shared(&a, peer, 32, sh, &len, &e), 0);
	assert_int_equal(ike_dh_shared(&b, pk, 32, want, &len, &e), 0);
	assert_memory_equal(sh, want, 32);
	ike_dh_free(&a);
	ike_dh_free(&b);
	assert_int_equal(ike_dh_new(&a, IKE_DH_MODP2048), -1);
	assert_int_equal(ike_dh_new_raw(&a, IKE_DH_ECP256, pk, 32), -1);
}

static void
test_ecp256(void **state)
{
	struct ike_dh	 a;
	struct ike_err	 e;
	EVP_PKEY	*ref, *peer = NULL;
	EVP_PKEY_CTX	*c;
	uint8_t		 pub[64], rpub[65], sh[32], want[32], bad[64];
	size_t		 len, wl = 32;

	(void)state;
	assert_int_equal(ike_dh_pub_len(IKE_DH_ECP256), 64);
	assert_int_equal(ike_dh_new(&a, IKE_DH_ECP256), 0);
	assert_int_equal(ike_dh_public(&a, pub, 64), 0);
	/* an independent key; its x | y (RFC 5903: no 0x04 prefix) */
	assert_non_null(ref = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"));
	assert_int_equal(EVP_PKEY_get_octet_string_param(ref,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, rpub, sizeof(rpub), &len), 1);
	assert_int_equal(len, 65);
	assert_int_equal(rpub[0], 4);
	assert_int_equal(ike_dh_shared(&a, rpub + 1, 64, sh, &len, &e), 0);
	assert_int_equal(len, 32);
	/* the same secret computed directly: x coordinate of the product */
	{
		uint8_t	pt[65];

		pt[0] = 4;
		memcpy(pt + 1, pub, 64);
		assert_non_null(c = EVP_PKEY_CTX_new_from_name(NULL, "EC",
		    NULL));
		{
			OSSL_PARAM	p[3];

			p[0] = OSSL_PARAM_construct_utf8_string(
			    OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-256", 0);
			p[1] = OSSL_PARAM_construct_octet_string(
			    OSSL_PKEY_PARAM_PUB_KEY, pt, 65);
			p[2] = OSSL_PARAM_construct_end();
			assert_int_equal(EVP_PKEY_fromdata_init(c), 1);
			assert_int_equal(EVP_PKEY_fromdata(c, &peer,
			    EVP_PKEY_PUBLIC_KEY, p), 1);
		}
		EVP_PKEY_CTX_free(c);
	}
	assert_non_null(c = EVP_PKEY_CTX_new(ref, NULL));
	assert_int_equal(EVP_PKEY_derive_init(c), 1);
	assert_int_equal(EVP_PKEY_derive_set_peer(c, peer), 1);
	assert_int_equal(EVP_PKEY_derive(c, want, &wl), 1);
	EVP_PKEY_CTX_free(c);
	assert_memory_equal(sh, want, 32);

	/* points off the curve, out of range, or zero: refused */
	memcpy(bad, rpub + 1, 64);
	bad[63] ^= 1;
	assert_int_equal(ike_dh_shared(&a, bad, 64, sh, &len, &e), -1);
	assert_string_equal(e.reason,
	    "KE: group 19 public value is not a valid point");
	assert_int_equal(e.notify, IKE_N_INVALID_SYNTAX);
	memset(bad, 0, 64);
	assert_int_equal(ike_dh_shared(&a, bad, 64, sh, &len, &e), -1);
	memset(bad, 0xff, 64);
	assert_int_equal(ike_dh_shared(&a, bad, 64, sh, &len, &e), -1);
	assert_int_equal(ike_dh_shared(&a, rpub, 65, sh, &len, &e), -1);
	assert_string_equal(e.reason, "KE: group 19 public value of 65 octets,"
	    " want 64");
	EVP_PKEY_free(peer);
	EVP_PKEY_free(ref);
	ike_dh_free(&a);
}

/* An ECP-256 key from its private scalar and public point, with EVP. */
static EVP_PKEY *
p256_key(const char *priv, const char *x, const char *y)
{
	OSSL_PARAM_BLD	*bld;
	OSSL_PARAM	*p;
	EVP_PKEY_CTX	*c;
	EVP_PKEY	*k = NULL;
	BIGNUM		*d;
	uint8_t		 pt[65], sc[32];

	pt[0] = 4;
	unhex(x, pt + 1);
	unhex(y, pt + 33);
	unhex(priv, sc);
	assert_non_null(d = BN_bin2bn(sc, sizeof(sc), NULL));
	assert_non_null(bld = OSSL_PARAM_BLD_new());
	assert_int_equal(OSSL_PARAM_BLD_push_utf8_string(bld,
	    OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0), 1);
	assert_int_equal(OSSL_PARAM_BLD_push_octet_string(bld,
	    OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt)), 1);
	assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY,
	    d), 1);
	assert_non_null(p = OSSL_PARAM_BLD_to_param(bld));
	assert_non_null(c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL));
	assert_int_equal(EVP_PKEY_fromdata_init(c), 1);
	assert_int_equal(EVP_PKEY_fromdata(c, &k, EVP_PKEY_KEYPAIR, p), 1);
	EVP_PKEY_CTX_free(c);
	OSSL_PARAM_free(p);
	OSSL_PARAM_BLD_free(bld);
	BN_free(d);
	return k;
}

/* RFC 5903 8.1: the 256-bit random ECP group test vector. */
static void
test_ecp256_rfc5903(void **state)
{
	struct ike_dh	i, r;
	struct ike_err	e;
	uint8_t		gi[64], gr[64], want[64], sh[32];
	size_t		len;

	(void)state;
	i.group = r.group = IKE_DH_ECP256;
	i.key = p256_key(
	    "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
	    "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180",
	    "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3");
	r.key = p256_key(
	    "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
	    "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63",
	    "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");
	/* KE data: x | y */
	assert_int_equal(ike_dh_public(&i, gi, 64), 0);
	unhex("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
	    "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
	    want);
	assert_memory_equal(gi, want, 64);
	assert_int_equal(ike_dh_public(&r, gr, 64), 0);
	/* g^ir: the x coordinate */
	unhex("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE",
	    want);
	assert_int_equal(ike_dh_shared(&i, gr, 64, sh, &len, &e), 0);
	assert_int_equal(len, 32);
	assert_memory_equal(sh, want, 32);
	assert_int_equal(ike_dh_shared(&r, gi, 64, sh, &len, &e), 0);
	assert_memory_equal(sh, want, 32);
	ike_dh_free(&i);
	ike_dh_free(&r);
}

/* Verify AUTH data here with EVP directly, not through ike_sig_verify. */
static int
ref_verify(EVP_PKEY *k, enum ike_sig_alg alg, const uint8_t *auth,
    size_t alen, const uint8_t *msg, size_t mlen)
{
	EVP_MD_CTX	*c = EVP_MD_CTX_new();
	EVP_PKEY_CTX	*pc = NULL;
	size_t		 hl = 1 + auth[0];
	int		 ok;

	ok = EVP_DigestVerifyInit(c, &pc, alg == IKE_SIG_ED25519 ? NULL :
	    EVP_sha256(), NULL, k) == 1;
	if (alg == IKE_SIG_RSA_PSS_SHA256)
		ok = ok && EVP_PKEY_CTX_set_rsa_padding(pc,
		    RSA_PKCS1_PSS_PADDING) == 1 &&
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, 32) == 1;
	ok = ok && EVP_DigestVerify(c, auth + hl, alen - hl, msg, mlen) == 1;
	EVP_MD_CTX_free(c);
	return ok;
}

static void
test_signatures(void **state)
{
	static const struct {
		enum ike_sig_alg	 alg;
		const char		*type, *param;
		size_t			 algid;
		uint16_t		 hash;
	} k[] = {
		{ IKE_SIG_ECDSA_SHA256, "EC", "P-256", 12, IKE_HASH_SHA2_256 },
		{ IKE_SIG_ED25519, "ED25519", NULL, 7, IKE_HASH_IDENTITY },
		{ IKE_SIG_RSA_PSS_SHA256, "RSA", NULL, 67, IKE_HASH_SHA2_256 },
	};
	EVP_PKEY	*key[3];
	struct ike_data	 ad;
	struct ike_err	 e;
	enum ike_sig_alg alg;
	uint8_t		 sig[1024], msg[100];
	long		 n;
	size_t		 i;

	(void)state;
	memcpy(msg, ike_t_bytes, sizeof(msg));
	for (i = 0; i < nitems(k); i++) {
		if (k[i].param != NULL)
			key[i] = EVP_PKEY_Q_keygen(NULL, NULL, k[i].type,
			    k[i].param);
		else if (strcmp(k[i].type, "RSA") == 0)
			key[i] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
			    (size_t)2048);
		else
			key[i] = EVP_PKEY_Q_keygen(NULL, NULL, k[i].type);
		assert_non_null(key[i]);
		assert_int_equal(ike_sig_alg_for(key[i]), k[i].alg);
		assert_int_equal(ike_sig_hash(k[i].alg), k[i].hash);
	}
	for (i = 0; i < nitems(k); i++) {
		n = ike_sig_sign(key[i], k[i].alg, msg, sizeof(msg), sig,
		    sizeof(sig));
		assert_true(n > (long)(1 + k[i].algid));
		assert_int_equal(sig[0], k[i].algid);
		ad.p = sig;
		ad.len = (size_t)n;
		if (ike_sig_verify(key[i], &ad, msg, sizeof(msg), &alg, &e))
			fail_msg("%s", e.reason);
		assert_int_equal(alg, k[i].alg);
		assert_true(ref_verify(key[i], k[i].alg, sig, (size_t)n, msg,
		    sizeof(msg)));
		/* another key type */
		assert_int_equal(ike_sig_verify(key[(i + 1) % 3], &ad, msg,
		    sizeof(msg), NULL, &e), -1);
		assert_int_equal(e.notify, IKE_N_AUTHENTICATION_FAILED);
		/* other octets */
		msg[5] ^= 1;
		assert_int_equal(ike_sig_verify(key[i], &ad, msg, sizeof(msg),
		    NULL, &e), -1);
		msg[5] ^= 1;
		/* a damaged AlgorithmIdentifier */
		sig[3] ^= 1;
		assert_int_equal(ike_sig_verify(key[i], &ad, msg, sizeof(msg),
		    NULL, &e), -1);
		assert_string_equal(e.reason,
		    "AUTH: signature algorithm not supported");
		sig[3] ^= 1;
		/* no signature after it, or cut inside it */
		ad.len = 1 + k[i].algid;
		assert_int_equal(ike_sig_verify(key[i], &ad, msg, sizeof(msg),
		    NULL, &e), -1);
		ad.len = 3;
		assert_int_equal(ike_sig_verify(key[i], &ad, msg, sizeof(msg),
		    NULL, &e), -1);
		assert_string_equal(e.reason, "AUTH: 3 octets, too short for an"
		    " AlgorithmIdentifier and a signature");
		/* no room */
		assert_int_equal(ike_sig_sign(key[i], k[i].alg, msg,
		    sizeof(msg), sig, 1 + k[i].algid), -1);
		/* the key must fit the algorithm */
		assert_int_equal(ike_sig_sign(key[(i + 1) % 3], k[i].alg, msg,
		    sizeof(msg), sig, sizeof(sig)), -1);
	}
	ad.p = sig;
	ad.len = 0;
	assert_int_equal(ike_sig_verify(key[0], &ad, msg, sizeof(msg), NULL,
	    &e), -1);
	for (i = 0; i < nitems(k); i++)
		EVP_PKEY_free(key[i]);
}

static void
test_auth_octets_psk(void **state)
{
	struct ike_data	real = ike_t_slice(0, 70), nonce = ike_t_slice(5, 32);
	struct ike_data	id = ike_t_slice(9, 20);
	uint8_t		*oct, out[32], want[32], k[32];
	unsigned int	wl;
	size_t		olen;

	(void)state;
	assert_int_equal(ike_auth_octets(IKE_PRF_HMAC_SHA2_256, v_sk_pi, &real,
	    &nonce, &id, &oct, &olen), 0);
	assert_int_equal(olen, 70 + 32 + 32);
	assert_memory_equal(oct, real.p, 70);
	assert_memory_equal(oct + 70, nonce.p, 32);
	HMAC(EVP_sha256(), v_sk_pi, 32, id.p, id.len, want, &wl);
	assert_memory_equal(oct + 102, want, 32);
	/* AUTH = prf(prf(secret, "Key Pad for IKEv2"), octets) */
	assert_int_equal(ike_auth_psk(IKE_PRF_HMAC_SHA2_256,
	    (const uint8_t *)"s3cret", 6, oct, olen, out), 0);
	HMAC(EVP_sha256(), "s3cret", 6, (const uint8_t *)"Key Pad for IKEv2",
	    17, k, &wl);
	HMAC(EVP_sha256(), k, 32, oct, olen, want, &wl);
	assert_memory_equal(out, want, 32);
	free(oct);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_hmac_kat),
		cmocka_unit_test(test_prf_plus),
		cmocka_unit_test(test_keys_strongswan),
		cmocka_unit_test(test_keys_ref),
		cmocka_unit_test(test_rekey_and_keymat),
		cmocka_unit_test(test_open_strongswan),
		cmocka_unit_test(test_auth_strongswan),
		cmocka_unit_test(test_seal_open),
		cmocka_unit_test(test_skf),
		cmocka_unit_test(test_x25519),
		cmocka_unit_test(test_ecp256),
		cmocka_unit_test(test_ecp256_rfc5903),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_auth_octets_psk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
