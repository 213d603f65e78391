/*
 * pk_packet.h: the packet model: craft, dissect, print, fragment,
 * reassemble, and read and write pcap files.
 *
 * Crafting.  A packet is a NULL-terminated list of layer specifications,
 * outermost first, written with the PK_* layer macros:
 *
 *	PK_PKT(PK_ETHER(), PK_IP4(.dst = "192.0.2.2", .tos = 0x10),
 *	    PK_ICMP4_ECHO(.id = 7, .seq = 1))
 *
 * Every layer macro builds a C99 compound literal with designated
 * initializers and yields a "const struct pk_hdr *"; PK_PKT() yields the
 * list.  Both live as long as the enclosing block.  Addresses are strings
 * ("192.0.2.1", "2001:db8::1", "02:00:00:00:00:01"); a NULL address takes
 * its default.
 *
 * THE ONE RULE FOR NUMERIC FIELDS.  Every numeric field is an int64_t
 * wider than the wire field it fills:
 *
 *	0		means "the default": computed lengths, checksums,
 *			next-header and protocol chains, TTL and hop limit
 *			64, the defaults listed beside each field;
 *	PK_ZERO		forces a literal 0 on the wire where the default is
 *			something else (PK_ZERO where the default is 0 is
 *			just 0);
 *	anything else	is written as it is, right or wrong: a bad
 *			checksum, a lying length, a reserved bit.
 *
 * A value that does not fit the wire field is an error (pk_pkt_build()
 * fails and says which field), never silently truncated.
 *
 * Checksums: unless forced, every checksum is computed over the bytes
 * actually built (after any forced field), the way a receiver checks it:
 * IPv4 header, ICMP, ICMPv6, TCP and UDP with their pseudo-headers (the
 * final destination of a routing header, the upper-layer length after
 * any extension headers), GRE when its C bit is set, and SCTP's CRC32c.
 *
 * Dissecting.  pk_dissect() turns a captured frame into a struct pk_dpkt,
 * a fixed-size array of layers with their parsed fields, offsets and
 * checksum verdicts.  It allocates nothing, never reads outside the
 * buffer, and follows the packet quoted by an ICMP error (those layers
 * have depth > 0).  pk_dpkt_line() and pk_dpkt_dump() print it into a
 * caller's buffer; the library itself never prints.
 */
#ifndef PK_PACKET_H
#define PK_PACKET_H

#include <sys/types.h>
#include <sys/time.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include "../pk_err.h"

/* Forces a literal zero where a field's default is not zero. */
#define	PK_ZERO		((int64_t)-1)

/* The largest packet pk_pkt_build() makes (an Ethernet frame of a full
 * 64 KB IP packet, with room for VLAN tags). */
#define	PK_PKT_MAX	65600

/* Link types understood by the dissector, pk_frag() and pk_reasm_add();
 * the values are libpcap's DLT_ numbers on this platform. */
#define	PK_DLT_EN10MB		1	/* Ethernet */
#define	PK_DLT_RAW		12	/* raw IPv4 or IPv6 */
#define	PK_DLT_LINUX_SLL	113	/* Linux "cooked" capture */
#define	PK_LINKTYPE_RAW		101	/* the pcap file value of DLT_RAW */

enum pk_proto {
	PK_PROTO_NONE = 0,
	PK_PROTO_ETHER,
	PK_PROTO_SLL,		/* dissected only */
	PK_PROTO_DOT1Q,
	PK_PROTO_ARP,
	PK_PROTO_IP4,
	PK_PROTO_IP6,
	PK_PROTO_IP6_HBH,
	PK_PROTO_IP6_DSTOPTS,
	PK_PROTO_IP6_RT,
	PK_PROTO_IP6_FRAG,
	PK_PROTO_ICMP4,
	PK_PROTO_ICMP6,
	PK_PROTO_TCP,
	PK_PROTO_UDP,
	PK_PROTO_SCTP,
	PK_PROTO_SCTP_CHUNK,	/* dissected only: one layer per chunk */
	PK_PROTO_GRE,
	PK_PROTO_RAW,
	PK_PROTO_COUNT
};

/* The first member of every layer specification. */
struct pk_hdr {
	enum pk_proto	proto;
};

/* A packet: NULL-terminated, outermost layer first. */
typedef const struct pk_hdr *const *pk_pkt_t;

#define	PK__LAYER(type, p, ...)						\
	(&(const struct type){ .hdr.proto = (p), __VA_ARGS__ }.hdr)
#define	PK_NELEM(type, ...)						\
	(sizeof((const type[]){ __VA_ARGS__ }) / sizeof(type))
#define	PK_PKT(...)							\
	((const struct pk_hdr *const []){ __VA_ARGS__, NULL })

/*
 * Raw bytes.  Either data/len, or len alone for len bytes of .fill.
 */
struct pk_raw {
	struct pk_hdr	 hdr;
	const void	*data;
	size_t		 len;
	int64_t		 fill;		/* byte used when data is NULL */
};
#define	PK_RAW(...)	PK__LAYER(pk_raw, PK_PROTO_RAW, __VA_ARGS__)
/* A string literal's bytes, without its terminating NUL. */
#define	PK_STR(s)	PK_RAW(.data = (s), .len = sizeof(s) - 1)

/*
 * Ethernet.  dst defaults to the multicast MAC of a multicast (or the
 * broadcast MAC of a broadcast) IP destination, else to the build
 * environment's, else to ff:ff:ff:ff:ff:ff; src to the environment's,
 * else 00:00:00:00:00:00.  type defaults from the next layer (IPv4, IPv6,
 * ARP, 802.1Q; 0x88b5, the local experimental type, before raw bytes).
 * When an 802.1Q layer follows, type is the tag's TPID (default 0x8100).
 */
struct pk_ether {
	struct pk_hdr	 hdr;
	const char	*dst;
	const char	*src;
	int64_t		 type;
};
#define	PK_ETHER(...)	PK__LAYER(pk_ether, PK_PROTO_ETHER, __VA_ARGS__)

/* An 802.1Q tag.  Several in a row make a QinQ stack.  type defaults from
 * the next layer (0x8100 before another tag). */
