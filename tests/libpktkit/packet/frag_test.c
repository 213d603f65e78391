/*
 * frag_test: fragmentation of built packets, hand-built fragments, and
 * reassembly in order, out of order, with overlaps, holes, bogus
 * offsets, atomic fragments and at its limits.
 */
#include <stdlib.h>

#include "testutil.h"

static uint8_t buf[PK_PKT_MAX];
static size_t len;
static struct pk_dpkt d;

static struct pk_reasm *
new_reasm(size_t maxd, size_t maxb, size_t maxf)
{
	struct pk_reasm_limits lim = { maxd, maxb, maxf };
	struct pk_reasm *r;
	struct pk_err err;

	r = pk_reasm_new(&lim, &err);
	ATF_REQUIRE_MSG(r != NULL, "%s", err.msg);
	return (r);
}

static void
frag_ok(size_t mtu, uint32_t id, struct pk_frags *f)
{
	struct pk_err err;

	ATF_REQUIRE_MSG(pk_frag(buf, len, PK_DLT_EN10MB, mtu, id, f,
	    &err) == 0, "%s", err.msg);
}

/* Feed fragments in the order given; the last must complete the
 * datagram and give back the packet built (without Ethernet). */
static void
reassemble(struct pk_reasm *r, const struct pk_frags *f, const int *order,
    size_t n)
{
	struct pk_reasm_dgram dg;
	size_t k;
	int rc;

	for (k = 0; k < n; k++) {
		rc = pk_reasm_add(r, f->v[order[k]].buf, f->v[order[k]].len,
		    PK_DLT_EN10MB, &dg);
		ATF_REQUIRE_EQ_MSG(rc, k + 1 < n ? PK_REASM_HELD :
		    PK_REASM_DONE, "fragment %zu", k);
	}
	CHECK_BYTES(dg.buf, dg.len, buf + 14, len - 14, PK_DLT_RAW);
	ATF_CHECK_EQ(dg.nfrags, (int)n);
	ATF_CHECK_EQ(dg.overlap, 0);
}

ATF_TC_WITHOUT_HEAD(ip4_fragments_copy_only_copied_options);
ATF_TC_BODY(ip4_fragments_copy_only_copied_options, tc)
{
	struct pk_frags f;
	size_t k;

	BUILD(PK_PKT(PK_ETHER(), PK_IP4(.dst = "192.0.2.2", .id = 5,
	    PK_IP4OPTS(PK_IP4OPT_RR(1), PK_IP4OPT_RA(0))),
	    PK_UDP(), PK_RAW(.len = 1000, .fill = 0x5a)), buf, &len);
	frag_ok(500, 0, &f);
	ATF_REQUIRE_EQ(f.n, 3);
	for (k = 0; k < f.n; k++) {
		ATF_REQUIRE(pk_dissect(f.v[k].buf, f.v[k].len, PK_DLT_EN10MB,
		    &d) == 0);
		ATF_CHECK_EQ(d.l[1].u.ip4.hl, 32);
		ATF_CHECK_EQ(d.l[1].u.ip4.id, 5);
		ATF_CHECK_EQ(d.l[1].u.ip4.off, k * 464);
		ATF_CHECK_EQ(d.l[1].u.ip4.mf, k < 2);
		ATF_CHECK_EQ(d.l[1].cksum, PK_CKSUM_OK);
		ATF_CHECK(f.v[k].len - 14 <= 500);
		/* Record route (no copy bit) becomes NOPs after the first;
		 * router alert (copy bit) stays. */
		ATF_CHECK_EQ(f.v[k].buf[34], k == 0 ? 7 : 1);
		ATF_CHECK_EQ(f.v[k].buf[34 + 7], 0x94);
	}
	pk_frags_free(&f);
	ATF_CHECK_EQ(f.n, 0);
}

