/*
 * tos_test: a router's firewall rewrites the TOS byte of forwarded
 * packets, keeping their ECN bits, and blocks packets by TOS.
 *
 * Ports FreeBSD's tests/sys/netpfil/common/tos.sh, case tos (run there
 * as pf_tos and ipfw_tos): the host sends echo requests through the jail
 * "iron" to a static neighbour on its far side.  With "scrub out proto
 * icmp set-tos 36" a request sent with TOS 0 must arrive with 36, and
 * one sent with 3 (both ECN bits) with 39; with "block all tos 36" one
 * sent with 36 must not arrive and one sent with 32 must.
 *
 * nftables writes the DSCP and ECN fields separately: "ip dscp set 9" is
 * TOS 36 with the packet's own ECN bits, which is what pf's set-tos 36
 * and ipfw's setdscp 9 do.  pf's "tos 36" compares the whole byte, so
 * the nftables match names both fields.
 */
#include "../../common/porttest.h"

static const struct pk_ruleset set_tos36 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain out { type filter hook postrouting priority 0;\n"
	    "    ip protocol icmp ip dscp set 9; }\n"
	    "}\n",
	.pf = "scrub out proto icmp set-tos 36\n",
};

static const struct pk_ruleset block_tos36 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain in { type filter hook prerouting priority 0;\n"
	    "    ip dscp 9 ip ecn not-ect drop; }\n"
	    "  chain out { type filter hook postrouting priority 0;\n"
	    "    ip dscp 9 ip ecn not-ect drop; }\n"
	    "}\n",
	.pf = "block all tos 36\n",
};

static void
send_echo(struct pk_tc *t, struct pk_topo *topo, int tos, int seq)
{

	pk_send(t, topo->client_if, PK_PKT(PK_IP4(.dst = PT_DUMMY4, .tos = tos),
	    PK_ICMP4_ECHO(.id = 0x4242, .seq = seq)));
}

static void
expect_tos(struct pk_tc *t, struct pk_sniffer *s, int seq, int tos)
{
	const struct pk_dlayer *ip;
	const struct pk_dpkt *d;
	char f[96];

	snprintf(f, sizeof(f), "icmp[icmptype] == icmp-echo and "
	    "icmp[6:2] == %d", seq);
	d = pk_expect(t, s, f, 2000);
	ip = pt_layer(d, PK_PROTO_IP4);
	ATF_CHECK_EQ_MSG(ip->u.ip4.tos, tos, "TOS %d, expected %d",
	    ip->u.ip4.tos, tos);
	ATF_CHECK_EQ(ip->cksum, PK_CKSUM_OK);
}

PK_TC_CONF(set_tos_keeps_ecn_and_block_by_tos, "set-tos 36 gives TOS 36, "
    "or 39 to a packet with both ECN bits; 'block all tos 36' drops TOS "
    "36 and passes TOS 32", .require_progs = "nft");
PK_TC_BODY(set_tos_keeps_ecn_and_block_by_tos, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pt_topo_fwd(t, &topo);
	s = pk_sniff_with(t, topo.server_if, "icmp", .dir = PK_DIR_IN);

	pk_fw(t, topo.router, &set_tos36);
	send_echo(t, &topo, 0, 1);
	expect_tos(t, s, 1, 36);
	send_echo(t, &topo, 3, 2);
	expect_tos(t, s, 2, 39);

	/* The TOS-32 request is both the check that it passes and the
	 * sentinel for the TOS-36 one. */
	pk_fw(t, topo.router, &block_tos36);
	send_echo(t, &topo, 36, 3);
	send_echo(t, &topo, 32, 4);
	pk_expect_none_until(t, s, "icmp[6:2] == 3",
	    "ip[1] == 32 and icmp[6:2] == 4", 2000);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, set_tos_keeps_ecn_and_block_by_tos);
	return (atf_no_error());
}
