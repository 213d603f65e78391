/*
 * wire_bench: what sending, sniffing and expecting cost, beside scapy
 * doing the same in the same run (when Debian's python3 can import it).
 *
 *  1. send->match latency: a datagram sent on one end of an epair and
 *     matched by an expectation on the other end, 1,000 times; and an
 *     echo request to its reply (pk_wire_ping), 1,000 times.  scapy:
 *     srp1() in one process, and one echo check as a whole process.
 *  2. negative checks: a 2 s check without a sentinel, and checks that
 *     end at a sentinel after a probe a firewall drops.  scapy: sniff()
 *     for 2 s, as a whole process.
 *  3. capture rate without loss: a thread floods one end of an epair
 *     with minimal frames and a sniffer on the other end must get all
 *     of them; the rate is lowered until it does.  scapy: its sniffer on
 *     the same end, against the same sender at fixed rates.
 *  4. closing: what a tool pays at exit for its captures' grace periods,
 *     with pk_wire_close() and pk_wire_close_bg().
 *
 * Everything runs in a private network namespace (the sandbox's host)
 * and vnets below it.  PKTKIT_BENCH_PROBES overrides the 1,000 probes.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_err.h"
#include "pk_time.h"
#include "packet/pk_packet.h"
#include "sandbox/pk_sandbox.h"
#include "wire/pk_wire.h"

#include "bench.h"

#define	SCAPY_PY	"/usr/bin/python3"
#define	SCAPY_SCRIPT	"wire_bench_scapy.py"
#define	SCAPY_PROBES	100
#define	RATE_FRAMES	50000
#define	SCAPY_FRAMES	2000

static struct pk_sandbox	*sb;
static struct pk_wire		*w;
static struct pk_if		*host_if, *peer_if;	/* host <-> peer */
static struct pk_if		*client_if;		/* host -> router */
static struct pk_if		*server_if;		/* router -> server */
static struct pk_vnet		*router;
static int			 nprobes = 1000;
static int			 scapy;

static void
fail(const char *what, const struct pk_err *err)
{

	fprintf(stderr, "wire_bench: %s: %s\n", what, err->msg);
	exit(1);
}

/* The p-th percentile of v (n values, sorted here). */
static double
pct(double *v, int n, double p)
{
	int i;

	if (n == 0)
		return (0);
	qsort(v, (size_t)n, sizeof(*v), bench_dcmp);
	i = (int)(p / 100.0 * n + 0.5) - 1;
	return (v[i < 0 ? 0 : i >= n ? n - 1 : i]);
}

static void
topology(void)
{
	struct pk_sandbox_conf sc;
	struct pk_vnet *peer, *server;
	struct pk_if *r_in, *r_out;
	struct pk_err err;
	struct pk_ruleset rs;

	memset(&sc, 0, sizeof(sc));
	sc.private_host = 1;
	if (pk_sandbox_open(&sb, &sc, &err) != 0)
		fail("sandbox", &err);
	if (pk_vnet_create(sb, "peer", &peer, &err) != 0 ||
	    pk_vnet_create(sb, "router", &router, &err) != 0 ||
	    pk_vnet_create(sb, "server", &server, &err) != 0 ||
	    pk_epair_create(sb, NULL, peer, &host_if, &peer_if, &err) != 0 ||
	    pk_epair_create(sb, NULL, router, &client_if, &r_in, &err) != 0 ||
	    pk_epair_create(sb, router, server, &r_out, &server_if,
	    &err) != 0 ||
	    pk_addr_add(host_if, "192.0.2.1/24", &err) != 0 ||
	    pk_addr_add(peer_if, "192.0.2.2/24", &err) != 0 ||
	    pk_addr_add(client_if, "198.51.100.1/24", &err) != 0 ||
	    pk_addr_add(r_in, "198.51.100.2/24", &err) != 0 ||
	    pk_addr_add(r_out, "203.0.113.1/24", &err) != 0 ||
	    pk_addr_add(server_if, "203.0.113.2/24", &err) != 0 ||
	    pk_vnet_forwarding(router, 1, &err) != 0 ||
	    pk_route_add(pk_sandbox_host(sb), "203.0.113.0/24",
	    "198.51.100.2", NULL, &err) != 0 ||
	    pk_route_add(server, "default", "203.0.113.1", NULL, &err) != 0)
		fail("topology", &err);
	memset(&rs, 0, sizeof(rs));
	rs.nft = "table inet f { chain c { type filter hook forward "
	    "priority 0; policy accept; udp dport 1 drop; }; }";
	if (pk_fw_load(router, &rs, &err) != 0)
		fail("firewall", &err);
	if (pk_wire_open(sb, &w, &err) != 0)
		fail("wire", &err);
}

