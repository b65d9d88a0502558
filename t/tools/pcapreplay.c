/*
 * pcapreplay: send an ESP packet captured by `tcpdump -w` once more, for
 * t/net/replay.sh.
 *
 *	pcapreplay [-n index] [-c count] [-u port] file dest
 *
 * Reads a classic pcap file (either byte order, micro- or nanosecond
 * timestamps) with Ethernet, Linux cooked (v1 or v2) or raw IP link type,
 * and finds the index-th (default 1st) ESP packet: IPv4 or IPv6 with
 * protocol 50, or UDP to or from port 4500 (or -u port) whose payload
 * starts with a non-zero SPI.  It sends that ESP packet (SPI onwards)
 * count times (default 1, at most 100) to dest: raw IP protocol 50 when it
 * was captured raw, UDP to the captured destination port when it was
 * captured in UDP.  Prints SPI, sequence number and length.
 *
 * Exit 0 when sent, 1 on an error or when the file holds no such packet,
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
#include <sys/socket.h>
#include <unistd.h>

#define PCAP_MAGIC_US	0xa1b2c3d4u
#define PCAP_MAGIC_NS	0xa1b23c4du
#define LINKTYPE_ETHERNET	1
#define LINKTYPE_RAW		101
#define LINKTYPE_LINUX_SLL	113
#define LINKTYPE_LINUX_SLL2	276
#define MAX_SNAP	262144
#define ESP_PROTO	50
#define UDP_PROTO	17

struct esp_pkt {
	const uint8_t	*esp;		/* SPI onwards */
	size_t		 len;
	bool		 udp;
	uint16_t	 dport;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: pcapreplay [-n index] [-c count] [-u port] file dest\n");
	exit(2);
}

static uint32_t
get32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return swap ? __builtin_bswap32(v) : v;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Find the IP header in a frame; return its offset or -1. */
static long
ip_offset(uint32_t linktype, const uint8_t *p, size_t len)
{
	size_t		 off;
	uint16_t	 et;

	switch (linktype) {
	case LINKTYPE_RAW:
		return 0;
	case LINKTYPE_ETHERNET:
		if (len < 14)
			return -1;
		off = 12;
		et = be16(p + off);
		while ((et == 0x8100 || et == 0x88a8) && off + 6 <= len) {
			off += 4;
			et = be16(p + off);
		}
		off += 2;
		break;
	case LINKTYPE_LINUX_SLL:
		if (len < 16)
			return -1;
		et = be16(p + 14);
		off = 16;
		break;
	case LINKTYPE_LINUX_SLL2:
		if (len < 20)
			return -1;
		et = be16(p);
		off = 20;
		break;
	default:
		return -1;
	}
	if (et != 0x0800 && et != 0x86dd)
		return -1;
	return (long)off;
}

/* Is the IP packet at p (len bytes) ESP?  Fill *out when it is. */
static bool
find_esp(const uint8_t *p, size_t len, uint16_t udpport, struct esp_pkt *out)
{
	size_t		 hl, tot;
	uint8_t		 proto;
	uint16_t	 sport, dport, ulen;

	if (len < 1)
		return false;
	if (p[0] >> 4 == 4) {
		if (len < 20)
			return false;
		hl = (size_t)(p[0] & 0x0f) * 4;
		tot = be16(p + 2);
		if (hl < 20 || tot < hl || tot > len)
			return false;
		if ((be16(p + 6) & 0x3fff) != 0)
			return false;	/* a fragment */
		proto = p[9];
	} else if (p[0] >> 4 == 6) {
		if (len < 40)
			return false;
		hl = 40;
		tot = 40 + (size_t)be16(p + 4);
		if (tot > len)
			return false;
		proto = p[6];
	} else
		return false;

	if (proto == ESP_PROTO) {
		if (tot - hl < 8 || be32(p + hl) == 0)
			return false;
		out->esp = p + hl;
		out->len = tot - hl;
		out->udp = false;
		out->dport = 0;
		return true;
	}
	if (proto != UDP_PROTO || tot - hl < 8)
		return false;
	sport = be16(p + hl);
	dport = be16(p + hl + 2);
	ulen = be16(p + hl + 4);
	if (sport != udpport && dport != udpport)
		return false;
	if (ulen < 8 + 8 || ulen > tot - hl)
		return false;
	if (be32(p + hl + 8) == 0)
		return false;		/* non-ESP marker: IKE */
	out->esp = p + hl + 8;
	out->len = (size_t)ulen - 8;
	out->udp = true;
	out->dport = dport;
	return true;
}

