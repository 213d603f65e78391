/*
 * pk_leak.h: what a test case could leak, snapshotted before and
 * compared after.
 *
 * Three kinds of evidence, from cheapest and most exact to least:
 *
 *  1. Interface lists.  The machine's own stack must look the same after
 *     a case as before it, and so must the case's host once its vnets are
 *     gone: an interface that "popped back" from a dying vnet, or one a
 *     test made behind the framework's back, shows up here by name.
 *  2. Vnets.  Teardown itself (pk_sandbox_close()) reports a vnet that did
 *     not die, with what holds it; nothing more is needed here.
 *  3. Kernel object counts: the slab caches behind sockets and the global
 *     socket counters on Linux, the UMA zones on FreeBSD.  They are global,
 *     so other cases running at the same time move them; they are compared
 *     only when the case runs exclusively, and the check says so when it
 *     skipped them.
 *
 * Every finding is one line in a struct pk_report, saying what leaked,
 * where, and the values before and after.
 */
#ifndef PK_LEAK_H
#define PK_LEAK_H

#include <stddef.h>

#include "../pk_err.h"
#include "../pk_report.h"

/*
 * Interface lists.
 */
#define	PK_IFNAME_MAX	16
#define	PK_IFKIND_MAX	16

struct pk_ifent {
	int	index;
	char	name[PK_IFNAME_MAX];
	char	kind[PK_IFKIND_MAX];	/* "veth", "dummy", "" if unknown */
};

struct pk_iflist {
	struct pk_ifent	*v;
	size_t		 n;
};

/*
 * List the interfaces of the network stack the calling thread is in.
 * The list is sorted by index; free it with pk_iflist_free().
 */
int	pk_iflist_current(struct pk_iflist *l, struct pk_err *err);
void	pk_iflist_free(struct pk_iflist *l);

/*
 * Compare two lists of the same stack.  Each interface that appeared,
 * disappeared or was replaced (same name, new index) becomes a finding
 * naming where ("the machine", "the case host").  Returns the number of
 * findings.
 */
size_t	pk_iflist_diff(const struct pk_iflist *before,
	    const struct pk_iflist *after, const char *where,
	    struct pk_report *rep);

/*
 * Save a list to a file and load it back, so that a cleanup process can
 * compare against what the body saw.
 */
int	pk_iflist_save(const struct pk_iflist *l, const char *path,
	    struct pk_err *err);
int	pk_iflist_load(struct pk_iflist *l, const char *path,
	    struct pk_err *err);

/*
 * Kernel object counts.
 */
#define	PK_COUNT_NAME_MAX	48

/*
 * What a count counts.  Some kernel objects exist once per network stack
 * (on Linux, every namespace holds a few raw IPv6 sockets of its own), so
 * their count moves whenever anything on the machine makes or drops a
 * stack: they are compared only while the number of stacks, itself one
 * of the counts where the OS offers it, is the same before and after.
 */
enum pk_count_kind {
	PK_COUNT_OBJECTS,	/* compared */
	PK_COUNT_PER_STACK,	/* compared while the stacks are the same */
	PK_COUNT_STACKS		/* the number of network stacks: context
				   only (a stack that outlives its case is
				   reported by teardown, with its holders) */
};

struct pk_count {
	/* "slab TCP", "sockstat TCP alloc" */
	char			name[PK_COUNT_NAME_MAX];
	long long		value;
	enum pk_count_kind	kind;
};

struct pk_counts {
	struct pk_count	*v;
	size_t		 n;
};

/*
 * Read every count this OS offers, made as exact as the OS allows (on
 * Linux each slab cache is shrunk first, so that its object count is
 * the number of live objects, not of slots in partly used slabs).  Slab
 * caches the kernel merged with others are left out, since their counts
 * mix unrelated objects.  Free with pk_counts_free().
 */
int	pk_counts_read(struct pk_counts *c, struct pk_err *err);
void	pk_counts_free(struct pk_counts *c);

/*
 * Each count that differs between before and after becomes a finding
 * with both values, but for a per-stack count when the number of stacks
 * changed meanwhile: that becomes a "note: " line saying why it was not
 * compared.  Returns the number of findings.
 */
size_t	pk_counts_diff(const struct pk_counts *before,
	    const struct pk_counts *after, struct pk_report *rep);

/*
 * A leak check for one test case, in the order the case runs:
 *
 *	pk_leak_begin()		in the machine's stack, before anything
 *	(move into the private host: pk_sandbox_open())
 *	pk_leak_baseline_host()	in the case host, before any vnet exists
 *	(the body; pk_leak_host_own() for the sandbox's own interfaces;
 *	 then pk_sandbox_close())
 *	pk_leak_check()		after teardown
 *	pk_leak_free()
 *
 * Kernel object counts are read in the case host on both sides, so that
 * both readings include the objects every network stack has of its own
 * (on Linux, each namespace holds a few raw IPv6 sockets), and each
 * reading follows the quiesce function, so that neither includes a stack
 * still being dismantled (the previous case's, the case's own vnets).
 */
struct pk_leak;

struct pk_leak_conf {
	/*
	 * Non-zero: the case runs alone, so global counts are compared.
	 */
	int		 exclusive;
	/*
	 * Where to save the machine's interface list for a cleanup process
	 * (may be NULL).
	 */
	const char	*machine_file;
	/*
	 * Called before counts are read, before and after a case
	 * (exclusive mode only; may be NULL): it must return once the
	 * kernel has finished every teardown started before, for example
	 * by destroying a throw-away vnet synchronously, since vnet
	 * teardowns complete in order.
	 */
	int		(*quiesce)(void *arg, struct pk_err *err);
	void		*quiesce_arg;
};

/*
 * Snapshot the machine's interfaces.  Keeps a way to look at the
 * machine's stack again from inside the private host.
 */
int	pk_leak_begin(struct pk_leak **lp, const struct pk_leak_conf *conf,
	    struct pk_err *err);

/*
 * Snapshot the case host's interfaces (the stack the caller is now in)
 * and, in exclusive mode, the kernel object counts.
 */
int	pk_leak_baseline_host(struct pk_leak *l, struct pk_err *err);

/*
 * Name an interface of the case host that the sandbox made for itself
 * and that goes with one of its vnets (a vnet's canary, on Linux).  It is
 * left out of the case host's comparison: it outlives teardown only with
 * its vnet, which teardown reports already, with what holds it.
 */
int	pk_leak_host_own(struct pk_leak *l, const char *name,
	    struct pk_err *err);

/*
 * Compare everything with the snapshots and append each finding to rep.
 * Returns the number of findings, or -1 if a snapshot could not be
 * taken.  When counts were not compared (the case was not exclusive), a
 * note saying so is put in *skipped (may be NULL) rather than in rep.
 */
int	pk_leak_check(struct pk_leak *l, struct pk_report *rep,
	    const char **skipped, struct pk_err *err);

void	pk_leak_free(struct pk_leak *l);

/*
 * Destroy every orphaned TCP socket (no process holds it, it is not in
 * TIME-WAIT) of the stack the caller is in: on a case host after its
 * vnets are gone, such a socket would keep the host alive for minutes
 * after the case's last process exits, out of anyone's reach.  Each one
 * is appended to rep as "reaped: the case host: destroyed orphaned ..."
 * (as pk_sandbox_close() reports those of vnets), or as a "leak: " line
 * if it could not be destroyed.  Returns the number destroyed, or -1.
 */
int	pk_leak_reap_here(struct pk_report *rep, struct pk_err *err);

#endif /* !PK_LEAK_H */
