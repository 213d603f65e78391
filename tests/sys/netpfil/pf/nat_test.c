/*
 * nat_test: source and bidirectional NAT, with full TCP handshakes.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/nat.sh (nat_pass_in,
 * nat_pass_out, binat_match), tests/sys/netpfil/common/nat.sh (basic,
 * run as pf_basic) and icmp.py's TestICMP_NAT.test_id_conflict.  It
 * checks that translated traffic leaves with the translated address,
 * that answers find their way back to the original address, and that
 * the firewall's state records both sides of the translation.
 *
 * pf decides NAT in the rule that passes a packet, inbound or outbound;
 * nftables translates sources only in its postrouting nat hook and
 * destinations in prerouting.  "NAT decided on the inbound rule" is
 * therefore a mark set on the way in and a translation keyed on that
 * mark on the way out.
 *
 * Where pft_ping's tcp3way sends from the tester's own address (its
 * kernel then resets the server's SYN-ACK, and pf counts the RST), these
 * handshakes send from an address the tester does not own, 192.0.2.10,
 * which the router resolves to the tester's MAC: the tester's kernel
 * drops the SYN-ACK silently and the connection stays established.
 */
#include "pfsupport.h"

#define	CLIENT	"192.0.2.10"

/*
 * RS, as nat.sh uses it: tester (the case host) 192.0.2.1 - router
 * 192.0.2.2 / 198.51.100.1 - server 198.51.100.2, which has no route
 * back to 192.0.2.0/24.  The server listens on port 9 (discard).
 */
struct rs {
	struct pk_vnet	*router;
	struct pk_vnet	*server;
	struct pk_if	*tester;
	struct pk_if	*rin;
	struct pk_if	*rout;
	struct pk_if	*srv;
	int		 lfd;
};

static void
rs_setup(struct pk_tc *t, struct rs *rs)
{
	struct pk_epair *in, *out;

	rs->router = pk_vnet(t, "router");
	rs->server = pk_vnet(t, "server");
	in = pk_epair(t, NULL, rs->router);
	out = pk_epair(t, rs->router, rs->server);
	rs->tester = in->a;
	rs->rin = in->b;
	rs->rout = out->a;
	rs->srv = out->b;
	pk_addr(t, rs->tester, "192.0.2.1/24");
	pk_addr(t, rs->rin, "192.0.2.2/24");
	pk_addr(t, rs->rout, "198.51.100.1/24");
	pk_addr(t, rs->srv, "198.51.100.2/24");
	pk_forwarding(t, rs->router);
	pk_route(t, NULL, "198.51.100.0/24", "192.0.2.2");
	pk_neigh(t, rs->rin, CLIENT, pfs_mac(rs->tester));
	rs->lfd = pfs_listen(t, rs->server, AF_INET, 9);
}

/*
 * A handshake from CLIENT:sport to the server's port 9; returns once
 * the server has the connection, as the address and port it sees.
 */
static const char *
handshake(struct pk_tc *t, struct rs *rs, uint16_t sport)
{
	struct pfs_tcp c = {
		.ifp = rs->tester, .src = CLIENT, .dst = "198.51.100.2",
		.sport = sport, .dport = 9, .seq = 1000
	};
	const struct pk_dlayer *tcp;
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	int fd;

	s = pk_sniff_with(t, rs->tester, "tcp", .dir = PK_DIR_IN);
	d = pfs_tcp_connect(t, &c, s);
	tcp = pfs_layer(d, PK_PROTO_TCP);
	ATF_CHECK_EQ(tcp->u.tcp.sport, 9);
	ATF_CHECK_EQ(tcp->u.tcp.dport, sport);
	ATF_CHECK(pfs_ip4_is(&pfs_layer(d, PK_PROTO_IP4)->u.ip4.dst,
	    CLIENT));
	fd = pfs_accept(t, rs->server, rs->lfd);
	return (pfs_sockname(fd, 1));
}

