/*
 * icmp6_test: ICMPv6 through a stateful firewall: an echo request with
 * identifier 0 is not mistaken for neighbour discovery state, and a Time
 * Exceeded from beyond a NAT66 gateway comes back translated.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/icmp6.sh:
 *  - zero_id: the jail blocks everything in but neighbour solicitations
 *    and advertisements, and passes everything out; after the host has
 *    forgotten the jail's link-layer address (so that neighbour discovery
 *    runs again), an echo request with identifier 0 must still get no
 *    reply.  (pf once matched it against the state of the solicitation.)
 *  - ttl_exceeded: a client behind a NAT66 gateway ("nat on <int link>
 *    from 2001:db8:3::/64 -> (<int link>:0)") traceroutes to a server two
 *    routers away, with UDP and with ICMPv6 echo requests.  The Time
 *    Exceeded that the first router past the gateway sends must reach
 *    the client with its quote translated back to the client's address;
 *    the port also checks the one from the gateway itself.
 *
 * nftables: pf's "pass" keeps state; the rulesets accept established and
 * related packets first and drop invalid ones, as pf does.  Linux does
 * not track neighbour discovery at all, so the zero-id confusion cannot
 * arise; the case stands as a regression check of the shape.
 */
#include "../../common/porttest.h"

#define	SENTINEL6	"2001:db8::99"

static const struct pk_ruleset zero_id = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ct state established,related accept;\n"
	    "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert }"
	    " accept; }\n"
	    "  chain o { type filter hook output priority 0; policy accept; }\n"
	    "}\n",
	.pf = "set block-policy drop\n"
	    "antispoof quick for { egress @IF@ }\n"
	    "block all\n"
	    "pass out\n"
	    "pass in quick inet6 proto IPV6-ICMP icmp6-type 135\n"
	    "pass in quick inet6 proto IPV6-ICMP icmp6-type 136\n"
	    "pass out quick inet6 proto IPV6 from self to any\n",
};

PK_TC_CONF(echo_with_zero_id_stays_blocked, "an ICMPv6 echo request with "
    "identifier 0, sent right after neighbour discovery, is not let "
    "through by a ruleset that passes only neighbour discovery in",
    .require_progs = "nft ip");
PK_TC_BODY(echo_with_zero_id_stays_blocked, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;
	char mac[18];

	pk_topo_pair(t, &topo);
	/* Sanity. */
	pk_ping(t, topo.client_if, topo.server6);

	pt_fw_on(t, topo.server, &zero_id, topo.server_if);
	s = pk_sniff_with(t, topo.client_if, "icmp6", .dir = PK_DIR_IN);
	pk_send(t, topo.client_if, PK_PKT(PK_IP6(.dst = topo.server6),
	    PK_ICMP6_ECHO(.id = 0x4242, .seq = 1)));
	pt_send_ns(t, topo.client_if, topo.client6, topo.server6);
	pk_expect_none_until(t, s, "icmp6 and ip6[40] == 129", PT_NA, 2000);

	/*
	 * As "ndp -d": the next send solicits the jail again.  The
	 * advertisements of that exchange must not pass for the sentinel,
	 * so the sentinel asks about a second address of the jail, named
	 * in the advertisement's target (its last 4 bytes at ip6[60:4]).
	 */
	pk_addr(t, topo.server_if, SENTINEL6 "/64");
	pt_mac_str(topo.server_if, mac, sizeof(mac));
	pk_run_ok(t, NULL, "ip -6 neigh del %s dev %s", topo.server6,
	    pk_if_name(topo.client_if));
	pk_send(t, topo.client_if, PK_PKT(PK_IP6(.dst = topo.server6),
	    PK_ICMP6_ECHO(.id = PK_ZERO, .seq = PK_ZERO)));
	pk_send(t, topo.client_if, PK_PKT(PK_ETHER(.dst = mac),
	    PK_IP6(.dst = SENTINEL6, .hlim = 255),
	    PK_ICMP6_NS(.target = SENTINEL6)));
	pk_expect_none_until(t, s, "icmp6 and ip6[40] == 129",
	    PT_NA " and ip6[60:4] == 0x99", 2000);
}

/*
 * ttl_exceeded: cl (the case's host) - nat - int - srv.
 */

static const struct pk_ruleset nat66 = {
	.nft = "flush ruleset\n"
	    "table ip6 n {\n"
	    "  chain po { type nat hook postrouting priority srcnat;\n"
	    "    oifname \"@IF@\" ip6 saddr 2001:db8:3::/64 masquerade; }\n"
	    "}\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ct state established,related accept;\n"
	    "    ct state invalid drop;\n"
	    "    meta l4proto udp accept;\n"
	    "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert,"
	    " echo-request } accept; }\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept;\n"
	    "    ct state invalid drop;\n"
	    "    meta l4proto udp accept;\n"
	    "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert,"
	    " echo-request } accept; }\n"
	    "  chain o { type filter hook output priority 0; policy drop;\n"
	    "    ct state established,related accept;\n"
	    "    ct state invalid drop;\n"
	    "    meta l4proto udp accept;\n"
	    "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert,"
	    " echo-request } accept; }\n"
	    "}\n",
	.pf = "nat on @IF@ from 2001:db8:3::/64 -> (@IF@:0)\n"
	    "block\n"
	    "pass inet6 proto udp\n"
	    "pass inet6 proto icmp6 icmp6-type { neighbrsol, neighbradv, "
	    "echoreq }\n",
};

static void
resolve_both(struct pk_tc *t, struct pk_if *a, const char *a6,
    struct pk_if *b, const char *b6)
{
	struct pk_err err;
	uint8_t mac[6];

