/*
 * scrub_test: normalisation of forwarded packets on one interface:
 * setting the TOS (traffic class), raising a low TTL (hop limit), and
 * clamping the TCP MSS with the option aligned and unaligned; and a rule
 * that exempts a destination from all of it.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/scrub.sh (the same cases exist in
 * scrub_pass.sh with "pass ... set" rules): a tester sends through a
 * router to a static neighbour on its far side, and the router has
 * "scrub on <tester's link> ..." rules.
 *   set_tos_v4/v6	set-tos 0x42: TOS (traffic class) 0 arrives as 66
 *   min_ttl_v4/v6	min-ttl 50: a SYN sent with TTL 40 arrives with 49
 *   max_mss_v4/v6	max-mss 1300: a SYN with MSS 1400 arrives with 1300
 *			and a correct checksum, whether the MSS option is
 *			aligned or not
 *   no_scrub_v4/v6	"no scrub" to the destination first: TOS stays 0
 *			(the original asserts nothing here, see below)
 *
 * nftables equivalents: DSCP CS2 with ECN ECT(0) is TOS 0x42; the TTL is
 * raised in prerouting, before forwarding decrements it (in the forward
 * chain it would arrive as 50); the MSS is set with "tcp option maxseg
 * size set".  Linux corrupts the TCP checksum when that option sits at
 * an odd offset (its incremental update of nft_exthdr assumes an even
 * one): the unaligned cases are expected failures until that is fixed.
 *
 * FreeBSD's no_scrub cases pass --expect-tc=0, which pft_ping takes as
 * "no check", and their second rule never reaches pfctl (a missing
 * backslash); the port loads both rules and checks the TOS is still 0.
 */
#include "../../common/porttest.h"

#define	UNALIGNED_MSS_BUG						\
	"Linux nft_exthdr: setting a TCP option at an odd offset "	\
	"leaves a wrong TCP checksum"

static const struct pk_ruleset rs_set_tos = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain pre { type filter hook prerouting priority 0;\n"
	    "    iifname \"@IF@\" ip dscp set cs2 ip ecn set ect0;\n"
	    "    iifname \"@IF@\" ip6 dscp set cs2 ip6 ecn set ect0; }\n"
	    "}\n",
	.pf = "scrub on @IF@ set-tos 0x42\n",
};

static const struct pk_ruleset rs_min_ttl = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain pre { type filter hook prerouting priority -150;\n"
	    "    iifname \"@IF@\" ip ttl < 50 ip ttl set 50;\n"
	    "    iifname \"@IF@\" ip6 hoplimit < 50 ip6 hoplimit set 50; }\n"
	    "}\n",
	.pf = "scrub on @IF@ min-ttl 50\n",
};

static const struct pk_ruleset rs_max_mss = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain fw { type filter hook forward priority 0;\n"
	    "    iifname \"@IF@\" tcp flags syn tcp option maxseg size > 1300"
	    " tcp option maxseg size set 1300; }\n"
	    "}\n",
	.pf = "scrub on @IF@ max-mss 1300\n",
};

static const struct pk_ruleset rs_no_scrub = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain pre { type filter hook prerouting priority 0;\n"
	    "    iifname \"@IF@\" ip daddr " PT_DUMMY4 " accept;\n"
	    "    iifname \"@IF@\" ip6 daddr " PT_DUMMY6 " accept;\n"
	    "    iifname \"@IF@\" ip dscp set cs2 ip ecn set ect0;\n"
	    "    iifname \"@IF@\" ip6 dscp set cs2 ip6 ecn set ect0; }\n"
	    "}\n",
	.pf = "no scrub on @IF@ to { " PT_DUMMY4 ", " PT_DUMMY6 " }\n"
	    "scrub on @IF@ set-tos 0x42\n",
};

/*
 * The router with rs on its tester-side interface, and a sniffer on the
 * far link for what is sent to the dummy neighbour of the family.
 */
static struct pk_sniffer *
setup(struct pk_tc *t, struct pk_topo *topo, const struct pk_ruleset *rs,
    int v6)
{

	pt_topo_fwd(t, topo);
	pt_fw_on(t, topo->router, rs, topo->router_in);
	return (pk_sniff_with(t, topo->server_if, v6 ?
	    "ip6 dst host " PT_DUMMY6 : "ip dst host " PT_DUMMY4,
	    .dir = PK_DIR_IN));
}

