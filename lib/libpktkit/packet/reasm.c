/*
 * reasm.c: reassembling captured IPv4 and IPv6 fragments.
 *
 * Each datagram being reassembled keeps its payload in one buffer that
 * grows to the highest end seen, and a bitmap of the 8-byte blocks
 * received.  Fragments other than the last are multiples of 8 bytes, so
 * a block is either all here or not; the last fragment's partial block
 * ends the datagram.  Data that arrives for blocks already here is
 * dropped: the first copy wins.  Datagrams live on a list, most recently
 * used first; limits evict from its tail.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pk_packet_impl.h"

#define	MAXPAYLOAD	65535
#define	NBLOCKS		((MAXPAYLOAD + 7) / 8)
#define	HDRMAX		(40 + 2048)	/* IPv6 header and unfragmentable
					   extension headers we keep */

struct rq {
	struct rq	*next, *prev;
	int		 af;
	uint8_t		 src[16], dst[16];
	uint32_t	 id;
	uint8_t		 proto;		/* IPv4 protocol, IPv6 next header */
	uint8_t		*data;
	size_t		 cap;
	uint8_t		 have[NBLOCKS / 8 + 1];
	size_t		 total;		/* payload length, once known */
	int		 last_seen;
	uint8_t		*hdr;		/* from the fragment at offset 0 */
	size_t		 hdrlen;
	size_t		 nhoff;		/* IPv6: next header to patch */
	int		 nfrags;
	int		 overlap;
};

struct pk_reasm {
	struct pk_reasm_limits	 lim;
	struct pk_reasm_stats	 st;
	struct rq		*head, *tail;
	size_t			 nq;
	size_t			 bytes;
	uint8_t			*out;
};

/* One fragment, as parsed from a frame. */
struct fr {
	int		 af;
	const uint8_t	*ip;
	const uint8_t	*src, *dst;
	uint32_t	 id;
	uint8_t		 proto;
	size_t		 hdrlen;	/* IPv4 header; IPv6 unfragmentable */
	size_t		 nhoff;
	size_t		 off;
	const uint8_t	*data;
	size_t		 len;
	int		 mf;
};

struct pk_reasm *
pk_reasm_new(const struct pk_reasm_limits *lim, struct pk_err *err)
{
	struct pk_reasm *r;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->out = malloc(HDRMAX + MAXPAYLOAD)) == NULL) {
		free(r);
		pk_err_sys(err, errno, "reassembler");
		return (NULL);
	}
	r->lim.max_datagrams = 64;
	r->lim.max_bytes = 4 << 20;
	r->lim.max_frags = 256;
	if (lim != NULL && lim->max_datagrams != 0)
		r->lim.max_datagrams = lim->max_datagrams;
	if (lim != NULL && lim->max_bytes != 0)
		r->lim.max_bytes = lim->max_bytes;
	if (lim != NULL && lim->max_frags != 0)
		r->lim.max_frags = lim->max_frags;
	return (r);
}

static void
rq_unlink(struct pk_reasm *r, struct rq *q)
{

	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		r->head = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	else
		r->tail = q->prev;
	q->next = q->prev = NULL;
}

static void
rq_free(struct pk_reasm *r, struct rq *q)
{

	rq_unlink(r, q);
	r->bytes -= q->cap + q->hdrlen;
	r->nq--;
	free(q->data);
	free(q->hdr);
	free(q);
}

void
pk_reasm_free(struct pk_reasm *r)
{

	if (r == NULL)
		return;
	while (r->head != NULL)
		rq_free(r, r->head);
	free(r->out);
	free(r);
}

void
pk_reasm_stats(const struct pk_reasm *r, struct pk_reasm_stats *st)
{

	*st = r->st;
}

static int
parse4(const uint8_t *ip, size_t len, struct fr *f)
{
	size_t hl, tot;

	if (len < 20)
		return (-1);
	hl = (ip[0] & 0xf) * 4U;
	tot = pk__get16(ip + 2);
	if (hl < 20 || tot < hl || tot > len)
		return (-1);
	f->af = AF_INET;
	f->off = (pk__get16(ip + 6) & 0x1fff) * 8U;
	f->mf = (ip[6] >> 5) & 1;
	if (f->off == 0 && !f->mf)
		return (0);
	f->src = ip + 12;
	f->dst = ip + 16;
	f->id = pk__get16(ip + 4);
	f->proto = ip[9];
	f->hdrlen = hl;
	f->data = ip + hl;
	f->len = tot - hl;
	return (1);
}

