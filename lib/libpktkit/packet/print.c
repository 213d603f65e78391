/*
 * print.c: a dissected packet as one tcpdump-like line, or as a dump of
 * every field.  These are what a failing test shows, so they say what a
 * reader needs to see the difference: addresses, ports, flags, sequence
 * numbers, ICMP types and codes, fragment ids and offsets, TTL/hop
 * limit, TOS/traffic class, and every checksum that is wrong.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pk_packet_impl.h"
#include "../pk_mac_impl.h"

void
pk__sb_printf(struct pk_sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	room = sb->len < sb->size ? sb->size - sb->len : 0;
	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += (size_t)n;
}

static void
sb_init(struct pk_sbuf *sb, char *buf, size_t size)
{

	sb->buf = buf;
	sb->size = size;
	sb->len = 0;
	if (size > 0)
		buf[0] = '\0';
}

static const char *
addr_str(int af, const void *a, char *s)
{

	if (inet_ntop(af, a, s, INET6_ADDRSTRLEN) == NULL)
		strcpy(s, "?");
	return (s);
}

static const char *
ck_str(int ck)
{

	switch (ck) {
	case PK_CKSUM_OK:
		return ("ok");
	case PK_CKSUM_BAD:
		return ("BAD");
	case PK_CKSUM_UNKNOWN:
		return ("unverified");
	case PK_CKSUM_ABSENT:
		return ("none");
	default:
		return ("-");
	}
}

static void
tcp_flags(struct pk_sbuf *sb, uint8_t f)
{
	static const char names[] = "FSRP.UEW";
	int k;

	pk__sb_printf(sb, "Flags [");
	for (k = 0; k < 8; k++)
		if (f & (1 << k))
			pk__sb_printf(sb, "%c", names[k]);
	if (f == 0)
		pk__sb_printf(sb, "none");
	pk__sb_printf(sb, "]");
}

static void
tcp_opts(struct pk_sbuf *sb, const uint8_t *p, size_t n)
{
	const char *sep = "";
	size_t j, k, len;

	pk__sb_printf(sb, ", options [");
	for (k = 0; k < n; k += len, sep = ",") {
		if (p[k] <= 1) {
			pk__sb_printf(sb, "%s%s", sep, p[k] ? "nop" : "eol");
			len = 1;
			continue;
		}
		len = n - k >= 2 ? p[k + 1] : 0;
		if (len < 2 || len > n - k) {
			pk__sb_printf(sb, "%sbad opt %u", sep, p[k]);
			break;
		}
		if (p[k] == 2 && len == 4)
			pk__sb_printf(sb, "%smss %u", sep,
			    pk__get16(p + k + 2));
		else if (p[k] == 3 && len == 3)
			pk__sb_printf(sb, "%swscale %u", sep, p[k + 2]);
		else if (p[k] == 4 && len == 2)
			pk__sb_printf(sb, "%ssackOK", sep);
		else if (p[k] == 8 && len == 10)
			pk__sb_printf(sb, "%sTS val %u ecr %u", sep,
			    pk__get32(p + k + 2), pk__get32(p + k + 6));
		else if (p[k] == 5 && len % 8 == 2) {
			pk__sb_printf(sb, "%ssack %zu", sep, (len - 2) / 8);
			for (j = k + 2; j + 8 <= k + len; j += 8)
				pk__sb_printf(sb, " {%u:%u}", pk__get32(p + j),
				    pk__get32(p + j + 4));
		} else
			pk__sb_printf(sb, "%sopt-%u:%zu", sep, p[k], len);
	}
	pk__sb_printf(sb, "]");
}

static void
line_tcp(struct pk_sbuf *sb, const struct pk_dpkt *d,
    const struct pk_dlayer *l)
{
	const struct pk_dtcp *t = &l->u.tcp;

	tcp_flags(sb, t->flags);
	if (l->flags & (PK_DL_TRUNC | PK_DL_BADLEN)) {
		pk__sb_printf(sb, " [%s tcp]", l->flags & PK_DL_TRUNC ?
		    "truncated" : "bad offset");
		return;
	}
	pk__sb_printf(sb, ", seq %u", t->seq);
	if (t->flags & PK_TH_ACK)
		pk__sb_printf(sb, ", ack %u", t->ack);
	pk__sb_printf(sb, ", win %u", t->win);
	if (t->flags & PK_TH_URG)
		pk__sb_printf(sb, ", urg %u", t->urp);
	if (t->off > 20)
		tcp_opts(sb, d->buf + l->off + 20, t->off - 20U);
	pk__sb_printf(sb, ", length %u", l->len - l->hlen);
	if (l->cksum == PK_CKSUM_BAD)
		pk__sb_printf(sb, " [bad tcp cksum 0x%04x]", t->sum);
}

static const char *
icmp4_name(uint8_t type)
{

	switch (type) {
	case 0: return ("echo reply");
	case 3: return ("unreachable");
	case 4: return ("source quench");
	case 5: return ("redirect");
	case 8: return ("echo request");
	case 11: return ("time exceeded");
	case 12: return ("parameter problem");
	case 13: return ("timestamp request");
	case 14: return ("timestamp reply");
	default: return (NULL);
	}
}

static const char *
icmp6_name(uint8_t type)
{

	switch (type) {
	case 1: return ("unreachable");
	case 2: return ("packet too big");
	case 3: return ("time exceeded");
	case 4: return ("parameter problem");
	case 128: return ("echo request");
	case 129: return ("echo reply");
	case 130: return ("multicast listener query");
	case 131: return ("multicast listener report");
	case 132: return ("multicast listener done");
	case 133: return ("router solicitation");
	case 134: return ("router advertisement");
	case 135: return ("neighbor solicitation");
	case 136: return ("neighbor advertisement");
	case 137: return ("redirect");
	case 143: return ("multicast listener report v2");
	default: return (NULL);
	}
}

/* ND options, as far as they go. */
static void
nd_opts(struct pk_sbuf *sb, const uint8_t *p, size_t n)
{
	char s[INET6_ADDRSTRLEN];
	size_t k, len;

	for (k = 0; k + 2 <= n; k += len) {
		len = (size_t)p[k + 1] * 8;
		if (len == 0 || len > n - k) {
			pk__sb_printf(sb, " [bad option]");
			return;
		}
		if ((p[k] == 1 || p[k] == 2) && len == 8)
			pk__sb_printf(sb, " [%s %s]", p[k] == 1 ? "slla" :
			    "tlla", pk_mac_format(p + k + 2, s));
		else if (p[k] == 3 && len == 32)
			pk__sb_printf(sb, " [prefix %s/%u]",
			    addr_str(AF_INET6, p + k + 16, s), p[k + 2]);
		else if (p[k] == 5 && len == 8)
			pk__sb_printf(sb, " [mtu %u]", pk__get32(p + k + 4));
		else
			pk__sb_printf(sb, " [opt %u len %zu]", p[k], len);
	}
}

