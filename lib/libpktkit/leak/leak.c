/*
 * leak.c: snapshots and their diffs (see pk_leak.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_leak.h"
#include "../os/pk_os.h"
#include "../sandbox/pk_sandbox_impl.h"

struct pk_leak {
	struct pk_leak_conf	 conf;
	struct pk_os_stackobs	*machine;
	struct pk_iflist	 machine_before;
	struct pk_iflist	 host_before;
	struct pk_counts	 counts_before;
	int			 have_host;
	char			(*own)[PK_IFNAME_MAX];	/* see _host_own() */
	size_t			 nown;
};

/*
 * Convert the seam's interface array into a list; takes links.
 */
static int
iflist_from_links(struct pk_iflist *l, struct pk_os_link *links, size_t n,
    struct pk_err *err)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	if (n > 0 && (l->v = calloc(n, sizeof(*l->v))) == NULL) {
		free(links);
		return (pk_err_sys(err, errno, "interface list"));
	}
	for (i = 0; i < n; i++) {
		l->v[i].index = links[i].index;
		snprintf(l->v[i].name, sizeof(l->v[i].name), "%s",
		    links[i].name);
		snprintf(l->v[i].kind, sizeof(l->v[i].kind), "%s",
		    links[i].kind);
	}
	l->n = n;
	free(links);
	return (0);
}

int
pk_iflist_current(struct pk_iflist *l, struct pk_err *err)
{
	struct pk_os_link *links;
	size_t n;

	if (pk_os_link_list(NULL, &links, &n, err) != 0)
		return (-1);
	return (iflist_from_links(l, links, n, err));
}

static int
iflist_observed(struct pk_os_stackobs *o, struct pk_iflist *l,
    struct pk_err *err)
{
	struct pk_os_link *links;
	size_t n;

	if (pk_os_stackobs_links(o, &links, &n, err) != 0)
		return (-1);
	return (iflist_from_links(l, links, n, err));
}

void
pk_iflist_free(struct pk_iflist *l)
{

	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static const struct pk_ifent *
iflist_find(const struct pk_iflist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return (&l->v[i]);
	return (NULL);
}

static const char *
kind_or_unknown(const struct pk_ifent *e)
{

	return (e->kind[0] != '\0' ? e->kind : "unknown kind");
}

size_t
pk_iflist_diff(const struct pk_iflist *before, const struct pk_iflist *after,
    const char *where, struct pk_report *rep)
{
	const struct pk_ifent *b, *a;
	size_t i, n;

	n = 0;
	for (i = 0; i < after->n; i++) {
		a = &after->v[i];
		b = iflist_find(before, a->name);
		if (b == NULL) {
			pk_report_add(rep, "leak: interface %s (%s, index %d) "
			    "appeared in %s and is still there", a->name,
			    kind_or_unknown(a), a->index, where);
			n++;
		} else if (b->index != a->index) {
			pk_report_add(rep, "leak: interface %s in %s was "
			    "replaced: index %d before, %d after", a->name,
			    where, b->index, a->index);
			n++;
		}
	}
	for (i = 0; i < before->n; i++) {
		b = &before->v[i];
		if (iflist_find(after, b->name) == NULL) {
			pk_report_add(rep, "leak: interface %s (%s, index %d) "
			    "of %s is gone", b->name, kind_or_unknown(b),
			    b->index, where);
			n++;
		}
	}
	return (n);
}

int
pk_iflist_save(const struct pk_iflist *l, const char *path,
    struct pk_err *err)
{
	FILE *f;
	size_t i;

	if ((f = fopen(path, "w")) == NULL)
		return (pk_err_sys(err, errno, "%s", path));
	for (i = 0; i < l->n; i++)
		fprintf(f, "%d %s %s\n", l->v[i].index, l->v[i].name,
		    l->v[i].kind[0] != '\0' ? l->v[i].kind : "-");
	if (fclose(f) != 0)
		return (pk_err_sys(err, errno, "%s", path));
	return (0);
}

int
pk_iflist_load(struct pk_iflist *l, const char *path, struct pk_err *err)
{
	struct pk_ifent e, *nv;
	char line[128];
	FILE *f;

	memset(l, 0, sizeof(*l));
	if ((f = fopen(path, "r")) == NULL)
		return (pk_err_sys(err, errno, "%s", path));
	while (fgets(line, sizeof(line), f) != NULL) {
		memset(&e, 0, sizeof(e));
		if (sscanf(line, "%d %15s %15s", &e.index, e.name,
		    e.kind) != 3) {
			fclose(f);
			pk_iflist_free(l);
			return (pk_err_set(err, EINVAL, "%s: bad line: %s",
			    path, line));
		}
		if (strcmp(e.kind, "-") == 0)
			e.kind[0] = '\0';
		if ((nv = realloc(l->v, (l->n + 1) * sizeof(*nv))) == NULL) {
			fclose(f);
			pk_iflist_free(l);
			return (pk_err_set(err, ENOMEM, "%s: out of memory",
			    path));
		}
		l->v = nv;
		l->v[l->n++] = e;
	}
	fclose(f);
	return (0);
}

int
pk_counts_read(struct pk_counts *c, struct pk_err *err)
{

	memset(c, 0, sizeof(*c));
	if (pk_os_counts_read(c, err) != 0) {
		pk_counts_free(c);
		return (-1);
	}
	return (0);
}

void
pk_counts_free(struct pk_counts *c)
{

	free(c->v);
	c->v = NULL;
	c->n = 0;
}

static const struct pk_count *
counts_find(const struct pk_counts *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return (&c->v[i]);
	return (NULL);
}

static const struct pk_count *
counts_stacks(const struct pk_counts *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].kind == PK_COUNT_STACKS)
			return (&c->v[i]);
	return (NULL);
}

