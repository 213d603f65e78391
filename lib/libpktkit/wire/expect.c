/*
 * expect.c: filters, and expectations over a sniffer's log.
 *
 * Filters are pcap expressions compiled once per text and link type with
 * pcap_compile() against a dead handle, and run in user space with
 * pcap_offline_filter(): the kernel delivers everything and the log keeps
 * what the sniffer's own filter passes, so that a failed expectation can
 * show what did come.
 *
 * Every expectation is one scan of the log in arrival order, waiting on
 * the capture's descriptor whenever it reaches the end, until its
 * deadline.  Order matters for the sentinel: a packet is tested against
 * the expectation before it is tested as a sentinel, and packets are
 * tested in the order they arrived, so a probe that arrived before its
 * sentinel is always found.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_wire_impl.h"

#define	FILTER_CACHE_MAX	256

/*
 * Filters.
 */

static pcap_t *
dead_handle(struct pk_wire *w, int dlt)
{
	pcap_t **pp;

	pp = dlt == PK_DLT_RAW ? &w->dead_raw : &w->dead_en10mb;
	if (*pp == NULL)
		*pp = pcap_open_dead(dlt, PK_PKT_MAX);
	return (*pp);
}

static void
filter_free(struct pk_wfilter *f)
{

	pcap_freecode(&f->prog);
	free(f->text);
	free(f);
}

int
pk_w_filter(struct pk_wire *w, int dlt, const char *text,
    const struct bpf_program **pp, struct pk_err *err)
{
	struct pk_wfilter *f;
	pcap_t *p;

	TAILQ_FOREACH(f, &w->filters, link) {
		if (f->dlt == dlt && strcmp(f->text, text) == 0) {
			TAILQ_REMOVE(&w->filters, f, link);
			TAILQ_INSERT_HEAD(&w->filters, f, link);
			*pp = &f->prog;
			return (0);
		}
	}
	if ((p = dead_handle(w, dlt)) == NULL)
		return (pk_err_set(err, ENOMEM, "filter '%s': no pcap handle",
		    text));
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->text = strdup(text)) == NULL) {
		free(f);
		return (pk_err_sys(err, ENOMEM, "filter '%s'", text));
	}
	f->dlt = dlt;
	if (pcap_compile(p, &f->prog, text, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		pk_err_set(err, EINVAL, "filter '%s': %s", text,
		    pcap_geterr(p));
		free(f->text);
		free(f);
		return (-1);
	}
	TAILQ_INSERT_HEAD(&w->filters, f, link);
	if (++w->nfilters > FILTER_CACHE_MAX) {
		f = TAILQ_LAST(&w->filters, pk_wfilters);
		TAILQ_REMOVE(&w->filters, f, link);
		filter_free(f);
		w->nfilters--;
	}
	*pp = &TAILQ_FIRST(&w->filters)->prog;
	return (0);
}

void
pk_w_filters_free(struct pk_wire *w)
{
	struct pk_wfilter *f;

	while ((f = TAILQ_FIRST(&w->filters)) != NULL) {
		TAILQ_REMOVE(&w->filters, f, link);
		filter_free(f);
	}
	w->nfilters = 0;
}

int
pk_w_entry_pass(const struct bpf_program *prog, const struct pk_entry *e)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.caplen = e->caplen;
	h.len = e->wirelen;
	return (pcap_offline_filter(prog, &h, e->buf) != 0);
}

/*
 * Expectations.
 */

enum xkind {
	X_ONE,		/* the first match, consumed */
	X_NONE,		/* no match */
	X_N		/* exactly n matches, consumed */
};

struct xspec {
	enum xkind			 kind;
	const char			*filter;
	const struct bpf_program	*prog;
	pk_pred				*pred;
	void				*arg;
	const char			*sentinel;
	const struct bpf_program	*sprog;
	size_t				 smark;	/* sentinels count from here */
	unsigned			 n;
	unsigned			 ms;
	int64_t				 end;
};

struct xresult {
	unsigned	count;
	size_t		first;
	int		sentinel_seen;
	int		done;
};

