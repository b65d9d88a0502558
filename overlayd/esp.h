/*
 * esp.h: ESP (RFC 4303) with AES-GCM-16 (RFC 4106) through OpenSSL EVP.
 *
 * Wire: SPI(4) SEQ(4) IV(8) ciphertext[payload pad padlen next] ICV(16).
 * Nonce = salt(4) || IV(8); AAD = SPI || SEQ, or SPI || SEQ-high || SEQ-low
 * with extended sequence numbers. The IV is the 64-bit sequence number,
 * unique per key as RFC 4106 requires.
 */
#ifndef OVL_ESP_H
#define OVL_ESP_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "buf.h"
#include "conf.h"
#include "replay.h"

#define ESP_HDR_LEN	8
#define ESP_IV_LEN	8
#define ESP_ICV_LEN	16
#define ESP_SALT_LEN	4
#define ESP_TRAILER_LEN	2
/* header, IV, ICV, trailer and at most 3 bytes of padding */
#define ESP_OVERHEAD	(ESP_HDR_LEN + ESP_IV_LEN + ESP_ICV_LEN + \
			 ESP_TRAILER_LEN + 3)
#define ESP_MIN_LEN	(ESP_HDR_LEN + ESP_IV_LEN + ESP_TRAILER_LEN + \
			 ESP_ICV_LEN)
#define ESP_SPI_MIN	256

#define IPPROTO_GRE_	47

/* What an SA needs, whoever keyed it (manual config now, IKEv2 later). */
struct sa_params {
	uint32_t	spi;
	enum sa_alg	alg;
	uint8_t		key[CONF_KEY_MAX];	/* key then salt */
	uint8_t		keylen;
	bool		esn;
	uint32_t	replay_window;
	bool		tunnel;		/* tunnel mode (tmode.h), else transport */
};

struct esp_sa {
	uint32_t	 spi;
	enum sa_alg	 alg;
	bool		 esn;
	bool		 encrypt;
	bool		 tunnel;
	EVP_CIPHER_CTX	*ctx;
	uint8_t		 salt[ESP_SALT_LEN];
	uint64_t	 seq;		/* outbound: last sequence used */
	struct replay	 replay;	/* inbound */
};

enum esp_result {
	ESP_OK = 0,
	ESP_MALFORMED,		/* too short, bad padding */
	ESP_REPLAY,		/* outside or already seen in the window */
	ESP_AUTH,		/* ICV did not verify */
	ESP_EXHAUSTED,		/* outbound sequence space used up */
	ESP_INTERNAL,		/* OpenSSL failed */
};

int		 esp_sa_init(struct esp_sa *, const struct sa_params *,
		    bool encrypt);
void		 esp_sa_clear(struct esp_sa *);
int		 esp_peek(const uint8_t *, size_t, uint32_t *spi, uint32_t *seq);
enum esp_result	 esp_seal(struct esp_sa *, struct pkt *, uint8_t next_hdr);
enum esp_result	 esp_open(struct esp_sa *, struct pkt *, uint8_t *next_hdr);
size_t		 esp_sealed_len(size_t payload);
size_t		 esp_max_payload(size_t room);
const char	*esp_result_str(enum esp_result);

#endif
