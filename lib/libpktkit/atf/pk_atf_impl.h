/*
 * pk_atf_impl.h: the atf layer's private state (not installed).
 */
#ifndef PK_ATF_IMPL_H
#define PK_ATF_IMPL_H

#include <limits.h>
#include <stdint.h>

#include "pk_atf.h"
#include "../leak/pk_leak.h"

struct pk_tc {
	const atf_tc_t		*atf;
	const struct pk_tc_conf	*conf;
	struct pk_sandbox	*sb;
	struct pk_leak		*leak;
	int			 exclusive;
	int			 reap;
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
	/* What pk_tc_end() took, for the case benchmark. */
	int64_t			 teardown_us;	/* sandbox close, reaping */
	int64_t			 check_us;	/* the leak check */
};

/*
 * Keep p until the case ends; fails the case if it cannot.
 */
void	pk_tc_own(struct pk_tc *t, void *p);
void	pk_tc_free_owned(struct pk_tc *t);

/*
 * A case's life without atf, as pk_tc_main() lives it; the case
 * benchmark drives it directly.  The work directory is the current
 * directory.
 *
 * pk_tc_begin() snapshots the machine, moves the process into its private
 * host and opens the case's sandbox there (reaping on: see pk_tc_sort()).
 * pk_tc_end() tears the sandbox down, reaps orphans left in the host and
 * runs the leak check; every finding, raw, is appended to rep, and
 * *skipped says which checks did not run (or is NULL).
 */
struct pk_tc_setup {
	int		 exclusive;	/* compare global counts */
	int		 reap;		/* reaped orphans are notes */
	unsigned	 settle_ms;	/* 0: the sandbox's default */
};

int	pk_tc_begin(struct pk_tc *t, const struct pk_tc_setup *s,
	    struct pk_err *err);
void	pk_tc_end(struct pk_tc *t, struct pk_report *rep,
	    const char **skipped);

/*
 * Sort teardown findings into failures and notes: a "leak: " line is a
 * failure, and so is a "reaped: " line unless reap is set (rewritten as
 * a "leak: " line that says what was destroyed); anything else is a
 * note.  Returns the number of failures.
 */
size_t	pk_tc_sort(const struct pk_report *rep, int reap,
	    struct pk_report *fails, struct pk_report *notes);

#endif /* !PK_ATF_IMPL_H */