static int
matches(struct pk_sniffer *s, size_t i, const struct bpf_program *prog,
    pk_pred *pred, void *arg)
{
	struct pk_seen *sn;

	if (prog != NULL && !pk_w_entry_pass(prog, &s->log[i]))
		return (0);
	if (pred == NULL)
		return (1);
	/* Dissected once, kept: a test is likely to ask for it anyway. */
	if ((sn = pk_w_seen(s, i)) == NULL)
		return (0);
	return (pred(&sn->d, arg) != 0);
}

/*
 * Look at one entry.  Returns 1 when the expectation is decided.
 */
static int
x_entry(struct pk_sniffer *s, size_t i, const struct xspec *x,
    struct xresult *r)
{
	struct pk_entry *e;

	e = &s->log[i];
	if (e->consumed || (e->flags & PK_SEEN_FRAG))
		return (0);
	if (matches(s, i, x->prog, x->pred, x->arg)) {
		if (r->count++ == 0)
			r->first = i;
		switch (x->kind) {
		case X_ONE:
			e->consumed = 1;
			return (1);
		case X_NONE:
			return (1);
		case X_N:
			e->consumed = 1;
			return (r->count > x->n);
		}
	}
	if (x->sprog != NULL && i >= x->smark &&
	    pk_w_entry_pass(x->sprog, e)) {
		e->consumed = 1;
		r->sentinel_seen = 1;
		return (1);
	}
	return (0);
}

static int
x_wait(struct pk_sniffer *s, const struct xspec *x, struct pk_err *err)
{
	struct pollfd pfd;
	int n;

	pfd.fd = pk_os_cap_fd(s->cap->os);
	pfd.events = POLLIN;
	n = poll(&pfd, 1, pk_ms_left(x->end));
	if (n < 0 && errno != EINTR)
		return (pk_err_sys(err, errno, "poll"));
	return (pk_w_drain(s->cap, err));
}

static int
x_run(struct pk_sniffer *s, const struct xspec *x, struct xresult *r,
    struct pk_err *err)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	while (s->scan < s->n && s->log[s->scan].consumed)
		s->scan++;
	i = s->scan > s->start ? s->scan : s->start;
	for (;;) {
		for (; i < s->n; i++)
			if (x_entry(s, i, x, r))
				return (0);
		if (pk_ms_left(x->end) == 0)
			return (0);
		if (s->w->shut || s->cap->os == NULL)
			return (pk_err_set(err, ENOENT, "capture on %s in vnet "
			    "%s was closed (its vnet or sandbox is gone)",
			    s->cap->ifname, s->cap->vname));
		if (x_wait(s, x, err) != 0)
			return (-1);
	}
}

/*
 * Set up an expectation: check its arguments, compile its filters, and
 * take what the last sends left (see pk_w_arm()).
 */
static int
x_start(struct pk_sniffer *s, struct xspec *x, struct pk_err *err)
{
	struct pk_wire *w;
	int armed, trusted;

	w = s->w;
	if (x->ms == 0)
		return (pk_err_set(err, EINVAL, "deadline of 0 ms: give one "
		    "long enough for the packet to come"));
	if (x->filter != NULL && *x->filter == '\0')
		x->filter = NULL;
	if (x->filter != NULL &&
	    pk_w_filter(w, s->cap->dlt, x->filter, &x->prog, err) != 0)
		return (-1);
	if (x->sentinel != NULL &&
	    pk_w_filter(w, s->cap->dlt, x->sentinel, &x->sprog, err) != 0)
		return (-1);
	/*
	 * A sentinel counts only if it came after the first send since the
	 * last wait; with no send since, only if it comes from now on.  And
	 * one sent unpinned may have overtaken the probe: then it is
	 * ignored and the wait runs to its deadline.
	 */
	trusted = !w->unpinned;
	armed = w->armed;
	pk_w_disarm(w);
	if (pk_sniff_poll(s, err) != 0)
		return (-1);
	x->smark = armed ? s->send_mark : s->n;
	if (!trusted)
		x->sprog = NULL;
	x->end = pk_now_ms() + pk_deadline_ms(x->ms);
	return (0);
}

static const char *
what(const struct xspec *x)
{

	if (x->filter != NULL)
		return (x->filter);
	return (x->pred != NULL ? "(predicate)" : "(any packet)");
}

