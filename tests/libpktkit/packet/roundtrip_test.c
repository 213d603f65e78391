/*
 * roundtrip_test: every layer and option crafted, then dissected: the
 * dissector must find each field as it was set and every computed
 * checksum right.
 */
#include <arpa/inet.h>

#include "testutil.h"

static uint8_t buf[PK_PKT_MAX];
static size_t len;
static struct pk_dpkt d;

static const struct pk_dlayer *
layer(enum pk_proto p, int nth)
{
	const struct pk_dlayer *l;
	char s[1024];

	l = pk_dpkt_find(&d, p, nth);
	pk_dpkt_line(&d, s, sizeof(s));
	ATF_REQUIRE_MSG(l != NULL, "no %s #%d in: %s", pk_proto_name(p), nth,
	    s);
	return (l);
}

static void
all_cksums_ok(void)
{
	char s[4096];
	int i;

	pk_dpkt_dump(&d, s, sizeof(s));
	for (i = 0; i < d.nlayers; i++)
		ATF_CHECK_MSG(d.l[i].cksum == PK_CKSUM_NONE ||
		    d.l[i].cksum == PK_CKSUM_OK, "layer %d (%s) checksum "
		    "verdict %d:\n%s", i, pk_proto_name(d.l[i].proto),
		    d.l[i].cksum, s);
	ATF_CHECK((d.flags & PK_DP_BADCKSUM) == 0);
}

ATF_TC_WITHOUT_HEAD(ether_vlan_qinq_roundtrip);
ATF_TC_BODY(ether_vlan_qinq_roundtrip, tc)
{
	const struct pk_dlayer *l;

	BUILD(PK_PKT(PK_ETHER(.src = MAC1, .dst = MAC2, .type = 0x88a8),
	    PK_DOT1Q(.vid = 100, .prio = 5, .dei = 1), PK_DOT1Q(.vid = 7),
	    PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2"), PK_UDP()),
	    buf, &len);
	DISSECT(buf, len, PK_DLT_EN10MB, &d, PK_PROTO_ETHER, PK_PROTO_DOT1Q,
	    PK_PROTO_DOT1Q, PK_PROTO_IP4, PK_PROTO_UDP);
	l = layer(PK_PROTO_ETHER, 0);
	ATF_CHECK_EQ(l->u.ether.type, 0x88a8);
	ATF_CHECK(memcmp(l->u.ether.src, "\2\0\0\0\0\1", 6) == 0);
	l = layer(PK_PROTO_DOT1Q, 0);
	ATF_CHECK_EQ(l->u.dot1q.vid, 100);
	ATF_CHECK_EQ(l->u.dot1q.prio, 5);
	ATF_CHECK_EQ(l->u.dot1q.dei, 1);
	ATF_CHECK_EQ(l->u.dot1q.type, 0x8100);
	ATF_CHECK_EQ(l->off, 14);
	l = layer(PK_PROTO_DOT1Q, 1);
	ATF_CHECK_EQ(l->u.dot1q.vid, 7);
	ATF_CHECK_EQ(l->u.dot1q.type, 0x0800);
	ATF_CHECK_EQ(layer(PK_PROTO_IP4, 0)->off, 22);
	all_cksums_ok();
}

ATF_TC_WITHOUT_HEAD(arp_roundtrip);
ATF_TC_BODY(arp_roundtrip, tc)
{
	const struct pk_dlayer *l;

	BUILD(PK_PKT(PK_ETHER(), PK_ARP(.op = PK_ARP_REPLY, .sha = MAC2,
	    .spa = "192.0.2.2", .tha = MAC1, .tpa = "192.0.2.1")), buf, &len);
	DISSECT(buf, len, PK_DLT_EN10MB, &d, PK_PROTO_ETHER, PK_PROTO_ARP);
	l = layer(PK_PROTO_ARP, 0);
	ATF_CHECK_EQ(l->u.arp.op, 2);
	ATF_CHECK_EQ(l->u.arp.hrd, 1);
	ATF_CHECK_EQ(l->u.arp.pro, 0x0800);
	ATF_CHECK(memcmp(l->u.arp.sha, "\2\0\0\0\0\2", 6) == 0);
	ATF_CHECK(memcmp(l->u.arp.tpa, "\300\0\2\1", 4) == 0);
	ATF_CHECK_EQ(layer(PK_PROTO_ETHER, 0)->u.ether.type, 0x0806);
}

ATF_TC_WITHOUT_HEAD(ip4_options_roundtrip);
ATF_TC_BODY(ip4_options_roundtrip, tc)
{
	static const uint8_t sec[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	const struct pk_dlayer *l;
	const uint8_t *o;

	BUILD(PK_PKT(PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2",
	    PK_IP4OPTS(PK_IP4OPT_RA(0), PK_IP4OPT_NOP(),
	    PK_IP4OPT_LSRR("198.51.100.1", "203.0.113.9"),
	    PK_IP4OPT_RAW(130, sec, sizeof(sec)))),
	    PK_UDP(.sport = 1, .dport = 2), PK_STR("x")), buf, &len);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP4, PK_PROTO_UDP,
	    PK_PROTO_RAW);
	l = layer(PK_PROTO_IP4, 0);
	/* 4 + 1 + 11 + 11 = 27 bytes of options, padded to 28. */
	ATF_CHECK_EQ(l->u.ip4.hl, 48);
	o = buf + 20;
	ATF_CHECK(memcmp(o, "\x94\x04\0\0\x01\x83\x0b\x04", 8) == 0);
	ATF_CHECK(memcmp(o + 8, "\xc6\x33\x64\x01\xcb\x00\x71\x09", 8) == 0);
	ATF_CHECK(memcmp(o + 16, "\x82\x0b\x01\x02", 4) == 0);
	ATF_CHECK_EQ(o[27], 0);
	/* The UDP checksum uses the source route's final destination. */
	all_cksums_ok();
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.2", PK_IP4OPTS(PK_IP4OPT_RR(2),
	    PK_IP4OPT_TS(1))), PK_ICMP4_ECHO()), buf, &len);
	ATF_CHECK(memcmp(buf + 20, "\x07\x0b\x04", 3) == 0);
	ATF_CHECK(memcmp(buf + 31, "\x44\x08\x05\x00", 4) == 0);
	ATF_CHECK_EQ(buf[0], 0x45 + 5);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP4, PK_PROTO_ICMP4);
	all_cksums_ok();
}

