/*
 * tools_bench: whole-process time of the drop-in tools beside what they
 * replace and beside ping(8), in one run:
 *
 *	positive check	pft_ping sees the echo reply; ping -c1; a scapy
 *			script doing what pft_ping.py does
 *	negative check	the peer drops the request: pft_ping waits out its
 *			3 s window; ping -c1 -W3; the scapy script
 *	SYN flood	pft_synflood --count 1000; the scapy loop of
 *			pft_synflood.py
 *
 * A run is timed from posix_spawn() to waitpid(): start-up, the work,
 * and exit.  The bench first moves into a private network namespace (the
 * sandbox's host) with a peer vnet behind an epair; commands run in the
 * host, where the tester of a pf test runs them.  scapy runs from
 * Debian's /usr/bin/python3 and is skipped, with a note, when it cannot
 * be imported.  PKTKIT_BENCH_ROUNDS scales the number of runs.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_err.h"
#include "pk_time.h"
#include "sandbox/pk_sandbox.h"

#include "bench.h"

extern char **environ;

#define	SCAPY_PY	"/usr/bin/python3"
#define	SCAPY_SCRIPT	"tools_bench_scapy.py"
#define	PING_TOOL	"../tools/pft_ping/pft_ping"
#define	FLOOD_TOOL	"../tools/pft_synflood/pft_synflood"
#define	MAXRUNS		1000

struct figure {
	double	med, min, max;	/* ms */
	int	status;		/* of the last run */
	int	n;
};

static void
fail(const char *what, const struct pk_err *err)
{

	fprintf(stderr, "tools_bench: %s: %s\n", what, err->msg);
	exit(1);
}

/* One run of argv, output discarded: its wait status and ms. */
static int
run(char *const argv[], double *ms)
{
	posix_spawn_file_actions_t fa;
	int64_t t0;
	pid_t pid;
	int st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	t0 = pk_now_us();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return (-1);
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) == -1)
		return (-1);
	*ms = (double)(pk_now_us() - t0) / 1000.0;
	return (st);
}

/* n runs of argv: median, extremes; -1 if a run could not be made or
 * did not exit with want. */
static int
measure(char *const argv[], int n, int want, struct figure *f)
{
	double v[MAXRUNS];
	int i, st;

	if (n > MAXRUNS)
		n = MAXRUNS;
	for (i = 0; i < n; i++) {
		st = run(argv, &v[i]);
		f->status = st;
		if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != want) {
			fprintf(stderr, "tools_bench: %s exited %d, not %d\n",
			    argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1,
			    want);
			return (-1);
		}
	}
	qsort(v, (size_t)n, sizeof(v[0]), bench_dcmp);
	f->n = n;
	f->med = v[n / 2];
	f->min = v[0];
	f->max = v[n - 1];
	return (0);
}

static void
show(const char *name, const struct figure *f)
{

	printf("    %-26s %9.1f ms  (%d runs, %.1f..%.1f)\n", name, f->med,
	    f->n, f->min, f->max);
}

