/*
 * cap_linux.c: captures as AF_PACKET sockets, raw L3 sends, and CPU
 * pinning.
 *
 * Why not libpcap for live captures: its activate sets up a packet ring
 * and its close tears it down, and each waits for an RCU grace period on
 * top of the one every packet socket pays at close (measured here: 8-16
 * ms to open, 24 ms to close, against microseconds and 8-16 ms for a
 * plain socket).  And a pcap_t of link type Ethernet does not say which
 * way a frame went, which one capture shared by sniffers of different
 * directions needs; the socket address of each frame does.  Filters and
 * pcap files still go through libpcap, in the portable code.
 *
 * A capture is created receiving nothing (bound with protocol 0) so that
 * an interface used only for sending queues no copies; pk_os_cap_listen()
 * binds it again for every protocol, and from then on every frame is
 * queued on the socket until read.
 */
#define	_GNU_SOURCE
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <linux/if_packet.h>

#include "os_linux.h"

/* The largest frame kept whole: a GSO super-frame of 64 KB and more. */
#define	CAP_BUFSIZE	(256 * 1024)
#define	VLAN_TAGLEN	4

/* libpcap's DLT numbers (see pk_packet.h). */
#define	DLT_EN10MB_	1
#define	DLT_RAW_	12

struct pk_os_cap {
	int		 fd;
	int		 index;
	int		 dlt;
	uint64_t	 drops;
	uint8_t		*buf;		/* VLAN_TAGLEN + CAP_BUFSIZE */
};

static int
link_dlt(int fd, const char *name, int *dltp, struct pk_err *err)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, sizeof(ifr.ifr_name) - 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0)
		return (pk_err_sys(err, errno, "%s: link type", name));
	switch (ifr.ifr_hwaddr.sa_family) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:
		*dltp = DLT_EN10MB_;
		return (0);
	case ARPHRD_NONE:
	case ARPHRD_RAWIP:
	case ARPHRD_TUNNEL:
	case ARPHRD_TUNNEL6:
		*dltp = DLT_RAW_;
		return (0);
	}
	return (pk_err_set(err, ENOTSUP, "%s: link type %u is neither "
	    "Ethernet nor raw IP", name, ifr.ifr_hwaddr.sa_family));
}

/*
 * The index must still name the interface we were told about: an index
 * is reused once its interface is gone.
 */
static int
check_name(int fd, const char *name, int index, struct pk_err *err)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = index;
	if (ioctl(fd, SIOCGIFNAME, &ifr) != 0 ||
	    strncmp(ifr.ifr_name, name, sizeof(ifr.ifr_name)) != 0)
		return (pk_err_set(err, ENODEV, "no interface %s (index %d) "
		    "in this vnet", name, index));
	return (0);
}

static int
cap_bind(int fd, int index, uint16_t proto, struct pk_err *err)
{
	struct sockaddr_ll sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = index;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		return (pk_err_sys(err, errno, "bind packet socket to "
		    "interface %d", index));
	return (0);
}

int
pk_os_cap_open(struct pk_os_vnet *ov, const char *name, int index,
    struct pk_os_cap **cp, int *dltp, struct pk_err *err)
{
	struct pk_os_saved sv;
	struct pk_os_cap *c;
	int e;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->buf = malloc(VLAN_TAGLEN + CAP_BUFSIZE)) == NULL) {
		free(c);
		return (pk_err_sys(err, ENOMEM, "capture on %s", name));
	}
	c->index = index;
	if (pk_os_vnet_enter(ov, &sv, err) != 0)
		goto fail;
	c->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	e = errno;
	if (pk_os_vnet_leave(&sv, err) != 0) {
		if (c->fd >= 0)
			close(c->fd);
		goto fail;
	}
	if (c->fd < 0) {
		pk_err_sys(err, e, "packet socket for %s", name);
		goto fail;
	}
	if (check_name(c->fd, name, index, err) != 0 ||
	    link_dlt(c->fd, name, &c->dlt, err) != 0 ||
	    cap_bind(c->fd, index, 0, err) != 0) {
		close(c->fd);
		goto fail;
	}
	*dltp = c->dlt;
	*cp = c;
	return (0);
fail:
	free(c->buf);
	free(c);
	return (-1);
}

