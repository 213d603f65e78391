/*
 * sbtest.h: what the sandbox test programs share.
 *
 * Until the atf layer exists, every case does by hand what it will do:
 * the body opens its sandbox with a private host (so nothing it does
 * touches the machine's own network stack) and a journal in the work
 * directory, and the cleanup routine, which kyua runs in a fresh process
 * even after the body crashed, recovers that journal.  The body also
 * points its stderr at a file and checks at the end that the library
 * wrote nothing there.
 */
#ifndef SBTEST_H
#define SBTEST_H

#include <sys/types.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "pk_err.h"
#include "pk_report.h"
#include "pk_time.h"
#include "sandbox/pk_sandbox.h"

#define	SBT_JOURNAL	"journal"
#define	SBT_STDERR	"stderr.out"

#define	SBT_UNUSED	__attribute__((__unused__))

static struct pk_err err;

/*
 * A case that needs root, with a cleanup routine that recovers the
 * journal (and runs extra, a statement, first).
 */
#define	SBT_TC(name, descr, extra)					\
	ATF_TC_WITH_CLEANUP(name);					\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", descr);			\
		atf_tc_set_md_var(tc, "require.user", "root");		\
		atf_tc_set_md_var(tc, "timeout", "60");			\
	}								\
	ATF_TC_CLEANUP(name, tc)					\
	{								\
		extra;							\
		sbt_cleanup(SBT_JOURNAL);				\
	}								\
	ATF_TC_BODY(name, tc)

/* Fail the case with the library's message unless expr is 0. */
#define	OK(expr)	ATF_REQUIRE_MSG((expr) == 0, "%s: %s", #expr, err.msg)

/* Expect expr to fail with errno value code. */
#define	FAILS(expr, want) do {						\
	pk_err_clear(&err);						\
	ATF_REQUIRE_MSG((expr) != 0, "%s succeeded", #expr);		\
	ATF_REQUIRE_MSG(err.code == (want), "%s: code %d, not %d: %s",	\
	    #expr, err.code, (want), err.msg);				\
} while (0)

/* The message says what went wrong. */
#define	MSG_HAS(s)	ATF_REQUIRE_MSG(strstr(err.msg, (s)) != NULL,	\
			    "message '%s' lacks '%s'", err.msg, (s))

static SBT_UNUSED void
sbt_cleanup(const char *journal)
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_err e;
	size_t i;
	int rc;

	rc = pk_sandbox_recover(journal, 0, 1, &rep, &e);
	if (rc != 0) {
		for (i = 0; i < rep.n; i++)
			fprintf(stderr, "%s\n", rep.lines[i]);
		fprintf(stderr, "%s\n", e.msg);
		exit(1);
	}
	pk_report_free(&rep);
}

static SBT_UNUSED void
sbt_stderr_begin(void)
{
	int fd;

	fflush(stderr);
	fd = open(SBT_STDERR, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE(fd >= 0);
	ATF_REQUIRE(dup2(fd, 2) == 2);
	close(fd);
}

/*
 * Anything on stderr but atf's own reports of failed checks came from
 * the library (or a child it did not silence).
 */
static SBT_UNUSED void
sbt_stderr_end(void)
{
	char line[256];
	size_t len;
	FILE *fp;

	fflush(stderr);
	ATF_REQUIRE((fp = fopen(SBT_STDERR, "r")) != NULL);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "*** Check failed", 16) == 0)
			continue;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		fclose(fp);
		atf_tc_fail("something wrote to stderr: %s", line);
	}
	fclose(fp);
}

/*
 * Open the case's sandbox: private host, journal in the work directory.
 */
static SBT_UNUSED struct pk_sandbox *
sbt_open_conf(int reap, unsigned settle_ms)
{
	struct pk_sandbox_conf conf;
	struct pk_sandbox *sb;

	sbt_stderr_begin();
	memset(&conf, 0, sizeof(conf));
	conf.journal = SBT_JOURNAL;
	conf.private_host = 1;
	conf.reap = reap;
	conf.settle_ms = settle_ms;
	OK(pk_sandbox_open(&sb, &conf, &err));
	return (sb);
}

