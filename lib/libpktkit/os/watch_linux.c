/*
 * watch_linux.c: seeing network namespaces die.
 *
 * Deleting a namespace's last reference returns at once; the kernel
 * dismantles it later, in a work queue, one batch at a time.  Its
 * interfaces are unregistered during that dismantling, and a veth whose
 * other end lives elsewhere loses that end at the same moment.  So each
 * vnet gets a canary: a veth pair, down and without addresses, with one
 * end in the observer (the sandbox's host) and the other in the vnet.
 * The observer's RTM_DELLINK for its end is the event "the kernel has
 * dismantled the vnet's interfaces"; we wait for it with poll(2).
 */
#define	_GNU_SOURCE
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "os_common.h"
#include "os_linux.h"
#include "../pk_time.h"

struct pk_os_watch {
	struct pk_nl		 ev;	/* RTNLGRP_LINK events */
	struct pk_os_vnet	*observer;
};

int
pk_os_vnet_arm(struct pk_os_vnet *observer, struct pk_os_vnet *ov,
    const char *name, struct pk_err *err)
{
	struct pk_os_link l;

	/*
	 * Both ends carry the same name: it is unique in the observer by
	 * construction, and inside the vnet it says what the thing is.
	 */
	if (pk_os_link_pair(observer, name, NULL, ov, name, NULL, 0, &l, NULL,
	    err) != 0)
		return (pk_err_prefix(err, "canary %s", name));
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
	struct pk_os_saved sv;
	int rc, size;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (pk_err_sys(err, ENOMEM, "watch"));
	w->observer = observer;
	if (pk_linux_enter_fd(observer->nsfd, &sv, err) != 0) {
		free(w);
		return (-1);
	}
	rc = pk_nl_open(&w->ev, NETLINK_ROUTE, RTMGRP_LINK, err);
	(void)pk_os_vnet_leave(&sv, NULL);
	if (rc != 0) {
		free(w);
		return (-1);
	}
	/* Room for a burst of link events; overflow is handled anyway. */
	size = 1 << 20;
	(void)setsockopt(mnl_socket_get_fd(w->ev.sk), SOL_SOCKET, SO_RCVBUF,
	    &size, sizeof(size));
	*wp = w;
	return (0);
}

void
pk_os_watch_close(struct pk_os_watch *w)
{

	if (w == NULL)
		return;
	pk_nl_close(&w->ev);
	free(w);
}

static int
del_cb(const struct nlmsghdr *h, void *arg)
{
	struct pk_os_linkset *ls;
	const struct ifinfomsg *ifi;
	size_t i;

	ls = arg;
	if (h->nlmsg_type != RTM_DELLINK ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return (MNL_CB_OK);
	ifi = mnl_nlmsg_get_payload(h);
	for (i = 0; i < ls->n; i++) {
		if (!ls->gone[i] && ls->index[i] == ifi->ifi_index) {
			ls->gone[i] = 1;
			ls->left--;
		}
	}
	return (MNL_CB_OK);
}

/*
 * Wait for RTM_DELLINK of every interface in the set, or until end_ms.
 * Returns the number left, or -1.
 */
int
pk_os_watch_links(struct pk_os_watch *w, struct pk_os_linkset *ls,
    int64_t end_ms, struct pk_err *err)
{
	char buf[PK_NL_BUFSIZE];
	struct pollfd pfd;
	ssize_t len;
	int rc;

	/*
	 * The watch was opened before anything was released, so any
	 * deletion after this check arrives as an event.
	 */
	if ((rc = pk_os_linkset_check(w->observer, ls, err)) <= 0)
		return (rc);
	pfd.fd = mnl_socket_get_fd(w->ev.sk);
	pfd.events = POLLIN;
	while (ls->left > 0) {
		rc = poll(&pfd, 1, pk_ms_left(end_ms));
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return (pk_err_sys(err, errno, "poll"));
		}
		if (rc == 0)
			break;
		len = recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno != ENOBUFS)
				return (pk_err_sys(err, errno,
				    "netlink events"));
			/* Events were lost: look again. */
			if (pk_os_linkset_check(w->observer, ls, err) < 0)
				return (-1);
			continue;
		}
		(void)mnl_cb_run(buf, (size_t)len, 0, 0, del_cb, ls);
	}
	return (ls->left);
}
