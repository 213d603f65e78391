/*
 * pk_atf.h: test cases in a few linear lines.
 *
 *	PK_TC(pass_icmp, "ICMP echo passes a firewall that allows it");
 *	PK_TC_BODY(pass_icmp, t)
 *	{
 *		struct pk_vnet *jail = pk_vnet(t, "alcatraz");
 *		struct pk_epair *ep = pk_epair(t, NULL, jail);
 *
 *		pk_addr(t, ep->a, "192.0.2.1/24");
 *		pk_addr(t, ep->b, "192.0.2.2/24");
 *		...
 *	}
 *
 *	ATF_TP_ADD_TCS(tp)
 *	{
 *		ATF_TP_ADD_TC(tp, pass_icmp);
 *		return (atf_no_error());
 *	}
 *
 * A case declared with PK_TC requires root, has a 60 s timeout and an
 * atf cleanup routine.  Before its body runs, the case snapshots the
 * machine's interfaces, moves into a private network stack of its own
 * (its "host", where everything the test calls host lives), and starts a
 * journal in its work directory.  After the body, it tears everything
 * down in reverse order, waits for the kernel to finish, and runs the
 * leak assertions (pk_leak.h); a leak fails the case with one line per
 * culprit.  The cleanup routine, which kyua runs in a fresh process even
 * after the body crashed or timed out, removes whatever the journal says
 * is left and exits non-zero (the case shows as broken) if something
 * could not be removed.
 *
 * Orphaned TCP sockets (closed by their process with data or a FIN still
 * unacknowledged) keep a vnet alive for minutes, and once teardown has
 * started nothing can reach that vnet any more.  So teardown, and the
 * cleanup routine, always destroy them, in the vnets and in the case
 * host, before letting go: a case leaves no debris either way.  A case
 * that leaves one fails all the same, with a "leak: " line naming the
 * socket (addresses, state, queues), unless it set .reap, in which case
 * the line is a note on stdout and the case passes.
 *
 * The teardown wait is on kernel events, with a deadline: the case's
 * .settle_ms, else the run's atf config variable pktkit_settle_ms (kyua:
 * -v test_suites.pktkit.pktkit_settle_ms=10000), else 5 s; whichever
 * applies is multiplied by PKTKIT_DEADLINE_SCALE from the environment.
 *
 * Every call below takes the case and fails it, with the file and line
 * of the call and the library's message, on error; test code has no
 * error handling.  The test's own assertions use atf-c's (ATF_REQUIRE,
 * ATF_CHECK_EQ...) as usual.
 */
#ifndef PK_ATF_H
#define PK_ATF_H

#include <stdarg.h>

#include <atf-c.h>

#include "../sandbox/pk_sandbox.h"

struct pk_tc;

/*
 * What a case may change from the defaults, given to PK_TC_CONF.
 */
struct pk_tc_conf {
	const char	*descr;
	unsigned	 timeout;	/* seconds, 0: 60 */
	/*
	 * The case runs alone, so the leak check compares global kernel
	 * object counts.  kyua must also run its program exclusively:
	 * list the program in EXCLUSIVE_TESTS in its Makefile.  Setting
	 * the atf config variable pktkit_exclusive=true (kyua: -v
	 * test_suites.pktkit.pktkit_exclusive=true) turns this on for a
	 * whole run executed with parallelism 1.  The counts are the whole
	 * machine's: anything else on it that opens sockets or makes
	 * network stacks meanwhile moves them too.
	 */
	int		 exclusive;
	/*
	 * Orphaned sockets found at teardown are expected: each one is
	 * destroyed (as always) and reported on stdout, instead of failing
	 * the case.
	 */
	int		 reap;
	/*
	 * Teardown deadline in ms, 0: the run's pktkit_settle_ms or 5000
	 * (see above).
	 */
	unsigned	 settle_ms;
	const char	*require_progs;	/* e.g. "nft", space separated */
};

/*
 * Declare a case with the defaults, or with some of them changed:
 *
 *	PK_TC_CONF(counts_return, "...", .exclusive = 1, .timeout = 120);
 *
 * and write its body with PK_TC_BODY(name, t).
 */
