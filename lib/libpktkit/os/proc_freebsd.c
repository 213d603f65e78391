/*
 * proc_freebsd.c: processes, and what holds a jail.
 *
 * A removed jail stays "dying" while anything references it: a process
 * in it or in a jail below it, a child jail, or a socket made in it
 * (whoever holds the descriptor now, or no one: a connection in
 * TIME-WAIT or one still sending after its process closed it).  The
 * processes come from kern.proc, their descriptors from kern.file, and
 * the jail's sockets from the tables read before it was removed (see
 * sock_freebsd.c): a descriptor whose socket is in those tables holds
 * the jail.
 */
#include <sys/param.h>
#include <sys/event.h>
#include <sys/file.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/time.h>
#include <sys/user.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os_common.h"
#include "os_freebsd.h"
#include "../pk_time.h"

static int
proc_info(pid_t pid, struct kinfo_proc *kp, struct pk_err *err)
{
	size_t len;
	int mib[4];

	mib[0] = CTL_KERN;
	mib[1] = KERN_PROC;
	mib[2] = KERN_PROC_PID;
	mib[3] = (int)pid;
	len = sizeof(*kp);
	if (sysctl(mib, 4, kp, &len, NULL, 0) != 0)
		return (pk_err_sys(err, errno, "pid %d", (int)pid));
	if (len == 0)
		return (pk_err_set(err, ESRCH, "no process %d", (int)pid));
	if (len != sizeof(*kp) || kp->ki_structsize != (int)sizeof(*kp))
		return (pk_err_set(err, EINVAL, "pid %d: kinfo_proc of %zu "
		    "bytes", (int)pid, len));
	return (0);
}

static uint64_t
start_of(const struct kinfo_proc *kp)
{

	return ((uint64_t)kp->ki_start.tv_sec * 1000000 +
	    (uint64_t)kp->ki_start.tv_usec);
}

int
pk_os_proc_start_time(pid_t pid, uint64_t *start, struct pk_err *err)
{
	struct kinfo_proc kp;

	if (proc_info(pid, &kp, err) != 0)
		return (-1);
	*start = start_of(&kp);
	return (0);
}

void
pk_os_proc_describe(pid_t pid, char *buf, size_t size)
{
	struct kinfo_proc kp;
	size_t len, i;
	int mib[4];

	snprintf(buf, size, "?");
	if (size < 2)
		return;
	mib[0] = CTL_KERN;
	mib[1] = KERN_PROC;
	mib[2] = KERN_PROC_ARGS;
	mib[3] = (int)pid;
	len = size - 1;
	if (sysctl(mib, 4, buf, &len, NULL, 0) != 0 || len == 0) {
		/* A zombie or a kernel process: the command name, then. */
		if (proc_info(pid, &kp, NULL) == 0)
			snprintf(buf, size, "%s", kp.ki_comm);
		else
			snprintf(buf, size, "?");
		return;
	}
	buf[len] = '\0';
	while (len > 0 && buf[len - 1] == '\0')
		len--;
	buf[len] = '\0';
	for (i = 0; i < len; i++)
		if (buf[i] == '\0' || !isprint((unsigned char)buf[i]))
			buf[i] = ' ';
}

int
pk_os_proc_kill_match(pid_t pid, uint64_t start, int64_t end_ms,
    struct pk_err *err)
{
	struct kinfo_proc kp;
	struct timespec ts;
	struct kevent kev;
	int kq, rc, ms;

	/*
	 * The kqueue note is tied to the process, not to its number: once
	 * it is there, the start time we check is the one we kill.
	 */
	if ((kq = kqueue()) < 0)
		return (pk_err_sys(err, errno, "kqueue"));
	EV_SET(&kev, pid, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0,
	    NULL);
	if (kevent(kq, &kev, 1, NULL, 0, NULL) != 0) {
		rc = errno;
		close(kq);
		if (rc == ESRCH)
			return (0);
		return (pk_err_sys(err, rc, "kevent pid %d", (int)pid));
	}
	/* A zombie holds nothing and is its parent's to reap. */
	if (proc_info(pid, &kp, NULL) != 0 || start_of(&kp) != start ||
	    kp.ki_stat == SZOMB) {
		close(kq);
		return (0);
	}
	if (kill(pid, SIGKILL) != 0 && errno != ESRCH) {
		rc = errno;
		close(kq);
		return (pk_err_sys(err, rc, "kill %d", (int)pid));
	}
	do {
		ms = pk_ms_left(end_ms);
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (long)(ms % 1000) * 1000000;
		rc = kevent(kq, NULL, 0, &kev, 1, &ts);
	} while (rc < 0 && errno == EINTR);
	close(kq);
	if (rc <= 0)
		return (pk_err_set(err, ETIMEDOUT, "pid %d still alive after "
		    "SIGKILL", (int)pid));
	return (1);
}