static void
line_icmp6(struct pk_sbuf *sb, const struct pk_dpkt *d,
    const struct pk_dlayer *l)
{
	const struct pk_dicmp *ic = &l->u.icmp;
	char s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];
	size_t fixed;
	uint32_t f;

	switch (ic->type) {
	case 128:
	case 129:
		pk__sb_printf(sb, ", id %u, seq %u", ic->rest >> 16,
		    ic->rest & 0xffff);
		break;
	case 2:
		pk__sb_printf(sb, ", mtu %u", ic->rest);
		break;
	case 4:
		pk__sb_printf(sb, ", pointer %u", ic->rest);
		break;
	case 130:
	case 131:
	case 132:
		pk__sb_printf(sb, ", max delay %u, group %s", ic->rest >> 16,
		    addr_str(AF_INET6, &ic->target, s));
		break;
	case 135:
		pk__sb_printf(sb, ", who has %s",
		    addr_str(AF_INET6, &ic->target, s));
		break;
	case 136:
		f = ic->rest;
		pk__sb_printf(sb, ", tgt is %s, Flags [%s%s%s]",
		    addr_str(AF_INET6, &ic->target, s),
		    f & PK_NA_ROUTER ? "R" : "", f & PK_NA_SOLICITED ? "S" : "",
		    f & PK_NA_OVERRIDE ? "O" : "");
		break;
	case 134:
		pk__sb_printf(sb, ", hlim %u, lifetime %u", ic->rest >> 24,
		    ic->rest & 0xffff);
		break;
	case 137:
		pk__sb_printf(sb, ", %s to %s", addr_str(AF_INET6, &ic->dst, s),
		    addr_str(AF_INET6, &ic->target, t));
		break;
	case 143:
		pk__sb_printf(sb, ", %u record(s)", ic->rest & 0xffff);
		break;
	}
	if (ic->type < 133 || ic->type > 137)
		return;
	fixed = ic->type == 133 ? 8 : ic->type == 134 ? 16 :
	    ic->type == 137 ? 40 : 24;
	if (l->len > fixed)
		nd_opts(sb, d->buf + l->off + fixed, l->len - fixed);
}

