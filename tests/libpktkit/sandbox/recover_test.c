/*
 * recover_test: a sandbox whose process died anywhere in its work is
 * removed by pk_sandbox_recover() from another process, completely and
 * idempotently, touching nothing the journal does not name.
 */
#define	_GNU_SOURCE
#include <sys/mount.h>

#include <dirent.h>
#include <sched.h>
#include <signal.h>

#include "sbtest.h"
#include "os/pk_os.h"

#define	CRASH_JOURNAL	"crash.journal"

/*
 * What a sandbox can leave behind, seen from the test: the pins and
 * mounts named after its process, and the test's own interfaces.
 */
struct state {
	char	text[8192];
};

/* Is name one of the kernel names of pid's sandboxes ("pk12", "pk12.a")? */
static int
named_after(const char *name, pid_t pid)
{
	char prefix[32];
	size_t len;

	len = (size_t)snprintf(prefix, sizeof(prefix), "pk%d", (int)pid);
	return (strncmp(name, prefix, len) == 0 && (name[len] == '\0' ||
	    name[len] == '.' || name[len] == 's' || name[len] == ' ' ||
	    name[len] == '/'));
}

static void
snapshot(pid_t pid, struct state *st)
{
	char line[1024], *p;
	struct dirent *de;
	struct pk_os_link *l;
	size_t n, i, used;
	FILE *fp;
	DIR *d;

	used = 0;
	st->text[0] = '\0';
#define	ADD(...) do {							\
	if (used < sizeof(st->text))					\
		used += (size_t)snprintf(st->text + used,		\
		    sizeof(st->text) - used, __VA_ARGS__);		\
} while (0)
	if ((d = opendir("/run/netns")) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (named_after(de->d_name, pid))
				ADD("pin %s\n", de->d_name);
		closedir(d);
	}
	ATF_REQUIRE((fp = fopen("/proc/self/mountinfo", "r")) != NULL);
	while (fgets(line, sizeof(line), fp) != NULL)
		if ((p = strstr(line, "/run/netns/")) != NULL &&
		    named_after(p + 11, pid))
			ADD("mount %s", line);
	fclose(fp);
	ATF_REQUIRE(pk_os_link_list(NULL, &l, &n, &err) == 0);
	for (i = 0; i < n; i++)
		ADD("if %s %s %d\n", l[i].name, l[i].kind, l[i].index);
	free(l);
#undef ADD
}

/*
 * Journalled processes must be gone (or zombies: those hold nothing).
 */
static void
check_procs_gone(const char *journal)
{
	char line[256], path[64], stat[1024], *p;
	unsigned long long start, now;
	FILE *fp, *sp;
	int pid, i;

	if ((fp = fopen(journal, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "proc %d %llu", &pid, &start) != 2)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if ((sp = fopen(path, "r")) == NULL)
			continue;
		p = fgets(stat, sizeof(stat), sp);
		fclose(sp);
		if (p == NULL || (p = strrchr(stat, ')')) == NULL)
			continue;
		if (p[2] == 'Z')
			continue;
		for (i = 0; i < 20 && p != NULL; i++)
			p = strchr(p + 1, ' ');
		if (p != NULL && sscanf(p, " %llu", &now) == 1)
			ATF_CHECK_MSG(now != start, "pid %d survived recovery",
			    pid);
	}
	fclose(fp);
}

/*
 * What the crashing child builds: everything a test can make.
 */
static void
build(int private)
{
	char *sleep60[] = { "sleep", "60", NULL };
	struct pk_sandbox_conf conf;
	struct pk_sandbox *sb;
	struct pk_vnet *a, *b;
	struct pk_if *x, *y;
	struct pk_proc *p;

	memset(&conf, 0, sizeof(conf));
	conf.journal = CRASH_JOURNAL;
	conf.private_host = private;
	if (pk_sandbox_open(&sb, &conf, &err) != 0 ||
	    pk_vnet_create(sb, "alcatraz", &a, &err) != 0 ||
	    pk_vnet_create(sb, "router", &b, &err) != 0 ||
	    pk_epair_create(sb, a, b, &x, &y, &err) != 0 ||
	    pk_addr_add(x, "192.0.2.1/24", &err) != 0 ||
	    pk_addr_add(y, "2001:db8::2/64", &err) != 0 ||
	    pk_epair_create(sb, NULL, a, &x, &y, &err) != 0 ||
	    pk_epair_create(sb, NULL, NULL, &x, &y, &err) != 0 ||
	    pk_vnet_spawn(a, sleep60, &p, &err) != 0 ||
	    pk_vnet_spawn(pk_sandbox_host(sb), sleep60, &p, &err) != 0 ||
	    pk_route_add(a, "default", "192.0.2.2", NULL, &err) != 0)
		_exit(2);
	/* Die with everything up: the last crash point. */
	_exit(0);
}