struct pk_dot1q {
	struct pk_hdr	 hdr;
	int64_t		 vid;
	int64_t		 prio;
	int64_t		 dei;
	int64_t		 type;
};
#define	PK_DOT1Q(...)	PK__LAYER(pk_dot1q, PK_PROTO_DOT1Q, __VA_ARGS__)

/* ARP.  op defaults to request (1); hrd 1, pro 0x0800, hln 6, pln 4;
 * sha and spa to the environment's source MAC and IPv4 address; tha to
 * zeros; tpa to 0.0.0.0. */
struct pk_arp {
	struct pk_hdr	 hdr;
	int64_t		 op;
	const char	*sha;
	const char	*spa;
	const char	*tha;
	const char	*tpa;
	int64_t		 hrd;
	int64_t		 pro;
	int64_t		 hln;
	int64_t		 pln;
};
#define	PK_ARP(...)	PK__LAYER(pk_arp, PK_PROTO_ARP, __VA_ARGS__)
#define	PK_ARP_REQUEST	1
#define	PK_ARP_REPLY	2

/*
 * IPv4 options, typed.  PK_IP4OPTS(...) fills a pk_ip4's opts and nopts.
 * Options are encoded in order and padded with zeros (EOL) to a multiple
 * of 4 bytes.  len, when set, forces the option's length byte.
 */
enum pk_ip4opt_kind {
	PK_IP4OPT_K_EOL = 1,
	PK_IP4OPT_K_NOP,
	PK_IP4OPT_K_RR,		/* record route: .nslots empty slots */
	PK_IP4OPT_K_LSRR,	/* loose source route: .addrs */
	PK_IP4OPT_K_SSRR,	/* strict source route: .addrs */
	PK_IP4OPT_K_RA,		/* router alert: .value */
	PK_IP4OPT_K_TS,		/* timestamp (flag 0): .nslots slots */
	PK_IP4OPT_K_RAW		/* .type, then .data/.datalen */
};
#define	PK_IP4OPT_MAXADDR	9
struct pk_ip4opt {
	enum pk_ip4opt_kind	 kind;
	int64_t			 type;
	int64_t			 len;
	int64_t			 ptr;	/* pointer byte; default: first slot */
	int64_t			 value;
	int64_t			 nslots;
	const char		*addrs[PK_IP4OPT_MAXADDR];
	const void		*data;
	size_t			 datalen;
};
#define	PK_IP4OPT(...)	{ __VA_ARGS__ }
#define	PK_IP4OPT_EOL()	PK_IP4OPT(.kind = PK_IP4OPT_K_EOL)
#define	PK_IP4OPT_NOP()	PK_IP4OPT(.kind = PK_IP4OPT_K_NOP)
#define	PK_IP4OPT_RA(v)	PK_IP4OPT(.kind = PK_IP4OPT_K_RA, .value = (v))
#define	PK_IP4OPT_RR(n)	PK_IP4OPT(.kind = PK_IP4OPT_K_RR, .nslots = (n))
#define	PK_IP4OPT_TS(n)	PK_IP4OPT(.kind = PK_IP4OPT_K_TS, .nslots = (n))
#define	PK_IP4OPT_LSRR(...)						\
	PK_IP4OPT(.kind = PK_IP4OPT_K_LSRR, .addrs = { __VA_ARGS__ })
#define	PK_IP4OPT_SSRR(...)						\
	PK_IP4OPT(.kind = PK_IP4OPT_K_SSRR, .addrs = { __VA_ARGS__ })
#define	PK_IP4OPT_RAW(t, d, n)						\
	PK_IP4OPT(.kind = PK_IP4OPT_K_RAW, .type = (t), .data = (d),	\
	    .datalen = (n))
#define	PK_IP4OPTS(...)							\
	.opts = (const struct pk_ip4opt[]){ __VA_ARGS__ },		\
	.nopts = PK_NELEM(struct pk_ip4opt, __VA_ARGS__)

/*
 * IPv4.  dst is required (inside an ICMP error it defaults to the outer
 * packet's source); src defaults to the environment's address, else
 * 0.0.0.0 (inside an ICMP error, to the outer destination).  ttl
 * defaults to 64, len to the total length, hl to the header length in
 * 32-bit words, proto from the next layer (0 before raw bytes), sum to
 * the checksum.  off is the fragment offset in 8-byte units; df, mf and
 * rf are the flag bits (0 or 1).  optbytes/optlen append raw option
 * bytes after the typed options (padding to 4 bytes still applies).
 */
struct pk_ip4 {
	struct pk_hdr		 hdr;
	const char		*src;
	const char		*dst;
	int64_t			 tos;
	int64_t			 len;
	int64_t			 id;
	int64_t			 df;
	int64_t			 mf;
	int64_t			 rf;
	int64_t			 off;
	int64_t			 ttl;
	int64_t			 proto;
	int64_t			 sum;
	int64_t			 hl;
	int64_t			 v;	/* version, default 4 */
	const struct pk_ip4opt	*opts;
	size_t			 nopts;
	const void		*optbytes;
	size_t			 optlen;
};
#define	PK_IP4(...)	PK__LAYER(pk_ip4, PK_PROTO_IP4, __VA_ARGS__)

/*
 * IPv6.  dst is required (inside an ICMP error it defaults to the outer
 * source); src defaults to the environment's address, else ::.  hlim
 * defaults to 64, plen to the payload length, nh from the next layer
 * (59, no next header, before raw bytes).
 */
struct pk_ip6 {
	struct pk_hdr	 hdr;
	const char	*src;
	const char	*dst;
	int64_t		 tc;
	int64_t		 flow;
	int64_t		 plen;
	int64_t		 nh;
	int64_t		 hlim;
	int64_t		 v;	/* version, default 6 */
};
#define	PK_IP6(...)	PK__LAYER(pk_ip6, PK_PROTO_IP6, __VA_ARGS__)

/*
 * Options of the Hop-by-Hop and Destination Options headers.  Unless the
 * header's len is forced, the options are padded with Pad1/PadN to a
 * multiple of 8 bytes; with no options at all, the header holds one PadN.
 */
