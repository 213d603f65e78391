/*
 * rtnl_linux.c: netlink sockets, and interfaces, addresses, routes and
 * neighbours through rtnetlink (libmnl).
 */
#define	_GNU_SOURCE
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "os_common.h"
#include "os_linux.h"
#include "../pk_time.h"

#define	PK_NL_REQSIZE	4096

int
pk_nl_open(struct pk_nl *nl, int bus, unsigned groups, struct pk_err *err)
{
	int on;

	nl->sk = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (nl->sk == NULL)
		return (pk_err_sys(err, errno, "netlink socket"));
	if (mnl_socket_bind(nl->sk, groups, MNL_SOCKET_AUTOPID) < 0) {
		pk_err_sys(err, errno, "netlink bind");
		pk_nl_close(nl);
		return (-1);
	}
	/*
	 * Extended acks carry the kernel's own explanation ("Invalid
	 * prefix for given prefix length"), which beats a bare EINVAL.
	 */
	on = 1;
	(void)mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &on, sizeof(on));
	(void)mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &on, sizeof(on));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = 0;
	return (0);
}

void
pk_nl_close(struct pk_nl *nl)
{

	if (nl->sk != NULL)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

/*
 * Turn an NLMSG_ERROR into err.  Returns 0 for an acknowledgement.
 */
static int
nl_error(const struct nlmsghdr *h, struct pk_err *err)
{
	const struct nlmsgerr *e;
	const struct nlattr *a;
	const char *text;
	size_t off;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return (pk_err_set(err, EPROTO, "short netlink error"));
	e = mnl_nlmsg_get_payload(h);
	if (e->error == 0)
		return (0);
	text = NULL;
	if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*e);
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		mnl_attr_for_each(a, h, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				text = mnl_attr_get_str(a);
		}
	}
	if (text != NULL && *text != '\0')
		return (pk_err_set(err, -e->error, "%s (%s)",
		    strerror(-e->error), text));
	return (pk_err_set(err, -e->error, "%s", strerror(-e->error)));
}

int
pk_nl_talk(struct pk_nl *nl, struct nlmsghdr *h, mnl_cb_t cb, void *arg,
    struct pk_err *err)
{
	char buf[PK_NL_BUFSIZE];
	const struct nlmsghdr *m;
	unsigned seq;
	ssize_t n;
	int len, rc;

	seq = ++nl->seq;
	h->nlmsg_seq = seq;
	h->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sk, h, h->nlmsg_len) < 0)
		return (pk_err_sys(err, errno, "netlink send"));
	for (;;) {
		n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return (pk_err_sys(err, errno, "netlink receive"));
		}
		len = (int)n;
		for (m = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(m, len);
		    m = mnl_nlmsg_next(m, &len)) {
			/* A late answer to an old request. */
			if (m->nlmsg_seq != seq || m->nlmsg_pid != nl->portid)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR)
				return (nl_error(m, err));
			if (m->nlmsg_type == NLMSG_DONE)
				return (0);
			if (cb == NULL || m->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			rc = cb(m, arg);
			if (rc == MNL_CB_ERROR)
				return (-1);
		}
	}
}

static struct nlmsghdr *
nl_req(char *buf, int type, int flags)
{
	struct nlmsghdr *h;

	memset(buf, 0, PK_NL_REQSIZE);
	h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	return (h);
}

/*
 * Links.
 */

struct kind_ctx {
	char	*kind;
};

static int
link_info_cb(const struct nlattr *a, void *arg)
{
	struct kind_ctx *k;

	k = arg;
	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
		strncpy(k->kind, mnl_attr_get_str(a), PK_OS_KINDSIZ - 1);
		k->kind[PK_OS_KINDSIZ - 1] = '\0';
	}
	return (MNL_CB_OK);
}

