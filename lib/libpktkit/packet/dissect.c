/*
 * dissect.c: a captured frame into a struct pk_dpkt.
 *
 * Every parser gets the offset of its header and "end", the first byte
 * it may not read: the smaller of the capture's length and what the
 * enclosing headers' length fields allow.  Nothing is read at or past
 * end, whatever the lengths inside the packet say.  Every parser adds
 * at most one layer per header and every header is at least one byte
 * long, so the layer array (PK_DLAYER_MAX) bounds the work; extension
 * header chains consume 8 bytes or more each and so always end.
 *
 * Upper-layer checksums are verified only when all the bytes they cover
 * are here: not for fragments, nor for data cut short by the capture or
 * by an ICMP error's quote.
 */
#include <sys/socket.h>

#include <string.h>

#include "pk_packet_impl.h"

/* What an upper layer needs from the IP header under it. */
struct l3 {
	int		 af;
	const uint8_t	*src;
	uint8_t		 dst[16];	/* the final destination */
	int		 complete;	/* all of the IP payload is here */
};

struct dctx {
	struct pk_dpkt	*d;
	const uint8_t	*buf;
};

static void parse_ethertype(struct dctx *, uint16_t, size_t, size_t, int);
static void parse_ipproto(struct dctx *, int, size_t, size_t, int,
    const struct l3 *);
static void parse_ip4(struct dctx *, size_t, size_t, int);
static void parse_ip6(struct dctx *, size_t, size_t, int);
static void parse_ether(struct dctx *, size_t, size_t, int);

static struct pk_dlayer *
add(struct dctx *c, enum pk_proto p, size_t off, size_t hlen, size_t end,
    int depth)
{
	struct pk_dlayer *l;

	if (c->d->nlayers >= PK_DLAYER_MAX) {
		c->d->flags |= PK_DP_TOODEEP;
		return (NULL);
	}
	l = &c->d->l[c->d->nlayers++];
	memset(l, 0, sizeof(*l));
	l->proto = p;
	l->off = (uint32_t)off;
	l->hlen = (uint32_t)(hlen < end - off ? hlen : end - off);
	l->len = (uint32_t)(end - off);
	l->depth = (uint8_t)depth;
	if (depth > 0)
		l->flags |= PK_DL_INNER;
	if (hlen > end - off)
		l->flags |= PK_DL_TRUNC;
	return (l);
}

static void
flag(struct dctx *c, struct pk_dlayer *l, uint8_t f)
{

	l->flags |= f;
	if (f & (PK_DL_TRUNC | PK_DL_SHORT))
		c->d->flags |= PK_DP_TRUNC;
	if (f & PK_DL_BADLEN)
		c->d->flags |= PK_DP_MALFORMED;
}

static void
verdict(struct dctx *c, struct pk_dlayer *l, int ok)
{

	l->cksum = ok ? PK_CKSUM_OK : PK_CKSUM_BAD;
	if (!ok)
		c->d->flags |= PK_DP_BADCKSUM;
}

/* A header that needs hlen bytes: the layer, or NULL (and a truncated
 * layer recorded) if they are not all here. */
static struct pk_dlayer *
need(struct dctx *c, enum pk_proto p, size_t off, size_t hlen, size_t end,
    int depth)
{
	struct pk_dlayer *l;

	if ((l = add(c, p, off, hlen, end, depth)) == NULL)
		return (NULL);
	if (l->flags & PK_DL_TRUNC) {
		c->d->flags |= PK_DP_TRUNC;
		return (NULL);
	}
	return (l);
}

static void
parse_raw(struct dctx *c, size_t off, size_t end, int depth)
{

	if (off < end)
		(void)add(c, PK_PROTO_RAW, off, end - off, end, depth);
}

static void
parse_dot1q(struct dctx *c, size_t off, size_t end, int depth)
{
	struct pk_dlayer *l;
	const uint8_t *p = c->buf + off;

	if ((l = need(c, PK_PROTO_DOT1Q, off, 4, end, depth)) == NULL)
		return;
	l->u.dot1q.prio = p[0] >> 5;
	l->u.dot1q.dei = (p[0] >> 4) & 1;
	l->u.dot1q.vid = pk__get16(p) & 0xfff;
	l->u.dot1q.type = pk__get16(p + 2);
	parse_ethertype(c, l->u.dot1q.type, off + 4, end, depth);
}

