/*
 * pft_rst: send one forged TCP RST through the IP stack; a drop-in for
 * FreeBSD's tests/sys/netpfil/common/pft_rst.py.
 *
 *	pft_rst src_ip src_port dst_ip dst_port
 *
 * The segment: flags RST only, sequence number 1, acknowledgement 0,
 * window 8192, IP ID 1.  The stack the tool runs in routes it and adds
 * the link layer, as the script's layer-3 send did.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "pk_err.h"
#include "packet/pk_packet.h"
#include "wire/pk_wire.h"
#include "../common/pft_tool.h"

struct rst {
	const char	*src;
	int64_t		 sport;
	const char	*dst;
	int64_t		 dport;
};

static int
store(void *ctx, size_t i, const char *val, char *msg, size_t size)
{
	struct rst *r = ctx;
	int64_t *port;

	switch (i) {
	case 0:
		r->src = val;
		return (0);
	case 2:
		r->dst = val;
		return (0);
	}
	port = i == 1 ? &r->sport : &r->dport;
	if (pk_args_store_int(val, port, msg, size) == -1)
		return (-1);
	if (*port < 0 || *port > 65535) {
		snprintf(msg, size, "port %s is out of range (0 to 65535)",
		    val);
		return (-1);
	}
	return (0);
}

static const struct pk_argpos rst_pos[] = {
	{ "src_ip", "The forged source address", store },
	{ "src_port", "The forged source port", store },
	{ "dst_ip", "The destination address", store },
	{ "dst_port", "The destination port", store },
};

static const struct pk_argspec rst_spec = {
	.prog = "pft_rst",
	.descr = "Send a TCP RST",
	.pos = rst_pos,
	.npos = sizeof(rst_pos) / sizeof(rst_pos[0]),
};

/* The packet model's 0 is "default"; a real port 0 must be forced. */
static int64_t
port(int64_t p)
{

	return (p != 0 ? p : PK_ZERO);
}

static int
send_rst(struct pft_tool *t, const struct rst *r)
{
	struct pk_ip4 ip = { .hdr.proto = PK_PROTO_IP4, .id = 1 };
	struct pk_ip6 ip6 = { .hdr.proto = PK_PROTO_IP6 };
	struct pk_tcp tcp = { .hdr.proto = PK_PROTO_TCP, .seq = 1,
	    .flags = PK_TH_RST, .win = 8192 };
	const struct pk_hdr *layers[3];

	ip.src = ip6.src = r->src;
	ip.dst = ip6.dst = r->dst;
	tcp.sport = port(r->sport);
	tcp.dport = port(r->dport);
	layers[0] = strchr(r->dst, ':') != NULL ? &ip6.hdr : &ip.hdr;
	layers[1] = &tcp.hdr;
	layers[2] = NULL;
	if (pft_open(t) == -1)
		return (-1);
	return (pk_wire_send_l3(t->w, pk_sandbox_host(t->sb), layers,
	    &t->err));
}

/* Both addresses of one family, as the packet needs. */
static int
check_addrs(const struct rst *r, struct pk_err *err)
{
	struct in6_addr a;
	int af;

	af = strchr(r->dst, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, r->dst, &a) != 1)
		return (pk_err_set(err, 0, "argument dst_ip: not an IPv%c "
		    "address: %s", af == AF_INET ? '4' : '6', r->dst));
	if (inet_pton(af, r->src, &a) != 1)
		return (pk_err_set(err, 0, "argument src_ip: not an IPv%c "
		    "address: %s", af == AF_INET ? '4' : '6', r->src));
	return (0);
}

int
main(int argc, char **argv)
{
	static struct pft_tool t;
	struct rst r;
	int done, rc;

	memset(&r, 0, sizeof(r));
	rc = pft_args(&rst_spec, argc, argv, &r, &done);
	if (done)
		return (rc);
	t.prog = rst_spec.prog;
	if (check_addrs(&r, &t.err) == -1)
		return (pft_usage(t.prog, t.err.msg));
	return (pft_finish(&t, send_rst(&t, &r)));
}
