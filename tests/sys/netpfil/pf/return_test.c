/*
 * return_test: blocking with a returned error.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/return.py (TestReturn.test_tcp,
 * test_udp): a router whose ruleset is "block return" answers a TCP SYN
 * it blocks with a RST that seems to come from the destination, and a
 * UDP datagram with an ICMP port unreachable from itself, quoting the
 * datagram.  test_sctp (an SCTP ABORT) is not ported: nftables' reject
 * cannot send one, and this kernel has no SCTP.
 *
 * nftables' "reject with tcp reset" and "reject with icmp type
 * port-unreachable" are pf's "block return" for TCP and for the rest.
 */
#include "pfsupport.h"

/*
 * vnet1 (the case host) 192.0.2.2 - router 192.0.2.1 / 198.51.100.1 -
 * vnet3 198.51.100.2.
 */
static struct pk_vnet *
return_setup(struct pk_tc *t, struct pk_epair **if1p)
{
	struct pk_vnet *router, *v3;
	struct pk_epair *if1, *if2;
	int i;

	router = pk_vnet(t, "router");
	v3 = pk_vnet(t, "vnet3");
	if1 = pk_epair(t, NULL, router);
	if2 = pk_epair(t, router, v3);
	pk_addr(t, if1->a, "192.0.2.2/24");
	pk_addr(t, if1->b, "192.0.2.1/24");
	pk_addr(t, if2->a, "198.51.100.1/24");
	pk_addr(t, if2->b, "198.51.100.2/24");
	pk_forwarding(t, router);
	pk_route(t, NULL, "default", "192.0.2.1");
	pk_route(t, v3, "default", "198.51.100.1");
	pfs_fw(t, router,
	    "table ip f {\n"
	    "  chain fw { type filter hook forward priority 0;\n"
	    "    ct state established,related accept\n"
	    "    icmp type echo-request accept\n"
	    "    meta l4proto tcp reject with tcp reset\n"
	    "    reject with icmp type port-unreachable\n"
	    "  }\n"
	    "  chain po { type nat hook postrouting priority srcnat;\n"
	    "    oifname \"%1$s\" ip saddr 192.0.2.0/24 masquerade\n"
	    "  }\n"
	    "}\n",
	    "nat on %1$s inet from 192.0.2.0/24 to any -> (%1$s)\n"
	    "block return\n"
	    "pass inet proto icmp icmp-type echoreq\n",
	    pk_if_name(if1->b));
	pfs_echo(t, if1->a, "192.0.2.1", 1, 1);
	pfs_echo(t, if1->a, "198.51.100.1", 1, 2);
	for (i = 0; i < 2; i++)
		pfs_echo(t, if1->a, "198.51.100.2", 1, 3 + i);
	*if1p = if1;
	return (router);
}

PK_TC_CONF(block_return_resets_tcp, "a blocked TCP SYN is answered with "
    "a RST from its destination, ports swapped", .require_progs = "nft");
PK_TC_BODY(block_return_resets_tcp, t)
{
	const struct pk_dlayer *ip, *tcp;
	struct pk_epair *if1;
	const struct pk_dpkt *d;

	return_setup(t, &if1);
	d = pk_request(t, if1->a, PK_PKT(PK_IP4(.src = "192.0.2.2",
	    .dst = "198.51.100.2"), PK_TCP(.sport = 4321, .dport = 1234,
	    .seq = 77, .flags = PK_TH_SYN)), 2000);
	ip = pfs_layer(d, PK_PROTO_IP4);
	tcp = pfs_layer(d, PK_PROTO_TCP);
	ATF_CHECK(pfs_ip4_is(&ip->u.ip4.src, "198.51.100.2"));
	ATF_CHECK(pfs_ip4_is(&ip->u.ip4.dst, "192.0.2.2"));
	ATF_CHECK_EQ(tcp->u.tcp.sport, 1234);
	ATF_CHECK_EQ(tcp->u.tcp.dport, 4321);
	ATF_CHECK(tcp->u.tcp.flags & PK_TH_RST);
	ATF_CHECK_EQ(tcp->u.tcp.ack, 78);
}

PK_TC_CONF(block_return_unreachable_udp, "a blocked UDP datagram is "
    "answered with ICMP port unreachable from the router, quoting it",
    .require_progs = "nft");
PK_TC_BODY(block_return_unreachable_udp, t)
{
	const struct pk_dlayer *ip, *ic, *udp;
	struct pk_epair *if1;
	const struct pk_dpkt *d;

	return_setup(t, &if1);
	d = pk_request(t, if1->a, PK_PKT(PK_IP4(.dst = "198.51.100.2"),
	    PK_UDP(.sport = 4321, .dport = 1234)), 2000);
	ip = pfs_layer(d, PK_PROTO_IP4);
	ic = pfs_layer(d, PK_PROTO_ICMP4);
	ATF_CHECK(pfs_ip4_is(&ip->u.ip4.src, "192.0.2.1"));
	ATF_CHECK(pfs_ip4_is(&ip->u.ip4.dst, "192.0.2.2"));
	ATF_CHECK_EQ(ic->u.icmp.type, 3);
	ATF_CHECK_EQ(ic->u.icmp.code, 3);
	udp = pfs_layer(d, PK_PROTO_UDP);
	ATF_CHECK_EQ(udp->depth, 1);
	ATF_CHECK_EQ(udp->u.udp.sport, 4321);
	ATF_CHECK_EQ(udp->u.udp.dport, 1234);
	ATF_CHECK(pfs_ip4_is(&pfs_layer_n(d, PK_PROTO_IP4, 1)->u.ip4.dst,
	    "198.51.100.2"));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, block_return_resets_tcp);
	ATF_TP_ADD_TC(tp, block_return_unreachable_udp);
	return (atf_no_error());
}
