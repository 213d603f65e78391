/*
 * cap.c: what a background closer keeps, the same on every OS.
 *
 * close_range(2) is in Linux 5.9 and FreeBSD 12.2 alike; glibc declares
 * it only for _GNU_SOURCE, which means nothing on FreeBSD.
 */
#define	_GNU_SOURCE
#include <stddef.h>
#include <unistd.h>

#include "os_common.h"

/*
 * close_range(2) over the gaps between the descriptors to keep: no
 * /proc walk, nothing that allocates.  (On FreeBSD a kqueue does not
 * survive fork(2): a capture's poll descriptor is not among them, and a
 * background closer keeps nothing of a capture there, whose close costs
 * nothing anyway.)
 */
void
pk_os_fd_keep(const int *fds, size_t n)
{
	unsigned lo, next;
	size_t i;

	lo = 0;
	for (;;) {
		next = ~0U;
		for (i = 0; i < n; i++)
			if (fds[i] >= 0 && (unsigned)fds[i] >= lo &&
			    (unsigned)fds[i] < next)
				next = (unsigned)fds[i];
		if (next == ~0U) {
			(void)close_range(lo, ~0U, 0);
			return;
		}
		if (next > lo)
			(void)close_range(lo, next - 1, 0);
		lo = next + 1;
	}
}
