/*
 * pft_icmp_check: send a big echo request with DF set and check the ICMP
 * error it draws quotes it unchanged; a drop-in for FreeBSD's
 * tests/sys/netpfil/common/pft_icmp_check.py.
 *
 * The request: IPv4 from --fromaddr to --to, DF, ICMP id 0 with a random
 * sequence number, 1000 bytes of the magic payload.  The answer wanted
 * on --recvif within 3 s: an ICMP destination unreachable (any code)
 * quoting an IPv4 header from --fromaddr to --to and an ICMP header with
 * our sequence number, which is what a NAT must restore in a quoted
 * header.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_err.h"
#include "pk_time.h"
#include "packet/pk_packet.h"
#include "wire/pk_wire.h"
#include "../common/pft_tool.h"

#define	CHECK_PAYLOAD	1000

struct check {
	const char	*to;
	const char	*fromaddr;
	const char	*sendif;
	const char	*recvif;
	int		 verbose;
	struct in_addr	 to_a;
	struct in_addr	 from_a;
	uint16_t	 seq;
};

enum { O_TO, O_FROMADDR, O_SENDIF, O_RECVIF, O_VERBOSE };

static int
store(void *ctx, const struct pk_argopt *a, char *const *vals, int n,
    char *msg, size_t size)
{
	struct check *c = ctx;

	(void)n;
	(void)msg;
	(void)size;
	switch (a->id) {
	case O_TO:
		c->to = vals[0];
		break;
	case O_FROMADDR:
		c->fromaddr = vals[0];
		break;
	case O_SENDIF:
		c->sendif = vals[0];
		break;
	case O_RECVIF:
		c->recvif = vals[0];
		break;
	case O_VERBOSE:
		c->verbose = 1;
		break;
	}
	return (0);
}

static const struct pk_argopt check_opts[] = {
	{ "to", 0, PK_ARG_ONE, 1, O_TO, NULL,
	    "The destination IP address", store },
	{ "fromaddr", 0, PK_ARG_ONE, 1, O_FROMADDR, NULL,
	    "The source IP address", store },
	{ "sendif", 0, PK_ARG_ONE, 1, O_SENDIF, NULL,
	    "The interface through which the packet(s) will be sent", store },
	{ "recvif", 0, PK_ARG_ONE, 0, O_RECVIF, NULL,
	    "The interface on which to expect the ICMP error", store },
	{ "verbose", 'v', PK_ARG_FLAG, 0, O_VERBOSE, NULL,
	    "Log on stderr why each sniffed packet was not taken", store },
};

static const struct pk_argspec check_spec = {
	.prog = "pft_icmp_check",
	.descr = "ICMP error validation tool",
	.opts = check_opts,
	.nopts = sizeof(check_opts) / sizeof(check_opts[0]),
};

static int
addr4(const char *name, const char *s, struct in_addr *a, struct pk_err *err)
{

	if (inet_pton(AF_INET, s, a) == 1)
		return (0);
	return (pk_err_set(err, 0, "argument %s: not an IPv4 address: %s",
	    name, s));
}

/* The quoted layer of protocol p (inside the ICMP error), or NULL. */
static const struct pk_dlayer *
quoted(const struct pk_dpkt *d, enum pk_proto p)
{
	const struct pk_dlayer *l;
	int i;

	for (i = 0; (l = pk_dpkt_find(d, p, i)) != NULL; i++)
		if (l->depth == 1)
			return (l);
	return (NULL);
}

/* Is d the error we wait for?  If not, why (for -v). */
static int
is_answer(const struct check *c, const struct pk_dpkt *d, const char **why)
{
	const struct pk_dlayer *icmp, *ip, *qicmp;

	icmp = pk_dpkt_find(d, PK_PROTO_ICMP4, 0);
	if (icmp == NULL || icmp->depth != 0 || icmp->u.icmp.type != 3) {
		*why = "not an ICMP destination unreachable";
		return (0);
	}
	if ((ip = quoted(d, PK_PROTO_IP4)) == NULL) {
		*why = "no quoted IPv4 header";
		return (0);
	}
	if (ip->u.ip4.src.s_addr != c->from_a.s_addr) {
		*why = "quoted source address is not --fromaddr";
		return (0);
	}
	if (ip->u.ip4.dst.s_addr != c->to_a.s_addr) {
		*why = "quoted destination address is not --to";
		return (0);
	}
	if ((qicmp = quoted(d, PK_PROTO_ICMP4)) == NULL || qicmp->hlen < 8) {
		*why = "no quoted ICMP header";
		return (0);
	}
	if ((qicmp->u.icmp.rest & 0xffff) != c->seq) {
		*why = "quoted ICMP sequence number is not ours";
		return (0);
	}
	return (1);
}

/* Walk the sniffer's log until the answer or the end of the window. */
static int
await(struct pft_tool *t, struct check *c, struct pk_sniffer *s)
{
	const struct pk_seen *seen;
	const char *why;
	char line[256];
	int64_t end;
	int rc;

	end = pk_now_ms() + pk_deadline_ms(PFT_WINDOW_MS);
	for (;;) {
		rc = pk_sniff_expect(s, NULL, NULL, NULL, pft_nominal_left(end),
		    &seen, &t->err);
		if (rc <= 0)
			return (rc == 0 ? 1 : -1);
		if (is_answer(c, &seen->d, &why))
			return (0);
		if (t->verbose) {
			pk_dpkt_line(&seen->d, line, sizeof(line));
			pft_vlog(t, "not taken (%s): %s", why, line);
		}
	}
}

static int
check(struct pft_tool *t, struct check *c)
{
	uint8_t payload[CHECK_PAYLOAD];
	struct pk_sniffer *s;
	struct pk_if *sendif, *recvif;

	pft_payload(payload, sizeof(payload));
	c->seq = (uint16_t)arc4random_uniform(65536);
	s = NULL;
	if (pft_open(t) == -1 || (sendif = pft_if(t, c->sendif)) == NULL)
		return (-1);
	if (c->recvif != NULL && ((recvif = pft_if(t, c->recvif)) == NULL ||
	    pk_sniff_open(t->w, recvif, NULL, NULL, &s, &t->err) == -1))
		return (-1);
	if (pk_wire_send(t->w, sendif, PK_PKT(PK_ETHER(),
	    PK_IP4(.src = c->fromaddr, .dst = c->to, .df = 1, .id = 1),
	    PK_ICMP4_ECHO(.seq = c->seq != 0 ? c->seq : PK_ZERO,
	    .data = payload, .datalen = sizeof(payload))), &t->err) == -1)
		return (-1);
	return (s == NULL ? 0 : await(t, c, s));
}

int
main(int argc, char **argv)
{
	static struct pft_tool t;
	struct check c;
	int done, rc;

	memset(&c, 0, sizeof(c));
	rc = pft_args(&check_spec, argc, argv, &c, &done);
	if (done)
		return (rc);
	t.prog = check_spec.prog;
	t.verbose = c.verbose;
	if (addr4("--to", c.to, &c.to_a, &t.err) == -1 ||
	    addr4("--fromaddr", c.fromaddr, &c.from_a, &t.err) == -1)
		return (pft_usage(t.prog, t.err.msg));
	return (pft_finish(&t, check(&t, &c)));
}
