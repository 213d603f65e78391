/*
 * route_freebsd.c: routes and neighbour entries through the routing
 * socket (route(4)) made inside the vnet, and the vnet's neighbour
 * caches read with the NET_RT_FLAGS sysctl in a child attached to it.
 *
 * A write to a routing socket returns the kernel's verdict itself (as
 * route(8) and arp(8) rely on), so nothing is read back.
 */
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/sysctl.h>

#include <net/if.h>
#include <net/if_dl.h>
#include <net/if_types.h>
#include <net/route.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os_freebsd.h"

struct rtbuf {
	struct rt_msghdr	rtm;
	char			space[512];
};

struct rtmsg {
	struct rtbuf	b;
	char		*cp;
};

static int	rt_seq;

static void
rt_init(struct rtmsg *m, int type, int flags)
{

	memset(&m->b, 0, sizeof(m->b));
	m->b.rtm.rtm_version = RTM_VERSION;
	m->b.rtm.rtm_type = (u_char)type;
	m->b.rtm.rtm_flags = flags;
	m->b.rtm.rtm_seq = ++rt_seq;
	m->cp = m->b.space;
}

/* Addresses go in the order of their RTA_ bits. */
static void
rt_add(struct rtmsg *m, int rta, const void *sa)
{
	size_t len;

	len = ((const struct sockaddr *)sa)->sa_len;
	memcpy(m->cp, sa, len);
	m->cp += SA_SIZE(sa);
	m->b.rtm.rtm_addrs |= rta;
}

static int
rt_write(int s, struct rtmsg *m)
{
	ssize_t n;

	m->b.rtm.rtm_msglen = (u_short)(m->cp - (char *)&m->b);
	n = write(s, &m->b, m->b.rtm.rtm_msglen);
	if (n < 0)
		return (errno);
	return (n == m->b.rtm.rtm_msglen ? 0 : EIO);
}

void
pk_fbsd_sa_addr(const struct pk_os_inaddr *a, int scope,
    union pk_fbsd_sa *u)
{

	memset(u, 0, sizeof(*u));
	if (a->family == AF_INET) {
		u->sin.sin_len = sizeof(u->sin);
		u->sin.sin_family = AF_INET;
		memcpy(&u->sin.sin_addr, a->addr, 4);
		return;
	}
	u->sin6.sin6_len = sizeof(u->sin6);
	u->sin6.sin6_family = AF_INET6;
	memcpy(&u->sin6.sin6_addr, a->addr, 16);
	if (IN6_IS_ADDR_LINKLOCAL(&u->sin6.sin6_addr))
		u->sin6.sin6_scope_id = (uint32_t)scope;
}

