/*
 * craft_test: defaults, forced fields, the build environment, and the
 * errors pk_pkt_build() reports for packets that make no sense.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>

#include "testutil.h"

static uint8_t buf[PK_PKT_MAX];
static size_t len;
static struct pk_dpkt d;

/* Build must fail with a message containing want. */
static void
build_fails(pk_pkt_t pkt, const char *want)
{
	struct pk_err err;

	err.msg[0] = '\0';
	ATF_REQUIRE_EQ(pk_pkt_build(pkt, NULL, buf, sizeof(buf), &len, &err),
	    -1);
	ATF_CHECK_MSG(strstr(err.msg, want) != NULL, "message \"%s\" lacks "
	    "\"%s\"", err.msg, want);
	ATF_CHECK(strchr(err.msg, '\n') == NULL);
}

ATF_TC_WITHOUT_HEAD(defaults_fill_lengths_chains_and_ttl);
ATF_TC_BODY(defaults_fill_lengths_chains_and_ttl, tc)
{
	const struct pk_dlayer *l;

	BUILD(PK_PKT(PK_ETHER(), PK_IP4(.dst = "192.0.2.2"), PK_TCP(),
	    PK_RAW(.len = 10)), buf, &len);
	DISSECT(buf, len, PK_DLT_EN10MB, &d, PK_PROTO_ETHER, PK_PROTO_IP4,
	    PK_PROTO_TCP, PK_PROTO_RAW);
	ATF_CHECK_EQ(d.l[0].u.ether.type, 0x0800);
	ATF_CHECK(memcmp(d.l[0].u.ether.dst, "\xff\xff\xff\xff\xff\xff", 6)
	    == 0);
	l = &d.l[1];
	ATF_CHECK_EQ(l->u.ip4.ttl, 64);
	ATF_CHECK_EQ(l->u.ip4.len, 20 + 20 + 10);
	ATF_CHECK_EQ(l->u.ip4.p, IPPROTO_TCP);
	ATF_CHECK_EQ(l->u.ip4.hl, 20);
	ATF_CHECK_EQ(l->cksum, PK_CKSUM_OK);
	l = &d.l[2];
	ATF_CHECK_EQ(l->u.tcp.sport, 20);
	ATF_CHECK_EQ(l->u.tcp.dport, 80);
	ATF_CHECK_EQ(l->u.tcp.flags, PK_TH_SYN);
	ATF_CHECK_EQ(l->u.tcp.win, 8192);
	ATF_CHECK_EQ(l->cksum, PK_CKSUM_OK);
	BUILD(PK_PKT(PK_IP6(.dst = "2001:db8::2"), PK_UDP()), buf, &len);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP6, PK_PROTO_UDP);
	ATF_CHECK_EQ(d.l[0].u.ip6.hlim, 64);
	ATF_CHECK_EQ(d.l[0].u.ip6.plen, 8);
	ATF_CHECK_EQ(d.l[0].u.ip6.nh, IPPROTO_UDP);
	ATF_CHECK_EQ(d.l[1].u.udp.sport, 53);
	ATF_CHECK_EQ(d.l[1].u.udp.len, 8);
	BUILD(PK_PKT(PK_IP6(.dst = "2001:db8::2"), PK_RAW(.len = 1)), buf,
	    &len);
	ATF_CHECK_EQ(buf[6], 59);
}

ATF_TC_WITHOUT_HEAD(forced_ip4_fields_are_written_as_given);
ATF_TC_BODY(forced_ip4_fields_are_written_as_given, tc)
{
	const struct pk_dlayer *l;

	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.2", .ttl = PK_ZERO, .sum = 0xbeef,
	    .len = 999, .proto = 253, .id = 0xffff, .rf = 1, .off = 3),
	    PK_UDP()), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	l = &d.l[0];
	ATF_CHECK_EQ(l->u.ip4.ttl, 0);
	ATF_CHECK_EQ(l->u.ip4.sum, 0xbeef);
	ATF_CHECK_EQ(l->cksum, PK_CKSUM_BAD);
	ATF_CHECK_EQ(l->u.ip4.len, 999);
	ATF_CHECK(l->flags & PK_DL_SHORT);
	ATF_CHECK_EQ(l->u.ip4.p, 253);
	ATF_CHECK_EQ(l->u.ip4.rf, 1);
	ATF_CHECK_EQ(l->u.ip4.off, 24);
	ATF_CHECK(d.flags & PK_DP_BADCKSUM);
	/* A forced header length and version; the checksum still covers
	 * the 20 bytes built. */
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.2", .hl = 4, .v = 5),
	    PK_RAW(.len = 4)), buf, &len);
	ATF_CHECK_EQ(buf[0], 0x54);
	ATF_CHECK_EQ(pk_in_cksum(buf, 20), 0);
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.2", .sum = PK_ZERO), PK_UDP()),
	    buf, &len);
	ATF_CHECK_EQ(buf[10] | buf[11], 0);
}

