/*
 * os_linux.h: what the Linux backend's files share.  Private to
 * the os/..._linux.c files.
 */
#ifndef PK_OS_LINUX_H
#define PK_OS_LINUX_H

#include <sys/types.h>

#include <libmnl/libmnl.h>

#include "pk_os.h"

#define	PK_NETNS_DIR	"/run/netns"
#define	PK_NL_BUFSIZE	32768		/* one netlink read of a dump */

/* An rtnetlink (or sock_diag) socket and its sequence numbers. */
struct pk_nl {
	struct mnl_socket	*sk;
	unsigned		 portid;
	unsigned		 seq;
};

struct pk_os_vnet {
	enum pk_os_vnet_how	 how;
	int			 nsfd;		/* -1 once released */
	struct pk_nl		 nl;		/* opened inside, lazily */
	dev_t			 nsdev;		/* nsfs's device */
	ino_t			 nsino;		/* the namespace's inode */
	ino_t			 fino;		/* the pin file's own inode */
	int			 pinfd;		/* O_TMPFILE until linked */
	int			 pinned;
	char			 kname[128];
	char			 id[PK_OS_IDSIZ];
	/* Canary: our end's name and index in the observer. */
	char			 canary[PK_OS_IFNAMSIZ];
	int			 canary_index;
};

/*
 * Netlink sockets.  pk_nl_talk() sends one request (its sequence number
 * and NLM_F_ACK are set here) and feeds every answer to cb (may be NULL)
 * until the acknowledgement or the end of a dump.  A kernel error
 * becomes a pk_err with the kernel's extended-ack text when it gives
 * one.
 */
int	pk_nl_open(struct pk_nl *nl, int bus, unsigned groups,
	    struct pk_err *err);
void	pk_nl_close(struct pk_nl *nl);
int	pk_nl_talk(struct pk_nl *nl, struct nlmsghdr *h, mnl_cb_t cb,
	    void *arg, struct pk_err *err);

/*
 * The vnet's rtnetlink socket, opened inside it on first use.  Each
 * operation hands it back with pk_linux_rtnl_put(), which returns rc:
 * inside a vnet we will wait on (PK_OS_VNET_NEW) that closes it again
 * at once, because a netlink socket holds its namespace for an RCU
 * grace period (some 15 ms) after it is closed, and that had better be
 * over by the time the vnet is destroyed.
 */
struct pk_nl *pk_linux_rtnl(struct pk_os_vnet *ov, struct pk_err *err);
int	pk_linux_rtnl_put(struct pk_os_vnet *ov, int rc);

/*
 * Open a socket of the given bus inside ov (for sock_diag).
 */
int	pk_linux_nl_in(struct pk_os_vnet *ov, int bus, struct pk_nl *nl,
	    struct pk_err *err);

/*
 * Enter ov's namespace on the calling thread, for a few calls; see
 * pk_os_vnet_enter().
 */
int	pk_linux_enter_fd(int nsfd, struct pk_os_saved *sv,
	    struct pk_err *err);

/*
 * Parse rtnetlink link messages into struct pk_os_link.
 */
int	pk_linux_parse_link(const struct nlmsghdr *h, struct pk_os_link *l);

#endif /* !PK_OS_LINUX_H */
