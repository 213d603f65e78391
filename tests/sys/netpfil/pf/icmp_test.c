/*
 * icmp_test: ICMP errors crossing a stateful firewall: one the router
 * generates for a packet it is NATing must quote the packet as its
 * sender sent it; errors that claim to be about a known connection but
 * are not consistent with it must not get through.
 *
 * Ports three FreeBSD tests:
 *  - tests/sys/netpfil/pf/route_to.sh, case icmp_nat (with
 *    pft_icmp_check.py): a gateway NATs on both of its outgoing links and
 *    sends echo requests out of the one with MTU 500 ("pass out route-to
 *    (three 203.0.113.2)"); a 1000-byte echo request with DF must come
 *    back as "fragmentation needed" quoting the client's own addresses
 *    and the request's sequence number, not the NATed ones.
 *  - tests/sys/netpfil/pf/icmp.py, TestICMP.test_inner_match: with only
 *    echo requests passed (and their state), an ICMP error from the
 *    client that quotes the server's echo reply but is addressed to
 *    another address of the server must not reach the server.  The port
 *    adds the control the original lacks: the same error addressed to
 *    the server's own address does get through.
 *  - tests/sys/netpfil/pf/icmp.sh, case cve_2019_5598 (with
 *    CVE-2019-5598.py): with only UDP to port 53 passed, an ICMP port
 *    unreachable that rides on that state but quotes a packet of
 *    unrelated addresses must not be forwarded.  The port uses
 *    documentation addresses in the quote (the original's 4.3.2.1 and
 *    1.2.3.4) and adds the control: an error quoting the real flow passes.
 *
 * On Linux, conntrack does what pf's state lookup does here: an ICMP
 * error whose quoted packet belongs to a connection, and whose outer
 * addresses are that packet's reversed, is RELATED; anything else is
 * INVALID, and "ct state invalid drop" drops it.  pf's route-to is a
 * firewall mark and a routing rule on Linux, set up beside the ruleset.
 */
#include "../../common/porttest.h"

/*
 * icmp_nat.
 */

static const struct pk_ruleset nat_route_to = {
	.nft = "flush ruleset\n"
	    "table ip nat {\n"
	    "  chain po { type nat hook postrouting priority srcnat;\n"
	    "    oifname \"@IF2@\" masquerade;\n"
	    "    oifname \"@IF3@\" masquerade; }\n"
	    "}\n"
	    "table ip mangle {\n"
	    "  chain pre { type filter hook prerouting priority mangle;\n"
	    "    icmp type echo-request meta mark set 1; }\n"
	    "}\n",
	.pf = "nat on @IF2@ inet from 192.0.2.0/24 to any -> (@IF2@)\n"
	    "nat on @IF3@ inet from 192.0.2.0/24 to any -> (@IF3@)\n"
	    "pass out route-to (@IF3@ 203.0.113.2) proto icmp "
	    "icmp-type echoreq\n",
};

/* text with @IF2@ and @IF3@ replaced; malloc'd. */
static char *
subst2(const char *text, const char *if2, const char *if3)
{
	char *a, *b;

	a = pt_subst(text, "@IF2@", if2);
	b = pt_subst(a, "@IF3@", if3);
	free(a);
	return (b);
}

PK_TC_CONF(icmp_nat_frag_needed_quotes_original, "a router that NATs and "
    "policy-routes an echo request onto a small-MTU link answers a big DF "
    "request with 'fragmentation needed' quoting the client's addresses "
    "and sequence number", .require_progs = "nft ip");