static void
parse_arp(struct dctx *c, size_t off, size_t end, int depth)
{
	struct pk_darp *a;
	struct pk_dlayer *l;
	const uint8_t *p = c->buf + off;
	size_t n;

	if ((l = need(c, PK_PROTO_ARP, off, 8, end, depth)) == NULL)
		return;
	a = &l->u.arp;
	a->hrd = pk__get16(p);
	a->pro = pk__get16(p + 2);
	a->hln = p[4];
	a->pln = p[5];
	a->op = pk__get16(p + 6);
	n = 8 + 2 * (size_t)a->hln + 2 * (size_t)a->pln;
	if (n > end - off) {
		flag(c, l, PK_DL_TRUNC);
		return;
	}
	l->hlen = (uint32_t)n;
	if (a->hln == 6 && a->pln == 4) {
		memcpy(a->sha, p + 8, 6);
		memcpy(a->spa, p + 14, 4);
		memcpy(a->tha, p + 18, 6);
		memcpy(a->tpa, p + 24, 4);
	}
	parse_raw(c, off + n, end, depth);
}

static void
parse_ethertype(struct dctx *c, uint16_t type, size_t off, size_t end,
    int depth)
{

	switch (type) {
	case 0x0800:
		parse_ip4(c, off, end, depth);
		break;
	case 0x86dd:
		parse_ip6(c, off, end, depth);
		break;
	case 0x0806:
		parse_arp(c, off, end, depth);
		break;
	case 0x8100:
	case 0x88a8:
	case 0x9100:
		parse_dot1q(c, off, end, depth);
		break;
	case 0x6558:
		parse_ether(c, off, end, depth);
		break;
	default:
		parse_raw(c, off, end, depth);
		break;
	}
}

static void
parse_ether(struct dctx *c, size_t off, size_t end, int depth)
{
	struct pk_dlayer *l;
	const uint8_t *p = c->buf + off;

	if ((l = need(c, PK_PROTO_ETHER, off, 14, end, depth)) == NULL)
		return;
	memcpy(l->u.ether.dst, p, 6);
	memcpy(l->u.ether.src, p + 6, 6);
	l->u.ether.type = pk__get16(p + 12);
	if (l->u.ether.type < 0x0600)	/* an 802.3 length */
		parse_raw(c, off + 14, end, depth);
	else
		parse_ethertype(c, l->u.ether.type, off + 14, end, depth);
}

static void
parse_sll(struct dctx *c, size_t off, size_t end)
{
	struct pk_dlayer *l;
	const uint8_t *p = c->buf + off;

	if ((l = need(c, PK_PROTO_SLL, off, 16, end, 0)) == NULL)
		return;
	l->u.sll.pkttype = pk__get16(p);
	l->u.sll.hatype = pk__get16(p + 2);
	l->u.sll.halen = pk__get16(p + 4);
	memcpy(l->u.sll.addr, p + 6, 8);
	l->u.sll.proto = pk__get16(p + 14);
	parse_ethertype(c, l->u.sll.proto, off + 16, end, 0);
}

/* The upper-layer checksum: pseudo-header (unless ICMPv4) and bytes. */
static int
l4_ok(const struct dctx *c, const struct l3 *n, int proto, size_t off,
    size_t len)
{
	uint32_t sum;

	sum = 0;
	if (proto != IPPROTO_ICMP)
		sum = pk__pseudo(n->af, n->src, n->dst, proto, (uint32_t)len);
	return (pk__fold(pk__sum(c->buf + off, len, sum)) == 0);
}