enum pk_ip6opt_kind {
	PK_IP6OPT_K_PAD1 = 1,
	PK_IP6OPT_K_PADN,	/* .len bytes of padding data (0..255) */
	PK_IP6OPT_K_RA,		/* router alert: .value */
	PK_IP6OPT_K_JUMBO,	/* jumbo payload: .value */
	PK_IP6OPT_K_RAW		/* .type, .data/.datalen; .len forces length */
};
struct pk_ip6opt {
	enum pk_ip6opt_kind	 kind;
	int64_t			 type;
	int64_t			 len;
	int64_t			 value;
	const void		*data;
	size_t			 datalen;
};
#define	PK_IP6OPT(...)		{ __VA_ARGS__ }
#define	PK_IP6OPT_PAD1()	PK_IP6OPT(.kind = PK_IP6OPT_K_PAD1)
#define	PK_IP6OPT_PADN(n)	PK_IP6OPT(.kind = PK_IP6OPT_K_PADN, .len = (n))
#define	PK_IP6OPT_RA(v)		PK_IP6OPT(.kind = PK_IP6OPT_K_RA, .value = (v))
#define	PK_IP6OPT_JUMBO(v)						\
	PK_IP6OPT(.kind = PK_IP6OPT_K_JUMBO, .value = (v))
#define	PK_IP6OPT_RAW(t, d, n)						\
	PK_IP6OPT(.kind = PK_IP6OPT_K_RAW, .type = (t), .data = (d),	\
	    .datalen = (n))
#define	PK_IP6OPTS(...)							\
	.opts = (const struct pk_ip6opt[]){ __VA_ARGS__ },		\
	.nopts = PK_NELEM(struct pk_ip6opt, __VA_ARGS__)

/* Hop-by-Hop and Destination Options headers.  nh defaults from the next
 * layer, len (in 8-byte units, not counting the first 8) from the
 * options. */
struct pk_ip6opts {
	struct pk_hdr		 hdr;
	int64_t			 nh;
	int64_t			 len;
	const struct pk_ip6opt	*opts;
	size_t			 nopts;
};
#define	PK_IP6_HBH(...)							\
	PK__LAYER(pk_ip6opts, PK_PROTO_IP6_HBH, __VA_ARGS__)
#define	PK_IP6_DSTOPTS(...)						\
	PK__LAYER(pk_ip6opts, PK_PROTO_IP6_DSTOPTS, __VA_ARGS__)

/*
 * Routing header.  For types 0 and 2 (the default type is 0) the data
 * are 4 reserved bytes and the addresses in addrs; segleft defaults to
 * the number of addresses.  Other types take their type-specific data
 * from data/datalen instead.  The upper-layer checksum of a packet with
 * a routing header uses the final destination, the last address, while
 * segleft is not 0.
 */
#define	PK_IP6RT_MAXADDR	16
struct pk_ip6rt {
	struct pk_hdr	 hdr;
	int64_t		 nh;
	int64_t		 len;
	int64_t		 type;
	int64_t		 segleft;
	int64_t		 reserved;
	const char	*addrs[PK_IP6RT_MAXADDR];
	const void	*data;
	size_t		 datalen;
};
#define	PK_IP6_RT(...)	PK__LAYER(pk_ip6rt, PK_PROTO_IP6_RT, __VA_ARGS__)

/* Fragment header.  off in 8-byte units, mf 0 or 1, id the
 * identification; res and res2 force the reserved fields. */
struct pk_ip6frag {
	struct pk_hdr	 hdr;
	int64_t		 nh;
	int64_t		 off;
	int64_t		 mf;
	int64_t		 id;
	int64_t		 res;
	int64_t		 res2;
};
#define	PK_IP6_FRAG(...)						\
	PK__LAYER(pk_ip6frag, PK_PROTO_IP6_FRAG, __VA_ARGS__)

/*
 * ICMP.  The macro names the message; .type forces a different type on
 * the wire while keeping the message's layout.  An error message quotes
 * .inner, a packet built with the same rules (its addresses default to
 * the outer ones swapped: the quoted packet is one that the outer
 * destination sent), and/or the raw bytes data/datalen after it.
 * inner_len, when set, keeps only that many bytes of the built inner
 * packet.  Echo messages carry data/datalen as payload.  rest forces the
 * 4 bytes after the checksum of any message.
 */
enum pk_icmp4_msg {
	PK_ICMP4_MSG_RAW = 0,	/* PK_ICMP4(): .type/.code/.rest */
	PK_ICMP4_MSG_ECHO,
	PK_ICMP4_MSG_ECHOREPLY,
	PK_ICMP4_MSG_UNREACH,
	PK_ICMP4_MSG_TIMXCEED,
	PK_ICMP4_MSG_REDIRECT,
	PK_ICMP4_MSG_PARAMPROB
};
struct pk_icmp4 {
	struct pk_hdr		 hdr;
	enum pk_icmp4_msg	 msg;
	int64_t			 type;
	int64_t			 code;
	int64_t			 sum;
	int64_t			 id;	/* echo */
	int64_t			 seq;	/* echo */
	int64_t			 mtu;	/* unreach, code 4 */
	int64_t			 ptr;	/* parameter problem */
	const char		*gw;	/* redirect */
	int64_t			 rest;
	pk_pkt_t		 inner;
	size_t			 inner_len;
	const void		*data;
	size_t			 datalen;
};
#define	PK__ICMP4(m, ...)						\
	PK__LAYER(pk_icmp4, PK_PROTO_ICMP4, .msg = (m), __VA_ARGS__)
#define	PK_ICMP4(...)	PK__ICMP4(PK_ICMP4_MSG_RAW, __VA_ARGS__)
#define	PK_ICMP4_ECHO(...)	PK__ICMP4(PK_ICMP4_MSG_ECHO, __VA_ARGS__)
#define	PK_ICMP4_ECHOREPLY(...)						\
	PK__ICMP4(PK_ICMP4_MSG_ECHOREPLY, __VA_ARGS__)
#define	PK_ICMP4_UNREACH(...)	PK__ICMP4(PK_ICMP4_MSG_UNREACH, __VA_ARGS__)
#define	PK_ICMP4_TIMXCEED(...)	PK__ICMP4(PK_ICMP4_MSG_TIMXCEED, __VA_ARGS__)
#define	PK_ICMP4_REDIRECT(...)	PK__ICMP4(PK_ICMP4_MSG_REDIRECT, __VA_ARGS__)
#define	PK_ICMP4_PARAMPROB(...)	PK__ICMP4(PK_ICMP4_MSG_PARAMPROB, __VA_ARGS__)

