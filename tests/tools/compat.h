/*
 * compat.h: what the compatibility suites share.
 *
 * They replay, on Linux topologies built with the library, the command
 * lines FreeBSD's pf tests give the scapy scripts, with nftables rules
 * in pf's place, and assert what atf_check asserts there: the exit
 * status, and nothing on stdout or stderr.  The tools run inside the
 * case's vnets through the library's pk_run() (sh -c in the vnet), the
 * way the shell tests run them through jexec.
 *
 * Topologies follow the helpers of FreeBSD's pf test utilities:
 *
 *	rd	setup_router_dummy: tester (the case host) - router - a
 *		dummy next hop: the router forwards to a static neighbour
 *		(00:01:02:03:04:05) out of srv_r, whose peer srv_h is in
 *		the host, up and without an address, where --recvif
 *		sniffs.
 *	rs	setup_router_server: the same with a real server vnet
 *		owning the addresses behind the router.
 *
 *	tst_h (host)	192.0.2.2/24	2001:db8:42::2/64
 *	tst_r (router)	192.0.2.1/24	2001:db8:42::1/64
 *	srv_r (router)	198.51.100.1/24	2001:db8:43::1/64
 *	srv_h (host, rd) or srv_s (server, rs)
 *			198.51.100.2/24	2001:db8:43::2/64 (rs only)
 */
#ifndef COMPAT_H
#define COMPAT_H

#include <sys/stat.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "pktkit.h"

#define	DUMMY_MAC	"00:01:02:03:04:05"
#define	RULES_MAX	2048

/*
 * Negative checks wait out the tools' whole 3 s window; a shorter one
 * keeps the suite quick.  Every negative check follows a positive one
 * on the same path, which shows the packets take microseconds.
 */
#define	QUICK		"PKTKIT_DEADLINE_SCALE=0.3 "

struct topo {
	struct pk_vnet	*router;
	struct pk_vnet	*server;	/* rs only */
	struct pk_if	*tst_h, *tst_r;
	struct pk_if	*srv_r, *srv_h;	/* srv_h: the host's (rd) */
	struct pk_if	*srv_s;		/* the server's (rs) */
};

/*
 * The path of a tool: the build tree's (beside the test program's
 * source directory) when it is there, else the installed one (tests are
 * installed in $PREFIX/tests/pktkit/tools, tools in $PREFIX/bin), else
 * the name, for PATH.
 */
static inline const char *
tool(struct pk_tc *t, const char *name)
{
	static char path[4][1024];
	static int next;
	const char *srcdir;
	struct stat st;
	char *p;

	p = path[next++ % 4];
	srcdir = atf_tc_get_config_var_wd(pk_tc_atf(t), "srcdir", ".");
	snprintf(p, sizeof(path[0]), "%s/../../tools/%s/%s", srcdir, name,
	    name);
	if (stat(p, &st) == 0 && (st.st_mode & S_IXUSR) != 0)
		return (p);
	snprintf(p, sizeof(path[0]), "%s/../../../bin/%s", srcdir, name);
	if (stat(p, &st) == 0 && (st.st_mode & S_IXUSR) != 0)
		return (p);
	snprintf(p, sizeof(path[0]), "%s", name);
	return (p);
}

/* A helper program beside the test program. */
static inline const char *
tool_helper(struct pk_tc *t, const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s",
	    atf_tc_get_config_var_wd(pk_tc_atf(t), "srcdir", "."), name);
	return (path);
}

/*
 * Run a command line in v and check what atf_check -s exit:want checks
 * with the default output rules: the status, and empty stdout and
 * stderr.
 */
static inline void
check_run(struct pk_tc *t, struct pk_vnet *v, int want, const char *fmt,
    ...) __attribute__((__format__(__printf__, 4, 5)));

static inline void
check_run(struct pk_tc *t, struct pk_vnet *v, int want, const char *fmt,
    ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = pk_run(t, v, "%s", cmd);
	ATF_CHECK_EQ_MSG(st, want, "%s: exit %d, not %d; stderr: %s", cmd,
	    st, want, pk_errout(t));
	ATF_CHECK_STREQ_MSG(pk_errout(t), "", "%s: stderr", cmd);
	ATF_CHECK_STREQ_MSG(pk_out(t), "", "%s: stdout", cmd);
}