static int
scapy_present(void)
{
	char *const argv[] = { (char *)(uintptr_t)SCAPY_PY, "-c",
	    "import scapy.all", NULL };
	double ms;
	int st;

	if (access(SCAPY_PY, X_OK) != 0)
		return (0);
	st = run(argv, &ms);
	return (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int
rounds(int n)
{
	const char *s;
	double k;

	if ((s = getenv("PKTKIT_BENCH_ROUNDS")) == NULL ||
	    (k = atof(s)) <= 0)
		return (n);
	k = k * n / 50;
	return (k < 1 ? 1 : k > MAXRUNS ? MAXRUNS : (int)k);
}

int
main(void)
{
	struct pk_sandbox_conf conf = { .private_host = 1 };
	struct pk_sandbox *sb;
	struct pk_vnet *peer;
	struct pk_if *a, *b;
	struct pk_ruleset drop = { .nft = "table inet f { chain in { type "
	    "filter hook input priority 0; icmp type echo-request drop; }; "
	    "}\n" };
	struct pk_err err;
	struct figure pp, pn, cp, cn, sp, sn, tf, sf;
	char ifa[PK_IF_NAME_MAX + 1];
	int scapy;

	if (pk_sandbox_open(&sb, &conf, &err) != 0)
		fail("sandbox", &err);
	if (pk_vnet_create(sb, "peer", &peer, &err) != 0 ||
	    pk_epair_create(sb, NULL, peer, &a, &b, &err) != 0 ||
	    pk_addr_add(a, "192.0.2.1/24", &err) != 0 ||
	    pk_addr_add(b, "192.0.2.2/24", &err) != 0)
		fail("topology", &err);
	snprintf(ifa, sizeof(ifa), "%s", pk_if_name(a));
	scapy = scapy_present();

	{
		char *const pos[] = { PING_TOOL, "--sendif", ifa, "--to",
		    "192.0.2.2", "--replyif", ifa, NULL };
		char *const ping[] = { "/usr/bin/ping", "-c1", "-q",
		    "192.0.2.2", NULL };
		char *const ping_neg[] = { "/usr/bin/ping", "-c1", "-q",
		    "-W3", "192.0.2.2", NULL };
		char *const sc[] = { SCAPY_PY, SCAPY_SCRIPT, "ping", ifa,
		    "192.0.2.2", NULL };
		char *const flood[] = { FLOOD_TOOL, "--sendif", ifa, "--to",
		    "192.0.2.2", "--count", "1000", NULL };
		char *const sflood[] = { SCAPY_PY, SCAPY_SCRIPT, "flood", ifa,
		    "192.0.2.2", "1000", NULL };

		/* Warm the neighbour cache and the page cache once. */
		if (measure(ping, 1, 0, &cp) == -1 ||
		    measure(pos, 1, 0, &pp) == -1)
			return (1);
		if (measure(pos, rounds(50), 0, &pp) == -1 ||
		    measure(ping, rounds(50), 0, &cp) == -1 ||
		    (scapy && measure(sc, rounds(5), 0, &sp) == -1) ||
		    measure(flood, rounds(20), 0, &tf) == -1 ||
		    (scapy && measure(sflood, rounds(3), 0, &sf) == -1))
			return (1);
		if (pk_fw_load(peer, &drop, &err) != 0)
			fail("ruleset", &err);
		if (measure(pos, rounds(3), 1, &pn) == -1 ||
		    measure(ping_neg, rounds(3), 1, &cn) == -1 ||
		    (scapy && measure(sc, rounds(3), 1, &sn) == -1))
			return (1);
	}

	printf("tools_bench: whole-process time (median), private network "
	    "namespace, one epair\n");
	printf("  positive check (the echo reply is seen)\n");
	show("pft_ping --replyif", &pp);
	show("ping -c1", &cp);
	if (scapy)
		show("scapy (pft_ping.py's way)", &sp);
	printf("    pft_ping / ping -c1         %8.2fx  (target: within 2x)\n",
	    pp.med / cp.med);
	if (scapy)
		printf("    scapy / pft_ping            %8.0fx  (target: over "
		    "100x)\n", sp.med / pp.med);
	printf("  negative check (the peer drops the request; 3 s window)\n");
	show("pft_ping --replyif", &pn);
	show("ping -c1 -W3", &cn);
	if (scapy)
		show("scapy (pft_ping.py's way)", &sn);
	printf("  1,000-SYN flood\n");
	show("pft_synflood --count 1000", &tf);
	if (scapy) {
		show("scapy (pft_synflood.py's way)", &sf);
		printf("    scapy / pft_synflood        %8.0fx\n",
		    sf.med / tf.med);
	} else
		printf("  scapy: not measured (%s cannot import scapy; "
		    "apt-get install python3-scapy)\n", SCAPY_PY);
	if (pk_sandbox_close(sb, NULL, &err) != 0)
		fail("teardown", &err);
	return (0);
}
