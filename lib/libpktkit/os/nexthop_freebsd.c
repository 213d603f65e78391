/*
 * nexthop_freebsd.c: where a vnet sends a packet (RTM_GET on a routing
 * socket made inside it), and neighbour resolution by the vnet's own
 * kernel.
 *
 * FreeBSD has no request that makes the kernel resolve a neighbour
 * without a packet that needs it (Linux's NTF_USE).  So resolution is
 * started by one such packet, made so that no one answers it: a UDP
 * header on a raw socket, to the discard port, with a length (IPv4) or
 * a checksum (IPv6: zero) its receiver must drop it for.  The kernel
 * then sends an ARP request or a neighbour solicitation as it would for
 * any packet, and the datagram goes out once the neighbour answered
 * (the receiver counts it as a bad datagram).  The wait is on netlink(4)
 * neighbour events (RTNLGRP_NEIGH) from a socket made inside the vnet,
 * the cache being read again after each.
 */
#include <sys/param.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/if_dl.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <netlink/netlink.h>
#include <netlink/netlink_route.h>


#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "os_common.h"
#include "os_freebsd.h"
#include "../pk_time.h"

#define	ROUTE_GET_MS	1000	/* for the kernel's answer, scaled */

static int	get_seq;

static int
inaddr_of(const struct sockaddr *sa, struct pk_os_inaddr *a)
{
	const struct sockaddr_in6 *s6;
	const struct sockaddr_in *s4;

	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET && sa->sa_len >= sizeof(*s4)) {
		s4 = (const struct sockaddr_in *)(const void *)sa;
		a->family = AF_INET;
		a->plen = 32;
		memcpy(a->addr, &s4->sin_addr, 4);
		return (1);
	}
	if (sa->sa_family == AF_INET6 && sa->sa_len >= sizeof(*s6)) {
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		a->family = AF_INET6;
		a->plen = 128;
		memcpy(a->addr, &s6->sin6_addr, 16);
		return (1);
	}
	return (0);
}

static int
is_multicast(const struct pk_os_inaddr *a)
{

	if (a->family == AF_INET)
		return ((a->addr[0] & 0xf0) == 0xe0);
	return (a->addr[0] == 0xff);
}

/* The kernel's answer to our RTM_GET into r. */
static void
route_parse(const struct rt_msghdr *rtm, size_t len,
    const struct pk_os_inaddr *dst, struct pk_os_route *r)
{
	const struct sockaddr *sa;
	const struct sockaddr_dl *sdl;
	const char *cp, *end;
	int i;

	memset(r, 0, sizeof(*r));
	r->nh = *dst;
	r->oif = rtm->rtm_index;
	cp = (const char *)(rtm + 1);
	end = (const char *)rtm + len;
	for (i = 0; i < RTAX_MAX && cp < end; i++) {
		if ((rtm->rtm_addrs & (1 << i)) == 0)
			continue;
		sa = (const struct sockaddr *)(const void *)cp;
		if (cp + SA_SIZE(sa) > end)
			break;
		if (i == RTAX_GATEWAY && (rtm->rtm_flags & RTF_GATEWAY) &&
		    inaddr_of(sa, &r->nh))
			r->gateway = 1;
		else if (i == RTAX_IFP && sa->sa_family == AF_LINK) {
			sdl = (const struct sockaddr_dl *)(const void *)sa;
			if (sdl->sdl_index != 0)
				r->oif = sdl->sdl_index;
		} else if (i == RTAX_IFA && inaddr_of(sa, &r->src))
			r->has_src = 1;
		cp += SA_SIZE(sa);
	}
	if (rtm->rtm_flags & (RTF_REJECT | RTF_BLACKHOLE))
		r->type = PK_OS_RT_OTHER;
	else if (rtm->rtm_flags & RTF_LOCAL)
		r->type = PK_OS_RT_LOCAL;
	else if (rtm->rtm_flags & RTF_BROADCAST)
		r->type = PK_OS_RT_BROADCAST;
	else if (is_multicast(dst))
		r->type = PK_OS_RT_MULTICAST;
	else
		r->type = PK_OS_RT_UNICAST;
}

/*
 * Our answer among whatever else the routing socket carries: same type,
 * our sequence number and our pid, which the kernel puts there.
 */
