/*
 * hrun.h: run one case of a helper atf program the way kyua does, from
 * inside a test case, and look at what it left behind.
 *
 * The body and the cleanup routine each run in a process of their own,
 * in a session of their own, in a work directory of their own, through
 * atf's own interface ("helper -r result -s srcdir case", then
 * "case:cleanup"); their stdout, stderr and result files are kept for the
 * test to read.  The test runs in its own PK_TC case, so the helper's
 * "machine" is that case's private host.
 *
 * A helper tells the test that its topology is built by writing a line
 * to the FIFO named by the atf config variable ready_fifo: an event to
 * wait on (with a deadline), so that a test can kill the body at a known
 * point without sleeping.
 *
 * Include it first, after defining _GNU_SOURCE.
 *
 * The test process is a child subreaper: whatever the helper leaves
 * running is re-parented to it, so that "no stray processes" can be
 * checked exactly, whatever else runs on the machine.
 */
#ifndef HRUN_H
#define HRUN_H

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "pktkit.h"
#include "os/pk_os.h"

#define	HRUN_UNUSED	__attribute__((__unused__))
#define	HRUN_DEADLINE	60000		/* ms, for a whole helper run */
#define	HRUN_MAXARGS	16
#define	HRUN_TEXT	16384

/* snprintf into an array, failing the test rather than truncating. */
#define	HRUN_FMT(buf, ...)						\
	ATF_REQUIRE_MSG((size_t)snprintf((buf), sizeof(buf), __VA_ARGS__) < \
	    sizeof(buf), "path too long")

struct hrun {
	char	 prog[PATH_MAX + 64];	/* the helper, with its directory */
	char	 srcdir[PATH_MAX];
	char	 tcname[128];
	char	 dir[PATH_MAX + 160];	/* outputs, and the work directory */
	char	 work[PATH_MAX + 176];
	char	 fifo[PATH_MAX + 176];
	char	*vars[HRUN_MAXARGS];	/* "name=value" for -v */
	size_t	 nvars;
	char	*env[HRUN_MAXARGS];	/* "NAME=value" added to environ */
	size_t	 nenv;
	pid_t	 pid;			/* of the body: its session too */
	int	 pidfd;
	pid_t	 ready_pid;		/* the pid on the helper's ready line */
	int	 go;			/* write end: lets the body start */
	int	 ready;			/* the FIFO, read end */
	int	 status;		/* the body's wait status */
	int	 cstatus;		/* the cleanup's */
	int	 cleaned;
	char	 result[HRUN_TEXT];	/* the result file of the body */
	char	 out[HRUN_TEXT];
	char	 err[HRUN_TEXT];
	char	 cresult[HRUN_TEXT];	/* and of the cleanup */
	char	 cout[HRUN_TEXT];
	char	 cerr[HRUN_TEXT];
};

static struct hrun	*hrun_pending[8];

/*
 * A test that fails half-way (atf_tc_fail exits) still runs the cleanup
 * routine of the helpers it started, so that they leave nothing behind.
 */
static void	hrun_cleanup(struct hrun *);

static void
hrun_atexit(void)
{
	size_t i;

	for (i = 0; i < sizeof(hrun_pending) / sizeof(hrun_pending[0]); i++)
		if (hrun_pending[i] != NULL && !hrun_pending[i]->cleaned)
			hrun_cleanup(hrun_pending[i]);
}

static void
hrun_track(struct hrun *r)
{
	static int registered;
	size_t i;

	if (!registered) {
		ATF_REQUIRE(atexit(hrun_atexit) == 0);
		registered = 1;
	}
	for (i = 0; i < sizeof(hrun_pending) / sizeof(hrun_pending[0]); i++)
		if (hrun_pending[i] == NULL || hrun_pending[i] == r) {
			hrun_pending[i] = r;
			return;
		}
	atf_tc_fail("too many helper runs in one case");
}