static void
line_icmp(struct pk_sbuf *sb, const struct pk_dpkt *d,
    const struct pk_dlayer *l)
{
	const struct pk_dicmp *ic = &l->u.icmp;
	const char *name;
	struct in_addr gw;
	char s[INET6_ADDRSTRLEN];
	int v6;

	v6 = l->proto == PK_PROTO_ICMP6;
	name = v6 ? icmp6_name(ic->type) : icmp4_name(ic->type);
	pk__sb_printf(sb, "%s ", v6 ? "ICMP6" : "ICMP");
	if (name != NULL)
		pk__sb_printf(sb, "%s", name);
	else
		pk__sb_printf(sb, "type %u", ic->type);
	if (ic->code != 0)
		pk__sb_printf(sb, " code %u", ic->code);
	if (l->flags & PK_DL_TRUNC)
		pk__sb_printf(sb, " [truncated]");
	else if (v6)
		line_icmp6(sb, d, l);
	else if (ic->type == 0 || ic->type == 8)
		pk__sb_printf(sb, ", id %u, seq %u", ic->rest >> 16,
		    ic->rest & 0xffff);
	else if (ic->type == 3 && ic->code == 4)
		pk__sb_printf(sb, ", mtu %u", ic->rest & 0xffff);
	else if (ic->type == 12)
		pk__sb_printf(sb, ", pointer %u", ic->rest >> 24);
	else if (ic->type == 5) {
		gw.s_addr = htonl(ic->rest);
		pk__sb_printf(sb, ", gw %s", addr_str(AF_INET, &gw, s));
	}
	pk__sb_printf(sb, ", length %u", l->len);
	if (l->cksum == PK_CKSUM_BAD)
		pk__sb_printf(sb, " [bad %s cksum 0x%04x]", v6 ? "icmp6" :
		    "icmp", ic->sum);
}

