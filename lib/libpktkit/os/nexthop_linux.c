/*
 * nexthop_linux.c: where a vnet sends a packet (RTM_GETROUTE), and
 * neighbour resolution by the vnet's own kernel, waited for on
 * rtnetlink neighbour events.
 */
#define	_GNU_SOURCE
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "os_common.h"
#include "os_linux.h"
#include "../pk_time.h"

#define	REQSIZE	1024

static size_t
alen(int family)
{

	return (family == AF_INET ? 4 : 16);
}

static struct nlmsghdr *
req(char *buf, int type, int flags)
{
	struct nlmsghdr *h;

	memset(buf, 0, REQSIZE);
	h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	return (h);
}

static void
put_addr(struct pk_os_inaddr *to, int family, const struct nlattr *a)
{

	if (mnl_attr_get_payload_len(a) != alen(family))
		return;
	memset(to, 0, sizeof(*to));
	to->family = family;
	to->plen = family == AF_INET ? 32 : 128;
	memcpy(to->addr, mnl_attr_get_payload(a), alen(family));
}

static int
route_cb(const struct nlmsghdr *h, void *arg)
{
	struct pk_os_route *r;
	const struct rtmsg *rtm;
	const struct nlattr *a;

	r = arg;
	if (h->nlmsg_type != RTM_NEWROUTE)
		return (MNL_CB_OK);
	rtm = mnl_nlmsg_get_payload(h);
	switch (rtm->rtm_type) {
	case RTN_UNICAST:
		r->type = PK_OS_RT_UNICAST;
		break;
	case RTN_LOCAL:
		r->type = PK_OS_RT_LOCAL;
		break;
	case RTN_BROADCAST:
		r->type = PK_OS_RT_BROADCAST;
		break;
	case RTN_MULTICAST:
		r->type = PK_OS_RT_MULTICAST;
		break;
	default:
		r->type = PK_OS_RT_OTHER;
	}
	mnl_attr_for_each(a, h, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_GATEWAY:
			put_addr(&r->nh, rtm->rtm_family, a);
			r->gateway = 1;
			break;
		case RTA_PREFSRC:
			put_addr(&r->src, rtm->rtm_family, a);
			r->has_src = 1;
			break;
		case RTA_OIF:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				r->oif = (int)mnl_attr_get_u32(a);
			break;
		}
	}
	return (MNL_CB_OK);
}

int
pk_os_route_get(struct pk_os_vnet *ov, const struct pk_os_inaddr *dst,
    int oif, struct pk_os_route *r, struct pk_err *err)
{
	char buf[REQSIZE], s[64];
	struct nlmsghdr *h;
	struct rtmsg *rtm;
	struct pk_nl *nl;

	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = req(buf, RTM_GETROUTE, 0);
	rtm = mnl_nlmsg_put_extra_header(h, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)dst->family;
	rtm->rtm_dst_len = (unsigned char)(alen(dst->family) * 8);
	mnl_attr_put(h, RTA_DST, alen(dst->family), dst->addr);
	if (oif > 0)
		mnl_attr_put_u32(h, RTA_OIF, (uint32_t)oif);
	memset(r, 0, sizeof(*r));
	if (pk_linux_rtnl_put(ov, pk_nl_talk(nl, h, route_cb, r, err)) != 0) {
		pk_os_inaddr_str(dst, s, sizeof(s));
		return (pk_err_prefix(err, "route to %s", s));
	}
	if (!r->gateway)
		r->nh = *dst;
	if (r->type == 0) {
		pk_os_inaddr_str(dst, s, sizeof(s));
		return (pk_err_set(err, ENETUNREACH, "route to %s: no answer",
		    s));
	}
	return (0);
}

/*
 * Neighbour resolution.
 */

#define	NEIGH_NONE	0	/* no entry */
#define	NEIGH_PENDING	1	/* being resolved */
#define	NEIGH_USABLE	2
#define	NEIGH_FAILED	3

struct neigh_state {
	int	state;
	uint8_t	mac[6];
};

