/*
 * pk_packet_impl.h: what the packet model's modules share (not
 * installed).
 */
#ifndef PK_PACKET_IMPL_H
#define PK_PACKET_IMPL_H

#include <libnet.h>

#include "pk_packet.h"

/* Limits of one build. */
#define	PK_B_MAXLAYERS	48	/* layers in one packet spec */
#define	PK_B_MAXFIX	48	/* checksums we compute ourselves */
#define	PK_B_MAXDEPTH	4	/* ICMP error quoting an ICMP error ... */

/* Checksums and fields completed after libnet has coalesced the packet:
 * where libnet has no builder, or computes the value wrong. */
enum pk_fixkind {
	PK_FIX_L4,		/* TCP/UDP/ICMPv6 (pseudo-header) or ICMPv4 */
	PK_FIX_IP4HDR,		/* IPv4 header checksum over the real length */
	PK_FIX_UDPZERO,		/* libnet's computed UDP 0 must be 0xffff */
	PK_FIX_GRE,		/* GRE checksum */
	PK_FIX_SCTP		/* SCTP CRC32c */
};
struct pk_fix {
	enum pk_fixkind	kind;
	int		layer;	/* the layer whose checksum it is */
	int		ip;	/* the enclosing IP layer */
	int		proto;	/* IPPROTO_* for the pseudo-header */
	int		csoff;	/* checksum offset inside the layer */
};

/* Defaults an ICMP error passes to the packet it quotes. */
struct pk_bdef {
	int		has4, has6;
	struct in_addr	src4, dst4;
	struct in6_addr	src6, dst6;
};

struct pk_bctx {
	libnet_t			*l;
	const struct pk_build_env	*env;
	const struct pk_bdef		*def;
	const struct pk_hdr		*const *pkt;
	int				 n;
	int				 depth;
	struct pk_err			*err;
	uint32_t			 tail[PK_B_MAXLAYERS];
	libnet_ptag_t			 ptag[PK_B_MAXLAYERS];
	uint8_t				*inner[PK_B_MAXLAYERS];
	size_t				 innerlen[PK_B_MAXLAYERS];
	struct pk_fix			 fix[PK_B_MAXFIX];
	int				 nfix;
};

/* A numeric field: 0 is def, PK_ZERO is 0; anything else must fit max. */
int	pk__fld(struct pk_bctx *b, int i, const char *name, int64_t v,
	    uint64_t def, uint64_t max, uint64_t *out);
