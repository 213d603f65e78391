/*
 * crash_test: a body that dies in any way a body can die (segfault,
 * abort, killed at its timeout or with SIGKILL) leaves the machine
 * exactly as it was once its cleanup routine has run: interfaces, pins
 * in /run/netns, mounts and processes.
 *
 * Each test runs a case of topo_helper that builds everything a case can
 * build, processes included (one in a session of its own, which a kill of
 * the body's process group does not reach), waits for its ready line (an
 * event, not a delay), and then lets it die or kills it.  The helper's
 * "machine" is this case's private host.  The last test goes through a
 * real nested kyua, whose timeout kills the body.
 */
#define	_GNU_SOURCE
#include "hrun.h"

#define	HELPER	"topo_helper"

enum crash_how {
	DIES,			/* the body dies on its own */
	KILLED			/* we kill its process group, as kyua does */
};

/*
 * What must be there after the crash, before cleanup: the pins, and the
 * process that escaped into a session of its own.
 */
static void
check_debris(struct hrun *r)
{
	struct hstate st;
	char want[64];
	int64_t end;

	/*
	 * The escaper reported "up" just before it exec'd sleep; while an
	 * exec is under way /proc shows no command line yet, so look again
	 * until it has one (a window of microseconds), within a deadline.
	 */
	end = pk_now_ms() + pk_deadline_ms(2000);
	do
		hstate_take(&st, r->pid, r->dir);
	while (strstr(st.text, "sleep 86393)\n") == NULL &&
	    pk_ms_left(end) > 0);
	snprintf(want, sizeof(want), "pin pk%d.alcatraz\n", (int)r->pid);
	HAS(st.text, want);
	snprintf(want, sizeof(want), "pin pk%d\n", (int)r->pid);
	HAS(st.text, want);
	HAS(st.text, "sleep 86393)\n");
}

static void
check_recovered(struct hrun *r)
{

	hrun_cleanup(r);
	hrun_cleanup_ok(r);
	HAS(r->cout, "pktkit cleanup: removed: killed pid ");
	HAS(r->cout, "sleep 86393)\n");
	HAS(r->cout, "pktkit cleanup: removed: vnet alcatraz (");
	HAS(r->cout, "pktkit cleanup: removed: vnet router (");
	HAS(r->cout, "pktkit cleanup: removed: private host host (");
}

static void
crash(struct pk_tc *t, const char *tcname, enum crash_how how)
{
	struct hstate before, after;
	struct hrun r;

	hrun_subreaper();
	hrun_init(&r, t, HELPER, tcname);
	hrun_start(&r);
	hstate_take(&before, r.pid, r.dir);
	hrun_go(&r);
	hrun_require_ready(&r);
	if (how == KILLED)
		hrun_kill(&r, SIGKILL);
	hrun_wait(&r);
	ATF_CHECK_MSG(!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0,
	    "%s exited 0", tcname);
	if (how == KILLED)
		ATF_CHECK(WIFSIGNALED(r.status) &&
		    WTERMSIG(r.status) == SIGKILL);
	/* It died before atf could write a result. */
	ATF_CHECK_STREQ(r.result, "");
	check_debris(&r);
	check_recovered(&r);
	hstate_take(&after, r.pid, r.dir);
	ATF_CHECK_STREQ(after.text, before.text);
	hrun_free(&r);
}

PK_TC_CONF(segfault_leaves_nothing_after_cleanup, "a body that segfaults "
    "with everything built leaves nothing once cleanup has run",
    .require_progs = "nft");
PK_TC_BODY(segfault_leaves_nothing_after_cleanup, t)
{

	crash(t, "crash_segfault", DIES);
}

PK_TC_CONF(abort_leaves_nothing_after_cleanup, "a body that aborts with "
    "everything built leaves nothing once cleanup has run",
    .require_progs = "nft");
PK_TC_BODY(abort_leaves_nothing_after_cleanup, t)
{

	crash(t, "crash_abort", DIES);
}

