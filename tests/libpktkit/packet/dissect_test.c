/*
 * dissect_test: the dissector on malformed input (it must never read
 * outside the buffer: run under ASan by make check-sanitize), and what
 * the printers show.
 */
#include <stdlib.h>

#include "testutil.h"

static uint8_t buf[PK_PKT_MAX];
static size_t len;
static struct pk_dpkt d;

/* Every layer lies inside the first n bytes. */
static void
layers_inside(size_t n)
{
	int i;

	for (i = 0; i < d.nlayers; i++) {
		ATF_CHECK_MSG(d.l[i].off + d.l[i].hlen <= n, "layer %d "
		    "header past %zu", i, n);
		ATF_CHECK_MSG(d.l[i].off + d.l[i].len <= n, "layer %d data "
		    "past %zu", i, n);
		ATF_CHECK(d.l[i].hlen <= d.l[i].len);
	}
}

ATF_TC_WITHOUT_HEAD(dissect_stays_inside_every_truncation);
ATF_TC_BODY(dissect_stays_inside_every_truncation, tc)
{
	uint8_t *copy;
	size_t n;
	char s[2048];

	BUILD(PK_PKT(PK_ETHER(), PK_DOT1Q(.vid = 3),
	    PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2"),
	    PK_IP6_HBH(), PK_IP6_RT(.addrs = { "2001:db8::3" }),
	    PK_ICMP6_UNREACH(.inner = PK_PKT(PK_IP6(), PK_IP6_DSTOPTS(),
	    PK_TCP(PK_TCPOPTS(PK_MSS(1), PK_SACKOK())), PK_RAW(.len = 9)))),
	    buf, &len);
	for (n = 0; n <= len; n++) {
		/* An exact-size heap copy lets ASan see any over-read. */
		copy = malloc(n > 0 ? n : 1);
		ATF_REQUIRE(copy != NULL);
		memcpy(copy, buf, n);
		ATF_REQUIRE(pk_dissect(copy, n, PK_DLT_EN10MB, &d) == 0);
		layers_inside(n);
		pk_dpkt_line(&d, s, sizeof(s));
		pk_dpkt_dump(&d, s, sizeof(s));
		if (n < len)
			ATF_CHECK_MSG(d.flags & PK_DP_TRUNC, "cut at %zu: %s",
			    n, s);
		free(copy);
	}
	ATF_CHECK_EQ(d.flags, 0);
	ATF_CHECK_EQ(d.nlayers, 10);
}

ATF_TC_WITHOUT_HEAD(dissect_flags_lying_lengths);
ATF_TC_BODY(dissect_flags_lying_lengths, tc)
{

	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1", .len = 1000), PK_UDP(),
	    PK_RAW(.len = 4)), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK(d.l[0].flags & PK_DL_SHORT);
	ATF_CHECK_EQ(d.l[0].len, len);
	ATF_CHECK_EQ(d.l[1].cksum, PK_CKSUM_UNKNOWN);
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1", .hl = 3), PK_UDP()), buf,
	    &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK(d.l[0].flags & PK_DL_BADLEN);
	ATF_CHECK_EQ(d.nlayers, 1);
	ATF_CHECK(d.flags & PK_DP_MALFORMED);
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1", .len = 10), PK_UDP()), buf,
	    &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK(d.l[0].flags & PK_DL_BADLEN);
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_TCP(.off = 2)), buf,
	    &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK(d.l[1].flags & PK_DL_BADLEN);
	BUILD(PK_PKT(PK_IP6(.dst = "::1", .plen = 4000), PK_UDP(.len = 3000)),
	    buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK(d.l[0].flags & PK_DL_SHORT);
	ATF_CHECK(d.l[1].flags & PK_DL_SHORT);
	ATF_CHECK_EQ(d.l[1].cksum, PK_CKSUM_UNKNOWN);
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_SCTP(PK_SCTPCHUNKS(
	    PK_SCTP_CHUNK(.type = 9, .len = 2)))), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK(d.l[2].flags & PK_DL_BADLEN);
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_UDP(.sum = PK_ZERO)),
	    buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK_EQ(d.l[1].cksum, PK_CKSUM_ABSENT);
}

