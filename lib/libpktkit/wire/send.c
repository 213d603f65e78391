/*
 * send.c: sending at the link layer and at L3, next-hop resolution, and
 * request/response.
 *
 * What the packet leaves unset comes from the sending interface's vnet,
 * asked the way its own stack would decide: the route to the destination
 * through that interface gives the source address and the neighbour to
 * reach (the gateway, or the destination when on-link); the neighbour
 * table gives its MAC, and when it has no entry the vnet's kernel is
 * made to resolve it (ARP or neighbour solicitation) and the outcome is
 * waited for.  No answer is an error: a frame is never sent to the
 * broadcast address because a MAC was not found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "pk_wire_impl.h"
#include "../sandbox/pk_sandbox_impl.h"
#include "../os/os_common.h"
#include "../pk_mac_impl.h"

#define	RESOLVE_MS	5000	/* the kernel gives up after ~3 s */
#define	NS_FIRST_MS	5

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct senv {
	struct pk_build_env	env;
	uint8_t			dmac[6];
	struct in_addr		src4;
	struct in6_addr		src6;
};

static int	send_frame(struct pk_wire *, struct pk_wcap *, const uint8_t *,
		    size_t, struct pk_err *);

/*
 * A neighbour solicitation of our own, as the kernel would send it.  A
 * peer whose address was added a moment ago may not have joined the
 * address's solicited-node group yet (IPv6 does that from a work queue)
 * and drops the kernel's first solicitation; the kernel tries again only
 * after a second.  Ours, sent a few milliseconds apart, get the answer
 * to the kernel as soon as the peer is ready: it takes the
 * advertisement for its own pending entry.
 */
static void
own_ns(struct pk_wcap *c, const struct pk_os_inaddr *ip)
{
	char target[INET6_ADDRSTRLEN], group[INET6_ADDRSTRLEN],
	    mac[PK_MAC_STRSIZE];
	struct pk_build_env env;
	struct pk_os_route r;
	struct in6_addr g, src;
	uint8_t buf[256];
	size_t len;

	if (pk_os_route_get(pk_vnet_os(pk_if_vnet(c->ifp)), ip, c->index, &r,
	    NULL) != 0 || !r.has_src)
		return;
	memcpy(&src, r.src.addr, 16);
	memset(&g, 0, sizeof(g));
	g.s6_addr[0] = 0xff;
	g.s6_addr[1] = 0x02;
	g.s6_addr[11] = 0x01;
	g.s6_addr[12] = 0xff;
	memcpy(&g.s6_addr[13], &ip->addr[13], 3);
	if (inet_ntop(AF_INET6, ip->addr, target, sizeof(target)) == NULL ||
	    inet_ntop(AF_INET6, &g, group, sizeof(group)) == NULL)
		return;
	(void)pk_mac_format(c->mac, mac);
	memset(&env, 0, sizeof(env));
	env.src_mac = c->mac;
	env.src6 = &src;
	if (pk_pkt_build(PK_PKT(PK_ETHER(), PK_IP6(.dst = group, .hlim = 255),
	    PK_ICMP6_NS(.target = target, PK_NDOPTS(PK_NDOPT_SLLA(mac)))),
	    &env, buf, sizeof(buf), &len, NULL) == 0)
		(void)send_frame(c->w, c, buf, len, NULL);
}

/*
 * The MAC of neighbour ip on c's interface: from the table, or resolved
 * by the vnet's kernel.  For IPv6, while the kernel waits, solicitations
 * of our own go out 5 ms, 10 ms, 20 ms... apart (see own_ns()).
 */
static int
neighbour(struct pk_wcap *c, const struct pk_os_inaddr *ip, uint8_t mac[6],
    struct pk_err *err)
{
	struct pk_os_vnet *ov;
	struct pk_err e;
	int64_t end, until;
	int rc, step;

