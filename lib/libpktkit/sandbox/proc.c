/*
 * proc.c: processes inside vnets.
 *
 * A child is forked in the caller's stack and waits on a pipe until the
 * parent has journalled its pid and start time; only then does it attach
 * to the vnet and run.  If the parent dies first, the pipe reports end of
 * file and the child exits without doing anything.  A second pipe, closed
 * on exec, carries the child's errno back if attaching or exec fails.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_sandbox_impl.h"

#define	OUTPUT_MAX	(64 * 1024 * 1024)	/* per stream */

struct launch {
	struct pk_vnet	*v;
	char *const	*argv;		/* exec this, or */
	int		(*fn)(void *);	/* call this */
	void		*arg;
	int		 fd[3];		/* child's stdio; -1: /dev/null */
	int		 keep;		/* parent fd the child must close */
};

struct child_err {
	int	stage;			/* 1: attach, 2: exec */
	int	code;
};

/*
 * A pipe that no exec'd program inherits (pipe2(2) is not in POSIX
 * 2008; the library drives a sandbox from one thread, so the window
 * between the two calls cannot leak the descriptors into a fork).
 */
static int
cloexec_pipe(int p[2])
{

	if (pipe(p) != 0)
		return (-1);
	if (fcntl(p[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(p[1], F_SETFD, FD_CLOEXEC) != 0) {
		close(p[0]);
		close(p[1]);
		return (-1);
	}
	return (0);
}

static void
child_fail(int fd, int stage, int code)
{
	struct child_err ce;

	ce.stage = stage;
	ce.code = code;
	(void)write(fd, &ce, sizeof(ce));
	_exit(127);
}

/*
 * In the child: only async-signal-safe calls until exec.
 */
static void
child(const struct launch *l, int go, int gow, int rep, int repr)
{
	sigset_t none;
	ssize_t n;
	char c;
	int i, fd;

	close(gow);
	close(repr);
	if (l->keep >= 0)
		close(l->keep);
	do
		n = read(go, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || c != 'g')
		_exit(127);
	close(go);
	if ((i = pk_os_vnet_attach(l->v->os)) != 0)
		child_fail(rep, 1, i);
	for (i = 0; i < 3; i++) {
		fd = l->fd[i];
		if (fd < 0 && (fd = open("/dev/null", i == 0 ? O_RDONLY :
		    O_WRONLY)) < 0)
			child_fail(rep, 1, errno);
		if (fd == i)
			(void)fcntl(fd, F_SETFD, 0);
		else if (dup2(fd, i) < 0)
			child_fail(rep, 1, errno);
	}
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (l->argv != NULL) {
		execvp(l->argv[0], l->argv);
		child_fail(rep, 2, errno);
	}
	close(rep);
	_exit(l->fn(l->arg) & 0xff);
}

static void
reap(struct pk_sandbox *sb, struct pk_proc *p)
{
	int st;

	if (p->reaped)
		return;
	while (waitpid(p->pid, &st, 0) < 0) {
		if (errno != EINTR) {
			st = 0;		/* reaped by someone else */
			break;
		}
	}
	p->reaped = 1;
	p->status = st;
	(void)pk_sb_journal(sb, NULL, "done proc %d", (int)p->pid);
}

static int
launch(struct launch *l, struct pk_proc **pp, struct pk_err *err)
{
	struct pk_sandbox *sb;
	struct child_err ce;
	struct pk_proc *p;
	int go[2], rep[2];
	ssize_t n;
	pid_t pid;

	sb = l->v->sb;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (pk_err_sys(err, ENOMEM, "process"));
	if (cloexec_pipe(go) != 0) {
		free(p);
		return (pk_err_sys(err, errno, "pipe"));
	}
	if (cloexec_pipe(rep) != 0) {
		close(go[0]);
		close(go[1]);
		free(p);
		return (pk_err_sys(err, errno, "pipe"));
	}
	if ((pid = fork()) < 0) {
		pk_err_sys(err, errno, "fork");
		close(go[0]);
		close(go[1]);
		close(rep[0]);
		close(rep[1]);
		free(p);
		return (-1);
	}
	if (pid == 0)
		child(l, go[0], go[1], rep[1], rep[0]);
	close(go[0]);
	close(rep[1]);
	p->v = l->v;
	p->pid = pid;
	TAILQ_INSERT_TAIL(&sb->procs, p, link);
	if (pk_os_proc_start_time(pid, &p->start, err) != 0 ||
	    pk_sb_journal(sb, err, "proc %d %ju", (int)pid,
	    (uintmax_t)p->start) != 0) {
		close(go[1]);		/* the child exits on end of file */
		close(rep[0]);
		reap(sb, p);
		return (-1);
	}
	n = write(go[1], "g", 1);
	close(go[1]);
	if (n != 1) {
		close(rep[0]);
		reap(sb, p);
		return (pk_err_sys(err, EPIPE, "start process"));
	}
	while ((n = read(rep[0], &ce, sizeof(ce))) < 0 && errno == EINTR)
		;
	close(rep[0]);
	if (n == (ssize_t)sizeof(ce)) {
		reap(sb, p);
		if (ce.stage == 1)
			return (pk_err_sys(err, ce.code, "enter vnet %s",
			    l->v->name));
		return (pk_err_sys(err, ce.code, "run %s", l->argv[0]));
	}
	*pp = p;
	return (0);
}

static int
check_argv(char *const argv[], struct pk_err *err)
{

	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
		return (pk_err_set(err, EINVAL, "no command given"));
	return (0);
}

struct stream {
	int	 fd;
	char	*buf;
	size_t	 len, cap;
};

/* Read what is there; returns 1 at end of file, -1 on error. */
static int
stream_read(struct stream *s, struct pk_err *err)
{
	size_t ncap;
	ssize_t n;
	char *nb;

	if (s->cap - s->len < 4096) {
		ncap = s->cap == 0 ? 8192 : s->cap * 2;
		if (ncap > OUTPUT_MAX + 1)
			return (pk_err_set(err, EFBIG, "output larger than %d "
			    "bytes", OUTPUT_MAX));
		if ((nb = realloc(s->buf, ncap)) == NULL)
			return (pk_err_sys(err, ENOMEM, "output"));
		s->buf = nb;
		s->cap = ncap;
	}
	n = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
	if (n < 0)
		return (errno == EINTR || errno == EAGAIN ? 0 :
		    pk_err_sys(err, errno, "read output"));
	if (n == 0)
		return (1);
	s->len += (size_t)n;
	return (0);
}

static void
set_nonblock(int fd)
{

	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/*
 * Feed input and collect both output streams until both reach end of
 * file.  We keep our own copy of the input pipe's read end open, so that
 * writing to it never raises SIGPIPE; we stop writing once the child has
 * closed both outputs.
 */
static int
pump(int in, const char *input, struct stream *out, struct stream *errs,
    struct pk_err *err)
{
	struct pollfd pfd[3];
	size_t left, off;
	ssize_t w;
	int n, rc;

	left = input != NULL ? strlen(input) : 0;
	off = 0;
	if (left == 0) {
		close(in);
		in = -1;
	}
	while (out->fd >= 0 || errs->fd >= 0) {
		pfd[0].fd = out->fd;
		pfd[1].fd = errs->fd;
		pfd[2].fd = in;
		pfd[0].events = pfd[1].events = POLLIN;
		pfd[2].events = POLLOUT;
		if ((n = poll(pfd, 3, -1)) < 0) {
			if (errno == EINTR)
				continue;
			rc = pk_err_sys(err, errno, "poll");
			goto out;
		}
		if (in >= 0 && (pfd[2].revents & (POLLOUT | POLLERR))) {
			w = write(in, input + off, left);
			if (w > 0) {
				off += (size_t)w;
				left -= (size_t)w;
			}
			if (left == 0 || (w < 0 && errno != EAGAIN &&
			    errno != EINTR)) {
				close(in);
				in = -1;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((rc = stream_read(out, err)) < 0)
				goto out;
			if (rc == 1) {
				close(out->fd);
				out->fd = -1;
			}
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((rc = stream_read(errs, err)) < 0)
				goto out;
			if (rc == 1) {
				close(errs->fd);
				errs->fd = -1;
			}
		}
	}
	rc = 0;
out:
	if (in >= 0)
		close(in);
	return (rc);
}

static char *
stream_take(struct stream *s, size_t *lenp)
{
	char *b;

	if (s->buf == NULL && (s->buf = malloc(1)) == NULL)
		return (NULL);
	b = s->buf;
	b[s->len] = '\0';
	*lenp = s->len;
	s->buf = NULL;
	return (b);
}

int
pk_vnet_run(struct pk_vnet *v, char *const argv[], const char *input,
    struct pk_run_result *res, struct pk_err *err)
{
	struct stream out, errs;
	struct launch l;
	struct pk_proc *p;
	int pin[2], pout[2], perr[2], rc;

	memset(res, 0, sizeof(*res));
	if (pk_sb_live(v, err) != 0 || check_argv(argv, err) != 0)
		return (-1);
	memset(&out, 0, sizeof(out));
	memset(&errs, 0, sizeof(errs));
	if (cloexec_pipe(pin) != 0)
		return (pk_err_sys(err, errno, "pipe"));
	if (cloexec_pipe(pout) != 0) {
		rc = pk_err_sys(err, errno, "pipe");
		goto close_in;
	}
	if (cloexec_pipe(perr) != 0) {
		rc = pk_err_sys(err, errno, "pipe");
		goto close_out;
	}
	memset(&l, 0, sizeof(l));
	l.v = v;
	l.argv = argv;
	l.fd[0] = pin[0];
	l.fd[1] = pout[1];
	l.fd[2] = perr[1];
	l.keep = pin[1];
	rc = launch(&l, &p, err);
	close(pout[1]);
	close(perr[1]);
	if (rc != 0) {
		close(pout[0]);
		close(perr[0]);
		close(pin[1]);
		close(pin[0]);
		return (pk_err_prefix(err, "vnet %s", v->name));
	}
	set_nonblock(pin[1]);
	set_nonblock(pout[0]);
	set_nonblock(perr[0]);
	out.fd = pout[0];
	errs.fd = perr[0];
	rc = pump(pin[1], input, &out, &errs, err);
	close(pin[0]);
	if (out.fd >= 0)
		close(out.fd);
	if (errs.fd >= 0)
		close(errs.fd);
	if (rc != 0)
		(void)kill(p->pid, SIGKILL);
	reap(v->sb, p);
	if (rc == 0) {
		res->status = p->status;
		res->out = stream_take(&out, &res->outlen);
		res->errout = stream_take(&errs, &res->errlen);
		if (res->out == NULL || res->errout == NULL) {
			pk_run_result_free(res);
			rc = pk_err_sys(err, ENOMEM, "output");
		}
	}
	free(out.buf);
	free(errs.buf);
	return (rc);
close_out:
	close(pout[0]);
	close(pout[1]);
close_in:
	close(pin[0]);
	close(pin[1]);
	return (rc);
}

void
pk_run_result_free(struct pk_run_result *res)
{

	free(res->out);
	free(res->errout);
	res->out = res->errout = NULL;
	res->outlen = res->errlen = 0;
}

int
pk_vnet_spawn(struct pk_vnet *v, char *const argv[], struct pk_proc **pp,
    struct pk_err *err)
{
	struct launch l;

	if (pk_sb_live(v, err) != 0 || check_argv(argv, err) != 0)
		return (-1);
	memset(&l, 0, sizeof(l));
	l.v = v;
	l.argv = argv;
	l.fd[0] = l.fd[1] = l.fd[2] = -1;
	l.keep = -1;
	if (launch(&l, pp, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	return (0);
}

pid_t
pk_proc_pid(const struct pk_proc *p)
{

	return (p->pid);
}

int
pk_proc_kill(struct pk_proc *p, int sig, int wait, int *status,
    struct pk_err *err)
{

	if (p == NULL)
		return (pk_err_set(err, EINVAL, "no process given"));
	if (p->reaped)
		return (pk_err_set(err, ESRCH, "pid %d was already reaped",
		    (int)p->pid));
	if (sig != 0 && kill(p->pid, sig) != 0)
		return (pk_err_sys(err, errno, "kill %d", (int)p->pid));
	if (wait) {
		reap(p->v->sb, p);
		if (status != NULL)
			*status = p->status;
	}
	return (0);
}

int
pk_vnet_call(struct pk_vnet *v, int (*fn)(void *), void *arg, int *status,
    struct pk_err *err)
{
	struct launch l;
	struct pk_proc *p;

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (fn == NULL)
		return (pk_err_set(err, EINVAL, "no function given"));
	memset(&l, 0, sizeof(l));
	l.v = v;
	l.fn = fn;
	l.arg = arg;
	l.fd[0] = l.fd[1] = l.fd[2] = -1;
	l.keep = -1;
	/* The function keeps the caller's stdio: it is the caller's code. */
	l.fd[0] = 0;
	l.fd[1] = 1;
	l.fd[2] = 2;
	if (launch(&l, &p, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	reap(v->sb, p);
	if (status != NULL)
		*status = p->status;
	return (0);
}

/*
 * Kill and reap every process still running in v (NULL: all).  Returns
 * the number that could not be stopped.
 */
int
pk_sb_procs_stop(struct pk_sandbox *sb, struct pk_vnet *v,
    struct pk_report *rep)
{
	struct pk_proc *p;

	(void)rep;
	TAILQ_FOREACH(p, &sb->procs, link) {
		if (p->reaped || (v != NULL && p->v != v))
			continue;
		(void)kill(p->pid, SIGKILL);
		reap(sb, p);
	}
	return (0);
}

void
pk_sb_procs_free(struct pk_sandbox *sb)
{
	struct pk_proc *p;

	while ((p = TAILQ_FIRST(&sb->procs)) != NULL) {
		TAILQ_REMOVE(&sb->procs, p, link);
		free(p);
	}
}
