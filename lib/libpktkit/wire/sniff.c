/*
 * sniff.c: sniffers and their logs.
 *
 * A capture hands every frame it reads to each of its sniffers in turn;
 * a sniffer keeps those that go its way and pass its filter.  Frames are
 * copied into the log one allocation each, so that a packet handed to a
 * test never moves while the log grows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_wire_impl.h"

#define	MAX_BYTES_DEFAULT	(64 * 1024 * 1024)

static const char *
dir_name(enum pk_dir d)
{

	switch (d) {
	case PK_DIR_IN:
		return ("in");
	case PK_DIR_OUT:
		return ("out");
	default:
		return ("in and out");
	}
}

int
pk_sniff_open(struct pk_wire *w, struct pk_if *ifp, const char *filter,
    const struct pk_sniff_conf *conf, struct pk_sniffer **sp,
    struct pk_err *err)
{
	struct pk_sniff_conf def;
	struct pk_sniffer *s;
	struct pk_wcap *c;

	if (conf == NULL) {
		memset(&def, 0, sizeof(def));
		conf = &def;
	}
	if (conf->dir != PK_DIR_BOTH && conf->dir != PK_DIR_IN &&
	    conf->dir != PK_DIR_OUT)
		return (pk_err_set(err, EINVAL, "sniff: direction %d is not "
		    "in, out or both", (int)conf->dir));
	if (filter != NULL && *filter == '\0')
		filter = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (pk_err_sys(err, ENOMEM, "sniff"));
	s->w = w;
	s->dir = conf->dir;
	s->max_bytes = conf->max_bytes != 0 ? conf->max_bytes :
	    MAX_BYTES_DEFAULT;
	if (filter != NULL && (s->filter = strdup(filter)) == NULL) {
		free(s);
		return (pk_err_sys(err, ENOMEM, "sniff"));
	}
	if (pk_w_cap(w, ifp, 1, conf->bufsize, &c, err) != 0)
		goto fail;
	if (filter != NULL) {
		const struct bpf_program *p;

		if (pk_w_filter(w, c->dlt, filter, &p, err) != 0)
			goto fail;
		/* A copy of our own: the cache may let go of its one. */
		s->prog.bf_len = p->bf_len;
		s->prog.bf_insns = calloc(p->bf_len, sizeof(*p->bf_insns));
		if (s->prog.bf_insns == NULL) {
			pk_err_sys(err, ENOMEM, "sniff");
			goto fail;
		}
		memcpy(s->prog.bf_insns, p->bf_insns,
		    p->bf_len * sizeof(*p->bf_insns));
		s->has_prog = 1;
	}
	if (conf->reassemble && (s->reasm = pk_reasm_new(NULL, err)) == NULL)
		goto fail;
	/* What was queued before this sniffer existed is not its to see. */
	if (pk_w_drain(c, err) != 0)
		goto fail;
	s->cap = c;
	s->id = ++w->nsniff;
	snprintf(s->desc, sizeof(s->desc), "%s in vnet %s, filter '%s', %s%s",
	    c->ifname, c->vname, filter != NULL ? filter : "", dir_name(s->dir),
	    s->reasm != NULL ? ", reassembling" : "");
	TAILQ_INSERT_TAIL(&c->sniffers, s, clink);
	TAILQ_INSERT_TAIL(&w->sniffers, s, wlink);
	*sp = s;
	return (0);
fail:
	pk_reasm_free(s->reasm);
	free(s->prog.bf_insns);
	free(s->filter);
	free(s);
	return (-1);
}

void
pk_w_sniff_free(struct pk_sniffer *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->log[i].buf);
		free(s->log[i].seen);
	}
	free(s->log);
	pk_reasm_free(s->reasm);
	free(s->prog.bf_insns);
	free(s->filter);
	free(s);
}

void
pk_sniff_close(struct pk_sniffer *s)
{

	if (s == NULL)
		return;
	TAILQ_REMOVE(&s->cap->sniffers, s, clink);
	TAILQ_REMOVE(&s->w->sniffers, s, wlink);
	pk_w_sniff_free(s);
}

/*
 * Logging.
 */

static int
log_add(struct pk_sniffer *s, const uint8_t *buf, size_t caplen,
    size_t wirelen, const struct timeval *ts, enum pk_dir dir, int flags)
{
	struct pk_entry *e, *nl;
	size_t ncap;

	s->st.seen++;
	if (s->bytes + caplen > s->max_bytes || caplen > UINT32_MAX)
		return (-1);
	if (s->n == s->cap_n) {
		ncap = s->cap_n == 0 ? 64 : s->cap_n * 2;
		if ((nl = realloc(s->log, ncap * sizeof(*nl))) == NULL)
			return (-1);
		s->log = nl;
		s->cap_n = ncap;
	}
	e = &s->log[s->n];
	memset(e, 0, sizeof(*e));
	if ((e->buf = malloc(caplen > 0 ? caplen : 1)) == NULL)
		return (-1);
	memcpy(e->buf, buf, caplen);
	e->caplen = (uint32_t)caplen;
	e->wirelen = (uint32_t)(wirelen > UINT32_MAX ? UINT32_MAX : wirelen);
	e->ts = *ts;
	e->dir = (uint8_t)dir;
	e->flags = (uint8_t)flags;
	s->bytes += caplen;
	s->n++;
	s->st.logged++;
	return (0);
}

static int
passes(const struct pk_sniffer *s, const uint8_t *buf, size_t caplen,
    size_t wirelen)
{
	struct pk_entry e;

	if (!s->has_prog)
		return (1);
	e.buf = (uint8_t *)(uintptr_t)buf;
	e.caplen = (uint32_t)caplen;
	e.wirelen = (uint32_t)wirelen;
	return (pk_w_entry_pass(&s->prog, &e));
}