static int
scapy_ok(void)
{

	return (access(SCAPY_PY, X_OK) == 0 &&
	    access(SCAPY_SCRIPT, R_OK) == 0 &&
	    system(SCAPY_PY " -c 'import scapy.all' 2>/dev/null") == 0);
}

/* Run a scapy mode; its stdout is read by the caller. */
static FILE *
scapy_run(const char *args)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s %s %s 2>/dev/null", SCAPY_PY,
	    SCAPY_SCRIPT, args);
	return (popen(cmd, "r"));
}

/* Milliseconds a whole scapy process took. */
static double
scapy_process_ms(const char *args)
{
	char line[128];
	int64_t t0;
	FILE *f;

	t0 = pk_now_us();
	if ((f = scapy_run(args)) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), f) != NULL)
		;
	if (pclose(f) != 0)
		return (-1);
	return ((pk_now_us() - t0) / 1000.0);
}

/*
 * 1. Latency.
 */

static void
latency(void)
{
	double *v, sv[SCAPY_PROBES], proc[3];
	const struct pk_seen *sn;
	struct pk_sniffer *s;
	struct pk_err err;
	char line[128], args[128];
	int64_t t0;
	FILE *f;
	int i, n;

	if ((v = calloc((size_t)nprobes, sizeof(*v))) == NULL)
		exit(1);
	if (pk_sniff_open(w, peer_if, "udp dst port 7", NULL, &s, &err) != 0)
		fail("sniff", &err);
	/* Resolve the neighbour and warm up outside the figures. */
	if (pk_wire_ping(w, host_if, "192.0.2.2", 1000, &sn, &err) != 1)
		fail("ping", &err);
	for (i = 0; i < nprobes; i++) {
		t0 = pk_now_us();
		if (pk_wire_send(w, host_if, PK_PKT(PK_IP4(.dst = "192.0.2.2"),
		    PK_UDP(.sport = 7, .dport = 7)), &err) != 0 ||
		    pk_sniff_expect(s, "udp dst port 7", NULL, NULL, 1000, &sn,
		    &err) != 1)
			fail("send and match", &err);
		v[i] = (pk_now_us() - t0) / 1000.0;
	}
	printf("  %-44s %9.3f %9.3f ms\n", "pktkit send -> match (UDP, epair)",
	    pct(v, nprobes, 50), pct(v, nprobes, 99));
	for (i = 0; i < nprobes; i++) {
		t0 = pk_now_us();
		if (pk_wire_ping(w, host_if, "192.0.2.2", 1000, &sn, &err) != 1)
			fail("ping", &err);
		v[i] = (pk_now_us() - t0) / 1000.0;
	}
	printf("  %-44s %9.3f %9.3f ms\n", "pktkit echo request -> reply",
	    pct(v, nprobes, 50), pct(v, nprobes, 99));
	pk_sniff_close(s);
	free(v);
	if (!scapy)
		return;
	snprintf(args, sizeof(args), "echo %s 192.0.2.2 %d",
	    pk_if_name(host_if), SCAPY_PROBES);
	n = 0;
	if ((f = scapy_run(args)) != NULL) {
		while (n < SCAPY_PROBES && fgets(line, sizeof(line), f) != NULL)
			sv[n++] = strtod(line, NULL);
		(void)pclose(f);
	}
	printf("  %-44s %9.3f %9.3f ms (%d probes)\n",
	    "scapy srp1() echo request -> reply", pct(sv, n, 50),
	    pct(sv, n, 99), n);
	snprintf(args, sizeof(args), "echo1 %s 192.0.2.2", pk_if_name(host_if));
	for (i = 0; i < 3; i++)
		proc[i] = scapy_process_ms(args);
	printf("  %-44s %9.1f ms (median of 3)\n",
	    "scapy echo check, whole process", pct(proc, 3, 50));
}

/*
 * 2. Negative checks.
 */