ATF_TC_WITHOUT_HEAD(ip6_extension_headers_in_any_order_roundtrip);
ATF_TC_BODY(ip6_extension_headers_in_any_order_roundtrip, tc)
{
	const struct pk_dlayer *l;

	BUILD(PK_PKT(PK_ETHER(), PK_IP6(.src = "2001:db8::1",
	    .dst = "2001:db8::2", .tc = 0xb8, .flow = 0x12345, .hlim = 7),
	    PK_IP6_DSTOPTS(PK_IP6OPTS(PK_IP6OPT_PADN(3))),
	    PK_IP6_HBH(PK_IP6OPTS(PK_IP6OPT_RA(0), PK_IP6OPT_PAD1())),
	    PK_IP6_RT(.addrs = { "2001:db8::10", "2001:db8::20" }),
	    PK_IP6_DSTOPTS(),
	    PK_TCP(.sport = 1000, .dport = 2000, .flags = PK_TH_ACK)),
	    buf, &len);
	DISSECT(buf, len, PK_DLT_EN10MB, &d, PK_PROTO_ETHER, PK_PROTO_IP6,
	    PK_PROTO_IP6_DSTOPTS, PK_PROTO_IP6_HBH, PK_PROTO_IP6_RT,
	    PK_PROTO_IP6_DSTOPTS, PK_PROTO_TCP);
	l = layer(PK_PROTO_IP6, 0);
	ATF_CHECK_EQ(l->u.ip6.tc, 0xb8);
	ATF_CHECK_EQ(l->u.ip6.flow, 0x12345);
	ATF_CHECK_EQ(l->u.ip6.hlim, 7);
	ATF_CHECK_EQ(l->u.ip6.nh, 60);
	ATF_CHECK_EQ(l->u.ip6.plen, len - 54);
	ATF_CHECK_EQ(layer(PK_PROTO_IP6_DSTOPTS, 0)->u.ip6ext.nh, 0);
	ATF_CHECK_EQ(layer(PK_PROTO_IP6_HBH, 0)->u.ip6ext.nh, 43);
	l = layer(PK_PROTO_IP6_RT, 0);
	ATF_CHECK_EQ(l->u.ip6ext.len, 40);
	ATF_CHECK_EQ(l->u.ip6ext.segleft, 2);
	ATF_CHECK_EQ(l->u.ip6ext.nh, 60);
	ATF_CHECK_EQ(layer(PK_PROTO_IP6_DSTOPTS, 1)->u.ip6ext.nh, 6);
	/* libnet alone would have summed at the first extension header,
	 * with the IPv6 destination instead of the final one. */
	all_cksums_ok();
	ATF_CHECK_EQ(layer(PK_PROTO_TCP, 0)->cksum, PK_CKSUM_OK);
}

