/*
 * craft.c: building a packet from its layer specifications on libnet.
 *
 * The layers are built innermost first, as libnet wants, into one libnet
 * context per thread (LIBNET_NONE: construct only, no socket), which is
 * cleared and reused for every packet.  libnet's builders fill in what
 * they know; libnet computes the checksums it gets right while it
 * coalesces the blocks into one buffer.  What libnet has no builder for,
 * and what it computes wrong, is completed afterwards from the recorded
 * fixes (see pk_packet_impl.h and apply_fix() below).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_packet_impl.h"
#include "../pk_mac_impl.h"

static pthread_once_t lnet_once = PTHREAD_ONCE_INIT;
static pthread_key_t lnet_key;
static _Thread_local libnet_t *lnet;

static void
lnet_destroy(void *p)
{

	libnet_destroy(p);
}

static void
lnet_key_init(void)
{

	(void)pthread_key_create(&lnet_key, lnet_destroy);
}

/* libnet's messages end with a newline; ours are one line. */
static void
chomp(char *s)
{
	size_t n;

	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static libnet_t *
lnet_get(struct pk_err *err)
{
	char ebuf[LIBNET_ERRBUF_SIZE];

	if (lnet != NULL)
		return (lnet);
	(void)pthread_once(&lnet_once, lnet_key_init);
	ebuf[0] = '\0';
	lnet = libnet_init(LIBNET_NONE, NULL, ebuf);
	if (lnet == NULL) {
		chomp(ebuf);
		pk_err_set(err, 0, "libnet_init: %s", ebuf);
		return (NULL);
	}
	(void)pthread_setspecific(lnet_key, lnet);
	return (lnet);
}

void
pk_pkt_build_release(void)
{

	if (lnet == NULL)
		return;
	(void)pthread_setspecific(lnet_key, NULL);
	libnet_destroy(lnet);
	lnet = NULL;
}

/*
 * Errors name the layer: "layer 2 (tcp): sport 70000 does not fit 16 bits".
 */
int
pk__lerr(struct pk_bctx *b, int i, const char *fmt, ...)
{
	char msg[PK_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (b->depth > 0)
		return (pk_err_set(b->err, EINVAL, "inner packet: layer %d "
		    "(%s): %s", i, pk_proto_name(b->pkt[i]->proto), msg));
	return (pk_err_set(b->err, EINVAL, "layer %d (%s): %s", i,
	    pk_proto_name(b->pkt[i]->proto), msg));
}

int
pk__lnerr(struct pk_bctx *b, int i, const char *what)
{
	char ebuf[LIBNET_ERRBUF_SIZE];

	snprintf(ebuf, sizeof(ebuf), "%s", libnet_geterror(b->l));
	chomp(ebuf);
	return (pk__lerr(b, i, "libnet %s: %s", what,
	    ebuf[0] != '\0' ? ebuf : "failed"));
}

static int
width(uint64_t max)
{
	int w;

	for (w = 0; max != 0; w++)
		max >>= 1;
	return (w);
}

int
pk__fld(struct pk_bctx *b, int i, const char *name, int64_t v, uint64_t def,
    uint64_t max, uint64_t *out)
{

	if (v == 0)
		*out = def;
	else if (v == PK_ZERO)
		*out = 0;
	else if (v < 0 || (uint64_t)v > max)
		return (pk__lerr(b, i, "%s %lld does not fit %d bits", name,
		    (long long)v, width(max)));
	else
		*out = (uint64_t)v;
	return (0);
}

int
pk__forced(int64_t v, uint16_t *out)
{

	*out = 0;
	if (v == 0)
		return (0);
	*out = v == PK_ZERO ? 0 : (uint16_t)v;
	return (1);
}

/* "02:00:00:00:00:01"; one or two hex digits per byte. */
int
pk__mac(struct pk_bctx *b, int i, const char *what, const char *s,
    uint8_t mac[6])
{

	if (pk_mac_parse(s, 1, mac) != 0)
		return (pk__lerr(b, i, "%s: bad MAC address \"%s\"", what, s));
	return (0);
}

int
pk__in4(struct pk_bctx *b, int i, const char *what, const char *s,
    struct in_addr *a)
{

	if (inet_pton(AF_INET, s, a) != 1)
		return (pk__lerr(b, i, "%s: bad IPv4 address \"%s\"", what, s));
	return (0);
}

int
pk__in6(struct pk_bctx *b, int i, const char *what, const char *s,
    struct in6_addr *a)
{

	if (inet_pton(AF_INET6, s, a) != 1)
		return (pk__lerr(b, i, "%s: bad IPv6 address \"%s\"", what, s));
	return (0);
}

enum pk_proto
pk__next(const struct pk_bctx *b, int i)
{

	return (i + 1 < b->n ? b->pkt[i + 1]->proto : PK_PROTO_NONE);
}

enum pk_proto
pk__prev(const struct pk_bctx *b, int i)
{

	return (i > 0 ? b->pkt[i - 1]->proto : PK_PROTO_NONE);
}

int
pk__encl_ip(const struct pk_bctx *b, int i)
{

	while (--i >= 0)
		if (b->pkt[i]->proto == PK_PROTO_IP4 ||
		    b->pkt[i]->proto == PK_PROTO_IP6)
			return (i);
	return (-1);
}

static int
is_ip6ext(enum pk_proto p)
{

	return (p == PK_PROTO_IP6_HBH || p == PK_PROTO_IP6_DSTOPTS ||
	    p == PK_PROTO_IP6_RT || p == PK_PROTO_IP6_FRAG);
}

int
pk__ipproto(const struct pk_bctx *b, int i, uint64_t *out)
{
	static const int num[PK_PROTO_COUNT] = {
		[PK_PROTO_IP4] = IPPROTO_IPIP,
		[PK_PROTO_IP6] = IPPROTO_IPV6,
		[PK_PROTO_IP6_HBH] = IPPROTO_HOPOPTS,
		[PK_PROTO_IP6_DSTOPTS] = IPPROTO_DSTOPTS,
		[PK_PROTO_IP6_RT] = IPPROTO_ROUTING,
		[PK_PROTO_IP6_FRAG] = IPPROTO_FRAGMENT,
		[PK_PROTO_ICMP4] = IPPROTO_ICMP,
		[PK_PROTO_ICMP6] = IPPROTO_ICMPV6,
		[PK_PROTO_TCP] = IPPROTO_TCP,
		[PK_PROTO_UDP] = IPPROTO_UDP,
		[PK_PROTO_SCTP] = IPPROTO_SCTP,
		[PK_PROTO_GRE] = IPPROTO_GRE,
	};
	enum pk_proto p;

	p = pk__next(b, i);
	if (p == PK_PROTO_NONE || p == PK_PROTO_RAW)
		/* IPv6 says "no next header"; IPv4 has no such value. */
		*out = b->pkt[i]->proto == PK_PROTO_IP4 ? 0 : IPPROTO_NONE;
	else
		*out = (uint64_t)num[p];
	return (0);
}

int
pk__ip4_addrs(struct pk_bctx *b, int i, struct in_addr *src,
    struct in_addr *dst)
{
	const struct pk_ip4 *s = (const struct pk_ip4 *)b->pkt[i];

	if (s->src != NULL) {
		if (pk__in4(b, i, "src", s->src, src) == -1)
			return (-1);
	} else if (b->def != NULL && b->def->has4)
		*src = b->def->src4;
	else if (b->env != NULL && b->env->src4 != NULL)
		*src = *b->env->src4;
	else
		src->s_addr = 0;
	if (s->dst != NULL)
		return (pk__in4(b, i, "dst", s->dst, dst));
	if (b->def != NULL && b->def->has4) {
		*dst = b->def->dst4;
		return (0);
	}
	return (pk__lerr(b, i, "no dst address"));
}

int
pk__ip6_addrs(struct pk_bctx *b, int i, struct in6_addr *src,
    struct in6_addr *dst)
{
	const struct pk_ip6 *s = (const struct pk_ip6 *)b->pkt[i];

	if (s->src != NULL) {
		if (pk__in6(b, i, "src", s->src, src) == -1)
			return (-1);
	} else if (b->def != NULL && b->def->has6)
		*src = b->def->src6;
	else if (b->env != NULL && b->env->src6 != NULL)
		*src = *b->env->src6;
	else
		memset(src, 0, sizeof(*src));
	if (s->dst != NULL)
		return (pk__in6(b, i, "dst", s->dst, dst));
	if (b->def != NULL && b->def->has6) {
		*dst = b->def->dst6;
		return (0);
	}
	return (pk__lerr(b, i, "no dst address"));
}

uint32_t
pk__below(const struct pk_bctx *b, int i)
{

	return (i + 1 < b->n ? b->tail[i + 1] : 0);
}

int
pk__data(struct pk_bctx *b, int i, const void *p, size_t len)
{

	if (len == 0)
		return (0);
	if (len > PK_PKT_MAX)
		return (pk__lerr(b, i, "%zu bytes of data is too long", len));
	/* libnet copies the bytes and never writes through the pointer. */
	if (libnet_build_data((uint8_t *)(uintptr_t)p, (uint32_t)len, b->l,
	    0) == -1)
		return (pk__lnerr(b, i, "build_data"));
	return (0);
}

int
pk__addfix(struct pk_bctx *b, enum pk_fixkind k, int layer, int proto,
    int csoff)
{
	struct pk_fix *f;

	if (b->nfix >= PK_B_MAXFIX)
		return (pk__lerr(b, layer, "too many checksums to complete"));
	f = &b->fix[b->nfix++];
	f->kind = k;
	f->layer = layer;
	f->ip = pk__encl_ip(b, layer);
	f->proto = proto;
	f->csoff = csoff;
	return (0);
}

int
pk__v6_needs_fix(const struct pk_bctx *b, int i)
{
	int j;

	for (j = i - 1; j >= 0 && is_ip6ext(b->pkt[j]->proto); j--)
		;
	return (j >= 0 && j < i - 1 && b->pkt[j]->proto == PK_PROTO_IP6);
}

int
pk__v4_needs_fix(const struct pk_bctx *b, int i)
{
	const struct pk_ip4 *s;

	if (i == 0 || b->pkt[i - 1]->proto != PK_PROTO_IP4)
		return (0);
	s = (const struct pk_ip4 *)b->pkt[i - 1];
	return (s->nopts > 0 || s->optlen > 0);
}

uint8_t *
pk__pblock(struct pk_bctx *b, int i)
{
	libnet_pblock_t *p;

	p = libnet_pblock_find(b->l, b->ptag[i]);
	return (p != NULL ? p->buf : NULL);
}

int
pk__nocksum(struct pk_bctx *b, int i)
{

	if (libnet_toggle_checksum(b->l, b->ptag[i], LIBNET_OFF) == -1)
		return (pk__lnerr(b, i, "toggle_checksum"));
	return (0);
}

/*
 * Which layer may follow which.  Anything may end in raw bytes; raw
 * bytes end the packet.
 */
static int
may_follow(enum pk_proto prev, enum pk_proto p)
{

	if (p == PK_PROTO_RAW)
		return (prev != PK_PROTO_NONE && prev != PK_PROTO_RAW);
	switch (prev) {
	case PK_PROTO_NONE:
		return (p == PK_PROTO_ETHER || p == PK_PROTO_IP4 ||
		    p == PK_PROTO_IP6);
	case PK_PROTO_ETHER:
	case PK_PROTO_DOT1Q:
		return (p == PK_PROTO_DOT1Q || p == PK_PROTO_ARP ||
		    p == PK_PROTO_IP4 || p == PK_PROTO_IP6);
	case PK_PROTO_GRE:
		return (p == PK_PROTO_ETHER || p == PK_PROTO_IP4 ||
		    p == PK_PROTO_IP6);
	case PK_PROTO_IP4:
		return (p == PK_PROTO_IP4 || p == PK_PROTO_IP6 ||
		    p == PK_PROTO_ICMP4 || p == PK_PROTO_TCP ||
		    p == PK_PROTO_UDP || p == PK_PROTO_SCTP ||
		    p == PK_PROTO_GRE);
	case PK_PROTO_IP6:
	case PK_PROTO_IP6_HBH:
	case PK_PROTO_IP6_DSTOPTS:
	case PK_PROTO_IP6_RT:
	case PK_PROTO_IP6_FRAG:
		return (is_ip6ext(p) || p == PK_PROTO_IP4 ||
		    p == PK_PROTO_IP6 || p == PK_PROTO_ICMP6 ||
		    p == PK_PROTO_TCP || p == PK_PROTO_UDP ||
		    p == PK_PROTO_SCTP || p == PK_PROTO_GRE);
	default:
		return (0);
	}
}

static int
check_layers(struct pk_bctx *b, pk_pkt_t pkt)
{
	enum pk_proto prev = PK_PROTO_NONE;
	int i;

	if (pkt == NULL)
		return (pk_err_set(b->err, EINVAL, "no packet"));
	for (i = 0; pkt[i] != NULL; i++) {
		if (i >= PK_B_MAXLAYERS)
			return (pk_err_set(b->err, EINVAL,
			    "more than %d layers", PK_B_MAXLAYERS));
		if (pkt[i]->proto <= PK_PROTO_NONE ||
		    pkt[i]->proto >= PK_PROTO_COUNT ||
		    pkt[i]->proto == PK_PROTO_SLL ||
		    pkt[i]->proto == PK_PROTO_SCTP_CHUNK)
			return (pk_err_set(b->err, EINVAL,
			    "layer %d: not a layer that can be built", i));
		if (!may_follow(prev, pkt[i]->proto))
			return (pk_err_set(b->err, EINVAL,
			    "layer %d: %s cannot follow %s", i,
			    pk_proto_name(pkt[i]->proto),
			    prev == PK_PROTO_NONE ? "the start" :
			    pk_proto_name(prev)));
		prev = pkt[i]->proto;
	}
	if (i == 0)
		return (pk_err_set(b->err, EINVAL, "empty packet"));
	b->pkt = pkt;
	b->n = i;
	return (0);
}

static int
build_layer(struct pk_bctx *b, int i)
{
	typedef int builder(struct pk_bctx *, int);
	static builder *const tab[PK_PROTO_COUNT] = {
		[PK_PROTO_ETHER] = pk__b_ether,
		[PK_PROTO_DOT1Q] = pk__b_dot1q,
		[PK_PROTO_ARP] = pk__b_arp,
		[PK_PROTO_IP4] = pk__b_ip4,
		[PK_PROTO_IP6] = pk__b_ip6,
		[PK_PROTO_IP6_HBH] = pk__b_ip6opts,
		[PK_PROTO_IP6_DSTOPTS] = pk__b_ip6opts,
		[PK_PROTO_IP6_RT] = pk__b_ip6rt,
		[PK_PROTO_IP6_FRAG] = pk__b_ip6frag,
		[PK_PROTO_ICMP4] = pk__b_icmp4,
		[PK_PROTO_ICMP6] = pk__b_icmp6,
		[PK_PROTO_TCP] = pk__b_tcp,
		[PK_PROTO_UDP] = pk__b_udp,
		[PK_PROTO_SCTP] = pk__b_sctp,
		[PK_PROTO_GRE] = pk__b_gre,
		[PK_PROTO_RAW] = pk__b_raw,
	};

	b->ptag[i] = 0;
	if (tab[b->pkt[i]->proto](b, i) == -1)
		return (-1);
	b->tail[i] = libnet_getpacket_size(b->l);
	/* An Ethernet header and the 802.1Q tag after it are one libnet
	 * block; the tag's TCI starts 14 bytes into it. */
	if (b->pkt[i]->proto == PK_PROTO_ETHER &&
	    pk__next(b, i) == PK_PROTO_DOT1Q)
		b->tail[i + 1] = b->tail[i] - 14;
	return (0);
}

/* The final destination for the pseudo-header of layer i over IPv6. */
static void
v6_dst(const struct pk_bctx *b, const struct pk_fix *f, const uint8_t *buf,
    size_t len, struct in6_addr *dst)
{
	size_t off;
	int j;

	memcpy(dst, buf + (len - b->tail[f->ip]) + 24, sizeof(*dst));
	for (j = f->ip + 1; j < f->layer; j++) {
		if (b->pkt[j]->proto != PK_PROTO_IP6_RT)
			continue;
		off = len - b->tail[j];
		pk__v6_final_dst(buf + off, b->tail[j] - b->tail[j + 1],
		    dst->s6_addr);
	}
}

static void
fix_l4(const struct pk_bctx *b, const struct pk_fix *f, uint8_t *buf,
    size_t len)
{
	struct in6_addr dst6;
	uint8_t *l4, *ip, dst4[4];
	uint32_t sum, l4len;
	uint16_t cs;

	l4 = buf + (len - b->tail[f->layer]);
	l4len = b->tail[f->layer];
	pk__put16(l4 + f->csoff, 0);
	sum = 0;
	if (f->proto != IPPROTO_ICMP && f->ip >= 0) {
		ip = buf + (len - b->tail[f->ip]);
		if (b->pkt[f->ip]->proto == PK_PROTO_IP4) {
			memcpy(dst4, ip + 16, 4);
			pk__v4_final_dst(ip,
			    b->tail[f->ip] - b->tail[f->ip + 1], dst4);
			sum = pk__pseudo(AF_INET, ip + 12, dst4, f->proto,
			    l4len);
		} else {
			v6_dst(b, f, buf, len, &dst6);
			sum = pk__pseudo(AF_INET6, ip + 8, &dst6, f->proto,
			    l4len);
		}
	}
	cs = pk__fold(pk__sum(l4, l4len, sum));
	if (cs == 0 && f->proto == IPPROTO_UDP)
		cs = 0xffff;
	pk__put16(l4 + f->csoff, cs);
}

static void
apply_fix(const struct pk_bctx *b, const struct pk_fix *f, uint8_t *buf,
    size_t len)
{
	uint32_t hlen, crc;
	uint8_t *p;

	p = buf + (len - b->tail[f->layer]);
	switch (f->kind) {
	case PK_FIX_L4:
		fix_l4(b, f, buf, len);
		break;
	case PK_FIX_IP4HDR:
		hlen = b->tail[f->layer] - pk__below(b, f->layer);
		pk__put16(p + 10, 0);
		pk__put16(p + 10, pk_in_cksum(p, hlen));
		break;
	case PK_FIX_UDPZERO:
		if (pk__get16(p + 6) == 0)
			pk__put16(p + 6, 0xffff);
		break;
	case PK_FIX_GRE:
		pk__put16(p + 4, 0);
		pk__put16(p + 4, pk_in_cksum(p, b->tail[f->layer]));
		break;
	case PK_FIX_SCTP:
		/* RFC 4960 appendix B: the CRC goes out least significant
		 * byte first. */
		memset(p + 8, 0, 4);
		crc = pk_crc32c(p, b->tail[f->layer]);
		p[8] = crc & 0xff;
		p[9] = (crc >> 8) & 0xff;
		p[10] = (crc >> 16) & 0xff;
		p[11] = crc >> 24;
		break;
	}
}

static int
coalesce(struct pk_bctx *b, uint8_t *buf, size_t size, size_t *lenp)
{
	uint8_t *pkt;
	uint32_t len;
	int k;

	if (libnet_pblock_coalesce(b->l, &pkt, &len) == -1)
		return (pk__lnerr(b, 0, "pblock_coalesce"));
	if (len > size) {
		libnet_adv_free_packet(b->l, pkt);
		return (pk_err_set(b->err, ENOSPC,
		    "packet of %u bytes does not fit a buffer of %zu",
		    (unsigned)len, size));
	}
	memcpy(buf, pkt, len);
	libnet_adv_free_packet(b->l, pkt);
	for (k = 0; k < b->nfix; k++)
		apply_fix(b, &b->fix[k], buf, len);
	*lenp = len;
	return (0);
}

static void
free_inner(struct pk_bctx *b)
{
	int i;

	for (i = 0; i < b->n; i++) {
		free(b->inner[i]);
		b->inner[i] = NULL;
	}
}

/* Build every quoted packet before the first libnet block of this one:
 * the quoted packets use (and clear) the same libnet context. */
static int
build_inners(struct pk_bctx *b)
{
	const struct pk_icmp4 *i4;
	const struct pk_icmp6 *i6;
	int i;

	for (i = 0; i < b->n; i++) {
		if (b->pkt[i]->proto == PK_PROTO_ICMP4) {
			i4 = (const struct pk_icmp4 *)b->pkt[i];
			if (i4->inner != NULL && pk__build_inner(b, i,
			    i4->inner, i4->inner_len) == -1)
				return (-1);
		} else if (b->pkt[i]->proto == PK_PROTO_ICMP6) {
			i6 = (const struct pk_icmp6 *)b->pkt[i];
			if (i6->inner != NULL && pk__build_inner(b, i,
			    i6->inner, i6->inner_len) == -1)
				return (-1);
		}
	}
	return (0);
}

static int
build(pk_pkt_t pkt, const struct pk_build_env *env, const struct pk_bdef *def,
    int depth, uint8_t *buf, size_t size, size_t *lenp, struct pk_err *err)
{
	struct pk_bctx b;
	int i, rc;

	memset(&b, 0, sizeof(b));
	b.env = env;
	b.def = def;
	b.depth = depth;
	b.err = err;
	if (buf == NULL || lenp == NULL)
		return (pk_err_set(err, EINVAL, "no buffer"));
	if (check_layers(&b, pkt) == -1)
		return (-1);
	if ((b.l = lnet_get(err)) == NULL)
		return (-1);
	rc = build_inners(&b);
	libnet_clear_packet(b.l);
	for (i = b.n - 1; rc == 0 && i >= 0; i--)
		rc = build_layer(&b, i);
	if (rc == 0)
		rc = coalesce(&b, buf, size, lenp);
	libnet_clear_packet(b.l);
	free_inner(&b);
	return (rc);
}

int
pk_pkt_build(pk_pkt_t pkt, const struct pk_build_env *env, uint8_t *buf,
    size_t size, size_t *lenp, struct pk_err *err)
{

	return (build(pkt, env, NULL, 0, buf, size, lenp, err));
}

/* The quoted packet's addresses default to the outer ones, swapped. */
static int
inner_defaults(struct pk_bctx *b, int i, struct pk_bdef *def)
{
	int ip;

	memset(def, 0, sizeof(*def));
	ip = pk__encl_ip(b, i);
	if (ip < 0)
		return (0);
	if (b->pkt[ip]->proto == PK_PROTO_IP4) {
		def->has4 = 1;
		return (pk__ip4_addrs(b, ip, &def->dst4, &def->src4));
	}
	def->has6 = 1;
	return (pk__ip6_addrs(b, ip, &def->dst6, &def->src6));
}

int
pk__build_inner(struct pk_bctx *b, int i, pk_pkt_t inner, size_t maxlen)
{
	struct pk_bdef def;
	size_t len;
	uint8_t *p;

	if (b->depth + 1 >= PK_B_MAXDEPTH)
		return (pk__lerr(b, i, "quoted packets nest too deep"));
	if (inner_defaults(b, i, &def) == -1)
		return (-1);
	if ((p = malloc(PK_PKT_MAX)) == NULL)
		return (pk_err_sys(b->err, errno, "inner packet"));
	if (build(inner, NULL, &def, b->depth + 1, p, PK_PKT_MAX, &len,
	    b->err) == -1) {
		free(p);
		return (-1);
	}
	if (maxlen != 0 && maxlen < len)
		len = maxlen;
	b->inner[i] = p;
	b->innerlen[i] = len;
	return (0);
}

int
pk_pkt_info(pk_pkt_t pkt, struct pk_pktinfo *info, struct pk_err *err)
{
	struct pk_bctx b;
	struct in6_addr src6;
	struct in_addr src4;
	int i;

	memset(info, 0, sizeof(*info));
	memset(&b, 0, sizeof(b));
	b.err = err;
	if (check_layers(&b, pkt) == -1)
		return (-1);
	if (pkt[0]->proto == PK_PROTO_ETHER) {
		info->has_ether = 1;
		info->ether_dst_set =
		    ((const struct pk_ether *)pkt[0])->dst != NULL;
		info->ether_src_set =
		    ((const struct pk_ether *)pkt[0])->src != NULL;
	}
	info->af = AF_UNSPEC;
	for (i = 0; i < b.n; i++) {
		if (pkt[i]->proto == PK_PROTO_IP4) {
			info->af = AF_INET;
			info->l3_src_set =
			    ((const struct pk_ip4 *)pkt[i])->src != NULL;
			return (pk__ip4_addrs(&b, i, &src4, &info->dst.v4));
		}
		if (pkt[i]->proto == PK_PROTO_IP6) {
			info->af = AF_INET6;
			info->l3_src_set =
			    ((const struct pk_ip6 *)pkt[i])->src != NULL;
			return (pk__ip6_addrs(&b, i, &src6, &info->dst.v6));
		}
	}
	return (0);
}

int
pk_pkt_l3dst(pk_pkt_t pkt, int *af, void *addr)
{
	struct pk_pktinfo info;

	if (pk_pkt_info(pkt, &info, NULL) == -1 || info.af == AF_UNSPEC)
		return (-1);
	*af = info.af;
	if (info.af == AF_INET)
		memcpy(addr, &info.dst.v4, sizeof(info.dst.v4));
	else
		memcpy(addr, &info.dst.v6, sizeof(info.dst.v6));
	return (0);
}
