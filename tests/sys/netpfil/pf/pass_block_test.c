/*
 * pass_block_test: rulesets that pass or block echo requests to a vnet,
 * and unicast reverse path forwarding checks.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/pass_block.sh:
 *  - v4, v6: the host pings the jail "alcatraz" with no firewall, with
 *    the firewall and no rules, under "block in", and under "block in"
 *    with a pass for ICMP (v6: for ICMPv6, then for ICMPv4 only, which
 *    must not let ICMPv6 through);
 *  - urpf: the jail owns one address on each of two links; an echo
 *    request that comes in on one link with a source address of the
 *    other is answered without a firewall and dropped by "block quick
 *    from urpf-failed", while correctly sourced ones still pass.
 *
 * On Linux, pf's urpf-failed is nftables' "fib saddr . iif oif missing"
 * (the kernel's own rp_filter is switched off, so the firewall does the
 * check).  Neighbour discovery is let through in the IPv6 rulesets, so
 * an echo that fails fails because of the rule under test.
 */
#include "../../common/porttest.h"

static const struct pk_ruleset no_rules = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; }\n"
	    "}\n",
	/* Enabled with an empty ruleset, pf passes everything. */
	.pf = "",
};

static const struct pk_ruleset block_in4 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop; }\n"
	    "}\n",
	.pf = "block in\n",
};

static const struct pk_ruleset block_in_pass_icmp4 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ip protocol icmp accept; }\n"
	    "}\n",
	.pf = "block in\n"
	    "pass in proto icmp\n",
};

#define	ND_NFT								\
	"    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert }"	\
	" accept;\n"
#define	ND_PF								\
	"pass in inet6 proto icmp6 icmp6-type { neighbrsol, neighbradv }\n"

static const struct pk_ruleset block_in6 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    ND_NFT
	    "  }\n"
	    "}\n",
	.pf = "block in\n"
	    ND_PF,
};

static const struct pk_ruleset block_in_pass_icmp6 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    meta l4proto ipv6-icmp accept; }\n"
	    "}\n",
	.pf = "block in\n"
	    "pass in proto icmp6\n",
};

static const struct pk_ruleset block_in6_pass_icmp4 = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    ND_NFT
	    "    ip protocol icmp accept; }\n"
	    "}\n",
	.pf = "block in\n"
	    ND_PF
	    "pass in proto icmp\n",
};

static const struct pk_ruleset urpf = {
	.nft = "flush ruleset\n"
	    "table inet f {\n"
	    "  chain pre { type filter hook prerouting priority 0;\n"
	    "    iif lo accept;\n"
	    "    fib saddr . iif oif missing drop; }\n"
	    "}\n",
	.pf = "set skip on lo\n"
	    "block quick from urpf-failed\n",
};

static void
echo_answered(struct pk_tc *t, struct pk_topo *topo, int v6)
{
	const struct pk_dpkt *d;

	if (v6) {
		d = pk_ping(t, topo->client_if, topo->server6);
		ATF_CHECK(pt_ip6_is(&pt_layer(d, PK_PROTO_IP6)->u.ip6.src,
		    topo->server6));
		ATF_CHECK_EQ(pt_layer(d, PK_PROTO_ICMP6)->u.icmp.type, 129);
	} else {
		d = pk_ping(t, topo->client_if, topo->server4);
		ATF_CHECK(pt_ip4_is(&pt_layer(d, PK_PROTO_IP4)->u.ip4.src,
		    topo->server4));
		ATF_CHECK_EQ(pt_layer(d, PK_PROTO_ICMP4)->u.icmp.type, 0);
	}
}

/*
 * An echo request gets no reply; the sentinel is ARP (IPv4) or
 * neighbour discovery (IPv6), which the rulesets let through.
 */
