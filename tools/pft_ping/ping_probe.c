/*
 * ping_probe.c: the probe's bytes, the same as pft_ping.py has scapy
 * build for the same command line (the tests compare them with frames
 * scapy built).
 *
 * Shapes: Ethernet, then IPv4 (id 1, TTL 64, the --send-* fields, and
 * with --send-nop one option byte 0 padded to 4) or IPv6 (hop limit 64),
 * then one of
 *	icmp	echo request, id 0, seq 0, the magic payload;
 *	tcpsyn	TCP SYN from port 20 to 666, window 8192, options
 *		[NOP,] Timestamp 1/1, MSS 1280, padded with zeros;
 *	tcp3way	the same SYN to port 9 (discard);
 *	udp	UDP from port 20 to 9 with the magic payload.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/pft_tool.h"
#include "ping.h"

void
ping_frames_free(struct ping_frames *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->buf[i]);
	free(f->buf);
	free(f->len);
	memset(f, 0, sizeof(*f));
}

static int
frames_alloc(struct ping_frames *f, size_t n, struct pk_err *err)
{

	memset(f, 0, sizeof(*f));
	f->buf = calloc(n, sizeof(*f->buf));
	f->len = calloc(n, sizeof(*f->len));
	if (f->buf == NULL || f->len == NULL) {
		ping_frames_free(f);
		return (pk_err_sys(err, errno, "out of memory"));
	}
	return (0);
}

/* Keep a copy of one frame as the next of f. */
static int
frames_add(struct ping_frames *f, const uint8_t *buf, size_t len,
    struct pk_err *err)
{

	if ((f->buf[f->n] = malloc(len)) == NULL)
		return (pk_err_sys(err, errno, "out of memory"));
	memcpy(f->buf[f->n], buf, len);
	f->len[f->n++] = len;
	return (0);
}

/* The IPv4 header every probe (and every fragment of it) carries. */
static void
ip4_layer(const struct ping_opts *o, struct pk_ip4 *ip)
{
	static const uint8_t eol = 0;

	memset(ip, 0, sizeof(*ip));
	ip->hdr.proto = PK_PROTO_IP4;
	ip->src = o->from_given ? o->fromaddr : NULL;
	ip->dst = o->to;
	ip->id = 1;
	ip->tos = o->send_tc;
	ip->ttl = o->send_hlim;
	ip->mf = (o->send_flags & PING_FLAG_MF) != 0;
	ip->df = (o->send_flags & PING_FLAG_DF) != 0;
	ip->rf = (o->send_flags & PING_FLAG_EVIL) != 0;
	if (o->send_nop) {
		/* What scapy makes of options='\x00': EOL, padded. */
		ip->optbytes = &eol;
		ip->optlen = 1;
	}
}

static void
ip6_layer(const struct ping_opts *o, struct pk_ip6 *ip6)
{

	memset(ip6, 0, sizeof(*ip6));
	ip6->hdr.proto = PK_PROTO_IP6;
	ip6->src = o->from_given ? o->fromaddr : NULL;
	ip6->dst = o->to;
	ip6->tc = o->send_tc;
	ip6->hlim = o->send_hlim;
}

static void
build_env(const struct ping_opts *o, const struct ping_env *env,
    struct pk_build_env *be)
{

	memset(be, 0, sizeof(*be));
	be->src_mac = env->src_mac;
	be->dst_mac = env->dst_mac;
	if (o->af == AF_INET)
		be->src4 = &env->src.v4;
	else
		be->src6 = &env->src.v6;
}

/*
 * The whole probe as one frame.  The layers are filled at run time, so
 * they are declared here rather than written with the PK_ macros.
 */
