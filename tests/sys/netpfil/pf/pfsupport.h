/*
 * pfsupport.h: what the ported pf programs for fragments, NAT, policy
 * routing and state handling share: looking into dissected packets,
 * rulesets that name interfaces, ICMP echo with a fixed identifier
 * (pft_ping's habit, which makes repeated pings one flow to a stateful
 * firewall), TCP handshakes made of crafted segments (pft_ping's
 * tcp3way), and kernel sockets for the services and clients that a test
 * needs a real TCP stack for.
 *
 * Every socket made here in a vnet is registered with pk_vnet_hold(), so
 * that teardown closes it before it destroys the vnet: a socket held by
 * the test process would otherwise keep its vnet alive.  Sockets that
 * carried a connection are closed with a RST (SO_LINGER 0), so that no
 * orphan is left behind to hold the vnet either.
 */
#ifndef PFSUPPORT_H
#define PFSUPPORT_H

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "pktkit.h"

#define	PFS_UNUSED	__attribute__((__unused__))

/*
 * Dissected packets.
 */

/* The nth layer of protocol p in d (depth 0 or quoted), or fail. */
#define	pfs_layer_n(d, p, n)						\
	pfs_layer_at(__FILE__, __LINE__, (d), (p), (n))
#define	pfs_layer(d, p)		pfs_layer_n((d), (p), 0)

static PFS_UNUSED const struct pk_dlayer *
pfs_layer_at(const char *file, int line, const struct pk_dpkt *d,
    enum pk_proto p, int n)
{
	const struct pk_dlayer *l;

	l = pk_dpkt_find(d, p, n);
	if (l == NULL)
		atf_tc_fail_requirement(file, line, "no %s layer %d in the "
		    "packet", pk_proto_name(p), n);
	return (l);
}

/*
 * pk_expect(), returning the log record (for its kernel timestamp).
 */
#define	pfs_expect_seen(t, s, filter, ms)				\
	pfs_expect_seen_at((t), __FILE__, __LINE__, (s), (filter), (ms))

static PFS_UNUSED const struct pk_seen *
pfs_expect_seen_at(struct pk_tc *t, const char *file, int line,
    struct pk_sniffer *s, const char *filter, unsigned ms)
{
	const struct pk_seen *sp;
	struct pk_err err;
	int rc;

	rc = pk_sniff_expect(s, filter, NULL, NULL, ms, &sp, &err);
	if (rc != 1)
		pk_tc_fail(t, file, line, "%s", err.msg);
	return (sp);
}

/* Did a come before b (kernel timestamps)? */
static PFS_UNUSED int
pfs_before(const struct pk_seen *a, const struct pk_seen *b)
{

	return (timercmp(&a->ts, &b->ts, <=));
}

/* Is a the address written s? */
static PFS_UNUSED int
pfs_ip4_is(const struct in_addr *a, const char *s)
{
	struct in_addr b;

	ATF_REQUIRE(inet_pton(AF_INET, s, &b) == 1);
	return (memcmp(a, &b, sizeof(b)) == 0);
}

static PFS_UNUSED int
pfs_ip6_is(const struct in6_addr *a, const char *s)
{
	struct in6_addr b;

	ATF_REQUIRE(inet_pton(AF_INET6, s, &b) == 1);
	return (memcmp(a, &b, sizeof(b)) == 0);
}

/* The payload after layer l, which must be exactly len bytes of data. */
static PFS_UNUSED int
pfs_payload_is(const struct pk_dpkt *d, const struct pk_dlayer *l,
    const void *data, size_t len)
{
	const uint8_t *p;
	size_t n;

	p = pk_dlayer_payload(d, l, &n);
	return (p != NULL && n == len && memcmp(p, data, len) == 0);
}

/* The MAC address of ifp as text (two calls' results stay valid). */
static PFS_UNUSED const char *
pfs_mac(struct pk_if *ifp)
{
	static char buf[2][18];
	static int i;
	struct pk_err err;
	uint8_t m[6];

	ATF_REQUIRE_MSG(pk_if_mac(ifp, m, &err) == 0, "%s", err.msg);
	i = !i;
	snprintf(buf[i], sizeof(buf[i]), "%02x:%02x:%02x:%02x:%02x:%02x",
	    m[0], m[1], m[2], m[3], m[4], m[5]);
	return (buf[i]);
}

/*
 * Have ifp's vnet resolve ip as a neighbour now.  A solicitation sent
 * right after an IPv6 address was added can be dropped, and a kernel
 * resolving for its own traffic tries again only a second later; the
 * wire's resolution does not wait that long.
 */
