/*
 * craft_icmp.c: ICMP and ICMPv6 messages.
 *
 * libnet builds echo, destination unreachable, time exceeded and
 * redirect (ICMP), and echo, destination unreachable, NS, NA and ND
 * options (ICMPv6); for time exceeded, which has the same layout,
 * ICMPv6's unreachable builder serves.  The other messages (parameter
 * problem, packet too big, RS, RA, ND redirect, MLD) are written here,
 * and their checksums computed after coalescing.  So is the ICMPv6
 * checksum behind extension headers, where libnet 1.1.6 looks for the
 * ICMPv6 header right after the 40-byte IPv6 header and would write its
 * checksum into the extension header instead.
 *
 * The blocks of one message are built last to first: its data, its ND
 * options (in reverse), the quoted packet, the header.
 */
#include <sys/socket.h>

#include <string.h>

#include "pk_packet_impl.h"

#define	HDR_MAX	(8 + 16 + 16 + 4 + 16 * PK_MLD2_MAXSRC)

struct msgf {
	uint64_t	type, code;
	uint16_t	sum;
	int		sumforced;
};

static int
msg_fields(struct pk_bctx *b, int i, int64_t type, int64_t code,
    int64_t sum, uint64_t deftype, struct msgf *f)
{

	f->sumforced = pk__forced(sum, &f->sum);
	if (pk__fld(b, i, "type", type, deftype, 0xff, &f->type) == -1 ||
	    pk__fld(b, i, "code", code, 0, 0xff, &f->code) == -1)
		return (-1);
	return (0);
}

/* After a libnet message block: forced rest, forced zero checksum. */
static int
libnet_after(struct pk_bctx *b, int i, const struct msgf *f, int64_t rest,
    int fixproto)
{
	uint64_t r;
	uint8_t *p;

	if (b->ptag[i] == -1)
		return (pk__lnerr(b, i, "build_icmp"));
	if (rest != 0) {
		if (pk__fld(b, i, "rest", rest, 0, 0xffffffff, &r) == -1)
			return (-1);
		if ((p = pk__pblock(b, i)) == NULL)
			return (pk__lerr(b, i, "libnet block lost"));
		pk__put32(p + 4, (uint32_t)r);
	}
	if (f->sumforced) {
		if (f->sum == 0)
			return (pk__nocksum(b, i));
		return (0);
	}
	if (fixproto == IPPROTO_ICMPV6 && pk__v6_needs_fix(b, i)) {
		if (pk__nocksum(b, i) == -1)
			return (-1);
		return (pk__addfix(b, PK_FIX_L4, i, IPPROTO_ICMPV6, 2));
	}
	return (0);
}

/* Our own message: quoted packet, then the header bytes. */
static int
own_msg(struct pk_bctx *b, int i, const struct msgf *f, uint8_t *h,
    size_t hlen, int64_t rest, int proto)
{
	uint64_t r;

	h[0] = (uint8_t)f->type;
	h[1] = (uint8_t)f->code;
	pk__put16(h + 2, f->sumforced ? f->sum : 0);
	if (rest != 0) {
		if (pk__fld(b, i, "rest", rest, 0, 0xffffffff, &r) == -1)
			return (-1);
		pk__put32(h + 4, (uint32_t)r);
	}
	if (pk__data(b, i, b->inner[i], b->innerlen[i]) == -1 ||
	    pk__data(b, i, h, hlen) == -1)
		return (-1);
	if (f->sumforced)
		return (0);
	return (pk__addfix(b, PK_FIX_L4, i, proto, 2));
}

static const uint8_t icmp4_types[] = {
	[PK_ICMP4_MSG_RAW] = 0,
	[PK_ICMP4_MSG_ECHO] = 8,
	[PK_ICMP4_MSG_ECHOREPLY] = 0,
	[PK_ICMP4_MSG_UNREACH] = 3,
	[PK_ICMP4_MSG_TIMXCEED] = 11,
	[PK_ICMP4_MSG_REDIRECT] = 5,
	[PK_ICMP4_MSG_PARAMPROB] = 12,
};

