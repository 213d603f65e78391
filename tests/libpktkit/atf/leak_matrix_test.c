/*
 * leak_matrix_test: every kind of leak a case can make fails that case,
 * with a report that names the culprit, and leaves nothing behind.
 *
 * Each test runs one case of leaky_helper through atf's own interface,
 * as kyua would, inside this case's private host: the helper's
 * "machine" is our case host, which our own leak check watches too.  It
 * checks the helper's result and stderr, runs its cleanup routine, and
 * compares what the helper could have left on its machine (pins and
 * mounts named after it, interfaces, processes) with what was there
 * before.  What the framework rightly refused to touch because it did
 * not make it (a process started behind its back, a mount the case made)
 * the test removes itself, once the report has named it.
 *
 * Listed in EXCLUSIVE_TESTS: one helper case compares global counts.
 */
#define	_GNU_SOURCE
#include "hrun.h"

#include <sys/mount.h>

#define	HELPER	"leaky_helper"

/*
 * Run a case to the end, cleanup included; *before is the machine as
 * it was just before the body started.
 */
static void
matrix_run(struct pk_tc *t, struct hrun *r, struct hstate *before,
    const char *tcname)
{

	hrun_subreaper();
	hrun_init(r, t, HELPER, tcname);
	hrun_start(r);
	hstate_take(before, r->pid, r->dir);
	hrun_go(r);
	hrun_wait(r);
	hrun_cleanup(r);
	hrun_cleanup_ok(r);
}

static void
matrix_clean(struct hrun *r, const struct hstate *before)
{
	struct hstate after;

	hstate_take(&after, r->pid, r->dir);
	ATF_CHECK_STREQ(after.text, before->text);
	hrun_free(r);
}

/* The pid after "held by pid " in s, or -1. */
static pid_t
held_by_pid(const char *s)
{
	const char *p;
	int pid;

	if ((p = strstr(s, "held by pid ")) == NULL ||
	    sscanf(p, "held by pid %d", &pid) != 1)
		return (-1);
	return ((pid_t)pid);
}

PK_TC(matrix_interface_left_in_the_host, "an interface the body leaves in "
    "the case host fails the case, by name");
PK_TC_BODY(matrix_interface_left_in_the_host, t)
{
	struct hstate before;
	struct hrun r;

	matrix_run(t, &r, &before, "leak_interface_in_host");
	hrun_failed_with(&r, "teardown found leaks: leak: interface leak");
	HAS(r.result, "leak: interface leak0 (veth, index ");
	HAS(r.result, "leak: interface leak1 (veth, index ");
	HAS(r.result, ") appeared in the case host and is still there");
	HAS(r.err, "pktkit: leak: interface leak0 (veth, index ");
	/* Nothing else: the case host is the framework's to throw away. */
	LACKS(r.result, "pkc");
	matrix_clean(&r, &before);
}

PK_TC(matrix_interface_moved_from_a_vnet, "an interface made in a vnet "
    "and moved to the case host fails the case, by name");
PK_TC_BODY(matrix_interface_moved_from_a_vnet, t)
{
	struct hstate before;
	struct hrun r;

	matrix_run(t, &r, &before, "leak_interface_moved_from_a_vnet");
	hrun_failed_with(&r, "teardown found leaks: ");
	HAS(r.result, "leak: interface leak2 (veth, index ");
	HAS(r.result, "leak: interface leak3 (veth, index ");
	HAS(r.err, "pktkit: leak: interface leak2 (veth, index ");
	matrix_clean(&r, &before);
}

/*
 * A process in a vnet that the framework did not start keeps it alive;
 * the report names it; we kill it.
 */
static void
check_held_by_process(struct hrun *r, const char *cmd, const char *after)
{
	char want[256], stat[64];
	pid_t pid;
	int status;

	hrun_failed_with(r, "teardown found a leak: leak: vnet alcatraz still "
	    "alive after ");
	HAS(r->result, after);
	ATF_REQUIRE_MSG((pid = held_by_pid(r->result)) > 0, "no pid in %s",
	    r->result);
	snprintf(want, sizeof(want), "held by pid %d (%s) via its network "
	    "namespace", (int)pid, cmd);
	HAS(r->result, want);
	HAS(r->err, want);
	/* Its canary, still in the case host, is not reported apart. */
	LACKS(r->result, "pkc");
	/*
	 * The framework did not start it and rightly left it alone; it was
	 * re-parented to us (a subreaper), so it is ours to stop.
	 */
	snprintf(stat, sizeof(stat), "/proc/%d/cmdline", (int)pid);
	ATF_REQUIRE_MSG(access(stat, F_OK) == 0, "pid %d is gone already",
	    (int)pid);
	ATF_REQUIRE(kill(pid, SIGKILL) == 0);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
}