ATF_TC_WITHOUT_HEAD(ip6_fragments_follow_the_unfragmentable_part);
ATF_TC_BODY(ip6_fragments_follow_the_unfragmentable_part, tc)
{
	struct pk_reasm *r;
	struct pk_frags f;
	size_t k;

	BUILD(PK_PKT(PK_ETHER(), PK_IP6(.src = "2001:db8::1",
	    .dst = "2001:db8::2"), PK_IP6_HBH(), PK_IP6_DSTOPTS(),
	    PK_IP6_RT(.addrs = { "2001:db8::3" }), PK_IP6_DSTOPTS(),
	    PK_TCP(), PK_RAW(.len = 3000, .fill = 1)), buf, &len);
	frag_ok(1280, 0xabcd, &f);
	ATF_REQUIRE_EQ(f.n, 3);
	for (k = 0; k < f.n; k++) {
		if (k == 0)
			DISSECT(f.v[k].buf, f.v[k].len, PK_DLT_EN10MB, &d,
			    PK_PROTO_ETHER, PK_PROTO_IP6, PK_PROTO_IP6_HBH,
			    PK_PROTO_IP6_DSTOPTS, PK_PROTO_IP6_RT,
			    PK_PROTO_IP6_FRAG, PK_PROTO_IP6_DSTOPTS,
			    PK_PROTO_TCP, PK_PROTO_RAW);
		else
			DISSECT(f.v[k].buf, f.v[k].len, PK_DLT_EN10MB, &d,
			    PK_PROTO_ETHER, PK_PROTO_IP6, PK_PROTO_IP6_HBH,
			    PK_PROTO_IP6_DSTOPTS, PK_PROTO_IP6_RT,
			    PK_PROTO_IP6_FRAG, PK_PROTO_RAW);
		ATF_CHECK_EQ(d.l[4].u.ip6ext.nh, 44);
		ATF_CHECK_EQ(d.l[5].u.ip6ext.nh, 60);
		ATF_CHECK_EQ(d.l[5].u.ip6ext.id, 0xabcd);
		ATF_CHECK_EQ(d.l[5].u.ip6ext.mf, k < 2);
		ATF_CHECK(f.v[k].len - 14 <= 1280);
	}
	r = new_reasm(0, 0, 0);
	reassemble(r, &f, (const int[]){ 2, 0, 1 }, 3);
	pk_reasm_free(r);
	pk_frags_free(&f);
}

ATF_TC_WITHOUT_HEAD(reassembly_in_any_order);
ATF_TC_BODY(reassembly_in_any_order, tc)
{
	struct pk_reasm_stats st;
	struct pk_reasm *r;
	struct pk_frags f;

	BUILD(PK_PKT(PK_ETHER(), PK_IP4(.dst = "192.0.2.2", .id = 99),
	    PK_ICMP4_ECHO(), PK_RAW(.len = 4000, .fill = 7)), buf, &len);
	frag_ok(1000, 0, &f);
	ATF_REQUIRE_EQ(f.n, 5);
	r = new_reasm(0, 0, 0);
	reassemble(r, &f, (const int[]){ 0, 1, 2, 3, 4 }, 5);
	reassemble(r, &f, (const int[]){ 4, 3, 2, 1, 0 }, 5);
	reassemble(r, &f, (const int[]){ 2, 4, 0, 3, 1 }, 5);
	pk_reasm_stats(r, &st);
	ATF_CHECK_EQ(st.completed, 3);
	ATF_CHECK_EQ(st.frags, 15);
	ATF_CHECK_EQ(st.dropped, 0);
	pk_reasm_free(r);
	pk_frags_free(&f);
}