int
pk_linux_parse_link(const struct nlmsghdr *h, struct pk_os_link *l)
{
	const struct ifinfomsg *ifi;
	const struct nlattr *a;
	struct kind_ctx k;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return (-1);
	ifi = mnl_nlmsg_get_payload(h);
	memset(l, 0, sizeof(*l));
	l->index = ifi->ifi_index;
	l->up = (ifi->ifi_flags & IFF_UP) != 0;
	mnl_attr_for_each(a, h, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				strncpy(l->name, mnl_attr_get_str(a),
				    sizeof(l->name) - 1);
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				l->mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_ADDRESS:
			if (mnl_attr_get_payload_len(a) == 6)
				memcpy(l->mac, mnl_attr_get_payload(a), 6);
			break;
		case IFLA_LINKINFO:
			k.kind = l->kind;
			(void)mnl_attr_parse_nested(a, link_info_cb, &k);
			break;
		}
	}
	if (l->kind[0] == '\0') {
		if (ifi->ifi_type == ARPHRD_LOOPBACK)
			strcpy(l->kind, "loopback");
		else if (ifi->ifi_type == ARPHRD_ETHER)
			strcpy(l->kind, "ether");
		else
			strcpy(l->kind, "other");
	}
	return (0);
}

static int
link_one_cb(const struct nlmsghdr *h, void *arg)
{

	if (h->nlmsg_type == RTM_NEWLINK)
		(void)pk_linux_parse_link(h, arg);
	return (MNL_CB_OK);
}

int
pk_os_link_get(struct pk_os_vnet *ov, const char *name, struct pk_os_link *l,
    struct pk_err *err)
{
	char buf[PK_NL_REQSIZE];
	struct nlmsghdr *h;
	struct ifinfomsg *ifi;
	struct pk_nl *nl;
	struct pk_err e;

	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = nl_req(buf, RTM_GETLINK, 0);
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	mnl_attr_put_u32(h, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(l, 0, sizeof(*l));
	if (pk_linux_rtnl_put(ov, pk_nl_talk(nl, h, link_one_cb, l, &e)) != 0) {
		if (e.code == ENODEV)
			return (0);
		if (err != NULL)
			*err = e;
		return (-1);
	}
	return (l->index > 0 ? 1 : 0);
}

struct link_list {
	struct pk_os_link	*v;
	size_t			 n, cap;
	struct pk_err		*err;
};

static int
link_list_cb(const struct nlmsghdr *h, void *arg)
{
	struct link_list *ll;
	struct pk_os_link *nv;
	size_t ncap;

	ll = arg;
	if (h->nlmsg_type != RTM_NEWLINK)
		return (MNL_CB_OK);
	if (ll->n == ll->cap) {
		ncap = ll->cap == 0 ? 16 : ll->cap * 2;
		nv = realloc(ll->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			pk_err_sys(ll->err, ENOMEM, "interface list");
			return (MNL_CB_ERROR);
		}
		ll->v = nv;
		ll->cap = ncap;
	}
	if (pk_linux_parse_link(h, &ll->v[ll->n]) == 0)
		ll->n++;
	return (MNL_CB_OK);
}

static int
link_dump(struct pk_nl *nl, struct pk_os_link **lp, size_t *np,
    struct pk_err *err)
{
	char buf[PK_NL_REQSIZE];
	struct nlmsghdr *h;
	struct ifinfomsg *ifi;
	struct link_list ll;

	h = nl_req(buf, RTM_GETLINK, NLM_F_DUMP);
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(h, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(&ll, 0, sizeof(ll));
	ll.err = err;
	if (pk_nl_talk(nl, h, link_list_cb, &ll, err) != 0) {
		free(ll.v);
		return (-1);
	}
	pk_os_links_sort(ll.v, ll.n);
	*lp = ll.v;
	*np = ll.n;
	return (0);
}

int
pk_os_link_list(struct pk_os_vnet *ov, struct pk_os_link **lp, size_t *np,
    struct pk_err *err)
{
	struct pk_nl own, *nl;
	int rc;

	own.sk = NULL;
	if (ov == NULL) {
		if (pk_nl_open(&own, NETLINK_ROUTE, 0, err) != 0)
			return (-1);
		nl = &own;
	} else if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	rc = link_dump(nl, lp, np, err);
	if (ov != NULL)
		(void)pk_linux_rtnl_put(ov, 0);
	pk_nl_close(&own);
	return (rc);
}

/*
 * A netlink socket stays bound to the namespace it was created in, so
 * one opened in the machine's namespace keeps showing the machine's
 * interfaces after the process moved into a private one.
 */
struct pk_os_stackobs {
	struct pk_nl	nl;
};

int
pk_os_stackobs_open(struct pk_os_stackobs **op, struct pk_err *err)
{
	struct pk_os_stackobs *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return (pk_err_sys(err, errno, "stack observer"));
	if (pk_nl_open(&o->nl, NETLINK_ROUTE, 0, err) != 0) {
		free(o);
		return (-1);
	}
	*op = o;
	return (0);
}

int
pk_os_stackobs_links(struct pk_os_stackobs *o, struct pk_os_link **lp,
    size_t *np, struct pk_err *err)
{

	return (link_dump(&o->nl, lp, np, err));
}

void
pk_os_stackobs_close(struct pk_os_stackobs *o)
{

	if (o == NULL)
		return;
	pk_nl_close(&o->nl);
	free(o);
}

int
pk_os_link_pair(struct pk_os_vnet *va, const char *na, const uint8_t maca[6],
    struct pk_os_vnet *vb, const char *nb, const uint8_t macb[6], int up,
    struct pk_os_link *a, struct pk_os_link *b, struct pk_err *err)
{
	char buf[PK_NL_REQSIZE];
	struct nlmsghdr *h;
	struct ifinfomsg *ifi, *pifi;
	struct nlattr *info, *data, *peer;
	struct pk_nl *nl;

