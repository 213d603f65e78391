/*
 * golden_test: crafted bytes against bytes verified independently:
 * frames the Linux kernel sent (golden.h) and the CRC32c examples of
 * RFC 3720 appendix B.4.
 */
#include <stdlib.h>

#include "testutil.h"
#include "golden.h"

#define	GOLDEN(name, want, ...)						\
ATF_TC_WITHOUT_HEAD(name);						\
ATF_TC_BODY(name, tc)							\
{									\
	uint8_t buf[2048];						\
	size_t len;							\
									\
	BUILD(PK_PKT(__VA_ARGS__), buf, &len);				\
	CHECK_BYTES(buf, len, want, sizeof(want), PK_DLT_EN10MB);	\
}

GOLDEN(golden_mld2_report_with_router_alert, g_mld2_report,
    PK_ETHER(.src = MAC1),
    PK_IP6(.src = "::", .dst = "ff02::16", .hlim = 1),
    PK_IP6_HBH(PK_IP6OPTS(PK_IP6OPT_RA(0))),
    PK_MLD2_REPORT(PK_MLD2RECS(PK_MLD2REC(.type = 4,
	.group = "ff02::1:ff00:1"))))

GOLDEN(golden_router_solicitation, g_rs,
    PK_ETHER(.src = MAC1),
    PK_IP6(.src = "fe80::ff:fe00:1", .dst = "ff02::2", .hlim = 255),
    PK_ICMP6_RS(PK_NDOPTS(PK_NDOPT_SLLA(MAC1))))

GOLDEN(golden_arp_request, g_arp_request,
    PK_ETHER(.src = MAC1),
    PK_ARP(.sha = MAC1, .spa = "192.0.2.1", .tpa = "192.0.2.2"))

GOLDEN(golden_arp_reply, g_arp_reply,
    PK_ETHER(.src = MAC2, .dst = MAC1),
    PK_ARP(.op = PK_ARP_REPLY, .sha = MAC2, .spa = "192.0.2.2",
	.tha = MAC1, .tpa = "192.0.2.1"))

GOLDEN(golden_icmp4_echo_request, g_echo4,
    PK_ETHER(.src = MAC1, .dst = MAC2),
    PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2", .id = 56388, .df = 1),
    PK_ICMP4_ECHO(.id = 15372, .seq = 1, .data = g_echo4 + 42,
	.datalen = 16))

GOLDEN(golden_neighbor_solicitation, g_ns,
    PK_ETHER(.src = MAC1),
    PK_IP6(.src = "2001:db8::1", .dst = "ff02::1:ff00:2", .hlim = 255),
    PK_ICMP6_NS(.target = "2001:db8::2", PK_NDOPTS(PK_NDOPT_SLLA(MAC1))))

GOLDEN(golden_neighbor_advertisement, g_na,
    PK_ETHER(.src = MAC2, .dst = MAC1),
    PK_IP6(.src = "2001:db8::2", .dst = "2001:db8::1", .hlim = 255),
    PK_ICMP6_NA(.target = "2001:db8::2",
	.flags = PK_NA_SOLICITED | PK_NA_OVERRIDE,
	PK_NDOPTS(PK_NDOPT_TLLA(MAC2))))

GOLDEN(golden_icmp6_echo_with_flow_label, g_echo6,
    PK_ETHER(.src = MAC1, .dst = MAC2),
    PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2", .flow = 0xa5b79),
    PK_ICMP6_ECHO(.id = 15378, .seq = 1, .data = g_echo6 + 62,
	.datalen = 16))

GOLDEN(golden_tcp4_syn_with_options, g_syn4,
    PK_ETHER(.src = MAC1, .dst = MAC2),
    PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2", .id = 13856, .df = 1),
    PK_TCP(.sport = 50616, .dport = 9, .seq = 241512690, .win = 64240,
	PK_TCPOPTS(PK_MSS(1460), PK_SACKOK(), PK_TS(2948702224, 0),
	PK_NOP(), PK_WSCALE(10))))

