/*
 * cap_freebsd.c: captures as bpf(4) descriptors, raw L3 sends, and CPU
 * pinning.
 *
 * BPF binds to an interface of the vnet of the thread that asks, so a
 * child attached to the jail opens /dev/bpf, binds it and passes it back
 * (pk_fbsd_fetch()); reading and writing it work from anywhere.  A BPF
 * record does not say which way its frame went, so a capture is two
 * descriptors, one that sees what the interface receives and one that
 * sees what it sends, merged by time stamp; a kqueue over both is the
 * descriptor to poll.  A descriptor sees the frames it writes itself
 * like any other sent frame: the capture remembers what it injected and
 * drops the copies as they come back.
 *
 * Until pk_os_cap_listen() both descriptors carry a filter that rejects
 * everything, so an interface used only for sending queues nothing.  The
 * buffer size is fixed when a descriptor is bound: it is asked for as
 * large as net.bpf.maxbufsize allows, at open.
 */
#include <sys/param.h>
#include <sys/cpuset.h>
#include <sys/event.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <net/if.h>
#include <net/bpf.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os_freebsd.h"
#include "../packet/pk_packet.h"

#define	CAP_BLEN	(8 * 1024 * 1024)	/* asked for; the kernel caps */
#define	INJ_MAX		64		/* injected frames remembered */
#define	NULL_HDRLEN	4		/* DLT_NULL: the address family */

enum { Q_IN, Q_OUT, Q_COUNT };

struct bpfq {
	int	 fd;
	u_int	 blen;			/* reads are of exactly this size */
	char	*buf;
	size_t	 len;			/* bytes of the last read */
	size_t	 off;			/* next record */
};

struct inj {
	uint8_t	*p;
	size_t	 len;
};

struct pk_os_cap {
	struct bpfq	 q[Q_COUNT];
	int		 kq;
	int		 dlt;		/* PK_DLT_EN10MB or PK_DLT_RAW */
	int		 nullhdr;	/* frames carry a family word first */
	struct inj	 inj[INJ_MAX];	/* oldest first */
	size_t		 ninj;
	uint8_t		 wbuf[NULL_HDRLEN + IP_MAXPACKET];
};

struct bpf_req {
	const char	*name;
};

/* Accept nothing, or everything whole. */
static int
bpf_filter(int fd, int all)
{
	struct bpf_insn insn;
	struct bpf_program prog;

	insn.code = (u_short)(BPF_RET | BPF_K);
	insn.jt = 0;
	insn.jf = 0;
	insn.k = all ? (bpf_u_int32)-1 : 0;
	prog.bf_len = 1;
	prog.bf_insns = &insn;
	return (ioctl(fd, BIOCSETF, &prog));
}

/* In the jail: one descriptor bound to the interface, one direction. */
static int
bpf_one(const char *name, u_int dir, int *fdp, char *msg, size_t size)
{
	struct ifreq ifr;
	u_int blen, on;
	int fd, e;

	if ((fd = open("/dev/bpf", O_RDWR | O_CLOEXEC)) < 0) {
		snprintf(msg, size, "/dev/bpf");
		return (errno);
	}
	blen = CAP_BLEN;
	on = 1;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	/* The buffer first: it cannot change once bound. */
	if (ioctl(fd, BIOCSBLEN, &blen) != 0 ||
	    ioctl(fd, BIOCSETIF, &ifr) != 0 ||
	    ioctl(fd, BIOCIMMEDIATE, &on) != 0 ||
	    ioctl(fd, BIOCSHDRCMPLT, &on) != 0 ||
	    ioctl(fd, BIOCSDIRECTION, &dir) != 0 ||
	    bpf_filter(fd, 0) != 0) {
		e = errno;
		close(fd);
		snprintf(msg, size, "bpf on %s", name);
		return (e);
	}
	*fdp = fd;
	return (0);
}

static int
bpf_mk(void *arg, int *fds, char *msg, size_t size)
{
	struct bpf_req *r;
	int e;

	r = arg;
	if ((e = bpf_one(r->name, BPF_D_IN, &fds[Q_IN], msg, size)) != 0)
		return (e);
	return (bpf_one(r->name, BPF_D_OUT, &fds[Q_OUT], msg, size));
}

