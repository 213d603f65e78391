/*
 * frag6_10_test: a lone middle fragment expires without an error.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_10.{sh,py}: a
 * fragment at offset 161 with M set (id 7), carrying a UDP header's
 * worth of bytes, waits for a datagram that never completes.  Without
 * the first fragment there is nothing to quote, so no time exceeded may
 * be sent (RFC 8200 4.5); the expiry shows only in the counters, which
 * the case waits for instead of FreeBSD's 75 s sleep.
 */
#include "frag6.h"

static void
lone_middle_fragment(struct pk_tc *t, enum frag6_mode mode)
{
	struct frag6 f;

	frag6_setup(t, &f, mode);
	pk_send(t, f.ifp, PK_PKT(PK_IP6(.dst = f.dst),
	    PK_IP6_FRAG(.off = 161, .mf = 1, .id = 7),
	    PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT)));
	frag6_expect_silence(t, &f);
	pk_stat_wait(t, f.peer, "Ip6.ReasmTimeout", f.base.timeout + 1,
	    FRAG6_EXPIRY_MS);
	/* The error would have left the peer with the count. */
	frag6_expect_silence(t, &f);
	if (mode == FRAG6_STACK)
		frag6_check_counts(t, &f, &(struct frag6_counts){ .reqds = 1,
		    .fails = 1, .timeout = 1 });
	else
		frag6_check_counts(t, &f, &(struct frag6_counts){ .fails = 1,
		    .timeout = 1 });
}

PK_TC(lone_middle_fragment_expires_silently, "a lone middle fragment "
    "expires, counted, without an error");
PK_TC_BODY(lone_middle_fragment_expires_silently, t)
{

	lone_middle_fragment(t, FRAG6_STACK);
}

PK_TC(lone_middle_fragment_expires_silently_ct, "with conntrack, a lone "
    "middle fragment expires in netfilter's queue, counted, without an "
    "error");
PK_TC_BODY(lone_middle_fragment_expires_silently_ct, t)
{

	lone_middle_fragment(t, FRAG6_CT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, lone_middle_fragment_expires_silently);
	ATF_TP_ADD_TC(tp, lone_middle_fragment_expires_silently_ct);
	return (atf_no_error());
}
