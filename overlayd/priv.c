/*
 * priv.c: user lookup and the libcap-ng privilege drop.
 */
#include "config.h"

#include <sys/prctl.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cap-ng.h>

#include "log.h"
#include "priv.h"

int
priv_lookup(const char *user, const char *group, uid_t *uid, gid_t *gid,
    gid_t *ctl_gid)
{
	struct passwd	*pw;
	struct group	*gr;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		log_warnx("unknown user \"%s\"%s", user,
		    errno ? "" : " (create it, e.g. useradd --system)");
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	*ctl_gid = pw->pw_gid;
	if (group[0] != '\0') {
		if ((gr = getgrnam(group)) == NULL) {
			log_warnx("unknown group \"%s\"", group);
			return -1;
		}
		*ctl_gid = gr->gr_gid;
	}
	if (*uid == 0) {
		log_warnx("user \"%s\" is root: refusing to run privileged",
		    user);
		return -1;
	}
	return 0;
}

int
priv_drop(uid_t uid, gid_t gid)
{
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_updatev(CAPNG_ADD,
	    CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
	    CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE, -1) == -1) {
		log_warnx("capng_updatev failed");
		return -1;
	}
	if (capng_change_id((int)uid, (int)gid,
	    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) != 0) {
		log_warnx("cannot change to uid %u gid %u", (unsigned)uid,
		    (unsigned)gid);
		return -1;
	}
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid)
		fatalx("privilege drop did not take effect");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		log_warn("PR_SET_NO_NEW_PRIVS");
	return 0;
}