/*
 * The index must still name the interface we were told about: an index
 * is used again once its interface is gone.
 */
static int
check_name(struct pk_os_vnet *ov, const char *name, int index,
    struct pk_err *err)
{
	struct ifreq ifr;
	int s;

	if ((s = pk_fbsd_sock(ov, PK_FBSD_SL, err)) < 0)
		return (-1);
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	if (ioctl(s, SIOCGIFINDEX, &ifr) != 0 || ifr.ifr_index != index)
		return (pk_err_set(err, ENODEV, "no interface %s (index %d) "
		    "in this vnet", name, index));
	return (0);
}

static int
cap_dlt(struct pk_os_cap *c, const char *name, struct pk_err *err)
{
	u_int dlt;

	if (ioctl(c->q[Q_IN].fd, BIOCGDLT, &dlt) != 0)
		return (pk_err_sys(err, errno, "%s: link type", name));
	switch (dlt) {
	case DLT_EN10MB:
		c->dlt = PK_DLT_EN10MB;
		return (0);
	case DLT_NULL:
	case DLT_LOOP:
		/* A family word before the IP header: taken off, put on. */
		c->dlt = PK_DLT_RAW;
		c->nullhdr = 1;
		return (0);
	case DLT_RAW:
		c->dlt = PK_DLT_RAW;
		return (0);
	}
	return (pk_err_set(err, ENOTSUP, "%s: link type %u is neither "
	    "Ethernet nor raw IP", name, dlt));
}

static int
cap_setup(struct pk_os_cap *c, const char *name, struct pk_err *err)
{
	struct kevent kev[Q_COUNT];
	int k;

	if (cap_dlt(c, name, err) != 0)
		return (-1);
	/* Not inherited by fork(2); not by exec either. */
	if ((c->kq = kqueue()) < 0 || fcntl(c->kq, F_SETFD, FD_CLOEXEC) != 0)
		return (pk_err_sys(err, errno, "kqueue"));
	for (k = 0; k < Q_COUNT; k++) {
		if (ioctl(c->q[k].fd, BIOCGBLEN, &c->q[k].blen) != 0)
			return (pk_err_sys(err, errno, "%s: bpf buffer",
			    name));
		if (fcntl(c->q[k].fd, F_SETFL, O_NONBLOCK) != 0)
			return (pk_err_sys(err, errno, "bpf non-blocking"));
		if ((c->q[k].buf = malloc(c->q[k].blen)) == NULL)
			return (pk_err_sys(err, ENOMEM, "capture buffer"));
		EV_SET(&kev[k], c->q[k].fd, EVFILT_READ, EV_ADD, 0, 0, NULL);
	}
	if (kevent(c->kq, kev, Q_COUNT, NULL, 0, NULL) != 0)
		return (pk_err_sys(err, errno, "kevent"));
	return (0);
}

int
pk_os_cap_open(struct pk_os_vnet *ov, const char *name, int index,
    struct pk_os_cap **cp, int *dltp, struct pk_err *err)
{
	int fds[PK_FBSD_NSK];
	struct bpf_req r;
	struct pk_os_cap *c;

	if (check_name(ov, name, index, err) != 0)
		return (-1);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (pk_err_sys(err, ENOMEM, "capture on %s", name));
	c->kq = -1;
	r.name = name;
	if (pk_fbsd_fetch(ov, bpf_mk, &r, fds, err) != 0) {
		free(c);
		return (pk_err_prefix(err, "capture on %s", name));
	}
	c->q[Q_IN].fd = fds[Q_IN];
	c->q[Q_OUT].fd = fds[Q_OUT];
	if (cap_setup(c, name, err) != 0) {
		pk_os_cap_close(c);
		return (-1);
	}
	*dltp = c->dlt;
	*cp = c;
	return (0);
}

int
pk_os_cap_listen(struct pk_os_cap *c, size_t bufsize, struct pk_err *err)
{
	int k;

	(void)bufsize;
	for (k = 0; k < Q_COUNT; k++) {
		if (bpf_filter(c->q[k].fd, 1) != 0 ||
		    ioctl(c->q[k].fd, BIOCFLUSH) != 0)
			return (pk_err_sys(err, errno, "capture filter"));
		c->q[k].len = c->q[k].off = 0;
	}
	return (0);
}

