/*
 * frag6_12_test: a lone start fragment with data expires with a time
 * exceeded.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_12.{sh,py}: a start
 * fragment (offset 0, M set, id 3) with a UDP header and 1280 bytes
 * never completes; the receiver sends a time exceeded, code 1, when the
 * queue that holds it expires.  The pair of cases is the plainest view
 * of which queue holds an IPv6 fragment: without a firewall the stack's
 * (net.ipv6.ip6frag_time), with conntrack netfilter's
 * (net.netfilter.nf_conntrack_frag6_timeout), each set to 1 s while the
 * other stays at 60 s.
 */
#include "frag6.h"

static const char data[1280];

static void
first_fragment_with_payload(struct pk_tc *t, enum frag6_mode mode)
{
	const struct pk_dpkt *d;
	const struct pk_dlayer *ip;
	struct frag6 f;

	frag6_setup(t, &f, mode);
	pk_send(t, f.ifp, PK_PKT(PK_IP6(.dst = f.dst),
	    PK_IP6_FRAG(.off = 0, .mf = 1, .id = 3),
	    PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT),
	    PK_RAW(.data = data, .len = sizeof(data))));
	frag6_expect_silence(t, &f);
	d = frag6_expect_error(t, &f, FRAG6_TIMXCEED_REASS, FRAG6_EXPIRY_MS);
	frag6_check_quoted_id(d, 3);
	/* The quote is cut to fit the minimum MTU, 1280 bytes in all. */
	ip = pt_layer(d, PK_PROTO_IP6);
	ATF_CHECK_EQ(ip->u.ip6.plen, 1280 - 40);
	frag6_expect_silence(t, &f);
	if (mode == FRAG6_STACK)
		frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 1,
		    .fails = 1, .timeout = 1, .timexcd = 1 });
	else
		frag6_check_counts(t, &f, &(struct frag6_counts){ .fails = 1,
		    .timeout = 1, .timexcd = 1 });
}

PK_TC(first_fragment_with_payload_times_out, "a lone start fragment "
    "with data expires in the stack's queue with a time exceeded");
PK_TC_BODY(first_fragment_with_payload_times_out, t)
{

	first_fragment_with_payload(t, FRAG6_STACK);
}

PK_TC(first_fragment_with_payload_times_out_ct, "with conntrack, a lone "
    "start fragment with data expires in netfilter's queue with a time "
    "exceeded");
PK_TC_BODY(first_fragment_with_payload_times_out_ct, t)
{

	first_fragment_with_payload(t, FRAG6_CT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, first_fragment_with_payload_times_out);
	ATF_TP_ADD_TC(tp, first_fragment_with_payload_times_out_ct);
	return (atf_no_error());
}
