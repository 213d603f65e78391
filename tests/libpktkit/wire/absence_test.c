/*
 * absence_test: the fast absence check never says "absent" about a
 * packet that came.
 *
 * Each trial sends a probe and then a sentinel that takes the same path,
 * and asks whether the probe is absent, ending at the sentinel.  Half
 * the trials send the probe: the check must report it every time (a
 * miss would be a negative test passing over a packet it should have
 * seen).  The other half do not: the check must report absence every
 * time, at the sentinel (so the first half is not passing because the
 * check cannot say "absent").  Paths: straight to a vnet, through a
 * router in IPv4 and IPv6, through a router that fragments the probe
 * (the sniffer reassembles it), and with a busy process competing for
 * the CPUs so that the test migrates between them and the kernel defers
 * its receive work.
 *
 * PKTKIT_ABSENCE_TRIALS sets the trials per path (default 2000).
 */
#include <errno.h>

#include "wiretest.h"

struct trial {
	struct pk_if	*out;		/* where probes and sentinels leave */
	struct pk_sniffer *s;		/* where they arrive */
	const char	*dst;
	int		 v6;
	size_t		 plen;		/* probe payload */
};

static const char payload[3000];

static unsigned
ntrials(void)
{
	const char *e;
	long n;

	if ((e = getenv("PKTKIT_ABSENCE_TRIALS")) == NULL)
		return (2000);
	n = strtol(e, NULL, 10);
	return (n > 0 && n < 10000000 ? (unsigned)n : 2000);
}

static void
send_udp(struct pk_tc *t, const struct trial *tr, int port, unsigned i,
    size_t plen)
{

	if (tr->v6)
		pk_send(t, tr->out, PK_PKT(PK_IP6(.dst = tr->dst,
		    .flow = i & 0xfffff), PK_UDP(.sport = 4000, .dport = port),
		    PK_RAW(.data = payload, .len = plen)));
	else
		pk_send(t, tr->out, PK_PKT(PK_IP4(.dst = tr->dst,
		    .id = (i & 0xffff) != 0 ? (i & 0xffff) : PK_ZERO),
		    PK_UDP(.sport = 4000, .dport = port),
		    PK_RAW(.data = payload, .len = plen)));
}

/*
 * Run the trials; fail the case with the counts if any went wrong, and
 * print them either way.
 */
static void
run_trials(struct pk_tc *t, const struct trial *tr, const char *name)
{
	unsigned i, n, probes, misses, alarms, errors;
	char filter[96], first[PK_ERRMSG_MAX];
	const struct pk_seen *sn;
	struct pk_err err;
	int rc;

	n = ntrials();
	probes = misses = alarms = errors = 0;
	first[0] = '\0';
	for (i = 1; i <= n; i++) {
		ATF_REQUIRE(pk_sniff_clear(tr->s, NULL) == 0);
		if (tr->v6)
			snprintf(filter, sizeof(filter), "ip6[0:4] & 0xfffff "
			    "== %u and udp dst port 1", i & 0xfffff);
		else
			snprintf(filter, sizeof(filter), "ip[4:2] == %u and "
			    "udp dst port 1", i & 0xffff);
		if (i % 2 == 0) {
			send_udp(t, tr, 1, i, tr->plen);
			probes++;
		}
		send_udp(t, tr, 2, i, 0);
		rc = pk_sniff_expect_none(tr->s, filter, NULL, NULL,
		    "udp dst port 2", 2000, &sn, &err);
		if (rc < 0) {
			errors++;
			if (first[0] == '\0')
				snprintf(first, sizeof(first), "%s", err.msg);
		} else if (rc == 1 && i % 2 == 0)
			misses++;
		else if (rc == 0 && i % 2 != 0)
			alarms++;
	}
	printf("absence %s: %u trials, %u with a probe: %u missed, %u false "
	    "alarms, %u errors\n", name, n, probes, misses, alarms, errors);
	ATF_CHECK_EQ_MSG(misses, 0, "%s: %u of %u probes reported absent",
	    name, misses, probes);
	ATF_CHECK_EQ_MSG(alarms, 0, "%s: %u of %u checks without a probe "
	    "reported one", name, alarms, n - probes);
	ATF_CHECK_EQ_MSG(errors, 0, "%s: %u errors, first: %s", name, errors,
	    first);
}

