/*
 * tc_sandbox.c: the sandbox calls as a test case makes them: same
 * arguments, the case instead of an error record, failure at file:line.
 */
#include <sys/wait.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_atf.h"
#include "pk_atf_impl.h"

#define	FAIL_IF(t, call, err)						\
	do {								\
		if ((call) != 0)					\
			pk_tc_fail_err((t), file, line, (err));		\
	} while (0)

void
pk_tc_own(struct pk_tc *t, void *p)
{
	void **n;

	n = realloc(t->owned, (t->nowned + 1) * sizeof(*n));
	if (n == NULL) {
		free(p);
		atf_tc_fail("pktkit: out of memory");
	}
	t->owned = n;
	t->owned[t->nowned++] = p;
}

void
pk_tc_free_owned(struct pk_tc *t)
{
	size_t i;

	for (i = 0; i < t->nowned; i++)
		free(t->owned[i]);
	free(t->owned);
	t->owned = NULL;
	t->nowned = 0;
	pk_run_result_free(&t->last);
}

struct pk_vnet *
pk_tc_vnet(struct pk_tc *t, const char *file, int line, const char *name)
{
	struct pk_vnet *v;
	struct pk_err err;

	FAIL_IF(t, pk_vnet_create(t->sb, name, &v, &err), &err);
	return (v);
}

struct pk_epair *
pk_tc_epair(struct pk_tc *t, const char *file, int line, struct pk_vnet *va,
    struct pk_vnet *vb)
{
	struct pk_epair *ep;
	struct pk_err err;

	if ((ep = calloc(1, sizeof(*ep))) == NULL)
		pk_tc_fail(t, file, line, "epair: out of memory");
	pk_tc_own(t, ep);
	FAIL_IF(t, pk_epair_create(t->sb, va, vb, &ep->a, &ep->b, &err),
	    &err);
	return (ep);
}

struct pk_if *
pk_tc_ifnamed(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const char *name)
{
	struct pk_if *ifp;
	struct pk_err err;

	if (v == NULL)
		v = pk_sandbox_host(t->sb);
	if ((ifp = pk_if_lookup(v, name, &err)) == NULL)
		pk_tc_fail_err(t, file, line, &err);
	return (ifp);
}

void
pk_tc_move(struct pk_tc *t, const char *file, int line, struct pk_if *ifp,
    struct pk_vnet *v)
{
	struct pk_err err;

	if (v == NULL)
		v = pk_sandbox_host(t->sb);
	FAIL_IF(t, pk_if_move(ifp, v, &err), &err);
}

void
pk_tc_up(struct pk_tc *t, const char *file, int line, struct pk_if *ifp,
    int up)
{
	struct pk_err err;

	FAIL_IF(t, pk_if_up(ifp, up, &err), &err);
}

void
pk_tc_mtu(struct pk_tc *t, const char *file, int line, struct pk_if *ifp,
    unsigned mtu)
{
	struct pk_err err;

	FAIL_IF(t, pk_if_mtu(ifp, mtu, &err), &err);
}

void
pk_tc_addr(struct pk_tc *t, const char *file, int line, struct pk_if *ifp,
    const char *cidr)
{
	struct pk_err err;

	FAIL_IF(t, pk_addr_add(ifp, cidr, &err), &err);
}

void
pk_tc_route(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const char *dst, const char *gw, struct pk_if *ifp)
{
	struct pk_err err;

	if (v == NULL)
		v = pk_sandbox_host(t->sb);
	FAIL_IF(t, pk_route_add(v, dst, gw, ifp, &err), &err);
}

void
pk_tc_neigh(struct pk_tc *t, const char *file, int line, struct pk_if *ifp,
    const char *ip, const char *mac)
{
	struct pk_err err;

	FAIL_IF(t, pk_neigh_add(ifp, ip, mac, &err), &err);
}

void
pk_tc_sysctl(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const char *name, const char *value)
{
	struct pk_err err;

	if (v == NULL)
		v = pk_sandbox_host(t->sb);
	FAIL_IF(t, pk_sysctl_set(v, name, value, &err), &err);
}

void
pk_tc_forwarding(struct pk_tc *t, const char *file, int line,
    struct pk_vnet *v)
{
	struct pk_err err;

	if (v == NULL)
		v = pk_sandbox_host(t->sb);
	FAIL_IF(t, pk_vnet_forwarding(v, 1, &err), &err);
}