static int
icmp4_libnet(struct pk_bctx *b, int i, const struct msgf *f)
{
	const struct pk_icmp4 *s = (const struct pk_icmp4 *)b->pkt[i];
	uint64_t id, seq, mtu;
	struct in_addr gw;
	uint8_t *p;

	if (PK_FLD(b, i, s, id, 0, 0xffff, &id) == -1 ||
	    PK_FLD(b, i, s, seq, 0, 0xffff, &seq) == -1 ||
	    PK_FLD(b, i, s, mtu, 0, 0xffff, &mtu) == -1)
		return (-1);
	p = b->inner[i];
	switch (s->msg) {
	case PK_ICMP4_MSG_ECHO:
	case PK_ICMP4_MSG_ECHOREPLY:
		b->ptag[i] = libnet_build_icmpv4_echo((uint8_t)f->type,
		    (uint8_t)f->code, f->sum, (uint16_t)id, (uint16_t)seq, p,
		    (uint32_t)b->innerlen[i], b->l, 0);
		break;
	case PK_ICMP4_MSG_UNREACH:
		b->ptag[i] = libnet_build_icmpv4_unreach((uint8_t)f->type,
		    (uint8_t)f->code, f->sum, p, (uint32_t)b->innerlen[i],
		    b->l, 0);
		/* The next-hop MTU of RFC 1191, which libnet leaves 0. */
		if (b->ptag[i] != -1 && mtu != 0 &&
		    (p = pk__pblock(b, i)) != NULL)
			pk__put16(p + 6, (uint16_t)mtu);
		break;
	case PK_ICMP4_MSG_TIMXCEED:
		b->ptag[i] = libnet_build_icmpv4_timeexceed((uint8_t)f->type,
		    (uint8_t)f->code, f->sum, p, (uint32_t)b->innerlen[i],
		    b->l, 0);
		break;
	default:
		gw.s_addr = 0;
		if (s->gw != NULL && pk__in4(b, i, "gw", s->gw, &gw) == -1)
			return (-1);
		b->ptag[i] = libnet_build_icmpv4_redirect((uint8_t)f->type,
		    (uint8_t)f->code, f->sum, gw.s_addr, p,
		    (uint32_t)b->innerlen[i], b->l, 0);
		break;
	}
	return (libnet_after(b, i, f, s->rest, IPPROTO_ICMP));
}

int
pk__b_icmp4(struct pk_bctx *b, int i)
{
	const struct pk_icmp4 *s = (const struct pk_icmp4 *)b->pkt[i];
	uint8_t h[8];
	uint64_t ptr;
	struct msgf f;

	if ((unsigned)s->msg > PK_ICMP4_MSG_PARAMPROB)
		return (pk__lerr(b, i, "unknown message %d", s->msg));
	if (msg_fields(b, i, s->type, s->code, s->sum, icmp4_types[s->msg],
	    &f) == -1 || pk__data(b, i, s->data, s->datalen) == -1)
		return (-1);
	if (s->msg != PK_ICMP4_MSG_RAW && s->msg != PK_ICMP4_MSG_PARAMPROB)
		return (icmp4_libnet(b, i, &f));
	if (PK_FLD(b, i, s, ptr, 0, 0xff, &ptr) == -1)
		return (-1);
	memset(h, 0, sizeof(h));
	h[4] = (uint8_t)ptr;
	return (own_msg(b, i, &f, h, sizeof(h), s->rest, IPPROTO_ICMP));
}

static const uint8_t icmp6_types[] = {
	[PK_ICMP6_MSG_RAW] = 0,
	[PK_ICMP6_MSG_ECHO] = 128,
	[PK_ICMP6_MSG_ECHOREPLY] = 129,
	[PK_ICMP6_MSG_UNREACH] = 1,
	[PK_ICMP6_MSG_PTB] = 2,
	[PK_ICMP6_MSG_TIMXCEED] = 3,
	[PK_ICMP6_MSG_PARAMPROB] = 4,
	[PK_ICMP6_MSG_NS] = 135,
	[PK_ICMP6_MSG_NA] = 136,
	[PK_ICMP6_MSG_RS] = 133,
	[PK_ICMP6_MSG_RA] = 134,
	[PK_ICMP6_MSG_REDIRECT] = 137,
	[PK_ICMP6_MSG_MLD_QUERY] = 130,
	[PK_ICMP6_MSG_MLD_REPORT] = 131,
	[PK_ICMP6_MSG_MLD_DONE] = 132,
	[PK_ICMP6_MSG_MLD2_QUERY] = 130,
	[PK_ICMP6_MSG_MLD2_REPORT] = 143,
};

