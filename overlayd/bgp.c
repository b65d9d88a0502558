/*
 * bgp.c: the BIRD driver. One binding per BIRD protocol named in the
 * configuration, kept by protocol name so that it survives reloads that
 * rebuild its tunnel. A binding's wanted state is computed when needed
 * (its tunnel exists and is up), never stored, so nothing can go stale.
 *
 * Every tunnel transition sends `enable NAME` or `disable NAME` at once
 * and then reads `show protocols`; the read (also on every connect and
 * every BGP_POLL_INTERVAL) corrects any protocol whose state in BIRD
 * disagrees, unless a command for it was sent after the read was: BIRD
 * answers in order, so that read is older than the command.
 *
 * lib/bird.h's client does the socket, timeouts and reconnect backoff;
 * nothing here blocks the loop.
 */
#include "config.h"

#include <sys/queue.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "bird.h"
#include "log.h"
#include "peer.h"

struct bgp_bind {
	TAILQ_ENTRY(bgp_bind)	 entry;
	char			 name[CONF_BGP_NAME_MAX + 1];
	char			 peer[CONF_PEER_NAME_MAX + 1];
	bool			 stale;		/* during bgp_configure() */
	bool			 read;		/* seen in a show protocols */
	bool			 found;		/* present in the last one */
	char			 state[9];	/* "up", "down", "start", ... */
	char			 info[129];
	char			 since[33];
	uint64_t		 cmd_seq;	/* of the last command sent */
	char			 error[160];	/* last error reply, or "" */
	uint64_t		 enables;	/* commands that changed BIRD */
	uint64_t		 disables;
};
TAILQ_HEAD(bgp_bind_head, bgp_bind);

/* What a command callback needs; the binding may be gone by then. */
struct bgp_req {
	char			 name[CONF_BGP_NAME_MAX + 1];
	bool			 enable;
	uint64_t		 seq;
};

static struct {
	struct ev_loop		*loop;
	struct bird_client	*client;
	char			 path[sizeof(((struct ovl_conf *)0)->bird_path)];
	double			 timeout;
	ev_timer		 poll;
	struct bgp_bind_head	 binds;
	uint64_t		 seq;		/* commands sent */
	bool			 show_busy;	/* a show protocols in flight */
	bool			 reread;	/* another one wanted after it */
	unsigned int		 npending;	/* our commands in flight */
	char			 error[192];	/* why the link is down, or "" */
	uint64_t		 connects;
	uint64_t		 corrections;	/* drift found and corrected */
	ev_tstamp		 last_read;
	struct log_rl		 rl;
} bgp = { .binds = TAILQ_HEAD_INITIALIZER(bgp.binds) };

static void	bgp_read(void);

