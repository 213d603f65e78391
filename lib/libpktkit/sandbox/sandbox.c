/*
 * sandbox.c: sandboxes and vnets, and their synchronous teardown.
 *
 * Teardown of a set of vnets goes in this order, because each step
 * removes references that would keep the next from finishing:
 *
 *  1. open the watch (before anything dies, so no death is missed);
 *  2. call the holders' release functions, kill and reap the processes;
 *  3. read each vnet's TCP socket table (the only place an orphaned
 *     socket can be named once we lose the vnet), and reap orphans if
 *     asked;
 *  4. unpin every vnet, then release every vnet's last descriptors back
 *     to back: the kernel dismantles namespaces in batches, one batch at
 *     a time, and a namespace released alone starts a batch of its own
 *     that every later one must wait behind;
 *  5. wait for the canaries, with a deadline; report the holders of any
 *     vnet still alive.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_sandbox_impl.h"

#define	SETTLE_MS_DEFAULT	5000

/* Several sandboxes in one process need distinct kernel names. */
static unsigned	sandbox_serial;
static unsigned	canary_serial;

static unsigned
settle_ms(const struct pk_sandbox *sb)
{

	return (pk_deadline_ms(sb->conf.settle_ms != 0 ? sb->conf.settle_ms :
	    SETTLE_MS_DEFAULT));
}

static void
vnet_free(struct pk_vnet *v)
{

	pk_os_vnet_free(v->os);
	free(v->socks);
	free(v->holders);
	free(v);
}

static int
host_open(struct pk_sandbox *sb, struct pk_vnet *h, struct pk_err *err)
{
	char ident[PK_OS_IDENTSIZ];

	snprintf(h->name, sizeof(h->name), "host");
	h->sb = sb;
	h->is_host = 1;
	if (!sb->conf.private_host) {
		if (pk_os_vnet_prepare(NULL, PK_OS_VNET_CURRENT, &h->os, ident,
		    err) != 0)
			return (-1);
		return (pk_sb_journal(sb, err, "hostid %s", ident));
	}
	snprintf(h->kname, sizeof(h->kname), "%s", sb->prefix);
	if (pk_os_vnet_prepare(h->kname, PK_OS_VNET_ENTER, &h->os, ident,
	    err) != 0)
		return (pk_err_prefix(err, "private host"));
	if (pk_sb_journal(sb, err, "host %s %s", h->kname, ident) != 0)
		return (-1);
	if (pk_os_vnet_commit(h->os, err) != 0) {
		(void)pk_sb_journal(sb, NULL, "done vnet host");
		return (pk_err_prefix(err, "private host"));
	}
	return (0);
}

int
pk_sandbox_open(struct pk_sandbox **sbp, const struct pk_sandbox_conf *conf,
    struct pk_err *err)
{
	struct pk_sandbox *sb;
	struct pk_vnet *h;
	struct pk_err e;
	uint64_t start;
	pid_t pid;
	int tries;

