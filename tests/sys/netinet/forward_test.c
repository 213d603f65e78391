/*
 * forward_test: a router forwards an IPv4 packet back out of the
 * interface it came in on ("router on a stick"), with and without IP
 * options, to a directly connected destination and to a gateway.
 *
 * Ports FreeBSD's tests/sys/netinet/forward.sh, cases
 * fwd_ip_icmp_iface_fast_success, fwd_ip_icmp_gw_fast_success,
 * fwd_ip_icmp_iface_slow_success and fwd_ip_icmp_gw_slow_success: the
 * host sends the jail an echo request from a third address of the link
 * to the host's own address (or to an address the jail routes through
 * the host); the jail must send it back with its own MAC as source and
 * the host's as destination, the TTL one lower, and the IP payload (and
 * options) unchanged, and count exactly one forwarded packet.
 *
 * FreeBSD's "fast" and "slow" paths (IP options force the slow one) have
 * no counterpart in Linux, which has one forwarding path; the options
 * cases check that options survive forwarding.  Redirects are switched
 * off, as in the original, and the port also checks that none was sent.
 */
#include "../common/porttest.h"

#define	HOST4	"192.0.2.1"
#define	JAIL4	"192.0.2.2"
#define	SRC4	"192.0.2.3"	/* a third address on the link */
#define	GWDST4	"192.0.2.4"	/* routed by the jail through the host */

struct stick {
	struct pk_vnet	*jail;
	struct pk_epair	*ep;
	char		 host_mac[18];
	char		 jail_mac[18];
};

static void
stick_topo(struct pk_tc *t, struct stick *st)
{
	char name[64];

	st->jail = pk_vnet(t, "jail");
	st->ep = pk_epair(t, NULL, st->jail);
	pk_addr(t, st->ep->a, HOST4 "/29");
	pk_addr(t, st->ep->b, JAIL4 "/29");
	pk_forwarding(t, st->jail);
	/* As FreeBSD's net.inet.ip.redirect=0; Linux ORs "all" and the
	 * interface's own setting. */
	pk_sysctl(t, st->jail, "net.ipv4.conf.all.send_redirects", "0");
	snprintf(name, sizeof(name), "net.ipv4.conf.%s.send_redirects",
	    pk_if_name(st->ep->b));
	pk_sysctl(t, st->jail, name, "0");
	pt_mac_str(st->ep->a, st->host_mac, sizeof(st->host_mac));
	pt_mac_str(st->ep->b, st->jail_mac, sizeof(st->jail_mac));
}

/*
 * The frame the host sent (ether source: the host) and the one the jail
 * forwarded back (ether source: the jail) must be the same packet, one
 * hop later.
 */
static void
check_forwarded(const struct pk_dpkt *sent, const struct pk_dpkt *fwd,
    const char *host_mac, const char *jail_mac)
{
	const struct pk_dlayer *e1, *e2, *i1, *i2;

	ATF_REQUIRE_EQ(sent->len, fwd->len);
	e1 = pt_layer(sent, PK_PROTO_ETHER);
	e2 = pt_layer(fwd, PK_PROTO_ETHER);
	ATF_CHECK(pt_mac_is(e1->u.ether.dst, jail_mac));
	ATF_CHECK(pt_mac_is(e2->u.ether.src, jail_mac));
	ATF_CHECK(pt_mac_is(e2->u.ether.dst, host_mac));
	i1 = pt_layer(sent, PK_PROTO_IP4);
	i2 = pt_layer(fwd, PK_PROTO_IP4);
	ATF_CHECK_EQ(i2->u.ip4.hl, i1->u.ip4.hl);
	ATF_CHECK_EQ(i2->u.ip4.ttl + 1, i1->u.ip4.ttl);
	ATF_CHECK(memcmp(&i1->u.ip4.src, &i2->u.ip4.src, 4) == 0);
	ATF_CHECK(memcmp(&i1->u.ip4.dst, &i2->u.ip4.dst, 4) == 0);
	ATF_CHECK_EQ(pt_layer(fwd, PK_PROTO_IP4)->cksum, PK_CKSUM_OK);
	/* Options (after the 20-byte header) and payload, unchanged. */
	ATF_CHECK(memcmp(sent->buf + i1->off + 20, fwd->buf + i2->off + 20,
	    sent->len - i1->off - 20) == 0);
}