ATF_TC_WITHOUT_HEAD(reassembly_keeps_first_data_of_overlaps);
ATF_TC_BODY(reassembly_keeps_first_data_of_overlaps, tc)
{
	struct pk_reasm_dgram dg;
	struct pk_reasm_stats st;
	struct pk_reasm *r;
	uint8_t f[3][128];
	size_t fl[3];
	int k;

	/* Hand-built: [0,16) 'A', [8,24) 'B' overlapping, [24,32) 'C'. */
	build_ok(PK_PKT(PK_IP4(.dst = "192.0.2.2", .id = 1, .mf = 1,
	    .proto = 17), PK_RAW(.len = 16, .fill = 'A')), NULL, f[0], 128,
	    &fl[0], __FILE__, __LINE__);
	build_ok(PK_PKT(PK_IP4(.dst = "192.0.2.2", .id = 1, .mf = 1, .off = 1,
	    .proto = 17), PK_RAW(.len = 16, .fill = 'B')), NULL, f[1], 128,
	    &fl[1], __FILE__, __LINE__);
	build_ok(PK_PKT(PK_IP4(.dst = "192.0.2.2", .id = 1, .off = 3,
	    .proto = 17), PK_RAW(.len = 8, .fill = 'C')), NULL, f[2], 128,
	    &fl[2], __FILE__, __LINE__);
	r = new_reasm(0, 0, 0);
	for (k = 0; k < 3; k++)
		ATF_CHECK_EQ(pk_reasm_add(r, f[k], fl[k], PK_DLT_RAW, &dg),
		    k < 2 ? PK_REASM_HELD : PK_REASM_DONE);
	ATF_REQUIRE_EQ(dg.len, 20 + 32);
	ATF_CHECK(dg.overlap);
	ATF_CHECK(memcmp(dg.buf + 20, "AAAAAAAAAAAAAAAABBBBBBBBCCCCCCCC",
	    32) == 0);
	ATF_CHECK_EQ(dg.buf[6] | dg.buf[7], 0);
	ATF_CHECK_EQ(pk_in_cksum(dg.buf, 20), 0);
	pk_reasm_stats(r, &st);
	ATF_CHECK_EQ(st.overlaps, 1);
	pk_reasm_free(r);
}

ATF_TC_WITHOUT_HEAD(reassembly_waits_on_holes_and_drops_bogus_fragments);
ATF_TC_BODY(reassembly_waits_on_holes_and_drops_bogus_fragments, tc)
{
	struct pk_reasm_dgram dg;
	struct pk_reasm_stats st;
	struct pk_reasm *r;
	uint8_t f[128];
	size_t fl;

	r = new_reasm(0, 0, 0);
	/* A hole between 8 and 16 never completes. */
	build_ok(PK_PKT(PK_IP6(.dst = "2001:db8::2"), PK_IP6_FRAG(.id = 3,
	    .mf = 1, .nh = 17), PK_RAW(.len = 8)), NULL, f, 128, &fl,
	    __FILE__, __LINE__);
	ATF_CHECK_EQ(pk_reasm_add(r, f, fl, PK_DLT_RAW, &dg), PK_REASM_HELD);
	build_ok(PK_PKT(PK_IP6(.dst = "2001:db8::2"), PK_IP6_FRAG(.id = 3,
	    .off = 2, .nh = 17), PK_RAW(.len = 8)), NULL, f, 128, &fl,
	    __FILE__, __LINE__);
	ATF_CHECK_EQ(pk_reasm_add(r, f, fl, PK_DLT_RAW, &dg), PK_REASM_HELD);
	/* A second, different end is dropped. */
	build_ok(PK_PKT(PK_IP6(.dst = "2001:db8::2"), PK_IP6_FRAG(.id = 3,
	    .off = 4, .nh = 17), PK_RAW(.len = 8)), NULL, f, 128, &fl,
	    __FILE__, __LINE__);
	ATF_CHECK_EQ(pk_reasm_add(r, f, fl, PK_DLT_RAW, &dg),
	    PK_REASM_DROPPED);
	/* Past 65535 bytes. */
	build_ok(PK_PKT(PK_IP6(.dst = "2001:db8::2"), PK_IP6_FRAG(.id = 4,
	    .off = 8191, .mf = 1, .nh = 17), PK_RAW(.len = 16)), NULL, f, 128,
	    &fl, __FILE__, __LINE__);
	ATF_CHECK_EQ(pk_reasm_add(r, f, fl, PK_DLT_RAW, &dg),
	    PK_REASM_DROPPED);
	/* Not a multiple of 8 but more to come. */
	build_ok(PK_PKT(PK_IP4(.dst = "192.0.2.2", .id = 5, .mf = 1),
	    PK_RAW(.len = 13)), NULL, f, 128, &fl, __FILE__, __LINE__);
	ATF_CHECK_EQ(pk_reasm_add(r, f, fl, PK_DLT_RAW, &dg),
	    PK_REASM_DROPPED);
	/* A lying IPv4 length. */
	build_ok(PK_PKT(PK_IP4(.dst = "192.0.2.2", .id = 5, .mf = 1,
	    .len = 900), PK_RAW(.len = 8)), NULL, f, 128, &fl, __FILE__,
	    __LINE__);
	ATF_CHECK_EQ(pk_reasm_add(r, f, fl, PK_DLT_RAW, &dg),
	    PK_REASM_DROPPED);
	/* Not a fragment at all. */
	build_ok(PK_PKT(PK_IP4(.dst = "192.0.2.2"), PK_UDP()), NULL, f, 128,
	    &fl, __FILE__, __LINE__);
	ATF_CHECK_EQ(pk_reasm_add(r, f, fl, PK_DLT_RAW, &dg),
	    PK_REASM_NOTFRAG);
	pk_reasm_stats(r, &st);
	ATF_CHECK_EQ(st.dropped, 4);
	ATF_CHECK_EQ(st.completed, 0);
	pk_reasm_free(r);
}

