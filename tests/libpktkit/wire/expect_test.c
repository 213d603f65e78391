/*
 * expect_test: expectations over sniffers on real vnets: what they take,
 * what they leave, directions, sentinels, counts and reassembly.
 */
#include <errno.h>

#include "wiretest.h"

static void
udp_to(struct pk_tc *t, struct pk_if *ifp, const char *dst, int port)
{

	pk_send(t, ifp, PK_PKT(PK_IP4(.dst = dst), PK_UDP(.sport = 4000,
	    .dport = port)));
}

PK_TC(expect_takes_matches_in_order, "each expectation takes the first "
    "match no earlier one took, and leaves the others");
PK_TC_BODY(expect_takes_matches_in_order, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	s = pk_sniff_with(t, topo.server_if, "udp", .dir = PK_DIR_IN);
	udp_to(t, topo.client_if, topo.server4, 1);
	udp_to(t, topo.client_if, topo.server4, 2);
	udp_to(t, topo.client_if, topo.server4, 3);
	ATF_CHECK_EQ(wt_layer(pk_expect(t, s, "udp port 2", 1000),
	    PK_PROTO_UDP)->u.udp.dport, 2);
	ATF_CHECK_EQ(wt_layer(pk_expect(t, s, NULL, 1000),
	    PK_PROTO_UDP)->u.udp.dport, 1);
	ATF_CHECK_EQ(wt_layer(pk_expect(t, s, "udp", 1000),
	    PK_PROTO_UDP)->u.udp.dport, 3);
	pk_expect_none(t, s, "udp", 50);
	/* After a clear, what came before is out of reach. */
	udp_to(t, topo.client_if, topo.server4, 4);
	ATF_REQUIRE(pk_sniff_clear(s, NULL) == 0);
	pk_expect_none(t, s, "udp port 4", 50);
	ATF_CHECK_EQ(pk_sniff_count(s), 4);
}

PK_TC(expect_none_sees_a_packet_that_comes, "a negative expectation "
    "reports the packet that came, and does not take packets it only "
    "looked at");
PK_TC_BODY(expect_none_sees_a_packet_that_comes, t)
{
	const struct pk_seen *sn;
	struct pk_sniffer *s;
	struct pk_topo topo;
	struct pk_err err;

	pk_topo_pair(t, &topo);
	s = pk_sniff_with(t, topo.server_if, "udp", .dir = PK_DIR_IN);
	udp_to(t, topo.client_if, topo.server4, 7);
	sn = NULL;
	ATF_CHECK_EQ(pk_sniff_expect_none(s, "udp port 7", NULL, NULL, NULL,
	    1000, &sn, &err), 0);
	ATF_REQUIRE(sn != NULL);
	ATF_CHECK_EQ(wt_layer(&sn->d, PK_PROTO_UDP)->u.udp.dport, 7);
	ATF_CHECK_MSG(strstr(err.msg, "a packet matching 'udp port 7' came")
	    != NULL, "%s", err.msg);
	/* Passing: watched, left for others. */
	pk_expect_none(t, s, "tcp", 50);
	pk_expect(t, s, "udp port 7", 1000);
}

static int
long_payload(const struct pk_dpkt *d, void *arg)
{
	const struct pk_dlayer *u;
	size_t n;

	(void)arg;
	if ((u = pk_dpkt_find(d, PK_PROTO_UDP, 0)) == NULL)
		return (0);
	(void)pk_dlayer_payload(d, u, &n);
	return (n >= 100);
}

PK_TC(expect_pred_narrows_the_filter, "a predicate over the dissected "
    "packet must hold as well as the filter");
PK_TC_BODY(expect_pred_narrows_the_filter, t)
{
	static const char big[200];
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	s = pk_sniff(t, topo.server_if, NULL);
	udp_to(t, topo.client_if, topo.server4, 5);
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4),
	    PK_UDP(.sport = 4000, .dport = 5), PK_RAW(.data = big,
	    .len = sizeof(big))));
	d = pk_expect_pred(t, s, "udp port 5", long_payload, NULL, 1000);
	ATF_CHECK_EQ(wt_layer(d, PK_PROTO_UDP)->u.udp.len, 8 + sizeof(big));
	pk_expect_none(t, s, "udp port 5 and udp[4:2] > 100", 50);
	pk_expect(t, s, "udp port 5", 1000);
}

