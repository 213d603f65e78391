/*
 * tos_test: a rule matching one TOS (traffic class) value blocks echo
 * requests that carry it, and only those.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/tos.sh, cases v4 and v6: with
 * "pass" and "block in tos va" in the jail, a plain echo request is
 * answered and one with TOS (IPv6: traffic class) 0xb0, "va", is not.
 *
 * pf's "tos va" compares the whole byte; the nftables rule names DSCP
 * "va" (46) and ECN not-ECT, which is the same byte.  The plain request,
 * sent after the marked one, is both the check that it passes and the
 * sentinel that ends the check that the marked one got no reply.
 */
#include "../../common/porttest.h"

static const struct pk_ruleset block_va4 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0;\n"
	    "    ip dscp va ip ecn not-ect drop; }\n"
	    "}\n",
	.pf = "pass\n"
	    "block in tos va\n",
};

static const struct pk_ruleset block_va6 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0;\n"
	    "    ip6 dscp va ip6 ecn not-ect drop; }\n"
	    "}\n",
	.pf = "pass\n"
	    "block in tos va\n",
};

PK_TC_CONF(tos_va_blocked_plain_passes_v4, "an echo request with TOS "
    "0xb0 is dropped by 'block in tos va', a plain one is answered",
    .require_progs = "nft");
PK_TC_BODY(tos_va_blocked_plain_passes_v4, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	pk_fw(t, topo.server, &block_va4);
	s = pk_sniff_with(t, topo.client_if, "icmp", .dir = PK_DIR_IN);
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4,
	    .tos = 0xb0), PK_ICMP4_ECHO(.id = 0x4242, .seq = 1)));
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4),
	    PK_ICMP4_ECHO(.id = 0x4242, .seq = 2)));
	pk_expect_none_until(t, s, "icmp[icmptype] == icmp-echoreply and "
	    "icmp[6:2] == 1", "icmp[icmptype] == icmp-echoreply and "
	    "icmp[6:2] == 2 and src host 192.0.2.2", 2000);
}

PK_TC_CONF(tos_va_blocked_plain_passes_v6, "an ICMPv6 echo request "
    "with traffic class 0xb0 is dropped by 'block in tos va', a plain one "
    "is answered", .require_progs = "nft");
PK_TC_BODY(tos_va_blocked_plain_passes_v6, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	pk_fw(t, topo.server, &block_va6);
	s = pk_sniff_with(t, topo.client_if, "icmp6", .dir = PK_DIR_IN);
	pk_send(t, topo.client_if, PK_PKT(PK_IP6(.dst = topo.server6,
	    .tc = 0xb0), PK_ICMP6_ECHO(.id = 0x4242, .seq = 1)));
	pk_send(t, topo.client_if, PK_PKT(PK_IP6(.dst = topo.server6),
	    PK_ICMP6_ECHO(.id = 0x4242, .seq = 2)));
	pk_expect_none_until(t, s, "icmp6 and ip6[40] == 129 and "
	    "ip6[46:2] == 1", "icmp6 and ip6[40] == 129 and ip6[46:2] == 2 "
	    "and src host 2001:db8::2", 2000);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, tos_va_blocked_plain_passes_v4);
	ATF_TP_ADD_TC(tp, tos_va_blocked_plain_passes_v6);
	return (atf_no_error());
}
