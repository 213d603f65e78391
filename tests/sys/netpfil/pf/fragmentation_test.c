/*
 * fragmentation_test: IPv4 fragments through a firewall.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/fragmentation_pass.sh (overindex,
 * overreplace, overhole, adjhole, overlimit, with the fragment shapes
 * of frag-*.py; reassemble; mtu_diff; no_df),
 * fragmentation_no_reassembly.sh (match_full_v4, match_fragment_v4) and
 * icmp.py's TestICMP.test_fragmentation_needed.  It checks how
 * overlapping fragments are reassembled, what a firewall that does or
 * does not reassemble lets through, and how DF is handled where the MTU
 * shrinks.
 *
 * pf reassembles in the firewall when told to ("set reassemble yes");
 * nftables does whenever a ruleset uses connection tracking (any "ct"
 * expression), before the rules see the packet.  So a pf ruleset that
 * reassembles maps to an nft one with ct, and one that does not to a
 * stateless nft ruleset, which sees each fragment as it comes (in
 * prerouting for local traffic: Linux reassembles what it delivers
 * locally before the input hook).
 *
 * Where Linux differs from pf, the cases assert what Linux does:
 *   - a fragment that partly overlaps data already queued makes Linux
 *     drop the whole datagram (RFC 5722's rule, applied to IPv4 as
 *     well), in the firewall's reassembly and in the stack's alike, and
 *     count it in IpExt.ReasmOverlaps and Ip.ReasmFails; pf trims the
 *     overlap and reassembles, so the FreeBSD tests expect echo replies
 *     where overindex, overreplace and overlimit assert none;
 *   - a fragment wholly inside data already queued (even across the
 *     seam of two fragments) is a duplicate to Linux, dropped alone:
 *     adjhole completes as on FreeBSD, but overhole completes with the
 *     dummy bytes that came first, and its ICMP checksum fails;
 *   - a datagram the firewall reassembled is forwarded cut back into
 *     pieces no larger than the largest fragment it came in, even onto
 *     a link with a larger MTU (mtu_diff); pf sends it whole.
 */
#include "pfsupport.h"

/* pft_ping's pattern, and frag-*.py's. */
static const char pattern[] = "ABCDEFGHIJKLMNOP";
static const char dummy[] = "01234567";

/* The sentinel's echo identifier: no probe uses it. */
#define	SENTINEL_ID	0x5e5e

/*
 * A stateful ruleset that passes everything: pf's "set reassemble yes"
 * and "pass keep state".  Connection tracking reassembles.
 */
static const struct pk_ruleset pass_reassemble = {
	.nft =
	    "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ct state invalid counter drop\n"
	    "    ct state new,established,related accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "set reassemble yes\n"
	    "pass keep state\n",
};

/*
 * An ICMP echo request of paylen bytes of pattern, id id: the ICMP
 * message (header and data) into buf, *lenp its length.
 */
static void
echo_message(const char *src, const char *dst, int id, size_t paylen,
    uint8_t *buf, size_t size, size_t *lenp)
{
	uint8_t payload[8192], pkt[PK_PKT_MAX];
	struct pk_err err;
	size_t i, len;

	ATF_REQUIRE(paylen <= sizeof(payload));
	for (i = 0; i < paylen; i++)
		payload[i] = (uint8_t)pattern[i % 16];
	ATF_REQUIRE_MSG(pk_pkt_build(PK_PKT(PK_IP4(.src = src, .dst = dst),
	    PK_ICMP4_ECHO(.id = id, .seq = PK_ZERO, .data = payload,
	    .datalen = paylen)), NULL, pkt, sizeof(pkt), &len, &err) == 0,
	    "%s", err.msg);
	ATF_REQUIRE(len - 20 <= size);
	memcpy(buf, pkt + 20, len - 20);
	*lenp = len - 20;
}

/*
 * One fragment to send: bytes [off, off + len) of the message, the
 * first 8 of them replaced by the dummy if dummy is set.
 */
struct frag {
	size_t	off;
	size_t	len;
	int	mf;
	int	dummy;
};

static void
send_frags(struct pk_tc *t, struct pk_if *ifp, const char *src,
    const char *dst, int id, const uint8_t *msg, size_t msglen,
    const struct frag *f, size_t n)
{
	uint8_t data[2048];
	size_t i;

	for (i = 0; i < n; i++) {
		ATF_REQUIRE(f[i].off % 8 == 0 && f[i].len <= sizeof(data));
		ATF_REQUIRE(f[i].off + f[i].len - (f[i].dummy ? 8 : 0) <=
		    msglen);
		if (f[i].dummy) {
			memcpy(data, dummy, 8);
			memcpy(data + 8, msg + f[i].off + 8, f[i].len - 8);
		} else
			memcpy(data, msg + f[i].off, f[i].len);
		pk_send(t, ifp, PK_PKT(PK_IP4(.src = src, .dst = dst,
		    .id = id, .proto = IPPROTO_ICMP, .mf = f[i].mf,
		    .off = (int64_t)(f[i].off / 8)),
		    PK_RAW(.data = data, .len = f[i].len)));
	}
}