#define	PK_FLD(b, i, s, f, def, max, out)				\
	pk__fld((b), (i), #f, (s)->f, (def), (max), (out))
/* Whether a checksum field was forced, and to what. */
int	pk__forced(int64_t v, uint16_t *out);

int	pk__mac(struct pk_bctx *b, int i, const char *what, const char *s,
	    uint8_t mac[6]);
int	pk__in4(struct pk_bctx *b, int i, const char *what, const char *s,
	    struct in_addr *a);
int	pk__in6(struct pk_bctx *b, int i, const char *what, const char *s,
	    struct in6_addr *a);
int	pk__lerr(struct pk_bctx *b, int i, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
int	pk__lnerr(struct pk_bctx *b, int i, const char *what);

enum pk_proto pk__next(const struct pk_bctx *b, int i);
enum pk_proto pk__prev(const struct pk_bctx *b, int i);
/* The IP layer (IPv4 or IPv6) that encloses layer i, or -1. */
int	pk__encl_ip(const struct pk_bctx *b, int i);
/* The IP protocol number that names layer i (for next-header chains). */
int	pk__ipproto(const struct pk_bctx *b, int i, uint64_t *out);
/* Resolved source and destination of IP layer i. */
int	pk__ip4_addrs(struct pk_bctx *b, int i, struct in_addr *src,
	    struct in_addr *dst);
int	pk__ip6_addrs(struct pk_bctx *b, int i, struct in6_addr *src,
	    struct in6_addr *dst);
/* Bytes built so far below (inside) layer i. */
uint32_t pk__below(const struct pk_bctx *b, int i);
/* Append raw bytes as a libnet data block. */
int	pk__data(struct pk_bctx *b, int i, const void *p, size_t len);
int	pk__addfix(struct pk_bctx *b, enum pk_fixkind k, int layer, int proto,
	    int csoff);
/* Does layer i sit on an IPv6 header chain that libnet's checksum gets
 * wrong (any extension header between the IPv6 header and it)? */
int	pk__v6_needs_fix(const struct pk_bctx *b, int i);
/* Does layer i sit on an IPv4 header with options (a source route
 * changes the pseudo-header's destination; libnet ignores it)? */
int	pk__v4_needs_fix(const struct pk_bctx *b, int i);
/* Patch bytes of the libnet block of layer i before coalescing. */
uint8_t *pk__pblock(struct pk_bctx *b, int i);
int	pk__nocksum(struct pk_bctx *b, int i);

/* Layer builders: craft_l2.c, craft_ip.c, craft_icmp.c, craft_l4.c,
 * sctp.c. */
int	pk__b_ether(struct pk_bctx *b, int i);
int	pk__b_dot1q(struct pk_bctx *b, int i);
int	pk__b_arp(struct pk_bctx *b, int i);
int	pk__b_raw(struct pk_bctx *b, int i);
int	pk__b_ip4(struct pk_bctx *b, int i);
int	pk__b_ip6(struct pk_bctx *b, int i);
int	pk__b_ip6opts(struct pk_bctx *b, int i);
int	pk__b_ip6rt(struct pk_bctx *b, int i);
int	pk__b_ip6frag(struct pk_bctx *b, int i);
int	pk__b_icmp4(struct pk_bctx *b, int i);
int	pk__b_icmp6(struct pk_bctx *b, int i);
int	pk__b_tcp(struct pk_bctx *b, int i);
int	pk__b_udp(struct pk_bctx *b, int i);
int	pk__b_gre(struct pk_bctx *b, int i);
int	pk__b_sctp(struct pk_bctx *b, int i);

/* Building an ICMP error's quoted packet (craft.c). */
int	pk__build_inner(struct pk_bctx *b, int i, pk_pkt_t inner,
	    size_t maxlen);

/* Checksums (cksum.c). */
uint32_t pk__sum(const void *buf, size_t len, uint32_t sum);
uint16_t pk__fold(uint32_t sum);
/* Sum of the IPv4/IPv6 pseudo-header for af with upper length len. */
uint32_t pk__pseudo(int af, const void *src, const void *dst, int proto,
	    uint32_t len);
/* CRC32c of a followed by b. */
uint32_t pk__crc32c_2(const void *a, size_t alen, const void *b,
	    size_t blen);

/* Big-endian access. */
static inline uint16_t
pk__get16(const uint8_t *p)
{

	return ((uint16_t)(p[0] << 8 | p[1]));
}

static inline uint32_t
pk__get32(const uint8_t *p)
{

	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static inline void
pk__put16(uint8_t *p, uint16_t v)
{

	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void
pk__put32(uint8_t *p, uint32_t v)
{

	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* The dissector's view of an IPv6 routing header's final destination,
 * shared with the builder's checksum fix (dissect.c). */
void	pk__v6_final_dst(const uint8_t *rt, size_t len, uint8_t *dst);
/* The same for an IPv4 header's LSRR or SSRR option (hlen bytes). */
void	pk__v4_final_dst(const uint8_t *ip, size_t hlen, uint8_t *dst);

/* Formatting into a bounded buffer (print.c). */
struct pk_sbuf {
	char	*buf;
	size_t	 size;
	size_t	 len;	/* as if unbounded */
};
void	pk__sb_printf(struct pk_sbuf *sb, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

#endif /* !PK_PACKET_IMPL_H */
