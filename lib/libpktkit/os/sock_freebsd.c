/*
 * sock_freebsd.c: the sockets of a vnet, from its protocol control block
 * tables (net.inet.tcp.pcblist and friends, read in a child attached to
 * the jail), and dropping a TCP connection (net.inet.tcp.drop, as
 * tcpdrop(8) does).
 *
 * Unlike a Linux namespace, a jail is held by every connection made in
 * it, TIME-WAIT ones included: each keeps the credential it was made
 * with, and so the jail, until it is freed.  So on FreeBSD a TCP
 * connection no descriptor refers to holds its vnet in any state but
 * LISTEN and CLOSED, and is marked "orphan" here.  Whether a descriptor
 * refers to a socket is read from kern.file where we are, which also
 * sees descriptors that processes outside the jail hold.
 */
#include <sys/param.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/sysctl.h>

#include <netinet/in.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_var.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os_common.h"
#include "os_freebsd.h"

/* TCP states, named as the Linux side names them. */
static const char *const tcp_states[TCP_NSTATES] = {
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECV", "ESTABLISHED",
	"CLOSE-WAIT", "FIN-WAIT-1", "CLOSING", "LAST-ACK", "FIN-WAIT-2",
	"TIME-WAIT"
};

/* The key kept in struct pk_os_sock: enough to name the connection. */
struct sock_key {
	uint8_t		family;
	uint8_t		pad;
	uint16_t	lport, fport;	/* network order */
	uint8_t		laddr[16], faddr[16];
};

_Static_assert(sizeof(struct sock_key) <=
    sizeof(((struct pk_os_sock *)0)->key),
    "struct pk_os_sock's key is too small");

/* The tables read in the vnet, one record each: which, length, data. */
enum { T_TCP, T_UDP, T_RAW, T_COUNT };

static const char *const tables[T_COUNT] = {
	"net.inet.tcp.pcblist", "net.inet.udp.pcblist", "net.inet.raw.pcblist"
};

struct rec {
	uint32_t	which;
	uint32_t	len;
};

struct tables_req {
	int	mib[T_COUNT][CTL_MAXNAME];
	u_int	len[T_COUNT];
};

static int
read_one(const int *mib, u_int miblen, uint32_t which, struct pk_fbsd_out *o)
{
	struct rec r;
	size_t size;
	void *buf;
	int e;

	if ((e = pk_fbsd_sysctl_here(mib, miblen, 4096, &buf, &size)) != 0)
		return (e);
	r.which = which;
	r.len = (uint32_t)size;
	if ((e = pk_fbsd_put(o, &r, sizeof(r))) == 0)
		e = pk_fbsd_put(o, buf, size);
	free(buf);
	return (e);
}

static int
tables_fn(void *arg, struct pk_fbsd_out *o)
{
	struct tables_req *rq;
	uint32_t t;
	int e;

	rq = arg;
	for (t = 0; t < T_COUNT; t++) {
		if (rq->len[t] == 0)
			continue;
		if ((e = read_one(rq->mib[t], rq->len[t], t, o)) != 0)
			return (e);
	}
	return (0);
}

/* The kernel addresses of every socket some descriptor refers to. */
struct sockset {
	uint64_t	*v;
	size_t		 n;
};

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return (x < y ? -1 : x > y);
}

static int
sockset_read(struct sockset *ss, struct pk_err *err)
{
	struct xfile *xf;
	size_t i, n;

	if (pk_fbsd_files(&xf, &n, err) != 0)
		return (-1);
	if ((ss->v = calloc(n + 1, sizeof(*ss->v))) == NULL) {
		free(xf);
		return (pk_err_sys(err, ENOMEM, "kern.file"));
	}
	ss->n = 0;
	for (i = 0; i < n; i++)
		if (xf[i].xf_type == DTYPE_SOCKET)
			ss->v[ss->n++] = xf[i].xf_data;
	free(xf);
	qsort(ss->v, ss->n, sizeof(*ss->v), u64_cmp);
	return (0);
}

static int
sockset_has(const struct sockset *ss, uint64_t so)
{

	return (so != 0 &&
	    bsearch(&so, ss->v, ss->n, sizeof(*ss->v), u64_cmp) != NULL);
}

static void
conn_key(const struct in_conninfo *inc, struct sock_key *k)
{

	memset(k, 0, sizeof(*k));
	k->lport = inc->inc_lport;
	k->fport = inc->inc_fport;
	if (inc->inc_flags & INC_ISIPV6) {
		k->family = AF_INET6;
		memcpy(k->laddr, &inc->inc6_laddr, 16);
		memcpy(k->faddr, &inc->inc6_faddr, 16);
	} else {
		k->family = AF_INET;
		memcpy(k->laddr, &inc->inc_laddr, 4);
		memcpy(k->faddr, &inc->inc_faddr, 4);
	}
}