PK_TC(directions_are_kept_apart, "a sniffer for one direction sees only "
    "frames going that way; frames the case sent are in the log");
PK_TC_BODY(directions_are_kept_apart, t)
{
	struct pk_sniffer *in, *out, *both;
	const struct pk_seen *sn;
	struct pk_topo topo;
	struct pk_err err;

	pk_topo_pair(t, &topo);
	in = pk_sniff_with(t, topo.client_if, "icmp", .dir = PK_DIR_IN);
	out = pk_sniff_with(t, topo.client_if, "icmp", .dir = PK_DIR_OUT);
	both = pk_sniff(t, topo.client_if, "icmp");
	pk_ping(t, topo.client_if, topo.server4);
	pk_expect(t, in, "icmp[icmptype] == icmp-echoreply", 1000);
	pk_expect_none(t, in, "icmp[icmptype] == icmp-echo", 50);
	ATF_REQUIRE_EQ(pk_sniff_expect(out, "icmp[icmptype] == icmp-echo",
	    NULL, NULL, 1000, &sn, &err), 1);
	ATF_CHECK_EQ(sn->dir, PK_DIR_OUT);
	ATF_CHECK(sn->flags & PK_SEEN_SENT);
	pk_expect_none(t, out, "icmp[icmptype] == icmp-echoreply", 50);
	pk_expect_n(t, both, "icmp", 2, 100);
	/* What the stack itself sends is outgoing too, and not ours. */
	pk_send_l3(t, NULL, PK_PKT(PK_IP4(.dst = topo.server4),
	    PK_ICMP4_ECHO(.id = 3, .seq = 3)));
	ATF_REQUIRE_EQ(pk_sniff_expect(out, "icmp", NULL, NULL, 1000, &sn,
	    &err), 1);
	ATF_CHECK_EQ(sn->flags & PK_SEEN_SENT, 0);
}

PK_TC(vlan_tag_is_seen_as_sent, "an 802.1Q tag the receiving device "
    "takes off is back in the captured frame");
PK_TC_BODY(vlan_tag_is_seen_as_sent, t)
{
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	s = pk_sniff(t, topo.server_if, "vlan 42");
	pk_send(t, topo.client_if, PK_PKT(PK_ETHER(.dst =
	    "02:00:00:00:00:42"), PK_DOT1Q(.vid = 42, .prio = 3),
	    PK_IP4(.dst = "192.0.2.42"), PK_UDP()));
	d = pk_expect(t, s, "vlan 42 and udp", 1000);
	ATF_CHECK_EQ(wt_layer(d, PK_PROTO_DOT1Q)->u.dot1q.vid, 42);
	ATF_CHECK_EQ(wt_layer(d, PK_PROTO_DOT1Q)->u.dot1q.prio, 3);
}

static const struct pk_ruleset drop_udp1 = {
	.nft = "table inet f { chain c { type filter hook forward "
	    "priority 0; policy accept; udp dport 1 drop; }; }",
};

PK_TC_CONF(expect_none_until_ends_at_the_sentinel, "an absence check ends "
    "when the sentinel arrives, long before its deadline, and holds when "
    "a firewall dropped the probe", .require_progs = "nft");
PK_TC_BODY(expect_none_until_ends_at_the_sentinel, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;
	int64_t t0;

	pk_topo_router(t, &topo);
	pk_fw(t, topo.router, &drop_udp1);
	s = pk_sniff_with(t, topo.server_if, "udp", .dir = PK_DIR_IN);
	t0 = pk_now_ms();
	udp_to(t, topo.client_if, topo.server4, 1);
	udp_to(t, topo.client_if, topo.server4, 2);
	pk_expect_none_until(t, s, "udp dst port 1", "udp dst port 2",
	    30000);
	/* A behaviour, not a speed: the 30 s deadline did not run out. */
	ATF_CHECK(pk_now_ms() - t0 < 15000);
	/* And the sentinel was taken: the next check needs a new one. */
	pk_expect_none(t, s, "udp dst port 2", 50);
}

