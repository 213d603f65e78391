/*
 * pass_block_test: a firewall in a vnet blocks, then passes, echo
 * requests addressed to it.
 *
 * Ports FreeBSD's tests/sys/netpfil/common/pass_block.sh, cases v4 and v6
 * (run there as pf_v4, ipfw_v4, ...): the host pings a jail whose
 * firewall first has "block in", then "pass in"; the ping must fail,
 * then succeed.  Here the ruleset is given for pf and nftables, the echo
 * is crafted (not ping(8)), and the blocked phase ends on a sentinel
 * instead of a one-second timeout.
 */
#include "../../common/porttest.h"

/*
 * nftables' inet family sees no ARP, and pf filters none: ARP resolution
 * keeps working under "block in", as on FreeBSD.  IPv6 needs neighbour
 * discovery let through explicitly, or the echo would fail for the wrong
 * reason (no neighbour); the pf text says the same.
 */
static const struct pk_ruleset block_in4 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop; }\n"
	    "}\n",
	.pf = "block in\n",
};

static const struct pk_ruleset block_in6 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert }"
	    " accept; }\n"
	    "}\n",
	.pf = "block in\n"
	    "pass in inet6 proto icmp6 icmp6-type { neighbrsol, neighbradv }\n",
};

static const struct pk_ruleset pass_in = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy accept; }\n"
	    "}\n",
	.pf = "pass in\n",
};

PK_TC_CONF(block_then_pass_echo_v4, "an IPv4 echo request gets no reply "
    "under 'block in' and a reply under 'pass in'",
    .require_progs = "nft");
PK_TC_BODY(block_then_pass_echo_v4, t)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	s = pk_sniff_with(t, topo.client_if, "icmp or arp", .dir = PK_DIR_IN);

	pk_fw(t, topo.server, &block_in4);
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4),
	    PK_ICMP4_ECHO(.id = 0x4242, .seq = 1)));
	pt_send_arp_request(t, topo.client_if, topo.client4, topo.server4);
	pk_expect_none_until(t, s, "icmp", PT_ARP_REPLY, 2000);

	pk_fw(t, topo.server, &pass_in);
	d = pk_ping(t, topo.client_if, topo.server4);
	ATF_CHECK(pt_ip4_is(&pt_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    topo.server4));
	ATF_CHECK_EQ(pt_layer(d, PK_PROTO_ICMP4)->u.icmp.type, 0);
}

PK_TC_CONF(block_then_pass_echo_v6, "an ICMPv6 echo request gets no reply "
    "under 'block in' (neighbour discovery still passing) and a reply "
    "under 'pass in'", .require_progs = "nft");
PK_TC_BODY(block_then_pass_echo_v6, t)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	s = pk_sniff_with(t, topo.client_if, "icmp6", .dir = PK_DIR_IN);

	pk_fw(t, topo.server, &block_in6);
	pk_send(t, topo.client_if, PK_PKT(PK_IP6(.dst = topo.server6),
	    PK_ICMP6_ECHO(.id = 0x4242, .seq = 1)));
	pt_send_ns(t, topo.client_if, topo.client6, topo.server6);
	pk_expect_none_until(t, s, "icmp6 and ip6[40] == 129", PT_NA, 2000);

	pk_fw(t, topo.server, &pass_in);
	d = pk_ping(t, topo.client_if, topo.server6);
	ATF_CHECK(pt_ip6_is(&pt_layer(d, PK_PROTO_IP6)->u.ip6.src,
	    topo.server6));
	ATF_CHECK_EQ(pt_layer(d, PK_PROTO_ICMP6)->u.icmp.type, 129);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, block_then_pass_echo_v4);
	ATF_TP_ADD_TC(tp, block_then_pass_echo_v6);
	return (atf_no_error());
}
