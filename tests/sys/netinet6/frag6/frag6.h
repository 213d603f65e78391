/*
 * frag6.h: what the frag6 programs share (FreeBSD's frag6.subr and the
 * checks of its scripts).
 *
 * Topology: the case host and one vnet, "peer", joined by an epair:
 * 2001:db8::1 on the host's end, 2001:db8::2 on the peer's.  The host
 * crafts fragments, sends them on its end and sniffs that end for what
 * the peer answers.  (FreeBSD derives per-process addresses from
 * 2001:db8:6666::/64; every case here has a network stack of its own.)
 *
 * Every case runs in one of two modes, because Linux treats IPv6
 * fragments differently once connection tracking is on:
 *
 *	FRAG6_STACK	no firewall: the IPv6 stack reassembles, in
 *			ipv6_frag_rcv(), when it reaches the Fragment
 *			header while walking the extension headers;
 *	FRAG6_CT	an nftables ruleset with a "ct" expression in the
 *			peer: nf_defrag_ipv6 then reassembles every
 *			datagram at prerouting, in queues of its own,
 *			before the stack looks at any extension header,
 *			and hands the stack the datagram without its
 *			Fragment header.  This is what pf's "scrub
 *			fragment reassemble" is to FreeBSD, and the pf
 *			text of the ruleset says so.
 *
 * Timers.  FreeBSD's scripts sleep 75 s for its 60 s reassembly timer.
 * Here the timer of the queue that holds the fragments is made short
 * and the case waits for the event (the ICMPv6 error, or the counter
 * when there is no error to send): in FRAG6_STACK the stack's
 * net.ipv6.ip6frag_time is 1 s; in FRAG6_CT netfilter's own
 * net.netfilter.nf_conntrack_frag6_timeout is 1 s while the stack's
 * timer stays at its 60 s default, so an expiry seen within seconds can
 * only come from netfilter's queue.
 *
 * Counters.  Where FreeBSD's scripts compare netstat -s selections, the
 * cases compare the peer's Ip6/Icmp6 counters named in struct
 * frag6_counts, all of them every time: the ones a case expects to move
 * by what it expects, every other one by nothing.
 *
 * Options.  FreeBSD's scripts pad every Hop-by-Hop and Destination
 * Options header with one 8-byte PadN (6 data bytes).  Linux silently
 * drops a header with more than 7 bytes of padding in a row
 * (ip6_parse_tlv(), after RFC 4942's advice), so the cases here pad
 * with a PadN of 4 data bytes, which still makes an 8-byte header;
 * exthdr_test keeps FreeBSD's form in one case, for the drop.
 */
#ifndef FRAG6_H
#define FRAG6_H

#include <sys/types.h>

#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include "pktkit.h"

#include "../../common/porttest.h"

#define	FRAG6_UNUSED	__attribute__((__unused__))

enum frag6_mode {
	FRAG6_STACK,
	FRAG6_CT
};

/* The ports of FreeBSD's probes; nothing listens on them. */
#define	FRAG6_SPORT	6543
#define	FRAG6_DPORT	3456

/* Deadlines (nominal ms): an answer to a packet, and an expiry of a
 * 1 s reassembly timer. */
#define	FRAG6_ANSWER_MS	2000
#define	FRAG6_EXPIRY_MS	5000

/* The echo request sent as a sentinel carries this id. */
#define	FRAG6_SENTINEL_ID	0xf6f6
#define	FRAG6_SENTINEL							\
	"icmp6[icmp6type] == icmp6-echoreply and icmp6[4:2] == 0xf6f6"

/* What the peer may send back for a probe: an ICMPv6 error, or an
 * answer from UDP or TCP. */
#define	FRAG6_ANY_ANSWER						\
	"(icmp6 and icmp6[icmp6type] < 128) or udp or tcp"

/* ICMPv6 errors by type and code (RFC 4443). */
#define	FRAG6_UNREACH_PORT						\
	"icmp6[icmp6type] == icmp6-destinationunreach and "		\
	"icmp6[icmp6code] == 4"
#define	FRAG6_TIMXCEED_REASS						\
	"icmp6[icmp6type] == icmp6-timeexceeded and icmp6[icmp6code] == 1"
#define	FRAG6_PARAMPROB_HEADER						\
	"icmp6[icmp6type] == icmp6-parameterproblem and "		\
	"icmp6[icmp6code] == 0"
#define	FRAG6_PARAMPROB_NEXTHDR						\
	"icmp6[icmp6type] == icmp6-parameterproblem and "		\
	"icmp6[icmp6code] == 1"

/*
 * The ruleset of FRAG6_CT: any "ct" expression makes Linux reassemble
 * IPv6 in netfilter; the rule itself drops only what conntrack calls
 * invalid, which no probe here is.
 */
static const struct pk_ruleset frag6_ct_rules FRAG6_UNUSED = {
	.nft =
	    "table inet frag6 {\n"
	    "\tchain input {\n"
	    "\t\ttype filter hook input priority filter; policy accept;\n"
	    "\t\tct state invalid drop\n"
	    "\t}\n"
	    "}\n",
	.pf =
	    "scrub in all fragment reassemble\n"
	    "pass all\n",
};

