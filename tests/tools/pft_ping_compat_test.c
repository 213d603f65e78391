/*
 * pft_ping_compat_test: pft_ping run with the command lines FreeBSD's
 * pf tests give pft_ping.py, on the same topologies built on Linux, with
 * nftables rules where the tests load pf rules.  Each case names the
 * test it replays.  Exit status and empty output are checked as atf_check
 * checks them.
 */
#include <stdio.h>
#include <string.h>

#include <atf-c.h>

#include "pktkit.h"
#include "compat.h"

#define	PING	tool(t, "pft_ping")

/* common/forward.sh v4, and its block in / block out variants. */
PK_TC(forward_v4, "forward.sh v4: a forwarded request is seen, and not "
    "once the router blocks it in or out (also --recv, a prefix)");
PK_TC_BODY(forward_v4, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --recvif %s",
	    PING, IFN(tp.tst_h), IFN(tp.srv_h));
	FWD(t, tp.router, "iifname \"%s\" drop;", IFN(tp.tst_r));
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--recvif %s", PING, IFN(tp.tst_h), IFN(tp.srv_h));
	FWD(t, tp.router, "oifname \"%s\" drop;", IFN(tp.srv_r));
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--recv %s", PING, IFN(tp.tst_h), IFN(tp.srv_h));
}

/* The old forward.sh v6, with the legacy --ip6. */
PK_TC(forward_v6_legacy_ip6, "forward.sh v6 (older tree): --ip6 is "
    "accepted; the IPv6 request is seen, and not once blocked");
PK_TC_BODY(forward_v6_legacy_ip6, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	check_run(t, NULL, 0, "%s --ip6 --sendif %s --to 2001:db8:43::2 "
	    "--recvif %s", PING, IFN(tp.tst_h), IFN(tp.srv_h));
	FWD(t, tp.router, "meta nfproto ipv6 oifname \"%s\" drop;",
	    IFN(tp.srv_r));
	check_run(t, NULL, 1, QUICK "%s --ip6 --sendif %s --to "
	    "2001:db8:43::2 --recvif %s", PING, IFN(tp.tst_h),
	    IFN(tp.srv_h));
}

/* common/tos.sh tos: set-tos keeps the ECN bits; block on a TOS. */
PK_TC(tos, "tos.sh: --expect-tc sees the TOS the router set, ECN bits "
    "kept; --send-tc makes a rule on the TOS match");
PK_TC_BODY(tos, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	/* pf's "scrub out proto icmp set-tos 36": DSCP 9, ECN kept. */
	FWD(t, tp.router, "meta l4proto icmp ip dscp set 9;");
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --recvif %s "
	    "--expect-tc 36", PING, IFN(tp.tst_h), IFN(tp.srv_h));
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --recvif %s "
	    "--send-tc 3 --expect-tc 39", PING, IFN(tp.tst_h),
	    IFN(tp.srv_h));
	/* "block all tos 36" */
	FWD(t, tp.router, "ip dscp 9 drop;");
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--recvif %s --send-tc 36", PING, IFN(tp.tst_h), IFN(tp.srv_h));
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --recvif %s "
	    "--send-tc 32", PING, IFN(tp.tst_h), IFN(tp.srv_h));
}

/* pf/set_tos.sh v4 */
PK_TC(set_tos_v4, "set_tos.sh v4: an unchanged TOS fails --expect-tc; "
    "the ICMP rule's TOS is the one seen");
PK_TC_BODY(set_tos_v4, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	FWD(t, tp.router, "meta l4proto icmp counter;");
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--recvif %s --expect-tc 42", PING, IFN(tp.tst_h),
	    IFN(tp.srv_h));
	FWD(t, tp.router, "meta l4proto tcp ip dscp set 3; "
	    "meta l4proto icmp ip dscp set 3;");
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --recvif %s "
	    "--send-tc 42 --expect-tc 14", PING, IFN(tp.tst_h),
	    IFN(tp.srv_h));
}