static PFS_UNUSED void
pfs_resolve(struct pk_tc *t, struct pk_if *ifp, const char *ip)
{
	struct pk_err err;
	uint8_t mac[6];

	if (pk_wire_resolve(pk_wire(t), ifp, ip, mac, &err) != 0)
		pk_fail(t, "%s", err.msg);
}

/*
 * Rulesets whose texts name interfaces or addresses only known at run
 * time: nft and pf are printf formats that take the same arguments.
 */
#define	pfs_fw(t, v, nft, pf, ...)					\
	pfs_fw_at((t), __FILE__, __LINE__, (v), (nft), (pf), __VA_ARGS__)

static void	pfs_fw_at(struct pk_tc *, const char *, int,
		    struct pk_vnet *, const char *, const char *, ...)
		    __attribute__((__format__(__printf__, 5, 7),
		    __format__(__printf__, 6, 7)));

static PFS_UNUSED void
pfs_fw_at(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const char *nft, const char *pf, ...)
{
	static char nbuf[4096], pbuf[4096];
	struct pk_ruleset rs;
	va_list ap, aq;
	int n, p;

	va_start(ap, pf);
	va_copy(aq, ap);
	n = vsnprintf(nbuf, sizeof(nbuf), nft, ap);
	p = vsnprintf(pbuf, sizeof(pbuf), pf, aq);
	va_end(aq);
	va_end(ap);
	if (n < 0 || p < 0 || (size_t)n >= sizeof(nbuf) ||
	    (size_t)p >= sizeof(pbuf))
		pk_tc_fail(t, file, line, "ruleset too long");
	rs.nft = nbuf;
	rs.pf = pbuf;
	pk_tc_fw(t, file, line, v, &rs);
}

/*
 * ICMP echo with a fixed identifier: the request, and the pcap filter
 * of its reply.
 */
static PFS_UNUSED void
pfs_echo_send(struct pk_tc *t, struct pk_if *ifp, const char *src,
    const char *dst, int id, int seq)
{

	if (strchr(dst, ':') != NULL)
		pk_send(t, ifp, PK_PKT(PK_IP6(.src = src, .dst = dst),
		    PK_ICMP6_ECHO(.id = id, .seq = seq)));
	else
		pk_send(t, ifp, PK_PKT(PK_IP4(.src = src, .dst = dst),
		    PK_ICMP4_ECHO(.id = id, .seq = seq)));
}

static PFS_UNUSED const char *
pfs_echo_reply_filter(const char *dst, int id)
{
	static char buf[2][128];
	static int i;

	i = !i;
	if (strchr(dst, ':') != NULL)
		snprintf(buf[i], sizeof(buf[i]), "icmp6 and ip6[40] == 129 "
		    "and ip6[44:2] == %d", id);
	else
		snprintf(buf[i], sizeof(buf[i]), "icmp[icmptype] == "
		    "icmp-echoreply and icmp[4:2] == %d", id);
	return (buf[i]);
}

/*
 * Send an echo request (id, seq) from ifp to dst and return its reply.
 */
static PFS_UNUSED const struct pk_dpkt *
pfs_echo(struct pk_tc *t, struct pk_if *ifp, const char *dst, int id, int seq)
{

	if (strchr(dst, ':') != NULL)
		return (pk_request(t, ifp, PK_PKT(PK_IP6(.dst = dst),
		    PK_ICMP6_ECHO(.id = id, .seq = seq)), 2000));
	return (pk_request(t, ifp, PK_PKT(PK_IP4(.dst = dst),
	    PK_ICMP4_ECHO(.id = id, .seq = seq)), 2000));
}

/*
 * TCP connections made of crafted segments, the way pft_ping's tcp3way
 * makes them: SYN, the peer's SYN-ACK, our ACK.  The source is usually
 * an address the sending vnet does not own (a neighbour entry on the
 * other side points it at the sender's MAC), so that its kernel drops
 * the SYN-ACK silently instead of resetting the connection.
 */
struct pfs_tcp {
	struct pk_if	*ifp;		/* sends, and sees answers */
	const char	*src;
	const char	*dst;
	uint16_t	 sport;
	uint16_t	 dport;
	uint32_t	 seq;		/* next sequence number to send */
	uint32_t	 ack;		/* next one expected back */
};