ATF_TC_WITHOUT_HEAD(ip6_fragment_header_roundtrip);
ATF_TC_BODY(ip6_fragment_header_roundtrip, tc)
{
	const struct pk_dlayer *l;

	BUILD(PK_PKT(PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2"),
	    PK_IP6_FRAG(.off = 185, .mf = 1, .id = 0xdeadbeef, .nh = 58),
	    PK_RAW(.len = 16, .fill = 0xaa)), buf, &len);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP6, PK_PROTO_IP6_FRAG,
	    PK_PROTO_RAW);
	l = layer(PK_PROTO_IP6_FRAG, 0);
	ATF_CHECK_EQ(l->u.ip6ext.off, 185 * 8);
	ATF_CHECK_EQ(l->u.ip6ext.mf, 1);
	ATF_CHECK_EQ(l->u.ip6ext.id, 0xdeadbeef);
	ATF_CHECK_EQ(l->u.ip6ext.nh, 58);
	ATF_CHECK_EQ(buf[len - 1], 0xaa);
}

static void
icmp4_check(uint8_t type, uint8_t code, uint32_t rest, int inner)
{
	const struct pk_dlayer *l;

	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	l = layer(PK_PROTO_ICMP4, 0);
	ATF_CHECK_EQ(l->u.icmp.type, type);
	ATF_CHECK_EQ(l->u.icmp.code, code);
	ATF_CHECK_EQ(l->u.icmp.rest, rest);
	ATF_CHECK_EQ(l->cksum, PK_CKSUM_OK);
	if (inner) {
		l = layer(PK_PROTO_IP4, 1);
		ATF_CHECK_EQ(l->depth, 1);
		ATF_CHECK(l->flags & PK_DL_INNER);
		/* Quoted addresses default to the outer ones, swapped. */
		ATF_CHECK_EQ(l->u.ip4.src.s_addr, htonl(0xc0000201));
		ATF_CHECK_EQ(l->u.ip4.dst.s_addr, htonl(0xc0000202));
		ATF_CHECK_EQ(layer(PK_PROTO_UDP, 0)->depth, 1);
	}
	all_cksums_ok();
}

#define	IP4_OUT	PK_IP4(.src = "192.0.2.2", .dst = "192.0.2.1")
#define	QUOTE	.inner = PK_PKT(PK_IP4(), PK_UDP(.sport = 7, .dport = 9))

ATF_TC_WITHOUT_HEAD(icmp4_messages_roundtrip);
ATF_TC_BODY(icmp4_messages_roundtrip, tc)
{

	BUILD(PK_PKT(IP4_OUT, PK_ICMP4_ECHO(.id = 7, .seq = 9)), buf, &len);
	icmp4_check(8, 0, 7 << 16 | 9, 0);
	BUILD(PK_PKT(IP4_OUT, PK_ICMP4_ECHOREPLY(.id = 7, .seq = 9)), buf,
	    &len);
	icmp4_check(0, 0, 7 << 16 | 9, 0);
	BUILD(PK_PKT(IP4_OUT, PK_ICMP4_UNREACH(.code = 4, .mtu = 1280,
	    QUOTE)), buf, &len);
	icmp4_check(3, 4, 1280, 1);
	BUILD(PK_PKT(IP4_OUT, PK_ICMP4_TIMXCEED(.code = 1, QUOTE)), buf,
	    &len);
	icmp4_check(11, 1, 0, 1);
	BUILD(PK_PKT(IP4_OUT, PK_ICMP4_REDIRECT(.code = 1,
	    .gw = "192.0.2.254", QUOTE)), buf, &len);
	icmp4_check(5, 1, 0xc00002fe, 1);
	BUILD(PK_PKT(IP4_OUT, PK_ICMP4_PARAMPROB(.ptr = 9, QUOTE)), buf,
	    &len);
	icmp4_check(12, 0, 9U << 24, 1);
	BUILD(PK_PKT(IP4_OUT, PK_ICMP4(.type = 13, .rest = 0x01020304)),
	    buf, &len);
	icmp4_check(13, 0, 0x01020304, 0);
}