	if ((nl = pk_linux_rtnl(va, err)) == NULL)
		return (-1);
	if (vb != va && vb->nsfd < 0)
		return (pk_linux_rtnl_put(va, pk_err_set(err, ESRCH,
		    "vnet released")));
	h = nl_req(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = up ? IFF_UP : 0;
	mnl_attr_put_strz(h, IFLA_IFNAME, na);
	if (maca != NULL)
		mnl_attr_put(h, IFLA_ADDRESS, 6, maca);
	info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
	pifi = mnl_nlmsg_put_extra_header(h, sizeof(*pifi));
	/*
	 * Not the peer's IFF_UP here: the kernel opens the peer before it
	 * is joined to the first end, and that fails with ENOTCONN.
	 */
	pifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, nb);
	if (macb != NULL)
		mnl_attr_put(h, IFLA_ADDRESS, 6, macb);
	/*
	 * The peer is created directly in its vnet: several times cheaper
	 * than creating it here and moving it (an RCU wait).
	 */
	if (vb != va)
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t)vb->nsfd);
	mnl_attr_nest_end(h, peer);
	mnl_attr_nest_end(h, data);
	mnl_attr_nest_end(h, info);
	if (pk_linux_rtnl_put(va, pk_nl_talk(nl, h, NULL, NULL, err)) != 0)
		return (-1);
	if (up && pk_os_link_set(vb, nb, 0, 1, 0, err) != 0) {
		(void)pk_os_link_delete(va, na, 0, NULL);
		return (pk_err_prefix(err, "%s up", nb));
	}
	if (a != NULL && pk_os_link_get(va, na, a, err) != 1)
		goto gone;
	if (b != NULL && pk_os_link_get(vb, nb, b, err) != 1)
		goto gone;
	return (0);
gone:
	/* Someone deleted it under us: leave nothing half-made. */
	(void)pk_os_link_delete(va, na, 0, NULL);
	return (pk_err_set(err, ENODEV, "%s vanished after creation", na));
}

static int
link_simple(struct pk_os_vnet *ov, int type, const char *name, int index,
    struct pk_os_vnet *to, int up, unsigned mtu, struct pk_err *err)
{
	char buf[PK_NL_REQSIZE];
	struct nlmsghdr *h;
	struct ifinfomsg *ifi;
	struct pk_nl *nl;

	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = nl_req(buf, type, 0);
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	if (index == 0)
		mnl_attr_put_strz(h, IFLA_IFNAME, name);
	if (up >= 0) {
		ifi->ifi_flags = up ? IFF_UP : 0;
		ifi->ifi_change = IFF_UP;
	}
	if (mtu != 0)
		mnl_attr_put_u32(h, IFLA_MTU, mtu);
	if (to != NULL) {
		if (to->nsfd < 0)
			return (pk_linux_rtnl_put(ov, pk_err_set(err, ESRCH,
			    "vnet released")));
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t)to->nsfd);
	}
	return (pk_linux_rtnl_put(ov, pk_nl_talk(nl, h, NULL, NULL, err)));
}

int
pk_os_link_delete(struct pk_os_vnet *ov, const char *name, int index,
    struct pk_err *err)
{

	return (link_simple(ov, RTM_DELLINK, name, index, NULL, -1, 0, err));
}

int
pk_os_link_move(struct pk_os_vnet *ov, const char *name, int index,
    struct pk_os_vnet *to, struct pk_os_link *l, struct pk_err *err)
{