int
pk_os_cap_fd(const struct pk_os_cap *c)
{

	return (c->kq);
}

/* Read a queue that is empty; 0, or -1 on error. */
static int
q_fill(struct bpfq *q, struct pk_err *err)
{
	ssize_t n;

	if (q->off < q->len)
		return (0);
	q->len = q->off = 0;
	do
		n = read(q->fd, q->buf, q->blen);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return (0);
		return (pk_err_sys(err, errno, "capture read"));
	}
	q->len = (size_t)n;
	return (0);
}

/* The record at the head of q, if any. */
static int
q_head(const struct bpfq *q, struct bpf_hdr *h)
{

	if (q->off + sizeof(*h) > q->len)
		return (0);
	memcpy(h, q->buf + q->off, sizeof(*h));
	if (q->off + h->bh_hdrlen + h->bh_caplen > q->len)
		return (0);
	return (1);
}

static int
ts_before(const struct timeval *a, const struct timeval *b)
{

	return (a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec &&
	    a->tv_usec <= b->tv_usec));
}

/* Was this sent frame one of ours?  Then forget it and say so. */
static int
inj_match(struct pk_os_cap *c, const uint8_t *p, size_t len)
{
	size_t i, j;

	for (i = 0; i < c->ninj; i++)
		if (c->inj[i].len == len && memcmp(c->inj[i].p, p, len) == 0)
			break;
	if (i == c->ninj)
		return (0);
	/* Older ones never came back: they will not now. */
	for (j = 0; j <= i; j++)
		free(c->inj[j].p);
	memmove(c->inj, c->inj + i + 1, (c->ninj - i - 1) *
	    sizeof(c->inj[0]));
	c->ninj -= i + 1;
	return (1);
}

/* Both queues read dry: let the kqueue forget their readiness. */
static void
kq_settle(struct pk_os_cap *c)
{
	struct kevent ev[Q_COUNT];
	struct timespec zero;

	zero.tv_sec = 0;
	zero.tv_nsec = 0;
	(void)kevent(c->kq, NULL, 0, ev, Q_COUNT, &zero);
}

int
pk_os_cap_next(struct pk_os_cap *c, struct pk_os_frame *f,
    struct pk_err *err)
{
	struct bpf_hdr h[Q_COUNT];
	int have[Q_COUNT], k;
	uint8_t *p;

	for (;;) {
		for (k = 0; k < Q_COUNT; k++) {
			if (q_fill(&c->q[k], err) != 0)
				return (-1);
			have[k] = q_head(&c->q[k], &h[k]);
		}
		if (!have[Q_IN] && !have[Q_OUT]) {
			kq_settle(c);
			return (0);
		}
		k = !have[Q_OUT] || (have[Q_IN] &&
		    ts_before(&h[Q_IN].bh_tstamp, &h[Q_OUT].bh_tstamp)) ?
		    Q_IN : Q_OUT;
		p = (uint8_t *)c->q[k].buf + c->q[k].off + h[k].bh_hdrlen;
		c->q[k].off += BPF_WORDALIGN(h[k].bh_hdrlen + h[k].bh_caplen);
		memset(f, 0, sizeof(*f));
		f->buf = p;
		f->caplen = h[k].bh_caplen;
		f->len = h[k].bh_datalen;
		if (c->nullhdr) {
			if (f->caplen < NULL_HDRLEN)
				continue;
			f->buf += NULL_HDRLEN;
			f->caplen -= NULL_HDRLEN;
			f->len -= NULL_HDRLEN;
		}
		if (k == Q_OUT && f->caplen == f->len &&
		    inj_match(c, f->buf, f->caplen))
			continue;
		f->ts = h[k].bh_tstamp;
		f->out = k == Q_OUT;
		return (1);
	}
}

static void
inj_remember(struct pk_os_cap *c, const void *buf, size_t len)
{
	uint8_t *p;

	if ((p = malloc(len)) == NULL)
		return;
	memcpy(p, buf, len);
	if (c->ninj == INJ_MAX) {
		free(c->inj[0].p);
		memmove(c->inj, c->inj + 1, (INJ_MAX - 1) * sizeof(c->inj[0]));
		c->ninj--;
	}
	c->inj[c->ninj].p = p;
	c->inj[c->ninj].len = len;
	c->ninj++;
}

