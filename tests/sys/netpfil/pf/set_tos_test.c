/*
 * set_tos_test: which rules rewrite the TOS byte of a forwarded packet,
 * and to what.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/set_tos.sh, case v4: the host
 * sends echo requests through the jail "alcatraz" to a static neighbour
 * on its far side, under a sequence of scrub rules:
 *   scrub out proto icmp			TOS left as sent (0)
 *   scrub out proto icmp set-tos 42		42
 *   scrub out proto tcp set-tos 42		left as sent (0)
 *   tcp set-tos 13, icmp set-tos 14		14, also when sent with 42
 *   scrub out proto tcp set-tos 13		42 stays 42
 * (The original phrases the "left as sent" steps as "TOS 42 is not
 * seen"; here they say which TOS is.)
 *
 * nftables sets DSCP and ECN separately (a raw write of the byte would
 * leave a wrong header checksum): TOS 42 is DSCP 10 with ECN ECT(0), 14
 * is DSCP 3 with ECT(0), 13 is DSCP 3 with ECT(1).  Every packet must
 * also arrive with a correct header checksum.
 */
#include "../../common/porttest.h"

static const struct pk_ruleset scrub_icmp = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain out { type filter hook postrouting priority 0;\n"
	    "    ip protocol icmp accept; }\n"
	    "}\n",
	.pf = "scrub out proto icmp\n",
};

static const struct pk_ruleset icmp_tos42 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain out { type filter hook postrouting priority 0;\n"
	    "    ip protocol icmp ip dscp set 10 ip ecn set ect0; }\n"
	    "}\n",
	.pf = "scrub out proto icmp set-tos 42\n",
};

static const struct pk_ruleset tcp_tos42 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain out { type filter hook postrouting priority 0;\n"
	    "    ip protocol tcp ip dscp set 10 ip ecn set ect0; }\n"
	    "}\n",
	.pf = "scrub out proto tcp set-tos 42\n",
};

static const struct pk_ruleset tcp_tos13_icmp_tos14 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain out { type filter hook postrouting priority 0;\n"
	    "    ip protocol tcp ip dscp set 3 ip ecn set ect1;\n"
	    "    ip protocol icmp ip dscp set 3 ip ecn set ect0; }\n"
	    "}\n",
	.pf = "scrub out proto tcp set-tos 13\n"
	    "scrub out proto icmp set-tos 14\n",
};

static const struct pk_ruleset tcp_tos13 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain out { type filter hook postrouting priority 0;\n"
	    "    ip protocol tcp ip dscp set 3 ip ecn set ect1; }\n"
	    "}\n",
	.pf = "scrub out proto tcp set-tos 13\n",
};

/* Send an echo request with TOS sent; it must arrive with TOS expect. */
static void
tos_through(struct pk_tc *t, struct pk_topo *topo, struct pk_sniffer *s,
    int sent, int expect, int seq)
{
	const struct pk_dlayer *ip;
	const struct pk_dpkt *d;
	char f[96];

	pk_send(t, topo->client_if, PK_PKT(PK_IP4(.dst = PT_DUMMY4,
	    .tos = sent), PK_ICMP4_ECHO(.id = 0x4242, .seq = seq)));
	snprintf(f, sizeof(f), "icmp[icmptype] == icmp-echo and "
	    "icmp[6:2] == %d", seq);
	d = pk_expect(t, s, f, 2000);
	ip = pt_layer(d, PK_PROTO_IP4);
	ATF_CHECK_EQ_MSG(ip->u.ip4.tos, expect, "sent TOS %d, got %d, "
	    "expected %d", sent, ip->u.ip4.tos, expect);
	ATF_CHECK_EQ(ip->cksum, PK_CKSUM_OK);
}

PK_TC_CONF(set_tos_by_protocol_v4, "scrub rules set the TOS of the "
    "packets they match, to the value of the last matching one, and leave "
    "other packets alone", .require_progs = "nft");
PK_TC_BODY(set_tos_by_protocol_v4, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pt_topo_fwd(t, &topo);
	s = pk_sniff_with(t, topo.server_if, "icmp", .dir = PK_DIR_IN);

	/* No change unless asked for. */
	pk_fw(t, topo.router, &scrub_icmp);
	tos_through(t, &topo, s, 0, 0, 1);

	pk_fw(t, topo.router, &icmp_tos42);
	tos_through(t, &topo, s, 0, 42, 2);

	/* A rule for another protocol does not apply. */
	pk_fw(t, topo.router, &tcp_tos42);
	tos_through(t, &topo, s, 0, 0, 3);

	/* Of several rules, the matching one applies, whatever was sent. */
	pk_fw(t, topo.router, &tcp_tos13_icmp_tos14);
	tos_through(t, &topo, s, 0, 14, 4);
	tos_through(t, &topo, s, 42, 14, 5);

	/* Unmatched packets keep the TOS they were sent with. */
	pk_fw(t, topo.router, &tcp_tos13);
	tos_through(t, &topo, s, 42, 42, 6);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, set_tos_by_protocol_v4);
	return (atf_no_error());
}
