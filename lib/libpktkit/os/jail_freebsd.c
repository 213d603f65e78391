/*
 * jail_freebsd.c: vnets as vnet jails.
 *
 * A new vnet is a jail made with jail_set(2) ("vnet" new, no path: it
 * shares our root) by an agent: a child that creates the jail and
 * attaches to it in the same call, opens the sockets the backend works
 * through inside it, passes them back (SCM_RIGHTS), and then only waits.
 * While the agent lives the jail lives, and nothing else keeps it: if we
 * die before pk_os_vnet_commit(), the agent sees end of file, exits, and
 * the jail goes with it.  Commit sets "persist" (the pin) and lets the
 * agent go.  Removal is jail_remove(2); the jail then stays "dying" until
 * the last reference to it (a socket made inside, a TIME-WAIT
 * connection, a process) is gone.
 *
 * Jail names are hierarchical ("a.b" is jail b inside jail a) and a
 * component may not hold a dot.  A vnet's kernel name is "<host>.<name>"
 * when the sandbox has a private host: the vnet is jail <name> inside
 * the host's jail, so that from the machine "jexec pk123.alcatraz"
 * reaches it.  Other dots become colons, which vnet names never hold.
 */
#include <sys/param.h>
#include <sys/ioctl.h>
#include <sys/jail.h>
#include <sys/socket.h>
#include <sys/sysctl.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os_common.h"
#include "os_freebsd.h"

#define	JP_MAX		16	/* jail_set(2) name/value slots */
#define	JERRSIZ		200	/* the kernel's explanation */

/* Who we are: cached per process, since a fork has another pid. */
static pid_t	self_pid = -1;
static int	self_jid = -1;
/* The kernel name of the jail this process entered as its private host. */
static char	entered[128];

int
pk_fbsd_self_jid(void)
{
	struct kinfo_proc kp;
	size_t len;
	int mib[4];

	if (self_pid == getpid())
		return (self_jid);
	mib[0] = CTL_KERN;
	mib[1] = KERN_PROC;
	mib[2] = KERN_PROC_PID;
	mib[3] = getpid();
	len = sizeof(kp);
	if (sysctl(mib, 4, &kp, &len, NULL, 0) != 0 || len != sizeof(kp))
		return (-1);
	self_pid = getpid();
	self_jid = kp.ki_jid;
	return (self_jid);
}

int
pk_fbsd_here(const struct pk_os_vnet *ov)
{

	return (ov->jid == pk_fbsd_self_jid());
}

/*
 * jail_set(2) and jail_get(2) parameters.
 */

struct jparams {
	struct iovec	iov[JP_MAX * 2];
	u_int		n;
	char		errmsg[JERRSIZ];
};

static void
jp_init(struct jparams *jp)
{

	jp->n = 0;
	jp->errmsg[0] = '\0';
}

/* A NULL value is a boolean set by its name alone ("persist"). */
static void
jp_add(struct jparams *jp, const char *name, void *value, size_t len)
{

	if (jp->n + 2 > JP_MAX * 2)
		return;
	jp->iov[jp->n].iov_base = __DECONST(char *, name);
	jp->iov[jp->n].iov_len = strlen(name) + 1;
	jp->iov[jp->n + 1].iov_base = value;
	jp->iov[jp->n + 1].iov_len = value != NULL ? len : 0;
	jp->n += 2;
}

static void
jp_errmsg(struct jparams *jp)
{

	jp_add(jp, "errmsg", jp->errmsg, sizeof(jp->errmsg));
}

static int
jail_err(struct pk_err *err, int code, const char *kmsg, const char *what,
    const char *name)
{

	if (kmsg != NULL && *kmsg != '\0')
		return (pk_err_set(err, code, "%s %s: %s (%s)", what, name,
		    strerror(code), kmsg));
	return (pk_err_sys(err, code, "%s %s", what, name));
}

static int
sysctl_int(const char *name, int *v)
{
	size_t len;

	len = sizeof(*v);
	if (sysctlbyname(name, v, &len, NULL, 0) != 0 || len != sizeof(*v))
		return (-1);
	return (0);
}

/*
 * A child jail may have raw sockets (ping) only if its parent may: the
 * kernel refuses a jail more permissive than its parent.
 */
