/*
 * tc_wire.c: the wire calls as a test case makes them, with evidence
 * when an expectation fails.
 *
 * The case's wire context lives here rather than in struct pk_tc: it is
 * opened on first use and holds the case's host (pk_vnet_hold()), so the
 * sandbox closes it at the end of the case, after the vnets' captures
 * were released, whatever tc.c does in between.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_atf.h"

#define	EVIDENCE_VAR	"pktkit_evidence_dir"
#define	EVIDENCE_ENV	"PKTKIT_EVIDENCE_DIR"

/* One case per process, as in tc.c. */
static struct pk_wire	*tc_w;

static void
tc_wire_release(void *arg)
{

	(void)arg;
	pk_wire_close(tc_w);
	tc_w = NULL;
}

struct pk_wire *
pk_tc_wire(struct pk_tc *t, const char *file, int line)
{
	struct pk_sandbox *sb;
	struct pk_err err;

	if (tc_w != NULL)
		return (tc_w);
	sb = pk_tc_sandbox(t);
	if (pk_wire_open(sb, &tc_w, &err) != 0)
		pk_tc_fail_err(t, file, line, &err);
	if (pk_vnet_hold(pk_sandbox_host(sb), tc_wire_release, NULL,
	    &err) < 0) {
		pk_wire_close(tc_w);
		tc_w = NULL;
		pk_tc_fail_err(t, file, line, &err);
	}
	return (tc_w);
}

/*
 * Evidence.
 */

static void
evidence_dir(struct pk_tc *t, char *dir, size_t size)
{
	const atf_tc_t *tc;
	const char *d;

	tc = pk_tc_atf(t);
	d = NULL;
	if (atf_tc_has_config_var(tc, EVIDENCE_VAR))
		d = atf_tc_get_config_var(tc, EVIDENCE_VAR);
	if (d == NULL || *d == '\0')
		d = getenv(EVIDENCE_ENV);
	if (d != NULL && *d != '\0') {
		snprintf(dir, size, "%s", d);
		/* One level, as a CI job would name a fresh directory. */
		(void)mkdir(dir, 0755);
		return;
	}
	if (getcwd(dir, size) == NULL)
		snprintf(dir, size, ".");
}

/*
 * Fail the case because an expectation on s failed (msg says how): the
 * sniffers and their packets go to stderr, the logs to pcap files, and
 * the reason says where.
 */
static void __attribute__((__noreturn__))
wire_fail(struct pk_tc *t, const char *file, int line, struct pk_sniffer *s,
    const char *msg)
{
	struct pk_report rep = PK_REPORT_INIT;
	char dir[PATH_MAX], prefix[128];
	struct pk_err err;
	size_t i;
	int n;

	evidence_dir(t, dir, sizeof(dir));
	snprintf(prefix, sizeof(prefix), "%s-",
	    atf_tc_get_ident(pk_tc_atf(t)));
	n = pk_wire_evidence(tc_w, s, dir, prefix, &rep, &err);
	fprintf(stderr, "pktkit: %s:%d: %s\n", file, line, msg);
	for (i = 0; i < rep.n; i++)
		fprintf(stderr, "pktkit: %s\n", rep.lines[i]);
	pk_report_free(&rep);
	if (n < 0)
		pk_tc_fail(t, file, line, "%s; evidence not saved: %s", msg,
		    err.msg);
	pk_tc_fail(t, file, line, "%s: %d packet%s seen, pcaps in %s", msg,
	    n, n == 1 ? "" : "s", dir);
}

/*
 * Sniffing and sending.
 */

struct pk_sniffer *
pk_tc_sniff(struct pk_tc *t, const char *file, int line, struct pk_if *ifp,
    const char *filter, const struct pk_sniff_conf *conf)
{
	struct pk_sniffer *s;
	struct pk_err err;

	if (pk_sniff_open(pk_tc_wire(t, file, line), ifp, filter, conf, &s,
	    &err) != 0)
		pk_tc_fail_err(t, file, line, &err);
	return (s);
}

