/*
 * fwstate_linux.c: a vnet's firewall states as conntrack entries, read
 * and deleted over ctnetlink (see pk_os_fw_states()).
 *
 * Every entry is dumped and the caller filters: a test's conntrack table
 * holds a handful of entries, and filtering here keeps one matching
 * rule for both OSes.  An entry is deleted by its original tuple, which
 * is kept as the kernel sent it (so that any protocol, ICMP included,
 * round-trips), with its zone and its id: a new connection that reuses
 * the tuple after a dump is not killed by mistake.
 */
#define	_GNU_SOURCE
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "os_linux.h"
#include "../sandbox/pk_sandbox.h"

/* What a state's key holds: enough to delete the entry again. */
struct ct_key {
	uint8_t		family;
	uint8_t		has_zone;
	uint16_t	zone;		/* host order */
	uint32_t	id;		/* host order */
	uint16_t	tuplelen;
	/* CTA_TUPLE_ORIG's payload */
	uint8_t		tuple[PK_FW_KEYSIZE - 12];
};

_Static_assert(sizeof(struct ct_key) <= PK_FW_KEYSIZE,
    "PK_FW_KEYSIZE is too small for a conntrack key");

/* Conntrack's TCP states (enum tcp_conntrack), by number. */
static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"
};

struct ct_list {
	struct pk_fw_state	*v;
	size_t			 n, cap;
	int			 bad;	/* entries that did not parse */
};

/*
 * mnl_attr_parse() callbacks: keep each known attribute in tb, after
 * checking that its payload is as long as its type needs.
 */
static int
keep_attr(const struct nlattr *a, void *data, int max, const int *lens)
{
	const struct nlattr **tb = data;
	int type;

	type = mnl_attr_get_type(a);
	if (type <= 0 || type > max)
		return (MNL_CB_OK);
	if (lens[type] < 0 ? mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 :
	    lens[type] > 0 &&
	    mnl_attr_get_payload_len(a) < (uint16_t)lens[type])
		return (MNL_CB_OK);
	tb[type] = a;
	return (MNL_CB_OK);
}

/* Payload lengths: -1 nested, 0 anything. */
static const int top_lens[CTA_MAX + 1] = {
	[CTA_TUPLE_ORIG] = -1, [CTA_TUPLE_REPLY] = -1, [CTA_STATUS] = 4,
	[CTA_PROTOINFO] = -1, [CTA_MARK] = 4, [CTA_ID] = 4, [CTA_ZONE] = 2
};
static const int tuple_lens[CTA_TUPLE_MAX + 1] = {
	[CTA_TUPLE_IP] = -1, [CTA_TUPLE_PROTO] = -1
};
static const int ip_lens[CTA_IP_MAX + 1] = {
	[CTA_IP_V4_SRC] = 4, [CTA_IP_V4_DST] = 4, [CTA_IP_V6_SRC] = 16,
	[CTA_IP_V6_DST] = 16
};
static const int proto_lens[CTA_PROTO_MAX + 1] = {
	[CTA_PROTO_NUM] = 1, [CTA_PROTO_SRC_PORT] = 2,
	[CTA_PROTO_DST_PORT] = 2, [CTA_PROTO_ICMP_ID] = 2,
	[CTA_PROTO_ICMPV6_ID] = 2
};
static const int info_lens[CTA_PROTOINFO_MAX + 1] = {
	[CTA_PROTOINFO_TCP] = -1
};
static const int tcp_lens[CTA_PROTOINFO_TCP_MAX + 1] = {
	[CTA_PROTOINFO_TCP_STATE] = 1
};

#define	PARSE_CB(name, max, lens)					\
	static int							\
	name(const struct nlattr *a, void *data)			\
	{								\
									\
		return (keep_attr(a, data, (max), (lens)));		\
	}