static int
raw_sockets_allowed(void)
{
	int jailed, allowed;

	if (sysctl_int("security.jail.jailed", &jailed) != 0)
		return (0);
	if (!jailed)
		return (1);
	return (sysctl_int("security.jail.allow_raw_sockets", &allowed) ==
	    0 && allowed);
}

static int
vimage_check(struct pk_err *err)
{
	int v;

	if (sysctl_int("kern.features.vimage", &v) != 0 || v == 0)
		return (pk_err_set(err, ENOTSUP, "this kernel has no VIMAGE: "
		    "no vnet jails"));
	return (0);
}

/*
 * Create a vnet jail and attach the calling process to it.  name NULL:
 * the kernel names it by its jid.  children: it may make jails of its
 * own (one fewer than we may; the kernel insists on fewer).  Returns the
 * jid, or -1 with errno set and the kernel's explanation in msg.
 */
static int
jail_create(const char *name, int children, char *msg, size_t msgsize)
{
	struct jparams jp;
	int vnet, childmax, jid, e;

	jp_init(&jp);
	vnet = JAIL_SYS_NEW;
	jp_add(&jp, "vnet", &vnet, sizeof(vnet));
	if (name != NULL)
		jp_add(&jp, "name", __DECONST(char *, name), strlen(name) + 1);
	if (children && sysctl_int("security.jail.children.max",
	    &childmax) == 0 && childmax > 1) {
		childmax--;
		jp_add(&jp, "children.max", &childmax, sizeof(childmax));
	}
	if (raw_sockets_allowed())
		jp_add(&jp, "allow.raw_sockets", NULL, 0);
	jp_errmsg(&jp);
	jid = jail_set(jp.iov, jp.n, JAIL_CREATE | JAIL_ATTACH);
	if (jid < 0) {
		e = errno;
		snprintf(msg, msgsize, "%s", jp.errmsg);
		errno = e;
	}
	return (jid);
}

/*
 * Inside a fresh vnet: loopback up, and no duplicate address detection,
 * so that no IPv6 address is ever tentative.  Returns an errno value.
 */
static int
vnet_init_here(char *msg, size_t msgsize)
{
	struct ifreq ifr;
	int s, zero, e;

	if ((s = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return (errno);
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, "lo0", sizeof(ifr.ifr_name));
	e = 0;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		e = errno;
	else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
			e = errno;
	}
	close(s);
	if (e != 0) {
		snprintf(msg, msgsize, "loopback up");
		return (e);
	}
	zero = 0;
	/* No IPv6 in this kernel: nothing to turn off. */
	if (sysctlbyname("net.inet6.ip6.dad_count", NULL, NULL, &zero,
	    sizeof(zero)) != 0 && errno != ENOENT) {
		snprintf(msg, msgsize, "net.inet6.ip6.dad_count=0");
		return (errno);
	}
	return (0);
}

/*
 * Sockets inside the vnet the caller is in.  The local and routing
 * sockets must exist; a kernel without INET or INET6 has no such
 * sockets, and what needs them says so later.
 */
