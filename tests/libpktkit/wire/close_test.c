/*
 * close_test: wire contexts end cleanly in any order with their
 * sandbox, and the way a tool uses them (a sandbox on the stack it runs
 * in, an interface found by name, a close that does not wait).
 */
#include "wiretest.h"

#define	OK(call)							\
	ATF_REQUIRE_MSG((call) == 0, "%s", err.msg)

/*
 * A tool's view: a sandbox on the stack the caller is in, no journal,
 * and an interface it did not make, by name.
 */
static struct pk_sandbox *
tool_sandbox(const char *ifname, struct pk_if **ifp)
{
	struct pk_sandbox_conf sc;
	struct pk_sandbox *sb;
	struct pk_err err;

	memset(&sc, 0, sizeof(sc));
	OK(pk_sandbox_open(&sb, &sc, &err));
	*ifp = pk_if_lookup(pk_sandbox_host(sb), ifname, &err);
	ATF_REQUIRE_MSG(*ifp != NULL, "%s", err.msg);
	return (sb);
}

PK_TC(tool_pings_by_interface_name, "a sandbox on the current stack finds "
    "an interface by name and pings through it; the wire closes after "
    "the sandbox, and its logs stay readable");
PK_TC_BODY(tool_pings_by_interface_name, t)
{
	struct pk_report rep = PK_REPORT_INIT;
	const struct pk_seen *sn;
	struct pk_sandbox *sb;
	struct pk_sniffer *s;
	struct pk_topo topo;
	struct pk_wire *w;
	struct pk_err err;
	struct pk_if *ifp;

	wt_stderr_capture();
	pk_topo_pair(t, &topo);
	sb = tool_sandbox(pk_if_name(topo.client_if), &ifp);
	OK(pk_wire_open(sb, &w, &err));
	OK(pk_sniff_open(w, ifp, "icmp", NULL, &s, &err));
	ATF_REQUIRE_EQ_MSG(pk_wire_ping(w, ifp, topo.server4, 1000, &sn,
	    &err), 1, "%s", err.msg);
	OK(pk_sandbox_close(sb, NULL, &err));
	/* The captures went with the sandbox; the log did not. */
	ATF_CHECK_EQ(pk_sniff_count(s), 2);
	ATF_CHECK_EQ(pk_sniff_expect(s, "icmp", NULL, NULL, 10, &sn, &err),
	    1);
	ATF_CHECK_EQ(pk_wire_send(w, ifp, PK_PKT(PK_IP4(.dst = topo.server4),
	    PK_UDP()), &err), -1);
	ATF_CHECK_MSG(strstr(err.msg, "sandbox of this wire context was "
	    "closed") != NULL, "%s", err.msg);
	ATF_CHECK_EQ(pk_wire_evidence(w, s, NULL, NULL, &rep, &err), 2);
	ATF_REQUIRE(rep.n >= 3);
	ATF_CHECK_MSG(strncmp(rep.lines[0], "sniffer s1 (", 12) == 0, "%s",
	    rep.lines[0]);
	ATF_CHECK_MSG(strncmp(rep.lines[1], "  s1 #0 ", 8) == 0, "%s",
	    rep.lines[1]);
	pk_report_free(&rep);
	pk_wire_close(w);
	wt_stderr_empty();
}

PK_TC(close_bg_lets_vnets_go, "after pk_wire_close_bg() the captures are "
    "closed by a child soon enough for their vnet to be destroyed");
PK_TC_BODY(close_bg_lets_vnets_go, t)
{
	const struct pk_seen *sn;
	struct pk_sniffer *s;
	struct pk_topo topo;
	struct pk_wire *w;
	struct pk_err err;

	wt_stderr_capture();
	pk_topo_pair(t, &topo);
	OK(pk_wire_open(pk_tc_sandbox(t), &w, &err));
	OK(pk_sniff_open(w, topo.server_if, "icmp", NULL, &s, &err));
	ATF_REQUIRE_EQ_MSG(pk_wire_ping(w, topo.client_if, topo.server6, 1000,
	    &sn, &err), 1, "%s", err.msg);
	OK(pk_wire_close_bg(w, &err));
	/* Fails (a leak naming the holder) if the sockets stayed open. */
	pk_vnet_gone(t, topo.server);
	wt_stderr_empty();
}

PK_TC(vnet_destroyed_under_a_sniffer, "destroying a vnet closes the "
    "captures in it; its sniffers keep their logs and waits on them fail "
    "clearly");
PK_TC_BODY(vnet_destroyed_under_a_sniffer, t)
{
	const struct pk_seen *sn;
	struct pk_sniffer *s;
	struct pk_topo topo;
	struct pk_err err;

	pk_topo_pair(t, &topo);
	s = pk_sniff(t, topo.server_if, "icmp");
	pk_ping(t, topo.client_if, topo.server4);
	pk_vnet_gone(t, topo.server);
	ATF_CHECK_EQ(pk_sniff_count(s), 2);
	ATF_CHECK_EQ(pk_sniff_expect(s, "icmp", NULL, NULL, 10, &sn, &err),
	    1);
	ATF_CHECK_EQ(pk_sniff_expect(s, "tcp", NULL, NULL, 1000, &sn, &err),
	    -1);
	ATF_CHECK_MSG(strstr(err.msg, "was closed") != NULL, "%s", err.msg);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, tool_pings_by_interface_name);
	ATF_TP_ADD_TC(tp, close_bg_lets_vnets_go);
	ATF_TP_ADD_TC(tp, vnet_destroyed_under_a_sniffer);
	return (atf_no_error());
}