static int
route_answer(int s, int seq, const struct pk_os_inaddr *dst,
    struct pk_os_route *r, struct pk_err *err)
{
	union {
		struct rt_msghdr	rtm;
		char			buf[2048];
	} m;
	struct pollfd pfd;
	int64_t end;
	ssize_t n;
	int rc;

	end = pk_now_ms() + pk_deadline_ms(ROUTE_GET_MS);
	pfd.fd = s;
	pfd.events = POLLIN;
	for (;;) {
		n = recv(s, &m, sizeof(m), 0);
		if (n >= (ssize_t)sizeof(m.rtm) && m.rtm.rtm_type == RTM_GET &&
		    m.rtm.rtm_seq == seq && m.rtm.rtm_pid == getpid()) {
			if (m.rtm.rtm_errno != 0)
				return (pk_err_sys(err, m.rtm.rtm_errno,
				    "RTM_GET"));
			route_parse(&m.rtm, (size_t)n < m.rtm.rtm_msglen ?
			    (size_t)n : m.rtm.rtm_msglen, dst, r);
			return (0);
		}
		if (n >= 0 || errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != ENOBUFS)
			return (pk_err_sys(err, errno, "routing socket"));
		rc = poll(&pfd, 1, pk_ms_left(end));
		if (rc < 0 && errno != EINTR)
			return (pk_err_sys(err, errno, "poll"));
		if (rc == 0)
			return (pk_err_set(err, ETIMEDOUT, "RTM_GET: no "
			    "answer"));
	}
}

int
pk_os_route_get(struct pk_os_vnet *ov, const struct pk_os_inaddr *dst,
    int oif, struct pk_os_route *r, struct pk_err *err)
{
	struct {
		struct rt_msghdr	rtm;
		char			space[256];
	} m;
	union pk_fbsd_sa d, ifp;
	char s6[64], *cp;
	int s, rc;

	pk_os_inaddr_str(dst, s6, sizeof(s6));
	if ((s = pk_fbsd_route_listener(ov, err)) < 0)
		return (pk_err_prefix(err, "route to %s", s6));
	memset(&m, 0, sizeof(m));
	m.rtm.rtm_version = RTM_VERSION;
	m.rtm.rtm_type = RTM_GET;
	m.rtm.rtm_flags = RTF_UP | RTF_HOST;
	m.rtm.rtm_seq = ++get_seq;
	/* An empty link address asks for the interface and source too. */
	m.rtm.rtm_addrs = RTA_DST | RTA_IFP;
	cp = m.space;
	pk_fbsd_sa_addr(dst, oif, &d);
	memcpy(cp, &d, d.sa.sa_len);
	cp += SA_SIZE(&d);
	memset(&ifp, 0, sizeof(ifp));
	ifp.sdl.sdl_len = sizeof(ifp.sdl);
	ifp.sdl.sdl_family = AF_LINK;
	memcpy(cp, &ifp, ifp.sdl.sdl_len);
	cp += SA_SIZE(&ifp);
	m.rtm.rtm_msglen = (u_short)(cp - (char *)&m);
	if (write(s, &m, m.rtm.rtm_msglen) < 0) {
		rc = errno;
		close(s);
		if (rc == ESRCH)
			return (pk_err_set(err, ENETUNREACH, "route to %s: "
			    "none", s6));
		return (pk_err_sys(err, rc, "route to %s", s6));
	}
	rc = route_answer(s, m.rtm.rtm_seq, dst, r, err);
	close(s);
	if (rc != 0)
		return (pk_err_prefix(err, "route to %s", s6));
	return (0);
}

/*
 * Neighbour resolution.
 */

static int
nl_mk(void *arg, int *fds, char *msg, size_t size)
{
	int grp, s, e;

	(void)arg;
	if ((s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) < 0) {
		snprintf(msg, size, "netlink socket");
		return (errno);
	}
	grp = RTNLGRP_NEIGH;
	if (setsockopt(s, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
	    sizeof(grp)) != 0) {
		e = errno;
		close(s);
		snprintf(msg, size, "netlink neighbour events");
		return (e);
	}
	fds[0] = s;
	return (0);
}

struct trigger {
	struct pk_os_inaddr	ip;
	int			index;
};