/* The transport layer's summary after "src > dst: ". */
static void
line_l4(struct pk_sbuf *sb, const struct pk_dpkt *d,
    const struct pk_dlayer *l)
{
	const struct pk_dlayer *c;

	switch (l->proto) {
	case PK_PROTO_TCP:
		line_tcp(sb, d, l);
		break;
	case PK_PROTO_UDP:
		pk__sb_printf(sb, "UDP, length %u", l->u.udp.len >= 8 ?
		    l->u.udp.len - 8U : 0);
		if (l->flags & PK_DL_BADLEN)
			pk__sb_printf(sb, " [bad udp length %u]",
			    l->u.udp.len);
		if (l->cksum == PK_CKSUM_BAD)
			pk__sb_printf(sb, " [bad udp cksum 0x%04x]",
			    l->u.udp.sum);
		break;
	case PK_PROTO_SCTP:
		pk__sb_printf(sb, "SCTP vtag 0x%08x", l->u.sctp.vtag);
		for (c = l + 1; c < d->l + d->nlayers &&
		    c->proto == PK_PROTO_SCTP_CHUNK; c++)
			pk__sb_printf(sb, " [chunk %u flags 0x%02x len %u]",
			    c->u.chunk.type, c->u.chunk.flags, c->u.chunk.len);
		if (l->cksum == PK_CKSUM_BAD)
			pk__sb_printf(sb, " [bad sctp crc]");
		break;
	case PK_PROTO_ICMP4:
	case PK_PROTO_ICMP6:
		line_icmp(sb, d, l);
		break;
	case PK_PROTO_GRE:
		pk__sb_printf(sb, "GRE proto 0x%04x", l->u.gre.proto);
		if (l->u.gre.flags & 0x2000)
			pk__sb_printf(sb, " key %u", l->u.gre.key);
		if (l->u.gre.flags & 0x1000)
			pk__sb_printf(sb, " seq %u", l->u.gre.seq);
		if (l->cksum == PK_CKSUM_BAD)
			pk__sb_printf(sb, " [bad gre cksum 0x%04x]",
			    l->u.gre.sum);
		break;
	case PK_PROTO_RAW:
		pk__sb_printf(sb, "data, length %u", l->len);
		break;
	default:
		pk__sb_printf(sb, "%s", pk_proto_name(l->proto));
		break;
	}
}

static void
ports(struct pk_sbuf *sb, const struct pk_dlayer *l, int src)
{

	if (l == NULL || (l->flags & PK_DL_TRUNC))
		return;
	if (l->proto == PK_PROTO_TCP)
		pk__sb_printf(sb, ".%u", src ? l->u.tcp.sport : l->u.tcp.dport);
	else if (l->proto == PK_PROTO_UDP)
		pk__sb_printf(sb, ".%u", src ? l->u.udp.sport : l->u.udp.dport);
	else if (l->proto == PK_PROTO_SCTP)
		pk__sb_printf(sb, ".%u", src ? l->u.sctp.sport :
		    l->u.sctp.dport);
}

static void
ip_tail(struct pk_sbuf *sb, const struct pk_dlayer *ip)
{

	if (ip->proto == PK_PROTO_IP4) {
		pk__sb_printf(sb, " (ttl %u, id %u, tos 0x%x, len %u%s%s",
		    ip->u.ip4.ttl, ip->u.ip4.id, ip->u.ip4.tos, ip->u.ip4.len,
		    ip->u.ip4.df ? ", DF" : "",
		    ip->flags & PK_DL_SHORT ? ", truncated" : "");
		if (ip->u.ip4.hl > 20)
			pk__sb_printf(sb, ", options %u", ip->u.ip4.hl - 20U);
		if (ip->cksum == PK_CKSUM_BAD)
			pk__sb_printf(sb, ", bad ip cksum 0x%04x",
			    ip->u.ip4.sum);
	} else
		pk__sb_printf(sb, " (hlim %u, tc 0x%x, flow 0x%x, plen %u%s",
		    ip->u.ip6.hlim, ip->u.ip6.tc, ip->u.ip6.flow,
		    ip->u.ip6.plen,
		    ip->flags & PK_DL_SHORT ? ", truncated" : "");
	pk__sb_printf(sb, ")");
}

static void
line_ext(struct pk_sbuf *sb, const struct pk_dlayer *e)
{

	switch (e->proto) {
	case PK_PROTO_IP6_HBH:
		pk__sb_printf(sb, "HBH ");
		break;
	case PK_PROTO_IP6_DSTOPTS:
		pk__sb_printf(sb, "DSTOPTS ");
		break;
	case PK_PROTO_IP6_RT:
		pk__sb_printf(sb, "RT type %u segleft %u ", e->u.ip6ext.rtype,
		    e->u.ip6ext.segleft);
		break;
	default:
		pk__sb_printf(sb, "frag id 0x%08x off %u%s ", e->u.ip6ext.id,
		    e->u.ip6ext.off, e->u.ip6ext.mf ? " MF" : "");
		break;
	}
	if (e->flags & PK_DL_TRUNC)
		pk__sb_printf(sb, "[truncated] ");
}

