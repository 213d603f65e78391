/*
 * netns_linux.c: vnets as network namespaces.
 *
 * A vnet is made by unshare(CLONE_NEWNET) on the calling thread, which
 * then goes back where it was; we keep a descriptor on the namespace.
 * It is pinned like "ip netns add" does, by a bind mount on
 * /run/netns/<kname>, so that "ip netns exec" works and a cleanup process
 * finds it.  The pin file is first made as an unnamed O_TMPFILE so that
 * its inode is known (and journalled) before the name exists; linkat(2)
 * then gives it its name, failing if the name is taken, exactly like
 * O_EXCL.  Recovery touches a pin only if it is still that file, or
 * still a mount of the namespace we made.
 */
#define	_GNU_SOURCE
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net/if.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>

#include "os_common.h"
#include "os_linux.h"
#include "../sandbox/pk_sandbox.h"

#define	SELF_NS		"/proc/thread-self/ns/net"

static int
open_self_ns(struct pk_err *err)
{
	int fd;

	fd = open(SELF_NS, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return (pk_err_sys(err, errno, "open %s", SELF_NS));
	return (fd);
}

static ino_t
fd_ino(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return (0);
	return (st.st_ino);
}

static void
note_ns(struct pk_os_vnet *ov)
{
	struct stat st;

	if (fstat(ov->nsfd, &st) == 0) {
		ov->nsdev = st.st_dev;
		ov->nsino = st.st_ino;
	}
	snprintf(ov->id, sizeof(ov->id), "net:[%ju]", (uintmax_t)ov->nsino);
}

int
pk_linux_enter_fd(int nsfd, struct pk_os_saved *sv, struct pk_err *err)
{
	struct stat a, b;

	if (nsfd < 0)
		return (pk_err_set(err, ESRCH, "vnet already released"));
	if ((sv->fd = open_self_ns(err)) < 0)
		return (-1);
	/* Entering where we already are is free. */
	if (fstat(sv->fd, &a) == 0 && fstat(nsfd, &b) == 0 &&
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
		close(sv->fd);
		sv->fd = -1;
		return (0);
	}
	if (setns(nsfd, CLONE_NEWNET) != 0) {
		pk_err_sys(err, errno, "setns");
		close(sv->fd);
		sv->fd = -1;
		return (-1);
	}
	return (0);
}

int
pk_os_vnet_enter(struct pk_os_vnet *ov, struct pk_os_saved *sv,
    struct pk_err *err)
{

	return (pk_linux_enter_fd(ov->nsfd, sv, err));
}

int
pk_os_vnet_leave(struct pk_os_saved *sv, struct pk_err *err)
{
	int rc;

	if (sv->fd < 0)
		return (0);
	rc = setns(sv->fd, CLONE_NEWNET);
	if (rc != 0)
		pk_err_sys(err, errno, "setns back");
	close(sv->fd);
	sv->fd = -1;
	return (rc == 0 ? 0 : -1);
}

int
pk_os_vnet_attach(const struct pk_os_vnet *ov)
{

	if (setns(ov->nsfd, CLONE_NEWNET) != 0)
		return (errno);
	return (0);
}

int
pk_os_private_stack(struct pk_err *err)
{

	if (unshare(CLONE_NEWNET) != 0)
		return (pk_err_sys(err, errno, "unshare(CLONE_NEWNET)"));
	return (0);
}

int
pk_linux_nl_in(struct pk_os_vnet *ov, int bus, struct pk_nl *nl,
    struct pk_err *err)
{
	struct pk_os_saved sv;
	int rc;

	if (pk_linux_enter_fd(ov->nsfd, &sv, err) != 0)
		return (-1);
	rc = pk_nl_open(nl, bus, 0, err);
	if (pk_os_vnet_leave(&sv, rc == 0 ? err : NULL) != 0 && rc == 0) {
		pk_nl_close(nl);
		rc = -1;
	}
	return (rc);
}

struct pk_nl *
pk_linux_rtnl(struct pk_os_vnet *ov, struct pk_err *err)
{

	if (ov->nl.sk == NULL &&
	    pk_linux_nl_in(ov, NETLINK_ROUTE, &ov->nl, err) != 0)
		return (NULL);
	return (&ov->nl);
}

int
pk_linux_rtnl_put(struct pk_os_vnet *ov, int rc)
{

	if (ov->how == PK_OS_VNET_NEW)
		pk_nl_close(&ov->nl);
	return (rc);
}

/*
 * A sysctl name ("net.ipv4.ip_forward", or with slashes as sysctl(8)
 * allows, for names with dots in them) to a path under /proc/sys.
 */
static int
sysctl_path(const char *name, char *path, size_t size, struct pk_err *err)
{
	const char *p;
	char *q;
	int slashes;

	if (*name == '\0' || *name == '.' || *name == '/')
		return (pk_err_set(err, EINVAL, "sysctl '%s': bad name", name));
	if (strstr(name, "..") != NULL)
		return (pk_err_set(err, EINVAL, "sysctl '%s': bad name", name));
	slashes = strchr(name, '/') != NULL;
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    *p == '.' || *p == '/'))
			return (pk_err_set(err, EINVAL,
			    "sysctl '%s': bad character '%c'", name, *p));
	}
	if ((size_t)snprintf(path, size, "/proc/sys/%s", name) >= size)
		return (pk_err_set(err, ENAMETOOLONG, "sysctl '%s': too long",
		    name));
	if (!slashes)
		for (q = path + strlen("/proc/sys/"); *q != '\0'; q++)
			if (*q == '.')
				*q = '/';
	return (0);
}

