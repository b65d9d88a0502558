/*
 * mkseeds.c: writes the seed corpora of the wire fuzzers (formats in
 * fuzz.h): valid and nearly valid packets, the ESP ones sealed with the
 * fuzzers' fixed key by the reference sealer.
 *
 *	make t/fuzz/mkseeds && t/fuzz/mkseeds $(srcdir)/t/fuzz/corpus
 */
#include "config.h"

#include <err.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "espref.h"
#include "fuzz.h"

static const uint8_t	key[] = FUZZ_ESP_KEY;
static const char	*top;

struct seed {
	uint8_t	buf[70000];
	size_t	len;
};

static struct seed	s;

static void
put(const void *p, size_t len)
{
	if (s.len + len > sizeof(s.buf))
		errx(1, "seed too long");
	memcpy(s.buf + s.len, p, len);
	s.len += len;
}

static void
put8(uint8_t v)
{
	put(&v, 1);
}

static void
put16(uint16_t v)
{
	put8((uint8_t)(v >> 8));
	put8((uint8_t)v);
}

static void
put32(uint32_t v)
{
	put16((uint16_t)(v >> 16));
	put16((uint16_t)v);
}

static void
put64(uint64_t v)
{
	put32((uint32_t)(v >> 32));
	put32((uint32_t)v);
}

static void
save(const char *dir, const char *name)
{
	char	path[4096];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s/%s", top, dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		err(1, "%s", path);
	if (fwrite(s.buf, 1, s.len, f) != s.len || fclose(f) != 0)
		err(1, "%s", path);
	s.len = 0;
}

/* ESP: a record holding a real packet with `len` bytes of payload. */
static void
esp_record(uint8_t flags, uint64_t seq, size_t len)
{
	struct espref	e;
	uint8_t		body[2048], pkt[2100], payload[2000];
	size_t		i, blen, n;

	for (i = 0; i < len; i++)
		payload[i] = (uint8_t)(0x45 + i);
	e.spi = FUZZ_ESP_SPI;
	e.key = key;
	e.keylen = flags & FUZZ_ESP_AES256 ? 32 : 16;
	e.salt = key + FUZZ_ESP_SALT_OFF;
	e.esn = flags & FUZZ_ESP_ESN;
	blen = espref_body(payload, len, 47, body);
	if ((n = espref_seal(&e, seq, body, blen, pkt)) == 0)
		errx(1, "espref_seal");
	put16((uint16_t)n);
	put(pkt, n);
}

/* ESP, forge mode: a record of SEQ and a body. */
static void
forge_record(uint64_t seq, const uint8_t *body, size_t len)
{
	put16((uint16_t)(8 + len));
	put64(seq);
	put(body, len);
}

static void
esp_seeds(void)
{
	static const uint8_t	good[] = { 0x45, 0, 0, 20, 1, 2, 2, 47 };
	static const uint8_t	badpad[] = { 0x45, 0, 0, 20, 1, 3, 2, 47 };
	static const uint8_t	bigpad[] = { 1, 2, 3, 4, 5, 6, 6, 4 };
	static const uint8_t	odd[] = { 0x45, 1, 0, 47, 9 };
	uint8_t			f;
	uint64_t		i;

	f = 0;
	put8(f);
	esp_record(f, 1, 0);
	esp_record(f, 2, 60);
	esp_record(f, 3, 1400);
	esp_record(f, 2, 60);				/* replayed */
	save("esp", "gcm128-seq1-3");

	f = FUZZ_ESP_AES256;
	put8(f);
	esp_record(f, 7, 41);
	esp_record(f, 5, 42);
	esp_record(f, 100, 43);
	esp_record(f, 36, 44);				/* window edge */
	esp_record(f, 37, 44);
	save("esp", "gcm256-reorder");

	f = FUZZ_ESP_ESN | FUZZ_ESP_AES256 | 1 << 3;	/* window 1024 */
	put8(f);
	for (i = 0xfffffff0ULL; i < 0x100000004ULL; i++)
		esp_record(f, i, (size_t)(i & 31));
	esp_record(f, 0xfffffff5ULL, 3);		/* late, old subspace */
	save("esp", "gcm256-esn-wrap");

	f = FUZZ_ESP_ESN;
	put8(f);
	esp_record(f, 1, 100);
	esp_record(f, 0x100000002ULL, 100);		/* too far: AUTH */
	save("esp", "gcm128-esn-jump");

	f = FUZZ_ESP_FORGE;
	put8(f);
	forge_record(1, good, sizeof(good));
	forge_record(2, badpad, sizeof(badpad));
	forge_record(3, bigpad, sizeof(bigpad));
	forge_record(4, odd, sizeof(odd));
	forge_record(0, good, sizeof(good));
	save("esp", "forge-trailers");

	f = FUZZ_ESP_FORGE | FUZZ_ESP_ESN | 2 << 3;	/* window 4096 */
	put8(f);
	forge_record(0xffffffffULL, good, sizeof(good));
	forge_record(0x100000001ULL, good, sizeof(good));
	forge_record(0xfffff000ULL, good, sizeof(good));
	forge_record(0x200000001ULL, good, sizeof(good));
	save("esp", "forge-esn");

	/* a truncated packet and garbage */
	put8(0);
	put16(20);
	put32(FUZZ_ESP_SPI);
	put32(1);
	put64(1);
	put32(0);
	save("esp", "short");
}