/* An IP packet from layer i: "IP src > dst: ...". */
static int
line_ip(struct pk_sbuf *sb, const struct pk_dpkt *d, int i)
{
	const struct pk_dlayer *ip = &d->l[i], *l4;
	char s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];
	int j, k, af;

	af = ip->proto == PK_PROTO_IP4 ? AF_INET : AF_INET6;
	for (j = i + 1; j < d->nlayers && d->l[j].depth == ip->depth &&
	    d->l[j].proto >= PK_PROTO_IP6_HBH &&
	    d->l[j].proto <= PK_PROTO_IP6_FRAG; j++)
		;
	l4 = j < d->nlayers && d->l[j].depth == ip->depth ? &d->l[j] : NULL;
	pk__sb_printf(sb, "%s %s", af == AF_INET ? "IP" : "IP6",
	    addr_str(af, af == AF_INET ? (const void *)&ip->u.ip4.src :
	    (const void *)&ip->u.ip6.src, s));
	ports(sb, l4, 1);
	pk__sb_printf(sb, " > %s", addr_str(af, af == AF_INET ?
	    (const void *)&ip->u.ip4.dst : (const void *)&ip->u.ip6.dst, t));
	ports(sb, l4, 0);
	pk__sb_printf(sb, ": ");
	if (ip->flags & (PK_DL_TRUNC | PK_DL_BADLEN))
		pk__sb_printf(sb, "[%s ip header] ", ip->flags & PK_DL_TRUNC ?
		    "truncated" : "bad");
	if (af == AF_INET && (ip->flags & PK_DL_FRAG))
		pk__sb_printf(sb, "frag id %u off %u%s, ", ip->u.ip4.id,
		    ip->u.ip4.off, ip->u.ip4.mf ? " MF" : "");
	for (k = i + 1; k < j; k++)
		line_ext(sb, &d->l[k]);
	if (l4 != NULL && (l4->proto == PK_PROTO_IP4 ||
	    l4->proto == PK_PROTO_IP6)) {
		/* A tunnel: the inner packet follows. */
		pk__sb_printf(sb, "%s in %s", pk_proto_name(l4->proto),
		    pk_proto_name(ip->proto));
		ip_tail(sb, ip);
		pk__sb_printf(sb, ", ");
		return (j);
	}
	if (l4 != NULL)
		line_l4(sb, d, l4);
	else
		pk__sb_printf(sb, "proto %u", af == AF_INET ? ip->u.ip4.p :
		    ip->u.ip6.nh);
	ip_tail(sb, ip);
	if (l4 != NULL && l4->proto == PK_PROTO_GRE)
		pk__sb_printf(sb, ", ");
	return (l4 != NULL ? j + 1 : j);
}

static int
line_l2(struct pk_sbuf *sb, const struct pk_dpkt *d, int i)
{
	const struct pk_dlayer *l = &d->l[i];
	char a[PK_MAC_STRSIZE], b[PK_MAC_STRSIZE], s[16], t[16];

	switch (l->proto) {
	case PK_PROTO_ETHER:
		pk__sb_printf(sb, "%s > %s, ", pk_mac_format(l->u.ether.src, a),
		    pk_mac_format(l->u.ether.dst, b));
		if (l->u.ether.type != 0x0800 && l->u.ether.type != 0x86dd &&
		    l->u.ether.type != 0x0806 && l->u.ether.type != 0x8100)
			pk__sb_printf(sb, "ethertype 0x%04x, ",
			    l->u.ether.type);
		break;
	case PK_PROTO_SLL:
		pk__sb_printf(sb, "sll type %u, ", l->u.sll.pkttype);
		break;
	case PK_PROTO_DOT1Q:
		pk__sb_printf(sb, "vlan %u p %u, ", l->u.dot1q.vid,
		    l->u.dot1q.prio);
		break;
	case PK_PROTO_ARP:
		if (l->flags & PK_DL_TRUNC || l->u.arp.hln != 6 ||
		    l->u.arp.pln != 4)
			pk__sb_printf(sb, "ARP op %u (hln %u pln %u)",
			    l->u.arp.op, l->u.arp.hln, l->u.arp.pln);
		else if (l->u.arp.op == 1)
			pk__sb_printf(sb, "ARP who-has %s tell %s",
			    addr_str(AF_INET, l->u.arp.tpa, s),
			    addr_str(AF_INET, l->u.arp.spa, t));
		else
			pk__sb_printf(sb, "ARP %s %s is-at %s",
			    l->u.arp.op == 2 ? "reply" : "op",
			    addr_str(AF_INET, l->u.arp.spa, s),
			    pk_mac_format(l->u.arp.sha, a));
		break;
	default:
		pk__sb_printf(sb, "%s, length %u", pk_proto_name(l->proto),
		    l->len);
		break;
	}
	if (l->flags & PK_DL_TRUNC)
		pk__sb_printf(sb, "[truncated %s] ", pk_proto_name(l->proto));
	return (i + 1);
}

