/*
 * pk_os_leak.h: the OS seam's operations for the leak checker.
 *
 * (To be folded into os/pk_os.h, the one seam header, when the sandbox
 * backend lands.)
 */
#ifndef PK_OS_LEAK_H
#define PK_OS_LEAK_H

#include "../pk_err.h"
#include "../leak/pk_leak.h"

/*
 * An observer of one network stack: opened in that stack, it lists the
 * stack's interfaces later from wherever the caller has moved since (the
 * leak checker opens one in the machine's stack before a case moves into
 * its private host).
 */
struct pk_os_stackobs;

int	pk_os_stackobs_open(struct pk_os_stackobs **op, struct pk_err *err);
int	pk_os_stackobs_iflist(struct pk_os_stackobs *o, struct pk_iflist *l,
	    struct pk_err *err);
void	pk_os_stackobs_close(struct pk_os_stackobs *o);

/*
 * Read the kernel's object counts (see pk_counts_read()); appends to c.
 */
int	pk_os_counts_read(struct pk_counts *c, struct pk_err *err);

#endif /* !PK_OS_LEAK_H */
