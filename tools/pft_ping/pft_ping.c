/*
 * pft_ping: send one probe and check where it, or its answer, shows up;
 * a drop-in for FreeBSD's tests/sys/netpfil/common/pft_ping.py.
 *
 * The run: sniffers on every --recvif and --replyif (live before
 * anything is sent), the probe written to --sendif, then each sniffer
 * walks what it logged, in arrival order, until it finds its packet or
 * the shared 3 s window closes.  The exit status has bit i set for every
 * sniffer i that did not see exactly one matching packet.  Nothing is
 * printed unless -v is given or something fails.
 *
 * The answer does not wait for the kernel to close the packet sockets
 * (an RCU grace period each, 16-24 ms here): pk_wire_close_bg() leaves
 * that to a detached child once everything has been printed.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_err.h"
#include "pk_time.h"
#include "packet/pk_packet.h"
#include "sandbox/pk_sandbox.h"
#include "wire/pk_wire.h"
#include "../common/pft_tool.h"
#include "ping.h"

struct sniffer {
	struct pk_sniffer	*s;
	const char		*ifname;
	enum ping_dir		 dir;
	int			 bit;	/* -1: internal, not in the status */
	int			 count;
};

struct run {
	struct pft_tool		 t;
	struct ping_opts	*o;
	struct pk_if		*sendif;
	struct ping_env		 env;
	struct sniffer		 sn[PING_MAX_SNIFFERS + 1];
	int			 nsn;
	int			 acked;		/* tcp3way: ACK sent */
};

static int
add_sniffer(struct run *r, const char *name, enum ping_dir dir, int bit,
    enum pk_dir kdir)
{
	struct pk_sniff_conf conf;
	struct sniffer *sn;
	struct pk_if *ifp;

	if ((ifp = pft_if(&r->t, name)) == NULL)
		return (-1);
	memset(&conf, 0, sizeof(conf));
	conf.dir = kdir;
	conf.reassemble = r->o->defrag;
	sn = &r->sn[r->nsn];
	if (pk_sniff_open(r->t.w, ifp, NULL, &conf, &sn->s, &r->t.err) == -1)
		return (-1);
	sn->ifname = name;
	sn->dir = dir;
	sn->bit = bit;
	sn->count = 0;
	r->nsn++;
	if (bit >= 0)
		pft_vlog(&r->t, "installed %s sniffer %d on %s",
		    dir == PING_REQUEST ? "request" : "reply", bit, name);
	return (0);
}

/*
 * The sniffers, in the order of the status bits: every --recvif, then
 * every --replyif, wherever they were on the command line.  A tcp3way
 * with no --replyif still needs the SYN-ACK: an internal sniffer on
 * --sendif waits for it.
 */
static int
open_sniffers(struct run *r)
{
	int i, bit;

	bit = 0;
	for (i = 0; i < r->o->nrecvif; i++)
		if (add_sniffer(r, r->o->recvif[i], PING_REQUEST, bit++,
		    PK_DIR_BOTH) == -1)
			return (-1);
	for (i = 0; i < r->o->nreplyif; i++)
		if (add_sniffer(r, r->o->replyif[i], PING_REPLY, bit++,
		    PK_DIR_BOTH) == -1)
			return (-1);
	if (r->o->type == PING_TCP3WAY && r->o->nreplyif == 0 &&
	    add_sniffer(r, r->o->sendif, PING_REPLY, -1, PK_DIR_IN) == -1)
		return (-1);
	pft_vlog(&r->t, "installed %d sniffers", bit);
	return (0);
}

/*
 * The sender's side of the probe: MACs and source address, as the wire
 * resolves them for a packet to --to through --sendif.
 */
static int
resolve_env(struct run *r)
{
	struct pk_ether eth = { .hdr.proto = PK_PROTO_ETHER };
	struct pk_ip4 ip = { .hdr.proto = PK_PROTO_IP4 };
	struct pk_ip6 ip6 = { .hdr.proto = PK_PROTO_IP6 };
	const struct pk_hdr *layers[3];
	uint8_t frame[128];
	size_t len;

	layers[0] = &eth.hdr;
	if (r->o->af == AF_INET) {
		ip.dst = r->o->to;
		ip.src = r->o->from_given ? r->o->fromaddr : NULL;
		layers[1] = &ip.hdr;
	} else {
		ip6.dst = r->o->to;
		ip6.src = r->o->from_given ? r->o->fromaddr : NULL;
		layers[1] = &ip6.hdr;
	}
	layers[2] = NULL;
	if (pk_wire_build(r->t.w, r->sendif, layers, frame, sizeof(frame), &len,
	    &r->t.err) == -1)
		return (-1);
	memcpy(r->env.dst_mac, frame, 6);
	memcpy(r->env.src_mac, frame + 6, 6);
	if (r->o->af == AF_INET)
		memcpy(&r->env.src.v4, frame + 14 + 12, 4);
	else
		memcpy(&r->env.src.v6, frame + 14 + 8, 16);
	return (0);
}