/*
 * The holder scan.
 */

struct scan {
	const struct pk_os_vnet		*ov;
	struct pk_os_holders_out	 out;
};

/* A kern.* table of records, read whole. */
static int
table_read(int *mib, u_int len, void **bufp, size_t *sizep,
    struct pk_err *err)
{

	return (pk_fbsd_sysctl_get(NULL, mib, len, bufp, sizep, err));
}

static int
scan_procs(struct scan *sc, struct pk_err *err)
{
	struct kinfo_proc *kp;
	char cmd[128];
	size_t size, i, n;
	int mib[4];
	void *buf;

	mib[0] = CTL_KERN;
	mib[1] = KERN_PROC;
	mib[2] = KERN_PROC_PROC;
	mib[3] = 0;
	if (table_read(mib, 3, &buf, &size, err) != 0)
		return (-1);
	kp = buf;
	n = size / sizeof(*kp);
	if (n > 0 && kp[0].ki_structsize != (int)sizeof(*kp)) {
		free(buf);
		return (pk_err_set(err, EINVAL, "kern.proc: records of %d "
		    "bytes", kp[0].ki_structsize));
	}
	for (i = 0; i < n; i++) {
		if (kp[i].ki_jid != sc->ov->jid)
			continue;
		pk_os_proc_describe(kp[i].ki_pid, cmd, sizeof(cmd));
		pk_os_holder_say(&sc->out, "pid %d (%s) inside the jail%s",
		    (int)kp[i].ki_pid, cmd, kp[i].ki_stat == SZOMB ?
		    ", a zombie no one reaped" : "");
	}
	free(buf);
	return (0);
}

static void
child_found(void *arg, int jid, const char *name, int dying)
{

	pk_os_holder_say(arg, "jail %s (jid %d) inside it%s", name, jid,
	    dying ? ", itself dying" : "");
}

static const struct pk_fbsd_pcb *
pcb_of(const struct pk_os_vnet *ov, uint64_t so)
{
	size_t i;

	for (i = 0; i < ov->npcbs; i++)
		if (ov->pcbs[i].so == so)
			return (&ov->pcbs[i]);
	return (NULL);
}

int
pk_fbsd_files(struct xfile **xfp, size_t *np, struct pk_err *err)
{
	struct xfile *xf;
	size_t size, n;
	int mib[2];
	void *buf;

	mib[0] = CTL_KERN;
	mib[1] = KERN_FILE;
	if (table_read(mib, 2, &buf, &size, err) != 0)
		return (-1);
	xf = buf;
	n = size / sizeof(*xf);
	if (n > 0 && xf[0].xf_size != sizeof(*xf)) {
		free(buf);
		return (pk_err_set(err, EINVAL, "kern.file: records of %zu "
		    "bytes", (size_t)xf[0].xf_size));
	}
	*xfp = xf;
	*np = n;
	return (0);
}

static int
scan_files(struct scan *sc, struct pk_err *err)
{
	const struct pk_fbsd_pcb *p;
	struct xfile *xf;
	char cmd[128];
	size_t i, n;

	if (sc->ov->npcbs == 0)
		return (0);
	if (pk_fbsd_files(&xf, &n, err) != 0)
		return (-1);
	for (i = 0; i < n; i++) {
		if (xf[i].xf_type != DTYPE_SOCKET ||
		    (p = pcb_of(sc->ov, xf[i].xf_data)) == NULL)
			continue;
		pk_os_proc_describe(xf[i].xf_pid, cmd, sizeof(cmd));
		pk_os_holder_say(&sc->out, "pid %d (%s) via fd %d (%s)",
		    (int)xf[i].xf_pid, cmd, xf[i].xf_fd, p->desc);
	}
	free(xf);
	return (0);
}

int
pk_os_holders(const struct pk_os_vnet *ov,
    void (*found)(void *, const char *), void *arg, struct pk_err *err)
{
	struct scan sc;

	memset(&sc, 0, sizeof(sc));
	sc.ov = ov;
	sc.out.found = found;
	sc.out.arg = arg;
	if (scan_procs(&sc, err) != 0)
		return (-1);
	(void)pk_fbsd_children(ov->jid, child_found, &sc.out);
	if (scan_files(&sc, err) != 0)
		return (-1);
	return (sc.out.n);
}