PK_TC(matrix_vnet_held_by_a_process, "a vnet that a process started "
    "behind the framework's back keeps alive fails the case, naming the "
    "process");
PK_TC_BODY(matrix_vnet_held_by_a_process, t)
{
	struct hstate before;
	struct hrun r;

	matrix_run(t, &r, &before, "leak_vnet_held_by_a_process");
	/* The case's own deadline: .settle_ms = 300. */
	check_held_by_process(&r, "sleep 86397", "still alive after 0.3 s: ");
	matrix_clean(&r, &before);
}

PK_TC(matrix_settle_deadline_from_the_run, "a case without a deadline of "
    "its own waits for the run's pktkit_settle_ms, scaled by "
    "PKTKIT_DEADLINE_SCALE");
PK_TC_BODY(matrix_settle_deadline_from_the_run, t)
{
	struct hstate before;
	struct hrun r;

	hrun_subreaper();
	hrun_init(&r, t, HELPER, "leak_vnet_held_by_a_process_run_deadline");
	hrun_var(&r, "pktkit_settle_ms=400");
	hrun_setenv(&r, "PKTKIT_DEADLINE_SCALE=1.5");
	hrun_start(&r);
	hstate_take(&before, r.pid, r.dir);
	hrun_go(&r);
	hrun_wait(&r);
	hrun_cleanup(&r);
	hrun_cleanup_ok(&r);
	check_held_by_process(&r, "sleep 86396", "still alive after 0.6 s: ");
	matrix_clean(&r, &before);
}

PK_TC(matrix_vnet_held_by_an_fd, "a vnet held by a descriptor the body "
    "keeps open fails the case, naming the process and descriptor");
PK_TC_BODY(matrix_vnet_held_by_an_fd, t)
{
	struct hstate before;
	struct hrun r;
	char want[64];

	matrix_run(t, &r, &before, "leak_vnet_held_by_an_fd");
	hrun_failed_with(&r, "teardown found a leak: leak: vnet alcatraz still "
	    "alive after 0.3 s: held by pid ");
	ATF_CHECK_EQ(held_by_pid(r.result), r.pid);
	HAS(r.result, HELPER " -r ");
	HAS(r.result, ") via fd 77 (net:[");
	snprintf(want, sizeof(want), "held by pid %d (", (int)r.pid);
	HAS(r.err, want);
	/* The descriptor went with the body: nothing to remove. */
	matrix_clean(&r, &before);
}

PK_TC(matrix_vnet_held_by_a_mount, "a vnet held by a bind mount fails the "
    "case, naming the mount point");
PK_TC_BODY(matrix_vnet_held_by_a_mount, t)
{
	char where[PATH_MAX + 192], want[PATH_MAX + 320];
	struct hstate before;
	struct hrun r;

	matrix_run(t, &r, &before, "leak_vnet_held_by_a_mount");
	HRUN_FMT(where, "%s/holder", r.work);
	HRUN_FMT(want, "teardown found a leak: leak: vnet "
	    "alcatraz still alive after 0.3 s: held by a mount of it on %s "
	    "(mount namespace of pid ", where);
	hrun_failed_with(&r, want);
	HAS(r.err, where);
	/* The case made the mount, not the framework: ours to remove. */
	ATF_REQUIRE_MSG(umount(where) == 0, "umount %s: %s", where,
	    strerror(errno));
	matrix_clean(&r, &before);
}

PK_TC(matrix_orphaned_tcp_socket, "an orphaned TCP socket with unsent "
    "data fails the case, named with its addresses and state, and is "
    "destroyed so that its vnet goes");
