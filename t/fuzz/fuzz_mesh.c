/*
 * fuzz_mesh.c: libFuzzer target for the mesh description parser of
 * routeserver (mesh.conf(5)). Each input is parsed as a description; one
 * that parses is turned into the BIRD configuration of every route server
 * it lists (to a null stream), so the checks and the generator run too.
 *
 * Parse errors go to stderr; run with -close_fd_mask=2 to silence them.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "log.h"
#include "mesh.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE	*devnull;
	struct mesh	*m;
	FILE		*f;
	size_t		 i;

	if (devnull == NULL) {
		log_init("fuzz_mesh", 1, 0);
		if ((devnull = fopen("/dev/null", "w")) == NULL)
			abort();
	}
	if (size == 0)
		return 0;	/* fmemopen(3) rejects an empty buffer */
	if ((f = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return 0;
	if ((m = mesh_load_file(f, "fuzz")) != NULL) {
		fuzz_check(m->nrs > 0);
		for (i = 0; i < m->nrs; i++) {
			fuzz_check(mesh_rs_select(m, m->rs[i].name) ==
			    &m->rs[i]);
			gen_bird(devnull, m, &m->rs[i]);
		}
		mesh_free(m);
	}
	fclose(f);
	return 0;
}