static const char *
dummy(int v6)
{

	return (v6 ? PT_DUMMY6 : PT_DUMMY4);
}

/* The TOS or traffic class of d. */
static int
tc_of(const struct pk_dpkt *d, int v6)
{

	return (v6 ? pt_layer(d, PK_PROTO_IP6)->u.ip6.tc :
	    pt_layer(d, PK_PROTO_IP4)->u.ip4.tos);
}

static void
check_ip_cksum(const struct pk_dpkt *d, int v6)
{

	if (!v6)
		ATF_CHECK_EQ(pt_layer(d, PK_PROTO_IP4)->cksum, PK_CKSUM_OK);
}

/* set_tos_v4 sends an echo request (as the original); v6 a SYN. */
static void
check_set_tos(struct pk_tc *t, int v6, const struct pk_ruleset *rs, int expect)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	s = setup(t, &topo, rs, v6);
	if (v6) {
		pt_send_syn(t, topo.client_if, &(struct pt_syn){
		    .dst = PT_DUMMY6, .mss = 1280 });
		d = pk_expect(t, s, PT_SYN(v6), 2000);
		ATF_CHECK_EQ(pt_layer(d, PK_PROTO_TCP)->cksum, PK_CKSUM_OK);
	} else {
		pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = PT_DUMMY4),
		    PK_ICMP4_ECHO(.id = 0x4242, .seq = 1)));
		d = pk_expect(t, s, "icmp[icmptype] == icmp-echo", 2000);
	}
	ATF_CHECK_EQ_MSG(tc_of(d, v6), expect, "TOS %d, expected %d",
	    tc_of(d, v6), expect);
	check_ip_cksum(d, v6);
}

static void
check_min_ttl(struct pk_tc *t, int v6)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;
	int hlim;

	s = setup(t, &topo, &rs_min_ttl, v6);
	pt_send_syn(t, topo.client_if, &(struct pt_syn){ .dst = dummy(v6),
	    .hlim = 40, .mss = 1280 });
	d = pk_expect(t, s, PT_SYN(v6), 2000);
	hlim = v6 ? pt_layer(d, PK_PROTO_IP6)->u.ip6.hlim :
	    pt_layer(d, PK_PROTO_IP4)->u.ip4.ttl;
	/* Raised to 50 on the way in, then decremented by forwarding. */
	ATF_CHECK_EQ_MSG(hlim, 49, "TTL %d, expected 49", hlim);
	check_ip_cksum(d, v6);
}

static void
check_max_mss(struct pk_tc *t, int v6, int unaligned)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;
	int ok;

	s = setup(t, &topo, &rs_max_mss, v6);
	pt_send_syn(t, topo.client_if, &(struct pt_syn){ .dst = dummy(v6),
	    .mss = 1400, .unaligned = unaligned });
	d = pk_expect(t, s, PT_SYN(v6), 2000);
	ATF_REQUIRE_EQ_MSG(pt_layer(d, PK_PROTO_TCP)->u.tcp.off,
	    36, "TCP header of %d bytes",
	    pt_layer(d, PK_PROTO_TCP)->u.tcp.off);
	ATF_REQUIRE_EQ_MSG(pt_mss_of(d), 1300, "MSS %d, expected 1300",
	    pt_mss_of(d));
	check_ip_cksum(d, v6);
	ok = pt_layer(d, PK_PROTO_TCP)->cksum == PK_CKSUM_OK;
	if (unaligned)
		atf_tc_expect_fail("%s", UNALIGNED_MSS_BUG);
	/* Last: under the expected failure, nothing else may fail. */
	ATF_CHECK_MSG(ok, "TCP checksum of the rewritten SYN is wrong");
}

PK_TC_CONF(set_tos_rewrites_tos_v4, "scrub set-tos 0x42 on the ingress "
    "interface: an echo request sent with TOS 0 is forwarded with TOS "
    "0x42", .require_progs = "nft");
PK_TC_BODY(set_tos_rewrites_tos_v4, t)
{

	check_set_tos(t, 0, &rs_set_tos, 0x42);
}

