/*
 * test_ike_prop.c: proposal building and choosing (overlayd/ike_prop.c):
 * the first acceptable proposal wins, every transform type present must
 * have a value we accept, the KE group is preferred, oversize proposals,
 * unknown attributes and unknown transform types are refused, and the
 * ESP SPIs go where they belong; for CREATE_CHILD_SA, the ESP proposal
 * with DH (PFS) and the IKE proposal with the new SPI.
 */
#include "config.h"

#include <string.h>

#include "unit.h"

#include "ike_sa.h"

static struct ike_conf
conf_default(void)
{
	struct ike_conf	c;

	memset(&c, 0, sizeof(c));
	c.on = true;
	c.encr_bits = 256;
	c.ngroups = 2;
	c.groups[0] = IKE_DH_CURVE25519;
	c.groups[1] = IKE_DH_ECP256;
	return c;
}

static void
add_xf(struct ike_prop *p, uint8_t type, uint16_t id, uint16_t keylen)
{
	p->xf[p->nxf++] = (struct ike_xform){ .type = type, .id = id,
	    .keylen = keylen };
}

static void
test_build(void **state)
{
	struct ike_conf	c = conf_default();
	struct ike_sa	sa;

	(void)state;
	ike_prop_ike(&c, &sa);
	assert_int_equal(sa.nprop, 1);
	assert_int_equal(sa.prop[0].proto, IKE_PROTO_IKE);
	assert_int_equal(sa.prop[0].spi_size, 0);
	assert_int_equal(sa.prop[0].nxf, 4);
	assert_int_equal(sa.prop[0].xf[0].id, IKE_ENCR_AES_GCM_16);
	assert_int_equal(sa.prop[0].xf[0].keylen, 256);
	assert_int_equal(sa.prop[0].xf[1].id, IKE_PRF_HMAC_SHA2_256);
	assert_int_equal(sa.prop[0].xf[2].id, IKE_DH_CURVE25519);
	assert_int_equal(sa.prop[0].xf[3].id, IKE_DH_ECP256);
	ike_prop_esp(&c, true, 0x01020304, &sa);
	assert_int_equal(sa.prop[0].proto, IKE_PROTO_ESP);
	assert_int_equal(sa.prop[0].spi_size, 4);
	assert_memory_equal(sa.prop[0].spi, "\x01\x02\x03\x04", 4);
	assert_int_equal(sa.prop[0].nxf, 2);
	assert_int_equal(sa.prop[0].xf[1].type, IKE_XF_ESN);
	assert_int_equal(sa.prop[0].xf[1].id, IKE_ESN_YES);
}

/* Ours, offered back: accepted; the KE group is the one chosen. */
static void
test_pick_own(void **state)
{
	struct ike_conf		c = conf_default();
	struct ike_sa		offer, reply;
	struct ike_suite	s;

	(void)state;
	ike_prop_ike(&c, &offer);
	assert_int_equal(ike_prop_pick_ike(&c, &offer, IKE_DH_ECP256, &s,
	    &reply), 0);
	assert_int_equal(s.dh, IKE_DH_ECP256);
	assert_int_equal(s.keybits, 256);
	assert_int_equal(reply.nprop, 1);
	assert_int_equal(reply.prop[0].nxf, 3);	/* one DH only */
	/* a KE group not offered: the first acceptable one */
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 14, &s, &reply), 0);
	assert_int_equal(s.dh, IKE_DH_CURVE25519);
	/* we accept only ECP-256 */
	c.ngroups = 1;
	c.groups[0] = IKE_DH_ECP256;
	assert_int_equal(ike_prop_pick_ike(&c, &offer, IKE_DH_CURVE25519, &s,
	    &reply), 0);
	assert_int_equal(s.dh, IKE_DH_ECP256);
}

/* The first proposal fails on one transform type, the second is taken. */
static void
test_pick_second(void **state)
{
	struct ike_conf		c = conf_default();
	struct ike_sa		offer, reply;
	struct ike_suite	s;
	struct ike_prop		*p;

	(void)state;
	memset(&offer, 0, sizeof(offer));
	offer.nprop = 2;
	p = &offer.prop[0];
	p->num = 1;
	p->proto = IKE_PROTO_IKE;
	add_xf(p, IKE_XF_ENCR, IKE_ENCR_AES_CBC, 256);
	add_xf(p, IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	add_xf(p, IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0);
	add_xf(p, IKE_XF_DH, IKE_DH_CURVE25519, 0);
	p = &offer.prop[1];
	p->num = 2;
	p->proto = IKE_PROTO_IKE;
	add_xf(p, IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128);
	add_xf(p, IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256);
	add_xf(p, IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	add_xf(p, IKE_XF_DH, IKE_DH_MODP2048, 0);
	add_xf(p, IKE_XF_DH, IKE_DH_CURVE25519, 0);
	assert_int_equal(ike_prop_pick_ike(&c, &offer, IKE_DH_MODP2048, &s,
	    &reply), 0);
	assert_int_equal(reply.prop[0].num, 2);
	assert_int_equal(reply.prop[0].nxf, 3);
	assert_int_equal(reply.prop[0].xf[0].keylen, 256);
	assert_int_equal(s.dh, IKE_DH_CURVE25519);
	/* AES-GCM-128 wanted: the 128 one */
	c.encr_bits = 128;
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 0, &s, &reply), 0);
	assert_int_equal(reply.prop[0].xf[0].keylen, 128);
}