static int
in6_or_zero(struct pk_bctx *b, int i, const char *what, const char *s,
    uint8_t *out)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	if (s != NULL && pk__in6(b, i, what, s, &a) == -1)
		return (-1);
	memcpy(out, &a, sizeof(a));
	return (0);
}

static int
ndopt_body(struct pk_bctx *b, int i, const struct pk_ndopt *o, uint8_t *d,
    size_t *n, uint64_t *type)
{
	uint64_t v;

	switch (o->kind) {
	case PK_NDOPT_K_SLLA:
	case PK_NDOPT_K_TLLA:
		*type = o->kind == PK_NDOPT_K_SLLA ? 1 : 2;
		*n = 6;
		if (o->mac != NULL)
			return (pk__mac(b, i, "lla", o->mac, d));
		if (b->env != NULL && b->env->src_mac != NULL)
			memcpy(d, b->env->src_mac, 6);
		return (0);
	case PK_NDOPT_K_PREFIX:
		*type = 3;
		*n = 30;
		if (pk__fld(b, i, "plen", o->plen, 64, 0xff, &v) == -1)
			return (-1);
		d[0] = (uint8_t)v;
		if (pk__fld(b, i, "flags", o->flags, 0, 0xff, &v) == -1)
			return (-1);
		d[1] = (uint8_t)v;
		if (pk__fld(b, i, "valid", o->valid, 0, 0xffffffff, &v) == -1)
			return (-1);
		pk__put32(d + 2, (uint32_t)v);
		if (pk__fld(b, i, "preferred", o->preferred, 0, 0xffffffff,
		    &v) == -1)
			return (-1);
		pk__put32(d + 6, (uint32_t)v);
		return (in6_or_zero(b, i, "prefix", o->prefix, d + 14));
	case PK_NDOPT_K_MTU:
		*type = 5;
		*n = 6;
		if (pk__fld(b, i, "mtu", o->mtu, 0, 0xffffffff, &v) == -1)
			return (-1);
		pk__put32(d + 2, (uint32_t)v);
		return (0);
	case PK_NDOPT_K_REDIR:
	case PK_NDOPT_K_RAW:
		*type = 4;
		*n = o->kind == PK_NDOPT_K_REDIR ? 6 : 0;
		if (o->kind == PK_NDOPT_K_RAW && pk__fld(b, i, "option type",
		    o->type, 0, 0xff, type) == -1)
			return (-1);
		if (o->datalen > 2040 - *n)
			return (pk__lerr(b, i, "ND option too long"));
		if (o->datalen > 0)
			memcpy(d + *n, o->data, o->datalen);
		*n += o->datalen;
		return (0);
	}
	return (pk__lerr(b, i, "unknown ND option kind %d", o->kind));
}

/* ND options, through libnet, last first. */
static int
ndopts(struct pk_bctx *b, int i)
{
	const struct pk_icmp6 *s = (const struct pk_icmp6 *)b->pkt[i];
	const struct pk_ndopt *o;
	libnet_pblock_t *p;
	libnet_ptag_t t;
	uint8_t d[2048];
	uint64_t type, len;
	size_t k, n;

	for (k = s->nndopts; k-- > 0;) {
		o = &s->ndopts[k];
		memset(d, 0, sizeof(d));
		n = 0;
		if (ndopt_body(b, i, o, d, &n, &type) == -1)
			return (-1);
		t = libnet_build_icmpv6_ndp_opt((uint8_t)type, d, (uint32_t)n,
		    b->l, 0);
		if (t == -1)
			return (pk__lnerr(b, i, "build_icmpv6_ndp_opt"));
		if (o->len == 0)
			continue;
		if (pk__fld(b, i, "option len", o->len, 0, 0xff, &len) == -1)
			return (-1);
		if ((p = libnet_pblock_find(b->l, t)) == NULL)
			return (pk__lerr(b, i, "libnet block lost"));
		p->buf[1] = (uint8_t)len;
	}
	return (0);
}

