/*
 * fwstate_freebsd.c: pf states (see pk_os_fw_states()).
 *
 * Not written yet: listing needs DIOCGETSTATESV2 on /dev/pf from a
 * child attached to the jail (the descriptor passed back as the other
 * jail operations do), and killing DIOCKILLSTATES by id and creator id.
 * Until then both operations say so, rather than report an empty state
 * table that a test would take for the truth.
 */
#include <sys/types.h>

#include <errno.h>
#include <stddef.h>

#include "pk_os.h"

int
pk_os_fw_states(struct pk_os_vnet *ov, struct pk_fw_state **sp, size_t *np,
    struct pk_err *err)
{

	(void)ov;
	*sp = NULL;
	*np = 0;
	return (pk_err_set(err, ENOTSUP, "firewall states: not yet "
	    "implemented for pf (DIOCGETSTATESV2)"));
}

int
pk_os_fw_kill_states(struct pk_os_vnet *ov, const struct pk_fw_state *s,
    size_t n, size_t *killed, struct pk_err *err)
{

	(void)ov;
	(void)s;
	(void)n;
	if (killed != NULL)
		*killed = 0;
	return (pk_err_set(err, ENOTSUP, "firewall states: not yet "
	    "implemented for pf (DIOCKILLSTATES)"));
}
