/*
 * frag6_08_test: a last fragment near 64 KB and a first fragment with an
 * unfragmentable part: the datagram never completes and expires.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_08.{sh,py}: a last
 * fragment at offset 0x1ffc (65504 bytes, UDP header and 15 bytes, id 8)
 * queued first, then a start fragment of id 8 behind a Destination
 * Options header.  FreeBSD checks the queued fragments against the
 * unfragmentable part of the start fragment when it arrives, refuses
 * the one past 65535 bytes with a parameter problem, and later sends a
 * time exceeded.  Linux counts the unfragmentable part only when it
 * reassembles (here 8 + 65527 bytes is still 65535), so it sends no
 * parameter problem, only the time exceeded, code 1, quoting the start
 * fragment with its Destination Options header; with conntrack the same
 * error comes from netfilter's queue.
 */
#include "frag6.h"

static const char data15[15], data8[8];

static void
unfragmentable_overflow(struct pk_tc *t, enum frag6_mode mode)
{
	const struct pk_dpkt *d;
	struct frag6 f;

	frag6_setup(t, &f, mode);
	pk_send(t, f.ifp, PK_PKT(PK_IP6(.dst = f.dst),
	    PK_IP6_FRAG(.off = 0x1ffc, .mf = 0, .id = 8),
	    PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT),
	    PK_RAW(.data = data15, .len = sizeof(data15))));
	pk_send(t, f.ifp, PK_PKT(PK_IP6(.dst = f.dst),
	    PK_IP6_DSTOPTS(PK_IP6OPTS(PK_IP6OPT_PADN(4))),
	    PK_IP6_FRAG(.off = 0, .mf = 1, .id = 8),
	    PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT),
	    PK_RAW(.data = data8, .len = sizeof(data8))));
	frag6_expect_silence(t, &f);
	d = frag6_expect_error(t, &f, FRAG6_TIMXCEED_REASS, FRAG6_EXPIRY_MS);
	frag6_check_quoted_id(d, 8);
	ATF_CHECK(pk_dpkt_find(d, PK_PROTO_IP6_DSTOPTS, 0) != NULL);
	frag6_expect_silence(t, &f);
	if (mode == FRAG6_STACK)
		frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 2,
		    .fails = 1, .timeout = 1, .timexcd = 1 });
	else
		frag6_check_counts(t, &f, &(struct frag6_counts){ .fails = 1,
		    .timeout = 1, .timexcd = 1 });
}

PK_TC(unfragmentable_part_overflow_times_out, "a datagram whose "
    "unfragmentable part would push it past 64 KB draws no parameter "
    "problem (FreeBSD: one), only a time exceeded");
PK_TC_BODY(unfragmentable_part_overflow_times_out, t)
{

	unfragmentable_overflow(t, FRAG6_STACK);
}

PK_TC(unfragmentable_part_overflow_times_out_ct, "with conntrack, the "
    "same datagram expires in netfilter's queue with a time exceeded");
PK_TC_BODY(unfragmentable_part_overflow_times_out_ct, t)
{

	unfragmentable_overflow(t, FRAG6_CT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, unfragmentable_part_overflow_times_out);
	ATF_TP_ADD_TC(tp, unfragmentable_part_overflow_times_out_ct);
	return (atf_no_error());
}