/* Growing arrays of results. */
struct found {
	struct pk_os_sock	*socks;
	size_t			 nsocks, capsocks;
	struct pk_fbsd_pcb	*pcbs;
	size_t			 npcbs, cappcbs;
};

static int
grow(void **v, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return (0);
	ncap = *cap == 0 ? 16 : *cap * 2;
	if ((nv = realloc(*v, ncap * elem)) == NULL)
		return (-1);
	*v = nv;
	*cap = ncap;
	return (0);
}

static int
add_pcb(struct found *f, uint64_t so, const char *proto,
    const struct sock_key *k, const char *state)
{
	struct pk_fbsd_pcb *p;
	char l[64], r[64];

	if (so == 0)
		return (0);
	if (grow((void **)&f->pcbs, &f->cappcbs, f->npcbs, sizeof(*p)) != 0)
		return (-1);
	p = &f->pcbs[f->npcbs++];
	p->so = so;
	pk_os_sock_endpoint(k->family, k->laddr, k->lport, l, sizeof(l));
	pk_os_sock_endpoint(k->family, k->faddr, k->fport, r, sizeof(r));
	snprintf(p->desc, sizeof(p->desc), "%s%s socket %s -> %s%s%s", proto,
	    k->family == AF_INET6 ? "6" : "", l, r, state != NULL ? ", " : "",
	    state != NULL ? state : "");
	return (0);
}

static int
add_tcp(struct found *f, const struct xtcpcb *xt, const struct sockset *ss)
{
	struct pk_os_sock *s;
	struct sock_key k;
	const char *state;
	uint64_t so;
	int st, hasfile;

	st = xt->t_state;
	state = st >= 0 && st < TCP_NSTATES ? tcp_states[st] : "?";
	conn_key(&xt->xt_inp.inp_inc, &k);
	so = xt->xt_inp.xi_socket.xso_so;
	hasfile = sockset_has(ss, so);
	if (add_pcb(f, so, "tcp", &k, state) != 0 ||
	    grow((void **)&f->socks, &f->capsocks, f->nsocks, sizeof(*s)) != 0)
		return (-1);
	s = &f->socks[f->nsocks++];
	memset(s, 0, sizeof(*s));
	memcpy(s->key, &k, sizeof(k));
	snprintf(s->proto, sizeof(s->proto), "%s", k.family == AF_INET6 ?
	    "tcp6" : "tcp");
	snprintf(s->state, sizeof(s->state), "%s", state);
	pk_os_sock_endpoint(k.family, k.laddr, k.lport, s->local,
	    sizeof(s->local));
	pk_os_sock_endpoint(k.family, k.faddr, k.fport, s->remote,
	    sizeof(s->remote));
	s->sendq = xt->xt_inp.xi_socket.so_snd.sb_cc;
	s->recvq = xt->xt_inp.xi_socket.so_rcv.sb_cc;
	s->inode = hasfile ? so : 0;
	s->orphan = !hasfile && st != TCPS_CLOSED && st != TCPS_LISTEN;
	return (0);
}

/*
 * One table: an xinpgen, the records, an xinpgen.  Records freed while
 * the kernel copied the table out (a newer generation) are skipped.
 */
static int
parse_table(uint32_t which, const char *buf, size_t len, struct found *f,
    const struct sockset *ss, struct pk_err *err)
{
	struct xinpgen head;
	struct xtcpcb xt;
	struct xinpcb xi;
	struct sock_key k;
	size_t off, need;
	ksize_t rlen;

	if (len < sizeof(head))
		return (0);
	memcpy(&head, buf, sizeof(head));
	need = which == T_TCP ? sizeof(xt) : sizeof(xi);
	for (off = head.xig_len; off + sizeof(rlen) <= len; off += rlen) {
		memcpy(&rlen, buf + off, sizeof(rlen));
		if (rlen <= sizeof(head))
			break;		/* the closing xinpgen */
		if (rlen < need || off + rlen > len)
			return (pk_err_set(err, EINVAL, "%s: records of %zu "
			    "bytes, not %zu", tables[which], (size_t)rlen,
			    need));
		if (which == T_TCP) {
			memcpy(&xt, buf + off, sizeof(xt));
			if (xt.xt_inp.inp_gencnt > head.xig_gen)
				continue;
			if (add_tcp(f, &xt, ss) != 0)
				return (pk_err_sys(err, ENOMEM, "sockets"));
			continue;
		}
		memcpy(&xi, buf + off, sizeof(xi));
		if (xi.inp_gencnt > head.xig_gen)
			continue;
		conn_key(&xi.inp_inc, &k);
		if (add_pcb(f, xi.xi_socket.xso_so, which == T_UDP ? "udp" :
		    "raw", &k, NULL) != 0)
			return (pk_err_sys(err, ENOMEM, "sockets"));
	}
	return (0);
}