PK_TC_BODY(matrix_orphaned_tcp_socket, t)
{
	struct hstate before;
	struct hrun r;

	matrix_run(t, &r, &before, "leak_orphaned_tcp_socket");
	hrun_failed_with(&r, "teardown found a leak: leak: vnet client: "
	    "destroyed orphaned tcp socket 192.0.2.1:");
	HAS(r.result, " -> 192.0.2.2:9 (FIN-WAIT-1, send-q ");
	HAS(r.result, "which would have kept it alive long after the case");
	HAS(r.err, "pktkit: leak: vnet client: destroyed orphaned tcp "
	    "socket 192.0.2.1:");
	/* The vnet went: nothing about it still being alive. */
	LACKS(r.result, "still alive");
	matrix_clean(&r, &before);
}

PK_TC(matrix_orphaned_tcp_socket_in_the_host, "an orphaned TCP socket "
    "left in the case host fails the case too, and is destroyed");
PK_TC_BODY(matrix_orphaned_tcp_socket_in_the_host, t)
{
	struct hstate before;
	struct hrun r;

	matrix_run(t, &r, &before, "leak_orphaned_tcp_socket_in_the_host");
	hrun_failed_with(&r, "teardown found a leak: leak: the case host: "
	    "destroyed orphaned tcp socket 192.0.2.1:");
	HAS(r.result, " -> 192.0.2.2:9 (FIN-WAIT-1, send-q ");
	matrix_clean(&r, &before);
}

PK_TC(matrix_reap_allows_an_orphan, "a case that sets .reap passes with "
    "an orphaned socket, which is destroyed and noted on stdout");
PK_TC_BODY(matrix_reap_allows_an_orphan, t)
{
	struct hstate before;
	struct hrun r;

	matrix_run(t, &r, &before, "reap_allows_an_orphaned_tcp_socket");
	hrun_passed(&r);
	HAS(r.out, "pktkit: reaped: vnet client: destroyed orphaned tcp "
	    "socket 192.0.2.1:");
	HAS(r.out, " -> 192.0.2.2:9 (FIN-WAIT-1, send-q ");
	matrix_clean(&r, &before);
}

/*
 * "leak: <name> was B before the case, A after (+D)": D is A - B and
 * not 0.  The exact D is not asserted: in a shared machine, something
 * else may create or drop a TCP socket at the same time.
 */
static void
check_count_line(const char *text, const char *name)
{
	long long b, a, d;
	char want[128];
	const char *p;

	snprintf(want, sizeof(want), "leak: %s was ", name);
	ATF_REQUIRE_MSG((p = strstr(text, want)) != NULL, "no %s in %s",
	    want, text);
	ATF_REQUIRE_MSG(sscanf(p + strlen(want), "%lld before the case, %lld "
	    "after (%lld)", &b, &a, &d) == 3, "unparsable: %s", p);
	ATF_CHECK_EQ(a - b, d);
	ATF_CHECK_MSG(d > 0, "%s: %+lld", name, d);
}

PK_TC(matrix_socket_count_in_exclusive_mode, "in exclusive mode, a TCP "
    "socket the body leaves open fails the case with the counts before "
    "and after");
PK_TC_BODY(matrix_socket_count_in_exclusive_mode, t)
{
	struct hstate before;
	struct hrun r;

	matrix_run(t, &r, &before, "leak_socket_count");
	hrun_failed_with(&r, "teardown found ");
	check_count_line(r.result, "slab TCP");
	check_count_line(r.result, "sockstat TCP alloc");
	HAS(r.err, "pktkit: leak: slab TCP was ");
	LACKS(r.out, "kernel object counts not compared");
	matrix_clean(&r, &before);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, matrix_interface_left_in_the_host);
	ATF_TP_ADD_TC(tp, matrix_interface_moved_from_a_vnet);
	ATF_TP_ADD_TC(tp, matrix_vnet_held_by_a_process);
	ATF_TP_ADD_TC(tp, matrix_settle_deadline_from_the_run);
	ATF_TP_ADD_TC(tp, matrix_vnet_held_by_an_fd);
	ATF_TP_ADD_TC(tp, matrix_vnet_held_by_a_mount);
	ATF_TP_ADD_TC(tp, matrix_orphaned_tcp_socket);
	ATF_TP_ADD_TC(tp, matrix_orphaned_tcp_socket_in_the_host);
	ATF_TP_ADD_TC(tp, matrix_reap_allows_an_orphan);
	ATF_TP_ADD_TC(tp, matrix_socket_count_in_exclusive_mode);
	return (atf_no_error());
}