/*
 * The frag-*.py cases: the case host sends the fragments of an echo
 * request (id 4242) to a vnet whose firewall reassembles, then a whole
 * echo request with the sentinel's id.
 */
struct overlap_case {
	struct pk_topo	 topo;
	struct pk_sniffer *s;
	uint64_t	 fails, overlaps;
	uint8_t		 msg[8400];
	size_t		 msglen;
};

static void
overlap_setup(struct pk_tc *t, struct overlap_case *c, size_t paylen)
{

	pk_topo_pair(t, &c->topo);
	pk_fw(t, c->topo.server, &pass_reassemble);
	/* A plain echo passes. */
	pfs_echo(t, c->topo.client_if, c->topo.server4, 1, 1);
	c->s = pk_sniff_with(t, c->topo.client_if, "icmp", .dir = PK_DIR_IN,
	    .reassemble = 1);
	c->fails = pk_stat(t, c->topo.server, "Ip.ReasmFails");
	c->overlaps = pk_stat(t, c->topo.server, "IpExt.ReasmOverlaps");
	echo_message(c->topo.client4, c->topo.server4, 4242, paylen, c->msg,
	    sizeof(c->msg), &c->msglen);
}

/*
 * Linux: no reply (the sentinel's comes), and one datagram dropped for
 * overlapping.
 */
static void
overlap_discarded(struct pk_tc *t, struct overlap_case *c)
{

	pfs_echo_send(t, c->topo.client_if, NULL, c->topo.server4,
	    SENTINEL_ID, 1);
	pk_expect_none_until(t, c->s, pfs_echo_reply_filter("", 4242),
	    pfs_echo_reply_filter("", SENTINEL_ID), 2000);
	ATF_CHECK_EQ(pk_stat(t, c->topo.server, "Ip.ReasmFails"),
	    c->fails + 1);
	ATF_CHECK_EQ(pk_stat(t, c->topo.server, "IpExt.ReasmOverlaps"),
	    c->overlaps + 1);
}

PK_TC_CONF(overindex_fragment_discards_datagram, "a last fragment whose "
    "head overlaps the fragment before a 4096-byte boundary makes Linux "
    "drop the datagram (pf reassembles it)", .require_progs = "nft");
PK_TC_BODY(overindex_fragment_discards_datagram, t)
{
	struct overlap_case c;
	struct frag f[65];
	size_t i;

	/*
	 * 64-byte fragments up to 4032, the last fragment at 4088 with a
	 * dummy head over [4088, 4096), then the one at 4032 that covers
	 * it.
	 */
	overlap_setup(t, &c, 4096);
	for (i = 0; i < 63; i++)
		f[i] = (struct frag){ i * 64, 64, 1, 0 };
	f[63] = (struct frag){ 4088, 16, 0, 1 };
	f[64] = (struct frag){ 4032, 64, 1, 0 };
	send_frags(t, c.topo.client_if, c.topo.client4, c.topo.server4, 4242,
	    c.msg, c.msglen, f, 65);
	overlap_discarded(t, &c);
}

PK_TC_CONF(overreplace_fragment_discards_datagram, "a fragment starting "
    "8 bytes before a boundary, then the one it overlaps, make Linux drop "
    "the datagram (pf replaces the overlap and reassembles)",
    .require_progs = "nft");
PK_TC_BODY(overreplace_fragment_discards_datagram, t)
{
	static const struct frag f[] = {
		{ 0, 1024, 1, 0 }, { 1024, 1024, 1, 0 }, { 2048, 1024, 1, 0 },
		{ 4088, 16, 1, 1 },
		{ 3072, 1024, 1, 0 },
		{ 4096, 1032, 0, 0 },
	};
	struct overlap_case c;

	overlap_setup(t, &c, 5120);
	ATF_REQUIRE_EQ(c.msglen, 5128);
	send_frags(t, c.topo.client_if, c.topo.client4, c.topo.server4, 4242,
	    c.msg, c.msglen, f, sizeof(f) / sizeof(f[0]));
	overlap_discarded(t, &c);
}

PK_TC_CONF(overhole_fragments_keep_first_data, "a fragment lying over "
    "the seam of two others is a duplicate to Linux: the datagram is "
    "completed with the data that came first, whose ICMP checksum fails "
    "(pf trims and reassembles the original)", .require_progs = "nft");