ATF_TC_WITHOUT_HEAD(dissect_caps_extension_header_chains);
ATF_TC_BODY(dissect_caps_extension_header_chains, tc)
{
	size_t k;

	/* 60 Destination Options headers, each naming another. */
	memset(buf, 0, 40 + 60 * 8);
	buf[0] = 0x60;
	buf[4] = (60 * 8) >> 8;
	buf[5] = (60 * 8) & 0xff;
	buf[6] = 60;
	for (k = 0; k < 60; k++)
		buf[40 + 8 * k] = 60;
	ATF_REQUIRE(pk_dissect(buf, 40 + 60 * 8, PK_DLT_RAW, &d) == 0);
	ATF_CHECK_EQ(d.nlayers, PK_DLAYER_MAX);
	ATF_CHECK(d.flags & PK_DP_TOODEEP);
	layers_inside(40 + 60 * 8);
	/* A header whose length runs past the packet. */
	buf[40 + 8 * 3 + 1] = 200;
	ATF_REQUIRE(pk_dissect(buf, 40 + 60 * 8, PK_DLT_RAW, &d) == 0);
	ATF_CHECK_EQ(d.nlayers, 5);
	ATF_CHECK(d.l[4].flags & PK_DL_TRUNC);
}

ATF_TC_WITHOUT_HEAD(dissect_follows_quotes_only_so_deep);
ATF_TC_BODY(dissect_follows_quotes_only_so_deep, tc)
{
	size_t k;
	int i;

	/* ICMP errors quoting ICMP errors, by hand: 6 levels. */
	memset(buf, 0, sizeof(buf));
	for (k = 0; k < 6; k++) {
		buf[28 * k] = 0x45;
		buf[28 * k + 3] = (uint8_t)(28 * (6 - k) + 8);
		buf[28 * k + 9] = 1;
		buf[28 * k + 20] = 11;
	}
	ATF_REQUIRE(pk_dissect(buf, 28 * 6 + 8, PK_DLT_RAW, &d) == 0);
	for (i = 0; i < d.nlayers; i++)
		ATF_CHECK(d.l[i].depth <= PK_DDEPTH_MAX);
	ATF_CHECK_EQ(d.l[d.nlayers - 1].proto, PK_PROTO_RAW);
	ATF_CHECK_EQ(d.l[d.nlayers - 1].depth, PK_DDEPTH_MAX);
}

ATF_TC_WITHOUT_HEAD(dissect_rejects_unknown_link_types);
ATF_TC_BODY(dissect_rejects_unknown_link_types, tc)
{

	ATF_CHECK_EQ(pk_dissect(buf, 10, 9999, &d), -1);
	ATF_CHECK_EQ(d.nlayers, 0);
	ATF_CHECK_EQ(pk_dissect(NULL, 0, PK_DLT_EN10MB, &d), 0);
	ATF_CHECK(d.flags & PK_DP_TRUNC);
	build_ok(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_UDP()), NULL, buf + 16,
	    sizeof(buf) - 16, &len, __FILE__, __LINE__);
	memset(buf, 0, 16);
	buf[14] = 0x08;
	ATF_REQUIRE(pk_dissect(buf, len + 16, PK_DLT_LINUX_SLL, &d) == 0);
	ATF_CHECK_EQ(d.nlayers, 3);
	ATF_CHECK_EQ(d.l[1].proto, PK_PROTO_IP4);
	ATF_CHECK_EQ(d.l[2].cksum, PK_CKSUM_OK);
}

ATF_TC_WITHOUT_HEAD(tcp_option_lookup_survives_bad_options);
ATF_TC_BODY(tcp_option_lookup_survives_bad_options, tc)
{
	static const uint8_t junk[] = { 0xff };
	const uint8_t *v;
	size_t n;

	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_TCP(PK_TCPOPTS(PK_NOP(),
	    PK_TCPOPT(.kind = PK_TCPOPT_K_RAW, .type = 30, .len = 40,
	    .data = junk, .datalen = 1)))), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK_EQ(pk_dtcp_opt(&d, &d.l[1], 30, &v, &n), -1);
	ATF_CHECK_EQ(pk_dtcp_opt(&d, &d.l[0], 30, &v, &n), -1);
}