size_t
pk_counts_diff(const struct pk_counts *before, const struct pk_counts *after,
    struct pk_report *rep)
{
	const struct pk_count *b, *a, *sb, *sa;
	size_t i, n;

	n = 0;
	sb = counts_stacks(before);
	sa = counts_stacks(after);
	for (i = 0; i < before->n; i++) {
		b = &before->v[i];
		if ((a = counts_find(after, b->name)) == NULL) {
			pk_report_add(rep, "leak: count %s could not be read "
			    "after the case", b->name);
			n++;
		} else if (b->kind == PK_COUNT_STACKS ||
		    b->value == a->value) {
			continue;
		} else if (b->kind == PK_COUNT_PER_STACK && sb != NULL &&
		    (sa == NULL || sa->value != sb->value)) {
			pk_report_add(rep, "note: %s not compared (%lld before "
			    "the case, %lld after): network stacks were made "
			    "or dropped meanwhile (%s %lld before, %lld "
			    "after), and each holds some of these", b->name,
			    b->value, a->value, sb->name, sb->value,
			    sa != NULL ? sa->value : -1);
		} else {
			pk_report_add(rep, "leak: %s was %lld before the case, "
			    "%lld after (%+lld)", b->name, b->value, a->value,
			    a->value - b->value);
			n++;
		}
	}
	return (n);
}

int
pk_leak_begin(struct pk_leak **lp, const struct pk_leak_conf *conf,
    struct pk_err *err)
{
	struct pk_leak *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return (pk_err_sys(err, errno, "leak checker"));
	l->conf = *conf;
	if (pk_os_stackobs_open(&l->machine, err) != 0)
		goto fail;
	if (iflist_observed(l->machine, &l->machine_before, err) != 0)
		goto fail;
	if (conf->machine_file != NULL && pk_iflist_save(&l->machine_before,
	    conf->machine_file, err) != 0)
		goto fail;
	*lp = l;
	return (0);
fail:
	pk_err_prefix(err, "leak snapshot of the machine");
	pk_leak_free(l);
	return (-1);
}

static int
counts_equal(const struct pk_counts *a, const struct pk_counts *b)
{
	size_t i;

	if (a->n != b->n)
		return (0);
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, b->v[i].name) != 0 ||
		    a->v[i].value != b->v[i].value)
			return (0);
	return (1);
}

/*
 * Read the counts once the kernel has finished every teardown so far:
 * each reading follows a quiesce.  That is not always enough.  The
 * quiesce's own throw-away stack is dismantled after its interfaces are
 * gone (which is what it waits for), so its per-stack objects may or may
 * not be freed yet; and a stack whose last reference goes while the
 * quiesce runs (the previous case's host, released by socket frees an
 * RCU grace period after its process exited) is dismantled after it.  So
 * a reading counts once a second one, after another quiesce, agrees with
 * it; after the case, a first reading equal to the one before the case
 * (want) needs no second.  A machine that never settles (something else
 * making and dropping stacks) gets the last reading.
 */
#define	COUNTS_TRIES	4

static int
leak_counts_quiet(struct pk_leak *l, const struct pk_counts *want,
    struct pk_counts *c, struct pk_err *err)
{
	struct pk_counts prev, cur;
	int i, have;

	if (l->conf.quiesce == NULL)
		return (pk_counts_read(c, err));
	memset(&prev, 0, sizeof(prev));
	have = 0;
	for (i = 0; i < COUNTS_TRIES; i++) {
		if (l->conf.quiesce(l->conf.quiesce_arg, err) != 0) {
			pk_counts_free(&prev);
			return (pk_err_prefix(err, "waiting for the kernel to "
			    "finish earlier teardowns"));
		}
		if (pk_counts_read(&cur, err) != 0) {
			pk_counts_free(&prev);
			return (-1);
		}
		if ((have && counts_equal(&prev, &cur)) ||
		    (want != NULL && counts_equal(want, &cur))) {
			pk_counts_free(&prev);
			*c = cur;
			return (0);
		}
		pk_counts_free(&prev);
		prev = cur;
		have = 1;
	}
	*c = prev;
	return (0);
}