PK_TC_CONF(nat_on_inbound_rule_completes_handshake, "a source "
    "translation decided on the way in (nat-to on a pass in rule) lets a "
    "TCP handshake complete; the server sees the NAT address",
    .require_progs = "nft");
PK_TC_BODY(nat_on_inbound_rule_completes_handshake, t)
{
	const struct pk_fw_state *st;
	struct rs rs;
	size_t n;

	rs_setup(t, &rs);
	/* Only the NAT address is routed back, via the router. */
	pk_route(t, rs.server, "203.0.113.0/24", "198.51.100.1");
	pk_route_if(t, rs.router, "203.0.113.0/24", rs.rin);
	pfs_fw(t, rs.router,
	    "table ip f {\n"
	    "  chain pre { type filter hook prerouting priority -150;\n"
	    "    iifname \"%1$s\" meta l4proto tcp ct state new "
	    "meta mark set 1\n"
	    "  }\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    iifname \"%1$s\" oifname \"%2$s\" meta l4proto tcp "
	    "ct state new accept\n"
	    "  }\n"
	    "  chain post { type nat hook postrouting priority srcnat;\n"
	    "    meta mark 1 snat to 203.0.113.0\n"
	    "  }\n"
	    "}\n",
	    "block\n"
	    "pass in on %1$s inet proto tcp nat-to 203.0.113.0 keep state\n"
	    "pass out on %2$s inet proto tcp keep state\n",
	    pk_if_name(rs.rin), pk_if_name(rs.rout));
	ATF_CHECK_STREQ(handshake(t, &rs, 4201), "203.0.113.0 4201");
	st = pk_fw_states(t, rs.router, &n, .proto = IPPROTO_TCP);
	ATF_REQUIRE_EQ(n, 1);
	ATF_CHECK_STREQ(st->src, CLIENT);
	ATF_CHECK_EQ(st->sport, 4201);
	ATF_CHECK_STREQ(st->dst, "198.51.100.2");
	ATF_CHECK_EQ(st->dport, 9);
	ATF_CHECK_STREQ(st->rdst, "203.0.113.0");
	ATF_CHECK_STREQ(st->state, "ESTABLISHED");
}

PK_TC_CONF(nat_on_outbound_rule_completes_handshake, "a source "
    "translation to the outgoing interface's address (nat-to on a pass "
    "out rule) lets a TCP handshake complete", .require_progs = "nft");
PK_TC_BODY(nat_on_outbound_rule_completes_handshake, t)
{
	const struct pk_fw_state *st;
	struct rs rs;
	size_t n;

	rs_setup(t, &rs);
	pfs_fw(t, rs.router,
	    "table ip f {\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    iifname \"%1$s\" oifname \"%2$s\" meta l4proto tcp "
	    "ct state new accept\n"
	    "  }\n"
	    "  chain post { type nat hook postrouting priority srcnat;\n"
	    "    oifname \"%2$s\" meta l4proto tcp masquerade\n"
	    "  }\n"
	    "}\n",
	    "block\n"
	    "pass in on %1$s inet proto tcp keep state\n"
	    "pass out on %2$s inet proto tcp nat-to (%2$s) keep state\n",
	    pk_if_name(rs.rin), pk_if_name(rs.rout));
	ATF_CHECK_STREQ(handshake(t, &rs, 4201), "198.51.100.1 4201");
	st = pk_fw_states(t, rs.router, &n, .proto = IPPROTO_TCP);
	ATF_REQUIRE_EQ(n, 1);
	ATF_CHECK_STREQ(st->src, CLIENT);
	ATF_CHECK_STREQ(st->rdst, "198.51.100.1");
	ATF_CHECK_STREQ(st->state, "ESTABLISHED");
}

PK_TC_CONF(binat_translates_both_ways, "bidirectional NAT: the tester's "
    "connections leave with the router's address, and connections to "
    "that address reach the tester", .require_progs = "nft");