int
pk_os_cap_listen(struct pk_os_cap *c, size_t bufsize, struct pk_err *err)
{
	int on, sz;

	sz = bufsize > INT32_MAX / 2 ? INT32_MAX / 2 : (int)bufsize;
	/* Beyond rmem_max needs the privilege a sandbox has anyway. */
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
	    sizeof(sz)) != 0 &&
	    setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) != 0)
		return (pk_err_sys(err, errno, "capture buffer"));
	on = 1;
	if (setsockopt(c->fd, SOL_PACKET, PACKET_AUXDATA, &on,
	    sizeof(on)) != 0 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)) != 0)
		return (pk_err_sys(err, errno, "capture options"));
	return (cap_bind(c->fd, c->index, ETH_P_ALL, err));
}

int
pk_os_cap_fd(const struct pk_os_cap *c)
{

	return (c->fd);
}

/*
 * The device took the tag off into the packet's metadata (VLAN
 * offload); put it back where it was on the wire, after the MAC
 * addresses.  The frame was read VLAN_TAGLEN bytes into buf, so the
 * addresses move back to make room.
 */
static uint8_t *
vlan_insert(uint8_t *buf, const struct tpacket_auxdata *aux)
{
	uint16_t tpid, tci;

	tpid = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
	    aux->tp_vlan_tpid : ETH_P_8021Q;
	tci = aux->tp_vlan_tci;
	memmove(buf, buf + VLAN_TAGLEN, 2 * ETHER_ADDR_LEN);
	buf[12] = (uint8_t)(tpid >> 8);
	buf[13] = (uint8_t)tpid;
	buf[14] = (uint8_t)(tci >> 8);
	buf[15] = (uint8_t)tci;
	return (buf);
}

static void
frame_meta(struct pk_os_cap *c, struct msghdr *m, struct pk_os_frame *f)
{
	const struct tpacket_auxdata *aux;
	struct cmsghdr *cm;
	int tagged;

	tagged = 0;
	aux = NULL;
	for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMP &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct timeval)))
			memcpy(&f->ts, CMSG_DATA(cm), sizeof(f->ts));
		else if (cm->cmsg_level == SOL_PACKET &&
		    cm->cmsg_type == PACKET_AUXDATA &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(*aux)))
			aux = (const struct tpacket_auxdata *)CMSG_DATA(cm);
	}
	if (aux == NULL)
		return;
	f->csum_partial = (aux->tp_status & TP_STATUS_CSUMNOTREADY) != 0;
	tagged = (aux->tp_vlan_tci != 0 ||
	    (aux->tp_status & TP_STATUS_VLAN_VALID)) &&
	    c->dlt == DLT_EN10MB_ && f->caplen >= 2 * ETHER_ADDR_LEN;
	if (tagged) {
		f->buf = vlan_insert(c->buf, aux);
		f->caplen += VLAN_TAGLEN;
		f->len += VLAN_TAGLEN;
	}
}

int
pk_os_cap_next(struct pk_os_cap *c, struct pk_os_frame *f,
    struct pk_err *err)
{
	union {
		char		b[CMSG_SPACE(sizeof(struct tpacket_auxdata)) +
				    CMSG_SPACE(sizeof(struct timeval))];
		struct cmsghdr	align;
	} ctl;
	struct sockaddr_ll sll;
	struct msghdr m;
	struct iovec iov;
	ssize_t n;

	iov.iov_base = c->buf + VLAN_TAGLEN;
	iov.iov_len = CAP_BUFSIZE;
	memset(&m, 0, sizeof(m));
	m.msg_name = &sll;
	m.msg_namelen = sizeof(sll);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl.b;
	m.msg_controllen = sizeof(ctl.b);
	do
		n = recvmsg(c->fd, &m, MSG_DONTWAIT | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return (0);
		return (pk_err_sys(err, errno, "capture read"));
	}
	memset(f, 0, sizeof(*f));
	f->buf = c->buf + VLAN_TAGLEN;
	f->len = (size_t)n;
	f->caplen = (size_t)n < CAP_BUFSIZE ? (size_t)n : CAP_BUFSIZE;
	f->out = sll.sll_pkttype == PACKET_OUTGOING;
	frame_meta(c, &m, f);
	if (f->ts.tv_sec == 0 && f->ts.tv_usec == 0)
		(void)gettimeofday(&f->ts, NULL);
	return (1);
}

