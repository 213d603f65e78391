/*
 * frag6_03_test: atomic fragments (offset 0, M clear) are processed as
 * whole datagrams, alone or after another extension header.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_03.{sh,py}: an atomic
 * fragment (id 3) carrying UDP to a closed port, then one behind a
 * Destination Options header (id 0x3001); each must draw a port
 * unreachable (RFC 6946: an atomic fragment is processed at once, apart
 * from any reassembly queue).
 *
 * Linux without a firewall does both.  With conntrack, nf_defrag_ipv6
 * takes the atomic fragment as a complete datagram and removes its
 * Fragment header, so the error quotes the datagram without it; and
 * behind a Destination Options header it breaks the datagram (see
 * atomic_fragment_after_dstopts_is_delivered_ct).
 */
#include "frag6.h"

/* Destination Options with one PadN of 4 data bytes: 8 bytes. */
#define	DSTOPTS	PK_IP6_DSTOPTS(PK_IP6OPTS(PK_IP6OPT_PADN(4)))

static void
send_atomic(struct pk_tc *t, struct frag6 *f, uint32_t id)
{

	pk_send(t, f->ifp, PK_PKT(PK_IP6(.dst = f->dst),
	    PK_IP6_FRAG(.off = 0, .mf = 0, .id = id),
	    PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT)));
}

static void
send_atomic_after_dstopts(struct pk_tc *t, struct frag6 *f, uint32_t id)
{

	pk_send(t, f->ifp, PK_PKT(PK_IP6(.dst = f->dst), DSTOPTS,
	    PK_IP6_FRAG(.off = 0, .mf = 0, .id = id),
	    PK_UDP(.sport = FRAG6_SPORT + 1, .dport = FRAG6_DPORT)));
}

/* The port unreachable for the UDP datagram from sport. */
static const struct pk_dpkt *
expect_unreach(struct pk_tc *t, struct frag6 *f, int sport)
{
	const struct pk_dpkt *d;

	d = frag6_expect_error(t, f, FRAG6_UNREACH_PORT, FRAG6_ANSWER_MS);
	ATF_CHECK_EQ(pt_layer(d, PK_PROTO_UDP)->u.udp.sport, sport);
	return (d);
}

PK_TC(atomic_fragment_is_delivered, "an atomic fragment is delivered at "
    "once: UDP to a closed port draws a port unreachable");
PK_TC_BODY(atomic_fragment_is_delivered, t)
{
	const struct pk_dpkt *d;
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_STACK);
	send_atomic(t, &f, 3);
	d = expect_unreach(t, &f, FRAG6_SPORT);
	/* The stack skips the header in place: the quote keeps it. */
	frag6_check_quoted_id(d, 3);
	frag6_expect_silence(t, &f);
	frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 1,
	    .oks = 1, .unreach = 1 });
}

PK_TC(atomic_fragment_is_delivered_ct, "with conntrack, an atomic "
    "fragment is delivered too, without its Fragment header");
PK_TC_BODY(atomic_fragment_is_delivered_ct, t)
{
	const struct pk_dpkt *d;
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_CT);
	send_atomic(t, &f, 3);
	d = expect_unreach(t, &f, FRAG6_SPORT);
	/*
	 * nf_defrag_ipv6 "reassembles" the one fragment and removes the
	 * Fragment header; the stack never counts a reassembly.
	 */
	ATF_CHECK_MSG(frag6_quoted_frag(d) == NULL, "the error quotes a "
	    "Fragment header");
	frag6_expect_silence(t, &f);
	frag6_check_counts(t, &f, &(struct frag6_counts){ .unreach = 1 });
}

PK_TC(atomic_fragment_after_dstopts_is_delivered, "an atomic fragment "
    "behind a Destination Options header is delivered at once");
PK_TC_BODY(atomic_fragment_after_dstopts_is_delivered, t)
{
	const struct pk_dpkt *d;
	struct frag6 f;

	frag6_setup(t, &f, FRAG6_STACK);
	send_atomic_after_dstopts(t, &f, 0x3001);
	d = expect_unreach(t, &f, FRAG6_SPORT + 1);
	ATF_CHECK(pk_dpkt_find(d, PK_PROTO_IP6_DSTOPTS, 0) != NULL);
	frag6_check_quoted_id(d, 0x3001);
	frag6_expect_silence(t, &f);
	frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 1,
	    .oks = 1, .unreach = 1 });
}

/*
 * A Linux bug.  nf_defrag_ipv6 removes the Fragment header and leaves
 * the datagram's transport header pointing past it, at the upper-layer
 * header; the stack, which has not yet walked the Destination Options
 * header in front, then parses the UDP header as that Destination
 * Options header, finds its length impossible, and drops the datagram
 * (Ip6.InHdrErrors).  Any fragmented datagram with a Destination
 * Options or Routing header before its Fragment header is lost the same
 * way when conntrack is on; the stack's own reassembly, which resumes
 * the walk after the Fragment header, is not affected.  The case
 * expects the answer RFC 8200 and FreeBSD give, as an expected failure,
 * after checking that a plain atomic fragment is answered.
 */
PK_TC(atomic_fragment_after_dstopts_is_delivered_ct, "with conntrack, an "
    "atomic fragment behind a Destination Options header should be "
    "delivered (Linux drops it)");
PK_TC_BODY(atomic_fragment_after_dstopts_is_delivered_ct, t)
{
	struct pk_err err;
	struct frag6 f;
	unsigned got;
	int rc, sport;

	frag6_setup(t, &f, FRAG6_CT);
	/* The path works: the same datagram without the option header. */
	send_atomic(t, &f, 3);
	expect_unreach(t, &f, FRAG6_SPORT);
	send_atomic_after_dstopts(t, &f, 0x3001);
	frag6_send_sentinel(t, &f);
	sport = FRAG6_SPORT + 1;
	rc = pk_sniff_expect_n(f.s, FRAG6_UNREACH_PORT, frag6_udp_sport_is,
	    &sport, 1, FRAG6_SENTINEL, FRAG6_ANSWER_MS, &got, &err);
	ATF_REQUIRE_MSG(rc >= 0, "%s", err.msg);
	atf_tc_expect_fail("Linux nf_defrag_ipv6 leaves the transport "
	    "header past the removed Fragment header; the stack then parses "
	    "UDP as the Destination Options header and drops the datagram");
	ATF_CHECK_MSG(rc == 1, "%s", err.msg);
	atf_tc_expect_pass();
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, atomic_fragment_is_delivered);
	ATF_TP_ADD_TC(tp, atomic_fragment_is_delivered_ct);
	ATF_TP_ADD_TC(tp, atomic_fragment_after_dstopts_is_delivered);
	ATF_TP_ADD_TC(tp, atomic_fragment_after_dstopts_is_delivered_ct);
	return (atf_no_error());
}
