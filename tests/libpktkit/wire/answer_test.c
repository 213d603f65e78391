/*
 * answer_test: pk_answer_of() tells answers to a probe from packets
 * that only look like them (pure unit tests: packets are built and
 * dissected in memory).
 */
#include "wiretest.h"

#define	A	"192.0.2.1"
#define	B	"192.0.2.2"
#define	C	"192.0.2.3"

struct built {
	uint8_t		buf[2048];
	struct pk_dpkt	d;
};

static const struct pk_dpkt *
build(struct built *b, pk_pkt_t pkt)
{
	struct pk_err err;
	size_t len;

	ATF_REQUIRE_MSG(pk_pkt_build(pkt, NULL, b->buf, sizeof(b->buf), &len,
	    &err) == 0, "%s", err.msg);
	ATF_REQUIRE(pk_dissect(b->buf, len, PK_DLT_RAW, &b->d) == 0);
	return (&b->d);
}

ATF_TC_WITHOUT_HEAD(echo_reply_needs_same_id_and_seq);
ATF_TC_BODY(echo_reply_needs_same_id_and_seq, tc)
{
	struct built p, c;

	build(&p, PK_PKT(PK_IP4(.src = A, .dst = B), PK_ICMP4_ECHO(.id = 7,
	    .seq = 1)));
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP4(.src = B,
	    .dst = A), PK_ICMP4_ECHOREPLY(.id = 7, .seq = 1)))),
	    PK_ANSWER_ECHOREPLY);
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP4(.src = B,
	    .dst = A), PK_ICMP4_ECHOREPLY(.id = 7, .seq = 2)))),
	    PK_ANSWER_NONE);
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP4(.src = C,
	    .dst = A), PK_ICMP4_ECHOREPLY(.id = 7, .seq = 1)))),
	    PK_ANSWER_NONE);
	/* The request itself, seen on the way out, is no answer. */
	ATF_CHECK_EQ(pk_answer_of(&p.d, &p.d), PK_ANSWER_NONE);
	/* A broadcast ping is answered by anyone. */
	build(&p, PK_PKT(PK_IP4(.src = A, .dst = "255.255.255.255"),
	    PK_ICMP4_ECHO(.id = 7, .seq = 1)));
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP4(.src = C,
	    .dst = A), PK_ICMP4_ECHOREPLY(.id = 7, .seq = 1)))),
	    PK_ANSWER_ECHOREPLY);
	build(&p, PK_PKT(PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2"),
	    PK_ICMP6_ECHO(.id = 9, .seq = 4)));
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP6(.src =
	    "2001:db8::2", .dst = "2001:db8::1"), PK_ICMP6_ECHOREPLY(.id = 9,
	    .seq = 4)))), PK_ANSWER_ECHOREPLY);
}

ATF_TC_WITHOUT_HEAD(tcp_answers_acknowledge_the_segment);
ATF_TC_BODY(tcp_answers_acknowledge_the_segment, tc)
{
	struct built p, c;

	build(&p, PK_PKT(PK_IP4(.src = A, .dst = B), PK_TCP(.sport = 1000,
	    .dport = 80, .seq = 100, .flags = PK_TH_SYN)));
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP4(.src = B,
	    .dst = A), PK_TCP(.sport = 80, .dport = 1000, .ack = 101,
	    .flags = PK_TH_SYN | PK_TH_ACK)))), PK_ANSWER_SYNACK);
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP4(.src = B,
	    .dst = A), PK_TCP(.sport = 80, .dport = 1000, .ack = 101,
	    .flags = PK_TH_RST | PK_TH_ACK)))), PK_ANSWER_RST);
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP4(.src = B,
	    .dst = A), PK_TCP(.sport = 80, .dport = 1000, .ack = 102,
	    .flags = PK_TH_RST | PK_TH_ACK)))), PK_ANSWER_NONE);
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP4(.src = B,
	    .dst = A), PK_TCP(.sport = 81, .dport = 1000, .ack = 101,
	    .flags = PK_TH_RST | PK_TH_ACK)))), PK_ANSWER_NONE);
	/* An ACK probe is answered by a RST carrying its ack number. */
	build(&p, PK_PKT(PK_IP4(.src = A, .dst = B), PK_TCP(.sport = 1000,
	    .dport = 80, .seq = 100, .ack = 5555, .flags = PK_TH_ACK)));
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP4(.src = B,
	    .dst = A), PK_TCP(.sport = 80, .dport = 1000, .seq = 5555,
	    .flags = PK_TH_RST)))), PK_ANSWER_RST);
}

ATF_TC_WITHOUT_HEAD(icmp_error_must_quote_the_probe);
ATF_TC_BODY(icmp_error_must_quote_the_probe, tc)
{
	struct built p, c;

	build(&p, PK_PKT(PK_IP4(.src = A, .dst = B, .id = 99),
	    PK_UDP(.sport = 5000, .dport = 9)));
	/* From a router on the way (C), quoting the probe. */
	build(&c, PK_PKT(PK_IP4(.src = C, .dst = A), PK_ICMP4_UNREACH(
	    .code = 3, .inner = PK_PKT(PK_IP4(.src = A, .dst = B, .id = 99),
	    PK_UDP(.sport = 5000, .dport = 9)))));
	ATF_CHECK_EQ(pk_answer_of(&p.d, &c.d), PK_ANSWER_ICMPERR);
	/* Another datagram (IP ID, then port) is quoted. */
	build(&c, PK_PKT(PK_IP4(.src = C, .dst = A), PK_ICMP4_UNREACH(
	    .code = 3, .inner = PK_PKT(PK_IP4(.src = A, .dst = B, .id = 98),
	    PK_UDP(.sport = 5000, .dport = 9)))));
	ATF_CHECK_EQ(pk_answer_of(&p.d, &c.d), PK_ANSWER_NONE);
	build(&c, PK_PKT(PK_IP4(.src = C, .dst = A), PK_ICMP4_UNREACH(
	    .code = 3, .inner = PK_PKT(PK_IP4(.src = A, .dst = B, .id = 99),
	    PK_UDP(.sport = 5001, .dport = 9)))));
	ATF_CHECK_EQ(pk_answer_of(&p.d, &c.d), PK_ANSWER_NONE);
	/* UDP back between the same ports. */
	ATF_CHECK_EQ(pk_answer_of(&p.d, build(&c, PK_PKT(PK_IP4(.src = B,
	    .dst = A), PK_UDP(.sport = 9, .dport = 5000)))), PK_ANSWER_UDP);
	build(&p, PK_PKT(PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2"),
	    PK_TCP(.sport = 1, .dport = 2)));
	build(&c, PK_PKT(PK_IP6(.src = "2001:db8::9", .dst = "2001:db8::1"),
	    PK_ICMP6_UNREACH(.code = 1, .inner = PK_PKT(PK_IP6(.src =
	    "2001:db8::1", .dst = "2001:db8::2"), PK_TCP(.sport = 1,
	    .dport = 2)))));
	ATF_CHECK_EQ(pk_answer_of(&p.d, &c.d), PK_ANSWER_ICMPERR);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, echo_reply_needs_same_id_and_seq);
	ATF_TP_ADD_TC(tp, tcp_answers_acknowledge_the_segment);
	ATF_TP_ADD_TC(tp, icmp_error_must_quote_the_probe);
	return (atf_no_error());
}