PK_TC_BODY(overhole_fragments_keep_first_data, t)
{
	/*
	 * [3072, 4088) and [4088, 5120) meet at 4088; the second starts
	 * with 8 dummy bytes.  [4080, 4096) lies over both (dummy head,
	 * real tail) and changes nothing; the tail completes the
	 * datagram with the dummy bytes still in it.
	 */
	static const struct frag f[] = {
		{ 0, 1024, 1, 0 }, { 1024, 1024, 1, 0 }, { 2048, 1024, 1, 0 },
		{ 3072, 1016, 1, 0 },
		{ 4088, 1032, 1, 1 },
		{ 4080, 16, 1, 1 },
		{ 5120, 24, 0, 0 },
	};
	struct overlap_case c;
	uint64_t oks;

	overlap_setup(t, &c, 5136);
	ATF_REQUIRE_EQ(c.msglen, 5144);
	oks = pk_stat(t, c.topo.server, "Ip.ReasmOKs");
	send_frags(t, c.topo.client_if, c.topo.client4, c.topo.server4, 4242,
	    c.msg, c.msglen, f, sizeof(f) / sizeof(f[0]));
	pfs_echo_send(t, c.topo.client_if, NULL, c.topo.server4,
	    SENTINEL_ID, 1);
	pk_expect_none_until(t, c.s, pfs_echo_reply_filter("", 4242),
	    pfs_echo_reply_filter("", SENTINEL_ID), 2000);
	ATF_CHECK_EQ(pk_stat(t, c.topo.server, "Ip.ReasmOKs"), oks + 1);
	/*
	 * Connection tracking checks the ICMP checksum of what it
	 * reassembled, finds it wrong, and the ruleset drops the packet
	 * as invalid.
	 */
	ATF_CHECK_MSG(strstr(pk_run_ok(t, c.topo.server, "nft list chain "
	    "inet f i"), "invalid counter packets 1 ") != NULL, "%s",
	    pk_out(t));
	ATF_CHECK_EQ(pk_stat(t, c.topo.server, "Ip.ReasmFails"), c.fails);
	ATF_CHECK_EQ(pk_stat(t, c.topo.server, "IpExt.ReasmOverlaps"),
	    c.overlaps);
}

PK_TC_CONF(overlimit_fragments_get_no_reply, "127 fragments around two "
    "4096-byte boundaries with an overlapping re-send get no reply (pf: "
    "requeue limit; Linux: the overlap drops the datagram)",
    .require_progs = "nft");
PK_TC_BODY(overlimit_fragments_get_no_reply, t)
{
	struct overlap_case c;
	struct frag f[129];
	size_t i, n;

	overlap_setup(t, &c, 8192);
	n = 0;
	for (i = 0; i < 127; i++)
		if (i != 63)
			f[n++] = (struct frag){ i * 64, 64, 1, 0 };
	f[n++] = (struct frag){ 8128, 72, 0, 0 };
	f[n++] = (struct frag){ 4088, 16, 1, 1 };
	f[n++] = (struct frag){ 4032, 64, 1, 0 };
	send_frags(t, c.topo.client_if, c.topo.client4, c.topo.server4, 4242,
	    c.msg, c.msglen, f, n);
	overlap_discarded(t, &c);
}

PK_TC_CONF(adjhole_fragment_inside_data_is_dropped_alone, "a fragment "
    "lying wholly inside data already received is dropped alone; the "
    "reply carries the original payload", .require_progs = "nft");
PK_TC_BODY(adjhole_fragment_inside_data_is_dropped_alone, t)
{
	static const struct frag f[] = {
		{ 0, 16, 1, 0 }, { 16, 16, 1, 0 }, { 8, 16, 1, 0 },
		{ 32, 8, 0, 0 },
	};
	const struct pk_dlayer *ip, *ic;
	const struct pk_dpkt *d;
	struct overlap_case c;

	overlap_setup(t, &c, 32);
	send_frags(t, c.topo.client_if, c.topo.client4, c.topo.server4, 4242,
	    c.msg, c.msglen, f, sizeof(f) / sizeof(f[0]));
	d = pk_expect(t, c.s, pfs_echo_reply_filter("", 4242), 2000);
	ip = pfs_layer(d, PK_PROTO_IP4);
	ic = pfs_layer(d, PK_PROTO_ICMP4);
	ATF_CHECK(!ip->u.ip4.mf && ip->u.ip4.off == 0);
	ATF_CHECK(pfs_ip4_is(&ip->u.ip4.src, c.topo.server4));
	ATF_CHECK_EQ(ic->cksum, PK_CKSUM_OK);
	ATF_CHECK_MSG(pfs_payload_is(d, ic, c.msg + 8, 32), "the reply does "
	    "not carry the original 32 bytes");
	ATF_CHECK_EQ(pk_stat(t, c.topo.server, "Ip.ReasmFails"), c.fails);
}

/*
 * Send pkt on ifp cut into fragments of at most mtu bytes, as a host
 * whose link MTU is mtu would.
 */
static void
send_fragmented(struct pk_tc *t, struct pk_if *ifp, pk_pkt_t pkt, size_t mtu)
{
	static uint8_t frame[PK_PKT_MAX];
	struct pk_frags fr;
	struct pk_err err;
	size_t i, len;

	ATF_REQUIRE_MSG(pk_wire_build(pk_wire(t), ifp, pkt, frame,
	    sizeof(frame), &len, &err) == 0, "%s", err.msg);
	ATF_REQUIRE_MSG(pk_frag(frame, len, PK_DLT_EN10MB, mtu, 0, &fr,
	    &err) == 0, "%s", err.msg);
	ATF_REQUIRE(fr.n > 1);
	for (i = 0; i < fr.n; i++)
		pk_send_raw(t, ifp, fr.v[i].buf, fr.v[i].len);
	pk_frags_free(&fr);
}

/* An echo request with paylen bytes of pattern. */
#define	BIG_ECHO(dst_, id_, paylen_, df_)				\
	PK_PKT(PK_IP4(.dst = (dst_), .id = (id_), .df = (df_)),	\
	    PK_ICMP4_ECHO(.id = (id_), .seq = 1, .data = big_payload,	\
	    .datalen = (paylen_)))

static uint8_t big_payload[8192];

static void
fill_big_payload(void)
{
	size_t i;

	for (i = 0; i < sizeof(big_payload); i++)
		big_payload[i] = (uint8_t)pattern[i % 16];
}

/*
 * pf: "pass out", "block in", "pass in inet proto icmp all icmp-type
 * echoreq", without and with reassembly.  Without it the rule sees each
 * fragment: only the first one has an ICMP header to match.  Linux
 * reassembles what it delivers locally before the input hook, so a
 * stateless filter that is to see fragments sits in prerouting.
 */
static const struct pk_ruleset echoreq_only = {
	.nft =
	    "flush ruleset\n"
	    "table ip f {\n"
	    "  chain p { type filter hook prerouting priority 0; "
	    "policy drop;\n"
	    "    icmp type echo-request accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "pass out\n"
	    "block in\n"
	    "pass in inet proto icmp all icmp-type echoreq\n",
};
static const struct pk_ruleset echoreq_reassemble = {
	.nft =
	    "flush ruleset\n"
	    "table ip f {\n"
	    "  chain p { type filter hook prerouting priority 0; "
	    "policy drop;\n"
	    "    ct state established,related accept\n"
	    "    icmp type echo-request accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "set reassemble yes\n"
	    "pass out\n"
	    "block in\n"
	    "pass in inet proto icmp all icmp-type echoreq\n",
};

PK_TC_CONF(reassembly_lets_fragmented_echo_pass, "a rule matching echo "
    "requests passes a fragmented one only when the firewall reassembles",
    .require_progs = "nft");
PK_TC_BODY(reassembly_lets_fragmented_echo_pass, t)
{
	const struct pk_dlayer *ip;
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	fill_big_payload();
	pk_topo_pair(t, &topo);
	pk_fw(t, topo.server, &echoreq_only);
	s = pk_sniff_with(t, topo.client_if, "icmp", .dir = PK_DIR_IN,
	    .reassemble = 1);
	/* A single packet passes. */
	pfs_echo(t, topo.client_if, topo.server4, 1, 1);
	/* A fragmented one does not: the second fragment is dropped. */
	send_fragmented(t, topo.client_if, BIG_ECHO(topo.server4, 2, 2000, 0),
	    1500);
	pfs_echo_send(t, topo.client_if, NULL, topo.server4, SENTINEL_ID, 1);
	pk_expect_none_until(t, s, pfs_echo_reply_filter("", 2),
	    pfs_echo_reply_filter("", SENTINEL_ID), 2000);

	pk_fw(t, topo.server, &echoreq_reassemble);
	pfs_echo(t, topo.client_if, topo.server4, 3, 1);
	send_fragmented(t, topo.client_if, BIG_ECHO(topo.server4, 4, 2000, 0),
	    1500);
	d = pk_expect(t, s, pfs_echo_reply_filter("", 4), 2000);
	ip = pfs_layer(d, PK_PROTO_IP4);
	ATF_CHECK_EQ(ip->u.ip4.len, 20 + 8 + 2000);
	ATF_CHECK(pfs_payload_is(d, pfs_layer(d, PK_PROTO_ICMP4),
	    big_payload, 2000));
}