/* pf/pass_block.sh urpf */
PK_TC(urpf, "pass_block.sh urpf: the reply to a spoofed source comes "
    "back on the other interface, and not once uRPF drops the request");
PK_TC_BODY(urpf, t)
{
	struct pk_vnet *j;
	struct pk_epair *one, *two;

	j = pk_vnet(t, "alcatraz");
	one = pk_epair(t, NULL, j);
	two = pk_epair(t, NULL, j);
	pk_addr(t, one->a, "192.0.2.2/24");
	pk_addr(t, one->b, "192.0.2.1/24");
	pk_addr(t, two->a, "198.51.100.2/24");
	pk_addr(t, two->b, "198.51.100.1/24");
	check_run(t, NULL, 0, "%s --sendif %s --to 192.0.2.1 --fromaddr "
	    "198.51.100.2 --replyif %s", PING, IFN(one->a), IFN(two->a));
	/* "block quick from urpf-failed" */
	nft(t, j, "table inet f { chain pre { type filter hook prerouting "
	    "priority 0; fib saddr . iif oif missing drop; }; }\n");
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 192.0.2.1 "
	    "--fromaddr 198.51.100.2 --replyif %s", PING, IFN(one->a),
	    IFN(two->a));
}

/* pf/scrub.sh max_mss_v4 */
PK_TC(max_mss_v4, "scrub.sh max_mss_v4: --expect-mss sees the MSS the "
    "router clamped, and fails when nothing clamps it");
PK_TC_BODY(max_mss_v4, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	FWD(t, tp.router, "tcp flags syn tcp option maxseg size set 1300;");
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --recvif %s "
	    "--ping-type=tcpsyn --send-mss=1400 --expect-mss=1300", PING,
	    IFN(tp.tst_h), IFN(tp.srv_h));
	FWD(t, tp.router, "tcp flags syn counter;");
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--recvif %s --ping-type=tcpsyn --send-mss=1400 "
	    "--expect-mss=1300", PING, IFN(tp.tst_h), IFN(tp.srv_h));
}

/*
 * pf/scrub.sh max_mss_v6 sends the unaligned options; nftables' clamp
 * breaks the checksum of such a SYN on Linux (a kernel matter, left to
 * the ported test), so the tool's side is checked on a plain path.
 */
PK_TC(max_mss_v6_unaligned, "scrub.sh max_mss_v6: an unaligned-options "
    "SYN crosses the router with a correct checksum and its MSS");
PK_TC_BODY(max_mss_v6_unaligned, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	check_run(t, NULL, 0, "%s --sendif %s --to 2001:db8:43::2 --recvif "
	    "%s --ping-type=tcpsyn --send-mss=1400 --expect-mss=1400 "
	    "--send-tcpopt-unaligned", PING, IFN(tp.tst_h), IFN(tp.srv_h));
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 2001:db8:43::2 "
	    "--recvif %s --ping-type=tcpsyn --send-mss=1400 "
	    "--expect-mss=1300 --send-tcpopt-unaligned", PING,
	    IFN(tp.tst_h), IFN(tp.srv_h));
}

/* pf/scrub.sh min_ttl_v4 */
PK_TC(min_ttl_v4, "scrub.sh min_ttl_v4: --expect-hlim sees the raised "
    "TTL less the router's hop");
PK_TC_BODY(min_ttl_v4, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	nft(t, tp.router, "table ip f { chain pre { type filter hook "
	    "prerouting priority -150; ip ttl < 50 ip ttl set 50; }; }\n");
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --recvif %s "
	    "--ping-type=tcpsyn --send-hlim=40 --expect-hlim=49", PING,
	    IFN(tp.tst_h), IFN(tp.srv_h));
	nft(t, tp.router, "table ip f { chain pre { type filter hook "
	    "prerouting priority -150; counter; }; }\n");
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--recvif %s --ping-type=tcpsyn --send-hlim=40 "
	    "--expect-hlim=49", PING, IFN(tp.tst_h), IFN(tp.srv_h));
}