PK_TC_BODY(binat_translates_both_ways, t)
{
	const struct pk_fw_state *st;
	struct pk_sniffer *s;
	const struct pk_dpkt *d;
	int cfd, tlfd, sfd;
	struct rs rs;
	size_t n;

	rs_setup(t, &rs);
	/*
	 * pf tags what binat-to matched and passes by tag; here the
	 * inbound half passes because conntrack knows it translated it.
	 */
	pfs_fw(t, rs.router,
	    "table ip f {\n"
	    "  chain pre { type nat hook prerouting priority dstnat;\n"
	    "    iifname \"%2$s\" ip daddr 198.51.100.1 meta l4proto tcp "
	    "dnat to 192.0.2.1\n"
	    "  }\n"
	    "  chain post { type nat hook postrouting priority srcnat;\n"
	    "    oifname \"%2$s\" ip saddr 192.0.2.1 meta l4proto tcp "
	    "snat to 198.51.100.1\n"
	    "  }\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    iifname \"%1$s\" meta l4proto tcp ct state new accept\n"
	    "    iifname \"%2$s\" meta l4proto tcp ct status dnat "
	    "ct state new accept\n"
	    "  }\n"
	    "}\n",
	    "set state-policy if-bound\n"
	    "set ruleset-optimization none\n"
	    "block\n"
	    "match on %2$s inet proto tcp from 192.0.2.1 to any tag sometag "
	    "binat-to %2$s\n"
	    "pass in on %1$s inet proto tcp !tagged sometag keep state\n"
	    "pass out on %2$s inet proto tcp tagged sometag keep state\n"
	    "pass in on %2$s inet proto tcp tagged sometag keep state\n"
	    "pass out on %1$s inet proto tcp tagged sometag keep state\n",
	    pk_if_name(rs.rin), pk_if_name(rs.rout));

	/* Outbound: the server sees the router's address. */
	s = pk_sniff_with(t, rs.srv, "tcp[tcpflags] == tcp-syn",
	    .dir = PK_DIR_IN);
	cfd = pfs_connect(t, NULL, "192.0.2.1", 4201, "198.51.100.2", 9);
	d = pk_expect(t, s, "tcp src port 4201", 2000);
	ATF_CHECK(pfs_ip4_is(&pfs_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    "198.51.100.1"));
	sfd = pfs_accept(t, rs.server, rs.lfd);
	ATF_CHECK_STREQ(pfs_sockname(sfd, 1), "198.51.100.1 4201");
	pfs_write(cfd, "out", 3);
	pfs_read_is(sfd, "out", 3, 2000);
	st = pk_fw_states(t, rs.router, &n, .proto = IPPROTO_TCP,
	    .sport = 4201);
	ATF_REQUIRE_EQ(n, 1);
	ATF_CHECK_STREQ(st->src, "192.0.2.1");
	ATF_CHECK_STREQ(st->dst, "198.51.100.2");
	ATF_CHECK_STREQ(st->rsrc, "198.51.100.2");
	ATF_CHECK_STREQ(st->rdst, "198.51.100.1");
	ATF_CHECK_EQ(st->rdport, 4201);
	ATF_CHECK_STREQ(st->state, "ESTABLISHED");

	/* Inbound: a connection to the router's address is the tester's. */
	tlfd = pfs_listen(t, NULL, AF_INET, 9);
	cfd = pfs_connect(t, rs.server, "198.51.100.2", 4202, "198.51.100.1",
	    9);
	sfd = pfs_accept(t, NULL, tlfd);
	ATF_CHECK_STREQ(pfs_sockname(sfd, 1), "198.51.100.2 4202");
	ATF_CHECK_STREQ(pfs_sockname(sfd, 0), "192.0.2.1 9");
	pfs_write(cfd, "in", 2);
	pfs_read_is(sfd, "in", 2, 2000);
	st = pk_fw_states(t, rs.router, &n, .proto = IPPROTO_TCP,
	    .sport = 4202);
	ATF_REQUIRE_EQ(n, 1);
	ATF_CHECK_STREQ(st->src, "198.51.100.2");
	ATF_CHECK_STREQ(st->dst, "198.51.100.1");
	ATF_CHECK_EQ(st->dport, 9);
	ATF_CHECK_STREQ(st->rsrc, "192.0.2.1");
	ATF_CHECK_EQ(st->rsport, 9);
	ATF_CHECK_STREQ(st->state, "ESTABLISHED");
}