static void
parse_ip4(struct dctx *c, size_t off, size_t end, int depth)
{
	struct pk_dlayer *l;
	struct pk_dip4 *ip;
	const uint8_t *p = c->buf + off;
	struct l3 n;
	size_t pend;

	if ((l = need(c, PK_PROTO_IP4, off, 20, end, depth)) == NULL)
		return;
	ip = &l->u.ip4;
	ip->v = p[0] >> 4;
	ip->hl = (p[0] & 0xf) * 4;
	ip->tos = p[1];
	ip->len = pk__get16(p + 2);
	ip->id = pk__get16(p + 4);
	ip->rf = p[6] >> 7;
	ip->df = (p[6] >> 6) & 1;
	ip->mf = (p[6] >> 5) & 1;
	ip->off = (pk__get16(p + 6) & 0x1fff) * 8;
	ip->ttl = p[8];
	ip->p = p[9];
	ip->sum = pk__get16(p + 10);
	memcpy(&ip->src, p + 12, 4);
	memcpy(&ip->dst, p + 16, 4);
	if (ip->hl < 20 || ip->len < ip->hl) {
		flag(c, l, PK_DL_BADLEN);
		return;
	}
	if (ip->hl > end - off) {
		flag(c, l, PK_DL_TRUNC);
		l->cksum = PK_CKSUM_UNKNOWN;
		return;
	}
	l->hlen = ip->hl;
	verdict(c, l, pk_in_cksum(p, ip->hl) == 0);
	pend = off + ip->len;
	if (pend > end) {
		flag(c, l, PK_DL_SHORT);
		pend = end;
	}
	l->len = (uint32_t)(pend - off);
	n.af = AF_INET;
	n.src = p + 12;
	memcpy(n.dst, p + 16, 4);
	if (ip->hl > 20)
		pk__v4_final_dst(p, ip->hl, n.dst);
	n.complete = !(l->flags & PK_DL_SHORT) && !ip->mf && ip->off == 0;
	if (ip->mf || ip->off != 0)
		l->flags |= PK_DL_FRAG;
	if (ip->off != 0)
		parse_raw(c, off + ip->hl, pend, depth);
	else
		parse_ipproto(c, ip->p, off + ip->hl, pend, depth, &n);
}

void
pk__v6_final_dst(const uint8_t *rt, size_t len, uint8_t *dst)
{
	size_t hlen, n;

	if (len < 8 || rt[3] == 0)
		return;
	hlen = ((size_t)rt[1] + 1) * 8;
	if (hlen > len)
		hlen = len;
	n = (hlen - 8) / 16;
	if (n == 0)
		return;
	if (rt[2] == 0 || rt[2] == 2)
		memcpy(dst, rt + 8 + 16 * (n - 1), 16);
	else if (rt[2] == 4)	/* SRH: Segment List[0] is the last hop */
		memcpy(dst, rt + 8, 16);
}

void
pk__v4_final_dst(const uint8_t *ip, size_t hlen, uint8_t *dst)
{
	size_t off, len;

	for (off = 20; off < hlen; off += len) {
		if (ip[off] == 0)
			return;
		if (ip[off] == 1) {
			len = 1;
			continue;
		}
		if (hlen - off < 2 || (len = ip[off + 1]) < 2 ||
		    len > hlen - off)
			return;
		if ((ip[off] == 131 || ip[off] == 137) && len >= 7)
			memcpy(dst, ip + off + len - 4, 4);
	}
}

/* One extension header; returns its length, 0 to stop. */
static size_t
parse_ext(struct dctx *c, int nh, size_t off, size_t end, int depth,
    struct l3 *n, int *next)
{
	static const enum pk_proto ext[] = {
		[IPPROTO_HOPOPTS] = PK_PROTO_IP6_HBH,
		[IPPROTO_ROUTING] = PK_PROTO_IP6_RT,
		[IPPROTO_FRAGMENT] = PK_PROTO_IP6_FRAG,
		[IPPROTO_DSTOPTS] = PK_PROTO_IP6_DSTOPTS,
	};
	const uint8_t *p = c->buf + off;
	struct pk_dlayer *l;
	struct pk_dip6ext *e;
	size_t hlen;

