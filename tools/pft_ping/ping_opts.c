/*
 * ping_opts.c: pft_ping's command line, as pft_ping.py's argparse parser
 * reads it, and the checks the Python script left to a traceback.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../common/pk_argparse.h"
#include "ping.h"

enum {
	O_SENDIF, O_TO, O_PING_TYPE, O_FROMADDR, O_RECVIF, O_REPLYIF,
	O_SEND_FLAGS, O_SEND_FRAG_LENGTH, O_SEND_HLIM, O_SEND_MSS,
	O_SEND_SEQ, O_SEND_LENGTH, O_SEND_SPORT, O_SEND_TC,
	O_SEND_TCPOPT_UNALIGNED, O_SEND_NOP,
	O_EXPECT_FLAGS, O_EXPECT_HLIM, O_EXPECT_MSS, O_EXPECT_SEQ,
	O_EXPECT_TC, O_VERBOSE,
	/* The options of the script before 2023, still in older trees. */
	O_IP6, O_TCPSYN, O_TCPOPT_UNALIGNED, O_SEND_TOS, O_EXPECT_TOS
};

static const char *const ping_types[] = {
	[PING_ICMP] = "icmp",
	[PING_TCPSYN] = "tcpsyn",
	[PING_TCP3WAY] = "tcp3way",
	[PING_UDP] = "udp"
};

static int
store_str(void *ctx, const struct pk_argopt *a, char *const *vals, int n,
    char *msg, size_t size)
{
	struct ping_opts *o = ctx;

	(void)n;
	(void)msg;
	(void)size;
	switch (a->id) {
	case O_SENDIF:
		o->sendif = vals[0];
		break;
	case O_TO:
		o->to = vals[0];
		break;
	case O_FROMADDR:
		o->fromaddr = vals[0];
		break;
	case O_SEND_FLAGS:
		o->send_flags_s = vals[0];
		break;
	case O_EXPECT_FLAGS:
		o->expect_flags_s = vals[0];
		break;
	}
	return (0);
}

static int
store_ifs(void *ctx, const struct pk_argopt *a, char *const *vals, int n,
    char *msg, size_t size)
{
	struct ping_opts *o = ctx;
	const char **list;
	int i;

	(void)msg;
	(void)size;
	list = a->id == O_RECVIF ? o->recvif : o->replyif;
	for (i = 0; i < n && i < PING_MAX_SNIFFERS; i++)
		list[i] = vals[i];
	if (a->id == O_RECVIF)
		o->nrecvif = n;
	else
		o->nreplyif = n;
	return (0);
}

static int
store_type(void *ctx, const struct pk_argopt *a, char *const *vals, int n,
    char *msg, size_t size)
{
	struct ping_opts *o = ctx;
	char rep[PK_ARG_MSG_MAX / 2];
	size_t i;

	(void)a;
	(void)n;
	for (i = 0; i < sizeof(ping_types) / sizeof(ping_types[0]); i++)
		if (strcmp(vals[0], ping_types[i]) == 0) {
			o->type = (enum ping_type)i;
			return (0);
		}
	pk_args_repr(vals[0], rep, sizeof(rep));
	snprintf(msg, size, "invalid choice: %s (choose from 'icmp', "
	    "'tcpsyn', 'tcp3way', 'udp')", rep);
	return (-1);
}

static int
store_int(void *ctx, const struct pk_argopt *a, char *const *vals, int n,
    char *msg, size_t size)
{
	struct ping_opts *o = ctx;
	int64_t *dst;

	(void)n;
	switch (a->id) {
	case O_SEND_FRAG_LENGTH:
		dst = &o->send_frag_length;
		break;
	case O_SEND_HLIM:
		dst = &o->send_hlim;
		break;
	case O_SEND_MSS:
		dst = &o->send_mss;
		break;
	case O_SEND_SEQ:
		dst = &o->send_seq;
		break;
	case O_SEND_LENGTH:
		dst = &o->send_length;
		o->send_length_given = 1;
		break;
	case O_SEND_SPORT:
		dst = &o->send_sport;
		break;
	case O_SEND_TC:
	case O_SEND_TOS:
		dst = &o->send_tc;
		break;
	case O_EXPECT_HLIM:
		dst = &o->expect_hlim;
		break;
	case O_EXPECT_MSS:
		dst = &o->expect_mss;
		break;
	case O_EXPECT_SEQ:
		dst = &o->expect_seq;
		break;
	default:
		dst = &o->expect_tc;
		break;
	}
	return (pk_args_store_int(vals[0], dst, msg, size));
}

