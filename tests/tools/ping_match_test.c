/*
 * ping_match_test: what pft_ping's sniffers take and what they ignore,
 * check by check (ping_match.c), over packets built with the packet
 * model.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "../../tools/common/pk_argparse.c"
#include "../../tools/pft_ping/ping_opts.c"
#include "../../tools/pft_ping/ping_probe.c"
#include "../../tools/pft_ping/ping_match.c"
#include "toolunit.h"

static struct pk_err err;
static struct ping_opts o;
static struct tu_argv args;
static char reason[256];
static const uint8_t magic4[4] = { 0x42, 0xc0, 0xff, 0xee };

static void
opts(const char *cmd)
{

	tu_free(&args);
	tu_split(&args, "pft_ping", cmd);
	ATF_REQUIRE_EQ_MSG(ping_opts_parse(&o, args.c, args.v, &err), 0,
	    "%s: %s", cmd, err.msg);
}

/* Does a sniffer of direction dir take the packet (captured with its
 * checksum left for the device when partial is set)? */
static int
takes_partial(enum ping_dir dir, int partial, pk_pkt_t pkt)
{
	static uint8_t buf[4096];
	struct pk_dpkt d;
	size_t len;

	ATF_REQUIRE_EQ_MSG(pk_pkt_build(pkt, NULL, buf, sizeof(buf), &len,
	    &err), 0, "%s", err.msg);
	ATF_REQUIRE_EQ(pk_dissect(buf, len, PK_DLT_EN10MB, &d), 0);
	return (ping_match(&o, dir, &d, partial, reason, sizeof(reason)));
}
#define	takes(dir, pkt)		takes_partial((dir), 0, (pkt))

/* The probe the options describe, as the request sniffer sees it. */
static int
takes_own_probe(enum ping_dir dir)
{
	struct ping_env env;
	struct ping_frames f;
	struct pk_dpkt d;
	int rc;

	memset(&env, 0, sizeof(env));
	if (o.af == AF_INET)
		inet_pton(AF_INET, "192.0.2.1", &env.src.v4);
	else
		inet_pton(AF_INET6, "2001:db8::1", &env.src.v6);
	ATF_REQUIRE_EQ(ping_probe_build(&o, &env, 1, &f, &err), 0);
	ATF_REQUIRE_EQ(f.n, 1);
	ATF_REQUIRE_EQ(pk_dissect(f.buf[0], f.len[0], PK_DLT_EN10MB, &d), 0);
	rc = ping_match(&o, dir, &d, 0, reason, sizeof(reason));
	ping_frames_free(&f);
	return (rc);
}

#define	REASON(s)	ATF_CHECK_STREQ(reason, (s))
#define	ECHO4(...)	PK_ICMP4_ECHO(.data = magic4, .datalen = 4, __VA_ARGS__)
#define	REPLY4(...)							\
	PK_ICMP4_ECHOREPLY(.data = magic4, .datalen = 4, __VA_ARGS__)

ATF_TC_WITHOUT_HEAD(request_sniffer_takes_every_probe_shape);
ATF_TC_BODY(request_sniffer_takes_every_probe_shape, tc)
{
	static const char *const cmds[] = {
		"--to 198.51.100.2",
		"--to 198.51.100.2 --send-length 2000",
		"--to 198.51.100.2 --send-nop --send-flags DF",
		"--to 198.51.100.2 --ping-type tcpsyn --send-tcpopt-unaligned",
		"--to 198.51.100.2 --ping-type tcp3way",
		"--to 198.51.100.2 --ping-type udp",
		"--to 2001:db8::2",
		"--to 2001:db8::2 --ping-type tcpsyn --send-mss 1400",
		"--to 2001:db8::2 --ping-type udp --send-length 7",
	};
	char cmd[256];
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(cmd, sizeof(cmd), "--sendif e0 --recvif e1 %s",
		    cmds[i]);
		opts(cmd);
		ATF_CHECK_MSG(takes_own_probe(PING_REQUEST), "%s: %s", cmd,
		    reason);
		/* Our own probe is never its answer. */
		ATF_CHECK_MSG(!takes_own_probe(PING_REPLY), "%s", cmd);
	}
}

ATF_TC_WITHOUT_HEAD(reply_sniffer_wants_an_echo_reply_from_to);
ATF_TC_BODY(reply_sniffer_wants_an_echo_reply_from_to, tc)
{
	static const uint8_t other[4] = { 1, 2, 3, 4 };

	opts("--sendif e0 --to 192.0.2.2 --replyif e0");
	ATF_CHECK(takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "192.0.2.2", .dst = "203.0.113.9"), REPLY4(.id = 9, .seq = 3))));
	ATF_CHECK(!takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "192.0.2.3", .dst = "192.0.2.1"), REPLY4(.id = 1))));
	REASON("source address is not 192.0.2.2");
	ATF_CHECK(!takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "192.0.2.2", .dst = "192.0.2.1"), PK_ICMP4_ECHOREPLY(.data =
	    other, .datalen = 4))));
	REASON("payload is not the magic");
	ATF_CHECK(!takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "192.0.2.2", .dst = "192.0.2.1"), PK_ICMP4_ECHOREPLY(.data =
	    magic4, .datalen = 3))));
	REASON("payload is not the magic");
	ATF_CHECK(!takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "192.0.2.2", .dst = "192.0.2.1"), ECHO4(.id = 1))));
	REASON("not an ICMP echo reply");
	ATF_CHECK(!takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP6(.src =
	    "2001:db8::2", .dst = "2001:db8::1"), PK_ICMP6_ECHOREPLY(.data =
	    magic4, .datalen = 4))));
	REASON("not IPv4");
}

