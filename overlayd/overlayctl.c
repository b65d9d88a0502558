/*
 * overlayctl: query and control a running overlayd.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"

#ifndef RUNDIR
#define RUNDIR	"/run"
#endif

struct ctl_verb {
	const char	*words;		/* the command as typed and as sent */
	void		(*show)(json_t *);
	const char	*help;
};

static void show_tunnels(json_t *);
static void show_ike(json_t *);
static void show_result(json_t *);

static const struct ctl_verb verbs[] = {
	{ "show tunnels", show_tunnels,
	    "tunnels, SPIs, liveness, counters, drops" },
	{ "show ike", show_ike,
	    "IKE SAs and CHILD_SAs: SPIs, algorithms, peer, COIs, ages" },
	{ "reload", show_result, "re-read the configuration file" },
};

static void __attribute__((noreturn))
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: overlayctl [-j] [-s socket] command\n"
	    "commands:\n");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(stderr, "  %-14s %s\n", verbs[i].words, verbs[i].help);
	exit(1);
}

static uint64_t
jint(json_t *o, const char *key)
{
	return (uint64_t)json_integer_value(json_object_get(o, key));
}

static const char *
jstr(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "-";
}

static void
print_drops(const char *label, json_t *drops)
{
	const char	*k;
	json_t		*v;

	printf("%s", label);
	json_object_foreach(drops, k, v)
		printf(" %s %" PRIu64, k, (uint64_t)json_integer_value(v));
	printf("\n");
}

/* One line per BIRD protocol bound to the tunnel. */
static void
print_bgp(json_t *bgp)
{
	json_t	*b;
	size_t	 i;

	json_array_foreach(bgp, i, b) {
		printf("    bgp: %s wanted %s, bird %s", jstr(b, "protocol"),
		    jstr(b, "wanted"), jstr(b, "bird_state"));
		if (json_string_value(json_object_get(b, "bird_info")) != NULL)
			printf(" (%s)", jstr(b, "bird_info"));
		if (json_string_value(json_object_get(b, "error")) != NULL)
			printf(", error: %s", jstr(b, "error"));
		printf("\n");
	}
}

static void
print_bird(json_t *bird)
{
	if (!json_is_object(bird))
		return;
	printf("bird: %s %s", jstr(bird, "socket"),
	    json_is_true(json_object_get(bird, "connected")) ? "connected" :
	    "not connected");
	if (json_string_value(json_object_get(bird, "error")) != NULL)
		printf(" (%s)", jstr(bird, "error"));
	printf(", %" PRIu64 " connects, %" PRIu64 " corrections\n",
	    jint(bird, "connects"), jint(bird, "corrections"));
}

/* The keepalive line of a tunnel (live.c's keys). */
static void
print_liveness(json_t *t)
{
	json_t	*ka = json_object_get(t, "keepalive");
	json_t	*seen = json_object_get(t, "last_seen");

	printf("    liveness %s", jstr(t, "liveness"));
	if (json_is_object(ka))
		printf(" (bfd %s, %" PRIu64 "ms x %" PRIu64 ", hold-down %"
		    PRIu64 "ms)", jstr(json_object_get(t, "bfd"), "state"),
		    jint(ka, "interval_ms"), jint(ka, "multiplier"),
		    jint(ka, "holddown_ms"));
	if (json_is_number(seen))
		printf(", last seen %.3fs ago", json_number_value(seen));
	else
		printf(", never seen");
	printf(", flaps %" PRIu64 "\n", jint(t, "flaps"));
}

static void
show_tunnels(json_t *reply)
{
	json_t	*t;
	size_t	 i;

	printf("%-12s %-16s %-5s %-16s %-5s %5s %-10s %-10s %10s %12s "
	    "%10s %12s\n", "TUNNEL", "INTERFACE", "STATE", "REMOTE", "ENCAP",
	    "MTU", "SPI-IN", "SPI-OUT", "TX-PKTS", "TX-BYTES", "RX-PKTS",
	    "RX-BYTES");
	json_array_foreach(json_object_get(reply, "tunnels"), i, t) {
		printf("%-12s %-16s %-5s %-16s %-5s %5" PRIu64 " %-10s %-10s "
		    "%10" PRIu64 " %12" PRIu64 " %10" PRIu64 " %12" PRIu64 "\n",
		    jstr(t, "name"), jstr(t, "interface"), jstr(t, "state"),
		    jstr(t, "remote"), jstr(t, "encap"), jint(t, "mtu"),
		    jstr(t, "spi_in"), jstr(t, "spi_out"),
		    jint(t, "tx_packets"), jint(t, "tx_bytes"),
		    jint(t, "rx_packets"), jint(t, "rx_bytes"));
		if (strcmp(jstr(t, "mode"), "tunnel") == 0)
			printf("    ESP in tunnel mode\n");
		print_liveness(t);
		print_drops("    drops:", json_object_get(t, "drops"));
		print_bgp(json_object_get(t, "bgp"));
	}
	print_drops("drops not tied to a tunnel:",
	    json_object_get(reply, "drops"));
	print_bird(json_object_get(reply, "bird"));
}

