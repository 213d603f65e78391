/*
 * tc.c: the life of a pktkit test case (see pk_atf.h).
 *
 * The body and the cleanup routine run in different processes, so all
 * they share is the case's work directory: the sandbox journal, the
 * journal of the throw-away vnet the leak check uses, and the machine's
 * interface list as the body first saw it.
 *
 * The case's sandbox always reaps orphaned TCP sockets at teardown: one
 * left alone would keep its vnet alive for minutes after the case, where
 * nothing can reach it any more (its pin is gone once teardown has
 * started).  Whether a reaped socket fails the case is decided here,
 * afterwards, from the case's .reap.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "pk_atf.h"
#include "pk_atf_impl.h"
#include "../leak/pk_leak.h"
#include "../sandbox/pk_sandbox_impl.h"

#define	PK_TC_TIMEOUT_DEFAULT	60
#define	PK_TC_SETTLE_MAX	3600000		/* ms: an hour is a typo */

#define	JOURNAL_FILE	"pktkit.journal"
#define	QUIESCE_FILE	"pktkit.quiesce.journal"
#define	MACHINE_FILE	"pktkit.machine-ifaces"

#define	LEAK_TAG	"leak: "
#define	REAPED_TAG	"reaped: "

/* One case runs per process; atf gives the body no place for state. */
static struct pk_tc the_tc;

void
pk_tc_head(atf_tc_t *tc, const struct pk_tc_conf *conf)
{
	unsigned timeout;

	timeout = conf->timeout != 0 ? conf->timeout : PK_TC_TIMEOUT_DEFAULT;
	atf_tc_set_md_var(tc, "descr", "%s", conf->descr);
	atf_tc_set_md_var(tc, "require.user", "root");
	atf_tc_set_md_var(tc, "timeout", "%u", timeout);
	if (conf->require_progs != NULL)
		atf_tc_set_md_var(tc, "require.progs", "%s",
		    conf->require_progs);
}

void
pk_tc_fail(struct pk_tc *t, const char *file, int line, const char *fmt, ...)
{
	char msg[PK_ERRMSG_MAX * 2];
	va_list ap;

	(void)t;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	atf_tc_fail("%s:%d: %s", file, line, msg);
}

void
pk_tc_fail_err(struct pk_tc *t, const char *file, int line,
    const struct pk_err *err)
{

	pk_tc_fail(t, file, line, "%s", err->msg);
}

const atf_tc_t *
pk_tc_atf(struct pk_tc *t)
{

	return (t->atf);
}

struct pk_sandbox *
pk_tc_sandbox(struct pk_tc *t)
{

	return (t->sb);
}

static int
conf_bool(const atf_tc_t *tc, const char *name)
{

	return (atf_tc_has_config_var(tc, name) &&
	    atf_tc_get_config_var_as_bool_wd(tc, name, false));
}

/*
 * The case's own deadline, else the run's, else the sandbox's default;
 * PKTKIT_DEADLINE_SCALE applies to all of them, in the sandbox.
 */
static unsigned
conf_settle(const atf_tc_t *tc, const struct pk_tc_conf *conf)
{
	long v;

	if (conf->settle_ms != 0)
		return (conf->settle_ms);
	if (!atf_tc_has_config_var(tc, "pktkit_settle_ms"))
		return (0);
	v = atf_tc_get_config_var_as_long_wd(tc, "pktkit_settle_ms", 0);
	return (v > 0 && v <= PK_TC_SETTLE_MAX ? (unsigned)v : 0);
}

static void
conf_setup(const atf_tc_t *tc, const struct pk_tc_conf *conf,
    struct pk_tc_setup *s)
{

	memset(s, 0, sizeof(*s));
	s->exclusive = conf->exclusive || conf_bool(tc, "pktkit_exclusive");
	s->reap = conf->reap;
	s->settle_ms = conf_settle(tc, conf);
}

/*
 * Paths of the files the body leaves for the cleanup routine.  Both run
 * with the work directory as their current directory.
 */