/*
 * Neighbor Discovery options.  len forces the length byte (in 8-byte
 * units); otherwise options are padded with zeros to 8 bytes.
 */
enum pk_ndopt_kind {
	PK_NDOPT_K_SLLA = 1,	/* .mac */
	PK_NDOPT_K_TLLA,	/* .mac */
	PK_NDOPT_K_PREFIX,	/* .prefix, .plen, .flags, .valid, .preferred */
	PK_NDOPT_K_REDIR,	/* redirected header: .data/.datalen */
	PK_NDOPT_K_MTU,		/* .mtu */
	PK_NDOPT_K_RAW		/* .type, .data/.datalen */
};
struct pk_ndopt {
	enum pk_ndopt_kind	 kind;
	int64_t			 type;
	int64_t			 len;
	const char		*mac;
	const char		*prefix;
	int64_t			 plen;
	int64_t			 flags;	/* prefix: L 0x80, A 0x40 */
	int64_t			 valid;
	int64_t			 preferred;
	int64_t			 mtu;
	const void		*data;
	size_t			 datalen;
};
#define	PK_NDOPT(...)		{ __VA_ARGS__ }
#define	PK_NDOPT_SLLA(m)	PK_NDOPT(.kind = PK_NDOPT_K_SLLA, .mac = (m))
#define	PK_NDOPT_TLLA(m)	PK_NDOPT(.kind = PK_NDOPT_K_TLLA, .mac = (m))
#define	PK_NDOPT_MTU(v)		PK_NDOPT(.kind = PK_NDOPT_K_MTU, .mtu = (v))
#define	PK_NDOPT_PREFIX(...)						\
	PK_NDOPT(.kind = PK_NDOPT_K_PREFIX, __VA_ARGS__)
#define	PK_NDOPT_REDIR(d, n)						\
	PK_NDOPT(.kind = PK_NDOPT_K_REDIR, .data = (d), .datalen = (n))
#define	PK_NDOPT_RAW(t, d, n)						\
	PK_NDOPT(.kind = PK_NDOPT_K_RAW, .type = (t), .data = (d),	\
	    .datalen = (n))
#define	PK_NDOPTS(...)							\
	.ndopts = (const struct pk_ndopt[]){ __VA_ARGS__ },		\
	.nndopts = PK_NELEM(struct pk_ndopt, __VA_ARGS__)

/* MLDv2 multicast address records (RFC 3810). */
#define	PK_MLD2_MAXSRC	8
struct pk_mld2rec {
	int64_t		 type;	/* 1 IS_IN ... 4 TO_EX ... 6 BLOCK */
	const char	*group;
	const char	*sources[PK_MLD2_MAXSRC];
	int64_t		 nsrc;	/* forces the source count */
	int64_t		 auxlen;
};
#define	PK_MLD2REC(...)	{ __VA_ARGS__ }
#define	PK_MLD2RECS(...)						\
	.recs = (const struct pk_mld2rec[]){ __VA_ARGS__ },		\
	.nrecs = PK_NELEM(struct pk_mld2rec, __VA_ARGS__)

/*
 * ICMPv6.  Messages as for ICMP; ND messages carry .ndopts (PK_NDOPTS),
 * MLD messages .group (and MLDv2 reports .recs).
 *	echo: id, seq, data	errors: inner, data (ptb: mtu; param: ptr)
 *	NS: target		NA: target, flags (PK_NA_*)
 *	RS: -			RA: curhlim, flags (PK_RA_*), lifetime,
 *				    reachable, retrans
 *	redirect: target, dst	MLD query/report/done: maxdelay, group
 *	MLDv2 query: maxdelay, group, sflag, qrv, qqic, sources
 */
enum pk_icmp6_msg {
	PK_ICMP6_MSG_RAW = 0,
	PK_ICMP6_MSG_ECHO,
	PK_ICMP6_MSG_ECHOREPLY,
	PK_ICMP6_MSG_UNREACH,
	PK_ICMP6_MSG_PTB,
	PK_ICMP6_MSG_TIMXCEED,
	PK_ICMP6_MSG_PARAMPROB,
	PK_ICMP6_MSG_NS,
	PK_ICMP6_MSG_NA,
	PK_ICMP6_MSG_RS,
	PK_ICMP6_MSG_RA,
	PK_ICMP6_MSG_REDIRECT,
	PK_ICMP6_MSG_MLD_QUERY,
	PK_ICMP6_MSG_MLD_REPORT,
	PK_ICMP6_MSG_MLD_DONE,
	PK_ICMP6_MSG_MLD2_QUERY,
	PK_ICMP6_MSG_MLD2_REPORT
};
#define	PK_NA_ROUTER	0x80000000
#define	PK_NA_SOLICITED	0x40000000
#define	PK_NA_OVERRIDE	0x20000000
#define	PK_RA_MANAGED	0x80
#define	PK_RA_OTHER	0x40
struct pk_icmp6 {
	struct pk_hdr		 hdr;
	enum pk_icmp6_msg	 msg;
	int64_t			 type;
	int64_t			 code;
	int64_t			 sum;
	int64_t			 id;
	int64_t			 seq;
	int64_t			 mtu;
	int64_t			 ptr;
	const char		*target;
	const char		*dst;
	int64_t			 flags;
	int64_t			 curhlim;
	int64_t			 lifetime;
	int64_t			 reachable;
	int64_t			 retrans;
	int64_t			 maxdelay;
	const char		*group;
	int64_t			 sflag;
	int64_t			 qrv;
	int64_t			 qqic;
	const char		*sources[PK_MLD2_MAXSRC];
	const struct pk_mld2rec	*recs;
	size_t			 nrecs;
	const struct pk_ndopt	*ndopts;
	size_t			 nndopts;
	int64_t			 rest;
	pk_pkt_t		 inner;
	size_t			 inner_len;
	const void		*data;
	size_t			 datalen;
};
#define	PK__ICMP6(m, ...)						\
	PK__LAYER(pk_icmp6, PK_PROTO_ICMP6, .msg = (m), __VA_ARGS__)