PK_TC_CONF(set_tos_rewrites_traffic_class_v6, "scrub set-tos 0x42 on the "
    "ingress interface: a SYN sent with traffic class 0 is forwarded with "
    "0x42", .require_progs = "nft");
PK_TC_BODY(set_tos_rewrites_traffic_class_v6, t)
{

	check_set_tos(t, 1, &rs_set_tos, 0x42);
}

PK_TC_CONF(min_ttl_raises_low_ttl_v4, "scrub min-ttl 50: a SYN sent with "
    "TTL 40 is forwarded with TTL 49", .require_progs = "nft");
PK_TC_BODY(min_ttl_raises_low_ttl_v4, t)
{

	check_min_ttl(t, 0);
}

PK_TC_CONF(min_ttl_raises_low_hop_limit_v6, "scrub min-ttl 50: a SYN "
    "sent with hop limit 40 is forwarded with hop limit 49",
    .require_progs = "nft");
PK_TC_BODY(min_ttl_raises_low_hop_limit_v6, t)
{

	check_min_ttl(t, 1);
}

PK_TC_CONF(max_mss_clamps_aligned_option_v4, "scrub max-mss 1300: a SYN "
    "with MSS 1400 (option aligned) is forwarded with 1300 and a correct "
    "checksum", .require_progs = "nft");
PK_TC_BODY(max_mss_clamps_aligned_option_v4, t)
{

	check_max_mss(t, 0, 0);
}

PK_TC_CONF(max_mss_clamps_unaligned_option_v4, "scrub max-mss 1300: a "
    "SYN with MSS 1400 at an odd offset is forwarded with 1300 and a "
    "correct checksum (expected to fail on Linux)", .require_progs = "nft");
PK_TC_BODY(max_mss_clamps_unaligned_option_v4, t)
{

	check_max_mss(t, 0, 1);
}

PK_TC_CONF(max_mss_clamps_aligned_option_v6, "scrub max-mss 1300: an IPv6 "
    "SYN with MSS 1400 (option aligned) is forwarded with 1300 and a "
    "correct checksum", .require_progs = "nft");
PK_TC_BODY(max_mss_clamps_aligned_option_v6, t)
{

	check_max_mss(t, 1, 0);
}

PK_TC_CONF(max_mss_clamps_unaligned_option_v6, "scrub max-mss 1300: an "
    "IPv6 SYN with MSS 1400 at an odd offset is forwarded with 1300 and a "
    "correct checksum (expected to fail on Linux)", .require_progs = "nft");
PK_TC_BODY(max_mss_clamps_unaligned_option_v6, t)
{

	check_max_mss(t, 1, 1);
}

PK_TC_CONF(no_scrub_exempts_destination_v4, "'no scrub' to a destination "
    "before a set-tos rule: the TOS of an echo request to it stays 0",
    .require_progs = "nft");
PK_TC_BODY(no_scrub_exempts_destination_v4, t)
{

	check_set_tos(t, 0, &rs_no_scrub, 0);
}

PK_TC_CONF(no_scrub_exempts_destination_v6, "'no scrub' to a destination "
    "before a set-tos rule: the traffic class of a SYN to it stays 0",
    .require_progs = "nft");
PK_TC_BODY(no_scrub_exempts_destination_v6, t)
{

	check_set_tos(t, 1, &rs_no_scrub, 0);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, set_tos_rewrites_tos_v4);
	ATF_TP_ADD_TC(tp, set_tos_rewrites_traffic_class_v6);
	ATF_TP_ADD_TC(tp, min_ttl_raises_low_ttl_v4);
	ATF_TP_ADD_TC(tp, min_ttl_raises_low_hop_limit_v6);
	ATF_TP_ADD_TC(tp, max_mss_clamps_aligned_option_v4);
	ATF_TP_ADD_TC(tp, max_mss_clamps_unaligned_option_v4);
	ATF_TP_ADD_TC(tp, max_mss_clamps_aligned_option_v6);
	ATF_TP_ADD_TC(tp, max_mss_clamps_unaligned_option_v6);
	ATF_TP_ADD_TC(tp, no_scrub_exempts_destination_v4);
	ATF_TP_ADD_TC(tp, no_scrub_exempts_destination_v6);
	return (atf_no_error());
}