static int
records(const char *journal)
{
	char line[512];
	FILE *fp;
	int n;

	if ((fp = fopen(journal, "r")) == NULL)
		return (0);
	n = 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		n++;
	fclose(fp);
	return (n);
}

static void
recover_clean(const char *what, unsigned settle)
{
	struct pk_report rep = PK_REPORT_INIT;

	if (pk_sandbox_recover(CRASH_JOURNAL, settle, 0, &rep, &err) != 0)
		sbt_report_fail(what, &rep);
	if (sbt_report_has(&rep, "leak:", NULL, NULL))
		sbt_report_fail(what, &rep);
	pk_report_free(&rep);
	/* Again: nothing left to do, nothing to say. */
	if (pk_sandbox_recover(CRASH_JOURNAL, settle, 0, &rep, &err) != 0 ||
	    rep.n != 0)
		sbt_report_fail("second recovery", &rep);
	pk_report_free(&rep);
}

/*
 * Crash a sandbox right after its first journal record, then right after
 * its second, and so on until it runs to the end; recover each time and
 * check that the test's view is as before.
 */
static void
crash_everywhere(int private)
{
	struct state before, after;
	char fp[16];
	int n, status, total;
	pid_t pid;

	sbt_stderr_begin();
	total = 0;
	for (n = 1; n < 200; n++) {
		(void)unlink(CRASH_JOURNAL);
		/* No process has our pid: no pin or mount in "before". */
		snapshot(getpid(), &before);
		ATF_REQUIRE((pid = fork()) >= 0);
		if (pid == 0) {
			snprintf(fp, sizeof(fp), "%d", n);
			setenv("PKTKIT_FAILPOINT_JOURNAL", fp, 1);
			build(private);
		}
		ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
		ATF_REQUIRE_MSG((WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGKILL) ||
		    (WIFEXITED(status) && WEXITSTATUS(status) == 0),
		    "builder failed at crash point %d: status %#x", n, status);
		if (WIFSIGNALED(status))
			ATF_CHECK_EQ(records(CRASH_JOURNAL), n + 1);
		recover_clean("recover", 5000);
		check_procs_gone(CRASH_JOURNAL);
		snapshot(pid, &after);
		ATF_CHECK_STREQ(after.text, before.text);
		if (WIFEXITED(status)) {
			total = records(CRASH_JOURNAL);
			break;
		}
	}
	ATF_CHECK_MSG(n >= 10 && n == total, "%d crash points, %d records", n,
	    total);
	(void)unlink(CRASH_JOURNAL);
	sbt_stderr_end();
}

SBT_TC(recover_after_a_crash_anywhere_private_host,
    "a sandbox with a private host killed after any journal record is "
    "removed completely by recovery, and recovering again does nothing",
    sbt_cleanup(CRASH_JOURNAL))
{

	ATF_REQUIRE(unshare(CLONE_NEWNET) == 0);
	crash_everywhere(1);
}

SBT_TC(recover_after_a_crash_anywhere_shared_host,
    "a sandbox sharing its host, killed after any journal record, leaves "
    "the host's interfaces as they were once recovered",
    sbt_cleanup(CRASH_JOURNAL))
{

	/* The shared host is the test's own private stack. */
	ATF_REQUIRE(unshare(CLONE_NEWNET) == 0);
	crash_everywhere(0);
}

static pid_t
crash_after_build(int private)
{
	int status;
	pid_t pid;

	(void)unlink(CRASH_JOURNAL);
	ATF_REQUIRE((pid = fork()) >= 0);
	if (pid == 0)
		build(private);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return (pid);
}

SBT_TC(recover_leaves_a_replaced_pin_alone,
    "a pin that no longer refers to the namespace the journal recorded is "
    "reported and left alone", sbt_cleanup_foreign();
    sbt_cleanup(CRASH_JOURNAL))
{
	struct pk_report rep = PK_REPORT_INIT;
	char pin[256], want[300];
	struct stat before, after;
	pid_t pid;

	ATF_REQUIRE(unshare(CLONE_NEWNET) == 0);
	sbt_stderr_begin();
	pid = crash_after_build(1);
	snprintf(pin, sizeof(pin), "/run/netns/pk%d.alcatraz", (int)pid);
	/* Someone replaces the pin with one of their own. */
	sbt_note_foreign(pin);
	ATF_REQUIRE(umount(pin) == 0);
	ATF_REQUIRE(unlink(pin) == 0);
	ATF_REQUIRE_EQ(sbt_sh("ip netns add pk%d.alcatraz", (int)pid), 0);
	ATF_REQUIRE(stat(pin, &before) == 0);
	OK(pk_sandbox_recover(CRASH_JOURNAL, 0, 0, &rep, &err));
	snprintf(want, sizeof(want), "note: pk%d.alcatraz is not the vnet "
	    "alcatraz the journal recorded: left alone", (int)pid);
	REPORT_HAS(&rep, want, NULL, NULL);
	REPORT_HAS(&rep, "removed: vnet router", NULL, NULL);
	ATF_REQUIRE(stat(pin, &after) == 0);
	ATF_CHECK_EQ(before.st_ino, after.st_ino);
	ATF_CHECK_EQ(sbt_sh("ip netns del pk%d.alcatraz", (int)pid), 0);
	pk_report_free(&rep);
	sbt_stderr_end();
}

