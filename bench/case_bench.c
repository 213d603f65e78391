/*
 * case_bench: what the test-case machinery costs a case, over and above
 * its body: snapshot the machine, move into a private host and open the
 * case's sandbox (begin); tear the sandbox down and wait for the kernel
 * (teardown); compare interface lists and, in exclusive mode, kernel
 * object counts (check).  Each round is one case, run by the atf layer's
 * own code (pk_tc_begin() and pk_tc_end()) in a forked process, since a
 * case moves into its private host for good; the body, not timed, builds
 * two vnets joined by an epair, an epair from the host, and addresses.
 *
 * Cases run back to back, as kyua runs them at parallelism 1: each one's
 * teardown may queue behind the kernel's dismantling of the previous
 * case's host.  Shared cases leave kernel object counts alone; exclusive
 * ones read them twice on each side, after letting the kernel finish
 * every teardown (see pk_leak.h), which is most of their cost.
 *
 * The bench runs in a private network stack of its own, which is the
 * cases' "machine".  PKTKIT_BENCH_ROUNDS sets the number of cases of each
 * kind (default 200).
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pktkit.h"
#include "atf/pk_atf_impl.h"

#include "bench.h"

#define	ROUNDS_DEFAULT	200

struct timing {
	int64_t	begin_us;
	int64_t	teardown_us;
	int64_t	check_us;
	int	fails;			/* leak findings */
	char	first[200];		/* the first of them */
};

static int	rounds = ROUNDS_DEFAULT;

static void	die(const char *, ...)
		    __attribute__((__format__(__printf__, 1, 2), __noreturn__));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "case_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static void
series_init(struct series *s, const char *name)
{

	if (series_alloc(s, name, (size_t)rounds) != 0)
		die("%s", "out of memory");
}

static void
series_print(struct series *s)
{

	series_sort(s);
	printf("  %-34s %8.2f %8.2f %8.2f %8.2f\n", s->name,
	    series_pct(s, 50), series_pct(s, 90), series_pct(s, 99),
	    s->v[s->n - 1]);
	free(s->v);
}

/*
 * The body: what a small test builds.  Not timed.
 */
static int
body(struct pk_tc *t, struct pk_err *err)
{
	struct pk_sandbox *sb;
	struct pk_vnet *a, *b;
	struct pk_if *x, *y, *h, *z;

	sb = t->sb;
	if (pk_vnet_create(sb, "alcatraz", &a, err) != 0 ||
	    pk_vnet_create(sb, "singsing", &b, err) != 0 ||
	    pk_epair_create(sb, a, b, &x, &y, err) != 0 ||
	    pk_epair_create(sb, NULL, a, &h, &z, err) != 0 ||
	    pk_addr_add(x, "192.0.2.1/24", err) != 0 ||
	    pk_addr_add(y, "192.0.2.2/24", err) != 0 ||
	    pk_addr_add(x, "2001:db8::1/64", err) != 0 ||
	    pk_addr_add(y, "2001:db8::2/64", err) != 0 ||
	    pk_addr_add(h, "198.51.100.1/24", err) != 0 ||
	    pk_addr_add(z, "198.51.100.2/24", err) != 0)
		return (-1);
	return (0);
}

/*
 * In the forked case: run it in dir, write the timing to fd.
 */
static void
one_case(const char *dir, int exclusive, int fd)
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_report fails = PK_REPORT_INIT, notes = PK_REPORT_INIT;
	struct pk_tc_setup s;
	struct timing tm;
	struct pk_tc t;
	struct pk_err err;
	const char *skipped;
	int64_t t0;

	if (chdir(dir) != 0)
		die("chdir %s", dir);
	memset(&t, 0, sizeof(t));
	memset(&s, 0, sizeof(s));
	s.exclusive = exclusive;
	t0 = pk_now_us();
	if (pk_tc_begin(&t, &s, &err) != 0)
		die("begin: %s", err.msg);
	tm.begin_us = pk_now_us() - t0;
	if (body(&t, &err) != 0)
		die("body: %s", err.msg);
	pk_tc_end(&t, &rep, &skipped);
	tm.teardown_us = t.teardown_us;
	tm.check_us = t.check_us;
	/* Notes (counts skipped, say) are not findings. */
	tm.fails = (int)pk_tc_sort(&rep, 0, &fails, &notes);
	snprintf(tm.first, sizeof(tm.first), "%s", fails.n > 0 ?
	    fails.lines[0] : "");
	pk_report_free(&rep);
	pk_report_free(&fails);
	pk_report_free(&notes);
	if (write(fd, &tm, sizeof(tm)) != (ssize_t)sizeof(tm))
		_exit(1);
	_exit(0);
}