PARSE_CB(top_cb, CTA_MAX, top_lens)
PARSE_CB(tuple_cb, CTA_TUPLE_MAX, tuple_lens)
PARSE_CB(ip_cb, CTA_IP_MAX, ip_lens)
PARSE_CB(proto_cb, CTA_PROTO_MAX, proto_lens)
PARSE_CB(info_cb, CTA_PROTOINFO_MAX, info_lens)
PARSE_CB(tcp_cb, CTA_PROTOINFO_TCP_MAX, tcp_lens)

static void
ntop(int af, const void *addr, char *buf)
{

	if (inet_ntop(af, addr, buf, PK_FW_ADDRSTRLEN) == NULL)
		strcpy(buf, "?");
}

/*
 * One direction's tuple: addresses, protocol, ports (or the echo id in
 * both).  Returns -1 if it lacks addresses or a protocol.
 */
static int
parse_tuple(const struct nlattr *t, int *af, int *proto, char *src,
    char *dst, uint16_t *sport, uint16_t *dport)
{
	const struct nlattr *tt[CTA_TUPLE_MAX + 1] = { NULL };
	const struct nlattr *ti[CTA_IP_MAX + 1] = { NULL };
	const struct nlattr *tp[CTA_PROTO_MAX + 1] = { NULL };
	const struct nlattr *id;

	if (mnl_attr_parse_nested(t, tuple_cb, tt) < 0 ||
	    tt[CTA_TUPLE_IP] == NULL || tt[CTA_TUPLE_PROTO] == NULL ||
	    mnl_attr_parse_nested(tt[CTA_TUPLE_IP], ip_cb, ti) < 0 ||
	    mnl_attr_parse_nested(tt[CTA_TUPLE_PROTO], proto_cb, tp) < 0 ||
	    tp[CTA_PROTO_NUM] == NULL)
		return (-1);
	if (ti[CTA_IP_V4_SRC] != NULL && ti[CTA_IP_V4_DST] != NULL) {
		*af = AF_INET;
		ntop(AF_INET, mnl_attr_get_payload(ti[CTA_IP_V4_SRC]), src);
		ntop(AF_INET, mnl_attr_get_payload(ti[CTA_IP_V4_DST]), dst);
	} else if (ti[CTA_IP_V6_SRC] != NULL && ti[CTA_IP_V6_DST] != NULL) {
		*af = AF_INET6;
		ntop(AF_INET6, mnl_attr_get_payload(ti[CTA_IP_V6_SRC]), src);
		ntop(AF_INET6, mnl_attr_get_payload(ti[CTA_IP_V6_DST]), dst);
	} else
		return (-1);
	*proto = mnl_attr_get_u8(tp[CTA_PROTO_NUM]);
	*sport = *dport = 0;
	if (tp[CTA_PROTO_SRC_PORT] != NULL && tp[CTA_PROTO_DST_PORT] != NULL) {
		*sport = ntohs(mnl_attr_get_u16(tp[CTA_PROTO_SRC_PORT]));
		*dport = ntohs(mnl_attr_get_u16(tp[CTA_PROTO_DST_PORT]));
	}
	id = tp[CTA_PROTO_ICMP_ID] != NULL ? tp[CTA_PROTO_ICMP_ID] :
	    tp[CTA_PROTO_ICMPV6_ID];
	if (id != NULL)
		*sport = *dport = ntohs(mnl_attr_get_u16(id));
	return (0);
}

/*
 * The connection mark as a label: up to four printable characters, the
 * first byte in the mark's most significant non-zero byte.
 */
static void
mark_label(uint32_t mark, char *buf, size_t size)
{
	char text[5];
	int i, n, c;

	if (mark == 0) {
		buf[0] = '\0';
		return;
	}
	n = 0;
	for (i = 3; i >= 0; i--) {
		c = (mark >> (8 * i)) & 0xff;
		if (c == 0 && n == 0)
			continue;
		if (c < 0x21 || c > 0x7e) {
			snprintf(buf, size, "0x%x", mark);
			return;
		}
		text[n++] = (char)c;
	}
	text[n] = '\0';
	snprintf(buf, size, "%s", text);
}