static int
neigh_cb(const struct nlmsghdr *h, void *arg)
{
	struct neigh_state *ns;
	const struct ndmsg *nd;
	const struct nlattr *a;
	int have_mac;

	ns = arg;
	if (h->nlmsg_type != RTM_NEWNEIGH)
		return (MNL_CB_OK);
	nd = mnl_nlmsg_get_payload(h);
	have_mac = 0;
	mnl_attr_for_each(a, h, sizeof(*nd)) {
		if (mnl_attr_get_type(a) == NDA_LLADDR &&
		    mnl_attr_get_payload_len(a) == 6) {
			memcpy(ns->mac, mnl_attr_get_payload(a), 6);
			have_mac = 1;
		}
	}
	if (nd->ndm_state & NUD_FAILED)
		ns->state = NEIGH_FAILED;
	else if (nd->ndm_state & (NUD_INCOMPLETE | NUD_NONE))
		ns->state = NEIGH_PENDING;
	else
		ns->state = have_mac ? NEIGH_USABLE : NEIGH_PENDING;
	return (MNL_CB_OK);
}

static int
neigh_query(struct pk_os_vnet *ov, int index, const struct pk_os_inaddr *ip,
    struct neigh_state *ns, struct pk_err *err)
{
	char buf[REQSIZE];
	struct nlmsghdr *h;
	struct ndmsg *nd;
	struct pk_nl *nl;
	struct pk_err e;

	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = req(buf, RTM_GETNEIGH, 0);
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = (unsigned char)ip->family;
	nd->ndm_ifindex = index;
	mnl_attr_put(h, NDA_DST, alen(ip->family), ip->addr);
	ns->state = NEIGH_NONE;
	if (pk_linux_rtnl_put(ov, pk_nl_talk(nl, h, neigh_cb, ns, &e)) != 0) {
		if (e.code == ENOENT)
			return (0);
		if (err != NULL)
			*err = e;
		return (-1);
	}
	return (0);
}

/*
 * NTF_USE: the kernel treats the entry as if a packet needed it, which
 * starts resolution (an ARP request or a neighbour solicitation) the way
 * a real packet would, creating the entry if needed.
 */
static int
neigh_use(struct pk_os_vnet *ov, int index, const struct pk_os_inaddr *ip,
    struct pk_err *err)
{
	char buf[REQSIZE];
	struct nlmsghdr *h;
	struct ndmsg *nd;
	struct pk_nl *nl;

	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = req(buf, RTM_NEWNEIGH, NLM_F_CREATE);
	nd = mnl_nlmsg_put_extra_header(h, sizeof(*nd));
	nd->ndm_family = (unsigned char)ip->family;
	nd->ndm_ifindex = index;
	nd->ndm_flags = NTF_USE;
	nd->ndm_state = NUD_NONE;
	mnl_attr_put(h, NDA_DST, alen(ip->family), ip->addr);
	return (pk_linux_rtnl_put(ov, pk_nl_talk(nl, h, NULL, NULL, err)));
}

/*
 * IPv6 solicits from a link-local source, and the kernel silently sends
 * nothing while the interface has none yet: addrconf makes it a moment
 * after the link comes up, from a work queue.  So wait for one that is
 * not tentative before asking, on address events.
 */
struct lladdr_ctx {
	int	index;
	int	found;
};

static int
lladdr_cb(const struct nlmsghdr *h, void *arg)
{
	struct lladdr_ctx *c;
	const struct ifaddrmsg *ifa;

	c = arg;
	if (h->nlmsg_type != RTM_NEWADDR)
		return (MNL_CB_OK);
	ifa = mnl_nlmsg_get_payload(h);
	if ((int)ifa->ifa_index == c->index &&
	    ifa->ifa_scope == RT_SCOPE_LINK &&
	    (ifa->ifa_flags & IFA_F_TENTATIVE) == 0)
		c->found = 1;
	return (MNL_CB_OK);
}

static int
has_lladdr(struct pk_os_vnet *ov, int index, struct pk_err *err)
{
	char buf[REQSIZE];
	struct lladdr_ctx c;
	struct nlmsghdr *h;
	struct ifaddrmsg *ifa;
	struct pk_nl *nl;

	if ((nl = pk_linux_rtnl(ov, err)) == NULL)
		return (-1);
	h = req(buf, RTM_GETADDR, NLM_F_DUMP);
	ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	c.index = index;
	c.found = 0;
	if (pk_linux_rtnl_put(ov, pk_nl_talk(nl, h, lladdr_cb, &c, err)) != 0)
		return (-1);
	return (c.found);
}