	ov = pk_vnet_os(pk_if_vnet(c->ifp));
	rc = pk_os_neigh_get(ov, c->ifname, c->index, ip, mac, err);
	if (rc != 0)
		return (rc > 0 ? 0 : -1);
	end = pk_now_ms() + pk_deadline_ms(RESOLVE_MS);
	step = ip->family == AF_INET6 ? NS_FIRST_MS : RESOLVE_MS;
	for (;;) {
		until = pk_now_ms() + step < end ? pk_now_ms() + step : end;
		rc = pk_os_neigh_resolve(ov, c->ifname, c->index, ip, until,
		    mac, &e);
		if (rc == 1)
			return (0);
		/*
		 * A step can end before the interface has its link-local
		 * address (EADDRNOTAVAIL): that is a step that ran out,
		 * not a failure, until the whole deadline has passed.
		 */
		if (rc < 0 || (e.code != ETIMEDOUT &&
		    e.code != EADDRNOTAVAIL) || until >= end) {
			if (err != NULL)
				*err = e;
			return (-1);
		}
		own_ns(c, ip);
		step *= 2;
	}
}

static int
is_group(const struct pk_os_inaddr *a)
{

	if (a->family == AF_INET)
		return ((a->addr[0] & 0xf0) == 0xe0 ||
		    memcmp(a->addr, bcast_mac, 4) == 0);
	return (a->addr[0] == 0xff);
}

/*
 * The Ethernet destination for a packet to dst leaving by route r.
 */
static int
hop_mac(struct pk_wcap *c, const struct pk_os_inaddr *dst,
    const struct pk_os_route *r, uint8_t mac[6], struct pk_err *err)
{
	char s[64], h[64];

	pk_os_inaddr_str(dst, s, sizeof(s));
	switch (r->type) {
	case PK_OS_RT_UNICAST:
		if (neighbour(c, &r->nh, mac, err) == 0)
			return (0);
		pk_os_inaddr_str(&r->nh, h, sizeof(h));
		if (r->gateway)
			return (pk_err_prefix(err, "no Ethernet destination "
			    "for %s (via gateway %s)", s, h));
		return (pk_err_prefix(err, "no Ethernet destination for %s",
		    s));
	case PK_OS_RT_BROADCAST:
		memcpy(mac, bcast_mac, 6);
		return (0);
	case PK_OS_RT_LOCAL:
		return (pk_err_set(err, EINVAL, "%s is an address of vnet %s "
		    "itself: give the Ethernet destination", s, c->vname));
	default:
		return (pk_err_set(err, ENETUNREACH, "vnet %s has no usable "
		    "route to %s through %s", c->vname, s, c->ifname));
	}
}

/*
 * Defaults for what the packet leaves unset: need_mac when its Ethernet
 * destination is ours to find.
 */
static int
fill_env(struct pk_wcap *c, const struct pk_pktinfo *pi, int need_mac,
    struct senv *se, struct pk_err *err)
{
	struct pk_os_inaddr dst;
	struct pk_os_route r;
	struct pk_err e;
	int group;

	memset(se, 0, sizeof(*se));
	se->env.src_mac = c->mac;
	if (pi->af == AF_UNSPEC)
		return (0);
	memset(&dst, 0, sizeof(dst));
	dst.family = pi->af;
	dst.plen = pi->af == AF_INET ? 32 : 128;
	memcpy(dst.addr, &pi->dst, pi->af == AF_INET ? 4 : 16);
	/* Group addresses map to their MACs in the packet builder. */
	group = is_group(&dst);
	need_mac = need_mac && !group;
	if (pi->l3_src_set && !need_mac)
		return (0);
	if (pk_os_route_get(pk_vnet_os(pk_if_vnet(c->ifp)), &dst, c->index,
	    &r, &e) != 0) {
		if (!need_mac)
			return (0);	/* the builder's default source */
		if (err != NULL)
			*err = e;
		return (pk_err_prefix(err, "vnet %s", c->vname));
	}
	if (!pi->l3_src_set && r.has_src) {
		if (pi->af == AF_INET) {
			memcpy(&se->src4, r.src.addr, 4);
			se->env.src4 = &se->src4;
		} else {
			memcpy(&se->src6, r.src.addr, 16);
			se->env.src6 = &se->src6;
		}
	}
	if (!need_mac)
		return (0);
	if (hop_mac(c, &dst, &r, se->dmac, err) != 0)
		return (-1);
	se->env.dst_mac = se->dmac;
	return (0);
}