GOLDEN(golden_tcp4_rst_ack_zero_window, g_rst4,
    PK_ETHER(.src = MAC2, .dst = MAC1),
    PK_IP4(.src = "192.0.2.2", .dst = "192.0.2.1", .df = 1),
    PK_TCP(.sport = 9, .dport = 50616, .ack = 241512691,
	.flags = PK_TH_RST | PK_TH_ACK, .win = PK_ZERO))

GOLDEN(golden_tcp6_syn_with_options, g_syn6,
    PK_ETHER(.src = MAC1, .dst = MAC2),
    PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2", .flow = 0x22575),
    PK_TCP(.sport = 58362, .dport = 9, .seq = 1588606111, .win = 64800,
	PK_TCPOPTS(PK_MSS(1440), PK_SACKOK(), PK_TS(2551246201, 0),
	PK_NOP(), PK_WSCALE(10))))

GOLDEN(golden_udp4, g_udp4,
    PK_ETHER(.src = MAC1, .dst = MAC2),
    PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2", .id = 11806, .df = 1),
    PK_UDP(.sport = 44750, .dport = 9), PK_STR("hello\n"))

GOLDEN(golden_icmp4_port_unreachable_quoting_udp, g_unreach4,
    PK_ETHER(.src = MAC2, .dst = MAC1),
    PK_IP4(.src = "192.0.2.2", .dst = "192.0.2.1", .tos = 0xc0,
	.id = 46519),
    PK_ICMP4_UNREACH(.code = 3, .inner = PK_PKT(
	PK_IP4(.id = 11806, .df = 1),
	PK_UDP(.sport = 44750, .dport = 9, .sum = 0x8423),
	PK_STR("hello\n"))))

GOLDEN(golden_udp6, g_udp6,
    PK_ETHER(.src = MAC1, .dst = MAC2),
    PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2", .flow = 0x99d97),
    PK_UDP(.sport = 48417, .dport = 9), PK_STR("hello6\n"))

GOLDEN(golden_icmp6_port_unreachable_quoting_udp, g_unreach6,
    PK_ETHER(.src = MAC2, .dst = MAC1),
    PK_IP6(.src = "2001:db8::2", .dst = "2001:db8::1", .flow = 0x5f9db),
    PK_ICMP6_UNREACH(.code = 4, .inner = PK_PKT(
	PK_IP6(.flow = 0x99d97),
	PK_UDP(.sport = 48417, .dport = 9, .sum = 0x5b95),
	PK_STR("hello6\n"))))

/* ping's data: the time stamp, then byte k is k & 0xff. */
static void
ping_data(uint8_t *p, size_t n, const uint8_t *ts)
{
	size_t k;

	for (k = 0; k < n; k++)
		p[k] = (uint8_t)k;
	memcpy(p, ts, 16);
}

static void
check_frag(const struct pk_frag *f, const uint8_t *hdr, size_t hlen,
    const uint8_t *data, size_t dlen)
{

	ATF_REQUIRE_EQ(f->len, hlen + dlen);
	CHECK_BYTES(f->buf, hlen, hdr, hlen, PK_DLT_EN10MB);
	ATF_CHECK(memcmp(f->buf + hlen, data, dlen) == 0);
}

ATF_TC_WITHOUT_HEAD(golden_ip4_fragments_match_the_kernels);
ATF_TC_BODY(golden_ip4_fragments_match_the_kernels, tc)
{
	uint8_t data[3000], buf[4096], icmp[3008];
	struct pk_frags fr;
	struct pk_err err;
	size_t len;

	ping_data(data, sizeof(data), g_frag4_ts);
	BUILD(PK_PKT(PK_ETHER(.src = MAC1, .dst = MAC2),
	    PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2", .id = 56389),
	    PK_ICMP4_ECHO(.id = 15403, .seq = 1, .data = data,
	    .datalen = sizeof(data))), buf, &len);
	ATF_REQUIRE_EQ(len, 14 + 20 + 8 + 3000);
	ATF_REQUIRE_MSG(pk_frag(buf, len, PK_DLT_EN10MB, 1500, 0, &fr,
	    &err) == 0, "%s", err.msg);
	ATF_REQUIRE_EQ(fr.n, 3);
	memcpy(icmp, buf + 34, sizeof(icmp));
	check_frag(&fr.v[0], g_frag4_hdr0, 42, icmp + 8, 1472);
	check_frag(&fr.v[1], g_frag4_hdr1, 34, icmp + 1480, 1480);
	check_frag(&fr.v[2], g_frag4_hdr2, 34, icmp + 2960, 48);
	pk_frags_free(&fr);
}

