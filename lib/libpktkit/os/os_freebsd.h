/*
 * os_freebsd.h: what the FreeBSD backend's files share.  Private to the
 * os/..._freebsd.c files.
 *
 * A vnet is a vnet jail.  A process cannot enter a jail and leave it
 * again, so the backend reaches a jail it is not in two ways:
 *
 *  - sockets made inside it: a child attaches to the jail, opens a local,
 *    an inet, an inet6 and a routing socket, and passes them back over a
 *    socketpair (SCM_RIGHTS).  The kernel runs interface ioctls and
 *    routing messages in the vnet a socket was made in, whoever calls.
 *  - a child attached to it, for what only the calling thread's vnet
 *    decides: sysctls (values, socket tables, neighbour caches).
 *
 * In the jail the process is in itself ("here": the private host after
 * pk_os_vnet_prepare(PK_OS_VNET_ENTER), or the current stack), both are
 * done in-process.
 */
#ifndef PK_OS_FREEBSD_H
#define PK_OS_FREEBSD_H

#include <sys/types.h>
#include <sys/socket.h>

#include <net/if_dl.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include "pk_os.h"

#define	PK_FBSD_JNAMESIZ	256	/* jail names (MAXHOSTNAMELEN) */

/* The sockets a vnet handle keeps inside its vnet. */
enum pk_fbsd_sk {
	PK_FBSD_SL,		/* AF_LOCAL: interface ioctls */
	PK_FBSD_S4,		/* AF_INET: IPv4 address ioctls */
	PK_FBSD_S6,		/* AF_INET6: IPv6 address ioctls */
	PK_FBSD_SR,		/* PF_ROUTE: routes, neighbours, events */
	PK_FBSD_NSK
};

/* A socket seen in a vnet's tables: its kernel address and what it is. */
struct pk_fbsd_pcb {
	uint64_t	so;		/* struct socket's kernel address */
	char		desc[160];	/* "tcp socket 192.0.2.1:22 -> ..." */
};

struct pk_os_vnet {
	enum pk_os_vnet_how	 how;
	int			 jid;		/* 0: the machine */
	int			 pinned;	/* ours to remove (persist) */
	int			 dying;		/* removed, still referenced */
	int			 released;
	int			 sk[PK_FBSD_NSK];	/* -1: none */
	pid_t			 agent;		/* keeps a new jail alive */
	int			 agentfd;
	char			 kname[128];
	char			 leaf[PK_FBSD_JNAMESIZ];	/* own name */
	char			 id[PK_OS_IDSIZ];
	/* Canary: our end's name and index in the observer. */
	char			 canary[PK_OS_IFNAMSIZ];
	int			 canary_index;
	/* Its sockets at the last pk_os_sock_dump(), for the holders. */
	struct pk_fbsd_pcb	*pcbs;
	size_t			 npcbs;
};

/*
 * The jid of the jail the calling process is in (0: not jailed), or -1.
 */
int	pk_fbsd_self_jid(void);

/* Is the calling process in ov? */
int	pk_fbsd_here(const struct pk_os_vnet *ov);

/*
 * Every jail in sight whose parent is jid: found(arg, jid, name, dying)
 * for each.  Returns the number found.
 */
int	pk_fbsd_children(int jid, void (*found)(void *, int, const char *,
	    int), void *arg);

/*
 * A socket of kind k inside ov (made at once if the process is in ov).
 * The handle keeps it; the caller must not close it.
 */
int	pk_fbsd_sock(struct pk_os_vnet *ov, enum pk_fbsd_sk k,
	    struct pk_err *err);

/*
 * Descriptors made inside ov: mk(arg, fds, msg, msgsize) runs there
 * (in-process if the process is in ov, else in a child attached to it,
 * which passes them back with SCM_RIGHTS), fills up to PK_FBSD_NSK of
 * fds (-1: none) and returns 0 or an errno value with an explanation in
 * msg.  The caller owns what fds holds on success.
 */
int	pk_fbsd_fetch(struct pk_os_vnet *ov,
	    int (*mk)(void *, int *, char *, size_t), void *arg, int *fds,
	    struct pk_err *err);