static int
open_sock(enum pk_fbsd_sk k)
{

	switch (k) {
	case PK_FBSD_SL:
		return (socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	case PK_FBSD_S4:
		return (socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	case PK_FBSD_S6:
		return (socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	case PK_FBSD_SR:
		return (socket(PF_ROUTE, SOCK_RAW | SOCK_CLOEXEC, 0));
	default:
		errno = EINVAL;
		return (-1);
	}
}

static int
optional_sock(enum pk_fbsd_sk k)
{

	return (k == PK_FBSD_S4 || k == PK_FBSD_S6);
}

/*
 * The agent.
 */

struct agent_req {
	const char	*name;		/* create: its name, or NULL */
	int		 create;	/* else attach to jid */
	int		 jid;
	int		 init;		/* loopback up, no DAD */
	int		 stay;		/* keep the jail until told */
	/* Other descriptors than the handle's sockets (pk_fbsd_fetch()). */
	int		(*mk)(void *, int *, char *, size_t);
	void		*mkarg;
};

struct agent_hello {
	int	error;			/* errno value */
	int	jid;
	int	have[PK_FBSD_NSK];	/* which sockets follow */
	char	msg[JERRSIZ];
};

union agent_cmsg {
	struct cmsghdr	hdr;
	char		buf[CMSG_SPACE(sizeof(int) * PK_FBSD_NSK)];
};

static void
agent_send(int fd, struct agent_hello *h, const int *sk)
{
	union agent_cmsg cm;
	struct msghdr mh;
	struct iovec iov;
	struct cmsghdr *c;
	int fds[PK_FBSD_NSK], n, k;

	n = 0;
	for (k = 0; k < PK_FBSD_NSK; k++) {
		h->have[k] = sk[k] >= 0;
		if (sk[k] >= 0)
			fds[n++] = sk[k];
	}
	memset(&mh, 0, sizeof(mh));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = h;
	iov.iov_len = sizeof(*h);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (n > 0) {
		mh.msg_control = cm.buf;
		mh.msg_controllen = (socklen_t)CMSG_SPACE(sizeof(int) * n);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = (socklen_t)CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	while (sendmsg(fd, &mh, 0) < 0 && errno == EINTR)
		;
}

/*
 * In the child.  Only descriptor 3 (the socketpair) survives, so that
 * the agent holds nothing of ours that could keep another vnet alive.
 */
static void
agent_child(int fd, const struct agent_req *rq)
{
	struct agent_hello h;
	int sk[PK_FBSD_NSK], k;
	char c;

	if (fd != 3) {
		if (dup2(fd, 3) < 0)
			_exit(127);
		fd = 3;
	}
	closefrom(4);
	memset(&h, 0, sizeof(h));
	for (k = 0; k < PK_FBSD_NSK; k++)
		sk[k] = -1;
	if (rq->create) {
		if ((h.jid = jail_create(rq->name, 0, h.msg,
		    sizeof(h.msg))) < 0)
			h.error = errno;
	} else if (jail_attach(rq->jid) != 0)
		h.error = errno;
	else
		h.jid = rq->jid;
	if (h.error == 0 && rq->init)
		h.error = vnet_init_here(h.msg, sizeof(h.msg));
	if (h.error == 0 && rq->mk != NULL)
		h.error = rq->mk(rq->mkarg, sk, h.msg, sizeof(h.msg));
	for (k = 0; h.error == 0 && rq->mk == NULL && k < PK_FBSD_NSK; k++) {
		if ((sk[k] = open_sock((enum pk_fbsd_sk)k)) < 0 &&
		    !optional_sock((enum pk_fbsd_sk)k)) {
			h.error = errno;
			snprintf(h.msg, sizeof(h.msg), "socket inside");
		}
	}
	agent_send(fd, &h, sk);
	if (h.error == 0 && rq->stay)
		while (read(fd, &c, 1) < 0 && errno == EINTR)
			;
	_exit(h.error == 0 ? 0 : 1);
}

static void
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

static int
agent_recv(int fd, struct agent_hello *h, int *sk, struct pk_err *err)
{
	union agent_cmsg cm;
	struct msghdr mh;
	struct iovec iov;
	struct cmsghdr *c;
	int fds[PK_FBSD_NSK], nfd, want, i, k;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = h;
	iov.iov_len = sizeof(*h);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (pk_err_sys(err, errno, "jail agent"));
	nfd = 0;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		if (nfd > PK_FBSD_NSK)
			nfd = PK_FBSD_NSK;
		memcpy(fds, CMSG_DATA(c), sizeof(int) * nfd);
	}
	want = 0;
	if (n == (ssize_t)sizeof(*h) && h->error == 0)
		for (k = 0; k < PK_FBSD_NSK; k++)
			want += h->have[k] != 0;
	if (n == (ssize_t)sizeof(*h) && nfd == want) {
		for (i = k = 0; k < PK_FBSD_NSK; k++)
			if (want > 0 && h->have[k])
				sk[k] = fds[i++];
		return (0);
	}
	for (i = 0; i < nfd; i++)
		close(fds[i]);
	return (pk_err_set(err, EIO, "jail agent died before it answered"));
}

static void
agent_stop(struct pk_os_vnet *ov)
{

	if (ov->agent <= 0)
		return;
	close(ov->agentfd);
	/* A fork of ours may hold its socketpair too: do not wait on it. */
	(void)kill(ov->agent, SIGKILL);
	reap(ov->agent);
	ov->agent = -1;
	ov->agentfd = -1;
}

/*
 * Start an agent and take what it hands back: the descriptors into sk
 * (PK_FBSD_NSK of them, -1 for none) and the jail's id into *jidp.  An
 * agent that stays is left to the caller (*pidp, *fdp).
 */
static int
agent_run(const struct agent_req *rq, int *sk, int *jidp, pid_t *pidp,
    int *fdp, struct pk_err *err)
{
	struct agent_hello h;
	int sp[2], rc;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		return (pk_err_sys(err, errno, "socketpair"));
	if ((pid = fork()) < 0) {
		rc = errno;
		close(sp[0]);
		close(sp[1]);
		return (pk_err_sys(err, rc, "fork"));
	}
	if (pid == 0) {
		close(sp[0]);
		agent_child(sp[1], rq);
	}
	close(sp[1]);
	memset(&h, 0, sizeof(h));
	rc = agent_recv(sp[0], &h, sk, err);
	if (rc != 0 || h.error != 0 || !rq->stay) {
		close(sp[0]);
		reap(pid);
	} else {
		*pidp = pid;
		*fdp = sp[0];
	}
	if (rc != 0)
		return (-1);
	if (h.error != 0)
		return (jail_err(err, h.error, h.msg, rq->create ?
		    "create jail" : "in jail", rq->name != NULL ?
		    rq->name : "(unnamed)"));
	*jidp = h.jid;
	return (0);
}

static int
agent_start(struct pk_os_vnet *ov, const struct agent_req *rq,
    struct pk_err *err)
{

	return (agent_run(rq, ov->sk, &ov->jid, &ov->agent, &ov->agentfd,
	    err));
}

int
pk_fbsd_fetch(struct pk_os_vnet *ov, int (*mk)(void *, int *, char *, size_t),
    void *arg, int *fds, struct pk_err *err)
{
	struct agent_req rq;
	char msg[JERRSIZ];
	pid_t pid;
	int k, e, jid, fd;

	for (k = 0; k < PK_FBSD_NSK; k++)
		fds[k] = -1;
	if (pk_fbsd_here(ov)) {
		msg[0] = '\0';
		if ((e = mk(arg, fds, msg, sizeof(msg))) == 0)
			return (0);
		for (k = 0; k < PK_FBSD_NSK; k++)
			if (fds[k] >= 0)
				close(fds[k]);
		return (jail_err(err, e, msg, "in", ov->id));
	}
	if (ov->released || ov->dying)
		return (pk_err_set(err, ESRCH, "%s is %s", ov->id,
		    ov->dying ? "dying" : "released"));
	memset(&rq, 0, sizeof(rq));
	rq.jid = ov->jid;
	rq.name = ov->id;
	rq.mk = mk;
	rq.mkarg = arg;
	return (agent_run(&rq, fds, &jid, &pid, &fd, err));
}

/*
 * Names.
 */

/*
 * The jail's own name for kname (see the top of the file).  A name all
 * digits would be taken for a jid: it gets a colon in front.
 */
static int
jail_leaf(const char *kname, char *leaf, size_t size, struct pk_err *err)
{
	const char *p;
	size_t len, i;
	int digits;

	len = strlen(entered);
	p = kname;
	if (len > 0 && strncmp(kname, entered, len) == 0 && kname[len] == '.')
		p = kname + len + 1;
	digits = strspn(p, "0123456789") == strlen(p);
	i = 0;
	if (digits && i + 1 < size)
		leaf[i++] = ':';
	for (; *p != '\0' && i + 1 < size; p++)
		leaf[i++] = *p == '.' ? ':' : *p;
	leaf[i] = '\0';
	if (*p != '\0' || i == 0)
		return (pk_err_set(err, ENAMETOOLONG, "jail name for %s",
		    kname));
	return (0);
}

/* The last component of a hierarchical jail name. */
static const char *
last_component(const char *name)
{
	const char *p;

	p = strrchr(name, '.');
	return (p != NULL ? p + 1 : name);
}

/*
 * Handles.
 */

static struct pk_os_vnet *
vnet_alloc(const char *kname, enum pk_os_vnet_how how, struct pk_err *err)
{
	struct pk_os_vnet *ov;
	int k;

	if ((ov = calloc(1, sizeof(*ov))) == NULL) {
		pk_err_sys(err, ENOMEM, "vnet");
		return (NULL);
	}
	ov->how = how;
	ov->jid = -1;
	ov->agent = -1;
	ov->agentfd = -1;
	for (k = 0; k < PK_FBSD_NSK; k++)
		ov->sk[k] = -1;
	if (pk_os_kname_copy(ov->kname, sizeof(ov->kname), kname, err) != 0) {
		free(ov);
		return (NULL);
	}
	return (ov);
}

static void
set_id(struct pk_os_vnet *ov)
{

	snprintf(ov->id, sizeof(ov->id), "jid %d", ov->jid);
}

int
pk_fbsd_sock(struct pk_os_vnet *ov, enum pk_fbsd_sk k, struct pk_err *err)
{

	if (ov->released)
		return (pk_err_set(err, ESRCH, "vnet %s was released",
		    ov->id));
	if (ov->sk[k] >= 0)
		return (ov->sk[k]);
	if (pk_fbsd_here(ov)) {
		if ((ov->sk[k] = open_sock(k)) < 0)
			return (pk_err_sys(err, errno, "socket in %s", ov->id));
		return (ov->sk[k]);
	}
	if (ov->dying)
		return (pk_err_set(err, ESRCH, "jail %d is dying", ov->jid));
	if (optional_sock(k))
		return (pk_err_set(err, EAFNOSUPPORT, "no %s sockets in %s",
		    k == PK_FBSD_S4 ? "IPv4" : "IPv6", ov->id));
	return (pk_err_set(err, ESRCH, "no way into %s", ov->id));
}

/*
 * The private host: the calling process itself makes the jail and moves
 * in.  Attaching changes to the jail's root directory, which is ours;
 * the working directory is put back.
 */
static int
attach_new_here(const char *name, struct pk_err *err)
{
	char msg[JERRSIZ];
	int cwd, jid, e;

	if (vimage_check(err) != 0)
		return (-1);
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if ((jid = jail_create(name, 1, msg, sizeof(msg))) < 0) {
		e = errno;
		if (cwd >= 0)
			close(cwd);
		return (jail_err(err, e, msg, "create jail",
		    name != NULL ? name : "(unnamed)"));
	}
	self_pid = getpid();
	self_jid = jid;
	e = cwd >= 0 && fchdir(cwd) != 0 ? errno : 0;
	if (cwd >= 0)
		close(cwd);
	if (e != 0)
		return (pk_err_sys(err, e, "back to the working directory"));
	return (jid);
}

static int
vnet_enter(struct pk_os_vnet *ov, struct pk_err *err)
{
	char msg[JERRSIZ];
	int e;

	if ((ov->jid = attach_new_here(ov->leaf, err)) < 0)
		return (-1);
	snprintf(entered, sizeof(entered), "%s", ov->kname);
	msg[0] = '\0';
	if ((e = vnet_init_here(msg, sizeof(msg))) != 0)
		return (pk_err_sys(err, e, "jail %s: %s", ov->leaf, msg));
	return (0);
}

static int
vnet_new(struct pk_os_vnet *ov, struct pk_err *err)
{
	struct agent_req rq;

	if (vimage_check(err) != 0)
		return (-1);
	memset(&rq, 0, sizeof(rq));
	rq.create = 1;
	rq.name = ov->how == PK_OS_VNET_NEW ? ov->leaf : NULL;
	rq.init = ov->how == PK_OS_VNET_NEW;
	rq.stay = 1;
	return (agent_start(ov, &rq, err));
}

int
pk_os_vnet_prepare(const char *kname, enum pk_os_vnet_how how,
    struct pk_os_vnet **ovp, char *ident, struct pk_err *err)
{
	struct pk_os_vnet *ov;
	int named;

	if ((named = pk_os_vnet_named(kname, how, err)) < 0)
		return (-1);
	if ((ov = vnet_alloc(named ? kname : NULL, how, err)) == NULL)
		return (-1);
	if (named && jail_leaf(kname, ov->leaf, sizeof(ov->leaf), err) != 0)
		goto fail;
	switch (how) {
	case PK_OS_VNET_CURRENT:
		if ((ov->jid = pk_fbsd_self_jid()) < 0) {
			pk_err_sys(err, errno, "own jail id");
			goto fail;
		}
		snprintf(ident, PK_OS_IDENTSIZ, "current:%d", ov->jid);
		break;
	case PK_OS_VNET_ENTER:
		if (vnet_enter(ov, err) != 0)
			goto fail;
		snprintf(ident, PK_OS_IDENTSIZ, "jail:%d:%s", ov->jid,
		    ov->leaf);
		break;
	case PK_OS_VNET_NEW:
	case PK_OS_VNET_SCRATCH:
		if (vnet_new(ov, err) != 0)
			goto fail;
		snprintf(ident, PK_OS_IDENTSIZ, "%s:%d:%s", named ? "jail" :
		    "scratch", ov->jid, ov->leaf);
		break;
	}
	set_id(ov);
	*ovp = ov;
	return (0);
fail:
	pk_os_vnet_free(ov);
	return (-1);
}

int
pk_os_vnet_commit(struct pk_os_vnet *ov, struct pk_err *err)
{
	struct jparams jp;
	int jid;

	if (ov->how != PK_OS_VNET_NEW)
		return (0);
	jp_init(&jp);
	jid = ov->jid;
	jp_add(&jp, "jid", &jid, sizeof(jid));
	jp_add(&jp, "persist", NULL, 0);
	jp_errmsg(&jp);
	if (jail_set(jp.iov, jp.n, JAIL_UPDATE) < 0)
		return (jail_err(err, errno, jp.errmsg, "persist jail",
		    ov->leaf));
	ov->pinned = 1;
	agent_stop(ov);
	return (0);
}

struct jinfo {
	int	jid;
	int	parent;
	int	dying;
	char	name[PK_FBSD_JNAMESIZ];
};

/*
 * jail_get(2), dying jails included: by jid, or (lastjid >= 0) the
 * visible jail after lastjid.  Returns the jid, or -1 with errno set.
 */
static int
jail_info(int jid, int lastjid, struct jinfo *ji)
{
	struct jparams jp;
	int last;

	memset(ji, 0, sizeof(*ji));
	jp_init(&jp);
	last = lastjid;
	if (lastjid >= 0)
		jp_add(&jp, "lastjid", &last, sizeof(last));
	else
		ji->jid = jid;
	jp_add(&jp, "jid", &ji->jid, sizeof(ji->jid));
	jp_add(&jp, "name", ji->name, sizeof(ji->name));
	jp_add(&jp, "parent", &ji->parent, sizeof(ji->parent));
	jp_add(&jp, "dying", &ji->dying, sizeof(ji->dying));
	jp_errmsg(&jp);
	return (jail_get(jp.iov, jp.n, JAIL_DYING));
}

int
pk_fbsd_children(int jid, void (*found)(void *, int, const char *, int),
    void *arg)
{
	struct jinfo ji;
	int last, n;

	n = 0;
	for (last = 0; jail_info(0, last, &ji) > 0; last = ji.jid) {
		if (ji.parent != jid)
			continue;
		found(arg, ji.jid, ji.name, ji.dying);
		n++;
	}
	return (n);
}

static int
recover_agent(struct pk_os_vnet *ov, struct pk_err *err)
{
	struct agent_req rq;

	memset(&rq, 0, sizeof(rq));
	rq.jid = ov->jid;
	rq.name = ov->id;
	return (agent_start(ov, &rq, err));
}

static int
recover_current(int jid, struct pk_os_vnet **ovp, struct pk_err *err)
{
	struct pk_os_vnet *ov;
	struct jinfo ji;

	if (jid != pk_fbsd_self_jid() && (jid == 0 ||
	    jail_info(jid, -1, &ji) < 0 || ji.dying))
		return (PK_OS_GONE);
	if ((ov = vnet_alloc(NULL, PK_OS_VNET_CURRENT, err)) == NULL)
		return (-1);
	ov->jid = jid;
	set_id(ov);
	if (!pk_fbsd_here(ov) && recover_agent(ov, err) != 0) {
		pk_os_vnet_free(ov);
		return (-1);
	}
	*ovp = ov;
	return (PK_OS_FOUND);
}

int
pk_os_vnet_recover(const char *kname, const char *ident,
    struct pk_os_vnet **ovp, struct pk_err *err)
{
	struct pk_os_vnet *ov;
	char leaf[PK_FBSD_JNAMESIZ];
	struct jinfo ji;
	int jid, off;

	off = 0;
	if (sscanf(ident, "current:%d%n", &jid, &off) == 1 &&
	    ident[off] == '\0')
		return (recover_current(jid, ovp, err));
	if (kname == NULL || sscanf(ident, "jail:%d:%n", &jid, &off) != 1 ||
	    off == 0 || (size_t)snprintf(leaf, sizeof(leaf), "%s",
	    ident + off) >= sizeof(leaf) || leaf[0] == '\0')
		return (pk_err_set(err, EINVAL, "bad vnet identity '%s'",
		    ident));
	if (jail_info(jid, -1, &ji) < 0) {
		if (errno == ENOENT)
			return (PK_OS_GONE);
		return (pk_err_sys(err, errno, "jail %d", jid));
	}
	/* A jid used again by someone else, after ours went. */
	if (strcmp(last_component(ji.name), leaf) != 0)
		return (PK_OS_FOREIGN);
	if ((ov = vnet_alloc(kname, PK_OS_VNET_NEW, err)) == NULL)
		return (-1);
	snprintf(ov->leaf, sizeof(ov->leaf), "%s", leaf);
	ov->jid = jid;
	set_id(ov);
	ov->dying = ji.dying;
	ov->pinned = !ji.dying;
	if (!ji.dying && recover_agent(ov, err) != 0) {
		pk_os_vnet_free(ov);
		return (-1);
	}
	*ovp = ov;
	return (PK_OS_FOUND);
}

/*
 * An epair end lent to this jail would go back to where it was made
 * when the jail's vnet is dismantled, long after the test ended, and
 * show up there as a leak.  Destroying it in here takes its peer too,
 * at once, as dismantling a Linux namespace takes the peer of a veth.
 * Canaries have names of their own and are left for the watch.
 */
static void
destroy_epairs(struct pk_os_vnet *ov)
{
	struct pk_os_link *l;
	size_t n, i;
	int s;

	if ((s = pk_fbsd_sock(ov, PK_FBSD_SL, NULL)) < 0 ||
	    pk_fbsd_links(s, &l, &n, NULL) != 0)
		return;
	for (i = 0; i < n; i++)
		if (strncmp(l[i].name, "epair", 5) == 0)
			(void)pk_fbsd_if_destroy(s, l[i].name, NULL);
	free(l);
}

int
pk_os_vnet_unpin(struct pk_os_vnet *ov, struct pk_err *err)
{

	if (!ov->pinned)
		return (0);
	if (!ov->released)
		destroy_epairs(ov);
	/* EINVAL: already removed, by us or by someone else. */
	if (jail_remove(ov->jid) != 0 && errno != EINVAL)
		return (pk_err_sys(err, errno, "jail_remove %s", ov->id));
	ov->pinned = 0;
	ov->dying = 1;
	return (0);
}

void
pk_os_vnet_release(struct pk_os_vnet *ov)
{
	int k;

	for (k = 0; k < PK_FBSD_NSK; k++) {
		if (ov->sk[k] >= 0)
			close(ov->sk[k]);
		ov->sk[k] = -1;
	}
	agent_stop(ov);
	ov->released = 1;
}

/*
 * Each released jail goes to the kernel's prison task queue on its own;
 * there is no batch to keep together.
 */
void
pk_os_vnet_release_batch(struct pk_os_vnet *const *ovs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pk_os_vnet_release(ovs[i]);
}

void
pk_os_vnet_free(struct pk_os_vnet *ov)
{

	if (ov == NULL)
		return;
	pk_os_vnet_release(ov);
	free(ov->pcbs);
	free(ov);
}

const char *
pk_os_vnet_id(const struct pk_os_vnet *ov)
{

	return (ov->id);
}

int
pk_os_vnet_enter(struct pk_os_vnet *ov, struct pk_os_saved *sv,
    struct pk_err *err)
{

	sv->fd = -1;
	if (pk_fbsd_here(ov))
		return (0);
	return (pk_err_set(err, ENOTSUP, "a thread cannot enter a jail and "
	    "come back (run it in a child: pk_vnet_call)"));
}

int
pk_os_vnet_leave(struct pk_os_saved *sv, struct pk_err *err)
{

	(void)err;
	sv->fd = -1;
	return (0);
}

/*
 * In a fresh child: attaching changes to the jail's root directory,
 * which is ours, and there to its top; go back to where we were.
 */
int
pk_os_vnet_attach(const struct pk_os_vnet *ov)
{
	int cwd, e;

	if (pk_fbsd_here(ov))
		return (0);
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	e = 0;
	if (jail_attach(ov->jid) != 0)
		e = errno;
	else if (cwd >= 0 && fchdir(cwd) != 0)
		e = errno;
	if (cwd >= 0)
		close(cwd);
	return (e);
}

int
pk_os_private_stack(struct pk_err *err)
{

	return (attach_new_here(NULL, err) < 0 ? -1 : 0);
}