static int
trigger_fn(void *arg, struct pk_fbsd_out *o)
{
	struct trigger *t;
	struct udphdr uh;
	union pk_fbsd_sa d;
	int s, e;

	(void)o;
	t = arg;
	if ((s = socket(t->ip.family, SOCK_RAW | SOCK_CLOEXEC,
	    IPPROTO_UDP)) < 0)
		return (errno);
	memset(&uh, 0, sizeof(uh));
	uh.uh_sport = htons(9);
	uh.uh_dport = htons(9);
	/* IPv4: longer than the datagram.  IPv6: no checksum. */
	uh.uh_ulen = htons(t->ip.family == AF_INET ? 0xffff : sizeof(uh));
	uh.uh_sum = 0;
	pk_fbsd_sa_addr(&t->ip, t->index, &d);
	e = 0;
	if (sendto(s, &uh, sizeof(uh), 0, &d.sa, d.sa.sa_len) < 0)
		e = errno;
	close(s);
	return (e);
}

static int
trigger(struct pk_os_vnet *ov, int index, const struct pk_os_inaddr *ip,
    struct pk_err *err)
{
	struct pk_fbsd_out out;
	struct trigger t;
	int rc;

	t.ip = *ip;
	t.index = index;
	rc = pk_fbsd_call(ov, trigger_fn, &t, &out, err);
	pk_fbsd_out_free(&out);
	if (rc < 0)
		return (-1);
	/* The kernel already knows it is down: resolution failed. */
	if (rc == EHOSTDOWN || rc == EHOSTUNREACH)
		return (1);
	if (rc != 0)
		return (pk_err_sys(err, rc, "start resolution"));
	return (0);
}

static int
nl_wait(int fd, int64_t end_ms, struct pk_err *err)
{
	char buf[8192];
	struct pollfd pfd;
	int n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	do
		n = poll(&pfd, 1, pk_ms_left(end_ms));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (pk_err_sys(err, errno, "poll"));
	if (n == 0)
		return (0);
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	return (1);
}

static int
resolve_wait(struct pk_os_vnet *ov, int nl, const char *name, int index,
    const struct pk_os_inaddr *ip, int64_t end_ms, uint8_t mac[6],
    struct pk_err *err)
{
	char s[64];
	int asked, seen, st, rc;

	pk_os_inaddr_str(ip, s, sizeof(s));
	asked = seen = 0;
	for (;;) {
		if ((st = pk_fbsd_neigh_state(ov, index, ip, mac, err)) < 0)
			return (-1);
		if (st == PK_FBSD_N_USABLE)
			return (1);
		/* Being resolved, then gone without an address: given up. */
		if (st == PK_FBSD_N_PENDING)
			seen = 1;
		else if (seen)
			goto unreachable;
		if (!asked) {
			/* Someone else's packet may have started it. */
			asked = 1;
			if (st == PK_FBSD_N_NONE &&
			    (rc = trigger(ov, index, ip, err)) != 0) {
				if (rc < 0)
					return (pk_err_prefix(err, "%s: "
					    "resolve %s", name, s));
				goto unreachable;
			}
			continue;
		}
		if ((rc = nl_wait(nl, end_ms, err)) < 0)
			return (-1);
		if (rc == 0) {
			pk_err_set(err, ETIMEDOUT, "%s: %s not resolved before "
			    "the deadline", name, s);
			return (0);
		}
	}
unreachable:
	pk_err_set(err, EHOSTUNREACH, "%s: no answer from %s to %s", name, s,
	    ip->family == AF_INET ? "ARP requests" :
	    "neighbour solicitations");
	return (0);
}

int
pk_os_neigh_resolve(struct pk_os_vnet *ov, const char *name, int index,
    const struct pk_os_inaddr *ip, int64_t end_ms, uint8_t mac[6],
    struct pk_err *err)
{
	int fds[PK_FBSD_NSK], rc;

	/* Listen first: no change after this can be missed. */
	if (pk_fbsd_fetch(ov, nl_mk, NULL, fds, err) != 0) {
		if (err != NULL && (err->code == EAFNOSUPPORT ||
		    err->code == EPROTONOSUPPORT))
			err->code = ENOTSUP;
		return (pk_err_prefix(err, "%s: resolve (needs netlink(4))",
		    name));
	}
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0) {
		close(fds[0]);
		return (pk_err_sys(err, errno, "netlink socket"));
	}
	rc = resolve_wait(ov, fds[0], name, index, ip, end_ms, mac, err);
	close(fds[0]);
	return (rc);
}