int
pk_sniff_expect(struct pk_sniffer *s, const char *filter, pk_pred *pred,
    void *arg, unsigned ms, const struct pk_seen **sp, struct pk_err *err)
{
	const struct pk_seen *sn;
	struct xresult r;
	struct xspec x;

	if (s == NULL)
		return (pk_err_set(err, EINVAL, "expect: no sniffer given"));
	memset(&x, 0, sizeof(x));
	x.kind = X_ONE;
	x.filter = filter;
	x.pred = pred;
	x.arg = arg;
	x.ms = ms;
	if (x_start(s, &x, err) != 0 || x_run(s, &x, &r, err) != 0)
		return (pk_err_prefix(err, "expect on %s", s->cap->ifname));
	if (r.count == 0) {
		pk_err_set(err, ETIMEDOUT, "no packet matching '%s'%s on %s "
		    "within %u ms", what(&x), x.filter != NULL &&
		    x.pred != NULL ? " and the predicate" : "", s->desc,
		    pk_deadline_ms(ms));
		return (0);
	}
	if ((sn = pk_w_seen(s, r.first)) == NULL)
		return (pk_err_sys(err, ENOMEM, "expect"));
	if (sp != NULL)
		*sp = sn;
	return (1);
}

int
pk_sniff_expect_none(struct pk_sniffer *s, const char *filter, pk_pred *pred,
    void *arg, const char *sentinel, unsigned ms, const struct pk_seen **sp,
    struct pk_err *err)
{
	struct xresult r;
	struct xspec x;

	if (s == NULL)
		return (pk_err_set(err, EINVAL, "expect none: no sniffer "
		    "given"));
	memset(&x, 0, sizeof(x));
	x.kind = X_NONE;
	x.filter = filter;
	x.pred = pred;
	x.arg = arg;
	x.sentinel = sentinel != NULL && *sentinel != '\0' ? sentinel : NULL;
	x.ms = ms;
	if (x_start(s, &x, err) != 0 || x_run(s, &x, &r, err) != 0)
		return (pk_err_prefix(err, "expect none on %s",
		    s->cap->ifname));
	if (r.count > 0) {
		if (sp != NULL)
			*sp = pk_w_seen(s, r.first);
		pk_err_set(err, EEXIST, "a packet matching '%s' came on %s "
		    "(packet %zu of the log)", what(&x), s->desc, r.first);
		return (0);
	}
	if (x.sprog != NULL && !r.sentinel_seen)
		return (pk_err_set(err, ETIMEDOUT, "expect none on %s: the "
		    "sentinel '%s' did not come within %u ms: the path it "
		    "shares with the probe is broken, so absence proves "
		    "nothing", s->desc, x.sentinel, pk_deadline_ms(ms)));
	return (1);
}

int
pk_sniff_expect_n(struct pk_sniffer *s, const char *filter, pk_pred *pred,
    void *arg, unsigned n, const char *sentinel, unsigned ms, unsigned *got,
    struct pk_err *err)
{
	struct xresult r;
	struct xspec x;

	if (s == NULL)
		return (pk_err_set(err, EINVAL, "expect n: no sniffer given"));
	memset(&x, 0, sizeof(x));
	x.kind = X_N;
	x.filter = filter;
	x.pred = pred;
	x.arg = arg;
	x.n = n;
	x.sentinel = sentinel != NULL && *sentinel != '\0' ? sentinel : NULL;
	x.ms = ms;
	if (x_start(s, &x, err) != 0 || x_run(s, &x, &r, err) != 0)
		return (pk_err_prefix(err, "expect %u on %s", n,
		    s->cap->ifname));
	if (got != NULL)
		*got = r.count;
	if (r.count != n) {
		pk_err_set(err, r.count > n ? EEXIST : ETIMEDOUT, "expected "
		    "%u packet%s matching '%s' on %s, %s %u", n, n == 1 ? "" :
		    "s", what(&x), s->desc, r.count > n ? "got at least" :
		    "got", r.count);
		return (0);
	}
	if (x.sprog != NULL && !r.sentinel_seen)
		return (pk_err_set(err, ETIMEDOUT, "expect %u on %s: the "
		    "sentinel '%s' did not come within %u ms", n, s->desc,
		    x.sentinel, pk_deadline_ms(ms)));
	return (1);
}
