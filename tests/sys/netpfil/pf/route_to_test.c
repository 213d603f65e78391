/*
 * route_to_test: policy routing by the firewall (route-to, reply-to).
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/route_to.sh: v4 and v6 (a
 * route-to rule sends locally made packets out of another interface;
 * the original only tries to provoke a panic, this port checks where
 * the packet goes), ttl (route-to forwarding decrements the TTL, so a
 * TTL 1 packet does not get through) and ifbound_reply_to (replies of
 * connections that came in on an interface go back out of it, to a
 * given neighbour, whatever the routing table says).
 *
 * pf routes by itself.  nftables' own way of sending a packet to a
 * chosen neighbour out of a chosen interface is "fwd", in the netdev
 * family: "fwd ip to ADDR device DEV" on the ingress hook for forwarded
 * traffic (pass in route-to).  Locally made traffic (pass out route-to,
 * reply-to) can only be caught on the egress hook of the interface the
 * routing table chose, and there "fwd ip to ADDR device DEV" sends the
 * frame with the link header it already had, addressed to the old next
 * hop (measured on Linux 6.18; route_to_egress_fwd_frames_for_neighbour
 * keeps that as an expected failure).  So on egress the ruleset writes
 * the new link header itself, with the neighbour's MAC address, and
 * forwards the frame to the device as it is.  Egress runs only once the
 * packet has a resolved next hop, so the reply-to case's unreachable
 * default gateway gets a static neighbour entry nobody answers for.
 */
#include "pfsupport.h"

/*
 * v4/v6: the jail "alcatraz" has send_b (192.0.2.2, 2001:db8:42::2)
 * towards the host's send_a and route_b (203.0.113.2, 2001:db8:43::2)
 * towards route_a; its route to the destination goes via send_a.
 */
struct rt {
	struct pk_vnet	*jail;
	struct pk_epair	*send;
	struct pk_epair	*route;
};

static void
rt_setup(struct pk_tc *t, struct rt *rt, int v6)
{

	rt->jail = pk_vnet(t, "alcatraz");
	rt->send = pk_epair(t, NULL, rt->jail);
	rt->route = pk_epair(t, NULL, rt->jail);
	if (v6) {
		pk_addr(t, rt->send->a, "2001:db8:42::1/64");
		pk_addr(t, rt->send->b, "2001:db8:42::2/64");
		pk_addr(t, rt->route->a, "2001:db8:43::1/64");
		pk_addr(t, rt->route->b, "2001:db8:43::2/64");
		pk_route(t, rt->jail, "2001:db8:666::/64", "2001:db8:42::1");
	} else {
		pk_addr(t, rt->send->a, "192.0.2.1/24");
		pk_addr(t, rt->send->b, "192.0.2.2/24");
		pk_addr(t, rt->route->a, "203.0.113.1/24");
		pk_addr(t, rt->route->b, "203.0.113.2/24");
		pk_route(t, rt->jail, "198.51.100.0/24", "192.0.2.1");
	}
}

/*
 * A SYN from the jail's own stack (what "nc -s SRC DST 22" sends).
 */
static void
syn_from_jail(struct pk_tc *t, struct rt *rt, const char *src,
    const char *dst, int sport)
{

	if (strchr(dst, ':') != NULL)
		pk_send_l3(t, rt->jail, PK_PKT(PK_IP6(.src = src, .dst = dst),
		    PK_TCP(.sport = sport, .dport = 22, .flags = PK_TH_SYN)));
	else
		pk_send_l3(t, rt->jail, PK_PKT(PK_IP4(.src = src, .dst = dst),
		    PK_TCP(.sport = sport, .dport = 22, .flags = PK_TH_SYN)));
}