/* pf/scrub.sh set_tos_v6, and its --send-tc=0 --expect-tc=0 twin. */
PK_TC(set_tos_v6, "scrub.sh set_tos_v6: the traffic class set by the "
    "router is seen; --expect-tc=0 checks nothing");
PK_TC_BODY(set_tos_v6, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	FWD(t, tp.router, "meta nfproto ipv6 ip6 dscp set 16 ip6 ecn set "
	    "ect0;");
	check_run(t, NULL, 0, "%s --sendif %s --to 2001:db8:43::2 --recvif "
	    "%s --ping-type=tcpsyn --send-tc=0 --expect-tc=66", PING,
	    IFN(tp.tst_h), IFN(tp.srv_h));
	/* no_scrub: the rewritten class passes an --expect-tc=0. */
	check_run(t, NULL, 0, "%s --sendif %s --to 2001:db8:43::2 --recvif "
	    "%s --ping-type=tcpsyn --send-tc=0 --expect-tc=0", PING,
	    IFN(tp.tst_h), IFN(tp.srv_h));
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 2001:db8:43::2 "
	    "--recvif %s --ping-type=tcpsyn --expect-tc=64", PING,
	    IFN(tp.tst_h), IFN(tp.srv_h));
}

/* pf/fragmentation_no_reassembly.sh match_fragment_v4 */
PK_TC(match_fragment_v4, "fragmentation_no_reassembly.sh: fragments cross "
    "a router that drops whole ICMP packets and are reassembled by the "
    "sniffer; the unfragmented probe is dropped");
PK_TC_BODY(match_fragment_v4, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	pk_mtu(t, tp.tst_h, 9000);
	pk_mtu(t, tp.tst_r, 9000);
	pk_mtu(t, tp.srv_r, 9000);
	pk_mtu(t, tp.srv_h, 9000);
	FWD(t, tp.router, "meta l4proto icmp ip frag-off & 0x3fff == 0 "
	    "drop;");
	check_run(t, NULL, 0, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--recvif %s --ping-type=icmp --send-length=2000 "
	    "--send-frag-length 1000", PING, IFN(tp.tst_h), IFN(tp.srv_h));
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--recvif %s --ping-type=icmp --send-length=2000", PING,
	    IFN(tp.tst_h), IFN(tp.srv_h));
}

/*
 * --send-frag-length beyond what the tests use: the peer's stack must
 * reassemble the fragments (IPv4 cut as scapy cuts them, IPv6 with a
 * Fragment header, which the script could not send), and its reply, too
 * big for the link, comes back in fragments the sniffer reassembles.
 */
PK_TC(fragments_reassemble_at_the_peer, "--send-frag-length: a real stack "
    "reassembles the fragments, v4 and v6, and answers; the sniffer "
    "reassembles the fragmented answer");
PK_TC_BODY(fragments_reassemble_at_the_peer, t)
{
	struct pk_topo tp;

	pk_topo_pair(t, &tp);
	check_run(t, NULL, 0, QUICK "%s --sendif %s --to 192.0.2.2 --replyif "
	    "%s --send-length 3000 --send-frag-length 1000", PING,
	    IFN(tp.client_if), IFN(tp.client_if));
	check_run(t, NULL, 0, QUICK "%s --sendif %s --to 2001:db8::2 "
	    "--replyif %s --send-length 3000 --send-frag-length 1001", PING,
	    IFN(tp.client_if), IFN(tp.client_if));
	/* A request sniffer on the sending side counts the datagram once. */
	check_run(t, NULL, 0, QUICK "%s --sendif %s --to 2001:db8::2 --recvif "
	    "%s --send-length 3000 --send-frag-length 512", PING,
	    IFN(tp.client_if), IFN(tp.client_if));
}