	hlen = 8;
	if (end - off >= 2 && nh != IPPROTO_FRAGMENT)
		hlen = ((size_t)p[1] + 1) * 8;
	if ((l = need(c, ext[nh], off, hlen, end, depth)) == NULL)
		return (0);
	e = &l->u.ip6ext;
	e->nh = p[0];
	e->len = (uint16_t)hlen;
	*next = p[0];
	if (nh == IPPROTO_ROUTING) {
		e->rtype = p[2];
		e->segleft = p[3];
		pk__v6_final_dst(p, hlen, n->dst);
	} else if (nh == IPPROTO_FRAGMENT) {
		e->off = pk__get16(p + 2) & 0xfff8;
		e->mf = p[3] & 1;
		e->id = pk__get32(p + 4);
		l->flags |= PK_DL_FRAG;
		n->complete = 0;
		if (e->off != 0) {
			parse_raw(c, off + 8, end, depth);
			return (0);
		}
	}
	return (hlen);
}

static void
parse_ip6(struct dctx *c, size_t off, size_t end, int depth)
{
	struct pk_dlayer *l;
	struct pk_dip6 *ip;
	const uint8_t *p = c->buf + off;
	size_t pend, hlen;
	struct l3 n;
	int nh;

	if ((l = need(c, PK_PROTO_IP6, off, 40, end, depth)) == NULL)
		return;
	ip = &l->u.ip6;
	ip->v = p[0] >> 4;
	ip->tc = (uint8_t)(pk__get16(p) >> 4);
	ip->flow = pk__get32(p) & 0xfffff;
	ip->plen = pk__get16(p + 4);
	ip->nh = p[6];
	ip->hlim = p[7];
	memcpy(&ip->src, p + 8, 16);
	memcpy(&ip->dst, p + 24, 16);
	pend = off + 40 + ip->plen;
	if (pend > end) {
		flag(c, l, PK_DL_SHORT);
		pend = end;
	}
	l->len = (uint32_t)(pend - off);
	n.af = AF_INET6;
	n.src = p + 8;
	memcpy(n.dst, p + 24, 16);
	n.complete = !(l->flags & PK_DL_SHORT);
	off += 40;
	nh = ip->nh;
	while (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	    nh == IPPROTO_FRAGMENT || nh == IPPROTO_DSTOPTS) {
		if (off >= pend || (hlen = parse_ext(c, nh, off, pend, depth,
		    &n, &nh)) == 0)
			return;
		off += hlen;
	}
	parse_ipproto(c, nh, off, pend, depth, &n);
}

static int
icmp_is_error(int af, uint8_t type)
{

	if (af == AF_INET)
		return (type == 3 || type == 4 || type == 5 || type == 11 ||
		    type == 12);
	return (type >= 1 && type <= 4);
}

/* The fixed length of an ICMPv6 message, options excluded. */
static size_t
icmp6_fixed(uint8_t type)
{

	switch (type) {
	case 130:
	case 131:
	case 132:
	case 135:
	case 136:
		return (24);
	case 134:
		return (16);
	case 137:
		return (40);
	default:
		return (8);
	}
}

static void
parse_icmp(struct dctx *c, int af, size_t off, size_t end, int depth,
    const struct l3 *n)
{
	struct pk_dlayer *l;
	struct pk_dicmp *ic;
	const uint8_t *p = c->buf + off;
	size_t fixed;

	if ((l = need(c, af == AF_INET ? PK_PROTO_ICMP4 : PK_PROTO_ICMP6,
	    off, 4, end, depth)) == NULL)
		return;
	ic = &l->u.icmp;
	ic->type = p[0];
	ic->code = p[1];
	ic->sum = pk__get16(p + 2);
	if (n->complete)
		verdict(c, l, l4_ok(c, n, af == AF_INET ? IPPROTO_ICMP :
		    IPPROTO_ICMPV6, off, end - off));
	else
		l->cksum = PK_CKSUM_UNKNOWN;
	fixed = af == AF_INET ? 8 : icmp6_fixed(ic->type);
	if (fixed > end - off) {
		flag(c, l, PK_DL_TRUNC);
		return;
	}
	l->hlen = (uint32_t)fixed;
	ic->rest = pk__get32(p + 4);
	if (fixed >= 24)
		memcpy(&ic->target, p + 8, 16);
	if (fixed >= 40)
		memcpy(&ic->dst, p + 24, 16);
	if (af == AF_INET6 && ic->type >= 133 && ic->type <= 137) {
		/* ND options belong to the message. */
		l->hlen = (uint32_t)(end - off);
		return;
	}
	if (!icmp_is_error(af, ic->type))
		parse_raw(c, off + fixed, end, depth);
	else if (depth + 1 > PK_DDEPTH_MAX)
		parse_raw(c, off + fixed, end, depth);
	else if (end - off > fixed && (p[fixed] >> 4) == 6)
		parse_ip6(c, off + fixed, end, depth + 1);
	else if (end - off > fixed && (p[fixed] >> 4) == 4)
		parse_ip4(c, off + fixed, end, depth + 1);
	else
		parse_raw(c, off + fixed, end, depth);
}