static PFS_UNUSED void
pfs_tcp_syn(struct pk_tc *t, struct pfs_tcp *c)
{

	if (strchr(c->dst, ':') != NULL)
		pk_send(t, c->ifp, PK_PKT(PK_IP6(.src = c->src, .dst = c->dst),
		    PK_TCP(.sport = c->sport, .dport = c->dport,
		    .seq = c->seq != 0 ? c->seq : PK_ZERO,
		    .flags = PK_TH_SYN)));
	else
		pk_send(t, c->ifp, PK_PKT(PK_IP4(.src = c->src, .dst = c->dst),
		    PK_TCP(.sport = c->sport, .dport = c->dport,
		    .seq = c->seq != 0 ? c->seq : PK_ZERO,
		    .flags = PK_TH_SYN)));
}

/* The pcap filter of the SYN-ACK answering c's SYN. */
static PFS_UNUSED const char *
pfs_tcp_synack_filter(const struct pfs_tcp *c)
{
	static char buf[256];

	/* libpcap's tcp[] reaches into IPv4 only. */
	snprintf(buf, sizeof(buf), "%s src %s and dst %s and tcp src port %u "
	    "and tcp dst port %u and %s & 0x12 == 0x12",
	    strchr(c->dst, ':') != NULL ? "ip6" : "ip", c->dst, c->src,
	    c->dport, c->sport, strchr(c->dst, ':') != NULL ? "ip6[53]" :
	    "tcp[tcpflags]");
	return (buf);
}

static PFS_UNUSED void
pfs_tcp_segment(struct pk_tc *t, const struct pfs_tcp *c, int flags,
    const void *data, size_t len)
{

	if (strchr(c->dst, ':') != NULL)
		pk_send(t, c->ifp, PK_PKT(PK_IP6(.src = c->src, .dst = c->dst),
		    PK_TCP(.sport = c->sport, .dport = c->dport,
		    .seq = c->seq != 0 ? c->seq : PK_ZERO,
		    .ack = c->ack != 0 ? c->ack : PK_ZERO, .flags = flags,
		    .win = 65535), PK_RAW(.data = data, .len = len)));
	else
		pk_send(t, c->ifp, PK_PKT(PK_IP4(.src = c->src, .dst = c->dst),
		    PK_TCP(.sport = c->sport, .dport = c->dport,
		    .seq = c->seq != 0 ? c->seq : PK_ZERO,
		    .ack = c->ack != 0 ? c->ack : PK_ZERO, .flags = flags,
		    .win = 65535), PK_RAW(.data = data, .len = len)));
}

/*
 * The three-way handshake through sniffer s (on c->ifp, or wherever the
 * answers come back): returns the SYN-ACK.  The connection is then
 * established as far as the peer knows.
 */
static PFS_UNUSED const struct pk_dpkt *
pfs_tcp_connect(struct pk_tc *t, struct pfs_tcp *c, struct pk_sniffer *s)
{
	const struct pk_dlayer *tcp;
	const struct pk_dpkt *d;

	pfs_tcp_syn(t, c);
	d = pk_expect(t, s, pfs_tcp_synack_filter(c), 2000);
	tcp = pfs_layer(d, PK_PROTO_TCP);
	ATF_REQUIRE_EQ_MSG(tcp->u.tcp.ack, c->seq + 1, "SYN-ACK acknowledges "
	    "%u, not the SYN", tcp->u.tcp.ack);
	c->seq++;
	c->ack = tcp->u.tcp.seq + 1;
	pfs_tcp_segment(t, c, PK_TH_ACK, NULL, 0);
	return (d);
}

/* Send data on an established c. */
static PFS_UNUSED void
pfs_tcp_send(struct pk_tc *t, struct pfs_tcp *c, const void *data,
    size_t len)
{

	pfs_tcp_segment(t, c, PK_TH_ACK | PK_TH_PUSH, data, len);
	c->seq += (uint32_t)len;
}

/*
 * Kernel sockets in a vnet.
 */

struct pfs_sock {
	int		 fd;
	int		 handle;	/* from pk_vnet_hold() */
	struct pk_vnet	*v;
};

static PFS_UNUSED void
pfs_sock_release(void *arg)
{
	struct pfs_sock *so = arg;
	struct linger l;

	if (so->fd >= 0) {
		l.l_onoff = 1;
		l.l_linger = 0;
		(void)setsockopt(so->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(so->fd);
	}
	so->fd = -1;
	free(so);
}

static PFS_UNUSED int
pfs_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *lenp)
{
	struct sockaddr_in6 *s6;
	struct sockaddr_in *s4;

	memset(ss, 0, sizeof(*ss));
	if (addr != NULL && strchr(addr, ':') != NULL) {
		s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*lenp = sizeof(*s6);
		return (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1 ? 0 :
		    -1);
	}
	s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	*lenp = sizeof(*s4);
	if (addr == NULL)
		return (0);
	return (inet_pton(AF_INET, addr, &s4->sin_addr) == 1 ? 0 : -1);
}