static int
build_whole(const struct ping_opts *o, const struct ping_env *env,
    uint8_t *buf, size_t size, size_t *lenp, struct pk_err *err)
{
	struct pk_ether eth = { .hdr.proto = PK_PROTO_ETHER };
	struct pk_ip4 ip;
	struct pk_ip6 ip6;
	struct pk_icmp4 icmp = { .hdr.proto = PK_PROTO_ICMP4,
	    .msg = PK_ICMP4_MSG_ECHO };
	struct pk_icmp6 icmp6 = { .hdr.proto = PK_PROTO_ICMP6,
	    .msg = PK_ICMP6_MSG_ECHO };
	struct pk_tcp tcp = { .hdr.proto = PK_PROTO_TCP };
	struct pk_udp udp = { .hdr.proto = PK_PROTO_UDP };
	struct pk_raw raw = { .hdr.proto = PK_PROTO_RAW };
	struct pk_tcpopt opts[4];
	struct pk_build_env be;
	const struct pk_hdr *layers[5];
	uint8_t *payload;
	size_t n;
	int rc;

	if ((payload = malloc((size_t)o->send_length)) == NULL)
		return (pk_err_sys(err, errno, "out of memory"));
	pft_payload(payload, (size_t)o->send_length);
	n = 0;
	layers[n++] = &eth.hdr;
	if (o->af == AF_INET) {
		ip4_layer(o, &ip);
		layers[n++] = &ip.hdr;
	} else {
		ip6_layer(o, &ip6);
		layers[n++] = &ip6.hdr;
	}
	switch (o->type) {
	case PING_ICMP:
		if (o->af == AF_INET) {
			icmp.data = payload;
			icmp.datalen = (size_t)o->send_length;
			layers[n++] = &icmp.hdr;
		} else {
			icmp6.data = payload;
			icmp6.datalen = (size_t)o->send_length;
			layers[n++] = &icmp6.hdr;
		}
		break;
	case PING_TCPSYN:
	case PING_TCP3WAY:
		memset(opts, 0, sizeof(opts));
		tcp.nopts = 0;
		if (o->send_tcpopt_unaligned)
			opts[tcp.nopts++].kind = PK_TCPOPT_K_NOP;
		opts[tcp.nopts].kind = PK_TCPOPT_K_TS;
		opts[tcp.nopts].v = 1;
		opts[tcp.nopts++].v2 = 1;
		opts[tcp.nopts].kind = PK_TCPOPT_K_MSS;
		opts[tcp.nopts++].v = o->send_mss != 0 ? o->send_mss :
		    PING_MSS_DEFAULT;
		tcp.opts = opts;
		tcp.sport = o->send_sport != 0 ? o->send_sport :
		    PING_SPORT_DEFAULT;
		tcp.dport = o->type == PING_TCPSYN ? PING_DPORT_TCPSYN :
		    PING_DPORT_DISCARD;
		tcp.seq = o->send_seq;
		tcp.flags = PK_TH_SYN;
		tcp.win = 8192;
		layers[n++] = &tcp.hdr;
		break;
	case PING_UDP:
		udp.sport = o->send_sport != 0 ? o->send_sport :
		    PING_SPORT_DEFAULT;
		udp.dport = PING_DPORT_DISCARD;
		raw.data = payload;
		raw.len = (size_t)o->send_length;
		layers[n++] = &udp.hdr;
		layers[n++] = &raw.hdr;
		break;
	}
	layers[n] = NULL;
	build_env(o, env, &be);
	rc = pk_pkt_build(layers, &be, buf, size, lenp, err);
	free(payload);
	return (rc);
}

/*
 * IPv4 fragments cut the way scapy's fragment() cuts them: fragsize
 * rounded down to 8 bytes per fragment, except that the last one may
 * carry up to the unrounded size; every fragment repeats the whole
 * header, options included, with MF added to all but the last.
 */
static int
frag4(const struct ping_opts *o, const struct ping_env *env,
    const uint8_t *whole, size_t wlen, struct ping_frames *f,
    struct pk_err *err)
{
	struct pk_ether eth = { .hdr.proto = PK_PROTO_ETHER };
	struct pk_ip4 ip;
	struct pk_raw raw = { .hdr.proto = PK_PROTO_RAW };
	struct pk_build_env be;
	const struct pk_hdr *layers[4];
	const uint8_t *data;
	uint8_t *buf;
	size_t dlen, fsz, last, nfrag, i, end, len;
	int rc;

	data = whole + 14 + (size_t)(whole[14] & 0x0f) * 4;
	dlen = wlen - (size_t)(data - whole);
	last = (size_t)o->send_frag_length;
	fsz = last - last % 8;
	nfrag = dlen <= last ? 1 : (dlen - last + fsz - 1) / fsz + 1;
	if (nfrag > PING_FRAMES_MAX)
		return (pk_err_set(err, EINVAL, "%zu fragments", nfrag));
	if (frames_alloc(f, nfrag, err) == -1)
		return (-1);
	if ((buf = malloc(PK_PKT_MAX)) == NULL) {
		ping_frames_free(f);
		return (pk_err_sys(err, errno, "out of memory"));
	}
	build_env(o, env, &be);
	layers[0] = &eth.hdr;
	layers[1] = &ip.hdr;
	layers[2] = &raw.hdr;
	layers[3] = NULL;
	rc = 0;
	for (i = 0; i < nfrag && rc == 0; i++) {
		ip4_layer(o, &ip);
		ip.proto = whole[14 + 9];
		ip.off = (int64_t)(i * fsz / 8);
		if (i != nfrag - 1) {
			ip.mf = 1;
			end = (i + 1) * fsz;
		} else
			end = i * fsz + last;
		if (end > dlen)
			end = dlen;
		raw.data = data + i * fsz;
		raw.len = end - i * fsz;
		if ((rc = pk_pkt_build(layers, &be, buf, PK_PKT_MAX, &len,
		    err)) == 0)
			rc = frames_add(f, buf, len, err);
	}
	free(buf);
	if (rc != 0)
		ping_frames_free(f);
	return (rc);
}

