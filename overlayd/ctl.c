/*
 * ctl.c: control socket server. Bounded request, idle timeout per client,
 * non-blocking reply, a command table.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "addr.h"
#include "bgp.h"
#include "ctl.h"
#include "dp.h"
#include "ike.h"
#include "live.h"
#include "log.h"
#include "peer.h"

struct ctl_conn {
	ev_io		 rd;
	ev_io		 wr;
	ev_timer	 idle;
	int		 fd;
	size_t		 inlen;
	char		 in[CTL_REQ_MAX + 1];
	char		*out;
	size_t		 outlen;
	size_t		 outoff;
};

struct ctl_cmd {
	const char	*name;
	json_t		*(*fn)(void);
};

static struct ev_loop	*ctl_loop;
static ev_io		 ctl_accept_ev;
static int		 ctl_fd = -1;
static char		 ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static ctl_reload_fn	 ctl_reload;
static unsigned int	 ctl_nclients;

static json_t *
ctl_drops(const struct dp_stats *st)
{
	json_t		*o = json_object();
	enum dp_drop	 d;

	for (d = 0; d < DROP_MAX; d++)
		json_object_set_new(o, dp_drop_name(d),
		    json_integer((json_int_t)st->drops[d]));
	return o;
}

static json_t *
ctl_spi(uint32_t spi, int present)
{
	char	buf[16];

	if (!present)
		return json_null();
	snprintf(buf, sizeof(buf), "0x%08x", spi);
	return json_string(buf);
}

/* Every inbound SA (several while a rekey is going on); userspace only. */
static json_t *
ctl_spis_in(const struct peer *p)
{
	json_t			*arr = json_array();
	const struct esp_sa	*sa;
	unsigned int		 i;

	for (i = 0; (sa = dp_sa_in(p, i)) != NULL; i++)
		json_array_append_new(arr, ctl_spi(sa->spi, 1));
	return arr;
}

static json_t *
ctl_tunnel(struct peer *p)
{
	const struct dp_stats	*st = dp_peer_stats(p);
	char			 l[ADDR_STRLEN], r[ADDR_STRLEN];
	uint32_t		 spi_in = 0, spi_out = 0;
	json_t			*t;
	int			 has_in, has_out;

	t = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}",
	    "name", p->conf.name,
	    "interface", p->ifname,
	    "state", peer_state_str(p),
	    "local", addr_fmt(&p->conf.local, l, sizeof(l)),
	    "remote", addr_fmt(&p->conf.remote, r, sizeof(r)),
	    "encap", peer_encap(p) == ENCAP_UDP ? "udp" : "esp",
	    "mtu", (json_int_t)p->inner_mtu,
	    "underlay_mtu", (json_int_t)p->mtu,
	    "path_mtu", (json_int_t)p->pmtu);
	json_object_set_new(t, "gre_key", p->conf.gre_key_set ?
	    json_integer(p->conf.gre_key) : json_null());
	has_in = dp_peer_spi(p, SA_DIR_IN, &spi_in) == 0;
	has_out = dp_peer_spi(p, SA_DIR_OUT, &spi_out) == 0;
	json_object_set_new(t, "spi_in", ctl_spi(spi_in, has_in));
	json_object_set_new(t, "spi_out", ctl_spi(spi_out, has_out));
	json_object_set_new(t, "mode", json_string(peer_tunnel_mode(p) ?
	    "tunnel" : "transport"));
	json_object_set_new(t, "spis_in", ctl_spis_in(p));
	json_object_set_new(t, "dataplane",
	    json_string(p->kdp != NULL ? "kernel" : "userspace"));
	json_object_set_new(t, "tx_packets", json_integer((json_int_t)st->tx_packets));
	json_object_set_new(t, "tx_bytes", json_integer((json_int_t)st->tx_bytes));
	json_object_set_new(t, "tx_errors", json_integer((json_int_t)st->tx_errors));
	json_object_set_new(t, "rx_packets", json_integer((json_int_t)st->rx_packets));
	json_object_set_new(t, "rx_bytes", json_integer((json_int_t)st->rx_bytes));
	json_object_set_new(t, "rx_errors", json_integer((json_int_t)st->rx_errors));
	json_object_set_new(t, "drops", ctl_drops(st));
	json_object_set_new(t, "bgp", bgp_json_tunnel(p->conf.name));
	live_json(t, p);
	return t;
}

static json_t *
ctl_show_tunnels(void)
{
	json_t		*arr = json_array();
	struct peer	*p;

	TAILQ_FOREACH(p, peers(), entry)
		json_array_append_new(arr, ctl_tunnel(p));
	return json_pack("{s:o, s:o, s:o}", "tunnels", arr,
	    "drops", ctl_drops(dp_global_stats()), "bird", bgp_json());
}

static json_t *
ctl_do_reload(void)
{
	if (ctl_reload() == -1)
		return json_pack("{s:s}", "error",
		    "reload failed, running configuration kept (see log)");
	return json_pack("{s:s}", "result", "reloaded");
}

static const struct ctl_cmd ctl_cmds[] = {
	{ "reload",		ctl_do_reload },
	{ "show ike",		ike_json },
	{ "show tunnels",	ctl_show_tunnels },
};

static json_t *ctl_error(const char *, ...)
    __attribute__((format(printf, 1, 2)));

static json_t *
ctl_error(const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:s}", "error", msg);
}