/*
 * Send an echo request from SRC4 to dst through the jail, with the
 * Stream ID option (what FreeBSD's test uses to leave its fast path)
 * if opts, and check what comes back.
 */
static void
forward_on_stick(struct pk_tc *t, const char *dst, int opts)
{
	static const uint8_t sid[2] = { 0xff, 0xff };
	const struct pk_dpkt *sent, *fwd;
	uint64_t fwd0, redir0;
	struct pk_sniffer *s;
	struct stick st;
	char f[128];

	stick_topo(t, &st);
	if (strcmp(dst, GWDST4) == 0)
		pk_route(t, st.jail, GWDST4 "/32", HOST4);
	fwd0 = pk_stat(t, st.jail, "Ip.ForwDatagrams");
	redir0 = pk_stat(t, st.jail, "Icmp.OutRedirects");
	s = pk_sniff(t, st.ep->a, "icmp and src host " SRC4);

	if (opts)
		pk_send(t, st.ep->a, PK_PKT(PK_ETHER(.dst = st.jail_mac),
		    PK_IP4(.src = SRC4, .dst = dst,
		    PK_IP4OPTS(PK_IP4OPT_RAW(136, sid, sizeof(sid)))),
		    PK_ICMP4_ECHO(.id = 0x4242, .seq = 1)));
	else
		pk_send(t, st.ep->a, PK_PKT(PK_ETHER(.dst = st.jail_mac),
		    PK_IP4(.src = SRC4, .dst = dst),
		    PK_ICMP4_ECHO(.id = 0x4242, .seq = 1)));

	snprintf(f, sizeof(f), "ether src %s", st.host_mac);
	sent = pk_expect(t, s, f, 2000);
	snprintf(f, sizeof(f), "ether src %s and icmp[icmptype] == "
	    "icmp-echo", st.jail_mac);
	fwd = pk_expect(t, s, f, 2000);
	check_forwarded(sent, fwd, st.host_mac, st.jail_mac);
	if (opts)
		ATF_CHECK_EQ(pt_layer(fwd, PK_PROTO_IP4)->u.ip4.hl, 24);
	ATF_CHECK_EQ(pk_stat(t, st.jail, "Ip.ForwDatagrams") - fwd0, 1);
	ATF_CHECK_EQ(pk_stat(t, st.jail, "Icmp.OutRedirects") - redir0, 0);
}

PK_TC(fwd_icmp_on_stick_to_iface_v4, "an echo request to a neighbour on "
    "the link it came from is forwarded back, one hop later, once");
PK_TC_BODY(fwd_icmp_on_stick_to_iface_v4, t)
{

	forward_on_stick(t, HOST4, 0);
}

PK_TC(fwd_icmp_on_stick_to_gw_v4, "an echo request routed through a "
    "gateway on the link it came from is forwarded to the gateway, once");
PK_TC_BODY(fwd_icmp_on_stick_to_gw_v4, t)
{

	forward_on_stick(t, GWDST4, 0);
}

PK_TC(fwd_icmp_options_on_stick_to_iface_v4, "an echo request with an IP "
    "option is forwarded back with the option intact, once");
PK_TC_BODY(fwd_icmp_options_on_stick_to_iface_v4, t)
{

	forward_on_stick(t, HOST4, 1);
}

PK_TC(fwd_icmp_options_on_stick_to_gw_v4, "an echo request with an IP "
    "option is forwarded to a gateway with the option intact, once");
PK_TC_BODY(fwd_icmp_options_on_stick_to_gw_v4, t)
{

	forward_on_stick(t, GWDST4, 1);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, fwd_icmp_on_stick_to_iface_v4);
	ATF_TP_ADD_TC(tp, fwd_icmp_on_stick_to_gw_v4);
	ATF_TP_ADD_TC(tp, fwd_icmp_options_on_stick_to_iface_v4);
	ATF_TP_ADD_TC(tp, fwd_icmp_options_on_stick_to_gw_v4);
	return (atf_no_error());
}