/* Layers from i at one depth; an ICMP error's quote goes in braces. */
static int
line_from(struct pk_sbuf *sb, const struct pk_dpkt *d, int i)
{
	int depth;

	depth = d->l[i].depth;
	while (i < d->nlayers && d->l[i].depth >= depth) {
		if (d->l[i].depth > depth) {
			pk__sb_printf(sb, " { ");
			i = line_from(sb, d, i);
			pk__sb_printf(sb, " }");
			continue;
		}
		if (d->l[i].proto == PK_PROTO_IP4 ||
		    d->l[i].proto == PK_PROTO_IP6)
			i = line_ip(sb, d, i);
		else if (d->l[i].proto == PK_PROTO_RAW && (i == 0 ||
		    d->l[i - 1].proto == PK_PROTO_ETHER ||
		    d->l[i - 1].proto == PK_PROTO_DOT1Q ||
		    d->l[i - 1].proto == PK_PROTO_SLL))
			pk__sb_printf(sb, "data, length %u", d->l[i++].len);
		else if (d->l[i].proto == PK_PROTO_RAW ||
		    d->l[i].proto == PK_PROTO_SCTP_CHUNK)
			i++;
		else
			i = line_l2(sb, d, i);
	}
	return (i);
}

size_t
pk_dpkt_line(const struct pk_dpkt *d, char *buf, size_t size)
{
	struct pk_sbuf sb;

	sb_init(&sb, buf, size);
	if (d->nlayers == 0)
		pk__sb_printf(&sb, "empty frame, length %zu", d->len);
	else
		(void)line_from(&sb, d, 0);
	if (d->flags & PK_DP_TOODEEP)
		pk__sb_printf(&sb, " [more layers not shown]");
	return (sb.len);
}

/*
 * The dump: one line per layer with its offsets, every field and the
 * checksum verdict, then the frame in hex.
 */
static void
dump_flags(struct pk_sbuf *sb, const struct pk_dlayer *l)
{

	if (l->flags & PK_DL_TRUNC)
		pk__sb_printf(sb, " TRUNCATED");
	if (l->flags & PK_DL_SHORT)
		pk__sb_printf(sb, " SHORT");
	if (l->flags & PK_DL_BADLEN)
		pk__sb_printf(sb, " BADLEN");
	if (l->flags & PK_DL_FRAG)
		pk__sb_printf(sb, " FRAG");
	if (l->cksum != PK_CKSUM_NONE)
		pk__sb_printf(sb, " cksum %s", ck_str(l->cksum));
}

