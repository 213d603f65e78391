/*
 * watch_freebsd.c: seeing vnet jails die.
 *
 * Removing a jail returns at once; the kernel dismantles its vnet when
 * the last reference goes, in its prison task queue, and nothing tells
 * userland when a dying jail is finally gone.  An interface does: each
 * vnet gets a canary, an epair(4) made inside the vnet whose one end is
 * then lent to the observer (the sandbox's host).  An epair belongs to
 * the vnet it was made in: when that vnet is dismantled, after its
 * protocols are, its epairs are destroyed, the lent end included, and
 * the observer's routing socket announces that end's departure
 * (RTM_IFANNOUNCE, IFAN_DEPARTURE).  By then the jail has left the
 * kernel's list of jails, dying ones included.  We wait for that
 * announcement with poll(2).
 *
 * (An interface that was lent to the dying vnet instead comes back to
 * where it was made when the vnet starts dismantling: too early to say
 * anything, which is why the canary is made inside.)
 */
#include <sys/param.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/route.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os_common.h"
#include "os_freebsd.h"
#include "../pk_time.h"

struct pk_os_watch {
	int			 fd;	/* routing socket in the observer */
	struct pk_os_vnet	*observer;
};

/*
 * Both ends end up named name: it is unique in the observer by
 * construction, and inside the vnet it says what the thing is.
 */
int
pk_os_vnet_arm(struct pk_os_vnet *observer, struct pk_os_vnet *ov,
    const char *name, struct pk_err *err)
{
	char made[PK_OS_IFNAMSIZ], mb[PK_OS_IFNAMSIZ];
	struct pk_os_link l;
	int s;

	if ((s = pk_fbsd_sock(ov, PK_FBSD_SL, err)) < 0 ||
	    pk_fbsd_if_create(s, "epair", made, err) != 0)
		return (pk_err_prefix(err, "canary %s", name));
	strlcpy(mb, made, sizeof(mb));
	mb[strlen(mb) - 1] = 'b';
	if (pk_fbsd_if_rename(s, made, name, err) != 0) {
		(void)pk_fbsd_if_destroy(s, made, NULL);
		return (pk_err_prefix(err, "canary %s", name));
	}
	if (pk_fbsd_move(ov, name, observer, err) != 0) {
		(void)pk_fbsd_if_destroy(s, name, NULL);
		return (pk_err_prefix(err, "canary %s", name));
	}
	if (pk_fbsd_if_rename(s, mb, name, err) != 0 ||
	    pk_os_link_get(observer, name, &l, err) != 1) {
		/* From inside, where it was made, it goes with its peer. */
		(void)pk_fbsd_if_destroy(s, mb, NULL);
		(void)pk_fbsd_if_destroy(s, name, NULL);
		return (pk_err_prefix(err, "canary %s", name));
	}
	snprintf(ov->canary, sizeof(ov->canary), "%s", name);
	ov->canary_index = l.index;
	return (0);
}

const char *
pk_os_vnet_canary(const struct pk_os_vnet *ov, int *index)
{

	*index = ov->canary_index;
	return (ov->canary);
}

int
pk_os_watch_open(struct pk_os_vnet *observer, struct pk_os_watch **wp,
    struct pk_err *err)
{
	struct pk_os_watch *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (pk_err_sys(err, ENOMEM, "watch"));
	w->observer = observer;
	if ((w->fd = pk_fbsd_route_listener(observer, err)) < 0) {
		free(w);
		return (-1);
	}
	*wp = w;
	return (0);
}

void
pk_os_watch_close(struct pk_os_watch *w)
{

	if (w == NULL)
		return;
	close(w->fd);
	free(w);
}

static void
departure(struct pk_os_linkset *ls, const char *msg, size_t len)
{
	struct if_announcemsghdr ifan;
	size_t i;

	if (len < sizeof(ifan))
		return;
	memcpy(&ifan, msg, sizeof(ifan));
	if (ifan.ifan_version != RTM_VERSION ||
	    ifan.ifan_type != RTM_IFANNOUNCE ||
	    ifan.ifan_what != IFAN_DEPARTURE)
		return;
	ifan.ifan_name[IFNAMSIZ - 1] = '\0';
	for (i = 0; i < ls->n; i++) {
		if (!ls->gone[i] && strcmp(ls->names[i], ifan.ifan_name) == 0 &&
		    (ls->index[i] == 0 || ls->index[i] == ifan.ifan_index)) {
			ls->gone[i] = 1;
			ls->left--;
		}
	}
}

/*
 * Wait for the departure of every interface in the set, or until end_ms.
 * Returns the number left, or -1.
 */
int
pk_os_watch_links(struct pk_os_watch *w, struct pk_os_linkset *ls,
    int64_t end_ms, struct pk_err *err)
{
	char buf[2048];
	struct pollfd pfd;
	ssize_t len;
	int rc;

	/*
	 * The watch was opened before anything was released, so any
	 * departure after this check arrives as a message.
	 */
	if ((rc = pk_os_linkset_check(w->observer, ls, err)) <= 0)
		return (rc);
	pfd.fd = w->fd;
	pfd.events = POLLIN;
	while (ls->left > 0) {
		rc = poll(&pfd, 1, pk_ms_left(end_ms));
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return (pk_err_sys(err, errno, "poll"));
		}
		if (rc == 0) {
			/* The deadline: what is still there, really? */
			return (pk_os_linkset_check(w->observer, ls, err));
		}
		/* One message per read on a routing socket. */
		while ((len = recv(w->fd, buf, sizeof(buf), 0)) > 0)
			departure(ls, buf, (size_t)len);
		if (len < 0 && errno == ENOBUFS) {
			/* Messages were lost: look again. */
			if (pk_os_linkset_check(w->observer, ls, err) < 0)
				return (-1);
		} else if (len < 0 && errno != EAGAIN && errno != EINTR)
			return (pk_err_sys(err, errno, "routing socket"));
	}
	return (ls->left);
}