static SBT_UNUSED struct pk_sandbox *
sbt_open(void)
{

	return (sbt_open_conf(0, 0));
}

static SBT_UNUSED void
sbt_report_fail(const char *what, struct pk_report *rep)
{
	char buf[2048];

	pk_report_join(rep, "; ", buf, sizeof(buf));
	atf_tc_fail("%s: %s (report: %s)", what, err.msg, buf);
}

/*
 * Close it, requiring a clean teardown: no failure, no report line.
 */
static SBT_UNUSED void
sbt_close(struct pk_sandbox *sb)
{
	struct pk_report rep = PK_REPORT_INIT;

	if (pk_sandbox_close(sb, &rep, &err) != 0 || rep.n != 0)
		sbt_report_fail("pk_sandbox_close", &rep);
	pk_report_free(&rep);
	sbt_stderr_end();
}

/* Does any line of rep contain all of the given strings? */
static SBT_UNUSED int
sbt_report_has(const struct pk_report *rep, const char *a, const char *b,
    const char *c)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		if (strstr(rep->lines[i], a) != NULL &&
		    (b == NULL || strstr(rep->lines[i], b) != NULL) &&
		    (c == NULL || strstr(rep->lines[i], c) != NULL))
			return (1);
	return (0);
}

#define	REPORT_HAS(rep, a, b, c) do {					\
	char rbuf_[2048];						\
									\
	pk_report_join((rep), " // ", rbuf_, sizeof(rbuf_));		\
	ATF_REQUIRE_MSG(sbt_report_has((rep), (a), (b), (c)),		\
	    "report lacks a line with '%s' '%s' '%s': %s", (a),	\
	    (b) != NULL ? (b) : "", (c) != NULL ? (c) : "", rbuf_);	\
} while (0)

/* The path of a vnet's pin (Linux). */
static SBT_UNUSED void
sbt_pin(const struct pk_vnet *v, char *buf, size_t size)
{

	snprintf(buf, size, "/run/netns/%s", pk_vnet_kname(v));
}

/* Is name among v's interfaces?  Fills *up if so. */
static SBT_UNUSED int
sbt_has_if(struct pk_vnet *v, const char *name, int *up)
{
	struct pk_ifinfo *l;
	size_t n, i;
	int found;

	OK(pk_vnet_if_list(v, &l, &n, &err));
	found = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(l[i].name, name) == 0) {
			found = 1;
			if (up != NULL)
				*up = l[i].up;
		}
	}
	free(l);
	return (found);
}

/* The inode of the network namespace of the calling thread. */
static SBT_UNUSED ino_t
sbt_self_ns(void)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st) != 0)
		return (0);
	return (st.st_ino);
}

/* The inode of the namespace a vnet's pin refers to. */
static SBT_UNUSED ino_t
sbt_vnet_ns(const struct pk_vnet *v)
{
	char path[256];
	struct stat st;

	sbt_pin(v, path, sizeof(path));
	if (stat(path, &st) != 0)
		return (0);
	return (st.st_ino);
}

/* Run a shell command in the case's own stack; its exit status. */
static SBT_UNUSED int
sbt_sh(const char *fmt, ...) __attribute__((__format__(__printf__, 1, 2)));

static SBT_UNUSED int
sbt_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return (WIFEXITED(st) ? WEXITSTATUS(st) : 128);
}

/*
 * Things a case makes on purpose outside any sandbox (a foreign pin, a
 * bind mount) are listed in the work directory, so that the cleanup
 * routine can remove them if the body dies first.
 */
#define	SBT_FOREIGN	"foreign"

static SBT_UNUSED void
sbt_note_foreign(const char *path)
{
	FILE *fp;

	ATF_REQUIRE((fp = fopen(SBT_FOREIGN, "a")) != NULL);
	fprintf(fp, "%s\n", path);
	fclose(fp);
}

static SBT_UNUSED void
sbt_cleanup_foreign(void)
{
	char line[512];
	size_t len;
	FILE *fp;

	if ((fp = fopen(SBT_FOREIGN, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		(void)umount2(line, MNT_DETACH);
		(void)unlink(line);
	}
	fclose(fp);
}

#endif /* !SBTEST_H */
