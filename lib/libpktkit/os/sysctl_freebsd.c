/*
 * sysctl_freebsd.c: running code inside a vnet, sysctls in a vnet, and
 * how pf rulesets are loaded.
 *
 * A sysctl answers for the vnet of the thread that asks: inside a jail
 * we are not in, a child attached to it asks and hands the answer back
 * over a pipe.  The sysctl tree is the same everywhere, so names are
 * turned into MIBs, and types looked up, in the parent.
 */
#include <sys/param.h>
#include <sys/jail.h>
#include <sys/sysctl.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os_freebsd.h"
#include "../sandbox/pk_sandbox.h"

#define	SYSCTL_TRIES	8
/* A child's exit status: fn's errno value, or this bit if it never ran. */
#define	NOT_IN		0x80

int
pk_fbsd_put(struct pk_fbsd_out *o, const void *p, size_t n)
{
	const char *c;
	size_t cap;
	ssize_t w;
	char *nb;

	if (o->fd >= 0) {
		for (c = p; n > 0; c += w, n -= (size_t)w) {
			if ((w = write(o->fd, c, n)) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				return (errno);
			}
		}
		return (0);
	}
	if (o->len + n + 1 > o->cap) {
		for (cap = o->cap == 0 ? 4096 : o->cap; o->len + n + 1 > cap;
		    cap *= 2)
			;
		if ((nb = realloc(o->buf, cap)) == NULL)
			return (ENOMEM);
		o->buf = nb;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return (0);
}

void
pk_fbsd_out_free(struct pk_fbsd_out *o)
{

	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

static int
drain(int fd, struct pk_fbsd_out *o, struct pk_err *err)
{
	char buf[8192];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return (0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return (pk_err_sys(err, errno, "read from jail child"));
		}
		if (pk_fbsd_put(o, buf, (size_t)n) != 0)
			return (pk_err_sys(err, ENOMEM, "jail child output"));
	}
}

int
pk_fbsd_call(struct pk_os_vnet *ov, int (*fn)(void *, struct pk_fbsd_out *),
    void *arg, struct pk_fbsd_out *out, struct pk_err *err)
{
	int p[2], st, rc;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (ov == NULL || pk_fbsd_here(ov))
		return (fn(arg, out));
	if (ov->released || ov->dying)
		return (pk_err_set(err, ESRCH, "%s is %s", ov->id,
		    ov->dying ? "dying" : "released"));
	if (pipe2(p, O_CLOEXEC) != 0)
		return (pk_err_sys(err, errno, "pipe"));
	if ((pid = fork()) < 0) {
		rc = errno;
		close(p[0]);
		close(p[1]);
		return (pk_err_sys(err, rc, "fork"));
	}
	if (pid == 0) {
		close(p[0]);
		if (jail_attach(ov->jid) != 0)
			_exit(NOT_IN | (errno & 0x7f));
		out->fd = p[1];
		_exit(fn(arg, out) & 0x7f);
	}
	close(p[1]);
	rc = drain(p[0], out, err);
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			pk_fbsd_out_free(out);
			return (pk_err_sys(err, errno, "waitpid"));
		}
	if (rc == 0 && !WIFEXITED(st))
		rc = pk_err_set(err, EIO, "child in %s died of signal %d",
		    ov->id, WTERMSIG(st));
	else if (rc == 0 && (WEXITSTATUS(st) & NOT_IN))
		rc = pk_err_sys(err, WEXITSTATUS(st) & 0x7f,
		    "attach to jail %d", ov->jid);
	else if (rc == 0)
		return (WEXITSTATUS(st));
	pk_fbsd_out_free(out);
	return (rc);
}

/*
 * Reading and writing by MIB, wherever the caller is.
 */

struct sysctl_req {
	const int	*mib;
	u_int		 len;
	const void	*newp;
	size_t		 newlen;
};

