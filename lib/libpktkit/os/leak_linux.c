/*
 * leak_linux.c: the leak checker's view of a Linux kernel.
 *
 * Interface lists come from an RTM_GETLINK dump over a netlink socket.  A
 * netlink socket stays bound to the network namespace it was created in,
 * so one opened in the machine's namespace keeps showing the machine's
 * interfaces after the process moved into a case's private namespace.
 *
 * Counts come from the slab caches that back sockets and from the global
 * lines of /proc/net/sockstat.  A slab's "objects" file counts slots in
 * partly used slabs, not live objects, until the cache is shrunk; after
 * "1 > shrink" it is exact (measured on this kernel).  Caches the kernel
 * merged with others (an alias symlink) count unrelated objects too and
 * are left out.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "pk_os_leak.h"

struct pk_os_stackobs {
	struct mnl_socket	*nl;
	unsigned int		 seq;
};

int
pk_os_stackobs_open(struct pk_os_stackobs **op, struct pk_err *err)
{
	struct pk_os_stackobs *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return (pk_err_sys(err, errno, "stack observer"));
	if ((o->nl = mnl_socket_open(NETLINK_ROUTE)) == NULL) {
		pk_err_sys(err, errno, "netlink socket");
		free(o);
		return (-1);
	}
	if (mnl_socket_bind(o->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		pk_err_sys(err, errno, "netlink bind");
		mnl_socket_close(o->nl);
		free(o);
		return (-1);
	}
	o->seq = (unsigned int)time(NULL);
	*op = o;
	return (0);
}

void
pk_os_stackobs_close(struct pk_os_stackobs *o)
{

	if (o == NULL)
		return;
	mnl_socket_close(o->nl);
	free(o);
}

struct iflist_ctx {
	struct pk_iflist	*l;
	size_t			 cap;
	int			 nomem;
};

static int
link_attr_kind(const struct nlattr *attr, void *data)
{
	const char **kind = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*kind = mnl_attr_get_str(attr);
	return (MNL_CB_OK);
}

struct link_attrs {
	const char	*name;
	const char	*kind;
};

static int
link_attr(const struct nlattr *attr, void *data)
{
	struct link_attrs *la = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			la->name = mnl_attr_get_str(attr);
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) >= 0)
			mnl_attr_parse_nested(attr, link_attr_kind, &la->kind);
		break;
	}
	return (MNL_CB_OK);
}

static int
iflist_add(struct iflist_ctx *ctx, int index, const char *name,
    const char *kind)
{
	struct pk_ifent *nv;
	size_t ncap;

	if (ctx->l->n == ctx->cap) {
		ncap = ctx->cap == 0 ? 16 : ctx->cap * 2;
		nv = realloc(ctx->l->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return (-1);
		ctx->l->v = nv;
		ctx->cap = ncap;
	}
	nv = &ctx->l->v[ctx->l->n++];
	memset(nv, 0, sizeof(*nv));
	nv->index = index;
	snprintf(nv->name, sizeof(nv->name), "%s", name);
	snprintf(nv->kind, sizeof(nv->kind), "%s", kind);
	return (0);
}

static int
link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct iflist_ctx *ctx = data;
	struct ifinfomsg *ifm;
	struct link_attrs la = { NULL, NULL };

	ifm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*ifm), link_attr, &la);
	if (la.name == NULL)
		return (MNL_CB_OK);
	if (iflist_add(ctx, ifm->ifi_index, la.name,
	    la.kind != NULL ? la.kind : "") != 0) {
		ctx->nomem = 1;
		return (MNL_CB_ERROR);
	}
	return (MNL_CB_OK);
}

static int
ifent_cmp(const void *a, const void *b)
{
	const struct pk_ifent *x = a, *y = b;

	return (x->index < y->index ? -1 : x->index > y->index);
}

int
pk_os_stackobs_iflist(struct pk_os_stackobs *o, struct pk_iflist *l,
    struct pk_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct iflist_ctx ctx;
	struct nlmsghdr *nlh;
	struct rtgenmsg *rt;
	unsigned int seq, portid;
	ssize_t n;
	int ret;

	memset(l, 0, sizeof(*l));
	memset(&ctx, 0, sizeof(ctx));
	ctx.l = l;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq = ++o->seq;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtgen_family = AF_PACKET;
	portid = mnl_socket_get_portid(o->nl);
	if (mnl_socket_sendto(o->nl, nlh, nlh->nlmsg_len) < 0)
		return (pk_err_sys(err, errno, "netlink link dump"));
	ret = MNL_CB_OK;
	while ((n = mnl_socket_recvfrom(o->nl, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, link_cb, &ctx);
		if (ret <= MNL_CB_STOP)
			break;
	}
	if (n < 0 || ret == MNL_CB_ERROR) {
		pk_iflist_free(l);
		if (ctx.nomem)
			return (pk_err_set(err, ENOMEM, "link dump: out of "
			    "memory"));
		return (pk_err_sys(err, errno, "netlink link dump"));
	}
	qsort(l->v, l->n, sizeof(*l->v), ifent_cmp);
	return (0);
}

static int
counts_add(struct pk_counts *c, const char *name, long long value)
{
	struct pk_count *nv;

	nv = realloc(c->v, (c->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return (-1);
	c->v = nv;
	snprintf(c->v[c->n].name, sizeof(c->v[c->n].name), "%s", name);
	c->v[c->n].value = value;
	c->n++;
	return (0);
}

/*
 * The caches behind the socket types a network test creates, and the
 * per-connection objects TCP leaves behind (time-wait, embryonic).
 */
