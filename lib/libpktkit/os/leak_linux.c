/*
 * leak_linux.c: the kernel object counts of a Linux kernel.
 *
 * (Interface lists come from rtnl_linux.c's link dump.)  Counts come
 * from the slab caches that back sockets and from the global lines of
 * /proc/net/sockstat.  A slab's "objects" file counts slots in partly
 * used slabs, not live objects, until the cache is shrunk; after
 * "1 > shrink" it is exact (measured on this kernel).  Caches the kernel
 * merged with others (an alias symlink) count unrelated objects too and
 * are left out, but for the namespace cache when it is the one name of
 * its merged cache.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_os.h"
#include "../leak/pk_leak.h"

static int
counts_add(struct pk_counts *c, const char *name, long long value,
    enum pk_count_kind kind)
{
	struct pk_count *nv;

	nv = realloc(c->v, (c->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return (-1);
	c->v = nv;
	snprintf(c->v[c->n].name, sizeof(c->v[c->n].name), "%s", name);
	c->v[c->n].value = value;
	c->v[c->n].kind = kind;
	c->n++;
	return (0);
}

/*
 * The caches behind the socket types a network test creates, and the
 * per-connection objects TCP leaves behind (time-wait, embryonic).
 * Measured on 6.x kernels: a new namespace adds 4 objects to RAWv6 (the
 * neighbour discovery and multicast sockets of its IPv6), none to the
 * others (TCP's and ICMP's reply sockets are per CPU, not per namespace).
 */
static const struct {
	const char		*cache;
	enum pk_count_kind	 kind;
} slab_caches[] = {
	{ "TCP", PK_COUNT_OBJECTS },
	{ "TCPv6", PK_COUNT_OBJECTS },
	{ "UDP", PK_COUNT_OBJECTS },
	{ "UDPv6", PK_COUNT_OBJECTS },
	{ "RAW", PK_COUNT_OBJECTS },
	{ "RAWv6", PK_COUNT_PER_STACK },
	{ "PING", PK_COUNT_OBJECTS },
	{ "PINGv6", PK_COUNT_OBJECTS },
	{ "tw_sock_TCP", PK_COUNT_OBJECTS },
	{ "tw_sock_TCPv6", PK_COUNT_OBJECTS },
	{ "request_sock_TCP", PK_COUNT_OBJECTS },
	{ "request_sock_TCPv6", PK_COUNT_OBJECTS },
};

/*
 * The cache of struct net, counting network namespaces, is merged with
 * caches of the same size on some kernels; it counts namespaces only
 * when it is the one name of its cache.
 */
#define	NETNS_CACHE	"net_namespace"

static int
slab_sole_alias(const char *cache, char *target, size_t size)
{
	char path[128], link[64];
	struct dirent *de;
	ssize_t n;
	DIR *d;
	int names;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s", cache);
	if ((n = readlink(path, target, size - 1)) <= 0)
		return (0);
	target[n] = '\0';
	if ((d = opendir("/sys/kernel/slab")) == NULL)
		return (0);
	names = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == ':' || de->d_name[0] == '.')
			continue;
		if ((n = readlinkat(dirfd(d), de->d_name, link,
		    sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, target) == 0)
			names++;
	}
	closedir(d);
	return (names == 1);
}

/*
 * Returns 1 and the live object count if cache exists on its own (or,
 * with alias_ok, as the one name of a merged cache), 0 if it does not
 * exist or is merged with others, -1 on error.
 */
static int
slab_read(const char *cache, int alias_ok, long long *value)
{
	char path[128], buf[64], target[64];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s", cache);
	if (lstat(path, &st) != 0)
		return (0);
	if (S_ISLNK(st.st_mode) && alias_ok &&
	    slab_sole_alias(cache, target, sizeof(target)))
		cache = target;
	else if (!S_ISDIR(st.st_mode))
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
		if (counts_add(c, "sockstat TCP alloc", alloc,
		    PK_COUNT_OBJECTS) != 0 ||
		    counts_add(c, "sockstat TCP orphan", orphan,
		    PK_COUNT_OBJECTS) != 0) {
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
		r = slab_read(slab_caches[i].cache, 0, &v);
		if (r < 0)
			return (pk_err_sys(err, errno, "slab cache %s",
			    slab_caches[i].cache));
		if (r == 0)
			continue;
		snprintf(name, sizeof(name), "slab %s", slab_caches[i].cache);
		if (counts_add(c, name, v, slab_caches[i].kind) != 0)
			return (pk_err_set(err, ENOMEM, "counts: out of "
			    "memory"));
	}
	if ((r = slab_read(NETNS_CACHE, 1, &v)) < 0)
		return (pk_err_sys(err, errno, "slab cache %s", NETNS_CACHE));
	if (r == 1 && counts_add(c, "slab " NETNS_CACHE, v,
	    PK_COUNT_STACKS) != 0)
		return (pk_err_set(err, ENOMEM, "counts: out of memory"));
	return (sockstat_read(c, err));
}