struct pfs_sock_req {
	int		 af;
	int		 type;
	const char	*bind;		/* address to bind, or NULL */
	uint16_t	 port;		/* port to bind */
	int		 listen;
	int		 fd;		/* out */
};

static PFS_UNUSED int
pfs_sock_in(void *arg)
{
	struct pfs_sock_req *r = arg;
	struct sockaddr_storage ss;
	socklen_t len;
	int on;

	r->fd = socket(r->af, r->type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd < 0)
		return (-1);
	on = 1;
	(void)setsockopt(r->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (r->bind != NULL || r->port != 0) {
		if (pfs_sockaddr(r->bind != NULL ? r->bind :
		    (r->af == AF_INET6 ? "::" : "0.0.0.0"), r->port, &ss,
		    &len) != 0 || bind(r->fd, (struct sockaddr *)&ss, len) != 0)
			return (-1);
	}
	if (r->listen && listen(r->fd, 16) != 0)
		return (-1);
	return (0);
}

/*
 * A socket made inside v (non-blocking), closed by teardown.
 */
static PFS_UNUSED int
pfs_socket(struct pk_tc *t, struct pk_vnet *v, int af, int type,
    const char *bind, uint16_t port, int listen)
{
	struct pfs_sock_req r = { af, type, bind, port, listen, -1 };
	struct pfs_sock *so;
	struct pk_err err;

	if (v == NULL)
		v = pk_host(t);
	if (pk_vnet_enter_do(v, pfs_sock_in, &r, &err) != 0) {
		if (r.fd >= 0)
			close(r.fd);
		pk_fail(t, "socket in vnet %s: %s", pk_vnet_name(v),
		    err.msg[0] != '\0' ? err.msg : strerror(errno));
	}
	if ((so = calloc(1, sizeof(*so))) == NULL)
		pk_fail(t, "out of memory");
	so->fd = r.fd;
	so->v = v;
	if ((so->handle = pk_vnet_hold(v, pfs_sock_release, so, &err)) < 0)
		pk_fail(t, "%s", err.msg);
	return (r.fd);
}

/* A TCP listener on port in v (all addresses of af). */
static PFS_UNUSED int
pfs_listen(struct pk_tc *t, struct pk_vnet *v, int af, uint16_t port)
{

	return (pfs_socket(t, v, af, SOCK_STREAM, NULL, port, 1));
}

/* Wait up to ms for fd to be ready for events; fail otherwise. */
static PFS_UNUSED void
pfs_wait_fd(int fd, short events, unsigned ms, const char *what)
{
	struct pollfd p;
	int64_t end;
	int n;

	end = pk_now_ms() + pk_deadline_ms(ms);
	p.fd = fd;
	p.events = events;
	do {
		n = poll(&p, 1, pk_ms_left(end));
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		atf_tc_fail("%s: not ready after %u ms", what, ms);
}

/* Accept the next connection on lfd (its socket belongs to lfd's vnet). */
static PFS_UNUSED int
pfs_accept(struct pk_tc *t, struct pk_vnet *v, int lfd)
{
	struct pfs_sock *so;
	struct pk_err err;
	int fd;

	if (v == NULL)
		v = pk_host(t);
	pfs_wait_fd(lfd, POLLIN, 2000, "accept");
	if ((fd = accept(lfd, NULL, NULL)) < 0 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
		pk_fail(t, "accept: %s", strerror(errno));
	if ((so = calloc(1, sizeof(*so))) == NULL)
		pk_fail(t, "out of memory");
	so->fd = fd;
	so->v = v;
	if ((so->handle = pk_vnet_hold(v, pfs_sock_release, so, &err)) < 0)
		pk_fail(t, "%s", err.msg);
	return (fd);
}

/*
 * A TCP connection from v (NULL: the case host), from src:sport (NULL,
 * 0: the kernel chooses), to dst:port, made by v's kernel, established
 * when this returns.
 */
static PFS_UNUSED int
pfs_connect(struct pk_tc *t, struct pk_vnet *v, const char *src,
    uint16_t sport, const char *dst, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len, elen;
	int fd, e;

	fd = pfs_socket(t, v, strchr(dst, ':') != NULL ? AF_INET6 : AF_INET,
	    SOCK_STREAM, src, sport, 0);
	ATF_REQUIRE(pfs_sockaddr(dst, port, &ss, &len) == 0);
	if (connect(fd, (struct sockaddr *)&ss, len) != 0 &&
	    errno != EINPROGRESS)
		atf_tc_fail("connect to %s port %u: %s", dst, port,
		    strerror(errno));
	pfs_wait_fd(fd, POLLOUT, 3000, "connect");
	elen = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0 || e != 0)
		atf_tc_fail("connect to %s port %u: %s", dst, port,
		    strerror(e));
	return (fd);
}

/* "address port" of fd's peer (peer != 0) or its own end. */
static PFS_UNUSED const char *
pfs_sockname(int fd, int peer)
{
	static char buf[2][80];
	static int i;
	struct sockaddr_storage ss;
	char a[INET6_ADDRSTRLEN];
	socklen_t len;
	uint16_t port;

	i = !i;
	len = sizeof(ss);
	if ((peer ? getpeername(fd, (struct sockaddr *)&ss, &len) :
	    getsockname(fd, (struct sockaddr *)&ss, &len)) != 0)
		return ("?");
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    a, sizeof(a));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a,
		    sizeof(a));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	snprintf(buf[i], sizeof(buf[i]), "%s %u", a, port);
	return (buf[i]);
}