#define	PK_ICMP6(...)		PK__ICMP6(PK_ICMP6_MSG_RAW, __VA_ARGS__)
#define	PK_ICMP6_ECHO(...)	PK__ICMP6(PK_ICMP6_MSG_ECHO, __VA_ARGS__)
#define	PK_ICMP6_ECHOREPLY(...)						\
	PK__ICMP6(PK_ICMP6_MSG_ECHOREPLY, __VA_ARGS__)
#define	PK_ICMP6_UNREACH(...)	PK__ICMP6(PK_ICMP6_MSG_UNREACH, __VA_ARGS__)
#define	PK_ICMP6_PTB(...)	PK__ICMP6(PK_ICMP6_MSG_PTB, __VA_ARGS__)
#define	PK_ICMP6_TIMXCEED(...)	PK__ICMP6(PK_ICMP6_MSG_TIMXCEED, __VA_ARGS__)
#define	PK_ICMP6_PARAMPROB(...)	PK__ICMP6(PK_ICMP6_MSG_PARAMPROB, __VA_ARGS__)
#define	PK_ICMP6_NS(...)	PK__ICMP6(PK_ICMP6_MSG_NS, __VA_ARGS__)
#define	PK_ICMP6_NA(...)	PK__ICMP6(PK_ICMP6_MSG_NA, __VA_ARGS__)
#define	PK_ICMP6_RS(...)	PK__ICMP6(PK_ICMP6_MSG_RS, __VA_ARGS__)
#define	PK_ICMP6_RA(...)	PK__ICMP6(PK_ICMP6_MSG_RA, __VA_ARGS__)
#define	PK_ICMP6_REDIRECT(...)	PK__ICMP6(PK_ICMP6_MSG_REDIRECT, __VA_ARGS__)
#define	PK_MLD_QUERY(...)	PK__ICMP6(PK_ICMP6_MSG_MLD_QUERY, __VA_ARGS__)
#define	PK_MLD_REPORT(...)	PK__ICMP6(PK_ICMP6_MSG_MLD_REPORT, __VA_ARGS__)
#define	PK_MLD_DONE(...)	PK__ICMP6(PK_ICMP6_MSG_MLD_DONE, __VA_ARGS__)
#define	PK_MLD2_QUERY(...)	PK__ICMP6(PK_ICMP6_MSG_MLD2_QUERY, __VA_ARGS__)
#define	PK_MLD2_REPORT(...)						\
	PK__ICMP6(PK_ICMP6_MSG_MLD2_REPORT, __VA_ARGS__)

/*
 * TCP options, typed.  PK_TCPOPTS(...) fills a pk_tcp's opts and nopts.
 * Options are encoded in order and padded with zeros to 4 bytes.  len
 * forces an option's length byte.
 */
enum pk_tcpopt_kind {
	PK_TCPOPT_K_EOL = 1,
	PK_TCPOPT_K_NOP,
	PK_TCPOPT_K_MSS,	/* .v */
	PK_TCPOPT_K_WSCALE,	/* .v */
	PK_TCPOPT_K_SACKOK,
	PK_TCPOPT_K_SACK,	/* .sack[0..2*nsack-1]: left, right, ... */
	PK_TCPOPT_K_TS,		/* .v = TSval, .v2 = TSecr */
	PK_TCPOPT_K_RAW		/* .type, .data/.datalen */
};
#define	PK_TCPOPT_MAXSACK	4
struct pk_tcpopt {
	enum pk_tcpopt_kind	 kind;
	int64_t			 type;
	int64_t			 len;
	int64_t			 v;
	int64_t			 v2;
	int64_t			 sack[2 * PK_TCPOPT_MAXSACK];
	size_t			 nsack;
	const void		*data;
	size_t			 datalen;
};
#define	PK_TCPOPT(...)	{ __VA_ARGS__ }
#define	PK_EOL()	PK_TCPOPT(.kind = PK_TCPOPT_K_EOL)
#define	PK_NOP()	PK_TCPOPT(.kind = PK_TCPOPT_K_NOP)
#define	PK_MSS(x)	PK_TCPOPT(.kind = PK_TCPOPT_K_MSS, .v = (x))
#define	PK_WSCALE(x)	PK_TCPOPT(.kind = PK_TCPOPT_K_WSCALE, .v = (x))
#define	PK_SACKOK()	PK_TCPOPT(.kind = PK_TCPOPT_K_SACKOK)
#define	PK_TS(val, ecr)							\
	PK_TCPOPT(.kind = PK_TCPOPT_K_TS, .v = (val), .v2 = (ecr))
#define	PK_SACK(...)							\
	PK_TCPOPT(.kind = PK_TCPOPT_K_SACK, .sack = { __VA_ARGS__ },	\
	    .nsack = PK_NELEM(int64_t, __VA_ARGS__) / 2)
#define	PK_TCPOPT_RAW(t, d, n)						\
	PK_TCPOPT(.kind = PK_TCPOPT_K_RAW, .type = (t), .data = (d),	\
	    .datalen = (n))
#define	PK_TCPOPTS(...)							\
	.opts = (const struct pk_tcpopt[]){ __VA_ARGS__ },		\
	.nopts = PK_NELEM(struct pk_tcpopt, __VA_ARGS__)

/*
 * TCP.  sport defaults to 20, dport to 80, flags to SYN, win to 8192, off
 * (data offset, 32-bit words) to the header length; x2 forces the 4
 * reserved bits (the lowest of which is the NS flag of RFC 3540).
 */
#define	PK_TH_FIN	0x01
#define	PK_TH_SYN	0x02
#define	PK_TH_RST	0x04
#define	PK_TH_PUSH	0x08
#define	PK_TH_ACK	0x10
#define	PK_TH_URG	0x20
#define	PK_TH_ECE	0x40
#define	PK_TH_CWR	0x80
struct pk_tcp {
	struct pk_hdr		 hdr;
	int64_t			 sport;
	int64_t			 dport;
	int64_t			 seq;
	int64_t			 ack;
	int64_t			 flags;
	int64_t			 win;
	int64_t			 sum;
	int64_t			 urp;
	int64_t			 off;
	int64_t			 x2;
	const struct pk_tcpopt	*opts;
	size_t			 nopts;
};
#define	PK_TCP(...)	PK__LAYER(pk_tcp, PK_PROTO_TCP, __VA_ARGS__)

