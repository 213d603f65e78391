/*
 * send_test: sending on real vnets, next-hop resolution, and answers
 * to probes.
 */
#include <sys/socket.h>

#include <errno.h>
#include <netinet/in.h>

#include "wiretest.h"

PK_TC(echo_v4_gets_reply, "an ICMP echo request to a vnet gets its reply, "
    "with the request's id and sequence number");
PK_TC_BODY(echo_v4_gets_reply, t)
{
	const struct pk_dlayer *ip, *ic;
	const struct pk_dpkt *d;
	struct pk_topo topo;

	wt_stderr_capture();
	pk_topo_pair(t, &topo);
	d = pk_ping(t, topo.client_if, topo.server4);
	ip = wt_layer(d, PK_PROTO_IP4);
	ic = wt_layer(d, PK_PROTO_ICMP4);
	ATF_CHECK(wt_ip4_is(&ip->u.ip4.src, topo.server4));
	ATF_CHECK(wt_ip4_is(&ip->u.ip4.dst, topo.client4));
	ATF_CHECK_EQ(ic->u.icmp.type, 0);
	ATF_CHECK_EQ(ic->cksum, PK_CKSUM_OK);
	/* Each ping has a sequence number of its own. */
	d = pk_ping(t, topo.client_if, topo.server4);
	ATF_CHECK((pk_dpkt_find(d, PK_PROTO_ICMP4, 0)->u.icmp.rest &
	    0xffff) == ((ic->u.icmp.rest + 1) & 0xffff));
	wt_stderr_empty();
}

PK_TC(echo_v6_gets_reply, "an ICMPv6 echo request to a vnet gets its "
    "reply, after neighbour discovery");
PK_TC_BODY(echo_v6_gets_reply, t)
{
	const struct pk_dlayer *ip, *ic;
	const struct pk_dpkt *d;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	d = pk_ping(t, topo.client_if, topo.server6);
	ip = wt_layer(d, PK_PROTO_IP6);
	ic = wt_layer(d, PK_PROTO_ICMP6);
	ATF_CHECK(wt_ip6_is(&ip->u.ip6.src, topo.server6));
	ATF_CHECK(wt_ip6_is(&ip->u.ip6.dst, topo.client6));
	ATF_CHECK_EQ(ic->u.icmp.type, 129);
	ATF_CHECK_EQ(ic->cksum, PK_CKSUM_OK);
}

PK_TC(echo_through_router, "echo requests cross a router in v4 and v6; "
    "the frames go to the router's MAC");
PK_TC_BODY(echo_through_router, t)
{
	const struct pk_dlayer *eth;
	struct pk_sniffer *s;
	const struct pk_dpkt *d;
	struct pk_topo topo;
	struct pk_err err;
	uint8_t mac[6];

	pk_topo_router(t, &topo);
	s = pk_sniff_with(t, topo.router_in, "icmp or icmp6",
	    .dir = PK_DIR_IN);
	d = pk_ping(t, topo.client_if, topo.server4);
	ATF_CHECK(wt_ip4_is(&wt_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    topo.server4));
	ATF_CHECK_EQ(wt_layer(d, PK_PROTO_IP4)->u.ip4.ttl, 63);
	d = pk_ping(t, topo.client_if, topo.server6);
	ATF_CHECK_EQ(wt_layer(d, PK_PROTO_IP6)->u.ip6.hlim, 63);
	ATF_REQUIRE(pk_if_mac(topo.router_in, mac, &err) == 0);
	d = pk_expect(t, s, "icmp[icmptype] == icmp-echo", 1000);
	eth = wt_layer(d, PK_PROTO_ETHER);
	ATF_CHECK(memcmp(eth->u.ether.dst, mac, 6) == 0);
	ATF_CHECK(wt_ip4_is(&wt_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    topo.client4));
}

PK_TC(syn_to_closed_port_gets_rst, "a SYN to a port nobody listens on is "
    "answered with a RST acknowledging it, in v4 and v6");
