/*
 * meshcert_int.h: what the lib/meshcert*.c files share and nobody else.
 */
#ifndef COIMESH_MESHCERT_INT_H
#define COIMESH_MESHCERT_INT_H

#include "meshcert.h"

struct mcert_cert {
	X509			*x;
	struct mcert_info	 info;
};

/* Set ERR to "<mcert_strerror(e)>: <fmt ...>" (or just the former) and return E. */
enum mcert_err	 mcert_seterr(char *err, size_t errlen, enum mcert_err e,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The one-line RFC 2253 form of NAME ("CN=n1,O=acme"). */
void		 mcert_name_str(const X509_NAME *, char *, size_t);

#endif
