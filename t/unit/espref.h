/*
 * espref.h: an ESP (RFC 4303) AES-GCM (RFC 4106) sealer written directly
 * against OpenSSL EVP, sharing no code with overlayd/esp.c. The unit test
 * compares esp_seal() with it byte for byte; the ESP fuzzer uses it to
 * build authentic packets with arbitrary trailers.
 */
#ifndef T_ESPREF_H
#define T_ESPREF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct espref {
	uint32_t	spi;
	const uint8_t	*key;		/* 16 or 32 bytes */
	size_t		keylen;
	const uint8_t	*salt;		/* 4 bytes */
	bool		esn;
};

/* Payload, padding 1, 2, 3.. to a multiple of 4, pad length, next header. */
size_t	espref_body(const uint8_t *, size_t, uint8_t next, uint8_t *out);
/*
 * SPI, SEQ, IV = 64-bit seq, the body encrypted as is, ICV. Returns the
 * packet length (body + 32), or 0 if OpenSSL fails.
 */
size_t	espref_seal(const struct espref *, uint64_t seq, const uint8_t *body,
	    size_t bodylen, uint8_t *out);

#endif
