/*
 * pktsend: send malformed ESP traffic at an overlayd, for t/net/junk.sh.
 *
 *	pktsend [-u port] [-c count] [-S spi] [-q seq] kind dest
 *
 * Without -u the packets go out as raw IP protocol 50 (ESP); with -u as UDP
 * datagrams to that port (ESP in UDP, RFC 3948).  dest is an IPv4 or IPv6
 * address.  Each kind is sent count times (default 1, at most 10000):
 *
 *	empty	a zero-length payload
 *	short	1, 2, ... 7 bytes (too short to hold SPI and sequence number);
 *		each length once per count, the first byte non-zero
 *	big	9000 bytes of garbage behind a random non-zero SPI
 *	nosa	a well-formed looking 100-byte ESP packet with an SPI (-S, default
 *		random) no SA has
 *	trunc	SPI (-S) and sequence number followed by 1..23 bytes: too short
 *		for the AES-GCM IV and ICV
 *	garbage	SPI (-S), sequence number (-q, default above 2^31 so that it
 *		passes the replay window) and 120 bytes of random garbage: fails
 *		authentication
 *
 * Prints how many packets it sent.  Exit 0 on success, 1 on a send error,
 * 2 on bad usage.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_COUNT	10000
#define BIG_LEN		9000

struct target {
	int			 fd;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
};

static void
usage(void)
{
	fprintf(stderr, "usage: pktsend [-u port] [-c count] [-S spi] "
	    "[-q seq] empty|short|big|nosa|trunc|garbage dest\n");
	exit(2);
}

static bool
parse_u32(const char *s, uint32_t *out, const char *what)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0' || v > UINT32_MAX) {
		fprintf(stderr, "pktsend: bad %s \"%s\"\n", what, s);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static void
fill_random(uint8_t *p, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < len) {
		n = getrandom(p + off, len - off, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("pktsend: getrandom");
			exit(1);
		}
		off += (size_t)n;
	}
}

static uint32_t
random_u32(void)
{
	uint32_t v;

	fill_random((uint8_t *)&v, sizeof v);
	return v;
}

static uint32_t
random_spi(void)
{
	uint32_t v;

	/* SPIs 0..255 are reserved; 0 in UDP would mean a non-ESP marker. */
	do
		v = random_u32();
	while (v < 256);
	return v;
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, sizeof v);
}

static bool
open_target(struct target *t, const char *dest, int port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&t->ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&t->ss;
	int			 af, pmtu, level, opt;

	memset(&t->ss, 0, sizeof t->ss);
	if (inet_pton(AF_INET, dest, &sin->sin_addr) == 1) {
		af = AF_INET;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		t->sslen = sizeof *sin;
		level = IPPROTO_IP;
		opt = IP_MTU_DISCOVER;
		pmtu = IP_PMTUDISC_DONT;
	} else if (inet_pton(AF_INET6, dest, &sin6->sin6_addr) == 1) {
		af = AF_INET6;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		t->sslen = sizeof *sin6;
		level = IPPROTO_IPV6;
		opt = IPV6_MTU_DISCOVER;
		pmtu = IPV6_PMTUDISC_DONT;
	} else {
		fprintf(stderr, "pktsend: bad address \"%s\"\n", dest);
		return false;
	}
	if (port > 0)
		t->fd = socket(af, SOCK_DGRAM, IPPROTO_UDP);
	else
		t->fd = socket(af, SOCK_RAW, IPPROTO_ESP);
	if (t->fd == -1) {
		perror("pktsend: socket");
		return false;
	}
	/* Let the kernel fragment the big packets rather than refuse them. */
	if (setsockopt(t->fd, level, opt, &pmtu, sizeof pmtu) == -1) {
		perror("pktsend: setsockopt MTU_DISCOVER");
		return false;
	}
	return true;
}

static bool
send_one(struct target *t, const uint8_t *p, size_t len)
{
	if (sendto(t->fd, p, len, 0, (struct sockaddr *)&t->ss,
	    t->sslen) == -1) {
		fprintf(stderr, "pktsend: sendto %zu bytes: %s\n", len,
		    strerror(errno));
		return false;
	}
	return true;
}

/* Build packet number i of kind into buf; return its length or -1. */
static long
build(const char *kind, long i, uint8_t *buf, uint32_t spi, bool have_spi,
    uint32_t seq, bool have_seq)
{
	size_t len;

	if (!have_spi)
		spi = random_spi();
	if (!have_seq)
		seq = 0x80000000u + (random_u32() & 0x3fffffffu);
	if (strcmp(kind, "empty") == 0)
		return 0;
	if (strcmp(kind, "short") == 0) {
		len = (size_t)(i % 7) + 1;
		fill_random(buf, len);
		buf[0] |= 0x80;
		return (long)len;
	}
	if (strcmp(kind, "big") == 0) {
		fill_random(buf, BIG_LEN);
		put_u32(buf, random_spi());
		return BIG_LEN;
	}
	if (strcmp(kind, "nosa") == 0) {
		fill_random(buf, 100);
		put_u32(buf, spi);
		put_u32(buf + 4, seq);
		return 100;
	}
	if (strcmp(kind, "trunc") == 0) {
		len = 8 + (size_t)(i % 23) + 1;
		fill_random(buf, len);
		put_u32(buf, spi);
		put_u32(buf + 4, seq);
		return (long)len;
	}
	if (strcmp(kind, "garbage") == 0) {
		fill_random(buf, 128);
		put_u32(buf, spi);
		put_u32(buf + 4, seq);
		return 128;
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	static uint8_t	 buf[BIG_LEN];
	struct target	 t;
	uint32_t	 spi = 0, seq = 0, v;
	bool		 have_spi = false, have_seq = false;
	long		 count = 1, total, i, len, sent = 0;
	int		 ch, port = 0;

	while ((ch = getopt(argc, argv, "c:q:S:u:")) != -1) {
		switch (ch) {
		case 'c':
			if (!parse_u32(optarg, &v, "count") || v == 0 ||
			    v > MAX_COUNT)
				usage();
			count = (long)v;
			break;
		case 'q':
			if (!parse_u32(optarg, &seq, "sequence number"))
				usage();
			have_seq = true;
			break;
		case 'S':
			if (!parse_u32(optarg, &spi, "SPI"))
				usage();
			have_spi = true;
			break;
		case 'u':
			if (!parse_u32(optarg, &v, "port") || v == 0 ||
			    v > 65535)
				usage();
			port = (int)v;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();
	if (build(argv[0], 0, buf, spi, have_spi, seq, have_seq) < 0) {
		fprintf(stderr, "pktsend: unknown kind \"%s\"\n", argv[0]);
		usage();
	}
	if (!open_target(&t, argv[1], port))
		return 1;

	total = strcmp(argv[0], "short") == 0 ? count * 7 : count;
	for (i = 0; i < total; i++) {
		len = build(argv[0], i, buf, spi, have_spi, seq, have_seq);
		if (!send_one(&t, buf, (size_t)len))
			return 1;
		sent++;
	}
	printf("sent %ld %s packet(s) to %s %s\n", sent, argv[0], argv[1],
	    port ? "(udp)" : "(esp)");
	close(t.fd);
	return 0;
}