static int
store_flag(void *ctx, const struct pk_argopt *a, char *const *vals, int n,
    char *msg, size_t size)
{
	struct ping_opts *o = ctx;

	(void)vals;
	(void)n;
	(void)msg;
	(void)size;
	switch (a->id) {
	case O_SEND_TCPOPT_UNALIGNED:
	case O_TCPOPT_UNALIGNED:
		o->send_tcpopt_unaligned = 1;
		break;
	case O_SEND_NOP:
		o->send_nop = 1;
		break;
	case O_VERBOSE:
		o->verbose = 1;
		break;
	case O_TCPSYN:
		o->type = PING_TCPSYN;
		break;
	case O_IP6:
		/* The family comes from --to's address. */
		break;
	}
	return (0);
}

#define	OPT(l, s, k, req, id, fn, mv, h)				\
	{ (l), (s), (k), (req), (id), (mv), (h), (fn) }
static const struct pk_argopt ping_argopts[] = {
	OPT("sendif", 0, PK_ARG_ONE, 1, O_SENDIF, store_str, NULL,
	    "The interface through which the packet(s) will be sent"),
	OPT("to", 0, PK_ARG_ONE, 1, O_TO, store_str, NULL,
	    "The destination IP address for the ping request"),
	OPT("ping-type", 0, PK_ARG_ONE, 0, O_PING_TYPE, store_type,
	    "{icmp,tcpsyn,tcp3way,udp}",
	    "Type of ping: ICMP (default), TCP SYN, TCP handshake or UDP"),
	OPT("fromaddr", 0, PK_ARG_ONE, 0, O_FROMADDR, store_str, NULL,
	    "The source IP address for the ping request"),
	OPT("recvif", 0, PK_ARG_PLUS, 0, O_RECVIF, store_ifs, NULL,
	    "The interfaces on which to expect the ping request"),
	OPT("replyif", 0, PK_ARG_PLUS, 0, O_REPLYIF, store_ifs, NULL,
	    "The interfaces on which to expect the ping reply"),
	OPT("send-flags", 0, PK_ARG_ONE, 0, O_SEND_FLAGS, store_str, NULL,
	    "IPv4 fragmentation flags (DF, MF, DF+MF)"),
	OPT("send-frag-length", 0, PK_ARG_ONE, 0, O_SEND_FRAG_LENGTH,
	    store_int, NULL, "Force IP fragmentation with given fragment "
	    "length"),
	OPT("send-hlim", 0, PK_ARG_ONE, 0, O_SEND_HLIM, store_int, NULL,
	    "IPv6 Hop Limit or IPv4 Time To Live"),
	OPT("send-mss", 0, PK_ARG_ONE, 0, O_SEND_MSS, store_int, NULL,
	    "TCP Maximum Segment Size"),
	OPT("send-seq", 0, PK_ARG_ONE, 0, O_SEND_SEQ, store_int, NULL,
	    "TCP sequence number"),
	OPT("send-length", 0, PK_ARG_ONE, 0, O_SEND_LENGTH, store_int, NULL,
	    "ICMP Echo Request (or UDP) payload size"),
	OPT("send-sport", 0, PK_ARG_ONE, 0, O_SEND_SPORT, store_int, NULL,
	    "TCP or UDP source port"),
	OPT("send-tc", 0, PK_ARG_ONE, 0, O_SEND_TC, store_int, NULL,
	    "IPv6 Traffic Class or IPv4 DiffServ / ToS"),
	OPT("send-tcpopt-unaligned", 0, PK_ARG_FLAG, 0,
	    O_SEND_TCPOPT_UNALIGNED, store_flag, NULL,
	    "Include unaligned TCP options"),
	OPT("send-nop", 0, PK_ARG_FLAG, 0, O_SEND_NOP, store_flag, NULL,
	    "Include an IPv4 option (4 zero bytes)"),
	OPT("expect-flags", 0, PK_ARG_ONE, 0, O_EXPECT_FLAGS, store_str,
	    NULL, "IPv4 fragmentation flags"),
	OPT("expect-hlim", 0, PK_ARG_ONE, 0, O_EXPECT_HLIM, store_int, NULL,
	    "IPv6 Hop Limit or IPv4 Time To Live"),
	OPT("expect-mss", 0, PK_ARG_ONE, 0, O_EXPECT_MSS, store_int, NULL,
	    "TCP Maximum Segment Size"),
	OPT("expect-seq", 0, PK_ARG_ONE, 0, O_EXPECT_SEQ, store_int, NULL,
	    "TCP sequence number"),
	OPT("expect-tc", 0, PK_ARG_ONE, 0, O_EXPECT_TC, store_int, NULL,
	    "IPv6 Traffic Class or IPv4 DiffServ / ToS"),
	OPT("verbose", 'v', PK_ARG_FLAG, 0, O_VERBOSE, store_flag, NULL,
	    "Log on stderr why each sniffed packet was or was not taken"),
	OPT("ip6", 0, PK_ARG_FLAG, 0, O_IP6, store_flag, NULL,
	    "Ignored (old option; the family comes from --to)"),
	OPT("tcpsyn", 0, PK_ARG_FLAG, 0, O_TCPSYN, store_flag, NULL,
	    "Old spelling of --ping-type=tcpsyn"),
	OPT("tcpopt_unaligned", 0, PK_ARG_FLAG, 0, O_TCPOPT_UNALIGNED,
	    store_flag, NULL, "Old spelling of --send-tcpopt-unaligned"),
	OPT("send-tos", 0, PK_ARG_ONE, 0, O_SEND_TOS, store_int, NULL,
	    "Old spelling of --send-tc"),
	OPT("expect-tos", 0, PK_ARG_ONE, 0, O_EXPECT_TOS, store_int, NULL,
	    "Old spelling of --expect-tc"),
};