static void
dump_ip(struct pk_sbuf *sb, const struct pk_dlayer *l)
{
	const struct pk_dip4 *ip = &l->u.ip4;
	const struct pk_dip6 *ip6 = &l->u.ip6;
	char s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];

	if (l->proto == PK_PROTO_IP4)
		pk__sb_printf(sb, "v %u hl %u tos 0x%02x len %u id %u "
		    "flags %s%s%s off %u ttl %u p %u sum 0x%04x src %s dst %s",
		    ip->v, ip->hl, ip->tos, ip->len, ip->id, ip->rf ? "R" : "",
		    ip->df ? "D" : "", ip->mf ? "M" : "", ip->off, ip->ttl,
		    ip->p, ip->sum, addr_str(AF_INET, &ip->src, s),
		    addr_str(AF_INET, &ip->dst, t));
	else
		pk__sb_printf(sb, "v %u tc 0x%02x flow 0x%05x plen %u nh %u "
		    "hlim %u src %s dst %s", ip6->v, ip6->tc, ip6->flow,
		    ip6->plen, ip6->nh, ip6->hlim,
		    addr_str(AF_INET6, &ip6->src, s),
		    addr_str(AF_INET6, &ip6->dst, t));
}

static void
dump_l2(struct pk_sbuf *sb, const struct pk_dlayer *l)
{
	char a[PK_MAC_STRSIZE], b[PK_MAC_STRSIZE], s[INET6_ADDRSTRLEN];

	switch (l->proto) {
	case PK_PROTO_ETHER:
		pk__sb_printf(sb, "dst %s src %s type 0x%04x",
		    pk_mac_format(l->u.ether.dst, a),
		    pk_mac_format(l->u.ether.src, b), l->u.ether.type);
		break;
	case PK_PROTO_SLL:
		pk__sb_printf(sb, "pkttype %u hatype %u halen %u proto 0x%04x",
		    l->u.sll.pkttype, l->u.sll.hatype, l->u.sll.halen,
		    l->u.sll.proto);
		break;
	case PK_PROTO_DOT1Q:
		pk__sb_printf(sb, "prio %u dei %u vid %u type 0x%04x",
		    l->u.dot1q.prio, l->u.dot1q.dei, l->u.dot1q.vid,
		    l->u.dot1q.type);
		break;
	default:
		pk__sb_printf(sb, "hrd %u pro 0x%04x hln %u pln %u op %u "
		    "sha %s spa %s", l->u.arp.hrd, l->u.arp.pro, l->u.arp.hln,
		    l->u.arp.pln, l->u.arp.op, pk_mac_format(l->u.arp.sha, a),
		    addr_str(AF_INET, l->u.arp.spa, s));
		pk__sb_printf(sb, " tha %s tpa %s",
		    pk_mac_format(l->u.arp.tha, b),
		    addr_str(AF_INET, l->u.arp.tpa, s));
		break;
	}
}

static void
dump_l4(struct pk_sbuf *sb, const struct pk_dpkt *d,
    const struct pk_dlayer *l)
{

	switch (l->proto) {
	case PK_PROTO_TCP:
		pk__sb_printf(sb, "sport %u dport %u seq %u ack %u off %u "
		    "x2 0x%x flags 0x%02x win %u sum 0x%04x urp %u",
		    l->u.tcp.sport, l->u.tcp.dport, l->u.tcp.seq, l->u.tcp.ack,
		    l->u.tcp.off, l->u.tcp.x2, l->u.tcp.flags, l->u.tcp.win,
		    l->u.tcp.sum, l->u.tcp.urp);
		if (l->u.tcp.off > 20 && l->hlen >= l->u.tcp.off)
			tcp_opts(sb, d->buf + l->off + 20, l->u.tcp.off - 20U);
		break;
	case PK_PROTO_UDP:
		pk__sb_printf(sb, "sport %u dport %u len %u sum 0x%04x",
		    l->u.udp.sport, l->u.udp.dport, l->u.udp.len,
		    l->u.udp.sum);
		break;
	case PK_PROTO_SCTP:
		pk__sb_printf(sb, "sport %u dport %u vtag 0x%08x sum 0x%08x",
		    l->u.sctp.sport, l->u.sctp.dport, l->u.sctp.vtag,
		    l->u.sctp.sum);
		break;
	case PK_PROTO_SCTP_CHUNK:
		pk__sb_printf(sb, "type %u flags 0x%02x len %u tag 0x%08x",
		    l->u.chunk.type, l->u.chunk.flags, l->u.chunk.len,
		    l->u.chunk.tag);
		break;
	default:
		pk__sb_printf(sb, "flags 0x%04x proto 0x%04x sum 0x%04x "
		    "key %u seq %u", l->u.gre.flags, l->u.gre.proto,
		    l->u.gre.sum, l->u.gre.key, l->u.gre.seq);
		break;
	}
}

