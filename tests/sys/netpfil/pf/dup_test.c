/*
 * dup_test: a firewall that mirrors forwarded traffic to a second
 * interface.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/dup.sh (dup_to): a packet the
 * jail forwards out of one interface is also sent, once, out of another
 * one to a given neighbour.  nftables' "dup to ADDR device DEV" in
 * postrouting is pf's "dup-to (DEV ADDR)" on an outbound rule.
 */
#include "pfsupport.h"

PK_TC_CONF(dup_to_mirrors_forwarded_packet, "a forwarded echo request "
    "leaves once on its own interface and once, duplicated, towards the "
    "dup-to neighbour", .require_progs = "nft");
PK_TC_BODY(dup_to_mirrors_forwarded_packet, t)
{
	const struct pk_dlayer *eth, *ip;
	struct pk_sniffer *recv, *dupto;
	struct pk_epair *send, *rcv, *dup;
	const struct pk_dpkt *d;
	struct pk_vnet *jail;

	jail = pk_vnet(t, "alcatraz");
	send = pk_epair(t, NULL, jail);
	rcv = pk_epair(t, NULL, jail);
	dup = pk_epair(t, NULL, jail);
	pk_addr(t, send->a, "192.0.2.1/24");
	pk_addr(t, send->b, "192.0.2.2/24");
	pk_addr(t, rcv->b, "198.51.100.2/24");
	pk_addr(t, dup->b, "203.0.113.2/24");
	pk_forwarding(t, jail);
	pk_neigh(t, rcv->b, "198.51.100.3", "00:01:02:03:04:05");
	pk_neigh(t, dup->b, "203.0.113.3", "01:02:03:04:05:06");
	pk_route(t, NULL, "198.51.100.0/24", "192.0.2.2");
	pfs_fw(t, jail,
	    "table ip f {\n"
	    "  chain po { type filter hook postrouting priority 0;\n"
	    "    oifname \"%1$s\" dup to 203.0.113.3 device \"%2$s\"\n"
	    "  }\n"
	    "}\n",
	    "pass out on { %1$s } dup-to (%2$s 203.0.113.3)\n",
	    pk_if_name(rcv->b), pk_if_name(dup->b));

	recv = pk_sniff_with(t, rcv->a, "icmp", .dir = PK_DIR_IN);
	dupto = pk_sniff_with(t, dup->a, "icmp", .dir = PK_DIR_IN);
	/*
	 * Exactly one copy on each: a second request, duplicated the same
	 * way, is the sentinel (one probe and sentinel per check, since a
	 * sentinel counts only after a send that follows the previous
	 * check).
	 */
	pfs_echo_send(t, send->a, NULL, "198.51.100.3", 1, 1);
	pfs_echo_send(t, send->a, NULL, "198.51.100.3", 2, 1);
	pk_expect_n_until(t, recv, "icmp[4:2] == 1", 1, "icmp[4:2] == 2",
	    2000);
	pfs_echo_send(t, send->a, NULL, "198.51.100.3", 3, 1);
	pfs_echo_send(t, send->a, NULL, "198.51.100.3", 4, 1);
	pk_expect_n_until(t, dupto, "icmp[4:2] == 3", 1, "icmp[4:2] == 4",
	    2000);

	/* The copy is the forwarded packet, framed for the neighbour. */
	pfs_echo_send(t, send->a, NULL, "198.51.100.3", 5, 1);
	d = pk_expect(t, dupto, "icmp[4:2] == 5", 2000);
	eth = pfs_layer(d, PK_PROTO_ETHER);
	ip = pfs_layer(d, PK_PROTO_IP4);
	ATF_CHECK(memcmp(eth->u.ether.dst, "\x01\x02\x03\x04\x05\x06", 6) ==
	    0);
	ATF_CHECK(pfs_ip4_is(&ip->u.ip4.src, "192.0.2.1"));
	ATF_CHECK(pfs_ip4_is(&ip->u.ip4.dst, "198.51.100.3"));
	ATF_CHECK_EQ(ip->u.ip4.ttl, 63);
	d = pk_expect(t, recv, "icmp[4:2] == 5", 2000);
	eth = pfs_layer(d, PK_PROTO_ETHER);
	ATF_CHECK(memcmp(eth->u.ether.dst, "\x00\x01\x02\x03\x04\x05", 6) ==
	    0);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, dup_to_mirrors_forwarded_packet);
	return (atf_no_error());
}
