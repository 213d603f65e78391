/*
 * frag.c: splitting a built IPv4 or IPv6 packet into fragments.
 *
 * IPv4 follows what Linux does (ip_options_fragment()): every fragment
 * keeps the first one's header length, and in all but the first the
 * options without the copy bit are overwritten with NOPs.  IPv6 puts a
 * Fragment header after the unfragmentable part (RFC 8200 4.5).
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pk_packet_impl.h"

/* Where the IP header starts in a frame of link type dlt, or -1. */
static int
l2_len(const uint8_t *p, size_t len, int dlt)
{
	size_t off;
	uint16_t type;

	if (dlt == PK_DLT_RAW || dlt == PK_LINKTYPE_RAW)
		return (0);
	if (dlt == PK_DLT_LINUX_SLL)
		return (len >= 16 ? 16 : -1);
	if (dlt != PK_DLT_EN10MB || len < 14)
		return (-1);
	off = 12;
	type = pk__get16(p + off);
	while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) &&
	    off + 6 <= len) {
		off += 4;
		type = pk__get16(p + off);
	}
	return (off + 2 <= len ? (int)off + 2 : -1);
}

static int
frags_alloc(struct pk_frags *out, size_t n, struct pk_err *err)
{

	out->n = 0;
	if ((out->v = calloc(n, sizeof(*out->v))) == NULL)
		return (pk_err_sys(err, errno, "fragments"));
	return (0);
}

static uint8_t *
frag_new(struct pk_frags *out, size_t len, struct pk_err *err)
{
	struct pk_frag *f = &out->v[out->n];

	if ((f->buf = malloc(len)) == NULL) {
		pk_err_sys(err, errno, "fragment");
		return (NULL);
	}
	f->len = len;
	out->n++;
	return (f->buf);
}