static int
sysctl_io(struct pk_os_vnet *ov, const char *name, const char *value,
    char *buf, size_t size, struct pk_err *err)
{
	char path[512];
	struct pk_os_saved sv;
	ssize_t n;
	size_t len;
	int fd, e;

	if (sysctl_path(name, path, sizeof(path), err) != 0)
		return (-1);
	if (pk_linux_enter_fd(ov->nsfd, &sv, err) != 0)
		return (-1);
	/* /proc/sys/net shows the namespace of the thread that opens it. */
	fd = open(path, (value != NULL ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	e = errno;
	(void)pk_os_vnet_leave(&sv, NULL);
	if (fd < 0) {
		if (e == ENOENT)
			return (pk_err_set(err, ENOENT, "sysctl %s: no such "
			    "sysctl", name));
		return (pk_err_sys(err, e, "sysctl %s", name));
	}
	if (value != NULL) {
		len = strlen(value);
		n = write(fd, value, len);
		e = errno;
		close(fd);
		if (n < 0)
			return (pk_err_sys(err, e, "sysctl %s=%s", name,
			    value));
		if ((size_t)n != len)
			return (pk_err_set(err, EIO, "sysctl %s=%s: short "
			    "write", name, value));
		return (0);
	}
	n = read(fd, buf, size - 1);
	e = errno;
	close(fd);
	if (n < 0)
		return (pk_err_sys(err, e, "sysctl %s", name));
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (0);
}

int
pk_os_sysctl_set(struct pk_os_vnet *ov, const char *name, const char *value,
    struct pk_err *err)
{

	return (sysctl_io(ov, name, value, NULL, 0, err));
}

int
pk_os_sysctl_get(struct pk_os_vnet *ov, const char *name, char *buf,
    size_t size, struct pk_err *err)
{

	if (size == 0)
		return (pk_err_set(err, EINVAL, "sysctl %s: no room", name));
	return (sysctl_io(ov, name, NULL, buf, size, err));
}

int
pk_os_forwarding(struct pk_os_vnet *ov, int on, struct pk_err *err)
{
	const char *v;

	v = on ? "1" : "0";
	if (pk_os_sysctl_set(ov, "net.ipv4.ip_forward", v, err) != 0 ||
	    pk_os_sysctl_set(ov, "net.ipv6.conf.all.forwarding", v, err) != 0)
		return (-1);
	return (0);
}

int
pk_os_fw_command(const struct pk_ruleset *rs, char *const **argvp,
    const char **textp, struct pk_err *err)
{
	static char *const nft_usr[] = { "/usr/sbin/nft", "-f", "-", NULL };
	static char *const nft_sbin[] = { "/sbin/nft", "-f", "-", NULL };
	static char *const nft_path[] = { "nft", "-f", "-", NULL };

	if (rs == NULL || rs->nft == NULL)
		return (pk_err_set(err, ENOTSUP, "no nftables ruleset given "
		    "(this OS loads rules with nft)"));
	/* Test runners often leave /usr/sbin out of PATH. */
	if (access(nft_usr[0], X_OK) == 0)
		*argvp = nft_usr;
	else if (access(nft_sbin[0], X_OK) == 0)
		*argvp = nft_sbin;
	else
		*argvp = nft_path;
	*textp = rs->nft;
	return (0);
}

/*
 * Inside a fresh namespace: loopback up, and no duplicate address
 * detection, so that no IPv6 address (link-local ones included) is ever
 * tentative.
 */
static int
vnet_init(struct pk_os_vnet *ov, struct pk_err *err)
{
	static const char *const dad[] = {
		"/proc/sys/net/ipv6/conf/all/accept_dad",
		"/proc/sys/net/ipv6/conf/default/accept_dad",
	};
	size_t i;
	int fd;

	if (pk_nl_open(&ov->nl, NETLINK_ROUTE, 0, err) != 0)
		return (-1);
	if (pk_os_link_set(ov, "lo", 1, 1, 0, err) != 0)
		return (pk_err_prefix(err, "loopback up"));
	for (i = 0; i < sizeof(dad) / sizeof(dad[0]); i++) {
		/* No IPv6 in this kernel: nothing to turn off. */
		if ((fd = open(dad[i], O_WRONLY | O_CLOEXEC)) < 0)
			continue;
		if (write(fd, "0", 1) != 1) {
			close(fd);
			return (pk_err_sys(err, errno, "%s", dad[i]));
		}
		close(fd);
	}
	return (0);
}

static struct pk_os_vnet *
vnet_alloc(const char *kname, enum pk_os_vnet_how how, struct pk_err *err)
{
	struct pk_os_vnet *ov;

	if ((ov = calloc(1, sizeof(*ov))) == NULL) {
		pk_err_sys(err, ENOMEM, "vnet");
		return (NULL);
	}
	ov->how = how;
	ov->nsfd = -1;
	ov->pinfd = -1;
	if (pk_os_kname_copy(ov->kname, sizeof(ov->kname), kname, err) != 0) {
		free(ov);
		return (NULL);
	}
	return (ov);
}

/*
 * The unnamed pin file: its inode goes into the identity, so that a
 * recovering process can tell our pin from anyone else's.
 */
static int
pin_prepare(struct pk_os_vnet *ov, struct pk_err *err)
{

	if (mkdir(PK_NETNS_DIR, 0755) != 0 && errno != EEXIST)
		return (pk_err_sys(err, errno, "mkdir %s", PK_NETNS_DIR));
	ov->pinfd = open(PK_NETNS_DIR, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0);
	if (ov->pinfd < 0) {
		/* A file system without O_TMPFILE: O_EXCL at commit. */
		if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
			return (0);
		return (pk_err_sys(err, errno, "pin file in %s",
		    PK_NETNS_DIR));
	}
	ov->fino = fd_ino(ov->pinfd);
	return (0);
}

static int
vnet_new(struct pk_os_vnet *ov, struct pk_err *err)
{
	struct pk_os_saved sv;
	int rc;

	sv.fd = -1;
	if (ov->how != PK_OS_VNET_ENTER && (sv.fd = open_self_ns(err)) < 0)
		return (-1);
	if (unshare(CLONE_NEWNET) != 0) {
		pk_err_sys(err, errno, "unshare(CLONE_NEWNET)");
		if (sv.fd >= 0)
			close(sv.fd);
		return (-1);
	}
	rc = 0;
	if ((ov->nsfd = open_self_ns(err)) < 0)
		rc = -1;
	else if (ov->how != PK_OS_VNET_SCRATCH)
		rc = vnet_init(ov, err);
	else
		rc = pk_nl_open(&ov->nl, NETLINK_ROUTE, 0, err);
	if (sv.fd >= 0 && pk_os_vnet_leave(&sv, rc == 0 ? err : NULL) != 0)
		rc = -1;
	return (rc);
}

int
pk_os_vnet_prepare(const char *kname, enum pk_os_vnet_how how,
    struct pk_os_vnet **ovp, char *ident, struct pk_err *err)
{
	struct pk_os_vnet *ov;
	int pinned;

	if ((pinned = pk_os_vnet_named(kname, how, err)) < 0)
		return (-1);
	if ((ov = vnet_alloc(pinned ? kname : NULL, how, err)) == NULL)
		return (-1);
	if (how == PK_OS_VNET_CURRENT) {
		if ((ov->nsfd = open_self_ns(err)) < 0)
			goto fail;
	} else if (vnet_new(ov, err) != 0)
		goto fail;
	note_ns(ov);
	if (pinned && pin_prepare(ov, err) != 0)
		goto fail;
	if (how == PK_OS_VNET_CURRENT)
		snprintf(ident, PK_OS_IDENTSIZ, "current:%ju",
		    (uintmax_t)ov->nsino);
	else
		snprintf(ident, PK_OS_IDENTSIZ, "netns:%ju:%ju",
		    (uintmax_t)ov->nsino, (uintmax_t)ov->fino);
	*ovp = ov;
	return (0);
fail:
	pk_os_vnet_free(ov);
	return (-1);
}

static void
pin_path(const struct pk_os_vnet *ov, char *path, size_t size)
{

	snprintf(path, size, "%s/%s", PK_NETNS_DIR, ov->kname);
}

int
pk_os_vnet_commit(struct pk_os_vnet *ov, struct pk_err *err)
{
	char path[256], src[64];
	int fd;

	if (ov->how != PK_OS_VNET_NEW && ov->how != PK_OS_VNET_ENTER)
		return (0);
	pin_path(ov, path, sizeof(path));
	if (ov->pinfd >= 0) {
		snprintf(src, sizeof(src), "/proc/self/fd/%d", ov->pinfd);
		if (linkat(AT_FDCWD, src, AT_FDCWD, path,
		    AT_SYMLINK_FOLLOW) != 0)
			goto nolink;
		close(ov->pinfd);
		ov->pinfd = -1;
	} else {
		fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
		if (fd < 0)
			goto nolink;
		ov->fino = fd_ino(fd);
		close(fd);
	}
	snprintf(src, sizeof(src), "/proc/self/fd/%d", ov->nsfd);
	if (mount(src, path, "none", MS_BIND, NULL) != 0) {
		pk_err_sys(err, errno, "bind mount on %s", path);
		(void)unlink(path);
		return (-1);
	}
	ov->pinned = 1;
	return (0);
nolink:
	if (errno == EEXIST)
		return (pk_err_set(err, EEXIST, "%s exists (a stale or "
		    "foreign pin): left alone", path));
	return (pk_err_sys(err, errno, "pin %s", path));
}

static int
is_netns_fd(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) != 0 || sf.f_type != NSFS_MAGIC)
		return (0);
	return (ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNET);
}

