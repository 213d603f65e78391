/*
 * sctp.c: SCTP packets (RFC 4960): the common header and DATA, INIT,
 * INIT ACK, ABORT and raw chunks.  libnet has no SCTP builder; the
 * CRC32c (RFC 3309) is computed after coalescing, over the SCTP packet
 * and any raw bytes that follow it.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pk_packet_impl.h"

/* The fixed part of a chunk after its 4-byte header. */
static int
chunk_fixed(struct pk_bctx *b, int i, const struct pk_sctpchunk *c,
    uint8_t *h, size_t *n)
{
	uint64_t v[5];

	switch (c->kind) {
	case PK_SCTP_K_DATA:
		if (pk__fld(b, i, "tsn", c->tsn, 0, 0xffffffff, &v[0]) == -1 ||
		    pk__fld(b, i, "sid", c->sid, 0, 0xffff, &v[1]) == -1 ||
		    pk__fld(b, i, "ssn", c->ssn, 0, 0xffff, &v[2]) == -1 ||
		    pk__fld(b, i, "ppid", c->ppid, 0, 0xffffffff, &v[3]) == -1)
			return (-1);
		pk__put32(h, (uint32_t)v[0]);
		pk__put16(h + 4, (uint16_t)v[1]);
		pk__put16(h + 6, (uint16_t)v[2]);
		pk__put32(h + 8, (uint32_t)v[3]);
		*n = 12;
		return (0);
	case PK_SCTP_K_INIT:
	case PK_SCTP_K_INIT_ACK:
		if (pk__fld(b, i, "itag", c->itag, 0, 0xffffffff,
		    &v[0]) == -1 ||
		    pk__fld(b, i, "a_rwnd", c->a_rwnd, 65536, 0xffffffff,
		    &v[1]) == -1 ||
		    pk__fld(b, i, "os", c->os, 10, 0xffff, &v[2]) == -1 ||
		    pk__fld(b, i, "mis", c->mis, 10, 0xffff, &v[3]) == -1 ||
		    pk__fld(b, i, "tsn", c->tsn, 0, 0xffffffff, &v[4]) == -1)
			return (-1);
		pk__put32(h, (uint32_t)v[0]);
		pk__put32(h + 4, (uint32_t)v[1]);
		pk__put16(h + 8, (uint16_t)v[2]);
		pk__put16(h + 10, (uint16_t)v[3]);
		pk__put32(h + 12, (uint32_t)v[4]);
		*n = 16;
		return (0);
	default:
		*n = 0;
		return (0);
	}
}

static const uint8_t chunk_types[] = {
	[PK_SCTP_K_RAW] = 0,
	[PK_SCTP_K_DATA] = 0,
	[PK_SCTP_K_INIT] = 1,
	[PK_SCTP_K_INIT_ACK] = 2,
	[PK_SCTP_K_ABORT] = 6,
};

/* One chunk at p (room for it checked by the caller); *n its padded
 * length. */
static int
chunk(struct pk_bctx *b, int i, const struct pk_sctpchunk *c, uint8_t *p,
    size_t *n)
{
	uint64_t type, flags, len;
	size_t fixed;

	if ((unsigned)c->kind > PK_SCTP_K_ABORT)
		return (pk__lerr(b, i, "unknown chunk kind %d", c->kind));
	if (chunk_fixed(b, i, c, p + 4, &fixed) == -1 ||
	    pk__fld(b, i, "chunk type", c->type, chunk_types[c->kind], 0xff,
	    &type) == -1 ||
	    pk__fld(b, i, "chunk flags", c->flags,
	    c->kind == PK_SCTP_K_DATA ? 3 : 0, 0xff, &flags) == -1 ||
	    pk__fld(b, i, "chunk len", c->len, 4 + fixed + c->datalen, 0xffff,
	    &len) == -1)
		return (-1);
	if (c->len == 0 && 4 + fixed + c->datalen > 0xffff)
		return (pk__lerr(b, i, "chunk longer than 65535 bytes"));
	p[0] = (uint8_t)type;
	p[1] = (uint8_t)flags;
	pk__put16(p + 2, (uint16_t)len);
	if (c->datalen > 0)
		memcpy(p + 4 + fixed, c->data, c->datalen);
	*n = (4 + fixed + c->datalen + 3) & ~(size_t)3;
	return (0);
}

static size_t
chunks_size(const struct pk_sctp *s)
{
	size_t k, n;

	n = 12;
	for (k = 0; k < s->nchunks; k++)
		n += 4 + 16 + s->chunks[k].datalen + 3;
	return (n);
}

int
pk__b_sctp(struct pk_bctx *b, int i)
{
	const struct pk_sctp *s = (const struct pk_sctp *)b->pkt[i];
	uint64_t sp, dp, vtag, sum;
	size_t size, len, k, n;
	uint8_t *p;
	int rc;

	if (PK_FLD(b, i, s, sport, 9, 0xffff, &sp) == -1 ||
	    PK_FLD(b, i, s, dport, 9, 0xffff, &dp) == -1 ||
	    PK_FLD(b, i, s, vtag, 0, 0xffffffff, &vtag) == -1 ||
	    PK_FLD(b, i, s, sum, 0, 0xffffffff, &sum) == -1)
		return (-1);
	if ((size = chunks_size(s)) > PK_PKT_MAX)
		return (pk__lerr(b, i, "SCTP packet too long"));
	if ((p = calloc(1, size)) == NULL)
		return (pk_err_sys(b->err, errno, "sctp"));
	pk__put16(p, (uint16_t)sp);
	pk__put16(p + 2, (uint16_t)dp);
	pk__put32(p + 4, (uint32_t)vtag);
	pk__put32(p + 8, (uint32_t)sum);
	rc = 0;
	n = 0;
	for (k = 0, len = 12; rc == 0 && k < s->nchunks; k++, len += n)
		rc = chunk(b, i, &s->chunks[k], p + len, &n);
	if (rc == 0)
		rc = pk__data(b, i, p, len);
	free(p);
	if (rc == 0 && s->sum == 0)
		rc = pk__addfix(b, PK_FIX_SCTP, i, IPPROTO_SCTP, 8);
	return (rc);
}
