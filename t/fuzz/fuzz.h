/*
 * fuzz.h: the input formats of the wire fuzzers, shared by the targets and
 * by mkseeds.c, which writes their seed corpora.
 *
 * fuzz_esp: FLAGS (1 byte), then records of LEN (2 bytes, big-endian) and
 * LEN bytes, the last possibly cut short. All records go through one
 * inbound SA keyed with fuzz_esp_key, so the replay window carries over.
 *	FLAGS bit 0	ESN
 *	FLAGS bit 1	AES-256-GCM (else AES-128-GCM)
 *	FLAGS bit 2	forge: a record is SEQ (8 bytes) then an ESP body
 *			(payload, padding, pad length, next header) that the
 *			target seals itself, so the fuzzer reaches what
 *			follows the ICV check
 *	FLAGS bits 3-4	replay window 64, 1024, 4096, 32
 *	otherwise	a record is an ESP packet as received
 *
 * fuzz_gre: KEYED (1 byte, bit 0), KEY (4 bytes), the GRE packet.
 * fuzz_ip: MTU (4 bytes, big-endian), the inner IP packet.
 * fuzz_bfd: FLAGS (1 byte), then
 *	FLAGS bit 0	an inner IP packet from FUZZ_BFD_REMOTE* to
 *			FUZZ_BFD_LOCAL*: live_decap(), and if it is BFD its
 *			UDP payload goes to a session as one record
 *	otherwise	records of TIME (1 byte, 10 ms steps), LEN (1 byte),
 *			LEN bytes of BFD control packet, fed to one session
 */
#ifndef T_FUZZ_H
#define T_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* An invariant of the code under test: on violation, say which, abort. */
#define fuzz_check(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#define FUZZ_ESP_SPI		0x00001000U
#define FUZZ_ESP_ESN		0x01
#define FUZZ_ESP_AES256		0x02
#define FUZZ_ESP_FORGE		0x04
#define FUZZ_ESP_WINDOW(f)	((f) >> 3 & 3)

/* 32-byte key, then the 4-byte salt; AES-128 uses the first 16 bytes. */
#define FUZZ_ESP_KEY { \
	0x4b, 0x2f, 0x8e, 0x01, 0x77, 0xc3, 0x5a, 0x90, \
	0x13, 0x6d, 0xe4, 0x28, 0xb1, 0x0c, 0x9f, 0x56, \
	0xa8, 0x3e, 0x71, 0xd2, 0x05, 0x64, 0xcb, 0x1a, \
	0xf9, 0x42, 0x87, 0x3b, 0xee, 0x10, 0x5d, 0xc6, \
	0x21, 0x43, 0x65, 0x87 }
#define FUZZ_ESP_SALT_OFF	32

static inline uint32_t
fuzz_esp_window(uint8_t flags)
{
	static const uint32_t	w[] = { 64, 1024, 4096, 32 };

	return w[FUZZ_ESP_WINDOW(flags)];
}

#define FUZZ_BFD_INNER		0x01
#define FUZZ_BFD_DISCR		0x0000c0deU
#define FUZZ_BFD_INTERVAL	100000U		/* 100 ms */
#define FUZZ_BFD_LOCAL4		"198.18.0.1"
#define FUZZ_BFD_REMOTE4	"198.18.0.0"
#define FUZZ_BFD_LOCAL6		"2001:db8:ff::3"
#define FUZZ_BFD_REMOTE6	"2001:db8:ff::2"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif
