/*
 * frag6_test: IPv6 fragments through a firewall that reassembles them.
 *
 * Ports of FreeBSD's pf tests of IPv6 fragments:
 *
 *  - tests/sys/netpfil/pf/frag6.py, TestFrag6.test_dup_frag_hdr: an
 *    echo request behind two atomic Fragment headers must not be
 *    answered by a host whose firewall reassembles and blocks echo
 *    requests (dup_frag_hdr_echo_is_blocked); added, what the stack
 *    does with such a packet when nothing blocks it, with and without
 *    conntrack (dup_frag_hdr_gets_param_problem*);
 *  - frag6.py, TestFrag6_Overlap.test_overlap: an echo request in three
 *    fragments plus one that overlaps the first; FreeBSD's pf drops the
 *    datagram, Linux keeps it (overlap_inside_received_data_is_ignored*)
 *    and drops only when the overlap reaches past the data received so
 *    far (overlap_past_received_data_drops_datagram*);
 *  - tests/sys/netpfil/pf/fragmentation_pass.sh, case v6: pings of 4500
 *    and 65000 bytes to a router that reassembles, to its link-local
 *    address, and through it (big_pings_pass_reassembling_router);
 *  - the same case's last step, tests/sys/netpfil/pf/CVE-2019-5597.py:
 *    two fragments, the second behind Authentication Headers whose first
 *    claims 808 bytes, sent through the router, which must survive and
 *    keep forwarding (cve_2019_5597_fragments_leave_router_working).
 *
 * On Linux "the firewall reassembles" means an nftables ruleset with a
 * "ct" expression (nf_defrag_ipv6, see tests/sys/netinet6/frag6/frag6.h);
 * each case carries its nftables text and the pf text of the original.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "pktkit.h"

#include "../../common/porttest.h"

/* A sentinel: a UDP datagram to a closed port, and its answer. */
#define	SENTINEL_PORT	7777
#define	SENTINEL							\
	"icmp6[icmp6type] == icmp6-destinationunreach and "		\
	"icmp6[icmp6code] == 4"

#define	ANSWER_MS	2000

static void
send_sentinel(struct pk_tc *t, struct pk_if *ifp, const char *dst)
{

	pk_send(t, ifp, PK_PKT(PK_IP6(.dst = dst),
	    PK_UDP(.sport = SENTINEL_PORT, .dport = SENTINEL_PORT)));
}

/*
 * The packets of a named nftables counter of table inet filter in v.
 */
static uint64_t
nft_counter(struct pk_tc *t, struct pk_vnet *v, const char *name)
{
	const char *out, *p;

	out = pk_run_ok(t, v, "nft list counter inet filter %s", name);
	p = strstr(out, "packets ");
	ATF_REQUIRE_MSG(p != NULL, "no packet count in: %s", out);
	return (strtoull(p + 8, NULL, 10));
}

/*
 * An echo request behind two atomic Fragment headers, with the 256
 * bytes of data of FreeBSD's probe.
 */
static void
send_dup_frag_echo(struct pk_tc *t, struct pk_topo *topo)
{
	static uint8_t data[256];
	size_t i;

	for (i = 0; i < sizeof(data); i += 2) {
		data[i] = 0xf0;
		data[i + 1] = 0x0f;
	}
	pk_send(t, topo->client_if, PK_PKT(PK_IP6(.dst = topo->server6),
	    PK_IP6_FRAG(.off = 0, .mf = 0, .id = 0x6601),
	    PK_IP6_FRAG(.off = 0, .mf = 0, .id = 0x6602),
	    PK_ICMP6_ECHO(.id = 0x6666, .seq = 1, .data = data,
	    .datalen = sizeof(data))));
}

/*
 * pf's "min-ttl 10" has no part in what the case checks (the probe's
 * hop limit is 64) and is left out of the nftables text.  FreeBSD also
 * makes dummymbuf(4) enlarge every incoming mbuf to 3000 bytes, to vary
 * pf's buffer layout; Linux has no counterpart and the case does
 * without.
 */
static const struct pk_ruleset dup_frag_hdr_rules = {
	.nft =
	    "table inet filter {\n"
	    "\tcounter echoreq { }\n"
	    "\tchain input {\n"
	    "\t\ttype filter hook input priority filter; policy accept;\n"
	    "\t\tct state invalid drop\n"
	    "\t\ticmpv6 type echo-request counter name echoreq drop\n"
	    "\t}\n"
	    "}\n",
	.pf =
	    "scrub fragment reassemble min-ttl 10\n"
	    "pass\n"
	    "block in inet6 proto icmp6 icmp6-type echoreq\n",
};

PK_TC(dup_frag_hdr_echo_is_blocked, "an echo request behind two Fragment "
    "headers is not answered by a host that reassembles and blocks echo "
    "requests");
PK_TC_BODY(dup_frag_hdr_echo_is_blocked, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	pk_fw(t, topo.server, &dup_frag_hdr_rules);
	s = pk_sniff_with(t, topo.client_if, "ip6 src 2001:db8::2",
	    .dir = PK_DIR_IN);
	send_dup_frag_echo(t, &topo);
	send_sentinel(t, topo.client_if, topo.server6);
	/* No reply, and no error either: the rule dropped it first. */
	pk_expect_none_until(t, s, "icmp6 and icmp6[icmp6type] != 1",
	    SENTINEL, ANSWER_MS);
	/*
	 * The rule saw an echo request: nftables found the ICMPv6 header
	 * behind the Fragment header netfilter left in place.
	 */
	ATF_CHECK_EQ(nft_counter(t, topo.server, "echoreq"), 1);
}

static const struct pk_ruleset reassemble_rules = {
	.nft =
	    "table inet filter {\n"
	    "\tchain input {\n"
	    "\t\ttype filter hook input priority filter; policy accept;\n"
	    "\t\tct state invalid drop\n"
	    "\t}\n"
	    "}\n",
	.pf =
	    "scrub fragment reassemble\n"
	    "pass\n",
};

/*
 * With nothing blocking it, the stack refuses a second Fragment header
 * in a datagram it already took as reassembled (RFC 8200 4.5 allows one
 * per datagram): parameter problem, code 0, at that header.  Without a
 * firewall the stack takes the first header and refuses the second, at
 * byte 48; with conntrack, netfilter has removed the first, so the
 * quoted packet holds one Fragment header and the pointer is 40.
 */
static void
dup_frag_hdr(struct pk_tc *t, int ct)
{
	const struct pk_dlayer *l;
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	if (ct)
		pk_fw(t, topo.server, &reassemble_rules);
	s = pk_sniff_with(t, topo.client_if, "ip6 src 2001:db8::2",
	    .dir = PK_DIR_IN);
	send_dup_frag_echo(t, &topo);
	d = pk_expect(t, s, "icmp6[icmp6type] == icmp6-parameterproblem and "
	    "icmp6[icmp6code] == 0", ANSWER_MS);
	ATF_CHECK_EQ(pt_layer(d, PK_PROTO_ICMP6)->u.icmp.rest, ct ? 40 : 48);
	l = pk_dpkt_find(d, PK_PROTO_IP6_FRAG, ct ? 0 : 1);
	ATF_REQUIRE(l != NULL);
	ATF_CHECK_EQ(l->u.ip6ext.id, 0x6602);
	if (ct)
		ATF_CHECK(pk_dpkt_find(d, PK_PROTO_IP6_FRAG, 1) == NULL);
	send_sentinel(t, topo.client_if, topo.server6);
	pk_expect_none_until(t, s, "icmp6[icmp6type] == icmp6-echoreply",
	    SENTINEL, ANSWER_MS);
	ATF_CHECK_EQ(pk_stat(t, topo.server, "Icmp6.OutParmProblems"), 1);
}

PK_TC(dup_frag_hdr_gets_param_problem, "without a firewall, a second "
    "Fragment header draws a parameter problem at that header");
PK_TC_BODY(dup_frag_hdr_gets_param_problem, t)
{

	dup_frag_hdr(t, 0);
}

PK_TC(dup_frag_hdr_gets_param_problem_ct, "with conntrack reassembling, "
    "the Fragment header netfilter leaves draws a parameter problem");
PK_TC_BODY(dup_frag_hdr_gets_param_problem_ct, t)
{

	dup_frag_hdr(t, 1);
}

/*
 * FreeBSD's overlap probe: an echo request with 180 bytes of data cut
 * into fragments of at most 128 bytes (80 + 80 + 28 bytes of ICMPv6),
 * and an extra fragment of len bytes of 0xee at byte offset off, sent
 * third.
 */
static void
send_overlap(struct pk_tc *t, struct pk_topo *topo, int id, int off,
    size_t len)
{
	static uint8_t frame[PK_PKT_MAX], data[180], extra[16];
	struct pk_frags fr;
	struct pk_err err;
	size_t flen, i;

	for (i = 0; i < sizeof(data); i += 2) {
		data[i] = 0xf0;
		data[i + 1] = 0x0f;
	}
	memset(extra, 0xee, sizeof(extra));
	ATF_REQUIRE(len <= sizeof(extra));
	if (pk_wire_build(pk_wire(t), topo->client_if,
	    PK_PKT(PK_IP6(.dst = topo->server6), PK_ICMP6_ECHO(.id = id,
	    .seq = 1, .data = data, .datalen = sizeof(data))), frame,
	    sizeof(frame), &flen, &err) != 0 ||
	    pk_frag(frame, flen, PK_DLT_EN10MB, 128, 0x6600 + id, &fr,
	    &err) != 0)
		atf_tc_fail("%s", err.msg);
	ATF_REQUIRE_EQ(fr.n, 3);
	pk_send_raw(t, topo->client_if, fr.v[0].buf, fr.v[0].len);
	pk_send_raw(t, topo->client_if, fr.v[1].buf, fr.v[1].len);
	pk_send(t, topo->client_if, PK_PKT(PK_IP6(.dst = topo->server6),
	    PK_IP6_FRAG(.off = off / 8, .mf = 1, .id = 0x6600 + id, .nh = 58),
	    PK_RAW(.data = extra, .len = len)));
	pk_send_raw(t, topo->client_if, fr.v[2].buf, fr.v[2].len);
	pk_frags_free(&fr);
}

/*
 * RFC 5722 says to drop a datagram with overlapping fragments; Linux
 * (inet_frag_queue_insert()) drops only fragments that fall entirely
 * within data already received contiguously, as duplicates, and keeps
 * the datagram.  FreeBSD's pf drops it, which the original test
 * asserts; here the reply comes, and its data, all f00f, shows that the
 * overlapping 0xee bytes were ignored rather than written over the
 * first fragment's.
 */
static void
overlap_inside(struct pk_tc *t, int ct)
{
	const struct pk_dlayer *icmp;
	const struct pk_dpkt *d;
	const uint8_t *p;
	struct pk_sniffer *s;
	struct pk_topo topo;
	size_t n, i;

	pk_topo_pair(t, &topo);
	if (ct)
		pk_fw(t, topo.server, &reassemble_rules);
	s = pk_sniff_with(t, topo.client_if, "ip6 src 2001:db8::2",
	    .dir = PK_DIR_IN, .reassemble = 1);
	/* FreeBSD's: offset 4 (32 bytes), 8 bytes, inside the first. */
	send_overlap(t, &topo, 1, 32, 8);
	d = pk_expect(t, s, "icmp6[icmp6type] == icmp6-echoreply and "
	    "icmp6[4:2] == 1", ANSWER_MS);
	icmp = pt_layer(d, PK_PROTO_ICMP6);
	ATF_CHECK_EQ(icmp->cksum, PK_CKSUM_OK);
	p = pk_dlayer_payload(d, icmp, &n);
	ATF_REQUIRE_EQ(n, 180);
	for (i = 0; i < n; i += 2)
		if (p[i] != 0xf0 || p[i + 1] != 0x0f)
			break;
	ATF_CHECK_MSG(i == n, "reply data differs at byte %zu", i);
	/* Spanning the first two fragments, still within what came. */
	send_overlap(t, &topo, 2, 72, 16);
	pk_expect(t, s, "icmp6[icmp6type] == icmp6-echoreply and "
	    "icmp6[4:2] == 2", ANSWER_MS);
}

PK_TC(overlap_inside_received_data_is_ignored, "a fragment overlapping "
    "only data already received is dropped alone: the echo is answered "
    "(FreeBSD's pf drops the datagram)");
PK_TC_BODY(overlap_inside_received_data_is_ignored, t)
{

	overlap_inside(t, 0);
}

PK_TC(overlap_inside_received_data_is_ignored_ct, "with conntrack "
    "reassembling, a fragment overlapping only data already received is "
    "dropped alone: the echo is answered");
PK_TC_BODY(overlap_inside_received_data_is_ignored_ct, t)
{

	overlap_inside(t, 1);
}

/*
 * An overlapping fragment that reaches past the data received so far
 * (bytes 152 to 168, over the end of the second fragment at 160) makes
 * Linux drop the whole datagram, as RFC 5722 asks; the third fragment
 * then starts a queue of its own that never completes.
 */
static void
overlap_past(struct pk_tc *t, int ct)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	if (ct)
		pk_fw(t, topo.server, &reassemble_rules);
	s = pk_sniff_with(t, topo.client_if, "ip6 src 2001:db8::2",
	    .dir = PK_DIR_IN, .reassemble = 1);
	send_overlap(t, &topo, 3, 152, 16);
	send_sentinel(t, topo.client_if, topo.server6);
	pk_expect_none_until(t, s, "icmp6[icmp6type] == icmp6-echoreply",
	    SENTINEL, ANSWER_MS);
	/* The stack counts the drop; netfilter's queues count nothing. */
	ATF_CHECK_EQ(pk_stat(t, topo.server, "Ip6.ReasmFails"), ct ? 0 : 1);
	/* The same datagram without the extra fragment is answered. */
	pk_ping(t, topo.client_if, topo.server6);
}

PK_TC(overlap_past_received_data_drops_datagram, "a fragment overlapping "
    "received data and reaching past it makes the whole datagram be "
    "dropped");
PK_TC_BODY(overlap_past_received_data_drops_datagram, t)
{

	overlap_past(t, 0);
}

PK_TC(overlap_past_received_data_drops_datagram_ct, "with conntrack "
    "reassembling, a fragment overlapping received data and reaching "
    "past it makes the whole datagram be dropped");
PK_TC_BODY(overlap_past_received_data_drops_datagram_ct, t)
{

	overlap_past(t, 1);
}

/*
 * fragmentation_pass.sh v6: the router reassembles (pf "set reassemble
 * yes"; nftables: conntrack), blocks what comes in but neighbour
 * discovery and echo, and keeps state for what it passes.  Only a
 * reassembled datagram can pass: a fragment other than the first has
 * no ICMPv6 header for a rule to accept.
 */
static const struct pk_ruleset router_rules = {
	.nft =
	    "table inet filter {\n"
	    "\tcounter fwd_invalid { }\n"
	    "\tchain input {\n"
	    "\t\ttype filter hook input priority filter; policy drop;\n"
	    "\t\tct state established,related accept\n"
	    "\t\tct state invalid drop\n"
	    "\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert,\n"
	    "\t\t    echo-request, echo-reply } accept\n"
	    "\t}\n"
	    "\tchain forward {\n"
	    "\t\ttype filter hook forward priority filter; policy drop;\n"
	    "\t\tct state established,related accept\n"
	    "\t\tct state invalid counter name fwd_invalid drop\n"
	    "\t\ticmpv6 type { echo-request, echo-reply } accept\n"
	    "\t}\n"
	    "}\n",
	.pf =
	    "set reassemble yes\n"
	    "pass keep state\n"
	    "block in\n"
	    "pass in inet6 proto icmp6 icmp6-type { neighbrsol, neighbradv }\n"
	    "pass in inet6 proto icmp6 icmp6-type { echoreq, echorep }\n",
};

#define	BIG_ID		0x4242

/*
 * Send an echo request with len bytes of data to dst on ifp, cut into
 * fragments of at most 1500 bytes, and check its reply, which s
 * reassembles.
 */