	sb = calloc(1, sizeof(*sb));
	h = calloc(1, sizeof(*h));
	if (sb == NULL || h == NULL) {
		free(sb);
		free(h);
		return (pk_err_sys(err, ENOMEM, "sandbox"));
	}
	if (conf != NULL)
		sb->conf = *conf;
	sb->conf.journal = NULL;
	sb->jfd = -1;
	sb->settle_us = -1;
	TAILQ_INIT(&sb->vnets);
	TAILQ_INIT(&sb->ifs);
	TAILQ_INIT(&sb->procs);
	pid = getpid();
	if (conf != NULL && conf->journal != NULL) {
		if ((sb->journal = strdup(conf->journal)) == NULL) {
			pk_err_sys(err, ENOMEM, "sandbox");
			goto fail;
		}
		if (pk_sb_journal_open(sb, sb->journal, err) != 0)
			goto fail;
	}
	if (pk_os_proc_start_time(pid, &start, err) != 0 ||
	    pk_sb_journal(sb, err, "open %d %ju %d", (int)pid,
	    (uintmax_t)start, sb->conf.private_host ? 1 : 0) != 0)
		goto fail;
	/*
	 * A private host's pin by our name that someone else left (a
	 * process that had our pid and died before its cleanup ran) is left
	 * alone: we take the next name.
	 */
	for (tries = 0;; tries++) {
		if (sandbox_serial == 0)
			snprintf(sb->prefix, sizeof(sb->prefix), "pk%d",
			    (int)pid);
		else
			snprintf(sb->prefix, sizeof(sb->prefix), "pk%ds%u",
			    (int)pid, sandbox_serial);
		if (host_open(sb, h, &e) == 0)
			break;
		if (e.code != EEXIST || !sb->conf.private_host ||
		    tries == 8) {
			if (err != NULL)
				*err = e;
			goto fail;
		}
		sandbox_serial++;
		pk_os_vnet_free(h->os);
		h->os = NULL;
	}
	h->state = PK_VNET_LIVE;
	TAILQ_INSERT_TAIL(&sb->vnets, h, link);
	sb->host = h;
	sandbox_serial++;
	*sbp = sb;
	return (0);
fail:
	vnet_free(h);
	pk_sb_journal_close(sb);
	free(sb->journal);
	free(sb);
	return (-1);
}

struct pk_vnet *
pk_sandbox_host(struct pk_sandbox *sb)
{

	return (sb->host);
}

int64_t
pk_sandbox_settle_us(const struct pk_sandbox *sb)
{

	return (sb->settle_us);
}

struct pk_vnet *
pk_vnet_lookup(struct pk_sandbox *sb, const char *name)
{
	struct pk_vnet *v;

	if (name == NULL)
		return (NULL);
	TAILQ_FOREACH(v, &sb->vnets, link)
		if (v->state == PK_VNET_LIVE && strcmp(v->name, name) == 0)
			return (v);
	return (NULL);
}

const char *
pk_vnet_name(const struct pk_vnet *v)
{

	return (v->name);
}

const char *
pk_vnet_kname(const struct pk_vnet *v)
{

	return (v->kname);
}

struct pk_sandbox *
pk_vnet_sandbox(const struct pk_vnet *v)
{

	return (v->sb);
}

struct pk_os_vnet *
pk_vnet_os(const struct pk_vnet *v)
{

	return (v->state == PK_VNET_LIVE ? v->os : NULL);
}

int
pk_sb_live(const struct pk_vnet *v, struct pk_err *err)
{

	if (v == NULL)
		return (pk_err_set(err, EINVAL, "no vnet given"));
	if (v->state != PK_VNET_LIVE)
		return (pk_err_set(err, ENOENT, "vnet %s was destroyed",
		    v->name));
	return (0);
}

/*
 * The canary: its name is unique in the host (pid and a counter), so a
 * shared host can hold the canaries of many processes.
 */
static int
vnet_arm(struct pk_sandbox *sb, struct pk_vnet *v, struct pk_err *err)
{
	struct pk_err e;
	int tries;

	for (tries = 0; tries < 16; tries++) {
		snprintf(v->canary, sizeof(v->canary), "pkc%u.%u",
		    (unsigned)getpid() % 10000000, canary_serial++ % 10000);
		if (pk_sb_journal(sb, err, "canary %s %s", v->name,
		    v->canary) != 0)
			return (-1);
		if (pk_os_vnet_arm(sb->host->os, v->os, v->canary, &e) == 0)
			return (0);
		if (e.code != EEXIST)
			break;
	}
	if (err != NULL)
		*err = e;
	return (-1);
}

int
pk_vnet_create(struct pk_sandbox *sb, const char *name, struct pk_vnet **vp,
    struct pk_err *err)
{
	char ident[PK_OS_IDENTSIZ];
	struct pk_vnet *v;