static void
parse_tcp(struct dctx *c, size_t off, size_t end, int depth,
    const struct l3 *n)
{
	struct pk_dlayer *l;
	struct pk_dtcp *t;
	const uint8_t *p = c->buf + off;

	if ((l = need(c, PK_PROTO_TCP, off, 20, end, depth)) == NULL)
		return;
	t = &l->u.tcp;
	t->sport = pk__get16(p);
	t->dport = pk__get16(p + 2);
	t->seq = pk__get32(p + 4);
	t->ack = pk__get32(p + 8);
	t->off = (p[12] >> 4) * 4;
	t->x2 = p[12] & 0xf;
	t->flags = p[13];
	t->win = pk__get16(p + 14);
	t->sum = pk__get16(p + 16);
	t->urp = pk__get16(p + 18);
	if (n->complete)
		verdict(c, l, l4_ok(c, n, IPPROTO_TCP, off, end - off));
	else
		l->cksum = PK_CKSUM_UNKNOWN;
	if (t->off < 20) {
		flag(c, l, PK_DL_BADLEN);
		return;
	}
	if (t->off > end - off) {
		flag(c, l, PK_DL_TRUNC);
		return;
	}
	l->hlen = t->off;
	parse_raw(c, off + t->off, end, depth);
}

static void
parse_udp(struct dctx *c, size_t off, size_t end, int depth,
    const struct l3 *n)
{
	struct pk_dlayer *l;
	struct pk_dudp *u;
	const uint8_t *p = c->buf + off;
	int complete;

	if ((l = need(c, PK_PROTO_UDP, off, 8, end, depth)) == NULL)
		return;
	u = &l->u.udp;
	u->sport = pk__get16(p);
	u->dport = pk__get16(p + 2);
	u->len = pk__get16(p + 4);
	u->sum = pk__get16(p + 6);
	complete = n->complete;
	if (u->len < 8) {
		flag(c, l, PK_DL_BADLEN);
		complete = 0;
	} else if (u->len > end - off) {
		flag(c, l, PK_DL_SHORT);
		complete = 0;
	} else
		end = off + u->len;
	l->len = (uint32_t)(end - off);
	if (u->sum == 0 && n->af == AF_INET)
		l->cksum = PK_CKSUM_ABSENT;
	else if (complete)
		verdict(c, l, l4_ok(c, n, IPPROTO_UDP, off, u->len));
	else
		l->cksum = PK_CKSUM_UNKNOWN;
	if (u->len >= 8)
		parse_raw(c, off + 8, end, depth);
}

static void
parse_chunks(struct dctx *c, size_t off, size_t end, int depth)
{
	struct pk_dlayer *l;
	const uint8_t *p;
	size_t len;

	while (off < end) {
		p = c->buf + off;
		if ((l = need(c, PK_PROTO_SCTP_CHUNK, off, 4, end,
		    depth)) == NULL)
			return;
		l->u.chunk.type = p[0];
		l->u.chunk.flags = p[1];
		l->u.chunk.len = pk__get16(p + 2);
		if (l->u.chunk.len < 4) {
			flag(c, l, PK_DL_BADLEN);
			return;
		}
		len = l->u.chunk.len;
		if (len > end - off) {
			flag(c, l, PK_DL_SHORT);
			len = end - off;
		}
		l->len = (uint32_t)len;
		l->hlen = (uint32_t)len;
		if (len >= 8 && p[0] <= 2)
			l->u.chunk.tag = pk__get32(p + 4);
		off += (len + 3) & ~(size_t)3;
	}
}