static void
big_ping(struct pk_tc *t, struct pk_if *ifp, struct pk_sniffer *s,
    const char *dst, size_t len, int seq)
{
	static uint8_t frame[PK_PKT_MAX], data[65000];
	const struct pk_dlayer *icmp;
	const struct pk_dpkt *d;
	struct pk_frags fr;
	struct pk_err err;
	char filter[128];
	size_t flen, i, n;
	const uint8_t *p;

	ATF_REQUIRE(len <= sizeof(data));
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 7 + seq);
	if (pk_wire_build(pk_wire(t), ifp, PK_PKT(PK_IP6(.dst = dst),
	    PK_ICMP6_ECHO(.id = BIG_ID, .seq = seq, .data = data,
	    .datalen = len)), frame, sizeof(frame), &flen, &err) != 0 ||
	    pk_frag(frame, flen, PK_DLT_EN10MB, 1500, 0x4200 + seq, &fr,
	    &err) != 0)
		atf_tc_fail("ping %s, %zu bytes: %s", dst, len, err.msg);
	for (i = 0; i < fr.n; i++)
		pk_send_raw(t, ifp, fr.v[i].buf, fr.v[i].len);
	pk_frags_free(&fr);
	snprintf(filter, sizeof(filter), "icmp6[icmp6type] == "
	    "icmp6-echoreply and icmp6[4:2] == %d and icmp6[6:2] == %d",
	    BIG_ID, seq);
	d = pk_expect(t, s, filter, ANSWER_MS);
	icmp = pt_layer(d, PK_PROTO_ICMP6);
	ATF_CHECK_EQ(icmp->cksum, PK_CKSUM_OK);
	p = pk_dlayer_payload(d, icmp, &n);
	ATF_CHECK_EQ_MSG(n, len, "ping %s: reply of %zu bytes for %zu",
	    dst, n, len);
	if (n == len)
		ATF_CHECK_MSG(memcmp(p, data, len) == 0,
		    "ping %s: reply data differs", dst);
}

/* The EUI-64 link-local address of ifp, as Linux makes it. */
static void
link_local(struct pk_tc *t, struct pk_if *ifp, char *buf, size_t size)
{
	struct pk_err err;
	uint8_t m[6];

	if (pk_if_mac(ifp, m, &err) != 0)
		pk_tc_fail_err(t, __FILE__, __LINE__, &err);
	snprintf(buf, size, "fe80::%02x%02x:%02xff:fe%02x:%02x%02x",
	    m[0] ^ 2, m[1], m[2], m[3], m[4], m[5]);
}

static void
router_setup(struct pk_tc *t, struct pk_topo *topo, struct pk_sniffer **sp)
{

	pk_topo_router(t, topo);
	pk_fw(t, topo->router, &router_rules);
	*sp = pk_sniff_with(t, topo->client_if, "icmp6 or ip6[6] == 44",
	    .dir = PK_DIR_IN, .reassemble = 1);
}

PK_TC(big_pings_pass_reassembling_router, "echo requests of 4500 and "
    "65000 bytes in fragments reach a reassembling router, its link-local "
    "address, and a host behind it, and their replies come back");
PK_TC_BODY(big_pings_pass_reassembling_router, t)
{
	char ll[INET6_ADDRSTRLEN];
	struct pk_sniffer *s;
	struct pk_topo topo;

	router_setup(t, &topo, &s);
	/* The host test. */
	pk_ping(t, topo.client_if, topo.router_in6);
	big_ping(t, topo.client_if, s, topo.router_in6, 4500, 1);
	big_ping(t, topo.client_if, s, topo.router_in6, 65000, 2);
	link_local(t, topo.router_in, ll, sizeof(ll));
	big_ping(t, topo.client_if, s, ll, 65000, 3);
	/* The forwarding test. */
	pk_ping(t, topo.client_if, topo.server6);
	big_ping(t, topo.client_if, s, topo.server6, 4500, 4);
	big_ping(t, topo.client_if, s, topo.server6, 65000, 5);
	/* Conntrack took every reassembled datagram for what it was. */
	ATF_CHECK_EQ(nft_counter(t, topo.router, "fwd_invalid"), 0);
}

/*
 * The packets of CVE-2019-5597.py.  The first fragment (offset 0, M
 * set) carries 8 bytes; the second (offset 8 bytes, the last) comes
 * behind two Authentication Headers, the first 808 bytes long (payload
 * length 200), the second 12 (payload length 1): a fragment whose
 * per-fragment headers differ from the first's and are larger than the
 * whole datagram.  pf once read past its buffers reassembling it.  The
 * extension headers are built by hand: pktkit has no AH layer.
 */
