/*
 * ping_match.c: what each sniffer takes, check by check in the order
 * pft_ping.py makes them, so that --verbose names the same first reason.
 *
 *	IP	IPv4 or IPv6 as --to is; the address (destination --to for
 *		a request, source --to for a reply); IPv4 header checksum;
 *		--expect-flags, --expect-tc (the whole TOS or traffic class
 *		byte), --expect-hlim.
 *	icmp	echo request (reply) carrying exactly the magic payload of
 *		--send-length bytes.  No ICMP checksum, id or seq check.
 *	tcp	TCP checksum; flags exactly SYN (request) or SYN+ACK
 *		(reply); --expect-seq against seq (request) or ack - 1
 *		(reply); --expect-mss against every MSS option present.
 *	udp	UDP checksum (unless 0) and the magic payload.
 *
 * Ports are not checked, as in the script.  A TCP or UDP checksum the
 * sending stack left for the device to finish (the capture says so; the
 * field then holds the sum of the pseudo-header alone) counts as right
 * when that sum matches the packet's addresses and length: that is how a
 * segment from a local stack looks on a veth or epair with offload on,
 * and a NAT that rewrote it without fixing the sum is still caught.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../common/pft_tool.h"
#include "ping.h"

static int
why(char *buf, size_t size, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
why(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (buf != NULL && size > 0) {
		va_start(ap, fmt);
		vsnprintf(buf, size, fmt, ap);
		va_end(ap);
	}
	return (0);
}

/* The first layer of protocol p that is not quoted by an ICMP error. */
static const struct pk_dlayer *
outer(const struct pk_dpkt *d, enum pk_proto p)
{
	const struct pk_dlayer *l;

	l = pk_dpkt_find(d, p, 0);
	return (l != NULL && l->depth == 0 ? l : NULL);
}

/* The flag bits of a dissected IPv4 header, in scapy's numbering. */
static int
ip4_flags(const struct pk_dip4 *ip)
{

	return ((ip->mf ? PING_FLAG_MF : 0) | (ip->df ? PING_FLAG_DF : 0) |
	    (ip->rf ? PING_FLAG_EVIL : 0));
}

static int
check_ip4(const struct ping_opts *o, enum ping_dir dir,
    const struct pk_dpkt *d, char *w, size_t ws)
{
	const struct pk_dlayer *l;
	const struct pk_dip4 *ip;

	if ((l = outer(d, PK_PROTO_IP4)) == NULL)
		return (why(w, ws, "not IPv4"));
	ip = &l->u.ip4;
	if (dir == PING_REPLY && ip->src.s_addr != o->to_addr.v4.s_addr)
		return (why(w, ws, "source address is not %s", o->to));
	if (dir == PING_REQUEST && ip->dst.s_addr != o->to_addr.v4.s_addr)
		return (why(w, ws, "destination address is not %s", o->to));
	if (l->cksum != PK_CKSUM_OK)
		return (why(w, ws, "bad IPv4 header checksum 0x%04x",
		    ip->sum));
	if (o->expect_flags != -1 && ip4_flags(ip) != o->expect_flags)
		return (why(w, ws, "wrong IPv4 flags %d, expected %s",
		    ip4_flags(ip), o->expect_flags_s));
	if (o->expect_tc != 0 && ip->tos != o->expect_tc)
		return (why(w, ws, "wrong ToS %u, expected %lld", ip->tos,
		    (long long)o->expect_tc));
	if (o->expect_hlim != 0 && ip->ttl != o->expect_hlim)
		return (why(w, ws, "wrong TTL %u, expected %lld", ip->ttl,
		    (long long)o->expect_hlim));
	return (1);
}