static void
icmp6_check(uint8_t type, uint32_t rest)
{
	const struct pk_dlayer *l;

	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	l = layer(PK_PROTO_ICMP6, 0);
	ATF_CHECK_EQ_MSG(l->u.icmp.type, type, "type %u", type);
	ATF_CHECK_EQ_MSG(l->u.icmp.rest, rest, "type %u", type);
	ATF_CHECK_EQ_MSG(l->cksum, PK_CKSUM_OK, "type %u", type);
	all_cksums_ok();
}

#define	IP6_OUT	PK_IP6(.src = "fe80::1", .dst = "ff02::1", .hlim = 255)
#define	QUOTE6	.inner = PK_PKT(PK_IP6(), PK_UDP())

ATF_TC_WITHOUT_HEAD(icmp6_messages_roundtrip);
ATF_TC_BODY(icmp6_messages_roundtrip, tc)
{
	const struct pk_dlayer *l;

	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_ECHO(.id = 1, .seq = 2)), buf, &len);
	icmp6_check(128, 1 << 16 | 2);
	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_ECHOREPLY(.id = 1)), buf, &len);
	icmp6_check(129, 1 << 16);
	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_UNREACH(.code = 1, QUOTE6)), buf,
	    &len);
	icmp6_check(1, 0);
	ATF_CHECK_EQ(layer(PK_PROTO_IP6, 1)->depth, 1);
	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_PTB(.mtu = 1280, QUOTE6)), buf, &len);
	icmp6_check(2, 1280);
	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_TIMXCEED(QUOTE6)), buf, &len);
	icmp6_check(3, 0);
	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_PARAMPROB(.code = 1, .ptr = 6,
	    QUOTE6)), buf, &len);
	icmp6_check(4, 6);
	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_NS(.target = "fe80::2",
	    PK_NDOPTS(PK_NDOPT_SLLA(MAC1)))), buf, &len);
	icmp6_check(135, 0);
	ATF_CHECK_EQ(layer(PK_PROTO_ICMP6, 0)->u.icmp.target.s6_addr[15], 2);
	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_NA(.target = "fe80::2",
	    .flags = PK_NA_ROUTER, PK_NDOPTS(PK_NDOPT_TLLA(MAC2)))), buf,
	    &len);
	icmp6_check(136, PK_NA_ROUTER);
	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_RS()), buf, &len);
	icmp6_check(133, 0);
	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_RA(.curhlim = 64,
	    .flags = PK_RA_MANAGED, .lifetime = 1800, .reachable = 30000,
	    PK_NDOPTS(PK_NDOPT_MTU(1400), PK_NDOPT_PREFIX(
	    .prefix = "2001:db8:1::", .plen = 48, .flags = 0xc0,
	    .valid = 100, .preferred = 50)))), buf, &len);
	icmp6_check(134, 64U << 24 | 0x80 << 16 | 1800);
	l = layer(PK_PROTO_ICMP6, 0);
	ATF_CHECK_EQ(l->len, 16 + 8 + 32);
	ATF_CHECK_EQ(buf[40 + 8] << 24 | buf[40 + 9] << 16 | buf[40 + 10] << 8 |
	    buf[40 + 11], 30000);
	BUILD(PK_PKT(IP6_OUT, PK_ICMP6_REDIRECT(.target = "fe80::9",
	    .dst = "2001:db8::9")), buf, &len);
	icmp6_check(137, 0);
	ATF_CHECK_EQ(layer(PK_PROTO_ICMP6, 0)->u.icmp.dst.s6_addr[15], 9);
	BUILD(PK_PKT(IP6_OUT, PK_MLD_QUERY(.maxdelay = 1000)), buf, &len);
	icmp6_check(130, 1000U << 16);
	BUILD(PK_PKT(IP6_OUT, PK_MLD_REPORT(.group = "ff02::fb")), buf,
	    &len);
	icmp6_check(131, 0);
	ATF_CHECK_EQ(layer(PK_PROTO_ICMP6, 0)->u.icmp.target.s6_addr[15],
	    0xfb);
	BUILD(PK_PKT(IP6_OUT, PK_MLD_DONE(.group = "ff02::fb")), buf, &len);
	icmp6_check(132, 0);
	BUILD(PK_PKT(IP6_OUT, PK_MLD2_QUERY(.maxdelay = 10, .qrv = 2,
	    .qqic = 125, .sources = { "2001:db8::1", "2001:db8::2" })), buf,
	    &len);
	icmp6_check(130, 10U << 16);
	ATF_CHECK_EQ(len, 40 + 28 + 32);
	BUILD(PK_PKT(IP6_OUT, PK_MLD2_REPORT(PK_MLD2RECS(
	    PK_MLD2REC(.type = 1, .group = "ff05::1",
	    .sources = { "2001:db8::5" }),
	    PK_MLD2REC(.type = 4, .group = "ff05::2")))), buf, &len);
	icmp6_check(143, 2);
	ATF_CHECK_EQ(len, 40 + 8 + 36 + 20);
}