	if (pk_sb_check_name("vnet", name, PK_VNET_NAME_MAX, err) != 0)
		return (-1);
	if (pk_vnet_lookup(sb, name) != NULL)
		return (pk_err_set(err, EEXIST, "vnet %s already exists in "
		    "this sandbox", name));
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return (pk_err_sys(err, ENOMEM, "vnet %s", name));
	v->sb = sb;
	snprintf(v->name, sizeof(v->name), "%s", name);
	snprintf(v->kname, sizeof(v->kname), "%s.%s", sb->prefix, name);
	if (pk_os_vnet_prepare(v->kname, PK_OS_VNET_NEW, &v->os, ident,
	    err) != 0)
		goto fail;
	if (pk_sb_journal(sb, err, "vnet %s %s %s", name, v->kname,
	    ident) != 0)
		goto fail;
	if (pk_os_vnet_commit(v->os, err) != 0) {
		(void)pk_sb_journal(sb, NULL, "done vnet %s", name);
		goto fail;
	}
	if (vnet_arm(sb, v, err) != 0) {
		(void)pk_os_vnet_unpin(v->os, NULL);
		(void)pk_sb_journal(sb, NULL, "done vnet %s", name);
		goto fail;
	}
	v->state = PK_VNET_LIVE;
	TAILQ_INSERT_TAIL(&sb->vnets, v, link);
	*vp = v;
	return (0);
fail:
	vnet_free(v);
	return (pk_err_prefix(err, "vnet %s", name));
}

int
pk_vnet_hold(struct pk_vnet *v, void (*release)(void *), void *arg,
    struct pk_err *err)
{
	struct pk_holder *nh;

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (release == NULL)
		return (pk_err_set(err, EINVAL, "hold: no release function"));
	nh = realloc(v->holders, (v->nholders + 1) * sizeof(*nh));
	if (nh == NULL)
		return (pk_err_sys(err, ENOMEM, "hold"));
	v->holders = nh;
	nh[v->nholders].release = release;
	nh[v->nholders].arg = arg;
	nh[v->nholders].live = 1;
	return ((int)v->nholders++);
}

void
pk_vnet_unhold(struct pk_vnet *v, int handle)
{

	if (handle >= 0 && (size_t)handle < v->nholders)
		v->holders[handle].live = 0;
}

static void
release_holders(struct pk_vnet *v)
{
	size_t i;

	for (i = v->nholders; i > 0; i--) {
		if (!v->holders[i - 1].live)
			continue;
		v->holders[i - 1].live = 0;
		v->holders[i - 1].release(v->holders[i - 1].arg);
	}
}