/*
 * An unpinned namespace (a shared host) is reachable only while some
 * process is in it: ours first, else any.  Returns a descriptor on it,
 * -2 if no process is in it (it is gone, or about to be), -1 on error.
 */
static int
find_ns(ino_t nsino, struct pk_err *err)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int fd;

	if ((fd = open_self_ns(err)) < 0)
		return (-1);
	if (fd_ino(fd) == nsino && is_netns_fd(fd))
		return (fd);
	close(fd);
	if ((d = opendir("/proc")) == NULL)
		return (pk_err_sys(err, errno, "/proc"));
	fd = -2;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/ns/net", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			fd = -2;
			continue;
		}
		if (fd_ino(fd) == nsino && is_netns_fd(fd))
			break;
		close(fd);
		fd = -2;
	}
	closedir(d);
	return (fd);
}

int
pk_os_vnet_recover(const char *kname, const char *ident,
    struct pk_os_vnet **ovp, struct pk_err *err)
{
	struct pk_os_vnet *ov;
	uintmax_t nsino, fino;
	char path[256];
	struct stat st;
	int fd;

	if (sscanf(ident, "current:%ju", &nsino) == 1) {
		if ((fd = find_ns((ino_t)nsino, err)) < 0)
			return (fd == -1 ? -1 : PK_OS_GONE);
		if ((ov = vnet_alloc(NULL, PK_OS_VNET_CURRENT, err)) == NULL) {
			close(fd);
			return (-1);
		}
		ov->nsfd = fd;
		goto found;
	}
	if (kname == NULL || sscanf(ident, "netns:%ju:%ju", &nsino, &fino) != 2)
		return (pk_err_set(err, EINVAL, "bad vnet identity '%s'",
		    ident));
	snprintf(path, sizeof(path), "%s/%s", PK_NETNS_DIR, kname);
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return (PK_OS_GONE);
		return (pk_err_sys(err, errno, "%s", path));
	}
	/* Open without following anything a stranger could have put there. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return (PK_OS_FOREIGN);
	if (!is_netns_fd(fd)) {
		close(fd);
		/*
		 * Our pin file that never got its mount: we died between
		 * the two.  Anything else by that name is not ours.
		 */
		if (fino != 0 && S_ISREG(st.st_mode) &&
		    st.st_ino == (ino_t)fino && st.st_size == 0) {
			if (unlink(path) != 0)
				return (pk_err_sys(err, errno, "unlink %s",
				    path));
			return (PK_OS_GONE);
		}
		return (PK_OS_FOREIGN);
	}
	if (fd_ino(fd) != (ino_t)nsino) {
		close(fd);
		return (PK_OS_FOREIGN);
	}
	if ((ov = vnet_alloc(kname, PK_OS_VNET_NEW, err)) == NULL) {
		close(fd);
		return (-1);
	}
	ov->nsfd = fd;
	ov->fino = (ino_t)fino;
	ov->pinned = 1;