static int
check_ip6(const struct ping_opts *o, enum ping_dir dir,
    const struct pk_dpkt *d, char *w, size_t ws)
{
	const struct pk_dlayer *l;
	const struct pk_dip6 *ip6;

	if ((l = outer(d, PK_PROTO_IP6)) == NULL)
		return (why(w, ws, "not IPv6"));
	ip6 = &l->u.ip6;
	if (dir == PING_REPLY &&
	    memcmp(&ip6->src, &o->to_addr.v6, sizeof(ip6->src)) != 0)
		return (why(w, ws, "source address is not %s", o->to));
	if (dir == PING_REQUEST &&
	    memcmp(&ip6->dst, &o->to_addr.v6, sizeof(ip6->dst)) != 0)
		return (why(w, ws, "destination address is not %s", o->to));
	if (o->expect_hlim != 0 && ip6->hlim != o->expect_hlim)
		return (why(w, ws, "wrong hop limit %u, expected %lld",
		    ip6->hlim, (long long)o->expect_hlim));
	if (o->expect_tc != 0 && ip6->tc != o->expect_tc)
		return (why(w, ws, "wrong traffic class %u, expected %lld",
		    ip6->tc, (long long)o->expect_tc));
	return (1);
}

static int
payload_is_magic(const struct ping_opts *o, const uint8_t *p, size_t len)
{
	uint8_t want[64];
	size_t i, n;

	if (len != (size_t)o->send_length)
		return (0);
	for (i = 0; i < len; i += n) {
		n = len - i < sizeof(want) ? len - i : sizeof(want);
		/* Chunks start at multiples of 4: the pattern lines up. */
		pft_payload(want, n);
		if (memcmp(p + i, want, n) != 0)
			return (0);
	}
	return (1);
}

static int
check_icmp(const struct ping_opts *o, enum ping_dir dir,
    const struct pk_dpkt *d, char *w, size_t ws)
{
	const struct pk_dlayer *l;
	const uint8_t *p;
	size_t len;
	int want;

	l = outer(d, o->af == AF_INET ? PK_PROTO_ICMP4 : PK_PROTO_ICMP6);
	if (o->af == AF_INET6) {
		want = dir == PING_REQUEST ? 128 : 129;
		if (l == NULL || l->u.icmp.type != want || l->hlen < 8)
			return (why(w, ws, "not an ICMPv6 echo %s",
			    dir == PING_REQUEST ? "request" : "reply"));
	} else if (l == NULL || l->hlen < 8)
		return (why(w, ws, "not ICMP"));
	p = pk_dlayer_payload(d, l, &len);
	if (len == 0)
		return (why(w, ws, "no payload"));
	if (!payload_is_magic(o, p, len))
		return (why(w, ws, "payload is not the magic"));
	want = dir == PING_REQUEST ? 8 : 0;
	if (o->af == AF_INET && l->u.icmp.type != want)
		return (why(w, ws, "not an ICMP echo %s",
		    dir == PING_REQUEST ? "request" : "reply"));
	return (1);
}

/*
 * The sum over the pseudo-header alone, folded and not complemented:
 * what the kernel leaves in a TCP or UDP checksum field for the
 * hardware to complete.
 */
static uint16_t
pseudo_sum(const struct pk_dpkt *d, int proto, size_t l4len)
{
	const struct pk_dlayer *l;
	uint8_t ph[40];
	size_t n;

	memset(ph, 0, sizeof(ph));
	if ((l = outer(d, PK_PROTO_IP4)) != NULL) {
		memcpy(ph, &l->u.ip4.src, 4);
		memcpy(ph + 4, &l->u.ip4.dst, 4);
		ph[9] = (uint8_t)proto;
		ph[10] = (uint8_t)(l4len >> 8);
		ph[11] = (uint8_t)l4len;
		n = 12;
	} else if ((l = outer(d, PK_PROTO_IP6)) != NULL) {
		memcpy(ph, &l->u.ip6.src, 16);
		memcpy(ph + 16, &l->u.ip6.dst, 16);
		ph[34] = (uint8_t)(l4len >> 8);
		ph[35] = (uint8_t)l4len;
		ph[39] = (uint8_t)proto;
		n = 40;
	} else
		return (0);
	return ((uint16_t)~pk_in_cksum(ph, n));
}

