/*
 * overlayd: the coimesh node daemon.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "bgp.h"
#include "conf.h"
#include "ctl.h"
#include "dp.h"
#include "ike.h"
#include "kdp.h"
#include "log.h"
#include "nl.h"
#include "peer.h"
#include "priv.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define OVERLAYD_CONF	SYSCONFDIR "/coimesh/overlayd.conf"

static const char	*conffile = OVERLAYD_CONF;
static struct ovl_conf	*conf;
static struct ev_loop	*loop;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: overlayd [-dnv] [-f file]\n");
	exit(1);
}

/*
 * The file holds ESP keys: like bgpd, refuse it unless owned by root (or
 * us) and neither writable by others nor readable by the world.
 */
static int
conf_check_secrecy(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != getuid()) {
		log_warnx("%s: owner must be root or the current user", path);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH | S_IROTH)) {
		log_warnx("%s: bad permissions %03o: it holds keys and must "
		    "not be world-readable or group/world-writable", path,
		    (unsigned int)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

static struct ovl_conf *
load_conf(void)
{
	if (conf_check_secrecy(conffile) == -1)
		return NULL;
	return conf_parse(conffile);
}

static int
reload(void)
{
	struct ovl_conf	*nconf;
	int		 failed;

	log_info("reloading %s", conffile);
	if ((nconf = load_conf()) == NULL) {
		log_warnx("reload failed: %s has errors, running configuration "
		    "kept", conffile);
		return -1;
	}
	if (strcmp(nconf->user, conf->user) != 0 ||
	    strcmp(nconf->ctl_path, conf->ctl_path) != 0 ||
	    strcmp(nconf->ctl_group, conf->ctl_group) != 0)
		log_warnx("user and control socket changes take effect on "
		    "restart");
	bgp_configure(nconf);	/* first: it sees removed tunnels go */
	ike_cert_cache(nconf->ike_cert_cache);
	ike_configure(nconf->ike_cookie_threshold, nconf->ike_halfopen_limit);
	failed = peers_apply(nconf);
	conf_free(conf);
	conf = nconf;
	log_info("reload done%s", failed ? ", some tunnels failed" : "");
	return 0;
}

static void
sighup_cb(struct ev_loop *l, ev_signal *w, int revents)
{
	(void)reload();
}

static void
sigterm_cb(struct ev_loop *l, ev_signal *w, int revents)
{
	log_info("received signal %d, shutting down", w->signum);
	ev_break(l, EVBREAK_ALL);
}

int
main(int argc, char *argv[])
{
	ev_signal	 sighup, sigterm, sigint;
	uid_t		 uid;
	gid_t		 gid, ctl_gid;
	int		 ch, debug = 0, noaction = 0, verbose = 0;

	while ((ch = getopt(argc, argv, "df:nv")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	log_init("overlayd", debug || noaction, verbose);
	if ((conf = load_conf()) == NULL)
		exit(1);
	if (noaction) {
		if (verbose)
			conf_print(stdout, conf);
		fprintf(stderr, "configuration OK\n");
		conf_free(conf);
		exit(0);
	}
	if (geteuid() != 0)
		fatalx("need root privileges");
	if (priv_lookup(conf->user, conf->ctl_group, &uid, &gid, &ctl_gid) == -1)
		exit(1);
	if (!debug && daemon(0, 0) == -1)
		fatal("daemon");

	signal(SIGPIPE, SIG_IGN);
	loop = ev_default_loop(EVFLAG_AUTO);
	if (nl_open() == -1)
		fatal("netlink");
	kdp_init(loop);
	if (dp_init(loop) == -1)
		fatal("data plane");
	peer_init(loop);
	ike_init(loop);
	ike_cert_cache(conf->ike_cert_cache);
	ike_configure(conf->ike_cookie_threshold, conf->ike_halfopen_limit);
	bgp_init(loop);
	bgp_configure(conf);
	if (ctl_open(loop, conf->ctl_path, ctl_gid, reload) == -1)
		fatalx("cannot open control socket %s", conf->ctl_path);
	if (peers_apply(conf) > 0)
		log_warnx("some tunnels failed to come up");
	if (priv_drop(uid, gid) == -1)
		fatalx("cannot drop privileges");
	log_info("running as %s with CAP_NET_ADMIN, CAP_NET_RAW and "
	    "CAP_NET_BIND_SERVICE", conf->user);
	if (access(conffile, R_OK) == -1)
		log_warnx("%s is not readable by %s: SIGHUP reload will fail",
		    conffile, conf->user);

	ev_signal_init(&sighup, sighup_cb, SIGHUP);
	ev_signal_init(&sigterm, sigterm_cb, SIGTERM);
	ev_signal_init(&sigint, sigterm_cb, SIGINT);
	ev_signal_start(loop, &sighup);
	ev_signal_start(loop, &sigterm);
	ev_signal_start(loop, &sigint);
	log_info("started");
	ev_run(loop, 0);

	peers_clear();
	ike_shutdown();
	kdp_close();
	bgp_shutdown();
	ctl_close();
	nl_close();
	dp_shutdown();
	conf_free(conf);
	log_info("terminated");
	return 0;
}
