/*
 * exthdr_test: IPv6 datagrams with chains of extension headers reach
 * their upper layer; a Hop-by-Hop header out of place is refused.
 *
 * Port of FreeBSD's tests/sys/netinet6/exthdr.{sh,py} (case exthdr):
 * UDP (88 bytes to a closed port) and a TCP SYN (to a closed port) sent
 * with no extension header, with Hop-by-Hop options, a type 0 Routing
 * header with no segments left, an atomic Fragment header, Destination
 * Options, Hop-by-Hop and Destination Options, and Destination Options
 * followed by Hop-by-Hop.  All but the last must be processed as if the
 * headers were not there: a port unreachable for UDP, a RST for TCP.
 * The last breaks RFC 8200 4.1 (Hop-by-Hop only right after the IPv6
 * header); FreeBSD's test checks only that it draws no parameter
 * problem of code 0; Linux answers with code 1 (unrecognized next
 * header) pointing at the Destination Options' next header field, and
 * the case asserts that.  Added: the whole chain at once (Hop-by-Hop,
 * Routing, Fragment, Destination Options), and the cases that involve
 * a Fragment header again with conntrack on (see frag6/frag6.h).
 *
 * FreeBSD pads each option header with one 8-byte PadN; Linux drops a
 * header with more than 7 bytes of padding in a row (ip6_parse_tlv()),
 * so the headers here carry a PadN of 4 data bytes, and one case keeps
 * FreeBSD's form to assert the drop.
 */
#include "frag6/frag6.h"

#define	TCP_SPORT	7654
#define	TCP_DPORT	4567

#define	PADN4	PK_IP6OPTS(PK_IP6OPT_PADN(4))
#define	HBH	PK_IP6_HBH(PADN4)
#define	DSTOPTS	PK_IP6_DSTOPTS(PADN4)
/* Type 0, no addresses, so no segments left. */
#define	RH0	PK_IP6_RT(.type = 0)
#define	FRAG	PK_IP6_FRAG(.off = 0, .mf = 0, .id = 0x1234)

static const char data[88] = "66666666666666666666666666666666666666666666"
    "66666666666666666666666666666666666666666666";

/*
 * Send UDP, then a TCP SYN, each behind the extension headers ext (a
 * NULL-terminated list, e.g. PK_PKT(HBH, DSTOPTS); NULL for none).
 */
static void
send_both(struct pk_tc *t, struct frag6 *f, pk_pkt_t ext)
{
	const struct pk_hdr *pkt[16];
	size_t n, i, next;

	n = 0;
	pkt[n++] = PK_IP6(.dst = f->dst);
	for (i = 0; ext != NULL && ext[i] != NULL; i++) {
		ATF_REQUIRE(n < 12);
		pkt[n++] = ext[i];
	}
	next = n;
	pkt[n++] = PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT);
	pkt[n++] = PK_RAW(.data = data, .len = sizeof(data));
	pkt[n] = NULL;
	pk_send(t, f->ifp, pkt);
	n = next;
	pkt[n++] = PK_TCP(.sport = TCP_SPORT, .dport = TCP_DPORT,
	    .flags = PK_TH_SYN, .seq = 1);
	pkt[n] = NULL;
	pk_send(t, f->ifp, pkt);
}

/* Both were processed: a port unreachable and a RST came back. */
static void
expect_processed(struct pk_tc *t, struct frag6 *f)
{
	const struct pk_dlayer *l;
	const struct pk_dpkt *d;

	d = frag6_expect_error(t, f, FRAG6_UNREACH_PORT, FRAG6_ANSWER_MS);
	l = pt_layer(d, PK_PROTO_UDP);
	ATF_CHECK_EQ(l->u.udp.sport, FRAG6_SPORT);
	ATF_CHECK_EQ(l->u.udp.dport, FRAG6_DPORT);
	/* (pcap's tcp[] reaches only into IPv4.) */
	d = pk_expect(t, f->s, "tcp", FRAG6_ANSWER_MS);
	l = pt_layer(d, PK_PROTO_TCP);
	ATF_CHECK_EQ(l->u.tcp.flags, PK_TH_RST | PK_TH_ACK);
	ATF_CHECK_EQ(l->u.tcp.sport, TCP_DPORT);
	ATF_CHECK_EQ(l->u.tcp.dport, TCP_SPORT);
	/* It acknowledges the SYN. */
	ATF_CHECK_EQ(l->u.tcp.ack, 2);
	frag6_expect_silence(t, f);
}

