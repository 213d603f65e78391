/*
 * porttest.h: what the ported network tests share: dissected-field
 * checks, the forwarding topology of FreeBSD's netpfil tests, and the
 * probes that serve as sentinels for absence checks.
 *
 * Everything here is static: each test program includes it once.
 */
#ifndef PORTTEST_H
#define PORTTEST_H

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "pktkit.h"

#define	PT_UNUSED	__attribute__((__unused__))

/*
 * The MAC that the forwarding topology's router sends to: a neighbour
 * nobody owns (FreeBSD's tests use "arp -s" with the same address), so
 * that forwarded packets are seen on the far link and answered by no one.
 */
#define	PT_DUMMY_MAC	"00:01:02:03:04:05"
#define	PT_DUMMY4	"198.51.100.3"
#define	PT_DUMMY6	"2001:db8:2::3"

/* The first layer of protocol p in d, or fail the case. */
static PT_UNUSED const struct pk_dlayer *
pt_layer(const struct pk_dpkt *d, enum pk_proto p)
{
	const struct pk_dlayer *l;

	l = pk_dpkt_find(d, p, 0);
	ATF_REQUIRE_MSG(l != NULL, "no %s layer", pk_proto_name(p));
	return (l);
}

/* The layer of protocol p quoted by an ICMP error (depth 1), or fail. */
static PT_UNUSED const struct pk_dlayer *
pt_inner(const struct pk_dpkt *d, enum pk_proto p)
{
	int i;

	for (i = 0; i < d->nlayers; i++)
		if (d->l[i].proto == p && d->l[i].depth == 1)
			return (&d->l[i]);
	ATF_REQUIRE_MSG(0, "no quoted %s layer", pk_proto_name(p));
	return (NULL);
}

static PT_UNUSED int
pt_ip4_is(const struct in_addr *a, const char *s)
{
	struct in_addr b;

	ATF_REQUIRE(inet_pton(AF_INET, s, &b) == 1);
	return (memcmp(a, &b, sizeof(b)) == 0);
}

static PT_UNUSED int
pt_ip6_is(const struct in6_addr *a, const char *s)
{
	struct in6_addr b;

	ATF_REQUIRE(inet_pton(AF_INET6, s, &b) == 1);
	return (memcmp(a, &b, sizeof(b)) == 0);
}

static PT_UNUSED int
pt_mac_is(const uint8_t *mac, const char *s)
{
	unsigned int b[6];
	int i;

	ATF_REQUIRE(sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2],
	    &b[3], &b[4], &b[5]) == 6);
	for (i = 0; i < 6; i++)
		if (mac[i] != b[i])
			return (0);
	return (1);
}

/* The MAC of ifp as "02:..", in buf (18 bytes at least). */
static PT_UNUSED const char *
pt_mac_str(struct pk_if *ifp, char *buf, size_t size)
{
	struct pk_err err;
	uint8_t m[6];

	ATF_REQUIRE_MSG(pk_if_mac(ifp, m, &err) == 0, "%s", err.msg);
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
	    m[2], m[3], m[4], m[5]);
	return (buf);
}

/*
 * The forwarding topology of FreeBSD's common/forward.sh, tos.sh,
 * pf/forward.sh, set_tos.sh and the scrub tests ("router with a dummy
 * neighbour"): pk_topo_router(), with the router's far side knowing
 * PT_DUMMY4 and PT_DUMMY6 as static neighbours at PT_DUMMY_MAC.  A
 * packet to a dummy address crosses the router and shows on the server's
 * end of the far link, where nobody answers it.
 */
static PT_UNUSED void
pt_topo_fwd(struct pk_tc *t, struct pk_topo *topo)
{

	pk_topo_router(t, topo);
	pk_neigh(t, topo->router_out, PT_DUMMY4, PT_DUMMY_MAC);
	pk_neigh(t, topo->router_out, PT_DUMMY6, PT_DUMMY_MAC);
}

/* text with every token in it replaced by name, malloc'd. */
static PT_UNUSED char *
pt_subst(const char *text, const char *token, const char *name)
{
	const char *p, *q;
	size_t n, len, tlen;
	char *out;

	if (text == NULL)
		return (NULL);
	tlen = strlen(token);
	for (n = 0, p = text; (p = strstr(p, token)) != NULL; p += tlen)
		n++;
	len = strlen(text) + n * strlen(name) + 1;
	out = malloc(len);
	ATF_REQUIRE(out != NULL);
	out[0] = '\0';
	for (p = text; (q = strstr(p, token)) != NULL; p = q + tlen) {
		strncat(out, p, (size_t)(q - p));
		strcat(out, name);
	}
	strcat(out, p);
	return (out);
}

/*
 * Load rs into v with every "@IF@" in its texts replaced by the name of
 * ifp: rules that name an interface ("scrub on IF", iifname "IF").
 */
static PT_UNUSED void
pt_fw_on(struct pk_tc *t, struct pk_vnet *v, const struct pk_ruleset *rs,
    struct pk_if *ifp)
{
	struct pk_ruleset r;

	r.nft = pt_subst(rs->nft, "@IF@", pk_if_name(ifp));
	r.pf = pt_subst(rs->pf, "@IF@", pk_if_name(ifp));
	pk_fw(t, v, &r);
	free((char *)r.nft);
	free((char *)r.pf);
}

