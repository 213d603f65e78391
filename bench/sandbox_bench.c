/*
 * sandbox_bench: how long a test's topology takes to build and to tear
 * down (verified gone), with pktkit and with ip(8) commands, in one run.
 *
 * The topology: two vnets joined by one epair, an IPv4 and an IPv6
 * address on each end, and a route.  A round builds it and destroys it;
 * "gone" means the kernel has dismantled both vnets, which both routes
 * confirm the same way: a canary interface whose peer is in each vnet
 * disappears from the host (RTM_DELLINK, waited for with poll(2)).
 *
 * Two kernel costs shape the figures.  Linux dismantles namespaces in a
 * single work queue, one batch at a time, and each batch ends with an
 * RCU barrier of some 30 ms: a teardown that starts during the previous
 * one's barrier waits for it.  And a netlink socket made inside a vnet
 * (addresses and routes can only be set that way) holds the vnet for an
 * RCU grace period, some 15 ms, after it is closed.  So rounds are timed
 * two ways.  "As in a test case": build, stay idle for IDLE_MS as a test
 * body would run, then tear down; build and teardown are timed, the idle
 * time is not.  "Back to back": build and tear down at once, round after
 * round: every teardown pays both waits; this is the kernel's throughput.
 * The idle time is pacing for the measurement, not synchronisation:
 * nothing waits on it for correctness.
 *
 * Everything runs in a private network namespace: the sandbox's host.
 * PKTKIT_BENCH_ROUNDS overrides the number of rounds (default 100).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_err.h"
#include "pk_report.h"
#include "pk_time.h"
#include "os/pk_os.h"
#include "sandbox/pk_sandbox.h"

#include "bench.h"

extern char **environ;

#define	IDLE_MS		150	/* a test body, between build and teardown */
#define	SETTLE_MS	10000

static struct pk_sandbox	*sb;
static int			 rounds = 100;

static void
fail(const char *what, const struct pk_err *err)
{

	fprintf(stderr, "sandbox_bench: %s: %s\n", what, err->msg);
	exit(1);
}

static void
series_init(struct series *s, const char *name)
{

	if (series_alloc(s, name, (size_t)rounds) != 0) {
		fprintf(stderr, "sandbox_bench: out of memory\n");
		exit(1);
	}
}

static void
series_print(struct series *s)
{

	series_sort(s);
	printf("  %-42s %8.2f %8.2f %8.2f\n", s->name, series_pct(s, 50),
	    series_pct(s, 90), series_pct(s, 99));
}

static void
series_dist(struct series *s)
{

	series_sort(s);
	printf("  %-30s %7.2f %7.2f %7.2f %7.2f %7.2f %7.2f\n", s->name,
	    s->v[0], series_pct(s, 10), series_pct(s, 50), series_pct(s, 90),
	    series_pct(s, 99), s->v[s->n - 1]);
}

static void
idle(int ms)
{

	(void)poll(NULL, 0, ms);
}

/*
 * One pktkit round.
 */
static void
pktkit_round(int idle_ms, struct series *build, struct series *down,
    struct series *total, struct series *settle)
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_vnet *a, *b;
	struct pk_if *ea, *eb;
	struct pk_err err;
	int64_t t0, t1, t2;

	t0 = pk_now_us();
	if (pk_vnet_create(sb, "a", &a, &err) != 0 ||
	    pk_vnet_create(sb, "b", &b, &err) != 0 ||
	    pk_epair_create(sb, a, b, &ea, &eb, &err) != 0 ||
	    pk_addr_add(ea, "192.0.2.1/24", &err) != 0 ||
	    pk_addr_add(ea, "2001:db8::1/64", &err) != 0 ||
	    pk_addr_add(eb, "192.0.2.2/24", &err) != 0 ||
	    pk_addr_add(eb, "2001:db8::2/64", &err) != 0 ||
	    pk_route_add(a, "198.51.100.0/24", "192.0.2.2", NULL, &err) != 0)
		fail("pktkit build", &err);
	t1 = pk_now_us();
	idle(idle_ms);
	t2 = pk_now_us();
	if (pk_vnet_destroy_all(sb, &rep, &err) != 0 || rep.n != 0)
		fail("pktkit teardown", &err);
	t2 = pk_now_us() - t2 + t1;
	series_add(build, (t1 - t0) / 1000.0);
	series_add(down, (t2 - t1) / 1000.0);
	series_add(total, (t2 - t0) / 1000.0);
	series_add(settle, pk_sandbox_settle_us(sb) / 1000.0);
}