static void
route_to_check(struct pk_tc *t, struct rt *rt, const char *src,
    const char *dst, const char *other)
{
	const struct pk_dlayer *eth;
	struct pk_sniffer *sroute, *ssend;
	const struct pk_dpkt *d;
	uint8_t mac[6];
	struct pk_err err;

	sroute = pk_sniff_with(t, rt->route->a, "tcp", .dir = PK_DIR_IN);
	ssend = pk_sniff_with(t, rt->send->a, "tcp", .dir = PK_DIR_IN);
	/*
	 * The probe matches the rule; the sentinel, to another address of
	 * the same prefix, does not and takes the routing table's way.
	 */
	syn_from_jail(t, rt, src, dst, 4000);
	syn_from_jail(t, rt, src, other, 4001);
	pk_expect_none_until(t, ssend, "tcp src port 4000",
	    "tcp src port 4001", 2000);
	d = pk_expect(t, sroute, "tcp src port 4000 and tcp dst port 22",
	    2000);
	eth = pfs_layer(d, PK_PROTO_ETHER);
	ATF_REQUIRE(pk_if_mac(rt->route->a, mac, &err) == 0);
	ATF_CHECK_MSG(memcmp(eth->u.ether.dst, mac, 6) == 0,
	    "not framed for the route-to neighbour %s",
	    pfs_mac(rt->route->a));
	ATF_REQUIRE(pk_if_mac(rt->route->b, mac, &err) == 0);
	ATF_CHECK_MSG(memcmp(eth->u.ether.src, mac, 6) == 0,
	    "not framed from the route-to interface %s",
	    pfs_mac(rt->route->b));
	if (strchr(dst, ':') != NULL) {
		ATF_CHECK(pfs_ip6_is(&pfs_layer(d, PK_PROTO_IP6)->u.ip6.src,
		    src));
		ATF_CHECK(pfs_ip6_is(&pfs_layer(d, PK_PROTO_IP6)->u.ip6.dst,
		    dst));
	} else {
		ATF_CHECK(pfs_ip4_is(&pfs_layer(d, PK_PROTO_IP4)->u.ip4.src,
		    src));
		ATF_CHECK(pfs_ip4_is(&pfs_layer(d, PK_PROTO_IP4)->u.ip4.dst,
		    dst));
	}
	ATF_CHECK_EQ(pfs_layer(d, PK_PROTO_TCP)->cksum, PK_CKSUM_OK);
}

PK_TC_CONF(route_to_sends_out_other_interface_v4, "a route-to rule "
    "sends the jail's own packets out of the route-to interface, to the "
    "route-to neighbour, not where its routing table says",
    .require_progs = "nft");
PK_TC_BODY(route_to_sends_out_other_interface_v4, t)
{
	struct rt rt;

	rt_setup(t, &rt, 0);
	pfs_fw(t, rt.jail,
	    "table netdev pr {\n"
	    "  chain egr { type filter hook egress device \"%1$s\" "
	    "priority 0;\n"
	    "    ip saddr 192.0.2.2 ip daddr 198.51.100.1 "
	    "ether saddr set %3$s ether daddr set %4$s fwd to \"%2$s\"\n"
	    "  }\n"
	    "}\n",
	    "block all\n"
	    "pass user 2\n"
	    "pass out on %1$s route-to (%2$s 203.0.113.1) from 192.0.2.2 to "
	    "198.51.100.1 no state\n"
	    "# 203.0.113.1 is at %4$s; %2$s is %3$s\n",
	    pk_if_name(rt.send->b), pk_if_name(rt.route->b),
	    pfs_mac(rt.route->b), pfs_mac(rt.route->a));
	route_to_check(t, &rt, "192.0.2.2", "198.51.100.1", "198.51.100.2");
}

PK_TC_CONF(route_to_sends_out_other_interface_v6, "a route-to rule "
    "sends the jail's own IPv6 packets out of the route-to interface, to "
    "the route-to neighbour", .require_progs = "nft");
PK_TC_BODY(route_to_sends_out_other_interface_v6, t)
{
	struct rt rt;

	rt_setup(t, &rt, 1);
	pfs_fw(t, rt.jail,
	    "table netdev pr {\n"
	    "  chain egr { type filter hook egress device \"%1$s\" "
	    "priority 0;\n"
	    "    ip6 saddr 2001:db8:42::2 ip6 daddr 2001:db8:666::1 "
	    "ether saddr set %3$s ether daddr set %4$s fwd to \"%2$s\"\n"
	    "  }\n"
	    "}\n",
	    "block all\n"
	    "pass user 2\n"
	    "pass out on %1$s route-to (%2$s 2001:db8:43::1) from "
	    "2001:db8:42::2 to 2001:db8:666::1 no state\n"
	    "# 2001:db8:43::1 is at %4$s; %2$s is %3$s\n",
	    pk_if_name(rt.send->b), pk_if_name(rt.route->b),
	    pfs_mac(rt.route->b), pfs_mac(rt.route->a));
	route_to_check(t, &rt, "2001:db8:42::2", "2001:db8:666::1",
	    "2001:db8:666::2");
}

PK_TC_CONF(route_to_decrements_ttl, "forwarding by route-to decrements "
    "the TTL: an echo request with TTL 1 does not get through",
    .require_progs = "nft");