static void
parse_sctp(struct dctx *c, size_t off, size_t end, int depth,
    const struct l3 *n)
{
	struct pk_dlayer *l;
	const uint8_t *p = c->buf + off;
	uint32_t crc;
	uint8_t h[12];

	if ((l = need(c, PK_PROTO_SCTP, off, 12, end, depth)) == NULL)
		return;
	l->u.sctp.sport = pk__get16(p);
	l->u.sctp.dport = pk__get16(p + 2);
	l->u.sctp.vtag = pk__get32(p + 4);
	l->u.sctp.sum = pk__get32(p + 8);
	if (n->complete) {
		memcpy(h, p, 8);
		memset(h + 8, 0, 4);
		/* CRC of the header with a zero checksum, then the rest:
		 * the same as one pass over a zeroed copy. */
		crc = pk__crc32c_2(h, 12, p + 12, end - off - 12);
		verdict(c, l, p[8] == (crc & 0xff) &&
		    p[9] == ((crc >> 8) & 0xff) &&
		    p[10] == ((crc >> 16) & 0xff) && p[11] == crc >> 24);
	} else
		l->cksum = PK_CKSUM_UNKNOWN;
	parse_chunks(c, off + 12, end, depth);
}

static void
parse_gre(struct dctx *c, size_t off, size_t end, int depth,
    const struct l3 *n)
{
	struct pk_dlayer *l;
	struct pk_dgre *g;
	const uint8_t *p = c->buf + off;
	size_t hlen;

	if ((l = need(c, PK_PROTO_GRE, off, 4, end, depth)) == NULL)
		return;
	g = &l->u.gre;
	g->flags = pk__get16(p);
	g->proto = pk__get16(p + 2);
	hlen = 4;
	if (g->flags & 0xc000)		/* C or R: checksum and offset */
		hlen += 4;
	if (g->flags & 0x2000)
		hlen += 4;
	if (g->flags & 0x1000)
		hlen += 4;
	if (hlen > end - off) {
		flag(c, l, PK_DL_TRUNC);
		return;
	}
	l->hlen = (uint32_t)hlen;
	hlen = 4;
	if (g->flags & 0xc000) {
		g->sum = pk__get16(p + 4);
		hlen += 4;
	}
	if (g->flags & 0x2000) {
		g->key = pk__get32(p + hlen);
		hlen += 4;
	}
	if (g->flags & 0x1000)
		g->seq = pk__get32(p + hlen);
	if ((g->flags & 0x8000) && n->complete)
		verdict(c, l, pk_in_cksum(p, end - off) == 0);
	else if (g->flags & 0x8000)
		l->cksum = PK_CKSUM_UNKNOWN;
	parse_ethertype(c, g->proto, off + l->hlen, end, depth);
}

static void
parse_ipproto(struct dctx *c, int proto, size_t off, size_t end, int depth,
    const struct l3 *n)
{

	if (off >= end)
		return;
	switch (proto) {
	case IPPROTO_ICMP:
		if (n->af == AF_INET)
			parse_icmp(c, AF_INET, off, end, depth, n);
		else
			parse_raw(c, off, end, depth);
		break;
	case IPPROTO_ICMPV6:
		if (n->af == AF_INET6)
			parse_icmp(c, AF_INET6, off, end, depth, n);
		else
			parse_raw(c, off, end, depth);
		break;
	case IPPROTO_TCP:
		parse_tcp(c, off, end, depth, n);
		break;
	case IPPROTO_UDP:
		parse_udp(c, off, end, depth, n);
		break;
	case IPPROTO_SCTP:
		parse_sctp(c, off, end, depth, n);
		break;
	case IPPROTO_GRE:
		parse_gre(c, off, end, depth, n);
		break;
	case IPPROTO_IPIP:
		parse_ip4(c, off, end, depth);
		break;
	case IPPROTO_IPV6:
		parse_ip6(c, off, end, depth);
		break;
	default:
		parse_raw(c, off, end, depth);
		break;
	}
}