static void
negative(void)
{
	double v[200], proc[2];
	struct pk_sniffer *s;
	struct pk_err err;
	char args[128];
	int64_t t0;
	int i, n;

	if (pk_sniff_open(w, server_if, "udp", NULL, &s, &err) != 0)
		fail("sniff", &err);
	t0 = pk_now_us();
	if (pk_wire_send(w, client_if, PK_PKT(PK_IP4(.dst = "203.0.113.2"),
	    PK_UDP(.sport = 5, .dport = 1)), &err) != 0 ||
	    pk_sniff_expect_none(s, "udp dst port 1", NULL, NULL, NULL, 2000,
	    NULL, &err) != 1)
		fail("negative check", &err);
	printf("  %-44s %9.1f ms\n", "pktkit 2 s check, no sentinel",
	    (pk_now_us() - t0) / 1000.0);
	n = (int)(sizeof(v) / sizeof(v[0]));
	for (i = 0; i < n; i++) {
		t0 = pk_now_us();
		if (pk_wire_send(w, client_if, PK_PKT(PK_IP4(.dst =
		    "203.0.113.2"), PK_UDP(.sport = 5, .dport = 1)),
		    &err) != 0 ||
		    pk_wire_send(w, client_if, PK_PKT(PK_IP4(.dst =
		    "203.0.113.2"), PK_UDP(.sport = 5, .dport = 2)),
		    &err) != 0 ||
		    pk_sniff_expect_none(s, "udp dst port 1", NULL, NULL,
		    "udp dst port 2", 2000, NULL, &err) != 1)
			fail("negative check with a sentinel", &err);
		v[i] = (pk_now_us() - t0) / 1000.0;
	}
	printf("  %-44s %9.3f %9.3f ms (median, p99 of %d)\n",
	    "pktkit 2 s check ending at the sentinel", pct(v, n, 50),
	    pct(v, n, 99), n);
	pk_sniff_close(s);
	if (!scapy)
		return;
	snprintf(args, sizeof(args), "none %s 'udp dst port 1' 2",
	    pk_if_name(client_if));
	for (i = 0; i < 2; i++)
		proc[i] = scapy_process_ms(args);
	printf("  %-44s %9.1f ms (median of 2)\n",
	    "scapy 2 s sniff() check, whole process", pct(proc, 2, 50));
}

/*
 * 3. Capture rate.
 */

struct flood {
	struct pk_wire	*w;
	int		 n;
	double		 rate;		/* frames/s, 0: as fast as it goes */
	double		 achieved;
	struct pk_err	 err;
	int		 rc;
};

static const uint8_t frame7[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x88, 0xb5,
	'p', 'k', 't', 'k', 'i', 't', ' ', 'f', 'l', 'o', 'o', 'd'
};
static const uint8_t frame8[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x88, 0xb6,
	'p', 'k', 't', 'k', 'i', 't', ' ', 'e', 'n', 'd'
};

static void *
flood(void *arg)
{
	struct flood *f;
	int64_t t0, t1, due;
	int i;

	f = arg;
	t0 = pk_now_us();
	f->rc = 0;
	for (i = 0; i < f->n; i++) {
		if (f->rate > 0) {
			/* Pacing the sender, not synchronisation. */
			due = t0 + (int64_t)(i * 1e6 / f->rate);
			while (pk_now_us() < due)
				;
		}
		if (pk_wire_send_raw(f->w, peer_if, frame7, sizeof(frame7),
		    &f->err) != 0) {
			f->rc = -1;
			return (NULL);
		}
	}
	t1 = pk_now_us();
	f->achieved = f->n * 1e6 / (double)(t1 > t0 ? t1 - t0 : 1);
	if (pk_wire_send_raw(f->w, peer_if, frame8, sizeof(frame8),
	    &f->err) != 0)
		f->rc = -1;
	return (NULL);
}

/*
 * One trial: flood at rate; 1 if every frame was captured.
 */
static int
rate_trial(struct pk_wire *fw, double rate, double *achieved)
{
	struct pk_sniff_stats st;
	struct pk_sniffer *s;
	struct flood f;
	struct pk_err err;
	pthread_t th;
	unsigned got;
	int rc;

	if (pk_sniff_open(w, host_if, "ether proto 0x88b5 or "
	    "ether proto 0x88b6", NULL, &s, &err) != 0)
		fail("sniff", &err);
	memset(&f, 0, sizeof(f));
	f.w = fw;
	f.n = RATE_FRAMES;
	f.rate = rate;
	if (pthread_create(&th, NULL, flood, &f) != 0)
		exit(1);
	rc = pk_sniff_expect_n(s, "ether proto 0x88b5", NULL, NULL,
	    RATE_FRAMES, "ether proto 0x88b6", 20000, &got, &err);
	(void)pthread_join(th, NULL);
	if (f.rc != 0)
		fail("flood", &f.err);
	if (pk_sniff_stats(s, &st, &err) != 0)
		fail("stats", &err);
	pk_sniff_close(s);
	*achieved = f.achieved;
	return (rc == 1);
}

static int
scapy_rate_trial(struct pk_wire *fw, double rate)
{
	char args[128], line[64];
	struct flood f;
	pthread_t th;
	FILE *p;
	int got;

	/* Long enough for every frame at that rate, and 3 s more. */
	snprintf(args, sizeof(args), "sniff %s %d %.1f", pk_if_name(host_if),
	    SCAPY_FRAMES, SCAPY_FRAMES / rate + 3);
	if ((p = scapy_run(args)) == NULL)
		return (0);
	if (fgets(line, sizeof(line), p) == NULL ||
	    strncmp(line, "ready", 5) != 0) {
		(void)pclose(p);
		return (0);
	}
	memset(&f, 0, sizeof(f));
	f.w = fw;
	f.n = SCAPY_FRAMES;
	f.rate = rate;
	if (pthread_create(&th, NULL, flood, &f) != 0)
		exit(1);
	(void)pthread_join(th, NULL);
	got = fgets(line, sizeof(line), p) != NULL ? atoi(line) : 0;
	(void)pclose(p);
	return (got >= SCAPY_FRAMES);
}

