/*
 * wire.c: wire contexts and their captures.
 *
 * A capture is opened once per (vnet, interface) and kept: on Linux its
 * close waits for an RCU grace period.  When captures must go (a vnet is
 * destroyed, the sandbox or the context is closed), each one is read a
 * last time, so that its sniffers' logs are complete, and then closed by
 * a thread of its own: the grace periods overlap and N captures cost
 * about one.  The threads are joined when the context shuts down.
 *
 * The context holds every vnet it has captures in (pk_vnet_hold()), so
 * that the sandbox releases them before it waits for the vnet to die, and
 * it holds the host, whose release (the sandbox closing) shuts it down.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_wire_impl.h"
#include "../sandbox/pk_sandbox_impl.h"

#define	BUFSIZE_DEFAULT	(4 * 1024 * 1024)

static void	host_release(void *);

int
pk_w_live(struct pk_wire *w, struct pk_err *err)
{

	if (w == NULL)
		return (pk_err_set(err, EINVAL, "no wire context given"));
	if (w->shut)
		return (pk_err_set(err, ENOENT, "the sandbox of this wire "
		    "context was closed"));
	return (0);
}

int
pk_wire_open(struct pk_sandbox *sb, struct pk_wire **wp, struct pk_err *err)
{
	struct pk_wire *w;

	if (sb == NULL)
		return (pk_err_set(err, EINVAL, "wire: no sandbox given"));
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->buf = malloc(PK_PKT_MAX)) == NULL) {
		free(w);
		return (pk_err_sys(err, ENOMEM, "wire"));
	}
	w->sb = sb;
	TAILQ_INIT(&w->caps);
	TAILQ_INIT(&w->vnets);
	TAILQ_INIT(&w->sniffers);
	TAILQ_INIT(&w->filters);
	(void)gettimeofday(&w->t0, NULL);
	w->ping_id = (uint16_t)getpid();
	w->host_hold = pk_vnet_hold(pk_sandbox_host(sb), host_release, w,
	    err);
	if (w->host_hold < 0) {
		free(w->buf);
		free(w);
		return (pk_err_prefix(err, "wire"));
	}
	*wp = w;
	return (0);
}

/*
 * Closing.
 */

static void *
closer(void *arg)
{

	pk_os_cap_close(arg);
	return (NULL);
}

/*
 * Read the capture one last time and start closing it; joined by
 * join_closers().  Without a thread, close it here and pay the wait.
 */
static void
cap_close_async(struct pk_wcap *c)
{
	struct pk_wire *w;
	pthread_t *nt;
	struct pk_os_cap *os;

	if ((os = c->os) == NULL)
		return;
	if (c->listening)
		(void)pk_w_drain(c, NULL);
	c->os = NULL;
	w = c->w;
	nt = realloc(w->closers, (w->nclosers + 1) * sizeof(*nt));
	if (nt == NULL) {
		pk_os_cap_close(os);
		return;
	}
	w->closers = nt;
	if (pthread_create(&nt[w->nclosers], NULL, closer, os) != 0) {
		pk_os_cap_close(os);
		return;
	}
	w->nclosers++;
}

static void
join_closers(struct pk_wire *w)
{
	size_t i;

	for (i = 0; i < w->nclosers; i++)
		(void)pthread_join(w->closers[i], NULL);
	free(w->closers);
	w->closers = NULL;
	w->nclosers = 0;
}

/* The vnet is about to be destroyed: let go of it. */
static void
wvnet_release(void *arg)
{
	struct pk_wvnet *wv;
	struct pk_wcap *c;

	wv = arg;
	wv->released = 1;
	TAILQ_FOREACH(c, &wv->w->caps, link)
		if (c->wv == wv)
			cap_close_async(c);
}

static void
shutdown_caps(struct pk_wire *w)
{
	struct pk_wcap *c;

	pk_w_disarm(w);
	TAILQ_FOREACH(c, &w->caps, link)
		cap_close_async(c);
	join_closers(w);
}

/* The sandbox is closing: every vnet's holds were released already. */
static void
host_release(void *arg)
{
	struct pk_wire *w;
	struct pk_wvnet *wv;

	w = arg;
	TAILQ_FOREACH(wv, &w->vnets, link)
		wv->released = 1;
	shutdown_caps(w);
	w->shut = 1;
}

/* Give back the holds on vnets that are still there. */
static void
unhold_all(struct pk_wire *w)
{
	struct pk_wvnet *wv;

	if (w->shut)
		return;
	TAILQ_FOREACH(wv, &w->vnets, link) {
		if (!wv->released)
			pk_vnet_unhold(wv->v, wv->hold);
		wv->released = 1;
	}
	pk_vnet_unhold(pk_sandbox_host(w->sb), w->host_hold);
}