static int
icmp6_libnet(struct pk_bctx *b, int i, const struct msgf *f)
{
	const struct pk_icmp6 *s = (const struct pk_icmp6 *)b->pkt[i];
	struct libnet_in6_addr tgt;
	uint64_t id, seq, flags;

	if (PK_FLD(b, i, s, id, 0, 0xffff, &id) == -1 ||
	    PK_FLD(b, i, s, seq, 0, 0xffff, &seq) == -1 ||
	    PK_FLD(b, i, s, flags, 0, 0xffffffff, &flags) == -1 ||
	    in6_or_zero(b, i, "target", s->target, (uint8_t *)&tgt) == -1)
		return (-1);
	switch (s->msg) {
	case PK_ICMP6_MSG_ECHO:
	case PK_ICMP6_MSG_ECHOREPLY:
		b->ptag[i] = libnet_build_icmpv6_echo((uint8_t)f->type,
		    (uint8_t)f->code, f->sum, (uint16_t)id, (uint16_t)seq,
		    b->inner[i], (uint32_t)b->innerlen[i], b->l, 0);
		break;
	case PK_ICMP6_MSG_UNREACH:
	case PK_ICMP6_MSG_TIMXCEED:
		b->ptag[i] = libnet_build_icmpv6_unreach((uint8_t)f->type,
		    (uint8_t)f->code, f->sum, b->inner[i],
		    (uint32_t)b->innerlen[i], b->l, 0);
		break;
	case PK_ICMP6_MSG_NS:
		b->ptag[i] = libnet_build_icmpv6_ndp_nsol((uint8_t)f->type,
		    (uint8_t)f->code, f->sum, tgt, b->inner[i],
		    (uint32_t)b->innerlen[i], b->l, 0);
		break;
	default:
		b->ptag[i] = libnet_build_icmpv6_ndp_nadv((uint8_t)f->type,
		    (uint8_t)f->code, f->sum, (uint32_t)flags, tgt,
		    b->inner[i], (uint32_t)b->innerlen[i], b->l, 0);
		break;
	}
	return (libnet_after(b, i, f, s->rest, IPPROTO_ICMPV6));
}

static int
mld2_sources(struct pk_bctx *b, int i, const char *const *src, uint8_t *h,
    size_t *n)
{
	size_t k;

	for (k = 0; k < PK_MLD2_MAXSRC && src[k] != NULL; k++)
		if (in6_or_zero(b, i, "source", src[k], h + 16 * k) == -1)
			return (-1);
	*n = k;
	return (0);
}

/* MLDv2 report records: appended after the 8-byte header. */
static int
mld2_records(struct pk_bctx *b, int i, uint8_t *h, size_t size, size_t *len)
{
	const struct pk_icmp6 *s = (const struct pk_icmp6 *)b->pkt[i];
	const struct pk_mld2rec *r;
	uint8_t rec[20 + 16 * PK_MLD2_MAXSRC + 1020];
	uint64_t type, nsrc, aux;
	size_t k, n, rl;

	pk__put16(h + 6, (uint16_t)s->nrecs);
	for (k = 0; k < s->nrecs; k++) {
		r = &s->recs[k];
		memset(rec, 0, sizeof(rec));
		if (mld2_sources(b, i, r->sources, rec + 20, &n) == -1 ||
		    pk__fld(b, i, "record type", r->type, 0, 0xff,
		    &type) == -1 ||
		    pk__fld(b, i, "nsrc", r->nsrc, n, 0xffff, &nsrc) == -1 ||
		    pk__fld(b, i, "auxlen", r->auxlen, 0, 0xff, &aux) == -1 ||
		    in6_or_zero(b, i, "group", r->group, rec + 4) == -1)
			return (-1);
		rec[0] = (uint8_t)type;
		rec[1] = (uint8_t)aux;
		pk__put16(rec + 2, (uint16_t)nsrc);
		rl = 20 + 16 * n + 4 * aux;
		if (*len + rl > size)
			return (pk__lerr(b, i, "MLDv2 report too long"));
		memcpy(h + *len, rec, rl);
		*len += rl;
	}
	return (0);
}