int
pk_fbsd_sysctl_here(const int *mib, u_int len, size_t slack, void **bufp,
    size_t *sizep)
{
	size_t size;
	char *buf;
	int tries, e;

	for (tries = 0; tries < SYSCTL_TRIES; tries++) {
		size = 0;
		if (sysctl(mib, len, NULL, &size, NULL, 0) != 0)
			return (errno);
		/* Room for what appears between the two calls. */
		size += size / 4 + slack;
		if ((buf = malloc(size)) == NULL)
			return (ENOMEM);
		if (sysctl(mib, len, buf, &size, NULL, 0) == 0) {
			*bufp = buf;
			*sizep = size;
			return (0);
		}
		e = errno;
		free(buf);
		if (e != ENOMEM)
			return (e);
	}
	return (ENOMEM);
}

static int
sysctl_read_fn(void *arg, struct pk_fbsd_out *o)
{
	struct sysctl_req *r;
	size_t size;
	void *buf;
	int e;

	r = arg;
	if ((e = pk_fbsd_sysctl_here(r->mib, r->len, 1024, &buf,
	    &size)) != 0)
		return (e);
	e = pk_fbsd_put(o, buf, size);
	free(buf);
	return (e);
}

static int
sysctl_write_fn(void *arg, struct pk_fbsd_out *o)
{
	struct sysctl_req *r;

	(void)o;
	r = arg;
	if (sysctl(r->mib, r->len, NULL, NULL, r->newp, r->newlen) != 0)
		return (errno);
	return (0);
}

int
pk_fbsd_sysctl_get(struct pk_os_vnet *ov, const int *mib, u_int len,
    void **bufp, size_t *sizep, struct pk_err *err)
{
	struct pk_fbsd_out out;
	struct sysctl_req r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.mib = mib;
	r.len = len;
	if ((rc = pk_fbsd_call(ov, sysctl_read_fn, &r, &out, err)) != 0) {
		pk_fbsd_out_free(&out);
		return (rc < 0 ? -1 : pk_err_sys(err, rc, "sysctl"));
	}
	if (out.buf == NULL && (out.buf = malloc(1)) == NULL)
		return (pk_err_sys(err, ENOMEM, "sysctl"));
	*bufp = out.buf;
	*sizep = out.len;
	return (0);
}

static int
sysctl_put(struct pk_os_vnet *ov, const int *mib, u_int len,
    const void *newp, size_t newlen, struct pk_err *err)
{
	struct pk_fbsd_out out;
	struct sysctl_req r;
	int rc;

	r.mib = mib;
	r.len = len;
	r.newp = newp;
	r.newlen = newlen;
	rc = pk_fbsd_call(ov, sysctl_write_fn, &r, &out, err);
	pk_fbsd_out_free(&out);
	if (rc != 0)
		return (rc < 0 ? -1 : pk_err_sys(err, rc, "sysctl"));
	return (0);
}

/*
 * By name, as sysctl(8) shows them.
 */

struct oid {
	int	mib[CTL_MAXNAME];
	u_int	len;
	u_int	kind;		/* CTLTYPE_ and flags */
};

static int
oid_lookup(const char *name, struct oid *o, struct pk_err *err)
{
	int q[CTL_MAXNAME + 2];
	char fmt[BUFSIZ];
	const char *p;
	size_t len;

	if (*name == '\0' || *name == '.')
		return (pk_err_set(err, EINVAL, "sysctl '%s': bad name", name));
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("_.%-", *p) == NULL)
			return (pk_err_set(err, EINVAL, "sysctl '%s': bad "
			    "character '%c'", name, *p));
	len = CTL_MAXNAME;
	if (sysctlnametomib(name, o->mib, &len) != 0) {
		if (errno == ENOENT)
			return (pk_err_set(err, ENOENT, "sysctl %s: no such "
			    "sysctl", name));
		return (pk_err_sys(err, errno, "sysctl %s", name));
	}
	o->len = (u_int)len;
	/* { 0, 4, mib... } answers the kind, then the format. */
	q[0] = CTL_SYSCTL;
	q[1] = CTL_SYSCTL_OIDFMT;
	memcpy(q + 2, o->mib, len * sizeof(int));
	len = sizeof(fmt);
	if (sysctl(q, o->len + 2, fmt, &len, NULL, 0) != 0 ||
	    len < sizeof(u_int))
		return (pk_err_sys(err, errno, "sysctl %s: type", name));
	memcpy(&o->kind, fmt, sizeof(u_int));
	if ((o->kind & CTLTYPE) == CTLTYPE_NODE)
		return (pk_err_set(err, EISDIR, "sysctl %s is a node, not a "
		    "value", name));
	return (0);
}