/* UDP.  sport and dport default to 53; len and sum are computed (a
 * computed checksum of 0 is sent as 0xffff). */
struct pk_udp {
	struct pk_hdr	 hdr;
	int64_t		 sport;
	int64_t		 dport;
	int64_t		 len;
	int64_t		 sum;
};
#define	PK_UDP(...)	PK__LAYER(pk_udp, PK_PROTO_UDP, __VA_ARGS__)

/*
 * SCTP chunks.  PK_SCTPCHUNKS(...) fills a pk_sctp's chunks/nchunks.
 * Each chunk is padded to 4 bytes; len forces the chunk length field.
 *	INIT, INIT ACK: itag, a_rwnd (default 65536), os and mis (default
 *	    10), tsn; data/datalen are the parameters.
 *	DATA: tsn, sid, ssn, ppid; data/datalen the user data; flags
 *	    default to 3 (B and E).
 *	ABORT: flags (T bit 1); data/datalen the error causes.
 *	raw: type, flags, data/datalen.
 */
enum pk_sctpchunk_kind {
	PK_SCTP_K_RAW = 0,
	PK_SCTP_K_DATA,
	PK_SCTP_K_INIT,
	PK_SCTP_K_INIT_ACK,
	PK_SCTP_K_ABORT
};
struct pk_sctpchunk {
	enum pk_sctpchunk_kind	 kind;
	int64_t			 type;
	int64_t			 flags;
	int64_t			 len;
	int64_t			 itag;
	int64_t			 a_rwnd;
	int64_t			 os;
	int64_t			 mis;
	int64_t			 tsn;
	int64_t			 sid;
	int64_t			 ssn;
	int64_t			 ppid;
	const void		*data;
	size_t			 datalen;
};
#define	PK_SCTPCHUNK(...)	{ __VA_ARGS__ }
#define	PK_SCTP_INIT(...)						\
	PK_SCTPCHUNK(.kind = PK_SCTP_K_INIT, __VA_ARGS__)
#define	PK_SCTP_INIT_ACK(...)						\
	PK_SCTPCHUNK(.kind = PK_SCTP_K_INIT_ACK, __VA_ARGS__)
#define	PK_SCTP_DATA(...)						\
	PK_SCTPCHUNK(.kind = PK_SCTP_K_DATA, __VA_ARGS__)
#define	PK_SCTP_ABORT(...)						\
	PK_SCTPCHUNK(.kind = PK_SCTP_K_ABORT, __VA_ARGS__)
#define	PK_SCTP_CHUNK(...)	PK_SCTPCHUNK(.kind = PK_SCTP_K_RAW, __VA_ARGS__)
#define	PK_SCTPCHUNKS(...)						\
	.chunks = (const struct pk_sctpchunk[]){ __VA_ARGS__ },		\
	.nchunks = PK_NELEM(struct pk_sctpchunk, __VA_ARGS__)

/* SCTP common header.  Ports default to 9 (discard); sum to the CRC32c
 * (RFC 3309) of the SCTP packet, sent least significant byte first.  A
 * forced sum, like pk_dsctp.sum, is the 4 bytes read big-endian. */
struct pk_sctp {
	struct pk_hdr			 hdr;
	int64_t				 sport;
	int64_t				 dport;
	int64_t				 vtag;
	int64_t				 sum;
	const struct pk_sctpchunk	*chunks;
	size_t				 nchunks;
};
#define	PK_SCTP(...)	PK__LAYER(pk_sctp, PK_PROTO_SCTP, __VA_ARGS__)

/* GRE (RFC 2784/2890).  proto defaults from the next layer (0x0800,
 * 0x86dd, 0x6558 for Ethernet); csum, key_present and seq_present set the
 * C, K and S bits; sum is computed when C is set. */
struct pk_gre {
	struct pk_hdr	 hdr;
	int64_t		 proto;
	int64_t		 csum;
	int64_t		 key_present;
	int64_t		 seq_present;
	int64_t		 sum;
	int64_t		 key;
	int64_t		 seq;
	int64_t		 ver;
};
#define	PK_GRE(...)	PK__LAYER(pk_gre, PK_PROTO_GRE, __VA_ARGS__)

/*
 * What only a sender knows: defaults for what a packet leaves unset.
 * Any pointer may be NULL.
 */
struct pk_build_env {
	const uint8_t		*src_mac;	/* 6 bytes */
	const uint8_t		*dst_mac;	/* 6 bytes: the next hop's */
	const struct in_addr	*src4;
	const struct in6_addr	*src6;
};

/*
 * Build pkt into buf (size bytes) and store its length in *lenp.  The
 * first layer is Ethernet (a frame) or IPv4/IPv6 (an L3 packet, for raw
 * sockets and DLT_RAW).  Builds on libnet, one context per thread, kept
 * and reused (pk_pkt_build_release() frees the calling thread's).
 * Returns 0, or -1 with err set if the packet makes no sense (unknown
 * layer order, bad address, a value too wide for its field) or does not
 * fit.
 */
int	pk_pkt_build(pk_pkt_t pkt, const struct pk_build_env *env,
	    uint8_t *buf, size_t size, size_t *lenp, struct pk_err *err);
void	pk_pkt_build_release(void);

/*
 * What a sender needs to know before building: whether the packet starts
 * with Ethernet and which of its addresses were given, and the outermost
 * L3 destination (AF_UNSPEC if there is no IP layer).
 */
struct pk_pktinfo {
	int			has_ether;
	int			ether_dst_set;
	int			ether_src_set;
	int			l3_src_set;
	int			af;
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	}			dst;
};
int	pk_pkt_info(pk_pkt_t pkt, struct pk_pktinfo *info, struct pk_err *err);

/*
 * The outermost L3 destination: *af is AF_INET or AF_INET6 and addr (a
 * struct in_addr or in6_addr) is filled.  Returns -1 if the packet has
 * no IP layer or its destination does not parse.
 */