/* The header of a message we write: fields after type, code, sum. */
static int
icmp6_hdr(struct pk_bctx *b, int i, uint8_t *h, size_t size, size_t *len)
{
	const struct pk_icmp6 *s = (const struct pk_icmp6 *)b->pkt[i];
	uint64_t v[5];
	size_t n;

	*len = 8;
	switch (s->msg) {
	case PK_ICMP6_MSG_PTB:
	case PK_ICMP6_MSG_PARAMPROB:
		if (pk__fld(b, i, s->msg == PK_ICMP6_MSG_PTB ? "mtu" : "ptr",
		    s->msg == PK_ICMP6_MSG_PTB ? s->mtu : s->ptr, 0,
		    0xffffffff, &v[0]) == -1)
			return (-1);
		pk__put32(h + 4, (uint32_t)v[0]);
		return (0);
	case PK_ICMP6_MSG_RA:
		if (PK_FLD(b, i, s, curhlim, 0, 0xff, &v[0]) == -1 ||
		    PK_FLD(b, i, s, flags, 0, 0xff, &v[1]) == -1 ||
		    PK_FLD(b, i, s, lifetime, 0, 0xffff, &v[2]) == -1 ||
		    PK_FLD(b, i, s, reachable, 0, 0xffffffff, &v[3]) == -1 ||
		    PK_FLD(b, i, s, retrans, 0, 0xffffffff, &v[4]) == -1)
			return (-1);
		h[4] = (uint8_t)v[0];
		h[5] = (uint8_t)v[1];
		pk__put16(h + 6, (uint16_t)v[2]);
		pk__put32(h + 8, (uint32_t)v[3]);
		pk__put32(h + 12, (uint32_t)v[4]);
		*len = 16;
		return (0);
	case PK_ICMP6_MSG_REDIRECT:
		*len = 40;
		if (in6_or_zero(b, i, "target", s->target, h + 8) == -1)
			return (-1);
		return (in6_or_zero(b, i, "dst", s->dst, h + 24));
	case PK_ICMP6_MSG_MLD_QUERY:
	case PK_ICMP6_MSG_MLD_REPORT:
	case PK_ICMP6_MSG_MLD_DONE:
	case PK_ICMP6_MSG_MLD2_QUERY:
		*len = 24;
		if (PK_FLD(b, i, s, maxdelay, 0, 0xffff, &v[0]) == -1 ||
		    in6_or_zero(b, i, "group", s->group, h + 8) == -1)
			return (-1);
		pk__put16(h + 4, (uint16_t)v[0]);
		if (s->msg != PK_ICMP6_MSG_MLD2_QUERY)
			return (0);
		if (PK_FLD(b, i, s, sflag, 0, 1, &v[1]) == -1 ||
		    PK_FLD(b, i, s, qrv, 0, 7, &v[2]) == -1 ||
		    PK_FLD(b, i, s, qqic, 0, 0xff, &v[3]) == -1 ||
		    mld2_sources(b, i, s->sources, h + 28, &n) == -1)
			return (-1);
		h[24] = (uint8_t)(v[1] << 3 | v[2]);
		h[25] = (uint8_t)v[3];
		pk__put16(h + 26, (uint16_t)n);
		*len = 28 + 16 * n;
		return (0);
	case PK_ICMP6_MSG_MLD2_REPORT:
		return (mld2_records(b, i, h, size, len));
	default:		/* RS, raw: 4 reserved bytes */
		return (0);
	}
}

int
pk__b_icmp6(struct pk_bctx *b, int i)
{
	const struct pk_icmp6 *s = (const struct pk_icmp6 *)b->pkt[i];
	uint8_t h[HDR_MAX + 8 * 1024];
	struct msgf f;
	size_t hlen;

	if ((unsigned)s->msg > PK_ICMP6_MSG_MLD2_REPORT)
		return (pk__lerr(b, i, "unknown message %d", s->msg));
	if (msg_fields(b, i, s->type, s->code, s->sum, icmp6_types[s->msg],
	    &f) == -1 || pk__data(b, i, s->data, s->datalen) == -1 ||
	    ndopts(b, i) == -1)
		return (-1);
	switch (s->msg) {
	case PK_ICMP6_MSG_ECHO:
	case PK_ICMP6_MSG_ECHOREPLY:
	case PK_ICMP6_MSG_UNREACH:
	case PK_ICMP6_MSG_TIMXCEED:
	case PK_ICMP6_MSG_NS:
	case PK_ICMP6_MSG_NA:
		return (icmp6_libnet(b, i, &f));
	default:
		break;
	}
	memset(h, 0, sizeof(h));
	if (icmp6_hdr(b, i, h, sizeof(h), &hlen) == -1)
		return (-1);
	return (own_msg(b, i, &f, h, hlen, s->rest, IPPROTO_ICMPV6));
}
