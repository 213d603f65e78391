/*
 * craft_ip.c: IPv4 with typed options, IPv6 and its extension headers.
 *
 * libnet builds the headers.  The option encodings are ours: libnet
 * takes IPv4 options and IPv6 extension header data as opaque bytes.
 * Two libnet 1.1.6 defects are corrected here, on the block before it is
 * coalesced: libnet_build_ipv6() writes the middle byte of the flow
 * label as (flow & 0xff) (an operator precedence slip), so the first 4
 * bytes are rewritten; and libnet_build_ipv6_frag() stores the offset
 * and identification without byte-order conversion, so they are passed
 * in network order.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <string.h>

#include "pk_packet_impl.h"

#define	IP4OPT_MAX	40

/* Options of one header: an IPv6 extension header holds at most 2048
 * bytes. */
struct obuf {
	uint8_t	b[2048 + 64];
	size_t	len;
};

static int
ob_put(struct pk_bctx *b, int i, struct obuf *o, const void *p, size_t n,
    size_t max)
{

	if (o->len + n > max)
		return (pk__lerr(b, i, "options take more than %zu bytes",
		    max));
	if (n > 0)
		memcpy(o->b + o->len, p, n);
	o->len += n;
	return (0);
}

/* An option's length byte, unless forced. */
static int
olen(struct pk_bctx *b, int i, int64_t forced, size_t len, uint8_t *out)
{
	uint64_t v;

	if (pk__fld(b, i, "option len", forced, len, 0xff, &v) == -1)
		return (-1);
	if (forced == 0 && len > 0xff)
		return (pk__lerr(b, i, "option of %zu bytes", len));
	*out = (uint8_t)v;
	return (0);
}

static int
ip4opt_route(struct pk_bctx *b, int i, const struct pk_ip4opt *o,
    uint8_t *h, size_t *n)
{
	struct in_addr a;
	size_t k;

	for (k = 0; k < PK_IP4OPT_MAXADDR && o->addrs[k] != NULL; k++) {
		if (pk__in4(b, i, "route", o->addrs[k], &a) == -1)
			return (-1);
		memcpy(h + 3 + 4 * k, &a, 4);
	}
	*n = 3 + 4 * k;
	return (0);
}

static int
ip4opt_one(struct pk_bctx *b, int i, const struct pk_ip4opt *o,
    struct obuf *ob)
{
	uint8_t h[IP4OPT_MAX + 8];
	uint64_t ptr, t;
	size_t n;

	memset(h, 0, sizeof(h));
	ptr = 4;
	switch (o->kind) {
	case PK_IP4OPT_K_EOL:
	case PK_IP4OPT_K_NOP:
		h[0] = o->kind == PK_IP4OPT_K_EOL ? 0 : 1;
		return (ob_put(b, i, ob, h, 1, IP4OPT_MAX));
	case PK_IP4OPT_K_RR:
	case PK_IP4OPT_K_TS:
		if (o->nslots < 0 || o->nslots > 9)
			return (pk__lerr(b, i, "%lld option slots",
			    (long long)o->nslots));
		h[0] = o->kind == PK_IP4OPT_K_RR ? 7 : 68;
		n = (o->kind == PK_IP4OPT_K_RR ? 3 : 4) +
		    4 * (size_t)o->nslots;
		ptr = o->kind == PK_IP4OPT_K_RR ? 4 : 5;
		break;
	case PK_IP4OPT_K_LSRR:
	case PK_IP4OPT_K_SSRR:
		h[0] = o->kind == PK_IP4OPT_K_LSRR ? 131 : 137;
		if (ip4opt_route(b, i, o, h, &n) == -1)
			return (-1);
		break;
	case PK_IP4OPT_K_RA:
		h[0] = 148;
		n = 4;
		if (pk__fld(b, i, "option value", o->value, 0, 0xffff,
		    &t) == -1)
			return (-1);
		pk__put16(h + 2, (uint16_t)t);
		if (olen(b, i, o->len, n, &h[1]) == -1)
			return (-1);
		return (ob_put(b, i, ob, h, n, IP4OPT_MAX));
	case PK_IP4OPT_K_RAW:
		if (pk__fld(b, i, "option type", o->type, 0, 0xff, &t) == -1)
			return (-1);
		if (o->datalen > IP4OPT_MAX)
			return (pk__lerr(b, i, "option data too long"));
		h[0] = (uint8_t)t;
		if (o->datalen > 0)
			memcpy(h + 2, o->data, o->datalen);
		n = 2 + o->datalen;
		if (olen(b, i, o->len, n, &h[1]) == -1)
			return (-1);
		return (ob_put(b, i, ob, h, n, IP4OPT_MAX));
	default:
		return (pk__lerr(b, i, "unknown option kind %d", o->kind));
	}
	if (olen(b, i, o->len, n, &h[1]) == -1 ||
	    pk__fld(b, i, "option ptr", o->ptr, ptr, 0xff, &t) == -1)
		return (-1);
	h[2] = (uint8_t)t;
	return (ob_put(b, i, ob, h, n, IP4OPT_MAX));
}