static void
echo_unanswered(struct pk_tc *t, struct pk_topo *topo, struct pk_sniffer *s,
    int v6)
{

	if (v6) {
		pk_send(t, topo->client_if, PK_PKT(PK_IP6(.dst = topo->server6),
		    PK_ICMP6_ECHO(.id = 0x4242, .seq = 1)));
		pt_send_ns(t, topo->client_if, topo->client6, topo->server6);
		pk_expect_none_until(t, s, "icmp6 and ip6[40] == 129 and "
		    "ip6[44:2] == 0x4242", PT_NA, 2000);
	} else {
		pk_send(t, topo->client_if, PK_PKT(PK_IP4(.dst = topo->server4),
		    PK_ICMP4_ECHO(.id = 0x4242, .seq = 1)));
		pt_send_arp_request(t, topo->client_if, topo->client4,
		    topo->server4);
		pk_expect_none_until(t, s, "icmp[icmptype] == icmp-echoreply "
		    "and icmp[4:2] == 0x4242", PT_ARP_REPLY, 2000);
	}
}

PK_TC_CONF(echo_answered_unless_blocked_v4, "echo requests are answered "
    "with no firewall, with no rules, and with ICMP passed; not under "
    "'block in'", .require_progs = "nft");
PK_TC_BODY(echo_answered_unless_blocked_v4, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	s = pk_sniff_with(t, topo.client_if, "icmp or arp", .dir = PK_DIR_IN);
	echo_answered(t, &topo, 0);
	pk_fw(t, topo.server, &no_rules);
	echo_answered(t, &topo, 0);
	pk_fw(t, topo.server, &block_in4);
	echo_unanswered(t, &topo, s, 0);
	pk_fw(t, topo.server, &block_in_pass_icmp4);
	echo_answered(t, &topo, 0);
}

PK_TC_CONF(echo_answered_unless_blocked_v6, "ICMPv6 echo requests are "
    "answered with no firewall, with no rules, and with ICMPv6 passed; not "
    "under 'block in', nor when only ICMPv4 is passed",
    .require_progs = "nft");
PK_TC_BODY(echo_answered_unless_blocked_v6, t)
{
	struct pk_sniffer *s;
	struct pk_topo topo;

	pk_topo_pair(t, &topo);
	s = pk_sniff_with(t, topo.client_if, "icmp6", .dir = PK_DIR_IN);
	echo_answered(t, &topo, 1);
	pk_fw(t, topo.server, &no_rules);
	echo_answered(t, &topo, 1);
	pk_fw(t, topo.server, &block_in6);
	echo_unanswered(t, &topo, s, 1);
	pk_fw(t, topo.server, &block_in_pass_icmp6);
	echo_answered(t, &topo, 1);
	pk_fw(t, topo.server, &block_in6_pass_icmp4);
	echo_unanswered(t, &topo, s, 1);
}

/*
 * The urpf topology: the jail owns 192.0.2.1 on link one and
 * 198.51.100.1 on link two; the host owns .2 on each.
 */
struct urpf_topo {
	struct pk_vnet	*jail;
	struct pk_epair	*one;
	struct pk_epair	*two;
	char		 one_b_mac[18];
	char		 two_b_mac[18];
};

static void
urpf_topo(struct pk_tc *t, struct urpf_topo *u)
{
	char name[64];

	u->jail = pk_vnet(t, "alcatraz");
	u->one = pk_epair(t, NULL, u->jail);
	u->two = pk_epair(t, NULL, u->jail);
	pk_addr(t, u->one->a, "192.0.2.2/24");
	pk_addr(t, u->two->a, "198.51.100.2/24");
	pk_addr(t, u->one->b, "192.0.2.1/24");
	pk_addr(t, u->two->b, "198.51.100.1/24");
	pk_forwarding(t, u->jail);
	/* Linux's own reverse path filter would hide the firewall's. */
	pk_sysctl(t, u->jail, "net.ipv4.conf.all.rp_filter", "0");
	snprintf(name, sizeof(name), "net.ipv4.conf.%s.rp_filter",
	    pk_if_name(u->one->b));
	pk_sysctl(t, u->jail, name, "0");
	snprintf(name, sizeof(name), "net.ipv4.conf.%s.rp_filter",
	    pk_if_name(u->two->b));
	pk_sysctl(t, u->jail, name, "0");
	pt_mac_str(u->one->b, u->one_b_mac, sizeof(u->one_b_mac));
	pt_mac_str(u->two->b, u->two_b_mac, sizeof(u->two_b_mac));
}