int
pk_leak_baseline_host(struct pk_leak *l, struct pk_err *err)
{

	pk_iflist_free(&l->host_before);
	pk_counts_free(&l->counts_before);
	if (pk_iflist_current(&l->host_before, err) != 0)
		return (pk_err_prefix(err, "leak snapshot of the case host"));
	l->have_host = 1;
	if (l->conf.exclusive &&
	    leak_counts_quiet(l, NULL, &l->counts_before, err) != 0)
		return (pk_err_prefix(err, "leak snapshot of the counts"));
	return (0);
}

int
pk_leak_host_own(struct pk_leak *l, const char *name, struct pk_err *err)
{
	char (*nv)[PK_IFNAME_MAX];

	nv = realloc(l->own, (l->nown + 1) * sizeof(*nv));
	if (nv == NULL)
		return (pk_err_sys(err, ENOMEM, "leak checker"));
	l->own = nv;
	snprintf(l->own[l->nown++], PK_IFNAME_MAX, "%s", name);
	return (0);
}

/*
 * Drop the sandbox's own interfaces from a list of the case host.
 */
static void
iflist_drop_own(const struct pk_leak *l, struct pk_iflist *now)
{
	size_t i, j, k;

	for (i = k = 0; i < now->n; i++) {
		for (j = 0; j < l->nown; j++)
			if (strcmp(now->v[i].name, l->own[j]) == 0)
				break;
		if (j == l->nown)
			now->v[k++] = now->v[i];
	}
	now->n = k;
}

static int
leak_check_counts(struct pk_leak *l, struct pk_report *rep,
    struct pk_err *err)
{
	struct pk_counts after;
	size_t n;

	if (leak_counts_quiet(l, &l->counts_before, &after, err) != 0)
		return (-1);
	n = pk_counts_diff(&l->counts_before, &after, rep);
	pk_counts_free(&after);
	return ((int)n);
}

int
pk_leak_check(struct pk_leak *l, struct pk_report *rep, const char **skipped,
    struct pk_err *err)
{
	struct pk_iflist now;
	int n, c;

	n = 0;
	if (skipped != NULL)
		*skipped = NULL;
	if (l->have_host) {
		if (pk_iflist_current(&now, err) != 0)
			return (pk_err_prefix(err, "leak check of the case "
			    "host"));
		iflist_drop_own(l, &now);
		n += (int)pk_iflist_diff(&l->host_before, &now,
		    "the case host", rep);
		pk_iflist_free(&now);
	}
	if (iflist_observed(l->machine, &now, err) != 0)
		return (pk_err_prefix(err, "leak check of the machine"));
	n += (int)pk_iflist_diff(&l->machine_before, &now, "the machine", rep);
	pk_iflist_free(&now);
	if (!l->conf.exclusive) {
		if (skipped != NULL)
			*skipped = "kernel object counts not compared: the "
			    "case did not run exclusively";
		return (n);
	}
	if ((c = leak_check_counts(l, rep, err)) < 0)
		return (-1);
	return (n + c);
}

void
pk_leak_free(struct pk_leak *l)
{

	if (l == NULL)
		return;
	pk_os_stackobs_close(l->machine);
	pk_iflist_free(&l->machine_before);
	pk_iflist_free(&l->host_before);
	pk_counts_free(&l->counts_before);
	free(l->own);
	free(l);
}

int
pk_leak_reap_here(struct pk_report *rep, struct pk_err *err)
{
	char ident[PK_OS_IDENTSIZ], line[256];
	struct pk_os_vnet *ov;
	struct pk_os_sock *s;
	struct pk_err e;
	size_t n, i;
	int reaped;

	if (pk_os_vnet_prepare(NULL, PK_OS_VNET_CURRENT, &ov, ident,
	    err) != 0)
		return (pk_err_prefix(err, "orphans of the case host"));
	if (pk_os_sock_dump(ov, &s, &n, err) != 0) {
		pk_os_vnet_free(ov);
		return (pk_err_prefix(err, "orphans of the case host"));
	}
	reaped = 0;
	for (i = 0; i < n; i++) {
		if (!s[i].orphan)
			continue;
		pk_sb_sock_line(&s[i], line, sizeof(line));
		if (pk_os_sock_destroy(ov, &s[i], &e) != 0) {
			(void)pk_report_add(rep, "leak: the case host: "
			    "orphaned %s that no process owns: %s", line,
			    e.msg);
			continue;
		}
		(void)pk_report_add(rep, "reaped: the case host: destroyed "
		    "orphaned %s", line);
		reaped++;
	}
	/* Packets queued on unresolved neighbours pin sockets too. */
	if (reaped > 0)
		(void)pk_os_neigh_flush(ov, NULL);
	free(s);
	pk_os_vnet_free(ov);
	return (reaped);
}