static struct bgp_bind *
bgp_find(const char *name)
{
	struct bgp_bind	*b;

	TAILQ_FOREACH(b, &bgp.binds, entry)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

static bool
bgp_wanted(const struct bgp_bind *b)
{
	const struct peer	*p = peer_find(b->peer);

	return p != NULL && p->up;
}

static void
bgp_cmd_cb(struct bird_client *c, const struct bird_reply *r,
    const char *err, void *arg)
{
	struct bgp_req	*rq = arg;
	struct bgp_bind	*b = bgp_find(rq->name);
	const char	*verb = rq->enable ? "enable" : "disable";
	int		 code;

	bgp.npending--;
	if (r == NULL) {
		/* the link failed: the state callback logs it once */
		log_debug("BIRD: %s %s: %s", verb, rq->name, err);
	} else if (!bird_reply_ok(r)) {
		log_rl(&bgp.rl, "BIRD: %s %s: error %04d: %s", verb, rq->name,
		    r->code, bird_reply_msg(r));
		if (b != NULL)
			snprintf(b->error, sizeof(b->error), "%s: %04d %s",
			    verb, r->code, bird_reply_msg(r));
	} else {
		/* "0009-m1: disabled" or 0011 enabled, 0008/0010 already so */
		code = r->nlines > 0 ? r->lines[0].code : r->code;
		if (code == 9 || code == 11) {
			log_info("BIRD: %s", bird_reply_msg(r));
			if (b != NULL && code == 9)
				b->disables++;
			else if (b != NULL)
				b->enables++;
		} else
			log_debug("BIRD: %s", bird_reply_msg(r));
		if (b != NULL)
			b->error[0] = '\0';
	}
	free(rq);
}

/* Queue enable/disable NAME; false when it could not be queued. */
static bool
bgp_send(struct bgp_bind *b, bool enable)
{
	struct bgp_req	*rq;
	char		 cmd[CONF_BGP_NAME_MAX + 16];

	if (bgp.client == NULL || !bird_client_up(bgp.client))
		return false;	/* the read after connecting corrects it */
	if ((rq = calloc(1, sizeof(*rq))) == NULL) {
		log_warn("%s", __func__);
		return false;
	}
	snprintf(cmd, sizeof(cmd), "%s %s", enable ? "enable" : "disable",
	    b->name);
	memcpy(rq->name, b->name, sizeof(rq->name));
	rq->enable = enable;
	rq->seq = ++bgp.seq;
	if (bird_client_cmd(bgp.client, cmd, bgp_cmd_cb, rq) == -1) {
		log_warnx("BIRD: cannot queue \"%s\"", cmd);
		free(rq);
		return false;
	}
	b->cmd_seq = rq->seq;
	bgp.npending++;
	log_debug("BIRD: sent \"%s\"", cmd);
	return true;
}

void
bgp_peer_state(const struct peer *p)
{
	struct bgp_bind	*b;
	bool		 sent = false;

	TAILQ_FOREACH(b, &bgp.binds, entry) {
		if (strcmp(b->peer, p->conf.name) != 0)
			continue;
		if (bgp_send(b, p->up))
			sent = true;
	}
	if (sent)
		bgp_read();	/* show the new state */
}

/* Copy a show protocols row into the binding; note appearance changes. */
static void
bgp_note_row(struct bgp_bind *b, const struct bird_proto *row)
{
	if (row == NULL) {
		if (b->found || !b->read)
			log_warnx("BIRD has no protocol \"%s\" (bound to "
			    "tunnel %s)", b->name, b->peer);
		b->found = false;
		b->state[0] = b->info[0] = b->since[0] = '\0';
	} else {
		if (b->read && !b->found)
			log_info("BIRD protocol \"%s\" appeared", b->name);
		b->found = true;
		memcpy(b->state, row->state, sizeof(b->state));
		memcpy(b->info, row->info, sizeof(b->info));
		memcpy(b->since, row->since, sizeof(b->since));
	}
	b->read = true;
}

/*
 * BIRD shows a disabled protocol as "down", one being disabled as "stop"
 * or "flush" (left alone when that is what we want); anything else runs.
 */
static void
bgp_correct(struct bgp_bind *b, uint64_t read_seq)
{
	bool	wanted = bgp_wanted(b), down;

	if (!b->found || b->cmd_seq > read_seq)
		return;
	if (!wanted && (strcmp(b->state, "stop") == 0 ||
	    strcmp(b->state, "flush") == 0))
		return;
	down = strcmp(b->state, "down") == 0;
	if (wanted == !down)
		return;
	log_info("BIRD protocol %s is %s but tunnel %s is %s: %s it",
	    b->name, b->state, b->peer, wanted ? "up" : "down",
	    wanted ? "enabling" : "disabling");
	bgp.corrections++;
	(void)bgp_send(b, wanted);
}

static const struct bird_proto *
bgp_row_find(const struct bird_proto *rows, int n, const char *name)
{
	int	i;

	for (i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return &rows[i];
	return NULL;
}

static void
bgp_show_cb(struct bird_client *c, const struct bird_reply *r,
    const char *err, void *arg)
{
	uint64_t		 read_seq = *(uint64_t *)arg;
	struct bird_proto	*rows;
	struct bgp_bind		*b;
	int			 n;

	free(arg);
	bgp.npending--;
	bgp.show_busy = false;
	if (r == NULL)
		return;
	if ((n = bird_protos_parse(r, &rows)) == -1) {
		log_rl(&bgp.rl, "BIRD: show protocols: %s %04d: %s",
		    bird_reply_ok(r) ? "unparsable reply" : "error", r->code,
		    bird_reply_msg(r));
		return;
	}
	bgp.last_read = ev_now(bgp.loop);
	TAILQ_FOREACH(b, &bgp.binds, entry) {
		bgp_note_row(b, bgp_row_find(rows, n, b->name));
		bgp_correct(b, read_seq);
	}
	bird_protos_free(rows);
	if (bgp.reread) {
		bgp.reread = false;
		bgp_read();
	}
}

/* Read show protocols, or once more after the read in flight. */
static void
bgp_read(void)
{
	uint64_t	*seq;

	if (bgp.client == NULL || !bird_client_up(bgp.client))
		return;
	if (bgp.show_busy) {
		bgp.reread = true;
		return;
	}
	if ((seq = malloc(sizeof(*seq))) == NULL) {
		log_warn("%s", __func__);
		return;
	}
	*seq = bgp.seq;
	if (bird_client_cmd(bgp.client, "show protocols", bgp_show_cb,
	    seq) == -1) {
		log_warnx("BIRD: cannot queue \"show protocols\"");
		free(seq);
		return;
	}
	bgp.show_busy = true;
	bgp.npending++;
}

static void
bgp_state_cb(struct bird_client *c, bool up, const char *why, void *arg)
{
	if (up) {
		bgp.connects++;
		bgp.error[0] = '\0';
		log_info("BIRD: connected to %s", bgp.path);
		bgp_read();
		return;
	}
	bgp.show_busy = bgp.reread = false;
	snprintf(bgp.error, sizeof(bgp.error), "%s", why);
	log_warnx("BIRD: %s: %s; reconnecting", bgp.path, why);
}

static void
bgp_poll_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	bgp_read();
}

void
bgp_init(struct ev_loop *loop)
{
	bgp.loop = loop;
	ev_timer_init(&bgp.poll, bgp_poll_cb, BGP_POLL_INTERVAL,
	    BGP_POLL_INTERVAL);
}

static void
bgp_client_set(const struct ovl_conf *conf)
{
	if (bgp.client != NULL && strcmp(bgp.path, conf->bird_path) == 0 &&
	    bgp.timeout == conf->bird_timeout)
		return;
	if (bgp.client != NULL) {
		log_info("BIRD: closing %s", bgp.path);
		bird_client_free(bgp.client);	/* fails what is pending */
		bgp.client = NULL;
		ev_timer_stop(bgp.loop, &bgp.poll);
	}
	bgp.show_busy = bgp.reread = false;
	bgp.error[0] = '\0';
	memcpy(bgp.path, conf->bird_path, sizeof(bgp.path));
	bgp.timeout = conf->bird_timeout;
	if (bgp.path[0] == '\0')
		return;
	if ((bgp.client = bird_client_new(bgp.loop, bgp.path, bgp.timeout,
	    bgp_state_cb, NULL)) == NULL) {
		log_warn("BIRD: %s", bgp.path);
		snprintf(bgp.error, sizeof(bgp.error), "cannot create client");
		return;
	}
	snprintf(bgp.error, sizeof(bgp.error), "connecting");
	ev_timer_again(bgp.loop, &bgp.poll);
}

static void
bgp_bind_add(const char *name, const char *peer)
{
	struct bgp_bind	*b;

	if ((b = bgp_find(name)) != NULL) {
		if (strcmp(b->peer, peer) != 0)
			log_info("BIRD protocol %s: tunnel %s -> %s", name,
			    b->peer, peer);
		b->stale = false;
	} else {
		if ((b = calloc(1, sizeof(*b))) == NULL)
			fatal("%s", __func__);
		snprintf(b->name, sizeof(b->name), "%s", name);
		TAILQ_INSERT_TAIL(&bgp.binds, b, entry);
	}
	snprintf(b->peer, sizeof(b->peer), "%s", peer);
}

/*
 * A protocol that is no longer bound: if its tunnel was removed it goes
 * down with it; if only the binding went, overlayd leaves it as it is.
 */
static void
bgp_bind_drop(const struct ovl_conf *conf, struct bgp_bind *b)
{
	if (conf_peer_find(conf, b->peer) == NULL) {
		log_info("BIRD protocol %s: tunnel %s removed", b->name,
		    b->peer);
		(void)bgp_send(b, false);
	} else
		log_info("BIRD protocol %s is no longer bound to tunnel %s; "
		    "left as it is", b->name, b->peer);
	TAILQ_REMOVE(&bgp.binds, b, entry);
	free(b);
}

void
bgp_configure(const struct ovl_conf *conf)
{
	const struct peer_conf	*pc;
	struct bgp_bind		*b, *next;
	unsigned int		 i;

	bgp_client_set(conf);
	TAILQ_FOREACH(b, &bgp.binds, entry)
		b->stale = true;
	for (pc = TAILQ_FIRST(&conf->peers); pc != NULL;
	    pc = TAILQ_NEXT(pc, entry))
		for (i = 0; i < pc->nbgp; i++)
			bgp_bind_add(pc->bgp[i], pc->name);
	for (b = TAILQ_FIRST(&bgp.binds); b != NULL; b = next) {
		next = TAILQ_NEXT(b, entry);
		if (b->stale)
			bgp_bind_drop(conf, b);
	}
	bgp_read();
}

static void
bgp_shutdown_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	*(bool *)w->data = true;
}