static int
tc_paths(struct pk_tc *t, struct pk_err *err)
{

	if (getcwd(t->workdir, sizeof(t->workdir)) == NULL)
		return (pk_err_sys(err, errno, "work directory"));
	snprintf(t->journal, sizeof(t->journal), "%s/%s", t->workdir,
	    JOURNAL_FILE);
	snprintf(t->quiesce_journal, sizeof(t->quiesce_journal), "%s/%s",
	    t->workdir, QUIESCE_FILE);
	snprintf(t->machine_file, sizeof(t->machine_file), "%s/%s",
	    t->workdir, MACHINE_FILE);
	return (0);
}

/*
 * Let the kernel finish every vnet teardown started so far: teardowns
 * complete in order, so once a throw-away vnet made now is gone, so is
 * everything before it.
 */
static int
tc_quiesce(void *arg, struct pk_err *err)
{
	struct pk_sandbox_conf sc;
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	struct pk_tc *t = arg;

	memset(&sc, 0, sizeof(sc));
	sc.journal = t->quiesce_journal;
	sc.settle_ms = t->settle_ms;
	if (pk_sandbox_open(&sb, &sc, err) != 0)
		return (-1);
	if (pk_vnet_create(sb, "quiesce", &v, err) != 0) {
		pk_sandbox_close(sb, NULL, NULL);
		return (-1);
	}
	return (pk_sandbox_close(sb, NULL, err));
}

int
pk_tc_begin(struct pk_tc *t, const struct pk_tc_setup *s, struct pk_err *err)
{
	struct pk_sandbox_conf sc;
	struct pk_leak_conf lc;

	t->exclusive = s->exclusive;
	t->reap = s->reap;
	t->settle_ms = s->settle_ms;
	if (tc_paths(t, err) != 0)
		return (-1);

	memset(&lc, 0, sizeof(lc));
	lc.exclusive = t->exclusive;
	lc.machine_file = t->machine_file;
	lc.quiesce = tc_quiesce;
	lc.quiesce_arg = t;
	if (pk_leak_begin(&t->leak, &lc, err) != 0)
		return (-1);

	memset(&sc, 0, sizeof(sc));
	sc.journal = t->journal;
	sc.private_host = 1;
	sc.settle_ms = t->settle_ms;
	/* Always: see the file comment. */
	sc.reap = 1;
	if (pk_sandbox_open(&t->sb, &sc, err) != 0)
		return (pk_err_prefix(err, "case sandbox"));
	return (pk_leak_baseline_host(t->leak, err));
}

/*
 * The canaries of the case's vnets live in its host; one still there
 * after teardown is the sign of a vnet still alive, which teardown names
 * with its holders: not a leak of its own.
 */
static void
tc_own_canaries(struct pk_tc *t, struct pk_sandbox *sb,
    struct pk_report *rep)
{
	struct pk_vnet *v;
	struct pk_err err;

	TAILQ_FOREACH(v, &sb->vnets, link)
		if (!v->is_host && v->canary[0] != '\0' &&
		    pk_leak_host_own(t->leak, v->canary, &err) != 0)
			pk_report_add(rep, LEAK_TAG "%s", err.msg);
}

void
pk_tc_end(struct pk_tc *t, struct pk_report *rep, const char **skipped)
{
	struct pk_sandbox *sb;
	struct pk_err err;
	int64_t t0, t1;
	size_t n;

	*skipped = NULL;
	pk_tc_free_owned(t);
	t0 = pk_now_us();
	if ((sb = t->sb) != NULL) {
		t->sb = NULL;
		if (t->leak != NULL)
			tc_own_canaries(t, sb, rep);
		n = rep->n;
		if (pk_sandbox_close(sb, rep, &err) != 0 && rep->n == n)
			pk_report_add(rep, LEAK_TAG "teardown failed: %s",
			    err.msg);
		if (pk_leak_reap_here(rep, &err) < 0)
			pk_report_add(rep, LEAK_TAG "%s", err.msg);
	}
	t1 = pk_now_us();
	if (t->leak != NULL &&
	    pk_leak_check(t->leak, rep, skipped, &err) < 0)
		pk_report_add(rep, LEAK_TAG "leak check failed: %s", err.msg);
	pk_leak_free(t->leak);
	t->leak = NULL;
	t->teardown_us = t1 - t0;
	t->check_us = pk_now_us() - t1;
}

static int
has_tag(const char *line, const char *tag)
{

	return (strncmp(line, tag, strlen(tag)) == 0);
}

size_t
pk_tc_sort(const struct pk_report *rep, int reap, struct pk_report *fails,
    struct pk_report *notes)
{
	const char *l;
	size_t i, n;