static void
dump_fields(struct pk_sbuf *sb, const struct pk_dpkt *d,
    const struct pk_dlayer *l)
{
	const struct pk_dip6ext *e = &l->u.ip6ext;
	char s[INET6_ADDRSTRLEN];

	switch (l->proto) {
	case PK_PROTO_ETHER:
	case PK_PROTO_SLL:
	case PK_PROTO_DOT1Q:
	case PK_PROTO_ARP:
		dump_l2(sb, l);
		break;
	case PK_PROTO_IP4:
	case PK_PROTO_IP6:
		dump_ip(sb, l);
		break;
	case PK_PROTO_IP6_HBH:
	case PK_PROTO_IP6_DSTOPTS:
	case PK_PROTO_IP6_RT:
	case PK_PROTO_IP6_FRAG:
		pk__sb_printf(sb, "nh %u len %u", e->nh, e->len);
		if (l->proto == PK_PROTO_IP6_RT)
			pk__sb_printf(sb, " type %u segleft %u", e->rtype,
			    e->segleft);
		if (l->proto == PK_PROTO_IP6_FRAG)
			pk__sb_printf(sb, " off %u mf %u id 0x%08x", e->off,
			    e->mf, e->id);
		break;
	case PK_PROTO_ICMP4:
	case PK_PROTO_ICMP6:
		pk__sb_printf(sb, "type %u code %u sum 0x%04x rest 0x%08x",
		    l->u.icmp.type, l->u.icmp.code, l->u.icmp.sum,
		    l->u.icmp.rest);
		if (l->proto == PK_PROTO_ICMP6 && l->hlen >= 24)
			pk__sb_printf(sb, " target %s",
			    addr_str(AF_INET6, &l->u.icmp.target, s));
		break;
	case PK_PROTO_TCP:
	case PK_PROTO_UDP:
	case PK_PROTO_SCTP:
	case PK_PROTO_SCTP_CHUNK:
	case PK_PROTO_GRE:
		dump_l4(sb, d, l);
		break;
	default:
		break;
	}
}

static void
hexdump(struct pk_sbuf *sb, const uint8_t *p, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++) {
		if (k % 16 == 0)
			pk__sb_printf(sb, "%s  %04zx:", k ? "\n" : "", k);
		pk__sb_printf(sb, "%s%02x", k % 2 ? "" : " ", p[k]);
	}
	if (len > 0)
		pk__sb_printf(sb, "\n");
}

size_t
pk_dpkt_dump(const struct pk_dpkt *d, char *buf, size_t size)
{
	const struct pk_dlayer *l;
	struct pk_sbuf sb;
	int i;

	sb_init(&sb, buf, size);
	pk__sb_printf(&sb, "frame: %zu bytes, link type %d, %d layers%s%s%s"
	    "%s\n", d->len, d->dlt, d->nlayers,
	    d->flags & PK_DP_TRUNC ? ", truncated" : "",
	    d->flags & PK_DP_BADCKSUM ? ", BAD CHECKSUM" : "",
	    d->flags & PK_DP_MALFORMED ? ", malformed" : "",
	    d->flags & PK_DP_TOODEEP ? ", too many layers" : "");
	for (i = 0; i < d->nlayers; i++) {
		l = &d->l[i];
		pk__sb_printf(&sb, "%*s[%d] %s @%u hlen %u len %u%s", 2 *
		    l->depth, "", i, pk_proto_name(l->proto), l->off, l->hlen,
		    l->len, l->depth ? " (quoted)" : "");
		dump_flags(&sb, l);
		pk__sb_printf(&sb, ": ");
		dump_fields(&sb, d, l);
		pk__sb_printf(&sb, "\n");
	}
	hexdump(&sb, d->buf, d->len);
	return (sb.len);
}