static void
hrun_untrack(struct hrun *r)
{
	size_t i;

	for (i = 0; i < sizeof(hrun_pending) / sizeof(hrun_pending[0]); i++)
		if (hrun_pending[i] == r)
			hrun_pending[i] = NULL;
}

/*
 * Become the subreaper of everything the helpers leave running.
 */
static HRUN_UNUSED void
hrun_subreaper(void)
{

	ATF_REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
}

static HRUN_UNUSED void
hrun_init(struct hrun *r, struct pk_tc *t, const char *prog,
    const char *tcname)
{
	static unsigned serial;
	char cwd[PATH_MAX];
	const char *src;

	memset(r, 0, sizeof(*r));
	r->pidfd = r->go = r->ready = -1;
	r->cleaned = 1;
	src = atf_tc_get_config_var_wd(pk_tc_atf(t), "srcdir", ".");
	if (realpath(src, r->srcdir) == NULL)
		atf_tc_fail("srcdir %s: %s", src, strerror(errno));
	HRUN_FMT(r->prog, "%s/%s", r->srcdir, prog);
	snprintf(r->tcname, sizeof(r->tcname), "%s", tcname);
	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	HRUN_FMT(r->dir, "%s/%s.%u", cwd, tcname, serial++);
	HRUN_FMT(r->work, "%s/work", r->dir);
	HRUN_FMT(r->fifo, "%s/ready", r->dir);
	ATF_REQUIRE_MSG(mkdir(r->dir, 0755) == 0, "%s: %s", r->dir,
	    strerror(errno));
	ATF_REQUIRE(mkdir(r->work, 0755) == 0);
	ATF_REQUIRE(mkfifo(r->fifo, 0600) == 0);
	/* Read-write: open does not block, and no writer ever means HUP. */
	ATF_REQUIRE((r->ready = open(r->fifo, O_RDWR | O_NONBLOCK |
	    O_CLOEXEC)) >= 0);
}

static void hrun_addv(char **v, size_t *n, const char *fmt, va_list ap)
    __attribute__((__format__(__printf__, 3, 0)));

static void
hrun_addv(char **v, size_t *n, const char *fmt, va_list ap)
{

	ATF_REQUIRE(*n < HRUN_MAXARGS);
	ATF_REQUIRE(vasprintf(&v[*n], fmt, ap) >= 0);
	(*n)++;
}