static int
parse6(const uint8_t *ip, size_t len, struct fr *f)
{
	size_t tot, off, nhoff;
	int nh;

	if (len < 40 || (tot = 40 + (size_t)pk__get16(ip + 4)) > len)
		return (-1);
	off = 40;
	nhoff = 6;
	nh = ip[6];
	while (nh == IPPROTO_HOPOPTS || nh == IPPROTO_DSTOPTS ||
	    nh == IPPROTO_ROUTING) {
		if (off + 8 > tot || off + ((size_t)ip[off + 1] + 1) * 8 > tot)
			return (-1);
		nhoff = off;
		nh = ip[off];
		off += ((size_t)ip[off + 1] + 1) * 8;
	}
	if (nh != IPPROTO_FRAGMENT)
		return (0);
	if (off + 8 > tot || off > HDRMAX)
		return (-1);
	f->af = AF_INET6;
	f->src = ip + 8;
	f->dst = ip + 24;
	f->proto = ip[off];
	f->off = pk__get16(ip + off + 2) & 0xfff8;
	f->mf = ip[off + 3] & 1;
	f->id = pk__get32(ip + off + 4);
	f->hdrlen = off;
	f->nhoff = nhoff;
	f->data = ip + off + 8;
	f->len = tot - off - 8;
	return (1);
}

/* 1 and f filled for a fragment, 0 for anything else, -1 if bogus. */
static int
parse(const uint8_t *frame, size_t len, int dlt, struct fr *f)
{
	struct pk_dpkt d;
	const struct pk_dlayer *l;
	size_t off;

	/* Only the link header is needed: dissect, then use the first IP
	 * layer's offset. */
	if (pk_dissect(frame, len, dlt, &d) == -1)
		return (0);
	for (l = d.l; l < d.l + d.nlayers; l++)
		if (l->proto == PK_PROTO_IP4 || l->proto == PK_PROTO_IP6)
			break;
	if (l == d.l + d.nlayers)
		return (0);
	off = l->off;
	f->ip = frame + off;
	if (l->proto == PK_PROTO_IP4)
		return (parse4(frame + off, len - off, f));
	return (parse6(frame + off, len - off, f));
}

static int
same(const struct rq *q, const struct fr *f)
{
	size_t alen = f->af == AF_INET ? 4 : 16;

	return (q->af == f->af && q->id == f->id &&
	    (f->af == AF_INET6 || q->proto == f->proto) &&
	    memcmp(q->src, f->src, alen) == 0 &&
	    memcmp(q->dst, f->dst, alen) == 0);
}

static struct rq *
lookup(struct pk_reasm *r, const struct fr *f)
{
	struct rq *q;

	for (q = r->head; q != NULL; q = q->next)
		if (same(q, f))
			break;
	if (q != NULL) {
		rq_unlink(r, q);
	} else {
		while (r->nq >= r->lim.max_datagrams && r->tail != NULL) {
			rq_free(r, r->tail);
			r->st.evicted++;
		}
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return (NULL);
		q->af = f->af;
		memcpy(q->src, f->src, f->af == AF_INET ? 4 : 16);
		memcpy(q->dst, f->dst, f->af == AF_INET ? 4 : 16);
		q->id = f->id;
		q->proto = f->proto;
		r->nq++;
	}
	q->next = r->head;
	if (r->head != NULL)
		r->head->prev = q;
	r->head = q;
	if (r->tail == NULL)
		r->tail = q;
	return (q);
}

/* Room for end bytes of payload, within the byte limit. */
static int
grow(struct pk_reasm *r, struct rq *q, size_t end)
{
	uint8_t *p;
	size_t cap;

	if (end <= q->cap)
		return (0);
	cap = end < 2048 ? 2048 : end;
	if (cap > MAXPAYLOAD)
		cap = MAXPAYLOAD;
	while (r->bytes + cap - q->cap > r->lim.max_bytes && r->tail != q &&
	    r->tail != NULL) {
		rq_free(r, r->tail);
		r->st.evicted++;
	}
	if (r->bytes + cap - q->cap > r->lim.max_bytes)
		return (-1);
	if ((p = realloc(q->data, cap)) == NULL)
		return (-1);
	r->bytes += cap - q->cap;
	q->data = p;
	q->cap = cap;
	return (0);
}

static int
keep_hdr(struct pk_reasm *r, struct rq *q, const struct fr *f)
{

	if (q->hdr != NULL)
		return (0);
	if ((q->hdr = malloc(f->hdrlen)) == NULL)
		return (-1);
	memcpy(q->hdr, f->ip, f->hdrlen);
	q->hdrlen = f->hdrlen;
	q->nhoff = f->nhoff;
	q->proto = f->proto;
	r->bytes += f->hdrlen;
	return (0);
}