SBT_TC(recover_leaves_a_foreign_interface_alone,
    "an interface by a recorded name but not the recorded one is "
    "reported and left alone", sbt_cleanup(CRASH_JOURNAL))
{
	struct pk_report rep = PK_REPORT_INIT;

	ATF_REQUIRE(unshare(CLONE_NEWNET) == 0);
	sbt_stderr_begin();
	(void)crash_after_build(0);
	/* The host-to-host epair is epair2a/epair2b; someone replaces it. */
	ATF_REQUIRE_EQ(sbt_sh("ip link del epair2a"), 0);
	ATF_REQUIRE_EQ(sbt_sh("ip link add epair2a address 02:00:00:00:0e:0e "
	    "type veth peer name foreign0"), 0);
	OK(pk_sandbox_recover(CRASH_JOURNAL, 0, 0, &rep, &err));
	REPORT_HAS(&rep, "note: interface epair2a is not the one the journal "
	    "recorded: left alone", NULL, NULL);
	ATF_CHECK_EQ(sbt_sh("ip link show epair2a | grep -q 02:00:00:00:0e:0e"),
	    0);
	ATF_CHECK_EQ(sbt_sh("ip link del epair2a"), 0);
	pk_report_free(&rep);
	sbt_stderr_end();
}

static void
write_journal(const char *fmt, ...) __attribute__((__format__(__printf__,
    1, 2)));

static void
write_journal(const char *fmt, ...)
{
	va_list ap;
	FILE *fp;

	ATF_REQUIRE((fp = fopen(CRASH_JOURNAL, "w")) != NULL);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fclose(fp);
}

SBT_TC(recover_kills_only_the_recorded_process,
    "a recorded pid is killed only if it still has the recorded start "
    "time", sbt_cleanup(CRASH_JOURNAL))
{
	struct pk_report rep = PK_REPORT_INIT;
	unsigned long long start;
	char path[64], buf[1024], *p;
	int status, i, hs[2];
	pid_t pid;
	FILE *fp;

	sbt_stderr_begin();
	ATF_REQUIRE(pipe2(hs, O_CLOEXEC) == 0);
	ATF_REQUIRE((pid = fork()) >= 0);
	if (pid == 0) {
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	/* End of file on the pipe: exec has happened. */
	close(hs[1]);
	ATF_REQUIRE(read(hs[0], buf, 1) == 0);
	close(hs[0]);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ATF_REQUIRE((fp = fopen(path, "r")) != NULL);
	ATF_REQUIRE(fgets(buf, sizeof(buf), fp) != NULL);
	fclose(fp);
	/* Field 22, the start time, follows the 20th space after ')'. */
	p = strrchr(buf, ')');
	for (i = 0; i < 20; i++)
		p = strchr(p + 1, ' ');
	ATF_REQUIRE(sscanf(p, " %llu", &start) == 1);
	/* The same pid, another start time: another process. */
	write_journal("pktkit-journal 1\nopen %d 0 0\nproc %d %llu\n",
	    (int)getpid(), (int)pid, start + 1);
	OK(pk_sandbox_recover(CRASH_JOURNAL, 0, 0, &rep, &err));
	ATF_CHECK_EQ(rep.n, 0);
	ATF_REQUIRE(waitpid(pid, &status, WNOHANG) == 0);
	write_journal("pktkit-journal 1\nopen %d 0 0\nproc %d %llu\n",
	    (int)getpid(), (int)pid, start);
	OK(pk_sandbox_recover(CRASH_JOURNAL, 0, 0, &rep, &err));
	snprintf(buf, sizeof(buf), "removed: killed pid %d (sleep 60)",
	    (int)pid);
	REPORT_HAS(&rep, buf, NULL, NULL);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	pk_report_free(&rep);
	sbt_stderr_end();
}

SBT_TC(recover_reports_what_it_cannot_remove,
    "recovery fails, naming the holder, when a recorded vnet does not go "
    "away", sbt_cleanup(CRASH_JOURNAL))
{
	struct pk_report rep = PK_REPORT_INIT;
	char pin[256], want[128];
	pid_t pid;
	int fd;

	ATF_REQUIRE(unshare(CLONE_NEWNET) == 0);
	sbt_stderr_begin();
	pid = crash_after_build(1);
	snprintf(pin, sizeof(pin), "/run/netns/pk%d.router", (int)pid);
	ATF_REQUIRE((fd = open(pin, O_RDONLY | O_CLOEXEC)) >= 0);
	ATF_REQUIRE(pk_sandbox_recover(CRASH_JOURNAL, 300, 0, &rep, &err) != 0);
	snprintf(want, sizeof(want), "held by pid %d (", (int)getpid());
	REPORT_HAS(&rep, "leak: vnet router still alive after", want, NULL);
	MSG_HAS("could not be removed");
	close(fd);
	pk_report_free(&rep);
	sbt_stderr_end();
}

/*
 * The interfaces of the stack the calling thread is in, as one string.
 */
static void
links_here(char *buf, size_t size)
{
	struct pk_os_link *l;
	size_t n, i, used;

	ATF_REQUIRE(pk_os_link_list(NULL, &l, &n, &err) == 0);
	used = 0;
	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s/%d ",
		    l[i].name, l[i].index);
	free(l);
}