static size_t
nlayers(pk_pkt_t pkt)
{
	size_t n;

	for (n = 0; pkt[n] != NULL; n++)
		;
	return (n);
}

static int
build(struct pk_wcap *c, pk_pkt_t pkt, uint8_t *buf, size_t size,
    size_t *lenp, struct pk_err *err)
{
	static const struct pk_ether eth = { .hdr.proto = PK_PROTO_ETHER };
	const struct pk_hdr **framed;
	struct pk_pktinfo pi;
	struct senv se;
	size_t n;
	int rc;

	if (pkt == NULL || pkt[0] == NULL)
		return (pk_err_set(err, EINVAL, "empty packet"));
	if (pk_pkt_info(pkt, &pi, err) != 0)
		return (-1);
	if (c->dlt == PK_DLT_RAW) {
		if (pi.has_ether)
			return (pk_err_set(err, EINVAL, "%s carries raw IP: "
			    "no Ethernet layer", c->ifname));
		if (fill_env(c, &pi, 0, &se, err) != 0)
			return (-1);
		return (pk_pkt_build(pkt, &se.env, buf, size, lenp, err));
	}
	if (fill_env(c, &pi, !pi.has_ether || !pi.ether_dst_set, &se,
	    err) != 0)
		return (-1);
	if (pi.has_ether)
		return (pk_pkt_build(pkt, &se.env, buf, size, lenp, err));
	/* An L3 packet on an Ethernet interface: frame it. */
	n = nlayers(pkt);
	if ((framed = calloc(n + 2, sizeof(*framed))) == NULL)
		return (pk_err_sys(err, ENOMEM, "packet"));
	framed[0] = &eth.hdr;
	memcpy(framed + 1, pkt, n * sizeof(*framed));
	rc = pk_pkt_build(framed, &se.env, buf, size, lenp, err);
	free(framed);
	return (rc);
}

int
pk_wire_build(struct pk_wire *w, struct pk_if *ifp, pk_pkt_t pkt,
    uint8_t *buf, size_t size, size_t *lenp, struct pk_err *err)
{
	struct pk_wcap *c;

	if (pk_w_cap(w, ifp, 0, 0, &c, err) != 0 ||
	    build(c, pkt, buf, size, lenp, err) != 0)
		return (pk_err_prefix(err, "build for %s",
		    ifp != NULL ? pk_if_name(ifp) : "(none)"));
	return (0);
}

/*
 * Put a frame on c.  Whatever c had queued goes into the logs first, so
 * that our frame follows what arrived before it; it is logged once the
 * kernel took it, and an answer the kernel queued meanwhile is read
 * after it.
 */
static int
send_frame(struct pk_wire *w, struct pk_wcap *c, const uint8_t *buf,
    size_t len, struct pk_err *err)
{
	struct pk_os_frame f;

	if (len == 0)
		return (pk_err_set(err, EINVAL, "empty frame"));
	pk_w_arm(w);
	if (pk_w_drain(c, err) != 0)
		return (-1);
	memset(&f, 0, sizeof(f));
	f.buf = buf;
	f.caplen = len;
	f.len = len;
	f.out = 1;
	(void)gettimeofday(&f.ts, NULL);
	if (pk_os_cap_inject(c->os, buf, len, err) != 0)
		return (pk_err_prefix(err, "%s in vnet %s", c->ifname,
		    c->vname));
	pk_w_dispatch(c, &f, 1);
	return (0);
}

int
pk_wire_send(struct pk_wire *w, struct pk_if *ifp, pk_pkt_t pkt,
    struct pk_err *err)
{
	struct pk_wcap *c;
	size_t len;

