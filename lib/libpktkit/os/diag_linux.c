/*
 * diag_linux.c: the TCP sockets of a vnet, and destroying them through
 * sock_diag (SOCK_DESTROY, as "ss -K" does).
 *
 * A TCP socket whose process closed it while data was still unsent is an
 * orphan: no file refers to it, yet it keeps retransmitting, and keeps
 * its namespace alive, for minutes.  Nothing in a process's files names
 * it; only the namespace's own socket table does, so the table is read
 * before we drop our last reference to the vnet.
 *
 * The table is read from /proc, not through sock_diag: a netlink socket
 * made inside the vnet would hold it for one more RCU grace period after
 * we close it, just when we want it to die.  Destroying a socket has no
 * other way, and costs that grace period; it happens only on request.
 */
#define	_GNU_SOURCE
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include "os_common.h"
#include "os_linux.h"

/* TCP states as the kernel numbers them (include/net/tcp_states.h). */
enum {
	ST_SYN_RECV = 3, ST_TIME_WAIT = 6, ST_CLOSE = 7, ST_LISTEN = 10,
	ST_NEW_SYN_RECV = 12
};

static const char *const tcp_states[] = {
	"?", "ESTABLISHED", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
	"FIN-WAIT-2", "TIME-WAIT", "CLOSE", "CLOSE-WAIT", "LAST-ACK",
	"LISTEN", "CLOSING", "SYN-RECV"
};

/* The key kept in struct pk_os_sock: enough to name the socket again. */
struct diag_key {
	uint8_t			family;
	struct inet_diag_sockid	id;
};

_Static_assert(sizeof(struct diag_key) <= sizeof(((struct pk_os_sock *)0)->key),
    "struct pk_os_sock's key is too small");

struct sock_list {
	struct pk_os_sock	*v;
	size_t			 n, cap;
};

/*
 * Hex words as /proc/net/tcp prints addresses: each 32-bit word as it
 * sits in memory, so storing the scanned value back gives the bytes in
 * network order.
 */
static int
hex_words(const char *s, uint32_t *w, int words)
{
	char tmp[9];
	int i;

	if (strlen(s) != (size_t)words * 8)
		return (-1);
	for (i = 0; i < words; i++) {
		memcpy(tmp, s + 8 * i, 8);
		tmp[8] = '\0';
		w[i] = (uint32_t)strtoul(tmp, NULL, 16);
	}
	return (0);
}

/*
 * One line of /proc/net/tcp or tcp6:
 * "sl: local:port remote:port st tx:rx tr:when retr uid timeout inode".
 */
static int
parse_line(const char *line, int family, struct pk_os_sock *s)
{
	unsigned lp, rp, st, tx, rx;
	unsigned long long inode;
	char la[40], ra[40];
	struct diag_key k;
	int words;

	if (sscanf(line, " %*u: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %x:%x "
	    "%*x:%*x %*x %*u %*d %llu", la, &lp, ra, &rp, &st, &tx, &rx,
	    &inode) != 8)
		return (-1);
	words = family == AF_INET6 ? 4 : 1;
	memset(&k, 0, sizeof(k));
	if (hex_words(la, k.id.idiag_src, words) != 0 ||
	    hex_words(ra, k.id.idiag_dst, words) != 0)
		return (-1);
	k.family = (uint8_t)family;
	k.id.idiag_sport = htons((uint16_t)lp);
	k.id.idiag_dport = htons((uint16_t)rp);
	/* Any cookie: the addresses and ports name the socket. */
	k.id.idiag_cookie[0] = k.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	memset(s, 0, sizeof(*s));
	memcpy(s->key, &k, sizeof(k));
	strcpy(s->proto, family == AF_INET6 ? "tcp6" : "tcp");
	snprintf(s->state, sizeof(s->state), "%s",
	    st < sizeof(tcp_states) / sizeof(tcp_states[0]) ? tcp_states[st] :
	    "?");
	pk_os_sock_endpoint(family, k.id.idiag_src, k.id.idiag_sport,
	    s->local, sizeof(s->local));
	pk_os_sock_endpoint(family, k.id.idiag_dst, k.id.idiag_dport,
	    s->remote, sizeof(s->remote));
	s->sendq = tx;
	s->recvq = rx;
	s->inode = inode;
	/*
	 * TIME-WAIT and embryonic (SYN-RECV) entries do not hold their
	 * namespace, nor does a listener (it always has a file).
	 */
	s->orphan = inode == 0 && st != ST_TIME_WAIT && st != ST_SYN_RECV &&
	    st != ST_NEW_SYN_RECV && st != ST_LISTEN && st != ST_CLOSE;
	return (0);
}