SBT_TC(recover_from_the_machines_stack_changes_nothing_there,
    "recovery run where the cleanup routine runs, in the machine's own "
    "network stack, removes the sandbox and leaves that stack's "
    "interfaces as they were", sbt_cleanup(CRASH_JOURNAL))
{
	struct pk_report rep = PK_REPORT_INIT;
	char before[4096], after[4096], c;
	int go[2], status;
	pid_t cleaner, builder;
	struct state st;

	sbt_stderr_begin();
	ATF_REQUIRE(pipe(go) == 0);
	/* Forked before the test leaves the machine's stack. */
	ATF_REQUIRE((cleaner = fork()) >= 0);
	if (cleaner == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		links_here(before, sizeof(before));
		if (pk_sandbox_recover(CRASH_JOURNAL, 0, 0, &rep, &err) != 0 ||
		    sbt_report_has(&rep, "leak:", NULL, NULL))
			_exit(3);
		links_here(after, sizeof(after));
		_exit(strcmp(before, after) == 0 ? 0 : 4);
	}
	close(go[0]);
	ATF_REQUIRE(unshare(CLONE_NEWNET) == 0);
	/* A shared host (the test's stack) and vnets pinned under it. */
	builder = crash_after_build(0);
	ATF_REQUIRE(write(go[1], "g", 1) == 1);
	close(go[1]);
	ATF_REQUIRE(waitpid(cleaner, &status, 0) == cleaner);
	ATF_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "recovery in the machine's stack: status %#x", status);
	/* Everything went: pins, mounts, the host's epairs, the canaries. */
	snapshot(builder, &st);
	ATF_CHECK_STREQ(st.text, "if lo loopback 1\n");
	sbt_stderr_end();
}

SBT_TC(recover_handles_missing_and_foreign_journals,
    "no journal means nothing to do; a file that is not a journal is an "
    "error", )
{
	struct pk_report rep = PK_REPORT_INIT;

	sbt_stderr_begin();
	OK(pk_sandbox_recover("no-such-journal", 0, 0, &rep, &err));
	ATF_CHECK_EQ(rep.n, 0);
	write_journal("#!/bin/sh\necho hello\n");
	FAILS(pk_sandbox_recover(CRASH_JOURNAL, 0, 0, &rep, &err), EINVAL);
	MSG_HAS("not a pktkit journal");
	/* A torn last record is ignored. */
	write_journal("pktkit-journal 1\nopen 1 0 0\nproc 1");
	OK(pk_sandbox_recover(CRASH_JOURNAL, 0, 0, &rep, &err));
	ATF_CHECK_EQ(rep.n, 0);
	(void)unlink(CRASH_JOURNAL);
	sbt_stderr_end();
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, recover_after_a_crash_anywhere_private_host);
	ATF_TP_ADD_TC(tp, recover_after_a_crash_anywhere_shared_host);
	ATF_TP_ADD_TC(tp, recover_leaves_a_replaced_pin_alone);
	ATF_TP_ADD_TC(tp, recover_leaves_a_foreign_interface_alone);
	ATF_TP_ADD_TC(tp, recover_kills_only_the_recorded_process);
	ATF_TP_ADD_TC(tp, recover_reports_what_it_cannot_remove);
	ATF_TP_ADD_TC(tp,
	    recover_from_the_machines_stack_changes_nothing_there);
	ATF_TP_ADD_TC(tp, recover_handles_missing_and_foreign_journals);
	return (atf_no_error());
}