static int
ip4_opts(struct pk_bctx *b, int i, struct obuf *ob)
{
	const struct pk_ip4 *s = (const struct pk_ip4 *)b->pkt[i];
	size_t k;

	ob->len = 0;
	for (k = 0; k < s->nopts; k++)
		if (ip4opt_one(b, i, &s->opts[k], ob) == -1)
			return (-1);
	if (s->optlen > 0 &&
	    ob_put(b, i, ob, s->optbytes, s->optlen, IP4OPT_MAX) == -1)
		return (-1);
	return (0);
}

struct ip4f {
	uint64_t	tos, len, id, off, df, mf, rf, ttl, proto, hl, v;
	uint16_t	sum;
	int		sumforced;
};

static int
ip4_fields(struct pk_bctx *b, int i, size_t hlen, struct ip4f *f)
{
	const struct pk_ip4 *s = (const struct pk_ip4 *)b->pkt[i];
	uint64_t proto;

	pk__ipproto(b, i, &proto);
	f->sumforced = pk__forced(s->sum, &f->sum);
	if (PK_FLD(b, i, s, tos, 0, 0xff, &f->tos) == -1 ||
	    PK_FLD(b, i, s, len, hlen + pk__below(b, i), 0xffff,
	    &f->len) == -1 ||
	    PK_FLD(b, i, s, id, 0, 0xffff, &f->id) == -1 ||
	    PK_FLD(b, i, s, off, 0, 0x1fff, &f->off) == -1 ||
	    PK_FLD(b, i, s, df, 0, 1, &f->df) == -1 ||
	    PK_FLD(b, i, s, mf, 0, 1, &f->mf) == -1 ||
	    PK_FLD(b, i, s, rf, 0, 1, &f->rf) == -1 ||
	    PK_FLD(b, i, s, ttl, 64, 0xff, &f->ttl) == -1 ||
	    PK_FLD(b, i, s, proto, proto, 0xff, &f->proto) == -1 ||
	    PK_FLD(b, i, s, hl, hlen / 4, 0xf, &f->hl) == -1 ||
	    PK_FLD(b, i, s, v, 4, 0xf, &f->v) == -1)
		return (-1);
	if (hlen + pk__below(b, i) > 0xffff)
		return (pk__lerr(b, i, "packet longer than 65535 bytes"));
	return (0);
}

int
pk__b_ip4(struct pk_bctx *b, int i)
{
	struct in_addr src, dst;
	struct obuf ob;
	struct ip4f f;
	uint8_t *p;
	size_t hlen;

	if (pk__ip4_addrs(b, i, &src, &dst) == -1 || ip4_opts(b, i, &ob) == -1)
		return (-1);
	hlen = 20 + ((ob.len + 3) & ~(size_t)3);
	if (ip4_fields(b, i, hlen, &f) == -1)
		return (-1);
	if (ob.len > 0 &&
	    libnet_build_ipv4_options(ob.b, (uint32_t)ob.len, b->l, 0) == -1)
		return (pk__lnerr(b, i, "build_ipv4_options"));
	b->ptag[i] = libnet_build_ipv4((uint16_t)f.len, (uint8_t)f.tos,
	    (uint16_t)f.id, (uint16_t)(f.rf << 15 | f.df << 14 | f.mf << 13 |
	    f.off), (uint8_t)f.ttl, (uint8_t)f.proto, f.sum, src.s_addr,
	    dst.s_addr, NULL, 0, b->l, 0);
	if (b->ptag[i] == -1)
		return (pk__lnerr(b, i, "build_ipv4"));
	if (f.sumforced && f.sum == 0 && pk__nocksum(b, i) == -1)
		return (-1);
	if (f.hl == hlen / 4 && f.v == 4)
		return (0);
	/* A forced header length or version: libnet's checksum would read
	 * the header length from the header, so ours sums the real one. */
	if ((p = pk__pblock(b, i)) == NULL)
		return (pk__lerr(b, i, "libnet block lost"));
	p[0] = (uint8_t)(f.v << 4 | f.hl);
	if (f.sumforced)
		return (0);
	if (pk__nocksum(b, i) == -1)
		return (-1);
	return (pk__addfix(b, PK_FIX_IP4HDR, i, 0, 10));
}