/*
 * An echo request sent on out from the address of the other link, to
 * the jail's address on out's link; its reply comes back on the other
 * link (s sniffs there), as the jail routes it.
 */
static void
send_spoofed_echo(struct pk_tc *t, struct pk_if *out, const char *src,
    const char *dst, int seq)
{

	pk_send(t, out, PK_PKT(PK_IP4(.src = src, .dst = dst),
	    PK_ICMP4_ECHO(.id = 0x4242, .seq = seq)));
}

static void
expect_reply(struct pk_tc *t, struct pk_sniffer *s, const char *from,
    const char *to, int seq)
{
	const struct pk_dlayer *ip;
	const struct pk_dpkt *d;
	char f[96];

	snprintf(f, sizeof(f), "icmp[icmptype] == icmp-echoreply and "
	    "icmp[6:2] == %d", seq);
	d = pk_expect(t, s, f, 2000);
	ip = pt_layer(d, PK_PROTO_IP4);
	ATF_CHECK(pt_ip4_is(&ip->u.ip4.src, from));
	ATF_CHECK(pt_ip4_is(&ip->u.ip4.dst, to));
}

/*
 * The sentinel: a datagram the jail forwards from the link the probe
 * came in on to the one its reply would leave by.
 */
static void
send_crossing_sentinel(struct pk_tc *t, struct pk_if *out, const char *mac,
    const char *src, const char *dst)
{

	pk_send(t, out, PK_PKT(PK_ETHER(.dst = mac), PK_IP4(.src = src,
	    .dst = dst), PK_UDP(.sport = 9999, .dport = 9)));
}

PK_TC_CONF(urpf_drops_spoofed_source, "an echo request whose source "
    "address belongs to another link is answered without a firewall and "
    "dropped by a reverse path check; correct sources still pass",
    .require_progs = "nft");
PK_TC_BODY(urpf_drops_spoofed_source, t)
{
	struct pk_sniffer *s_one, *s_two;
	struct urpf_topo u;

	urpf_topo(t, &u);
	s_one = pk_sniff_with(t, u.one->a, "icmp or udp", .dir = PK_DIR_IN);
	s_two = pk_sniff_with(t, u.two->a, "icmp or udp", .dir = PK_DIR_IN);

	/* Sanity, without a firewall: both ways answered. */
	pk_ping(t, u.one->a, "192.0.2.1");
	pk_ping(t, u.two->a, "198.51.100.1");
	send_spoofed_echo(t, u.one->a, "198.51.100.2", "192.0.2.1", 1);
	expect_reply(t, s_two, "192.0.2.1", "198.51.100.2", 1);
	send_spoofed_echo(t, u.two->a, "192.0.2.2", "198.51.100.1", 2);
	expect_reply(t, s_one, "198.51.100.1", "192.0.2.2", 2);

	pk_fw(t, u.jail, &urpf);
	/* Correct sources still work. */
	pk_ping(t, u.one->a, "192.0.2.1");
	pk_ping(t, u.two->a, "198.51.100.1");
	/* Sources from the wrong link are dropped. */
	send_spoofed_echo(t, u.one->a, "198.51.100.2", "192.0.2.1", 3);
	send_crossing_sentinel(t, u.one->a, u.one_b_mac, "192.0.2.2",
	    "198.51.100.2");
	pk_expect_none_until(t, s_two, "icmp[icmptype] == icmp-echoreply "
	    "and icmp[6:2] == 3", PT_UDP_SENTINEL, 2000);
	send_spoofed_echo(t, u.two->a, "192.0.2.2", "198.51.100.1", 4);
	send_crossing_sentinel(t, u.two->a, u.two_b_mac, "198.51.100.2",
	    "192.0.2.2");
	pk_expect_none_until(t, s_one, "icmp[icmptype] == icmp-echoreply "
	    "and icmp[6:2] == 4", PT_UDP_SENTINEL, 2000);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, echo_answered_unless_blocked_v4);
	ATF_TP_ADD_TC(tp, echo_answered_unless_blocked_v6);
	ATF_TP_ADD_TC(tp, urpf_drops_spoofed_source);
	return (atf_no_error());
}