/* pf/fragmentation_pass.sh no_df: DF stops a packet at a smaller MTU. */
PK_TC(no_df, "fragmentation_pass.sh no_df: a DF probe too big for the "
    "server's link gets no reply; one that fits does");
PK_TC_BODY(no_df, t)
{
	struct topo tp;

	topo_rs(t, &tp);
	pk_mtu(t, tp.tst_h, 9000);
	pk_mtu(t, tp.tst_r, 9000);
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--replyif %s --ping-type=icmp --send-length=2000 "
	    "--send-flags DF", PING, IFN(tp.tst_h), IFN(tp.tst_h));
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --replyif %s "
	    "--ping-type=icmp --send-length=1000 --send-flags DF", PING,
	    IFN(tp.tst_h), IFN(tp.tst_h));
}

/* pf/dup.sh dup_to: the original and its duplicate, each seen once. */
PK_TC(dup_to, "dup.sh dup_to: --recv with two interfaces, each must see "
    "the request once (the router duplicates it)");
PK_TC_BODY(dup_to, t)
{
	struct topo tp;
	struct pk_epair *dup;

	topo_rd(t, &tp);
	dup = pk_epair(t, tp.router, NULL);
	pk_addr(t, dup->a, "203.0.113.1/24");
	pk_neigh(t, dup->a, "203.0.113.2", DUMMY_MAC);
	nft(t, tp.router, "table ip f { chain c { type filter hook forward "
	    "priority 0; ip daddr 198.51.100.2 dup to 203.0.113.2 device "
	    "\"%s\"; }; }\n", IFN(dup->a));
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --recv %s %s",
	    PING, IFN(tp.tst_h), IFN(tp.srv_h), IFN(dup->b));
	/* Without the duplicate, the second sniffer (bit 1) fails. */
	FWD(t, tp.router, "counter;");
	check_run(t, NULL, 2, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--recv %s %s", PING, IFN(tp.tst_h), IFN(tp.srv_h),
	    IFN(dup->b));
}

/* pf/icmp6.sh and pf/killstate.sh: the echo reply on the sending side. */
PK_TC(echo_reply_v4_v6, "killstate.sh v4 / icmp6.sh: --replyif on the "
    "sending interface sees the peer's echo reply, v4 and v6");
PK_TC_BODY(echo_reply_v4_v6, t)
{
	struct pk_vnet *j;
	struct pk_epair *ep;

	j = pk_vnet(t, "alcatraz");
	ep = pk_epair(t, NULL, j);
	pk_addr(t, ep->a, "192.0.2.1/24");
	pk_addr(t, ep->b, "192.0.2.2/24");
	pk_addr(t, ep->a, "2001:db8::2/64");
	pk_addr(t, ep->b, "2001:db8::1/64");
	check_run(t, NULL, 0, "%s --sendif %s --to 192.0.2.2 --replyif %s",
	    PING, IFN(ep->a), IFN(ep->a));
	check_run(t, NULL, 0, "%s --sendif %s --to 2001:db8::1 --replyif %s",
	    PING, IFN(ep->a), IFN(ep->a));
	nft(t, j, "table inet f { chain in { type filter hook input "
	    "priority 0; icmpv6 type echo-request drop; }; }\n");
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 2001:db8::1 "
	    "--replyif %s", PING, IFN(ep->a), IFN(ep->a));
	check_run(t, NULL, 0, "%s --sendif %s --to 192.0.2.2 --replyif %s",
	    PING, IFN(ep->a), IFN(ep->a));
}

/* pf/route_to.sh ifbound_reply_to: --from (a prefix), run twice. */
PK_TC(reply_to_foreign_source, "route_to.sh ifbound_reply_to: the reply "
    "to a source the tester does not own comes back, twice in a row");
