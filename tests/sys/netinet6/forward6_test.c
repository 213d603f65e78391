/*
 * forward6_test: a router forwards an IPv6 packet back out of the
 * interface it came in on, to a directly connected destination, to a
 * gateway known by its global address, and to one known by its
 * link-local address.
 *
 * Ports FreeBSD's tests/sys/netinet6/forward6.sh, cases
 * fwd_ip6_gu_icmp_{iface,gw_gu,gw_ll}_{fast,slow}_success: the host
 * sends the jail an ICMPv6 echo request from a third address of the
 * link; the jail must send it back with its own MAC as source and the
 * next hop's as destination, the hop limit one lower and the payload
 * unchanged, and count exactly one forwarded packet.
 *
 * FreeBSD's fast and slow variants differ only in net.inet6.ip6.redirect
 * (the fast path needs it off).  Linux has one forwarding path and no
 * switch for IPv6 redirects, so each pair is one case here, and it
 * asserts what Linux does about the redirect: it sends one when the
 * target is the destination itself or a link-local gateway, and none
 * for a gateway known by a global address (RFC 4861 8.2: the target of a
 * redirect to a router must be its link-local address).
 */
#include "../common/porttest.h"

#define	HOST6	"2001:db8:6666::1"
#define	JAIL6	"2001:db8:6666::2"
#define	SRC6	"2001:db8:6666::3"	/* a third address on the link */
#define	GWDST6	"2001:db8:6666::4"	/* routed through the host */
#define	HOSTLL6	"fe80::1"

enum gateway { GW_NONE, GW_GLOBAL, GW_LINKLOCAL };

static void
resolve(struct pk_tc *t, struct pk_if *ifp, const char *ip)
{
	struct pk_err err;
	uint8_t mac[6];

	ATF_REQUIRE_MSG(pk_wire_resolve(pk_wire(t), ifp, ip, mac, &err) == 0,
	    "%s", err.msg);
}

static void
forward6_on_stick(struct pk_tc *t, enum gateway gw, uint64_t redirects)
{
	const struct pk_dlayer *e1, *e2, *i1, *i2;
	const struct pk_dpkt *sent, *fwd;
	char host_mac[18], jail_mac[18], f[128];
	uint64_t fwd0, redir0;
	struct pk_sniffer *s;
	struct pk_vnet *jail;
	struct pk_epair *ep;
	const char *dst;

	jail = pk_vnet(t, "jail");
	ep = pk_epair(t, NULL, jail);
	pk_addr(t, ep->a, HOST6 "/96");
	pk_addr(t, ep->a, HOSTLL6 "/64");
	pk_addr(t, ep->b, JAIL6 "/96");
	pk_forwarding(t, jail);
	pt_mac_str(ep->a, host_mac, sizeof(host_mac));
	pt_mac_str(ep->b, jail_mac, sizeof(jail_mac));
	dst = HOST6;
	if (gw == GW_GLOBAL) {
		pk_route(t, jail, GWDST6 "/128", HOST6);
		dst = GWDST6;
	} else if (gw == GW_LINKLOCAL) {
		pk_tc_route(t, __FILE__, __LINE__, jail, GWDST6 "/128",
		    HOSTLL6, ep->b);
		dst = GWDST6;
	}
	/*
	 * The jail resolves its next hop before the probe, as a router in
	 * service would have: this also waits for its link-local address,
	 * without which Linux sends no redirect.
	 */
	resolve(t, ep->b, gw == GW_LINKLOCAL ? HOSTLL6 : HOST6);
	fwd0 = pk_stat(t, jail, "Ip6.OutForwDatagrams");
	redir0 = pk_stat(t, jail, "Icmp6.OutRedirects");
	s = pk_sniff(t, ep->a, "icmp6 and ip6[40] == 128 and src host " SRC6);

	pk_send(t, ep->a, PK_PKT(PK_ETHER(.dst = jail_mac),
	    PK_IP6(.src = SRC6, .dst = dst),
	    PK_ICMP6_ECHO(.id = 0x4242, .seq = 1)));

	snprintf(f, sizeof(f), "ether src %s", host_mac);
	sent = pk_expect(t, s, f, 2000);
	snprintf(f, sizeof(f), "ether src %s", jail_mac);
	fwd = pk_expect(t, s, f, 2000);

	ATF_REQUIRE_EQ(sent->len, fwd->len);
	e1 = pt_layer(sent, PK_PROTO_ETHER);
	e2 = pt_layer(fwd, PK_PROTO_ETHER);
	ATF_CHECK(pt_mac_is(e1->u.ether.dst, jail_mac));
	ATF_CHECK(pt_mac_is(e2->u.ether.dst, host_mac));
	i1 = pt_layer(sent, PK_PROTO_IP6);
	i2 = pt_layer(fwd, PK_PROTO_IP6);
	ATF_CHECK_EQ(i2->u.ip6.hlim + 1, i1->u.ip6.hlim);
	ATF_CHECK(pt_ip6_is(&i2->u.ip6.src, SRC6));
	ATF_CHECK(pt_ip6_is(&i2->u.ip6.dst, dst));
	/* The payload, after the 40-byte header, unchanged. */
	ATF_CHECK(memcmp(sent->buf + i1->off + 40, fwd->buf + i2->off + 40,
	    sent->len - i1->off - 40) == 0);

	ATF_CHECK_EQ(pk_stat(t, jail, "Ip6.OutForwDatagrams") - fwd0, 1);
	ATF_CHECK_EQ(pk_stat(t, jail, "Icmp6.OutRedirects") - redir0,
	    redirects);
}

PK_TC(fwd_icmp6_on_stick_to_iface, "an ICMPv6 echo request to a "
    "neighbour on the link it came from is forwarded back once (Linux "
    "also sends a redirect)");
PK_TC_BODY(fwd_icmp6_on_stick_to_iface, t)
{

	forward6_on_stick(t, GW_NONE, 1);
}

PK_TC(fwd_icmp6_on_stick_to_gu_gw, "an ICMPv6 echo request routed through "
    "a gateway known by its global address is forwarded to it once, with "
    "no redirect");
PK_TC_BODY(fwd_icmp6_on_stick_to_gu_gw, t)
{

	forward6_on_stick(t, GW_GLOBAL, 0);
}

PK_TC(fwd_icmp6_on_stick_to_ll_gw, "an ICMPv6 echo request routed through "
    "a gateway known by its link-local address is forwarded to it once "
    "(Linux also sends a redirect)");
PK_TC_BODY(fwd_icmp6_on_stick_to_ll_gw, t)
{

	forward6_on_stick(t, GW_LINKLOCAL, 1);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, fwd_icmp6_on_stick_to_iface);
	ATF_TP_ADD_TC(tp, fwd_icmp6_on_stick_to_gu_gw);
	ATF_TP_ADD_TC(tp, fwd_icmp6_on_stick_to_ll_gw);
	return (atf_no_error());
}
