/*
 * test_bird.c: the BIRD control-socket reply parser, the "show protocols"
 * row parser, and both clients against a scripted fake BIRD listening on
 * a unix socket in a temporary directory (a forked child).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "unit.h"

#include "bird.h"

static struct bird_reply *
parse_one(const char *s)
{
	struct bird_parser	*p = bird_parser_new();
	struct bird_reply	*r;

	assert_non_null(p);
	assert_int_equal(bird_parser_feed(p, s, strlen(s)), 0);
	r = bird_parser_next(p);
	assert_null(bird_parser_next(p));
	bird_parser_free(p);
	return r;
}

/* What feeding S must fail with. */
static void
parse_fails(const char *s, size_t len, const char *err)
{
	struct bird_parser	*p = bird_parser_new();

	assert_int_equal(bird_parser_feed(p, s, len), -1);
	assert_string_equal(bird_parser_error(p), err);
	assert_int_equal(bird_parser_feed(p, "0000 \n", 6), -1);
	bird_parser_free(p);
}

static void
test_greeting(void **state)
{
	struct bird_reply	*r = parse_one("0001 BIRD 2.0.12 ready.\n");

	assert_non_null(r);
	assert_int_equal(r->code, 1);
	assert_false(r->async);
	assert_int_equal(r->nlines, 1);
	assert_string_equal(bird_reply_msg(r), "BIRD 2.0.12 ready.");
	assert_true(bird_reply_ok(r));
	bird_reply_free(r);
}

static const char protocols[] =
    "2002-Name       Proto      Table      State  Since         Info\n"
    "1002-device1    Device     ---        up     13:10:12.345  \n"
    " m1         BGP        ---        start  2026-11-23 13:10:12  "
    "Active        Socket: Connection refused\n"
    " m2         BGP        ---        up     13:10:13.001  Established   \n"
    "0000 \n";

static void
test_multiline(void **state)
{
	struct bird_reply	*r = parse_one(protocols);

	assert_int_equal(r->code, 0);
	assert_int_equal(r->nlines, 5);
	assert_int_equal(r->lines[0].code, 2002);
	assert_int_equal(r->lines[1].code, 1002);
	assert_int_equal(r->lines[2].code, 1002);	/* continuation */
	assert_string_equal(r->lines[3].text,
	    "m2         BGP        ---        up     13:10:13.001  Established   ");
	assert_string_equal(bird_reply_msg(r),
	    "m2         BGP        ---        up     13:10:13.001  Established   ");
	bird_reply_free(r);
	r = parse_one("0009-m1: disabled\n0000 \n");
	assert_string_equal(bird_reply_msg(r), "m1: disabled");
	bird_reply_free(r);
}

/* Fed one byte at a time, the same replies come out. */
static void
test_bytewise(void **state)
{
	static const char in[] = "0001 BIRD ready.\n+async line\r\n"
	    "1002-a\n b\n0000 \n9001 syntax error\n";
	struct bird_parser	*p = bird_parser_new();
	struct bird_reply	*r;
	size_t			 i;
	int			 codes[8], n = 0;

	for (i = 0; i < sizeof(in) - 1; i++) {
		assert_int_equal(bird_parser_feed(p, in + i, 1), 0);
		while ((r = bird_parser_next(p)) != NULL) {
			assert_true(n < 8);
			codes[n++] = r->async ? -1 : r->code;
			if (r->async)
				assert_string_equal(r->lines[0].text,
				    "async line");
			bird_reply_free(r);
		}
	}
	assert_int_equal(n, 4);
	assert_int_equal(codes[0], 1);
	assert_int_equal(codes[1], -1);
	assert_int_equal(codes[2], 0);
	assert_int_equal(codes[3], 9001);
	bird_parser_free(p);
}