static void
wire_free(struct pk_wire *w)
{
	struct pk_sniffer *s;
	struct pk_wcap *c;
	struct pk_wvnet *wv;

	while ((s = TAILQ_FIRST(&w->sniffers)) != NULL)
		pk_sniff_close(s);
	while ((c = TAILQ_FIRST(&w->caps)) != NULL) {
		TAILQ_REMOVE(&w->caps, c, link);
		free(c);
	}
	while ((wv = TAILQ_FIRST(&w->vnets)) != NULL) {
		TAILQ_REMOVE(&w->vnets, wv, link);
		free(wv);
	}
	pk_w_filters_free(w);
	if (w->dead_en10mb != NULL)
		pcap_close(w->dead_en10mb);
	if (w->dead_raw != NULL)
		pcap_close(w->dead_raw);
	free(w->buf);
	free(w);
}

void
pk_wire_close(struct pk_wire *w)
{

	if (w == NULL)
		return;
	unhold_all(w);
	shutdown_caps(w);
	wire_free(w);
}

/*
 * The child that closes the sockets last.  It inherited every descriptor
 * of the caller: it keeps the captures and the pipe, closes the rest (a
 * shell reading the caller's output must see end-of-file now), waits for
 * the caller to have closed its copies (end-of-file on the pipe) so that
 * its own closes are the last ones, and exits.  Only async-signal-safe
 * calls: the caller may have threads.
 */
static void
bg_child(int rfd, const int *keep, size_t nkeep)
{
	char b;

	if (fork() != 0)
		_exit(0);
	pk_os_fd_keep(keep, nkeep);
	while (read(rfd, &b, 1) > 0)
		;
	_exit(0);
}