int
pk_os_cap_inject(struct pk_os_cap *c, const void *buf, size_t len,
    struct pk_err *err)
{
	const void *out;
	uint32_t af;
	size_t n;
	ssize_t w;

	out = buf;
	n = len;
	if (c->nullhdr) {
		if (len == 0 || len > IP_MAXPACKET)
			return (pk_err_set(err, EINVAL, "send %zu bytes", len));
		af = (((const uint8_t *)buf)[0] >> 4) == 6 ? AF_INET6 :
		    AF_INET;
		memcpy(c->wbuf, &af, NULL_HDRLEN);
		memcpy(c->wbuf + NULL_HDRLEN, buf, len);
		out = c->wbuf;
		n = len + NULL_HDRLEN;
	}
	do
		w = write(c->q[Q_OUT].fd, out, n);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return (pk_err_sys(err, errno, "send %zu bytes", len));
	if ((size_t)w != n)
		return (pk_err_set(err, EIO, "sent %zd of %zu bytes", w, n));
	inj_remember(c, buf, len);
	return (0);
}

int
pk_os_cap_drops(struct pk_os_cap *c, uint64_t *drops, struct pk_err *err)
{
	struct bpf_stat st;
	uint64_t d;
	int k;

	/* The kernel's counts run from the open. */
	d = 0;
	for (k = 0; k < Q_COUNT; k++) {
		if (ioctl(c->q[k].fd, BIOCGSTATS, &st) != 0)
			return (pk_err_sys(err, errno, "capture statistics"));
		d += st.bs_drop;
	}
	*drops = d;
	return (0);
}

void
pk_os_cap_close(struct pk_os_cap *c)
{
	size_t i;
	int k;

	if (c == NULL)
		return;
	for (k = 0; k < Q_COUNT; k++) {
		if (c->q[k].fd >= 0)
			close(c->q[k].fd);
		free(c->q[k].buf);
	}
	if (c->kq >= 0)
		close(c->kq);
	for (i = 0; i < c->ninj; i++)
		free(c->inj[i].p);
	free(c);
}

/*
 * Raw L3 sends, in a child attached to the vnet (or here).
 */

struct l3_req {
	int		 af;
	const void	*dst;
	const uint8_t	*buf;
	size_t		 len;
};

/* IPv4: the header is ours (IP_HDRINCL; fields in network order). */
static int
l3_send4(const struct l3_req *r)
{
	struct sockaddr_in sin;
	ssize_t n;
	int s, on, e;

	if ((s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW)) < 0)
		return (errno);
	on = 1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, r->dst, sizeof(sin.sin_addr));
	e = 0;
	if (setsockopt(s, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) != 0)
		e = errno;
	else if ((n = sendto(s, r->buf, r->len, 0, (struct sockaddr *)&sin,
	    sizeof(sin))) < 0)
		e = errno;
	else if ((size_t)n != r->len)
		e = EIO;
	close(s);
	return (e);
}

/*
 * IPv6: FreeBSD's raw sockets take no IPv6 header.  The payload goes
 * out on a raw socket of its protocol, with the header's source, hop
 * limit and traffic class as ancillary data; the flow label is lost,
 * and the kernel computes an ICMPv6 checksum itself.  Extension headers
 * cannot be sent this way.
 */