/* Read exactly len bytes from fd within ms, and compare them. */
static PFS_UNUSED void
pfs_read_is(int fd, const void *data, size_t len, unsigned ms)
{
	char buf[512];
	size_t got;
	ssize_t n;

	ATF_REQUIRE(len <= sizeof(buf));
	got = 0;
	while (got < len) {
		pfs_wait_fd(fd, POLLIN, ms, "read");
		n = read(fd, buf + got, len - got);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			atf_tc_fail("read: %s", n == 0 ? "end of stream" :
			    strerror(errno));
		got += (size_t)n;
	}
	ATF_CHECK_MSG(memcmp(buf, data, len) == 0, "read %.*s, not %.*s",
	    (int)len, buf, (int)len, (const char *)data);
}

static PFS_UNUSED void
pfs_write(int fd, const void *data, size_t len)
{

	ATF_REQUIRE_MSG(write(fd, data, len) == (ssize_t)len, "write: %s",
	    strerror(errno));
}

/*
 * An echo exchange over TCP, as nc against inetd's echo service: a
 * connection from client (a vnet, NULL: the case host) to dst:port,
 * where server listens (lfd, from pfs_listen()); data goes there and
 * back.  Returns the client's socket.
 */
static PFS_UNUSED int
pfs_tcp_echo(struct pk_tc *t, struct pk_vnet *client, struct pk_vnet *server,
    int lfd, const char *dst, uint16_t port, const char *data)
{
	char buf[256];
	size_t len;
	ssize_t n;
	int cfd, sfd;

	len = strlen(data);
	ATF_REQUIRE(len <= sizeof(buf));
	cfd = pfs_connect(t, client, NULL, 0, dst, port);
	pfs_write(cfd, data, len);
	sfd = pfs_accept(t, server, lfd);
	pfs_wait_fd(sfd, POLLIN, 2000, "echo server read");
	n = read(sfd, buf, sizeof(buf));
	ATF_REQUIRE_MSG(n > 0, "echo server read: %s", n == 0 ? "end" :
	    strerror(errno));
	pfs_write(sfd, buf, (size_t)n);
	pfs_read_is(cfd, data, len, 2000);
	return (cfd);
}

/*
 * nftables' synproxy statement, with the options its SYN-ACKs carry
 * (pf's synproxy and syncookies answer with options of their own too).
 */
#define	SYNPROXY_OPTS	"mss 1460 wscale 7 timestamp sack-perm"

/*
 * Is this SYN-ACK synproxy's rather than a stack's?  It advertises a
 * zero window, and, to a SYN that offered options, synproxy's own MSS
 * and window scale.
 */
static PFS_UNUSED void
pfs_synproxy_synack(const struct pk_dpkt *d)
{
	const struct pk_dlayer *tcp;
	const uint8_t *v;
	size_t n;

	tcp = pfs_layer(d, PK_PROTO_TCP);
	ATF_CHECK_EQ(tcp->u.tcp.flags, PK_TH_SYN | PK_TH_ACK);
	ATF_CHECK_EQ(tcp->u.tcp.win, 0);
	ATF_REQUIRE(pk_dtcp_opt(d, tcp, 2, &v, &n) == 0 && n == 2);
	ATF_CHECK_EQ((v[0] << 8) | v[1], 1460);
	ATF_REQUIRE(pk_dtcp_opt(d, tcp, 3, &v, &n) == 0 && n == 1);
	ATF_CHECK_EQ(v[0], 7);
}

#endif /* !PFSUPPORT_H */
