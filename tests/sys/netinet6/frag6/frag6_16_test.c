/*
 * frag6_16_test: a datagram in 30 fragments is reassembled and
 * delivered.
 *
 * Port of FreeBSD's tests/sys/netinet6/frag6/frag6_16.{sh,py}: a UDP
 * datagram to a closed port with 30 x 1280 bytes of data, sent as a
 * start fragment (id 16) holding the UDP header, with the length and
 * checksum of the whole datagram, and 1280 bytes, then 29 fragments of
 * 1280 bytes.  Reassembled, it draws a port unreachable; the positive
 * control of the frag6 programs.
 */
#include "frag6.h"

#define	NFRAGS	30
#define	CHUNK	1280

static char data[NFRAGS * CHUNK];

static void
thirty_fragments(struct pk_tc *t, enum frag6_mode mode)
{
	const struct pk_dpkt *d;
	struct frag6 f;
	uint16_t sum;
	int i, off;

	frag6_setup(t, &f, mode);
	memset(data, '6', sizeof(data));
	sum = frag6_udp_sum(t, &f, FRAG6_SPORT, data, sizeof(data));
	pk_send(t, f.ifp, PK_PKT(PK_IP6(.dst = f.dst),
	    PK_IP6_FRAG(.off = 0, .mf = 1, .id = 16),
	    PK_UDP(.sport = FRAG6_SPORT, .dport = FRAG6_DPORT,
	    .len = 8 + sizeof(data), .sum = sum),
	    PK_RAW(.data = data, .len = CHUNK)));
	for (i = 1; i < NFRAGS; i++) {
		/* In 8-byte units, behind the UDP header and i chunks. */
		off = (8 + i * CHUNK) / 8;
		pk_send(t, f.ifp, PK_PKT(PK_IP6(.dst = f.dst),
		    PK_IP6_FRAG(.off = off, .mf = i < NFRAGS - 1, .id = 16,
		    .nh = 17),
		    PK_RAW(.data = data + i * CHUNK, .len = CHUNK)));
	}
	d = frag6_expect_error(t, &f, FRAG6_UNREACH_PORT, FRAG6_ANSWER_MS);
	ATF_CHECK_EQ(pt_layer(d, PK_PROTO_UDP)->u.udp.len,
	    8 + sizeof(data));
	frag6_expect_silence(t, &f);
	if (mode == FRAG6_STACK)
		frag6_check_counts(t, &f, &(struct frag6_counts){
		    .reqds = NFRAGS, .oks = 1, .unreach = 1 });
	else
		frag6_check_counts(t, &f, &(struct frag6_counts){
		    .unreach = 1 });
}

PK_TC(thirty_fragments_are_reassembled, "a UDP datagram in 30 fragments "
    "is reassembled and draws a port unreachable");
PK_TC_BODY(thirty_fragments_are_reassembled, t)
{

	thirty_fragments(t, FRAG6_STACK);
}

PK_TC(thirty_fragments_are_reassembled_ct, "with conntrack, netfilter "
    "reassembles the 30 fragments and the stack answers");
PK_TC_BODY(thirty_fragments_are_reassembled_ct, t)
{

	thirty_fragments(t, FRAG6_CT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, thirty_fragments_are_reassembled);
	ATF_TP_ADD_TC(tp, thirty_fragments_are_reassembled_ct);
	return (atf_no_error());
}
