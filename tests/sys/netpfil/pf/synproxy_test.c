/*
 * synproxy_test: a firewall that completes the TCP handshake with the
 * client itself before it lets the connection reach the server.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/synproxy.sh: synproxy (for a
 * server behind the jail), local and local_v6 (for a service in the
 * jail).  In each, an echo exchange must work through the proxy.
 *
 * pf's "synproxy state" on a rule is nftables' synproxy statement on
 * SYNs that were left untracked (raw prerouting), for the rule's port
 * only; conntrack must not pick up connections from a bare ACK
 * (nf_conntrack_tcp_loose=0, per vnet).  Both answer the client's SYN
 * themselves: the SYN-ACK the client sees has the proxy's zero window
 * and options, and the server hears of the connection only after the
 * client's ACK.
 */
#include "pfsupport.h"

/*
 * pf's "pass in quick on IF proto tcp from any to any port 7 synproxy
 * state", with the nft chain on the given hook; %1$s is IF.
 */
#define	SYNPROXY_NFT(hook)						\
	"table inet f {\n"						\
	"  chain raw { type filter hook prerouting priority raw;\n"	\
	"    iifname \"%1$s\" tcp dport 7 tcp flags & (syn|ack) == syn " \
	"notrack\n"							\
	"  }\n"							\
	"  chain c { type filter hook " hook " priority 0;\n"		\
	"    iifname \"%1$s\" tcp dport 7 ct state invalid,untracked "	\
	"synproxy " SYNPROXY_OPTS "\n"					\
	"    iifname \"%1$s\" tcp dport 7 ct state invalid drop\n"	\
	"  }\n"							\
	"}\n"

PK_TC_CONF(synproxy_forwarded_echo_answers, "a client reaches an echo "
    "server behind a jail that synproxies port 7; the server hears of the "
    "connection only from the proxy", .require_progs = "nft");
PK_TC_BODY(synproxy_forwarded_echo_answers, t)
{
	struct pk_sniffer *cl, *srv;
	struct pk_topo topo;
	const struct pk_seen *ack, *syn;
	const struct pk_dpkt *d;
	int lfd;

	pk_topo_router(t, &topo);
	pk_sysctl(t, topo.router, "net.netfilter.nf_conntrack_tcp_loose",
	    "0");
	pfs_fw(t, topo.router, SYNPROXY_NFT("forward"),
	    "set fail-policy return\n"
	    "scrub in all fragment reassemble\n"
	    "pass out quick on %1$s all no state allow-opts\n"
	    "pass in quick on %1$s proto tcp from any to any port 7 "
	    "synproxy state\n"
	    "pass in quick on %1$s all no state\n",
	    pk_if_name(topo.router_in));
	pfs_echo(t, topo.client_if, topo.server4, 1, 1);

	lfd = pfs_listen(t, topo.server, AF_INET, 7);
	cl = pk_sniff_with(t, topo.client_if, "tcp", .dir = PK_DIR_BOTH);
	srv = pk_sniff_with(t, topo.server_if, "tcp", .dir = PK_DIR_IN);
	pfs_tcp_echo(t, NULL, topo.server, lfd, topo.server4, 7, "ping\n");
	d = pk_expect(t, cl, "tcp[tcpflags] == (tcp-syn|tcp-ack)", 2000);
	pfs_synproxy_synack(d);
	/* The client's ACK of the cookie, then the proxy's own SYN. */
	ack = pfs_expect_seen(t, cl, "tcp[tcpflags] == tcp-ack and "
	    "tcp dst port 7", 2000);
	syn = pfs_expect_seen(t, srv, "tcp[tcpflags] == tcp-syn", 2000);
	ATF_CHECK_MSG(pfs_before(ack, syn), "the server got a SYN before "
	    "the client answered the cookie");
	ATF_CHECK(pfs_ip4_is(&pfs_layer(&syn->d, PK_PROTO_IP4)->u.ip4.src,
	    topo.client4));
	pk_fw_expect_count(t, topo.router, 1, .proto = IPPROTO_TCP,
	    .dport = 7, .state = "ESTABLISHED");
}

/* HJ for the local cases: the case host .2 / ::1, the jail .1 / ::2. */
static void
local_echo(struct pk_tc *t, int v6)
{
	const char *jaddr;
	struct pk_sniffer *s;
	struct pk_epair *ep;
	struct pk_vnet *jail;
	const struct pk_dpkt *d;
	int lfd;

	jail = pk_vnet(t, "alcatraz");
	ep = pk_epair(t, NULL, jail);
	if (v6) {
		pk_addr(t, ep->a, "2001:db8:42::1/64");
		pk_addr(t, ep->b, "2001:db8:42::2/64");
		jaddr = "2001:db8:42::2";
		pfs_resolve(t, ep->b, "2001:db8:42::1");
	} else {
		pk_addr(t, ep->a, "192.0.2.2/24");
		pk_addr(t, ep->b, "192.0.2.1/24");
		jaddr = "192.0.2.1";
	}
	pk_sysctl(t, jail, "net.netfilter.nf_conntrack_tcp_loose", "0");
	pfs_fw(t, jail, SYNPROXY_NFT("input"),
	    "set fail-policy return\n"
	    "scrub in all fragment reassemble\n"
	    "pass in quick on %1$s proto tcp from any to any port 7 "
	    "synproxy state\n",
	    pk_if_name(ep->b));
	pfs_echo(t, ep->a, jaddr, 1, 1);

	lfd = pfs_listen(t, jail, v6 ? AF_INET6 : AF_INET, 7);
	s = pk_sniff_with(t, ep->a, "tcp", .dir = PK_DIR_IN);
	pfs_tcp_echo(t, NULL, jail, lfd, jaddr, 7, "ping\n");
	d = pk_expect(t, s, v6 ? "ip6[53] == 0x12" :
	    "tcp[tcpflags] == (tcp-syn|tcp-ack)", 2000);
	pfs_synproxy_synack(d);
	pk_fw_expect_count(t, jail, 1, .proto = IPPROTO_TCP, .dport = 7,
	    .state = "ESTABLISHED");

	/* Another port is not proxied: the jail's stack resets it. */
	d = pk_request(t, ep->a, v6 ?
	    PK_PKT(PK_IP6(.dst = jaddr), PK_TCP(.sport = 4000, .dport = 9,
	    .flags = PK_TH_SYN)) :
	    PK_PKT(PK_IP4(.dst = jaddr), PK_TCP(.sport = 4000, .dport = 9,
	    .flags = PK_TH_SYN)), 2000);
	ATF_CHECK(pfs_layer(d, PK_PROTO_TCP)->u.tcp.flags & PK_TH_RST);
}

PK_TC_CONF(synproxy_local_echo_answers, "a client reaches an echo "
    "service in a jail that synproxies port 7", .require_progs = "nft");
PK_TC_BODY(synproxy_local_echo_answers, t)
{

	local_echo(t, 0);
}

PK_TC_CONF(synproxy_local_v6_echo_answers, "a client reaches an echo "
    "service over IPv6 in a jail that synproxies port 7",
    .require_progs = "nft");
PK_TC_BODY(synproxy_local_v6_echo_answers, t)
{

	local_echo(t, 1);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, synproxy_forwarded_echo_answers);
	ATF_TP_ADD_TC(tp, synproxy_local_echo_answers);
	ATF_TP_ADD_TC(tp, synproxy_local_v6_echo_answers);
	return (atf_no_error());
}