ATF_TC_WITHOUT_HEAD(icmp6_behind_extension_headers_has_right_checksum);
ATF_TC_BODY(icmp6_behind_extension_headers_has_right_checksum, tc)
{

	BUILD(PK_PKT(PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2"),
	    PK_IP6_HBH(), PK_IP6_DSTOPTS(),
	    PK_IP6_RT(.addrs = { "2001:db8::99" }),
	    PK_ICMP6_ECHO(.id = 5)), buf, &len);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP6, PK_PROTO_IP6_HBH,
	    PK_PROTO_IP6_DSTOPTS, PK_PROTO_IP6_RT, PK_PROTO_ICMP6);
	all_cksums_ok();
	ATF_CHECK_EQ(layer(PK_PROTO_ICMP6, 0)->cksum, PK_CKSUM_OK);
	/* The empty HBH header is one PadN: 01 04 00 00 00 00. */
	ATF_CHECK(memcmp(buf + 40, "\x3c\x00\x01\x04\0\0\0\0", 8) == 0);
}

ATF_TC_WITHOUT_HEAD(tcp_options_roundtrip);
ATF_TC_BODY(tcp_options_roundtrip, tc)
{
	static const uint8_t md5[16] = { 0xa5 };
	const struct pk_dlayer *l;
	const uint8_t *v;
	size_t n;

	BUILD(PK_PKT(PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2"),
	    PK_TCP(.flags = PK_TH_ACK | PK_TH_PUSH, .seq = 1, .ack = 2,
	    .urp = 3, PK_TCPOPTS(PK_NOP(), PK_NOP(), PK_TS(7, 8),
	    PK_SACK(100, 200, 300, 400))), PK_STR("data")), buf, &len);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP4, PK_PROTO_TCP,
	    PK_PROTO_RAW);
	l = layer(PK_PROTO_TCP, 0);
	ATF_CHECK_EQ(l->u.tcp.off, 20 + 32);
	ATF_CHECK_EQ(l->u.tcp.flags, PK_TH_ACK | PK_TH_PUSH);
	ATF_CHECK_EQ(l->u.tcp.urp, 3);
	ATF_REQUIRE(pk_dtcp_opt(&d, l, 8, &v, &n) == 0);
	ATF_CHECK_EQ(n, 8);
	ATF_CHECK(memcmp(v, "\0\0\0\7\0\0\0\x08", 8) == 0);
	ATF_REQUIRE(pk_dtcp_opt(&d, l, 5, &v, &n) == 0);
	ATF_CHECK_EQ(n, 16);
	ATF_CHECK(memcmp(v + 12, "\0\0\x01\x90", 4) == 0);
	ATF_CHECK(pk_dtcp_opt(&d, l, 2, &v, &n) == -1);
	all_cksums_ok();
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.2"), PK_TCP(PK_TCPOPTS(
	    PK_MSS(536), PK_WSCALE(14), PK_SACKOK(), PK_EOL(),
	    PK_TCPOPT_RAW(19, md5, sizeof(md5))))), buf, &len);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP4, PK_PROTO_TCP);
	l = layer(PK_PROTO_TCP, 0);
	/* 4 + 3 + 2 + 1 + 18 = 28 bytes; EOL ends the walk. */
	ATF_CHECK_EQ(l->u.tcp.off, 48);
	ATF_REQUIRE(pk_dtcp_opt(&d, l, 2, &v, &n) == 0);
	ATF_CHECK_EQ(v[0] << 8 | v[1], 536);
	ATF_REQUIRE(pk_dtcp_opt(&d, l, 3, &v, &n) == 0);
	ATF_CHECK_EQ(v[0], 14);
	ATF_CHECK(pk_dtcp_opt(&d, l, 19, &v, &n) == -1);
	ATF_CHECK(memcmp(buf + 20 + 30, "\x13\x12\xa5", 3) == 0);
	all_cksums_ok();
}

