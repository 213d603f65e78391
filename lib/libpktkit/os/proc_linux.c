/*
 * proc_linux.c: processes, and what holds a network namespace.
 *
 * A namespace that does not die after its last reference we know of was
 * dropped is held by someone we do not know of: a process or thread in
 * it, a descriptor open on it (an nsfs file, or a socket created in it),
 * or a bind mount of it in some mount namespace.  /proc shows all of
 * these; sockets are traced to their namespace with SIOCGSKNS on a copy
 * of the descriptor (pidfd_getfd(2)).
 */
#define	_GNU_SOURCE
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/sockios.h>

#include "os_common.h"
#include "os_linux.h"
#include "../pk_time.h"

/*
 * Read /proc/<pid>/stat: its state letter and its start time.
 */
static int
proc_stat(pid_t pid, char *state, uint64_t *start, struct pk_err *err)
{
	char path[64], buf[1024], *p;
	unsigned long long v;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (pk_err_sys(err, errno, "%s", path));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return (pk_err_set(err, EIO, "%s: unreadable", path));
	buf[n] = '\0';
	/* The command name may hold anything, spaces and ')' included. */
	if ((p = strrchr(buf, ')')) == NULL)
		return (pk_err_set(err, EIO, "%s: unparsable", path));
	p++;
	if (sscanf(p, " %c", state) != 1)
		return (pk_err_set(err, EIO, "%s: no state", path));
	/* Field 3 (state) follows; start time is field 22. */
	for (i = 3; i < 22; i++) {
		while (*p == ' ')
			p++;
		while (*p != ' ' && *p != '\0')
			p++;
	}
	if (sscanf(p, " %llu", &v) != 1)
		return (pk_err_set(err, EIO, "%s: no start time", path));
	*start = v;
	return (0);
}

int
pk_os_proc_start_time(pid_t pid, uint64_t *start, struct pk_err *err)
{
	char state;

	return (proc_stat(pid, &state, start, err));
}

void
pk_os_proc_describe(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n, i;
	int fd;

	snprintf(buf, size, "?");
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0) {
		/* A zombie or a kernel thread: the command name, then. */
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return;
		n = read(fd, buf, size - 1);
		close(fd);
		if (n <= 0)
			return;
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\0' || buf[n - 1] == '\n'))
		buf[--n] = '\0';
	for (i = 0; i < n; i++)
		if (buf[i] == '\0' || !isprint((unsigned char)buf[i]))
			buf[i] = ' ';
}

int
pk_os_proc_kill_match(pid_t pid, uint64_t start, int64_t end_ms,
    struct pk_err *err)
{
	struct pollfd pfd;
	uint64_t now;
	char state;
	int rc;

	/*
	 * The pidfd pins the process's identity: once it is open, checking
	 * the start time and signalling cannot hit a reused pid.
	 */
	if ((pfd.fd = pidfd_open(pid, 0)) < 0) {
		if (errno == ESRCH)
			return (0);
		return (pk_err_sys(err, errno, "pidfd_open %d", (int)pid));
	}
	/* A zombie holds nothing and is its parent's to reap. */
	if (proc_stat(pid, &state, &now, NULL) != 0 || now != start ||
	    state == 'Z' || state == 'X') {
		close(pfd.fd);
		return (0);
	}
	if (pidfd_send_signal(pfd.fd, SIGKILL, NULL, 0) != 0 &&
	    errno != ESRCH) {
		rc = errno;
		close(pfd.fd);
		return (pk_err_sys(err, rc, "kill %d", (int)pid));
	}
	pfd.events = POLLIN;
	do
		rc = poll(&pfd, 1, pk_ms_left(end_ms));
	while (rc < 0 && errno == EINTR);
	close(pfd.fd);
	if (rc <= 0)
		return (pk_err_set(err, ETIMEDOUT, "pid %d still alive after "
		    "SIGKILL", (int)pid));
	return (1);
}

/*
 * The holder scan.
 */

struct scan {
	char				 want[48];	/* "net:[4026532281]" */
	dev_t				 nsdev;
	ino_t				 nsino;
	struct pk_os_holders_out	 out;
	ino_t				*mntns;		/* mount namespaces
							   already read */
	size_t				 nmntns, capmntns;
};

static int
link_is(const char *path, const char *want)
{
	char buf[64];
	ssize_t n;

	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	return (strcmp(buf, want) == 0);
}

