/*
 * buf.h: the one bounded reader for all wire data, and the packet buffer
 * the data plane encapsulates in place.
 *
 * A reader never moves past its end: every getter checks `left` first and
 * returns -1 (errno EBADMSG) when the data runs short, leaving the reader
 * where it was. Nothing in coimesh indexes a wire buffer any other way.
 */
#ifndef OVL_BUF_H
#define OVL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct rd {
	const uint8_t	*p;
	size_t		 left;
};

void	rd_init(struct rd *, const void *, size_t);
int	rd_get_u8(struct rd *, uint8_t *);
int	rd_get_u16(struct rd *, uint16_t *);	/* network order in, host out */
int	rd_get_u32(struct rd *, uint32_t *);
int	rd_get_n(struct rd *, void *, size_t);
int	rd_skip(struct rd *, size_t);
int	rd_sub(struct rd *, struct rd *, size_t);	/* bounded sub-reader */
const uint8_t *rd_ptr(const struct rd *);
size_t	rd_left(const struct rd *);

/*
 * Packet buffer with head room for outer headers and tail room for ESP
 * padding and ICV, so encapsulation never copies the payload.
 */
#define PKT_HEADROOM	128
#define PKT_TAILROOM	64
#define PKT_MAX		65536
#define PKT_SIZE	(PKT_HEADROOM + PKT_MAX + PKT_TAILROOM)

struct pkt {
	uint8_t		*data;		/* first byte of the packet */
	size_t		 len;
	uint8_t		 buf[PKT_SIZE];
};

void	 pkt_reset(struct pkt *);	/* empty, full head room */
uint8_t	*pkt_push(struct pkt *, size_t);	/* grow at the front */
uint8_t	*pkt_put(struct pkt *, size_t);	/* grow at the back */
int	 pkt_pull(struct pkt *, size_t);	/* drop from the front */
int	 pkt_trim(struct pkt *, size_t);	/* drop from the back */
size_t	 pkt_headroom(const struct pkt *);
size_t	 pkt_tailroom(const struct pkt *);

#endif
