/*
 * frag6_09_test: a lone start fragment without data past its UDP
 * header expires with a time exceeded.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_09.{sh,py}: a start
 * fragment (offset 0, M set, id 2) carrying only the UDP header waits
 * for the rest of its datagram, which never comes; at the end of the
 * reassembly timer the receiver sends a time exceeded, code 1 (RFC 8200
 * 4.5), because it holds the first fragment.  FreeBSD waits 75 s for
 * its 60 s timer; here the timer of the queue holding the fragment is
 * 1 s (see frag6.h): the stack's, or with conntrack netfilter's.
 */
#include "frag6.h"

static void
lone_first_fragment(struct pk_tc *t, enum frag6_mode mode)
{
	const struct pk_dpkt *d;
	struct frag6 f;

	frag6_setup(t, &f, mode);
	pk_send(t, f.ifp, PK_PKT(PK_IP6(.dst = f.dst),
	    PK_IP6_FRAG(.off = 0, .mf = 1, .id = 2),
	    PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT)));
	frag6_expect_silence(t, &f);
	d = frag6_expect_error(t, &f, FRAG6_TIMXCEED_REASS, FRAG6_EXPIRY_MS);
	frag6_check_quoted_id(d, 2);
	ATF_CHECK_EQ(pt_layer(d, PK_PROTO_UDP)->u.udp.dport, FRAG6_DPORT);
	frag6_expect_silence(t, &f);
	if (mode == FRAG6_STACK)
		frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 1,
		    .fails = 1, .timeout = 1, .timexcd = 1 });
	else
		frag6_check_counts(t, &f, &(struct frag6_counts){ .fails = 1,
		    .timeout = 1, .timexcd = 1 });
}

PK_TC(lone_first_fragment_times_out, "a lone start fragment expires "
    "with a time exceeded, code 1");
PK_TC_BODY(lone_first_fragment_times_out, t)
{

	lone_first_fragment(t, FRAG6_STACK);
}

PK_TC(lone_first_fragment_times_out_ct, "with conntrack, a lone start "
    "fragment expires in netfilter's queue with a time exceeded");
PK_TC_BODY(lone_first_fragment_times_out_ct, t)
{

	lone_first_fragment(t, FRAG6_CT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, lone_first_fragment_times_out);
	ATF_TP_ADD_TC(tp, lone_first_fragment_times_out_ct);
	return (atf_no_error());
}