/* A checksum that computes to 0 goes out as 0xffff (RFC 768). */
static void
udp_zero_sum(int v6, int ext)
{
	uint8_t data[8];
	uint16_t c;
	size_t off;
	int pass;

	memset(data, 0, sizeof(data));
	for (pass = 0; pass < 2; pass++) {
		if (v6 && ext)
			BUILD(PK_PKT(PK_IP6(.dst = "2001:db8::2"),
			    PK_IP6_DSTOPTS(), PK_UDP(),
			    PK_RAW(.data = data, .len = 8)), buf, &len);
		else if (v6)
			BUILD(PK_PKT(PK_IP6(.dst = "2001:db8::2"), PK_UDP(),
			    PK_RAW(.data = data, .len = 8)), buf, &len);
		else
			BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.2"), PK_UDP(),
			    PK_RAW(.data = data, .len = 8)), buf, &len);
		off = len - 16;
		c = (uint16_t)(buf[off + 6] << 8 | buf[off + 7]);
		if (pass == 0) {
			/* Adding the checksum as a data word makes the sum
			 * 0xffff, whose complement is 0. */
			data[6] = c >> 8;
			data[7] = c & 0xff;
		}
	}
	ATF_CHECK_EQ(c, 0xffff);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	all_cksums_ok();
}

ATF_TC_WITHOUT_HEAD(udp_checksum_of_zero_is_sent_as_ffff);
ATF_TC_BODY(udp_checksum_of_zero_is_sent_as_ffff, tc)
{

	udp_zero_sum(0, 0);
	udp_zero_sum(1, 0);
	udp_zero_sum(1, 1);
}

ATF_TC_WITHOUT_HEAD(sctp_init_and_abort_roundtrip);
ATF_TC_BODY(sctp_init_and_abort_roundtrip, tc)
{
	static const uint8_t cause[] = { 0, 12, 0, 4 };
	const struct pk_dlayer *l;

	BUILD(PK_PKT(PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2"),
	    PK_SCTP(.sport = 5000, .dport = 5001, PK_SCTPCHUNKS(
	    PK_SCTP_INIT(.itag = 0x01020304, .tsn = 77, .os = 2)))),
	    buf, &len);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP4, PK_PROTO_SCTP,
	    PK_PROTO_SCTP_CHUNK);
	l = layer(PK_PROTO_SCTP, 0);
	ATF_CHECK_EQ(l->u.sctp.sport, 5000);
	ATF_CHECK_EQ(l->u.sctp.vtag, 0);
	ATF_CHECK_EQ(l->cksum, PK_CKSUM_OK);
	l = layer(PK_PROTO_SCTP_CHUNK, 0);
	ATF_CHECK_EQ(l->u.chunk.type, 1);
	ATF_CHECK_EQ(l->u.chunk.len, 20);
	ATF_CHECK_EQ(l->u.chunk.tag, 0x01020304);
	ATF_CHECK(memcmp(buf + 20 + 12 + 8, "\0\1\0\0\0\2\0\x0a\0\0\0\x4d",
	    12) == 0);
	BUILD(PK_PKT(PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2"),
	    PK_SCTP(.vtag = 0xfeedf00d, PK_SCTPCHUNKS(PK_SCTP_DATA(.tsn = 1,
	    .data = "abcde", .datalen = 5), PK_SCTP_ABORT(.flags = 1,
	    .data = cause, .datalen = sizeof(cause))))), buf, &len);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP6, PK_PROTO_SCTP,
	    PK_PROTO_SCTP_CHUNK, PK_PROTO_SCTP_CHUNK);
	ATF_CHECK_EQ(layer(PK_PROTO_SCTP, 0)->cksum, PK_CKSUM_OK);
	ATF_CHECK_EQ(layer(PK_PROTO_SCTP_CHUNK, 0)->u.chunk.len, 21);
	ATF_CHECK_EQ(layer(PK_PROTO_SCTP_CHUNK, 0)->u.chunk.flags, 3);
	ATF_CHECK_EQ(layer(PK_PROTO_SCTP_CHUNK, 1)->u.chunk.type, 6);
	ATF_CHECK_EQ(layer(PK_PROTO_SCTP_CHUNK, 1)->off, 40 + 12 + 24);
	ATF_CHECK_EQ(len, 40 + 12 + 24 + 8);
}

