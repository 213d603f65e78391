/*
 * craft_l2.c: Ethernet, 802.1Q, ARP and raw bytes.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pk_packet_impl.h"

#define	ETYPE_EXP	0x88b5	/* IEEE 802 local experimental */

static uint16_t
ethertype_of(enum pk_proto p)
{

	switch (p) {
	case PK_PROTO_IP4:
		return (0x0800);
	case PK_PROTO_IP6:
		return (0x86dd);
	case PK_PROTO_ARP:
		return (0x0806);
	case PK_PROTO_DOT1Q:
		return (0x8100);
	default:
		return (ETYPE_EXP);
	}
}

/*
 * The MAC a multicast or broadcast IP destination maps to (RFC 1112,
 * RFC 2464).  Returns 0 if the first IP layer after Ethernet layer i is
 * unicast (or there is none).
 */
static int
l3_mac(struct pk_bctx *b, int i, uint8_t mac[6])
{
	struct in6_addr s6, d6;
	struct in_addr s4, d4;
	uint32_t a;
	int j;

	for (j = i + 1; j < b->n && b->pkt[j]->proto == PK_PROTO_DOT1Q; j++)
		;
	if (j < b->n && b->pkt[j]->proto == PK_PROTO_IP4) {
		if (pk__ip4_addrs(b, j, &s4, &d4) == -1)
			return (-1);
		a = ntohl(d4.s_addr);
		if (a == 0xffffffffU) {
			memset(mac, 0xff, 6);
			return (1);
		}
		if ((a >> 28) != 0xe)
			return (0);
		mac[0] = 0x01, mac[1] = 0x00, mac[2] = 0x5e;
		mac[3] = (a >> 16) & 0x7f, mac[4] = (a >> 8) & 0xff;
		mac[5] = a & 0xff;
		return (1);
	}
	if (j < b->n && b->pkt[j]->proto == PK_PROTO_IP6) {
		if (pk__ip6_addrs(b, j, &s6, &d6) == -1)
			return (-1);
		if (d6.s6_addr[0] != 0xff)
			return (0);
		mac[0] = 0x33, mac[1] = 0x33;
		memcpy(mac + 2, &d6.s6_addr[12], 4);
		return (1);
	}
	return (0);
}

static int
ether_macs(struct pk_bctx *b, int i, uint8_t dst[6], uint8_t src[6])
{
	const struct pk_ether *s = (const struct pk_ether *)b->pkt[i];
	int rc;

	if (s->dst != NULL) {
		if (pk__mac(b, i, "dst", s->dst, dst) == -1)
			return (-1);
	} else if ((rc = l3_mac(b, i, dst)) != 0) {
		if (rc == -1)
			return (-1);
	} else if (b->env != NULL && b->env->dst_mac != NULL)
		memcpy(dst, b->env->dst_mac, 6);
	else
		memset(dst, 0xff, 6);
	if (s->src != NULL)
		return (pk__mac(b, i, "src", s->src, src));
	if (b->env != NULL && b->env->src_mac != NULL)
		memcpy(src, b->env->src_mac, 6);
	else
		memset(src, 0, 6);
	return (0);
}

/* The tag's TCI and type, checked. */
static int
dot1q_fields(struct pk_bctx *b, int i, uint64_t *prio, uint64_t *dei,
    uint64_t *vid, uint64_t *type)
{
	const struct pk_dot1q *s = (const struct pk_dot1q *)b->pkt[i];

	if (PK_FLD(b, i, s, prio, 0, 7, prio) == -1 ||
	    PK_FLD(b, i, s, dei, 0, 1, dei) == -1 ||
	    PK_FLD(b, i, s, vid, 0, 0xfff, vid) == -1 ||
	    PK_FLD(b, i, s, type, ethertype_of(pk__next(b, i)), 0xffff,
	    type) == -1)
		return (-1);
	return (0);
}

int
pk__b_ether(struct pk_bctx *b, int i)
{
	const struct pk_ether *s = (const struct pk_ether *)b->pkt[i];
	uint64_t type, prio, dei, vid, itype;
	uint8_t dst[6], src[6];

	if (ether_macs(b, i, dst, src) == -1 ||
	    PK_FLD(b, i, s, type, ethertype_of(pk__next(b, i)), 0xffff,
	    &type) == -1)
		return (-1);
	if (pk__next(b, i) != PK_PROTO_DOT1Q) {
		b->ptag[i] = libnet_build_ethernet(dst, src, (uint16_t)type,
		    NULL, 0, b->l, 0);
		if (b->ptag[i] == -1)
			return (pk__lnerr(b, i, "build_ethernet"));
		return (0);
	}
	/* libnet builds the first tag together with the Ethernet header. */
	if (dot1q_fields(b, i + 1, &prio, &dei, &vid, &itype) == -1)
		return (-1);
	b->ptag[i] = libnet_build_802_1q(dst, src, (uint16_t)type,
	    (uint8_t)prio, (uint8_t)dei, (uint16_t)vid, (uint16_t)itype, NULL,
	    0, b->l, 0);
	if (b->ptag[i] == -1)
		return (pk__lnerr(b, i, "build_802_1q"));
	b->ptag[i + 1] = b->ptag[i];
	return (0);
}