	if (pk_w_cap(w, ifp, 0, 0, &c, err) != 0)
		return (pk_err_prefix(err, "send"));
	if (build(c, pkt, w->buf, PK_PKT_MAX, &len, err) != 0)
		return (pk_err_prefix(err, "send on %s", c->ifname));
	return (send_frame(w, c, w->buf, len, err));
}

int
pk_wire_send_raw(struct pk_wire *w, struct pk_if *ifp, const void *frame,
    size_t len, struct pk_err *err)
{
	struct pk_wcap *c;

	if (pk_w_cap(w, ifp, 0, 0, &c, err) != 0)
		return (pk_err_prefix(err, "send"));
	if (frame == NULL)
		return (pk_err_set(err, EINVAL, "send on %s: no frame",
		    c->ifname));
	return (send_frame(w, c, frame, len, err));
}

int
pk_wire_send_l3(struct pk_wire *w, struct pk_vnet *v, pk_pkt_t pkt,
    struct pk_err *err)
{
	struct pk_os_inaddr dst;
	struct pk_os_route r;
	struct pk_pktinfo pi;
	struct senv se;
	size_t len;

	if (pk_w_live(w, err) != 0 || pk_sb_live(v, err) != 0)
		return (pk_err_prefix(err, "L3 send"));
	if (pkt == NULL || pkt[0] == NULL ||
	    (pkt[0]->proto != PK_PROTO_IP4 && pkt[0]->proto != PK_PROTO_IP6))
		return (pk_err_set(err, EINVAL, "L3 send in vnet %s: the "
		    "packet must start with IPv4 or IPv6", pk_vnet_name(v)));
	if (pk_pkt_info(pkt, &pi, err) != 0)
		return (pk_err_prefix(err, "L3 send in vnet %s",
		    pk_vnet_name(v)));
	memset(&se, 0, sizeof(se));
	memset(&dst, 0, sizeof(dst));
	dst.family = pi.af;
	memcpy(dst.addr, &pi.dst, pi.af == AF_INET ? 4 : 16);
	if (!pi.l3_src_set && pk_os_route_get(pk_vnet_os(v), &dst, 0, &r,
	    NULL) == 0 && r.has_src) {
		memcpy(pi.af == AF_INET ? (void *)&se.src4 : (void *)&se.src6,
		    r.src.addr, pi.af == AF_INET ? 4 : 16);
		if (pi.af == AF_INET)
			se.env.src4 = &se.src4;
		else
			se.env.src6 = &se.src6;
	}
	if (pk_pkt_build(pkt, &se.env, w->buf, PK_PKT_MAX, &len, err) != 0)
		return (pk_err_prefix(err, "L3 send in vnet %s",
		    pk_vnet_name(v)));
	pk_w_arm(w);
	if (pk_os_l3_send(pk_vnet_os(v), pi.af, &pi.dst, w->buf, len,
	    err) != 0)
		return (pk_err_prefix(err, "L3 send in vnet %s",
		    pk_vnet_name(v)));
	return (0);
}

int
pk_wire_resolve(struct pk_wire *w, struct pk_if *ifp, const char *ip,
    uint8_t mac[6], struct pk_err *err)
{
	struct pk_os_inaddr a;
	struct pk_wcap *c;

	if (pk_w_cap(w, ifp, 0, 0, &c, err) != 0)
		return (pk_err_prefix(err, "resolve"));
	if (pk_sb_parse_addr(ip, 0, &a, err) != 0 ||
	    neighbour(c, &a, mac, err) != 0)
		return (pk_err_prefix(err, "%s: resolve", c->ifname));
	return (0);
}

/*
 * Request and response.
 */

struct probe {
	struct pk_dpkt	 d;
	uint8_t		*buf;
};

static int
answer_pred(const struct pk_dpkt *d, void *arg)
{
	struct probe *p;

	p = arg;
	return (pk_answer_of(&p->d, d) != PK_ANSWER_NONE);
}