/* IPv6: a Fragment header after the IPv6 header, 8-byte multiples. */
static int
frag6(const struct ping_opts *o, const uint8_t *whole, size_t wlen,
    uint32_t id6, struct ping_frames *f, struct pk_err *err)
{
	struct pk_frags fr;
	size_t mtu, i;

	mtu = 40 + 8 + ((size_t)o->send_frag_length & ~(size_t)7);
	if (pk_frag(whole, wlen, PK_DLT_EN10MB, mtu, id6, &fr, err) == -1)
		return (-1);
	if (frames_alloc(f, fr.n, err) == -1) {
		pk_frags_free(&fr);
		return (-1);
	}
	for (i = 0; i < fr.n; i++)
		if (frames_add(f, fr.v[i].buf, fr.v[i].len, err) == -1) {
			pk_frags_free(&fr);
			ping_frames_free(f);
			return (-1);
		}
	pk_frags_free(&fr);
	return (0);
}

int
ping_probe_build(const struct ping_opts *o, const struct ping_env *env,
    uint32_t id6, struct ping_frames *f, struct pk_err *err)
{
	uint8_t *whole;
	size_t wlen;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((whole = malloc(PK_PKT_MAX)) == NULL)
		return (pk_err_sys(err, errno, "out of memory"));
	rc = build_whole(o, env, whole, PK_PKT_MAX, &wlen, err);
	/* Only echo requests are ever fragmented, as in the script. */
	if (rc == 0 && o->send_frag_length != 0 && o->type == PING_ICMP)
		rc = o->af == AF_INET ? frag4(o, env, whole, wlen, f, err) :
		    frag6(o, whole, wlen, id6, f, err);
	else if (rc == 0 && (rc = frames_alloc(f, 1, err)) == 0)
		rc = frames_add(f, whole, wlen, err);
	free(whole);
	return (rc);
}

int
ping_ack_build(const struct ping_opts *o, const struct ping_env *env,
    const struct pk_dpkt *synack, uint8_t *buf, size_t size, size_t *lenp,
    struct pk_err *err)
{
	struct pk_ether eth = { .hdr.proto = PK_PROTO_ETHER };
	struct pk_ip4 ip;
	struct pk_ip6 ip6;
	struct pk_tcp tcp = { .hdr.proto = PK_PROTO_TCP };
	struct pk_build_env be;
	const struct pk_hdr *layers[4];
	const struct pk_dlayer *l;

	if ((l = pk_dpkt_find(synack, PK_PROTO_TCP, 0)) == NULL)
		return (pk_err_set(err, EINVAL, "the SYN-ACK has no TCP"));
	layers[0] = &eth.hdr;
	if (o->af == AF_INET) {
		ip4_layer(o, &ip);
		layers[1] = &ip.hdr;
	} else {
		ip6_layer(o, &ip6);
		layers[1] = &ip6.hdr;
	}
	tcp.sport = l->u.tcp.dport != 0 ? l->u.tcp.dport : PK_ZERO;
	tcp.dport = l->u.tcp.sport != 0 ? l->u.tcp.sport : PK_ZERO;
	tcp.seq = l->u.tcp.ack != 0 ? (int64_t)l->u.tcp.ack : PK_ZERO;
	tcp.ack = (int64_t)(uint32_t)(l->u.tcp.seq + 1);
	if (tcp.ack == 0)
		tcp.ack = PK_ZERO;
	tcp.flags = PK_TH_ACK;
	tcp.win = 8192;
	layers[2] = &tcp.hdr;
	layers[3] = NULL;
	build_env(o, env, &be);
	return (pk_pkt_build(layers, &be, buf, size, lenp, err));
}