ATF_TC_WITHOUT_HEAD(ip6_atomic_fragment_completes_alone);
ATF_TC_BODY(ip6_atomic_fragment_completes_alone, tc)
{
	struct pk_reasm_dgram dg;
	struct pk_reasm *r;
	struct pk_frags f;
	uint8_t p[128];
	size_t pl;

	r = new_reasm(0, 0, 0);
	/* A pending fragment with the same id must not absorb it. */
	build_ok(PK_PKT(PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2"),
	    PK_IP6_FRAG(.id = 77, .off = 1, .mf = 1, .nh = 58),
	    PK_RAW(.len = 8)), NULL, p, sizeof(p), &pl, __FILE__, __LINE__);
	ATF_CHECK_EQ(pk_reasm_add(r, p, pl, PK_DLT_RAW, &dg), PK_REASM_HELD);
	BUILD(PK_PKT(PK_ETHER(), PK_IP6(.src = "2001:db8::1",
	    .dst = "2001:db8::2"), PK_ICMP6_ECHO(.id = 1)), buf, &len);
	frag_ok(1500, 77, &f);
	ATF_REQUIRE_EQ(f.n, 1);
	ATF_REQUIRE(pk_dissect(f.v[0].buf, f.v[0].len, PK_DLT_EN10MB,
	    &d) == 0);
	ATF_CHECK_EQ(d.l[2].proto, PK_PROTO_IP6_FRAG);
	ATF_CHECK_EQ(d.l[2].u.ip6ext.off, 0);
	ATF_CHECK_EQ(d.l[2].u.ip6ext.mf, 0);
	reassemble(r, &f, (const int[]){ 0 }, 1);
	pk_reasm_free(r);
	pk_frags_free(&f);
}