static const struct pk_argspec ping_argspec = {
	.prog = "pft_ping",
	.descr = "Ping test tool",
	.opts = ping_argopts,
	.nopts = sizeof(ping_argopts) / sizeof(ping_argopts[0]),
};

size_t
ping_opts_help(char *buf, size_t size)
{

	return (pk_args_help(&ping_argspec, buf, size));
}

/*
 * scapy's IPv4 flags string: names joined by '+' ("DF+MF"); the empty
 * string is no flag at all.
 */
static int
parse_flags(const char *s, int *flags)
{
	const char *p, *e;
	size_t n;

	*flags = 0;
	if (*s == '\0')
		return (0);
	for (p = s;; p = e + 1) {
		e = strchr(p, '+');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n == 2 && strncmp(p, "MF", 2) == 0)
			*flags |= PING_FLAG_MF;
		else if (n == 2 && strncmp(p, "DF", 2) == 0)
			*flags |= PING_FLAG_DF;
		else if (n == 4 && strncmp(p, "evil", 4) == 0)
			*flags |= PING_FLAG_EVIL;
		else
			return (-1);
		if (e == NULL)
			return (0);
	}
}

static int
range(const char *name, int64_t v, int64_t lo, int64_t hi,
    struct pk_err *err)
{

	if (v >= lo && v <= hi)
		return (0);
	return (pk_err_set(err, EINVAL, "argument %s: %lld is out of range "
	    "(%lld to %lld)", name, (long long)v, (long long)lo,
	    (long long)hi));
}

