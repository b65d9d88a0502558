/*
 * buf.c: bounded reader and packet buffer.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "buf.h"

void
rd_init(struct rd *r, const void *p, size_t len)
{
	r->p = p;
	r->left = len;
}

static int
rd_short(void)
{
	errno = EBADMSG;
	return -1;
}

int
rd_get_n(struct rd *r, void *out, size_t n)
{
	if (r->left < n)
		return rd_short();
	if (n > 0)
		memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
	return 0;
}

int
rd_get_u8(struct rd *r, uint8_t *v)
{
	return rd_get_n(r, v, 1);
}

int
rd_get_u16(struct rd *r, uint16_t *v)
{
	uint8_t	b[2];

	if (rd_get_n(r, b, sizeof(b)) == -1)
		return -1;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return 0;
}

int
rd_get_u32(struct rd *r, uint32_t *v)
{
	uint8_t	b[4];

	if (rd_get_n(r, b, sizeof(b)) == -1)
		return -1;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return 0;
}

int
rd_skip(struct rd *r, size_t n)
{
	if (r->left < n)
		return rd_short();
	r->p += n;
	r->left -= n;
	return 0;
}

int
rd_sub(struct rd *r, struct rd *sub, size_t n)
{
	if (r->left < n)
		return rd_short();
	rd_init(sub, r->p, n);
	r->p += n;
	r->left -= n;
	return 0;
}

const uint8_t *
rd_ptr(const struct rd *r)
{
	return r->p;
}

size_t
rd_left(const struct rd *r)
{
	return r->left;
}

void
pkt_reset(struct pkt *p)
{
	p->data = p->buf + PKT_HEADROOM;
	p->len = 0;
}

size_t
pkt_headroom(const struct pkt *p)
{
	return (size_t)(p->data - p->buf);
}

size_t
pkt_tailroom(const struct pkt *p)
{
	return sizeof(p->buf) - pkt_headroom(p) - p->len;
}

uint8_t *
pkt_push(struct pkt *p, size_t n)
{
	if (pkt_headroom(p) < n)
		return NULL;
	p->data -= n;
	p->len += n;
	return p->data;
}

uint8_t *
pkt_put(struct pkt *p, size_t n)
{
	uint8_t	*tail;

	if (pkt_tailroom(p) < n)
		return NULL;
	tail = p->data + p->len;
	p->len += n;
	return tail;
}

int
pkt_pull(struct pkt *p, size_t n)
{
	if (p->len < n)
		return rd_short();
	p->data += n;
	p->len -= n;
	return 0;
}

int
pkt_trim(struct pkt *p, size_t n)
{
	if (p->len < n)
		return rd_short();
	p->len -= n;
	return 0;
}
