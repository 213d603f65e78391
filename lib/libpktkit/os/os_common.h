/*
 * os_common.h: portable helpers that both backends use (and, where they
 * print the seam's types, the modules above it).  Private to the
 * library: not installed.
 *
 * The operations a backend provides are listed in pk_os.h and nowhere
 * else.  What is here is not one of them: it is written once, in the
 * portable files of os/ (those without an _<os> suffix, with no
 * OS-specific call in them), on top of those operations, for the
 * backends and for the seam operations that are the same on every OS.
 */
#ifndef PK_OS_COMMON_H
#define PK_OS_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "pk_os.h"

/*
 * A set of interfaces in a watch's observer being waited for (see
 * pk_os_watch_links()).  names[i] is looked for with index[i] (0: by
 * name alone); gone[i] is set once it has left the observer; left
 * counts those that have not.
 */
struct pk_os_linkset {
	const char *const	*names;
	int			*index;
	int			*gone;
	size_t			 n;
	int			 left;
};

/*
 * Mark as gone every interface of ls that is no longer in observer, and
 * learn the index of the others.  Returns ls->left, or -1.
 */
int	pk_os_linkset_check(struct pk_os_vnet *observer,
	    struct pk_os_linkset *ls, struct pk_err *err);

/*
 * Where pk_os_holders() reports: found(arg, phrase) once per holder,
 * and n counts them (pk_os_holders() returns it).
 */
struct pk_os_holders_out {
	void	(*found)(void *, const char *);
	void	*arg;
	int	 n;
};

/* Report one holder, its phrase formatted (and cut at 511 bytes). */
void	pk_os_holder_say(struct pk_os_holders_out *o, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

/*
 * What pk_os_vnet_prepare() says of kname on every OS: 1 if a vnet
 * made by how is pinned (PK_OS_VNET_NEW and PK_OS_VNET_ENTER), which
 * needs a kname; 0 if it is not; -1 with err filled (EINVAL) if it is
 * and kname is NULL.
 */
int	pk_os_vnet_named(const char *kname, enum pk_os_vnet_how how,
	    struct pk_err *err);

/*
 * Copy kname (NULL: nothing) to buf, size bytes: -1 with err filled
 * (ENAMETOOLONG) if it does not fit.
 */
int	pk_os_kname_copy(char *buf, size_t size, const char *kname,
	    struct pk_err *err);

/*
 * Sort n links (l may be NULL if n is 0) by index, the order of
 * pk_os_link_list().
 */
void	pk_os_links_sort(struct pk_os_link *l, size_t n);

/*
 * One end of a socket as struct pk_os_sock shows it: "192.0.2.1:80",
 * "[2001:db8::1]:80" ("?" for an address that cannot be printed).
 * addr is an in_addr or in6_addr of family, port in network order.
 */
void	pk_os_sock_endpoint(int family, const void *addr, uint16_t port,
	    char *buf, size_t size);

/*
 * An address as text ("192.0.2.1", "2001:db8::1"; "?" if it cannot be
 * printed), without its prefix length.
 */
void	pk_os_inaddr_str(const struct pk_os_inaddr *a, char *buf,
	    size_t size);

#endif /* !PK_OS_COMMON_H */