/*
 * The protocol the frame carries, for the socket address: the kernel
 * takes it from there, not from the frame, on devices without a link
 * header.
 */
static uint16_t
frame_proto(const struct pk_os_cap *c, const uint8_t *b, size_t len)
{

	if (c->dlt == DLT_RAW_)
		return (len > 0 && (b[0] >> 4) == 6 ? ETH_P_IPV6 : ETH_P_IP);
	if (len >= 14)
		return ((uint16_t)(b[12] << 8 | b[13]));
	return (0);
}

int
pk_os_cap_inject(struct pk_os_cap *c, const void *buf, size_t len,
    struct pk_err *err)
{
	struct sockaddr_ll sll;
	ssize_t n;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = c->index;
	sll.sll_protocol = htons(frame_proto(c, buf, len));
	do
		n = sendto(c->fd, buf, len, 0, (struct sockaddr *)&sll,
		    sizeof(sll));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (pk_err_sys(err, errno, "send %zu bytes", len));
	if ((size_t)n != len)
		return (pk_err_set(err, EIO, "sent %zd of %zu bytes", n, len));
	return (0);
}

int
pk_os_cap_drops(struct pk_os_cap *c, uint64_t *drops, struct pk_err *err)
{
	struct tpacket_stats st;
	socklen_t len;

	/* The kernel resets its counters on every read. */
	len = sizeof(st);
	if (getsockopt(c->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0)
		return (pk_err_sys(err, errno, "capture statistics"));
	c->drops += st.tp_drops;
	*drops = c->drops;
	return (0);
}

void
pk_os_cap_close(struct pk_os_cap *c)
{

	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

int
pk_os_l3_send(struct pk_os_vnet *ov, int af, const void *dst,
    const void *buf, size_t len, struct pk_err *err)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;
	struct pk_os_saved sv;
	socklen_t sslen;
	ssize_t n;
	int fd, e;

	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET) {
		sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, dst, sizeof(sin->sin_addr));
		sslen = sizeof(*sin);
	} else if (af == AF_INET6) {
		sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, dst, sizeof(sin6->sin6_addr));
		sslen = sizeof(*sin6);
	} else
		return (pk_err_set(err, EAFNOSUPPORT, "L3 send: not IPv4 or "
		    "IPv6"));
	if (pk_os_vnet_enter(ov, &sv, err) != 0)
		return (-1);
	/* IPPROTO_RAW: the header is ours (IP_HDRINCL), in v4 and v6. */
	fd = socket(af, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	e = errno;
	if (pk_os_vnet_leave(&sv, err) != 0) {
		if (fd >= 0)
			close(fd);
		return (-1);
	}
	if (fd < 0)
		return (pk_err_sys(err, e, "raw socket"));
	do
		n = sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sslen);
	while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (n < 0)
		return (pk_err_sys(err, e, "L3 send of %zu bytes", len));
	return (0);
}

struct pk_os_pin {
	cpu_set_t	saved;
};

int
pk_os_cpu_pin(struct pk_os_pin **pp, struct pk_err *err)
{
	struct pk_os_pin *p;
	cpu_set_t one;
	int cpu;

	if ((p = malloc(sizeof(*p))) == NULL)
		return (pk_err_sys(err, ENOMEM, "pin"));
	if (sched_getaffinity(0, sizeof(p->saved), &p->saved) != 0) {
		free(p);
		return (pk_err_sys(err, errno, "sched_getaffinity"));
	}
	if ((cpu = sched_getcpu()) < 0) {
		free(p);
		return (pk_err_sys(err, errno, "sched_getcpu"));
	}
	/*
	 * If we migrate between the two calls we pin to the CPU we left:
	 * the kernel moves us back before sched_setaffinity() returns, and
	 * every later send leaves from there.
	 */
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0) {
		free(p);
		return (pk_err_sys(err, errno, "sched_setaffinity"));
	}
	*pp = p;
	return (0);
}

void
pk_os_cpu_unpin(struct pk_os_pin *p)
{

	if (p == NULL)
		return;
	(void)sched_setaffinity(0, sizeof(p->saved), &p->saved);
	free(p);
}