	n = 0;
	for (i = 0; i < rep->n; i++) {
		l = rep->lines[i];
		if (has_tag(l, LEAK_TAG)) {
			(void)pk_report_add(fails, "%s", l);
			n++;
		} else if (has_tag(l, REAPED_TAG) && !reap) {
			(void)pk_report_add(fails, LEAK_TAG "%s, which would "
			    "have kept it alive long after the case (a case "
			    "that expects this sets .reap)",
			    l + strlen(REAPED_TAG));
			n++;
		} else
			(void)pk_report_add(notes, "%s", l);
	}
	return (n);
}

/*
 * Notes go to stdout, where kyua keeps them; failures go to stderr and
 * fail the case, all of them on the one line atf allows for a reason,
 * the first culprit first.
 */
static void
tc_report(const struct pk_report *rep, int reap, const char *what)
{
	struct pk_report fails = PK_REPORT_INIT, notes = PK_REPORT_INIT;
	char reason[4096];
	size_t i, n;

	n = pk_tc_sort(rep, reap, &fails, &notes);
	for (i = 0; i < notes.n; i++)
		printf("pktkit: %s\n", notes.lines[i]);
	for (i = 0; i < fails.n; i++)
		fprintf(stderr, "pktkit: %s\n", fails.lines[i]);
	pk_report_free(&notes);
	if (n == 0)
		return;
	pk_report_join(&fails, "; ", reason, sizeof(reason));
	pk_report_free(&fails);
	atf_tc_fail("%s found %s: %s", what, n == 1 ? "a leak" : "leaks",
	    reason);
}

void
pk_tc_main(const atf_tc_t *tc, const struct pk_tc_conf *conf,
    void (*body)(struct pk_tc *))
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_tc *t = &the_tc;
	struct pk_tc_setup s;
	const char *skipped;
	struct pk_err err;

	memset(t, 0, sizeof(*t));
	t->atf = tc;
	t->conf = conf;
	conf_setup(tc, conf, &s);
	if (pk_tc_begin(t, &s, &err) != 0)
		atf_tc_fail("pktkit: %s", err.msg);
	body(t);
	pk_tc_end(t, &rep, &skipped);
	if (skipped != NULL)
		printf("pktkit: %s\n", skipped);
	tc_report(&rep, t->reap, "teardown");
	pk_report_free(&rep);
}

/*
 * A vnet destroyed by the body: the same rules as at the end.
 */
void
pk_tc_vnet_gone(struct pk_tc *t, const char *file, int line,
    struct pk_vnet *v)
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_report fails = PK_REPORT_INIT, notes = PK_REPORT_INIT;
	struct pk_err err;
	char msg[2048];
	size_t i;
	int rc;

	rc = pk_vnet_destroy(v, &rep, &err);
	(void)pk_tc_sort(&rep, t->reap, &fails, &notes);
	pk_report_free(&rep);
	for (i = 0; i < notes.n; i++)
		printf("pktkit: %s\n", notes.lines[i]);
	pk_report_free(&notes);
	if (fails.n == 0) {
		if (rc != 0)
			pk_tc_fail_err(t, file, line, &err);
		return;
	}
	pk_report_join(&fails, "; ", msg, sizeof(msg));
	pk_report_free(&fails);
	pk_tc_fail(t, file, line, "%s", msg);
}

static int
file_exists(const char *path)
{

	return (access(path, F_OK) == 0);
}

static void
cleanup_recover(const char *journal, unsigned settle_ms,
    struct pk_report *rep)
{
	struct pk_err err;
	size_t before;

	if (!file_exists(journal))
		return;
	before = rep->n;
	/* Reaping on, as in the body: leave nothing out of reach. */
	if (pk_sandbox_recover(journal, settle_ms, 1, rep, &err) != 0 &&
	    rep->n == before)
		pk_report_add(rep, LEAK_TAG "cleanup failed: %s", err.msg);
}

