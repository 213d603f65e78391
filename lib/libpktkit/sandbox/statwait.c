/*
 * statwait.c: waiting for a protocol statistic to reach a value.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stddef.h>

#include "pk_sandbox_impl.h"
#include "../pk_time.h"

/*
 * How often a counter is read again.  Short enough to add little to
 * the event it reflects; long enough not to busy a CPU the kernel may
 * need to make that event happen.
 */
#define	STAT_WAIT_STEP_MS	5

int
pk_vnet_stat_wait(struct pk_vnet *v, const char *name, uint64_t min,
    unsigned ms, uint64_t *val, struct pk_err *err)
{
	uint64_t cur;
	int64_t end;
	int left;

	if (ms == 0)
		return (pk_err_set(err, EINVAL, "statistic %s: no deadline",
		    name != NULL ? name : "(null)"));
	end = pk_now_ms() + pk_deadline_ms(ms);
	for (;;) {
		if (pk_vnet_stat(v, name, &cur, err) != 0)
			return (-1);
		if (val != NULL)
			*val = cur;
		if (cur >= min)
			return (1);
		if ((left = pk_ms_left(end)) == 0)
			break;
		(void)poll(NULL, 0, left < STAT_WAIT_STEP_MS ? left :
		    STAT_WAIT_STEP_MS);
	}
	(void)pk_err_set(err, ETIMEDOUT, "vnet %s: statistic %s still %"
	    PRIu64 " after %u ms, waited for %" PRIu64, pk_vnet_name(v), name,
	    cur, ms, min);
	return (0);
}