	ATF_REQUIRE_MSG(pk_wire_resolve(pk_wire(t), a, b6, mac, &err) == 0 &&
	    pk_wire_resolve(pk_wire(t), b, a6, mac, &err) == 0, "%s",
	    err.msg);
}

/*
 * A Time Exceeded from router, to the client, quoting the client's
 * probe (as the client sent it) towards the server.
 */
static const struct pk_dpkt *
expect_time_exceeded(struct pk_tc *t, struct pk_sniffer *s,
    const char *router, int nh)
{
	const struct pk_dlayer *ip, *ic, *in;
	const struct pk_dpkt *d;
	char f[128];

	snprintf(f, sizeof(f), "icmp6 and ip6[40] == 3 and src host %s",
	    router);
	d = pk_expect(t, s, f, 2000);
	ip = pt_layer(d, PK_PROTO_IP6);
	ATF_CHECK(pt_ip6_is(&ip->u.ip6.dst, "2001:db8:3::1"));
	ic = pt_layer(d, PK_PROTO_ICMP6);
	ATF_CHECK_EQ(ic->u.icmp.code, 0);
	ATF_CHECK_EQ(ic->cksum, PK_CKSUM_OK);
	in = pt_inner(d, PK_PROTO_IP6);
	ATF_CHECK_MSG(pt_ip6_is(&in->u.ip6.src, "2001:db8:3::1"),
	    "the quoted packet is not from the client's own address");
	ATF_CHECK(pt_ip6_is(&in->u.ip6.dst, "2001:db8:1::1"));
	ATF_CHECK_EQ(in->u.ip6.nh, nh);
	return (d);
}

PK_TC_CONF(time_exceeded_translated_back_nat66, "a traceroute through a "
    "NAT66 gateway: the Time Exceeded of the router beyond it comes back "
    "quoting the client's own address, for UDP and ICMPv6 probes",
    .require_progs = "nft");
PK_TC_BODY(time_exceeded_translated_back_nat66, t)
{
	struct pk_vnet *nat, *inr, *srv;
	struct pk_epair *e_cl, *e_int, *e_srv;
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_if *cl;

	srv = pk_vnet(t, "srv");
	inr = pk_vnet(t, "int");
	nat = pk_vnet(t, "nat");
	e_srv = pk_epair(t, srv, inr);
	e_int = pk_epair(t, inr, nat);
	e_cl = pk_epair(t, NULL, nat);
	cl = e_cl->a;
	pk_addr(t, e_srv->a, "2001:db8:1::1/64");
	pk_route(t, srv, "default6", "2001:db8:1::2");
	pk_forwarding(t, inr);
	pk_addr(t, e_srv->b, "2001:db8:1::2/64");
	pk_addr(t, e_int->a, "2001:db8:2::2/64");
	pk_addr(t, e_int->b, "2001:db8:2::1/64");
	pk_addr(t, e_cl->b, "2001:db8:3::2/64");
	pk_forwarding(t, nat);
	pk_route(t, nat, "default6", "2001:db8:2::2");
	pk_addr(t, cl, "2001:db8:3::1/64");
	pk_route(t, NULL, "default6", "2001:db8:3::2");
	resolve_both(t, e_srv->a, "2001:db8:1::1", e_srv->b, "2001:db8:1::2");
	resolve_both(t, e_int->a, "2001:db8:2::2", e_int->b, "2001:db8:2::1");
	resolve_both(t, cl, "2001:db8:3::1", e_cl->b, "2001:db8:3::2");

	pt_fw_on(t, nat, &nat66, e_int->b);
	/* Sanity, as in the original: every hop answers. */
	pk_ping(t, cl, "2001:db8:3::2");
	pk_ping(t, cl, "2001:db8:2::1");
	pk_ping(t, cl, "2001:db8:2::2");
	pk_ping(t, cl, "2001:db8:1::1");

	s = pk_sniff_with(t, cl, "icmp6", .dir = PK_DIR_IN);
	/* UDP, the way traceroute6 probes: hop 1 is the gateway, hop 2
	 * the router beyond it, whose error the gateway translates. */
	pk_send(t, cl, PK_PKT(PK_IP6(.dst = "2001:db8:1::1", .hlim = 1),
	    PK_UDP(.sport = 44444, .dport = 33435)));
	expect_time_exceeded(t, s, "2001:db8:3::2", 17);
	pk_send(t, cl, PK_PKT(PK_IP6(.dst = "2001:db8:1::1", .hlim = 2),
	    PK_UDP(.sport = 44444, .dport = 33436)));
	d = expect_time_exceeded(t, s, "2001:db8:2::2", 17);
	ATF_CHECK_EQ(pt_inner(d, PK_PROTO_UDP)->u.udp.sport, 44444);
	ATF_CHECK_EQ(pt_inner(d, PK_PROTO_UDP)->u.udp.dport, 33436);

	/* ICMPv6 echo requests, as traceroute6 -I. */
	pk_send(t, cl, PK_PKT(PK_IP6(.dst = "2001:db8:1::1", .hlim = 1),
	    PK_ICMP6_ECHO(.id = 0x4242, .seq = 1)));
	expect_time_exceeded(t, s, "2001:db8:3::2", 58);
	pk_send(t, cl, PK_PKT(PK_IP6(.dst = "2001:db8:1::1", .hlim = 2),
	    PK_ICMP6_ECHO(.id = 0x4242, .seq = 2)));
	d = expect_time_exceeded(t, s, "2001:db8:2::2", 58);
	/* The echo identifier, translated back too (rest: id << 16 | seq). */
	ATF_CHECK_EQ(pt_inner(d, PK_PROTO_ICMP6)->u.icmp.rest, 0x42420002);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, echo_with_zero_id_stays_blocked);
	ATF_TP_ADD_TC(tp, time_exceeded_translated_back_nat66);
	return (atf_no_error());
}