	if (link_simple(ov, RTM_NEWLINK, name, index, to, -1, 0, err) != 0)
		return (-1);
	if (pk_os_link_get(to, name, l, err) != 1)
		return (pk_err_set(err, ENODEV, "%s vanished after the move",
		    name));
	return (0);
}

int
pk_os_link_set(struct pk_os_vnet *ov, const char *name, int index, int up,
    unsigned mtu, struct pk_err *err)
{

	return (link_simple(ov, RTM_NEWLINK, name, index, NULL, up, mtu, err));
}

/*
 * Addresses and routes.
 */

static size_t
inaddr_len(const struct pk_os_inaddr *a)
{

	return (a->family == AF_INET ? 4 : 16);
}

/*
 * An IPv6 address is not usable when the kernel acknowledges it: addrconf
 * joins its solicited-node group later, from a work queue, and until then
 * neighbour solicitations for it are dropped (the sender retries only a
 * second later).  The kernel announces the address (RTM_NEWADDR) right
 * after that join, so listen first, then add, then wait for the
 * announcement.  A link that is not running defers all of this to when
 * it comes up, so there is nothing to wait for then.
 */
struct addr6_ctx {
	int				 index;
	const struct pk_os_inaddr	*a;
	int				 seen;
};

static int
addr6_event_cb(const struct nlmsghdr *h, void *arg)
{
	struct addr6_ctx *c;
	const struct ifaddrmsg *ifa;
	const struct nlattr *at;

	c = arg;
	if (h->nlmsg_type != RTM_NEWADDR)
		return (MNL_CB_OK);
	ifa = mnl_nlmsg_get_payload(h);
	if (ifa->ifa_family != AF_INET6 || (int)ifa->ifa_index != c->index)
		return (MNL_CB_OK);
	mnl_attr_for_each(at, h, sizeof(*ifa)) {
		if (mnl_attr_get_type(at) == IFA_ADDRESS &&
		    mnl_attr_get_payload_len(at) == 16 &&
		    memcmp(mnl_attr_get_payload(at), c->a->addr, 16) == 0)
			c->seen = 1;
	}
	return (MNL_CB_OK);
}

static int
link_running_cb(const struct nlmsghdr *h, void *arg)
{
	const struct ifinfomsg *ifi;
	int *running;

	running = arg;
	if (h->nlmsg_type == RTM_NEWLINK) {
		ifi = mnl_nlmsg_get_payload(h);
		*running = (ifi->ifi_flags & IFF_RUNNING) != 0;
	}
	return (MNL_CB_OK);
}

static int
link_running(struct pk_nl *nl, int index, struct pk_err *err)
{
	char buf[PK_NL_REQSIZE];
	struct nlmsghdr *h;
	struct ifinfomsg *ifi;
	int running;

	h = nl_req(buf, RTM_GETLINK, 0);
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	running = 0;
	if (pk_nl_talk(nl, h, link_running_cb, &running, err) != 0)
		return (-1);
	return (running);
}

static int
addr6_wait(struct pk_nl *ev, struct addr6_ctx *c, int64_t end_ms,
    struct pk_err *err)
{
	char buf[PK_NL_BUFSIZE];
	struct pollfd pfd;
	ssize_t n;
	int rc;

	pfd.fd = mnl_socket_get_fd(ev->sk);
	pfd.events = POLLIN;
	while (!c->seen) {
		rc = poll(&pfd, 1, pk_ms_left(end_ms));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return (pk_err_sys(err, errno, "poll"));
		if (rc == 0)
			return (pk_err_set(err, ETIMEDOUT, "the kernel did not "
			    "announce the address as usable within its "
			    "deadline"));
		n = recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return (pk_err_sys(err, errno, "address events"));
		if (n > 0)
			(void)mnl_cb_run(buf, (size_t)n, 0, 0, addr6_event_cb,
			    c);
	}
	return (0);
}