PK_TC(expect_none_until_needs_its_sentinel, "an absence check whose "
    "sentinel never comes is an error, not a pass");
PK_TC_BODY(expect_none_until_needs_its_sentinel, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;
	struct pk_err err;

	pk_topo_pair(t, &topo);
	s = pk_sniff(t, topo.server_if, "udp");
	udp_to(t, topo.client_if, topo.server4, 3);
	ATF_CHECK_EQ(pk_sniff_expect_none(s, "udp dst port 1", NULL, NULL,
	    "udp dst port 2", 200, NULL, &err), -1);
	ATF_CHECK_EQ(err.code, ETIMEDOUT);
	ATF_CHECK_MSG(strstr(err.msg, "sentinel 'udp dst port 2' did not "
	    "come") != NULL, "%s", err.msg);
}

PK_TC(old_sentinel_does_not_count, "a packet matching the sentinel that "
    "came before the probe was sent does not end the absence check");
PK_TC_BODY(old_sentinel_does_not_count, t)
{
	const struct pk_seen *sn;
	struct pk_sniffer *s;
	struct pk_topo topo;
	struct pk_err err;

	pk_topo_pair(t, &topo);
	s = pk_sniff(t, topo.server_if, "udp");
	udp_to(t, topo.client_if, topo.server4, 2);
	udp_to(t, topo.client_if, topo.server4, 3);
	pk_expect(t, s, "udp dst port 3", 1000);
	/* The probe, and no new sentinel: the old one must not end it. */
	udp_to(t, topo.client_if, topo.server4, 1);
	ATF_CHECK_EQ(pk_sniff_expect_none(s, "udp dst port 1", NULL, NULL,
	    "udp dst port 2", 1000, &sn, &err), 0);
}

PK_TC(expect_n_counts_exactly, "exactly n matches pass; more or fewer "
    "fail, with the count");
PK_TC_BODY(expect_n_counts_exactly, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;
	struct pk_err err;
	unsigned got;

	pk_topo_pair(t, &topo);
	s = pk_sniff_with(t, topo.server_if, "udp", .dir = PK_DIR_IN);
	udp_to(t, topo.client_if, topo.server4, 1);
	udp_to(t, topo.client_if, topo.server4, 1);
	udp_to(t, topo.client_if, topo.server4, 1);
	udp_to(t, topo.client_if, topo.server4, 2);
	pk_expect_n_until(t, s, "udp dst port 1", 3, "udp dst port 2", 5000);
	udp_to(t, topo.client_if, topo.server4, 1);
	udp_to(t, topo.client_if, topo.server4, 1);
	udp_to(t, topo.client_if, topo.server4, 2);
	ATF_CHECK_EQ(pk_sniff_expect_n(s, "udp dst port 1", NULL, NULL, 1,
	    "udp dst port 2", 5000, &got, &err), 0);
	ATF_CHECK_EQ(got, 2);
	ATF_CHECK_MSG(strstr(err.msg, "expected 1 packet matching") != NULL,
	    "%s", err.msg);
	udp_to(t, topo.client_if, topo.server4, 2);
	ATF_CHECK_EQ(pk_sniff_expect_n(s, "udp dst port 1", NULL, NULL, 1,
	    "udp dst port 2", 5000, &got, &err), 0);
	ATF_CHECK_EQ(got, 0);
}

static const char payload[3000];

PK_TC(router_fragments_are_reassembled, "IPv4 fragments a router made "
    "are reassembled by the sniffer into the datagram that was sent");
