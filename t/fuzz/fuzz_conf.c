/*
 * fuzz_conf.c: libFuzzer target for the overlayd.conf(5) parser. Each input
 * is parsed as a config file; a config that parses is printed (to a null
 * stream) and freed, so the printer and the error paths get exercised too.
 *
 * Parse errors are logged to stderr. Run with -close_fd_mask=2 to silence
 * them: libFuzzer then moves its own and the sanitizers' reports to another
 * descriptor, so crashes still show. (Closing stderr here would hide them.)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE		*devnull;
	struct ovl_conf		*conf;
	FILE			*f;

	if (devnull == NULL) {
		log_init("fuzz_conf", 1, 0);
		if ((devnull = fopen("/dev/null", "w")) == NULL)
			abort();
	}
	if (size == 0)
		return 0;	/* fmemopen(3) rejects an empty buffer */
	if ((f = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return 0;
	if ((conf = conf_parse_file(f, "fuzz")) != NULL) {
		conf_print(devnull, conf);
		conf_free(conf);
	}
	fclose(f);
	return 0;
}