static void
drain(struct pk_nl *nl)
{
	char buf[PK_NL_BUFSIZE];

	while (recv(mnl_socket_get_fd(nl->sk), buf, sizeof(buf),
	    MSG_DONTWAIT) > 0)
		;
}

/* Wait for an event on ev until end_ms: 1, or 0 at the deadline. */
static int
wait_event(struct pk_nl *ev, int64_t end_ms, struct pk_err *err)
{
	struct pollfd pfd;
	int n;

	pfd.fd = mnl_socket_get_fd(ev->sk);
	pfd.events = POLLIN;
	n = poll(&pfd, 1, pk_ms_left(end_ms));
	if (n < 0 && errno != EINTR)
		return (pk_err_sys(err, errno, "poll"));
	if (n == 0)
		return (0);
	drain(ev);
	return (1);
}

static int
lladdr_wait(struct pk_os_vnet *ov, struct pk_nl *ev, const char *name,
    int index, int64_t end_ms, struct pk_err *err)
{
	int rc;

	for (;;) {
		if ((rc = has_lladdr(ov, index, err)) != 0)
			return (rc);
		if ((rc = wait_event(ev, end_ms, err)) < 0)
			return (-1);
		if (rc == 0) {
			/*
			 * A timeout like any other: the caller's deadline
			 * may be one short step of a longer wait, and
			 * addrconf makes the address from a work queue,
			 * which can take that long on a busy machine.
			 */
			pk_err_set(err, ETIMEDOUT, "%s has no usable "
			    "link-local address to send neighbour "
			    "solicitations from", name);
			return (0);
		}
	}
}

/*
 * Listen first, then ask: every change of state after the request shows
 * up as an event on the listening socket, and the state is read again
 * after each one, so none is missed (an answer can even arrive before
 * the request is acknowledged).  The listener is a socket of its own so
 * that requests never swallow its events.
 */
static int
resolve_wait(struct pk_os_vnet *ov, struct pk_nl *ev, const char *name,
    int index, const struct pk_os_inaddr *ip, int64_t end_ms, uint8_t mac[6],
    struct pk_err *err)
{
	struct neigh_state ns;
	char s[64];
	int asked, rc;

	asked = 0;
	for (;;) {
		if (neigh_query(ov, index, ip, &ns, err) != 0)
			return (-1);
		if (ns.state == NEIGH_USABLE) {
			memcpy(mac, ns.mac, 6);
			return (1);
		}
		pk_os_inaddr_str(ip, s, sizeof(s));
		if (ns.state == NEIGH_FAILED && asked) {
			pk_err_set(err, EHOSTUNREACH, "%s: no answer from %s "
			    "to %s", name, s, ip->family == AF_INET ?
			    "ARP requests" : "neighbour solicitations");
			return (0);
		}
		if (!asked) {
			if (ip->family == AF_INET6 &&
			    (rc = lladdr_wait(ov, ev, name, index, end_ms,
			    err)) != 1)
				return (rc);
			if (neigh_use(ov, index, ip, err) != 0)
				return (pk_err_prefix(err, "%s: resolve %s",
				    name, s));
			asked = 1;
			continue;
		}
		if ((rc = wait_event(ev, end_ms, err)) < 0)
			return (-1);
		if (rc == 0) {
			pk_err_set(err, ETIMEDOUT, "%s: %s not resolved before "
			    "the deadline", name, s);
			return (0);
		}
	}
}

int
pk_os_neigh_resolve(struct pk_os_vnet *ov, const char *name, int index,
    const struct pk_os_inaddr *ip, int64_t end_ms, uint8_t mac[6],
    struct pk_err *err)
{
	struct pk_os_saved sv;
	struct pk_nl ev;
	int rc;

	if (pk_os_vnet_enter(ov, &sv, err) != 0)
		return (-1);
	rc = pk_nl_open(&ev, NETLINK_ROUTE, RTMGRP_NEIGH | RTMGRP_IPV6_IFADDR,
	    err);
	if (pk_os_vnet_leave(&sv, rc == 0 ? err : NULL) != 0) {
		if (rc == 0)
			pk_nl_close(&ev);
		return (-1);
	}
	if (rc != 0)
		return (-1);
	rc = resolve_wait(ov, &ev, name, index, ip, end_ms, mac, err);
	pk_nl_close(&ev);
	return (rc);
}
