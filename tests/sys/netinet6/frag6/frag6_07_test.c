/*
 * frag6_07_test: a fragment whose offset and length reach past 65535
 * bytes is refused, and the queue it was meant for still expires.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_07.{sh,py}: a start
 * fragment (id 7, UDP and 1280 bytes) and a second one at offset 0x1fff
 * (65528 bytes) with 1288 bytes of its own; then a lone fragment at
 * offset 0x1fff (id 0x7001).  Each overflowing fragment draws a
 * parameter problem, code 0, pointing at the Fragment Offset field (RFC
 * 8200 4.5); the queue of id 7, which holds its first fragment, later
 * expires with a time exceeded, code 1.  Linux makes a queue for id
 * 0x7001 before refusing its fragment; that queue expires too, counted,
 * with no first fragment to quote and so no error.
 *
 * With conntrack, nf_defrag_ipv6 drops the overflowing fragments itself,
 * with no error and no counter, while the start fragment of id 7 waits
 * in netfilter's queue and expires with the same time exceeded (not
 * "silence", as once noted: the error comes from netfilter's timer, 60 s
 * by default, not from the stack's).
 */
#include "frag6.h"

static const char data[1280];

static void
send_frag(struct pk_tc *t, struct frag6 *f, uint32_t id, int off)
{

	pk_send(t, f->ifp, PK_PKT(PK_IP6(.dst = f->dst),
	    PK_IP6_FRAG(.off = off != 0 ? off : PK_ZERO, .mf = 1, .id = id),
	    PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT),
	    PK_RAW(.data = data, .len = sizeof(data))));
}

/* The parameter problem for the overflowing fragment of id. */
static void
expect_overflow(struct pk_tc *t, struct frag6 *f, uint32_t id)
{
	const struct pk_dpkt *d;

	d = frag6_expect_error(t, f, FRAG6_PARAMPROB_HEADER, FRAG6_ANSWER_MS);
	/* 40 bytes of IPv6 header, then 2 into the Fragment header. */
	ATF_CHECK_EQ(frag6_icmp6_rest(d), 42);
	frag6_check_quoted_id(d, id);
}

static void
offset_overflow(struct pk_tc *t, enum frag6_mode mode)
{
	const struct pk_dpkt *d;
	struct frag6 f;

	frag6_setup(t, &f, mode);
	send_frag(t, &f, 7, 0);
	send_frag(t, &f, 7, 0x1fff);
	if (mode == FRAG6_STACK)
		expect_overflow(t, &f, 7);
	send_frag(t, &f, 0x7001, 0x1fff);
	if (mode == FRAG6_STACK)
		expect_overflow(t, &f, 0x7001);
	frag6_expect_silence(t, &f);
	/* The first fragment of id 7 was kept, and its queue expires. */
	d = frag6_expect_error(t, &f, FRAG6_TIMXCEED_REASS, FRAG6_EXPIRY_MS);
	frag6_check_quoted_id(d, 7);
	ATF_CHECK_EQ(pt_layer(d, PK_PROTO_UDP)->u.udp.sport, FRAG6_SPORT);
	frag6_expect_silence(t, &f);
	if (mode == FRAG6_STACK) {
		/*
		 * The stack made a queue for id 0x7001 before refusing its
		 * only fragment; it expires too, with nothing to quote.
		 */
		pk_stat_wait(t, f.peer, "Ip6.ReasmTimeout", f.base.timeout + 2,
		    FRAG6_EXPIRY_MS);
		frag6_expect_silence(t, &f);
		frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 3,
		    .fails = 2, .timeout = 2, .hdrerrors = 2, .parmprob = 2,
		    .timexcd = 1 });
	} else
		frag6_check_counts(t, &f, &(struct frag6_counts){ .fails = 1,
		    .timeout = 1, .timexcd = 1 });
}

PK_TC(fragment_past_64k_gets_param_problem, "a fragment reaching past "
    "65535 bytes draws a parameter problem at its offset; the queue it "
    "joined expires with a time exceeded");
PK_TC_BODY(fragment_past_64k_gets_param_problem, t)
{

	offset_overflow(t, FRAG6_STACK);
}

PK_TC(fragment_past_64k_is_dropped_ct, "with conntrack, a fragment "
    "reaching past 65535 bytes is dropped without an error; the queue it "
    "joined expires in netfilter with a time exceeded");
PK_TC_BODY(fragment_past_64k_is_dropped_ct, t)
{

	offset_overflow(t, FRAG6_CT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, fragment_past_64k_gets_param_problem);
	ATF_TP_ADD_TC(tp, fragment_past_64k_is_dropped_ct);
	return (atf_no_error());
}
