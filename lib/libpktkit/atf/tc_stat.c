/*
 * tc_stat.c: waiting for a statistic, as a test case does it.
 */
#include "pk_atf.h"
#include "pk_atf_impl.h"

uint64_t
pk_tc_stat_wait(struct pk_tc *t, const char *file, int line,
    struct pk_vnet *v, const char *name, uint64_t min, unsigned ms)
{
	struct pk_err err;
	uint64_t val;

	if (v == NULL)
		v = pk_host(t);
	if (pk_vnet_stat_wait(v, name, min, ms, &val, &err) != 1)
		pk_tc_fail_err(t, file, line, &err);
	return (val);
}