/*
 * What a function run in a vnet hands back: appended to buf in-process,
 * written to fd by a child.
 */
struct pk_fbsd_out {
	char	*buf;
	size_t	 len, cap;
	int	 fd;		/* -1: in memory */
};

int	pk_fbsd_put(struct pk_fbsd_out *o, const void *p, size_t n);
void	pk_fbsd_out_free(struct pk_fbsd_out *o);

/*
 * Run fn(arg, out) in ov: in-process if the process is in ov, else in a
 * child attached to it.  fn returns 0 or an errno value.  Returns that
 * value, or -1 with err filled if fn could not be run at all; out holds
 * everything fn put, either way (free it with pk_fbsd_out_free()).
 */
int	pk_fbsd_call(struct pk_os_vnet *ov,
	    int (*fn)(void *, struct pk_fbsd_out *), void *arg,
	    struct pk_fbsd_out *out, struct pk_err *err);

/*
 * Read a sysctl, by MIB, in ov (NULL: where the caller is).  *bufp is
 * malloc'd.  A missing sysctl fails with ENOENT.
 */
int	pk_fbsd_sysctl_get(struct pk_os_vnet *ov, const int *mib, u_int len,
	    void **bufp, size_t *sizep, struct pk_err *err);

/*
 * Read a sysctl, by MIB, whole, in the vnet of the calling thread (for
 * a function run by pk_fbsd_call()): *bufp is malloc'd, *sizep bytes.
 * The buffer is sized for what the kernel says plus a quarter plus
 * slack bytes, and the read tried again while that is too small, 8
 * times at most.  Returns 0 or an errno value.
 */
int	pk_fbsd_sysctl_here(const int *mib, u_int len, size_t slack,
	    void **bufp, size_t *sizep);

/*
 * Every open file of the machine, as kern.file shows it where the
 * caller is: *xfp is malloc'd, *np records.
 */
struct xfile;
int	pk_fbsd_files(struct xfile **xfp, size_t *np, struct pk_err *err);

/*
 * Every interface of the stack s was made in, as SIOCGIFCONF shows it,
 * sorted by index.
 */
int	pk_fbsd_links(int s, struct pk_os_link **lp, size_t *np,
	    struct pk_err *err);

/*
 * Move an interface from one vnet to another (SIOCSIFVNET, or
 * SIOCSIFRVNET into the vnet the process is in).  EEXIST, touching
 * nothing, if "to" has an interface by that name.
 */
int	pk_fbsd_move(struct pk_os_vnet *from, const char *name,
	    struct pk_os_vnet *to, struct pk_err *err);

/* Create (SIOCIFCREATE2) and destroy (SIOCIFDESTROY) in the stack of s. */
int	pk_fbsd_if_create(int s, const char *req, char *made,
	    struct pk_err *err);
int	pk_fbsd_if_destroy(int s, const char *name, struct pk_err *err);
int	pk_fbsd_if_rename(int s, const char *from, const char *to,
	    struct pk_err *err);

/*
 * What ov's neighbour cache says about ip on interface index (0: any):
 * PK_FBSD_N_USABLE with mac filled, PK_FBSD_N_PENDING (an entry still
 * without an address), PK_FBSD_N_NONE, or -1.
 */
#define	PK_FBSD_N_NONE		0
#define	PK_FBSD_N_PENDING	1
#define	PK_FBSD_N_USABLE	2
int	pk_fbsd_neigh_state(struct pk_os_vnet *ov, int index,
	    const struct pk_os_inaddr *ip, uint8_t mac[6], struct pk_err *err);

/*
 * A routing socket that receives ov's routing messages from now on,
 * owned by the caller.
 */
int	pk_fbsd_route_listener(struct pk_os_vnet *ov, struct pk_err *err);

/* Any socket address a routing message carries. */
union pk_fbsd_sa {
	struct sockaddr		sa;
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	struct sockaddr_dl	sdl;
};

/*
 * a as a socket address in u; a link-local IPv6 address gets scope (an
 * interface index) as its zone.
 */
void	pk_fbsd_sa_addr(const struct pk_os_inaddr *a, int scope,
	    union pk_fbsd_sa *u);

#endif /* !PK_OS_FREEBSD_H */