/* Size and signedness of a numeric type; 0 for strings and opaques. */
static size_t
num_size(u_int type, int *sgn)
{

	*sgn = 1;
	switch (type) {
	case CTLTYPE_S8:
		return (1);
	case CTLTYPE_S16:
		return (2);
	case CTLTYPE_INT:
	case CTLTYPE_S32:
		return (4);
	case CTLTYPE_LONG:
		return (sizeof(long));
	case CTLTYPE_S64:
		return (8);
	}
	*sgn = 0;
	switch (type) {
	case CTLTYPE_U8:
		return (1);
	case CTLTYPE_U16:
		return (2);
	case CTLTYPE_UINT:
	case CTLTYPE_U32:
		return (4);
	case CTLTYPE_ULONG:
		return (sizeof(unsigned long));
	case CTLTYPE_U64:
		return (8);
	}
	return (0);
}

static void
num_format(const unsigned char *p, size_t size, int sgn, char *buf,
    size_t bufsize)
{
	int8_t i8;
	int16_t i16;
	int32_t i32;
	int64_t i64;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size * 2 + (sgn != 0)) {
	case 3:
		memcpy(&i8, p, 1);
		snprintf(buf, bufsize, "%d", i8);
		break;
	case 2:
		memcpy(&u8, p, 1);
		snprintf(buf, bufsize, "%u", u8);
		break;
	case 5:
		memcpy(&i16, p, 2);
		snprintf(buf, bufsize, "%d", i16);
		break;
	case 4:
		memcpy(&u16, p, 2);
		snprintf(buf, bufsize, "%u", u16);
		break;
	case 9:
		memcpy(&i32, p, 4);
		snprintf(buf, bufsize, "%" PRId32, i32);
		break;
	case 8:
		memcpy(&u32, p, 4);
		snprintf(buf, bufsize, "%" PRIu32, u32);
		break;
	case 17:
		memcpy(&i64, p, 8);
		snprintf(buf, bufsize, "%" PRId64, i64);
		break;
	default:
		memcpy(&u64, p, 8);
		snprintf(buf, bufsize, "%" PRIu64, u64);
		break;
	}
}

/* The value as sysctl(8) prints it: numbers apart by spaces. */
static int
value_format(const char *name, u_int type, const unsigned char *v,
    size_t len, char *buf, size_t size, struct pk_err *err)
{
	char num[32];
	size_t n, off, used;
	int sgn;

	if (type == CTLTYPE_STRING) {
		n = strnlen((const char *)v, len);
		if (n >= size)
			return (pk_err_set(err, ENOSPC, "sysctl %s: value too "
			    "long", name));
		memcpy(buf, v, n);
		buf[n] = '\0';
		return (0);
	}
	if ((n = num_size(type, &sgn)) == 0)
		return (pk_err_set(err, ENOTSUP, "sysctl %s: not a number or "
		    "a string", name));
	buf[0] = '\0';
	used = 0;
	for (off = 0; off + n <= len; off += n) {
		num_format(v + off, n, sgn, num, sizeof(num));
		if (used + strlen(num) + 2 > size)
			return (pk_err_set(err, ENOSPC, "sysctl %s: value too "
			    "long", name));
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
		    used > 0 ? " " : "", num);
	}
	return (0);
}