/* Pass -v name=value to the helper. */
static HRUN_UNUSED void hrun_var(struct hrun *, const char *, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static HRUN_UNUSED void
hrun_var(struct hrun *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hrun_addv(r->vars, &r->nvars, fmt, ap);
	va_end(ap);
}

/* Put NAME=value in the helper's environment. */
static HRUN_UNUSED void hrun_setenv(struct hrun *, const char *, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static HRUN_UNUSED void
hrun_setenv(struct hrun *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hrun_addv(r->env, &r->nenv, fmt, ap);
	va_end(ap);
}

/*
 * In the child: a session of its own, as kyua gives a body, then wait
 * for the go (or exec at once if go is -1).
 */
static void
hrun_child(struct hrun *r, int go, const char *result, const char *out,
    const char *errf, const char *tcarg)
{
	char *argv[HRUN_MAXARGS * 2 + 8], fifo[PATH_MAX + 256];
	size_t i, n;
	char c;
	int fd;

	(void)setsid();
	if (go >= 0 && read(go, &c, 1) != 1)
		_exit(125);
	if (chdir(r->work) != 0)
		_exit(124);
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    dup2(fd, 1) != 1)
		_exit(123);
	close(fd);
	if ((fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    dup2(fd, 2) != 2)
		_exit(123);
	close(fd);
	/* What kyua sets, so that atf does not warn on stderr. */
	(void)setenv("__RUNNING_INSIDE_ATF_RUN", "internal-yes-value", 1);
	for (i = 0; i < r->nenv; i++)
		(void)putenv(r->env[i]);
	n = 0;
	argv[n++] = r->prog;
	argv[n++] = "-r";
	argv[n++] = (char *)result;
	argv[n++] = "-s";
	argv[n++] = r->srcdir;
	if ((size_t)snprintf(fifo, sizeof(fifo), "ready_fifo=%s", r->fifo) >=
	    sizeof(fifo))
		_exit(122);
	argv[n++] = "-v";
	argv[n++] = fifo;
	for (i = 0; i < r->nvars; i++) {
		argv[n++] = "-v";
		argv[n++] = r->vars[i];
	}
	argv[n++] = (char *)tcarg;
	argv[n] = NULL;
	execv(r->prog, argv);
	_exit(127);
}

static pid_t
hrun_fork(struct hrun *r, int go, int gow, const char *what,
    const char *tcarg)
{
	char result[PATH_MAX + 256], out[PATH_MAX + 256];
	char errf[PATH_MAX + 256];
	pid_t pid;

	HRUN_FMT(result, "%s/%s.result", r->dir, what);
	HRUN_FMT(out, "%s/%s.out", r->dir, what);
	HRUN_FMT(errf, "%s/%s.err", r->dir, what);
	fflush(stdout);
	fflush(stderr);
	ATF_REQUIRE((pid = fork()) >= 0);
	if (pid == 0) {
		if (gow >= 0)
			close(gow);
		hrun_child(r, go, result, out, errf, tcarg);
	}
	return (pid);
}

/*
 * Fork the body; it waits for hrun_go(), so that the test can look at
 * the machine knowing the body's pid first.
 */
static HRUN_UNUSED void
hrun_start(struct hrun *r)
{
	int p[2];

	ATF_REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	r->pid = hrun_fork(r, p[0], p[1], "body", r->tcname);
	close(p[0]);
	r->go = p[1];
	ATF_REQUIRE((r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0)) >= 0);
	r->cleaned = 0;
	hrun_track(r);
}

static HRUN_UNUSED void
hrun_go(struct hrun *r)
{

	ATF_REQUIRE(write(r->go, "g", 1) == 1);
	close(r->go);
	r->go = -1;
}

/*
 * Wait for the helper's ready line or for the body to end, whichever is
 * first.  Returns 1 if the helper said it is ready.
 */
static HRUN_UNUSED int
hrun_wait_ready(struct hrun *r)
{
	struct pollfd pfd[2];
	int64_t end;
	char buf[64];
	int rc;

	end = pk_now_ms() + pk_deadline_ms(HRUN_DEADLINE);
	pfd[0].fd = r->ready;
	pfd[1].fd = r->pidfd;
	pfd[0].events = pfd[1].events = POLLIN;
	for (;;) {
		rc = poll(pfd, 2, pk_ms_left(end));
		if (rc < 0 && errno == EINTR)
			continue;
		ATF_REQUIRE_MSG(rc > 0, "helper %s:%s not ready after %d ms",
		    r->prog, r->tcname, HRUN_DEADLINE);
		if (pfd[0].revents & POLLIN) {
			memset(buf, 0, sizeof(buf));
			if (read(r->ready, buf, sizeof(buf) - 1) <= 0 ||
			    sscanf(buf, "ready %d", &rc) != 1)
				atf_tc_fail("bad ready line '%s'", buf);
			r->ready_pid = (pid_t)rc;
			return (1);
		}
		if (pfd[1].revents & POLLIN)
			return (0);
	}
}

static void	hrun_wait(struct hrun *);

/* The helper must get ready; if it ends first, say how. */
static HRUN_UNUSED void
hrun_require_ready(struct hrun *r)
{

	if (hrun_wait_ready(r))
		return;
	hrun_wait(r);
	atf_tc_fail("%s ended before it was ready: %s%s", r->tcname,
	    r->result, r->err);
}

/* Kill the body's process group, as kyua does when time is up. */
static HRUN_UNUSED void
hrun_kill(struct hrun *r, int sig)
{

	ATF_REQUIRE(kill(-r->pid, sig) == 0);
}

static void
hrun_slurp(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX + 256];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * Wait for a process of ours with a deadline; its wait status.
 */
static int
hrun_reap(pid_t pid, int pidfd, const char *what)
{
	struct pollfd pfd;
	int64_t end;
	int rc, status;

	end = pk_now_ms() + pk_deadline_ms(HRUN_DEADLINE);
	pfd.fd = pidfd;
	pfd.events = POLLIN;
	do
		rc = poll(&pfd, 1, pk_ms_left(end));
	while (rc < 0 && errno == EINTR);
	if (rc <= 0) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE_MSG(rc > 0, "%s still running after %d ms: killed", what,
	    HRUN_DEADLINE);
	return (status);
}

static void
hrun_wait(struct hrun *r)
{

	r->status = hrun_reap(r->pid, r->pidfd, "helper body");
	close(r->pidfd);
	r->pidfd = -1;
	hrun_slurp(r->dir, "body.result", r->result, sizeof(r->result));
	hrun_slurp(r->dir, "body.out", r->out, sizeof(r->out));
	hrun_slurp(r->dir, "body.err", r->err, sizeof(r->err));
}

/*
 * Run the cleanup routine in a new process, as kyua does after the body
 * whatever became of it.
 */
static void
hrun_cleanup(struct hrun *r)
{
	char tcarg[160];
	pid_t pid;
	int pidfd;

	r->cleaned = 1;
	hrun_untrack(r);
	snprintf(tcarg, sizeof(tcarg), "%s:cleanup", r->tcname);
	pid = hrun_fork(r, -1, -1, "cleanup", tcarg);
	ATF_REQUIRE((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) >= 0);
	r->cstatus = hrun_reap(pid, pidfd, "helper cleanup");
	close(pidfd);
	hrun_slurp(r->dir, "cleanup.result", r->cresult, sizeof(r->cresult));
	hrun_slurp(r->dir, "cleanup.out", r->cout, sizeof(r->cout));
	hrun_slurp(r->dir, "cleanup.err", r->cerr, sizeof(r->cerr));
}

/* Body to the end, then cleanup. */
static HRUN_UNUSED void
hrun_run(struct hrun *r)
{

	hrun_start(r);
	hrun_go(r);
	hrun_wait(r);
	hrun_cleanup(r);
}

static HRUN_UNUSED void
hrun_free(struct hrun *r)
{
	size_t i;

	hrun_untrack(r);
	for (i = 0; i < r->nvars; i++)
		free(r->vars[i]);
	for (i = 0; i < r->nenv; i++)
		free(r->env[i]);
	if (r->ready >= 0)
		close(r->ready);
	if (r->go >= 0)
		close(r->go);
	if (r->pidfd >= 0)
		close(r->pidfd);
	r->nvars = r->nenv = 0;
	r->ready = r->go = r->pidfd = -1;
}

/*
 * Assertions on a run.
 */

#define	HAS(text, s)							\
	ATF_CHECK_MSG(strstr((text), (s)) != NULL,			\
	    "%s lacks '%s': %s", #text, (s), (text))
#define	LACKS(text, s)							\
	ATF_CHECK_MSG(strstr((text), (s)) == NULL,			\
	    "%s has '%s': %s", #text, (s), (text))

/* The body failed (atf result "failed: ...") with a reason holding s. */
static HRUN_UNUSED void
hrun_failed_with(const struct hrun *r, const char *s)
{

	ATF_CHECK_MSG(strncmp(r->result, "failed: ", 8) == 0,
	    "%s did not fail: result '%s', stderr '%s'", r->tcname,
	    r->result, r->err);
	HAS(r->result, s);
	ATF_CHECK_MSG(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 1,
	    "%s: body wait status %#x", r->tcname, r->status);
}

static HRUN_UNUSED void
hrun_passed(const struct hrun *r)
{

	ATF_CHECK_MSG(strcmp(r->result, "passed\n") == 0,
	    "%s did not pass: result '%s', stderr '%s'", r->tcname,
	    r->result, r->err);
	ATF_CHECK_MSG(r->err[0] == '\0', "%s passed with stderr: %s",
	    r->tcname, r->err);
}

static HRUN_UNUSED void
hrun_cleanup_ok(const struct hrun *r)
{

	ATF_CHECK_MSG(WIFEXITED(r->cstatus) && WEXITSTATUS(r->cstatus) == 0,
	    "%s: cleanup status %#x, stderr '%s'", r->tcname, r->cstatus,
	    r->cerr);
	ATF_CHECK_MSG(r->cerr[0] == '\0', "%s: cleanup wrote to stderr: %s",
	    r->tcname, r->cerr);
}

/*
 * What a helper can leave on its machine (the test's case host), as text
 * that compares equal when nothing changed: the pins and mounts named
 * after the helper's pid, the interfaces, and the processes left to the
 * test (re-parented to it) or still in the helper's session.
 */
struct hstate {
	char	text[HRUN_TEXT];
};

/* Is name a kernel name of pid's sandboxes ("pk12", "pk12.a", "pk12s1")? */
static int
hrun_named_after(const char *name, pid_t pid)
{
	char prefix[32];
	size_t len;

	len = (size_t)snprintf(prefix, sizeof(prefix), "pk%d", (int)pid);
	return (strncmp(name, prefix, len) == 0 && (name[len] == '\0' ||
	    name[len] == '.' || name[len] == 's' || name[len] == ' ' ||
	    name[len] == '/' || name[len] == '\n'));
}

/* pid's parent and session from /proc/<pid>/stat; state letter. */
static int
hrun_proc_stat(pid_t pid, pid_t *ppid, pid_t *sid, char *state)
{
	char path[64], buf[1024], *p;
	int pp, pg, s;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %c %d %d %d", state, &pp, &pg, &s) != 4)
		return (-1);
	*ppid = pp;
	*sid = s;
	return (0);
}

static HRUN_UNUSED void
hstate_take(struct hstate *st, pid_t helper, const char *dir)
{
	char line[2048], cmd[256], *p;
	struct pk_os_link *l;
	struct pk_err e;
	struct dirent *de;
	pid_t pid, ppid, sid;
	size_t n, i, used;
	char state;
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
			if (hrun_named_after(de->d_name, helper))
				ADD("pin %s\n", de->d_name);
		closedir(d);
	}
	ATF_REQUIRE((fp = fopen("/proc/self/mountinfo", "r")) != NULL);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (((p = strstr(line, "/run/netns/")) != NULL &&
		    hrun_named_after(p + 11, helper)) ||
		    strstr(line, dir) != NULL)
			ADD("mount %s", line);
	fclose(fp);
	ATF_REQUIRE_MSG(pk_os_link_list(NULL, &l, &n, &e) == 0, "%s", e.msg);
	for (i = 0; i < n; i++)
		ADD("if %s %s %d\n", l[i].name, l[i].kind, l[i].index);
	free(l);
	/* Reap what was re-parented to us and died, then list the rest. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		continue;
	ATF_REQUIRE((d = opendir("/proc")) != NULL);
	while ((de = readdir(d)) != NULL) {
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (pid <= 0 || pid == helper ||
		    hrun_proc_stat(pid, &ppid, &sid, &state) != 0 ||
		    state == 'Z' || (ppid != getpid() && sid != helper))
			continue;
		pk_os_proc_describe(pid, cmd, sizeof(cmd));
		ADD("proc %d (%s)\n", (int)pid, cmd);
	}
	closedir(d);
#undef ADD
}

#endif /* !HRUN_H */