PK_TC_BODY(syn_to_closed_port_gets_rst, t)
{
	const struct pk_dlayer *tcp;
	const struct pk_dpkt *d;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	d = pk_request(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4),
	    PK_TCP(.sport = 40000, .dport = 9, .seq = 1000,
	    .flags = PK_TH_SYN)), 1000);
	tcp = wt_layer(d, PK_PROTO_TCP);
	ATF_CHECK(tcp->u.tcp.flags & PK_TH_RST);
	ATF_CHECK_EQ(tcp->u.tcp.ack, 1001);
	ATF_CHECK_EQ(tcp->u.tcp.sport, 9);
	ATF_CHECK_EQ(tcp->u.tcp.dport, 40000);
	d = pk_request(t, topo.client_if, PK_PKT(PK_IP6(.dst = topo.server6),
	    PK_TCP(.sport = 40001, .dport = 9, .seq = 7,
	    .flags = PK_TH_SYN)), 1000);
	tcp = wt_layer(d, PK_PROTO_TCP);
	ATF_CHECK(tcp->u.tcp.flags & PK_TH_RST);
	ATF_CHECK_EQ(tcp->u.tcp.ack, 8);
}

static int
listen_in(void *arg)
{
	struct sockaddr_in sin;
	int *fdp, on;

	fdp = arg;
	if ((*fdp = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return (-1);
	on = 1;
	(void)setsockopt(*fdp, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(7777);
	if (bind(*fdp, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(*fdp, 4) != 0)
		return (-1);
	return (0);
}

PK_TC(syn_to_listener_gets_synack, "a SYN to a listening port is answered "
    "with a SYN-ACK acknowledging it");
PK_TC_BODY(syn_to_listener_gets_synack, t)
{
	const struct pk_dlayer *tcp;
	const struct pk_dpkt *d;
	struct pk_topo topo;
	struct pk_err err;
	int fd;

	pk_topo_pair(t, &topo);
	fd = -1;
	ATF_REQUIRE_MSG(pk_vnet_enter_do(topo.server, listen_in, &fd,
	    &err) == 0, "%s", err.msg);
	d = pk_request(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4),
	    PK_TCP(.sport = 40000, .dport = 7777, .seq = 5000,
	    .flags = PK_TH_SYN)), 1000);
	tcp = wt_layer(d, PK_PROTO_TCP);
	ATF_CHECK_EQ(tcp->u.tcp.flags & (PK_TH_SYN | PK_TH_ACK),
	    PK_TH_SYN | PK_TH_ACK);
	ATF_CHECK_EQ(tcp->u.tcp.ack, 5001);
	close(fd);
}

PK_TC(udp_to_closed_port_gets_icmp_error, "a UDP datagram to a closed "
    "port gets an ICMP error quoting it, in v4 and v6, through a router");
PK_TC_BODY(udp_to_closed_port_gets_icmp_error, t)
{
	const struct pk_dlayer *ic, *inner;
	const struct pk_dpkt *d;
	struct pk_topo topo;

	pk_topo_router(t, &topo);
	d = pk_request(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4,
	    .id = 4242), PK_UDP(.sport = 5000, .dport = 9), PK_STR("x")), 1000);
	ic = wt_layer(d, PK_PROTO_ICMP4);
	ATF_CHECK_EQ(ic->u.icmp.type, 3);
	ATF_CHECK_EQ(ic->u.icmp.code, 3);
	inner = pk_dpkt_find(d, PK_PROTO_IP4, 1);
	ATF_REQUIRE(inner != NULL);
	ATF_CHECK_EQ(inner->depth, 1);
	ATF_CHECK_EQ(inner->u.ip4.id, 4242);
	d = pk_request(t, topo.client_if, PK_PKT(PK_IP6(.dst = topo.server6),
	    PK_UDP(.sport = 5001, .dport = 9), PK_STR("x")), 1000);
	ic = wt_layer(d, PK_PROTO_ICMP6);
	ATF_CHECK_EQ(ic->u.icmp.type, 1);
	ATF_CHECK_EQ(ic->u.icmp.code, 4);
	/* The router answers for an address of its own. */
	d = pk_request(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.router_out4,
	    .ttl = 1), PK_UDP(.sport = 5002, .dport = 9)), 1000);
	ATF_CHECK_EQ(wt_layer(d, PK_PROTO_ICMP4)->u.icmp.type, 3);
}

PK_TC(ttl_expiry_gets_time_exceeded, "a packet whose TTL runs out at the "
    "router comes back as time exceeded from the router");