PK_TC_BODY(icmp_nat_frag_needed_quotes_original, t)
{
	const struct pk_dlayer *ic, *iip, *iic;
	struct pk_epair *one, *two, *three;
	struct pk_vnet *gw, *srv, *srv2;
	static uint8_t payload[1000];
	const struct pk_dpkt *d;
	struct pk_ruleset rs;
	struct pk_sniffer *s;

	gw = pk_vnet(t, "gw");
	srv = pk_vnet(t, "srv");
	srv2 = pk_vnet(t, "srv2");
	one = pk_epair(t, NULL, gw);
	two = pk_epair(t, gw, srv);
	three = pk_epair(t, gw, srv2);
	pk_addr(t, one->a, "192.0.2.2/24");
	pk_route(t, NULL, "198.51.100.0/24", "192.0.2.1");
	pk_forwarding(t, gw);
	pk_addr(t, one->b, "192.0.2.1/24");
	pk_addr(t, two->a, "198.51.100.1/24");
	pk_mtu(t, three->a, 500);
	pk_addr(t, three->a, "203.0.113.1/24");
	pk_addr(t, two->b, "198.51.100.2/24");
	pk_route(t, srv, "default", "198.51.100.1");
	pk_mtu(t, three->b, 500);
	pk_addr(t, three->b, "203.0.113.2/24");
	pk_route(t, srv2, "default", "203.0.113.1");

	/* Sanity, before the rules: the server answers. */
	pk_ping(t, one->a, "198.51.100.2");

	rs.nft = subst2(nat_route_to.nft, pk_if_name(two->a),
	    pk_if_name(three->a));
	rs.pf = subst2(nat_route_to.pf, pk_if_name(two->a),
	    pk_if_name(three->a));
	pk_fw(t, gw, &rs);
	free((char *)rs.nft);
	free((char *)rs.pf);
	/* The Linux half of route-to: marked packets use table 100. */
	pk_run_ok(t, gw, "ip rule add fwmark 1 table 100 && "
	    "ip route add default via 203.0.113.2 dev %s table 100",
	    pk_if_name(three->a));

	memset(payload, 0x42, sizeof(payload));
	s = pk_sniff_with(t, one->a, "icmp", .dir = PK_DIR_IN);
	pk_send(t, one->a, PK_PKT(PK_IP4(.dst = "198.51.100.2", .df = 1),
	    PK_ICMP4_ECHO(.id = 0, .seq = 31337, .data = payload,
	    .datalen = sizeof(payload))));
	d = pk_expect(t, s, "icmp[icmptype] == icmp-unreach", 2000);
	ic = pt_layer(d, PK_PROTO_ICMP4);
	ATF_CHECK_EQ(ic->u.icmp.code, 4);
	/* The next-hop MTU, in the low 16 bits of the rest of the header. */
	ATF_CHECK_EQ(ic->u.icmp.rest & 0xffff, 500);
	ATF_CHECK(pt_ip4_is(&pt_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    "192.0.2.1"));
	iip = pt_inner(d, PK_PROTO_IP4);
	ATF_CHECK(pt_ip4_is(&iip->u.ip4.src, "192.0.2.2"));
	ATF_CHECK(pt_ip4_is(&iip->u.ip4.dst, "198.51.100.2"));
	iic = pt_inner(d, PK_PROTO_ICMP4);
	ATF_CHECK_EQ(iic->u.icmp.type, 8);
	ATF_CHECK_EQ(iic->u.icmp.rest & 0xffff, 31337);
}

/*
 * inner_match and cve_2019_5598: stateful rulesets that pass one kind of
 * packet, and related ICMP errors through its state.
 */

static const struct pk_ruleset pass_echoreq = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ct state established,related accept;\n"
	    "    ct state invalid drop;\n"
	    "    icmp type echo-request accept; }\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept;\n"
	    "    ct state invalid drop;\n"
	    "    icmp type echo-request accept; }\n"
	    "}\n",
	.pf = "set reassemble yes\n"
	    "set state-policy if-bound\n"
	    "block\n"
	    "pass inet proto icmp icmp-type echoreq\n",
};

/* An echo reply the server sent, as an ICMP error from the client quotes
 * it. */
#define	QUOTED_REPLY(srv, cl)						\
	PK_PKT(PK_IP4(.src = (srv), .dst = (cl)),			\
	    PK_ICMP4_ECHOREPLY(.id = 0x4242, .seq = 1))

PK_TC_CONF(icmp_error_must_match_state_addresses, "an ICMP error quoting a "
    "packet of a known echo flow passes only when it is addressed to that "
    "packet's source", .require_progs = "nft");
PK_TC_BODY(icmp_error_must_match_state_addresses, t)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_router(t, &topo);
	pk_addr(t, topo.server_if, "198.51.100.3/24");
	pk_fw(t, topo.router, &pass_echoreq);
	/* Sanity, as in the original: the router and both addresses. */
	pk_ping(t, topo.client_if, topo.router_in4);
	pk_ping(t, topo.client_if, topo.router_out4);
	pk_ping(t, topo.client_if, "198.51.100.3");

	s = pk_sniff_with(t, topo.server_if, "icmp", .dir = PK_DIR_IN);
	/* The state. */
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4),
	    PK_ICMP4_ECHO(.id = 0x4242, .seq = 1)));
	pk_expect(t, s, "icmp[icmptype] == icmp-echo and icmp[6:2] == 1",
	    2000);

	/* Consistent with the state: passes, as RELATED. */
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4),
	    PK_ICMP4_UNREACH(.code = 1,
	    .inner = QUOTED_REPLY(topo.server4, topo.client4))));
	d = pk_expect(t, s, "icmp[icmptype] == icmp-unreach", 2000);
	ATF_CHECK(pt_ip4_is(&pt_layer(d, PK_PROTO_IP4)->u.ip4.dst,
	    topo.server4));
	ATF_CHECK(pt_ip4_is(&pt_inner(d, PK_PROTO_IP4)->u.ip4.src,
	    topo.server4));

	/* The same quote, to the server's other address: must not pass.
	 * An echo request to that address, sent after it, ends the wait. */
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = "198.51.100.3"),
	    PK_ICMP4_UNREACH(.code = 1,
	    .inner = QUOTED_REPLY(topo.server4, topo.client4))));
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = "198.51.100.3"),
	    PK_ICMP4_ECHO(.id = 0x4242, .seq = 2)));
	pk_expect_none_until(t, s, "icmp[icmptype] == icmp-unreach",
	    "icmp[icmptype] == icmp-echo and icmp[6:2] == 2", 2000);
}