PK_TC_BODY(reply_to_foreign_source, t)
{
	struct pk_vnet *j;
	struct pk_epair *one;

	j = pk_vnet(t, "alcatraz");
	one = pk_epair(t, j, NULL);
	pk_addr(t, one->a, "192.0.2.1/24");
	pk_addr(t, one->b, "192.0.2.2/24");
	pk_route(t, j, "203.0.113.0/24", "192.0.2.2");
	check_run(t, NULL, 0, "%s --to 192.0.2.1 --from 203.0.113.2 "
	    "--sendif %s --replyif %s", PING, IFN(one->b), IFN(one->b));
	check_run(t, NULL, 0, "%s --to 192.0.2.1 --from 203.0.113.2 "
	    "--sendif %s --replyif %s", PING, IFN(one->b), IFN(one->b));
}

/* pf/max_states.sh: --send-sport makes each SYN a new connection. */
PK_TC(max_states_v6, "max_states.sh: three SYNs from distinct ports pass "
    "a limit of three connections, the fourth does not");
PK_TC_BODY(max_states_v6, t)
{
	struct topo tp;
	int port;

	topo_rd(t, &tp);
	FWD(t, tp.router, "meta nfproto ipv6 tcp dport 666 ct state new "
	    "ct count over 3 drop;");
	for (port = 4201; port <= 4203; port++)
		check_run(t, NULL, 0, "%s --sendif %s --to 2001:db8:43::2 "
		    "--recvif %s --ping-type=tcpsyn --send-sport=%d", PING,
		    IFN(tp.tst_h), IFN(tp.srv_h), port);
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 2001:db8:43::2 "
	    "--recvif %s --ping-type=tcpsyn --send-sport=4204", PING,
	    IFN(tp.tst_h), IFN(tp.srv_h));
}

/*
 * pf/src_track.sh max_src_states_rule: full handshakes from a source the
 * tester does not own, the third over a per-source limit of two.
 */
PK_TC(tcp3way_src_limit_v6, "src_track.sh: tcp3way handshakes complete "
    "through the router; the third from one source is refused");
PK_TC_BODY(tcp3way_src_limit_v6, t)
{
	struct topo tp;

	topo_rs(t, &tp);
	pk_route(t, tp.router, "2001:db8:44::/64", "2001:db8:42::2");
	listen_on(t, tp.server, 9);
	nft(t, tp.router, "table inet f { set src { type ipv6_addr; "
	    "flags dynamic; }; chain c { type filter hook forward priority "
	    "0; tcp dport 9 ct state new add @src { ip6 saddr ct count over "
	    "2 } drop; }; }\n");
	check_run(t, NULL, 0, "%s --sendif %s --to 2001:db8:43::2 --replyif "
	    "%s --ping-type=tcp3way --send-sport=4211 --fromaddr "
	    "2001:db8:44::1", PING, IFN(tp.tst_h), IFN(tp.tst_h));
	check_run(t, NULL, 0, "%s --sendif %s --to 2001:db8:43::2 --replyif "
	    "%s --ping-type=tcp3way --send-sport=4212 --fromaddr "
	    "2001:db8:44::1", PING, IFN(tp.tst_h), IFN(tp.tst_h));
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 2001:db8:43::2 "
	    "--replyif %s --ping-type=tcp3way --send-sport=4213 --fromaddr "
	    "2001:db8:44::1", PING, IFN(tp.tst_h), IFN(tp.tst_h));
	/* The handshakes did complete: the server holds two of them. */
	ATF_CHECK_STREQ(pk_run_ok(t, tp.server, "ss -Htn state established "
	    "'( sport = :9 )' | wc -l"), "2\n");
}

/*
 * pf/nat.sh nat_pass_in: a handshake through a NAT.  The SYN-ACK is
 * built by the server's stack with its checksum left to the device;
 * the NAT rewrites the destination and the sniffer must accept it.  (The
 * tester's own stack resets the connection, as on FreeBSD, so only the
 * exit status tells.)
 */