ATF_TC_WITHOUT_HEAD(forced_l4_fields_are_written_as_given);
ATF_TC_BODY(forced_l4_fields_are_written_as_given, tc)
{

	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.2"), PK_TCP(.sum = 0x1234,
	    .off = 15, .x2 = 1, .flags = PK_ZERO)), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK_EQ(d.l[1].u.tcp.sum, 0x1234);
	ATF_CHECK_EQ(d.l[1].u.tcp.off, 60);
	ATF_CHECK_EQ(d.l[1].u.tcp.x2, 1);
	ATF_CHECK_EQ(d.l[1].u.tcp.flags, 0);
	ATF_CHECK(d.l[1].flags & PK_DL_TRUNC);
	BUILD(PK_PKT(PK_IP6(.dst = "2001:db8::2"), PK_UDP(.len = 4,
	    .sum = PK_ZERO)), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK_EQ(d.l[1].u.udp.len, 4);
	ATF_CHECK_EQ(d.l[1].u.udp.sum, 0);
	ATF_CHECK(d.l[1].flags & PK_DL_BADLEN);
	BUILD(PK_PKT(PK_IP6(.dst = "2001:db8::2", .plen = 100, .nh = 17,
	    .hlim = PK_ZERO), PK_ICMP6_ECHO(.sum = 0x4242, .type = 200)),
	    buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK_EQ(d.l[0].u.ip6.plen, 100);
	ATF_CHECK_EQ(d.l[0].u.ip6.hlim, 0);
	ATF_CHECK_EQ(buf[6], 17);
	ATF_CHECK_EQ(buf[40], 200);
	ATF_CHECK_EQ(buf[42] << 8 | buf[43], 0x4242);
	BUILD(PK_PKT(PK_IP6(.dst = "2001:db8::2"), PK_IP6_HBH(.len = 9,
	    .nh = 6), PK_ICMP6_ECHO(.sum = PK_ZERO)), buf, &len);
	ATF_CHECK_EQ(buf[40], 6);
	ATF_CHECK_EQ(buf[41], 9);
	ATF_CHECK_EQ(buf[48 + 2] | buf[48 + 3], 0);
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.2"), PK_ICMP4_ECHO(
	    .sum = PK_ZERO)), buf, &len);
	ATF_CHECK_EQ(buf[22] | buf[23], 0);
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.2"), PK_SCTP(.sum = 0x11223344)),
	    buf, &len);
	ATF_CHECK(memcmp(buf + 28, "\x11\x22\x33\x44", 4) == 0);
}

ATF_TC_WITHOUT_HEAD(values_too_wide_are_errors_naming_the_field);
ATF_TC_BODY(values_too_wide_are_errors_naming_the_field, tc)
{

	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.2", .ttl = 256)),
	    "ttl 256 does not fit 8 bits");
	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.2"), PK_TCP(.sport = 65536)),
	    "layer 1 (tcp): sport 65536 does not fit 16 bits");
	build_fails(PK_PKT(PK_ETHER(), PK_DOT1Q(.vid = 4096)), "vid");
	build_fails(PK_PKT(PK_IP6(.dst = "::1", .flow = 0x100000)), "flow");
	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.2", .df = 2)), "df");
	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.2", .tos = -5)), "tos");
	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.2"),
	    PK_ICMP4_ECHO(.id = 70000)), "id");
}

