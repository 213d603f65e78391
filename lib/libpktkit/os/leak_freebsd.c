/*
 * leak_freebsd.c: the kernel object counts of a FreeBSD kernel.
 *
 * (Interface lists come from ifnet_freebsd.c.)  Counts are the items in
 * use in the UMA zones behind protocol control blocks and pf, as
 * vm.uma.<zone>.stats.current shows them.  The inpcb zones are shared
 * by every vnet; others (syncache, pf's) are made per vnet, and a name
 * already taken gets "_<n>" appended, so each count is the sum over a
 * zone's copies: a copy that stays after its vnet should have gone is
 * still counted.  Per-vnet counters such as net.inet.tcp.pcbcount are
 * left out: the checker reads its counts in two different stacks (the
 * machine's before the case, the private host's after), where they
 * cannot be compared.
 */
#include <sys/param.h>
#include <sys/sysctl.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_os.h"
#include "../leak/pk_leak.h"

/* The zones of the sockets a network test creates, and TCP's leftovers. */
static const char *const zones[] = {
	"tcp_inpcb", "udp_inpcb", "udplite_inpcb", "ripcb", "syncache",
};

#define	ZONE_NAME_MAX	(PK_COUNT_NAME_MAX - 5)	/* "uma " and NUL */

static int
wanted(const char *base)
{
	size_t i;

	if (strncmp(base, "pf_", 3) == 0)
		return (1);
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strcmp(base, zones[i]) == 0)
			return (1);
	return (0);
}

/*
 * The zone a sysctl name stands for ("syncache_3" is a copy of
 * "syncache"), or 0 if it is none we count.
 */
static int
zone_base(const char *ctlname, char *base, size_t size)
{
	const char *us;

	if (strlen(ctlname) >= size)
		return (0);
	snprintf(base, size, "%s", ctlname);
	if (wanted(base))
		return (1);
	if ((us = strrchr(ctlname, '_')) == NULL || us[1] == '\0' ||
	    strspn(us + 1, "0123456789") != strlen(us + 1))
		return (0);
	base[us - ctlname] = '\0';
	return (wanted(base));
}

static int
counts_add(struct pk_counts *c, const char *base, long long value)
{
	struct pk_count *nv;
	char name[PK_COUNT_NAME_MAX];
	size_t i;

	snprintf(name, sizeof(name), "uma %s", base);
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].name, name) == 0) {
			c->v[i].value += value;
			return (0);
		}
	}
	if ((nv = realloc(c->v, (c->n + 1) * sizeof(*nv))) == NULL)
		return (-1);
	c->v = nv;
	snprintf(c->v[c->n].name, sizeof(c->v[c->n].name), "%s", name);
	c->v[c->n].value = value;
	c->n++;
	return (0);
}

/* The name of the OID mib[0..len) ("vm.uma.tcp_inpcb"). */
static int
oid_name(const int *mib, u_int len, char *buf, size_t size)
{
	int q[CTL_MAXNAME + 2];

	q[0] = CTL_SYSCTL;
	q[1] = CTL_SYSCTL_NAME;
	memcpy(q + 2, mib, len * sizeof(int));
	return (sysctl(q, len + 2, buf, &size, NULL, 0));
}

/* The OID after mib[0..*len) in the tree, into next; its length. */
static int
oid_next(const int *mib, u_int len, int *next, u_int *nlen)
{
	int q[CTL_MAXNAME + 2];
	size_t size;

	q[0] = CTL_SYSCTL;
	q[1] = CTL_SYSCTL_NEXT;
	memcpy(q + 2, mib, len * sizeof(int));
	size = CTL_MAXNAME * sizeof(int);
	if (sysctl(q, len + 2, next, &size, NULL, 0) != 0)
		return (-1);
	*nlen = (u_int)(size / sizeof(int));
	return (0);
}

static int
zone_count(struct pk_counts *c, const char *ctlname, struct pk_err *err)
{
	char base[ZONE_NAME_MAX], name[256];
	size_t len;
	int cur;

	if (!zone_base(ctlname, base, sizeof(base)))
		return (0);
	snprintf(name, sizeof(name), "vm.uma.%s.stats.current", ctlname);
	len = sizeof(cur);
	if (sysctlbyname(name, &cur, &len, NULL, 0) != 0) {
		/* Destroyed since we listed it: nothing left to count. */
		if (errno == ENOENT)
			return (0);
		return (pk_err_sys(err, errno, "%s", name));
	}
	if (len != sizeof(cur))
		return (pk_err_set(err, EINVAL, "%s: %zu bytes", name, len));
	if (counts_add(c, base, cur) != 0)
		return (pk_err_set(err, ENOMEM, "counts: out of memory"));
	return (0);
}

/*
 * Walk vm.uma leaf by leaf; each time the zone changes, count it.
 */
int
pk_os_counts_read(struct pk_counts *c, struct pk_err *err)
{
	int uma[CTL_MAXNAME], cur[CTL_MAXNAME], next[CTL_MAXNAME];
	char name[256];
	size_t len;
	u_int ulen, clen, nlen;
	int zone;

	len = CTL_MAXNAME;
	if (sysctlnametomib("vm.uma", uma, &len) != 0)
		return (pk_err_sys(err, errno, "vm.uma"));
	ulen = (u_int)len;
	memcpy(cur, uma, ulen * sizeof(int));
	clen = ulen;
	zone = -1;
	while (oid_next(cur, clen, next, &nlen) == 0) {
		if (nlen <= ulen || memcmp(next, uma, ulen * sizeof(int)) != 0)
			break;
		if (next[ulen] != zone) {
			zone = next[ulen];
			if (oid_name(next, ulen + 1, name, sizeof(name)) != 0)
				return (pk_err_sys(err, errno, "vm.uma zone "
				    "name"));
			if (strncmp(name, "vm.uma.", 7) == 0 &&
			    zone_count(c, name + 7, err) != 0)
				return (-1);
		}
		memcpy(cur, next, nlen * sizeof(int));
		clen = nlen;
	}
	return (0);
}