/* The sniffer pk_wire_request() keeps for answers coming in on ifp. */
static int
answer_sniffer(struct pk_wire *w, struct pk_if *ifp, struct pk_sniffer **sp,
    struct pk_err *err)
{
	struct pk_sniff_conf conf;
	struct pk_sniffer *s;

	TAILQ_FOREACH(s, &w->sniffers, wlink) {
		if (s->internal && s->cap->ifp == ifp && s->cap->os != NULL &&
		    s->cap->index == pk_if_index(ifp)) {
			*sp = s;
			return (0);
		}
	}
	memset(&conf, 0, sizeof(conf));
	conf.dir = PK_DIR_IN;
	if (pk_sniff_open(w, ifp, NULL, &conf, &s, err) != 0)
		return (-1);
	s->internal = 1;
	snprintf(s->desc, sizeof(s->desc), "%s in vnet %s, answers coming "
	    "in", s->cap->ifname, s->cap->vname);
	*sp = s;
	return (0);
}

int
pk_wire_request(struct pk_wire *w, struct pk_if *ifp, pk_pkt_t probe,
    struct pk_sniffer *s, unsigned ms, const struct pk_seen **sp,
    enum pk_answer *kind, struct pk_err *err)
{
	char line[256];
	struct probe p;
	struct pk_wcap *c;
	size_t len;
	int rc;

	if (ms == 0)
		return (pk_err_set(err, EINVAL, "request: deadline of 0 ms"));
	if (pk_w_cap(w, ifp, 0, 0, &c, err) != 0 ||
	    (s == NULL && answer_sniffer(w, ifp, &s, err) != 0) ||
	    build(c, probe, w->buf, PK_PKT_MAX, &len, err) != 0)
		return (pk_err_prefix(err, "request"));
	if ((p.buf = malloc(len)) == NULL)
		return (pk_err_sys(err, ENOMEM, "request"));
	memcpy(p.buf, w->buf, len);
	(void)pk_dissect(p.buf, len, c->dlt, &p.d);
	rc = send_frame(w, c, p.buf, len, err);
	if (rc == 0)
		rc = pk_sniff_expect(s, NULL, answer_pred, &p, ms, sp, err);
	if (rc == 0) {
		pk_dpkt_line(&p.d, line, sizeof(line));
		pk_err_set(err, ETIMEDOUT, "no answer to [%s] on %s within "
		    "%u ms", line, s->desc, pk_deadline_ms(ms));
	}
	if (rc == 1 && kind != NULL)
		*kind = pk_answer_of(&p.d, &(*sp)->d);
	free(p.buf);
	return (rc);
}

int
pk_wire_ping(struct pk_wire *w, struct pk_if *ifp, const char *dst,
    unsigned ms, const struct pk_seen **sp, struct pk_err *err)
{
	static const char data[] = "pktkit echo 0123456789abcdef";
	struct in6_addr a6;
	struct in_addr a4;
	int64_t id, seq;

	if (w == NULL)
		return (pk_err_set(err, EINVAL, "ping: no wire context"));
	id = w->ping_id != 0 ? w->ping_id : PK_ZERO;
	seq = ++w->ping_seq != 0 ? w->ping_seq : ++w->ping_seq;
	if (dst != NULL && inet_pton(AF_INET, dst, &a4) == 1)
		return (pk_wire_request(w, ifp, PK_PKT(PK_IP4(.dst = dst),
		    PK_ICMP4_ECHO(.id = id, .seq = seq, .data = data,
		    .datalen = sizeof(data) - 1)), NULL, ms, sp, NULL, err));
	if (dst != NULL && inet_pton(AF_INET6, dst, &a6) == 1)
		return (pk_wire_request(w, ifp, PK_PKT(PK_IP6(.dst = dst),
		    PK_ICMP6_ECHO(.id = id, .seq = seq, .data = data,
		    .datalen = sizeof(data) - 1)), NULL, ms, sp, NULL, err));
	return (pk_err_set(err, EINVAL, "ping: '%.60s' is not an IPv4 or "
	    "IPv6 address", dst != NULL ? dst : "(null)"));
}
