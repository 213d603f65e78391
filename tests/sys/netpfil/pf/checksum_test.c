/*
 * checksum_test: a firewall that rewrites a TCP option of a forwarded
 * SYN must leave a correct TCP checksum, wherever the option sits.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/checksum.sh, case unaligned: a
 * router with "scrub on <ingress> reassemble tcp max-mss 1200" forwards
 * SYNs carrying MSS 1280 to a static neighbour; the SYN seen on the far
 * link must have a correct checksum, with the options aligned and with
 * a NOP in front that puts the MSS value at an odd offset.  That second
 * shape is the one an incremental checksum update gets wrong when it
 * assumes 16-bit alignment, which is what the test guards against.
 *
 * pf's "reassemble tcp" (TCP normalisation) has no nftables counterpart
 * and plays no part in the checksum; the MSS rewrite is "tcp option
 * maxseg size set".  Linux gets the unaligned case wrong (nft_exthdr),
 * so that case is an expected failure until the kernel is fixed.
 */
#include "../../common/porttest.h"

static const struct pk_ruleset max_mss1200 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain fw { type filter hook forward priority 0;\n"
	    "    iifname \"@IF@\" tcp flags syn tcp option maxseg size > 1200"
	    " tcp option maxseg size set 1200; }\n"
	    "}\n",
	.pf = "scrub on @IF@ reassemble tcp max-mss 1200\n",
};

static void
mss_rewrite(struct pk_tc *t, int unaligned)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;
	int ok;

	pt_topo_fwd(t, &topo);
	pt_fw_on(t, topo.router, &max_mss1200, topo.router_in);
	s = pk_sniff_with(t, topo.server_if, "ip dst host " PT_DUMMY4,
	    .dir = PK_DIR_IN);
	pt_send_syn(t, topo.client_if, &(struct pt_syn){ .dst = PT_DUMMY4,
	    .mss = 1280, .unaligned = unaligned });
	d = pk_expect(t, s, PT_SYN4, 2000);
	ATF_REQUIRE_EQ_MSG(pt_mss_of(d), 1200, "MSS %d, expected 1200",
	    pt_mss_of(d));
	ATF_REQUIRE_EQ(pt_layer(d, PK_PROTO_IP4)->cksum, PK_CKSUM_OK);
	ok = pt_layer(d, PK_PROTO_TCP)->cksum == PK_CKSUM_OK;
	if (unaligned)
		atf_tc_expect_fail("Linux nft_exthdr: setting a TCP option at "
		    "an odd offset leaves a wrong TCP checksum");
	ATF_CHECK_MSG(ok, "TCP checksum of the rewritten SYN is wrong");
}

PK_TC_CONF(mss_rewrite_checksum_aligned, "a SYN whose MSS option is "
    "rewritten keeps a correct TCP checksum (option aligned)",
    .require_progs = "nft");
PK_TC_BODY(mss_rewrite_checksum_aligned, t)
{

	mss_rewrite(t, 0);
}

PK_TC_CONF(mss_rewrite_checksum_unaligned, "a SYN whose MSS option, at an "
    "odd offset, is rewritten keeps a correct TCP checksum (expected to "
    "fail on Linux)", .require_progs = "nft");
PK_TC_BODY(mss_rewrite_checksum_unaligned, t)
{

	mss_rewrite(t, 1);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, mss_rewrite_checksum_aligned);
	ATF_TP_ADD_TC(tp, mss_rewrite_checksum_unaligned);
	return (atf_no_error());
}
