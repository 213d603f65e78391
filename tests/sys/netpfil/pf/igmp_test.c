/*
 * igmp_test: IGMP queries with IP options through the firewall.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/igmp.py (TestIGMP.test_ip_opts):
 * a jail that joined 230.0.0.1 answers an IGMP query sent to 224.0.0.1
 * with TTL 1 and a Router Alert option; with a NOP option instead, with
 * TTL 2, or to 224.0.0.2 with TTL 2, the query must not get through.
 *
 * pf checks IGMP itself (options other than Router Alert, a TTL other
 * than 1); Linux's stack answers all four queries, so the nft ruleset
 * says what pf does on its own: IP options other than Router Alert are
 * dropped, and so is IGMP with a TTL other than 1.
 *
 * A sentinel cannot end the absence checks: a host answers a query
 * after a random delay of up to its maximum response time, here 100 ms
 * (code 1), so a later query's report may come first.  They wait 200
 * ms, twice what an answer could take.
 */
#include <net/if.h>

#include "pfsupport.h"

static const struct pk_ruleset igmp_checks = {
	.nft =
	    "table ip f {\n"
	    "  chain i { type filter hook input priority 0;\n"
	    "    ip hdrlength != 5 ip option ra missing drop\n"
	    "    ip protocol igmp ip ttl != 1 drop\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "pass\n",
};

/* An IGMPv2 membership query (type 0x11, max response 0.1 s). */
static void
send_query(struct pk_tc *t, struct pk_if *ifp, const char *dst, int ttl,
    const struct pk_ip4opt *opt)
{
	uint8_t q[8] = { 0x11, 1, 0, 0, 0, 0, 0, 0 };
	uint16_t sum;

	sum = pk_in_cksum(q, sizeof(q));
	q[2] = (uint8_t)(sum >> 8);
	q[3] = (uint8_t)sum;
	pk_send(t, ifp, PK_PKT(PK_IP4(.dst = dst, .ttl = ttl,
	    .proto = IPPROTO_IGMP, .opts = opt, .nopts = 1),
	    PK_RAW(.data = q, .len = sizeof(q))));
}

PK_TC_CONF(igmp_query_needs_router_alert_and_ttl_1, "an IGMP query with "
    "Router Alert and TTL 1 gets a report; one with another option, "
    "another TTL or to another group does not", .require_progs = "nft");
PK_TC_BODY(igmp_query_needs_router_alert_and_ttl_1, t)
{
	static const struct pk_ip4opt ra = PK_IP4OPT_RA(0);
	static const struct pk_ip4opt nop = PK_IP4OPT_NOP();
	static const char report[] = "igmp and dst host 230.0.0.1";
	struct ip_mreqn mr;
	struct pk_sniffer *s;
	struct pk_epair *ep;
	struct pk_vnet *jail;
	int fd;

	jail = pk_vnet(t, "alcatraz");
	ep = pk_epair(t, NULL, jail);
	pk_addr(t, ep->a, "192.0.2.2/24");
	pk_addr(t, ep->b, "192.0.2.1/24");
	pk_fw(t, jail, &igmp_checks);
	fd = pfs_socket(t, jail, AF_INET, SOCK_DGRAM, NULL, 0, 0);
	memset(&mr, 0, sizeof(mr));
	ATF_REQUIRE(inet_pton(AF_INET, "230.0.0.1", &mr.imr_multiaddr) == 1);
	mr.imr_ifindex = pk_if_index(ep->b);
	ATF_REQUIRE_MSG(setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
	    sizeof(mr)) == 0, "join: %s", strerror(errno));

	s = pk_sniff_with(t, ep->a, report, .dir = PK_DIR_IN);
	send_query(t, ep->a, "224.0.0.1", 1, &ra);
	pk_expect(t, s, report, 2000);

	send_query(t, ep->a, "224.0.0.1", 1, &nop);
	pk_expect_none(t, s, report, 200);
	send_query(t, ep->a, "224.0.0.1", 2, &ra);
	pk_expect_none(t, s, report, 200);
	send_query(t, ep->a, "224.0.0.2", 2, &ra);
	pk_expect_none(t, s, report, 200);

	/* The jail still answers a query it may see. */
	send_query(t, ep->a, "224.0.0.1", 1, &ra);
	pk_expect(t, s, report, 2000);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, igmp_query_needs_router_alert_and_ttl_1);
	return (atf_no_error());
}