/* Validates the request, then dispatches it. Always returns a reply. */
static json_t *
ctl_dispatch(const char *line)
{
	json_error_t	 jerr;
	json_t		*req, *reply;
	const char	*cmd;
	size_t		 i;

	if ((req = json_loads(line, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return ctl_error("invalid request: %s", jerr.text);
	cmd = json_string_value(json_object_get(req, "command"));
	if (!json_is_object(req) || cmd == NULL) {
		json_decref(req);
		return ctl_error("invalid request: %s",
		    "expected {\"command\": \"...\"}");
	}
	reply = NULL;
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		if (strcmp(cmd, ctl_cmds[i].name) == 0) {
			reply = ctl_cmds[i].fn();
			break;
		}
	if (reply == NULL)
		reply = ctl_error("unknown command \"%.64s\"", cmd);
	json_decref(req);
	return reply;
}

static void
ctl_conn_close(struct ctl_conn *c)
{
	ev_io_stop(ctl_loop, &c->rd);
	ev_io_stop(ctl_loop, &c->wr);
	ev_timer_stop(ctl_loop, &c->idle);
	close(c->fd);
	free(c->out);
	free(c);
	ctl_nclients--;
}

static void
ctl_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_conn	*c = w->data;
	ssize_t		 n;

	n = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		ctl_conn_close(c);
		return;
	}
	c->outoff += (size_t)n;
	if (c->outoff == c->outlen)
		ctl_conn_close(c);
}

static void
ctl_reply(struct ctl_conn *c, json_t *reply)
{
	char	*s;

	s = json_dumps(reply, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(reply);
	if (s == NULL) {
		ctl_conn_close(c);
		return;
	}
	c->outlen = strlen(s) + 1;
	if ((c->out = realloc(s, c->outlen + 1)) == NULL) {
		free(s);
		ctl_conn_close(c);
		return;
	}
	c->out[c->outlen - 1] = '\n';
	ev_io_stop(ctl_loop, &c->rd);
	ev_io_start(ctl_loop, &c->wr);
}

static void
ctl_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_conn	*c = w->data;
	char		*nl;
	ssize_t		 n;

	n = read(c->fd, c->in + c->inlen, CTL_REQ_MAX - c->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		ctl_conn_close(c);
		return;
	}
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	if (memchr(c->in, '\0', c->inlen) != NULL) {
		ctl_reply(c, ctl_error("invalid request: %s", "NUL byte"));
		return;
	}
	if ((nl = strchr(c->in, '\n')) != NULL) {
		*nl = '\0';
		ctl_reply(c, ctl_dispatch(c->in));
	} else if (c->inlen == CTL_REQ_MAX)
		ctl_reply(c, ctl_error("request longer than %d bytes", CTL_REQ_MAX));
	else
		ev_timer_again(ctl_loop, &c->idle);
}

static void
ctl_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ctl_conn_close(w->data);
}

static void
ctl_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_conn	*c;
	int		 fd;

	if ((fd = accept4(ctl_fd, NULL, NULL,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control socket accept");
		return;
	}
	if (ctl_nclients >= CTL_CLIENTS_MAX ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		log_warnx("control socket: too many clients");
		close(fd);
		return;
	}
	ctl_nclients++;
	c->fd = fd;
	ev_io_init(&c->rd, ctl_read_cb, fd, EV_READ);
	ev_io_init(&c->wr, ctl_write_cb, fd, EV_WRITE);
	ev_init(&c->idle, ctl_idle_cb);
	c->idle.repeat = CTL_IDLE;
	c->rd.data = c->wr.data = c->idle.data = c;
	ev_io_start(loop, &c->rd);
	ev_timer_again(loop, &c->idle);
}

/*
 * Creates the socket as root: a stale socket is replaced, the new one is
 * owner root, group `gid`, mode 0660.
 */
int
ctl_open(struct ev_loop *loop, const char *path, gid_t gid,
    ctl_reload_fn reload)
{
	struct sockaddr_un	sun;
	mode_t			old;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >=
	    sizeof(sun.sun_path)) {
		log_warnx("control socket path too long: %s", path);
		return -1;
	}
	if ((ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_warn("control socket");
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("unlink %s", path);
	old = umask(0117);
	if (bind(ctl_fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("bind %s", path);
		umask(old);
		goto fail;
	}
	umask(old);
	if (chown(path, 0, gid) == -1 || chmod(path, 0660) == -1 ||
	    listen(ctl_fd, 16) == -1) {
		log_warn("control socket %s", path);
		goto fail;
	}
	snprintf(ctl_path, sizeof(ctl_path), "%s", path);
	ctl_loop = loop;
	ctl_reload = reload;
	ev_io_init(&ctl_accept_ev, ctl_accept_cb, ctl_fd, EV_READ);
	ev_io_start(loop, &ctl_accept_ev);
	return 0;
fail:
	close(ctl_fd);
	ctl_fd = -1;
	return -1;
}

void
ctl_close(void)
{
	if (ctl_fd == -1)
		return;
	ev_io_stop(ctl_loop, &ctl_accept_ev);
	close(ctl_fd);
	ctl_fd = -1;
	/* may fail once privileges are gone; a restart replaces it */
	if (unlink(ctl_path) == -1 && errno != ENOENT)
		log_debug("unlink %s: %s", ctl_path, strerror(errno));
}
