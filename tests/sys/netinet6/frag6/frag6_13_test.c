/*
 * frag6_13_test: fragments of one datagram with ECN codepoints that do
 * not mix make the datagram be dropped.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_13.{sh,py}: two
 * datagrams of two fragments each, the first Not-ECT then CE (id 13),
 * the second ECT(1) then Not-ECT (id 0x1301).  RFC 3168 5.3: a
 * datagram whose fragments mix Not-ECT with an ECN-capable codepoint
 * must be dropped; FreeBSD checks only its counters after its timer.
 *
 * FreeBSD's probes leave a hole (the second fragment sits at offset 128
 * bytes behind 16), so they could never complete; Linux applies the ECN
 * rule when it reassembles, so here each datagram is made whole (a
 * second fragment right behind the first, the UDP length and checksum
 * of the whole datagram in the first) and the drop is the ECN rule's.
 * A third datagram, ECT(0) then CE, may be reassembled (as CE) and
 * answered: it shows the probes would otherwise be delivered.
 */
#include "frag6.h"

static const char data[16] = "6666666666666666";

/*
 * A UDP datagram from sport with 16 bytes of data, in two fragments
 * with traffic classes tc1 and tc2.
 */
static void
send_pair(struct pk_tc *t, struct frag6 *f, uint32_t id, int sport,
    int tc1, int tc2)
{
	uint16_t sum;

	sum = frag6_udp_sum(t, f, sport, data, sizeof(data));
	pk_send(t, f->ifp, PK_PKT(PK_IP6(.dst = f->dst, .tc = tc1),
	    PK_IP6_FRAG(.off = 0, .mf = 1, .id = id),
	    PK_UDP(.sport = sport, .dport = FRAG6_DPORT,
	    .len = 8 + sizeof(data), .sum = sum),
	    PK_RAW(.data = data, .len = 8)));
	pk_send(t, f->ifp, PK_PKT(PK_IP6(.dst = f->dst, .tc = tc2),
	    PK_IP6_FRAG(.off = 2, .mf = 0, .id = id, .nh = 17),
	    PK_RAW(.data = data + 8, .len = 8)));
}

#define	NOT_ECT	0
#define	ECT1	1
#define	ECT0	2
#define	CE	3

static void
ecn_mix(struct pk_tc *t, enum frag6_mode mode)
{
	const struct pk_dlayer *quoted;
	const struct pk_dpkt *d;
	struct frag6 f;

	frag6_setup(t, &f, mode);
	send_pair(t, &f, 13, FRAG6_SPORT, NOT_ECT, CE);
	send_pair(t, &f, 0x1301, FRAG6_SPORT + 1, ECT1, NOT_ECT);
	frag6_expect_silence(t, &f);
	send_pair(t, &f, 0x1302, FRAG6_SPORT + 2, ECT0, CE);
	d = frag6_expect_error(t, &f, FRAG6_UNREACH_PORT, FRAG6_ANSWER_MS);
	ATF_CHECK_EQ(pt_layer(d, PK_PROTO_UDP)->u.udp.sport,
	    FRAG6_SPORT + 2);
	/* The reassembled datagram carries the congestion mark. */
	quoted = pk_dpkt_find(d, PK_PROTO_IP6, 1);
	ATF_REQUIRE(quoted != NULL);
	ATF_CHECK_EQ(quoted->u.ip6.tc & 3, CE);
	frag6_expect_silence(t, &f);
	if (mode == FRAG6_STACK)
		frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 6,
		    .oks = 1, .fails = 2, .unreach = 1 });
	else
		/* netfilter's queues count nothing. */
		frag6_check_counts(t, &f, &(struct frag6_counts){
		    .unreach = 1 });
}

PK_TC(ecn_mismatched_fragments_are_dropped, "fragments mixing Not-ECT "
    "with ECN-capable codepoints are dropped; ECT(0) with CE reassembles "
    "as CE");
PK_TC_BODY(ecn_mismatched_fragments_are_dropped, t)
{

	ecn_mix(t, FRAG6_STACK);
}

PK_TC(ecn_mismatched_fragments_are_dropped_ct, "with conntrack, the same "
    "ECN rule holds in netfilter's reassembly");
PK_TC_BODY(ecn_mismatched_fragments_are_dropped_ct, t)
{

	ecn_mix(t, FRAG6_CT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, ecn_mismatched_fragments_are_dropped);
	ATF_TP_ADD_TC(tp, ecn_mismatched_fragments_are_dropped_ct);
	return (atf_no_error());
}