/*
 * Sentinels.  A check that something does not arrive ends early when a
 * packet sent after the probe, along the same path, arrives (see
 * pk_wire.3, "Ordering").
 */

/*
 * An ARP request from ifp for ip: firewalls of IP (pf, nftables' inet
 * family) never see it, so its reply follows any answer the probe sent
 * before it got.  Match the reply with PT_ARP_REPLY.
 */
#define	PT_ARP_REPLY	"arp[6:2] == 2"

static PT_UNUSED void
pt_send_arp_request(struct pk_tc *t, struct pk_if *ifp, const char *src,
    const char *ip)
{
	char mac[18];

	pt_mac_str(ifp, mac, sizeof(mac));
	pk_send(t, ifp, PK_PKT(PK_ETHER(.dst = "ff:ff:ff:ff:ff:ff"),
	    PK_ARP(.sha = mac, .spa = src, .tpa = ip)));
}

/*
 * A unicast neighbour solicitation from ifp (address src) for ip, which
 * the peer answers with a neighbour advertisement (PT_NA): firewalls
 * under test let neighbour discovery through, as IPv6 needs it.
 */
#define	PT_NA	"icmp6 and ip6[40] == 136"

static PT_UNUSED void
pt_send_ns(struct pk_tc *t, struct pk_if *ifp, const char *src,
    const char *ip)
{
	char mac[18];

	pt_mac_str(ifp, mac, sizeof(mac));
	pk_send(t, ifp, PK_PKT(PK_IP6(.src = src, .dst = ip, .hlim = 255),
	    PK_ICMP6_NS(.target = ip, PK_NDOPTS(PK_NDOPT_SLLA(mac)))));
}

/*
 * The TCP SYN of FreeBSD's pft_ping --ping-type=tcpsyn: from port 20
 * (or sport) to port 666, options Timestamp (1, 1) then MSS, or, when
 * unaligned, a NOP first so that the MSS value sits at an odd offset of
 * the TCP header (33).  tc is the TOS or traffic class, hlim the TTL or
 * hop limit (0: 64).
 */
struct pt_syn {
	const char	*dst;
	int		 tc;
	int		 hlim;
	int		 mss;
	int		 unaligned;
	int		 sport;
};

static PT_UNUSED void
pt_send_syn(struct pk_tc *t, struct pk_if *ifp, const struct pt_syn *p)
{
	int64_t sport;

	sport = p->sport != 0 ? p->sport : 20;
	if (strchr(p->dst, ':') != NULL && p->unaligned)
		pk_send(t, ifp, PK_PKT(PK_IP6(.dst = p->dst, .tc = p->tc,
		    .hlim = p->hlim), PK_TCP(.sport = sport, .dport = 666,
		    PK_TCPOPTS(PK_NOP(), PK_TS(1, 1), PK_MSS(p->mss)))));
	else if (strchr(p->dst, ':') != NULL)
		pk_send(t, ifp, PK_PKT(PK_IP6(.dst = p->dst, .tc = p->tc,
		    .hlim = p->hlim), PK_TCP(.sport = sport, .dport = 666,
		    PK_TCPOPTS(PK_TS(1, 1), PK_MSS(p->mss)))));
	else if (p->unaligned)
		pk_send(t, ifp, PK_PKT(PK_IP4(.dst = p->dst, .tos = p->tc,
		    .ttl = p->hlim), PK_TCP(.sport = sport, .dport = 666,
		    PK_TCPOPTS(PK_NOP(), PK_TS(1, 1), PK_MSS(p->mss)))));
	else
		pk_send(t, ifp, PK_PKT(PK_IP4(.dst = p->dst, .tos = p->tc,
		    .ttl = p->hlim), PK_TCP(.sport = sport, .dport = 666,
		    PK_TCPOPTS(PK_TS(1, 1), PK_MSS(p->mss)))));
}

/* pcap filters for a SYN without ACK (libpcap's tcp[] is IPv4 only). */
#define	PT_SYN4	"tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"
#define	PT_SYN6	"ip6[6] == 6 and ip6[53] & 0x12 == 2"
#define	PT_SYN(v6)	((v6) ? PT_SYN6 : PT_SYN4)

/* The value of the MSS option of the TCP segment d, or -1. */
static PT_UNUSED int
pt_mss_of(const struct pk_dpkt *d)
{
	const uint8_t *v;
	size_t n;

	if (pk_dtcp_opt(d, pt_layer(d, PK_PROTO_TCP), 2, &v, &n) != 0 ||
	    n != 2)
		return (-1);
	return (v[0] << 8 | v[1]);
}

/*
 * A UDP datagram to the discard port of dst, sent on ifp: the sentinel
 * of checks on a forwarding path.  Rulesets that block all forwarding
 * let it through with a rule of its own (the rule under test comes
 * first), so that the check need not wait out its deadline.
 */
#define	PT_UDP_SENTINEL	"udp dst port 9"

static PT_UNUSED void
pt_send_udp_sentinel(struct pk_tc *t, struct pk_if *ifp, const char *dst)
{

	if (strchr(dst, ':') != NULL)
		pk_send(t, ifp, PK_PKT(PK_IP6(.dst = dst),
		    PK_UDP(.sport = 9999, .dport = 9)));
	else
		pk_send(t, ifp, PK_PKT(PK_IP4(.dst = dst),
		    PK_UDP(.sport = 9999, .dport = 9)));
}

#endif /* !PORTTEST_H */