static void
run_series(const char *root, int exclusive, const char *title)
{
	struct series begin, down, check, total;
	char dir[PATH_MAX], first[200];
	struct timing tm;
	int i, p[2], status, disturbed;
	pid_t pid;

	series_init(&begin, "begin (snapshot, private host)");
	series_init(&down, "teardown (close, settle, reap)");
	series_init(&check, "leak check");
	series_init(&total, "whole-case overhead");
	disturbed = 0;
	first[0] = '\0';
	for (i = 0; i < rounds; i++) {
		snprintf(dir, sizeof(dir), "%s/%s%d", root, exclusive ? "x" :
		    "s", i);
		if (mkdir(dir, 0700) != 0 || pipe(p) != 0)
			die("%s", dir);
		fflush(stdout);
		if ((pid = fork()) < 0)
			die("%s", "fork");
		if (pid == 0) {
			close(p[0]);
			one_case(dir, exclusive, p[1]);
		}
		close(p[1]);
		if (read(p[0], &tm, sizeof(tm)) != (ssize_t)sizeof(tm))
			die("%s", "a case died");
		close(p[0]);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			die("%s", "a case failed");
		/*
		 * A clean case that leaks is a bug, but for the global
		 * counts of an exclusive case, which anything else running
		 * on the machine moves: those are counted and shown.
		 */
		if (tm.fails != 0 && !exclusive)
			die("a clean case leaked: %s", tm.first);
		if (tm.fails != 0 && disturbed++ == 0)
			snprintf(first, sizeof(first), "%s", tm.first);
		series_add(&begin, tm.begin_us / 1000.0);
		series_add(&down, tm.teardown_us / 1000.0);
		series_add(&check, tm.check_us / 1000.0);
		series_add(&total, (tm.begin_us + tm.teardown_us +
		    tm.check_us) / 1000.0);
	}
	printf("%s, %d cases:\n", title, rounds);
	printf("  %-34s %8s %8s %8s %8s\n", "(ms)", "median", "p90", "p99",
	    "max");
	series_print(&begin);
	series_print(&down);
	series_print(&check);
	series_print(&total);
	if (disturbed > 0)
		printf("  %d of %d cases saw counts move: the machine was not "
		    "quiet (first: %s)\n", disturbed, rounds, first);
}

int
main(void)
{
	char root[] = "/tmp/pktkit-case-bench.XXXXXX";
	struct pk_sandbox_conf sc;
	struct pk_sandbox *sb;
	struct pk_err err;
	const char *s;
	char cmd[64];

	if ((s = getenv("PKTKIT_BENCH_ROUNDS")) != NULL && atoi(s) > 0)
		rounds = atoi(s);
	/* Our own private stack, which is the cases' machine. */
	memset(&sc, 0, sizeof(sc));
	sc.private_host = 1;
	if (pk_sandbox_open(&sb, &sc, &err) != 0)
		die("private stack: %s", err.msg);
	if (mkdtemp(root) == NULL)
		die("mkdtemp: %s", strerror(errno));
	printf("case: what the atf layer adds to a case's body (two vnets, "
	    "two epairs, addresses)\n");
	run_series(root, 0, "shared case (no kernel counts)");
	run_series(root, 1, "exclusive case (kernel counts compared)");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		die("%s", "could not remove the work directories");
	if (pk_sandbox_close(sb, NULL, &err) != 0)
		die("private stack: %s", err.msg);
	return (0);
}