static void
parse_tcp_state(const struct nlattr *info, char *buf, size_t size)
{
	const struct nlattr *ti[CTA_PROTOINFO_MAX + 1] = { NULL };
	const struct nlattr *tt[CTA_PROTOINFO_TCP_MAX + 1] = { NULL };
	unsigned st;

	if (mnl_attr_parse_nested(info, info_cb, ti) < 0 ||
	    ti[CTA_PROTOINFO_TCP] == NULL ||
	    mnl_attr_parse_nested(ti[CTA_PROTOINFO_TCP], tcp_cb, tt) < 0 ||
	    tt[CTA_PROTOINFO_TCP_STATE] == NULL)
		return;
	st = mnl_attr_get_u8(tt[CTA_PROTOINFO_TCP_STATE]);
	snprintf(buf, size, "%s", st < sizeof(tcp_states) /
	    sizeof(tcp_states[0]) ? tcp_states[st] : "?");
}

static int
parse_entry(const struct nlmsghdr *h, struct pk_fw_state *s)
{
	const struct nlattr *tb[CTA_MAX + 1] = { NULL };
	const struct nfgenmsg *g;
	struct ct_key k;
	int af, proto;

	g = mnl_nlmsg_get_payload(h);
	if (mnl_attr_parse(h, sizeof(*g), top_cb, tb) < 0 ||
	    tb[CTA_TUPLE_ORIG] == NULL || tb[CTA_TUPLE_REPLY] == NULL)
		return (-1);
	memset(s, 0, sizeof(*s));
	if (parse_tuple(tb[CTA_TUPLE_ORIG], &s->af, &s->proto, s->src, s->dst,
	    &s->sport, &s->dport) != 0 ||
	    parse_tuple(tb[CTA_TUPLE_REPLY], &af, &proto, s->rsrc, s->rdst,
	    &s->rsport, &s->rdport) != 0)
		return (-1);
	if (tb[CTA_PROTOINFO] != NULL)
		parse_tcp_state(tb[CTA_PROTOINFO], s->state,
		    sizeof(s->state));
	if (tb[CTA_STATUS] != NULL)
		s->replied = (ntohl(mnl_attr_get_u32(tb[CTA_STATUS])) &
		    IPS_SEEN_REPLY) != 0;
	if (tb[CTA_MARK] != NULL)
		mark_label(ntohl(mnl_attr_get_u32(tb[CTA_MARK])), s->label,
		    sizeof(s->label));
	memset(&k, 0, sizeof(k));
	k.family = g->nfgen_family;
	if (tb[CTA_ID] != NULL)
		k.id = ntohl(mnl_attr_get_u32(tb[CTA_ID]));
	s->id = k.id;
	if (tb[CTA_ZONE] != NULL) {
		k.has_zone = 1;
		k.zone = ntohs(mnl_attr_get_u16(tb[CTA_ZONE]));
	}
	if (mnl_attr_get_payload_len(tb[CTA_TUPLE_ORIG]) > sizeof(k.tuple))
		return (-1);
	k.tuplelen = mnl_attr_get_payload_len(tb[CTA_TUPLE_ORIG]);
	memcpy(k.tuple, mnl_attr_get_payload(tb[CTA_TUPLE_ORIG]), k.tuplelen);
	memcpy(s->key, &k, sizeof(k));
	return (0);
}

static int
dump_cb(const struct nlmsghdr *h, void *arg)
{
	struct ct_list *l = arg;
	struct pk_fw_state *nv;
	size_t ncap;

	if ((h->nlmsg_type & 0xff) != IPCTNL_MSG_CT_NEW)
		return (MNL_CB_OK);
	if (l->n == l->cap) {
		ncap = l->cap == 0 ? 8 : l->cap * 2;
		if ((nv = realloc(l->v, ncap * sizeof(*nv))) == NULL) {
			errno = ENOMEM;
			return (MNL_CB_ERROR);
		}
		l->v = nv;
		l->cap = ncap;
	}
	if (parse_entry(h, &l->v[l->n]) == 0)
		l->n++;
	else
		l->bad++;
	return (MNL_CB_OK);
}