static int
l3_send6(const struct l3_req *r)
{
	union {
		char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    2 * CMSG_SPACE(sizeof(int))];
		struct cmsghdr	align;
	} ctl;
	struct in6_pktinfo pi;
	struct sockaddr_in6 sin6;
	struct ip6_hdr ip6;
	struct cmsghdr *cm;
	struct msghdr m;
	struct iovec iov;
	ssize_t n;
	int s, v, e;

	if (r->len < sizeof(ip6))
		return (EINVAL);
	memcpy(&ip6, r->buf, sizeof(ip6));
	switch (ip6.ip6_nxt) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
	case IPPROTO_ESP:
		return (ENOTSUP);
	}
	if ((s = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, ip6.ip6_nxt)) < 0)
		return (errno);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_len = sizeof(sin6);
	sin6.sin6_family = AF_INET6;
	memcpy(&sin6.sin6_addr, r->dst, sizeof(sin6.sin6_addr));
	memset(&ctl, 0, sizeof(ctl));
	memset(&m, 0, sizeof(m));
	iov.iov_base = __DECONST(uint8_t *, r->buf) + sizeof(ip6);
	iov.iov_len = r->len - sizeof(ip6);
	m.msg_name = &sin6;
	m.msg_namelen = sizeof(sin6);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl.buf;
	m.msg_controllen = sizeof(ctl.buf);
	cm = CMSG_FIRSTHDR(&m);
	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = ip6.ip6_src;
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	cm = CMSG_NXTHDR(&m, cm);
	v = ip6.ip6_hlim;
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_HOPLIMIT;
	cm->cmsg_len = CMSG_LEN(sizeof(v));
	memcpy(CMSG_DATA(cm), &v, sizeof(v));
	cm = CMSG_NXTHDR(&m, cm);
	v = (int)((ntohl(ip6.ip6_flow) >> 20) & 0xff);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_TCLASS;
	cm->cmsg_len = CMSG_LEN(sizeof(v));
	memcpy(CMSG_DATA(cm), &v, sizeof(v));
	e = 0;
	if ((n = sendmsg(s, &m, 0)) < 0)
		e = errno;
	else if ((size_t)n != iov.iov_len)
		e = EIO;
	close(s);
	return (e);
}

static int
l3_fn(void *arg, struct pk_fbsd_out *o)
{
	const struct l3_req *r;

	(void)o;
	r = arg;
	return (r->af == AF_INET ? l3_send4(r) : l3_send6(r));
}

int
pk_os_l3_send(struct pk_os_vnet *ov, int af, const void *dst,
    const void *buf, size_t len, struct pk_err *err)
{
	struct pk_fbsd_out out;
	struct l3_req r;
	int rc;

	if (af != AF_INET && af != AF_INET6)
		return (pk_err_set(err, EAFNOSUPPORT, "L3 send: not IPv4 or "
		    "IPv6"));
	r.af = af;
	r.dst = dst;
	r.buf = buf;
	r.len = len;
	rc = pk_fbsd_call(ov, l3_fn, &r, &out, err);
	pk_fbsd_out_free(&out);
	if (rc < 0)
		return (-1);
	if (rc == ENOTSUP)
		return (pk_err_set(err, ENOTSUP, "L3 send: FreeBSD cannot send "
		    "IPv6 extension headers through its stack"));
	if (rc != 0)
		return (pk_err_sys(err, rc, "L3 send of %zu bytes", len));
	return (0);
}

/*
 * CPU pinning.
 */

struct pk_os_pin {
	cpuset_t	saved;
};

int
pk_os_cpu_pin(struct pk_os_pin **pp, struct pk_err *err)
{
	struct pk_os_pin *p;
	cpuset_t one;
	int cpu;

	if ((p = malloc(sizeof(*p))) == NULL)
		return (pk_err_sys(err, ENOMEM, "pin"));
	if (cpuset_getaffinity(CPU_LEVEL_WHICH, CPU_WHICH_TID, -1,
	    sizeof(p->saved), &p->saved) != 0) {
		free(p);
		return (pk_err_sys(err, errno, "cpuset_getaffinity"));
	}
	if ((cpu = sched_getcpu()) < 0) {
		free(p);
		return (pk_err_sys(err, errno, "sched_getcpu"));
	}
	/* Migrating in between pins us where we were: still one CPU. */
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (cpuset_setaffinity(CPU_LEVEL_WHICH, CPU_WHICH_TID, -1,
	    sizeof(one), &one) != 0) {
		free(p);
		return (pk_err_sys(err, errno, "cpuset_setaffinity"));
	}
	*pp = p;
	return (0);
}

void
pk_os_cpu_unpin(struct pk_os_pin *p)
{

	if (p == NULL)
		return;
	(void)cpuset_setaffinity(CPU_LEVEL_WHICH, CPU_WHICH_TID, -1,
	    sizeof(p->saved), &p->saved);
	free(p);
}