PK_TC_CONF(direct, "no probe sent to a vnet is reported absent",
    .timeout = 300);
PK_TC_BODY(direct, t)
{
	struct pk_topo topo;
	struct trial tr;

	pk_topo_pair(t, &topo);
	memset(&tr, 0, sizeof(tr));
	tr.out = topo.client_if;
	tr.dst = topo.server4;
	tr.s = pk_sniff_with(t, topo.server_if, "udp", .dir = PK_DIR_IN);
	run_trials(t, &tr, "direct");
}

PK_TC_CONF(routed_v4, "no probe forwarded by a router is reported absent",
    .timeout = 300);
PK_TC_BODY(routed_v4, t)
{
	struct pk_topo topo;
	struct trial tr;

	pk_topo_router(t, &topo);
	memset(&tr, 0, sizeof(tr));
	tr.out = topo.client_if;
	tr.dst = topo.server4;
	tr.plen = 100;
	tr.s = pk_sniff_with(t, topo.server_if, "udp", .dir = PK_DIR_IN);
	run_trials(t, &tr, "routed IPv4");
}

PK_TC_CONF(routed_v6, "no IPv6 probe forwarded by a router is reported "
    "absent", .timeout = 300);
PK_TC_BODY(routed_v6, t)
{
	struct pk_topo topo;
	struct trial tr;

	pk_topo_router(t, &topo);
	memset(&tr, 0, sizeof(tr));
	tr.out = topo.client_if;
	tr.dst = topo.server6;
	tr.v6 = 1;
	tr.s = pk_sniff_with(t, topo.server_if, "ip6", .dir = PK_DIR_IN);
	run_trials(t, &tr, "routed IPv6");
}

PK_TC_CONF(fragmented, "no probe a router fragments is reported absent "
    "when the sniffer reassembles it", .timeout = 300);
PK_TC_BODY(fragmented, t)
{
	struct pk_topo topo;
	struct trial tr;

	pk_topo_router(t, &topo);
	pk_mtu(t, topo.client_if, 9000);
	pk_mtu(t, topo.router_in, 9000);
	pk_mtu(t, topo.router_out, 1280);
	memset(&tr, 0, sizeof(tr));
	tr.out = topo.client_if;
	tr.dst = topo.server4;
	tr.plen = sizeof(payload);
	tr.s = pk_sniff_with(t, topo.server_if, "ip", .dir = PK_DIR_IN,
	    .reassemble = 1);
	run_trials(t, &tr, "fragmented");
}

PK_TC_CONF(under_load, "no probe is reported absent while a busy process "
    "competes for the CPUs", .timeout = 300);
PK_TC_BODY(under_load, t)
{
	struct pk_topo topo;
	struct trial tr;

	pk_topo_router(t, &topo);
	pk_spawn(t, NULL, "while :; do :; done");
	pk_spawn(t, topo.router, "while :; do :; done");
	memset(&tr, 0, sizeof(tr));
	tr.out = topo.client_if;
	tr.dst = topo.server4;
	tr.s = pk_sniff_with(t, topo.server_if, "udp", .dir = PK_DIR_IN);
	run_trials(t, &tr, "under load");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, direct);
	ATF_TP_ADD_TC(tp, routed_v4);
	ATF_TP_ADD_TC(tp, routed_v6);
	ATF_TP_ADD_TC(tp, fragmented);
	ATF_TP_ADD_TC(tp, under_load);
	return (atf_no_error());
}