/*
 * common/nat.sh: vnet "nat" joins the case host (198.51.100.2, no
 * route to the clients) and two client vnets, 192.0.2.2 and
 * 203.0.113.2 (FreeBSD uses 192.0.3.0/24, not a documentation range).
 */
PK_TC_CONF(nat_lets_clients_reach_outside, "clients behind a NAT vnet "
    "reach a host that has no route back to them only once NAT is on",
    .require_progs = "nft");
PK_TC_BODY(nat_lets_clients_reach_outside, t)
{
	struct pk_vnet *nat, *c1, *c2;
	struct pk_epair *h, *e1, *e2;
	struct pk_sniffer *s;
	const struct pk_dpkt *d;

	nat = pk_vnet(t, "nat");
	c1 = pk_vnet(t, "client1");
	c2 = pk_vnet(t, "client2");
	h = pk_epair(t, NULL, nat);
	e1 = pk_epair(t, nat, c1);
	e2 = pk_epair(t, nat, c2);
	pk_addr(t, h->a, "198.51.100.2/24");
	pk_addr(t, h->b, "198.51.100.1/24");
	pk_addr(t, e1->a, "192.0.2.1/24");
	pk_addr(t, e1->b, "192.0.2.2/24");
	pk_addr(t, e2->a, "203.0.113.1/24");
	pk_addr(t, e2->b, "203.0.113.2/24");
	pk_forwarding(t, nat);
	pk_route(t, c1, "198.51.100.0/24", "192.0.2.1");
	pk_route(t, c2, "198.51.100.0/24", "203.0.113.1");

	/*
	 * Without NAT the request reaches the host from an address it
	 * cannot answer.  The sentinel is a request that takes the same
	 * path from an address on the host's own link, 198.51.100.3, which
	 * the host answers (towards the NAT vnet's MAC): it would have
	 * answered the probe first.
	 */
	pk_neigh(t, h->a, "198.51.100.3", pfs_mac(h->b));
	s = pk_sniff(t, h->a, "icmp");
	pfs_echo_send(t, e1->b, NULL, "198.51.100.2", 1, 1);
	d = pk_expect(t, s, "icmp[icmptype] == icmp-echo and icmp[4:2] == 1",
	    2000);
	ATF_CHECK(pfs_ip4_is(&pfs_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    "192.0.2.2"));
	pfs_echo_send(t, e1->b, "198.51.100.3", "198.51.100.2", 2, 1);
	pk_expect_none_until(t, s, "icmp[icmptype] == icmp-echoreply and "
	    "icmp[4:2] == 1", "icmp[icmptype] == icmp-echoreply and "
	    "icmp[4:2] == 2", 2000);

	pfs_fw(t, nat,
	    "table ip n {\n"
	    "  chain po { type nat hook postrouting priority srcnat;\n"
	    "    oifname \"%1$s\" masquerade\n"
	    "  }\n"
	    "}\n",
	    "nat pass on %1$s inet from any to any -> (%1$s)\n",
	    pk_if_name(h->b));
	d = pfs_echo(t, e1->b, "198.51.100.2", 3, 1);
	ATF_CHECK(pfs_ip4_is(&pfs_layer(d, PK_PROTO_IP4)->u.ip4.dst,
	    "192.0.2.2"));
	d = pk_expect(t, s, "icmp[icmptype] == icmp-echo and icmp[4:2] == 3",
	    2000);
	ATF_CHECK(pfs_ip4_is(&pfs_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    "198.51.100.1"));
	d = pfs_echo(t, e2->b, "198.51.100.2", 4, 1);
	ATF_CHECK(pfs_ip4_is(&pfs_layer(d, PK_PROTO_IP4)->u.ip4.dst,
	    "203.0.113.2"));
}