/*
 * The RD topology of the pf tests: the case host ("tester") sends
 * through vnet "router" towards 198.51.100.2, a static neighbour on the
 * router's far side whose frames the host sees on the other end of
 * that link (address-less, so its kernel never answers).
 */
struct rd {
	struct pk_vnet	*router;
	struct pk_if	*tester;	/* host: 192.0.2.1 */
	struct pk_if	*rin;		/* router: 192.0.2.2 */
	struct pk_if	*rout;		/* router: 198.51.100.1 */
	struct pk_if	*dummy;		/* host, no address */
};

static void
rd_setup(struct pk_tc *t, struct rd *rd)
{
	struct pk_epair *in, *out;

	rd->router = pk_vnet(t, "router");
	in = pk_epair(t, NULL, rd->router);
	out = pk_epair(t, rd->router, NULL);
	rd->tester = in->a;
	rd->rin = in->b;
	rd->rout = out->a;
	rd->dummy = out->b;
	pk_addr(t, rd->tester, "192.0.2.1/24");
	pk_addr(t, rd->rin, "192.0.2.2/24");
	pk_addr(t, rd->rout, "198.51.100.1/24");
	pk_forwarding(t, rd->router);
	pk_route(t, NULL, "198.51.100.0/24", "192.0.2.2");
	pk_neigh(t, rd->rout, "198.51.100.2", pfs_mac(rd->dummy));
}

/* Stateless forwarding rules: they see every fragment as it is. */
static const struct pk_ruleset fwd_echoreq_only = {
	.nft =
	    "flush ruleset\n"
	    "table ip f {\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    icmp type echo-request accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "pass out\n"
	    "block in\n"
	    "pass in inet proto icmp all icmp-type echoreq\n",
};
static const struct pk_ruleset fwd_fragments_only = {
	.nft =
	    "flush ruleset\n"
	    "table ip f {\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ip frag-off & 0x3fff != 0 ip protocol icmp accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "pass out\n"
	    "block in\n"
	    "pass in inet proto icmp fragment\n",
};

#define	ECHO_TO_DUMMY(id_)						\
	"icmp[icmptype] == icmp-echo and icmp[4:2] == " #id_

PK_TC_CONF(full_match_drops_noninitial_fragments, "without reassembly, a "
    "rule on the ICMP type passes a whole echo request but not the "
    "fragments after the first", .require_progs = "nft");
PK_TC_BODY(full_match_drops_noninitial_fragments, t)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct rd rd;

	fill_big_payload();
	rd_setup(t, &rd);
	pk_fw(t, rd.router, &fwd_echoreq_only);
	s = pk_sniff_with(t, rd.dummy, "ip proto 1", .dir = PK_DIR_IN);
	pfs_echo_send(t, rd.tester, NULL, "198.51.100.2", 1, 1);
	d = pk_expect(t, s, ECHO_TO_DUMMY(1), 2000);
	ATF_CHECK_EQ(pfs_layer(d, PK_PROTO_IP4)->u.ip4.ttl, 63);
	/*
	 * 2008 bytes of ICMP in fragments of 1000, 1000 and 8 bytes (IP
	 * id 2): only the first, which has the ICMP header, gets through.
	 */
	send_fragmented(t, rd.tester, BIG_ECHO("198.51.100.2", 2, 2000, 0),
	    1020);
	pfs_echo_send(t, rd.tester, NULL, "198.51.100.2", SENTINEL_ID, 1);
	pk_expect_none_until(t, s, "ip[4:2] == 2 and ip[6:2] & 0x1fff != 0",
	    ECHO_TO_DUMMY(0x5e5e), 2000);
	d = pk_expect(t, s, "ip[4:2] == 2 and ip[6:2] & 0x3fff == 0x2000",
	    2000);
	ATF_CHECK_EQ(pfs_layer(d, PK_PROTO_IP4)->u.ip4.len, 1020);
}

PK_TC_CONF(fragment_match_passes_only_fragments, "without reassembly, a "
    "rule matching fragments passes a fragmented echo request and not a "
    "whole one", .require_progs = "nft");
PK_TC_BODY(fragment_match_passes_only_fragments, t)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct rd rd;

	fill_big_payload();
	rd_setup(t, &rd);
	pk_fw(t, rd.router, &fwd_fragments_only);
	s = pk_sniff_with(t, rd.dummy, "icmp", .dir = PK_DIR_IN,
	    .reassemble = 1);
	/* The whole request is dropped; a fragmented one is the sentinel. */
	pfs_echo_send(t, rd.tester, NULL, "198.51.100.2", 1, 1);
	send_fragmented(t, rd.tester, BIG_ECHO("198.51.100.2", 2, 2000, 0),
	    1020);
	pk_expect_none_until(t, s, ECHO_TO_DUMMY(1), ECHO_TO_DUMMY(2), 2000);
	send_fragmented(t, rd.tester, BIG_ECHO("198.51.100.2", 3, 2000, 0),
	    1020);
	d = pk_expect(t, s, ECHO_TO_DUMMY(3), 2000);
	ATF_CHECK_EQ(pfs_layer(d, PK_PROTO_IP4)->u.ip4.len, 20 + 8 + 2000);
}

