/*
 * topo_helper: cases that build everything a case can build, then die in
 * every way a body can die (or finish cleanly), for crash_test and
 * own_test to run and judge.  Not listed in the Kyuafile: run under kyua
 * on its own, the crash_ cases break on purpose.
 */
#define	_GNU_SOURCE
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "pktkit.h"
#include "helper.h"

static const char ruleset[] =
    "table inet filter {\n"
    "  chain input {\n"
    "    type filter hook input priority 0; policy accept;\n"
    "    ip saddr 198.51.100.0/24 drop\n"
    "  }\n"
    "}\n";

/*
 * A process in a session of its own (setsid), so that a kill of the
 * body's process group does not reach it.  It says so on a FIFO once it
 * is there; we wait for that line, with a deadline.
 */
static void
spawn_escaper(struct pk_tc *t, struct pk_vnet *v)
{
	struct pollfd pfd;
	char buf[8];
	int rc;

	if (mkfifo("escaped", 0600) != 0 ||
	    (pfd.fd = open("escaped", O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
		pk_fail(t, "fifo: %s", strerror(errno));
	pk_spawn(t, v, "exec setsid sh -c 'echo up; exec sleep 86393' "
	    ">escaped");
	pfd.events = POLLIN;
	do
		rc = poll(&pfd, 1, (int)pk_deadline_ms(10000));
	while (rc < 0 && errno == EINTR);
	if (rc <= 0 || read(pfd.fd, buf, sizeof(buf)) <= 0)
		pk_fail(t, "the escaper never said it was up");
	close(pfd.fd);
}

/*
 * Two vnets joined by an epair, an epair from the host to each and one
 * within the host, IPv4 and IPv6 addresses, routes, a firewall, and
 * processes: one in a vnet, one in the host, and one in a session of its
 * own, which a process-group kill (kyua's) does not reach.
 */
static void
build_everything(struct pk_tc *t)
{
	struct pk_ruleset rs = { .nft = ruleset, .pf = NULL };
	struct pk_vnet *a, *r;
	struct pk_epair *ar, *ha, *hr, *hh;

	a = pk_vnet(t, "alcatraz");
	r = pk_vnet(t, "router");
	ar = pk_epair(t, a, r);
	ha = pk_epair(t, NULL, a);
	hr = pk_epair(t, NULL, r);
	hh = pk_epair(t, NULL, NULL);
	pk_addr(t, ar->a, "192.0.2.1/24");
	pk_addr(t, ar->b, "192.0.2.2/24");
	pk_addr(t, ar->a, "2001:db8::1/64");
	pk_addr(t, ar->b, "2001:db8::2/64");
	pk_addr(t, ha->a, "198.51.100.1/24");
	pk_addr(t, ha->b, "198.51.100.2/24");
	pk_addr(t, hr->a, "203.0.113.1/24");
	pk_addr(t, hr->b, "203.0.113.2/24");
	pk_addr(t, hh->a, "2001:db8:1::1/64");
	pk_route(t, a, "default", "192.0.2.2");
	pk_route(t, a, "default6", "2001:db8::2");
	pk_forwarding(t, r);
	pk_fw(t, r, &rs);
	pk_spawn(t, a, "exec sleep 86391");
	pk_spawn(t, NULL, "exec sleep 86392");
	spawn_escaper(t, r);
}

/* Block until killed: what a body stuck past its timeout does. */
static void
wait_to_be_killed(void)
{

	for (;;)
		(void)poll(NULL, 0, -1);
}

PK_TC_CONF(crash_segfault, "builds everything, then dereferences NULL",
    .require_progs = "nft");
PK_TC_BODY(crash_segfault, t)
{
	volatile int *volatile p = NULL;

	build_everything(t);
	helper_ready(t);
	*p = 1;
}

PK_TC_CONF(crash_abort, "builds everything, then aborts",
    .require_progs = "nft");
PK_TC_BODY(crash_abort, t)
{

	build_everything(t);
	helper_ready(t);
	abort();
}

PK_TC_CONF(crash_blocks, "builds everything, then waits to be killed",
    .require_progs = "nft");
PK_TC_BODY(crash_blocks, t)
{

	build_everything(t);
	helper_ready(t);
	wait_to_be_killed();
}

PK_TC_CONF(crash_timeout, "builds everything, then outlives its 2 s "
    "timeout", .require_progs = "nft", .timeout = 2);
PK_TC_BODY(crash_timeout, t)
{

	build_everything(t);
	helper_ready(t);
	wait_to_be_killed();
}

PK_TC_CONF(clean_everything, "builds everything and ends normally",
    .require_progs = "nft");
PK_TC_BODY(clean_everything, t)
{

	build_everything(t);
	helper_ready(t);
}

/*
 * An interface the body made by hand in the case host, named like the
 * framework's first epair: the framework takes the next unit, and
 * destroying its own epairs leaves that one alone.
 */
PK_TC(foreign_epair_in_the_host, "makes epair0a by hand; the framework's "
    "epairs skip it and their destruction leaves it alone");
PK_TC_BODY(foreign_epair_in_the_host, t)
{
	struct pk_epair *ep;
	struct pk_vnet *v;
	char *before;

	pk_run_ok(t, NULL, "ip link add epair0a type veth peer name epair0b");
	/* Index, flags and address: the same interface, untouched. */
	if ((before = strdup(pk_run_ok(t, NULL, "ip -o link show epair0a")))
	    == NULL)
		pk_fail(t, "out of memory");
	v = pk_vnet(t, "alcatraz");
	ep = pk_epair(t, NULL, v);
	ATF_CHECK_STREQ(pk_if_name(ep->a), "epair1a");
	ep = pk_epair(t, v, NULL);
	ATF_CHECK_STREQ(pk_if_name(ep->b), "epair2b");
	pk_vnet_gone(t, v);
	/* Both of the framework's epairs went with the vnet; ours did not. */
	ATF_CHECK_STREQ(pk_run_ok(t, NULL, "ip -o link show epair0a"), before);
	ATF_CHECK_EQ(pk_run(t, NULL, "ip link show epair1a"), 1);
	ATF_CHECK_EQ(pk_run(t, NULL, "ip link show epair2b"), 1);
	free(before);
	/* It is the test's, so the test removes it. */
	pk_run_ok(t, NULL, "ip link del epair0a");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, crash_segfault);
	ATF_TP_ADD_TC(tp, crash_abort);
	ATF_TP_ADD_TC(tp, crash_blocks);
	ATF_TP_ADD_TC(tp, crash_timeout);
	ATF_TP_ADD_TC(tp, clean_everything);
	ATF_TP_ADD_TC(tp, foreign_epair_in_the_host);
	return (atf_no_error());
}