ATF_TC_WITHOUT_HEAD(golden_ip6_fragments_match_the_kernels);
ATF_TC_BODY(golden_ip6_fragments_match_the_kernels, tc)
{
	uint8_t data[3000], buf[4096], icmp[3008];
	struct pk_frags fr;
	struct pk_err err;
	size_t len;

	ping_data(data, sizeof(data), g_frag6_ts);
	BUILD(PK_PKT(PK_ETHER(.src = MAC1, .dst = MAC2),
	    PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2",
	    .flow = 0xa5b79),
	    PK_ICMP6_ECHO(.id = 15409, .seq = 1, .data = data,
	    .datalen = sizeof(data))), buf, &len);
	ATF_REQUIRE_MSG(pk_frag(buf, len, PK_DLT_EN10MB, 1500, 0x947cb464,
	    &fr, &err) == 0, "%s", err.msg);
	ATF_REQUIRE_EQ(fr.n, 3);
	memcpy(icmp, buf + 54, sizeof(icmp));
	check_frag(&fr.v[0], g_frag6_hdr0, 70, icmp + 8, 1440);
	check_frag(&fr.v[1], g_frag6_hdr1, 62, icmp + 1448, 1448);
	check_frag(&fr.v[2], g_frag6_hdr2, 62, icmp + 2896, 112);
	pk_frags_free(&fr);
}

/* The kernel's own fragments, rebuilt from golden.h, reassemble to the
 * packet crafted whole. */
ATF_TC_WITHOUT_HEAD(golden_ip4_kernel_fragments_reassemble);
ATF_TC_BODY(golden_ip4_kernel_fragments_reassemble, tc)
{
	static const size_t hl[3] = { 42, 34, 34 }, dl[3] = { 1472, 1480, 48 };
	static const size_t from[3] = { 8, 1480, 2960 };
	const uint8_t *hdr[3] = { g_frag4_hdr0, g_frag4_hdr1, g_frag4_hdr2 };
	uint8_t data[3000], whole[4096], icmp[3008], fr[1600];
	struct pk_reasm_dgram dg;
	struct pk_reasm *r;
	size_t len;
	int k;

	ping_data(data, sizeof(data), g_frag4_ts);
	BUILD(PK_PKT(PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2",
	    .id = 56389), PK_ICMP4_ECHO(.id = 15403, .seq = 1, .data = data,
	    .datalen = sizeof(data))), whole, &len);
	memcpy(icmp, whole + 20, sizeof(icmp));
	ATF_REQUIRE((r = pk_reasm_new(NULL, NULL)) != NULL);
	for (k = 2; k >= 0; k--) {
		memcpy(fr, hdr[k], hl[k]);
		memcpy(fr + hl[k], icmp + from[k], dl[k]);
		ATF_CHECK_EQ(pk_reasm_add(r, fr, hl[k] + dl[k], PK_DLT_EN10MB,
		    &dg), k > 0 ? PK_REASM_HELD : PK_REASM_DONE);
	}
	CHECK_BYTES(dg.buf, dg.len, whole, len, PK_DLT_RAW);
	pk_reasm_free(r);
}

