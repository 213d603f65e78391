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
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

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

/*
 * Mark as gone every vnet whose canary is no longer in the observer.
 */
static int
check_present(struct pk_os_watch *w, struct pk_os_vnet *const *ovs, size_t n,
    int *gone, struct pk_err *err)
{
	struct pk_os_link *l;
	size_t nl, i, j;
	int left;

	if (pk_os_link_list(w->observer, &l, &nl, err) != 0)
		return (-1);
	left = 0;
	for (i = 0; i < n; i++) {
		if (gone[i])
			continue;
		for (j = 0; j < nl; j++)
			if (l[j].index == ovs[i]->canary_index &&
			    strcmp(l[j].name, ovs[i]->canary) == 0)
				break;
		if (j == nl)
			gone[i] = 1;
		else
			left++;
	}
	free(l);
	return (left);
}

struct del_ctx {
	struct pk_os_vnet *const	*ovs;
	size_t				 n;
	int				*gone;
	int				 left;
};

static int
del_cb(const struct nlmsghdr *h, void *arg)
{
	struct del_ctx *c;
	const struct ifinfomsg *ifi;
	size_t i;

	c = arg;
	if (h->nlmsg_type != RTM_DELLINK ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return (MNL_CB_OK);
	ifi = mnl_nlmsg_get_payload(h);
	for (i = 0; i < c->n; i++) {
		if (!c->gone[i] && c->ovs[i]->canary_index == ifi->ifi_index) {
			c->gone[i] = 1;
			c->left--;
		}
	}
	return (MNL_CB_OK);
}

int
pk_os_watch_wait(struct pk_os_watch *w, struct pk_os_vnet *const *ovs,
    size_t n, int64_t end_ms, int *gone, struct pk_err *err)
{
	char buf[PK_NL_BUFSIZE];
	struct pollfd pfd;
	struct del_ctx c;
	ssize_t len;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		gone[i] = 0;
		if (ovs[i]->canary_index <= 0)
			return (pk_err_set(err, EINVAL, "vnet %s has no canary",
			    ovs[i]->id));
	}
	/*
	 * The watch was opened before the vnets were released, so any
	 * death after this check arrives as an event.
	 */
	if ((rc = check_present(w, ovs, n, gone, err)) <= 0)
		return (rc);
	c.ovs = ovs;
	c.n = n;
	c.gone = gone;
	c.left = rc;
	pfd.fd = mnl_socket_get_fd(w->ev.sk);
	pfd.events = POLLIN;
	while (c.left > 0) {
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
				return (pk_err_sys(err, errno, "netlink events"));
			/* Events were lost: look again. */
			if ((rc = check_present(w, ovs, n, gone, err)) < 0)
				return (-1);
			c.left = rc;
			continue;
		}
		(void)mnl_cb_run(buf, (size_t)len, 0, 0, del_cb, &c);
	}
	return (c.left);
}
