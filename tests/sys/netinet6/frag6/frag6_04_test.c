/*
 * frag6_04_test: a first fragment with no payload at all is discarded.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_04.{sh,py}: a
 * Fragment header (offset 0, M set, id 4) and nothing after it.
 * FreeBSD answers with a parameter problem.  Linux discards it without
 * an error in both modes (a difference the cases assert): the stack
 * finds a fragment that ends where it starts and counts a failed
 * reassembly; nf_defrag_ipv6 drops it before the stack sees it, and
 * nothing counts it.
 */
#include "frag6.h"

static void
empty_first_fragment(struct pk_tc *t, enum frag6_mode mode)
{
	struct frag6 f;

	frag6_setup(t, &f, mode);
	/* Next header 59: nothing follows, as in FreeBSD's probe. */
	pk_send(t, f.ifp, PK_PKT(PK_IP6(.dst = f.dst),
	    PK_IP6_FRAG(.off = 0, .mf = 1, .id = 4)));
	frag6_expect_silence(t, &f);
	if (mode == FRAG6_STACK)
		frag6_check_counts(t, &f, &(struct frag6_counts){
		    .reqds = 1, .fails = 1 });
	else
		frag6_check_counts(t, &f, &(struct frag6_counts){ 0 });
}

PK_TC(empty_first_fragment_is_discarded, "a first fragment without "
    "payload is discarded without an error (FreeBSD: parameter "
    "problem)");
PK_TC_BODY(empty_first_fragment_is_discarded, t)
{

	empty_first_fragment(t, FRAG6_STACK);
}

PK_TC(empty_first_fragment_is_discarded_ct, "with conntrack, a first "
    "fragment without payload is dropped before the stack sees it");
PK_TC_BODY(empty_first_fragment_is_discarded_ct, t)
{

	empty_first_fragment(t, FRAG6_CT);
}

/*
 * The same empty fragment claiming a UDP header that is not there: the
 * first fragment does not hold the whole header chain, which RFC 7112
 * answers with a parameter problem of its own, code 3.
 */
static void
incomplete_chain(struct pk_tc *t, enum frag6_mode mode)
{
	const struct pk_dpkt *d;
	struct frag6 f;

	frag6_setup(t, &f, mode);
	pk_send(t, f.ifp, PK_PKT(PK_IP6(.dst = f.dst),
	    PK_IP6_FRAG(.off = 0, .mf = 1, .id = 0x401, .nh = 17)));
	if (mode == FRAG6_CT) {
		/*
		 * nf_defrag_ipv6 drops a first fragment with an incomplete
		 * header chain itself, silently and uncounted.
		 */
		frag6_expect_silence(t, &f);
		frag6_check_counts(t, &f, &(struct frag6_counts){ 0 });
		return;
	}
	d = frag6_expect_error(t, &f, "icmp6[icmp6type] == "
	    "icmp6-parameterproblem and icmp6[icmp6code] == 3",
	    FRAG6_ANSWER_MS);
	ATF_CHECK_EQ(frag6_icmp6_rest(d), 0);
	frag6_check_quoted_id(d, 0x401);
	frag6_expect_silence(t, &f);
	frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 1,
	    .hdrerrors = 1, .parmprob = 1 });
}

PK_TC(first_fragment_without_upper_header_gets_param_problem, "an empty "
    "first fragment announcing UDP draws a parameter problem, code 3 "
    "(incomplete header chain)");
PK_TC_BODY(first_fragment_without_upper_header_gets_param_problem, t)
{

	incomplete_chain(t, FRAG6_STACK);
}

PK_TC(first_fragment_without_upper_header_is_dropped_ct, "with "
    "conntrack, an empty first fragment announcing UDP is dropped "
    "without an error");
PK_TC_BODY(first_fragment_without_upper_header_is_dropped_ct, t)
{

	incomplete_chain(t, FRAG6_CT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, empty_first_fragment_is_discarded);
	ATF_TP_ADD_TC(tp, empty_first_fragment_is_discarded_ct);
	ATF_TP_ADD_TC(tp,
	    first_fragment_without_upper_header_gets_param_problem);
	ATF_TP_ADD_TC(tp, first_fragment_without_upper_header_is_dropped_ct);
	return (atf_no_error());
}