ATF_TC_WITHOUT_HEAD(line_shows_what_a_failing_test_needs);
ATF_TC_BODY(line_shows_what_a_failing_test_needs, tc)
{
	char s[1024];

	BUILD(PK_PKT(PK_ETHER(.src = MAC1, .dst = MAC2),
	    PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2", .tos = 0x10,
	    .ttl = 3, .id = 77, .df = 1),
	    PK_TCP(.sport = 1234, .dport = 80, .seq = 5, .ack = 6,
	    .flags = PK_TH_SYN | PK_TH_ACK, .sum = 0xdead,
	    PK_TCPOPTS(PK_MSS(1460)))), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_EN10MB, &d) == 0);
	ATF_CHECK_EQ(pk_dpkt_line(&d, s, sizeof(s)), strlen(s));
	ATF_CHECK_STREQ(s, "02:00:00:00:00:01 > 02:00:00:00:00:02, "
	    "IP 192.0.2.1.1234 > 192.0.2.2.80: Flags [S.], seq 5, ack 6, "
	    "win 8192, options [mss 1460], length 0 [bad tcp cksum 0xdead] "
	    "(ttl 3, id 77, tos 0x10, len 44, DF)");
	BUILD(PK_PKT(PK_IP6(.src = "2001:db8::2", .dst = "2001:db8::1",
	    .hlim = 9), PK_ICMP6_PTB(.mtu = 1280, .inner = PK_PKT(PK_IP6(),
	    PK_IP6_FRAG(.id = 7, .mf = 1), PK_UDP(.sport = 9, .dport = 10)))),
	    buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	pk_dpkt_line(&d, s, sizeof(s));
	ATF_CHECK_STREQ(s, "IP6 2001:db8::2 > 2001:db8::1: ICMP6 packet too "
	    "big, mtu 1280, length 64 (hlim 9, tc 0x0, flow 0x0, plen 64) { "
	    "IP6 2001:db8::1.9 > 2001:db8::2.10: frag id 0x00000007 off 0 MF "
	    "UDP, length 0 (hlim 64, tc 0x0, flow 0x0, plen 16) }");
	BUILD(PK_PKT(PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2",
	    .off = 185, .mf = 1, .id = 9, .proto = 17, .sum = 1),
	    PK_RAW(.len = 8)), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	pk_dpkt_line(&d, s, sizeof(s));
	ATF_CHECK_STREQ(s, "IP 192.0.2.1 > 192.0.2.2: frag id 9 off 1480 MF, "
	    "data, length 8 (ttl 64, id 9, tos 0x0, len 28, bad ip cksum "
	    "0x0001)");
}

ATF_TC_WITHOUT_HEAD(printers_truncate_like_snprintf);
ATF_TC_BODY(printers_truncate_like_snprintf, tc)
{
	char big[4096], small[16];
	size_t n;

	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.2"), PK_UDP(.sum = 7)), buf,
	    &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	n = pk_dpkt_line(&d, big, sizeof(big));
	ATF_CHECK_EQ(pk_dpkt_line(&d, small, sizeof(small)), n);
	ATF_CHECK_EQ(strlen(small), sizeof(small) - 1);
	ATF_CHECK(strncmp(small, big, sizeof(small) - 1) == 0);
	ATF_CHECK_EQ(pk_dpkt_line(&d, NULL, 0), n);
	n = pk_dpkt_dump(&d, big, sizeof(big));
	ATF_CHECK_EQ(n, strlen(big));
	ATF_CHECK(strstr(big, "[1] udp @20 hlen 8 len 8 cksum BAD: sport 53 "
	    "dport 53 len 8 sum 0x0007") != NULL);
	ATF_CHECK(strstr(big, "BAD CHECKSUM") != NULL);
	ATF_CHECK(strstr(big, "  0000: 4500 001c") != NULL);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, dissect_stays_inside_every_truncation);
	ATF_TP_ADD_TC(tp, dissect_flags_lying_lengths);
	ATF_TP_ADD_TC(tp, dissect_caps_extension_header_chains);
	ATF_TP_ADD_TC(tp, dissect_follows_quotes_only_so_deep);
	ATF_TP_ADD_TC(tp, dissect_rejects_unknown_link_types);
	ATF_TP_ADD_TC(tp, tcp_option_lookup_survives_bad_options);
	ATF_TP_ADD_TC(tp, line_shows_what_a_failing_test_needs);
	ATF_TP_ADD_TC(tp, printers_truncate_like_snprintf);
	return (atf_no_error());
}