static int
addr6_add(struct pk_os_vnet *ov, struct pk_nl *nl, struct nlmsghdr *h,
    int index, const struct pk_os_inaddr *a, struct pk_err *err)
{
	struct addr6_ctx c;
	struct pk_nl ev;
	unsigned group;
	int running, rc;

	if ((running = link_running(nl, index, err)) < 0)
		return (-1);
	if (!running)
		return (pk_nl_talk(nl, h, NULL, NULL, err));
	if (pk_linux_nl_in(ov, NETLINK_ROUTE, &ev, err) != 0)
		return (-1);
	group = RTNLGRP_IPV6_IFADDR;
	if (mnl_socket_setsockopt(ev.sk, NETLINK_ADD_MEMBERSHIP, &group,
	    sizeof(group)) != 0) {
		pk_nl_close(&ev);
		return (pk_err_sys(err, errno, "address events"));
	}
	c.index = index;
	c.a = a;
	c.seen = 0;
	rc = pk_nl_talk(nl, h, NULL, NULL, err);
	if (rc == 0)
		rc = addr6_wait(&ev, &c, pk_now_ms() + pk_deadline_ms(2000),
		    err);
	pk_nl_close(&ev);
	return (rc);
}

int
pk_os_addr_change(struct pk_os_vnet *ov, const char *name, int index,
    int add, const struct pk_os_inaddr *a, struct pk_err *err)
{
	char buf[PK_NL_REQSIZE];
	struct nlmsghdr *h;
	struct ifaddrmsg *ifa;
	struct pk_nl *nl;

	(void)name;
	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = nl_req(buf, add ? RTM_NEWADDR : RTM_DELADDR,
	    add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)a->plen;
	ifa->ifa_index = (unsigned)index;
	mnl_attr_put(h, IFA_LOCAL, inaddr_len(a), a->addr);
	mnl_attr_put(h, IFA_ADDRESS, inaddr_len(a), a->addr);
	if (add && a->family == AF_INET6) {
		/* Never tentative: tests use the address at once. */
		ifa->ifa_flags = IFA_F_NODAD;
		mnl_attr_put_u32(h, IFA_FLAGS, IFA_F_NODAD);
		return (pk_linux_rtnl_put(ov, addr6_add(ov, nl, h, index, a,
		    err)));
	}
	return (pk_linux_rtnl_put(ov, pk_nl_talk(nl, h, NULL, NULL, err)));
}

int
pk_os_route_change(struct pk_os_vnet *ov, int add,
    const struct pk_os_inaddr *dst, const struct pk_os_inaddr *gw,
    const char *oif, int oifindex, struct pk_err *err)
{
	char buf[PK_NL_REQSIZE];
	struct nlmsghdr *h;
	struct rtmsg *rtm;
	struct pk_nl *nl;

	(void)oif;
	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = nl_req(buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
	    add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	rtm = mnl_nlmsg_put_extra_header(h, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)dst->family;
	rtm->rtm_dst_len = (unsigned char)dst->plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	if (add) {
		rtm->rtm_protocol = RTPROT_STATIC;
		rtm->rtm_type = RTN_UNICAST;
		rtm->rtm_scope = gw != NULL ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	} else
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	if (dst->plen > 0)
		mnl_attr_put(h, RTA_DST, inaddr_len(dst), dst->addr);
	if (gw != NULL)
		mnl_attr_put(h, RTA_GATEWAY, inaddr_len(gw), gw->addr);
	if (oifindex > 0)
		mnl_attr_put_u32(h, RTA_OIF, (uint32_t)oifindex);
	return (pk_linux_rtnl_put(ov, pk_nl_talk(nl, h, NULL, NULL, err)));
}

/*
 * Neighbours.
 */

int
pk_os_neigh_add(struct pk_os_vnet *ov, const char *name, int index,
    const struct pk_os_inaddr *ip, const uint8_t mac[6], struct pk_err *err)
{
	char buf[PK_NL_REQSIZE];
	struct nlmsghdr *h;
	struct ndmsg *nd;
	struct pk_nl *nl;

	(void)name;
	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = nl_req(buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE);
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = (unsigned char)ip->family;
	nd->ndm_ifindex = index;
	nd->ndm_state = NUD_PERMANENT;
	mnl_attr_put(h, NDA_DST, inaddr_len(ip), ip->addr);
	mnl_attr_put(h, NDA_LLADDR, 6, mac);
	return (pk_linux_rtnl_put(ov, pk_nl_talk(nl, h, NULL, NULL, err)));
}

struct neigh_ctx {
	uint8_t	*mac;
	int	 found;
};

static int
neigh_get_cb(const struct nlmsghdr *h, void *arg)
{
	struct neigh_ctx *c;
	const struct ndmsg *nd;
	const struct nlattr *a;

	c = arg;
	if (h->nlmsg_type != RTM_NEWNEIGH)
		return (MNL_CB_OK);
	nd = mnl_nlmsg_get_payload(h);
	if (nd->ndm_state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NONE))
		return (MNL_CB_OK);
	mnl_attr_for_each(a, h, sizeof(*nd)) {
		if (mnl_attr_get_type(a) == NDA_LLADDR &&
		    mnl_attr_get_payload_len(a) == 6) {
			memcpy(c->mac, mnl_attr_get_payload(a), 6);
			c->found = 1;
		}
	}
	return (MNL_CB_OK);
}

