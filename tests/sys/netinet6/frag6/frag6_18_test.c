/*
 * frag6_18_test: a vnet holding reassembly queues of random fragments is
 * destroyed cleanly.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_18.{sh,py}: 127
 * fragments with random identifications, offsets, M flags and sources,
 * each a UDP header's worth of data, then the vnet is torn down while
 * it still holds them.  FreeBSD asks only that the kernel does not
 * panic; here the teardown is synchronous and followed by pktkit's leak
 * check, so a queue that kept the vnet alive would fail the case.  The
 * reassembly timers are put back to 60 s so that the queues are there
 * when the vnet goes.  Sources are random within 2001:db8::/32 (FreeBSD
 * draws them from all of IPv6); the seed is printed for a rerun.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "frag6.h"

#define	NFRAGS	127

/* FRAG6: memory from the peer's /proc/net/sockstat6. */
static unsigned long
frag6_memory(struct pk_tc *t, struct frag6 *f)
{
	const char *out, *p;

	out = pk_run_ok(t, f->peer, "cat /proc/net/sockstat6");
	p = strstr(out, "FRAG6:");
	ATF_REQUIRE_MSG(p != NULL && (p = strstr(p, "memory ")) != NULL,
	    "no FRAG6 line in: %s", out);
	return (strtoul(p + 7, NULL, 10));
}

static void
random_fragments(struct pk_tc *t, enum frag6_mode mode)
{
	char src[INET6_ADDRSTRLEN];
	struct frag6 f;
	unsigned seed;
	int i;

	seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	if (getenv("FRAG6_SEED") != NULL)
		seed = (unsigned)strtoul(getenv("FRAG6_SEED"), NULL, 0);
	printf("frag6_18: FRAG6_SEED=%u\n", seed);
	srandom(seed);
	frag6_setup(t, &f, mode);
	if (mode == FRAG6_STACK)
		pk_sysctl(t, f.peer, "net.ipv6.ip6frag_time", "60");
	else
		pk_sysctl(t, f.peer, "net.netfilter.nf_conntrack_frag6_timeout",
		    "60");
	/* Identifications are odd: 0 would mean the default. */
	for (i = 0; i < NFRAGS; i++) {
		snprintf(src, sizeof(src), "2001:db8:%lx:%lx::%lx",
		    random() & 0xffff, random() & 0xffff, random() & 0xffff);
		pk_send(t, f.ifp, PK_PKT(PK_IP6(.src = src, .dst = f.dst),
		    PK_IP6_FRAG(.off = random() & 0x1fff, .mf = random() & 1,
		    .id = random() | 1),
		    PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT)));
	}
	/* Every fragment reached the peer before the sentinel did. */
	frag6_send_sentinel(t, &f);
	pk_expect(t, f.s, FRAG6_SENTINEL, FRAG6_ANSWER_MS);
	if (mode == FRAG6_STACK) {
		ATF_CHECK_EQ(pk_stat(t, f.peer, "Ip6.ReasmReqds") -
		    f.base.reqds, NFRAGS);
		/* Queues hold fragments now. */
		ATF_CHECK(frag6_memory(t, &f) > 0);
	}
	/*
	 * Gone, synchronously: this fails the case if the vnet does not
	 * go away, and the leak check at the end looks for what it left.
	 */
	pk_vnet_gone(t, f.peer);
}

PK_TC(random_fragments_go_with_the_vnet, "a vnet still holding queues "
    "of 127 random fragments is torn down without a leak");
PK_TC_BODY(random_fragments_go_with_the_vnet, t)
{

	random_fragments(t, FRAG6_STACK);
}

PK_TC(random_fragments_go_with_the_vnet_ct, "a vnet whose netfilter "
    "queues hold 127 random fragments is torn down without a leak");
PK_TC_BODY(random_fragments_go_with_the_vnet_ct, t)
{

	random_fragments(t, FRAG6_CT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, random_fragments_go_with_the_vnet);
	ATF_TP_ADD_TC(tp, random_fragments_go_with_the_vnet_ct);
	return (atf_no_error());
}