void
pk_tc_send(struct pk_tc *t, const char *file, int line, struct pk_if *ifp,
    pk_pkt_t pkt)
{
	struct pk_err err;

	if (pk_wire_send(pk_tc_wire(t, file, line), ifp, pkt, &err) != 0)
		pk_tc_fail_err(t, file, line, &err);
}

void
pk_tc_send_raw(struct pk_tc *t, const char *file, int line,
    struct pk_if *ifp, const void *frame, size_t len)
{
	struct pk_err err;

	if (pk_wire_send_raw(pk_tc_wire(t, file, line), ifp, frame, len,
	    &err) != 0)
		pk_tc_fail_err(t, file, line, &err);
}

void
pk_tc_send_l3(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    pk_pkt_t pkt)
{
	struct pk_err err;

	if (v == NULL)
		v = pk_host(t);
	if (pk_wire_send_l3(pk_tc_wire(t, file, line), v, pkt, &err) != 0)
		pk_tc_fail_err(t, file, line, &err);
}

/*
 * Expectations.  A core result of 0 is a failed expectation, and so is
 * a sentinel that never came (-1 with ETIMEDOUT): both get evidence.
 * Other errors (a filter that does not compile) need none.
 */

static void __attribute__((__noreturn__))
expect_failed(struct pk_tc *t, const char *file, int line,
    struct pk_sniffer *s, int rc, const struct pk_err *err)
{

	if (rc < 0 && err->code != ETIMEDOUT)
		pk_tc_fail_err(t, file, line, err);
	wire_fail(t, file, line, s, err->msg);
}

const struct pk_dpkt *
pk_tc_expect(struct pk_tc *t, const char *file, int line,
    struct pk_sniffer *s, const char *filter, pk_pred *pred, void *arg,
    unsigned ms)
{
	const struct pk_seen *sn;
	struct pk_err err;
	int rc;

	rc = pk_sniff_expect(s, filter, pred, arg, ms, &sn, &err);
	if (rc != 1)
		expect_failed(t, file, line, s, rc, &err);
	return (&sn->d);
}

void
pk_tc_expect_none(struct pk_tc *t, const char *file, int line,
    struct pk_sniffer *s, const char *filter, const char *sentinel,
    unsigned ms)
{
	struct pk_err err;
	int rc;

	rc = pk_sniff_expect_none(s, filter, NULL, NULL, sentinel, ms, NULL,
	    &err);
	if (rc != 1)
		expect_failed(t, file, line, s, rc, &err);
}

void
pk_tc_expect_n(struct pk_tc *t, const char *file, int line,
    struct pk_sniffer *s, const char *filter, unsigned n,
    const char *sentinel, unsigned ms)
{
	struct pk_err err;
	int rc;

	rc = pk_sniff_expect_n(s, filter, NULL, NULL, n, sentinel, ms, NULL,
	    &err);
	if (rc != 1)
		expect_failed(t, file, line, s, rc, &err);
}

const struct pk_dpkt *
pk_tc_request(struct pk_tc *t, const char *file, int line, struct pk_if *ifp,
    pk_pkt_t pkt, unsigned ms)
{
	const struct pk_seen *sn;
	struct pk_err err;
	int rc;

	rc = pk_wire_request(pk_tc_wire(t, file, line), ifp, pkt, NULL, ms,
	    &sn, NULL, &err);
	if (rc < 0)
		pk_tc_fail_err(t, file, line, &err);
	if (rc == 0)
		wire_fail(t, file, line, NULL, err.msg);
	return (&sn->d);
}

const struct pk_dpkt *
pk_tc_ping(struct pk_tc *t, const char *file, int line, struct pk_if *ifp,
    const char *dst)
{
	const struct pk_seen *sn;
	struct pk_err err;
	int rc;

	rc = pk_wire_ping(pk_tc_wire(t, file, line), ifp, dst,
	    PK_WIRE_MS_DEFAULT, &sn, &err);
	if (rc < 0)
		pk_tc_fail_err(t, file, line, &err);
	if (rc == 0)
		wire_fail(t, file, line, NULL, err.msg);
	return (&sn->d);
}

/*
 * Topologies.
 */