static int
send_probe(struct run *r)
{
	struct ping_frames f;
	size_t i;
	int rc;

	if (ping_probe_build(r->o, &r->env, (uint32_t)getpid(), &f,
	    &r->t.err) == -1)
		return (-1);
	rc = 0;
	for (i = 0; i < f.n && rc == 0; i++)
		rc = pk_wire_send_raw(r->t.w, r->sendif, f.buf[i], f.len[i],
		    &r->t.err);
	ping_frames_free(&f);
	return (rc);
}

/* tcp3way: answer the first SYN-ACK with the handshake's ACK. */
static int
send_ack(struct run *r, const struct pk_dpkt *synack)
{
	uint8_t frame[256];
	size_t len;

	if (r->acked)
		return (0);
	r->acked = 1;
	if (ping_ack_build(r->o, &r->env, synack, frame, sizeof(frame), &len,
	    &r->t.err) == -1)
		return (-1);
	return (pk_wire_send_raw(r->t.w, r->sendif, frame, len, &r->t.err));
}

/*
 * Walk what sniffer sn logged, in order, until its packet shows up or
 * the window (ending at end) closes.  Without reassembly the first match
 * ends the walk, as in the script; with it, every packet of the window
 * is counted, so that a duplicate shows.
 */
static int
walk(struct run *r, struct sniffer *sn, int64_t end)
{
	const struct pk_seen *seen;
	char why[256], line[256];
	int rc;

	for (;;) {
		rc = pk_sniff_expect(sn->s, NULL, NULL, NULL,
		    pft_nominal_left(end), &seen, &r->t.err);
		if (rc == -1)
			return (-1);
		if (rc == 0)
			return (0);
		if (!ping_match(r->o, sn->dir, &seen->d,
		    (seen->flags & PK_SEEN_CSUM_PARTIAL) != 0, why,
		    sizeof(why))) {
			if (r->t.verbose) {
				pk_dpkt_line(&seen->d, line, sizeof(line));
				pft_vlog(&r->t, "%s: not taken (%s): %s",
				    sn->ifname, why, line);
			}
			continue;
		}
		sn->count++;
		if (r->o->type == PING_TCP3WAY && sn->dir == PING_REPLY &&
		    send_ack(r, &seen->d) == -1)
			return (-1);
		if (!r->o->defrag || sn->count > 1)
			return (0);
	}
}

/*
 * Wait for every sniffer within one window from now; reply sniffers
 * first for tcp3way, so that the ACK leaves as soon as the SYN-ACK is
 * in.  Returns the status mask, or -1.
 */
static int
wait_all(struct run *r)
{
	int64_t end;
	int i, pass, first, status;

	end = pk_now_ms() + pk_deadline_ms(PFT_WINDOW_MS);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < r->nsn; i++) {
			first = r->o->type != PING_TCP3WAY ||
			    r->sn[i].dir == PING_REPLY;
			if (first != (pass == 0))
				continue;
			if (walk(r, &r->sn[i], end) == -1)
				return (-1);
		}
	status = 0;
	for (i = 0; i < r->nsn; i++) {
		if (r->sn[i].bit < 0)
			continue;
		if (r->sn[i].count != 1)
			status |= 1 << r->sn[i].bit;
		pft_vlog(&r->t, "sniffer %d on %s: %s", r->sn[i].bit,
		    r->sn[i].ifname, r->sn[i].count == 1 ? "seen once" :
		    r->sn[i].count == 0 ? "not seen" : "seen more than once");
	}
	return (status);
}

static int
run(struct run *r)
{

	if (pft_open(&r->t) == -1 ||
	    (r->sendif = pft_if(&r->t, r->o->sendif)) == NULL ||
	    open_sniffers(r) == -1 || resolve_env(r) == -1 ||
	    send_probe(r) == -1)
		return (-1);
	return (wait_all(r));
}

int
main(int argc, char **argv)
{
	static struct run r;
	struct ping_opts o;
	struct pk_err err;
	char *help;
	size_t n;
	int rc;

	rc = ping_opts_parse(&o, argc, argv, &err);
	if (rc == PK_ARGS_HELP) {
		n = ping_opts_help(NULL, 0) + 1;
		if ((help = malloc(n)) == NULL)
			return (PFT_EXIT_ERROR);
		ping_opts_help(help, n);
		fputs(help, stdout);
		free(help);
		return (fflush(stdout) == 0 ? 0 : PFT_EXIT_ERROR);
	}
	if (rc != 0)
		return (pft_usage("pft_ping", err.msg));
	r.o = &o;
	r.t.prog = "pft_ping";
	r.t.verbose = o.verbose;
	return (pft_finish(&r.t, run(&r)));
}