ATF_TC_WITHOUT_HEAD(icmp_error_quoting_the_probe_is_not_the_probe);
ATF_TC_BODY(icmp_error_quoting_the_probe_is_not_the_probe, tc)
{

	opts("--sendif e0 --to 198.51.100.2 --recvif e0 --replyif e0");
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "192.0.2.254", .dst = "192.0.2.1"), PK_ICMP4_UNREACH(.code = 1,
	    .inner = PK_PKT(PK_IP4(.src = "192.0.2.1", .dst =
	    "198.51.100.2"), ECHO4(.id = 0))))));
	REASON("destination address is not 198.51.100.2");
}

ATF_TC_WITHOUT_HEAD(expectations_compare_whole_fields);
ATF_TC_BODY(expectations_compare_whole_fields, tc)
{

	opts("--sendif e0 --to 198.51.100.2 --recvif e1 --expect-tc 36 "
	    "--expect-hlim 63 --expect-flags DF");
	ATF_CHECK(takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2", .tos = 36, .ttl = 63, .df = 1), ECHO4(.id = 0))));
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2", .tos = 37, .ttl = 63, .df = 1), ECHO4(.id = 0))));
	REASON("wrong ToS 37, expected 36");
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2", .tos = 36, .ttl = 64, .df = 1), ECHO4(.id = 0))));
	REASON("wrong TTL 64, expected 63");
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2", .tos = 36, .ttl = 63, .df = 1, .mf = 1),
	    ECHO4(.id = 0))));
	REASON("wrong IPv4 flags 3, expected DF");
	/* Zero expects nothing: scrub.sh's --expect-tc=0 checks nothing. */
	opts("--sendif e0 --to 198.51.100.2 --recvif e1 --expect-tc 0 "
	    "--expect-hlim 0");
	ATF_CHECK(takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2", .tos = 255, .ttl = 1), ECHO4(.id = 0))));
	opts("--sendif e0 --to 2001:db8::2 --recvif e1 --expect-tc 66 "
	    "--expect-hlim 63");
	ATF_CHECK(takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP6(.dst =
	    "2001:db8::2", .tc = 66, .hlim = 63), PK_ICMP6_ECHO(.data =
	    magic4, .datalen = 4))));
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP6(.dst =
	    "2001:db8::2", .tc = 64, .hlim = 63), PK_ICMP6_ECHO(.data =
	    magic4, .datalen = 4))));
	REASON("wrong traffic class 64, expected 66");
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP6(.dst =
	    "2001:db8::2", .tc = 66, .hlim = 62), PK_ICMP6_ECHO(.data =
	    magic4, .datalen = 4))));
	REASON("wrong hop limit 62, expected 63");
}

ATF_TC_WITHOUT_HEAD(bad_checksums_are_not_ours);
ATF_TC_BODY(bad_checksums_are_not_ours, tc)
{

	opts("--sendif e0 --to 198.51.100.2 --recvif e1 --ping-type tcpsyn");
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2", .sum = 0x1234), PK_TCP(.flags = PK_TH_SYN))));
	REASON("bad IPv4 header checksum 0x1234");
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2"), PK_TCP(.flags = PK_TH_SYN, .sum = 0x1234))));
	REASON("wrong TCP checksum 0x1234");
	opts("--sendif e0 --to 198.51.100.2 --recvif e1 --ping-type udp");
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2"), PK_UDP(.sum = 0x1234), PK_RAW(.data = magic4,
	    .len = 4))));
	REASON("wrong UDP checksum 0x1234");
	/* No UDP checksum at all is allowed over IPv4. */
	ATF_CHECK(takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2"), PK_UDP(.sum = PK_ZERO), PK_RAW(.data = magic4,
	    .len = 4))));
}

/*
 * A SYN-ACK from a local stack over veth: the field holds the
 * pseudo-header sum for the hardware to finish (seen: 0x8432 for
 * 192.0.2.1 -> 192.0.2.2, 40 bytes of TCP).
 */
#define	SYNACK_OPTS							\
	.opts = (const struct pk_tcpopt[]){ PK_MSS(1460), PK_SACKOK(),	\
	    PK_TS(1, 0), PK_NOP(), PK_WSCALE(10) }, .nopts = 5