PK_TC_BODY(router_fragments_are_reassembled, t)
{
	const struct pk_seen *sn;
	struct pk_sniffer *s, *raw;
	struct pk_topo topo;
	struct pk_err err;

	pk_topo_router(t, &topo);
	pk_mtu(t, topo.client_if, 9000);
	pk_mtu(t, topo.router_in, 9000);
	pk_mtu(t, topo.router_out, 1280);
	pk_mtu(t, topo.server_if, 1280);
	s = pk_sniff_with(t, topo.server_if, "udp or (ip[6:2] & 0x1fff != 0)",
	    .dir = PK_DIR_IN, .reassemble = 1);
	raw = pk_sniff_with(t, topo.server_if, "ip", .dir = PK_DIR_IN);
	pk_send(t, topo.client_if, PK_PKT(PK_IP4(.dst = topo.server4,
	    .id = 777), PK_UDP(.sport = 9999, .dport = 9999),
	    PK_RAW(.data = payload, .len = sizeof(payload))));
	ATF_REQUIRE_EQ_MSG(pk_sniff_expect(s, "udp port 9999 and "
	    "ip[6:2] & 0x3fff == 0", NULL, NULL, 1000, &sn, &err), 1, "%s",
	    err.msg);
	ATF_CHECK(sn->flags & PK_SEEN_REASM);
	ATF_CHECK_EQ(wt_layer(&sn->d, PK_PROTO_IP4)->u.ip4.len,
	    20 + 8 + sizeof(payload));
	ATF_CHECK_EQ(wt_layer(&sn->d, PK_PROTO_UDP)->cksum, PK_CKSUM_OK);
	/* What was on the wire: three fragments of at most 1280 bytes. */
	pk_expect_n(t, raw, "ip[6:2] & 0x3fff != 0 and ip[2:2] <= 1280", 3,
	    50);
	/* The fragments themselves are not matched by expectations. */
	pk_expect_none(t, s, "ip[6:2] & 0x3fff != 0", 50);
}

PK_TC(ip6_fragments_are_reassembled, "IPv6 fragments sent out of order "
    "are reassembled by the sniffer");
PK_TC_BODY(ip6_fragments_are_reassembled, t)
{
	uint8_t frame[PK_PKT_MAX];
	const struct pk_seen *sn;
	struct pk_frags fr;
	struct pk_sniffer *s;
	struct pk_topo topo;
	struct pk_err err;
	size_t len, i;

	pk_topo_pair(t, &topo);
	s = pk_sniff_with(t, topo.server_if, NULL, .dir = PK_DIR_IN,
	    .reassemble = 1);
	ATF_REQUIRE(pk_wire_build(pk_wire(t), topo.client_if,
	    PK_PKT(PK_IP6(.dst = topo.server6), PK_UDP(.sport = 9998,
	    .dport = 9998), PK_RAW(.data = payload, .len = sizeof(payload))),
	    frame, sizeof(frame), &len, &err) == 0);
	ATF_REQUIRE(pk_frag(frame, len, PK_DLT_EN10MB, 1280, 0x1234, &fr,
	    &err) == 0);
	ATF_REQUIRE(fr.n == 3);
	for (i = fr.n; i > 0; i--)
		pk_send_raw(t, topo.client_if, fr.v[i - 1].buf,
		    fr.v[i - 1].len);
	pk_frags_free(&fr);
	ATF_REQUIRE_EQ_MSG(pk_sniff_expect(s, "ip6 and udp port 9998", NULL,
	    NULL, 1000, &sn, &err), 1, "%s", err.msg);
	ATF_CHECK(sn->flags & PK_SEEN_REASM);
	ATF_CHECK_EQ(wt_layer(&sn->d, PK_PROTO_IP6)->u.ip6.plen,
	    8 + sizeof(payload));
	ATF_CHECK_EQ(wt_layer(&sn->d, PK_PROTO_UDP)->cksum, PK_CKSUM_OK);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, expect_takes_matches_in_order);
	ATF_TP_ADD_TC(tp, expect_none_sees_a_packet_that_comes);
	ATF_TP_ADD_TC(tp, expect_pred_narrows_the_filter);
	ATF_TP_ADD_TC(tp, directions_are_kept_apart);
	ATF_TP_ADD_TC(tp, vlan_tag_is_seen_as_sent);
	ATF_TP_ADD_TC(tp, expect_none_until_ends_at_the_sentinel);
	ATF_TP_ADD_TC(tp, expect_none_until_needs_its_sentinel);
	ATF_TP_ADD_TC(tp, old_sentinel_does_not_count);
	ATF_TP_ADD_TC(tp, expect_n_counts_exactly);
	ATF_TP_ADD_TC(tp, router_fragments_are_reassembled);
	ATF_TP_ADD_TC(tp, ip6_fragments_are_reassembled);
	return (atf_no_error());
}