ATF_TC_WITHOUT_HEAD(nonsense_packets_are_errors);
ATF_TC_BODY(nonsense_packets_are_errors, tc)
{
	struct pk_err err;

	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.300")),
	    "bad IPv4 address \"192.0.2.300\"");
	build_fails(PK_PKT(PK_IP6(.dst = "2001:db8::g")), "bad IPv6 address");
	build_fails(PK_PKT(PK_ETHER(.src = "02:00:00:00:00"),
	    PK_IP4(.dst = "192.0.2.1")), "bad MAC address");
	build_fails(PK_PKT(PK_IP4()), "no dst address");
	build_fails(PK_PKT(PK_TCP()), "tcp cannot follow the start");
	build_fails(PK_PKT(PK_ETHER(), PK_TCP()), "tcp cannot follow ether");
	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_ICMP6_ECHO()),
	    "icmp6 cannot follow ip4");
	build_fails(PK_PKT(PK_IP6(.dst = "::1"), PK_RAW(.len = 1),
	    PK_UDP()), "udp cannot follow raw");
	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.1"),
	    PK_RAW(.len = 70000)), "too long");
	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_TCP(PK_TCPOPTS(
	    PK_TS(1, 2), PK_TS(1, 2), PK_TS(1, 2), PK_TS(1, 2), PK_TS(1, 2)))),
	    "options take more than 40 bytes");
	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.1"),
	    PK_ICMP4_UNREACH(.inner = PK_PKT(PK_IP4(), PK_TCP(.dport = -2)))),
	    "inner packet: layer 1 (tcp): dport");
	ATF_CHECK_EQ(pk_pkt_build(PK_PKT(PK_IP4(.dst = "192.0.2.1"),
	    PK_RAW(.len = 100)), NULL, buf, 50, &len, &err), -1);
	ATF_CHECK_EQ(err.code, ENOSPC);
	ATF_CHECK(strstr(err.msg, "does not fit") != NULL);
	/* An error leaves the per-thread context clean for the next. */
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_UDP()), buf, &len);
	ATF_CHECK_EQ(len, 28);
}

ATF_TC_WITHOUT_HEAD(mac_addresses_parse_strictly);
ATF_TC_BODY(mac_addresses_parse_strictly, tc)
{

	BUILD(PK_PKT(PK_ETHER(.src = "2:a:B:0:ff:1", .dst = "FF:ff:00:10:0:0"),
	    PK_IP4(.dst = "192.0.2.1")), buf, &len);
	ATF_CHECK(memcmp(buf, "\xff\xff\x00\x10\x00\x00", 6) == 0);
	ATF_CHECK(memcmp(buf + 6, "\x02\x0a\x0b\x00\xff\x01", 6) == 0);
	build_fails(PK_PKT(PK_ETHER(.src = "02:00:00:00:00:01:"),
	    PK_IP4(.dst = "192.0.2.1")), "bad MAC address");
	build_fails(PK_PKT(PK_ETHER(.src = "02:00:00:00:00:0g"),
	    PK_IP4(.dst = "192.0.2.1")), "bad MAC address");
	build_fails(PK_PKT(PK_ETHER(.src = "02-00-00-00-00-01"),
	    PK_IP4(.dst = "192.0.2.1")), "bad MAC address");
	build_fails(PK_PKT(PK_ETHER(.dst = "123:0:0:0:0:1"),
	    PK_IP4(.dst = "192.0.2.1")), "dst: bad MAC address");
	build_fails(PK_PKT(PK_ETHER(.src = ""), PK_IP4(.dst = "192.0.2.1")),
	    "bad MAC address");
}

ATF_TC_WITHOUT_HEAD(forced_rest_and_gre_fields_keep_checksums_right);
ATF_TC_BODY(forced_rest_and_gre_fields_keep_checksums_right, tc)
{

	/* A forced "rest" on a message libnet builds is patched before
	 * libnet sums it. */
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_ICMP4_UNREACH(
	    .rest = 0x11223344)), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK_EQ(d.l[1].u.icmp.rest, 0x11223344);
	ATF_CHECK_EQ(d.l[1].cksum, PK_CKSUM_OK);
	BUILD(PK_PKT(PK_IP6(.dst = "2001:db8::1"), PK_ICMP6_NS(
	    .rest = 0xa0000000)), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK_EQ(d.l[1].u.icmp.rest, 0xa0000000);
	ATF_CHECK_EQ(d.l[1].cksum, PK_CKSUM_OK);
	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_GRE(.sum = 0x0bad,
	    .ver = 1, .proto = 0x880b)), buf, &len);
	ATF_REQUIRE(pk_dissect(buf, len, PK_DLT_RAW, &d) == 0);
	ATF_CHECK_EQ(d.l[1].u.gre.flags, 0x8001);
	ATF_CHECK_EQ(d.l[1].u.gre.sum, 0x0bad);
	ATF_CHECK_EQ(d.l[1].cksum, PK_CKSUM_BAD);
}

