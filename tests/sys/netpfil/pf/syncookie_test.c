/*
 * syncookie_test: a firewall that answers every SYN with a cookie and
 * keeps no state until the handshake completes.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/syncookie.sh: nostate (a SYN
 * flood leaves no state behind), basic (a client still reaches a
 * protected echo service in the jail) and forward (and one behind it).
 * adaptive mode (syncookies only above a state-table fill level) has
 * no nftables counterpart and is not ported.
 *
 * pf's "set syncookies always" is nftables' synproxy: SYNs to the
 * protected port are left untracked (a rule in the raw prerouting
 * chain), the synproxy statement answers them with a cookie SYN-ACK and
 * makes a connection (and a conntrack entry) only for an ACK that
 * carries a valid cookie.  Conntrack must not pick up connections from
 * a bare ACK either (nf_conntrack_tcp_loose=0, per vnet), or the ACK
 * would become a state before synproxy sees it.
 */
#include "pfsupport.h"

/* HJ: the case host 192.0.2.2, the jail "alcatraz" 192.0.2.1. */
static struct pk_vnet *
hj_setup(struct pk_tc *t, struct pk_epair **epp)
{
	struct pk_vnet *jail;
	struct pk_epair *ep;

	jail = pk_vnet(t, "alcatraz");
	ep = pk_epair(t, NULL, jail);
	pk_addr(t, ep->a, "192.0.2.2/24");
	pk_addr(t, ep->b, "192.0.2.1/24");
	pk_sysctl(t, jail, "net.netfilter.nf_conntrack_tcp_loose", "0");
	*epp = ep;
	return (jail);
}

static const struct pk_ruleset syncookies_local = {
	.nft =
	    "table inet f {\n"
	    "  chain raw { type filter hook prerouting priority raw;\n"
	    "    tcp flags & (syn|ack) == syn notrack\n"
	    "  }\n"
	    "  chain i { type filter hook input priority 0;\n"
	    "    meta l4proto tcp ct state invalid,untracked "
	    "synproxy " SYNPROXY_OPTS "\n"
	    "    ct state invalid drop\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "set syncookies always\n"
	    "pass in\n"
	    "pass out\n",
};

PK_TC_CONF(syncookie_flood_creates_no_state, "20 SYNs to a "
    "syncookie-protected port nobody listens on get 20 cookie SYN-ACKs "
    "and leave no state", .require_progs = "nft");
PK_TC_BODY(syncookie_flood_creates_no_state, t)
{
	struct pk_sniffer *s;
	struct pk_epair *ep;
	struct pk_vnet *jail;
	const struct pk_dpkt *d;
	int i;

	jail = hj_setup(t, &ep);
	pk_fw(t, jail, &syncookies_local);
	pfs_echo(t, ep->a, "192.0.2.1", 1, 1);

	/* pft_synflood's shape: ports 1 + i, sequence numbers 500 + i. */
	s = pk_sniff_with(t, ep->a, "tcp or icmp", .dir = PK_DIR_IN);
	for (i = 0; i < 20; i++)
		pk_send(t, ep->a, PK_PKT(PK_IP4(.dst = "192.0.2.1"),
		    PK_TCP(.sport = 1 + i, .dport = 22, .seq = 500 + i,
		    .flags = PK_TH_SYN)));
	pfs_echo_send(t, ep->a, NULL, "192.0.2.1", 2, 1);
	/* 20 zero-window SYN-ACKs: synproxy's, no listener is there. */
	pk_expect_n_until(t, s, "tcp[tcpflags] == (tcp-syn|tcp-ack) and "
	    "tcp src port 22 and tcp[14:2] == 0", 20,
	    pfs_echo_reply_filter("", 2), 2000);
	pk_fw_expect_count(t, jail, 0, .proto = IPPROTO_TCP);

	/* With options offered, synproxy answers with its own. */
	pk_send(t, ep->a, PK_PKT(PK_IP4(.dst = "192.0.2.1"),
	    PK_TCP(.sport = 4000, .dport = 22, .seq = 9000,
	    .flags = PK_TH_SYN, PK_TCPOPTS(PK_MSS(1400), PK_WSCALE(3),
	    PK_SACKOK(), PK_TS(1, 0)))));
	d = pk_expect(t, s, "tcp dst port 4000", 2000);
	pfs_synproxy_synack(d);
	ATF_CHECK_EQ(pfs_layer(d, PK_PROTO_TCP)->u.tcp.ack, 9001);
	pk_fw_expect_count(t, jail, 0, .proto = IPPROTO_TCP);
}