/* The peer's counters a case checks (see frag6_check_counts()). */
struct frag6_counts {
	uint64_t	reqds;		/* Ip6.ReasmReqds */
	uint64_t	oks;		/* Ip6.ReasmOKs */
	uint64_t	fails;		/* Ip6.ReasmFails */
	uint64_t	timeout;	/* Ip6.ReasmTimeout */
	uint64_t	hdrerrors;	/* Ip6.InHdrErrors */
	uint64_t	parmprob;	/* Icmp6.OutParmProblems */
	uint64_t	timexcd;	/* Icmp6.OutTimeExcds */
	uint64_t	unreach;	/* Icmp6.OutDestUnreachs */
};

static const struct {
	const char	*name;
	size_t		 off;
} frag6_counter[] FRAG6_UNUSED = {
	{ "Ip6.ReasmReqds", offsetof(struct frag6_counts, reqds) },
	{ "Ip6.ReasmOKs", offsetof(struct frag6_counts, oks) },
	{ "Ip6.ReasmFails", offsetof(struct frag6_counts, fails) },
	{ "Ip6.ReasmTimeout", offsetof(struct frag6_counts, timeout) },
	{ "Ip6.InHdrErrors", offsetof(struct frag6_counts, hdrerrors) },
	{ "Icmp6.OutParmProblems", offsetof(struct frag6_counts, parmprob) },
	{ "Icmp6.OutTimeExcds", offsetof(struct frag6_counts, timexcd) },
	{ "Icmp6.OutDestUnreachs", offsetof(struct frag6_counts, unreach) },
};
#define	FRAG6_NCOUNTERS	(sizeof(frag6_counter) / sizeof(frag6_counter[0]))

struct frag6 {
	struct pk_topo		 topo;
	struct pk_vnet		*peer;
	struct pk_if		*ifp;		/* the host's end */
	const char		*src;		/* the host's address */
	const char		*dst;		/* the peer's address */
	struct pk_sniffer	*s;		/* what comes in on ifp */
	enum frag6_mode		 mode;
	struct frag6_counts	 base;		/* counters after setup */
	unsigned		 seq;		/* of the last sentinel */
	char			 filter[128];	/* the sniffer's */
};

static FRAG6_UNUSED uint64_t *
frag6_counter_at(struct frag6_counts *c, size_t i)
{

	return ((uint64_t *)(void *)((char *)c + frag6_counter[i].off));
}

static FRAG6_UNUSED void
frag6_counts_read(struct pk_tc *t, struct frag6 *f, struct frag6_counts *c)
{
	size_t i;

	for (i = 0; i < FRAG6_NCOUNTERS; i++)
		*frag6_counter_at(c, i) = pk_stat(t, f->peer,
		    frag6_counter[i].name);
}

/*
 * Check that each counter moved since setup by what want says (0 for
 * the ones left out of a designated initializer).
 */
static FRAG6_UNUSED void
frag6_check_counts(struct pk_tc *t, struct frag6 *f,
    const struct frag6_counts *want)
{
	struct frag6_counts now, w;
	uint64_t moved;
	size_t i;

	w = *want;
	frag6_counts_read(t, f, &now);
	for (i = 0; i < FRAG6_NCOUNTERS; i++) {
		moved = *frag6_counter_at(&now, i) -
		    *frag6_counter_at(&f->base, i);
		ATF_CHECK_EQ_MSG(moved, *frag6_counter_at(&w, i),
		    "%s moved by %ju, expected %ju", frag6_counter[i].name,
		    (uintmax_t)moved, (uintmax_t)*frag6_counter_at(&w, i));
	}
}

/*
 * The topology, the mode's firewall and timers, and a sniffer on the
 * host's end for what the peer sends from its address, neighbour
 * discovery aside (its link-local MLD reports are noise here).
 */
static FRAG6_UNUSED void
frag6_setup(struct pk_tc *t, struct frag6 *f, enum frag6_mode mode)
{

	memset(f, 0, sizeof(*f));
	f->mode = mode;
	pk_topo_pair(t, &f->topo);
	f->peer = f->topo.server;
	f->ifp = f->topo.client_if;
	f->src = f->topo.client6;
	f->dst = f->topo.server6;
	/* Several cases draw more than one error in a row. */
	pk_sysctl(t, f->peer, "net.ipv6.icmp.ratelimit", "0");
	if (mode == FRAG6_CT) {
		pk_fw(t, f->peer, &frag6_ct_rules);
		/* The sysctl exists once nf_defrag_ipv6 serves the vnet. */
		pk_sysctl(t, f->peer,
		    "net.netfilter.nf_conntrack_frag6_timeout", "1");
	} else
		pk_sysctl(t, f->peer, "net.ipv6.ip6frag_time", "1");
	snprintf(f->filter, sizeof(f->filter), "ip6 src %s and not (icmp6 "
	    "and icmp6[icmp6type] >= 133 and icmp6[icmp6type] <= 137)",
	    f->dst);
	f->s = pk_sniff_with(t, f->ifp, f->filter, .dir = PK_DIR_IN);
	frag6_counts_read(t, f, &f->base);
}