int
pk__b_ip6(struct pk_bctx *b, int i)
{
	const struct pk_ip6 *s = (const struct pk_ip6 *)b->pkt[i];
	struct libnet_in6_addr lsrc, ldst;
	struct in6_addr src, dst;
	uint64_t tc, flow, plen, nh, hlim, v;
	uint8_t *p;

	pk__ipproto(b, i, &nh);
	if (pk__ip6_addrs(b, i, &src, &dst) == -1 ||
	    PK_FLD(b, i, s, tc, 0, 0xff, &tc) == -1 ||
	    PK_FLD(b, i, s, flow, 0, 0xfffff, &flow) == -1 ||
	    PK_FLD(b, i, s, plen, pk__below(b, i), 0xffff, &plen) == -1 ||
	    PK_FLD(b, i, s, nh, nh, 0xff, &nh) == -1 ||
	    PK_FLD(b, i, s, hlim, 64, 0xff, &hlim) == -1 ||
	    PK_FLD(b, i, s, v, 6, 0xf, &v) == -1)
		return (-1);
	if (pk__below(b, i) > 0xffff)
		return (pk__lerr(b, i, "payload longer than 65535 bytes"));
	memcpy(&lsrc, &src, sizeof(lsrc));
	memcpy(&ldst, &dst, sizeof(ldst));
	b->ptag[i] = libnet_build_ipv6((uint8_t)tc, (uint32_t)flow,
	    (uint16_t)plen, (uint8_t)nh, (uint8_t)hlim, lsrc, ldst, NULL, 0,
	    b->l, 0);
	if (b->ptag[i] == -1)
		return (pk__lnerr(b, i, "build_ipv6"));
	if ((p = pk__pblock(b, i)) == NULL)
		return (pk__lerr(b, i, "libnet block lost"));
	pk__put32(p, (uint32_t)(v << 28 | tc << 20 | flow));
	return (0);
}

static int
ip6opt_one(struct pk_bctx *b, int i, const struct pk_ip6opt *o,
    struct obuf *ob)
{
	uint8_t h[2 + 255 + 8];
	uint64_t t;
	size_t n;

	memset(h, 0, sizeof(h));
	switch (o->kind) {
	case PK_IP6OPT_K_PAD1:
		return (ob_put(b, i, ob, h, 1, 2040));
	case PK_IP6OPT_K_PADN:
		if (o->len < 0 || o->len > 255)
			return (pk__lerr(b, i, "PadN of %lld bytes",
			    (long long)o->len));
		h[0] = 1;
		h[1] = (uint8_t)o->len;
		return (ob_put(b, i, ob, h, 2 + (size_t)o->len, 2040));
	case PK_IP6OPT_K_RA:
	case PK_IP6OPT_K_JUMBO:
		h[0] = o->kind == PK_IP6OPT_K_RA ? 5 : 0xc2;
		n = o->kind == PK_IP6OPT_K_RA ? 2 : 4;
		if (pk__fld(b, i, "option value", o->value, 0,
		    n == 2 ? 0xffff : 0xffffffff, &t) == -1)
			return (-1);
		if (n == 2)
			pk__put16(h + 2, (uint16_t)t);
		else
			pk__put32(h + 2, (uint32_t)t);
		break;
	case PK_IP6OPT_K_RAW:
		if (pk__fld(b, i, "option type", o->type, 0, 0xff, &t) == -1)
			return (-1);
		if (o->datalen > 255)
			return (pk__lerr(b, i, "option data too long"));
		h[0] = (uint8_t)t;
		if (o->datalen > 0)
			memcpy(h + 2, o->data, o->datalen);
		n = o->datalen;
		break;
	default:
		return (pk__lerr(b, i, "unknown option kind %d", o->kind));
	}
	if (olen(b, i, o->len, n, &h[1]) == -1)
		return (-1);
	return (ob_put(b, i, ob, h, 2 + n, 2040));
}

/* Pad the options (after the 2 bytes of nh and len) to 8 bytes. */
static int
ip6opt_pad(struct pk_bctx *b, int i, struct obuf *ob)
{
	uint8_t pad[8];
	size_t n;

	memset(pad, 0, sizeof(pad));
	n = (8 - (2 + ob->len) % 8) % 8;
	if (n == 1)
		return (ob_put(b, i, ob, pad, 1, 2046));
	if (n == 0)
		return (0);
	pad[0] = 1;
	pad[1] = (uint8_t)(n - 2);
	return (ob_put(b, i, ob, pad, n, 2046));
}