static bool
send_esp(const struct esp_pkt *e, const char *dest, long count)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sslen;
	int			 af, fd;
	long			 i;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, dest, &sin->sin_addr) == 1) {
		af = AF_INET;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(e->dport);
		sslen = sizeof *sin;
	} else if (inet_pton(AF_INET6, dest, &sin6->sin6_addr) == 1) {
		af = AF_INET6;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(e->dport);
		sslen = sizeof *sin6;
	} else {
		fprintf(stderr, "pcapreplay: bad address \"%s\"\n", dest);
		return false;
	}
	fd = e->udp ? socket(af, SOCK_DGRAM, IPPROTO_UDP) :
	    socket(af, SOCK_RAW, IPPROTO_ESP);
	if (fd == -1) {
		perror("pcapreplay: socket");
		return false;
	}
	for (i = 0; i < count; i++) {
		if (sendto(fd, e->esp, e->len, 0, (struct sockaddr *)&ss,
		    sslen) == -1) {
			perror("pcapreplay: sendto");
			close(fd);
			return false;
		}
	}
	close(fd);
	return true;
}

static bool
parse_long(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "pcapreplay: bad number \"%s\" (%ld..%ld)\n",
		    s, min, max);
		return false;
	}
	*out = v;
	return true;
}

int
main(int argc, char *argv[])
{
	static uint8_t	 frame[MAX_SNAP];
	uint8_t		 gh[24], rh[16];
	struct esp_pkt	 e;
	FILE		*f;
	uint32_t	 magic, linktype, caplen;
	long		 index = 1, count = 1, port = 4500, off, seen = 0;
	bool		 swap;
	int		 ch;

	while ((ch = getopt(argc, argv, "c:n:u:")) != -1) {
		switch (ch) {
		case 'c':
			if (!parse_long(optarg, 1, 100, &count))
				usage();
			break;
		case 'n':
			if (!parse_long(optarg, 1, 1000000, &index))
				usage();
			break;
		case 'u':
			if (!parse_long(optarg, 1, 65535, &port))
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();

	if ((f = fopen(argv[0], "rb")) == NULL) {
		fprintf(stderr, "pcapreplay: %s: %s\n", argv[0],
		    strerror(errno));
		return 1;
	}
	if (fread(gh, sizeof gh, 1, f) != 1) {
		fprintf(stderr, "pcapreplay: %s: short file header\n", argv[0]);
		return 1;
	}
	memcpy(&magic, gh, sizeof magic);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS)
		swap = false;
	else if (__builtin_bswap32(magic) == PCAP_MAGIC_US ||
	    __builtin_bswap32(magic) == PCAP_MAGIC_NS)
		swap = true;
	else {
		fprintf(stderr, "pcapreplay: %s: not a pcap file (magic "
		    "0x%08x; pcapng is not supported)\n", argv[0], magic);
		return 1;
	}
	linktype = get32(gh + 20, swap) & 0x0fffffff;

	while (fread(rh, sizeof rh, 1, f) == 1) {
		caplen = get32(rh + 8, swap);
		if (caplen > sizeof frame) {
			fprintf(stderr, "pcapreplay: %s: record of %u bytes\n",
			    argv[0], caplen);
			return 1;
		}
		if (fread(frame, 1, caplen, f) != caplen)
			break;
		off = ip_offset(linktype, frame, caplen);
		if (off < 0 || !find_esp(frame + off, caplen - (size_t)off,
		    (uint16_t)port, &e))
			continue;
		if (++seen < index)
			continue;
		fclose(f);
		if (!send_esp(&e, argv[1], count))
			return 1;
		printf("replayed spi 0x%08x seq %u len %zu %s to %s, %ld "
		    "time(s)\n", be32(e.esp), be32(e.esp + 4), e.len,
		    e.udp ? "udp" : "esp", argv[1], count);
		return 0;
	}
	fclose(f);
	fprintf(stderr, "pcapreplay: %s: %ld ESP packet(s), wanted number "
	    "%ld (link type %u)\n", argv[0], seen, index, linktype);
	return 1;
}