/* RFC 3720 B.4 lists the CRC as it goes on the wire, low byte first. */
static void
check_crc(const uint8_t *p, size_t n, const uint8_t want[4])
{
	uint32_t crc;

	crc = pk_crc32c(p, n);
	ATF_CHECK_EQ(crc & 0xff, want[0]);
	ATF_CHECK_EQ((crc >> 8) & 0xff, want[1]);
	ATF_CHECK_EQ((crc >> 16) & 0xff, want[2]);
	ATF_CHECK_EQ(crc >> 24, want[3]);
}

ATF_TC_WITHOUT_HEAD(crc32c_matches_rfc3720_examples);
ATF_TC_BODY(crc32c_matches_rfc3720_examples, tc)
{
	static const uint8_t pdu[48] = {
		0x01, 0xc0, [16] = 0x14, [22] = 0x04, [27] = 0x14,
		[31] = 0x18, [32] = 0x28, [40] = 0x02,
	};
	uint8_t p[32];
	int k;

	memset(p, 0, sizeof(p));
	check_crc(p, 32, (const uint8_t[]){ 0xaa, 0x36, 0x91, 0x8a });
	memset(p, 0xff, sizeof(p));
	check_crc(p, 32, (const uint8_t[]){ 0x43, 0xab, 0xa8, 0x62 });
	for (k = 0; k < 32; k++)
		p[k] = (uint8_t)k;
	check_crc(p, 32, (const uint8_t[]){ 0x4e, 0x79, 0xdd, 0x46 });
	for (k = 0; k < 32; k++)
		p[k] = (uint8_t)(31 - k);
	check_crc(p, 32, (const uint8_t[]){ 0x5c, 0xdb, 0x3f, 0x11 });
	check_crc(pdu, sizeof(pdu), (const uint8_t[]){ 0x56, 0x3a, 0x96,
	    0xd9 });
}

/* RFC 1071's example words (section 3) sum to ddf2: checksum 220d. */
ATF_TC_WITHOUT_HEAD(internet_checksum_matches_rfc1071_example);
ATF_TC_BODY(internet_checksum_matches_rfc1071_example, tc)
{
	static const uint8_t w[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
	    0xf6, 0xf7 };

	ATF_CHECK_EQ(pk_in_cksum(w, sizeof(w)), 0x220d);
	/* An odd length pads with a zero byte: 0001 + f200. */
	ATF_CHECK_EQ(pk_in_cksum(w, 3), (uint16_t)~0xf201);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, golden_mld2_report_with_router_alert);
	ATF_TP_ADD_TC(tp, golden_router_solicitation);
	ATF_TP_ADD_TC(tp, golden_arp_request);
	ATF_TP_ADD_TC(tp, golden_arp_reply);
	ATF_TP_ADD_TC(tp, golden_icmp4_echo_request);
	ATF_TP_ADD_TC(tp, golden_neighbor_solicitation);
	ATF_TP_ADD_TC(tp, golden_neighbor_advertisement);
	ATF_TP_ADD_TC(tp, golden_icmp6_echo_with_flow_label);
	ATF_TP_ADD_TC(tp, golden_tcp4_syn_with_options);
	ATF_TP_ADD_TC(tp, golden_tcp4_rst_ack_zero_window);
	ATF_TP_ADD_TC(tp, golden_tcp6_syn_with_options);
	ATF_TP_ADD_TC(tp, golden_udp4);
	ATF_TP_ADD_TC(tp, golden_icmp4_port_unreachable_quoting_udp);
	ATF_TP_ADD_TC(tp, golden_udp6);
	ATF_TP_ADD_TC(tp, golden_icmp6_port_unreachable_quoting_udp);
	ATF_TP_ADD_TC(tp, golden_ip4_fragments_match_the_kernels);
	ATF_TP_ADD_TC(tp, golden_ip6_fragments_match_the_kernels);
	ATF_TP_ADD_TC(tp, golden_ip4_kernel_fragments_reassemble);
	ATF_TP_ADD_TC(tp, crc32c_matches_rfc3720_examples);
	ATF_TP_ADD_TC(tp, internet_checksum_matches_rfc1071_example);
	return (atf_no_error());
}