/* GRE: KEYED, KEY, then the packet. */
static void
gre_start(bool keyed, uint32_t k, uint16_t flags, uint16_t proto)
{
	put8(keyed);
	put32(k);
	put16(flags);
	put16(proto);
}

static void
inner4(size_t len)
{
	size_t	i;

	put8(0x45);
	put8(0);
	put16((uint16_t)len);
	put32(0x12340000);
	put8(64);
	put8(17);
	put16(0);
	put32(0xc0000201);
	put32(0xc6336407);
	for (i = 20; i < len; i++)
		put8((uint8_t)i);
}

static void
inner6(size_t len, uint8_t nh)
{
	size_t	i;

	put32(0x60000000);
	put16((uint16_t)(len - 40));
	put8(nh);
	put8(64);
	for (i = 0; i < 32; i++)
		put8(i == 3 || i == 19 ? 1 : i < 16 ? 0x20 : 0xfe);
	for (i = 40; i < len; i++)
		put8((uint8_t)i);
}

static void
gre_seeds(void)
{
	size_t		start;
	uint32_t	sum = 0;
	size_t		i;

	gre_start(false, 0, 0, 0x0800);
	inner4(40);
	save("gre", "plain-v4");
	gre_start(true, 0x01020304, 0x2000, 0x86dd);
	put32(0x01020304);
	inner6(60, 17);
	save("gre", "keyed-v6");
	gre_start(true, 7, 0x3000, 0x0800);
	put32(7);
	put32(99);
	inner4(28);
	save("gre", "keyed-seq");
	gre_start(false, 0, 0x0000, 0x6558);
	inner4(28);
	save("gre", "teb");
	gre_start(false, 0, 0x4000, 0x0800);
	inner4(28);
	save("gre", "routing");

	/* checksummed: header and payload sum to zero */
	start = 5;
	gre_start(true, 0xaabbccdd, 0xa000, 0x0800);
	put32(0);
	put32(0xaabbccdd);
	inner4(33);
	for (i = start; i < s.len; i++)
		sum += (i - start) % 2 == 0 ? (uint32_t)s.buf[i] << 8 :
		    s.buf[i];
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	s.buf[start + 4] = (uint8_t)(~sum >> 8);
	s.buf[start + 5] = (uint8_t)~sum;
	save("gre", "csum-keyed");
}

static void
ip_seeds(void)
{
	put32(1300);
	inner4(1400);
	s.buf[4 + 6] = 0x40;				/* DF */
	save("ip", "v4-df");
	put32(576);
	inner4(1500);
	save("ip", "v4-frag");
	put32(1000);
	inner4(1500);
	s.buf[4 + 6] = 0x20;				/* MF, offset 100 */
	s.buf[4 + 7] = 100;
	save("ip", "v4-frag-of-frag");
	put32(1280);
	inner4(100);
	s.buf[4 + 9] = 1;				/* ICMP */
	s.buf[4 + 20] = 3;
	save("ip", "v4-icmp-error");
	put32(1280);
	inner4(100);
	s.buf[4 + 9] = 1;
	s.buf[4 + 20] = 8;
	save("ip", "v4-icmp-echo");
	put32(1280);
	inner6(1500, 6);
	save("ip", "v6-tcp");
	put32(1400);
	inner6(200, 58);
	s.buf[4 + 40] = 128;
	save("ip", "v6-echo");
	put32(1400);
	inner6(200, 58);
	s.buf[4 + 40] = 1;
	save("ip", "v6-icmp-error");
}

int
main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s corpus-dir\n", argv[0]);
		return 2;
	}
	top = argv[1];
	esp_seeds();
	gre_seeds();
	ip_seeds();
	return 0;
}