static void
send_cve_2019_5597(struct pk_tc *t, struct pk_topo *topo, uint32_t id)
{
	static uint8_t ext[808 + 12 + 8 + 8];
	uint8_t *p;

	pk_send(t, topo->client_if, PK_PKT(PK_IP6(.dst = topo->server6),
	    PK_IP6_FRAG(.off = 0, .mf = 1, .id = id, .nh = 17),
	    PK_RAW(.len = 8, .fill = 'A')));
	memset(ext, 0, sizeof(ext));
	p = ext;
	p[0] = 51;			/* next: AH */
	p[1] = 200;			/* (200 + 2) * 4 = 808 bytes */
	memset(p + 12, 'X', 808 - 12);
	p += 808;
	p[0] = 44;			/* next: Fragment */
	p[1] = 1;			/* (1 + 2) * 4 = 12 bytes */
	p += 12;
	p[0] = 17;			/* next: UDP */
	p[2] = 0;			/* offset 1 (8 bytes), M clear */
	p[3] = 1 << 3;
	p[4] = (uint8_t)(id >> 24);
	p[5] = (uint8_t)(id >> 16);
	p[6] = (uint8_t)(id >> 8);
	p[7] = (uint8_t)id;
	p += 8;
	memset(p, 'B', 8);
	pk_send(t, topo->client_if, PK_PKT(PK_IP6(.dst = topo->server6,
	    .nh = 51), PK_RAW(.data = ext, .len = sizeof(ext))));
}

PK_TC(cve_2019_5597_fragments_leave_router_working, "fragments whose "
    "Authentication Headers outgrow the datagram do not stop a "
    "reassembling router from forwarding");
PK_TC_BODY(cve_2019_5597_fragments_leave_router_working, t)
{
	struct pk_sniffer *s, *srv;
	struct pk_topo topo;

	router_setup(t, &topo, &s);
	srv = pk_sniff_with(t, topo.server_if, "ip6 src 2001:db8:1::1",
	    .dir = PK_DIR_IN);
	pk_ping(t, topo.client_if, topo.server6);
	send_cve_2019_5597(t, &topo, 0x5597);
	/*
	 * netfilter reassembles the two into one datagram with the first
	 * fragment's headers: 16 bytes of UDP whose length field, 0x4141
	 * from the 'A's, runs past the datagram.  Conntrack calls that
	 * invalid, and the forward chain drops it (pf drops it too, as a
	 * bad fragment or for its rules).  Nothing of it reaches the
	 * server before the next echo request does.
	 */
	pk_send(t, topo.client_if, PK_PKT(PK_IP6(.dst = topo.server6),
	    PK_ICMP6_ECHO(.id = 0x5597, .seq = 1)));
	pk_expect_none_until(t, srv, "not icmp6", "icmp6[icmp6type] == "
	    "icmp6-echo and icmp6[4:2] == 0x5597", ANSWER_MS);
	pk_expect(t, s, "icmp6[icmp6type] == icmp6-echoreply and "
	    "icmp6[4:2] == 0x5597", ANSWER_MS);
	ATF_CHECK_EQ(nft_counter(t, topo.router, "fwd_invalid"), 1);
	/* The router still reassembles, forwards and refragments. */
	big_ping(t, topo.client_if, s, topo.server6, 4500, 1);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, dup_frag_hdr_echo_is_blocked);
	ATF_TP_ADD_TC(tp, dup_frag_hdr_gets_param_problem);
	ATF_TP_ADD_TC(tp, dup_frag_hdr_gets_param_problem_ct);
	ATF_TP_ADD_TC(tp, overlap_inside_received_data_is_ignored);
	ATF_TP_ADD_TC(tp, overlap_inside_received_data_is_ignored_ct);
	ATF_TP_ADD_TC(tp, overlap_past_received_data_drops_datagram);
	ATF_TP_ADD_TC(tp, overlap_past_received_data_drops_datagram_ct);
	ATF_TP_ADD_TC(tp, big_pings_pass_reassembling_router);
	ATF_TP_ADD_TC(tp, cve_2019_5597_fragments_leave_router_working);
	return (atf_no_error());
}