/* Tags after the first: libnet has no builder for a bare tag. */
int
pk__b_dot1q(struct pk_bctx *b, int i)
{
	uint64_t prio, dei, vid, type;
	uint8_t tag[4];

	if (pk__prev(b, i) == PK_PROTO_ETHER)
		return (0);
	if (dot1q_fields(b, i, &prio, &dei, &vid, &type) == -1)
		return (-1);
	pk__put16(tag, (uint16_t)(prio << 13 | dei << 12 | vid));
	pk__put16(tag + 2, (uint16_t)type);
	return (pk__data(b, i, tag, sizeof(tag)));
}

/* An ARP address: hln or pln bytes, the parsed address first. */
struct arp_addrs {
	uint8_t	sha[256], spa[256], tha[256], tpa[256];
};

static int
arp_addrs(struct pk_bctx *b, int i, struct arp_addrs *a)
{
	const struct pk_arp *s = (const struct pk_arp *)b->pkt[i];
	struct in_addr in;

	memset(a, 0, sizeof(*a));
	if (s->sha != NULL) {
		if (pk__mac(b, i, "sha", s->sha, a->sha) == -1)
			return (-1);
	} else if (b->env != NULL && b->env->src_mac != NULL)
		memcpy(a->sha, b->env->src_mac, 6);
	if (s->spa != NULL) {
		if (pk__in4(b, i, "spa", s->spa, &in) == -1)
			return (-1);
		memcpy(a->spa, &in, 4);
	} else if (b->env != NULL && b->env->src4 != NULL)
		memcpy(a->spa, b->env->src4, 4);
	if (s->tha != NULL && pk__mac(b, i, "tha", s->tha, a->tha) == -1)
		return (-1);
	if (s->tpa != NULL) {
		if (pk__in4(b, i, "tpa", s->tpa, &in) == -1)
			return (-1);
		memcpy(a->tpa, &in, 4);
	}
	return (0);
}

int
pk__b_arp(struct pk_bctx *b, int i)
{
	const struct pk_arp *s = (const struct pk_arp *)b->pkt[i];
	uint64_t op, hrd, pro, hln, pln;
	struct arp_addrs *a;
	int rc;

	if (PK_FLD(b, i, s, op, 1, 0xffff, &op) == -1 ||
	    PK_FLD(b, i, s, hrd, 1, 0xffff, &hrd) == -1 ||
	    PK_FLD(b, i, s, pro, 0x0800, 0xffff, &pro) == -1 ||
	    PK_FLD(b, i, s, hln, 6, 0xff, &hln) == -1 ||
	    PK_FLD(b, i, s, pln, 4, 0xff, &pln) == -1)
		return (-1);
	if ((a = malloc(sizeof(*a))) == NULL)
		return (pk_err_sys(b->err, errno, "arp"));
	rc = arp_addrs(b, i, a);
	if (rc == 0) {
		b->ptag[i] = libnet_build_arp((uint16_t)hrd, (uint16_t)pro,
		    (uint8_t)hln, (uint8_t)pln, (uint16_t)op, a->sha, a->spa,
		    a->tha, a->tpa, NULL, 0, b->l, 0);
		if (b->ptag[i] == -1)
			rc = pk__lnerr(b, i, "build_arp");
	}
	free(a);
	return (rc);
}

int
pk__b_raw(struct pk_bctx *b, int i)
{
	const struct pk_raw *s = (const struct pk_raw *)b->pkt[i];
	uint64_t fill;
	uint8_t *p;
	int rc;

	if (s->data != NULL || s->len == 0)
		return (pk__data(b, i, s->data, s->len));
	if (PK_FLD(b, i, s, fill, 0, 0xff, &fill) == -1)
		return (-1);
	if (s->len > PK_PKT_MAX)
		return (pk__lerr(b, i, "%zu bytes is too long", s->len));
	if ((p = malloc(s->len)) == NULL)
		return (pk_err_sys(b->err, errno, "raw"));
	memset(p, (int)fill, s->len);
	rc = pk__data(b, i, p, s->len);
	free(p);
	return (rc);
}