found:
	note_ns(ov);
	*ovp = ov;
	return (PK_OS_FOUND);
}

int
pk_os_vnet_unpin(struct pk_os_vnet *ov, struct pk_err *err)
{
	char path[256];
	struct stat st;
	int fd, same;

	if (!ov->pinned)
		return (0);
	pin_path(ov, path, sizeof(path));
	/* Unmount only while the pin is still a mount of our namespace. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	same = fd >= 0 && is_netns_fd(fd) && fd_ino(fd) == ov->nsino;
	if (fd >= 0)
		close(fd);
	if (same && umount2(path, UMOUNT_NOFOLLOW) != 0) {
		/* Busy (someone has it open): detach it all the same. */
		if (errno != EBUSY ||
		    umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) != 0)
			return (pk_err_sys(err, errno, "unmount %s", path));
	}
	ov->pinned = 0;
	if (lstat(path, &st) != 0)
		return (0);
	if (S_ISREG(st.st_mode) && (ov->fino == 0 || st.st_ino == ov->fino)) {
		if (unlink(path) != 0)
			return (pk_err_sys(err, errno, "unlink %s", path));
		return (0);
	}
	return (pk_err_set(err, EBUSY, "%s is still in use after unmounting "
	    "our pin: left alone", path));
}

void
pk_os_vnet_release(struct pk_os_vnet *ov)
{

	pk_nl_close(&ov->nl);
	if (ov->pinfd >= 0)
		close(ov->pinfd);
	ov->pinfd = -1;
	if (ov->nsfd >= 0)
		close(ov->nsfd);
	ov->nsfd = -1;
}

