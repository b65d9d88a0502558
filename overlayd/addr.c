/*
 * addr.c: address parsing, formatting and conversion.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

bool
addr_parse(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->u.v4) == 1) {
		a->af = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, &a->u.v6) == 1) {
		a->af = AF_INET6;
		return true;
	}
	return false;
}

bool
prefix_parse(const char *s, struct prefix *p)
{
	char		 buf[PREFIX_STRLEN];
	char		*slash, *end;
	unsigned long	 len;
	size_t		 n = strlen(s);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n + 1);
	if ((slash = strchr(buf, '/')) == NULL)
		return false;
	*slash++ = '\0';
	if (!addr_parse(buf, &p->addr))
		return false;
	/* digits only: strtoul alone would take " 24", "+24" or "-0" */
	if (*slash == '\0' || strspn(slash, "0123456789") != strlen(slash) ||
	    strlen(slash) > 3)
		return false;
	errno = 0;
	len = strtoul(slash, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	if (len > (p->addr.af == AF_INET ? 32UL : 128UL))
		return false;
	p->len = (uint8_t)len;
	return true;
}

const char *
addr_fmt(const struct addr *a, char *buf, size_t len)
{
	if (a->af == 0 || inet_ntop(a->af, &a->u, buf, len) == NULL)
		snprintf(buf, len, "none");
	return buf;
}

const char *
prefix_fmt(const struct prefix *p, char *buf, size_t len)
{
	char	a[ADDR_STRLEN];

	snprintf(buf, len, "%s/%u", addr_fmt(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

bool
addr_eq(const struct addr *a, const struct addr *b)
{
	if (a->af != b->af)
		return false;
	if (a->af == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	if (a->af == AF_INET6)
		return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
	return true;
}

bool
addr_is_set(const struct addr *a)
{
	return a->af == AF_INET || a->af == AF_INET6;
}

socklen_t
addr_to_sa(const struct addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = a->u.v4;
		return sizeof(*sin);
	}
	if (a->af == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = a->u.v6;
		return sizeof(*sin6);
	}
	return 0;
}

bool
addr_from_sa(const struct sockaddr *sa, struct addr *a, uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		a->af = AF_INET;
		a->u.v4 = sin->sin_addr;
		if (port != NULL)
			*port = ntohs(sin->sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
		    (const struct sockaddr_in6 *)sa;

		a->af = AF_INET6;
		a->u.v6 = sin6->sin6_addr;
		if (port != NULL)
			*port = ntohs(sin6->sin6_port);
		return true;
	}
	return false;
}

/*
 * The other end of a point-to-point prefix: /31 and /127 (RFC 3021,
 * RFC 6164) hold two addresses, /30 and /126 two usable ones (host parts
 * 1 and 2). False for any other length or for an address that is not one
 * of the two ends.
 */
bool
prefix_p2p_other(const struct prefix *p, struct addr *other)
{
	uint8_t		*last;
	unsigned int	 bits = p->addr.af == AF_INET ? 32 : 128;

	if (!addr_is_set(&p->addr))
		return false;
	*other = p->addr;
	last = p->addr.af == AF_INET ? (uint8_t *)&other->u.v4 + 3 :
	    &other->u.v6.s6_addr[15];
	if (p->len == bits - 1) {
		*last ^= 1;
		return true;
	}
	if (p->len != bits - 2)
		return false;
	if ((*last & 3) != 1 && (*last & 3) != 2)
		return false;
	*last ^= 3;	/* ...01 <-> ...10 */
	return true;
}