PK_TC_CONF(syncookie_protected_echo_answers, "a client reaches an echo "
    "service in a syncookie-protected jail, through the cookie handshake",
    .require_progs = "nft");
PK_TC_BODY(syncookie_protected_echo_answers, t)
{
	struct pk_sniffer *s;
	struct pk_epair *ep;
	struct pk_vnet *jail;
	const struct pk_dpkt *d;
	int lfd;

	jail = hj_setup(t, &ep);
	pk_fw(t, jail, &syncookies_local);
	pfs_echo(t, ep->a, "192.0.2.1", 1, 1);
	lfd = pfs_listen(t, jail, AF_INET, 7);
	s = pk_sniff_with(t, ep->a, "tcp src port 7", .dir = PK_DIR_IN);
	pfs_tcp_echo(t, NULL, jail, lfd, "192.0.2.1", 7, "foo\n");
	d = pk_expect(t, s, "tcp[tcpflags] == (tcp-syn|tcp-ack)", 2000);
	pfs_synproxy_synack(d);
	pk_fw_expect_count(t, jail, 1, .proto = IPPROTO_TCP, .dport = 7,
	    .state = "ESTABLISHED");
}

static const struct pk_ruleset syncookies_forward = {
	.nft =
	    "table inet f {\n"
	    "  chain raw { type filter hook prerouting priority raw;\n"
	    "    tcp flags & (syn|ack) == syn notrack\n"
	    "  }\n"
	    "  chain fw { type filter hook forward priority 0;\n"
	    "    meta l4proto tcp ct state invalid,untracked "
	    "synproxy " SYNPROXY_OPTS "\n"
	    "    ct state invalid drop\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "set syncookies always\n"
	    "pass in\n"
	    "pass out\n",
};

PK_TC_CONF(syncookie_protected_forwarded_echo_answers, "a client "
    "reaches an echo service behind a router that answers SYNs with "
    "cookies", .require_progs = "nft");
PK_TC_BODY(syncookie_protected_forwarded_echo_answers, t)
{
	struct pk_sniffer *s, *srv;
	struct pk_topo topo;
	const struct pk_dpkt *d;
	int lfd;

	pk_topo_router(t, &topo);
	pk_sysctl(t, topo.router, "net.netfilter.nf_conntrack_tcp_loose",
	    "0");
	pk_fw(t, topo.router, &syncookies_forward);
	pfs_echo(t, topo.client_if, topo.server4, 1, 1);
	lfd = pfs_listen(t, topo.server, AF_INET, 7);
	s = pk_sniff_with(t, topo.client_if, "tcp src port 7",
	    .dir = PK_DIR_IN);
	srv = pk_sniff_with(t, topo.server_if, "tcp dst port 7",
	    .dir = PK_DIR_IN);
	pfs_tcp_echo(t, NULL, topo.server, lfd, topo.server4, 7, "foo\n");
	d = pk_expect(t, s, "tcp[tcpflags] == (tcp-syn|tcp-ack)", 2000);
	pfs_synproxy_synack(d);
	/*
	 * The server hears of the connection only once the client has
	 * answered the cookie: its SYN comes from the router.
	 */
	d = pk_expect(t, srv, "tcp[tcpflags] == tcp-syn", 2000);
	ATF_CHECK(pfs_ip4_is(&pfs_layer(d, PK_PROTO_IP4)->u.ip4.src,
	    topo.client4));
	pk_fw_expect_count(t, topo.router, 1, .proto = IPPROTO_TCP,
	    .state = "ESTABLISHED");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, syncookie_flood_creates_no_state);
	ATF_TP_ADD_TC(tp, syncookie_protected_echo_answers);
	ATF_TP_ADD_TC(tp, syncookie_protected_forwarded_echo_answers);
	return (atf_no_error());
}