static void
sa_mask(int family, unsigned plen, union pk_fbsd_sa *u)
{
	uint8_t *p;
	unsigned i, max;

	memset(u, 0, sizeof(*u));
	if (family == AF_INET) {
		u->sin.sin_len = sizeof(u->sin);
		u->sin.sin_family = AF_INET;
		p = (uint8_t *)&u->sin.sin_addr;
		max = 32;
	} else {
		u->sin6.sin6_len = sizeof(u->sin6);
		u->sin6.sin6_family = AF_INET6;
		p = u->sin6.sin6_addr.s6_addr;
		max = 128;
	}
	for (i = 0; i < plen && i < max; i++)
		p[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

/* An interface by index, with a MAC address or without. */
static void
sa_link(int index, const uint8_t *mac, union pk_fbsd_sa *u)
{

	memset(u, 0, sizeof(*u));
	u->sdl.sdl_len = sizeof(u->sdl);
	u->sdl.sdl_family = AF_LINK;
	u->sdl.sdl_index = (u_short)index;
	if (mac != NULL) {
		u->sdl.sdl_type = IFT_ETHER;
		u->sdl.sdl_alen = 6;
		memcpy(LLADDR(&u->sdl), mac, 6);
	}
}

int
pk_os_route_change(struct pk_os_vnet *ov, int add,
    const struct pk_os_inaddr *dst, const struct pk_os_inaddr *gw,
    const char *oif, int oifindex, struct pk_err *err)
{
	union pk_fbsd_sa d, g, mask, ifp;
	struct rtmsg m;
	unsigned max;
	int s, flags, e;

	(void)oif;
	if ((s = pk_fbsd_sock(ov, PK_FBSD_SR, err)) < 0)
		return (-1);
	max = dst->family == AF_INET ? 32 : 128;
	flags = RTF_UP | RTF_STATIC;
	if (dst->plen >= max)
		flags |= RTF_HOST;
	if (gw != NULL)
		flags |= RTF_GATEWAY;
	rt_init(&m, add ? RTM_ADD : RTM_DELETE, flags);
	pk_fbsd_sa_addr(dst, oifindex, &d);
	rt_add(&m, RTA_DST, &d);
	/* Directly connected: the gateway is the interface itself. */
	if (gw != NULL)
		pk_fbsd_sa_addr(gw, oifindex, &g);
	else
		sa_link(oifindex, NULL, &g);
	if (gw != NULL || oifindex > 0)
		rt_add(&m, RTA_GATEWAY, &g);
	if (dst->plen < max) {
		sa_mask(dst->family, dst->plen, &mask);
		rt_add(&m, RTA_NETMASK, &mask);
	}
	if (gw != NULL && oifindex > 0) {
		sa_link(oifindex, NULL, &ifp);
		rt_add(&m, RTA_IFP, &ifp);
	}
	if ((e = rt_write(s, &m)) != 0)
		return (pk_err_sys(err, e, "%s route", add ? "RTM_ADD" :
		    "RTM_DELETE"));
	return (0);
}

/*
 * Neighbours: link-layer entries, RTF_LLDATA.
 */

static int
neigh_msg(int s, int type, int index, const union pk_fbsd_sa *dst,
    const uint8_t *mac)
{
	union pk_fbsd_sa gw;
	struct rtmsg m;

	rt_init(&m, type, RTF_LLDATA | (type == RTM_ADD ? RTF_HOST |
	    RTF_STATIC : 0));
	if (type == RTM_ADD) {
		/* Permanent: no expiry. */
		m.b.rtm.rtm_inits = RTV_EXPIRE;
		m.b.rtm.rtm_rmx.rmx_expire = 0;
	}
	rt_add(&m, RTA_DST, dst);
	sa_link(index, mac, &gw);
	rt_add(&m, RTA_GATEWAY, &gw);
	return (rt_write(s, &m));
}

int
pk_os_neigh_add(struct pk_os_vnet *ov, const char *name, int index,
    const struct pk_os_inaddr *ip, const uint8_t mac[6], struct pk_err *err)
{
	union pk_fbsd_sa d;
	int s, e;

	(void)name;
	if ((s = pk_fbsd_sock(ov, PK_FBSD_SR, err)) < 0)
		return (-1);
	pk_fbsd_sa_addr(ip, index, &d);
	e = neigh_msg(s, RTM_ADD, index, &d, mac);
	/* Replace an entry that is there, as the Linux side does. */
	if (e == EEXIST) {
		(void)neigh_msg(s, RTM_DELETE, index, &d, NULL);
		e = neigh_msg(s, RTM_ADD, index, &d, mac);
	}
	if (e != 0)
		return (pk_err_sys(err, e, "neighbour entry"));
	return (0);
}

/* One entry of a neighbour cache dump. */
struct neigh {
	const struct sockaddr		*dst;
	const struct sockaddr_dl	*sdl;
};

/*
 * Walk a NET_RT_FLAGS dump: cb(arg, entry) for each entry that has a
 * destination and a link-level gateway.
 */
static void
neigh_walk(const char *buf, size_t len,
    void (*cb)(void *, const struct neigh *), void *arg)
{
	const struct rt_msghdr *rtm;
	const struct sockaddr *sa;
	struct neigh n;
	const char *p, *cp, *end;
	int i;

	for (p = buf; p + sizeof(*rtm) <= buf + len; p += rtm->rtm_msglen) {
		rtm = (const struct rt_msghdr *)(const void *)p;
		if (rtm->rtm_msglen < sizeof(*rtm) ||
		    p + rtm->rtm_msglen > buf + len)
			break;
		end = p + rtm->rtm_msglen;
		cp = p + sizeof(*rtm);
		memset(&n, 0, sizeof(n));
		for (i = 0; i < RTAX_MAX && cp < end; i++) {
			if ((rtm->rtm_addrs & (1 << i)) == 0)
				continue;
			sa = (const struct sockaddr *)(const void *)cp;
			if (cp + sizeof(sa->sa_len) > end ||
			    cp + SA_SIZE(sa) > end)
				break;
			if (i == RTAX_DST)
				n.dst = sa;
			else if (i == RTAX_GATEWAY && sa->sa_family == AF_LINK)
				n.sdl = (const struct sockaddr_dl *)
				    (const void *)sa;
			cp += SA_SIZE(sa);
		}
		if (n.dst != NULL && n.sdl != NULL)
			cb(arg, &n);
	}
}

static int
neigh_dump(struct pk_os_vnet *ov, int family, char **bufp, size_t *lenp,
    struct pk_err *err)
{
	int mib[6];

	mib[0] = CTL_NET;
	mib[1] = PF_ROUTE;
	mib[2] = 0;
	mib[3] = family;
	mib[4] = NET_RT_FLAGS;
	mib[5] = RTF_LLINFO;
	return (pk_fbsd_sysctl_get(ov, mib, 6, (void **)bufp, lenp, err));
}

/*
 * Is sa the address a?  A link-local IPv6 address may come back with
 * its scope embedded in bytes 2 and 3: those are not compared.
 */
static int
same_addr(const struct sockaddr *sa, const struct pk_os_inaddr *a)
{
	const struct sockaddr_in6 *s6;
	const struct sockaddr_in *s4;
	const uint8_t *b;

	if (sa->sa_family != a->family)
		return (0);
	if (a->family == AF_INET) {
		s4 = (const struct sockaddr_in *)(const void *)sa;
		return (memcmp(&s4->sin_addr, a->addr, 4) == 0);
	}
	s6 = (const struct sockaddr_in6 *)(const void *)sa;
	b = s6->sin6_addr.s6_addr;
	if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
		return (memcmp(b, a->addr, 2) == 0 &&
		    memcmp(b + 4, a->addr + 4, 12) == 0);
	return (memcmp(b, a->addr, 16) == 0);
}

struct neigh_find {
	const struct pk_os_inaddr	*ip;
	int				 index;
	uint8_t				*mac;
	int				 state;
};

static void
neigh_find_cb(void *arg, const struct neigh *n)
{
	struct neigh_find *f;

	f = arg;
	if (f->state == PK_FBSD_N_USABLE || !same_addr(n->dst, f->ip) ||
	    (f->index > 0 && n->sdl->sdl_index != f->index))
		return;
	if (n->sdl->sdl_alen != 6) {
		f->state = PK_FBSD_N_PENDING;
		return;
	}
	memcpy(f->mac, LLADDR(n->sdl), 6);
	f->state = PK_FBSD_N_USABLE;
}

int
pk_fbsd_neigh_state(struct pk_os_vnet *ov, int index,
    const struct pk_os_inaddr *ip, uint8_t mac[6], struct pk_err *err)
{
	struct neigh_find f;
	size_t len;
	char *buf;

	if (neigh_dump(ov, ip->family, &buf, &len, err) != 0)
		return (-1);
	f.ip = ip;
	f.index = index;
	f.mac = mac;
	f.state = PK_FBSD_N_NONE;
	neigh_walk(buf, len, neigh_find_cb, &f);
	free(buf);
	return (f.state);
}

int
pk_os_neigh_get(struct pk_os_vnet *ov, const char *name, int index,
    const struct pk_os_inaddr *ip, uint8_t mac[6], struct pk_err *err)
{
	int st;

	(void)name;
	if ((st = pk_fbsd_neigh_state(ov, index, ip, mac, err)) < 0)
		return (-1);
	return (st == PK_FBSD_N_USABLE);
}

struct neigh_del {
	int	s;
};

static void
neigh_del_cb(void *arg, const struct neigh *n)
{
	union pk_fbsd_sa d;
	struct neigh_del *nd;

	nd = arg;
	memset(&d, 0, sizeof(d));
	memcpy(&d, n->dst, MIN(n->dst->sa_len, sizeof(d)));
	/* An entry that went meanwhile is fine. */
	(void)neigh_msg(nd->s, RTM_DELETE, n->sdl->sdl_index, &d, NULL);
}

int
pk_os_neigh_flush(struct pk_os_vnet *ov, struct pk_err *err)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct neigh_del nd;
	struct pk_err e;
	size_t i, len;
	char *buf;

	if ((nd.s = pk_fbsd_sock(ov, PK_FBSD_SR, err)) < 0)
		return (-1);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (neigh_dump(ov, families[i], &buf, &len, &e) != 0) {
			/* A kernel without this family has no cache. */
			if (e.code == ENOENT || e.code == EAFNOSUPPORT)
				continue;
			if (err != NULL)
				*err = e;
			return (-1);
		}
		neigh_walk(buf, len, neigh_del_cb, &nd);
		free(buf);
	}
	return (0);
}

int
pk_fbsd_route_listener(struct pk_os_vnet *ov, struct pk_err *err)
{
	char buf[2048];
	ssize_t n;
	int s, d;

	if (pk_fbsd_here(ov)) {
		if ((s = socket(PF_ROUTE, SOCK_RAW | SOCK_CLOEXEC, 0)) < 0)
			return (pk_err_sys(err, errno, "routing socket"));
		if (fcntl(s, F_SETFL, O_NONBLOCK) != 0) {
			close(s);
			return (pk_err_sys(err, errno, "routing socket"));
		}
		return (s);
	}
	/* The one made inside; what it queued so far is old news. */
	if ((s = pk_fbsd_sock(ov, PK_FBSD_SR, err)) < 0)
		return (-1);
	if ((d = fcntl(s, F_DUPFD_CLOEXEC, 0)) < 0)
		return (pk_err_sys(err, errno, "routing socket"));
	if (fcntl(d, F_SETFL, O_NONBLOCK) != 0) {
		close(d);
		return (pk_err_sys(err, errno, "routing socket"));
	}
	for (;;) {
		n = recv(d, buf, sizeof(buf), 0);
		if (n <= 0 && !(n < 0 && errno == EINTR))
			break;
	}
	return (d);
}