static bool
jtrue(json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

static void
show_ike(json_t *reply)
{
	json_t	*sa, *c, *k = json_object_get(reply, "counters");
	size_t	 i;

	printf("%-12s %-11s %-9s %-33s %-11s %-10s %-8s %s\n", "TUNNEL",
	    "STATE", "ROLE", "SPI-I/SPI-R", "ENCRYPTION", "DH", "AGE",
	    "PEER (SHARED COI)");
	json_array_foreach(json_object_get(reply, "ike_sas"), i, sa) {
		printf("%-12s %-11s %-9s %s/%s %-11s %-10s %-8" PRIu64
		    " %s (%s)\n", jstr(sa, "tunnel"), jstr(sa, "state"),
		    jstr(sa, "role"), jstr(sa, "spi_i"), jstr(sa, "spi_r"),
		    jstr(sa, "encryption"), jstr(sa, "dh"), jint(sa, "age"),
		    jstr(sa, "peer_id"), jstr(sa, "shared_coi"));
		printf("    UDP %" PRIu64 " to port %" PRIu64 ", NAT %s%s%s%s\n",
		    jint(sa, "port"), jint(sa, "remote_port"),
		    jtrue(sa, "nat_local") ? "detected here" : "",
		    jtrue(sa, "nat_local") && jtrue(sa, "nat_remote") ?
		    ", " : "", jtrue(sa, "nat_remote") ? "detected at the peer" :
		    "", jtrue(sa, "nat_local") || jtrue(sa, "nat_remote") ? "" :
		    "not detected");
		if ((c = json_object_get(sa, "child")) != NULL &&
		    json_is_object(c))
			printf("    child: ESP %s %s, SPI in %s out %s, %s, "
			    "age %" PRIu64 "\n", jstr(c, "mode"),
			    jstr(c, "encryption"), jstr(c, "spi_in"),
			    jstr(c, "spi_out"), json_is_true(json_object_get(c,
			    "esn")) ? "esn" : "no esn", jint(c, "age"));
		if ((c = json_object_get(sa, "rekey")) != NULL &&
		    json_is_object(c))
			printf("    rekey: IKE in %" PRIu64 " s, CHILD in %"
			    PRIu64 " s; rekeyed IKE %" PRIu64 " (%" PRIu64
			    " by us), CHILD %" PRIu64 " (%" PRIu64 " by us)\n",
			    jint(c, "rekey_in"), jint(json_object_get(sa,
			    "child"), "rekey_in"), jint(c, "ike"),
			    jint(c, "ike_initiated"), jint(c, "child"),
			    jint(c, "child_initiated"));
	}
	printf("IKE messages: rx %" PRIu64 ", tx %" PRIu64 ", dropped %" PRIu64
	    " (unknown peer %" PRIu64 "); established %" PRIu64
	    ", authentication failures %" PRIu64 "\n", jint(k, "rx"),
	    jint(k, "tx"), jint(k, "rx_dropped"), jint(k, "rx_unknown_peer"),
	    jint(k, "established"), jint(k, "auth_failed"));
	printf("IKE_SA_INIT defence: cookies sent %" PRIu64 ", dropped over "
	    "the half-open limit %" PRIu64 "\n", jint(k, "cookies_sent"),
	    jint(k, "halfopen_dropped"));
	printf("IKE fragments (RFC 7383): tx %" PRIu64 ", rx %" PRIu64
	    ", dropped %" PRIu64 "; messages reassembled %" PRIu64 "\n",
	    jint(k, "fragments_tx"), jint(k, "fragments_rx"),
	    jint(k, "fragments_dropped"), jint(k, "reassembled"));
}

static void
show_result(json_t *reply)
{
	printf("%s\n", jstr(reply, "result"));
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >=
	    sizeof(sun.sun_path)) {
		fprintf(stderr, "overlayctl: socket path too long: %s\n", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "overlayctl: connect %s: %s (is overlayd "
		    "running?)\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* Sends the request and reads the whole reply, bounded. */
static json_t *
ctl_request(const char *path, const char *command)
{
	json_error_t	 jerr;
	json_t		*req, *reply;
	char		*line, *buf;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = ctl_connect(path)) == -1)
		return NULL;
	req = json_pack("{s:s}", "command", command);
	line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (line == NULL || (buf = malloc(CTL_REPLY_MAX + 1)) == NULL) {
		fprintf(stderr, "overlayctl: out of memory\n");
		exit(1);
	}
	if (dprintf(fd, "%s\n", line) < 0) {
		fprintf(stderr, "overlayctl: write: %s\n", strerror(errno));
		exit(1);
	}
	free(line);
	while (len < CTL_REPLY_MAX &&
	    (n = read(fd, buf + len, CTL_REPLY_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	reply = json_loads(buf, 0, &jerr);
	free(buf);
	if (reply == NULL || !json_is_object(reply)) {
		fprintf(stderr, "overlayctl: bad reply from overlayd: %s\n",
		    reply == NULL ? jerr.text : "not an object");
		json_decref(reply);
		return NULL;
	}
	return reply;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const struct ctl_verb	*verb = NULL;
	const char		*sock = RUNDIR "/overlayd.sock";
	char			 words[128] = "";
	json_t			*reply;
	size_t			 i, len;
	int			 ch, n, json = 0, rv = 0;

	while ((ch = getopt_long(argc, argv, "js:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	for (i = (size_t)optind, len = 0; i < (size_t)argc; i++) {
		n = snprintf(words + len, sizeof(words) - len, "%s%s",
		    len > 0 ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(words) - len)
			usage();
		len += (size_t)n;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(words, verbs[i].words) == 0)
			verb = &verbs[i];
	if (verb == NULL) {
		if (words[0] != '\0')
			fprintf(stderr, "overlayctl: unknown command \"%s\"\n",
			    words);
		usage();
	}
	if ((reply = ctl_request(sock, verb->words)) == NULL)
		return 1;
	if (json_object_get(reply, "error") != NULL) {
		fprintf(stderr, "overlayctl: %s\n", jstr(reply, "error"));
		rv = 1;
	} else if (json) {
		json_dumpf(reply, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
	} else
		verb->show(reply);
	json_decref(reply);
	return rv;
}
