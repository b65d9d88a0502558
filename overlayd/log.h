/*
 * log.h: logging in the bgpd/iked idiom. stderr when running in the
 * foreground (-d), syslog otherwise.
 */
#ifndef OVL_LOG_H
#define OVL_LOG_H

#include <stdarg.h>

void	log_init(const char *ident, int foreground, int verbose);
void	log_setverbose(int verbose);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Rate-limited warning for bad input from the network: at most `burst`
 * lines per second per limiter, then one summary of what was suppressed.
 */
struct log_rl {
	long long	 sec;
	unsigned int	 count;
	unsigned int	 suppressed;
};
void	log_rl(struct log_rl *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