/*
 * Send an echo request that takes the probes' path to the peer, whose
 * reply, FRAG6_SENTINEL, ends a check for absence (see pk_wire.h).
 */
static FRAG6_UNUSED void
frag6_send_sentinel(struct pk_tc *t, struct frag6 *f)
{

	pk_send(t, f->ifp, PK_PKT(PK_IP6(.dst = f->dst),
	    PK_ICMP6_ECHO(.id = FRAG6_SENTINEL_ID, .seq = ++f->seq)));
}

/*
 * Check that the peer answered nothing to what was sent since the last
 * expectation: no error, no UDP, no TCP before the sentinel's reply.
 */
static FRAG6_UNUSED void
frag6_expect_silence(struct pk_tc *t, struct frag6 *f)
{

	frag6_send_sentinel(t, f);
	pk_expect_none_until(t, f->s, FRAG6_ANY_ANSWER, FRAG6_SENTINEL,
	    FRAG6_ANSWER_MS);
}

/*
 * An ICMPv6 error (filter) from the peer to the host, within ms; checks
 * its addresses and returns it.
 */
static FRAG6_UNUSED const struct pk_dpkt *
frag6_expect_error(struct pk_tc *t, struct frag6 *f, const char *filter,
    unsigned ms)
{
	const struct pk_dlayer *ip;
	const struct pk_dpkt *d;

	d = pk_expect(t, f->s, filter, ms);
	ip = pt_layer(d, PK_PROTO_IP6);
	ATF_CHECK(pt_ip6_is(&ip->u.ip6.src, f->dst));
	ATF_CHECK(pt_ip6_is(&ip->u.ip6.dst, f->src));
	return (d);
}

/* The 32-bit field after an ICMPv6 error's checksum: the pointer of a
 * parameter problem. */
static FRAG6_UNUSED uint32_t
frag6_icmp6_rest(const struct pk_dpkt *d)
{

	return (pt_layer(d, PK_PROTO_ICMP6)->u.icmp.rest);
}

/*
 * The Fragment header quoted by an ICMPv6 error, or NULL if the quoted
 * packet has none (nf_defrag_ipv6 hands the stack datagrams without
 * it).
 */
static FRAG6_UNUSED const struct pk_dlayer *
frag6_quoted_frag(const struct pk_dpkt *d)
{
	const struct pk_dlayer *l;

	l = pk_dpkt_find(d, PK_PROTO_IP6_FRAG, 0);
	if (l != NULL)
		ATF_CHECK(l->depth > 0);
	return (l);
}

/*
 * Check that an ICMPv6 error quotes a Fragment header with id, or none
 * at all.
 */
static FRAG6_UNUSED void
frag6_check_quoted_id(const struct pk_dpkt *d, uint32_t id)
{
	const struct pk_dlayer *l;

	l = frag6_quoted_frag(d);
	ATF_REQUIRE_MSG(l != NULL, "the error quotes no Fragment header");
	ATF_CHECK_EQ_MSG(l->u.ip6ext.id, id, "quoted fragment id %#x, "
	    "expected %#x", l->u.ip6ext.id, id);
}

/*
 * A predicate for expectations: d quotes (or carries) a UDP header from
 * source port *(int *)arg.
 */
static FRAG6_UNUSED int
frag6_udp_sport_is(const struct pk_dpkt *d, void *arg)
{
	const struct pk_dlayer *u;

	u = pk_dpkt_find(d, PK_PROTO_UDP, 0);
	return (u != NULL && u->u.udp.sport == *(int *)arg);
}

/*
 * The UDP checksum of a whole datagram from the host to the peer with
 * len bytes of data, for a first fragment that must carry it.
 */
static FRAG6_UNUSED uint16_t
frag6_udp_sum(struct pk_tc *t, struct frag6 *f, int sport, const void *data,
    size_t len)
{
	static uint8_t frame[PK_PKT_MAX];
	const struct pk_dlayer *u;
	struct pk_dpkt d;
	struct pk_err err;
	size_t flen;

	if (pk_wire_build(pk_wire(t), f->ifp, PK_PKT(PK_IP6(.dst = f->dst),
	    PK_UDP(.sport = sport, .dport = FRAG6_DPORT), PK_RAW(.data = data,
	    .len = len)), frame, sizeof(frame), &flen, &err) != 0)
		pk_tc_fail_err(t, __FILE__, __LINE__, &err);
	ATF_REQUIRE(pk_dissect(frame, flen, PK_DLT_EN10MB, &d) == 0);
	u = pt_layer(&d, PK_PROTO_UDP);
	ATF_REQUIRE(u->cksum == PK_CKSUM_OK);
	return (u->u.udp.sum);
}

#endif /* !FRAG6_H */
