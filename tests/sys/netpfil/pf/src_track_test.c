/*
 * src_track_test: a limit on the states each source may create through
 * one rule.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/src_track.sh
 * (max_src_states_rule): two rules, told apart by TCP source port
 * range, each limit every source to a few states of their own; clients
 * behind the tester open full TCP connections to a server through a
 * router.  A source that reaches its limit on one rule can still use
 * the other, and another source has limits of its own.
 *
 * pf's "max-src-states 3" lets two connections of a source through and
 * refuses the third in this test (the FreeBSD test asserts that pattern
 * without explaining the count).  nftables counts the connections of
 * each source in a set with "ct count over N"; "over 2" gives the same
 * pattern, which is what both rulesets are written to produce.
 */
#include "pfsupport.h"

/*
 * RSN v6: the case host 2001:db8:42::1 (the tester) - router
 * 2001:db8:42::2 / 2001:db8:43::1 - server 2001:db8:43::2, listening
 * on port 9.  The router routes the clients' prefix 2001:db8:44::/64
 * back via the tester, which does not own those addresses: its kernel
 * drops the server's SYN-ACKs silently.
 */
struct rsn {
	struct pk_vnet	*router;
	struct pk_vnet	*server;
	struct pk_if	*tester;
	struct pk_if	*rin;
	struct pk_if	*rout;
	int		 lfd;
	struct pk_sniffer *s;
};

static void
rsn_setup(struct pk_tc *t, struct rsn *r)
{
	struct pk_epair *in, *out;

	r->router = pk_vnet(t, "router");
	r->server = pk_vnet(t, "server");
	in = pk_epair(t, NULL, r->router);
	out = pk_epair(t, r->router, r->server);
	r->tester = in->a;
	r->rin = in->b;
	r->rout = out->a;
	pk_addr(t, in->a, "2001:db8:42::1/64");
	pk_addr(t, in->b, "2001:db8:42::2/64");
	pk_addr(t, out->a, "2001:db8:43::1/64");
	pk_addr(t, out->b, "2001:db8:43::2/64");
	pk_forwarding(t, r->router);
	pk_route(t, NULL, "2001:db8:43::/64", "2001:db8:42::2");
	pk_route(t, r->router, "2001:db8:44::/64", "2001:db8:42::1");
	pk_route(t, r->server, "2001:db8:44::/64", "2001:db8:43::1");
	pfs_resolve(t, r->rin, "2001:db8:42::1");
	pfs_resolve(t, r->rout, "2001:db8:43::2");
	pfs_resolve(t, out->b, "2001:db8:43::1");
	r->lfd = pfs_listen(t, r->server, AF_INET6, 9);
	r->s = pk_sniff_with(t, r->tester, "tcp", .dir = PK_DIR_IN);
}

static void
connect_ok(struct pk_tc *t, struct rsn *r, const char *src, uint16_t sport)
{
	struct pfs_tcp c = {
		.ifp = r->tester, .src = src, .dst = "2001:db8:43::2",
		.sport = sport, .dport = 9, .seq = 7000
	};

	pfs_tcp_connect(t, &c, r->s);
}

/*
 * A SYN the router must drop: no SYN-ACK comes back, while one for the
 * sentinel, a connection from 2001:db8:44::3 (which has no states yet
 * on that rule), does.  The sentinel's connection is then reset: a
 * half-open one would keep the server's vnet alive at teardown until
 * its SYN-ACK timer fires, a second later.
 */
static void
connect_refused(struct pk_tc *t, struct rsn *r, const char *src,
    uint16_t sport, uint16_t sentinel_port)
{
	struct pfs_tcp c = {
		.ifp = r->tester, .src = src, .dst = "2001:db8:43::2",
		.sport = sport, .dport = 9, .seq = 7000
	};
	struct pfs_tcp sen = {
		.ifp = r->tester, .src = "2001:db8:44::3",
		.dst = "2001:db8:43::2", .sport = sentinel_port, .dport = 9,
		.seq = 7000
	};
	char probe[256];

	snprintf(probe, sizeof(probe), "%s", pfs_tcp_synack_filter(&c));
	pfs_tcp_syn(t, &c);
	pfs_tcp_syn(t, &sen);
	pk_expect_none_until(t, r->s, probe, pfs_tcp_synack_filter(&sen),
	    2000);
	sen.seq++;
	pfs_tcp_segment(t, &sen, PK_TH_RST, NULL, 0);
}

PK_TC_CONF(max_src_states_per_rule_and_source, "each source may create "
    "only so many states through each rule; limits of one rule or one "
    "source do not affect another", .require_progs = "nft");
PK_TC_BODY(max_src_states_per_rule_and_source, t)
{
	struct rsn r;

	rsn_setup(t, &r);
	pfs_fw(t, r.router,
	    "table inet f {\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    iifname \"%1$s\" tcp sport 4210-4219 ct state new "
	    "meter rule_a { ip6 saddr ct count over 2 } drop\n"
	    "    iifname \"%1$s\" oifname \"%2$s\" tcp sport 4210-4219 "
	    "ct state new accept\n"
	    "    iifname \"%1$s\" tcp sport 4220-4229 ct state new "
	    "meter rule_b { ip6 saddr ct count over 2 } drop\n"
	    "    iifname \"%1$s\" oifname \"%2$s\" tcp sport 4220-4229 "
	    "ct state new accept\n"
	    "  }\n"
	    "}\n",
	    "block\n"
	    "pass inet6 proto icmp6 icmp6-type { neighbrsol, neighbradv }\n"
	    "pass in on %1$s inet6 proto tcp from port 4210:4219 keep state "
	    "(max-src-states 3 source-track rule) label rule_A\n"
	    "pass in on %1$s inet6 proto tcp from port 4220:4229 keep state "
	    "(max-src-states 3 source-track rule) label rule_B\n"
	    "pass out on %2$s keep state\n",
	    pk_if_name(r.rin), pk_if_name(r.rout));

	/* Rule A, source ::1: two connections, not a third. */
	connect_ok(t, &r, "2001:db8:44::1", 4211);
	connect_ok(t, &r, "2001:db8:44::1", 4212);
	connect_refused(t, &r, "2001:db8:44::1", 4213, 4219);
	/* Rule B, source ::1: limits of rule A do not count. */
	connect_ok(t, &r, "2001:db8:44::1", 4221);
	connect_ok(t, &r, "2001:db8:44::1", 4222);
	connect_refused(t, &r, "2001:db8:44::1", 4223, 4229);
	/* Rule B, source ::2: limits of source ::1 do not count. */
	connect_ok(t, &r, "2001:db8:44::2", 4224);
	connect_ok(t, &r, "2001:db8:44::2", 4225);
	connect_refused(t, &r, "2001:db8:44::2", 4226, 4228);

	/* What pf shows as source nodes: states per source. */
	pk_fw_expect_count(t, r.router, 4, .src = "2001:db8:44::1",
	    .state = "ESTABLISHED");
	pk_fw_expect_count(t, r.router, 2, .src = "2001:db8:44::2",
	    .state = "ESTABLISHED");
	pk_fw_expect_count(t, r.router, 0, .sport = 4213);
	pk_fw_expect_count(t, r.router, 0, .sport = 4223);
	pk_fw_expect_count(t, r.router, 0, .sport = 4226);

}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, max_src_states_per_rule_and_source);
	return (atf_no_error());
}