void
pk_frags_free(struct pk_frags *f)
{
	size_t k;

	if (f->v != NULL)
		for (k = 0; k < f->n; k++)
			free(f->v[k].buf);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* Overwrite the options without the copy bit with NOPs. */
static void
ip4_nop_options(uint8_t *ip, size_t hl)
{
	size_t off, len;

	for (off = 20; off < hl; off += len) {
		if (ip[off] == 0)
			return;
		if (ip[off] == 1) {
			len = 1;
			continue;
		}
		len = hl - off >= 2 ? ip[off + 1] : 0;
		if (len < 2 || len > hl - off)
			return;
		if (!(ip[off] & 0x80))
			memset(ip + off, 1, len);
	}
}

static int
frag4(const uint8_t *pkt, size_t l2, size_t len, size_t mtu,
    struct pk_frags *out, struct pk_err *err)
{
	const uint8_t *ip = pkt + l2;
	size_t hl, tot, fs, o, n, base;
	uint8_t *f;
	int mf;

	hl = (ip[0] & 0xf) * 4U;
	tot = pk__get16(ip + 2);
	if (hl < 20 || tot < hl || tot > len - l2)
		return (pk_err_set(err, EINVAL, "frag: bad IPv4 lengths"));
	if (mtu < hl + 8)
		return (pk_err_set(err, EINVAL, "frag: mtu %zu too small",
		    mtu));
	fs = mtu >= tot ? tot - hl : (mtu - hl) / 8 * 8;
	base = (pk__get16(ip + 6) & 0x1fff) * 8U;
	mf = (ip[6] >> 5) & 1;
	if (frags_alloc(out, (tot - hl) / (fs > 0 ? fs : 1) + 1, err) == -1)
		return (-1);
	o = 0;
	do {
		n = tot - hl - o < fs ? tot - hl - o : fs;
		if ((f = frag_new(out, l2 + hl + n, err)) == NULL)
			return (-1);
		memcpy(f, pkt, l2 + hl);
		memcpy(f + l2 + hl, ip + hl + o, n);
		if (o > 0)
			ip4_nop_options(f + l2, hl);
		pk__put16(f + l2 + 2, (uint16_t)(hl + n));
		pk__put16(f + l2 + 6, (uint16_t)((ip[6] & 0xc0) << 8 |
		    (o + n < tot - hl || mf) << 13 | (base + o) / 8));
		pk__put16(f + l2 + 10, 0);
		pk__put16(f + l2 + 10, pk_in_cksum(f + l2, hl));
		o += n;
	} while (o < tot - hl);
	return (0);
}

/* The unfragmentable part: the IPv6 header, Hop-by-Hop, Routing, and
 * Destination Options before a Routing header.  *nhoff is where the
 * last next-header field of that part is. */
static size_t
unfrag_len(const uint8_t *ip, size_t len, size_t *nhoff)
{
	size_t off, hlen, scan, last;
	int nh, k;

	off = 40;
	*nhoff = 6;
	last = 40;
	nh = ip[6];
	/* The part ends after the last Routing header (or after HBH). */
	for (scan = 40, k = nh; (k == IPPROTO_HOPOPTS ||
	    k == IPPROTO_DSTOPTS || k == IPPROTO_ROUTING) && scan + 2 <= len;
	    scan += hlen) {
		hlen = ((size_t)ip[scan + 1] + 1) * 8;
		if (hlen > len - scan)
			break;
		if (k == IPPROTO_ROUTING || (k == IPPROTO_HOPOPTS &&
		    scan == 40))
			last = scan + hlen;
		k = ip[scan];
	}
	while (off < last) {
		*nhoff = off;
		off += ((size_t)ip[off + 1] + 1) * 8;
	}
	return (last);
}

static int
frag6(const uint8_t *pkt, size_t l2, size_t len, size_t mtu, uint32_t id,
    struct pk_frags *out, struct pk_err *err)
{
	const uint8_t *ip = pkt + l2;
	size_t tot, u, nhoff, fs, o, n;
	uint8_t *f;

	tot = 40 + (size_t)pk__get16(ip + 4);
	if (tot > len - l2)
		return (pk_err_set(err, EINVAL, "frag: bad IPv6 length"));
	u = unfrag_len(ip, tot, &nhoff);
	if (mtu < u + 16)
		return (pk_err_set(err, EINVAL, "frag: mtu %zu too small",
		    mtu));
	fs = mtu >= tot + 8 ? tot - u : (mtu - u - 8) / 8 * 8;
	if (frags_alloc(out, (tot - u) / (fs > 0 ? fs : 1) + 1, err) == -1)
		return (-1);
	o = 0;
	do {
		n = tot - u - o < fs ? tot - u - o : fs;
		if ((f = frag_new(out, l2 + u + 8 + n, err)) == NULL)
			return (-1);
		memcpy(f, pkt, l2 + u);
		f[l2 + nhoff] = IPPROTO_FRAGMENT;
		pk__put16(f + l2 + 4, (uint16_t)(u - 40 + 8 + n));
		f[l2 + u] = ip[nhoff];
		f[l2 + u + 1] = 0;
		pk__put16(f + l2 + u + 2, (uint16_t)(o | (o + n < tot - u)));
		pk__put32(f + l2 + u + 4, id);
		memcpy(f + l2 + u + 8, ip + u + o, n);
		o += n;
	} while (o < tot - u);
	return (0);
}

int
pk_frag(const uint8_t *pkt, size_t len, int dlt, size_t mtu, uint32_t id6,
    struct pk_frags *out, struct pk_err *err)
{
	int l2;
	int rc;

	out->n = 0;
	out->v = NULL;
	if ((l2 = l2_len(pkt, len, dlt)) < 0 || (size_t)l2 >= len)
		return (pk_err_set(err, EINVAL, "frag: no IP packet in frame"));
	if ((pkt[l2] >> 4) == 4 && len - l2 >= 20)
		rc = frag4(pkt, (size_t)l2, len, mtu, out, err);
	else if ((pkt[l2] >> 4) == 6 && len - l2 >= 40)
		rc = frag6(pkt, (size_t)l2, len, mtu, id6, out, err);
	else
		return (pk_err_set(err, EINVAL, "frag: not an IP packet"));
	if (rc == -1)
		pk_frags_free(out);
	return (rc);
}
