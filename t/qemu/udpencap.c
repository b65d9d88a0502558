/*
 * udpencap: hold the UDP 4500 sockets the kernel needs to take ESP in UDP
 * (RFC 3948) off the wire, for the guest of t/qemu/interop.sh.
 *
 *	udpencap [port]
 *
 * An IKE daemon normally does this: it binds UDP port 4500 (default) on
 * IPv4 and IPv6 and sets UDP_ENCAP_ESPINUDP, after which the kernel hands
 * every datagram with a non-zero SPI to XFRM.  Without such a socket the
 * kernel answers ESP in UDP with "port unreachable".  Prints "ready" once
 * both sockets are set up, then waits for a signal.  Exit 1 on an error,
 * 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_ENCAP
#define UDP_ENCAP		100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP	2
#endif

static int
encap_socket(int af, unsigned short port)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	int			fd, one = 1, type = UDP_ENCAP_ESPINUDP;

	if ((fd = socket(af, SOCK_DGRAM, IPPROTO_UDP)) == -1)
		return -1;
	if (af == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			goto bad;
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(port);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one)) == -1 ||
		    bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == -1)
			goto bad;
	}
	if (setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &type, sizeof(type)) == -1)
		goto bad;
	return fd;
bad:
	close(fd);
	return -1;
}

int
main(int argc, char *argv[])
{
	unsigned long	 port = 4500;
	char		*end;

	if (argc > 2) {
		fprintf(stderr, "usage: udpencap [port]\n");
		return 2;
	}
	if (argc == 2) {
		errno = 0;
		port = strtoul(argv[1], &end, 10);
		if (errno != 0 || *end != '\0' || port == 0 || port > 65535) {
			fprintf(stderr, "udpencap: bad port %s\n", argv[1]);
			return 2;
		}
	}
	if (encap_socket(AF_INET, (unsigned short)port) == -1 ||
	    encap_socket(AF_INET6, (unsigned short)port) == -1) {
		fprintf(stderr, "udpencap: port %lu: %s\n", port,
		    strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