static void
scan_tasks(struct scan *sc, pid_t pid, const char *cmd)
{
	char path[96];
	struct dirent *de;
	DIR *d;
	long tid;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (link_is(path, sc->want)) {
		pk_os_holder_say(&sc->out, "pid %d (%s) via its network "
		    "namespace", (int)pid, cmd);
		return;
	}
	/* A thread that entered the namespace on its own (setns). */
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		tid = strtol(de->d_name, NULL, 10);
		if (tid <= 0 || tid == pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%ld/ns/net",
		    (int)pid, tid);
		if (link_is(path, sc->want)) {
			pk_os_holder_say(&sc->out, "thread %ld of pid %d (%s) "
			    "via its network namespace", tid, (int)pid, cmd);
			break;
		}
	}
	closedir(d);
}

/* "192.0.2.1:22", or "" if sa is not an address of family. */
static void
sock_addr(int family, const struct sockaddr_storage *ss, char *buf,
    size_t size)
{
	const struct sockaddr_in *s4;
	const struct sockaddr_in6 *s6;
	char a[INET6_ADDRSTRLEN];

	buf[0] = '\0';
	if (family == AF_INET) {
		s4 = (const struct sockaddr_in *)ss;
		if (inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a)) != NULL)
			snprintf(buf, size, "%s:%u", a, ntohs(s4->sin_port));
	} else {
		s6 = (const struct sockaddr_in6 *)ss;
		if (inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a)) != NULL)
			snprintf(buf, size, "[%s]:%u", a, ntohs(s6->sin6_port));
	}
}

static void
sock_endpoints(int fd, int family, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	char a[64], b[64];
	socklen_t len;

	a[0] = b[0] = '\0';
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		sock_addr(family, &ss, a, sizeof(a));
	len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		sock_addr(family, &ss, b, sizeof(b));
	if (b[0] != '\0')
		snprintf(buf, size, " %s -> %s", a, b);
	else if (a[0] != '\0')
		snprintf(buf, size, " %s", a);
	else
		buf[0] = '\0';
}

/*
 * Describe a socket (a copy of another process's descriptor): "tcp socket
 * 192.0.2.1:22 -> 192.0.2.2:4000, ESTABLISHED".
 */
static void
sock_describe(int fd, char *buf, size_t size)
{
	static const char *const st[] = {
		"?", "ESTABLISHED", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
		"FIN-WAIT-2", "TIME-WAIT", "CLOSE", "CLOSE-WAIT", "LAST-ACK",
		"LISTEN", "CLOSING"
	};
	struct tcp_info ti;
	char ends[160];
	const char *kind;
	socklen_t len;
	int dom, type, proto;

	len = sizeof(dom);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) != 0)
		dom = -1;
	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
		type = -1;
	len = sizeof(proto);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0)
		proto = -1;
	ends[0] = '\0';
	switch (dom) {
	case AF_INET:
	case AF_INET6:
		if (proto == IPPROTO_TCP)
			kind = dom == AF_INET ? "tcp" : "tcp6";
		else if (proto == IPPROTO_UDP)
			kind = dom == AF_INET ? "udp" : "udp6";
		else
			kind = dom == AF_INET ? "raw" : "raw6";
		sock_endpoints(fd, dom, ends, sizeof(ends));
		break;
	case AF_PACKET:
		kind = "packet";
		break;
	case AF_UNIX:
		kind = "unix";
		break;
	case AF_NETLINK:
		kind = "netlink";
		break;
	default:
		kind = "other";
		break;
	}
	len = sizeof(ti);
	if ((dom == AF_INET || dom == AF_INET6) && proto == IPPROTO_TCP &&
	    getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
	    ti.tcpi_state < sizeof(st) / sizeof(st[0]))
		snprintf(buf, size, "%s socket%s, %s", kind, ends,
		    st[ti.tcpi_state]);
	else
		snprintf(buf, size, "%s socket%s", kind, ends);
	(void)type;
}

/*
 * Does socket descriptor fd of process pidfd belong to our namespace?
 * If so, describe it.
 */
static int
sock_in_ns(struct scan *sc, int pidfd, int fd, char *desc, size_t size)
{
	int copy, ns, hit;

	if (pidfd < 0)
		return (0);
	if ((copy = pidfd_getfd(pidfd, fd, 0)) < 0)
		return (0);
	hit = 0;
	if ((ns = ioctl(copy, SIOCGSKNS)) >= 0) {
		struct stat st;

		if (fstat(ns, &st) == 0 && st.st_ino == sc->nsino) {
			sock_describe(copy, desc, size);
			hit = 1;
		}
		close(ns);
	}
	close(copy);
	return (hit);
}

/*
 * A descriptor opened through a pin shows the pin's path, or "/" once
 * the pin is unmounted; fdinfo's inode number says what it really is,
 * without touching the file system the descriptor may be on.
 */
