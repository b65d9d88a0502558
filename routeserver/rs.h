/*
 * rs.h: the routeserver commands that talk to BIRD (apply.c, status.c)
 * and the atomic writer of the generated configuration (write.c).
 */
#ifndef RS_RS_H
#define RS_RS_H

#include <stdbool.h>

#include "mesh.h"

struct rs_opts {
	const char	*file;		/* the mesh description */
	const char	*rs;		/* -r: route server name, or NULL */
	const char	*socket;	/* BIRD's control socket */
	const char	*output;	/* -o: BIRD configuration file */
	int		 timeout;	/* seconds: configure timeout, waits */
	bool		 json;
};

/* Deadline of one BIRD command other than configure: 10 s, or -t if less. */
#define RS_CMD_MS	10000
static inline int
rs_cmd_ms(const struct rs_opts *o)
{
	return o->timeout * 1000 < RS_CMD_MS ? o->timeout * 1000 : RS_CMD_MS;
}

/* The default BIRD configuration file "apply" writes. */
#define RS_BIRD_CONF	SYSCONFDIR "/bird/bird.conf"

/* write.c: generate into a temporary file beside path, then rename. */
bool	rs_write_config(const char *path, const struct mesh *,
	    const struct mesh_rs *);
/* Generate into a new temporary file beside path; its name goes to tmp. */
bool	rs_write_temp(const char *path, char *tmp, size_t tmplen,
	    const struct mesh *, const struct mesh_rs *);

int	rs_apply(const struct rs_opts *, const struct mesh *,
	    const struct mesh_rs *);
int	rs_status(const struct rs_opts *, const struct mesh *,
	    const struct mesh_rs *);

#endif
