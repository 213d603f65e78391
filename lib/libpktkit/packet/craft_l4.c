/*
 * craft_l4.c: TCP with typed options, UDP, GRE.
 *
 * libnet builds the headers and computes the checksums, with three
 * exceptions completed after coalescing:
 *  - behind IPv6 extension headers libnet 1.1.6 sums (and writes) at 40
 *    bytes past the IPv6 header, and uses the IPv6 destination even when
 *    a routing header names another final destination; it also ignores
 *    the final destination of an IPv4 LSRR/SSRR option (RFC 1122
 *    3.3.5, what tcpdump checks), so behind IPv4 options we sum too;
 *  - a UDP checksum that computes to 0 must be sent as 0xffff (RFC 768,
 *    RFC 8200 8.1); libnet sends 0, which means "no checksum";
 *  - libnet pads TCP options from a 1-byte array, reading past it, so
 *    the options are padded here and libnet never pads.
 * GRE checksums are ours too: libnet sums the length the caller passes,
 * not the bytes that follow.
 */
#include <sys/socket.h>

#include <string.h>

#include "pk_packet_impl.h"

#define	TCPOPT_MAX	40

static int
tcpopt_sack(struct pk_bctx *b, int i, const struct pk_tcpopt *o, uint8_t *h,
    size_t *n)
{
	uint64_t v;
	size_t k;

	if (o->nsack > PK_TCPOPT_MAXSACK)
		return (pk__lerr(b, i, "more than %d SACK blocks",
		    PK_TCPOPT_MAXSACK));
	for (k = 0; k < 2 * o->nsack; k++) {
		if (pk__fld(b, i, "sack", o->sack[k], 0, 0xffffffff, &v) == -1)
			return (-1);
		pk__put32(h + 2 + 4 * k, (uint32_t)v);
	}
	*n = 2 + 8 * o->nsack;
	return (0);
}

/* One option into h; *n is its length. */
static int
tcpopt_one(struct pk_bctx *b, int i, const struct pk_tcpopt *o, uint8_t *h,
    size_t *n)
{
	uint64_t v, v2;

	*n = 0;
	switch (o->kind) {
	case PK_TCPOPT_K_EOL:
	case PK_TCPOPT_K_NOP:
		h[0] = o->kind == PK_TCPOPT_K_EOL ? 0 : 1;
		*n = 1;
		return (0);
	case PK_TCPOPT_K_MSS:
		if (pk__fld(b, i, "mss", o->v, 0, 0xffff, &v) == -1)
			return (-1);
		h[0] = 2, *n = 4;
		pk__put16(h + 2, (uint16_t)v);
		break;
	case PK_TCPOPT_K_WSCALE:
		if (pk__fld(b, i, "wscale", o->v, 0, 0xff, &v) == -1)
			return (-1);
		h[0] = 3, *n = 3;
		h[2] = (uint8_t)v;
		break;
	case PK_TCPOPT_K_SACKOK:
		h[0] = 4, *n = 2;
		break;
	case PK_TCPOPT_K_SACK:
		h[0] = 5;
		if (tcpopt_sack(b, i, o, h, n) == -1)
			return (-1);
		break;
	case PK_TCPOPT_K_TS:
		if (pk__fld(b, i, "tsval", o->v, 0, 0xffffffff, &v) == -1 ||
		    pk__fld(b, i, "tsecr", o->v2, 0, 0xffffffff, &v2) == -1)
			return (-1);
		h[0] = 8, *n = 10;
		pk__put32(h + 2, (uint32_t)v);
		pk__put32(h + 6, (uint32_t)v2);
		break;
	case PK_TCPOPT_K_RAW:
		if (pk__fld(b, i, "option type", o->type, 0, 0xff, &v) == -1)
			return (-1);
		if (o->datalen > TCPOPT_MAX)
			return (pk__lerr(b, i, "option data too long"));
		h[0] = (uint8_t)v;
		if (o->datalen > 0)
			memcpy(h + 2, o->data, o->datalen);
		*n = 2 + o->datalen;
		break;
	default:
		return (pk__lerr(b, i, "unknown option kind %d", o->kind));
	}
	if (pk__fld(b, i, "option len", o->len, *n, 0xff, &v) == -1)
		return (-1);
	h[1] = (uint8_t)v;
	return (0);
}

static int
tcp_opts(struct pk_bctx *b, int i, uint8_t *ob, size_t *len)
{
	const struct pk_tcp *s = (const struct pk_tcp *)b->pkt[i];
	uint8_t h[TCPOPT_MAX + 4];
	size_t k, n;

	*len = 0;
	for (k = 0; k < s->nopts; k++) {
		memset(h, 0, sizeof(h));
		if (tcpopt_one(b, i, &s->opts[k], h, &n) == -1)
			return (-1);
		if (*len + n > TCPOPT_MAX)
			return (pk__lerr(b, i, "options take more than %d "
			    "bytes", TCPOPT_MAX));
		memcpy(ob + *len, h, n);
		*len += n;
	}
	while (*len % 4 != 0)
		ob[(*len)++] = 0;
	return (0);
}

/* After libnet built an L4 header: forced zero sum, IPv6 fix. */
static int
l4_cksum(struct pk_bctx *b, int i, int forced, uint16_t sum, int proto,
    int csoff)
{

	if (forced)
		return (sum == 0 ? pk__nocksum(b, i) : 0);
	if (pk__v6_needs_fix(b, i) || pk__v4_needs_fix(b, i)) {
		if (pk__nocksum(b, i) == -1)
			return (-1);
		return (pk__addfix(b, PK_FIX_L4, i, proto, csoff));
	}
	if (proto == IPPROTO_UDP)
		return (pk__addfix(b, PK_FIX_UDPZERO, i, proto, csoff));
	return (0);
}