PK_TC_BODY(ttl_expiry_gets_time_exceeded, t)
{
	const struct pk_dpkt *d;
	struct pk_topo topo;

	pk_topo_router(t, &topo);
	d = pk_request(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4,
	    .ttl = 1), PK_ICMP4_ECHO(.id = 9, .seq = 9)), 1000);
	ATF_CHECK_EQ(wt_layer(d, PK_PROTO_ICMP4)->u.icmp.type, 11);
	ATF_CHECK(wt_ip4_is(&wt_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    topo.router_in4));
}

PK_TC(frame_defaults_come_from_the_vnet, "an unset Ethernet source, "
    "destination and IP source are the interface's MAC, the neighbour's "
    "MAC and the interface's address");
PK_TC_BODY(frame_defaults_come_from_the_vnet, t)
{
	const struct pk_dlayer *eth;
	struct pk_sniffer *s;
	const struct pk_dpkt *d;
	struct pk_topo topo;
	struct pk_err err;
	uint8_t ma[6], mb[6];

	pk_topo_pair(t, &topo);
	ATF_REQUIRE(pk_if_mac(topo.client_if, ma, &err) == 0);
	ATF_REQUIRE(pk_if_mac(topo.server_if, mb, &err) == 0);
	s = pk_sniff(t, topo.server_if, "udp port 7");
	pk_send(t, topo.client_if, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    topo.server4), PK_UDP(.sport = 7, .dport = 7)));
	/* An L3 packet on an Ethernet interface is framed the same way. */
	pk_send(t, topo.client_if, PK_PKT(PK_IP6(.dst = topo.server6),
	    PK_UDP(.sport = 7, .dport = 7)));
	d = pk_expect(t, s, "ip", 1000);
	eth = wt_layer(d, PK_PROTO_ETHER);
	ATF_CHECK(memcmp(eth->u.ether.src, ma, 6) == 0);
	ATF_CHECK(memcmp(eth->u.ether.dst, mb, 6) == 0);
	ATF_CHECK(wt_ip4_is(&wt_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    topo.client4));
	d = pk_expect(t, s, "ip6", 1000);
	eth = wt_layer(d, PK_PROTO_ETHER);
	ATF_CHECK(memcmp(eth->u.ether.dst, mb, 6) == 0);
	ATF_CHECK(wt_ip6_is(&wt_layer(d, PK_PROTO_IP6)->u.ip6.src,
	    topo.client6));
}

PK_TC(unanswered_neighbour_is_an_error, "a destination nobody answers ARP "
    "for fails the send with a clear error; nothing goes to broadcast");
PK_TC_BODY(unanswered_neighbour_is_an_error, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;
	struct pk_err err;
	int rc;

	pk_topo_pair(t, &topo);
	/* Let the kernel give up after one request, 100 ms. */
	pk_sysctl(t, NULL, "net/ipv4/neigh/epair0a/mcast_solicit", "1");
	pk_sysctl(t, NULL, "net/ipv4/neigh/epair0a/retrans_time_ms", "100");
	s = pk_sniff(t, topo.server_if, NULL);
	rc = pk_wire_send(pk_wire(t), topo.client_if, PK_PKT(PK_IP4(.dst =
	    "192.0.2.99"), PK_UDP()), &err);
	ATF_CHECK_EQ(rc, -1);
	ATF_CHECK_MSG(strstr(err.msg, "no answer from 192.0.2.99") != NULL,
	    "%s", err.msg);
	/* The ARP request went out; no datagram did. */
	pk_expect(t, s, "arp[6:2] == 1 and arp[24:4] == 0xc0000263", 1000);
	pk_expect_none(t, s, "ip", 100);
}

PK_TC(l3_send_goes_through_the_stack, "an L3 packet sent from a vnet is "
    "routed by its stack, which adds the link layer");
PK_TC_BODY(l3_send_goes_through_the_stack, t)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;
	struct pk_err err;
	uint8_t mac[6];

	pk_topo_router(t, &topo);
	s = pk_sniff_with(t, topo.client_if, "icmp or icmp6",
	    .dir = PK_DIR_IN);
	pk_send_l3(t, topo.server, PK_PKT(PK_IP4(.dst = topo.client4),
	    PK_ICMP4_ECHO(.id = 77, .seq = 1)));
	pk_send_l3(t, topo.server, PK_PKT(PK_IP6(.dst = topo.client6),
	    PK_ICMP6_ECHO(.id = 78, .seq = 1)));
	d = pk_expect(t, s, "icmp[icmptype] == icmp-echo", 1000);
	ATF_CHECK(wt_ip4_is(&wt_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    topo.server4));
	ATF_CHECK_EQ(wt_layer(d, PK_PROTO_IP4)->u.ip4.ttl, 63);
	ATF_REQUIRE(pk_if_mac(topo.router_in, mac, &err) == 0);
	ATF_CHECK(memcmp(wt_layer(d, PK_PROTO_ETHER)->u.ether.src, mac,
	    6) == 0);
	d = pk_expect(t, s, "icmp6 and ip6[40] == 128", 1000);
	ATF_CHECK(wt_ip6_is(&wt_layer(d, PK_PROTO_IP6)->u.ip6.src,
	    topo.server6));
}

