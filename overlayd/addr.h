/*
 * addr.h: IPv4/IPv6 addresses and prefixes as the config and the data
 * plane use them.
 */
#ifndef OVL_ADDR_H
#define OVL_ADDR_H

#include <sys/socket.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct addr {
	sa_family_t	af;		/* AF_INET or AF_INET6, 0 when unset */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} u;
};

struct prefix {
	struct addr	addr;
	uint8_t		len;
};

#define ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */
#define PREFIX_STRLEN	(ADDR_STRLEN + 4)

bool	 addr_parse(const char *, struct addr *);
bool	 prefix_parse(const char *, struct prefix *);	/* "a/len" */
const char *addr_fmt(const struct addr *, char *, size_t);
const char *prefix_fmt(const struct prefix *, char *, size_t);
bool	 addr_eq(const struct addr *, const struct addr *);
bool	 addr_is_set(const struct addr *);
bool	 prefix_p2p_other(const struct prefix *, struct addr *);
socklen_t addr_to_sa(const struct addr *, uint16_t port,
	    struct sockaddr_storage *);
bool	 addr_from_sa(const struct sockaddr *, struct addr *, uint16_t *);

#endif
