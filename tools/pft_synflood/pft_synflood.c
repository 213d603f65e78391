/*
 * pft_synflood: send a burst of TCP SYNs; a drop-in for FreeBSD's
 * tests/sys/netpfil/common/pft_synflood.py.
 *
 * SYN i (from 0) goes from port 1 + i to port 22 with sequence number
 * 500 + i, window 8192 and no options.  The frame is built once, with
 * the next hop resolved once, and then only the port, sequence number
 * and TCP checksum change from one SYN to the next.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "pk_err.h"
#include "packet/pk_packet.h"
#include "wire/pk_wire.h"
#include "../common/pft_tool.h"

struct flood {
	const char	*sendif;
	const char	*to;
	int64_t		 count;
	int		 ip6;
};

enum { O_SENDIF, O_TO, O_COUNT, O_IP6 };

static int
store(void *ctx, const struct pk_argopt *a, char *const *vals, int n,
    char *msg, size_t size)
{
	struct flood *f = ctx;

	(void)n;
	switch (a->id) {
	case O_SENDIF:
		f->sendif = vals[0];
		break;
	case O_TO:
		f->to = vals[0];
		break;
	case O_COUNT:
		return (pk_args_store_int(vals[0], &f->count, msg, size));
	case O_IP6:
		f->ip6 = 1;
		break;
	}
	return (0);
}

static const struct pk_argopt flood_opts[] = {
	{ "sendif", 0, PK_ARG_ONE, 1, O_SENDIF, NULL,
	    "The interface through which the packet(s) will be sent", store },
	{ "to", 0, PK_ARG_ONE, 1, O_TO, NULL,
	    "The destination IP address for the SYN packets", store },
	{ "count", 0, PK_ARG_ONE, 1, O_COUNT, NULL,
	    "The number of packets to send", store },
	{ "ip6", 0, PK_ARG_FLAG, 0, O_IP6, NULL,
	    "Use IPv6 (also implied by an IPv6 --to)", store },
};

static const struct pk_argspec flood_spec = {
	.prog = "pft_synflood",
	.descr = "SYN flooding tool",
	.opts = flood_opts,
	.nopts = sizeof(flood_opts) / sizeof(flood_opts[0]),
};

/* Put a 16- or 32-bit value into p in network order. */
static void
put16(uint8_t *p, uint32_t v)
{

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{

	put16(p, v >> 16);
	put16(p + 2, v);
}

/*
 * Give the SYN in frame (its TCP header at tcp) port sport and sequence
 * number seq, and the checksum that goes with them.  ph holds the
 * pseudo-header (phlen bytes) with room for the 20 TCP bytes after it.
 */
static void
restamp(uint8_t *tcp, uint8_t *ph, size_t phlen, uint16_t sport,
    uint32_t seq)
{

	put16(tcp, sport);
	put32(tcp + 4, seq);
	put16(tcp + 16, 0);
	memcpy(ph + phlen, tcp, 20);
	put16(tcp + 16, pk_in_cksum(ph, phlen + 20));
}

/* The pseudo-header of the TCP segment in frame, for restamp(). */
static size_t
pseudo(const uint8_t *frame, int af, uint8_t *ph)
{

	memset(ph, 0, 40);
	if (af == AF_INET) {
		memcpy(ph, frame + 14 + 12, 8);
		ph[9] = IPPROTO_TCP;
		ph[11] = 20;
		return (12);
	}
	memcpy(ph, frame + 14 + 8, 32);
	ph[35] = 20;
	ph[39] = IPPROTO_TCP;
	return (40);
}

static int
flood(struct pft_tool *t, const struct flood *f)
{
	struct pk_ip4 ip = { .hdr.proto = PK_PROTO_IP4, .id = 1 };
	struct pk_ip6 ip6 = { .hdr.proto = PK_PROTO_IP6 };
	struct pk_tcp tcp = { .hdr.proto = PK_PROTO_TCP, .sport = 1,
	    .dport = 22, .seq = 500, .flags = PK_TH_SYN, .win = 8192 };
	struct pk_ether eth = { .hdr.proto = PK_PROTO_ETHER };
	const struct pk_hdr *layers[4];
	uint8_t frame[128], ph[40 + 20], *th;
	struct pk_if *ifp;
	size_t len, phlen;
	int64_t i;
	int af;

	af = strchr(f->to, ':') != NULL ? AF_INET6 : AF_INET;
	ip.dst = ip6.dst = f->to;
	layers[0] = &eth.hdr;
	layers[1] = af == AF_INET ? &ip.hdr : &ip6.hdr;
	layers[2] = &tcp.hdr;
	layers[3] = NULL;
	if (pft_open(t) == -1 || (ifp = pft_if(t, f->sendif)) == NULL ||
	    pk_wire_build(t->w, ifp, layers, frame, sizeof(frame), &len,
	    &t->err) == -1)
		return (-1);
	th = frame + 14 + (af == AF_INET ? (size_t)(frame[14] & 0x0f) * 4 :
	    40);
	phlen = pseudo(frame, af, ph);
	for (i = 0; i < f->count; i++) {
		/* Ports run 1..65535 and start again, never 0. */
		restamp(th, ph, phlen, (uint16_t)(1 + i % 65535),
		    (uint32_t)(500 + i));
		if (pk_wire_send_raw(t->w, ifp, frame, len, &t->err) == -1)
			return (-1);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	static struct pft_tool t;
	struct flood f;
	int done, rc;

	memset(&f, 0, sizeof(f));
	rc = pft_args(&flood_spec, argc, argv, &f, &done);
	if (done)
		return (rc);
	t.prog = flood_spec.prog;
	if (f.ip6 && strchr(f.to, ':') == NULL) {
		snprintf(t.err.msg, sizeof(t.err.msg), "argument --ip6: "
		    "--to %s is not an IPv6 address", f.to);
		return (pft_usage(t.prog, t.err.msg));
	}
	return (pft_finish(&t, flood(&t, &f)));
}