PK_TC_CONF(sigkill_leaves_nothing_after_cleanup, "a body killed with "
    "SIGKILL with its process group, as kyua kills one at its timeout, "
    "leaves nothing once cleanup has run", .require_progs = "nft");
PK_TC_BODY(sigkill_leaves_nothing_after_cleanup, t)
{

	crash(t, "crash_blocks", KILLED);
}

/*
 * The real thing: kyua runs the helper with its 2 s timeout, kills the
 * body, runs the cleanup routine.
 */
static pid_t
start_kyua(struct hrun *r)
{
	char kyuafile[PATH_MAX + 256], link[PATH_MAX + 256];
	char var[PATH_MAX + 256], log[PATH_MAX + 256];
	FILE *fp;
	pid_t pid;
	int fd;

	HRUN_FMT(kyuafile, "%s/Kyuafile", r->dir);
	HRUN_FMT(link, "%s/%s", r->dir, HELPER);
	HRUN_FMT(var, "test_suites.pktkit.ready_fifo=%s", r->fifo);
	HRUN_FMT(log, "--logfile=%s/kyua.log", r->dir);
	ATF_REQUIRE(symlink(r->prog, link) == 0);
	ATF_REQUIRE((fp = fopen(kyuafile, "w")) != NULL);
	fprintf(fp, "syntax(2)\ntest_suite(\"pktkit\")\n"
	    "atf_test_program{name=\"%s\"}\n", HELPER);
	ATF_REQUIRE(fclose(fp) == 0);
	fflush(stdout);
	fflush(stderr);
	ATF_REQUIRE((pid = fork()) >= 0);
	if (pid == 0) {
		if (chdir(r->dir) != 0 ||
		    (fd = open("kyua.out", O_WRONLY | O_CREAT | O_TRUNC,
		    0644)) < 0 || dup2(fd, 1) != 1 || dup2(fd, 2) != 2)
			_exit(126);
		execlp("kyua", "kyua", log, "-v", var, "test",
		    "--kyuafile=Kyuafile", "--results-file=results.db",
		    HELPER ":crash_timeout", (char *)NULL);
		_exit(127);
	}
	return (pid);
}

PK_TC_CONF(kyua_timeout_leaves_nothing_after_cleanup, "a body that kyua "
    "kills at its timeout leaves nothing once kyua has run its cleanup",
    .require_progs = "nft kyua");
PK_TC_BODY(kyua_timeout_leaves_nothing_after_cleanup, t)
{
	struct hstate before, after;
	struct hrun r;
	char out[HRUN_TEXT];

	hrun_subreaper();
	hrun_init(&r, t, HELPER, "crash_timeout");
	/* No helper pid yet: nothing named after it can be here. */
	hstate_take(&before, -1, r.dir);
	r.pid = start_kyua(&r);
	ATF_REQUIRE((r.pidfd = (int)syscall(SYS_pidfd_open, r.pid, 0)) >= 0);
	ATF_REQUIRE_MSG(hrun_wait_ready(&r), "the helper never got ready");
	r.status = hrun_reap(r.pid, r.pidfd, "kyua");
	hrun_slurp(r.dir, "kyua.out", out, sizeof(out));
	/* kyua exits 1 when a case broke. */
	ATF_CHECK_MSG(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1,
	    "kyua: status %#x: %s", r.status, out);
	HAS(out, HELPER ":crash_timeout  ->  broken: Test case body timed "
	    "out");
	hstate_take(&after, r.ready_pid, r.dir);
	ATF_CHECK_STREQ(after.text, before.text);
	hrun_free(&r);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, segfault_leaves_nothing_after_cleanup);
	ATF_TP_ADD_TC(tp, abort_leaves_nothing_after_cleanup);
	ATF_TP_ADD_TC(tp, sigkill_leaves_nothing_after_cleanup);
	ATF_TP_ADD_TC(tp, kyua_timeout_leaves_nothing_after_cleanup);
	return (atf_no_error());
}
