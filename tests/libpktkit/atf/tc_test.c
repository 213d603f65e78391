/*
 * tc_test: test cases written with PK_TC behave as a test author expects.
 */
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "pktkit.h"

PK_TC(body_runs_in_a_private_host, "a case starts alone in a fresh stack");
PK_TC_BODY(body_runs_in_a_private_host, t)
{
	const char *out;

	out = pk_run_ok(t, NULL, "ip -o link show | wc -l");
	ATF_CHECK_STREQ(out, "1\n");
	out = pk_run_ok(t, NULL, "ip -o link show lo");
	ATF_CHECK(strstr(out, "lo:") != NULL);
}

PK_TC(topology_builds_and_tears_down, "two vnets joined by an epair, with "
    "addresses and a route, are usable and leave nothing behind");
PK_TC_BODY(topology_builds_and_tears_down, t)
{
	struct pk_vnet *a, *b;
	struct pk_epair *ep;

	a = pk_vnet(t, "alcatraz");
	b = pk_vnet(t, "singsing");
	ep = pk_epair(t, a, b);
	pk_addr(t, ep->a, "192.0.2.1/24");
	pk_addr(t, ep->b, "192.0.2.2/24");
	pk_addr(t, ep->a, "2001:db8::1/64");
	pk_addr(t, ep->b, "2001:db8::2/64");
	pk_route(t, a, "198.51.100.0/24", "192.0.2.2");
	ATF_CHECK(strstr(pk_run_ok(t, a, "ip route show 198.51.100.0/24"),
	    "via 192.0.2.2") != NULL);
	ATF_CHECK(strstr(pk_run_ok(t, b, "ip -6 addr show dev %s",
	    pk_if_name(ep->b)), "2001:db8::2/64") != NULL);
}

PK_TC(run_reports_status_and_streams, "pk_run returns the exit status "
    "and keeps both output streams");
PK_TC_BODY(run_reports_status_and_streams, t)
{

	ATF_CHECK_EQ(pk_run(t, NULL, "echo out; echo err >&2; exit 3"), 3);
	ATF_CHECK_STREQ(pk_out(t), "out\n");
	ATF_CHECK_STREQ(pk_errout(t), "err\n");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, body_runs_in_a_private_host);
	ATF_TP_ADD_TC(tp, topology_builds_and_tears_down);
	ATF_TP_ADD_TC(tp, run_reports_status_and_streams);
	return (atf_no_error());
}