#define	PK_TC(name, descr)						\
	PK_TC_CONF(name, descr, .timeout = 0)

#define	PK_TC_CONF(name, descr_, ...)					\
	static const struct pk_tc_conf pk_tc_conf_##name = {		\
		.descr = (descr_), __VA_ARGS__				\
	};								\
	static void pk_tc_body_##name(struct pk_tc *);			\
	ATF_TC_WITH_CLEANUP(name);					\
	ATF_TC_HEAD(name, tc)						\
	{								\
		pk_tc_head(tc, &pk_tc_conf_##name);			\
	}								\
	ATF_TC_BODY(name, tc)						\
	{								\
		pk_tc_main(tc, &pk_tc_conf_##name, pk_tc_body_##name);	\
	}								\
	ATF_TC_CLEANUP(name, tc)					\
	{								\
		pk_tc_cleanup(tc, &pk_tc_conf_##name);			\
	}

#define	PK_TC_BODY(name, t)						\
	static void pk_tc_body_##name(struct pk_tc *t)

/*
 * Register n copies of one case, named name_1 ... name_n (numbers padded
 * to the same width), from ATF_TP_ADD_TCS; for soak tests that run a
 * case many times under kyua.  The body is written with PK_TC_BODY() and
 * name, conf and body must outlive the program's registration (statics).
 *
 *	static const struct pk_tc_conf soak_conf = { .descr = "..." };
 *	...
 *	return (pk_tc_add_repeated(tp, "clean", 1000, &soak_conf,
 *	    pk_tc_body_clean));
 */
atf_error_t	pk_tc_add_repeated(atf_tp_t *tp, const char *name,
		    unsigned n, const struct pk_tc_conf *conf,
		    void (*body)(struct pk_tc *));

/*
 * The machinery behind PK_TC; not called by tests directly.
 */
void	pk_tc_head(atf_tc_t *tc, const struct pk_tc_conf *conf);
void	pk_tc_main(const atf_tc_t *tc, const struct pk_tc_conf *conf,
	    void (*body)(struct pk_tc *));
void	pk_tc_cleanup(const atf_tc_t *tc, const struct pk_tc_conf *conf);

/*
 * Fail the case now with file:line and a formatted message.  Nothing
 * after it runs; the cleanup routine removes what the case made.
 */
#define	pk_fail(t, ...)							\
	pk_tc_fail((t), __FILE__, __LINE__, __VA_ARGS__)
void	pk_tc_fail(struct pk_tc *t, const char *file, int line,
	    const char *fmt, ...)
	    __attribute__((__format__(__printf__, 4, 5), __noreturn__));

/*
 * Fail the case with the message of a failed core call.
 */
void	pk_tc_fail_err(struct pk_tc *t, const char *file, int line,
	    const struct pk_err *err) __attribute__((__noreturn__));

/*
 * The atf test case, for atf-c calls and config variables.
 */
const atf_tc_t	*pk_tc_atf(struct pk_tc *t);

/*
 * The case's sandbox and host vnet, for core calls the layer does not
 * wrap.
 */
struct pk_sandbox	*pk_tc_sandbox(struct pk_tc *t);
#define	pk_host(t)	pk_sandbox_host(pk_tc_sandbox(t))

/*
 * Vnets and epairs.
 */
#define	pk_vnet(t, name)						\
	pk_tc_vnet((t), __FILE__, __LINE__, (name))
struct pk_vnet	*pk_tc_vnet(struct pk_tc *t, const char *file, int line,
		    const char *name);

/* Destroy a vnet before the case ends (teardown does it otherwise). */
#define	pk_vnet_gone(t, v)						\
	pk_tc_vnet_gone((t), __FILE__, __LINE__, (v))
void	pk_tc_vnet_gone(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v);

struct pk_epair {
	struct pk_if	*a;
	struct pk_if	*b;
};

/*
 * An epair with end a in va and end b in vb (NULL: the case host).
 * The returned pair belongs to the case.
 */
#define	pk_epair(t, va, vb)						\
	pk_tc_epair((t), __FILE__, __LINE__, (va), (vb))
struct pk_epair	*pk_tc_epair(struct pk_tc *t, const char *file, int line,
		    struct pk_vnet *va, struct pk_vnet *vb);

#define	pk_ifnamed(t, v, name)						\
	pk_tc_ifnamed((t), __FILE__, __LINE__, (v), (name))
struct pk_if	*pk_tc_ifnamed(struct pk_tc *t, const char *file, int line,
		    struct pk_vnet *v, const char *name);

#define	pk_move(t, ifp, v)						\
	pk_tc_move((t), __FILE__, __LINE__, (ifp), (v))
void	pk_tc_move(struct pk_tc *t, const char *file, int line,
	    struct pk_if *ifp, struct pk_vnet *v);

/*
 * Interface configuration.
 */
#define	pk_up(t, ifp)							\
	pk_tc_up((t), __FILE__, __LINE__, (ifp), 1)
#define	pk_down(t, ifp)							\
	pk_tc_up((t), __FILE__, __LINE__, (ifp), 0)
void	pk_tc_up(struct pk_tc *t, const char *file, int line,
	    struct pk_if *ifp, int up);

#define	pk_mtu(t, ifp, mtu)						\
	pk_tc_mtu((t), __FILE__, __LINE__, (ifp), (mtu))
void	pk_tc_mtu(struct pk_tc *t, const char *file, int line,
	    struct pk_if *ifp, unsigned mtu);

#define	pk_addr(t, ifp, cidr)						\
	pk_tc_addr((t), __FILE__, __LINE__, (ifp), (cidr))
void	pk_tc_addr(struct pk_tc *t, const char *file, int line,
	    struct pk_if *ifp, const char *cidr);

/*
 * A route in v to dst ("default", "default6", a prefix) via gateway gw
 * (pk_route) or out of interface ifp (pk_route_if).
 */
#define	pk_route(t, v, dst, gw)						\
	pk_tc_route((t), __FILE__, __LINE__, (v), (dst), (gw), NULL)
#define	pk_route_if(t, v, dst, ifp)					\
	pk_tc_route((t), __FILE__, __LINE__, (v), (dst), NULL, (ifp))
void	pk_tc_route(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, const char *dst, const char *gw,
	    struct pk_if *ifp);

#define	pk_neigh(t, ifp, ip, mac)					\
	pk_tc_neigh((t), __FILE__, __LINE__, (ifp), (ip), (mac))
void	pk_tc_neigh(struct pk_tc *t, const char *file, int line,
	    struct pk_if *ifp, const char *ip, const char *mac);

#define	pk_sysctl(t, v, name, value)					\
	pk_tc_sysctl((t), __FILE__, __LINE__, (v), (name), (value))
void	pk_tc_sysctl(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, const char *name, const char *value);

#define	pk_forwarding(t, v)						\
	pk_tc_forwarding((t), __FILE__, __LINE__, (v))
void	pk_tc_forwarding(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v);

/*
 * A protocol statistic of v (see pk_vnet_stat()), e.g.
 * pk_stat(t, router, "Ip.ReasmFails").
 */
#define	pk_stat(t, v, name)						\
	pk_tc_stat((t), __FILE__, __LINE__, (v), (name))
uint64_t pk_tc_stat(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, const char *name);

/*
 * Wait up to ms for a statistic of v to reach at least min (see
 * pk_vnet_stat_wait()); fail the case if it does not.  Returns the
 * value reached.
 */
#define	pk_stat_wait(t, v, name, min, ms)				\
	pk_tc_stat_wait((t), __FILE__, __LINE__, (v), (name), (min), (ms))
uint64_t pk_tc_stat_wait(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, const char *name, uint64_t min, unsigned ms);

/*
 * Load a firewall ruleset into v (see struct pk_ruleset).
 */
#define	pk_fw(t, v, rs)							\
	pk_tc_fw((t), __FILE__, __LINE__, (v), (rs))
void	pk_tc_fw(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, const struct pk_ruleset *rs);

/*
 * Commands in a vnet, given as a printf format run by /bin/sh -c.
 *
 * pk_run() returns the command's exit status (-1 if killed by a signal)
 * and keeps its output, for pk_out() and pk_errout(), until the next
 * command.  pk_run_ok() fails the case unless the command exits 0 with
 * nothing on stderr, and returns its stdout.
 */
#define	pk_run(t, v, ...)						\
	pk_tc_run((t), __FILE__, __LINE__, (v), __VA_ARGS__)
int	pk_tc_run(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 5, 6)));
#define	pk_run_ok(t, v, ...)						\
	pk_tc_run_ok((t), __FILE__, __LINE__, (v), __VA_ARGS__)
const char	*pk_tc_run_ok(struct pk_tc *t, const char *file, int line,
		    struct pk_vnet *v, const char *fmt, ...)
		    __attribute__((__format__(__printf__, 5, 6)));
const char	*pk_out(struct pk_tc *t);
const char	*pk_errout(struct pk_tc *t);

/*
 * Start a command in a vnet in the background; teardown kills it.
 */
#define	pk_spawn(t, v, ...)						\
	pk_tc_spawn((t), __FILE__, __LINE__, (v), __VA_ARGS__)
struct pk_proc	*pk_tc_spawn(struct pk_tc *t, const char *file, int line,
		    struct pk_vnet *v, const char *fmt, ...)
		    __attribute__((__format__(__printf__, 5, 6)));

/*
 * Run fn(arg) in a child attached to v; fails the case unless fn
 * returns 0.
 */
#define	pk_call(t, v, fn, arg)						\
	pk_tc_call((t), __FILE__, __LINE__, (v), (fn), (arg))
void	pk_tc_call(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, int (*fn)(void *), void *arg);

/*
 * Wire: send, sniff and expect (see pk_wire.h).  A case has one wire
 * context, opened on first use and closed with the case; every
 * returned packet and sniffer belongs to the case.
 *
 * A failed expectation fails the case with one line: the expectation,
 * then "N packets seen, pcaps in DIR".  Before that it prints to stderr
 * every sniffer of the case with each packet it saw (one dissected line
 * each), and saves each sniffer's log as a pcap file in DIR: the atf
 * config variable pktkit_evidence_dir (kyua: -v
 * test_suites.pktkit.pktkit_evidence_dir=/path), else the environment
 * variable PKTKIT_EVIDENCE_DIR, else the case's work directory.  File
 * names start with the case's name.
 *
 * Deadlines (ms) are nominal and scaled by PKTKIT_DEADLINE_SCALE.
 */
#include "../wire/pk_wire.h"

/* The case's wire context, for core calls the layer does not wrap. */
#define	pk_wire(t)							\
	pk_tc_wire((t), __FILE__, __LINE__)
struct pk_wire	*pk_tc_wire(struct pk_tc *t, const char *file, int line);

/*
 * A sniffer on ifp, live when this returns: pk_sniff() in both
 * directions, pk_sniff_with() with struct pk_sniff_conf members:
 *
 *	s = pk_sniff_with(t, ep->b, "ip", .dir = PK_DIR_IN,
 *	    .reassemble = 1);
 */
#define	pk_sniff(t, ifp, filter)					\
	pk_tc_sniff((t), __FILE__, __LINE__, (ifp), (filter), NULL)
#define	pk_sniff_with(t, ifp, filter, ...)				\
	pk_tc_sniff((t), __FILE__, __LINE__, (ifp), (filter),		\
	    &(const struct pk_sniff_conf){ __VA_ARGS__ })
struct pk_sniffer *pk_tc_sniff(struct pk_tc *t, const char *file, int line,
		    struct pk_if *ifp, const char *filter,
		    const struct pk_sniff_conf *conf);

/*
 * Send a packet on ifp (link layer, next hop resolved in ifp's vnet), a
 * frame as it is, or an L3 packet through v's IP stack (v NULL: the
 * host).
 */
#define	pk_send(t, ifp, pkt)						\
	pk_tc_send((t), __FILE__, __LINE__, (ifp), (pkt))
void	pk_tc_send(struct pk_tc *t, const char *file, int line,
	    struct pk_if *ifp, pk_pkt_t pkt);
#define	pk_send_raw(t, ifp, frame, len)					\
	pk_tc_send_raw((t), __FILE__, __LINE__, (ifp), (frame), (len))
void	pk_tc_send_raw(struct pk_tc *t, const char *file, int line,
	    struct pk_if *ifp, const void *frame, size_t len);
#define	pk_send_l3(t, v, pkt)						\
	pk_tc_send_l3((t), __FILE__, __LINE__, (v), (pkt))
void	pk_tc_send_l3(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, pk_pkt_t pkt);

/*
 * Expectations on sniffer s (see pk_sniff_expect()).  pk_expect()
 * returns the matching packet, dissected.  pk_expect_pred() also needs
 * pred(d, arg) to return non-zero.  pk_expect_none() watches for ms;
 * pk_expect_none_until() stops as soon as a packet matching sentinel
 * arrives after the case's first send since its previous expectation,
 * and fails if none comes by the deadline.  pk_expect_n() checks that
 * exactly n packets match, watching for ms or until a sentinel.
 */
#define	pk_expect(t, s, filter, ms)					\
	pk_tc_expect((t), __FILE__, __LINE__, (s), (filter), NULL,	\
	    NULL, (ms))
#define	pk_expect_pred(t, s, filter, pred, arg, ms)			\
	pk_tc_expect((t), __FILE__, __LINE__, (s), (filter), (pred),	\
	    (arg), (ms))
const struct pk_dpkt *pk_tc_expect(struct pk_tc *t, const char *file,
		    int line, struct pk_sniffer *s, const char *filter,
		    pk_pred *pred, void *arg, unsigned ms);

#define	pk_expect_none(t, s, filter, ms)				\
	pk_tc_expect_none((t), __FILE__, __LINE__, (s), (filter), NULL,	\
	    (ms))
#define	pk_expect_none_until(t, s, filter, sentinel, ms)		\
	pk_tc_expect_none((t), __FILE__, __LINE__, (s), (filter),	\
	    (sentinel), (ms))
void	pk_tc_expect_none(struct pk_tc *t, const char *file, int line,
	    struct pk_sniffer *s, const char *filter, const char *sentinel,
	    unsigned ms);

#define	pk_expect_n(t, s, filter, n, ms)				\
	pk_tc_expect_n((t), __FILE__, __LINE__, (s), (filter), (n), NULL, \
	    (ms))
#define	pk_expect_n_until(t, s, filter, n, sentinel, ms)		\
	pk_tc_expect_n((t), __FILE__, __LINE__, (s), (filter), (n),	\
	    (sentinel), (ms))
void	pk_tc_expect_n(struct pk_tc *t, const char *file, int line,
	    struct pk_sniffer *s, const char *filter, unsigned n,
	    const char *sentinel, unsigned ms);

/*
 * Send a probe on ifp and return its answer coming in on ifp (see
 * pk_wire_request()); pk_ping() sends an ICMP or ICMPv6 echo request
 * to dst and returns the reply, within PK_WIRE_MS_DEFAULT.
 */
#define	pk_request(t, ifp, pkt, ms)					\
	pk_tc_request((t), __FILE__, __LINE__, (ifp), (pkt), (ms))
const struct pk_dpkt *pk_tc_request(struct pk_tc *t, const char *file,
		    int line, struct pk_if *ifp, pk_pkt_t pkt, unsigned ms);
#define	pk_ping(t, ifp, dst)						\
	pk_tc_ping((t), __FILE__, __LINE__, (ifp), (dst))
const struct pk_dpkt *pk_tc_ping(struct pk_tc *t, const char *file,
		    int line, struct pk_if *ifp, const char *dst);

/*
 * Topologies most tests start from, with IPv4 and IPv6 addresses from
 * the documentation ranges, written into the structure as strings.
 *
 * pk_topo_pair(): the case host and one vnet "peer" joined by an epair:
 *	client_if (host)	192.0.2.1/24	2001:db8::1/64
 *	server_if (peer)	192.0.2.2/24	2001:db8::2/64
 * pk_topo_router(): client (the case host) - vnet "router" - vnet
 * "server", forwarding on the router, default routes on both ends:
 *	client_if (host)	192.0.2.1/24	2001:db8:1::1/64
 *	router_in (router)	192.0.2.2/24	2001:db8:1::2/64
 *	router_out (router)	198.51.100.1/24	2001:db8:2::1/64
 *	server_if (server)	198.51.100.2/24	2001:db8:2::2/64
 * Both resolve the IPv6 neighbours on each link, both ways, before they
 * return: a solicitation sent right after an address was added can be
 * dropped, and the kernel tries again only a second later.
 */
struct pk_topo {
	struct pk_vnet	*router;	/* NULL for a pair */
	struct pk_vnet	*server;
	struct pk_if	*client_if;
	struct pk_if	*router_in;	/* NULL for a pair */
	struct pk_if	*router_out;	/* NULL for a pair */
	struct pk_if	*server_if;
	const char	*client4, *client6;
	const char	*router_in4, *router_in6;
	const char	*router_out4, *router_out6;
	const char	*server4, *server6;
};
#define	pk_topo_pair(t, topo)						\
	pk_tc_topo_pair((t), __FILE__, __LINE__, (topo))
void	pk_tc_topo_pair(struct pk_tc *t, const char *file, int line,
	    struct pk_topo *topo);
#define	pk_topo_router(t, topo)						\
	pk_tc_topo_router((t), __FILE__, __LINE__, (topo))
void	pk_tc_topo_router(struct pk_tc *t, const char *file, int line,
	    struct pk_topo *topo);

/*
 * Firewall states (see pk_fw_state_list()).  The members of a struct
 * pk_fw_match are given as designated initializers; none means every
 * state:
 *
 *	ATF_CHECK_EQ(pk_fw_count(t, jail, .src = "192.0.2.1"), 1);
 *	s = pk_fw_states(t, jail, &n, .proto = IPPROTO_TCP);
 *	ATF_CHECK_EQ(pk_fw_kill(t, jail, .label = "foo"), 1);
 *
 * pk_fw_states() returns an array that belongs to the case (NULL when
 * n is 0).  pk_fw_expect_count() fails the case unless exactly n states
 * match, listing every state of the vnet in the message.
 */
#define	pk_fw_count(t, v, ...)						\
	pk_tc_fw_count((t), __FILE__, __LINE__, (v),			\
	    &(const struct pk_fw_match){ __VA_ARGS__ })
size_t	pk_tc_fw_count(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, const struct pk_fw_match *m);
#define	pk_fw_states(t, v, np, ...)					\
	pk_tc_fw_states((t), __FILE__, __LINE__, (v), (np),		\
	    &(const struct pk_fw_match){ __VA_ARGS__ })
const struct pk_fw_state *pk_tc_fw_states(struct pk_tc *t, const char *file,
		    int line, struct pk_vnet *v, size_t *np,
		    const struct pk_fw_match *m);
#define	pk_fw_kill(t, v, ...)						\
	pk_tc_fw_kill((t), __FILE__, __LINE__, (v),			\
	    &(const struct pk_fw_match){ __VA_ARGS__ })
size_t	pk_tc_fw_kill(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, const struct pk_fw_match *m);
#define	pk_fw_expect_count(t, v, n, ...)				\
	pk_tc_fw_expect_count((t), __FILE__, __LINE__, (v), (n),	\
	    &(const struct pk_fw_match){ __VA_ARGS__ })
void	pk_tc_fw_expect_count(struct pk_tc *t, const char *file, int line,
	    struct pk_vnet *v, size_t n, const struct pk_fw_match *m);

#endif /* !PK_ATF_H */