/* Each of these makes the only proposal unacceptable. */
static void
test_pick_refused(void **state)
{
	struct ike_conf		c = conf_default();
	struct ike_sa		ours, offer, reply;
	struct ike_suite	s;

	(void)state;
	ike_prop_ike(&c, &ours);

	offer = ours;		/* key length */
	offer.prop[0].xf[0].keylen = 128;
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 31, &s, &reply), -1);
	offer.prop[0].xf[0].keylen = 0;
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 31, &s, &reply), -1);

	offer = ours;		/* an unknown attribute (RFC 7296 3.3.6) */
	offer.prop[0].xf[0].unknown_attr = true;
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 31, &s, &reply), -1);

	offer = ours;		/* more transforms than we keep */
	offer.prop[0].oversize = true;
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 31, &s, &reply), -1);

	offer = ours;		/* a transform type we do not know */
	add_xf(&offer.prop[0], 6, 1, 0);
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 31, &s, &reply), -1);

	offer = ours;		/* no group of ours */
	offer.prop[0].nxf = 2;
	add_xf(&offer.prop[0], IKE_XF_DH, IKE_DH_MODP2048, 0);
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 14, &s, &reply), -1);

	offer = ours;		/* no PRF at all */
	offer.prop[0].xf[1] = offer.prop[0].xf[2];
	offer.prop[0].nxf = 2;
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 31, &s, &reply), -1);

	offer = ours;		/* an SPI on an IKE proposal at IKE_SA_INIT */
	offer.prop[0].spi_size = 8;
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 31, &s, &reply), -1);

	ike_prop_esp(&c, true, 0x1000, &offer);	/* ESP where IKE goes */
	assert_int_equal(ike_prop_pick_ike(&c, &offer, 31, &s, &reply), -1);
}

static void
test_pick_esp(void **state)
{
	struct ike_conf		c = conf_default();
	struct ike_sa		offer, reply;
	struct ike_child	ch;

	(void)state;
	ike_prop_esp(&c, true, 0xa1b2c3d4, &offer);
	memset(&ch, 0, sizeof(ch));
	assert_int_equal(ike_prop_pick_esp(&c, true, &offer, 0x11223344, &ch,
	    &reply), 0);
	assert_int_equal(ch.spi_out, 0xa1b2c3d4);
	assert_memory_equal(reply.prop[0].spi, "\x11\x22\x33\x44", 4);
	assert_true(ch.esn);
	assert_int_equal(ch.bits, 256);
	/* ESN disagreement */
	assert_int_equal(ike_prop_pick_esp(&c, false, &offer, 0x11223344, &ch,
	    &reply), -1);
	/* no ESN transform at all: 32-bit sequence numbers */
	offer.prop[0].nxf = 1;
	assert_int_equal(ike_prop_pick_esp(&c, true, &offer, 0x11223344, &ch,
	    &reply), 0);
	assert_false(ch.esn);
	/* PFS: a DH group in the first CHILD_SA is refused */
	add_xf(&offer.prop[0], IKE_XF_DH, IKE_DH_CURVE25519, 0);
	assert_int_equal(ike_prop_pick_esp(&c, true, &offer, 0x11223344, &ch,
	    &reply), -1);
	/* an IKE proposal where ESP goes */
	ike_prop_ike(&c, &offer);
	assert_int_equal(ike_prop_pick_esp(&c, true, &offer, 0x11223344, &ch,
	    &reply), -1);
}