static void
topo_addrs(struct pk_tc *t, const char *file, int line, struct pk_if *ifp,
    const char *a4, const char *a6)
{

	pk_tc_addr(t, file, line, ifp, a4);
	pk_tc_addr(t, file, line, ifp, a6);
}

/*
 * IPv6 neighbours are resolved both ways on each link before a topology
 * is handed over: right after addresses are added, a peer can still drop
 * a solicitation (it joins the solicited-node group from a work queue),
 * and a kernel resolving for its own traffic tries again only after a
 * second.  The wire's resolution does not wait that long.
 */
static void
topo_resolve(struct pk_tc *t, const char *file, int line, struct pk_if *a,
    const char *a6, struct pk_if *b, const char *b6)
{
	struct pk_wire *w;
	struct pk_err err;
	uint8_t mac[6];

	w = pk_tc_wire(t, file, line);
	if (pk_wire_resolve(w, a, b6, mac, &err) != 0 ||
	    pk_wire_resolve(w, b, a6, mac, &err) != 0)
		pk_tc_fail_err(t, file, line, &err);
}

void
pk_tc_topo_pair(struct pk_tc *t, const char *file, int line,
    struct pk_topo *topo)
{
	struct pk_epair *ep;

	memset(topo, 0, sizeof(*topo));
	topo->server = pk_tc_vnet(t, file, line, "peer");
	ep = pk_tc_epair(t, file, line, NULL, topo->server);
	topo->client_if = ep->a;
	topo->server_if = ep->b;
	topo->client4 = "192.0.2.1";
	topo->client6 = "2001:db8::1";
	topo->server4 = "192.0.2.2";
	topo->server6 = "2001:db8::2";
	topo_addrs(t, file, line, ep->a, "192.0.2.1/24", "2001:db8::1/64");
	topo_addrs(t, file, line, ep->b, "192.0.2.2/24", "2001:db8::2/64");
	topo_resolve(t, file, line, ep->a, topo->client6, ep->b,
	    topo->server6);
}

void
pk_tc_topo_router(struct pk_tc *t, const char *file, int line,
    struct pk_topo *topo)
{
	struct pk_epair *in, *out;

	memset(topo, 0, sizeof(*topo));
	topo->router = pk_tc_vnet(t, file, line, "router");
	topo->server = pk_tc_vnet(t, file, line, "server");
	in = pk_tc_epair(t, file, line, NULL, topo->router);
	out = pk_tc_epair(t, file, line, topo->router, topo->server);
	topo->client_if = in->a;
	topo->router_in = in->b;
	topo->router_out = out->a;
	topo->server_if = out->b;
	topo->client4 = "192.0.2.1";
	topo->client6 = "2001:db8:1::1";
	topo->router_in4 = "192.0.2.2";
	topo->router_in6 = "2001:db8:1::2";
	topo->router_out4 = "198.51.100.1";
	topo->router_out6 = "2001:db8:2::1";
	topo->server4 = "198.51.100.2";
	topo->server6 = "2001:db8:2::2";
	topo_addrs(t, file, line, in->a, "192.0.2.1/24", "2001:db8:1::1/64");
	topo_addrs(t, file, line, in->b, "192.0.2.2/24", "2001:db8:1::2/64");
	topo_addrs(t, file, line, out->a, "198.51.100.1/24",
	    "2001:db8:2::1/64");
	topo_addrs(t, file, line, out->b, "198.51.100.2/24",
	    "2001:db8:2::2/64");
	pk_tc_forwarding(t, file, line, topo->router);
	pk_tc_route(t, file, line, NULL, "default", "192.0.2.2", NULL);
	pk_tc_route(t, file, line, NULL, "default6", "2001:db8:1::2", NULL);
	pk_tc_route(t, file, line, topo->server, "default", "198.51.100.1",
	    NULL);
	pk_tc_route(t, file, line, topo->server, "default6", "2001:db8:2::1",
	    NULL);
	topo_resolve(t, file, line, in->a, topo->client6, in->b,
	    topo->router_in6);
	topo_resolve(t, file, line, out->a, topo->router_out6, out->b,
	    topo->server6);
}
