/*
 * pk_report.h: a list of finding lines.
 *
 * Teardown and the leak checker can find several things wrong at once
 * (two vnets still alive, an interface that came back, a socket count
 * that did not return).  They append one self-contained line per finding
 * to a caller-owned report, so that a failing test can show all of them
 * rather than the first.
 */
#ifndef PK_REPORT_H
#define PK_REPORT_H

#include <stddef.h>

struct pk_report {
	char	**lines;	/* one finding each, no trailing newline */
	size_t	  n;		/* number of lines */
	size_t	  cap;		/* allocated slots (private) */
};

#define	PK_REPORT_INIT	{ NULL, 0, 0 }

/*
 * Append a line formatted from fmt.  On allocation failure the line is
 * dropped and -1 returned; a report is evidence, not control flow, so
 * callers may ignore that.
 */
int	pk_report_add(struct pk_report *rep, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

/*
 * Join every line with sep into buf (size bytes, always terminated).
 * Returns the length the whole text would have had, as snprintf does.
 */
size_t	pk_report_join(const struct pk_report *rep, const char *sep,
	    char *buf, size_t size);

/*
 * Free every line and reset rep to empty; rep itself is the caller's.
 */
void	pk_report_free(struct pk_report *rep);

#endif /* !PK_REPORT_H */