int
pk__b_ip6opts(struct pk_bctx *b, int i)
{
	const struct pk_ip6opts *s = (const struct pk_ip6opts *)b->pkt[i];
	uint64_t nh, len;
	struct obuf ob;
	size_t k;

	ob.len = 0;
	for (k = 0; k < s->nopts; k++)
		if (ip6opt_one(b, i, &s->opts[k], &ob) == -1)
			return (-1);
	if (ip6opt_pad(b, i, &ob) == -1)
		return (-1);
	pk__ipproto(b, i, &nh);
	if (PK_FLD(b, i, s, nh, nh, 0xff, &nh) == -1 ||
	    PK_FLD(b, i, s, len, (2 + ob.len) / 8 - 1, 0xff, &len) == -1)
		return (-1);
	if (b->pkt[i]->proto == PK_PROTO_IP6_HBH)
		b->ptag[i] = libnet_build_ipv6_hbhopts((uint8_t)nh,
		    (uint8_t)len, ob.b, (uint32_t)ob.len, b->l, 0);
	else
		b->ptag[i] = libnet_build_ipv6_destopts((uint8_t)nh,
		    (uint8_t)len, ob.b, (uint32_t)ob.len, b->l, 0);
	if (b->ptag[i] == -1)
		return (pk__lnerr(b, i, "build_ipv6 options"));
	return (0);
}

static int
rt_data(struct pk_bctx *b, int i, struct obuf *ob, size_t *naddrs)
{
	const struct pk_ip6rt *s = (const struct pk_ip6rt *)b->pkt[i];
	struct in6_addr a;
	uint64_t res;
	size_t k;

	ob->len = 0;
	*naddrs = 0;
	if (s->data != NULL || s->datalen > 0)
		return (ob_put(b, i, ob, s->data, s->datalen, 2044));
	if (PK_FLD(b, i, s, reserved, 0, 0xffffffff, &res) == -1)
		return (-1);
	pk__put32(ob->b, (uint32_t)res);
	ob->len = 4;
	for (k = 0; k < PK_IP6RT_MAXADDR && s->addrs[k] != NULL; k++) {
		if (pk__in6(b, i, "route", s->addrs[k], &a) == -1 ||
		    ob_put(b, i, ob, &a, sizeof(a), 2044) == -1)
			return (-1);
	}
	*naddrs = k;
	return (0);
}

int
pk__b_ip6rt(struct pk_bctx *b, int i)
{
	const struct pk_ip6rt *s = (const struct pk_ip6rt *)b->pkt[i];
	uint64_t nh, len, type, segleft;
	struct obuf ob;
	size_t naddrs;

	if (rt_data(b, i, &ob, &naddrs) == -1)
		return (-1);
	pk__ipproto(b, i, &nh);
	if (PK_FLD(b, i, s, nh, nh, 0xff, &nh) == -1 ||
	    PK_FLD(b, i, s, len, (4 + ob.len) / 8 > 0 ?
	    (4 + ob.len) / 8 - 1 : 0, 0xff, &len) == -1 ||
	    PK_FLD(b, i, s, type, 0, 0xff, &type) == -1 ||
	    PK_FLD(b, i, s, segleft, naddrs, 0xff, &segleft) == -1)
		return (-1);
	b->ptag[i] = libnet_build_ipv6_routing((uint8_t)nh, (uint8_t)len,
	    (uint8_t)type, (uint8_t)segleft, ob.b, (uint32_t)ob.len, b->l, 0);
	if (b->ptag[i] == -1)
		return (pk__lnerr(b, i, "build_ipv6_routing"));
	return (0);
}

int
pk__b_ip6frag(struct pk_bctx *b, int i)
{
	const struct pk_ip6frag *s = (const struct pk_ip6frag *)b->pkt[i];
	uint64_t nh, off, mf, id, res, res2;

	pk__ipproto(b, i, &nh);
	if (PK_FLD(b, i, s, nh, nh, 0xff, &nh) == -1 ||
	    PK_FLD(b, i, s, off, 0, 0x1fff, &off) == -1 ||
	    PK_FLD(b, i, s, mf, 0, 1, &mf) == -1 ||
	    PK_FLD(b, i, s, id, 0, 0xffffffff, &id) == -1 ||
	    PK_FLD(b, i, s, res, 0, 0xff, &res) == -1 ||
	    PK_FLD(b, i, s, res2, 0, 3, &res2) == -1)
		return (-1);
	b->ptag[i] = libnet_build_ipv6_frag((uint8_t)nh, (uint8_t)res,
	    htons((uint16_t)(off << 3 | res2 << 1 | mf)), htonl((uint32_t)id),
	    NULL, 0, b->l, 0);
	if (b->ptag[i] == -1)
		return (pk__lnerr(b, i, "build_ipv6_frag"));
	return (0);
}