ATF_TC_WITHOUT_HEAD(reassembly_evicts_at_its_limits);
ATF_TC_BODY(reassembly_evicts_at_its_limits, tc)
{
	struct pk_reasm_dgram dg;
	struct pk_reasm_stats st;
	struct pk_reasm *r;
	uint8_t p[2048];
	size_t pl;
	int id;

	r = new_reasm(2, 0, 3);
	for (id = 1; id <= 5; id++) {
		build_ok(PK_PKT(PK_IP4(.dst = "192.0.2.2", .id = id, .mf = 1),
		    PK_RAW(.len = 8)), NULL, p, sizeof(p), &pl, __FILE__,
		    __LINE__);
		ATF_CHECK_EQ(pk_reasm_add(r, p, pl, PK_DLT_RAW, &dg),
		    PK_REASM_HELD);
	}
	pk_reasm_stats(r, &st);
	ATF_CHECK_EQ(st.evicted, 3);
	/* At most 3 fragments per datagram. */
	for (id = 1; id <= 3; id++) {
		build_ok(PK_PKT(PK_IP4(.dst = "192.0.2.2", .id = 5, .mf = 1,
		    .off = id), PK_RAW(.len = 8)), NULL, p, sizeof(p), &pl,
		    __FILE__, __LINE__);
		ATF_CHECK_EQ(pk_reasm_add(r, p, pl, PK_DLT_RAW, &dg),
		    id < 3 ? PK_REASM_HELD : PK_REASM_DROPPED);
	}
	pk_reasm_free(r);
	/* A byte limit evicts older datagrams for a new one. */
	r = new_reasm(0, 5000, 0);
	for (id = 1; id <= 3; id++) {
		build_ok(PK_PKT(PK_IP4(.dst = "192.0.2.2", .id = id, .mf = 1),
		    PK_RAW(.len = 2000)), NULL, p, sizeof(p), &pl, __FILE__,
		    __LINE__);
		ATF_CHECK_EQ(pk_reasm_add(r, p, pl, PK_DLT_RAW, &dg),
		    PK_REASM_HELD);
	}
	pk_reasm_stats(r, &st);
	ATF_CHECK_EQ(st.evicted, 1);
	pk_reasm_free(r);
}

ATF_TC_WITHOUT_HEAD(frag_rejects_what_it_cannot_split);
ATF_TC_BODY(frag_rejects_what_it_cannot_split, tc)
{
	struct pk_frags f;
	struct pk_err err;

	BUILD(PK_PKT(PK_ETHER(), PK_ARP()), buf, &len);
	ATF_CHECK_EQ(pk_frag(buf, len, PK_DLT_EN10MB, 100, 0, &f, &err), -1);
	ATF_CHECK(strstr(err.msg, "not an IP packet") != NULL);
	BUILD(PK_PKT(PK_ETHER(), PK_IP4(.dst = "192.0.2.1"),
	    PK_RAW(.len = 100)), buf, &len);
	ATF_CHECK_EQ(pk_frag(buf, len, PK_DLT_EN10MB, 20, 0, &f, &err), -1);
	ATF_CHECK(strstr(err.msg, "too small") != NULL);
	ATF_CHECK_EQ(pk_frag(buf, len - 10, PK_DLT_EN10MB, 60, 0, &f, &err),
	    -1);
	ATF_CHECK_EQ(pk_frag(buf, len, 77, 60, 0, &f, &err), -1);
	ATF_CHECK(f.v == NULL);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, ip4_fragments_copy_only_copied_options);
	ATF_TP_ADD_TC(tp, ip6_fragments_follow_the_unfragmentable_part);
	ATF_TP_ADD_TC(tp, reassembly_in_any_order);
	ATF_TP_ADD_TC(tp, reassembly_keeps_first_data_of_overlaps);
	ATF_TP_ADD_TC(tp, reassembly_waits_on_holes_and_drops_bogus_fragments);
	ATF_TP_ADD_TC(tp, ip6_atomic_fragment_completes_alone);
	ATF_TP_ADD_TC(tp, reassembly_evicts_at_its_limits);
	ATF_TP_ADD_TC(tp, frag_rejects_what_it_cannot_split);
	return (atf_no_error());
}