static int
bg_fork(struct pk_wire *w, struct pk_err *err)
{
	struct pk_wcap *c;
	int *keep, p[2], status;
	size_t n;
	pid_t pid;

	n = 1;
	TAILQ_FOREACH(c, &w->caps, link)
		n++;
	if ((keep = calloc(n, sizeof(*keep))) == NULL)
		return (pk_err_sys(err, ENOMEM, "background close"));
	if (pipe(p) != 0) {
		free(keep);
		return (pk_err_sys(err, errno, "background close: pipe"));
	}
	(void)fcntl(p[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(p[1], F_SETFD, FD_CLOEXEC);
	n = 0;
	keep[n++] = p[0];
	TAILQ_FOREACH(c, &w->caps, link)
		if (c->os != NULL)
			keep[n++] = pk_os_cap_fd(c->os);
	if ((pid = fork()) < 0) {
		pk_err_sys(err, errno, "background close: fork");
		close(p[0]);
		close(p[1]);
		free(keep);
		return (-1);
	}
	if (pid == 0)
		bg_child(p[0], keep, n);
	free(keep);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Our copies go first (not the last reference: no wait)... */
	TAILQ_FOREACH(c, &w->caps, link) {
		pk_os_cap_close(c->os);
		c->os = NULL;
	}
	/* ...then the child may close its own. */
	close(p[1]);
	return (0);
}

int
pk_wire_close_bg(struct pk_wire *w, struct pk_err *err)
{
	int rc;

	if (w == NULL)
		return (0);
	unhold_all(w);
	pk_w_disarm(w);
	rc = 0;
	if (!w->shut) {
		(void)pk_w_drain_all(w, NULL);
		rc = bg_fork(w, err);
	}
	shutdown_caps(w);
	wire_free(w);
	return (rc);
}

/*
 * Captures.
 */

static struct pk_wvnet *
wvnet_get(struct pk_wire *w, struct pk_vnet *v, struct pk_err *err)
{
	struct pk_wvnet *wv;

	TAILQ_FOREACH(wv, &w->vnets, link)
		if (wv->v == v && !wv->released)
			return (wv);
	if ((wv = calloc(1, sizeof(*wv))) == NULL) {
		pk_err_sys(err, ENOMEM, "wire");
		return (NULL);
	}
	wv->w = w;
	wv->v = v;
	if ((wv->hold = pk_vnet_hold(v, wvnet_release, wv, err)) < 0) {
		free(wv);
		return (NULL);
	}
	TAILQ_INSERT_TAIL(&w->vnets, wv, link);
	return (wv);
}

static struct pk_wcap *
cap_find(struct pk_wire *w, struct pk_if *ifp)
{
	struct pk_wcap *c;

	TAILQ_FOREACH(c, &w->caps, link)
		if (c->ifp == ifp && c->os != NULL &&
		    c->wv->v == pk_if_vnet(ifp) && c->index == pk_if_index(ifp))
			return (c);
	return (NULL);
}

static int
cap_new(struct pk_wire *w, struct pk_if *ifp, struct pk_wcap **cp,
    struct pk_err *err)
{
	struct pk_vnet *v;
	struct pk_wcap *c;

	if (pk_sb_if_usable(ifp, 0, err) != 0)
		return (-1);
	v = pk_if_vnet(ifp);
	if (pk_vnet_sandbox(v) != w->sb)
		return (pk_err_set(err, EINVAL, "interface %s belongs to "
		    "another sandbox", pk_if_name(ifp)));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (pk_err_sys(err, ENOMEM, "capture"));
	c->w = w;
	c->ifp = ifp;
	c->index = pk_if_index(ifp);
	snprintf(c->ifname, sizeof(c->ifname), "%s", pk_if_name(ifp));
	snprintf(c->vname, sizeof(c->vname), "%s", pk_vnet_name(v));
	TAILQ_INIT(&c->sniffers);
	if (pk_if_mac(ifp, c->mac, err) != 0 ||
	    (c->wv = wvnet_get(w, v, err)) == NULL ||
	    pk_os_cap_open(pk_vnet_os(v), c->ifname, c->index, &c->os,
	    &c->dlt, err) != 0) {
		free(c);
		return (pk_err_prefix(err, "capture on %s in vnet %s",
		    pk_if_name(ifp), pk_vnet_name(v)));
	}
	TAILQ_INSERT_TAIL(&w->caps, c, link);
	*cp = c;
	return (0);
}

int
pk_w_cap(struct pk_wire *w, struct pk_if *ifp, int listen, size_t bufsize,
    struct pk_wcap **cp, struct pk_err *err)
{
	struct pk_wcap *c;

	if (pk_w_live(w, err) != 0)
		return (-1);
	if (ifp == NULL)
		return (pk_err_set(err, EINVAL, "no interface given"));
	if ((c = cap_find(w, ifp)) == NULL &&
	    cap_new(w, ifp, &c, err) != 0)
		return (-1);
	if (listen && !c->listening) {
		if (pk_os_cap_listen(c->os, bufsize != 0 ? bufsize :
		    BUFSIZE_DEFAULT, err) != 0)
			return (pk_err_prefix(err, "capture on %s in vnet %s",
			    c->ifname, c->vname));
		c->listening = 1;
	}
	*cp = c;
	return (0);
}

/*
 * Read everything the kernel holds for c into its sniffers' logs.
 */
int
pk_w_drain(struct pk_wcap *c, struct pk_err *err)
{
	struct pk_os_frame f;
	int rc;

	if (c->os == NULL || !c->listening)
		return (0);
	while ((rc = pk_os_cap_next(c->os, &f, err)) == 1)
		pk_w_dispatch(c, &f, 0);
	if (rc < 0)
		return (pk_err_prefix(err, "capture on %s in vnet %s",
		    c->ifname, c->vname));
	return (0);
}

int
pk_w_drain_all(struct pk_wire *w, struct pk_err *err)
{
	struct pk_wcap *c;

	TAILQ_FOREACH(c, &w->caps, link)
		if (pk_w_drain(c, err) != 0)
			return (-1);
	return (0);
}

/*
 * The first send after a wait.  Everything that arrived before it is
 * read into the logs now, and each sniffer notes where its log ends: a
 * sentinel counts only from there, so an old packet that happens to
 * match the sentinel cannot end an absence check early.  And the thread
 * is pinned to its CPU until the next wait, so that the probe and the
 * sentinel after it are queued to one CPU's backlog and delivered in
 * that order (see pk_wire.3, "Ordering").
 */
void
pk_w_arm(struct pk_wire *w)
{
	struct pk_sniffer *s;

	if (w->armed)
		return;
	(void)pk_w_drain_all(w, NULL);
	TAILQ_FOREACH(s, &w->sniffers, wlink)
		s->send_mark = s->n;
	/* Unpinned, a sentinel proves nothing: waits then run to the end. */
	if (w->pin == NULL && pk_os_cpu_pin(&w->pin, NULL) != 0)
		w->unpinned = 1;
	w->armed = 1;
}

void
pk_w_disarm(struct pk_wire *w)
{

	w->armed = 0;
	w->unpinned = 0;
	pk_os_cpu_unpin(w->pin);
	w->pin = NULL;
}