/* Copy the blocks not already here; note overlaps. */
static void
store(struct pk_reasm *r, struct rq *q, const struct fr *f)
{
	size_t b, first, last;
	int ov;

	ov = 0;
	first = f->off / 8;
	last = (f->off + f->len + 7) / 8;
	for (b = first; b < last; b++) {
		if (q->have[b / 8] & (1 << (b % 8))) {
			ov = 1;
			continue;
		}
		q->have[b / 8] |= (uint8_t)(1 << (b % 8));
		memcpy(q->data + b * 8, f->data + (b * 8 - f->off),
		    b == last - 1 ? f->off + f->len - b * 8 : 8);
	}
	if (ov) {
		q->overlap = 1;
		r->st.overlaps++;
	}
}

static int
complete(const struct rq *q)
{
	size_t b;

	if (!q->last_seen || q->hdr == NULL)
		return (0);
	for (b = 0; b < (q->total + 7) / 8; b++)
		if (!(q->have[b / 8] & (1 << (b % 8))))
			return (0);
	return (1);
}

static void
assemble(struct pk_reasm *r, struct rq *q, struct pk_reasm_dgram *dg)
{
	uint8_t *o = r->out;

	memcpy(o, q->hdr, q->hdrlen);
	memcpy(o + q->hdrlen, q->data, q->total);
	if (q->af == AF_INET) {
		pk__put16(o + 2, (uint16_t)(q->hdrlen + q->total));
		pk__put16(o + 6, 0);
		pk__put16(o + 10, 0);
		pk__put16(o + 10, pk_in_cksum(o, q->hdrlen));
	} else {
		o[q->nhoff] = q->proto;
		pk__put16(o + 4, (uint16_t)(q->hdrlen - 40 + q->total));
	}
	dg->buf = o;
	dg->len = q->hdrlen + q->total;
	dg->af = q->af;
	dg->nfrags = q->nfrags;
	dg->overlap = q->overlap;
}

/* An IPv6 atomic fragment stands alone (RFC 6946): it never joins a
 * queue, even one with the same identification. */
static int
atomic(struct pk_reasm *r, const struct fr *f, struct pk_reasm_dgram *dg)
{
	uint8_t *o = r->out;

	memcpy(o, f->ip, f->hdrlen);
	memcpy(o + f->hdrlen, f->data, f->len);
	o[f->nhoff] = f->proto;
	pk__put16(o + 4, (uint16_t)(f->hdrlen - 40 + f->len));
	dg->buf = o;
	dg->len = f->hdrlen + f->len;
	dg->af = AF_INET6;
	dg->nfrags = 1;
	dg->overlap = 0;
	r->st.frags++;
	r->st.completed++;
	return (PK_REASM_DONE);
}

/* Is f consistent with what q already knows? */
static int
fits(const struct rq *q, const struct fr *f, size_t maxpay)
{
	size_t b, end = f->off + f->len;

	if (f->len == 0 || end > maxpay || (f->mf && f->len % 8 != 0))
		return (0);
	if (!f->mf && q->last_seen && end != q->total)
		return (0);
	if (q->last_seen && end > q->total)
		return (0);
	if (!f->mf && end < q->cap) {
		/* Data already stored past the end this fragment claims. */
		for (b = (end + 7) / 8; b < q->cap / 8; b++)
			if (q->have[b / 8] & (1 << (b % 8)))
				return (0);
	}
	return (1);
}

int
pk_reasm_add(struct pk_reasm *r, const uint8_t *frame, size_t len, int dlt,
    struct pk_reasm_dgram *dg)
{
	struct rq *q;
	struct fr f;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((rc = parse(frame, len, dlt, &f)) <= 0) {
		if (rc < 0)
			r->st.dropped++;
		return (rc < 0 ? PK_REASM_DROPPED : PK_REASM_NOTFRAG);
	}
	if (f.off == 0 && !f.mf)
		return (atomic(r, &f, dg));
	if ((q = lookup(r, &f)) == NULL) {
		r->st.dropped++;
		return (PK_REASM_DROPPED);
	}
	if (!fits(q, &f, f.af == AF_INET ? MAXPAYLOAD - f.hdrlen :
	    MAXPAYLOAD - (f.hdrlen - 40)) ||
	    (size_t)q->nfrags >= r->lim.max_frags ||
	    grow(r, q, f.off + f.len) == -1 ||
	    (f.off == 0 && keep_hdr(r, q, &f) == -1)) {
		r->st.dropped++;
		return (PK_REASM_DROPPED);
	}
	store(r, q, &f);
	q->nfrags++;
	r->st.frags++;
	if (!f.mf) {
		q->last_seen = 1;
		q->total = f.off + f.len;
	}
	if (!complete(q))
		return (PK_REASM_HELD);
	assemble(r, q, dg);
	r->st.completed++;
	rq_free(r, q);
	return (PK_REASM_DONE);
}