PK_TC(bad_input_is_refused, "a filter that does not compile, a deadline "
    "of 0, an interface of a destroyed vnet, a bad address and an L3 "
    "send of a frame each fail with a clear error");
PK_TC_BODY(bad_input_is_refused, t)
{
	const struct pk_seen *sn;
	struct pk_sniffer *s, *x;
	struct pk_topo topo;
	struct pk_err err;
	struct pk_vnet *gone;
	struct pk_epair *ep;
	struct pk_wire *w;

	pk_topo_pair(t, &topo);
	w = pk_wire(t);
	ATF_CHECK_EQ(pk_sniff_open(w, topo.client_if, "ip and and", NULL, &x,
	    &err), -1);
	ATF_CHECK_MSG(strstr(err.msg, "filter 'ip and and'") != NULL &&
	    strstr(err.msg, "syntax error") != NULL, "%s", err.msg);
	s = pk_sniff(t, topo.client_if, NULL);
	ATF_CHECK_EQ(pk_sniff_expect(s, "icmp", NULL, NULL, 0, &sn, &err),
	    -1);
	ATF_CHECK_MSG(strstr(err.msg, "deadline of 0 ms") != NULL, "%s",
	    err.msg);
	ATF_CHECK_EQ(pk_sniff_expect(s, "tcp port", NULL, NULL, 10, &sn,
	    &err), -1);
	ATF_CHECK_MSG(strstr(err.msg, "filter 'tcp port'") != NULL, "%s",
	    err.msg);
	ATF_CHECK_EQ(pk_wire_ping(w, topo.client_if, "192.0.2.300", 100, &sn,
	    &err), -1);
	ATF_CHECK_MSG(strstr(err.msg, "not an IPv4 or IPv6 address") != NULL,
	    "%s", err.msg);
	ATF_CHECK_EQ(pk_wire_send_l3(w, topo.server, PK_PKT(PK_ETHER(),
	    PK_IP4(.dst = topo.client4)), &err), -1);
	ATF_CHECK_MSG(strstr(err.msg, "must start with IPv4 or IPv6") != NULL,
	    "%s", err.msg);
	gone = pk_vnet(t, "gone");
	ep = pk_epair(t, NULL, gone);
	pk_vnet_gone(t, gone);
	ATF_CHECK_EQ(pk_sniff_open(w, ep->b, NULL, NULL, &x, &err), -1);
	ATF_CHECK_MSG(strstr(err.msg, "destroyed") != NULL, "%s", err.msg);
	ATF_CHECK_EQ(pk_wire_send(w, ep->a, PK_PKT(PK_IP4(.dst =
	    "192.0.2.1"), PK_UDP()), &err), -1);
	ATF_CHECK_MSG(strstr(err.msg, "destroyed") != NULL, "%s", err.msg);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, echo_v4_gets_reply);
	ATF_TP_ADD_TC(tp, echo_v6_gets_reply);
	ATF_TP_ADD_TC(tp, echo_through_router);
	ATF_TP_ADD_TC(tp, syn_to_closed_port_gets_rst);
	ATF_TP_ADD_TC(tp, syn_to_listener_gets_synack);
	ATF_TP_ADD_TC(tp, udp_to_closed_port_gets_icmp_error);
	ATF_TP_ADD_TC(tp, ttl_expiry_gets_time_exceeded);
	ATF_TP_ADD_TC(tp, frame_defaults_come_from_the_vnet);
	ATF_TP_ADD_TC(tp, unanswered_neighbour_is_an_error);
	ATF_TP_ADD_TC(tp, l3_send_goes_through_the_stack);
	ATF_TP_ADD_TC(tp, bad_input_is_refused);
	return (atf_no_error());
}