int
pk_vnet_enter_do(struct pk_vnet *v, int (*fn)(void *), void *arg,
    struct pk_err *err)
{
	struct pk_os_saved sv;
	int rc;

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (pk_os_vnet_enter(v->os, &sv, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	rc = fn(arg);
	if (pk_os_vnet_leave(&sv, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	return (rc);
}

/*
 * Teardown.
 */

void
pk_sb_sock_line(const struct pk_os_sock *s, char *buf, size_t size)
{

	snprintf(buf, size, "%s socket %s -> %s (%s, send-q %u, recv-q %u)",
	    s->proto, s->local, s->remote, s->state, s->sendq, s->recvq);
}

int
pk_sb_reap(struct pk_vnet *v, struct pk_report *rep)
{
	char line[256];
	struct pk_err e;
	size_t i;
	int n;

	n = 0;
	for (i = 0; i < v->nsocks; i++) {
		if (!v->socks[i].orphan)
			continue;
		pk_sb_sock_line(&v->socks[i], line, sizeof(line));
		if (pk_os_sock_destroy(v->os, &v->socks[i], &e) != 0) {
			if (rep != NULL)
				(void)pk_report_add(rep, "note: vnet %s: "
				    "could not reap orphaned %s: %s", v->name,
				    line, e.msg);
			continue;
		}
		v->socks[i].orphan = 0;
		n++;
		if (rep != NULL)
			(void)pk_report_add(rep, "reaped: vnet %s: destroyed "
			    "orphaned %s", v->name, line);
	}
	/* Packets queued on unresolved neighbours pin sockets too. */
	if (n > 0)
		(void)pk_os_neigh_flush(v->os, NULL);
	return (n);
}

struct holders_ctx {
	struct pk_report	*rep;
	const char		*name;
	double			 secs;
	int			 n;
};

static void
holder_found(void *arg, const char *what)
{
	struct holders_ctx *c;

	c = arg;
	c->n++;
	if (c->rep != NULL)
		(void)pk_report_add(c->rep, "leak: vnet %s still alive after "
		    "%.1f s: held by %s", c->name, c->secs, what);
}

static void
report_holders(struct pk_vnet *v, unsigned ms, struct pk_report *rep)
{
	struct holders_ctx c;
	char line[256];
	struct pk_err e;
	size_t i;

	c.rep = rep;
	c.name = v->name;
	c.secs = ms / 1000.0;
	c.n = 0;
	if (pk_os_holders(v->os, holder_found, &c, &e) < 0 && rep != NULL)
		(void)pk_report_add(rep, "leak: vnet %s still alive after "
		    "%.1f s: looking for its holders failed: %s", v->name,
		    c.secs, e.msg);
	for (i = 0; i < v->nsocks; i++) {
		if (!v->socks[i].orphan)
			continue;
		pk_sb_sock_line(&v->socks[i], line, sizeof(line));
		c.n++;
		if (rep != NULL)
			(void)pk_report_add(rep, "leak: vnet %s still alive "
			    "after %.1f s: held by an orphaned %s that no "
			    "process owns", v->name, c.secs, line);
	}
	if (c.n == 0 && rep != NULL)
		(void)pk_report_add(rep, "leak: vnet %s still alive after "
		    "%.1f s: nothing found holding it", v->name, c.secs);
}

int
pk_sb_wait(struct pk_os_watch *w, struct pk_vnet **vs, size_t n,
    unsigned ms, int64_t t0_us, int64_t *settle_us, struct pk_report *rep,
    struct pk_err *err)
{
	struct pk_os_vnet **ovs;
	int64_t t1;
	size_t i;
	int *gone, left;

	if (n == 0)
		return (0);
	ovs = calloc(n, sizeof(*ovs));
	gone = calloc(n, sizeof(*gone));
	if (ovs == NULL || gone == NULL) {
		free(ovs);
		free(gone);
		return (pk_err_sys(err, ENOMEM, "wait"));
	}
	for (i = 0; i < n; i++)
		ovs[i] = vs[i]->os;
	left = pk_os_watch_wait(w, ovs, n, t0_us / 1000 + ms, gone, err);
	t1 = pk_now_us();
	if (left >= 0) {
		for (i = 0; i < n; i++) {
			if (gone[i])
				vs[i]->state = PK_VNET_GONE;
			else {
				vs[i]->state = PK_VNET_DYING;
				report_holders(vs[i], ms, rep);
			}
		}
		if (settle_us != NULL)
			*settle_us = left == 0 ? t1 - t0_us : -1;
	}
	free(ovs);
	free(gone);
	return (left);
}

/*
 * After a wait: forget the vnets that are gone, and check that what they
 * took with them is really gone.
 */
static int
finish(struct pk_sandbox *sb, struct pk_vnet **vs, size_t n,
    struct pk_report *rep)
{
	size_t i;
	int leaks;

	leaks = 0;
	for (i = 0; i < n; i++) {
		if (vs[i]->state != PK_VNET_GONE)
			continue;
		(void)pk_sb_journal(sb, NULL, "done vnet %s", vs[i]->name);
		pk_os_vnet_free(vs[i]->os);
		vs[i]->os = NULL;
		free(vs[i]->socks);
		vs[i]->socks = NULL;
		vs[i]->nsocks = 0;
	}
	for (i = 0; i < n; i++)
		if (vs[i]->state == PK_VNET_GONE)
			leaks += pk_sb_ifs_vnet_gone(sb, vs[i], rep);
	return (leaks);
}

int
pk_sb_teardown(struct pk_sandbox *sb, struct pk_vnet **vs, size_t n,
    struct pk_report *rep, struct pk_err *err)
{
	struct pk_os_vnet **ovs;
	struct pk_os_watch *w;
	struct pk_err e;
	unsigned ms;
	int64_t t0;
	size_t i, nrel;
	int leaks, left;

	if (n == 0)
		return (0);
	if (pk_os_watch_open(sb->host->os, &w, err) != 0)
		return (-1);
	for (i = 0; i < n; i++)
		if (vs[i]->state == PK_VNET_LIVE)
			release_holders(vs[i]);
	leaks = 0;
	for (i = 0; i < n; i++)
		if (vs[i]->state == PK_VNET_LIVE)
			leaks += pk_sb_procs_stop(sb, vs[i], rep);
	for (i = 0; i < n; i++) {
		if (vs[i]->state != PK_VNET_LIVE)
			continue;
		free(vs[i]->socks);
		vs[i]->socks = NULL;
		if (pk_os_sock_dump(vs[i]->os, &vs[i]->socks, &vs[i]->nsocks,
		    &e) != 0) {
			vs[i]->nsocks = 0;
			if (rep != NULL)
				(void)pk_report_add(rep, "note: vnet %s: %s",
				    vs[i]->name, e.msg);
		}
		if (sb->conf.reap)
			(void)pk_sb_reap(vs[i], rep);
		if (pk_os_vnet_unpin(vs[i]->os, &e) != 0) {
			leaks++;
			if (rep != NULL)
				(void)pk_report_add(rep, "leak: vnet %s: %s",
				    vs[i]->name, e.msg);
		}
	}
	/* In one go, so that the kernel takes them in one batch. */
	if ((ovs = calloc(n, sizeof(*ovs))) == NULL) {
		pk_os_watch_close(w);
		return (pk_err_sys(err, ENOMEM, "teardown"));
	}
	nrel = 0;
	for (i = 0; i < n; i++)
		if (vs[i]->state == PK_VNET_LIVE)
			ovs[nrel++] = vs[i]->os;
	t0 = pk_now_us();
	pk_os_vnet_release_batch(ovs, nrel);
	free(ovs);
	ms = settle_ms(sb);
	left = pk_sb_wait(w, vs, n, ms, t0, &sb->settle_us, rep, err);
	pk_os_watch_close(w);
	if (left < 0) {
		for (i = 0; i < n; i++)
			vs[i]->state = PK_VNET_DYING;
		return (-1);
	}
	leaks += finish(sb, vs, n, rep);
	if (left > 0)
		return (pk_err_set(err, EBUSY, "%d vnet%s still alive after "
		    "%.1f s", left, left == 1 ? "" : "s", ms / 1000.0));
	if (leaks > 0)
		return (pk_err_set(err, EBUSY, "teardown found %d leak%s",
		    leaks, leaks == 1 ? "" : "s"));
	return (0);
}

int
pk_vnet_destroy(struct pk_vnet *v, struct pk_report *rep, struct pk_err *err)
{

	if (v == NULL)
		return (pk_err_set(err, EINVAL, "no vnet given"));
	if (v->is_host)
		return (pk_err_set(err, EINVAL, "the host is destroyed by "
		    "closing its sandbox"));
	if (v->state == PK_VNET_GONE)
		return (pk_err_set(err, ENOENT, "vnet %s was destroyed",
		    v->name));
	return (pk_sb_teardown(v->sb, &v, 1, rep, err));
}

/*
 * Every vnet but the host in one of the given states, most recent first.
 */
static struct pk_vnet **
collect(struct pk_sandbox *sb, int live, int dying, size_t *np,
    struct pk_err *err)
{
	struct pk_vnet **vs, *v;
	size_t n;

	n = 0;
	TAILQ_FOREACH(v, &sb->vnets, link)
		n++;
	if ((vs = calloc(n + 1, sizeof(*vs))) == NULL) {
		pk_err_sys(err, ENOMEM, "teardown");
		return (NULL);
	}
	n = 0;
	TAILQ_FOREACH_REVERSE(v, &sb->vnets, pk_vnet_list, link) {
		if (v->is_host)
			continue;
		if ((live && v->state == PK_VNET_LIVE) ||
		    (dying && v->state == PK_VNET_DYING))
			vs[n++] = v;
	}
	*np = n;
	return (vs);
}

int
pk_vnet_destroy_all(struct pk_sandbox *sb, struct pk_report *rep,
    struct pk_err *err)
{
	struct pk_vnet **vs;
	size_t n;
	int rc;

	if ((vs = collect(sb, 1, 1, &n, err)) == NULL)
		return (-1);
	rc = pk_sb_teardown(sb, vs, n, rep, err);
	free(vs);
	return (rc);
}

int
pk_sandbox_settle(struct pk_sandbox *sb, unsigned ms, struct pk_report *rep,
    struct pk_err *err)
{
	struct pk_os_watch *w;
	struct pk_vnet **vs;
	size_t n;
	int left, leaks;

	if ((vs = collect(sb, 0, 1, &n, err)) == NULL)
		return (-1);
	if (n == 0) {
		free(vs);
		return (0);
	}
	ms = ms != 0 ? pk_deadline_ms(ms) : settle_ms(sb);
	if (pk_os_watch_open(sb->host->os, &w, err) != 0) {
		free(vs);
		return (-1);
	}
	left = pk_sb_wait(w, vs, n, ms, pk_now_us(), NULL, rep, err);
	pk_os_watch_close(w);
	leaks = left >= 0 ? finish(sb, vs, n, rep) : 0;
	free(vs);
	if (left < 0)
		return (-1);
	if (left > 0)
		return (pk_err_set(err, EBUSY, "%d vnet%s still alive after "
		    "%.1f s", left, left == 1 ? "" : "s", ms / 1000.0));
	if (leaks > 0)
		return (pk_err_set(err, EBUSY, "settle found %d leak%s", leaks,
		    leaks == 1 ? "" : "s"));
	return (0);
}

int
pk_sandbox_close(struct pk_sandbox *sb, struct pk_report *rep,
    struct pk_err *err)
{
	struct pk_vnet *v, *h;
	struct pk_err e, first;
	int rc;

	rc = 0;
	pk_err_clear(&first);
	if (pk_vnet_destroy_all(sb, rep, &e) != 0) {
		rc = -1;
		first = e;
	}
	h = sb->host;
	release_holders(h);
	if (pk_sb_procs_stop(sb, h, rep) > 0 ||
	    pk_sb_ifs_close(sb, rep) > 0) {
		if (rc == 0)
			pk_err_set(&first, EBUSY, "teardown of the host found "
			    "leaks");
		rc = -1;
	}
	if (h->os != NULL && pk_os_vnet_unpin(h->os, &e) != 0) {
		if (rep != NULL)
			(void)pk_report_add(rep, "leak: host %s: %s", h->kname,
			    e.msg);
		if (rc == 0)
			first = e;
		rc = -1;
	}
	if (rc == 0)
		(void)pk_sb_journal(sb, NULL, "close");
	while ((v = TAILQ_FIRST(&sb->vnets)) != NULL) {
		TAILQ_REMOVE(&sb->vnets, v, link);
		vnet_free(v);
	}
	pk_sb_ifs_free(sb);
	pk_sb_procs_free(sb);
	pk_sb_journal_close(sb);
	free(sb->journal);
	free(sb);
	if (rc != 0 && err != NULL)
		*err = first;
	return (rc);
}