/*
 * The ip(8) route: one command per step, as a shell script would.
 */
static int
ip(const char *fmt, ...) __attribute__((__format__(__printf__, 1, 2)));
static void	ip_fail(const char *what);

static int
ip(const char *fmt, ...)
{
	char line[512], *argv[24], *save, *p;
	posix_spawn_file_actions_t fa;
	va_list ap;
	pid_t pid;
	int n, st;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = 0;
	argv[n++] = "ip";
	for (p = strtok_r(line, " ", &save); p != NULL && n < 23;
	    p = strtok_r(NULL, " ", &save))
		argv[n++] = p;
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "ip", &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return (-1);
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return (-1);
	return (0);
}

static void
ip_fail(const char *what)
{

	fprintf(stderr, "sandbox_bench: ip route: %s failed\n", what);
	(void)ip("netns del pkb%d.a", (int)getpid());
	(void)ip("netns del pkb%d.b", (int)getpid());
	exit(1);
}

static void
ip_round(struct pk_os_vnet *host, int moved, struct series *total)
{
	char na[32], nb[32], ca[16], cb[16];
	const char *canaries[2];
	struct pk_os_watch *w;
	struct pk_err err;
	int64_t t0, t1, t2;
	int pid;

	pid = (int)getpid();
	snprintf(na, sizeof(na), "pkb%d.a", pid);
	snprintf(nb, sizeof(nb), "pkb%d.b", pid);
	snprintf(ca, sizeof(ca), "pkbc%d.a", pid % 100000);
	snprintf(cb, sizeof(cb), "pkbc%d.b", pid % 100000);
	canaries[0] = ca;
	canaries[1] = cb;
	t0 = pk_now_us();
	if (ip("netns add %s", na) != 0 || ip("netns add %s", nb) != 0)
		ip_fail("netns add");
	/* The same canaries as pktkit's, so "gone" means the same. */
	if (ip("link add %s type veth peer name %s netns %s", ca, ca,
	    na) != 0 ||
	    ip("link add %s type veth peer name %s netns %s", cb, cb,
	    nb) != 0)
		ip_fail("canary");
	if (moved) {
		if (ip("link add epair0a type veth peer name epair0b") != 0 ||
		    ip("link set epair0a netns %s", na) != 0 ||
		    ip("link set epair0b netns %s", nb) != 0)
			ip_fail("epair");
	} else if (ip("-n %s link add epair0a type veth peer name epair0b "
	    "netns %s", na, nb) != 0)
		ip_fail("epair");
	if (ip("-n %s link set lo up", na) != 0 ||
	    ip("-n %s link set lo up", nb) != 0 ||
	    ip("-n %s link set epair0a up", na) != 0 ||
	    ip("-n %s link set epair0b up", nb) != 0 ||
	    ip("-n %s addr add 192.0.2.1/24 dev epair0a", na) != 0 ||
	    ip("-n %s addr add 2001:db8::1/64 dev epair0a nodad", na) != 0 ||
	    ip("-n %s addr add 192.0.2.2/24 dev epair0b", nb) != 0 ||
	    ip("-n %s addr add 2001:db8::2/64 dev epair0b nodad", nb) != 0 ||
	    ip("-n %s route add 198.51.100.0/24 via 192.0.2.2", na) != 0)
		ip_fail("configure");
	t1 = pk_now_us();
	idle(IDLE_MS);
	t2 = pk_now_us();
	if (pk_os_watch_open(host, &w, &err) != 0)
		fail("watch", &err);
	if (ip("netns del %s", na) != 0 || ip("netns del %s", nb) != 0)
		ip_fail("netns del");
	if (pk_os_watch_gone(w, canaries, 2, pk_now_ms() + SETTLE_MS,
	    &err) != 0)
		fail("ip route: namespaces did not go", &err);
	pk_os_watch_close(w);
	series_add(total, (pk_now_us() - t2 + t1 - t0) / 1000.0);
}