static int
check_ranges(const struct ping_opts *o, struct pk_err *err)
{

	if (range("--send-frag-length", o->send_frag_length, 0, 65535,
	    err) == -1 ||
	    range("--send-hlim", o->send_hlim, 0, 255, err) == -1 ||
	    range("--send-mss", o->send_mss, 0, 65535, err) == -1 ||
	    range("--send-seq", o->send_seq, 0, UINT32_MAX, err) == -1 ||
	    range("--send-sport", o->send_sport, 0, 65535, err) == -1 ||
	    range("--send-tc", o->send_tc, 0, 255, err) == -1 ||
	    range("--expect-hlim", o->expect_hlim, 0, 255, err) == -1 ||
	    range("--expect-mss", o->expect_mss, 0, 65535, err) == -1 ||
	    range("--expect-seq", o->expect_seq, 0, UINT32_MAX, err) == -1 ||
	    range("--expect-tc", o->expect_tc, 0, 255, err) == -1)
		return (-1);
	if (o->send_frag_length != 0 && o->send_frag_length < 8)
		return (pk_err_set(err, EINVAL, "argument --send-frag-length: "
		    "%lld is less than one 8-byte fragment block",
		    (long long)o->send_frag_length));
	if (o->send_length_given && o->send_length == 0)
		return (pk_err_set(err, EINVAL, "argument --send-length: 0 "
		    "is not a payload length (the probe carries the magic)"));
	/* The largest payload an IP datagram carries past the headers. */
	return (range("--send-length", o->send_length, 1, 65535 - 48 - 8,
	    err));
}

static int
parse_addr(const char *name, const char *s, int *af, union ping_addr *a,
    struct pk_err *err)
{

	/* As the script does: a colon makes it IPv6. */
	*af = strchr(s, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(*af, s, a) == 1)
		return (0);
	return (pk_err_set(err, EINVAL, "argument %s: not an IPv%c "
	    "address: %s", name, *af == AF_INET6 ? '6' : '4', s));
}

/*
 * The script's reading of its values: 0 and "" are "not given".  Then
 * what the script would only have found out by raising an exception.
 */
static int
ping_opts_finish(struct ping_opts *o, struct pk_err *err)
{
	int af;

	if (!o->send_length_given)
		o->send_length = PING_LENGTH_DEFAULT;
	if (check_ranges(o, err) == -1)
		return (-1);
	if (o->send_flags_s != NULL &&
	    parse_flags(o->send_flags_s, &o->send_flags) == -1)
		return (pk_err_set(err, EINVAL, "argument --send-flags: "
		    "invalid IPv4 flags: '%s' (DF, MF, evil, joined by +)",
		    o->send_flags_s));
	o->expect_flags = -1;
	if (o->expect_flags_s != NULL && o->expect_flags_s[0] != '\0' &&
	    parse_flags(o->expect_flags_s, &o->expect_flags) == -1)
		return (pk_err_set(err, EINVAL, "argument --expect-flags: "
		    "invalid IPv4 flags: '%s' (DF, MF, evil, joined by +)",
		    o->expect_flags_s));
	if (parse_addr("--to", o->to, &o->af, &o->to_addr, err) == -1)
		return (-1);
	if (o->fromaddr != NULL && o->fromaddr[0] != '\0') {
		if (parse_addr("--fromaddr", o->fromaddr, &af,
		    &o->from_addr, err) == -1)
			return (-1);
		if (af != o->af)
			return (pk_err_set(err, EINVAL, "--fromaddr %s and "
			    "--to %s are not of the same family",
			    o->fromaddr, o->to));
		o->from_given = 1;
	}
	if (o->nrecvif == 0 && o->nreplyif == 0)
		return (pk_err_set(err, EINVAL, "one of --recvif and --replyif "
		    "is required: with neither, nothing is checked"));
	if (o->nrecvif + o->nreplyif > PING_MAX_SNIFFERS)
		return (pk_err_set(err, EINVAL, "%d interfaces to sniff on; "
		    "at most %d fit in the exit status", o->nrecvif +
		    o->nreplyif, PING_MAX_SNIFFERS));
	if (o->expect_flags != -1 && o->af == AF_INET6)
		return (pk_err_set(err, EINVAL, "argument --expect-flags: "
		    "IPv6 has no fragmentation flags"));
	o->defrag = o->send_frag_length != 0;
	return (0);
}

int
ping_opts_parse(struct ping_opts *o, int argc, char *const *argv,
    struct pk_err *err)
{
	int rc;

	memset(o, 0, sizeof(*o));
	o->type = PING_ICMP;
	rc = pk_args_parse(&ping_argspec, argc, argv, o, err);
	if (rc != PK_ARGS_OK)
		return (rc);
	if ((rc = ping_opts_finish(o, err)) == -1)
		pk_args_oneline(err->msg);
	return (rc);
}
