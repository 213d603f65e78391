/*
 * tc.c: the life of a pktkit test case (see pk_atf.h).
 *
 * The body and the cleanup routine run in different processes, so all
 * they share is the case's work directory: the sandbox journal, the
 * journal of the throw-away vnet the leak check uses, and the machine's
 * interface list as the body first saw it.
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

#define	PK_TC_TIMEOUT_DEFAULT	60

#define	JOURNAL_FILE	"pktkit.journal"
#define	QUIESCE_FILE	"pktkit.quiesce.journal"
#define	MACHINE_FILE	"pktkit.machine-ifaces"

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

static unsigned
conf_settle(const atf_tc_t *tc, const struct pk_tc_conf *conf)
{
	long v;

	if (conf->settle_ms != 0)
		return (conf->settle_ms);
	if (!atf_tc_has_config_var(tc, "pktkit_settle_ms"))
		return (0);
	v = atf_tc_get_config_var_as_long_wd(tc, "pktkit_settle_ms", 0);
	return (v > 0 && v < 3600000 ? (unsigned)v : 0);
}

/*
 * Paths of the files the body leaves for the cleanup routine.  Both run
 * with the work directory as their current directory.
 */
static void
tc_paths(struct pk_tc *t)
{

	if (getcwd(t->workdir, sizeof(t->workdir)) == NULL)
		atf_tc_fail("pktkit: work directory: %s", strerror(errno));
	snprintf(t->journal, sizeof(t->journal), "%s/%s", t->workdir,
	    JOURNAL_FILE);
	snprintf(t->quiesce_journal, sizeof(t->quiesce_journal), "%s/%s",
	    t->workdir, QUIESCE_FILE);
	snprintf(t->machine_file, sizeof(t->machine_file), "%s/%s",
	    t->workdir, MACHINE_FILE);
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

static void
tc_start(struct pk_tc *t, const atf_tc_t *tc, const struct pk_tc_conf *conf)
{
	struct pk_sandbox_conf sc;
	struct pk_leak_conf lc;
	struct pk_err err;

	memset(t, 0, sizeof(*t));
	t->atf = tc;
	t->conf = conf;
	t->exclusive = conf->exclusive || conf_bool(tc, "pktkit_exclusive");
	t->settle_ms = conf_settle(tc, conf);
	tc_paths(t);

	memset(&lc, 0, sizeof(lc));
	lc.exclusive = t->exclusive;
	lc.machine_file = t->machine_file;
	lc.quiesce = tc_quiesce;
	lc.quiesce_arg = t;
	if (pk_leak_begin(&t->leak, &lc, &err) != 0)
		atf_tc_fail("pktkit: %s", err.msg);

	memset(&sc, 0, sizeof(sc));
	sc.journal = t->journal;
	sc.private_host = 1;
	sc.settle_ms = t->settle_ms;
	sc.reap = conf->reap;
	if (pk_sandbox_open(&t->sb, &sc, &err) != 0)
		atf_tc_fail("pktkit: case sandbox: %s", err.msg);
	if (pk_leak_baseline_host(t->leak, &err) != 0)
		atf_tc_fail("pktkit: %s", err.msg);
}

static int
is_leak(const char *line)
{

	return (strncmp(line, "leak: ", 6) == 0);
}

/*
 * Teardown findings are leaks ("leak: ...") or notes on what was done
 * to make teardown succeed ("reaped: ...").  Notes go to stdout, where
 * kyua keeps them; leaks go to stderr and fail the case, all of them on
 * the one line atf allows for a reason, the first culprit first.
 */
static void
tc_report(const struct pk_report *rep)
{
	struct pk_report leaks = PK_REPORT_INIT;
	char reason[4096];
	size_t i;

	for (i = 0; i < rep->n; i++) {
		if (!is_leak(rep->lines[i])) {
			printf("pktkit: %s\n", rep->lines[i]);
			continue;
		}
		fprintf(stderr, "pktkit: %s\n", rep->lines[i]);
		pk_report_add(&leaks, "%s", rep->lines[i]);
	}
	if (leaks.n == 0)
		return;
	pk_report_join(&leaks, "; ", reason, sizeof(reason));
	i = leaks.n;
	pk_report_free(&leaks);
	atf_tc_fail("teardown found %s: %s", i == 1 ? "a leak" : "leaks",
	    reason);
}

static void
tc_finish(struct pk_tc *t)
{
	struct pk_report rep = PK_REPORT_INIT;
	const char *skipped;
	struct pk_err err;
	struct pk_sandbox *sb;
	size_t n;

	pk_tc_free_owned(t);
	sb = t->sb;
	t->sb = NULL;
	n = rep.n;
	if (pk_sandbox_close(sb, &rep, &err) != 0 && rep.n == n)
		pk_report_add(&rep, "leak: teardown failed: %s", err.msg);
	if (pk_leak_check(t->leak, &rep, &skipped, &err) < 0)
		pk_report_add(&rep, "leak: leak check failed: %s", err.msg);
	pk_leak_free(t->leak);
	t->leak = NULL;
	if (skipped != NULL)
		printf("pktkit: %s\n", skipped);
	tc_report(&rep);
	pk_report_free(&rep);
}

void
pk_tc_main(const atf_tc_t *tc, const struct pk_tc_conf *conf,
    void (*body)(struct pk_tc *))
{
	struct pk_tc *t = &the_tc;

	tc_start(t, tc, conf);
	body(t);
	tc_finish(t);
}

static int
file_exists(const char *path)
{

	return (access(path, F_OK) == 0);
}

static void
cleanup_recover(const char *journal, unsigned settle_ms, int reap,
    struct pk_report *rep)
{
	struct pk_err err;
	size_t before;

	if (!file_exists(journal))
		return;
	before = rep->n;
	if (pk_sandbox_recover(journal, settle_ms, reap, rep, &err) != 0 &&
	    rep->n == before)
		pk_report_add(rep, "leak: cleanup failed: %s", err.msg);
}

static void
cleanup_machine(const char *path, struct pk_report *rep)
{
	struct pk_iflist before, now;
	struct pk_err err;

	if (!file_exists(path))
		return;
	if (pk_iflist_load(&before, path, &err) != 0) {
		pk_report_add(rep, "leak: cleanup failed: %s", err.msg);
		return;
	}
	if (pk_iflist_current(&now, &err) != 0) {
		pk_report_add(rep, "leak: cleanup failed: %s", err.msg);
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
	struct pk_tc t;
	size_t i;
	int failed;

	memset(&t, 0, sizeof(t));
	tc_paths(&t);
	t.settle_ms = conf_settle(tc, conf);
	cleanup_recover(t.journal, t.settle_ms, conf->reap, &rep);
	cleanup_recover(t.quiesce_journal, t.settle_ms, 1, &rep);
	cleanup_machine(t.machine_file, &rep);
	failed = 0;
	for (i = 0; i < rep.n; i++) {
		if (is_leak(rep.lines[i])) {
			fprintf(stderr, "pktkit cleanup: %s\n", rep.lines[i]);
			failed = 1;
		} else
			printf("pktkit cleanup: %s\n", rep.lines[i]);
	}
	pk_report_free(&rep);
	if (failed)
		exit(EXIT_FAILURE);
}
