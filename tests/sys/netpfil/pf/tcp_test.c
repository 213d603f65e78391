/*
 * tcp_test: TCP sequence checks in a stateful firewall.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/tcp.sh (rst) and tcp.py
 * (TestTcp.test_challenge_ack).  A forged RST whose sequence number is
 * far outside the window must not end an established connection: the
 * firewall's state stays established and the connection keeps working.
 * A new SYN on the ports of an established connection gets exactly one
 * challenge ACK from the stack, and the firewall lets it out.
 *
 * pf's "pass keep state" is nftables' "ct state invalid drop" before an
 * accept: conntrack checks every segment against the window it tracks
 * and finds an out-of-window RST invalid.
 */
#include "pfsupport.h"

static const struct pk_ruleset keep_state = {
	.nft =
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ct state invalid counter drop\n"
	    "    ct state new,established,related accept\n"
	    "  }\n"
	    "  chain o { type filter hook output priority 0; policy drop;\n"
	    "    ct state invalid counter drop\n"
	    "    ct state new,established,related accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "pass keep state\n",
};

/*
 * srv 192.0.2.1 and cl 192.0.2.2 on one link; the attacker (the test)
 * puts its forged frame on that link from the server's side.  FreeBSD
 * uses a bridge with a third jail for the attacker.
 */
PK_TC_CONF(out_of_window_rst_keeps_connection, "a forged RST with a "
    "sequence number out of the window leaves the client's state "
    "established and its connection working", .require_progs = "nft");
PK_TC_BODY(out_of_window_rst_keeps_connection, t)
{
	struct pk_vnet *srv, *cl;
	struct pk_epair *ep;
	int lfd, cfd, sfd;

	srv = pk_vnet(t, "srv");
	cl = pk_vnet(t, "cl");
	ep = pk_epair(t, srv, cl);
	pk_addr(t, ep->a, "192.0.2.1/24");
	pk_addr(t, ep->b, "192.0.2.2/24");
	pk_fw(t, cl, &keep_state);
	pfs_echo(t, ep->a, "192.0.2.2", 1, 1);

	lfd = pfs_listen(t, srv, AF_INET, 1234);
	cfd = pfs_connect(t, cl, NULL, 4321, "192.0.2.1", 1234);
	sfd = pfs_accept(t, srv, lfd);
	pk_fw_expect_count(t, cl, 1, .proto = IPPROTO_TCP, .sport = 4321,
	    .state = "ESTABLISHED");

	/* pft_rst: RST from 192.0.2.1:1234 to 192.0.2.2:4321, seq 1. */
	pk_send(t, ep->a, PK_PKT(PK_IP4(.src = "192.0.2.1",
	    .dst = "192.0.2.2"), PK_TCP(.sport = 1234, .dport = 4321,
	    .seq = 1, .flags = PK_TH_RST)));
	/* Both ways still work; the firewall dropped the RST. */
	pfs_write(cfd, "foo", 3);
	pfs_read_is(sfd, "foo", 3, 2000);
	pfs_write(sfd, "bar", 3);
	pfs_read_is(cfd, "bar", 3, 2000);
	pk_fw_expect_count(t, cl, 1, .proto = IPPROTO_TCP, .sport = 4321,
	    .state = "ESTABLISHED");
	ATF_CHECK_MSG(strstr(pk_run_ok(t, cl, "nft list chain inet f i"),
	    "invalid counter packets 1 ") != NULL, "%s", pk_out(t));
}

/*
 * The case host (192.0.2.1) plays 192.0.2.3, which the jail (192.0.2.2)
 * believes is at a MAC nobody has: the host's kernel ignores the
 * jail's answers, and the test makes the segments itself.
 */
PK_TC_CONF(syn_on_established_connection_gets_one_challenge_ack, "a new "
    "SYN on the ports of an established connection gets exactly one "
    "challenge ACK, which the firewall lets out", .require_progs = "nft");
PK_TC_BODY(syn_on_established_connection_gets_one_challenge_ack, t)
{
	struct pfs_tcp a = {
		.src = "192.0.2.3", .dst = "192.0.2.2", .sport = 1234,
		.dport = 1234, .seq = 100000
	};
	struct pfs_tcp b = {
		.src = "192.0.2.3", .dst = "192.0.2.2", .sport = 1234,
		.dport = 1234, .seq = 3000000000u
	};
	const struct pk_dlayer *tcp;
	const struct pk_dpkt *d;
	struct pk_sniffer *s;
	struct pk_epair *ep;
	struct pk_vnet *jail;
	size_t i, n0;
	int lfd;

	jail = pk_vnet(t, "alcatraz");
	ep = pk_epair(t, NULL, jail);
	pk_addr(t, ep->a, "192.0.2.1/24");
	pk_addr(t, ep->b, "192.0.2.2/24");
	pk_neigh(t, ep->b, "192.0.2.3", "00:01:02:03:04:05");
	pk_fw(t, jail, &keep_state);
	lfd = pfs_listen(t, jail, AF_INET, 1234);

	s = pk_sniff_with(t, ep->a, "ip src 192.0.2.2", .dir = PK_DIR_IN);
	a.ifp = b.ifp = ep->a;
	pfs_tcp_connect(t, &a, s);
	pfs_tcp_send(t, &a, "foo", 3);
	d = pk_expect(t, s, "tcp[tcpflags] == tcp-ack", 2000);
	ATF_CHECK_EQ(pfs_layer(d, PK_PROTO_TCP)->u.tcp.ack, a.seq);
	pfs_accept(t, jail, lfd);

	/*
	 * The new SYN, then an echo request from the host's own address
	 * as the sentinel: the challenge ACK is sent while the SYN is
	 * processed, before the echo request is.
	 */
	ATF_REQUIRE(pk_sniff_poll(s, NULL) == 0);
	n0 = pk_sniff_count(s);
	pfs_tcp_syn(t, &b);
	pfs_echo_send(t, ep->a, NULL, "192.0.2.2", 9, 1);
	pk_expect_n_until(t, s, "ip dst 192.0.2.3", 1,
	    pfs_echo_reply_filter("", 9), 2000);
	for (d = NULL, i = n0; i < pk_sniff_count(s) && d == NULL; i++)
		if (pfs_ip4_is(&pfs_layer(&pk_sniff_get(s, i)->d,
		    PK_PROTO_IP4)->u.ip4.dst, "192.0.2.3"))
			d = &pk_sniff_get(s, i)->d;
	ATF_REQUIRE(d != NULL);
	tcp = pfs_layer(d, PK_PROTO_TCP);
	ATF_CHECK_EQ(tcp->u.tcp.flags, PK_TH_ACK);
	ATF_CHECK_EQ(tcp->u.tcp.sport, 1234);
	ATF_CHECK_EQ(tcp->u.tcp.dport, 1234);
	/* It acknowledges what the connection has, not the SYN. */
	ATF_CHECK_EQ(tcp->u.tcp.ack, a.seq);
	ATF_CHECK_EQ(tcp->u.tcp.seq, a.ack);
	pk_fw_expect_count(t, jail, 1, .proto = IPPROTO_TCP,
	    .state = "ESTABLISHED");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, out_of_window_rst_keeps_connection);
	ATF_TP_ADD_TC(tp, syn_on_established_connection_gets_one_challenge_ack);
	return (atf_no_error());
}