static void
cleanup_machine(const char *path, struct pk_report *rep)
{
	struct pk_iflist before, now;
	struct pk_err err;

	if (!file_exists(path))
		return;
	if (pk_iflist_load(&before, path, &err) != 0) {
		pk_report_add(rep, LEAK_TAG "cleanup failed: %s", err.msg);
		return;
	}
	if (pk_iflist_current(&now, &err) != 0) {
		pk_report_add(rep, LEAK_TAG "cleanup failed: %s", err.msg);
		pk_iflist_free(&before);
		return;
	}
	pk_iflist_diff(&before, &now, "the machine", rep);
	pk_iflist_free(&before);
	pk_iflist_free(&now);
}

void
pk_tc_cleanup(const atf_tc_t *tc, const struct pk_tc_conf *conf)
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_report fails = PK_REPORT_INIT, notes = PK_REPORT_INIT;
	struct pk_err err;
	struct pk_tc t;
	size_t i, n;

	memset(&t, 0, sizeof(t));
	if (tc_paths(&t, &err) != 0) {
		fprintf(stderr, "pktkit cleanup: %s\n", err.msg);
		exit(EXIT_FAILURE);
	}
	t.settle_ms = conf_settle(tc, conf);
	cleanup_recover(t.journal, t.settle_ms, &rep);
	cleanup_recover(t.quiesce_journal, t.settle_ms, &rep);
	cleanup_machine(t.machine_file, &rep);
	n = pk_tc_sort(&rep, conf->reap, &fails, &notes);
	for (i = 0; i < notes.n; i++)
		printf("pktkit cleanup: %s\n", notes.lines[i]);
	for (i = 0; i < fails.n; i++)
		fprintf(stderr, "pktkit cleanup: %s\n", fails.lines[i]);
	pk_report_free(&rep);
	pk_report_free(&fails);
	pk_report_free(&notes);
	if (n > 0)
		exit(EXIT_FAILURE);
}

/*
 * Repeated cases: one atf case per copy, all sharing a conf and a body.
 * atf hands each callback the atf_tc_t it was registered with, which is
 * the first member of its copy.
 */
struct tc_copy {
	atf_tc_t		 tc;
	const struct pk_tc_conf	*conf;
	void			(*body)(struct pk_tc *);
	char			 ident[80];
};

/* Kept for the life of the program, as atf keeps pointers into them. */
static struct tc_copy	**tc_copies;
static size_t		  tc_ncopies;

static const struct tc_copy *
copy_of(const atf_tc_t *tc)
{

	return ((const struct tc_copy *)(const void *)tc);
}

static void
copy_head(atf_tc_t *tc)
{

	pk_tc_head(tc, copy_of(tc)->conf);
}

static void
copy_body(const atf_tc_t *tc)
{

	pk_tc_main(tc, copy_of(tc)->conf, copy_of(tc)->body);
}

static void
copy_cleanup(const atf_tc_t *tc)
{

	pk_tc_cleanup(tc, copy_of(tc)->conf);
}

atf_error_t
pk_tc_add_repeated(atf_tp_t *tp, const char *name, unsigned n,
    const struct pk_tc_conf *conf, void (*body)(struct pk_tc *))
{
	struct tc_copy *c, **nv;
	atf_error_t aerr;
	char **config;
	unsigned i;
	int width;

	if (n == 0)
		return (atf_no_error());
	nv = realloc(tc_copies, (tc_ncopies + 1) * sizeof(*nv));
	if (nv == NULL)
		return (atf_no_memory_error());
	tc_copies = nv;
	if ((c = calloc(n, sizeof(*c))) == NULL)
		return (atf_no_memory_error());
	tc_copies[tc_ncopies++] = c;
	width = snprintf(NULL, 0, "%u", n);
	for (i = 0; i < n; i++) {
		c[i].conf = conf;
		c[i].body = body;
		if ((size_t)snprintf(c[i].ident, sizeof(c[i].ident),
		    "%s_%0*u", name, width, i + 1) >= sizeof(c[i].ident))
			return (atf_libc_error(ENAMETOOLONG, "case name %s "
			    "too long", name));
		if ((config = atf_tp_get_config(tp)) == NULL)
			return (atf_no_memory_error());
		aerr = atf_tc_init(&c[i].tc, c[i].ident, copy_head,
		    copy_body, copy_cleanup, (const char *const *)config);
		atf_utils_free_charpp(config);
		if (atf_is_error(aerr))
			return (aerr);
		if (atf_is_error(aerr = atf_tp_add_tc(tp, &c[i].tc)))
			return (aerr);
	}
	return (atf_no_error());
}