PK_TC_BODY(route_to_decrements_ttl, t)
{
	struct pk_epair *one, *two;
	struct pk_vnet *jail, *srv;
	struct pk_sniffer *s, *far;
	const struct pk_dpkt *d;
	int i;

	jail = pk_vnet(t, "alcatraz");
	srv = pk_vnet(t, "singsing");
	one = pk_epair(t, jail, NULL);
	two = pk_epair(t, jail, srv);
	pk_addr(t, one->b, "192.0.2.2/24");
	pk_addr(t, one->a, "192.0.2.1/24");
	pk_addr(t, two->a, "198.51.100.1/24");
	pk_addr(t, two->b, "198.51.100.2/24");
	pk_forwarding(t, jail);
	pk_route(t, NULL, "default", "192.0.2.1");
	pk_route(t, srv, "default", "198.51.100.1");
	for (i = 1; i <= 3; i++)
		pfs_echo(t, one->b, "198.51.100.2", 1, i);

	pfs_fw(t, jail,
	    "table netdev pr {\n"
	    "  chain ing { type filter hook ingress device \"%1$s\" "
	    "priority 0;\n"
	    "    ip daddr != 192.0.2.1 fwd ip to 198.51.100.2 device "
	    "\"%2$s\"\n"
	    "  }\n"
	    "}\n",
	    "pass out\n"
	    "pass in on %1$s route-to (%2$s 198.51.100.2)\n",
	    pk_if_name(one->a), pk_if_name(two->a));
	far = pk_sniff_with(t, two->b, "icmp[icmptype] == icmp-echo",
	    .dir = PK_DIR_IN);
	for (i = 1; i <= 3; i++) {
		pfs_echo(t, one->b, "198.51.100.2", 2, i);
		d = pk_expect(t, far, "icmp[4:2] == 2", 2000);
		ATF_CHECK_EQ(pfs_layer(d, PK_PROTO_IP4)->u.ip4.ttl, 63);
	}

	/*
	 * TTL 1: it must not reach singsing, nor be answered.  pf's
	 * route-to answers with time exceeded, as forwarding does; nft's
	 * fwd drops the packet without a word.
	 */
	s = pk_sniff_with(t, one->b, "icmp", .dir = PK_DIR_IN);
	pk_send(t, one->b, PK_PKT(PK_IP4(.dst = "198.51.100.2", .ttl = 1),
	    PK_ICMP4_ECHO(.id = 3, .seq = 1)));
	pfs_echo_send(t, one->b, NULL, "198.51.100.2", 4, 1);
	pk_expect_none_until(t, far, "icmp[4:2] == 3", "icmp[4:2] == 4",
	    2000);
	pfs_echo_send(t, one->b, NULL, "198.51.100.2", 5, 1);
	pk_expect_none_until(t, s, "icmp[icmptype] == icmp-timxceed or "
	    "(icmp[icmptype] == icmp-echoreply and icmp[4:2] == 3)",
	    pfs_echo_reply_filter("", 5), 2000);
}

PK_TC_CONF(reply_to_sends_replies_back_where_they_came_from, "replies of "
    "a connection that came in on one_a go back out of one_a to the "
    "reply-to neighbour, not by the default route",
    .require_progs = "nft");