/* Load an nftables ruleset (replacing any earlier one) into v. */
static inline void
nft(struct pk_tc *t, struct pk_vnet *v, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static inline void
nft(struct pk_tc *t, struct pk_vnet *v, const char *fmt, ...)
{
	char text[RULES_MAX];
	struct pk_ruleset rs;
	va_list ap;
	int n;

	n = snprintf(text, sizeof(text), "flush ruleset\n");
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	va_end(ap);
	memset(&rs, 0, sizeof(rs));
	rs.nft = text;
	pk_fw(t, v, &rs);
}

/* A forward-chain ruleset for the router, policy accept. */
static inline void
fwd(struct pk_tc *t, struct pk_vnet *v, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static inline void
fwd(struct pk_tc *t, struct pk_vnet *v, const char *fmt, ...)
{
	char rules[RULES_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rules, sizeof(rules), fmt, ap);
	va_end(ap);
	nft(t, v, "table inet f { chain c { type filter hook forward "
	    "priority 0; policy accept; %s }; }\n", rules);
}
#define	FWD	fwd

/* The tester and router of both topologies. */
static inline void
topo_router(struct pk_tc *t, struct topo *tp)
{
	struct pk_epair *ep;

	memset(tp, 0, sizeof(*tp));
	tp->router = pk_vnet(t, "router");
	ep = pk_epair(t, NULL, tp->router);
	tp->tst_h = ep->a;
	tp->tst_r = ep->b;
	pk_addr(t, tp->tst_h, "192.0.2.2/24");
	pk_addr(t, tp->tst_h, "2001:db8:42::2/64");
	pk_addr(t, tp->tst_r, "192.0.2.1/24");
	pk_addr(t, tp->tst_r, "2001:db8:42::1/64");
	pk_forwarding(t, tp->router);
	pk_route(t, NULL, "198.51.100.0/24", "192.0.2.1");
	pk_route(t, NULL, "2001:db8:43::/64", "2001:db8:42::1");
}

/* setup_router_dummy_ipv4/6 */
static inline void
topo_rd(struct pk_tc *t, struct topo *tp)
{
	struct pk_epair *ep;

	topo_router(t, tp);
	ep = pk_epair(t, tp->router, NULL);
	tp->srv_r = ep->a;
	tp->srv_h = ep->b;
	pk_addr(t, tp->srv_r, "198.51.100.1/24");
	pk_addr(t, tp->srv_r, "2001:db8:43::1/64");
	pk_neigh(t, tp->srv_r, "198.51.100.2", DUMMY_MAC);
	pk_neigh(t, tp->srv_r, "2001:db8:43::2", DUMMY_MAC);
}

/* setup_router_server_ipv4/6 */
static inline void
topo_rs(struct pk_tc *t, struct topo *tp)
{
	struct pk_epair *ep;

	topo_router(t, tp);
	tp->server = pk_vnet(t, "server");
	ep = pk_epair(t, tp->router, tp->server);
	tp->srv_r = ep->a;
	tp->srv_s = ep->b;
	pk_addr(t, tp->srv_r, "198.51.100.1/24");
	pk_addr(t, tp->srv_r, "2001:db8:43::1/64");
	pk_addr(t, tp->srv_s, "198.51.100.2/24");
	pk_addr(t, tp->srv_s, "2001:db8:43::2/64");
	pk_route(t, tp->server, "default", "198.51.100.1");
	pk_route(t, tp->server, "default6", "2001:db8:43::1");
}

/*
 * A TCP listener on port in v (a discard service for tcp3way), running
 * until the case ends.  Returns when it listens: the helper says so
 * through a FIFO, waited on with a deadline.
 */
static inline void
listen_on(struct pk_tc *t, struct pk_vnet *v, int port)
{
	static int n;
	char fifo[600], cwd[512], buf[8];
	struct pollfd pfd;
	ssize_t got;
	int fd, rc;

	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(fifo, sizeof(fifo), "%s/listen%d.fifo", cwd, n++);
	ATF_REQUIRE_MSG(mkfifo(fifo, 0600) == 0, "mkfifo %s", fifo);
	ATF_REQUIRE((fd = open(fifo, O_RDONLY | O_NONBLOCK)) != -1);
	pk_spawn(t, v, "exec %s %d %s", tool_helper(t, "listen_helper"),
	    port, fifo);
	pfd.fd = fd;
	pfd.events = POLLIN;
	rc = poll(&pfd, 1, (int)pk_deadline_ms(5000));
	ATF_REQUIRE_MSG(rc == 1, "listen_helper %d did not get ready", port);
	got = read(fd, buf, sizeof(buf));
	ATF_REQUIRE_MSG(got == 6, "listen_helper %d: no ready", port);
	close(fd);
}

#define	IFN(ifp)	pk_if_name(ifp)

#endif /* !COMPAT_H */