void
bgp_shutdown(void)
{
	struct bgp_bind	*b;
	ev_timer	 deadline;
	bool		 expired = false;

	ev_timer_stop(bgp.loop, &bgp.poll);
	if (bgp.client != NULL && bird_client_up(bgp.client)) {
		TAILQ_FOREACH(b, &bgp.binds, entry)
			(void)bgp_send(b, false);
		ev_timer_init(&deadline, bgp_shutdown_timer_cb,
		    BGP_SHUTDOWN_WAIT, 0.);
		deadline.data = &expired;
		ev_timer_start(bgp.loop, &deadline);
		while (bgp.npending > 0 && !expired &&
		    bird_client_up(bgp.client))
			ev_run(bgp.loop, EVRUN_ONCE);
		ev_timer_stop(bgp.loop, &deadline);
		if (bgp.npending > 0)
			log_warnx("BIRD: exiting with %u commands unanswered",
			    bgp.npending);
	}
	bird_client_free(bgp.client);
	bgp.client = NULL;
	while ((b = TAILQ_FIRST(&bgp.binds)) != NULL) {
		TAILQ_REMOVE(&bgp.binds, b, entry);
		free(b);
	}
}

static json_t *
bgp_json_str(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *
bgp_json_bind(const struct bgp_bind *b)
{
	json_t	*o;

	o = json_pack("{s:s, s:s}", "protocol", b->name,
	    "wanted", bgp_wanted(b) ? "enabled" : "disabled");
	json_object_set_new(o, "bird_state", b->found ?
	    json_string(b->state) : json_string(b->read ? "missing" :
	    "unknown"));
	json_object_set_new(o, "bird_info", bgp_json_str(b->info));
	json_object_set_new(o, "bird_since", bgp_json_str(b->since));
	json_object_set_new(o, "enables", json_integer((json_int_t)b->enables));
	json_object_set_new(o, "disables",
	    json_integer((json_int_t)b->disables));
	json_object_set_new(o, "error", bgp_json_str(b->error));
	return o;
}

json_t *
bgp_json_tunnel(const char *peer)
{
	const struct bgp_bind	*b;
	json_t			*arr = json_array();

	TAILQ_FOREACH(b, &bgp.binds, entry)
		if (strcmp(b->peer, peer) == 0)
			json_array_append_new(arr, bgp_json_bind(b));
	return arr;
}

json_t *
bgp_json(void)
{
	json_t	*o;
	bool	 up;

	if (bgp.path[0] == '\0')
		return json_null();
	up = bgp.client != NULL && bird_client_up(bgp.client);
	o = json_pack("{s:s, s:b}", "socket", bgp.path, "connected", up);
	json_object_set_new(o, "error", up ? json_null() :
	    bgp_json_str(bgp.error));
	json_object_set_new(o, "connects",
	    json_integer((json_int_t)bgp.connects));
	json_object_set_new(o, "corrections",
	    json_integer((json_int_t)bgp.corrections));
	json_object_set_new(o, "last_read_ms_ago", bgp.last_read > 0 ?
	    json_integer((json_int_t)((ev_now(bgp.loop) - bgp.last_read) *
	    1000)) : json_null());
	return o;
}