static void
test_classes(void **state)
{
	struct bird_reply	*r;

	assert_int_equal(bird_class(3), BIRD_OK);
	assert_int_equal(bird_class(1002), BIRD_TABLE);
	assert_int_equal(bird_class(8001), BIRD_ERR_RUNTIME);
	assert_int_equal(bird_class(9001), BIRD_ERR_SYNTAX);
	assert_int_equal(bird_class(5000), BIRD_UNKNOWN);
	assert_int_equal(bird_class(-1), BIRD_UNKNOWN);
	r = parse_one("8001 Network not found\n");
	assert_false(bird_reply_ok(r));
	assert_string_equal(bird_reply_msg(r), "Network not found");
	bird_reply_free(r);
	assert_false(bird_reply_ok(NULL));
}

static void
test_bad_lines(void **state)
{
	char	*big;

	parse_fails(" orphan\n", 8, "protocol error: continuation line without a code");
	parse_fails("12a4 x\n", 7, "protocol error: bad reply code \"12a4 x\"");
	parse_fails("0001\n", 5, "protocol error: bad line \"0001\"");
	parse_fails("0001:x\n", 7, "protocol error: bad line \"0001:x\"");
	parse_fails("\n", 1, "protocol error: bad line \"\"");
	parse_fails("0001 a\0b\n", 9, "protocol error: NUL byte");
	big = malloc(BIRD_LINE_MAX + 2);
	memset(big, 'x', BIRD_LINE_MAX + 1);
	big[BIRD_LINE_MAX + 1] = '\n';
	parse_fails(big, BIRD_LINE_MAX + 2, "protocol error: line too long");
	free(big);
}

/* A peer that answers without being asked cannot make us hoard replies. */
static void
test_queue_bound(void **state)
{
	struct bird_parser	*p = bird_parser_new();
	int			 i, rv = 0;

	for (i = 0; i < 2000 && rv == 0; i++)
		rv = bird_parser_feed(p, "0000 \n", 6);
	assert_int_equal(rv, -1);
	assert_string_equal(bird_parser_error(p),
	    "protocol error: too many unread replies");
	bird_parser_free(p);
}

static void
test_protos(void **state)
{
	struct bird_reply	*r = parse_one(protocols);
	struct bird_proto	*v;

	assert_int_equal(bird_protos_parse(r, &v), 3);
	assert_string_equal(v[0].name, "device1");
	assert_string_equal(v[0].proto, "Device");
	assert_string_equal(v[0].state, "up");
	assert_string_equal(v[0].info, "");
	assert_string_equal(v[1].name, "m1");
	assert_string_equal(v[1].state, "start");
	assert_string_equal(v[1].since, "2026-11-23 13:10:12");
	assert_string_equal(v[1].info, "Active        Socket: Connection refused");
	assert_string_equal(v[2].since, "13:10:13.001");
	assert_string_equal(v[2].info, "Established");
	bird_protos_free(v);
	bird_reply_free(r);

	r = parse_one("1002-m1 BGP\n0000 \n");
	assert_int_equal(bird_protos_parse(r, &v), -1);
	bird_reply_free(r);
	r = parse_one("9001 syntax error\n");
	assert_int_equal(bird_protos_parse(r, &v), -1);
	bird_reply_free(r);
}

static void
test_names(void **state)
{
	char	long_name[80];

	assert_true(bird_name_ok("m1"));
	assert_true(bird_name_ok("_x_9"));
	assert_false(bird_name_ok(""));
	assert_false(bird_name_ok("9m"));
	assert_false(bird_name_ok("m1; disable all"));
	assert_false(bird_name_ok("m-1"));
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	assert_false(bird_name_ok(long_name));
	long_name[64] = '\0';
	assert_true(bird_name_ok(long_name));
	assert_true(bird_cmd_ok("show protocols"));
	assert_false(bird_cmd_ok(""));
	assert_false(bird_cmd_ok("disable m1\nenable all"));
	assert_false(bird_cmd_ok("x\x7f"));
}

/*
 * The fake BIRD: a child that accepts connections on PATH and behaves as
 * MODE says, until killed.
 *	"ok"		greets; answers every line with "0000 did: LINE",
 *			"show protocols" with a one-row table
 *	"silent"	accepts and says nothing
 *	"deny"		greets with "8007 Access denied"
 *	"garbage"	greets with a line that is not the protocol
 */