int
pk__b_tcp(struct pk_bctx *b, int i)
{
	const struct pk_tcp *s = (const struct pk_tcp *)b->pkt[i];
	uint64_t sp, dp, seq, ack, flags, win, urp, off, x2;
	uint8_t ob[TCPOPT_MAX + 4], *p;
	size_t olen;
	uint16_t sum;
	int forced;

	forced = pk__forced(s->sum, &sum);
	if (tcp_opts(b, i, ob, &olen) == -1 ||
	    PK_FLD(b, i, s, sport, 20, 0xffff, &sp) == -1 ||
	    PK_FLD(b, i, s, dport, 80, 0xffff, &dp) == -1 ||
	    PK_FLD(b, i, s, seq, 0, 0xffffffff, &seq) == -1 ||
	    PK_FLD(b, i, s, ack, 0, 0xffffffff, &ack) == -1 ||
	    PK_FLD(b, i, s, flags, PK_TH_SYN, 0xff, &flags) == -1 ||
	    PK_FLD(b, i, s, win, 8192, 0xffff, &win) == -1 ||
	    PK_FLD(b, i, s, urp, 0, 0xffff, &urp) == -1 ||
	    PK_FLD(b, i, s, off, (20 + olen) / 4, 0xf, &off) == -1 ||
	    PK_FLD(b, i, s, x2, 0, 0xf, &x2) == -1)
		return (-1);
	if (olen > 0 &&
	    libnet_build_tcp_options(ob, (uint32_t)olen, b->l, 0) == -1)
		return (pk__lnerr(b, i, "build_tcp_options"));
	b->ptag[i] = libnet_build_tcp((uint16_t)sp, (uint16_t)dp,
	    (uint32_t)seq, (uint32_t)ack, (uint8_t)flags, (uint16_t)win, sum,
	    (uint16_t)urp, (uint16_t)(20 + olen + pk__below(b, i)), NULL, 0,
	    b->l, 0);
	if (b->ptag[i] == -1)
		return (pk__lnerr(b, i, "build_tcp"));
	if (off != (20 + olen) / 4 || x2 != 0) {
		if ((p = pk__pblock(b, i)) == NULL)
			return (pk__lerr(b, i, "libnet block lost"));
		p[12] = (uint8_t)(off << 4 | x2);
	}
	return (l4_cksum(b, i, forced, sum, IPPROTO_TCP, 16));
}

int
pk__b_udp(struct pk_bctx *b, int i)
{
	const struct pk_udp *s = (const struct pk_udp *)b->pkt[i];
	uint64_t sp, dp, len;
	uint16_t sum;
	int forced;

	forced = pk__forced(s->sum, &sum);
	if (PK_FLD(b, i, s, sport, 53, 0xffff, &sp) == -1 ||
	    PK_FLD(b, i, s, dport, 53, 0xffff, &dp) == -1 ||
	    PK_FLD(b, i, s, len, 8 + pk__below(b, i), 0xffff, &len) == -1)
		return (-1);
	b->ptag[i] = libnet_build_udp((uint16_t)sp, (uint16_t)dp,
	    (uint16_t)len, sum, NULL, 0, b->l, 0);
	if (b->ptag[i] == -1)
		return (pk__lnerr(b, i, "build_udp"));
	return (l4_cksum(b, i, forced, sum, IPPROTO_UDP, 6));
}

static uint16_t
gre_proto(enum pk_proto p)
{

	switch (p) {
	case PK_PROTO_IP4:
		return (0x0800);
	case PK_PROTO_IP6:
		return (0x86dd);
	case PK_PROTO_ETHER:
		return (0x6558);
	default:
		return (0);
	}
}

int
pk__b_gre(struct pk_bctx *b, int i)
{
	const struct pk_gre *s = (const struct pk_gre *)b->pkt[i];
	uint64_t proto, c, k, sq, key, seq, ver;
	uint16_t sum, fv;
	int forced;

	forced = pk__forced(s->sum, &sum);
	if (PK_FLD(b, i, s, proto, gre_proto(pk__next(b, i)), 0xffff,
	    &proto) == -1 ||
	    pk__fld(b, i, "csum", s->csum, forced, 1, &c) == -1 ||
	    PK_FLD(b, i, s, key_present, s->key != 0, 1, &k) == -1 ||
	    PK_FLD(b, i, s, seq_present, s->seq != 0, 1, &sq) == -1 ||
	    PK_FLD(b, i, s, key, 0, 0xffffffff, &key) == -1 ||
	    PK_FLD(b, i, s, seq, 0, 0xffffffff, &seq) == -1 ||
	    PK_FLD(b, i, s, ver, 0, 7, &ver) == -1)
		return (-1);
	fv = (uint16_t)(c << 15 | k << 13 | sq << 12 | ver);
	/* A non-zero sum keeps libnet from summing; ours replaces it. */
	b->ptag[i] = libnet_build_gre(fv, (uint16_t)proto,
	    c && !forced ? 0xffff : sum, 0, (uint32_t)key, (uint32_t)seq, 0,
	    NULL, 0, b->l, 0);
	if (b->ptag[i] == -1)
		return (pk__lnerr(b, i, "build_gre"));
	if (!c)
		return (0);
	if (forced)
		return (sum == 0 ? pk__nocksum(b, i) : 0);
	return (pk__addfix(b, PK_FIX_GRE, i, IPPROTO_GRE, 4));
}
