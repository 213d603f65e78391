/*
 * forward_test: a router forwards an echo request, and its firewall's
 * "block in" and "block out" each stop it.
 *
 * Ports FreeBSD's tests/sys/netpfil/common/forward.sh, case v4 (run there
 * as pf_v4, ipfw_v4, ipf_v4): the host sends an echo request through the
 * jail "iron" to a static neighbour on its far side and sniffs that
 * link; the request must be seen with no firewall, and not be seen with
 * a firewall blocking inbound, then outbound, packets.
 *
 * pf's "in" and "out" are every packet a vnet receives and sends; their
 * nftables counterparts are filter chains on the prerouting and
 * postrouting hooks.  The blocking rulesets let the UDP sentinel through
 * with a rule of their own, so the absence checks end when it comes.
 */
#include "../../common/porttest.h"

static const struct pk_ruleset block_in = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain in { type filter hook prerouting priority 0;"
	    " policy drop;\n"
	    "    udp dport 9 accept; }\n"
	    "}\n",
	.pf = "block in\n"
	    "pass in proto udp to port 9\n",
};

static const struct pk_ruleset block_out = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain out { type filter hook postrouting priority 0;"
	    " policy drop;\n"
	    "    udp dport 9 accept; }\n"
	    "}\n",
	.pf = "block out\n"
	    "pass out proto udp to port 9\n",
};

static void
send_echo(struct pk_tc *t, struct pk_topo *topo)
{

	pk_send(t, topo->client_if, PK_PKT(PK_IP4(.dst = PT_DUMMY4),
	    PK_ICMP4_ECHO(.id = 0x4242, .seq = 1)));
}

PK_TC_CONF(forward_then_block_in_and_out_v4, "an echo request crosses a "
    "router without a firewall, and is stopped by 'block in' and by "
    "'block out'", .require_progs = "nft");
PK_TC_BODY(forward_then_block_in_and_out_v4, t)
{
	const struct pk_dlayer *ip;
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	pt_topo_fwd(t, &topo);
	s = pk_sniff_with(t, topo.server_if, "icmp or udp", .dir = PK_DIR_IN);

	send_echo(t, &topo);
	d = pk_expect(t, s, "icmp[icmptype] == icmp-echo", 2000);
	ip = pt_layer(d, PK_PROTO_IP4);
	ATF_CHECK(pt_ip4_is(&ip->u.ip4.src, topo.client4));
	ATF_CHECK(pt_ip4_is(&ip->u.ip4.dst, PT_DUMMY4));
	ATF_CHECK_EQ(ip->u.ip4.ttl, 63);
	ATF_CHECK(pt_mac_is(pt_layer(d, PK_PROTO_ETHER)->u.ether.dst,
	    PT_DUMMY_MAC));

	pk_fw(t, topo.router, &block_in);
	send_echo(t, &topo);
	pt_send_udp_sentinel(t, topo.client_if, PT_DUMMY4);
	pk_expect_none_until(t, s, "icmp", PT_UDP_SENTINEL, 2000);

	pk_fw(t, topo.router, &block_out);
	send_echo(t, &topo);
	pt_send_udp_sentinel(t, topo.client_if, PT_DUMMY4);
	pk_expect_none_until(t, s, "icmp", PT_UDP_SENTINEL, 2000);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, forward_then_block_in_and_out_v4);
	return (atf_no_error());
}