PK_TC(no_extension_header_is_answered, "UDP and TCP to closed ports "
    "draw a port unreachable and a RST");
PK_TC_BODY(no_extension_header_is_answered, t)
{
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_STACK);
	send_both(t, &f, NULL);
	expect_processed(t, &f);
}

PK_TC(hop_by_hop_is_processed, "behind Hop-by-Hop options, UDP and TCP "
    "are answered");
PK_TC_BODY(hop_by_hop_is_processed, t)
{
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_STACK);
	send_both(t, &f, PK_PKT(HBH));
	expect_processed(t, &f);
}

/*
 * FreeBSD's header: one PadN of 6 data bytes.  RFC 8200 allows it;
 * Linux refuses more than 7 bytes of padding in a row (RFC 4942's
 * advice against covert channels) and drops the packet silently.
 */
PK_TC(hop_by_hop_with_long_padn_is_dropped, "Linux drops, without an "
    "error, Hop-by-Hop options padded with a PadN of 6 data bytes (the "
    "FreeBSD test's header)");
PK_TC_BODY(hop_by_hop_with_long_padn_is_dropped, t)
{
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_STACK);
	send_both(t, &f, PK_PKT(PK_IP6_HBH(PK_IP6OPTS(PK_IP6OPT_PADN(6)))));
	frag6_expect_silence(t, &f);
	frag6_check_counts(t, &f, &(struct frag6_counts){ .hdrerrors = 2 });
}

PK_TC(routing_header_without_segments_is_skipped, "a type 0 Routing "
    "header with no segments left is skipped: UDP and TCP are answered");
PK_TC_BODY(routing_header_without_segments_is_skipped, t)
{
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_STACK);
	send_both(t, &f, PK_PKT(RH0));
	expect_processed(t, &f);
}

static void
atomic_fragment(struct pk_tc *t, enum frag6_mode mode)
{
	struct frag6 f;

	frag6_setup(t, &f, mode);
	send_both(t, &f, PK_PKT(FRAG));
	expect_processed(t, &f);
	if (mode == FRAG6_STACK)
		frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 2,
		    .oks = 2, .unreach = 1 });
	else
		frag6_check_counts(t, &f, &(struct frag6_counts){
		    .unreach = 1 });
}

PK_TC(atomic_fragment_header_is_processed, "behind an atomic Fragment "
    "header, UDP and TCP are answered");
PK_TC_BODY(atomic_fragment_header_is_processed, t)
{

	atomic_fragment(t, FRAG6_STACK);
}

PK_TC(atomic_fragment_header_is_processed_ct, "with conntrack, behind an "
    "atomic Fragment header right after IPv6, UDP and TCP are answered");
PK_TC_BODY(atomic_fragment_header_is_processed_ct, t)
{

	atomic_fragment(t, FRAG6_CT);
}

PK_TC(destination_options_are_processed, "behind Destination Options, "
    "UDP and TCP are answered");
PK_TC_BODY(destination_options_are_processed, t)
{
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_STACK);
	send_both(t, &f, PK_PKT(DSTOPTS));
	expect_processed(t, &f);
}

PK_TC(hop_by_hop_and_destination_options_are_processed, "behind "
    "Hop-by-Hop and Destination Options, UDP and TCP are answered");
PK_TC_BODY(hop_by_hop_and_destination_options_are_processed, t)
{
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_STACK);
	send_both(t, &f, PK_PKT(HBH, DSTOPTS));
	expect_processed(t, &f);
}

PK_TC(header_chain_is_processed, "behind Hop-by-Hop, Routing, atomic "
    "Fragment and Destination Options headers, UDP and TCP are "
    "answered");
PK_TC_BODY(header_chain_is_processed, t)
{
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_STACK);
	send_both(t, &f, PK_PKT(HBH, RH0, FRAG, DSTOPTS));
	expect_processed(t, &f);
	frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 2,
	    .oks = 2, .unreach = 1 });
}