/*
 * icmp.py TestICMP_NAT: vnet1 (the case host, 192.0.2.2 and 192.0.2.3)
 * - router 192.0.2.1 / 198.51.100.1, NAT out of if2 - vnet3
 * 198.51.100.2.
 */
PK_TC_CONF(nat_keeps_same_echo_ids_apart, "two clients behind NAT using "
    "the same echo identifier each get their own reply, with their own "
    "identifier", .require_progs = "nft");
PK_TC_BODY(nat_keeps_same_echo_ids_apart, t)
{
	static const uint8_t f0[16] = {
		0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0,
		0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0
	};
	static const char *const clients[] = { "192.0.2.2", "192.0.2.3" };
	const struct pk_dlayer *ip, *ic;
	struct pk_vnet *router, *v3;
	struct pk_epair *if1, *if2;
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	uint16_t ids[2];
	size_t i;

	router = pk_vnet(t, "router");
	v3 = pk_vnet(t, "vnet3");
	if1 = pk_epair(t, NULL, router);
	if2 = pk_epair(t, router, v3);
	pk_addr(t, if1->a, "192.0.2.2/24");
	pk_addr(t, if1->a, "192.0.2.3/24");
	pk_addr(t, if1->b, "192.0.2.1/24");
	pk_addr(t, if2->a, "198.51.100.1/24");
	pk_addr(t, if2->b, "198.51.100.2/24");
	pk_addr(t, if2->b, "198.51.100.3/24");
	pk_forwarding(t, router);
	pk_route(t, NULL, "default", "192.0.2.1");
	pfs_fw(t, router,
	    "table ip f {\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    icmp type echo-request accept\n"
	    "  }\n"
	    "  chain po { type nat hook postrouting priority srcnat;\n"
	    "    oifname \"%1$s\" ip saddr 192.0.2.0/24 masquerade\n"
	    "  }\n"
	    "}\n",
	    "set reassemble yes\n"
	    "set state-policy if-bound\n"
	    "nat on %1$s inet from 192.0.2.0/24 to any -> (%1$s)\n"
	    "block\n"
	    "pass inet proto icmp icmp-type echoreq\n",
	    pk_if_name(if2->a));
	s = pk_sniff_with(t, if2->b, "icmp[icmptype] == icmp-echo",
	    .dir = PK_DIR_IN);
	for (i = 0; i < 2; i++) {
		d = pk_request(t, if1->a, PK_PKT(PK_IP4(.src = clients[i],
		    .dst = "198.51.100.2", .df = 1), PK_ICMP4_ECHO(.id = 42,
		    .seq = (int64_t)i + 1, .data = f0, .datalen = 16)), 2000);
		ip = pfs_layer(d, PK_PROTO_IP4);
		ic = pfs_layer(d, PK_PROTO_ICMP4);
		ATF_CHECK(pfs_ip4_is(&ip->u.ip4.dst, clients[i]));
		ATF_CHECK_EQ(ic->u.icmp.rest >> 16, 42);
		d = pk_expect(t, s, "icmp", 2000);
		ATF_CHECK(pfs_ip4_is(&pfs_layer(d, PK_PROTO_IP4)->u.ip4.src,
		    "198.51.100.1"));
		ids[i] = pfs_layer(d, PK_PROTO_ICMP4)->u.icmp.rest >> 16;
	}
	/* From one address, the two flows differ only by identifier. */
	ATF_CHECK_MSG(ids[0] != ids[1], "both requests reached the server "
	    "with identifier %u", ids[0]);
	pk_fw_expect_count(t, router, 2, .proto = IPPROTO_ICMP);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, nat_on_inbound_rule_completes_handshake);
	ATF_TP_ADD_TC(tp, nat_on_outbound_rule_completes_handshake);
	ATF_TP_ADD_TC(tp, binat_translates_both_ways);
	ATF_TP_ADD_TC(tp, nat_lets_clients_reach_outside);
	ATF_TP_ADD_TC(tp, nat_keeps_same_echo_ids_apart);
	return (atf_no_error());
}