static const char *const slab_caches[] = {
	"TCP", "TCPv6", "UDP", "UDPv6", "RAW", "RAWv6", "PING", "PINGv6",
	"tw_sock_TCP", "tw_sock_TCPv6", "request_sock_TCP",
	"request_sock_TCPv6",
};

/*
 * Returns 1 and the live object count if cache exists on its own, 0 if
 * it does not exist or is merged with others, -1 on error.
 */
static int
slab_read(const char *cache, long long *value)
{
	char path[128], buf[64];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s", cache);
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return (0);
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	if ((fd = open(path, O_WRONLY)) >= 0) {
		/* Best effort: an unshrunk count is still a count. */
		if (write(fd, "1", 1) != 1)
			errno = 0;
		close(fd);
	}
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/objects", cache);
	if ((fd = open(path, O_RDONLY)) < 0)
		return (-1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	*value = strtoll(buf, NULL, 10);
	return (1);
}

/*
 * /proc/net/sockstat's "inuse" and "tw" are per namespace; "alloc",
 * "orphan" and "mem" on the TCP line are global.  Only the global ones
 * can show what a dead vnet left behind.
 */
static int
sockstat_read(struct pk_counts *c, struct pk_err *err)
{
	long long inuse, orphan, tw, alloc, mem;
	char line[256];
	FILE *f;
	int found;

	if ((f = fopen("/proc/net/sockstat", "r")) == NULL)
		return (pk_err_sys(err, errno, "/proc/net/sockstat"));
	found = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "TCP: inuse %lld orphan %lld tw %lld alloc "
		    "%lld mem %lld", &inuse, &orphan, &tw, &alloc, &mem) != 5)
			continue;
		found = 1;
		if (counts_add(c, "sockstat TCP alloc", alloc) != 0 ||
		    counts_add(c, "sockstat TCP orphan", orphan) != 0) {
			fclose(f);
			return (pk_err_set(err, ENOMEM, "counts: out of "
			    "memory"));
		}
	}
	fclose(f);
	if (!found)
		return (pk_err_set(err, EINVAL, "/proc/net/sockstat: no TCP "
		    "line"));
	return (0);
}

int
pk_os_counts_read(struct pk_counts *c, struct pk_err *err)
{
	char name[PK_COUNT_NAME_MAX];
	long long v;
	size_t i;
	int r;

	for (i = 0; i < sizeof(slab_caches) / sizeof(slab_caches[0]); i++) {
		r = slab_read(slab_caches[i], &v);
		if (r < 0)
			return (pk_err_sys(err, errno, "slab cache %s",
			    slab_caches[i]));
		if (r == 0)
			continue;
		snprintf(name, sizeof(name), "slab %s", slab_caches[i]);
		if (counts_add(c, name, v) != 0)
			return (pk_err_set(err, ENOMEM, "counts: out of "
			    "memory"));
	}
	return (sockstat_read(c, err));
}