/*
 * The Linux bug of frag6_03_test's atomic_fragment_after_dstopts_is_
 * delivered_ct: nf_defrag_ipv6 removes the Fragment header and leaves
 * the transport header past it, so the stack, resuming after
 * Hop-by-Hop, parses the Destination Options header as the Routing
 * header, finds routing type 1 (the PadN option's type byte) with 4
 * segments left (its length byte), and answers with a parameter
 * problem, code 0, pointing there, instead of delivering.
 */
PK_TC(header_chain_is_processed_ct, "with conntrack, behind the same "
    "chain UDP and TCP should be answered (Linux refuses them)");
PK_TC_BODY(header_chain_is_processed_ct, t)
{
	struct pk_err err;
	struct frag6 f;
	unsigned got;
	int rc;

	frag6_setup(t, &f, FRAG6_CT);
	/* The path works: the chain without its Fragment header. */
	send_both(t, &f, PK_PKT(HBH, RH0, DSTOPTS));
	expect_processed(t, &f);
	send_both(t, &f, PK_PKT(HBH, RH0, FRAG, DSTOPTS));
	frag6_send_sentinel(t, &f);
	rc = pk_sniff_expect_n(f.s, FRAG6_UNREACH_PORT, NULL, NULL, 1,
	    FRAG6_SENTINEL, FRAG6_ANSWER_MS, &got, &err);
	ATF_REQUIRE_MSG(rc >= 0, "%s", err.msg);
	atf_tc_expect_fail("Linux nf_defrag_ipv6 leaves the transport "
	    "header past the removed Fragment header; the stack then parses "
	    "Destination Options as the Routing header and sends a parameter "
	    "problem");
	ATF_CHECK_MSG(rc == 1, "%s", err.msg);
	atf_tc_expect_pass();
}

/*
 * RFC 8200 4.1: Hop-by-Hop only right after the IPv6 header.  Linux
 * reports next header 0 found elsewhere as unrecognized (code 1), at
 * the next header field that names it: byte 40, the first of the
 * Destination Options header.
 */
PK_TC(hop_by_hop_after_destination_options_gets_param_problem,
    "Hop-by-Hop options after Destination Options draw a parameter "
    "problem, code 1, at the field that names them");
PK_TC_BODY(hop_by_hop_after_destination_options_gets_param_problem, t)
{
	const struct pk_dlayer *l;
	const struct pk_dpkt *d;
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_STACK);
	send_both(t, &f, PK_PKT(DSTOPTS, HBH));
	d = frag6_expect_error(t, &f, FRAG6_PARAMPROB_NEXTHDR,
	    FRAG6_ANSWER_MS);
	ATF_CHECK_EQ(frag6_icmp6_rest(d), 40);
	l = pt_layer(d, PK_PROTO_UDP);
	ATF_CHECK_EQ(l->u.udp.sport, FRAG6_SPORT);
	d = frag6_expect_error(t, &f, FRAG6_PARAMPROB_NEXTHDR,
	    FRAG6_ANSWER_MS);
	ATF_CHECK_EQ(frag6_icmp6_rest(d), 40);
	l = pt_layer(d, PK_PROTO_TCP);
	ATF_CHECK_EQ(l->u.tcp.sport, TCP_SPORT);
	/* And nothing of code 0, which FreeBSD's test checks. */
	frag6_expect_silence(t, &f);
	frag6_check_counts(t, &f, &(struct frag6_counts){ .parmprob = 2 });
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, no_extension_header_is_answered);
	ATF_TP_ADD_TC(tp, hop_by_hop_is_processed);
	ATF_TP_ADD_TC(tp, hop_by_hop_with_long_padn_is_dropped);
	ATF_TP_ADD_TC(tp, routing_header_without_segments_is_skipped);
	ATF_TP_ADD_TC(tp, atomic_fragment_header_is_processed);
	ATF_TP_ADD_TC(tp, atomic_fragment_header_is_processed_ct);
	ATF_TP_ADD_TC(tp, destination_options_are_processed);
	ATF_TP_ADD_TC(tp, hop_by_hop_and_destination_options_are_processed);
	ATF_TP_ADD_TC(tp, header_chain_is_processed);
	ATF_TP_ADD_TC(tp, header_chain_is_processed_ct);
	ATF_TP_ADD_TC(tp,
	    hop_by_hop_after_destination_options_gets_param_problem);
	return (atf_no_error());
}