uint64_t
pk_tc_stat(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const char *name)
{
	struct pk_err err;
	uint64_t val;

	if (v == NULL)
		v = pk_sandbox_host(t->sb);
	FAIL_IF(t, pk_vnet_stat(v, name, &val, &err), &err);
	return (val);
}

void
pk_tc_fw(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const struct pk_ruleset *rs)
{
	struct pk_err err;

	if (v == NULL)
		v = pk_sandbox_host(t->sb);
	FAIL_IF(t, pk_fw_load(v, rs, &err), &err);
}

static char	*tc_vformat(struct pk_tc *, const char *, int, const char *,
		    va_list) __attribute__((__format__(__printf__, 4, 0)));
static int	 tc_vrun(struct pk_tc *, const char *, int, struct pk_vnet *,
		    const char *, va_list, const char **)
		    __attribute__((__format__(__printf__, 5, 0)));

/*
 * Format a command line; the result belongs to the case.
 */
static char *
tc_vformat(struct pk_tc *t, const char *file, int line, const char *fmt,
    va_list ap)
{
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		pk_tc_fail(t, file, line, "command: out of memory");
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	pk_tc_own(t, s);
	return (s);
}

static int
tc_vrun(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const char *fmt, va_list ap, const char **cmdp)
{
	char *argv[4];
	struct pk_err err;
	char *cmd;

	if (v == NULL)
		v = pk_sandbox_host(t->sb);
	cmd = tc_vformat(t, file, line, fmt, ap);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = cmd;
	argv[3] = NULL;
	pk_run_result_free(&t->last);
	FAIL_IF(t, pk_vnet_run(v, argv, NULL, &t->last, &err), &err);
	*cmdp = cmd;
	if (WIFEXITED(t->last.status))
		return (WEXITSTATUS(t->last.status));
	return (-1);
}

int
pk_tc_run(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const char *fmt, ...)
{
	const char *cmd;
	va_list ap;
	int status;

	va_start(ap, fmt);
	status = tc_vrun(t, file, line, v, fmt, ap, &cmd);
	va_end(ap);
	return (status);
}

/*
 * The first line of s, for a one-line failure message.
 */
static int
first_line_len(const char *s)
{
	size_t n;

	n = strcspn(s, "\n");
	return (n > 300 ? 300 : (int)n);
}

const char *
pk_tc_run_ok(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const char *fmt, ...)
{
	const char *cmd, *e;
	va_list ap;
	int status;

	va_start(ap, fmt);
	status = tc_vrun(t, file, line, v, fmt, ap, &cmd);
	va_end(ap);
	e = t->last.errout != NULL ? t->last.errout : "";
	if (status != 0)
		pk_tc_fail(t, file, line, "'%s' in %s exited %d: %.*s", cmd,
		    pk_vnet_name(v != NULL ? v : pk_sandbox_host(t->sb)),
		    status, first_line_len(e), e);
	if (t->last.errlen > 0)
		pk_tc_fail(t, file, line, "'%s' wrote to stderr: %.*s", cmd,
		    first_line_len(e), e);
	return (pk_out(t));
}

const char *
pk_out(struct pk_tc *t)
{

	return (t->last.out != NULL ? t->last.out : "");
}

const char *
pk_errout(struct pk_tc *t)
{

	return (t->last.errout != NULL ? t->last.errout : "");
}

struct pk_proc *
pk_tc_spawn(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const char *fmt, ...)
{
	char *argv[4];
	struct pk_proc *p;
	struct pk_err err;
	va_list ap;

	if (v == NULL)
		v = pk_sandbox_host(t->sb);
	va_start(ap, fmt);
	argv[2] = tc_vformat(t, file, line, fmt, ap);
	va_end(ap);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[3] = NULL;
	FAIL_IF(t, pk_vnet_spawn(v, argv, &p, &err), &err);
	return (p);
}

void
pk_tc_call(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    int (*fn)(void *), void *arg)
{
	struct pk_err err;
	int status;

	if (v == NULL)
		v = pk_sandbox_host(t->sb);
	FAIL_IF(t, pk_vnet_call(v, fn, arg, &status, &err), &err);
	if (!WIFEXITED(status))
		pk_tc_fail(t, file, line, "function in %s died of signal %d",
		    pk_vnet_name(v), WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		pk_tc_fail(t, file, line, "function in %s returned %d",
		    pk_vnet_name(v), WEXITSTATUS(status));
}