static int
read_table(const char *path, int family, struct sock_list *sl,
    struct pk_err *err)
{
	struct pk_os_sock *nv;
	size_t cap, ncap;
	char *line;
	FILE *fp;
	int first;

	if ((fp = fopen(path, "re")) == NULL) {
		/* No IPv6 in this kernel: no IPv6 sockets either. */
		if (errno == ENOENT)
			return (0);
		return (pk_err_sys(err, errno, "%s", path));
	}
	line = NULL;
	cap = 0;
	first = 1;
	while (getline(&line, &cap, fp) > 0) {
		if (first) {
			first = 0;	/* the column titles */
			continue;
		}
		if (sl->n == sl->cap) {
			ncap = sl->cap == 0 ? 16 : sl->cap * 2;
			if ((nv = realloc(sl->v, ncap * sizeof(*nv))) == NULL) {
				free(line);
				fclose(fp);
				return (pk_err_sys(err, ENOMEM, "%s", path));
			}
			sl->v = nv;
			sl->cap = ncap;
		}
		if (parse_line(line, family, &sl->v[sl->n]) == 0)
			sl->n++;
	}
	free(line);
	fclose(fp);
	return (0);
}

/*
 * The number of TCP sockets in the namespace, from sockstat: cheap, where
 * the tables themselves are walked bucket by bucket over the whole
 * machine's hash (milliseconds).  -1 if it cannot be read.
 */
static long
tcp_inuse(const char *path, const char *tag)
{
	char line[256];
	size_t len;
	long n;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL)
		return (errno == ENOENT ? 0 : -1);
	n = -1;
	len = strlen(tag);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, tag, len) == 0 &&
		    sscanf(line + len, " inuse %ld", &n) == 1)
			break;
	fclose(fp);
	return (n);
}

int
pk_os_sock_dump(struct pk_os_vnet *ov, struct pk_os_sock **sp, size_t *np,
    struct pk_err *err)
{
	struct pk_os_saved sv;
	struct sock_list sl;
	int rc;

	memset(&sl, 0, sizeof(sl));
	if (pk_linux_enter_fd(ov->nsfd, &sv, err) != 0)
		return (-1);
	/* thread-self: the files show the reading thread's namespace. */
	rc = 0;
	if (tcp_inuse("/proc/thread-self/net/sockstat", "TCP:") != 0)
		rc = read_table("/proc/thread-self/net/tcp", AF_INET, &sl,
		    err);
	if (rc == 0 &&
	    tcp_inuse("/proc/thread-self/net/sockstat6", "TCP6:") != 0)
		rc = read_table("/proc/thread-self/net/tcp6", AF_INET6, &sl,
		    err);
	if (pk_os_vnet_leave(&sv, rc == 0 ? err : NULL) != 0)
		rc = -1;
	if (rc != 0) {
		free(sl.v);
		return (pk_err_prefix(err, "socket table"));
	}
	*sp = sl.v;
	*np = sl.n;
	return (0);
}

int
pk_os_sock_destroy(struct pk_os_vnet *ov, const struct pk_os_sock *s,
    struct pk_err *err)
{
	char buf[1024];
	struct inet_diag_req_v2 *r;
	struct nlmsghdr *h;
	struct diag_key k;
	struct pk_nl nl;
	struct pk_err e;
	int rc;

	memcpy(&k, s->key, sizeof(k));
	nl.sk = NULL;
	if (pk_linux_nl_in(ov, NETLINK_SOCK_DIAG, &nl, err) != 0)
		return (-1);
	memset(buf, 0, sizeof(buf));
	h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = SOCK_DESTROY;
	h->nlmsg_flags = NLM_F_REQUEST;
	r = mnl_nlmsg_put_extra_header(h, sizeof(*r));
	r->sdiag_family = k.family;
	r->sdiag_protocol = IPPROTO_TCP;
	r->idiag_states = ~0U;
	r->id = k.id;
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
