/*
 * evidence_helper: cases that fail an expectation on purpose, for
 * evidence_test to run and examine.  Not listed in the Kyuafile.
 */
#include "wiretest.h"

PK_TC(expect_fails, "a ping, then an expectation nothing meets");
PK_TC_BODY(expect_fails, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	s = pk_sniff(t, topo.client_if, "icmp");
	(void)pk_sniff(t, topo.server_if, "icmp");
	pk_ping(t, topo.client_if, topo.server4);
	pk_expect(t, s, "tcp", 200);
}

PK_TC(expect_none_fails, "a datagram a negative expectation forbids");
PK_TC_BODY(expect_none_fails, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	s = pk_sniff(t, topo.server_if, "udp");
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4),
	    PK_UDP(.sport = 1234, .dport = 4321)));
	pk_expect_none_until(t, s, "udp dst port 4321", "udp dst port 9",
	    5000);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, expect_fails);
	ATF_TP_ADD_TC(tp, expect_none_fails);
	return (atf_no_error());
}
