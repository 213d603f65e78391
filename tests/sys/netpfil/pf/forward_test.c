/*
 * forward_test: which rules let a forwarded echo request through a
 * router, in IPv4 and IPv6.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/forward.sh, cases v4 and v6: the
 * host sends echo requests through the jail "alcatraz" to a static
 * neighbour on its far side, and sniffs that link, under a sequence of
 * rulesets.  v4: no firewall (seen), "block in" (not seen), "block out"
 * (not seen), "block in" with "pass in proto icmp" (seen).  v6: blocking
 * echo requests in, then out (not seen); "block out" with "pass out
 * inet6 proto icmp6" (seen); and a pass for ICMPv4 does not pass ICMPv6
 * (not seen).
 *
 * pf's "in" and "out" are every packet a vnet receives and sends; their
 * nftables counterparts are filter chains on the prerouting and
 * postrouting hooks.  Rulesets that block everything let the UDP
 * sentinel through with a rule of their own.
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

static const struct pk_ruleset block_in_pass_icmp = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain in { type filter hook prerouting priority 0;"
	    " policy drop;\n"
	    "    ip protocol icmp accept; }\n"
	    "}\n",
	.pf = "block in\n"
	    "pass in proto icmp\n",
};

static const struct pk_ruleset block_in_echo6 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain in { type filter hook prerouting priority 0;\n"
	    "    icmpv6 type echo-request drop; }\n"
	    "}\n",
	.pf = "block in inet6 proto icmp6 icmp6-type echoreq\n",
};

static const struct pk_ruleset block_out_echo6 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain out { type filter hook postrouting priority 0;\n"
	    "    icmpv6 type echo-request drop; }\n"
	    "}\n",
	.pf = "block out inet6 proto icmp6 icmp6-type echoreq\n",
};

static const struct pk_ruleset block_out_pass_icmp6 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain out { type filter hook postrouting priority 0;"
	    " policy drop;\n"
	    "    meta l4proto ipv6-icmp accept; }\n"
	    "}\n",
	.pf = "block out\n"
	    "pass out inet6 proto icmp6\n",
};

static const struct pk_ruleset block_out_echo6_pass_icmp4 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain in { type filter hook prerouting priority 0;\n"
	    "    ip protocol icmp accept; }\n"
	    "  chain out { type filter hook postrouting priority 0;\n"
	    "    icmpv6 type echo-request drop; }\n"
	    "}\n",
	.pf = "block out inet6 proto icmp6 icmp6-type echoreq\n"
	    "pass in proto icmp\n",
};

/* Send an echo request to the dummy neighbour of dst's family. */
static void
send_echo(struct pk_tc *t, struct pk_topo *topo, int v6, int seq)
{

	if (v6)
		pk_send(t, topo->client_if, PK_PKT(PK_IP6(.dst = PT_DUMMY6),
		    PK_ICMP6_ECHO(.id = 0x4242, .seq = seq)));
	else
		pk_send(t, topo->client_if, PK_PKT(PK_IP4(.dst = PT_DUMMY4),
		    PK_ICMP4_ECHO(.id = 0x4242, .seq = seq)));
}

/* The echo request with sequence number seq shows on the far link. */
static void
expect_forwarded(struct pk_tc *t, struct pk_sniffer *s, int v6, int seq)
{
	const struct pk_dlayer *l;
	const struct pk_dpkt *d;
	char f[96];

	if (v6) {
		snprintf(f, sizeof(f), "icmp6 and ip6[40] == 128 and "
		    "ip6[46:2] == %d", seq);
		d = pk_expect(t, s, f, 2000);
		l = pt_layer(d, PK_PROTO_IP6);
		ATF_CHECK(pt_ip6_is(&l->u.ip6.dst, PT_DUMMY6));
		ATF_CHECK_EQ(l->u.ip6.hlim, 63);
	} else {
		snprintf(f, sizeof(f), "icmp[icmptype] == icmp-echo and "
		    "icmp[6:2] == %d", seq);
		d = pk_expect(t, s, f, 2000);
		l = pt_layer(d, PK_PROTO_IP4);
		ATF_CHECK(pt_ip4_is(&l->u.ip4.dst, PT_DUMMY4));
		ATF_CHECK_EQ(l->u.ip4.ttl, 63);
	}
	ATF_CHECK(pt_mac_is(pt_layer(d, PK_PROTO_ETHER)->u.ether.dst,
	    PT_DUMMY_MAC));
}

/* The echo request with sequence number seq does not cross the router. */
static void
expect_blocked(struct pk_tc *t, struct pk_topo *topo, struct pk_sniffer *s,
    int v6, int seq)
{

	send_echo(t, topo, v6, seq);
	pt_send_udp_sentinel(t, topo->client_if, v6 ? PT_DUMMY6 : PT_DUMMY4);
	pk_expect_none_until(t, s, v6 ? "icmp6 and ip6[40] == 128" :
	    "icmp[icmptype] == icmp-echo", PT_UDP_SENTINEL, 2000);
}

PK_TC_CONF(block_in_out_then_pass_icmp_v4, "a forwarded echo request is "
    "stopped by 'block in' and 'block out', and let through by 'pass in "
    "proto icmp'", .require_progs = "nft");
PK_TC_BODY(block_in_out_then_pass_icmp_v4, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pt_topo_fwd(t, &topo);
	s = pk_sniff_with(t, topo.server_if, "icmp or udp", .dir = PK_DIR_IN);

	/* Sanity: forwarded without a firewall. */
	send_echo(t, &topo, 0, 1);
	expect_forwarded(t, s, 0, 1);

	pk_fw(t, topo.router, &block_in);
	expect_blocked(t, &topo, s, 0, 2);

	pk_fw(t, topo.router, &block_out);
	expect_blocked(t, &topo, s, 0, 3);

	pk_fw(t, topo.router, &block_in_pass_icmp);
	send_echo(t, &topo, 0, 4);
	expect_forwarded(t, s, 0, 4);
}

PK_TC_CONF(block_echo6_in_out_pass_icmp6_v6, "a forwarded ICMPv6 echo "
    "request is stopped by blocking echo requests in or out, let through "
    "by passing icmp6 out, and not by passing ICMPv4",
    .require_progs = "nft");
PK_TC_BODY(block_echo6_in_out_pass_icmp6_v6, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pt_topo_fwd(t, &topo);
	s = pk_sniff_with(t, topo.server_if, "icmp6 or udp",
	    .dir = PK_DIR_IN);

	send_echo(t, &topo, 1, 1);
	expect_forwarded(t, s, 1, 1);

	pk_fw(t, topo.router, &block_in_echo6);
	expect_blocked(t, &topo, s, 1, 2);

	pk_fw(t, topo.router, &block_out_echo6);
	expect_blocked(t, &topo, s, 1, 3);

	pk_fw(t, topo.router, &block_out_pass_icmp6);
	send_echo(t, &topo, 1, 4);
	expect_forwarded(t, s, 1, 4);

	/* Passing ICMPv4 is not passing ICMPv6. */
	pk_fw(t, topo.router, &block_out_echo6_pass_icmp4);
	expect_blocked(t, &topo, s, 1, 5);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, block_in_out_then_pass_icmp_v4);
	ATF_TP_ADD_TC(tp, block_echo6_in_out_pass_icmp6_v6);
	return (atf_no_error());
}
