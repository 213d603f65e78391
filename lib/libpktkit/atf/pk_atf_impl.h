/*
 * pk_atf_impl.h: the atf layer's private state (not installed).
 */
#ifndef PK_ATF_IMPL_H
#define PK_ATF_IMPL_H

#include <limits.h>

#include "pk_atf.h"
#include "../leak/pk_leak.h"

struct pk_tc {
	const atf_tc_t		*atf;
	const struct pk_tc_conf	*conf;
	struct pk_sandbox	*sb;
	struct pk_leak		*leak;
	int			 exclusive;
	unsigned		 settle_ms;
	char			 workdir[PATH_MAX];
	char			 journal[PATH_MAX + 32];
	char			 quiesce_journal[PATH_MAX + 32];
	char			 machine_file[PATH_MAX + 32];
	/* Output of the last pk_run(). */
	struct pk_run_result	 last;
	/* Memory handed to the test (epair pairs), freed at the end. */
	void			**owned;
	size_t			 nowned;
};

/*
 * Keep p until the case ends; fails the case if it cannot.
 */
void	pk_tc_own(struct pk_tc *t, void *p);
void	pk_tc_free_owned(struct pk_tc *t);

#endif /* !PK_ATF_IMPL_H */
