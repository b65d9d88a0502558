/*
 * bird.h: BIRD 2 control-socket protocol: one reply parser, a blocking
 * client (routeserver, tools) and an asynchronous client on libev
 * (overlayd).
 *
 * The protocol (BIRD's doc/prog "Remote control", seen on 2.0.12): after
 * connecting BIRD sends "0001 BIRD 2.0.12 ready.". Each command line gets one
 * reply: lines "DDDD-text" (more follows), " text" (continues the previous
 * line's code), ending with "DDDD text". Lines starting with '+' are
 * asynchronous messages outside any reply. Codes 0xxx end a successful
 * command, 1xxx are table rows, 2xxx table headings, 8xxx run-time errors,
 * 9xxx parse errors. Commands may be pipelined; replies come in order.
 */
#ifndef COIMESH_BIRD_H
#define COIMESH_BIRD_H

#include <stdbool.h>
#include <stddef.h>

#define BIRD_LINE_MAX		8192		/* longest line accepted */
#define BIRD_REPLY_MAX		(64u << 20)	/* bytes in one reply */
#define BIRD_CMD_MAX		1024		/* longest command sent */

struct bird_line {
	int		 code;		/* 0..9999; continuation lines inherit */
	char		*text;		/* NUL-terminated, no newline */
};

struct bird_reply {
	int		 code;		/* code of the final line */
	bool		 async;		/* a '+' message, not a reply */
	size_t		 nlines;
	struct bird_line *lines;	/* all lines, the final one included */
};

/* The class of a final code. */
enum bird_class {
	BIRD_OK,		/* 0000-0999 */
	BIRD_TABLE,		/* 1000-2999, never final in a valid reply */
	BIRD_ERR_RUNTIME,	/* 8000-8999 */
	BIRD_ERR_SYNTAX,	/* 9000-9999 */
	BIRD_UNKNOWN		/* 3000-7999 */
};
enum bird_class	 bird_class(int code);
bool		 bird_reply_ok(const struct bird_reply *);
/*
 * The text of the last non-empty line, e.g. "m1: disabled" (BIRD ends
 * that reply with an empty "0000 " line), "Reconfigured" or
 * "syntax error, ...".
 */
const char	*bird_reply_msg(const struct bird_reply *);
void		 bird_reply_free(struct bird_reply *);

/*
 * Incremental parser. Feed it whatever the socket gave; take complete
 * replies (and '+' messages) out with bird_parser_next(). After a protocol
 * error (-1 from feed) the parser is dead: close the connection.
 */
struct bird_parser;
struct bird_parser *bird_parser_new(void);
int		 bird_parser_feed(struct bird_parser *, const char *, size_t);
struct bird_reply *bird_parser_next(struct bird_parser *);
const char	*bird_parser_error(const struct bird_parser *);
void		 bird_parser_free(struct bird_parser *);

/* True if NAME is a BIRD symbol safe to put in a command: [A-Za-z_][A-Za-z0-9_]*, <= 64. */
bool		 bird_name_ok(const char *name);

/* True if CMD is one non-empty line of printable ASCII, <= BIRD_CMD_MAX. */
bool		 bird_cmd_ok(const char *cmd);

/*
 * One row of "show protocols": name, protocol, table, state ("up", "down",
 * "start", "stop", "flush"), since, info (e.g. "Established", "Active",
 * "Passive"). Fields are copied; free the array with bird_protos_free().
 */
struct bird_proto {
	char	 name[65];
	char	 proto[17];
	char	 table[65];
	char	 state[9];
	char	 since[33];
	char	 info[129];
};
/* Parse a "show protocols" reply; returns the number of rows or -1. */
int		 bird_protos_parse(const struct bird_reply *, struct bird_proto **);
void		 bird_protos_free(struct bird_proto *);

/*
 * Blocking client. Every call has a deadline in milliseconds; errors are
 * written to err (e.g. "connect /run/bird.ctl: No such file or directory",
 * "timeout after 2000 ms waiting for BIRD", "protocol error: ...").
 */
struct bird_conn;
struct bird_conn *bird_connect(const char *path, int timeout_ms,
		    char *err, size_t errlen);
struct bird_reply *bird_cmd(struct bird_conn *, const char *cmd,
		    int timeout_ms, char *err, size_t errlen);
void		 bird_close(struct bird_conn *);

/*
 * Asynchronous client on a libev loop. It connects, waits for the greeting,
 * and calls state_cb(c, true, NULL, arg); on any failure (connect refused,
 * socket closed, protocol error, a command without reply for `timeout`
 * seconds) it closes, fails every pending command (reply_cb with r == NULL
 * and a reason), calls state_cb(c, false, why, arg) and reconnects with
 * exponential backoff (0.1 s doubling to 5 s). The reply passed to reply_cb
 * is freed after the callback returns. Never blocks the loop.
 */
struct ev_loop;
struct bird_client;
typedef void	(*bird_state_cb)(struct bird_client *, bool up, const char *why,
		    void *arg);
typedef void	(*bird_reply_cb)(struct bird_client *, const struct bird_reply *,
		    const char *err, void *arg);
struct bird_client *bird_client_new(struct ev_loop *, const char *path,
		    double timeout, bird_state_cb, void *arg);
/* Queue a command; -1 if not connected or the command is not sendable. */
int		 bird_client_cmd(struct bird_client *, const char *cmd,
		    bird_reply_cb, void *arg);
bool		 bird_client_up(const struct bird_client *);
const char	*bird_client_path(const struct bird_client *);
void		 bird_client_free(struct bird_client *);

#endif
