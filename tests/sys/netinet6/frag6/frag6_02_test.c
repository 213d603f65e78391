/*
 * frag6_02_test: a non-final fragment whose payload is not a multiple of
 * 8 bytes is refused with a parameter problem.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_02.{sh,py}: one start
 * fragment (offset 0, M set, id 5) carrying UDP and 1287 bytes, so that
 * its fragmentable part is 1295 bytes.  RFC 8200 4.5: the receiver must
 * answer with a parameter problem, code 0, pointing at the Payload
 * Length field.  Linux does so in both modes: nf_defrag_ipv6 refuses the
 * fragment and leaves it to the stack, which sends the error.
 */
#include "frag6.h"

static const char data[1287];

static void
short_nonfinal_fragment(struct pk_tc *t, enum frag6_mode mode)
{
	const struct pk_dpkt *d;
	struct frag6 f;

	frag6_setup(t, &f, mode);
	pk_send(t, f.ifp, PK_PKT(PK_IP6(.dst = f.dst),
	    PK_IP6_FRAG(.off = 0, .mf = 1, .id = 5),
	    PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT),
	    PK_RAW(.data = data, .len = sizeof(data))));
	d = frag6_expect_error(t, &f, FRAG6_PARAMPROB_HEADER, FRAG6_ANSWER_MS);
	/* The IPv6 Payload Length field, 4 bytes into the header. */
	ATF_CHECK_EQ(frag6_icmp6_rest(d), 4);
	frag6_check_quoted_id(d, 5);
	frag6_expect_silence(t, &f);
	frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 1,
	    .hdrerrors = 1, .parmprob = 1 });
}

PK_TC(short_nonfinal_fragment_gets_param_problem, "a non-final fragment "
    "whose length is not a multiple of 8 draws a parameter problem "
    "pointing at the payload length");
PK_TC_BODY(short_nonfinal_fragment_gets_param_problem, t)
{

	short_nonfinal_fragment(t, FRAG6_STACK);
}

PK_TC(short_nonfinal_fragment_gets_param_problem_ct, "the same with "
    "conntrack reassembling: netfilter leaves the fragment to the stack, "
    "which refuses it the same way");
PK_TC_BODY(short_nonfinal_fragment_gets_param_problem_ct, t)
{

	short_nonfinal_fragment(t, FRAG6_CT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, short_nonfinal_fragment_gets_param_problem);
	ATF_TP_ADD_TC(tp, short_nonfinal_fragment_gets_param_problem_ct);
	return (atf_no_error());
}