int
pk_os_neigh_get(struct pk_os_vnet *ov, const char *name, int index,
    const struct pk_os_inaddr *ip, uint8_t mac[6], struct pk_err *err)
{
	char buf[PK_NL_REQSIZE];
	struct nlmsghdr *h;
	struct ndmsg *nd;
	struct neigh_ctx c;
	struct pk_nl *nl;
	struct pk_err e;

	(void)name;
	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = nl_req(buf, RTM_GETNEIGH, 0);
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = (unsigned char)ip->family;
	nd->ndm_ifindex = index;
	mnl_attr_put(h, NDA_DST, inaddr_len(ip), ip->addr);
	c.mac = mac;
	c.found = 0;
	if (pk_linux_rtnl_put(ov, pk_nl_talk(nl, h, neigh_get_cb, &c,
	    &e)) != 0) {
		if (e.code == ENOENT)
			return (0);
		if (err != NULL)
			*err = e;
		return (-1);
	}
	return (c.found);
}

struct neigh_list {
	struct {
		int		family;
		int		index;
		uint8_t		dst[16];
		size_t		len;
	}			*v;
	size_t			 n, cap;
	struct pk_err		*err;
};

static int
neigh_list_cb(const struct nlmsghdr *h, void *arg)
{
	struct neigh_list *nlst;
	const struct ndmsg *nd;
	const struct nlattr *a;
	void *nv;
	size_t ncap;

	nlst = arg;
	nd = mnl_nlmsg_get_payload(h);
	if (h->nlmsg_type != RTM_NEWNEIGH || (nd->ndm_state & NUD_NOARP))
		return (MNL_CB_OK);
	if (nlst->n == nlst->cap) {
		ncap = nlst->cap == 0 ? 16 : nlst->cap * 2;
		if ((nv = realloc(nlst->v, ncap * sizeof(*nlst->v))) == NULL) {
			pk_err_sys(nlst->err, ENOMEM, "neighbour list");
			return (MNL_CB_ERROR);
		}
		nlst->v = nv;
		nlst->cap = ncap;
	}
	mnl_attr_for_each(a, h, sizeof(*nd)) {
		if (mnl_attr_get_type(a) != NDA_DST ||
		    mnl_attr_get_payload_len(a) > 16)
			continue;
		nlst->v[nlst->n].family = nd->ndm_family;
		nlst->v[nlst->n].index = nd->ndm_ifindex;
		nlst->v[nlst->n].len = mnl_attr_get_payload_len(a);
		memcpy(nlst->v[nlst->n].dst, mnl_attr_get_payload(a),
		    nlst->v[nlst->n].len);
		nlst->n++;
	}
	return (MNL_CB_OK);
}

int
pk_os_neigh_flush(struct pk_os_vnet *ov, struct pk_err *err)
{
	char buf[PK_NL_REQSIZE];
	struct nlmsghdr *h;
	struct ndmsg *nd;
	struct neigh_list nlst;
	struct pk_nl *nl;
	size_t i;

	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = nl_req(buf, RTM_GETNEIGH, NLM_F_DUMP);
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = AF_UNSPEC;
	memset(&nlst, 0, sizeof(nlst));
	nlst.err = err;
	if (pk_nl_talk(nl, h, neigh_list_cb, &nlst, err) != 0) {
		free(nlst.v);
		return (pk_linux_rtnl_put(ov, -1));
	}
	for (i = 0; i < nlst.n; i++) {
		h = nl_req(buf, RTM_DELNEIGH, 0);
		nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
		nd->ndm_family = (unsigned char)nlst.v[i].family;
		nd->ndm_ifindex = nlst.v[i].index;
		mnl_attr_put(h, NDA_DST, nlst.v[i].len, nlst.v[i].dst);
		/* An entry that went meanwhile is fine. */
		(void)pk_nl_talk(nl, h, NULL, NULL, NULL);
	}
	free(nlst.v);
	return (pk_linux_rtnl_put(ov, 0));
}