int	pk_pkt_l3dst(pk_pkt_t pkt, int *af, void *addr);

/* Internet checksum (RFC 1071) of len bytes, folded and complemented. */
uint16_t pk_in_cksum(const void *buf, size_t len);
/* CRC32c (Castagnoli, RFC 3720 B.4) of len bytes. */
uint32_t pk_crc32c(const void *buf, size_t len);

/*
 * Dissection.
 */
#define	PK_DLAYER_MAX	32	/* layers kept; deeper ones are dropped */
#define	PK_DDEPTH_MAX	3	/* nested ICMP error quotes followed */

/* pk_dlayer.cksum */
enum pk_cksum {
	PK_CKSUM_NONE = 0,	/* the layer has no checksum */
	PK_CKSUM_OK,
	PK_CKSUM_BAD,
	PK_CKSUM_UNKNOWN,	/* not all the bytes are here (truncated,
				   fragment, quoted by an ICMP error) */
	PK_CKSUM_ABSENT		/* UDP over IPv4 with checksum 0 */
};

/* pk_dlayer.flags */
#define	PK_DL_TRUNC	0x01	/* the header is cut short by the capture */
#define	PK_DL_SHORT	0x02	/* the data is shorter than its length
				   field says */
#define	PK_DL_BADLEN	0x04	/* a length field is impossible */
#define	PK_DL_FRAG	0x08	/* IP: a fragment; L4: not all here */
#define	PK_DL_INNER	0x10	/* quoted by an ICMP error (depth > 0) */

struct pk_dether {
	uint8_t		dst[6];
	uint8_t		src[6];
	uint16_t	type;
};
struct pk_dsll {
	uint16_t	pkttype;
	uint16_t	hatype;
	uint16_t	halen;
	uint8_t		addr[8];
	uint16_t	proto;
};
struct pk_ddot1q {
	uint8_t		prio;
	uint8_t		dei;
	uint16_t	vid;
	uint16_t	type;
};
struct pk_darp {
	uint16_t	hrd;
	uint16_t	pro;
	uint8_t		hln;
	uint8_t		pln;
	uint16_t	op;
	uint8_t		sha[6];	/* valid when hln == 6 and pln == 4 */
	uint8_t		spa[4];
	uint8_t		tha[6];
	uint8_t		tpa[4];
};
struct pk_dip4 {
	uint8_t		v;
	uint8_t		hl;	/* bytes */
	uint8_t		tos;
	uint8_t		ttl;
	uint8_t		p;
	uint8_t		df;
	uint8_t		mf;
	uint8_t		rf;
	uint16_t	len;
	uint16_t	id;
	uint16_t	off;	/* bytes */
	uint16_t	sum;
	struct in_addr	src;
	struct in_addr	dst;
};
struct pk_dip6 {
	uint8_t		v;
	uint8_t		tc;
	uint8_t		nh;
	uint8_t		hlim;
	uint32_t	flow;
	uint16_t	plen;
	struct in6_addr	src;
	struct in6_addr	dst;
};
struct pk_dip6ext {
	uint8_t		nh;
	uint8_t		rtype;	/* routing */
	uint8_t		segleft;
	uint8_t		mf;	/* fragment */
	uint16_t	len;	/* bytes */
	uint16_t	off;	/* fragment offset, bytes */
	uint32_t	id;
};
struct pk_dicmp {
	uint8_t		type;
	uint8_t		code;
	uint16_t	sum;
	uint32_t	rest;	/* the 4 bytes after the checksum */
	struct in6_addr	target;	/* ND NS/NA/redirect, MLD group */
	struct in6_addr	dst;	/* ND redirect */
};
struct pk_dtcp {
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	seq;
	uint32_t	ack;
	uint8_t		off;	/* bytes */
	uint8_t		x2;
	uint8_t		flags;
	uint16_t	win;
	uint16_t	sum;
	uint16_t	urp;
};
struct pk_dudp {
	uint16_t	sport;
	uint16_t	dport;
	uint16_t	len;
	uint16_t	sum;
};
struct pk_dsctp {
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	vtag;
	uint32_t	sum;
};
struct pk_dsctpchunk {
	uint8_t		type;
	uint8_t		flags;
	uint16_t	len;
	uint32_t	tag;	/* INIT/INIT ACK: initiate tag; DATA: TSN */
};
struct pk_dgre {
	uint16_t	flags;	/* the first 16 bits, version included */
	uint16_t	proto;
	uint16_t	sum;
	uint32_t	key;
	uint32_t	seq;
};

struct pk_dlayer {
	enum pk_proto	proto;
	uint32_t	off;	/* where the header starts in the frame */
	uint32_t	hlen;	/* header bytes present */
	uint32_t	len;	/* header and data, as far as both the
				   capture and the enclosing lengths go */
	uint8_t		depth;
	uint8_t		flags;	/* PK_DL_* */
	uint8_t		cksum;	/* enum pk_cksum */
	union {
		struct pk_dether	ether;
		struct pk_dsll		sll;
		struct pk_ddot1q	dot1q;
		struct pk_darp		arp;
		struct pk_dip4		ip4;
		struct pk_dip6		ip6;
		struct pk_dip6ext	ip6ext;
		struct pk_dicmp		icmp;
		struct pk_dtcp		tcp;
		struct pk_dudp		udp;
		struct pk_dsctp		sctp;
		struct pk_dsctpchunk	chunk;
		struct pk_dgre		gre;
	}		u;
};

/* pk_dpkt.flags */
#define	PK_DP_TRUNC	0x01	/* some layer was cut short */
#define	PK_DP_BADCKSUM	0x02	/* some checksum was wrong */
#define	PK_DP_MALFORMED	0x04	/* some length field was impossible */
#define	PK_DP_TOODEEP	0x08	/* layers beyond PK_DLAYER_MAX dropped */

struct pk_dpkt {
	const uint8_t	*buf;	/* the caller's frame */
	size_t		 len;
	int		 dlt;
	int		 flags;	/* PK_DP_* */
	int		 nlayers;
	struct pk_dlayer l[PK_DLAYER_MAX];
};

