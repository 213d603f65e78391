/*
 * answer.c: is a packet the answer to a probe?
 */
#include <string.h>

#include <netinet/in.h>

#include "pk_wire_impl.h"

#define	ICMP4_ECHOREPLY		0
#define	ICMP4_ECHO		8
#define	ICMP6_ECHO		128
#define	ICMP6_ECHOREPLY		129

/* One level of a packet: its IP header and the transport after it. */
struct lvl {
	int			 af;
	const void		*src;
	const void		*dst;
	const struct pk_dlayer	*ip;
	const struct pk_dlayer	*l4;
};

static int
is_l4(enum pk_proto p)
{

	return (p == PK_PROTO_ICMP4 || p == PK_PROTO_ICMP6 ||
	    p == PK_PROTO_TCP || p == PK_PROTO_UDP);
}

/*
 * The first IP header at the given depth (0: the packet, 1: what an ICMP
 * error quotes) and the first transport header after it.
 */
static int
level(const struct pk_dpkt *d, int depth, struct lvl *v)
{
	const struct pk_dlayer *l;
	int i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < d->nlayers; i++) {
		l = &d->l[i];
		if (l->depth != depth)
			continue;
		if (v->ip == NULL && l->proto == PK_PROTO_IP4) {
			v->ip = l;
			v->af = AF_INET;
			v->src = &l->u.ip4.src;
			v->dst = &l->u.ip4.dst;
		} else if (v->ip == NULL && l->proto == PK_PROTO_IP6) {
			v->ip = l;
			v->af = AF_INET6;
			v->src = &l->u.ip6.src;
			v->dst = &l->u.ip6.dst;
		} else if (v->ip != NULL && is_l4(l->proto)) {
			v->l4 = l;
			break;
		}
	}
	return (v->ip != NULL && v->l4 != NULL ? 0 : -1);
}

static int
same(const struct lvl *a, const void *x, const void *y)
{

	return (memcmp(x, y, a->af == AF_INET ? 4 : 16) == 0);
}

static int
group_dst(const struct lvl *p)
{
	const uint8_t *b;

	b = p->dst;
	if (p->af == AF_INET)
		return ((b[0] & 0xf0) == 0xe0 ||
		    (b[0] == 0xff && b[1] == 0xff && b[2] == 0xff &&
		    b[3] == 0xff));
	return (b[0] == 0xff);
}

/* From the probe's destination (anyone, for a group) to its source. */
static int
comes_back(const struct lvl *p, const struct lvl *c)
{

	if (c->af != p->af || !same(p, c->dst, p->src))
		return (0);
	return (group_dst(p) || same(p, c->src, p->dst));
}

static enum pk_answer
echo_answer(const struct lvl *p, const struct lvl *c)
{
	const struct pk_dicmp *pi, *ci;

	pi = &p->l4->u.icmp;
	ci = &c->l4->u.icmp;
	if (c->l4->proto != p->l4->proto || ci->rest != pi->rest)
		return (PK_ANSWER_NONE);
	if ((p->l4->proto == PK_PROTO_ICMP4 && pi->type == ICMP4_ECHO &&
	    ci->type == ICMP4_ECHOREPLY) ||
	    (p->l4->proto == PK_PROTO_ICMP6 && pi->type == ICMP6_ECHO &&
	    ci->type == ICMP6_ECHOREPLY))
		return (PK_ANSWER_ECHOREPLY);
	return (PK_ANSWER_NONE);
}

static uint32_t
seg_len(const struct pk_dpkt *d, const struct pk_dlayer *tcp)
{
	size_t n;

	(void)pk_dlayer_payload(d, tcp, &n);
	return ((uint32_t)n + ((tcp->u.tcp.flags & PK_TH_SYN) ? 1 : 0) +
	    ((tcp->u.tcp.flags & PK_TH_FIN) ? 1 : 0));
}

static enum pk_answer
tcp_answer(const struct pk_dpkt *probe, const struct lvl *p,
    const struct lvl *c)
{
	const struct pk_dtcp *pt, *ct;
	uint32_t next;

	pt = &p->l4->u.tcp;
	ct = &c->l4->u.tcp;
	if (c->l4->proto != PK_PROTO_TCP || ct->sport != pt->dport ||
	    ct->dport != pt->sport)
		return (PK_ANSWER_NONE);
	next = pt->seq + seg_len(probe, p->l4);
	if ((ct->flags & PK_TH_RST) != 0) {
		if ((ct->flags & PK_TH_ACK) != 0 && ct->ack == next)
			return (PK_ANSWER_RST);
		if ((ct->flags & PK_TH_ACK) == 0 &&
		    (pt->flags & PK_TH_ACK) != 0 && ct->seq == pt->ack)
			return (PK_ANSWER_RST);
		return (PK_ANSWER_NONE);
	}
	if ((pt->flags & (PK_TH_SYN | PK_TH_ACK)) == PK_TH_SYN &&
	    (ct->flags & (PK_TH_SYN | PK_TH_ACK)) == (PK_TH_SYN | PK_TH_ACK) &&
	    ct->ack == next)
		return (PK_ANSWER_SYNACK);
	return (PK_ANSWER_NONE);
}

static int
is_icmp_error(const struct pk_dlayer *l)
{
	uint8_t t;

	t = l->u.icmp.type;
	if (l->proto == PK_PROTO_ICMP4)
		return (t == 3 || t == 4 || t == 5 || t == 11 || t == 12);
	if (l->proto == PK_PROTO_ICMP6)
		return (t >= 1 && t <= 4);
	return (0);
}

/* Does the quoted packet q look like the probe p? */
static int
quotes(const struct lvl *p, const struct lvl *q)
{
	const struct pk_dlayer *a, *b;

	if (q->af != p->af || !same(p, q->src, p->src) ||
	    !same(p, q->dst, p->dst) || q->l4->proto != p->l4->proto)
		return (0);
	if (p->af == AF_INET && q->ip->u.ip4.id != p->ip->u.ip4.id)
		return (0);
	a = p->l4;
	b = q->l4;
	switch (a->proto) {
	case PK_PROTO_TCP:
		return (a->u.tcp.sport == b->u.tcp.sport &&
		    a->u.tcp.dport == b->u.tcp.dport);
	case PK_PROTO_UDP:
		return (a->u.udp.sport == b->u.udp.sport &&
		    a->u.udp.dport == b->u.udp.dport);
	default:
		return (a->u.icmp.type == b->u.icmp.type &&
		    a->u.icmp.rest == b->u.icmp.rest);
	}
}

enum pk_answer
pk_answer_of(const struct pk_dpkt *probe, const struct pk_dpkt *d)
{
	struct lvl p, c, q;

	if (level(probe, 0, &p) != 0 || level(d, 0, &c) != 0)
		return (PK_ANSWER_NONE);
	if (c.af == p.af && same(&p, c.dst, p.src) && is_icmp_error(c.l4))
		return (level(d, 1, &q) == 0 && quotes(&p, &q) ?
		    PK_ANSWER_ICMPERR : PK_ANSWER_NONE);
	if (!comes_back(&p, &c))
		return (PK_ANSWER_NONE);
	switch (p.l4->proto) {
	case PK_PROTO_TCP:
		return (tcp_answer(probe, &p, &c));
	case PK_PROTO_UDP:
		return (c.l4->proto == PK_PROTO_UDP &&
		    c.l4->u.udp.sport == p.l4->u.udp.dport &&
		    c.l4->u.udp.dport == p.l4->u.udp.sport ?
		    PK_ANSWER_UDP : PK_ANSWER_NONE);
	default:
		return (echo_answer(&p, &c));
	}
}