ATF_TC_WITHOUT_HEAD(offloaded_checksum_counts_as_right);
ATF_TC_BODY(offloaded_checksum_counts_as_right, tc)
{

	opts("--sendif e0 --to 192.0.2.1 --replyif e0 --ping-type tcpsyn");
	/* Only when the capture says the device was to finish it. */
	ATF_CHECK(!takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "192.0.2.1", .dst = "192.0.2.2"), PK_TCP(.flags = PK_TH_SYN |
	    PK_TH_ACK, .ack = 1, .sum = 0x8432, SYNACK_OPTS))));
	REASON("wrong TCP checksum 0x8432");
	ATF_CHECK_MSG(takes_partial(PING_REPLY, 1, PK_PKT(PK_ETHER(),
	    PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2"),
	    PK_TCP(.flags = PK_TH_SYN | PK_TH_ACK, .ack = 1, .sum = 0x8432,
	    SYNACK_OPTS))), "%s", reason);
	/* The same sum for other addresses is wrong (a NAT that forgot). */
	ATF_CHECK(!takes_partial(PING_REPLY, 1, PK_PKT(PK_ETHER(),
	    PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.3"),
	    PK_TCP(.flags = PK_TH_SYN | PK_TH_ACK, .ack = 1, .sum = 0x8432,
	    SYNACK_OPTS))));
	REASON("wrong TCP checksum 0x8432");
	/* A right checksum is right either way. */
	ATF_CHECK(takes_partial(PING_REPLY, 1, PK_PKT(PK_ETHER(),
	    PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2"),
	    PK_TCP(.flags = PK_TH_SYN | PK_TH_ACK, .ack = 1, SYNACK_OPTS))));
}

ATF_TC_WITHOUT_HEAD(tcp_flags_seq_and_mss);
ATF_TC_BODY(tcp_flags_seq_and_mss, tc)
{

	opts("--sendif e0 --to 198.51.100.2 --recvif e1 --replyif e0 "
	    "--ping-type tcpsyn --expect-seq 100 --expect-mss 1300");
	ATF_CHECK(takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2"), PK_TCP(.flags = PK_TH_SYN, .seq = 100,
	    PK_TCPOPTS(PK_MSS(1300), PK_NOP(), PK_MSS(1300))))));
	/* A SYN without any MSS option passes, as in the script. */
	ATF_CHECK(takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2"), PK_TCP(.flags = PK_TH_SYN, .seq = 100))));
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2"), PK_TCP(.flags = PK_TH_SYN, .seq = 100,
	    PK_TCPOPTS(PK_MSS(1300), PK_MSS(1400))))));
	REASON("wrong TCP MSS 1400, expected 1300");
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2"), PK_TCP(.flags = PK_TH_SYN, .seq = 101))));
	REASON("wrong TCP sequence number 101, expected 100");
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2"), PK_TCP(.flags = PK_TH_SYN | PK_TH_ECE,
	    .seq = 100))));
	REASON("wrong TCP flags 0x42, expected 0x02");
	ATF_CHECK(!takes(PING_REQUEST, PK_PKT(PK_ETHER(), PK_IP4(.dst =
	    "198.51.100.2"), PK_TCP(.flags = PK_TH_SYN, .x2 = 1,
	    .seq = 100))));
	/* A reply acknowledges our sequence number. */
	ATF_CHECK(takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "198.51.100.2", .dst = "192.0.2.1"), PK_TCP(.flags = PK_TH_SYN |
	    PK_TH_ACK, .seq = 7, .ack = 101))));
	ATF_CHECK(!takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "198.51.100.2", .dst = "192.0.2.1"), PK_TCP(.flags = PK_TH_SYN |
	    PK_TH_ACK, .seq = 100, .ack = 1))));
	REASON("wrong TCP sequence number 0, expected 100");
	ATF_CHECK(!takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "198.51.100.2", .dst = "192.0.2.1"), PK_TCP(.flags = PK_TH_RST |
	    PK_TH_ACK, .ack = 101))));
	REASON("wrong TCP flags 0x14, expected 0x12");
	ATF_CHECK(!takes(PING_REPLY, PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "198.51.100.2", .dst = "192.0.2.1"), ECHO4(.id = 0))));
	REASON("not TCP");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, request_sniffer_takes_every_probe_shape);
	ATF_TP_ADD_TC(tp, reply_sniffer_wants_an_echo_reply_from_to);
	ATF_TP_ADD_TC(tp, icmp_error_quoting_the_probe_is_not_the_probe);
	ATF_TP_ADD_TC(tp, expectations_compare_whole_fields);
	ATF_TP_ADD_TC(tp, bad_checksums_are_not_ours);
	ATF_TP_ADD_TC(tp, offloaded_checksum_counts_as_right);
	ATF_TP_ADD_TC(tp, tcp_flags_seq_and_mss);
	return (atf_no_error());
}