int
pk_dissect(const uint8_t *buf, size_t len, int dlt, struct pk_dpkt *d)
{
	struct dctx c;

	d->buf = buf;
	d->len = len;
	d->dlt = dlt;
	d->flags = 0;
	d->nlayers = 0;
	c.d = d;
	c.buf = buf;
	if (buf == NULL)
		len = 0;
	switch (dlt) {
	case PK_DLT_EN10MB:
		parse_ether(&c, 0, len, 0);
		return (0);
	case PK_DLT_LINUX_SLL:
		parse_sll(&c, 0, len);
		return (0);
	case PK_DLT_RAW:
	case PK_LINKTYPE_RAW:
		if (len > 0 && (buf[0] >> 4) == 6)
			parse_ip6(&c, 0, len, 0);
		else if (len > 0 && (buf[0] >> 4) == 4)
			parse_ip4(&c, 0, len, 0);
		else
			parse_raw(&c, 0, len, 0);
		return (0);
	default:
		return (-1);
	}
}

const struct pk_dlayer *
pk_dpkt_find(const struct pk_dpkt *d, enum pk_proto p, int nth)
{
	int i;

	for (i = 0; i < d->nlayers; i++)
		if (d->l[i].proto == p && nth-- == 0)
			return (&d->l[i]);
	return (NULL);
}

int
pk_dtcp_opt(const struct pk_dpkt *d, const struct pk_dlayer *l, int kind,
    const uint8_t **val, size_t *vlen)
{
	const uint8_t *p, *e;

	if (l == NULL || l->proto != PK_PROTO_TCP || l->hlen < 20)
		return (-1);
	p = d->buf + l->off + 20;
	e = d->buf + l->off + l->hlen;
	while (p < e) {
		if (*p == 0)
			return (-1);
		if (*p == 1) {
			p++;
			continue;
		}
		if (e - p < 2 || p[1] < 2 || p[1] > e - p)
			return (-1);
		if (*p == kind) {
			*val = p + 2;
			*vlen = p[1] - 2;
			return (0);
		}
		p += p[1];
	}
	return (-1);
}

const uint8_t *
pk_dlayer_payload(const struct pk_dpkt *d, const struct pk_dlayer *l,
    size_t *lenp)
{

	*lenp = l->len > l->hlen ? l->len - l->hlen : 0;
	return (d->buf + l->off + l->hlen);
}

const char *
pk_proto_name(enum pk_proto p)
{
	static const char *const names[PK_PROTO_COUNT] = {
		[PK_PROTO_NONE] = "none",
		[PK_PROTO_ETHER] = "ether",
		[PK_PROTO_SLL] = "sll",
		[PK_PROTO_DOT1Q] = "dot1q",
		[PK_PROTO_ARP] = "arp",
		[PK_PROTO_IP4] = "ip4",
		[PK_PROTO_IP6] = "ip6",
		[PK_PROTO_IP6_HBH] = "hbh",
		[PK_PROTO_IP6_DSTOPTS] = "dstopts",
		[PK_PROTO_IP6_RT] = "rthdr",
		[PK_PROTO_IP6_FRAG] = "frag6",
		[PK_PROTO_ICMP4] = "icmp4",
		[PK_PROTO_ICMP6] = "icmp6",
		[PK_PROTO_TCP] = "tcp",
		[PK_PROTO_UDP] = "udp",
		[PK_PROTO_SCTP] = "sctp",
		[PK_PROTO_SCTP_CHUNK] = "chunk",
		[PK_PROTO_GRE] = "gre",
		[PK_PROTO_RAW] = "raw",
	};

	if ((unsigned)p >= PK_PROTO_COUNT)
		return ("?");
	return (names[p]);
}