PK_TC(tcp3way_through_nat, "nat.sh nat_pass_in: a tcp3way handshake "
    "through a NAT (offloaded checksums rewritten on the way)");
PK_TC_BODY(tcp3way_through_nat, t)
{
	struct topo tp;

	topo_rs(t, &tp);
	listen_on(t, tp.server, 9);
	nft(t, tp.router, "table ip nat { chain post { type nat hook "
	    "postrouting priority 100; oifname \"%s\" masquerade; }; }\n",
	    IFN(tp.srv_r));
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --replyif %s "
	    "--ping-type=tcp3way --send-sport=4201", PING, IFN(tp.tst_h),
	    IFN(tp.tst_h));
}

/* pf/nat.sh binat_match: the tool run inside another vnet. */
PK_TC(tcp3way_from_inside_a_vnet, "nat.sh binat_match: pft_ping run "
    "inside the server's vnet (jexec server pft_ping ...)");
PK_TC_BODY(tcp3way_from_inside_a_vnet, t)
{
	struct topo tp;

	topo_rs(t, &tp);
	listen_on(t, tp.router, 9);
	check_run(t, tp.server, 0, "%s --ping-type=tcp3way --send-sport=4202 "
	    "--sendif %s --to 198.51.100.1 --replyif %s", PING,
	    IFN(tp.srv_s), IFN(tp.srv_s));
}

/* pf/route_to.sh table_loop: the same check, seven times. */
PK_TC(tcp3way_repeated, "route_to.sh table_loop: seven tcp3way probes "
    "from distinct ports and a foreign v6 source all complete");
PK_TC_BODY(tcp3way_repeated, t)
{
	struct topo tp;
	int port;

	topo_rs(t, &tp);
	pk_route(t, tp.router, "2001:db8:44::/64", "2001:db8:42::2");
	listen_on(t, tp.server, 9);
	for (port = 4201; port <= 4207; port++)
		check_run(t, NULL, 0, "%s --sendif %s --replyif %s --fromaddr "
		    "2001:db8:44::1 --to 2001:db8:43::2 --ping-type=tcp3way "
		    "--send-sport=%d", PING, IFN(tp.tst_h), IFN(tp.tst_h),
		    port);
}

/* pf/match.sh allow_opts: --send-nop makes an IPv4 header with options. */
PK_TC(allow_opts, "match.sh allow_opts: a probe with IPv4 options is "
    "answered, and not once options are dropped");
PK_TC_BODY(allow_opts, t)
{
	struct pk_vnet *j;
	struct pk_epair *ep;

	j = pk_vnet(t, "alcatraz");
	ep = pk_epair(t, j, NULL);
	pk_addr(t, ep->a, "192.0.2.1/24");
	pk_addr(t, ep->b, "192.0.2.2/24");
	check_run(t, NULL, 0, "%s --sendif %s --to 192.0.2.1 --send-nop "
	    "--replyif %s", PING, IFN(ep->b), IFN(ep->b));
	nft(t, j, "table ip f { chain in { type filter hook input priority "
	    "0; ip hdrlength != 5 drop; }; }\n");
	check_run(t, NULL, 1, QUICK "%s --sendif %s --to 192.0.2.1 "
	    "--send-nop --replyif %s", PING, IFN(ep->b), IFN(ep->b));
	check_run(t, NULL, 0, "%s --sendif %s --to 192.0.2.1 --replyif %s",
	    PING, IFN(ep->b), IFN(ep->b));
}

/* pf/pfsync.sh tag: a UDP probe from a foreign source, forwarded. */
PK_TC(udp_forwarded, "pfsync.sh tag: a UDP probe from a foreign source is "
    "forwarded, and not once UDP is blocked");