static int
parse_tables(const char *buf, size_t len, struct found *f,
    const struct sockset *ss, struct pk_err *err)
{
	struct rec r;
	size_t off;

	for (off = 0; off + sizeof(r) <= len; off += sizeof(r) + r.len) {
		memcpy(&r, buf + off, sizeof(r));
		if (r.which >= T_COUNT || off + sizeof(r) + r.len > len)
			return (pk_err_set(err, EIO, "socket tables: garbled"));
		if (parse_table(r.which, buf + off + sizeof(r), r.len, f, ss,
		    err) != 0)
			return (-1);
	}
	return (0);
}

int
pk_os_sock_dump(struct pk_os_vnet *ov, struct pk_os_sock **sp, size_t *np,
    struct pk_err *err)
{
	struct tables_req rq;
	struct pk_fbsd_out out;
	struct sockset ss;
	struct found f;
	size_t len;
	int t, rc;

	memset(&rq, 0, sizeof(rq));
	for (t = 0; t < T_COUNT; t++) {
		len = CTL_MAXNAME;
		/* A kernel without UDP or raw IP has no such table. */
		if (sysctlnametomib(tables[t], rq.mib[t], &len) == 0)
			rq.len[t] = (u_int)len;
		else if (t == T_TCP)
			return (pk_err_sys(err, errno, "%s", tables[t]));
	}
	if ((rc = pk_fbsd_call(ov, tables_fn, &rq, &out, err)) != 0) {
		pk_fbsd_out_free(&out);
		if (rc > 0)
			pk_err_sys(err, rc, "socket tables of %s", ov->id);
		return (-1);
	}
	memset(&f, 0, sizeof(f));
	ss.v = NULL;
	if (sockset_read(&ss, err) != 0 ||
	    parse_tables(out.buf, out.len, &f, &ss, err) != 0) {
		pk_fbsd_out_free(&out);
		free(ss.v);
		free(f.socks);
		free(f.pcbs);
		return (-1);
	}
	pk_fbsd_out_free(&out);
	free(ss.v);
	/* Kept for pk_os_holders(), once the jail cannot be asked. */
	free(ov->pcbs);
	ov->pcbs = f.pcbs;
	ov->npcbs = f.npcbs;
	*sp = f.socks;
	*np = f.nsocks;
	return (0);
}

struct drop_req {
	int			mib[CTL_MAXNAME];
	u_int			len;
	struct sockaddr_storage	addrs[2];	/* foreign, local */
};

static int
drop_fn(void *arg, struct pk_fbsd_out *o)
{
	struct drop_req *rq;

	(void)o;
	rq = arg;
	if (sysctl(rq->mib, rq->len, NULL, NULL, rq->addrs,
	    sizeof(rq->addrs)) != 0)
		return (errno);
	return (0);
}

static void
sock_addr(int family, const uint8_t *addr, uint16_t port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6;
	struct sockaddr_in *s4;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_len = sizeof(*s6);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = port;
		memcpy(&s6->sin6_addr, addr, 16);
		return;
	}
	s4 = (struct sockaddr_in *)ss;
	s4->sin_len = sizeof(*s4);
	s4->sin_family = AF_INET;
	s4->sin_port = port;
	memcpy(&s4->sin_addr, addr, 4);
}

int
pk_os_sock_destroy(struct pk_os_vnet *ov, const struct pk_os_sock *s,
    struct pk_err *err)
{
	struct pk_fbsd_out out;
	struct drop_req rq;
	struct sock_key k;
	size_t len;
	int rc;

	memcpy(&k, s->key, sizeof(k));
	memset(&rq, 0, sizeof(rq));
	len = CTL_MAXNAME;
	if (sysctlnametomib("net.inet.tcp.drop", rq.mib, &len) != 0)
		return (pk_err_sys(err, errno, "net.inet.tcp.drop"));
	rq.len = (u_int)len;
	sock_addr(k.family, k.faddr, k.fport, &rq.addrs[0]);
	sock_addr(k.family, k.laddr, k.lport, &rq.addrs[1]);
	rc = pk_fbsd_call(ov, drop_fn, &rq, &out, err);
	pk_fbsd_out_free(&out);
	/* ESRCH: it went meanwhile, which is what we wanted. */
	if (rc < 0 || (rc > 0 && rc != ESRCH && rc != ENOENT)) {
		if (rc > 0)
			pk_err_sys(err, rc, "net.inet.tcp.drop");
		return (pk_err_prefix(err, "drop %s socket %s -> %s",
		    s->proto, s->local, s->remote));
	}
	return (0);
}