ATF_TC_WITHOUT_HEAD(gre_roundtrip);
ATF_TC_BODY(gre_roundtrip, tc)
{
	const struct pk_dlayer *l;

	BUILD(PK_PKT(PK_ETHER(), PK_IP4(.src = "192.0.2.1",
	    .dst = "192.0.2.2"), PK_GRE(.csum = 1, .key = 42, .seq = 3),
	    PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2"),
	    PK_UDP(), PK_STR("tunnelled")), buf, &len);
	DISSECT(buf, len, PK_DLT_EN10MB, &d, PK_PROTO_ETHER, PK_PROTO_IP4,
	    PK_PROTO_GRE, PK_PROTO_IP6, PK_PROTO_UDP, PK_PROTO_RAW);
	l = layer(PK_PROTO_GRE, 0);
	ATF_CHECK_EQ(l->u.gre.flags, 0xb000);
	ATF_CHECK_EQ(l->u.gre.proto, 0x86dd);
	ATF_CHECK_EQ(l->u.gre.key, 42);
	ATF_CHECK_EQ(l->u.gre.seq, 3);
	ATF_CHECK_EQ(l->hlen, 16);
	ATF_CHECK_EQ(l->cksum, PK_CKSUM_OK);
	ATF_CHECK_EQ(layer(PK_PROTO_IP4, 0)->u.ip4.p, 47);
	all_cksums_ok();
}

ATF_TC_WITHOUT_HEAD(quoted_packet_truncated_by_inner_len);
ATF_TC_BODY(quoted_packet_truncated_by_inner_len, tc)
{
	const struct pk_dlayer *l;

	BUILD(PK_PKT(PK_IP4(.src = "192.0.2.2", .dst = "192.0.2.1"),
	    PK_ICMP4_UNREACH(.code = 3, .inner_len = 28, .inner = PK_PKT(
	    PK_IP4(), PK_UDP(), PK_RAW(.len = 100)))), buf, &len);
	ATF_CHECK_EQ(len, 20 + 8 + 28);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP4, PK_PROTO_ICMP4,
	    PK_PROTO_IP4, PK_PROTO_UDP);
	l = layer(PK_PROTO_IP4, 1);
	ATF_CHECK_EQ(l->u.ip4.len, 128);
	ATF_CHECK(l->flags & PK_DL_SHORT);
	ATF_CHECK_EQ(l->cksum, PK_CKSUM_OK);
	ATF_CHECK_EQ(layer(PK_PROTO_UDP, 0)->cksum, PK_CKSUM_UNKNOWN);
	ATF_CHECK_EQ(layer(PK_PROTO_ICMP4, 0)->cksum, PK_CKSUM_OK);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, ether_vlan_qinq_roundtrip);
	ATF_TP_ADD_TC(tp, arp_roundtrip);
	ATF_TP_ADD_TC(tp, ip4_options_roundtrip);
	ATF_TP_ADD_TC(tp, ip6_extension_headers_in_any_order_roundtrip);
	ATF_TP_ADD_TC(tp, ip6_fragment_header_roundtrip);
	ATF_TP_ADD_TC(tp, icmp4_messages_roundtrip);
	ATF_TP_ADD_TC(tp, icmp6_messages_roundtrip);
	ATF_TP_ADD_TC(tp, icmp6_behind_extension_headers_has_right_checksum);
	ATF_TP_ADD_TC(tp, tcp_options_roundtrip);
	ATF_TP_ADD_TC(tp, udp_checksum_of_zero_is_sent_as_ffff);
	ATF_TP_ADD_TC(tp, sctp_init_and_abort_roundtrip);
	ATF_TP_ADD_TC(tp, gre_roundtrip);
	ATF_TP_ADD_TC(tp, quoted_packet_truncated_by_inner_len);
	return (atf_no_error());
}
