/*
 * leak_linux.c: the kernel object counts of a Linux kernel.
 *
 * (Interface lists come from rtnl_linux.c's link dump.)  Counts come from the slab caches that back sockets and from the global
 * lines of /proc/net/sockstat.  A slab's "objects" file counts slots in
 * partly used slabs, not live objects, until the cache is shrunk; after
 * "1 > shrink" it is exact (measured on this kernel).  Caches the kernel
 * merged with others (an alias symlink) count unrelated objects too and
 * are left out.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_os.h"
#include "../leak/pk_leak.h"

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