/*
 * A completed datagram becomes a frame of the capture's link type: the
 * link header of the fragment that completed it, then the datagram.
 */
static void
log_datagram(struct pk_sniffer *s, const struct pk_os_frame *f,
    const struct pk_reasm_dgram *dg, enum pk_dir dir, int flags)
{
	struct pk_dpkt d;
	const struct pk_dlayer *ip;
	uint8_t *frame;
	size_t hl;

	hl = 0;
	if (s->cap->dlt == PK_DLT_EN10MB) {
		(void)pk_dissect(f->buf, f->caplen, s->cap->dlt, &d);
		if ((ip = pk_dpkt_find(&d, PK_PROTO_IP4, 0)) == NULL)
			ip = pk_dpkt_find(&d, PK_PROTO_IP6, 0);
		if (ip == NULL)
			return;
		hl = ip->off;
	}
	if ((frame = malloc(hl + dg->len)) == NULL)
		return;
	memcpy(frame, f->buf, hl);
	memcpy(frame + hl, dg->buf, dg->len);
	s->st.reassembled++;
	if (passes(s, frame, hl + dg->len, hl + dg->len))
		(void)log_add(s, frame, hl + dg->len, hl + dg->len, &f->ts,
		    dir, flags | PK_SEEN_REASM);
	free(frame);
}

static void
sniff_frame(struct pk_sniffer *s, const struct pk_os_frame *f, int sent)
{
	struct pk_reasm_dgram dg;
	enum pk_dir dir;
	int flags, r;

	dir = f->out ? PK_DIR_OUT : PK_DIR_IN;
	if (s->dir != PK_DIR_BOTH && s->dir != dir)
		return;
	flags = (sent ? PK_SEEN_SENT : 0) |
	    (f->csum_partial ? PK_SEEN_CSUM_PARTIAL : 0) |
	    (f->caplen < f->len ? PK_SEEN_TRUNC : 0);
	r = PK_REASM_NOTFRAG;
	if (s->reasm != NULL)
		r = pk_reasm_add(s->reasm, f->buf, f->caplen, s->cap->dlt,
		    &dg);
	if (r != PK_REASM_NOTFRAG)
		flags |= PK_SEEN_FRAG;
	if (passes(s, f->buf, f->caplen, f->len))
		(void)log_add(s, f->buf, f->caplen, f->len, &f->ts, dir,
		    flags);
	if (r == PK_REASM_DONE)
		log_datagram(s, f, &dg, dir, flags & PK_SEEN_SENT);
}

void
pk_w_dispatch(struct pk_wcap *c, const struct pk_os_frame *f, int sent)
{
	struct pk_sniffer *s;

	TAILQ_FOREACH(s, &c->sniffers, clink)
		sniff_frame(s, f, sent);
}

/*
 * Reading the log.
 */

int
pk_sniff_poll(struct pk_sniffer *s, struct pk_err *err)
{

	if (s->w->shut)
		return (0);
	return (pk_w_drain(s->cap, err));
}

size_t
pk_sniff_count(const struct pk_sniffer *s)
{

	return (s->n);
}

struct pk_seen *
pk_w_seen(struct pk_sniffer *s, size_t i)
{
	struct pk_entry *e;
	struct pk_seen *sn;

	if (i >= s->n)
		return (NULL);
	e = &s->log[i];
	if (e->seen != NULL)
		return (e->seen);
	if ((sn = calloc(1, sizeof(*sn))) == NULL)
		return (NULL);
	(void)pk_dissect(e->buf, e->caplen, s->cap->dlt, &sn->d);
	sn->ts = e->ts;
	sn->wirelen = e->wirelen;
	sn->dir = (enum pk_dir)e->dir;
	sn->flags = e->flags;
	sn->index = i;
	sn->s = s;
	e->seen = sn;
	return (sn);
}

const struct pk_seen *
pk_sniff_get(struct pk_sniffer *s, size_t i)
{

	return (pk_w_seen(s, i));
}

int
pk_sniff_clear(struct pk_sniffer *s, struct pk_err *err)
{

	if (pk_sniff_poll(s, err) != 0)
		return (-1);
	s->start = s->n;
	if (s->scan < s->start)
		s->scan = s->start;
	return (0);
}

int
pk_sniff_stats(struct pk_sniffer *s, struct pk_sniff_stats *st,
    struct pk_err *err)
{
	uint64_t d;

	if (pk_sniff_poll(s, err) != 0)
		return (-1);
	if (s->cap->os != NULL &&
	    pk_os_cap_drops(s->cap->os, &d, NULL) == 0)
		s->cap->drops = d;
	s->st.kernel_drops = s->cap->drops;
	*st = s->st;
	return (0);
}

const char *
pk_sniff_describe(const struct pk_sniffer *s)
{

	return (s->desc);
}

struct pk_if *
pk_sniff_if(const struct pk_sniffer *s)
{

	return (s->cap->ifp);
}

int
pk_sniff_save(struct pk_sniffer *s, const char *path, struct pk_err *err)
{
	struct pk_pcapw *pw;
	size_t i;

	if ((pw = pk_pcapw_open(path, s->cap->dlt, 0, err)) == NULL)
		return (-1);
	for (i = 0; i < s->n; i++) {
		if (pk_pcapw_write(pw, s->log[i].buf, s->log[i].caplen,
		    &s->log[i].ts, err) != 0) {
			(void)pk_pcapw_close(pw, NULL);
			return (-1);
		}
	}
	return (pk_pcapw_close(pw, err));
}