static struct nlmsghdr *
ct_header(char *buf, int type, int family)
{
	struct nlmsghdr *h;
	struct nfgenmsg *g;

	h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	h->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->nfgen_family = (uint8_t)family;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	return (h);
}

int
pk_os_fw_states(struct pk_os_vnet *ov, struct pk_fw_state **sp, size_t *np,
    struct pk_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h;
	struct ct_list l;
	struct pk_nl nl;
	int rc;

	memset(&l, 0, sizeof(l));
	nl.sk = NULL;
	if (pk_linux_nl_in(ov, NETLINK_NETFILTER, &nl, err) != 0)
		return (pk_err_prefix(err, "conntrack"));
	h = ct_header(buf, IPCTNL_MSG_CT_GET, AF_UNSPEC);
	h->nlmsg_flags |= NLM_F_DUMP;
	rc = pk_nl_talk(&nl, h, dump_cb, &l, err);
	pk_nl_close(&nl);
	if (rc == 0 && l.bad > 0)
		rc = pk_err_set(err, EPROTO, "%d conntrack entries did not "
		    "parse", l.bad);
	if (rc != 0) {
		free(l.v);
		return (pk_err_prefix(err, "conntrack dump"));
	}
	*sp = l.v;
	*np = l.n;
	return (0);
}

static int
kill_one(struct pk_nl *nl, const struct pk_fw_state *s, int *gone,
    struct pk_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h;
	struct nlattr *nest;
	struct ct_key k;
	struct pk_err e;

	memcpy(&k, s->key, sizeof(k));
	if (k.tuplelen == 0 || k.tuplelen > sizeof(k.tuple))
		return (pk_err_set(err, EINVAL, "not a conntrack state"));
	h = ct_header(buf, IPCTNL_MSG_CT_DELETE, k.family);
	nest = mnl_attr_nest_start(h, CTA_TUPLE_ORIG);
	memcpy(mnl_nlmsg_get_payload_tail(h), k.tuple, k.tuplelen);
	h->nlmsg_len += MNL_ALIGN(k.tuplelen);
	mnl_attr_nest_end(h, nest);
	if (k.has_zone)
		mnl_attr_put_u16(h, CTA_ZONE, htons(k.zone));
	if (k.id != 0)
		mnl_attr_put_u32(h, CTA_ID, htonl(k.id));
	*gone = 0;
	if (pk_nl_talk(nl, h, NULL, NULL, &e) == 0)
		return (0);
	if (e.code == ENOENT) {
		*gone = 1;
		return (0);
	}
	if (err != NULL)
		*err = e;
	return (-1);
}

int
pk_os_fw_kill_states(struct pk_os_vnet *ov, const struct pk_fw_state *s,
    size_t n, size_t *killed, struct pk_err *err)
{
	struct pk_nl nl;
	size_t i, k;
	int gone, rc;

	k = 0;
	rc = 0;
	if (n > 0) {
		nl.sk = NULL;
		if (pk_linux_nl_in(ov, NETLINK_NETFILTER, &nl, err) != 0)
			return (pk_err_prefix(err, "conntrack"));
		for (i = 0; i < n && rc == 0; i++) {
			rc = kill_one(&nl, &s[i], &gone, err);
			if (rc == 0 && !gone)
				k++;
		}
		pk_nl_close(&nl);
	}
	if (killed != NULL)
		*killed = k;
	if (rc != 0)
		return (pk_err_prefix(err, "conntrack delete %s -> %s",
		    s[i - 1].src, s[i - 1].dst));
	return (0);
}