ATF_TC_WITHOUT_HEAD(quoted_packets_nest_only_so_deep);
ATF_TC_BODY(quoted_packets_nest_only_so_deep, tc)
{

	BUILD(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_ICMP4_TIMXCEED(
	    .inner = PK_PKT(PK_IP4(), PK_ICMP4_UNREACH(.inner = PK_PKT(
	    PK_IP4(), PK_UDP()))))), buf, &len);
	DISSECT(buf, len, PK_DLT_RAW, &d, PK_PROTO_IP4, PK_PROTO_ICMP4,
	    PK_PROTO_IP4, PK_PROTO_ICMP4, PK_PROTO_IP4, PK_PROTO_UDP);
	ATF_CHECK_EQ(d.l[5].depth, 2);
	build_fails(PK_PKT(PK_IP4(.dst = "192.0.2.1"), PK_ICMP4_TIMXCEED(
	    .inner = PK_PKT(PK_IP4(), PK_ICMP4_TIMXCEED(.inner = PK_PKT(
	    PK_IP4(), PK_ICMP4_TIMXCEED(.inner = PK_PKT(PK_IP4(),
	    PK_ICMP4_TIMXCEED(.inner = PK_PKT(PK_IP4()))))))))),
	    "nest too deep");
}

ATF_TC_WITHOUT_HEAD(environment_supplies_addresses_the_packet_leaves_unset);
ATF_TC_BODY(environment_supplies_addresses_the_packet_leaves_unset, tc)
{
	static const uint8_t smac[6] = { 2, 0, 0, 0, 0, 0xaa };
	static const uint8_t dmac[6] = { 2, 0, 0, 0, 0, 0xbb };
	struct in6_addr s6;
	struct in_addr s4;
	struct pk_build_env env = { smac, dmac, &s4, &s6 };

	inet_pton(AF_INET, "198.51.100.7", &s4);
	inet_pton(AF_INET6, "2001:db8::7", &s6);
	build_ok(PK_PKT(PK_ETHER(), PK_IP4(.dst = "198.51.100.1"), PK_UDP()),
	    &env, buf, sizeof(buf), &len, __FILE__, __LINE__);
	ATF_CHECK(memcmp(buf, dmac, 6) == 0);
	ATF_CHECK(memcmp(buf + 6, smac, 6) == 0);
	ATF_CHECK(memcmp(buf + 26, &s4, 4) == 0);
	/* Multicast destinations map to their MAC, whatever the next hop. */
	build_ok(PK_PKT(PK_ETHER(), PK_IP6(.dst = "ff02::1:ff00:2"),
	    PK_ICMP6_NS(PK_NDOPTS(PK_NDOPT_SLLA(NULL)))), &env, buf,
	    sizeof(buf), &len, __FILE__, __LINE__);
	ATF_CHECK(memcmp(buf, "\x33\x33\xff\x00\x00\x02", 6) == 0);
	ATF_CHECK(memcmp(buf + 22, &s6, 16) == 0);
	ATF_CHECK(memcmp(buf + 14 + 40 + 24 + 2, smac, 6) == 0);
	build_ok(PK_PKT(PK_ETHER(.dst = MAC1), PK_IP4(.src = "192.0.2.9",
	    .dst = "224.0.0.251")), &env, buf, sizeof(buf), &len, __FILE__,
	    __LINE__);
	ATF_CHECK(memcmp(buf, "\2\0\0\0\0\1", 6) == 0);
	ATF_CHECK(memcmp(buf + 26, "\xc0\x00\x02\x09", 4) == 0);
	BUILD(PK_PKT(PK_ETHER(), PK_IP4(.dst = "224.0.0.251")), buf, &len);
	ATF_CHECK(memcmp(buf, "\x01\x00\x5e\x00\x00\xfb", 6) == 0);
	build_ok(PK_PKT(PK_ETHER(), PK_ARP(.tpa = "198.51.100.1")), &env,
	    buf, sizeof(buf), &len, __FILE__, __LINE__);
	ATF_CHECK(memcmp(buf + 14 + 8, smac, 6) == 0);
	ATF_CHECK(memcmp(buf + 14 + 14, &s4, 4) == 0);
}