/*
 * The kernel's namespace cleanup worker takes every namespace whose last
 * reference is gone when it starts, and each run ends with an RCU
 * barrier of some 30 ms.  If the worker wakes up on our CPU and preempts
 * us between two of these close() calls, the second vnet waits for the
 * first one's whole run.  On a loaded machine that is the rule, not the
 * exception, so the closes run at real-time priority: a few microseconds
 * during which a kernel worker cannot preempt us.  Without the privilege
 * (or already real-time), they run as they are.
 */
void
pk_os_vnet_release_batch(struct pk_os_vnet *const *ovs, size_t n)
{
	struct sched_param saved, rt;
	size_t i;
	int policy, raised;

	for (i = 0; i < n; i++) {
		pk_nl_close(&ovs[i]->nl);
		if (ovs[i]->pinfd >= 0)
			close(ovs[i]->pinfd);
		ovs[i]->pinfd = -1;
	}
	raised = 0;
	policy = sched_getscheduler(0);
	if (n > 1 && (policy == SCHED_OTHER || policy == SCHED_BATCH) &&
	    sched_getparam(0, &saved) == 0) {
		memset(&rt, 0, sizeof(rt));
		rt.sched_priority = 1;
		raised = sched_setscheduler(0, SCHED_FIFO, &rt) == 0;
	}
	for (i = 0; i < n; i++)
		pk_os_vnet_release(ovs[i]);
	if (raised)
		(void)sched_setscheduler(0, policy, &saved);
}

void
pk_os_vnet_free(struct pk_os_vnet *ov)
{

	if (ov == NULL)
		return;
	pk_os_vnet_release(ov);
	free(ov);
}

const char *
pk_os_vnet_id(const struct pk_os_vnet *ov)
{

	return (ov->id);
}
