/*
 * pk_sandbox_impl.h: the sandbox's insides, shared by the sandbox's
 * sources and by the leak checker (which reaches a vnet's OS handle with
 * pk_vnet_os()).
 * Not installed.
 */
#ifndef PK_SANDBOX_IMPL_H
#define PK_SANDBOX_IMPL_H

#include <sys/queue.h>
#include <sys/types.h>

#include <stdint.h>

#include "pk_sandbox.h"
#include "../os/pk_os.h"

enum pk_vnet_state {
	PK_VNET_LIVE,
	PK_VNET_DYING,		/* released, still alive at a deadline */
	PK_VNET_GONE		/* dismantled */
};

struct pk_holder {
	void	(*release)(void *);
	void	 *arg;
	int	  live;
};

struct pk_vnet {
	TAILQ_ENTRY(pk_vnet)	 link;
	struct pk_sandbox	*sb;
	char			 name[PK_VNET_NAME_MAX + 1];
	char			 kname[64];
	struct pk_os_vnet	*os;
	enum pk_vnet_state	 state;
	int			 is_host;
	char			 canary[PK_OS_IFNAMSIZ];
	struct pk_holder	*holders;
	size_t			 nholders;
	/* Its TCP sockets, read just before the last reference went. */
	struct pk_os_sock	*socks;
	size_t			 nsocks;
};

struct pk_if {
	TAILQ_ENTRY(pk_if)	 link;
	struct pk_sandbox	*sb;
	struct pk_vnet		*v;		/* where it is now */
	struct pk_if		*peer;		/* the epair's other end */
	char			 name[PK_OS_IFNAMSIZ];
	int			 index;
	int			 owned;		/* created by the sandbox */
	int			 dead;
	uint8_t			 mac[6];
};

struct pk_proc {
	TAILQ_ENTRY(pk_proc)	 link;
	struct pk_vnet		*v;
	pid_t			 pid;
	uint64_t		 start;
	int			 reaped;
	int			 status;
};

TAILQ_HEAD(pk_vnet_list, pk_vnet);
TAILQ_HEAD(pk_if_list, pk_if);
TAILQ_HEAD(pk_proc_list, pk_proc);

struct pk_sandbox {
	struct pk_sandbox_conf	 conf;
	char			*journal;	/* path, or NULL */
	int			 jfd;
	long			 jfail;		/* failpoint: see journal.c */
	char			 prefix[32];	/* "pk<pid>" or "pk<pid>s<n>" */
	struct pk_vnet		*host;
	struct pk_vnet_list	 vnets;		/* creation order */
	struct pk_if_list	 ifs;
	struct pk_proc_list	 procs;
	unsigned		 epair_unit;
	unsigned		 canary_unit;
	int64_t			 settle_us;
};

/* journal.c */
int	pk_sb_journal_open(struct pk_sandbox *sb, const char *path,
	    struct pk_err *err);
int	pk_sb_journal(struct pk_sandbox *sb, struct pk_err *err,
	    const char *fmt, ...) __attribute__((__format__(__printf__, 3, 4)));
void	pk_sb_journal_close(struct pk_sandbox *sb);

/* sandbox.c */
int	pk_sb_live(const struct pk_vnet *v, struct pk_err *err);
int	pk_sb_if_usable(const struct pk_if *ifp, int change,
	    struct pk_err *err);
int	pk_sb_teardown(struct pk_sandbox *sb, struct pk_vnet **vs, size_t n,
	    struct pk_report *rep, struct pk_err *err);
int	pk_sb_wait(struct pk_os_watch *w, struct pk_vnet **vs, size_t n,
	    unsigned ms, int64_t t0_us, int64_t *settle_us,
	    struct pk_report *rep, struct pk_err *err);
int	pk_sb_reap(struct pk_vnet *v, struct pk_report *rep);
/* A socket as reports show it (also the leak checker's). */
void	pk_sb_sock_line(const struct pk_os_sock *s, char *buf, size_t size);

/* iface.c */
int	pk_sb_ifs_vnet_gone(struct pk_sandbox *sb, struct pk_vnet *v,
	    struct pk_report *rep);
int	pk_sb_ifs_close(struct pk_sandbox *sb, struct pk_report *rep);
void	pk_sb_ifs_free(struct pk_sandbox *sb);

/* proc.c */
int	pk_sb_procs_stop(struct pk_sandbox *sb, struct pk_vnet *v,
	    struct pk_report *rep);
void	pk_sb_procs_free(struct pk_sandbox *sb);

/* parse.c */
int	pk_sb_check_name(const char *what, const char *s, size_t max,
	    struct pk_err *err);
int	pk_sb_parse_addr(const char *s, int plen_ok,
	    struct pk_os_inaddr *a, struct pk_err *err);
int	pk_sb_parse_mac(const char *s, uint8_t mac[6], struct pk_err *err);
void	pk_sb_format_addr(const struct pk_os_inaddr *a, char *buf,
	    size_t size);

/* For the leak checker: the vnet's OS handle (NULL once released). */
struct pk_os_vnet *pk_vnet_os(const struct pk_vnet *v);

#endif /* !PK_SANDBOX_IMPL_H */