/*
 * mtu_diff: host 192.0.2.1/25 - "first" 192.0.2.2/25 and 192.0.2.130/25
 * (MTU 9000) - "second" 192.0.2.131/25 (MTU 9000).
 */
static const struct pk_ruleset pass_reassemble_fwd = {
	.nft =
	    "flush ruleset\n"
	    "table inet f {\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state new,established,related accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "set reassemble yes\n"
	    "pass keep state\n",
};

PK_TC_CONF(mtu_diff_reassembled_echo_crosses_larger_mtu, "a fragmented "
    "echo reassembled by the firewall is forwarded onto a link with a "
    "larger MTU and answered; Linux sends it there in its original "
    "fragment sizes", .require_progs = "nft");
PK_TC_BODY(mtu_diff_reassembled_echo_crosses_larger_mtu, t)
{
	const struct pk_dlayer *ip;
	const struct pk_seen *seen;
	struct pk_sniffer *s, *big;
	struct pk_vnet *first, *second;
	struct pk_epair *small, *large;
	const struct pk_dpkt *d;
	size_t i, nfrags;

	fill_big_payload();
	first = pk_vnet(t, "first");
	second = pk_vnet(t, "second");
	small = pk_epair(t, NULL, first);
	large = pk_epair(t, first, second);
	pk_addr(t, small->a, "192.0.2.1/25");
	pk_addr(t, small->b, "192.0.2.2/25");
	pk_addr(t, large->a, "192.0.2.130/25");
	pk_addr(t, large->b, "192.0.2.131/25");
	pk_mtu(t, large->a, 9000);
	pk_mtu(t, large->b, 9000);
	pk_forwarding(t, first);
	pk_route(t, second, "default", "192.0.2.130");
	pk_route(t, NULL, "192.0.2.128/25", "192.0.2.2");
	pk_fw(t, first, &pass_reassemble_fwd);
	pfs_echo(t, small->a, "192.0.2.131", 1, 1);

	s = pk_sniff_with(t, small->a, "icmp", .dir = PK_DIR_IN,
	    .reassemble = 1);
	big = pk_sniff_with(t, large->b, "ip[4:2] == 2", .dir = PK_DIR_IN);
	send_fragmented(t, small->a, BIG_ECHO("192.0.2.131", 2, 8000, 0),
	    1500);
	d = pk_expect(t, s, pfs_echo_reply_filter("", 2), 2000);
	ip = pfs_layer(d, PK_PROTO_IP4);
	ATF_CHECK_EQ(ip->u.ip4.len, 20 + 8 + 8000);
	ATF_CHECK(pfs_payload_is(d, pfs_layer(d, PK_PROTO_ICMP4),
	    big_payload, 8000));
	/*
	 * pf sends the reassembled request whole on the large link.
	 * Linux remembers the largest fragment it reassembled and cuts
	 * the packet it forwards back to that size, whatever the MTU.
	 */
	ATF_CHECK(pk_sniff_poll(big, NULL) == 0);
	nfrags = pk_sniff_count(big);
	ATF_CHECK_EQ_MSG(nfrags, 6, "%zu fragments on the large link",
	    nfrags);
	for (i = 0; i < nfrags; i++) {
		seen = pk_sniff_get(big, i);
		ATF_REQUIRE(seen != NULL);
		ip = pfs_layer(&seen->d, PK_PROTO_IP4);
		ATF_CHECK_MSG(ip->u.ip4.len <= 1500, "a %u-byte fragment",
		    ip->u.ip4.len);
		ATF_CHECK_EQ(ip->u.ip4.mf, i + 1 < nfrags);
	}
}

/*
 * no_df: tester (the case host, MTU 9000) - router (9000 | 1500) -
 * server, pk_topo_router's addresses.
 */
static void
no_df_setup(struct pk_tc *t, struct pk_topo *topo)
{

	pk_topo_router(t, topo);
	pk_mtu(t, topo->client_if, 9000);
	pk_mtu(t, topo->router_in, 9000);
	pfs_echo(t, topo->client_if, topo->server4, 1, 1);
}