ATF_TC_WITHOUT_HEAD(pktinfo_tells_the_l3_destination_before_building);
ATF_TC_BODY(pktinfo_tells_the_l3_destination_before_building, tc)
{
	struct pk_pktinfo info;
	struct in6_addr a6;
	struct in_addr a4;
	int af;

	ATF_REQUIRE(pk_pkt_info(PK_PKT(PK_ETHER(.src = MAC1),
	    PK_IP4(.dst = "192.0.2.2"), PK_UDP()), &info, NULL) == 0);
	ATF_CHECK(info.has_ether && info.ether_src_set &&
	    !info.ether_dst_set && !info.l3_src_set);
	ATF_CHECK_EQ(info.af, AF_INET);
	ATF_CHECK_EQ(info.dst.v4.s_addr, htonl(0xc0000202));
	ATF_REQUIRE(pk_pkt_l3dst(PK_PKT(PK_IP6(.src = "2001:db8::1",
	    .dst = "2001:db8::2"), PK_IP6(.dst = "2001:db8::99")), &af,
	    &a6) == 0);
	ATF_CHECK_EQ(af, AF_INET6);
	ATF_CHECK_EQ(a6.s6_addr[15], 2);
	ATF_CHECK_EQ(pk_pkt_l3dst(PK_PKT(PK_ETHER(), PK_ARP()), &af, &a4),
	    -1);
	ATF_CHECK_EQ(pk_pkt_l3dst(PK_PKT(PK_IP4(.dst = "nowhere")), &af,
	    &a4), -1);
}

static void *
builder(void *arg)
{
	uint8_t b[128];
	size_t n;
	int k, id;

	id = *(int *)arg;
	for (k = 1; k <= 2000; k++) {
		if (pk_pkt_build(PK_PKT(PK_IP4(.dst = "192.0.2.1", .id = id),
		    PK_UDP(.sport = k)), NULL, b, sizeof(b), &n, NULL) != 0 ||
		    n != 28 || (b[4] << 8 | b[5]) != id ||
		    (b[20] << 8 | b[21]) != k || pk_in_cksum(b, 20) != 0)
			return ((void *)1);
	}
	pk_pkt_build_release();
	return (NULL);
}

ATF_TC_WITHOUT_HEAD(threads_build_in_their_own_contexts);
ATF_TC_BODY(threads_build_in_their_own_contexts, tc)
{
	pthread_t t[4];
	int ids[4] = { 11, 22, 33, 44 };
	void *rv;
	int k;

	for (k = 0; k < 4; k++)
		ATF_REQUIRE(pthread_create(&t[k], NULL, builder, &ids[k]) == 0);
	for (k = 0; k < 4; k++) {
		ATF_REQUIRE(pthread_join(t[k], &rv) == 0);
		ATF_CHECK_MSG(rv == NULL, "thread %d built a wrong packet", k);
	}
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, defaults_fill_lengths_chains_and_ttl);
	ATF_TP_ADD_TC(tp, forced_ip4_fields_are_written_as_given);
	ATF_TP_ADD_TC(tp, forced_l4_fields_are_written_as_given);
	ATF_TP_ADD_TC(tp, values_too_wide_are_errors_naming_the_field);
	ATF_TP_ADD_TC(tp, nonsense_packets_are_errors);
	ATF_TP_ADD_TC(tp, mac_addresses_parse_strictly);
	ATF_TP_ADD_TC(tp, forced_rest_and_gre_fields_keep_checksums_right);
	ATF_TP_ADD_TC(tp, quoted_packets_nest_only_so_deep);
	ATF_TP_ADD_TC(tp,
	    environment_supplies_addresses_the_packet_leaves_unset);
	ATF_TP_ADD_TC(tp, pktinfo_tells_the_l3_destination_before_building);
	ATF_TP_ADD_TC(tp, threads_build_in_their_own_contexts);
	return (atf_no_error());
}