static char	sockdir[64], sockpath[100];

static void
fake_serve(int fd, const char *mode)
{
	FILE	*in;
	char	 line[1024];

	if (strcmp(mode, "silent") == 0) {
		while (read(fd, line, sizeof(line)) > 0)
			;
		return;
	}
	if (strcmp(mode, "deny") == 0) {
		dprintf(fd, "8007 Access denied\n");
		return;
	}
	if (strcmp(mode, "garbage") == 0) {
		dprintf(fd, "hello there\n");
		return;
	}
	dprintf(fd, "0001 BIRD fake ready.\n");
	if ((in = fdopen(dup(fd), "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), in) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "show protocols") == 0)
			dprintf(fd, "2002-Name Proto Table State Since Info\n"
			    "1002-m1 BGP --- up 13:10:12.345 Established\n"
			    "0000 \n");
		else
			dprintf(fd, "+async noise\n0000 did: %s\n", line);
	}
	fclose(in);
}

static pid_t
fake_start(const char *mode)
{
	struct sockaddr_un	sun;
	pid_t			pid;
	int			s, fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
	unlink(sockpath);
	assert_int_not_equal(s = socket(AF_UNIX, SOCK_STREAM, 0), -1);
	assert_int_equal(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(s, 8), 0);
	if ((pid = fork()) == 0) {
		alarm(20);
		while ((fd = accept(s, NULL, NULL)) != -1) {
			fake_serve(fd, mode);
			close(fd);
		}
		_exit(0);
	}
	close(s);
	return pid;
}

static void
fake_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(sockpath);
}

static int
setup_dir(void **state)
{
	snprintf(sockdir, sizeof(sockdir), "/tmp/test_bird.XXXXXX");
	if (mkdtemp(sockdir) == NULL)
		return -1;
	snprintf(sockpath, sizeof(sockpath), "%s/bird.ctl", sockdir);
	return 0;
}

static int
teardown_dir(void **state)
{
	unlink(sockpath);
	return rmdir(sockdir);
}

static void
test_conn(void **state)
{
	struct bird_conn	*c;
	struct bird_reply	*r;
	struct bird_proto	*v;
	char			 err[256], want[256];
	pid_t			 pid;

	c = bird_connect(sockpath, 500, err, sizeof(err));
	assert_null(c);
	snprintf(want, sizeof(want), "connect %s: No such file or directory",
	    sockpath);
	assert_string_equal(err, want);

	pid = fake_start("ok");
	c = bird_connect(sockpath, 2000, err, sizeof(err));
	assert_non_null(c);
	r = bird_cmd(c, "disable m1", 2000, err, sizeof(err));
	assert_non_null(r);
	assert_true(bird_reply_ok(r));
	assert_string_equal(bird_reply_msg(r), "did: disable m1");
	bird_reply_free(r);
	r = bird_cmd(c, "show protocols", 2000, err, sizeof(err));
	assert_int_equal(bird_protos_parse(r, &v), 1);
	assert_string_equal(v[0].info, "Established");
	bird_protos_free(v);
	bird_reply_free(r);
	assert_null(bird_cmd(c, "a\nb", 2000, err, sizeof(err)));
	assert_string_equal(err, "refusing to send a malformed command");
	bird_close(c);
	fake_stop(pid);

	pid = fake_start("silent");
	assert_null(bird_connect(sockpath, 200, err, sizeof(err)));
	assert_string_equal(err, "timeout after 200 ms waiting for BIRD");
	fake_stop(pid);

	pid = fake_start("deny");
	assert_null(bird_connect(sockpath, 2000, err, sizeof(err)));
	assert_string_equal(err,
	    "unexpected greeting from BIRD: 8007 Access denied");
	fake_stop(pid);

	pid = fake_start("garbage");
	assert_null(bird_connect(sockpath, 2000, err, sizeof(err)));
	assert_string_equal(err, "protocol error: bad line \"hello there\"");
	fake_stop(pid);
}

/* The asynchronous client, driven by a libev loop with a deadline. */
struct acase {
	struct ev_loop	*loop;
	int		 ups, downs, replies, failed;
	char		 why[256], reply[256], failwhy[256];
	int		 stop_after_downs;
	pid_t		 late_pid;
	const char	*late_mode;
};

static void
acase_reply(struct bird_client *c, const struct bird_reply *r,
    const char *err, void *arg)
{
	struct acase	*a = arg;

	if (r == NULL) {
		a->failed++;
		snprintf(a->failwhy, sizeof(a->failwhy), "%s", err);
		return;
	}
	a->replies++;
	snprintf(a->reply, sizeof(a->reply), "%s", bird_reply_msg(r));
	ev_break(a->loop, EVBREAK_ALL);
}

static void
acase_state(struct bird_client *c, bool up, const char *why, void *arg)
{
	struct acase	*a = arg;

	if (up) {
		a->ups++;
		assert_true(bird_client_up(c));
		assert_int_equal(bird_client_cmd(c, "enable m1", acase_reply,
		    a), 0);
		return;
	}
	assert_false(bird_client_up(c));
	assert_int_equal(bird_client_cmd(c, "enable m1", acase_reply, a), -1);
	a->downs++;
	snprintf(a->why, sizeof(a->why), "%s", why);
	if (a->late_mode != NULL && a->late_pid == 0)
		a->late_pid = fake_start(a->late_mode);
	if (a->downs >= a->stop_after_downs)
		ev_break(a->loop, EVBREAK_ALL);
}

static void
acase_deadline(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

static void
acase_run(struct acase *a, double timeout, double deadline)
{
	struct bird_client	*c;
	ev_timer		 t;

	a->loop = ev_loop_new(EVFLAG_AUTO);
	c = bird_client_new(a->loop, sockpath, timeout, acase_state, a);
	assert_non_null(c);
	assert_string_equal(bird_client_path(c), sockpath);
	ev_timer_init(&t, acase_deadline, deadline, 0.);
	ev_timer_start(a->loop, &t);
	ev_run(a->loop, 0);
	bird_client_free(c);
	ev_loop_destroy(a->loop);
}

static void
test_client(void **state)
{
	struct acase	a;
	char		want[256];
	pid_t		pid;

	/* A working BIRD: up, the command answered in order past '+'. */
	memset(&a, 0, sizeof(a));
	a.stop_after_downs = 1;
	pid = fake_start("ok");
	acase_run(&a, 2.0, 5.0);
	assert_int_equal(a.ups, 1);
	assert_int_equal(a.replies, 1);
	assert_string_equal(a.reply, "did: enable m1");
	fake_stop(pid);

	/* Silent: the greeting times out, it says so. */
	memset(&a, 0, sizeof(a));
	a.stop_after_downs = 1;
	pid = fake_start("silent");
	acase_run(&a, 0.2, 5.0);
	assert_int_equal(a.ups, 0);
	assert_int_equal(a.downs, 1);
	assert_string_equal(a.why, "timeout after 0.2 s waiting for BIRD");
	fake_stop(pid);

	/* No socket yet: reported once, then it appears and we get there. */
	memset(&a, 0, sizeof(a));
	a.stop_after_downs = 99;
	a.late_mode = "ok";
	acase_run(&a, 2.0, 5.0);
	snprintf(want, sizeof(want), "connect %s: No such file or directory",
	    sockpath);
	assert_string_equal(a.why, want);
	assert_int_equal(a.downs, 1);
	assert_int_equal(a.ups, 1);
	assert_int_equal(a.replies, 1);
	fake_stop(a.late_pid);

	/* Garbage greeting: a protocol error, never up. */
	memset(&a, 0, sizeof(a));
	a.stop_after_downs = 1;
	pid = fake_start("garbage");
	acase_run(&a, 2.0, 5.0);
	assert_int_equal(a.ups, 0);
	assert_string_equal(a.why, "protocol error: bad line \"hello there\"");
	fake_stop(pid);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_greeting),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_bytewise),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_queue_bound),
		cmocka_unit_test(test_protos),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_conn, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_client, setup_dir,
		    teardown_dir),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