PK_TC_BODY(reply_to_sends_replies_back_where_they_came_from, t)
{
	const struct pk_dlayer *ip;
	struct pk_epair *one, *two;
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_vnet *jail;
	struct pk_err err;
	uint8_t mac[6];
	int i;

	jail = pk_vnet(t, "alcatraz");
	one = pk_epair(t, jail, NULL);
	two = pk_epair(t, jail, NULL);
	pk_addr(t, one->b, "192.0.2.2/24");
	pk_addr(t, one->a, "192.0.2.1/24");
	pk_addr(t, two->a, "198.51.100.1/24");
	pk_neigh(t, two->a, "198.51.100.254", "02:00:00:00:00:fe");
	pk_route(t, jail, "default", "198.51.100.254");
	pfs_fw(t, jail,
	    "table ip f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    iifname \"%1$s\" ip daddr 192.0.2.0/24 ct state new "
	    "ct mark set 1 accept\n"
	    "  }\n"
	    "  chain o { type filter hook output priority 0;\n"
	    "    ct mark 1 meta mark set 1\n"
	    "  }\n"
	    "}\n"
	    "table netdev pr {\n"
	    "  chain egr { type filter hook egress device \"%2$s\" "
	    "priority 0;\n"
	    "    meta mark 1 ether saddr set %3$s ether daddr set %4$s "
	    "fwd to \"%1$s\"\n"
	    "  }\n"
	    "}\n",
	    "# without reply-to, replies leave by %2$s (the default route)\n"
	    "# 192.0.2.2 is at %4$s; %1$s is %3$s\n"
	    "set state-policy if-bound\n"
	    "block\n"
	    "pass in on %1$s reply-to (%1$s 192.0.2.2) inet from any to "
	    "192.0.2.0/24 keep state\n",
	    pk_if_name(one->a), pk_if_name(two->a), pfs_mac(one->a),
	    pfs_mac(one->b));

	for (i = 1; i <= 3; i++)
		pfs_echo(t, one->b, "192.0.2.1", 1, i);
	/*
	 * From an address that is not on the link: the routing table
	 * sends the reply to the default gateway; reply-to sends it back.
	 * Twice with the same identifier: one state.
	 */
	s = pk_sniff_with(t, one->b, "icmp", .dir = PK_DIR_IN);
	for (i = 1; i <= 2; i++) {
		pfs_echo_send(t, one->b, "203.0.113.2", "192.0.2.1", 2, i);
		d = pk_expect(t, s, pfs_echo_reply_filter("", 2), 2000);
		ATF_REQUIRE(pk_if_mac(one->b, mac, &err) == 0);
		ATF_CHECK(memcmp(pfs_layer(d, PK_PROTO_ETHER)->u.ether.dst,
		    mac, 6) == 0);
		ip = pfs_layer(d, PK_PROTO_IP4);
		ATF_CHECK(pfs_ip4_is(&ip->u.ip4.src, "192.0.2.1"));
		ATF_CHECK(pfs_ip4_is(&ip->u.ip4.dst, "203.0.113.2"));
	}
	pk_fw_expect_count(t, jail, 1, .src = "203.0.113.2",
	    .proto = IPPROTO_ICMP, .label = "0x1");
}

PK_TC_CONF(route_to_egress_fwd_frames_for_neighbour, "Linux: nft's "
    "\"fwd ip to ADDR device DEV\" on an egress hook frames the packet "
    "for ADDR's MAC (it does not: expected failure)",
    .require_progs = "nft");
PK_TC_BODY(route_to_egress_fwd_frames_for_neighbour, t)
{
	struct pk_sniffer *sroute;
	const struct pk_dpkt *d;
	struct pk_err err;
	uint8_t mac[6];
	struct rt rt;

	rt_setup(t, &rt, 0);
	pfs_fw(t, rt.jail,
	    "table netdev pr {\n"
	    "  chain egr { type filter hook egress device \"%1$s\" "
	    "priority 0;\n"
	    "    ip saddr 192.0.2.2 ip daddr 198.51.100.1 "
	    "fwd ip to 203.0.113.1 device \"%2$s\"\n"
	    "  }\n"
	    "}\n",
	    "pass out on %1$s route-to (%2$s 203.0.113.1) from 192.0.2.2 to "
	    "198.51.100.1 no state\n",
	    pk_if_name(rt.send->b), pk_if_name(rt.route->b));
	/*
	 * The frame leaves by the right interface but keeps the link
	 * header made for the routing table's next hop (send_b to
	 * send_a): the neighbour resolved for 203.0.113.1 is not used.
	 * On ingress the same statement frames correctly (see
	 * route_to_decrements_ttl).
	 */
	sroute = pk_sniff_with(t, rt.route->a, "tcp", .dir = PK_DIR_IN);
	syn_from_jail(t, &rt, "192.0.2.2", "198.51.100.1", 4000);
	d = pk_expect(t, sroute, "tcp src port 4000", 2000);
	ATF_REQUIRE(pk_if_mac(rt.route->a, mac, &err) == 0);
	atf_tc_expect_fail("Linux 6.18: nft fwd with a neighbour address on "
	    "the egress hook keeps the frame's old link header");
	ATF_REQUIRE_MSG(memcmp(pfs_layer(d, PK_PROTO_ETHER)->u.ether.dst, mac,
	    6) == 0, "framed for %02x:%02x:%02x:%02x:%02x:%02x, not for the "
	    "neighbour %s", d->buf[0], d->buf[1], d->buf[2], d->buf[3],
	    d->buf[4], d->buf[5], pfs_mac(rt.route->a));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, route_to_sends_out_other_interface_v4);
	ATF_TP_ADD_TC(tp, route_to_sends_out_other_interface_v6);
	ATF_TP_ADD_TC(tp, route_to_egress_fwd_frames_for_neighbour);
	ATF_TP_ADD_TC(tp, route_to_decrements_ttl);
	ATF_TP_ADD_TC(tp, reply_to_sends_replies_back_where_they_came_from);
	return (atf_no_error());
}