static const struct pk_ruleset no_df_stateless = {
	.nft =
	    "flush ruleset\n"
	    "table ip f {\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    icmp type { echo-request, echo-reply } accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "set reassemble no\n"
	    "pass out\n"
	    "block in\n"
	    "pass in inet proto icmp all icmp-type echoreq\n",
};
static const struct pk_ruleset no_df_reassemble = {
	.nft =
	    "flush ruleset\n"
	    "table ip f {\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    icmp type echo-request accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "set reassemble yes\n"
	    "pass out\n"
	    "block in\n"
	    "pass in inet proto icmp all icmp-type echoreq\n",
};
/*
 * pf's "no-df" clears DF as it reassembles.  nft clears it with a
 * rule, which must run before routing: the forward hook comes after
 * the MTU check, which has already refused the packet by then.
 */
static const struct pk_ruleset no_df_clear = {
	.nft =
	    "flush ruleset\n"
	    "table ip f {\n"
	    "  chain p { type filter hook prerouting priority -150;\n"
	    "    ip frag-off & 0x4000 != 0 ip frag-off set "
	    "ip frag-off & 0xbfff\n"
	    "  }\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    icmp type echo-request accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "set reassemble yes no-df\n"
	    "pass out\n"
	    "block in\n"
	    "pass in inet proto icmp all icmp-type echoreq\n",
};

PK_TC_CONF(no_df_clearing_lets_df_echo_through, "a 2000-byte echo "
    "towards a 1500-byte link: its fragmented reply passes only with "
    "reassembly; with DF the router refuses it with fragmentation needed, "
    "unless the firewall clears DF", .require_progs = "nft");
PK_TC_BODY(no_df_clearing_lets_df_echo_through, t)
{
	const struct pk_dlayer *ic, *ip;
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	fill_big_payload();
	no_df_setup(t, &topo);
	s = pk_sniff_with(t, topo.client_if, "icmp", .dir = PK_DIR_IN,
	    .reassemble = 1);

	/* No reassembly: the reply's second fragment is dropped. */
	pk_fw(t, topo.router, &no_df_stateless);
	pk_send(t, topo.client_if, BIG_ECHO(topo.server4, 2, 2000, 0));
	pfs_echo_send(t, topo.client_if, NULL, topo.server4, SENTINEL_ID, 1);
	pk_expect_none_until(t, s, pfs_echo_reply_filter("", 2),
	    pfs_echo_reply_filter("", SENTINEL_ID), 2000);

	/* Reassembly: it passes. */
	pk_fw(t, topo.router, &no_df_reassemble);
	pk_send(t, topo.client_if, BIG_ECHO(topo.server4, 3, 2000, 0));
	d = pk_expect(t, s, pfs_echo_reply_filter("", 3), 2000);
	ATF_CHECK_EQ(pfs_layer(d, PK_PROTO_IP4)->u.ip4.len, 2028);

	/* DF set: the router cannot fragment and says why. */
	pk_send(t, topo.client_if, BIG_ECHO(topo.server4, 4, 2000, 1));
	d = pk_expect(t, s, "icmp[icmptype] == icmp-unreach", 2000);
	ip = pfs_layer(d, PK_PROTO_IP4);
	ic = pfs_layer(d, PK_PROTO_ICMP4);
	ATF_CHECK(pfs_ip4_is(&ip->u.ip4.src, topo.router_in4));
	ATF_CHECK_EQ(ic->u.icmp.code, 4);
	ATF_CHECK_EQ(ic->u.icmp.rest & 0xffff, 1500);
	ATF_CHECK_EQ(pfs_layer_n(d, PK_PROTO_IP4, 1)->u.ip4.id, 4);
	pfs_echo_send(t, topo.client_if, NULL, topo.server4, SENTINEL_ID, 2);
	pk_expect_none_until(t, s, pfs_echo_reply_filter("", 4),
	    pfs_echo_reply_filter("", SENTINEL_ID), 2000);

	/* The firewall clears DF: the router fragments, the reply comes. */
	pk_fw(t, topo.router, &no_df_clear);
	pk_send(t, topo.client_if, BIG_ECHO(topo.server4, 5, 2000, 1));
	d = pk_expect(t, s, pfs_echo_reply_filter("", 5), 2000);
	ATF_CHECK_EQ(pfs_layer(d, PK_PROTO_IP4)->u.ip4.len, 2028);
	ATF_CHECK(pfs_payload_is(d, pfs_layer(d, PK_PROTO_ICMP4),
	    big_payload, 2000));
}

/*
 * icmp.py TestICMP: vnet1 192.0.2.2 - router 192.0.2.1 / 198.51.100.1
 * (MTU 1492 on that link) - vnet3 198.51.100.2; pf "set reassemble
 * yes", "set state-policy if-bound", "block", "pass inet proto icmp
 * icmp-type echoreq".  The case host is vnet1.
 */