static void
capture_rate(void)
{
	static const double scapy_rates[] = { 1000, 2000, 5000, 10000,
	    20000, 50000 };
	struct pk_wire *fw;
	struct pk_err err;
	double full, lo, hi, mid, got, best;
	size_t i;
	int k;

	/* The sender has a context of its own, driven by its thread. */
	if (pk_wire_open(sb, &fw, &err) != 0 ||
	    pk_wire_send_raw(fw, peer_if, frame8, sizeof(frame8), &err) != 0)
		fail("flood context", &err);
	best = 0;
	if (rate_trial(fw, 0, &full)) {
		best = full;
		printf("  %-44s %9.0f frames/s (the sender's full speed)\n",
		    "pktkit capture without loss", full);
	} else {
		lo = 0;
		hi = full;
		for (k = 0; k < 6; k++) {
			mid = (lo + hi) / 2;
			if (rate_trial(fw, mid, &got)) {
				lo = mid;
				best = got;
			} else
				hi = mid;
		}
		printf("  %-44s %9.0f frames/s (sender's full speed %.0f "
		    "lost frames)\n", "pktkit capture without loss", best,
		    full);
	}
	if (scapy) {
		best = 0;
		for (i = 0; i < sizeof(scapy_rates) / sizeof(scapy_rates[0]);
		    i++) {
			if (!scapy_rate_trial(fw, scapy_rates[i]))
				break;
			best = scapy_rates[i];
		}
		printf("  %-44s %9.0f frames/s (of 1k, 2k, 5k, 10k, 20k, 50k; "
		    "%d frames each)\n", "scapy sniff() without loss", best,
		    SCAPY_FRAMES);
	}
	pk_wire_close(fw);
}

/*
 * 4. Closing.  A child acts as a tool: a sandbox on the stack it is in,
 * captures on two interfaces, a ping, and exit; the parent times it
 * from fork to reaped.
 */
static double
tool_run(int bg)
{
	struct pk_sandbox_conf sc;
	struct pk_sandbox *tsb;
	struct pk_wire *tw;
	const struct pk_seen *sn;
	struct pk_sniffer *s;
	struct pk_err err;
	struct pk_if *a, *b;
	int64_t t0;
	pid_t pid;
	int status;

	t0 = pk_now_us();
	if ((pid = fork()) < 0)
		exit(1);
	if (pid == 0) {
		memset(&sc, 0, sizeof(sc));
		if (pk_sandbox_open(&tsb, &sc, &err) != 0 ||
		    (a = pk_if_lookup(pk_sandbox_host(tsb),
		    pk_if_name(host_if), &err)) == NULL ||
		    (b = pk_if_lookup(pk_sandbox_host(tsb),
		    pk_if_name(client_if), &err)) == NULL ||
		    pk_wire_open(tsb, &tw, &err) != 0 ||
		    pk_sniff_open(tw, b, NULL, NULL, &s, &err) != 0 ||
		    pk_wire_ping(tw, a, "192.0.2.2", 1000, &sn, &err) != 1)
			_exit(1);
		if (bg)
			(void)pk_wire_close_bg(tw, NULL);
		else
			pk_wire_close(tw);
		(void)pk_sandbox_close(tsb, NULL, NULL);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "wire_bench: tool run failed\n");
		exit(1);
	}
	return ((pk_now_us() - t0) / 1000.0);
}

static void
closing(void)
{
	double v[2][20];
	int i;

	for (i = 0; i < 20; i++) {
		v[0][i] = tool_run(0);
		v[1][i] = tool_run(1);
	}
	printf("  %-44s %9.3f ms (median of 20)\n",
	    "tool run, pk_wire_close() at exit", pct(v[0], 20, 50));
	printf("  %-44s %9.3f ms (median of 20)\n",
	    "tool run, pk_wire_close_bg() at exit", pct(v[1], 20, 50));
}

int
main(void)
{
	struct pk_err err;
	const char *e;

	if ((e = getenv("PKTKIT_BENCH_PROBES")) != NULL && atoi(e) > 0)
		nprobes = atoi(e);
	topology();
	scapy = scapy_ok();
	printf("wire_bench: send, sniff and expect%s\n", scapy ? "" :
	    " (scapy not available: no comparison)");
	printf("  %-44s %9s %9s\n", "", "median", "p99");
	latency();
	negative();
	capture_rate();
	closing();
	pk_wire_close(w);
	if (pk_sandbox_close(sb, NULL, &err) != 0)
		fail("teardown", &err);
	return (0);
}