static int
value_parse(const char *name, const char *value, u_int type,
    unsigned char *v, size_t *lenp, struct pk_err *err)
{
	union {
		uint8_t		u8;
		uint16_t	u16;
		uint32_t	u32;
		uint64_t	u64;
	} x;
	long long s;
	unsigned long long u;
	size_t n;
	char *end;
	int sgn;

	if ((n = num_size(type, &sgn)) == 0)
		return (pk_err_set(err, ENOTSUP, "sysctl %s: not a number",
		    name));
	errno = 0;
	if (sgn) {
		s = strtoll(value, &end, 0);
		if (n < 8 && (s < -(1LL << (n * 8 - 1)) ||
		    s >= (1LL << (n * 8 - 1))))
			errno = ERANGE;
		u = (unsigned long long)s;
	} else {
		u = strtoull(value, &end, 0);
		if (*value == '-' || (n < 8 && u >= (1ULL << (n * 8))))
			errno = ERANGE;
	}
	if (*value == '\0' || *end != '\0' || errno != 0)
		return (pk_err_set(err, EINVAL, "sysctl %s: '%s' is not a "
		    "%zu-byte %s number", name, value, n, sgn ? "signed" :
		    "unsigned"));
	/* Whatever the byte order: the value's own low bytes. */
	switch (n) {
	case 1:
		x.u8 = (uint8_t)u;
		break;
	case 2:
		x.u16 = (uint16_t)u;
		break;
	case 4:
		x.u32 = (uint32_t)u;
		break;
	default:
		x.u64 = (uint64_t)u;
		break;
	}
	memcpy(v, &x, n);
	*lenp = n;
	return (0);
}

int
pk_os_sysctl_get(struct pk_os_vnet *ov, const char *name, char *buf,
    size_t size, struct pk_err *err)
{
	struct oid o;
	size_t len;
	void *v;
	int rc;

	if (size == 0)
		return (pk_err_set(err, EINVAL, "sysctl %s: no room", name));
	if (oid_lookup(name, &o, err) != 0)
		return (-1);
	if (pk_fbsd_sysctl_get(ov, o.mib, o.len, &v, &len, err) != 0)
		return (pk_err_prefix(err, "sysctl %s", name));
	rc = value_format(name, o.kind & CTLTYPE, v, len, buf, size, err);
	free(v);
	return (rc);
}

int
pk_os_sysctl_set(struct pk_os_vnet *ov, const char *name, const char *value,
    struct pk_err *err)
{
	unsigned char v[8];
	struct oid o;
	size_t len;

	if (oid_lookup(name, &o, err) != 0)
		return (-1);
	if ((o.kind & CTLTYPE) == CTLTYPE_STRING) {
		if (sysctl_put(ov, o.mib, o.len, value, strlen(value) + 1,
		    err) != 0)
			return (pk_err_prefix(err, "sysctl %s=%s", name,
			    value));
		return (0);
	}
	if (value_parse(name, value, o.kind & CTLTYPE, v, &len, err) != 0)
		return (-1);
	if (sysctl_put(ov, o.mib, o.len, v, len, err) != 0)
		return (pk_err_prefix(err, "sysctl %s=%s", name, value));
	return (0);
}

int
pk_os_forwarding(struct pk_os_vnet *ov, int on, struct pk_err *err)
{
	struct pk_err e;
	const char *v;

	v = on ? "1" : "0";
	if (pk_os_sysctl_set(ov, "net.inet.ip.forwarding", v, err) != 0)
		return (-1);
	/* A kernel without IPv6 has nothing to forward there. */
	if (pk_os_sysctl_set(ov, "net.inet6.ip6.forwarding", v, &e) != 0 &&
	    e.code != ENOENT) {
		if (err != NULL)
			*err = e;
		return (-1);
	}
	return (0);
}

/*
 * pfctl -f - loads the ruleset; pf is then turned on unless it is on
 * already (a second "pfctl -e" fails), so that the rules take effect as
 * an nft ruleset does on Linux.
 */
#define	PF_LOAD	"/sbin/pfctl -f - || exit; " \
		"/sbin/pfctl -s info | grep -q '^Status: Enabled' || " \
		"exec /sbin/pfctl -q -e"

int
pk_os_fw_command(const struct pk_ruleset *rs, char *const **argvp,
    const char **textp, struct pk_err *err)
{
	static char *const pf_sh[] = { "/bin/sh", "-c", PF_LOAD, NULL };

	if (rs == NULL || rs->pf == NULL)
		return (pk_err_set(err, ENOTSUP, "no pf ruleset given (this "
		    "OS loads rules with pfctl)"));
	*argvp = pf_sh;
	*textp = rs->pf;
	return (0);
}