/*
 * Dissect a captured frame of link type dlt (PK_DLT_*) into d, which
 * keeps a pointer to buf.  Never reads outside buf.  Returns 0, or -1
 * for a link type it does not know (d then holds no layers).  Whatever
 * cannot be parsed as a protocol ends as a PK_PROTO_RAW layer.
 */
int	pk_dissect(const uint8_t *buf, size_t len, int dlt, struct pk_dpkt *d);

/* The nth (from 0) layer of protocol p, or NULL. */
const struct pk_dlayer *pk_dpkt_find(const struct pk_dpkt *d,
	    enum pk_proto p, int nth);

/*
 * The value of TCP option kind in TCP layer l: *val and *vlen (bytes after
 * the kind and length bytes).  Returns 0, or -1 if absent.
 */
int	pk_dtcp_opt(const struct pk_dpkt *d, const struct pk_dlayer *l,
	    int kind, const uint8_t **val, size_t *vlen);

/* A layer's data after its header (as far as l->len goes). */
const uint8_t *pk_dlayer_payload(const struct pk_dpkt *d,
	    const struct pk_dlayer *l, size_t *lenp);

/* Short protocol name: "ether", "ip4", "tcp", ... */
const char *pk_proto_name(enum pk_proto p);

/*
 * Printing, into caller buffers (always NUL-terminated when size > 0).
 * Both return the length the full text needs, like snprintf(3).
 *	line: one line, tcpdump-like, no newline
 *	dump: one line per layer with every field, offsets and checksum
 *	      verdicts, then a hex dump of the frame
 */
size_t	pk_dpkt_line(const struct pk_dpkt *d, char *buf, size_t size);
size_t	pk_dpkt_dump(const struct pk_dpkt *d, char *buf, size_t size);

/*
 * Fragmentation.  pk_frag() splits the outermost IPv4 or IPv6 packet of a
 * frame (dlt PK_DLT_EN10MB or PK_DLT_RAW) into fragments whose IP packets
 * are at most mtu bytes, each a frame of the same link type (the link
 * header is copied).  IPv4 keeps its id and copies only the options with
 * the copy bit; DF is kept as it is and does not stop it.  IPv6 inserts
 * a Fragment header with identification id6 after the unfragmentable
 * part (Hop-by-Hop, Routing, and the Destination Options before a
 * Routing header).  A packet that already fits comes back whole (IPv4)
 * or as an atomic fragment (IPv6).  Fragments come in order; a caller
 * may reorder or drop them.
 */
struct pk_frag {
	uint8_t		*buf;
	size_t		 len;
};
struct pk_frags {
	size_t		 n;
	struct pk_frag	*v;
};
int	pk_frag(const uint8_t *pkt, size_t len, int dlt, size_t mtu,
	    uint32_t id6, struct pk_frags *out, struct pk_err *err);
void	pk_frags_free(struct pk_frags *f);

/*
 * Reassembly of captured IPv4 and IPv6 fragments, keyed by source,
 * destination, protocol (IPv4) and identification.  Overlapping data is
 * kept as it first arrived (the datagram is flagged); fragments that
 * extend past 65535 bytes, non-final fragments whose length is not a
 * multiple of 8, and conflicting final fragments are dropped.  An IPv6
 * atomic fragment (offset 0, no M flag) completes at once, alone
 * (RFC 6946).  When a limit is reached the least recently used datagram
 * is evicted.
 */
struct pk_reasm_limits {
	size_t		max_datagrams;	/* default 64 */
	size_t		max_bytes;	/* buffered, default 4 MB */
	size_t		max_frags;	/* per datagram, default 256 */
};
struct pk_reasm_stats {
	uint64_t	frags;		/* fragments accepted */
	uint64_t	completed;
	uint64_t	dropped;	/* fragments dropped as bogus */
	uint64_t	overlaps;	/* fragments overlapping others */
	uint64_t	evicted;	/* datagrams evicted at a limit */
};
struct pk_reasm_dgram {
	const uint8_t	*buf;		/* the IP packet (DLT_RAW) */
	size_t		 len;
	int		 af;
	int		 nfrags;
	int		 overlap;	/* some fragments overlapped */
};
#define	PK_REASM_NOTFRAG	0	/* not a fragment: ignored */
#define	PK_REASM_HELD		1	/* kept, datagram incomplete */
#define	PK_REASM_DONE		2	/* *dg holds a complete datagram */
#define	PK_REASM_DROPPED	3	/* bogus fragment, dropped */

struct pk_reasm;
struct pk_reasm *pk_reasm_new(const struct pk_reasm_limits *lim,
	    struct pk_err *err);
void	pk_reasm_free(struct pk_reasm *r);
/*
 * Feed one captured frame.  On PK_REASM_DONE, dg points into r and stays
 * valid until the next call.  Never fails otherwise: what it cannot use
 * it ignores or drops (and counts).
 */
int	pk_reasm_add(struct pk_reasm *r, const uint8_t *frame, size_t len,
	    int dlt, struct pk_reasm_dgram *dg);
void	pk_reasm_stats(const struct pk_reasm *r, struct pk_reasm_stats *st);

/*
 * pcap files, through libpcap.
 */
struct pk_pcapw;
/* Create path for frames of link type dlt; snaplen 0 means 262144. */
struct pk_pcapw *pk_pcapw_open(const char *path, int dlt, int snaplen,
	    struct pk_err *err);
/* Append a frame; ts NULL means now. */
int	pk_pcapw_write(struct pk_pcapw *w, const uint8_t *buf, size_t len,
	    const struct timeval *ts, struct pk_err *err);
/* Flush and close; returns -1 if anything failed to reach the file. */
int	pk_pcapw_close(struct pk_pcapw *w, struct pk_err *err);

/*
 * Call cb for every frame of the pcap file path, in order.  cb returns 0
 * to go on, anything else to stop.  Returns the number of frames passed
 * to cb, or -1 with err set.
 */
typedef int pk_pcap_cb(void *arg, const uint8_t *buf, size_t caplen,
	    size_t wirelen, const struct timeval *ts, int dlt);
int	pk_pcap_read(const char *path, pk_pcap_cb *cb, void *arg,
	    struct pk_err *err);

#endif /* !PK_PACKET_H */