PK_TC_BODY(udp_forwarded, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	check_run(t, NULL, 0, "%s --ping-type=udp --sendif %s --fromaddr "
	    "192.0.2.254 --to 198.51.100.2 --recvif %s", PING, IFN(tp.tst_h),
	    IFN(tp.srv_h));
	FWD(t, tp.router, "meta l4proto udp drop;");
	check_run(t, NULL, 1, QUICK "%s --ping-type=udp --sendif %s "
	    "--fromaddr 192.0.2.254 --to 198.51.100.2 --recvif %s", PING,
	    IFN(tp.tst_h), IFN(tp.srv_h));
}

/* pf/checksum.sh unaligned (older tree): the legacy option names. */
PK_TC(legacy_tcpsyn_unaligned, "checksum.sh unaligned (older tree): "
    "--tcpsyn --tcpopt_unaligned, forwarded with a good checksum");
PK_TC_BODY(legacy_tcpsyn_unaligned, t)
{
	struct topo tp;

	topo_rd(t, &tp);
	check_run(t, NULL, 0, "%s --sendif %s --to 198.51.100.2 --recvif %s "
	    "--tcpsyn --tcpopt_unaligned", PING, IFN(tp.tst_h),
	    IFN(tp.srv_h));
}

/* The status: one bit per failed sniffer, --recvif ones first. */
PK_TC(status_bits_follow_sniffer_order, "exit status bits: --recvif "
    "sniffers first, then --replyif, wherever they stand");
PK_TC_BODY(status_bits_follow_sniffer_order, t)
{
	struct topo tp;
	struct pk_epair *idle;

	topo_rd(t, &tp);
	/* An interface of the host where the probe never shows. */
	idle = pk_epair(t, NULL, NULL);
	check_run(t, NULL, 2, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--replyif %s --recvif %s", PING, IFN(tp.tst_h), IFN(idle->a),
	    IFN(tp.srv_h));
	check_run(t, NULL, 5, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--recvif %s %s %s", PING, IFN(tp.tst_h), IFN(idle->a),
	    IFN(tp.srv_h), IFN(idle->b));
	/* The dummy next hop never answers: both reply sniffers fail. */
	check_run(t, NULL, 6, QUICK "%s --sendif %s --to 198.51.100.2 "
	    "--replyif %s %s --recvif %s", PING, IFN(tp.tst_h),
	    IFN(tp.tst_h), IFN(tp.srv_h), IFN(tp.srv_h));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, forward_v4);
	ATF_TP_ADD_TC(tp, forward_v6_legacy_ip6);
	ATF_TP_ADD_TC(tp, tos);
	ATF_TP_ADD_TC(tp, set_tos_v4);
	ATF_TP_ADD_TC(tp, urpf);
	ATF_TP_ADD_TC(tp, max_mss_v4);
	ATF_TP_ADD_TC(tp, max_mss_v6_unaligned);
	ATF_TP_ADD_TC(tp, min_ttl_v4);
	ATF_TP_ADD_TC(tp, set_tos_v6);
	ATF_TP_ADD_TC(tp, match_fragment_v4);
	ATF_TP_ADD_TC(tp, fragments_reassemble_at_the_peer);
	ATF_TP_ADD_TC(tp, no_df);
	ATF_TP_ADD_TC(tp, dup_to);
	ATF_TP_ADD_TC(tp, echo_reply_v4_v6);
	ATF_TP_ADD_TC(tp, reply_to_foreign_source);
	ATF_TP_ADD_TC(tp, max_states_v6);
	ATF_TP_ADD_TC(tp, tcp3way_src_limit_v6);
	ATF_TP_ADD_TC(tp, tcp3way_through_nat);
	ATF_TP_ADD_TC(tp, tcp3way_from_inside_a_vnet);
	ATF_TP_ADD_TC(tp, tcp3way_repeated);
	ATF_TP_ADD_TC(tp, allow_opts);
	ATF_TP_ADD_TC(tp, udp_forwarded);
	ATF_TP_ADD_TC(tp, legacy_tcpsyn_unaligned);
	ATF_TP_ADD_TC(tp, status_bits_follow_sniffer_order);
	return (atf_no_error());
}