static int
fd_on_ns(struct scan *sc, pid_t pid, long fd, const char *link)
{
	char path[96], buf[256];
	unsigned long long ino;
	struct stat st;
	const char *p;
	ssize_t n;
	int f;

	if (strncmp(link, "pipe:[", 6) == 0 ||
	    strncmp(link, "anon_inode:", 11) == 0)
		return (0);
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%ld", (int)pid, fd);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (0);
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	if ((p = strstr(buf, "\nino:")) == NULL ||
	    sscanf(p + 5, "%llu", &ino) != 1 || (ino_t)ino != sc->nsino)
		return (0);
	snprintf(path, sizeof(path), "/proc/%d/fd/%ld", (int)pid, fd);
	return (stat(path, &st) == 0 && st.st_ino == sc->nsino &&
	    st.st_dev == sc->nsdev);
}

static void
scan_fds(struct scan *sc, pid_t pid, const char *cmd)
{
	char path[96], link[64], desc[256];
	struct dirent *de;
	ssize_t n;
	long fd;
	int pidfd;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return;
	pidfd = -1;
	while ((de = readdir(d)) != NULL) {
		fd = strtol(de->d_name, NULL, 10);
		if (fd < 0 || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%ld", (int)pid, fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, sc->want) == 0) {
			pk_os_holder_say(&sc->out, "pid %d (%s) via fd %ld "
			    "(%s)", (int)pid, cmd, fd, link);
			continue;
		}
		if (strncmp(link, "socket:[", 8) != 0) {
			if (fd_on_ns(sc, pid, fd, link))
				pk_os_holder_say(&sc->out, "pid %d (%s) via "
				    "fd %ld (%s%s%s)", (int)pid, cmd, fd,
				    sc->want,
				    link[0] == '/' && link[1] != '\0' ?
				    ", opened as " : "",
				    link[0] == '/' && link[1] != '\0' ?
				    link : "");
			continue;
		}
		if (pidfd < 0)
			pidfd = pidfd_open(pid, 0);
		if (sock_in_ns(sc, pidfd, (int)fd, desc, sizeof(desc)))
			pk_os_holder_say(&sc->out, "pid %d (%s) via fd %ld "
			    "(%s)", (int)pid, cmd, fd, desc);
	}
	if (pidfd >= 0)
		close(pidfd);
	closedir(d);
}

/*
 * Bind mounts of the namespace, once per mount namespace.
 */
static void
scan_mounts(struct scan *sc, pid_t pid)
{
	char path[96], *line, *f[10], *p, *save;
	struct stat st;
	size_t cap, i;
	ino_t *nv;
	FILE *fp;
	int k;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	if (stat(path, &st) != 0)
		return;
	for (i = 0; i < sc->nmntns; i++)
		if (sc->mntns[i] == st.st_ino)
			return;
	if (sc->nmntns == sc->capmntns) {
		cap = sc->capmntns == 0 ? 8 : sc->capmntns * 2;
		if ((nv = realloc(sc->mntns, cap * sizeof(*nv))) == NULL)
			return;
		sc->mntns = nv;
		sc->capmntns = cap;
	}
	sc->mntns[sc->nmntns++] = st.st_ino;
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return;
	line = NULL;
	cap = 0;
	while (getline(&line, &cap, fp) > 0) {
		/* id parent dev root mountpoint ...; root is net:[ino]. */
		k = 0;
		for (p = strtok_r(line, " \n", &save); p != NULL && k < 10;
		    p = strtok_r(NULL, " \n", &save))
			f[k++] = p;
		if (k < 5 || strcmp(f[3], sc->want) != 0)
			continue;
		pk_os_holder_say(&sc->out, "a mount of it on %s (mount "
		    "namespace of pid %d)", f[4], (int)pid);
	}
	free(line);
	fclose(fp);
}

int
pk_os_holders(const struct pk_os_vnet *ov,
    void (*found)(void *, const char *), void *arg, struct pk_err *err)
{
	char cmd[128];
	struct dirent *de;
	struct scan sc;
	long pid;
	DIR *d;

	memset(&sc, 0, sizeof(sc));
	snprintf(sc.want, sizeof(sc.want), "net:[%ju]", (uintmax_t)ov->nsino);
	sc.nsdev = ov->nsdev;
	sc.nsino = ov->nsino;
	sc.out.found = found;
	sc.out.arg = arg;
	if ((d = opendir("/proc")) == NULL)
		return (pk_err_sys(err, errno, "/proc"));
	while ((de = readdir(d)) != NULL) {
		pid = strtol(de->d_name, NULL, 10);
		if (pid <= 0 || !isdigit((unsigned char)de->d_name[0]))
			continue;
		pk_os_proc_describe((pid_t)pid, cmd, sizeof(cmd));
		scan_tasks(&sc, (pid_t)pid, cmd);
		scan_fds(&sc, (pid_t)pid, cmd);
		scan_mounts(&sc, (pid_t)pid);
	}
	closedir(d);
	free(sc.mntns);
	return (sc.out.n);
}