static const struct pk_ruleset pass_dns = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ct state established,related accept;\n"
	    "    ct state invalid drop; }\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept;\n"
	    "    ct state invalid drop;\n"
	    "    ip daddr " PT_DUMMY4 " udp dport 53 accept; }\n"
	    "  chain o { type filter hook output priority 0; policy drop;\n"
	    "    ct state established,related accept;\n"
	    "    ct state invalid drop; }\n"
	    "}\n",
	.pf = "block all\n"
	    "pass in proto udp to " PT_DUMMY4 " port 53\n"
	    "pass out proto udp to " PT_DUMMY4 " port 53\n",
};

/* A UDP packet the dummy server sent back, as an ICMP error quotes it. */
#define	QUOTED_UDP(from, to)						\
	PK_PKT(PK_IP4(.src = (from), .dst = (to)),			\
	    PK_UDP(.sport = 53, .dport = 1234))

PK_TC_CONF(cve_2019_5598_unrelated_quote_not_forwarded, "an ICMP port "
    "unreachable on the addresses of a passed UDP flow, quoting a packet "
    "of other addresses, is not forwarded; one quoting the flow is",
    .require_progs = "nft");
PK_TC_BODY(cve_2019_5598_unrelated_quote_not_forwarded, t)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	pt_topo_fwd(t, &topo);
	pk_route(t, topo.router, "default", PT_DUMMY4);
	pk_fw(t, topo.router, &pass_dns);
	s = pk_sniff_with(t, topo.server_if, "ip dst host " PT_DUMMY4,
	    .dir = PK_DIR_IN);

	/* The state. */
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = PT_DUMMY4),
	    PK_UDP(.sport = 1234, .dport = 53)));
	pk_expect(t, s, "udp src port 1234 and udp dst port 53", 2000);

	/* Riding on the state, quoting unrelated addresses: dropped. */
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = PT_DUMMY4),
	    PK_ICMP4_UNREACH(.code = 3,
	    .inner = QUOTED_UDP("203.0.113.1", "198.51.100.99"))));
	/* Quoting the flow itself: RELATED, forwarded.  It is also the
	 * sentinel, so the match below is narrowed to the other quote. */
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = PT_DUMMY4),
	    PK_ICMP4_UNREACH(.code = 3,
	    .inner = QUOTED_UDP(PT_DUMMY4, topo.client4))));
	pk_expect_none_until(t, s, "icmp[icmptype] == icmp-unreach and "
	    "icmp[20:4] != 0xc6336403", "icmp[icmptype] == icmp-unreach and "
	    "icmp[20:4] == 0xc6336403", 2000);

	/* Once more, to look at the one that passed. */
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = PT_DUMMY4),
	    PK_ICMP4_UNREACH(.code = 3,
	    .inner = QUOTED_UDP(PT_DUMMY4, topo.client4))));
	d = pk_expect(t, s, "icmp[icmptype] == icmp-unreach", 2000);
	ATF_CHECK_EQ(pt_layer(d, PK_PROTO_ICMP4)->u.icmp.code, 3);
	ATF_CHECK(pt_ip4_is(&pt_inner(d, PK_PROTO_IP4)->u.ip4.src,
	    PT_DUMMY4));
	ATF_CHECK_EQ(pt_inner(d, PK_PROTO_UDP)->u.udp.dport, 1234);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, icmp_nat_frag_needed_quotes_original);
	ATF_TP_ADD_TC(tp, icmp_error_must_match_state_addresses);
	ATF_TP_ADD_TC(tp, cve_2019_5598_unrelated_quote_not_forwarded);
	return (atf_no_error());
}