/* CREATE_CHILD_SA: ESP with DH, the KE's group first; ours picked back. */
static void
test_rekey_esp(void **state)
{
	struct ike_conf		c = conf_default();
	struct ike_sa		offer, reply;
	struct ike_child	ch;
	uint16_t		group = 1;

	(void)state;
	ike_prop_esp_pfs(&c, true, 0x0a0b0c0d, IKE_DH_ECP256, &offer);
	assert_int_equal(offer.nprop, 2);
	assert_int_equal(offer.prop[0].nxf, 4);
	assert_int_equal(offer.prop[0].xf[2].type, IKE_XF_DH);
	assert_int_equal(offer.prop[0].xf[2].id, IKE_DH_ECP256);
	assert_int_equal(offer.prop[0].xf[3].id, IKE_DH_CURVE25519);
	/* the second proposal: the same without DH, the same SPI */
	assert_int_equal(offer.prop[1].num, 2);
	assert_int_equal(offer.prop[1].nxf, 2);
	assert_int_not_equal(offer.prop[1].xf[0].type, IKE_XF_DH);
	assert_int_not_equal(offer.prop[1].xf[1].type, IKE_XF_DH);
	assert_memory_equal(offer.prop[1].spi, "\x0a\x0b\x0c\x0d", 4);
	/* the KE's group is taken */
	memset(&ch, 0, sizeof(ch));
	assert_int_equal(ike_prop_pick_esp_pfs(&c, true, &offer,
	    IKE_DH_ECP256, 0x11223344, &ch, &group, &reply), 0);
	assert_int_equal(group, IKE_DH_ECP256);
	assert_int_equal(ch.spi_out, 0x0a0b0c0d);
	assert_memory_equal(reply.prop[0].spi, "\x11\x22\x33\x44", 4);
	assert_int_equal(reply.prop[0].nxf, 3);
	/* another KE group: the first one we accept, INVALID_KE then */
	assert_int_equal(ike_prop_pick_esp_pfs(&c, true, &offer, 0,
	    0x11223344, &ch, &group, &reply), 0);
	assert_int_equal(group, IKE_DH_ECP256);
	/* no DH offered: no PFS */
	ike_prop_esp(&c, true, 0x0a0b0c0d, &offer);
	assert_int_equal(ike_prop_pick_esp_pfs(&c, true, &offer,
	    IKE_DH_CURVE25519, 0x11223344, &ch, &group, &reply), 0);
	assert_int_equal(group, 0);
	/* a group we do not have: refused */
	ike_prop_esp(&c, true, 0x0a0b0c0d, &offer);
	add_xf(&offer.prop[0], IKE_XF_DH, IKE_DH_MODP2048, 0);
	assert_int_equal(ike_prop_pick_esp_pfs(&c, true, &offer,
	    IKE_DH_MODP2048, 0x11223344, &ch, &group, &reply), -1);
	/* ... but the first IKE_AUTH pick never takes DH: of our rekey
	 * offer, it (as a peer without PFS) takes the second proposal */
	ike_prop_esp_pfs(&c, true, 0x0a0b0c0d, IKE_DH_ECP256, &offer);
	assert_int_equal(ike_prop_pick_esp(&c, true, &offer, 1, &ch, &reply),
	    0);
	assert_int_equal(reply.prop[0].num, 2);
	assert_int_equal(reply.prop[0].nxf, 2);
	offer.nprop = 1;
	assert_int_equal(ike_prop_pick_esp(&c, true, &offer, 1, &ch, &reply),
	    -1);
}

/* The IKE SA rekey: SPI size 8 both ways; size 0 refused. */
static void
test_rekey_ike(void **state)
{
	struct ike_conf		c = conf_default();
	struct ike_sa		offer, reply;
	struct ike_suite	suite;
	uint64_t		spi = 0;

	(void)state;
	ike_prop_ike_spi(&c, 0x0102030405060708ULL, &offer);
	assert_int_equal(offer.prop[0].spi_size, 8);
	assert_memory_equal(offer.prop[0].spi,
	    "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_int_equal(ike_prop_pick_ike_spi(&c, &offer, IKE_DH_ECP256,
	    0x1112131415161718ULL, &suite, &spi, &reply), 0);
	assert_true(spi == 0x0102030405060708ULL);
	assert_int_equal(suite.dh, IKE_DH_ECP256);
	assert_int_equal(reply.prop[0].spi_size, 8);
	assert_memory_equal(reply.prop[0].spi,
	    "\x11\x12\x13\x14\x15\x16\x17\x18", 8);
	ike_prop_ike(&c, &offer);
	assert_int_equal(ike_prop_pick_ike_spi(&c, &offer, IKE_DH_ECP256,
	    1, &suite, &spi, &reply), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_pick_own),
		cmocka_unit_test(test_pick_second),
		cmocka_unit_test(test_pick_refused),
		cmocka_unit_test(test_pick_esp),
		cmocka_unit_test(test_rekey_esp),
		cmocka_unit_test(test_rekey_ike),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