int
main(void)
{
	struct series build, down, total, settle, cbuild, cdown, ctotal,
	    csettle, ipm, ipd;
	struct pk_sandbox_conf conf;
	char ident[PK_OS_IDENTSIZ];
	struct pk_os_vnet *host;
	struct pk_err err;
	const char *e;
	int i;

	if ((e = getenv("PKTKIT_BENCH_ROUNDS")) != NULL && atoi(e) > 0)
		rounds = atoi(e);
	memset(&conf, 0, sizeof(conf));
	conf.private_host = 1;
	conf.settle_ms = SETTLE_MS;
	if (pk_sandbox_open(&sb, &conf, &err) != 0)
		fail("open", &err);
	if (pk_os_vnet_prepare(NULL, PK_OS_VNET_CURRENT, &host, ident,
	    &err) != 0)
		fail("host", &err);
	series_init(&cbuild, "pktkit, as in a test case: build");
	series_init(&cdown, "pktkit, as in a test case: teardown");
	series_init(&ctotal, "pktkit, as in a test case: both");
	series_init(&csettle, "as in a test case");
	series_init(&build, "pktkit, back to back: build");
	series_init(&down, "pktkit, back to back: teardown");
	series_init(&total, "pktkit, back to back: both");
	series_init(&settle, "back to back");
	series_init(&ipm, "ip, peer moved into place: both");
	series_init(&ipd, "ip, peers created in place: both");
	/* A warm-up round, not counted. */
	pktkit_round(0, &build, &down, &total, &settle);
	build.n = down.n = total.n = settle.n = 0;
	for (i = 0; i < rounds; i++)
		pktkit_round(IDLE_MS, &cbuild, &cdown, &ctotal, &csettle);
	for (i = 0; i < rounds; i++)
		pktkit_round(0, &build, &down, &total, &settle);
	for (i = 0; i < rounds; i++)
		ip_round(host, 1, &ipm);
	for (i = 0; i < rounds; i++)
		ip_round(host, 0, &ipd);
	printf("sandbox: two vnets, one epair, IPv4 and IPv6 on each end, one "
	    "route;\n  built and torn down, verified gone, %d rounds each, in "
	    "a private netns\n", rounds);
	printf("  %-42s %8s %8s %8s\n", "(ms)", "median", "p90", "p99");
	series_print(&ctotal);
	series_print(&cbuild);
	series_print(&cdown);
	series_print(&ipm);
	series_print(&ipd);
	series_print(&total);
	series_print(&build);
	series_print(&down);
	printf("  \"as in a test case\": %d ms idle between build and "
	    "teardown, not counted;\n  \"back to back\": each teardown waits "
	    "for the kernel to finish the last one\n", IDLE_MS);
	printf("sandbox teardown latency, last reference dropped -> canary "
	    "gone (ms):\n");
	printf("  %-30s %7s %7s %7s %7s %7s %7s\n", "", "min", "p10", "p50",
	    "p90", "p99", "max");
	series_dist(&csettle);
	series_dist(&settle);
	pk_os_vnet_free(host);
	if (pk_sandbox_close(sb, NULL, &err) != 0)
		fail("close", &err);
	return (0);
}
