/*
 * match_test: IP options allowed or blocked by the firewall.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/match.sh (allow_opts): pf drops
 * packets with IP options unless the rule that decides them, or a match
 * rule before it, says "allow-opts".  An echo request with IP options
 * (pft_ping --send-nop: four zero option bytes, IHL 6) is answered
 * when options are allowed for ICMP, not when they are not, and again
 * when the pass rule itself allows them.
 *
 * nftables passes options unless told otherwise: "blocked unless
 * allowed" is a rule dropping headers longer than 20 bytes
 * ("ip hdrlength != 5"), after an accept for what is allowed.
 */
#include "pfsupport.h"

static const uint8_t nop_opts[4];	/* pft_ping's: all zero (EOL) */

static const struct pk_ruleset match_icmp_allow_opts = {
	.nft =
	    "flush ruleset\n"
	    "table ip f {\n"
	    "  chain i { type filter hook input priority 0;\n"
	    "    ip protocol icmp accept\n"
	    "    ip hdrlength != 5 drop\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "match proto icmp allow-opts\n"
	    "pass\n",
};
static const struct pk_ruleset match_icmp = {
	.nft =
	    "flush ruleset\n"
	    "table ip f {\n"
	    "  chain i { type filter hook input priority 0;\n"
	    "    ip hdrlength != 5 drop\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "match proto icmp\n"
	    "pass\n",
};
static const struct pk_ruleset pass_allow_opts = {
	.nft =
	    "flush ruleset\n"
	    "table ip f {\n"
	    "  chain i { type filter hook input priority 0;\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "pass allow-opts\n",
};

static const struct pk_dpkt *
echo_with_options(struct pk_tc *t, struct pk_if *ifp, int seq)
{

	return (pk_request(t, ifp, PK_PKT(PK_IP4(.dst = "192.0.2.1",
	    .optbytes = nop_opts, .optlen = sizeof(nop_opts)),
	    PK_ICMP4_ECHO(.id = 7, .seq = seq)), 2000));
}

PK_TC_CONF(allow_opts_decides_echo_with_ip_options, "an echo request "
    "with IP options is answered only where a rule allows options",
    .require_progs = "nft");
PK_TC_BODY(allow_opts_decides_echo_with_ip_options, t)
{
	struct pk_sniffer *s;
	struct pk_epair *ep;
	struct pk_vnet *jail;
	const struct pk_dpkt *d;

	jail = pk_vnet(t, "alcatraz");
	ep = pk_epair(t, NULL, jail);
	pk_addr(t, ep->a, "192.0.2.2/24");
	pk_addr(t, ep->b, "192.0.2.1/24");

	pk_fw(t, jail, &match_icmp_allow_opts);
	pfs_echo(t, ep->a, "192.0.2.1", 1, 1);
	d = echo_with_options(t, ep->a, 1);
	/* Linux answers without the (padding-only) options. */
	ATF_CHECK_EQ(pfs_layer(d, PK_PROTO_IP4)->u.ip4.hl, 20);

	/* Without allow-opts: dropped; a plain request is the sentinel. */
	pk_fw(t, jail, &match_icmp);
	s = pk_sniff_with(t, ep->a, "icmp", .dir = PK_DIR_IN);
	pk_send(t, ep->a, PK_PKT(PK_IP4(.dst = "192.0.2.1",
	    .optbytes = nop_opts, .optlen = sizeof(nop_opts)),
	    PK_ICMP4_ECHO(.id = 7, .seq = 2)));
	pfs_echo_send(t, ep->a, NULL, "192.0.2.1", 8, 1);
	pk_expect_none_until(t, s, pfs_echo_reply_filter("", 7),
	    pfs_echo_reply_filter("", 8), 2000);

	/* allow-opts on the pass rule itself. */
	pk_fw(t, jail, &pass_allow_opts);
	echo_with_options(t, ep->a, 3);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, allow_opts_decides_echo_with_ip_options);
	return (atf_no_error());
}