static const struct pk_ruleset echoreq_stateful = {
	.nft =
	    "table ip f {\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    icmp type echo-request accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "set reassemble yes\n"
	    "set state-policy if-bound\n"
	    "block\n"
	    "pass inet proto icmp icmp-type echoreq\n",
};

PK_TC_CONF(fragmentation_needed_names_next_hop_mtu, "DF echo requests "
    "that fit a 1492-byte link are answered; one 4 bytes too long gets "
    "fragmentation needed from the router, with MTU 1492",
    .require_progs = "nft");
PK_TC_BODY(fragmentation_needed_names_next_hop_mtu, t)
{
	static const size_t sizes[] = { 128, 1464 };
	static uint8_t f0[1468];
	const struct pk_dlayer *ip, *ic, *inner;
	struct pk_vnet *router, *v3;
	struct pk_epair *if1, *if2;
	const struct pk_dpkt *d;
	size_t i;

	memset(f0, 0xf0, sizeof(f0));
	router = pk_vnet(t, "router");
	v3 = pk_vnet(t, "vnet3");
	if1 = pk_epair(t, NULL, router);
	if2 = pk_epair(t, router, v3);
	pk_addr(t, if1->a, "192.0.2.2/24");
	pk_addr(t, if1->b, "192.0.2.1/24");
	pk_addr(t, if2->a, "198.51.100.1/24");
	pk_addr(t, if2->b, "198.51.100.2/24");
	pk_mtu(t, if2->a, 1492);
	pk_mtu(t, if2->b, 1492);
	pk_forwarding(t, router);
	pk_route(t, NULL, "default", "192.0.2.1");
	pk_route(t, v3, "default", "198.51.100.1");
	pk_fw(t, router, &echoreq_stateful);

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		d = pk_request(t, if1->a, PK_PKT(PK_IP4(.dst = "198.51.100.2",
		    .df = 1), PK_ICMP4_ECHO(.id = 7, .seq = (int64_t)i + 1,
		    .data = f0, .datalen = sizes[i])), 2000);
		ip = pfs_layer(d, PK_PROTO_IP4);
		ic = pfs_layer(d, PK_PROTO_ICMP4);
		ATF_CHECK(pfs_ip4_is(&ip->u.ip4.src, "198.51.100.2"));
		ATF_CHECK(pfs_ip4_is(&ip->u.ip4.dst, "192.0.2.2"));
		ATF_CHECK_EQ(ic->u.icmp.type, 0);
		ATF_CHECK_EQ(ic->u.icmp.code, 0);
		ATF_CHECK_EQ(ip->u.ip4.len, 20 + 8 + sizes[i]);
	}
	d = pk_request(t, if1->a, PK_PKT(PK_IP4(.dst = "198.51.100.2",
	    .df = 1, .id = 99), PK_ICMP4_ECHO(.id = 7, .seq = 3, .data = f0,
	    .datalen = 1468)), 2000);
	ip = pfs_layer(d, PK_PROTO_IP4);
	ic = pfs_layer(d, PK_PROTO_ICMP4);
	ATF_CHECK(pfs_ip4_is(&ip->u.ip4.src, "192.0.2.1"));
	ATF_CHECK(pfs_ip4_is(&ip->u.ip4.dst, "192.0.2.2"));
	ATF_CHECK_EQ(ic->u.icmp.type, 3);
	ATF_CHECK_EQ(ic->u.icmp.code, 4);
	ATF_CHECK_EQ(ic->u.icmp.rest & 0xffff, 1492);
	inner = pfs_layer_n(d, PK_PROTO_IP4, 1);
	ATF_CHECK_EQ(inner->u.ip4.id, 99);
	ATF_CHECK(pfs_ip4_is(&inner->u.ip4.dst, "198.51.100.2"));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, overindex_fragment_discards_datagram);
	ATF_TP_ADD_TC(tp, overreplace_fragment_discards_datagram);
	ATF_TP_ADD_TC(tp, overhole_fragments_keep_first_data);
	ATF_TP_ADD_TC(tp, overlimit_fragments_get_no_reply);
	ATF_TP_ADD_TC(tp, adjhole_fragment_inside_data_is_dropped_alone);
	ATF_TP_ADD_TC(tp, reassembly_lets_fragmented_echo_pass);
	ATF_TP_ADD_TC(tp, full_match_drops_noninitial_fragments);
	ATF_TP_ADD_TC(tp, fragment_match_passes_only_fragments);
	ATF_TP_ADD_TC(tp, mtu_diff_reassembled_echo_crosses_larger_mtu);
	ATF_TP_ADD_TC(tp, no_df_clearing_lets_df_echo_through);
	ATF_TP_ADD_TC(tp, fragmentation_needed_names_next_hop_mtu);
	return (atf_no_error());
}
