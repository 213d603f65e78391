/*
 * diag_linux.c: the TCP sockets of a vnet, through sock_diag, and
 * destroying them (SOCK_DESTROY, as "ss -K" does).
 *
 * A TCP socket whose process closed it while data was still unsent is an
 * orphan: no file refers to it, yet it keeps retransmitting, and keeps
 * its namespace alive, for minutes.  Nothing in /proc names it; only the
 * namespace's own socket table does, so the table is read before we drop
 * our last reference to the vnet.
 */
#define	_GNU_SOURCE
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include "os_linux.h"

/* TCP states as the kernel numbers them (include/net/tcp_states.h). */
enum {
	ST_SYN_RECV = 3, ST_TIME_WAIT = 6, ST_CLOSE = 7, ST_LISTEN = 10,
	ST_NEW_SYN_RECV = 12
};

/* The key kept in struct pk_os_sock: enough to name the socket again. */
struct diag_key {
	uint8_t			family;
	struct inet_diag_sockid	id;
};

static const char *const tcp_states[] = {
	"?", "ESTABLISHED", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
	"FIN-WAIT-2", "TIME-WAIT", "CLOSE", "CLOSE-WAIT", "LAST-ACK",
	"LISTEN", "CLOSING", "SYN-RECV"
};

struct sock_list {
	struct pk_os_sock	*v;
	size_t			 n, cap;
	struct pk_err		*err;
};

static void
endpoint(int family, const uint32_t *addr, uint16_t port, char *buf,
    size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(family, addr, a, sizeof(a)) == NULL)
		strcpy(a, "?");
	if (family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, ntohs(port));
	else
		snprintf(buf, size, "%s:%u", a, ntohs(port));
}

static int
sock_cb(const struct nlmsghdr *h, void *arg)
{
	struct sock_list *sl;
	const struct inet_diag_msg *m;
	struct pk_os_sock *s, *nv;
	struct diag_key k;
	size_t ncap;

	sl = arg;
	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return (MNL_CB_OK);
	m = mnl_nlmsg_get_payload(h);
	if (sl->n == sl->cap) {
		ncap = sl->cap == 0 ? 16 : sl->cap * 2;
		if ((nv = realloc(sl->v, ncap * sizeof(*nv))) == NULL) {
			pk_err_sys(sl->err, ENOMEM, "socket list");
			return (MNL_CB_ERROR);
		}
		sl->v = nv;
		sl->cap = ncap;
	}
	s = &sl->v[sl->n++];
	memset(s, 0, sizeof(*s));
	strcpy(s->proto, m->idiag_family == AF_INET6 ? "tcp6" : "tcp");
	snprintf(s->state, sizeof(s->state), "%s",
	    m->idiag_state < sizeof(tcp_states) / sizeof(tcp_states[0]) ?
	    tcp_states[m->idiag_state] : "?");
	endpoint(m->idiag_family, m->id.idiag_src, m->id.idiag_sport,
	    s->local, sizeof(s->local));
	endpoint(m->idiag_family, m->id.idiag_dst, m->id.idiag_dport,
	    s->remote, sizeof(s->remote));
	s->sendq = m->idiag_wqueue;
	s->recvq = m->idiag_rqueue;
	s->inode = m->idiag_inode;
	/*
	 * TIME-WAIT and embryonic (SYN-RECV) entries do not hold their
	 * namespace, nor does a listener (it always has a file).
	 */
	s->orphan = m->idiag_inode == 0 && m->idiag_state != ST_TIME_WAIT &&
	    m->idiag_state != ST_SYN_RECV &&
	    m->idiag_state != ST_NEW_SYN_RECV &&
	    m->idiag_state != ST_LISTEN && m->idiag_state != ST_CLOSE;
	memset(&k, 0, sizeof(k));
	k.family = m->idiag_family;
	k.id = m->id;
	memcpy(s->key, &k, sizeof(k));
	return (MNL_CB_OK);
}

static int
diag_socket(struct pk_os_vnet *ov, struct pk_nl *nl, struct pk_err *err)
{

	nl->sk = NULL;
	return (pk_linux_nl_in(ov, NETLINK_SOCK_DIAG, nl, err));
}

static void
diag_req(char *buf, size_t size, int type, int flags, uint8_t family,
    const struct inet_diag_sockid *id, struct nlmsghdr **hp)
{
	struct nlmsghdr *h;
	struct inet_diag_req_v2 *r;

	memset(buf, 0, size);
	h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	r = mnl_nlmsg_put_extra_header(h, sizeof(*r));
	r->sdiag_family = family;
	r->sdiag_protocol = IPPROTO_TCP;
	r->idiag_states = ~0U;
	if (id != NULL)
		r->id = *id;
	*hp = h;
}

int
pk_os_sock_dump(struct pk_os_vnet *ov, struct pk_os_sock **sp, size_t *np,
    struct pk_err *err)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	char buf[1024];
	struct nlmsghdr *h;
	struct sock_list sl;
	struct pk_nl nl;
	size_t i;

	if (diag_socket(ov, &nl, err) != 0)
		return (-1);
	memset(&sl, 0, sizeof(sl));
	sl.err = err;
	for (i = 0; i < sizeof(families); i++) {
		diag_req(buf, sizeof(buf), SOCK_DIAG_BY_FAMILY, NLM_F_DUMP,
		    families[i], NULL, &h);
		if (pk_nl_talk(&nl, h, sock_cb, &sl, err) != 0) {
			pk_nl_close(&nl);
			free(sl.v);
			return (pk_err_prefix(err, "socket table"));
		}
	}
	pk_nl_close(&nl);
	*sp = sl.v;
	*np = sl.n;
	return (0);
}

int
pk_os_sock_destroy(struct pk_os_vnet *ov, const struct pk_os_sock *s,
    struct pk_err *err)
{
	char buf[1024];
	struct nlmsghdr *h;
	struct diag_key k;
	struct pk_nl nl;
	struct pk_err e;
	int rc;

	memcpy(&k, s->key, sizeof(k));
	if (diag_socket(ov, &nl, err) != 0)
		return (-1);
	diag_req(buf, sizeof(buf), SOCK_DESTROY, 0, k.family, &k.id, &h);
	rc = pk_nl_talk(&nl, h, NULL, NULL, &e);
	pk_nl_close(&nl);
	if (rc != 0 && e.code != ENOENT) {
		if (err != NULL)
			*err = e;
		return (pk_err_prefix(err, "destroy %s socket %s -> %s",
		    s->proto, s->local, s->remote));
	}
	return (0);
}