static int
l4_cksum_ok(const struct pk_dpkt *d, const struct pk_dlayer *l, int proto,
    uint16_t field, int partial)
{
	uint16_t ps;

	if (l->cksum == PK_CKSUM_OK || l->cksum == PK_CKSUM_ABSENT)
		return (1);
	if (!partial || l->cksum != PK_CKSUM_BAD ||
	    (l->flags & PK_DL_SHORT) != 0)
		return (0);
	ps = pseudo_sum(d, proto, l->len);
	return (field == ps || (field == 0xffff && ps == 0) ||
	    (field == 0 && ps == 0xffff));
}

/* Every MSS option present must carry the value (none at all is fine). */
static int
mss_ok(const struct pk_dpkt *d, const struct pk_dlayer *l, int64_t want,
    unsigned *found)
{
	const uint8_t *p;
	size_t i, n;

	p = d->buf + l->off;
	n = l->hlen;
	for (i = 20; i < n;) {
		if (p[i] == 0)
			break;
		if (p[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || p[i + 1] < 2 || i + p[i + 1] > n)
			break;
		if (p[i] == 2 && p[i + 1] == 4) {
			*found = (unsigned)p[i + 2] << 8 | p[i + 3];
			if (*found != want)
				return (0);
		}
		i += p[i + 1];
	}
	return (1);
}

static int
check_tcp(const struct ping_opts *o, enum ping_dir dir,
    const struct pk_dpkt *d, int partial, char *w, size_t ws)
{
	const struct pk_dlayer *l;
	const struct pk_dtcp *th;
	int64_t seq;
	unsigned mss, want;

	if ((l = outer(d, PK_PROTO_TCP)) == NULL || l->hlen < 20)
		return (why(w, ws, "not TCP"));
	th = &l->u.tcp;
	if (!l4_cksum_ok(d, l, IPPROTO_TCP, th->sum, partial))
		return (why(w, ws, "wrong TCP checksum 0x%04x", th->sum));
	want = dir == PING_REQUEST ? PK_TH_SYN : PK_TH_SYN | PK_TH_ACK;
	if (th->flags != want || (th->x2 & 1) != 0)
		return (why(w, ws, "wrong TCP flags 0x%02x, expected 0x%02x",
		    th->flags, want));
	if (o->expect_seq != 0) {
		seq = dir == PING_REQUEST ? (int64_t)th->seq :
		    (int64_t)th->ack - 1;
		if (seq != o->expect_seq)
			return (why(w, ws, "wrong TCP sequence number %lld, "
			    "expected %lld", (long long)seq,
			    (long long)o->expect_seq));
	}
	if (o->expect_mss != 0 && !mss_ok(d, l, o->expect_mss, &mss))
		return (why(w, ws, "wrong TCP MSS %u, expected %lld", mss,
		    (long long)o->expect_mss));
	return (1);
}

static int
check_udp(const struct ping_opts *o, const struct pk_dpkt *d, int partial,
    char *w, size_t ws)
{
	const struct pk_dlayer *l;
	const uint8_t *p;
	size_t len;

	if ((l = outer(d, PK_PROTO_UDP)) == NULL || l->hlen < 8)
		return (why(w, ws, "not UDP"));
	if (!l4_cksum_ok(d, l, IPPROTO_UDP, l->u.udp.sum, partial))
		return (why(w, ws, "wrong UDP checksum 0x%04x",
		    l->u.udp.sum));
	p = pk_dlayer_payload(d, l, &len);
	if (!payload_is_magic(o, p, len))
		return (why(w, ws, "payload is not the magic"));
	return (1);
}

int
ping_match(const struct ping_opts *o, enum ping_dir dir,
    const struct pk_dpkt *d, int partial, char *w, size_t ws)
{
	int ok;

	if (w != NULL && ws > 0)
		w[0] = '\0';
	ok = o->af == AF_INET ? check_ip4(o, dir, d, w, ws) :
	    check_ip6(o, dir, d, w, ws);
	if (!ok)
		return (0);
	switch (o->type) {
	case PING_ICMP:
		return (check_icmp(o, dir, d, w, ws));
	case PING_TCPSYN:
	case PING_TCP3WAY:
		return (check_tcp(o, dir, d, partial, w, ws));
	case PING_UDP:
		return (check_udp(o, d, partial, w, ws));
	}
	return (0);
}
